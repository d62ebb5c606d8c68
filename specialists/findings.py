"""The finding model and finding kinds, exactly as CONTRACT.md §3.

A finding is matched on its kind and contract keys after canonicalisation; everything else
(message, evidence, confidence, the specialist that raised it) is explanation for humans.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

FindingKind = Literal[
    "medication_mentioned", "not_in_care_plan", "missed_doses", "dose_exceeds_max", "contraindicated",
    "interaction", "value_out_of_range", "medication_effect", "escalation", "unsupported_claim",
    "phi_before_verification",
]
Level = Literal["none", "routine", "urgent", "emergency"]
ClaimType = Literal["medication", "dose", "lab_value", "appointment", "diagnosis", "instruction"]

LEVELS: tuple[Level, ...] = ("none", "routine", "urgent", "emergency")

# Contract keys per kind (CONTRACT.md §3): two findings match when kind and these keys are equal.
KEYS: dict[str, tuple[str, ...]] = {
    "medication_mentioned": ("drug",),
    "not_in_care_plan": ("drug",),
    "missed_doses": ("drug",),
    "dose_exceeds_max": ("drug",),
    "contraindicated": ("drug",),
    "interaction": ("drug", "with"),
    "value_out_of_range": ("analyte", "direction"),
    "medication_effect": ("analyte", "drug"),
    "escalation": ("level",),
    "unsupported_claim": ("claim_type",),
    "phi_before_verification": (),
}
KINDS: tuple[str, ...] = tuple(KEYS)


def level_rank(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else 0


def max_level(*levels: str) -> Level:
    return max((lv for lv in levels if lv in LEVELS), key=level_rank, default="none")  # type: ignore[return-value]


class Finding(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid", frozen=True)

    kind: FindingKind
    drug: str | None = None
    with_: str | None = Field(default=None, alias="with")
    analyte: str | None = None
    direction: Literal["low", "high"] | None = None
    level: Level | None = None
    claim_type: ClaimType | None = None
    # Explanation, ignored by matching.
    message: str | None = None
    evidence: str | None = None
    specialist: str | None = None
    confidence: float | None = None
    # The escalation level this finding warrants on its own (CONTRACT.md §2); the panel takes the highest.
    urgency: Level = Field(default="none", exclude=True)
    # Why the drug is ruled out, so the reply can say it: for a contraindication, what on the care plan rules it out as the
    # plan names it ("Penicillin allergy", "Peptic ulcer disease (duodenal ulcer 2024)"); for an interaction, the risk in
    # a patient's words ("raise the risk of serious bleeding", interactions.yaml `risk`). Explanation only, not contract.
    ruled_out_by: str | None = Field(default=None, exclude=True)
    # What an escalation is about in the caller's words ("the weight gain"), so the reply can say what goes to the nurse.
    said_as: str | None = Field(default=None, exclude=True)

    def key(self) -> tuple[str, ...]:
        values = self.model_dump(by_alias=True)
        return (self.kind,) + tuple(str(values.get(k) or "").strip().lower() for k in KEYS[self.kind])

    def describe(self) -> str:
        """A nurse-readable line: the specialist's message, else one built from the finding's keys."""
        if self.message:
            return self.message
        what = {
            "dose_exceeds_max": f"{self.drug}: more than the labelled daily maximum",
            "interaction": f"{self.drug} interacts with {self.with_}",
            "contraindicated": f"{self.drug} is contraindicated for this patient",
            "value_out_of_range": f"{self.analyte} {self.direction or 'out of range'}",
            "medication_effect": f"{self.drug} may explain the {self.analyte} value",
            "missed_doses": f"missed doses of {self.drug}",
            "not_in_care_plan": f"{self.drug} is not on the care plan",
            "medication_mentioned": f"{self.drug} mentioned",
            "escalation": f"{self.level} red flag",
        }.get(self.kind, self.kind.replace("_", " "))
        return f"{what}: \"{self.evidence}\"" if self.evidence else what

    def to_contract(self) -> dict[str, Any]:
        """The finding as CONTRACT.md §3 JSON: kind, its keys, then explanation fields that are set."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


def dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per contract key, keeping the first (and its explanation)."""
    seen: set[tuple[str, ...]] = set()
    out = []
    for f in findings:
        k = f.key()
        if k not in seen:
            seen.add(k)
            out.append(f)
    return out


def finding_from_dict(data: dict[str, Any]) -> Finding:
    return Finding.model_validate({k: v for k, v in data.items() if k in Finding.model_fields or k == "with"})
