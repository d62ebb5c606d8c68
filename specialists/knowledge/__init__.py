"""The clinical knowledge core, as data: typed, validated, loaded once.

The facts live in the YAML files beside this module, each record with the ``source`` it comes from
(FDA labels, DailyMed, AGS Beers Criteria, KDIGO, ACC/AHA, ADA, CONTRACT.md §2, the labelling
conventions of shared/samples/README.md):

========================== ====================================================================
``drugs.yaml``             canonical generic names -> classes, brands, synonyms; combination
                           products with their ingredients; plain-speech descriptions
``product_strengths.yaml`` OTC product -> mg per unit; the product a bare brand name means
``max_daily_doses.yaml``   adult maximum daily dose (OTC label / Rx label)
``contraindications.yaml`` drug or class x condition class / allergy class rules, with matchers
``interactions.yaml``      dangerous drug pairs (and documented "monitor" pairs)
``reference_ranges.yaml``  adult reference ranges, critical values, escalation thresholds
``medication_lab_effects.yaml`` drug or class -> analyte -> direction it pushes
``red_flags.yaml``         red-flag symptom phrasings with escalation levels
========================== ====================================================================

Everything is validated when first used (:func:`knowledge`): every drug a rule names exists in
drugs.yaml or is a class used there, every analyte is a key of ``careplans.analytes.ANALYTES`` with
its canonical unit, every regex compiles, every record has a source. A broken file raises
:class:`KnowledgeError` listing every problem.

Names are matched after :func:`normalize_name` (lower case, apostrophes and dots dropped, hyphens
as spaces), so "Toprol-XL", "toprol xl" and "Toprol XL" are one key.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from careplans.analytes import ANALYTES

KNOWLEDGE_DIR = Path(__file__).resolve().parent

Direction = Literal["low", "high"]
Level = Literal["emergency", "urgent", "routine"]
Tier = Literal["core", "extended"]
DoseContext = Literal["otc_label", "rx_label"]

__all__ = [
    "AllergyClass", "Combination", "ConditionClass", "ContraindicationRule", "CriticalLimits",
    "Description", "DoseLimit", "Drug", "EscalationThreshold", "Ingredient", "InteractionRule",
    "Knowledge", "KnowledgeError", "LabEffect", "Modifiers", "ProductStrength", "RedFlag",
    "RedFlagFeature", "RefRange", "KNOWLEDGE_DIR",
    "allergy_classes", "allergy_classes_for", "brands", "check_examples", "class_members",
    "combinations", "condition_classes", "condition_classes_for", "contraindication_rules",
    "contraindications_for", "critical_limits", "descriptions", "drug", "drug_classes",
    "drug_names", "escalation_thresholds", "interaction_rules", "interactions_between",
    "is_class", "is_lab_cause", "knowledge", "lab_effects", "lab_non_effects", "load_knowledge",
    "lookup", "match_red_flags", "max_daily_limits", "max_daily_mg", "name_index",
    "normalize_name", "plan_allergy_classes", "plan_condition_classes", "product_strength",
    "red_flag_features", "red_flag_modifiers", "red_flags", "reference_range",
    "resolve_description", "resolve_names", "synonyms",
]


class KnowledgeError(ValueError):
    """A knowledge file that cannot be used, with every problem found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("clinical knowledge data is invalid:\n  - " + "\n  - ".join(problems))


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


def normalize_name(text: str) -> str:
    """Lower case; apostrophes, dots, '#' and '®/™' dropped; hyphens and underscores as spaces; '&' as 'and'."""
    s = text.translate(_APOSTROPHES).lower()
    s = re.sub(r"[’'.#®™]", "", s)
    s = s.replace("&", " and ")
    s = re.sub(r"[-_,]", " ", s)
    return re.sub(r"\s+", " ", s).strip()


# --------------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @field_validator("source", mode="after", check_fields=False)
    @classmethod
    def _source(cls, v: str) -> str:
        if not v or not v.strip():
            raise ValueError("source must not be empty")
        return v


class Drug(_Model):
    name: str
    classes: tuple[str, ...] = Field(min_length=1, description="Classes as declared (see drug_classes() for the closure)")
    brands: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    source: str


class Ingredient(_Model):
    drug: str
    mg: float | None = Field(default=None, gt=0, description="Amount in one unit (or per_ml mL), as labelled")
    salt: str | None = None


class Combination(_Model):
    name: str
    brands: tuple[str, ...] = ()
    unit: str
    per_ml: float | None = Field(default=None, gt=0)
    ingredients: tuple[Ingredient, ...] = Field(min_length=2)
    source: str

    @property
    def drugs(self) -> tuple[str, ...]:
        return tuple(i.drug for i in self.ingredients)


class Description(_Model):
    id: str
    phrases: tuple[str, ...] = Field(min_length=1)
    classes: tuple[str, ...] = Field(min_length=1)
    fallback_classes: tuple[str, ...] = ()
    source: str


class ProductStrength(_Model):
    """Active ingredients of one OTC product, mg per ``unit`` (per ``per_ml`` mL for liquids)."""

    name: str
    unit: str
    per_ml: float | None = Field(default=None, gt=0)
    ingredients: tuple[Ingredient, ...] = Field(min_length=1)
    source: str

    def mg(self, drug: str) -> float | None:
        """mg of ``drug`` in one unit (one tablet, or ``per_ml`` mL), when the label gives it."""
        return next((i.mg for i in self.ingredients if i.drug == drug), None)

    def mg_per_ml(self, drug: str) -> float | None:
        mg = self.mg(drug)
        if mg is None or self.unit != "mL":
            return None
        return mg / (self.per_ml or 1.0)


class DoseLimit(_Model):
    drug: str
    context: DoseContext
    mg: float = Field(gt=0, description="Adult maximum in mg per 24 hours")
    basis: str | None = Field(default=None, description="Salt or equivalent the amount is of (naproxen sodium)")
    note: str | None = None
    source: str


