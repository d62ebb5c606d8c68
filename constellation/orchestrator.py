"""One call, turn by turn: nothing reaches the patient unless the specialists let it through.

patient text -> specialists in parallel (each with a timeout) -> primary drafts with their findings
-> the gate verifies the draft in parallel -> pass: speak it; fail: one revision with the failures
as feedback, verified again; fail again, or any checker that raises or times out: a fixed safe line
and a flag for a human. Every draft, verdict and stage timing is returned (and stored by the caller).
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from careplans import CarePlan
from constellation.hazards import HazardRecord, turn_hazards
from constellation.primary.base import PRIMARY_OWNED_STATE, Draft, DraftRequest, PrimaryAgent
from constellation.session import Escalation, SessionState
from specialists.base import Specialist, SpecialistResult, TurnContext, Utterance
from specialists.findings import Finding, Level, level_rank, max_level
from specialists.panel import combine

# Fixed, reviewed lines: no patient-specific clinical content, safe to say whatever went wrong.
SAFE_FALLBACK = ("I'm sorry, I want to be sure you get the right answer, so I'm asking one of our nurses "
                 "to call you back today. Is there anything else you'd like me to pass along?")
EMERGENCY_FALLBACK = ("What you're describing could be a medical emergency. Please call 911 right now, or have "
                      "someone near you call. I'm alerting your care team, and I'll stay on the line with you.")
# Safe-messaging wording (988 Suicide & Crisis Lifeline; National Action Alliance recommendations): no method,
# no amount, 911 and 988, stay with the caller.
CRISIS_FALLBACK = ("I'm very concerned for your safety. Please call 911 now, or call or text 988, the Suicide and "
                   "Crisis Lifeline. I'm alerting your care team right away, and I'm staying on the line with you.")
# A crisis at the urgent level (thoughts of death, no plan, no danger now): no "call 911 now" the situation does not call for.
CRISIS_URGENT_FALLBACK = ("I want to be sure you get the right answer, so a nurse from your care team will call you today. "
                          "If you feel unsafe at any point, call or text 988, the Suicide and Crisis Lifeline, or call 911.")

_EMERGENCY_WORDING = re.compile(r"\b911\b")
_CRISIS_LINE = re.compile(r"\b988\b")
_GOODBYE = re.compile(r"\b(?:good-?bye|bye|take care(?! of)|have a (?:good|nice|great) (?:day|night|evening|weekend))\b", re.I)
_URGENT_WORDING = re.compile(r"\b(nurse|doctor|care team|clinician)\b.*\btoday\b|\btoday\b.*\b(nurse|doctor|care team)\b|\b911\b",
                             re.IGNORECASE | re.DOTALL)


@dataclass
class CheckOutcome:
    name: str
    result: SpecialistResult | None
    error: str | None
    ms: float


@dataclass
class DraftRecord:
    attempt: int
    text: str
    verdict: str  # "pass" or "fail"
    failures: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    source: str = ""


@dataclass
class TurnOutcome:
    index: int
    patient: str
    agent: str
    verdict: str  # "approved" | "revised" | "blocked"
    findings: list[Finding]
    escalation: Level
    drafts: list[DraftRecord]
    checklist_remaining: list[str]
    latency_ms: dict[str, float]
    flagged_for_human: bool = False
    failed_checkers: list[str] = field(default_factory=list)
    guidance: list[str] = field(default_factory=list)
    new_escalation: bool = False  # this turn raised an escalation not already on record for the call
    hazards: list[HazardRecord] = field(default_factory=list)  # hazard categories touched, with the action taken

    def to_contract(self) -> dict[str, Any]:
        """CONTRACT.md §4 turn object."""
        return {
            "turn": self.index, "patient": self.patient, "agent": self.agent,
            "findings": [f.to_contract() for f in self.findings], "escalation": self.escalation,
            "verdict": self.verdict, "checklist_remaining": self.checklist_remaining,
            # The contract's four stages; per-specialist timings are stored with the turn, not printed.
            "latency_ms": {k: round(self.latency_ms.get(k, 0.0), 2) for k in ("specialists", "primary", "verify", "total")},
        }


async def _run_check(spec: Specialist, ctx: TurnContext, timeout_s: float) -> CheckOutcome:
    t0 = time.perf_counter()
    try:
        acheck = getattr(spec, "acheck", None)
        coro = acheck(ctx) if acheck is not None else asyncio.to_thread(spec.check, ctx)
        result = await asyncio.wait_for(coro, timeout_s)
        return CheckOutcome(spec.name, result, None, (time.perf_counter() - t0) * 1000)
    except TimeoutError:
        return CheckOutcome(spec.name, None, f"{spec.name} timed out after {timeout_s:g} s", (time.perf_counter() - t0) * 1000)
    except Exception as exc:  # noqa: BLE001 - a failing checker fails the turn closed; never propagate
        return CheckOutcome(spec.name, None, f"{spec.name} failed: {type(exc).__name__}: {exc}",
                            (time.perf_counter() - t0) * 1000)


async def run_checks(specs: Sequence[Specialist], ctx: TurnContext, timeout_s: float) -> list[CheckOutcome]:
    """Every specialist that judges this speaker, concurrently, each under its own timeout."""
    chosen = [s for s in specs if ctx.turn.speaker in s.speakers]
    return list(await asyncio.gather(*(_run_check(s, ctx, timeout_s) for s in chosen)))


def escalation_wording_failures(text: str, level: Level, crisis: bool = False, crisis_emergency: bool = True) -> list[str]:
    """The gate's escalation check: an emergency or urgent finding must be in the reply; in a crisis
    (suicidal, self-harm or overdose language this call) every reply keeps the 988 Lifeline, and in a crisis at the
    emergency level (``crisis_emergency``) it never says goodbye (at the urgent level a caller who is leaving is told to
    take care, with the nurse's call and 988 kept)."""
    failures = []
    if level == "emergency" and not _EMERGENCY_WORDING.search(text):
        failures.append("escalation: the patient turn is an emergency; the reply must tell them to call 911 now")
    if level == "urgent" and not _URGENT_WORDING.search(text):
        failures.append("escalation: the patient turn is urgent; the reply must say a nurse will call them today")
    if crisis and not _CRISIS_LINE.search(text):
        failures.append("crisis: every reply must give the 988 Suicide and Crisis Lifeline")
    if crisis and crisis_emergency and _GOODBYE.search(text):
        failures.append("crisis: the reply must not say goodbye while the caller may be in danger")
    return failures


@dataclass
class Orchestrator:
    plan: CarePlan
    primary: PrimaryAgent
    patient_checkers: Sequence[Specialist]
    draft_checkers: Sequence[Specialist]
    state: SessionState = field(default_factory=SessionState)
    timeout_s: float = 2.0
    primary_timeout_s: float = 30.0
    today: dt.date = field(default_factory=dt.date.today)

    def _ctx(self, turn: Utterance, findings: Sequence[Finding] = ()) -> TurnContext:
        return TurnContext(plan=self.plan, turn=turn, history=self.state.history,
                           identity_verified=self.state.identity_verified, today=self.today,
                           covered=frozenset(self.state.covered), patient_findings=tuple(findings))

    def remaining(self) -> list[str]:
        return [i.id for i in self.plan.checklist if i.id not in self.state.covered]

    async def turn(self, patient_text: str) -> TurnOutcome:
        t_start = time.perf_counter()
        timings: dict[str, float] = {}
        patient_text = patient_text.strip()[:4000]
        index = self.state.turn_index + 1

        # 1. Specialists on the patient turn, in parallel.
        t0 = time.perf_counter()
        checks = await run_checks(self.patient_checkers, self._ctx(Utterance("patient", patient_text)), self.timeout_s)
        timings["specialists"] = (time.perf_counter() - t0) * 1000
        for c in checks:
            timings[f"specialist.{c.name}"] = c.ms
        failed = [c.error for c in checks if c.error]
        results = {c.name: c.result for c in checks if c.result is not None}
        red_flag_in_call = self.state.crisis is None and any(
            level_rank(e.level) >= level_rank("urgent") and "crisis" not in e.specialists
            and "crisis:" not in e.reason  # a call stored before escalations named their specialists
            for e in self.state.escalations)
        findings, guidance, updates, level = combine(results, red_flag_in_call=red_flag_in_call)
        # A crisis that goes on (nothing new disclosed, nothing else raised at its level) is not a new escalation.
        crisis = updates.get("crisis")
        carried = isinstance(crisis, dict) and not crisis.get("new") and not any(
            level_rank(f.urgency) == level_rank(level) or (f.kind == "escalation" and f.level == level)
            for name, r in results.items() if name != "crisis" for f in r.findings)
        raised_by = sorted(name for name, r in results.items() if any(
            level_rank(f.urgency) == level_rank(level) or (f.kind == "escalation" and f.level == level) for f in r.findings))
        new_escalation = self._apply(updates, findings, level, index, patient_text, carried, raised_by)
        self.state.add("patient", patient_text)

        drafts: list[DraftRecord] = []
        if failed:
            final, verdict = self._fallback(level), "blocked"
            timings["primary"] = timings["verify"] = 0.0
        else:
            final, verdict = await self._draft_and_verify(patient_text, findings, guidance, level, drafts, timings)
        flagged = verdict == "blocked"
        if flagged:
            self.state.flagged_for_human = True
            self.state.notes.append(f"turn {index}: reply blocked by the safety checks; a nurse should follow up")
        self.state.add("agent", final)
        self.state.turn_index = index
        timings["total"] = (time.perf_counter() - t_start) * 1000
        # The call's level never drops once raised: a turn after "call 911" is still an emergency call.
        call_level = max_level(level, self.state.highest_escalation)
        hazards = turn_hazards(patient_text, final, findings, level, verdict=verdict, in_crisis=self.state.crisis is not None,
                               identity_verified=self.state.identity_verified)
        return TurnOutcome(index, patient_text, final, verdict, findings, call_level, drafts, self.remaining(),
                           timings, flagged, [f for f in failed if f], guidance, new_escalation, hazards)

    def _apply(self, updates: dict[str, object], findings: list[Finding], level: Level, index: int, text: str,
               carried: bool = False, raised_by: Sequence[str] = ()) -> bool:
        """Apply the specialists' state updates; True when the turn raised an escalation not yet on record."""
        if updates.get("caller"):
            self.state.caller = str(updates["caller"])
        if "identity_attempts" in updates:
            self.state.identity_attempts = max(self.state.identity_attempts, int(updates["identity_attempts"]))  # type: ignore[call-overload]
        # Two failed tries end health-information talk for this call: a later right answer does not reopen it.
        if "identity_verified" in updates and not self.state.locked:
            self.state.identity_verified = bool(updates["identity_verified"]) or self.state.identity_verified
        covered = updates.get("covered")
        if isinstance(covered, list) and self.state.identity_verified:
            self.state.cover([str(c) for c in covered])
        for f in findings:
            if f.drug and f.kind == "medication_mentioned" and f.drug not in self.state.meds_discussed:
                self.state.meds_discussed.append(f.drug)
        crisis = updates.get("crisis")
        if isinstance(crisis, dict):
            previous = self.state.crisis or {}
            self.state.crisis = {**crisis, "turn": previous.get("turn", index),
                                 "caregiver": bool(crisis.get("caregiver") or previous.get("caregiver"))}
        elif self.state.crisis is not None and self.state.crisis.get("screening"):
            # Distress only the paraphrase net heard, and the answer to the screening question disclosed nothing:
            # the nurse flag stays on record, the call goes back to its plan.
            self.state.crisis = None
        if level == "none":
            return False
        if level == "emergency":
            self.state.phase = "emergency"
        if carried:
            return False
        raising = [f for f in findings if level_rank(f.urgency) == level_rank(level)]
        reason = "; ".join(dict.fromkeys(f.describe() for f in raising)) or f"{level}: \"{text}\""
        # A crisis that goes on is one escalation, not one per turn; a new reason or a higher level is a new one.
        if any(e.level == level and e.reason == reason for e in self.state.escalations):
            return False
        self.state.escalations.append(Escalation(level, reason, index, text, list(raised_by), self.state.identity_verified))
        return True

    async def _draft_and_verify(self, patient_text: str, findings: list[Finding], guidance: list[str], level: Level,
                                drafts: list[DraftRecord], timings: dict[str, float]) -> tuple[str, str]:
        feedback: list[str] = []
        previous: str | None = None
        timings["primary"] = timings["verify"] = 0.0
        for attempt in range(2):
            # Each attempt drafts on its own copy of the state: only the spoken draft's changes are applied.
            request = DraftRequest(self.plan, copy.deepcopy(self.state), patient_text, findings, guidance, level, self.today,
                                   feedback, previous)
            t0 = time.perf_counter()
            try:
                draft = await asyncio.wait_for(self.primary.draft(request), self.primary_timeout_s)
            except Exception as exc:  # noqa: BLE001 - no draft: fail closed
                timings["primary"] += (time.perf_counter() - t0) * 1000
                drafts.append(DraftRecord(attempt, "", "fail", [f"primary failed: {type(exc).__name__}: {exc}"]))
                return self._fallback(level), "blocked"
            timings["primary"] += (time.perf_counter() - t0) * 1000
            t0 = time.perf_counter()
            failures, draft_findings = await self._verify(draft, findings, level)
            timings["verify"] += (time.perf_counter() - t0) * 1000
            drafts.append(DraftRecord(attempt, draft.text, "fail" if failures else "pass", failures, draft_findings,
                                      draft.source))
            if not failures:
                self._adopt(draft)
                return draft.text, "approved" if attempt == 0 else "revised"
            feedback, previous = failures, draft.text
        return self._fallback(level), "blocked"

    def _adopt(self, draft: Draft) -> None:
        """The spoken draft's proposed state changes: what it asked, the call's phase, its notes, what it covered."""
        if draft.proposed_state is not None:
            for name in PRIMARY_OWNED_STATE:
                setattr(self.state, name, copy.deepcopy(getattr(draft.proposed_state, name)))
        if self.state.identity_verified:
            self.state.cover(draft.addressed)

    async def _verify(self, draft: Draft, findings: list[Finding], level: Level) -> tuple[list[str], list[Finding]]:
        if not draft.text.strip():
            return ["the draft is empty"], []
        checks = await run_checks(self.draft_checkers, self._ctx(Utterance("agent", draft.text), findings), self.timeout_s)
        failures = [c.error for c in checks if c.error]
        draft_findings: list[Finding] = []
        for c in checks:
            if c.result is not None:
                draft_findings.extend(c.result.findings)
        for f in draft_findings:
            if f.kind in {"unsupported_claim", "phi_before_verification"}:
                what = f"unsupported {f.claim_type} claim" if f.kind == "unsupported_claim" else "health information before identity is verified"
                failures.append(f"{c_name(f)}: {what}" + (f" ({f.message})" if f.message else ""))
        failures.extend(escalation_wording_failures(draft.text, level, crisis=self.state.crisis is not None,
                                                    crisis_emergency=self._crisis_emergency(level)))
        return [f for f in failures if f], draft_findings

    def _crisis_emergency(self, level: Level) -> bool:
        crisis = self.state.crisis
        return crisis is not None and (level == "emergency" or crisis.get("level") == "emergency"
                                       or any(e.level == "emergency" for e in self.state.escalations))

    def _fallback(self, level: Level) -> str:
        if self.state.crisis is not None:
            return CRISIS_FALLBACK if self._crisis_emergency(level) else CRISIS_URGENT_FALLBACK
        return EMERGENCY_FALLBACK if level == "emergency" or self.state.phase == "emergency" else SAFE_FALLBACK


def c_name(f: Finding) -> str:
    return f.specialist or f.kind
