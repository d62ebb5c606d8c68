"""Batch replay of specialist benchmark cases (CONTRACT.md §3): read cases, run the specialists, score.

A case that cannot be used (its care plan does not load, its turn is malformed) is reported as an
error in the report while the others still run; a malformed JSON line is reported with its line
number. Only a file with no usable case at all is bad input.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from careplans import CarePlan, CarePlanError
from careplans.loader import load_from_text, plan_from_data, read_text
from constellation.errors import UserError
from specialists.base import TurnContext, Utterance
from specialists.findings import KEYS
from specialists.panel import run_panel
from specialists.registry import all_specialists

if TYPE_CHECKING:
    from evaluation.engines import Judgement, ReplayEngine
    from evaluation.replay_config import ReplayConfig

MAX_TURN_CHARS = 4000  # longer turns are cut (and the cut reported): no real utterance is this long
MAX_CASES_BYTES = 512 * 1024 * 1024


@dataclass
class Case:
    id: str
    line: int
    data: dict[str, Any]

    @property
    def conversation(self) -> str:
        from evaluation.compare import conversation_key

        return conversation_key(self.data)


@dataclass
class ParsedFile:
    cases: list[Case] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


def read_cases(path: Path) -> ParsedFile:
    """Every case line of a JSONL file; malformed lines become errors with their line number."""
    if not path.exists() or not path.is_file():
        raise UserError(f"{path}: cases file not found")
    if path.stat().st_size > MAX_CASES_BYTES:
        raise UserError(f"{path}: cases file is larger than {MAX_CASES_BYTES // (1024 * 1024)} MB")
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise UserError(f"{path}: binary file, not JSON Lines")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"{path}: not UTF-8 text") from None
    parsed = ParsedFile()
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            parsed.errors.append({"line": number, "error": f"malformed JSON: {exc.msg} (column {exc.colno})"})
            continue
        if not isinstance(data, dict):
            parsed.errors.append({"line": number, "error": "a case must be a JSON object"})
            continue
        case_id = str(data.get("id") or f"line-{number}")
        if case_id in seen:
            parsed.errors.append({"line": number, "id": case_id, "error": f"duplicate case id {case_id!r}"})
            case_id = f"{case_id}#line-{number}"
        seen.add(case_id)
        parsed.cases.append(Case(case_id, number, data))
    if not parsed.cases:
        detail = f"; first problem: line {parsed.errors[0]['line']}: {parsed.errors[0]['error']}" if parsed.errors else ""
        raise UserError(f"{path}: no usable case in the file{detail}")
    return parsed


class PlanCache:
    """Care plans by file path or inline content, loaded once per run."""

    def __init__(self, base: Path):
        self.base = base
        self._plans: dict[str, CarePlan | CarePlanError] = {}

    def get(self, ref: Any) -> CarePlan:
        if isinstance(ref, str) and f"ref:{ref}" in self._plans:  # skip path resolution on repeats
            found_ref = self._plans[f"ref:{ref}"]
            if isinstance(found_ref, CarePlanError):
                raise found_ref
            return found_ref
        if isinstance(ref, str):
            path = (self.base / ref).resolve()
            key = f"path:{path}"
            if key not in self._plans:
                try:
                    self._plans[key] = load_from_text(read_text(path), str(path)).plan
                except CarePlanError as exc:
                    self._plans[key] = exc
        elif isinstance(ref, dict):
            key = "inline:" + json.dumps(ref, sort_keys=True)
            if key not in self._plans:
                try:
                    if ref.get("resourceType") == "Bundle":
                        from careplans.fhir import care_plan_from_bundle

                        self._plans[key] = care_plan_from_bundle(ref, "inline care plan")[0]
                    else:
                        self._plans[key] = plan_from_data(ref, "inline care plan")
                except CarePlanError as exc:
                    self._plans[key] = exc
        else:
            raise CarePlanError("care_plan", [])
        found = self._plans[key]
        if isinstance(ref, str):
            self._plans[f"ref:{ref}"] = found
        if isinstance(found, CarePlanError):
            raise found
        return found


def _utterance(raw: Any, what: str) -> Utterance:
    if not isinstance(raw, dict) or raw.get("speaker") not in ("agent", "patient") or not isinstance(raw.get("text"), str):
        raise ValueError(f"{what} must be an object with speaker 'agent' or 'patient' and a text")
    return Utterance(raw["speaker"], raw["text"])


def prepare(case: Case, plans: PlanCache) -> tuple[TurnContext | None, dict[str, Any]]:
    """A case's turn context and its report entry so far; no context (and an `error` in the entry) when the
    case cannot be judged."""
    entry: dict[str, Any] = {"id": case.id, "findings": [], "latency_ms": 0.0}
    try:
        plan = plans.get(case.data.get("care_plan"))
    except CarePlanError as exc:
        entry["error"] = "care plan could not be loaded: " + "; ".join(str(p) for p in exc.problems) if exc.problems \
            else "care plan could not be loaded: missing or not a path or an object"
        return None, entry
    try:
        turn = _utterance(case.data.get("turn"), "turn")
        history = [_utterance(u, f"history[{i}]") for i, u in enumerate(case.data.get("history") or [])]
    except ValueError as exc:
        entry["error"] = str(exc)
        return None, entry
    if len(turn.text) > MAX_TURN_CHARS:
        entry["warning"] = f"turn text cut from {len(turn.text)} to {MAX_TURN_CHARS} characters"
        turn = Utterance(turn.speaker, turn.text[:MAX_TURN_CHARS])
    ctx = TurnContext(plan=plan, turn=turn, history=history,
                      identity_verified=bool(case.data.get("identity_verified", False)),
                      today=parse_today(case.data.get("today")))
    return ctx, entry


def _finish(entry: dict[str, Any], judged: Judgement, started: float) -> dict[str, Any]:
    entry["findings"] = [f.to_contract() for f in judged.findings]
    entry["latency_ms"] = round((time.perf_counter() - started) * 1000, 3)
    entry["specialist_latency_ms"] = judged.specialist_latency_ms
    if judged.model_errors:
        entry["model_errors"] = judged.model_errors
    return entry


def run_case(case: Case, plans: PlanCache, engine: ReplayEngine | None = None) -> dict[str, Any]:
    """One case through a deterministic engine (by default every specialist) -> the report's case entry."""
    started = time.perf_counter()
    ctx, entry = prepare(case, plans)
    if ctx is None:
        return entry
    return _finish(entry, (engine or default_engine()).judge(ctx), started)


