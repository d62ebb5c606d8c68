"""The care plan: what a care-management nurse needs in hand on a call.

Values are validated and normalised on construction: analyte keys are canonical (CONTRACT.md §2),
lab and vital values are converted to the analyte's canonical unit (the original value and unit are
kept), drug names are lower-case generic names.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from careplans.analytes import ANALYTES
from careplans.units import UnitError, convert_analyte, same_unit, to_mg

Sex = Literal["female", "male", "other", "unknown"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_assignment=True)


def _require_text(value: str, what: str) -> str:
    if not value or not value.strip():
        raise ValueError(f"{what} must not be empty")
    return value


class Code(_Model):
    """A coding from a terminology (SNOMED CT, ICD-10-CM, RxNorm, LOINC, ...)."""

    system: str
    code: str
    display: str | None = None


class Patient(_Model):
    name: str = Field(description="Full legal name, as used for identity verification")
    preferred_name: str | None = Field(default=None, description="What the patient likes to be called")
    date_of_birth: dt.date
    sex: Sex = "unknown"
    language: str = "en"
    phone: str | None = None
    mrn: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        return _require_text(v, "name")

    @field_validator("date_of_birth")
    @classmethod
    def _dob(cls, v: dt.date) -> dt.date:
        today = dt.date.today()
        if v > today:
            raise ValueError(f"date of birth {v.isoformat()} is in the future")
        if v.year < today.year - 125:
            raise ValueError(f"date of birth {v.isoformat()} is more than 125 years ago")
        return v

    @property
    def first_name(self) -> str:
        return self.name.split()[0]

    @property
    def call_name(self) -> str:
        return self.preferred_name or self.first_name

    def age_on(self, day: dt.date) -> int:
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class Condition(_Model):
    name: str
    status: Literal["active", "recurrence", "relapse", "inactive", "remission", "resolved"] = "active"
    onset: dt.date | None = None
    codes: list[Code] = Field(default_factory=list)
    note: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        return _require_text(v, "condition name")


class Allergy(_Model):
    substance: str
    reaction: str | None = None
    severity: Literal["mild", "moderate", "severe"] | None = None
    criticality: Literal["low", "high", "unable-to-assess"] | None = None
    codes: list[Code] = Field(default_factory=list)

    @field_validator("substance")
    @classmethod
    def _substance(cls, v: str) -> str:
        return _require_text(v, "allergy substance")


class Amount(_Model):
    """A drug quantity such as 50 mg, 100 units or 2 puffs."""

    value: float = Field(gt=0)
    unit: str

    @field_validator("unit")
    @classmethod
    def _unit(cls, v: str) -> str:
        return _require_text(v, "unit")

    def mg(self) -> float | None:
        """The amount in mg when it is a mass, else None (units, puffs, mL)."""
        try:
            return to_mg(self.value, self.unit)
        except UnitError:
            return None

    def __str__(self) -> str:
        number = f"{self.value:g}"
        return f"{number} {self.unit}"


class Medication(_Model):
    name: str = Field(description="Canonical lower-case generic name (CONTRACT.md §2), e.g. 'furosemide'")
    display: str | None = Field(default=None, description="The order as written, e.g. 'Lasix 40 mg tablet'")
    brand: str | None = None
    strength: Amount | None = Field(default=None, description="Strength of one tablet, capsule or mL")
    dose: Amount | None = Field(default=None, description="Amount taken each time")
    dose_text: str | None = Field(default=None, description="Sig as written, e.g. '1 tablet by mouth twice daily'")
    route: str | None = None
    frequency: str | None = Field(default=None, description="How often, in words")
    times_per_day: float | None = Field(default=None, gt=0, le=24)
    as_needed: bool = False
    max_daily: Amount | None = Field(default=None, description="Prescriber's daily limit, when the order gives one")
    purpose: str | None = None
    prescriber: str | None = None
    codes: list[Code] = Field(default_factory=list)
    instructions: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        v = _require_text(v, "medication name")
        return re.sub(r"\s+", " ", v.lower())

    def daily_mg(self) -> float | None:
        """Scheduled daily amount in mg, when the order gives a mass dose and a frequency."""
        if self.dose is None or self.times_per_day is None:
            return None
        mg = self.dose.mg()
        return None if mg is None else mg * self.times_per_day


class Measurement(_Model):
    """A recent lab result or vital sign, normalised to the analyte's canonical unit."""

    analyte: str
    value: float
    unit: str | None = Field(default=None, description="Canonical unit (set on load)")
    original_value: float | None = None
    original_unit: str | None = None
    date: dt.date | dt.datetime | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _normalise(self) -> Measurement:
        _check_analyte(self.analyte)
        canonical = ANALYTES[self.analyte].unit
        if self.unit is not None and not same_unit(self.unit, canonical):
            value = convert_analyte(self.analyte, self.value, self.unit)
            object.__setattr__(self, "original_value", self.value)
            object.__setattr__(self, "original_unit", self.unit)
            object.__setattr__(self, "value", round(value, 4))
        object.__setattr__(self, "unit", canonical)
        return self