class ConditionClass(_Model):
    id: str
    description: str | None = None
    snomed: tuple[str, ...] = ()
    icd10: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    exclude_patterns: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    counter_examples: tuple[str, ...] = ()
    history_counts: bool = False
    min_age: int | None = Field(default=None, ge=0, description="Pseudo-condition from the patient's age")
    source: str

    _rx: tuple[re.Pattern[str], ...] = PrivateAttr(default=())
    _rx_exclude: tuple[re.Pattern[str], ...] = PrivateAttr(default=())

    def matches_text(self, text: str) -> bool:
        t = text.translate(_APOSTROPHES)
        if any(r.search(t) for r in self._rx_exclude):
            return False
        return any(r.search(t) for r in self._rx)

    def matches_code(self, system: str, code: str) -> bool:
        sys_l, c = system.lower(), code.strip()
        if "snomed" in sys_l or sys_l in {"sct", "snomedct"}:
            return c in self.snomed
        if "icd" in sys_l:
            flat = c.replace(".", "").upper()
            return any(flat.startswith(p.replace(".", "").upper()) for p in self.icd10)
        return False


class AllergyClass(_Model):
    id: str
    drug_classes: tuple[str, ...] = Field(min_length=1)
    snomed: tuple[str, ...] = ()
    icd10: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    counter_examples: tuple[str, ...] = ()
    source: str

    _rx: tuple[re.Pattern[str], ...] = PrivateAttr(default=())
    _names_rx: re.Pattern[str] | None = PrivateAttr(default=None)

    def matches_text(self, text: str) -> bool:
        t = text.translate(_APOSTROPHES)
        if any(r.search(t) for r in self._rx):
            return True
        return bool(self._names_rx and self._names_rx.search(normalize_name(text)))

    def matches_code(self, system: str, code: str) -> bool:
        sys_l, c = system.lower(), code.strip()
        if "snomed" in sys_l:
            return c in self.snomed
        if "icd" in sys_l:
            flat = c.replace(".", "").upper()
            return any(flat.startswith(p.replace(".", "").upper()) for p in self.icd10)
        return False


class ContraindicationRule(_Model):
    id: str
    drugs: tuple[str, ...] = Field(min_length=1, description="Drug or class names")
    condition: str | None = None
    allergy: str | None = None
    severity: Literal["contraindicated", "avoid", "caution"]
    tier: Tier
    low_dose_aspirin_exempt: bool = False
    why: str
    source: str

    @property
    def raises(self) -> bool:
        """True when the rule warrants a `contraindicated` finding (not a mere caution)."""
        return self.severity != "caution"


class InteractionRule(_Model):
    id: str
    a: tuple[str, ...] = Field(min_length=1)
    b: tuple[str, ...] = Field(min_length=1)
    severity: Literal["contraindicated", "major", "avoid", "monitor"]
    effect: str
    risk: str = Field(min_length=3)  # the effect in a patient's words: "with your warfarin, it can <risk>"
    source: str

    @property
    def raises(self) -> bool:
        """True when the pair warrants an `interaction` finding (monitor-level pairs do not)."""
        return self.severity != "monitor"


class RefRange(_Model):
    analyte: str
    unit: str
    low: float | None = None
    high: float | None = None
    high_exclusive: bool = False
    screen_low: float | None = None
    screen_high: float | None = None
    sex: str | None = Field(default=None, description="male/female for a sex-specific range; None otherwise")
    sex_specific: bool = False
    note: str | None = None
    source: str

    def classify(self, value: float, *, screening: bool = True) -> Direction | None:
        """'low' / 'high' / None. With ``screening`` (default) the screen limits are used when set."""
        low = self.screen_low if screening and self.screen_low is not None else self.low
        high = self.screen_high if screening and self.screen_high is not None else self.high
        if low is not None and value < low:
            return "low"
        if high is not None:
            exclusive = self.high_exclusive and not (screening and self.screen_high is not None)
            if value > high or (exclusive and value >= high):
                return "high"
        return None


class CriticalLimits(_Model):
    analyte: str
    unit: str
    below: float | None = None
    above: float | None = None
    level: Level
    level_with_confusion: Level | None = None
    note: str | None = None
    source: str

    def classify(self, value: float) -> Direction | None:
        if self.below is not None and value < self.below:
            return "low"
        if self.above is not None and value > self.above:
            return "high"
        return None


class EscalationThreshold(_Model):
    id: str
    analyte: str
    op: Literal[">=", "<", "gain>="]
    value: float
    unit: str
    window_days: int | None = Field(default=None, gt=0)
    context: str | None = None
    level: Level
    note: str | None = None
    source: str


class LabEffect(_Model):
    drugs: tuple[str, ...] = Field(min_length=1, description="Drug or class names as declared")
    analyte: str
    direction: Direction
    tier: Tier = "core"
    source: str


class RedFlagFeature(_Model):
    id: str
    patterns: tuple[str, ...] = Field(min_length=1)
    source: str

    _rx: tuple[re.Pattern[str], ...] = PrivateAttr(default=())

    def search(self, text: str) -> re.Match[str] | None:
        t = text.translate(_APOSTROPHES)
        return next((m for r in self._rx if (m := r.search(t))), None)


class RedFlag(_Model):
    id: str
    level: Level
    patterns: tuple[str, ...] = Field(min_length=1)
    requires: tuple[str, ...] = ()
    # A feature that, said with the flag, raises it to ``raised_level`` (black stools with
    # lightheadedness are a bleed with signs of shock: emergency).
    raised_by: str | None = None
    raised_level: Level | None = None
    examples: tuple[str, ...] = ()
    counter_examples: tuple[str, ...] = ()
    source: str

    _rx: tuple[re.Pattern[str], ...] = PrivateAttr(default=())
    _features: tuple[RedFlagFeature, ...] = PrivateAttr(default=())
    _frames: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = PrivateAttr(default=())

    @property
    def frames(self) -> tuple[tuple[re.Pattern[str], re.Pattern[str]], ...]:
        """The two parts of each "near: A & B" pattern, compiled apart: an answer may say one part
        while the question it answers said the other."""
        return self._frames

    def search(self, text: str) -> re.Match[str] | None:
        """The first match of this flag's own patterns (``requires`` not checked)."""
        t = text.translate(_APOSTROPHES)
        return next((m for r in self._rx if (m := r.search(t))), None)

    def matches(self, text: str, context: str = "") -> bool:
        """Own pattern found in ``text`` and every required feature in ``text`` or ``context``."""
        if self.search(text) is None:
            return False
        both = f"{text}\n{context}" if context else text
        return all(f.search(both) is not None for f in self._features)