async def arun_case(case: Case, plans: PlanCache, engine: ReplayEngine, limit: asyncio.Semaphore) -> dict[str, Any]:
    """One case through a model engine, at most `limit` cases at once."""
    async with limit:
        started = time.perf_counter()
        ctx, entry = prepare(case, plans)
        if ctx is None:
            return entry
        return _finish(entry, await engine.ajudge(ctx), started)


def parse_today(raw: Any) -> dt.date:
    if isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    return dt.date.today()


# ---------------------------------------------------------------- scoring
def canon(finding: dict[str, Any]) -> tuple[str, ...] | None:
    kind = str(finding.get("kind", "")).strip().lower()
    if kind not in KEYS:
        return None
    if kind == "escalation" and str(finding.get("level", "")).lower() == "none":
        return None
    return (kind,) + tuple(str(finding.get(k, "")).strip().lower() for k in KEYS[kind])


def metrics(cases: Iterable[tuple[list[dict[str, Any]], list[dict[str, Any]]]]) -> dict[str, dict[str, float]]:
    """Per-kind precision/recall/F1/support over (expected, found) pairs, plus "micro"."""
    tp: dict[str, int] = defaultdict(int)
    fp: dict[str, int] = defaultdict(int)
    fn: dict[str, int] = defaultdict(int)
    for expected, found in cases:
        gold = {c for c in map(canon, expected) if c}
        pred = {c for c in map(canon, found) if c}
        for f in pred & gold:
            tp[f[0]] += 1
        for f in pred - gold:
            fp[f[0]] += 1
        for f in gold - pred:
            fn[f[0]] += 1
    out: dict[str, dict[str, float]] = {}
    for kind in sorted(set(tp) | set(fp) | set(fn)):
        out[kind] = _prf(tp[kind], fp[kind], fn[kind])
    out["micro"] = _prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return out


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": tp + fn}


