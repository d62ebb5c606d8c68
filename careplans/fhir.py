"""FHIR R4 Bundle import: a patient's Bundle becomes a CarePlan.

Mapped: Patient, Condition, AllergyIntolerance, MedicationRequest (with Medication), Observation,
Goal, Appointment, CarePlan and CareTeam; Practitioner, PractitionerRole, Organization, Location and
RelatedPerson are read to name the people references point at. The Bundle is validated with
``fhir.resources.R4B`` (the package's default is R5; R4B keeps R4's shape for every resource read here).

Safety rules:
- nothing is dropped silently: whatever cannot be mapped is returned as a note and recorded in
  ``plan.source["unmapped"]``;
- a bundle that cannot be trusted (not valid R4/R4B, not exactly one Patient, a broken reference)
  raises CarePlanError with every problem found, so a plan is never built from half a record.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.resource import Resource
from pydantic import ValidationError

from careplans import drugnames
from careplans.analytes import ANALYTES, BP_PANELS, analyte_for_loinc
from careplans.loader import (
    CarePlanError,
    Problem,
    format_loc,
    problems_from_validation,
)
from careplans.model import CarePlan
from careplans.units import UnitError, check_unit

FORMAT = "fhir-r4"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"

# Read only to name what references point at; never reported as unmapped.
_SUPPORTING = frozenset({"Medication", "Practitioner", "PractitionerRole", "Organization", "Location", "RelatedPerson"})
# Statuses that mean "this is not (or no longer) true for the patient": skipped, with a note.
_VOID = frozenset({"entered-in-error", "refuted"})
_MED_CURRENT = frozenset({"active", "on-hold", "draft", "unknown"})
_CONDITION_STATUS = frozenset({"active", "recurrence", "relapse", "inactive", "remission", "resolved"})
_SEVERITY_ORDER = ("mild", "moderate", "severe")
_SEX = frozenset({"female", "male", "other", "unknown"})

_PER_DAY = {"s": 86400.0, "min": 1440.0, "h": 24.0, "d": 1.0, "wk": 1 / 7, "mo": 12 / 365.25, "a": 1 / 365.25}
_UNIT_WORD = {"s": "second", "min": "minute", "h": "hour", "d": "day", "wk": "week", "mo": "month", "a": "year"}
# HL7 v3 GTSAbbreviation timing codes -> (times per day, words).
_TIMING_CODES: dict[str, tuple[float, str]] = {
    "QD": (1, "once daily"), "BID": (2, "twice daily"), "TID": (3, "three times daily"),
    "QID": (4, "four times daily"), "AM": (1, "once daily in the morning"), "PM": (1, "once daily in the evening"),
    "QOD": (0.5, "every other day"), "Q4H": (6, "every 4 hours"), "Q6H": (4, "every 6 hours"),
    "Q8H": (3, "every 8 hours"), "WK": (1 / 7, "once weekly"), "MO": (12 / 365.25, "once monthly"),
}
# FHIR event-timing codes (Timing.repeat.when) -> words.
_WHEN = {
    "ACM": "before breakfast", "ACD": "before lunch", "ACV": "before supper", "AC": "before meals",
    "PCM": "after breakfast", "PCD": "after lunch", "PCV": "after supper", "PC": "after meals",
    "CM": "with breakfast", "CD": "with lunch", "CV": "with supper", "C": "with meals",
    "HS": "at bedtime", "WAKE": "on waking", "MORN": "in the morning", "AFT": "in the afternoon",
    "EVE": "in the evening", "NIGHT": "at night", "NOON": "at noon",
}
_COUNT_WORDS = {1: "once", 2: "twice", 3: "three times", 4: "four times"}
_STRENGTH = re.compile(r"(?<![\d.\-/])(\d+(?:\.\d+)?)\s*(mg|mcg|µg|g|units?|meq|ml|%)(?![a-z])", re.IGNORECASE)
_STRENGTH_UNITS = {"µg": "mcg", "units": "unit", "meq": "mEq", "ml": "mL"}
_COUNTED_FORMS = frozenset({"tablet", "tablets", "tab", "capsule", "capsules", "cap", "{tablet}", "{capsule}", "{tbl}"})


def care_plan_from_bundle(data: dict[str, Any], source: str) -> tuple[CarePlan, list[str]]:
    """The care plan a FHIR R4 Bundle describes, and notes on everything that could not be mapped.

    Raises CarePlanError (every problem at once) when the bundle is not valid R4/R4B, does not hold
    exactly one Patient, has a broken reference, or yields a plan that fails validation.
    """
    entries = _raw_entries(data)
    refs = _RefIndex(data, entries)
    bundle, problems = _validate(data, entries)
    patient_index, patient_problems = _the_patient(entries)
    problems += patient_problems + _broken_references(entries, refs, patient_index)
    if problems or bundle is None or patient_index is None:
        raise CarePlanError(source, problems or [Problem("", "not a usable FHIR Bundle")])
    # Validation passed, so no entry was set aside: indexes match the raw entries.
    resources = {i: entry.resource for i, entry in enumerate(bundle.entry or []) if entry.resource is not None}
    importer = _Importer(resources, refs, patient_index)
    plan_data = importer.build(bundle_id=bundle.id)
    try:
        plan = CarePlan.model_validate(plan_data)
    except ValidationError as exc:
        raise CarePlanError(source, importer.locate(problems_from_validation(exc))) from None
    return plan, list(importer.notes)


# --- validation -------------------------------------------------------------------------------

def _raw_entries(data: dict[str, Any]) -> list[dict[str, Any] | None]:
    """The resource dict of every entry (None where an entry has none), in bundle order."""
    raw = data.get("entry")
    if not isinstance(raw, list):
        return []
    return [e.get("resource") if isinstance(e, dict) and isinstance(e.get("resource"), dict) else None for e in raw]


@lru_cache(maxsize=256)
def _is_resource_type(name: object) -> bool:
    if not isinstance(name, str) or not name:
        return False
    try:
        return issubclass(get_fhir_model_class(name), Resource)
    except ValueError:
        return False


def _validate(data: dict[str, Any], entries: list[dict[str, Any] | None]) -> tuple[Bundle | None, list[Problem]]:
    """Validate with the R4B Bundle model; unknown resource types are reported up front because the
    model cannot even look them up (it raises KeyError instead of a validation error)."""
    problems: list[Problem] = []
    keep: list[int] = []
    for i, res in enumerate(entries):
        bad = _unknown_types(res, ("entry", i, "resource")) if res is not None else []
        problems += bad
        if not bad:
            keep.append(i)
    checked = dict(data)
    if isinstance(data.get("entry"), list):
        checked["entry"] = [data["entry"][i] for i in keep]
    try:
        return Bundle.model_validate(checked), problems
    except ValidationError as exc:
        return None, problems + _fhir_problems(exc, keep, entries)
    except Exception as exc:  # fhir.resources raises bare errors for some malformed input
        return None, problems + [Problem("", f"not a valid FHIR R4 Bundle: {exc}")]


def _unknown_types(res: dict[str, Any], loc: tuple[int | str, ...]) -> list[Problem]:
    rtype = res.get("resourceType")
    if not _is_resource_type(rtype):
        what = f"{rtype!r} is not an R4/R4B resource type" if rtype else "resource has no resourceType"
        return [Problem(format_loc((*loc, "resourceType")), what + (" (R5-only or misspelt?)" if rtype else ""))]
    problems: list[Problem] = []
    for k, inner in enumerate(res.get("contained") or []):
        if isinstance(inner, dict):
            problems += _unknown_types(inner, (*loc, "contained", k))
    return problems


def _fhir_problems(exc: ValidationError, keep: list[int], entries: list[dict[str, Any] | None]) -> list[Problem]:
    """fhir.resources' errors as concise problems, with paths into the original bundle."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for err in exc.errors(include_url=False):
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-", "tagged-union")))]
        rtype = ""
        if len(loc) >= 2 and loc[0] == "entry" and isinstance(loc[1], int) and loc[1] < len(keep):
            loc[1] = keep[loc[1]]
            res = entries[loc[1]]
            rtype = str(res.get("resourceType", "")) if res else ""
        path = format_loc(tuple(loc))
        if path in seen:
            continue
        seen.add(path)
        problems.append(Problem(path, (f"{rtype}: " if rtype else "") + _fhir_message(err)))
    return problems


