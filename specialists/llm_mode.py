"""Optional LLM mode for a specialist: a model may add findings or explanations, never remove one.

The deterministic core always runs first and its findings stand. The model (a pydantic-ai agent over
litellm, or any pydantic-ai model such as FunctionModel in tests) sees the care plan summary, the
conversation and the core's findings, and may propose more findings of the kinds this specialist
owns. Proposals are checked before they are kept: the kind must belong to the specialist, drug
names must resolve to canonical generic names, analytes must be known keys. If the model errors,
times out or returns something malformed, the core's result is returned unchanged with a note.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from careplans import ANALYTES
from specialists.base import Specialist, SpecialistResult, TurnContext
from specialists.findings import KEYS, Finding, dedupe

# The kinds each specialist may add in LLM mode.
OWNED_KINDS: dict[str, frozenset[str]] = {
    "medication": frozenset({"medication_mentioned", "not_in_care_plan", "missed_doses", "dose_exceeds_max",
                             "contraindicated", "interaction"}),
    "labs": frozenset({"value_out_of_range", "medication_effect"}),
    "escalation": frozenset({"escalation"}),
    "crisis": frozenset({"escalation"}),
    "hallucination": frozenset({"unsupported_claim"}),
    "privacy": frozenset({"phi_before_verification"}),
    "checklist": frozenset(),
}


class ProposedFinding(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str
    drug: str | None = None
    with_drug: str | None = Field(default=None, description="for interaction: the care-plan drug")
    analyte: str | None = None
    direction: Literal["low", "high"] | None = None
    level: Literal["routine", "urgent", "emergency"] | None = None
    claim_type: Literal["medication", "dose", "lab_value", "appointment", "diagnosis", "instruction"] | None = None
    confidence: float | None = Field(default=None, ge=0, le=1, description="how sure the model is, 0 to 1")
    explanation: str = ""


class LLMReview(BaseModel):
    """What the model returns: extra findings (possibly none) and a short explanation for the nurse."""

    model_config = ConfigDict(extra="forbid")

    additional_findings: list[ProposedFinding] = Field(default_factory=list)
    explanation: str = ""


INSTRUCTIONS = """You are the {name} specialist in a safety team that checks a care-management phone call
turn by turn against the patient's care plan. A deterministic checker already produced the findings listed.
Add only findings it missed, of these kinds: {kinds}. Never repeat or contradict its findings; if nothing
is missing, return an empty list. Use lower-case generic drug names and these analyte keys: {analytes}.
Escalation levels follow this policy: emergency (call 911 now), urgent (a clinician calls today), routine."""


@dataclass
class LLMSpecialist:
    """Wraps a deterministic specialist; `check` stays deterministic, `acheck` adds the model's review."""

    core: Specialist
    model: Any  # a pydantic-ai Model (or model name) — see constellation.llm.pydantic_model
    timeout_s: float = 15.0
    # Proposals the model itself rates below this confidence are dropped (one stating none is kept).
    min_confidence: float = 0.0
    name: str = field(init=False)
    speakers: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        self.name = self.core.name
        self.speakers = self.core.speakers  # type: ignore[assignment]
        self._agent: Any = None

    def _get_agent(self) -> Any:
        if self._agent is None:
            from pydantic_ai import Agent, PromptedOutput

            kinds = ", ".join(sorted(OWNED_KINDS.get(self.name, ()))) or "(none: explanations only)"
            self._agent = Agent(self.model, output_type=PromptedOutput(LLMReview),
                                instructions=INSTRUCTIONS.format(name=self.name, kinds=kinds,
                                                                 analytes=", ".join(sorted(ANALYTES))))
        return self._agent

    def check(self, ctx: TurnContext) -> SpecialistResult:
        return self.core.check(ctx)

    async def acheck(self, ctx: TurnContext) -> SpecialistResult:
        base = self.core.check(ctx)
        try:
            run = await asyncio.wait_for(self._get_agent().run(_prompt(ctx, base)), self.timeout_s)
            review: LLMReview = run.output
        except Exception as exc:  # noqa: BLE001 - the model is optional; the core's findings stand
            base.guidance.append(f"({self.name} model review unavailable: {type(exc).__name__})")
            return base
        extra = [f for p in review.additional_findings
                 if (f := accept_proposal(p, self.name, min_confidence=self.min_confidence)) is not None]
        findings = dedupe(base.findings + extra)  # core findings first: never removed or replaced
        guidance = list(base.guidance)
        if review.explanation:
            guidance.append(f"{self.name} review: {review.explanation}")
        return SpecialistResult(findings=findings, guidance=guidance, state=dict(base.state))