class SpokenForm(_Model):
    said: str = Field(min_length=1)
    means: str


class SpokenForms(_Model):
    forms: tuple[SpokenForm, ...] = ()
    source: str = ""


class Modifiers(_Model):
    negation: tuple[str, ...]
    hypothetical: tuple[str, ...]
    other_person: tuple[str, ...]
    source: str


# --------------------------------------------------------------------------------------------------
# The loaded bundle
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Knowledge:
    drugs: Mapping[str, Drug]
    class_parents: Mapping[str, tuple[str, ...]]
    drug_class_closure: Mapping[str, frozenset[str]]
    class_index: Mapping[str, frozenset[str]]
    combinations: Mapping[str, Combination]
    descriptions: tuple[Description, ...]
    names: Mapping[str, tuple[str, ...]]
    brand_names: Mapping[str, tuple[str, ...]]
    synonym_names: Mapping[str, str]
    products: Mapping[str, ProductStrength]
    product_defaults: Mapping[str, str]
    limits: Mapping[str, tuple[DoseLimit, ...]]
    condition_classes: Mapping[str, ConditionClass]
    allergy_classes: Mapping[str, AllergyClass]
    contraindications: tuple[ContraindicationRule, ...]
    low_dose_aspirin_mg: float
    interactions: tuple[InteractionRule, ...]
    ranges: Mapping[str, Mapping[str | None, RefRange]]
    no_range: Mapping[str, str]
    critical: Mapping[str, CriticalLimits]
    thresholds: tuple[EscalationThreshold, ...]
    lab_effects: tuple[LabEffect, ...]
    lab_non_effects: tuple[LabEffect, ...]
    red_flag_features: Mapping[str, RedFlagFeature]
    red_flags: tuple[RedFlag, ...]
    modifiers: Modifiers
    spoken_forms: SpokenForms
    flag_said_as: Mapping[str, str] = field(default_factory=dict)  # red flag id -> what the caller is told it is
    directory: Path = field(default=KNOWLEDGE_DIR)

    # -- name resolution ---------------------------------------------------------------------------
    def is_class(self, name: str) -> bool:
        return name in self.class_index

    def resolve(self, name: str) -> frozenset[str]:
        """Generic names a drug-or-class name stands for (empty when unknown)."""
        if name in self.drugs:
            return frozenset({name})
        return self.class_index.get(name, frozenset())

    def in_any(self, drug_name: str, names: Iterable[str]) -> bool:
        """Is ``drug_name`` one of ``names`` or a member of one of the classes in ``names``?"""
        classes = self.drug_class_closure.get(drug_name, frozenset())
        return any(n == drug_name or n in classes for n in names)


def _read(directory: Path, name: str, problems: list[str]) -> dict[str, Any]:
    path = directory / name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        problems.append(f"{name}: cannot be read ({exc})")
        return {}
    if not isinstance(data, dict):
        problems.append(f"{name}: top level must be a mapping")
        return {}
    return data


def _build(model: type[BaseModel], where: str, data: Any, problems: list[str], **extra: Any) -> Any:
    if not isinstance(data, dict):
        problems.append(f"{where}: must be a mapping")
        return None
    try:
        return model.model_validate({**data, **extra})
    except ValidationError as exc:
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            problems.append(f"{where}{'.' + loc if loc else ''}: {err['msg']}")
        return None


# A frame: every part said within one clause, in any order ("near: %CHEST% & %CHEST_QUALITY%" reads
# "a crushing feeling in the middle of my chest" and "my chest is all clenched up" alike).
FRAME_PREFIX = "near:"
FRAME_SPAN = 60  # characters a frame's parts may lie apart, never across . ? ! ;


def _frame_split(expanded: str) -> tuple[str, str]:
    parts = [p.strip() for p in expanded[len(FRAME_PREFIX):].split(" & ")]
    if len(parts) != 2 or not all(parts):
        raise re.error(f"a frame has two parts joined by ' & ': {expanded!r}")
    return parts[0], parts[1]


def _substitute(pattern: str, macros: Mapping[str, str]) -> str:
    """Macros expanded (a macro may use others, up to four levels deep)."""
    expanded = pattern
    for _ in range(4):
        before = expanded
        for key, value in macros.items():
            expanded = expanded.replace(f"%{key}%", value)
        if expanded == before:
            break
    return expanded


def _expand(pattern: str, macros: Mapping[str, str]) -> str:
    """Macros expanded, then a frame turned into its regex: either part, a short gap, the other."""
    expanded = _substitute(pattern, macros)
    if not expanded.startswith(FRAME_PREFIX):
        return expanded
    a, b = (f"(?:{p})" for p in _frame_split(expanded))
    gap = f"[^.?!;]{{0,{FRAME_SPAN}}}?"
    return f"{a}{gap}{b}|{b}{gap}{a}"


def _frame_parts(pattern: str, macros: Mapping[str, str]) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    """A frame's two parts compiled apart (the whole pattern has compiled already, so they are valid)."""
    expanded = _substitute(pattern, macros)
    if not expanded.startswith(FRAME_PREFIX):
        return None
    a, b = _frame_split(expanded)
    return re.compile(a, re.IGNORECASE), re.compile(b, re.IGNORECASE)


def macro_value(value: object) -> str:
    """A macro is a regex, or a vocabulary list of regexes read as alternatives."""
    if isinstance(value, list):
        return "(?:" + "|".join(str(v) for v in value) + ")"
    return str(value)