def _fhir_message(err: Any) -> str:
    kind, message, value = err["type"], err["msg"], err.get("input")
    if kind == "extra_forbidden":
        return "not an element of FHIR R4/R4B (an R5 or STU3 field?)"
    if kind == "json_invalid" and isinstance(value, str):
        return f"expected a FHIR structure here, found the text {_short(value)} (an STU3 or R5 shape?)"
    if kind == "missing" or "is required" in message:
        return "required element is missing"
    message = message.removeprefix("Value error, ")
    return f"{message} (found {_short(value)})" if isinstance(value, (str, int, float)) else message


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "...'"


def _the_patient(entries: list[dict[str, Any] | None]) -> tuple[int | None, list[Problem]]:
    found = [i for i, res in enumerate(entries) if res is not None and res.get("resourceType") == "Patient"]
    if not found:
        return None, [Problem("entry", "no Patient resource: a care plan is for exactly one patient")]
    extra = [Problem(f"entry[{i}]", f"a second Patient (the first is entry[{found[0]}]): a care plan is for exactly one patient")
             for i in found[1:]]
    return found[0], extra


# --- references -------------------------------------------------------------------------------

class _RefIndex:
    """Finds the entry a reference points at: by fullUrl, by Type/id, or by an absolute URL's tail."""

    def __init__(self, data: dict[str, Any], entries: list[dict[str, Any] | None]):
        self.entries = entries
        self.keys: dict[str, int] = {}
        raw: list[Any] = data["entry"] if isinstance(data.get("entry"), list) else []
        for i, res in enumerate(entries):
            if res is None:
                continue
            full_url = raw[i].get("fullUrl") if isinstance(raw[i], dict) else None
            if isinstance(full_url, str) and full_url:
                self.keys.setdefault(full_url, i)
            if res.get("id"):
                self.keys.setdefault(f"{res.get('resourceType')}/{res['id']}", i)

    def find(self, reference: str, container: dict[str, Any] | None = None) -> dict[str, Any] | None:
        if reference.startswith("#"):
            return next((c for c in (container or {}).get("contained") or []
                         if isinstance(c, dict) and c.get("id") == reference[1:]), None)
        ref = re.sub(r"/_history/[^/]+$", "", reference)
        i = self.keys.get(ref)
        if i is None and "://" in ref:
            tail = re.search(r"([A-Z][A-Za-z]+/[A-Za-z0-9\-.]{1,64})$", ref)
            i = self.keys.get(tail.group(1)) if tail else None
        return self.entries[i] if i is not None else None


