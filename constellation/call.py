"""A call: the orchestrator plus storage. Every turn is committed in one transaction before it is returned,
so a crash never loses an acknowledged turn and a call can be resumed from what is stored."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from careplans import CarePlan
from constellation.llm import ModelSettings
from constellation.orchestrator import Orchestrator, TurnOutcome
from constellation.primary.base import PrimaryAgent
from constellation.primary.scripted import ScriptedPrimary
from constellation.session import SessionState
from constellation.storage import Database, repository
from specialists import registry
from specialists.base import Specialist, TurnContext, Utterance

PATIENT_SIDE = ("privacy", "medication", "labs", "escalation", "crisis", "checklist")
DRAFT_SIDE = ("hallucination", "privacy", "crisis")


WARM_UP_LINES = ("Hello, I took two Tylenol and my metforman this morning, sugar was one twenty.",
                 "Your furosemide is 40 mg twice a day and your appointment is on Friday, December 3 at 10 AM.")


def default_checkers(plan: CarePlan | None = None) -> tuple[list[Specialist], list[Specialist]]:
    """The registered specialists that judge patient turns, and those that verify agent drafts.

    With a plan, each one is run once on made-up turns first, so dictionaries and per-plan caches are loaded
    before the call starts rather than inside a turn's time budget.
    """
    known = set(registry.names())
    patient = [registry.get(n) for n in PATIENT_SIDE if n in known]
    drafts = [registry.get(n) for n in DRAFT_SIDE if n in known]
    missing = [n for n in (*PATIENT_SIDE, *DRAFT_SIDE) if n not in known]
    if missing:
        raise RuntimeError(f"specialists not available: {', '.join(sorted(set(missing)))}")
    specialist_model = ModelSettings.from_env("CONSTELLATION_SPECIALIST_MODEL")
    if specialist_model is not None:
        # LLM mode: a model may add findings to each specialist's; it never removes one (specialists.llm_mode).
        from constellation.llm import pydantic_model
        from specialists.llm_mode import LLMSpecialist

        model = pydantic_model(specialist_model)
        patient = [LLMSpecialist(s, model, timeout_s=specialist_model.timeout_s) for s in patient]  # type: ignore[misc]
        drafts = [LLMSpecialist(s, model, timeout_s=specialist_model.timeout_s) for s in drafts]  # type: ignore[misc]
    if plan is not None:
        for speaker, text, specs in (("patient", WARM_UP_LINES[0], patient), ("agent", WARM_UP_LINES[1], drafts)):
            ctx = TurnContext(plan=plan, turn=Utterance(speaker, text), identity_verified=True)  # type: ignore[arg-type]
            for spec in specs:
                spec.check(ctx)
    return patient, drafts


def _checker_timeout(timeout_s: float) -> float:
    """In LLM mode a checker waits for its model (which has its own timeout) before the turn gives up on it."""
    settings = ModelSettings.from_env("CONSTELLATION_SPECIALIST_MODEL")
    return max(timeout_s, settings.timeout_s + 1.0) if settings else timeout_s


def handoff_brief(plan: CarePlan, outcome: TurnOutcome, state: SessionState) -> dict[str, Any]:
    """What the nurse needs to pick up an escalation: who, why, evidence, the lines that matter, urgency."""
    reasons = [f.message for f in outcome.findings if f.message and f.urgency == outcome.escalation]
    serious = [e.evidence for e in state.escalations if e.level in {"urgent", "emergency"} and e.evidence]
    crisis = state.crisis
    return {
        "patient": {"name": plan.patient.name, "date_of_birth": plan.patient.date_of_birth.isoformat(),
                    "phone": plan.patient.phone, "mrn": plan.patient.mrn},
        "care_plan": plan.id,
        "urgency": outcome.escalation,
        # An emergency, or any suicidal, self-harm or overdose language, is for a human now, not at the next contact.
        "immediate_follow_up": outcome.escalation == "emergency" or crisis is not None,
        "identity_verified": state.identity_verified,
        "caller": "a caregiver speaking for the patient" if crisis and crisis.get("caregiver") else (
            "the patient" if state.identity_verified else "not verified as the patient"),
        "why": reasons or [f"{outcome.escalation} finding"],
        "evidence_lines": list(dict.fromkeys([*serious, outcome.patient])),
        "evidence": [f.to_contract() for f in outcome.findings],
        "transcript": state.transcript[-6:],
        "contacts": [c.model_dump(exclude_none=True) for c in plan.escalation_contacts
                     if outcome.escalation in c.levels],
    }


@dataclass
class Call:
    plan: CarePlan
    orchestrator: Orchestrator
    db: Database | None = None
    call_id: str | None = None
    outcomes: list[TurnOutcome] = field(default_factory=list)

    @classmethod
    def start(cls, plan: CarePlan, *, db: Database | None = None, primary: PrimaryAgent | None = None,
              timeout_s: float = 2.0, today: dt.date | None = None, kind: str = "ai") -> Call:
        patient, drafts = default_checkers(plan)
        orch = Orchestrator(plan, primary or ScriptedPrimary(), patient, drafts, timeout_s=_checker_timeout(timeout_s),
                            today=today or dt.date.today())
        call = cls(plan, orch, db)
        if db is not None:
            with db.transaction() as s:
                record = repository.save_care_plan(s, plan)
                row = repository.create_session(s, record, kind=kind, state=orch.state.to_json(),
                                                engine={"primary": orch.primary.name, "specialists": "deterministic"})
                call.call_id = row.id
        return call

    @classmethod
    def resume(cls, db: Database, call_id: str, *, primary: PrimaryAgent | None = None, timeout_s: float = 2.0,
               today: dt.date | None = None) -> Call:
        """Continue a call from its last committed turn."""
        with db.transaction() as s:
            row = repository.get_session(s, call_id)
            if row is None:
                raise LookupError(f"no call {call_id!r}")
            plan = row.care_plan.to_plan()
            state = SessionState.from_json(row.state or {})
        patient, drafts = default_checkers(plan)
        orch = Orchestrator(plan, primary or ScriptedPrimary(), patient, drafts, state=state,
                            timeout_s=_checker_timeout(timeout_s),
                            today=today or dt.date.today())
        return cls(plan, orch, db, call_id)

    @property
    def state(self) -> SessionState:
        return self.orchestrator.state

    async def say(self, patient_text: str, *, patient_audio_path: str | None = None) -> TurnOutcome:
        outcome = await self.orchestrator.turn(patient_text)
        if self.db is not None and self.call_id is not None:
            self._store(outcome, patient_audio_path)
        self.outcomes.append(outcome)
        return outcome

    def summary(self) -> dict[str, Any]:
        """What the care team needs after the call: identity, checklist, escalations, flags, notes."""
        state = self.state
        return {
            "call_id": self.call_id, "patient": self.plan.patient.name, "turns": state.turn_index,
            "identity_verified": state.identity_verified,
            "checklist_covered": [i.id for i in self.plan.checklist if i.id in state.covered],
            "checklist_remaining": self.orchestrator.remaining(),
            "escalations": [{"level": e.level, "reason": e.reason} for e in state.escalations],
            "highest_escalation": state.highest_escalation,
            "flagged_for_human": state.flagged_for_human, "notes": list(state.notes),
        }

    def end(self) -> dict[str, Any]:
        """Close the call (stored calls are marked ended with a summary) and return the summary."""
        summary = self.summary()
        if self.db is not None and self.call_id is not None:
            with self.db.transaction() as s:
                row = repository.get_session(s, self.call_id)
                if row is not None and row.status == "active":
                    repository.end_session(s, self.call_id, summary="; ".join(self.state.notes) or None,
                                           state=self.state.to_json())
        return summary

    def _store(self, outcome: TurnOutcome, patient_audio_path: str | None = None) -> None:
        data = repository.TurnData(
            patient_audio_path=patient_audio_path,
            index=outcome.index, patient_text=outcome.patient, final_text=outcome.agent, verdict=outcome.verdict,
            escalation_level=outcome.escalation, timings=outcome.latency_ms,
            findings=[_finding_data(f) for f in outcome.findings],
            drafts=[repository.DraftData(attempt=d.attempt, text=d.text, verdict=d.verdict, failures=list(d.failures),
                                         findings=[_finding_data(f) for f in d.findings]) for d in outcome.drafts],
            escalations=[_escalation_data(handoff_brief(self.plan, outcome, self.state))] if outcome.new_escalation else [],
        )
        assert self.db is not None and self.call_id is not None
        with self.db.transaction() as s:
            repository.add_turn(s, self.call_id, data, state=self.state.to_json())
            if self.state.phase == "ended":
                repository.end_session(s, self.call_id, summary="; ".join(self.state.notes) or None)


def _escalation_data(brief: dict[str, Any]) -> repository.EscalationData:
    return repository.EscalationData(level=brief["urgency"], reason="; ".join(brief["why"]), brief=brief)


def _finding_data(f: Any) -> repository.FindingData:
    contract = f.to_contract()
    keys = {k: v for k, v in contract.items() if k not in {"kind", "message", "evidence", "specialist", "confidence"}}
    return repository.FindingData(specialist=f.specialist or "", kind=f.kind, keys=keys, message=f.message,
                                  evidence={"text": f.evidence} if f.evidence else {})