def _compile(pattern: str, where: str, problems: list[str], macros: Mapping[str, str] | None = None) -> re.Pattern[str] | None:
    try:
        expanded = _expand(pattern, macros or {})
    except re.error as exc:
        problems.append(f"{where}: {exc}")
        return None
    if "%" in expanded and re.search(r"%[A-Z_]+%", expanded):
        problems.append(f"{where}: unknown macro in {pattern!r}")
        return None
    try:
        return re.compile(expanded, re.IGNORECASE)
    except re.error as exc:
        problems.append(f"{where}: bad regex {pattern!r} ({exc})")
        return None


def _compile_all(patterns: Iterable[str], where: str, problems: list[str], macros: Mapping[str, str] | None = None) -> tuple[re.Pattern[str], ...]:
    out = []
    for i, p in enumerate(patterns):
        rx = _compile(p, f"{where}.patterns[{i}]", problems, macros)
        if rx is not None:
            out.append(rx)
    return tuple(out)


def load_knowledge(directory: Path | str | None = None) -> Knowledge:
    """Read and validate every knowledge file in ``directory`` (default: this package's folder)."""
    directory = Path(directory) if directory is not None else KNOWLEDGE_DIR
    problems: list[str] = []

    # -- drugs.yaml ----------------------------------------------------------------------------------
    raw = _read(directory, "drugs.yaml", problems)
    drugs: dict[str, Drug] = {}
    for name, entry in (raw.get("drugs") or {}).items():
        if name != normalize_name(name) or name != name.lower():
            problems.append(f"drugs.yaml: drug name {name!r} is not lower-case canonical form")
        d = _build(Drug, f"drugs.yaml: drugs.{name}", entry, problems, name=name)
        if d is not None:
            drugs[name] = d
    class_parents: dict[str, tuple[str, ...]] = {k: tuple(v or ()) for k, v in (raw.get("class_parents") or {}).items()}

    def closure(classes: Iterable[str]) -> frozenset[str]:
        seen: set[str] = set()
        stack = list(classes)
        while stack:
            c = stack.pop()
            if c in seen:
                continue
            seen.add(c)
            stack.extend(class_parents.get(c, ()))
        return frozenset(seen)

    for start in class_parents:
        seen: set[str] = set()
        stack = list(class_parents[start])
        while stack:
            c = stack.pop()
            if c == start:
                problems.append(f"drugs.yaml: class_parents has a cycle through {start!r}")
                break
            if c not in seen:
                seen.add(c)
                stack.extend(class_parents.get(c, ()))

    drug_class_closure = {n: closure(d.classes) for n, d in drugs.items()}
    class_index_sets: dict[str, set[str]] = {}
    for n, classes in drug_class_closure.items():
        for c in classes:
            class_index_sets.setdefault(c, set()).add(n)
    for c in class_parents:
        class_index_sets.setdefault(c, set())
        for p in class_parents[c]:
            class_index_sets.setdefault(p, set())
    class_index = {c: frozenset(v) for c, v in class_index_sets.items()}
    for c in class_index:
        if c in drugs:
            problems.append(f"drugs.yaml: {c!r} is both a drug and a class name")

    combinations: dict[str, Combination] = {}
    for key, entry in (raw.get("combinations") or {}).items():
        combo = _build(Combination, f"drugs.yaml: combinations.{key}", entry, problems, name=key)
        if combo is None:
            continue
        for ing in combo.ingredients:
            if ing.drug not in drugs:
                problems.append(f"drugs.yaml: combinations.{key}: ingredient {ing.drug!r} is not in drugs")
        combinations[key] = combo

    names: dict[str, tuple[str, ...]] = {}
    brand_names: dict[str, tuple[str, ...]] = {}
    synonym_names: dict[str, str] = {}

    def add_name(raw_name: str, target: tuple[str, ...], where: str, into: dict[str, tuple[str, ...]] | None = None) -> None:
        key = normalize_name(raw_name)
        if not key:
            problems.append(f"{where}: empty name")
            return
        old = names.get(key)
        if old is not None and tuple(sorted(old)) != tuple(sorted(target)):
            problems.append(f"{where}: name {raw_name!r} already means {'+'.join(old)}, not {'+'.join(target)}")
            return
        names[key] = target
        if into is not None:
            into[key] = target

    for n in drugs:
        add_name(n, (n,), f"drugs.yaml: drugs.{n}")
    for n, d in drugs.items():
        for s in d.synonyms:
            add_name(s, (n,), f"drugs.yaml: drugs.{n}.synonyms")
            synonym_names[normalize_name(s)] = n
        for b in d.brands:
            add_name(b, (n,), f"drugs.yaml: drugs.{n}.brands", brand_names)
    for key, combo in combinations.items():
        target = combo.drugs
        add_name(key, target, f"drugs.yaml: combinations.{key}", brand_names)
        for b in combo.brands:
            add_name(b, target, f"drugs.yaml: combinations.{key}.brands", brand_names)

    all_classes = set(class_index)
    descriptions: list[Description] = []
    for i, entry in enumerate(raw.get("descriptions") or []):
        desc = _build(Description, f"drugs.yaml: descriptions[{i}]", entry, problems)
        if desc is None:
            continue
        for c in (*desc.classes, *desc.fallback_classes):
            if c not in all_classes:
                problems.append(f"drugs.yaml: descriptions.{desc.id}: unknown class {c!r}")
        descriptions.append(desc)

    def known(name: str) -> bool:
        return name in drugs or name in class_index

    # -- product_strengths.yaml ----------------------------------------------------------------------
    raw = _read(directory, "product_strengths.yaml", problems)
    products: dict[str, ProductStrength] = {}
    for key, entry in (raw.get("products") or {}).items():
        where = f"product_strengths.yaml: products.{key}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be a mapping")
            continue
        entry = dict(entry)
        ing = {"drug": entry.pop("drug", None), "mg": entry.pop("mg", None)}
        if "salt" in entry:
            ing["salt"] = entry.pop("salt")
        p = _build(ProductStrength, where, entry, problems, name=normalize_name(key), ingredients=[ing])
        if p is None:
            continue
        if p.ingredients[0].drug not in drugs:
            problems.append(f"{where}: drug {p.ingredients[0].drug!r} is not in drugs.yaml")
        if p.ingredients[0].mg is None:
            problems.append(f"{where}: mg is required")
        products[normalize_name(key)] = p
    product_defaults: dict[str, str] = {}
    combo_keys = {normalize_name(k) for k in combinations}
    for brand, target in (raw.get("defaults") or {}).items():
        t = normalize_name(str(target))
        if t not in products and t not in combo_keys:
            problems.append(f"product_strengths.yaml: defaults.{brand}: {target!r} is neither a product nor a combination")
        product_defaults[normalize_name(brand)] = t

    # -- max_daily_doses.yaml ------------------------------------------------------------------------
    raw = _read(directory, "max_daily_doses.yaml", problems)
    limits: dict[str, tuple[DoseLimit, ...]] = {}
    for name, entries in (raw.get("limits") or {}).items():
        if name not in drugs:
            problems.append(f"max_daily_doses.yaml: {name!r} is not in drugs.yaml")
        built = []
        for i, entry in enumerate(entries or []):
            lim = _build(DoseLimit, f"max_daily_doses.yaml: limits.{name}[{i}]", entry, problems, drug=name)
            if lim is not None:
                built.append(lim)
        contexts = [b.context for b in built]
        if len(set(contexts)) != len(contexts):
            problems.append(f"max_daily_doses.yaml: {name}: more than one limit for one context")
        limits[name] = tuple(built)

    # -- contraindications.yaml ----------------------------------------------------------------------
    raw = _read(directory, "contraindications.yaml", problems)
    condition_classes: dict[str, ConditionClass] = {}
    for cid, entry in (raw.get("condition_classes") or {}).items():
        where = f"contraindications.yaml: condition_classes.{cid}"
        cc = _build(ConditionClass, where, entry, problems, id=cid)
        if cc is None:
            continue
        if cc.min_age is None and not (cc.patterns or cc.snomed or cc.icd10):
            problems.append(f"{where}: needs patterns, codes or min_age")
        cc._rx = _compile_all(cc.patterns, where, problems)
        cc._rx_exclude = _compile_all(cc.exclude_patterns, where + ".exclude", problems)
        condition_classes[cid] = cc
    allergy_classes: dict[str, AllergyClass] = {}
    for aid, entry in (raw.get("allergy_classes") or {}).items():
        where = f"contraindications.yaml: allergy_classes.{aid}"
        ac = _build(AllergyClass, where, entry, problems, id=aid)
        if ac is None:
            continue
        members: set[str] = set()
        for c in ac.drug_classes:
            if c not in class_index:
                problems.append(f"{where}: unknown drug class {c!r}")
            members |= class_index.get(c, frozenset())
        member_names = sorted(
            (k for k, target in names.items() if any(t in members for t in target)),
            key=len, reverse=True,
        )
        ac._rx = _compile_all(ac.patterns, where, problems)
        if member_names:
            ac._names_rx = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in member_names) + r")\b")
        allergy_classes[aid] = ac
    contraindications: list[ContraindicationRule] = []
    ids: set[str] = set()
    for i, entry in enumerate(raw.get("rules") or []):
        where = f"contraindications.yaml: rules[{i}]"
        rule = _build(ContraindicationRule, where, entry, problems)
        if rule is None:
            continue
        if rule.id in ids:
            problems.append(f"{where}: duplicate id {rule.id!r}")
        ids.add(rule.id)
        for n in rule.drugs:
            if not known(n):
                problems.append(f"{where} ({rule.id}): unknown drug or class {n!r}")
        if (rule.condition is None) == (rule.allergy is None):
            problems.append(f"{where} ({rule.id}): give exactly one of condition / allergy")
        if rule.condition is not None and rule.condition not in condition_classes:
            problems.append(f"{where} ({rule.id}): unknown condition class {rule.condition!r}")
        if rule.allergy is not None and rule.allergy not in allergy_classes:
            problems.append(f"{where} ({rule.id}): unknown allergy class {rule.allergy!r}")
        contraindications.append(rule)
    low_dose_aspirin_mg = float(raw.get("low_dose_aspirin_mg") or 81)

    # -- interactions.yaml ---------------------------------------------------------------------------
    raw = _read(directory, "interactions.yaml", problems)
    interactions: list[InteractionRule] = []
    ids = set()
    for i, entry in enumerate(raw.get("rules") or []):
        where = f"interactions.yaml: rules[{i}]"
        rule = _build(InteractionRule, where, entry, problems)
        if rule is None:
            continue
        if rule.id in ids:
            problems.append(f"{where}: duplicate id {rule.id!r}")
        ids.add(rule.id)
        for n in (*rule.a, *rule.b):
            if not known(n):
                problems.append(f"{where} ({rule.id}): unknown drug or class {n!r}")
        interactions.append(rule)

    # -- reference_ranges.yaml -----------------------------------------------------------------------
    raw = _read(directory, "reference_ranges.yaml", problems)

    def check_analyte(analyte: str, unit: str | None, where: str) -> None:
        if analyte not in ANALYTES:
            problems.append(f"{where}: {analyte!r} is not an analyte of careplans/analytes.yaml")
        elif unit is not None and unit != ANALYTES[analyte].unit:
            problems.append(f"{where}: unit {unit!r} is not the canonical {ANALYTES[analyte].unit!r}")

    ranges: dict[str, dict[str | None, RefRange]] = {}
    for analyte, entry in (raw.get("ranges") or {}).items():
        where = f"reference_ranges.yaml: ranges.{analyte}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be a mapping")
            continue
        entry = dict(entry)
        by_sex = entry.pop("by_sex", None)
        check_analyte(analyte, entry.get("unit"), where)
        variants: dict[str | None, RefRange] = {}
        if by_sex:
            for sex, lim in by_sex.items():
                rr = _build(RefRange, f"{where}.by_sex.{sex}", {**entry, **lim}, problems, analyte=analyte, sex=sex, sex_specific=True)
                if rr is not None:
                    variants[sex] = rr
            if variants:
                lows = [r.low for r in variants.values() if r.low is not None]
                highs = [r.high for r in variants.values() if r.high is not None]
                union = _build(RefRange, where, entry, problems, analyte=analyte, sex_specific=True,
                               low=min(lows) if lows else None, high=max(highs) if highs else None)
                if union is not None:
                    variants[None] = union
        else:
            rr = _build(RefRange, where, entry, problems, analyte=analyte)
            if rr is not None:
                variants[None] = rr
        for rr in variants.values():
            if rr.low is None and rr.high is None:
                problems.append(f"{where}: needs low, high or both")
            if rr.low is not None and rr.high is not None and rr.low > rr.high:
                problems.append(f"{where}: low above high")
        ranges[analyte] = variants
    no_range = {k: str(v) for k, v in (raw.get("no_range") or {}).items()}
    for analyte in no_range:
        check_analyte(analyte, None, f"reference_ranges.yaml: no_range.{analyte}")
    for analyte in ANALYTES:
        if analyte not in ranges and analyte not in no_range:
            problems.append(f"reference_ranges.yaml: analyte {analyte!r} has neither a range nor a no_range entry")
    critical: dict[str, CriticalLimits] = {}
    for analyte, entry in (raw.get("critical") or {}).items():
        where = f"reference_ranges.yaml: critical.{analyte}"
        cl = _build(CriticalLimits, where, entry, problems, analyte=analyte)
        if cl is not None:
            check_analyte(analyte, cl.unit, where)
            critical[analyte] = cl
    thresholds: list[EscalationThreshold] = []
    for i, entry in enumerate(raw.get("escalation_thresholds") or []):
        where = f"reference_ranges.yaml: escalation_thresholds[{i}]"
        th = _build(EscalationThreshold, where, entry, problems)
        if th is not None:
            check_analyte(th.analyte, th.unit, where)
            thresholds.append(th)

    # -- medication_lab_effects.yaml -----------------------------------------------------------------
    raw = _read(directory, "medication_lab_effects.yaml", problems)

    def effects(section: str) -> tuple[LabEffect, ...]:
        out = []
        for i, entry in enumerate(raw.get(section) or []):
            where = f"medication_lab_effects.yaml: {section}[{i}]"
            eff = _build(LabEffect, where, entry, problems)
            if eff is None:
                continue
            check_analyte(eff.analyte, None, where)
            for n in eff.drugs:
                if not known(n):
                    problems.append(f"{where}: unknown drug or class {n!r}")
            out.append(eff)
        return tuple(out)

    lab_effects, lab_non_effects = effects("effects"), effects("not_causes")

    # -- red_flags.yaml ------------------------------------------------------------------------------
    raw = _read(directory, "red_flags.yaml", problems)
    macros = {str(k): macro_value(v) for k, v in (raw.get("macros") or {}).items()}
    features: dict[str, RedFlagFeature] = {}
    for fid, entry in (raw.get("features") or {}).items():
        where = f"red_flags.yaml: features.{fid}"
        feat = _build(RedFlagFeature, where, entry, problems, id=fid)
        if feat is not None:
            feat._rx = _compile_all(feat.patterns, where, problems, macros)
            features[fid] = feat
    flags: list[RedFlag] = []
    ids = set()
    for i, entry in enumerate(raw.get("red_flags") or []):
        where = f"red_flags.yaml: red_flags[{i}]"
        flag = _build(RedFlag, where, entry, problems)
        if flag is None:
            continue
        if flag.id in ids:
            problems.append(f"{where}: duplicate id {flag.id!r}")
        ids.add(flag.id)
        flag._rx = _compile_all(flag.patterns, where, problems, macros)
        missing = [r for r in (*flag.requires, *([flag.raised_by] if flag.raised_by else [])) if r not in features]
        if (flag.raised_by is None) != (flag.raised_level is None):
            problems.append(f"{where} ({flag.id}): raised_by and raised_level go together")
        if missing:
            problems.append(f"{where} ({flag.id}): unknown feature(s) {missing}")
        flag._features = tuple(features[r] for r in flag.requires if r in features)
        flag._frames = tuple(parts for p in flag.patterns if (parts := _frame_parts(p, macros)) is not None)
        flags.append(flag)
    modifiers = _build(Modifiers, "red_flags.yaml: modifiers", raw.get("modifiers") or {}, problems)
    spoken_forms = _build(SpokenForms, "red_flags.yaml: spoken_forms", raw.get("spoken_forms") or {}, problems)
    for i, form in enumerate(spoken_forms.forms if spoken_forms is not None else ()):
        _compile(form.said, f"red_flags.yaml: spoken_forms.forms[{i}]", problems)

    flag_said_as: dict[str, str] = {}
    for fid, said in (raw.get("said_as") or {}).items():
        if not isinstance(said, str) or not said.strip():
            problems.append(f"red_flags.yaml: said_as.{fid}: needs the words the caller is told")
        else:
            flag_said_as[str(fid)] = said.strip()

    if problems:
        raise KnowledgeError(problems)
    assert modifiers is not None and spoken_forms is not None
    return Knowledge(
        drugs=drugs, class_parents=class_parents, drug_class_closure=drug_class_closure,
        class_index=class_index, combinations=combinations, descriptions=tuple(descriptions),
        names=names, brand_names=brand_names, synonym_names=synonym_names, products=products,
        product_defaults=product_defaults, limits=limits, condition_classes=condition_classes,
        allergy_classes=allergy_classes, contraindications=tuple(contraindications),
        low_dose_aspirin_mg=low_dose_aspirin_mg, interactions=tuple(interactions), ranges=ranges,
        no_range=no_range, critical=critical, thresholds=tuple(thresholds), lab_effects=lab_effects,
        lab_non_effects=lab_non_effects, red_flag_features=features, red_flags=tuple(flags),
        modifiers=modifiers, spoken_forms=spoken_forms, flag_said_as=flag_said_as, directory=directory,
    )