# ---------------------------------------------------------------- running
def warm_up() -> None:
    """Load the drug dictionary and every specialist once, so per-case latency excludes one-time start-up."""
    from specialists.text import drugs

    drugs.preload()
    all_specialists()


def default_engine() -> ReplayEngine:
    from evaluation.engines import build_engine
    from evaluation.replay_config import default_config

    return _engine_for(default_config(), build_engine)


_ENGINES: dict[str, ReplayEngine] = {}
_PLANS: dict[str, PlanCache] = {}
_LOOP: asyncio.AbstractEventLoop | None = None


def _engine_for(config: ReplayConfig, build: Callable[[ReplayConfig], ReplayEngine]) -> ReplayEngine:
    """One engine per configuration per process (model clients and agents are built once)."""
    key = config.digest()
    if key not in _ENGINES:
        _ENGINES[key] = build(config)
    return _ENGINES[key]


def run_chunk(base: str, config_data: dict[str, Any], cases: list[Case]) -> list[dict[str, Any]]:
    """Cases through one configuration, in this process: one after another for the deterministic engine,
    concurrently (bounded by the configuration's `concurrency`) for a model engine. Used in-process, by
    worker processes and by Ray tasks alike; `config_data` is the configuration as plain data so it pickles."""
    global _LOOP
    from evaluation.engines import build_engine
    from evaluation.replay_config import ReplayConfig

    config = ReplayConfig.model_validate(config_data)
    warm_up()
    engine = _engine_for(config, build_engine)
    plans = _PLANS.setdefault(base, PlanCache(Path(base)))  # care plans loaded once per process, not per chunk
    _warm_plans(plans, cases)
    if not engine.uses_model:
        return [run_case(c, plans, engine) for c in cases]

    async def run_all() -> list[dict[str, Any]]:
        limit = asyncio.Semaphore(config.concurrency)
        return list(await asyncio.gather(*(arun_case(c, plans, engine, limit) for c in cases)))

    # One loop per process, kept: model clients made on it stay usable for the next chunk.
    if _LOOP is None or _LOOP.is_closed():
        _LOOP = asyncio.new_event_loop()
    return _LOOP.run_until_complete(run_all())


_WARMED: set[str] = set()
WARM_UP_TURNS = (("patient", "Hello, I'm doing all right today."), ("agent", "Hello, this is your care team calling."))


def _warm_plans(plans: PlanCache, cases: list[Case]) -> None:
    """Load each care plan and its per-plan caches once per process on neutral turns, so a case's latency is
    judging only, whichever configuration happens to meet a plan first."""
    for case in cases:
        ref = case.data.get("care_plan")
        key = ref if isinstance(ref, str) else json.dumps(ref, sort_keys=True, default=str)
        if key in _WARMED:
            continue
        _WARMED.add(key)
        try:
            plan = plans.get(ref)
        except CarePlanError:
            continue
        for speaker, text in WARM_UP_TURNS:
            run_panel(TurnContext(plan=plan, turn=Utterance(speaker, text), identity_verified=True),  # type: ignore[arg-type]
                      all_specialists())


def chunks(cases: list[Case], size: int) -> Iterator[list[Case]]:
    for i in range(0, len(cases), size):
        yield cases[i:i + size]


def replay(cases_path: Path, *, workers: int = 1, progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """The CONTRACT.md §3 report for a cases file, every specialist deterministic, nothing stored."""
    from evaluation.replay_runner import run_configs
    from evaluation.replay_sources import from_cases_file

    return run_configs(from_cases_file(cases_path), [], workers=workers, progress=progress)


def percentile(values: Iterable[float], q: float) -> float:
    """The nearest-rank q-quantile (0 <= q <= 1) of a non-empty sample."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def latency_summary(report: dict[str, Any]) -> dict[str, float]:
    values = [c["latency_ms"] for c in report["cases"] if "error" not in c]
    if not values:
        return {}
    return {"p50_ms": percentile(values, 0.5), "p95_ms": percentile(values, 0.95), "max_ms": max(values)}