def _broken_references(entries: list[dict[str, Any] | None], refs: _RefIndex, patient: int | None) -> list[Problem]:
    """References that must resolve: every urn:uuid:/#contained one, and those the plan is built on
    (subject, patient, CarePlan.goal/addresses, medicationReference) whatever their form."""
    problems: list[Problem] = []
    patient_res = entries[patient] if patient is not None else None
    for i, res in enumerate(entries):
        if res is None:
            continue
        rtype = res.get("resourceType", "")
        for loc, ref in _references(res, ("entry", i, "resource")):
            field_name = loc[3] if len(loc) > 3 else ""
            key = field_name in {"subject", "patient", "goal", "addresses", "medicationReference"}
            if not (key or ref.startswith(("urn:uuid:", "urn:oid:", "#"))):
                continue
            target = refs.find(ref, res)
            path = format_loc((*loc, "reference"))
            if target is None:
                problems.append(Problem(path, f"{rtype} reference {ref!r} points at nothing in the bundle"))
            elif field_name in {"subject", "patient"} and len(loc) == 4 and target is not patient_res:
                problems.append(Problem(path, f"{rtype} {field_name} {ref!r} is a {target.get('resourceType')}, not the bundle's Patient"))
    return problems


def _references(node: Any, loc: tuple[int | str, ...]) -> Iterator[tuple[tuple[int | str, ...], str]]:
    if isinstance(node, dict):
        ref = node.get("reference")
        if isinstance(ref, str) and ref:
            yield loc, ref
        for k, v in node.items():
            if k != "contained":  # contained resources reference their container's world; skip
                yield from _references(v, (*loc, k))
    elif isinstance(node, list):
        for k, v in enumerate(node):
            yield from _references(v, (*loc, k))


# --- small readers of FHIR data types ---------------------------------------------------------

def _cc_text(cc: Any) -> str | None:
    """A CodeableConcept's words: its text, else the first coding's display (else its code)."""
    if cc is None:
        return None
    if cc.text and cc.text.strip():
        return str(cc.text).strip()
    for coding in cc.coding or []:
        if coding.display:
            return str(coding.display).strip()
    return next((str(c.code) for c in cc.coding or [] if c.code), None)


def _code(cc: Any) -> str | None:
    """The first coded value of a status-like CodeableConcept."""
    return next((str(c.code) for c in (cc.coding or []) if c.code), None) if cc is not None else None


def _codes(cc: Any) -> list[dict[str, Any]]:
    if cc is None:
        return []
    return [{"system": str(c.system or ""), "code": str(c.code), "display": c.display}
            for c in cc.coding or [] if c.code]


def _loinc_codes(cc: Any) -> list[str]:
    return [str(c.code) for c in (cc.coding or []) if c.code and (c.system or "").rstrip("/") == LOINC] if cc else []


def _route(cc: Any) -> str | None:
    """"Oral route (qualifier value)" (a SNOMED display) -> "oral", as a nurse would say it."""
    words = _cc_text(cc)
    if not words:
        return None
    words = re.sub(r"\s*\((qualifier value)\)$", "", words.strip())
    return re.sub(r"\s+route$", "", words, flags=re.IGNORECASE).lower()


def _number(value: Decimal | float | int | None) -> float | None:
    return None if value is None else float(value)


def _quantity_units(q: Any) -> list[str]:
    """Spellings to try for a Quantity's unit: the UCUM code first (machine-readable), then the text."""
    units = []
    if q.code and (q.system or "").rstrip("/") == UCUM:
        units.append(str(q.code))
    for u in (q.unit, q.code):
        if u and str(u) not in units:
            units.append(str(u))
    return units


def _amount_unit(q: Any) -> str | None:
    unit = q.unit or q.code
    return str(unit).strip("{}") if unit else None


def _date(value: Any) -> dt.date | None:
    """A full date from a FHIR date/dateTime; partial dates (``2012-04``) give None."""
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _moment(value: Any) -> dt.date | dt.datetime | None:
    return value if isinstance(value, (dt.date, dt.datetime)) else None


def _annotations(notes: Any) -> list[str]:
    return [str(n.text).strip() for n in notes or [] if getattr(n, "text", None)]


def _person_name(names: Any, titles: bool = False) -> str | None:
    """Display name from a HumanName list, official first; ``titles`` keeps "Dr." (for clinicians)."""
    chosen = _pick_name(names, ("official", None, "usual"))
    return _format_name(chosen, titles) if chosen is not None else None


def _pick_name(names: Any, uses: tuple[str | None, ...]) -> Any:
    usable = [n for n in names or [] if n.use not in {"old", "anonymous", "maiden"}]
    for use in uses:
        found = next((n for n in usable if n.use == use), None)
        if found is not None:
            return found
    return usable[0] if usable else None


def _format_name(name: Any, titles: bool = False) -> str | None:
    if name.text and name.text.strip():
        return str(name.text).strip()
    parts = [*((name.prefix or []) if titles else []), *(name.given or []), name.family or ""]
    text = " ".join(p.strip() for p in parts if p and p.strip())
    return text or None


def _phone(telecom: Any) -> str | None:
    phones = [t for t in telecom or [] if t.system in {"phone", "sms"} and t.value and t.use != "old"]
    if not phones:
        return None
    order = {"mobile": 0, "home": 1, "work": 2}
    phones.sort(key=lambda t: (t.rank or 99, order.get(t.use or "", 3)))
    return str(phones[0].value)


# --- the import itself ------------------------------------------------------------------------