@cache
def knowledge() -> Knowledge:
    """The package's knowledge, loaded and validated once."""
    return load_knowledge()


# --------------------------------------------------------------------------------------------------
# Public look-ups (all on the cached bundle)
# --------------------------------------------------------------------------------------------------


def drug(name: str) -> Drug | None:
    return knowledge().drugs.get(name)


def drug_names() -> frozenset[str]:
    return frozenset(knowledge().drugs)


@cache
def drug_classes(name: str) -> frozenset[str]:
    """Every class of the generic ``name``, umbrella classes included (empty when unknown)."""
    return knowledge().drug_class_closure.get(name, frozenset())


def class_members(cls: str) -> frozenset[str]:
    return knowledge().class_index.get(cls, frozenset())


def is_class(name: str) -> bool:
    return knowledge().is_class(name)


def resolve_names(names: Iterable[str]) -> frozenset[str]:
    """Generic names that a list of drug-or-class names stands for."""
    kb = knowledge()
    out: set[str] = set()
    for n in names:
        out |= kb.resolve(n)
    return frozenset(out)


def brands() -> dict[str, list[str]]:
    """Brand / product name (normalised) -> generic names (several for a combination product)."""
    return {k: list(v) for k, v in knowledge().brand_names.items()}


def synonyms() -> dict[str, str]:
    """Other generic spellings and everyday names (normalised) -> generic name."""
    return dict(knowledge().synonym_names)