def accept_proposal(p: ProposedFinding, owner: str, *, min_confidence: float = 0.0,
                    urgency_from_kind: bool = True) -> Finding | None:
    """A model's proposed finding as a Finding, or None when it is not one `owner` may raise: wrong kind, a drug
    that does not resolve to one canonical generic name, an unknown analyte, a missing key, or a confidence
    below `min_confidence`. With `urgency_from_kind`, kinds the policy always escalates (routine) say so."""
    if p.kind not in OWNED_KINDS.get(owner, frozenset()):
        return None
    if min_confidence > 0 and p.confidence is not None and p.confidence < min_confidence:
        return None
    data: dict[str, Any] = {"kind": p.kind, "specialist": f"{owner}:llm", "message": p.explanation or None,
                            "confidence": p.confidence}
    if "drug" in KEYS[p.kind]:
        drug = _canonical_drug(p.drug)
        if drug is None:
            return None
        data["drug"] = drug
    if p.kind == "interaction":
        other = _canonical_drug(p.with_drug)
        if other is None:
            return None
        data["with"] = other
    if "analyte" in KEYS[p.kind]:
        if p.analyte not in ANALYTES:
            return None
        data["analyte"] = p.analyte
    if p.kind == "value_out_of_range":
        if p.direction is None:
            return None
        data["direction"] = p.direction
    if p.kind == "unsupported_claim":
        if p.claim_type is None:
            return None
        data["claim_type"] = p.claim_type
    if p.kind == "escalation":
        if p.level is None:
            return None
        data["level"] = p.level
        data["urgency"] = p.level
    routine = urgency_from_kind and p.kind in {"not_in_care_plan", "missed_doses", "value_out_of_range"}
    data.setdefault("urgency", "routine" if routine else "none")
    try:
        return Finding.model_validate(data)
    except ValueError:
        return None


def _canonical_drug(name: str | None) -> str | None:
    if not name:
        return None
    from specialists import knowledge

    found = knowledge.lookup(name)
    return found[0] if found and len(found) == 1 else None


def plan_summary(ctx: TurnContext) -> dict[str, Any]:
    """The care plan as the model sees it: conditions, allergies, medications, targets, labs, appointments."""
    plan = ctx.plan
    return {
        "conditions": [c.name for c in plan.conditions],
        "allergies": [a.substance for a in plan.allergies],
        "medications": [{"name": m.name, "dose": str(m.dose) if m.dose else None, "frequency": m.frequency}
                        for m in plan.medications],
        "targets": [t.model_dump(exclude_none=True) for t in plan.targets],
        "recent_labs": [{"analyte": m.analyte, "value": m.value, "unit": m.unit, "date": str(m.date)} for m in plan.labs],
        "appointments": [{"when": str(a.when), "with": a.with_whom, "purpose": a.purpose} for a in plan.appointments],
    }


def conversation_prompt(ctx: TurnContext) -> str:
    """Care plan, identity state, the last eight utterances and the turn to check, as the model's prompt."""
    history = "\n".join(f"{u.speaker}: {u.text}" for u in ctx.history[-8:])
    return (f"Care plan: {json.dumps(plan_summary(ctx))}\nToday: {ctx.today.isoformat()}\n"
            f"Identity verified: {ctx.identity_verified}\n"
            f"Conversation so far:\n{history}\nTurn to check ({ctx.turn.speaker}): {ctx.turn.text}")


def _prompt(ctx: TurnContext, base: SpecialistResult) -> str:
    found = [f.to_contract() for f in base.findings]
    return f"{conversation_prompt(ctx)}\nDeterministic findings: {json.dumps(found)}"