@dataclass
class _Importer:
    resources: dict[int, Any]  # original entry index -> validated resource
    refs: _RefIndex
    patient_index: int
    notes: list[str] = field(default_factory=list)
    origins: dict[str, str] = field(default_factory=dict)  # "labs[3]" -> "entry[12] Observation"
    plan: dict[str, Any] = field(default_factory=lambda: defaultdict(list))
    _by_raw: dict[int, Any] = field(init=False)  # id(raw resource dict) -> validated resource

    def __post_init__(self) -> None:
        self._by_raw = {id(self.refs.entries[i]): res for i, res in self.resources.items()}

    # Helpers shared by the mappers.
    def note(self, i: int, res: Any, why: str) -> None:
        self.notes.append(f"entry[{i}] {res.get_resource_type()}: {why}")

    def add(self, key: str, item: dict[str, Any], i: int, res: Any) -> None:
        self.origins[f"{key}[{len(self.plan[key])}]"] = f"entry[{i}] {res.get_resource_type()}"
        self.plan[key].append(item)

    def resolve(self, ref: Any, container: Any = None) -> Any:
        """The validated resource a Reference points at (``#id`` within ``container``), or None."""
        if ref is None or not ref.reference:
            return None
        reference = str(ref.reference)
        if reference.startswith("#"):
            inner = container.contained or [] if container is not None else []
            return next((c for c in inner if c.id == reference[1:]), None)
        raw = self.refs.find(reference)
        return self._by_raw.get(id(raw)) if raw is not None else None

    def is_patient(self, ref: Any) -> bool:
        return ref is not None and self.resolve(ref) is self.resources.get(self.patient_index)

    def names_patient(self, ref: Any) -> bool:
        """A display-only reference that names the patient (or a Patient/... reference)."""
        if str(ref.reference or "").startswith("Patient/"):
            return True
        patient = self.plan.get("patient") or {}
        names = {n.lower() for n in (patient.get("name"), patient.get("preferred_name")) if n}
        return bool(ref.display) and not ref.reference and str(ref.display).lower() in names

    def name_of(self, ref: Any) -> str | None:
        """Who a reference names: its display, else the referenced person's or organisation's name."""
        if ref is None:
            return None
        if ref.display:
            return str(ref.display)
        target = self.resolve(ref)
        if target is None:
            return None
        rtype = target.get_resource_type()
        if rtype in {"Practitioner", "RelatedPerson", "Patient"}:
            return _person_name(target.name, titles=rtype == "Practitioner")
        if rtype == "PractitionerRole":
            return self.name_of(target.practitioner) or self.name_of(target.organization)
        if rtype in {"Organization", "Location", "CareTeam", "HealthcareService"}:
            return str(target.name) if target.name else None
        return None

    def phone_of(self, ref: Any) -> str | None:
        target = self.resolve(ref)
        if target is None:
            return None
        phone = _phone(getattr(target, "telecom", None))
        if phone is None and target.get_resource_type() == "PractitionerRole":
            phone = self.phone_of(target.practitioner) or self.phone_of(target.organization)
        return phone

    def build(self, bundle_id: str | None) -> dict[str, Any]:
        patient = self.resources[self.patient_index]
        self.plan["patient"] = self.patient(patient)
        self.origins["patient"] = f"entry[{self.patient_index}] Patient"
        care_plans = 0
        others: dict[str, list[int]] = defaultdict(list)
        for i, res in self.resources.items():
            rtype = res.get_resource_type()
            mapper = getattr(self, f"map_{rtype}", None)
            if rtype == "CarePlan":
                care_plans += 1
            if mapper is not None:
                mapper(i, res)
            elif rtype not in _SUPPORTING and rtype != "Patient":
                others[rtype].append(i)
        for i, entry_raw in enumerate(self.refs.entries):
            if entry_raw is None:
                self.notes.append(f"entry[{i}]: no resource")
        for rtype, where in sorted(others.items()):
            shown = ", ".join(f"entry[{i}]" for i in where[:5]) + (", ..." if len(where) > 5 else "")
            self.notes.append(f"{len(where)} {rtype} resource{'s' if len(where) > 1 else ''} ({shown}): "
                              "resource type not mapped into a care plan")
        if care_plans > 1:
            self.notes.append(f"{care_plans} CarePlan resources: checklists merged, title and summary from the first")
        mrn = self.plan["patient"].get("mrn")
        plan = dict(self.plan)
        plan["id"] = mrn or bundle_id or patient.id or "fhir-import"
        plan["source"] = {"format": FORMAT, "bundle_id": bundle_id, "unmapped": self.notes}
        return plan

    def locate(self, problems: list[Problem]) -> list[Problem]:
        """Name the bundle entry each plan-validation problem came from."""
        located = []
        for p in problems:
            origin = next((o for key, o in sorted(self.origins.items(), key=lambda kv: -len(kv[0]))
                           if p.path == key or p.path.startswith((key + ".", key + "["))), None)
            located.append(Problem(p.path, f"{p.message} (from {origin})" if origin else p.message, p.line, p.column))
        return located

    # Patient ------------------------------------------------------------------------------------
    def patient(self, p: Any) -> dict[str, Any]:
        i = self.patient_index
        # Missing name or birth date stay missing, so plan validation says "Field required".
        out: dict[str, Any] = {k: v for k, v in (("name", _person_name(p.name)), ("date_of_birth", p.birthDate)) if v}
        official = _pick_name(p.name, ("official",))
        preferred = next((n for n in p.name or [] if n.use in {"usual", "nickname"}), None)
        if preferred is not None and preferred is not official:
            call = (preferred.given or [None])[0] or _format_name(preferred)
            first = out["name"].split()[0] if out.get("name") else None
            if call and call != first:
                out["preferred_name"] = call
        if p.gender in _SEX:
            out["sex"] = p.gender
        elif p.gender:
            self.note(i, p, f"gender {p.gender!r} is not an R4 code; recorded as unknown")
        if (phone := _phone(p.telecom)) is not None:
            out["phone"] = phone
        if (language := self._language(p)) is not None:
            out["language"] = language
        if (mrn := _mrn(p.identifier)) is not None:
            out["mrn"] = mrn
        if p.deceasedBoolean or p.deceasedDateTime:
            self.note(i, p, "the patient is recorded as deceased")
        return out

    def _language(self, p: Any) -> str | None:
        comms = sorted(p.communication or [], key=lambda c: not c.preferred)
        for comm in comms:
            code = next((c.code for c in comm.language.coding or [] if c.code), None)
            if code:
                return str(code).split("-")[0].lower()  # BCP-47 primary tag: what STT and TTS take
            if comm.language.text:
                self.note(self.patient_index, p, f"language {comm.language.text!r} has no BCP-47 code; left as 'en'")
        return None

    # Condition ----------------------------------------------------------------------------------
    def map_Condition(self, i: int, c: Any) -> None:
        verification = _code(c.verificationStatus)
        name = _cc_text(c.code)
        if verification in _VOID:
            self.note(i, c, f"{name or 'condition'} is {verification}; not carried over")
            return
        if not name:
            self.note(i, c, "condition without a code or text; not carried over")
            return
        item: dict[str, Any] = {"name": name, "codes": _codes(c.code)}
        status = _code(c.clinicalStatus)
        if status in _CONDITION_STATUS:
            item["status"] = status
        elif status:
            self.note(i, c, f"{name}: clinical status {status!r} unknown; recorded as active")
        remarks = []
        if verification in {"provisional", "differential", "unconfirmed"}:
            remarks.append(f"{verification} diagnosis")
        onset = c.onsetDateTime or (c.onsetPeriod.start if c.onsetPeriod else None)
        if _date(onset) is not None:
            item["onset"] = _date(onset)
        elif onset or c.onsetString:
            remarks.append(f"onset {onset or c.onsetString}")
        elif c.onsetAge is not None and c.onsetAge.value is not None:
            remarks.append(f"onset at age {c.onsetAge.value:g} {c.onsetAge.unit or ''}".rstrip())
        remarks += _annotations(c.note)
        if remarks:
            item["note"] = "; ".join(remarks)
        self.add("conditions", item, i, c)

    # AllergyIntolerance ---------------------------------------------------------------------------
    def map_AllergyIntolerance(self, i: int, a: Any) -> None:
        verification = _code(a.verificationStatus)
        substance = _cc_text(a.code) or next((_cc_text(r.substance) for r in a.reaction or [] if r.substance), None)
        if verification in _VOID:
            self.note(i, a, f"{substance or 'allergy'} is {verification}; not carried over")
            return
        if not substance:
            self.note(i, a, "allergy without a substance; not carried over (check the record)")
            return
        status = _code(a.clinicalStatus)
        if status in {"inactive", "resolved"}:
            self.note(i, a, f"{substance} allergy is {status}; not carried over")
            return
        reactions: list[str] = []
        severities: list[str] = []
        for r in a.reaction or []:
            reactions += [t for m in r.manifestation or [] if (t := _cc_text(m)) and t not in reactions]
            if r.severity in _SEVERITY_ORDER:
                severities.append(r.severity)
        item: dict[str, Any] = {"substance": substance, "codes": _codes(a.code)}
        if reactions:
            item["reaction"] = "; ".join(reactions)
        if severities:
            item["severity"] = max(severities, key=_SEVERITY_ORDER.index)
        if a.criticality in {"low", "high", "unable-to-assess"}:
            item["criticality"] = a.criticality
        self.add("allergies", item, i, a)

    # MedicationRequest ------------------------------------------------------------------------------
    def map_MedicationRequest(self, i: int, m: Any) -> None:
        concept, medication = self._medication_concept(m)
        text = _cc_text(concept)
        if m.status not in _MED_CURRENT:
            self.note(i, m, f"{text or 'medication'} has status {m.status!r}; not a current medication")
            return
        if m.doNotPerform:
            self.note(i, m, f"an order NOT to give {text or 'a medication'}; not listed as a medication")
            return
        if not text:
            self.note(i, m, "medication without a name or code text; not carried over")
            return
        found = drugnames.recognise(text) or next(
            (f for c in (concept.coding or []) if c.display and (f := drugnames.recognise(str(c.display)))), None)
        item: dict[str, Any] = {"display": text, "codes": _codes(concept)}
        if found is not None:
            item["name"] = found.name
            if found.brand:
                item["brand"] = found.brand
        else:
            item["name"] = text.lower()
            self.note(i, m, f"medication {text!r} not recognised as a drug; name kept as written")
        strength = self._strength(text, medication, found)
        if strength is not None:
            item["strength"] = strength
        if m.requester is not None and (prescriber := self.name_of(m.requester)):
            item["prescriber"] = prescriber
        if purpose := self._reasons(i, m, m.reasonCode, m.reasonReference):
            item["purpose"] = purpose
        instructions = _annotations(m.note)
        dosages = m.dosageInstruction or []
        if dosages:
            instructions = self._dosage(i, m, dosages[0], item) + instructions
        if len(dosages) > 1:
            rest = "; ".join(d.text or "(no text)" for d in dosages[1:])
            self.note(i, m, f"{text}: only the first of {len(dosages)} dosage instructions mapped; not mapped: {rest}")
        if instructions:
            item["instructions"] = "; ".join(instructions)
        self.add("medications", item, i, m)

    def _medication_concept(self, m: Any) -> tuple[Any, Any]:
        if m.medicationCodeableConcept is not None:
            return m.medicationCodeableConcept, None
        medication = self.resolve(m.medicationReference, m)
        if medication is not None and medication.code is not None:
            return medication.code, medication
        display = m.medicationReference.display if m.medicationReference else None
        return CodeableConcept(text=display) if display else None, medication

    def _strength(self, text: str, medication: Any, found: drugnames.DrugName | None) -> dict[str, Any] | None:
        ingredients = (medication.ingredient or []) if medication is not None else []
        if len(ingredients) == 1 and ingredients[0].strength and ingredients[0].strength.numerator:
            num = ingredients[0].strength.numerator
            if num.value and _amount_unit(num):
                return {"value": float(num.value), "unit": _amount_unit(num)}
        if found is not None and len(found.ingredients) > 1:
            return None  # "20-12.5 mg": one number per ingredient, no single strength
        match = _STRENGTH.search(text)
        if match is None or float(match.group(1)) <= 0:
            return None
        unit = match.group(2)
        return {"value": float(match.group(1)), "unit": _STRENGTH_UNITS.get(unit.lower(), unit.lower())}

    def _reasons(self, i: int, res: Any, codes: Any, references: Any) -> str | None:
        reasons = [t for cc in codes or [] if (t := _cc_text(cc))]
        for ref in references or []:
            target = self.resolve(ref)
            words = ref.display or (_cc_text(target.code) if target is not None and hasattr(target, "code") else None)
            if words:
                reasons.append(str(words))
            else:
                self.note(i, res, f"reason {ref.reference!r} could not be named")
        return "; ".join(dict.fromkeys(reasons)) or None

    def _dosage(self, i: int, m: Any, d: Any, item: dict[str, Any]) -> list[str]:
        """Fill the dose fields from dosageInstruction[0]; returns extra instruction lines."""
        label = item["display"]
        if d.text:
            item["dose_text"] = str(d.text)
        if d.route is not None and (route := _route(d.route)):
            item["route"] = route
        if d.asNeededBoolean or d.asNeededCodeableConcept is not None:
            item["as_needed"] = True
        self._timing(i, m, d.timing, label, item)
        self._dose(i, m, d, label, item)
        self._max_daily(i, m, d, label, item)
        lines = [str(d.patientInstruction)] if d.patientInstruction else []
        lines += [t for cc in d.additionalInstruction or [] if (t := _cc_text(cc))]
        if d.asNeededCodeableConcept is not None and (why := _cc_text(d.asNeededCodeableConcept)):
            lines.insert(0, f"as needed for {why}")
        return lines

    def _timing(self, i: int, m: Any, timing: Any, label: str, item: dict[str, Any]) -> None:
        if timing is None:
            return
        repeat = timing.repeat
        per_day: float | None = None
        words: str | None = None
        if repeat is not None and repeat.period and repeat.periodUnit in _PER_DAY:
            freq = repeat.frequency or 1
            per_day = freq * _PER_DAY[repeat.periodUnit] / float(repeat.period)
            words = _frequency_words(freq, repeat.frequencyMax, float(repeat.period),
                                     _number(repeat.periodMax), repeat.periodUnit)
        elif timing.code is not None and (code := _code(timing.code)) in _TIMING_CODES:
            per_day, words = _TIMING_CODES[code]
        elif timing.code is not None and timing.code.text:
            words = str(timing.code.text)
        if repeat is not None and repeat.when:
            when = [_WHEN[w] for w in repeat.when if w in _WHEN]
            words = " ".join(filter(None, [words, " and ".join(when)])) or None
        if repeat is not None and repeat.timeOfDay:
            times = " and ".join(t.strftime("%H:%M") if isinstance(t, dt.time) else str(t) for t in repeat.timeOfDay)
            words = " ".join(filter(None, [words, f"at {times}"]))
        if words:
            item["frequency"] = words
        if per_day is not None:
            if 0 < per_day <= 24:
                item["times_per_day"] = round(per_day, 4)
            else:
                self.note(i, m, f"{label}: {per_day:g} doses a day is outside 0-24; times per day not mapped")

    def _dose(self, i: int, m: Any, d: Any, label: str, item: dict[str, Any]) -> None:
        rates = d.doseAndRate or []
        dose = next((r.doseQuantity for r in rates if r.doseQuantity is not None), None)
        dose_range = next((r.doseRange for r in rates if r.doseRange is not None), None)
        if dose is None:
            if dose_range is not None:
                low = _number(dose_range.low.value) if dose_range.low else None
                high = _number(dose_range.high.value) if dose_range.high else None
                unit = _amount_unit(dose_range.high or dose_range.low)
                self.note(i, m, f"{label}: dose range {low:g}-{high:g} {unit} not mapped (one dose per plan)"
                          if low is not None and high is not None else f"{label}: dose range not mapped")
            return
        value, unit = _number(dose.value), _amount_unit(dose)
        if value is None or value <= 0 or not unit:
            self.note(i, m, f"{label}: dose {dose.value} {unit or ''} is not a usable amount".rstrip())
            return
        strength = item.get("strength")
        if unit.lower() in _COUNTED_FORMS and strength is not None and strength["unit"] in {"mg", "mcg", "g"}:
            # "1 tablet" of a 50 mg tablet is 50 mg: the daily-maximum check needs a mass
            value, unit = value * strength["value"], strength["unit"]
        item["dose"] = {"value": value, "unit": unit}

    def _max_daily(self, i: int, m: Any, d: Any, label: str, item: dict[str, Any]) -> None:
        ratio = d.maxDosePerPeriod  # 0..1 in R4 (a list only from R5 on)
        if ratio is not None:
            num, den = ratio.numerator, ratio.denominator
            span = (_number(den.value) or 0.0, str(den.code or den.unit or "")) if den is not None else (0.0, "")
            per_day = span in {(1.0, "d"), (1.0, "day"), (24.0, "h"), (24.0, "hour"), (24.0, "hours")}
            unit = _amount_unit(num) if num is not None else None
            if per_day and num is not None and num.value and unit:
                item["max_daily"] = {"value": float(num.value), "unit": unit}
            else:
                self.note(i, m, f"{label}: maximum dose per {span[0]:g} {span[1]} not mapped (only a per-day maximum is)")
        if d.maxDosePerAdministration is not None:
            q = d.maxDosePerAdministration
            self.note(i, m, f"{label}: maximum per administration {q.value} {_amount_unit(q) or ''} not mapped".rstrip())

    # Observation ----------------------------------------------------------------------------------
    def map_Observation(self, i: int, o: Any) -> None:
        text = _cc_text(o.code) or "observation"
        if o.status in {"entered-in-error", "cancelled"}:
            self.note(i, o, f"{text} is {o.status}; not carried over")
            return
        when = _moment(o.effectiveDateTime) or _moment(o.effectiveInstant) or \
            (_moment(o.effectivePeriod.start) if o.effectivePeriod else None) or _moment(o.issued)
        codes = _loinc_codes(o.code)
        panel = any(c in BP_PANELS for c in codes)
        if panel or (o.valueQuantity is None and o.component):
            if not o.component:
                self.note(i, o, f"{text}: panel without components")
            for k, comp in enumerate(o.component or []):
                self._measurement(i, o, comp.code, comp.valueQuantity, comp, when, f"{text} component {k}")
            return
        self._measurement(i, o, o.code, o.valueQuantity, o, when, text)

    def _measurement(self, i: int, o: Any, code: Any, q: Any, holder: Any, when: Any, text: str) -> None:
        codes = _loinc_codes(code)
        analyte = next((a for c in codes if (a := analyte_for_loinc(c))), None)
        name = _cc_text(code) or text
        if analyte is None:
            what = f"LOINC {', '.join(codes)}" if codes else "no LOINC code"
            self.note(i, o, f"{name} ({what}) is not a known analyte; not carried over")
            return
        if q is None or q.value is None:
            absent = _cc_text(holder.dataAbsentReason) if holder.dataAbsentReason is not None else None
            other = next((k for k in ("valueString", "valueCodeableConcept", "valueRatio", "valueRange", "valueInteger")
                          if getattr(holder, k, None) is not None), None)
            why = f"data absent: {absent}" if absent else (f"value is a {other[5:]}, not a quantity" if other else "no value")
            self.note(i, o, f"{name}: {why}; not carried over")
            return
        unit = self._analyte_unit(analyte, q)
        if unit is False:
            unit_text = q.code or q.unit
            self.note(i, o, f"{name}: unit {unit_text!r} cannot be read as {ANALYTES[analyte].unit}; not carried over")
            return
        item: dict[str, Any] = {"analyte": analyte, "value": float(q.value)}
        if unit:
            item["unit"] = unit
        if when is not None:
            item["date"] = when
        if q.comparator:
            item["note"] = f"reported as {q.comparator}{q.value:g}"
        self.add("labs", item, i, o)

    @staticmethod
    def _analyte_unit(analyte: str, q: Any) -> str | bool | None:
        """The first spelling of q's unit that converts to the analyte's unit; None when q has no unit
        and the analyte is unitless (INR); False when nothing fits."""
        units = _quantity_units(q)
        if not units:
            return None if ANALYTES[analyte].unit == "1" else False
        for unit in units:
            try:
                check_unit(analyte, unit)
                return unit
            except UnitError:
                continue
        return False

    # Goal -------------------------------------------------------------------------------------------
    def map_Goal(self, i: int, g: Any) -> None:
        text = _cc_text(g.description) or "goal"
        if g.lifecycleStatus in {"cancelled", "entered-in-error", "rejected", "completed"}:
            self.note(i, g, f"{text!r} is {g.lifecycleStatus}; not carried over")
            return
        if not g.target:
            self.note(i, g, f"{text!r} has no measurable target; not carried over")
            return
        for t in g.target:
            self._target(i, g, t, text)

    def _target(self, i: int, g: Any, t: Any, text: str) -> None:
        codes = _loinc_codes(t.measure)
        analyte = next((a for c in codes if (a := analyte_for_loinc(c))), None)
        if analyte is None:
            what = f"LOINC {', '.join(codes)}" if codes else "no LOINC measure"
            self.note(i, g, f"{text!r}: target {_cc_text(t.measure) or ''} ({what}) is not a known analyte".replace("  ", " "))
            return
        bounds = self._bounds(i, g, t, text)
        if bounds is None:
            return
        low, high, q = bounds
        unit = self._analyte_unit(analyte, q)
        if unit is False:
            self.note(i, g, f"{text!r}: unit {q.code or q.unit!r} cannot be read as {ANALYTES[analyte].unit}")
            return
        if any(existing["analyte"] == analyte for existing in self.plan["targets"]):
            self.note(i, g, f"{text!r}: a second target for {analyte}; the first one is kept")
            return
        item: dict[str, Any] = {"analyte": analyte, "note": text}
        if low is not None:
            item["low"] = low
        if high is not None:
            item["high"] = high
        if unit:
            item["unit"] = unit
        self.add("targets", item, i, g)

    def _bounds(self, i: int, g: Any, t: Any, text: str) -> tuple[float | None, float | None, Any] | None:
        if t.detailRange is not None:
            low_q, high_q = t.detailRange.low, t.detailRange.high
            low = _number(low_q.value) if low_q else None
            high = _number(high_q.value) if high_q else None
            if low is None and high is None:
                self.note(i, g, f"{text!r}: empty target range")
                return None
            if low_q is not None and high_q is not None and _quantity_units(low_q)[:1] != _quantity_units(high_q)[:1]:
                self.note(i, g, f"{text!r}: range bounds in different units; not carried over")
                return None
            return low, high, low_q if low_q is not None else high_q
        q = t.detailQuantity
        if q is not None and q.value is not None:
            if q.comparator in {"<", "<="}:
                return None, float(q.value), q
            if q.comparator in {">", ">="}:
                return float(q.value), None, q
            self.note(i, g, f"{text!r}: target quantity {q.value:g} without < or > is not a range; not carried over")
            return None
        self.note(i, g, f"{text!r}: target is not a range or quantity; not carried over")
        return None

    # Appointment ------------------------------------------------------------------------------------
    def map_Appointment(self, i: int, a: Any) -> None:
        service = "; ".join(t for cc in a.serviceType or [] if (t := _cc_text(cc)))
        reasons = self._reasons(i, a, a.reasonCode, a.reasonReference)
        purpose = a.description or service or reasons
        if a.description and service:
            purpose = f"{a.description} ({service})"
        label = purpose or "appointment"
        if a.status in {"entered-in-error", "cancelled", "noshow"}:
            self.note(i, a, f"{label} is {a.status}; not carried over")
            return
        if a.start is None:
            self.note(i, a, f"{label} has no start time; not carried over")
            return
        people: list[str] = []
        location: str | None = None
        for p in a.participant or []:
            if p.actor is None or self.is_patient(p.actor) or self.names_patient(p.actor):
                continue
            target = self.resolve(p.actor)
            is_place = (target is not None and target.get_resource_type() == "Location") or \
                str(p.actor.reference or "").startswith("Location/")
            name = self.name_of(p.actor)
            if name and is_place:
                location = location or name
            elif name and name not in people:
                people.append(name)
        item: dict[str, Any] = {"when": a.start, "status": a.status or "booked"}
        if people:
            item["with_whom"] = ", ".join(people)
        if purpose:
            item["purpose"] = str(purpose)
        if location:
            item["location"] = location
        self.add("appointments", item, i, a)

    # CarePlan ---------------------------------------------------------------------------------------
    def map_CarePlan(self, i: int, c: Any) -> None:
        if c.status in {"revoked", "entered-in-error", "completed"}:
            self.note(i, c, f"{c.title or 'care plan'} is {c.status}; not carried over")
            return
        if c.title and "title" not in self.plan:
            self.plan["title"] = str(c.title)
        if c.description and "summary" not in self.plan:
            self.plan["summary"] = str(c.description)
        for k, activity in enumerate(c.activity or []):
            detail = activity.detail
            text = (detail.description or _cc_text(detail.code)) if detail is not None else None
            if detail is not None and detail.status in {"cancelled", "stopped", "completed", "entered-in-error"}:
                self.note(i, c, f"activity {k} {text!r} is {detail.status}; not a checklist item")
                continue
            if not text:
                ref = activity.reference.reference if activity.reference else None
                self.note(i, c, f"activity {k} has no description" + (f" (refers to {ref})" if ref else ""))
                continue
            if detail is not None and detail.doNotPerform:
                text = f"Do not: {text}"
            n = len(self.plan["checklist"]) + 1
            self.add("checklist", {"id": f"c{n}", "text": str(text), "required": True}, i, c)

    # CareTeam ---------------------------------------------------------------------------------------
    def map_CareTeam(self, i: int, t: Any) -> None:
        if t.status in {"inactive", "entered-in-error"}:
            self.note(i, t, f"{t.name or 'care team'} is {t.status}; not carried over")
            return
        if t.name and (phone := _phone(t.telecom)):
            self.add("escalation_contacts", {"name": str(t.name), "role": "care team", "phone": phone}, i, t)
        for p in t.participant or []:
            if p.member is None or self.is_patient(p.member) or self.names_patient(p.member):
                continue
            name = self.name_of(p.member)
            role = next((r for cc in p.role or [] if (r := _cc_text(cc))), None)
            phone = self.phone_of(p.member)
            if not name:
                self.note(i, t, "care-team member without a name; not an escalation contact")
            elif not phone:
                self.note(i, t, f"care-team member {name} has no phone; not an escalation contact")
            else:
                contact = {"name": name, "phone": phone} | ({"role": role} if role else {})
                self.add("escalation_contacts", contact, i, t)