def name_index() -> Mapping[str, tuple[str, ...]]:
    """Every known name (generic, synonym, brand, combination; normalised) -> generic names."""
    return knowledge().names


@cache
def lookup(term: str) -> tuple[str, ...] | None:
    """Generic names for a generic, synonym, brand or combination name; None when unknown."""
    return knowledge().names.get(normalize_name(term))


def combinations() -> Mapping[str, Combination]:
    return knowledge().combinations


def descriptions() -> tuple[Description, ...]:
    return knowledge().descriptions


def resolve_description(phrase: str, plan_drugs: Iterable[str]) -> str | None:
    """The one plan drug a plain-speech description ("my water pill") stands for, else None.

    ``classes`` are tried first, then ``fallback_classes``; exactly one plan drug must fit.
    """
    key = normalize_name(phrase)
    plan = list(dict.fromkeys(plan_drugs))
    for desc in knowledge().descriptions:
        if key not in {normalize_name(p) for p in desc.phrases}:
            continue
        for group in (desc.classes, desc.fallback_classes):
            if not group:
                continue
            fits = [d for d in plan if drug_classes(d) & set(group)]
            if len(fits) == 1:
                return fits[0]
            if fits:
                return None
        return None
    return None


def product_strength(product: str) -> ProductStrength | None:
    """Per-unit strengths of an OTC product; a bare brand gives its label's default product."""
    kb = knowledge()
    key = normalize_name(product)
    key = kb.product_defaults.get(key, key)
    if key in kb.products:
        return kb.products[key]
    combo_key = next((k for k in kb.combinations if normalize_name(k) == key), None)
    if combo_key is None:
        combo_key = next((k for k, c in kb.combinations.items() if key in {normalize_name(b) for b in c.brands}), None)
    if combo_key is None:
        return None
    combo = kb.combinations[combo_key]
    return ProductStrength(name=combo_key, unit=combo.unit, per_ml=combo.per_ml, ingredients=combo.ingredients, source=combo.source)


