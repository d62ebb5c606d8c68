"""A call: the orchestrator plus storage. Every turn is committed in one transaction before it is returned,
so a crash never loses an acknowledged turn and a call can be resumed from what is stored."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Any

from careplans import CarePlan
from constellation.llm import ModelSettings
from constellation.orchestrator import Orchestrator, TurnOutcome
from constellation.primary.base import PrimaryAgent
from constellation.primary.scripted import ScriptedPrimary
from constellation.session import Escalation, SessionState
from constellation.storage import Database, repository
from specialists import registry
from specialists.base import Specialist, TurnContext, Utterance
from specialists.findings import level_rank

PATIENT_SIDE = ("privacy", "medication", "labs", "escalation", "crisis", "checklist")
DRAFT_SIDE = ("hallucination", "privacy", "crisis")
CLOSED_WITH_GOODBYE = "the call closed with a goodbye"  # how a call the primary closed is summarised


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


def handoff_brief(plan: CarePlan, escalation: Escalation, outcome: TurnOutcome, state: SessionState) -> dict[str, Any]:
    """What the nurse needs to pick up an escalation: who (and whether that was confirmed), why, the caller's words
    and the findings behind it, how soon, whom to call."""
    raising = [f for f in outcome.findings if level_rank(f.urgency) == level_rank(escalation.level)]
    serious = [e.evidence for e in state.escalations if e.level in {"urgent", "emergency"} and e.evidence]
    crisis = state.crisis
    verified = escalation.identity_verified
    return {
        "patient": {"name": plan.patient.name, "date_of_birth": plan.patient.date_of_birth.isoformat(),
                    "phone": plan.patient.phone, "mrn": plan.patient.mrn},
        "care_plan": plan.id,
        "urgency": escalation.level,
        "call_level": outcome.escalation,
        # An emergency, or any suicidal, self-harm or overdose language, is for a human now, not at the next contact.
        "immediate_follow_up": escalation.level == "emergency" or crisis is not None,
        "identity_verified": verified,
        "caller": _caller(state, verified),
        "why": list(dict.fromkeys(f.describe() for f in raising)) or [escalation.reason],
        "raised_by": escalation.specialists,
        "turn": escalation.turn,
        "evidence_lines": list(dict.fromkeys([*serious, outcome.patient])),
        "evidence": [f.to_contract() for f in raising] or [f.to_contract() for f in outcome.findings],
        "transcript": state.transcript[-6:],
        "contacts": [c.model_dump(exclude_none=True) for c in plan.escalation_contacts
                     if escalation.level in c.levels],
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
            close_idle_calls(db)
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

    def summary(self, ended_because: str | None = None) -> dict[str, Any]:
        """What the care team needs after the call: identity, checklist, escalations, flags, notes."""
        return call_summary(self.plan, self.state, self.call_id, ended_because)

    def end(self, ended_because: str = "the call was ended") -> dict[str, Any]:
        """Close the call (a stored call is marked ended with its summary) and return the summary. Every call gets one:
        a goodbye, an emergency that stays on the line until the caller hangs up, a script that runs out."""
        if self.state.phase == "ended":
            ended_because = CLOSED_WITH_GOODBYE
        summary = self.summary(ended_because)
        if self.db is not None and self.call_id is not None:
            with self.db.transaction() as s:
                row = repository.get_session(s, self.call_id)
                if row is not None and (row.status == "active" or not row.summary):
                    repository.end_session(s, self.call_id, summary=summary_text(summary), state=self.state.to_json())
        return summary

    def attach_turn_audio(self, index: int, agent_audio_path: str) -> None:
        """The spoken reply's audio, written after the turn was committed (synthesis follows the gate)."""
        if self.db is not None and self.call_id is not None:
            with self.db.transaction() as s:
                repository.set_turn_audio(s, self.call_id, index, agent_audio_path=agent_audio_path)

    def attach_call_audio(self, path: str) -> None:
        """The whole call as one recording, for raters."""
        if self.db is not None and self.call_id is not None:
            with self.db.transaction() as s:
                repository.set_call_audio(s, self.call_id, path)

    def _store(self, outcome: TurnOutcome, patient_audio_path: str | None = None) -> None:
        data = repository.TurnData(
            patient_audio_path=patient_audio_path,
            index=outcome.index, patient_text=outcome.patient, final_text=outcome.agent, verdict=outcome.verdict,
            escalation_level=outcome.escalation, timings=outcome.latency_ms,
            hazards=[h.to_json() for h in outcome.hazards],
            findings=[_finding_data(f) for f in outcome.findings],
            drafts=[repository.DraftData(attempt=d.attempt, text=d.text, verdict=d.verdict, failures=list(d.failures),
                                         findings=[_finding_data(f) for f in d.findings]) for d in outcome.drafts],
            escalations=[_escalation_data(handoff_brief(self.plan, self.state.escalations[-1], outcome, self.state))]
            if outcome.new_escalation else [],
        )
        assert self.db is not None and self.call_id is not None
        with self.db.transaction() as s:
            repository.add_turn(s, self.call_id, data, state=self.state.to_json())
            if self.state.phase == "ended":
                summary = call_summary(self.plan, self.state, self.call_id, CLOSED_WITH_GOODBYE)
                repository.end_session(s, self.call_id, summary=summary_text(summary))