def _mrn(identifiers: Any) -> str | None:
    """The medical record number: the identifier typed MR, else one whose system says MRN."""
    for ident in identifiers or []:
        if ident.value and ident.type is not None and any(c.code == "MR" for c in ident.type.coding or []):
            return str(ident.value)
    for ident in identifiers or []:
        if ident.value and re.search(r"mrn|medical.?record", str(ident.system or ""), re.IGNORECASE):
            return str(ident.value)
    return None


def _frequency_words(freq: int, freq_max: int | None, period: float, period_max: float | None, unit: str) -> str:
    """Timing.repeat in the words a nurse would use: "twice daily", "every 4 to 6 hours"."""
    count = f"{freq} to {freq_max} times" if freq_max else _COUNT_WORDS.get(freq, f"{freq} times")
    span = f"{period:g} to {period_max:g}" if period_max else f"{period:g}"
    word = _UNIT_WORD[unit]
    if unit == "d" and period == 1 and not period_max:
        return f"{count} daily"
    if unit == "wk" and period == 1 and not period_max:
        return f"{count} weekly"
    if unit == "mo" and period == 1 and not period_max:
        return f"{count} monthly"
    if freq == 1 and not freq_max:
        if period == 1 and not period_max:
            return f"every {word}"
        if unit == "d" and period == 2 and not period_max:
            return "every other day"
        return f"every {span} {word}s"
    return f"{count} every {span} {word}s" if (period != 1 or period_max) else f"{count} every {word}"


__all__ = ["FORMAT", "care_plan_from_bundle"]