def max_daily_limits(drug_name: str) -> tuple[DoseLimit, ...]:
    return knowledge().limits.get(drug_name, ())


def max_daily_mg(drug_name: str, context: DoseContext | None = None) -> DoseLimit | None:
    """Adult maximum daily dose. Without ``context``: the OTC label limit when there is one, else the Rx label's."""
    found = max_daily_limits(drug_name)
    if context is not None:
        return next((lim for lim in found if lim.context == context), None)
    return next((lim for lim in found if lim.context == "otc_label"), None) or next(iter(found), None)


def condition_classes() -> Mapping[str, ConditionClass]:
    return knowledge().condition_classes


def allergy_classes() -> Mapping[str, AllergyClass]:
    return knowledge().allergy_classes


def condition_classes_for(text: str, codes: Iterable[tuple[str, str]] = ()) -> frozenset[str]:
    """Condition classes that a care-plan condition (its name / code text, and (system, code) pairs) belongs to."""
    codes = list(codes)
    out = set()
    for cid, cc in knowledge().condition_classes.items():
        if cc.min_age is not None:
            continue
        if (text and cc.matches_text(text)) or any(cc.matches_code(s, c) for s, c in codes):
            out.add(cid)
    return frozenset(out)


def allergy_classes_for(text: str, codes: Iterable[tuple[str, str]] = ()) -> frozenset[str]:
    """Allergy classes that a recorded allergy (substance text, codes) belongs to."""
    codes = list(codes)
    return frozenset(
        aid for aid, ac in knowledge().allergy_classes.items()
        if (text and ac.matches_text(text)) or any(ac.matches_code(s, c) for s, c in codes)
    )


_ACTIVE = {"active", "recurrence", "relapse"}


def plan_condition_classes(plan: Any, on: dt.date | None = None) -> frozenset[str]:
    """Condition classes of a ``careplans.CarePlan``: its conditions (inactive ones only where the
    class says history counts) plus pseudo-conditions from the patient's age on ``on`` (default today)."""
    kb = knowledge()
    out: set[str] = set()
    for cond in getattr(plan, "conditions", []):
        text = " ".join(filter(None, [cond.name, cond.note, *[c.display or "" for c in cond.codes]]))
        classes = condition_classes_for(text, [(c.system, c.code) for c in cond.codes])
        if cond.status not in _ACTIVE:
            classes = frozenset(c for c in classes if kb.condition_classes[c].history_counts)
        out |= classes
    patient = getattr(plan, "patient", None)
    if patient is not None:
        age = patient.age_on(on or dt.date.today())
        out |= {cid for cid, cc in kb.condition_classes.items() if cc.min_age is not None and age >= cc.min_age}
    return frozenset(out)


