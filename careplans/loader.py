"""Load a care plan from the project's own format (YAML or JSON) or a FHIR R4 Bundle, told apart by content.

Every problem is reported at once, each with the field path (``medications[1].name``) and, for YAML
and JSON files, the line it is on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from careplans.model import CarePlan

MAX_BYTES = 10 * 1024 * 1024


class _PlanLoader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so pydantic validates them with a field path."""


class _FastPlanLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same over libyaml when PyYAML has it (about ten times faster; a replay loads many plans)."""


_NO_TIMESTAMPS = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_PlanLoader.yaml_implicit_resolvers = _NO_TIMESTAMPS
_FastPlanLoader.yaml_implicit_resolvers = _NO_TIMESTAMPS


@dataclass(frozen=True)
class Problem:
    path: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.path or "(file)"
        if self.line is not None:
            where += f" (line {self.line}" + (f", column {self.column})" if self.column else ")")
        return f"{where}: {self.message}"


class CarePlanError(ValueError):
    """A care plan that cannot be used, with every problem found."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = problems
        super().__init__(self.describe())

    def describe(self) -> str:
        head = f"{self.source}: not a usable care plan ({len(self.problems)} problem{'s' if len(self.problems) != 1 else ''})"
        return head + "".join(f"\n  - {p}" for p in self.problems)


@dataclass
class LoadedPlan:
    plan: CarePlan
    format: str  # "yaml", "json" or "fhir"
    notes: list[str] = field(default_factory=list)  # what a FHIR import could not map


def read_text(path: Path) -> str:
    """The file's text, or CarePlanError for a missing, huge, empty or binary file."""
    source = str(path)
    if not path.exists():
        raise CarePlanError(source, [Problem("", "file not found")])
    if path.is_dir():
        raise CarePlanError(source, [Problem("", "is a directory, not a file")])
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise CarePlanError(source, [Problem("", f"file is {size / 1e6:.1f} MB; the limit is {MAX_BYTES // (1024 * 1024)} MB")])
    raw = path.read_bytes()
    return decode_text(raw, source)


def decode_text(raw: bytes, source: str) -> str:
    if not raw.strip():
        raise CarePlanError(source, [Problem("", "file is empty")])
    if b"\x00" in raw[:8192]:
        raise CarePlanError(source, [Problem("", "binary file (not YAML, JSON or a FHIR bundle)")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CarePlanError(source, [Problem("", f"not UTF-8 text (byte {exc.start})")]) from None


def parse_document(text: str, source: str) -> tuple[Any, str]:
    """(data, format)."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            return json.loads(text), "json"
        except json.JSONDecodeError as exc:
            raise CarePlanError(source, [Problem("", f"JSON syntax error: {exc.msg}", exc.lineno, exc.colno)]) from None
    try:
        data = yaml.load(text, Loader=_FastPlanLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc)
        line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        raise CarePlanError(source, [Problem("", f"YAML syntax error: {reason}", line, column)]) from None
    return data, "yaml"


def _compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_PlanLoader)
    except yaml.YAMLError:
        return None


def _node_at(root: yaml.Node | None, loc: tuple[int | str, ...]) -> yaml.Node | None:
    """The YAML node at ``loc``, or the deepest existing parent (a missing field's mapping)."""
    node = root
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        if child is None:
            return node
        node = child
    return node


def format_loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def problems_from_validation(exc: ValidationError, root: yaml.Node | None = None) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not isinstance(p, str) or not p.startswith(("function-", "tagged-union")))
        message = err["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, "):]
        if err["type"] == "extra_forbidden":
            message = "unknown field"
        node = _node_at(root, loc)
        line = node.start_mark.line + 1 if node is not None else None
        problems.append(Problem(format_loc(loc), message, line))
    return problems


def plan_from_data(data: Any, source: str, root: yaml.Node | None = None) -> CarePlan:
    if not isinstance(data, dict):
        raise CarePlanError(source, [Problem("", f"expected a mapping at the top level, found {type(data).__name__}")])
    try:
        return CarePlan.model_validate(data)
    except ValidationError as exc:
        raise CarePlanError(source, problems_from_validation(exc, root)) from None


def is_fhir_bundle(data: Any) -> bool:
    return isinstance(data, dict) and data.get("resourceType") == "Bundle"


def load_from_text(text: str, source: str) -> LoadedPlan:
    if not text.strip():
        raise CarePlanError(source, [Problem("", "file is empty")])
    data, fmt = parse_document(text, source)
    if is_fhir_bundle(data):
        from careplans.fhir import care_plan_from_bundle

        plan, notes = care_plan_from_bundle(data, source)
        return LoadedPlan(plan, "fhir", notes)
    if isinstance(data, dict) and "resourceType" in data:
        raise CarePlanError(source, [Problem("resourceType", f"a FHIR {data['resourceType']} is not a care plan; give a Bundle")])
    try:
        return LoadedPlan(plan_from_data(data, source), fmt)
    except CarePlanError:
        # the node tree (line and column of each problem) costs as much as the parse: built only for a bad plan
        return LoadedPlan(plan_from_data(data, source, _compose(text)), fmt)


def load(path: str | Path) -> LoadedPlan:
    """Load a care plan file (YAML, JSON or FHIR R4 Bundle); CarePlanError lists every problem."""
    p = Path(path)
    return load_from_text(read_text(p), str(p))


def load_care_plan(path: str | Path) -> CarePlan:
    return load(path).plan


def dump_yaml(plan: CarePlan) -> str:
    data = plan.model_dump(mode="json", exclude_none=True, exclude_defaults=False)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