def _caller(state: SessionState, verified: bool) -> str:
    caregiver = state.caller == "caregiver" or bool(state.crisis and state.crisis.get("caregiver"))
    if not verified:
        return ("not verified: the caller did not confirm this patient's date of birth, so this may concern someone else"
                + (" (they said they speak for the patient)" if caregiver else ""))
    return "a caregiver speaking for the patient" if caregiver else "the patient, or someone who confirmed the patient's date of birth"


def call_summary(plan: CarePlan, state: SessionState, call_id: str | None = None,
                 ended_because: str | None = None) -> dict[str, Any]:
    """The care team's record of a call, from its plan and state (a live call's, or one read back from storage)."""
    return {
        "call_id": call_id, "patient": plan.patient.name, "turns": state.turn_index,
        "identity_verified": state.identity_verified, "caller": _caller(state, state.identity_verified),
        "checklist_covered": [i.id for i in plan.checklist if i.id in state.covered],
        "checklist_remaining": [i.id for i in plan.checklist if i.id not in state.covered],
        "escalations": [{"level": e.level, "reason": e.reason, "turn": e.turn} for e in state.escalations],
        "highest_escalation": state.highest_escalation,
        "flagged_for_human": state.flagged_for_human, "notes": list(state.notes),
        "ended_because": ended_because,
    }


def summary_text(summary: dict[str, Any]) -> str:
    """The stored summary a nurse reads first: never empty, most serious first."""
    lines: list[str] = []
    if summary["escalations"]:
        lines.append(f"Highest escalation: {summary['highest_escalation']}.")
        lines.extend(f"Turn {e['turn']}, {e['level']}: {e['reason']}" for e in summary["escalations"])
    else:
        lines.append("No escalation.")
    if summary["flagged_for_human"]:
        lines.append("Flagged for a nurse: a reply was stopped by the safety checks.")
    lines.append(f"Identity {'verified' if summary['identity_verified'] else 'not verified'}; "
                 f"{summary['turns']} turn{'s' if summary['turns'] != 1 else ''}; caller: {summary['caller']}.")
    covered, remaining = summary["checklist_covered"], summary["checklist_remaining"]
    lines.append(f"Checklist: {len(covered)} of {len(covered) + len(remaining)} covered"
                 + (f"; not covered: {', '.join(remaining)}." if remaining else "."))
    lines.extend(f"Note: {n}" for n in summary["notes"])
    if summary.get("ended_because"):
        lines.append(f"Ended: {summary['ended_because']}.")
    return "\n".join(lines)


def close_idle_calls(db: Database, *, idle_after: dt.timedelta | None = None) -> list[str]:
    """End stored calls nobody has spoken on for `idle_after` (a closed browser, a dropped line), each with its
    summary, so no call stays open forever and every one reaches the nurses and the rating portal."""
    idle_after = idle_after or dt.timedelta(minutes=float(os.environ.get("CONSTELLATION_IDLE_CALL_MINUTES", "30")))
    closed: list[str] = []
    with db.transaction() as s:
        for row in repository.idle_calls(s, quiet_since=dt.datetime.now(dt.UTC) - idle_after):
            state = SessionState.from_json(row.state or {})
            minutes = round(idle_after.total_seconds() / 60)
            summary = call_summary(row.care_plan.to_plan(), state, row.id,
                                   f"abandoned: nothing said for {minutes} minutes, closed automatically")
            repository.end_session(s, row.id, summary=summary_text(summary))
            closed.append(row.id)
    return closed


def _escalation_data(brief: dict[str, Any]) -> repository.EscalationData:
    return repository.EscalationData(level=brief["urgency"], reason="; ".join(brief["why"]), brief=brief)


def _finding_data(f: Any) -> repository.FindingData:
    contract = f.to_contract()
    keys = {k: v for k, v in contract.items() if k not in {"kind", "message", "evidence", "specialist", "confidence"}}
    return repository.FindingData(specialist=f.specialist or "", kind=f.kind, keys=keys, message=f.message,
                                  evidence={"text": f.evidence} if f.evidence else {})