def plan_allergy_classes(plan: Any) -> frozenset[str]:
    out: set[str] = set()
    for allergy in getattr(plan, "allergies", []):
        text = " ".join(filter(None, [allergy.substance, *[c.display or "" for c in allergy.codes]]))
        out |= allergy_classes_for(text, [(c.system, c.code) for c in allergy.codes])
    return frozenset(out)


def contraindication_rules() -> tuple[ContraindicationRule, ...]:
    return knowledge().contraindications


def contraindications_for(
    drug_name: str,
    conditions: Iterable[str] = (),
    allergies: Iterable[str] = (),
    *,
    dose_mg: float | None = None,
    tiers: Iterable[Tier] = ("core", "extended"),
    include_caution: bool = False,
) -> list[ContraindicationRule]:
    """Rules that rule ``drug_name`` out given the plan's condition and allergy classes.

    ``dose_mg``: the single dose, when known; aspirin at or below the low-dose amount (81 mg) is
    exempt from the rules marked ``low_dose_aspirin_exempt``. Caution-level rules only with
    ``include_caution``.
    """
    kb = knowledge()
    conds, alls, tiers_ = set(conditions), set(allergies), set(tiers)
    out = []
    for rule in kb.contraindications:
        if rule.tier not in tiers_ or (not include_caution and not rule.raises):
            continue
        if not kb.in_any(drug_name, rule.drugs):
            continue
        if rule.condition is not None and rule.condition not in conds:
            continue
        if rule.allergy is not None and rule.allergy not in alls:
            continue
        if (rule.low_dose_aspirin_exempt and drug_name == "aspirin" and dose_mg is not None
                and dose_mg <= kb.low_dose_aspirin_mg):
            continue
        out.append(rule)
    return out


def interaction_rules() -> tuple[InteractionRule, ...]:
    return knowledge().interactions


def interactions_between(drug_a: str, drug_b: str, *, include_monitor: bool = False) -> list[InteractionRule]:
    """Rules for the pair (either order); monitor-level rules only with ``include_monitor``."""
    if drug_a == drug_b:
        return []
    kb = knowledge()
    out = []
    for rule in kb.interactions:
        if not include_monitor and not rule.raises:
            continue
        if ((kb.in_any(drug_a, rule.a) and kb.in_any(drug_b, rule.b))
                or (kb.in_any(drug_b, rule.a) and kb.in_any(drug_a, rule.b))):
            out.append(rule)
    return out


def reference_range(analyte: str, sex: str | None = None) -> RefRange | None:
    """Adult reference range. Sex-specific analytes: the range for ``sex`` ('male'/'female'), or
    with sex unknown the union of both (values outside both ranges only)."""
    variants = knowledge().ranges.get(analyte)
    if not variants:
        return None
    return variants.get(sex) or variants.get(None)


def critical_limits(analyte: str) -> CriticalLimits | None:
    return knowledge().critical.get(analyte)


def escalation_thresholds() -> tuple[EscalationThreshold, ...]:
    return knowledge().thresholds


def lab_effects(drug_name: str, *, tiers: Iterable[Tier] = ("core", "extended")) -> list[LabEffect]:
    """Known effects of ``drug_name`` on analytes (through its classes)."""
    kb, tiers_ = knowledge(), set(tiers)
    return [e for e in kb.lab_effects if e.tier in tiers_ and kb.in_any(drug_name, e.drugs)]


def lab_non_effects(drug_name: str) -> list[LabEffect]:
    """Documented non-causes (metformin alone does not cause low glucose)."""
    kb = knowledge()
    return [e for e in kb.lab_non_effects if kb.in_any(drug_name, e.drugs)]


def is_lab_cause(drug_name: str, analyte: str, direction: Direction, *, tiers: Iterable[Tier] = ("core",)) -> bool:
    """Is ``drug_name`` a well-known cause of ``analyte`` going ``direction``?"""
    return any(e.analyte == analyte and e.direction == direction for e in lab_effects(drug_name, tiers=tiers))


def red_flags() -> tuple[RedFlag, ...]:
    return knowledge().red_flags


def red_flag_features() -> Mapping[str, RedFlagFeature]:
    return knowledge().red_flag_features


def red_flag_modifiers() -> Modifiers:
    return knowledge().modifiers


def red_flag_said_as(flag_id: str) -> str | None:
    """What the caller is told a red flag is ("the weight gain"), or None."""
    return knowledge().flag_said_as.get(flag_id)


def match_red_flags(text: str, context: str = "") -> list[RedFlag]:
    """Red flags whose patterns (and required features) match ``text``: no negation handling."""
    return [f for f in knowledge().red_flags if f.matches(text, context)]


def check_examples(kb: Knowledge | None = None) -> list[str]:
    """Every documented example that fails its matcher (empty list when all hold); for tests."""
    kb = kb or knowledge()
    failures: list[str] = []
    for cid, cc in kb.condition_classes.items():
        failures += [f"condition {cid}: example {e!r} not matched" for e in cc.examples if not cc.matches_text(e)]
        failures += [f"condition {cid}: counter-example {e!r} matched" for e in cc.counter_examples if cc.matches_text(e)]
    for aid, ac in kb.allergy_classes.items():
        failures += [f"allergy {aid}: example {e!r} not matched" for e in ac.examples if not ac.matches_text(e)]
        failures += [f"allergy {aid}: counter-example {e!r} matched" for e in ac.counter_examples if ac.matches_text(e)]
    for flag in kb.red_flags:
        failures += [f"red flag {flag.id}: example {e!r} not matched" for e in flag.examples if not flag.matches(e)]
        failures += [f"red flag {flag.id}: counter-example {e!r} matched" for e in flag.counter_examples if flag.matches(e)]
    return failures