class Target(_Model):
    """A care-plan goal for one analyte; it overrides the adult reference range."""

    analyte: str
    low: float | None = None
    high: float | None = None
    unit: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _normalise(self) -> Target:
        _check_analyte(self.analyte)
        if self.low is None and self.high is None:
            raise ValueError("a target needs low, high or both")
        canonical = ANALYTES[self.analyte].unit
        if self.unit is not None and not same_unit(self.unit, canonical):
            for bound in ("low", "high"):
                value = getattr(self, bound)
                if value is not None:
                    object.__setattr__(self, bound, round(convert_analyte(self.analyte, value, self.unit), 4))
        object.__setattr__(self, "unit", canonical)
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"target low {self.low:g} is above high {self.high:g}")
        return self


class Appointment(_Model):
    when: dt.datetime | dt.date
    with_whom: str | None = None
    purpose: str | None = None
    location: str | None = None
    status: str = "booked"


class ChecklistItem(_Model):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    text: str
    required: bool = True

    @field_validator("text")
    @classmethod
    def _text(cls, v: str) -> str:
        return _require_text(v, "checklist text")


class EscalationContact(_Model):
    name: str
    role: str | None = None
    phone: str | None = None
    levels: list[Literal["emergency", "urgent", "routine"]] = Field(
        default_factory=lambda: ["urgent", "routine"],
        description="Which escalation levels go to this contact",
    )


class CarePlan(_Model):
    id: str = Field(description="Stable identifier of the plan (versions share it)")
    title: str | None = None
    summary: str | None = None
    patient: Patient
    conditions: list[Condition] = Field(default_factory=list)
    allergies: list[Allergy] = Field(default_factory=list)
    medications: list[Medication] = Field(default_factory=list)
    labs: list[Measurement] = Field(default_factory=list, description="Recent labs and vitals")
    targets: list[Target] = Field(default_factory=list)
    appointments: list[Appointment] = Field(default_factory=list)
    checklist: list[ChecklistItem] = Field(default_factory=list)
    escalation_contacts: list[EscalationContact] = Field(default_factory=list)
    source: dict[str, object] = Field(default_factory=dict, description="Where the plan came from; import notes")

    @field_validator("checklist")
    @classmethod
    def _unique_checklist(cls, items: list[ChecklistItem]) -> list[ChecklistItem]:
        ids = [i.id for i in items]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate checklist id {', '.join(repr(d) for d in dupes)}")
        return items

    @field_validator("targets")
    @classmethod
    def _unique_targets(cls, targets: list[Target]) -> list[Target]:
        keys = [t.analyte for t in targets]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"more than one target for {', '.join(dupes)}")
        return targets

    # Look-ups used by the specialists and the primary agent.
    def medication(self, name: str) -> Medication | None:
        key = name.lower().strip()
        return next((m for m in self.medications if m.name == key), None)

    def target(self, analyte: str) -> Target | None:
        return next((t for t in self.targets if t.analyte == analyte), None)

    def latest(self, analyte: str) -> Measurement | None:
        values = [m for m in self.labs if m.analyte == analyte]
        return max(values, key=lambda m: str(m.date or "")) if values else None

    def canonical_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))

    def content_hash(self) -> str:
        return hashlib.sha256(self.canonical_json().encode()).hexdigest()


def _check_analyte(key: str) -> None:
    if key not in ANALYTES:
        known = ", ".join(sorted(ANALYTES))
        raise ValueError(f"unknown analyte {key!r} (known: {known})")


__all__ = [
    "Allergy", "Amount", "Appointment", "CarePlan", "ChecklistItem", "Code", "Condition",
    "EscalationContact", "Measurement", "Medication", "Patient", "Target", "UnitError",
]
