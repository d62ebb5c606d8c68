"""The turn orchestrator and its gate, with injected faults: the spoken text is always verified or the
fixed fallback line, and a failing or hanging checker fails the turn closed."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import pytest

from careplans import load_care_plan
from constellation.orchestrator import EMERGENCY_FALLBACK, SAFE_FALLBACK, Orchestrator
from constellation.primary.base import Draft, DraftRequest
from constellation.session import SessionState
from specialists.base import SpecialistResult, TurnContext
from specialists.findings import Finding
from tests.conftest import EXAMPLES

PLAN = load_care_plan(EXAMPLES / "heart_failure_ckd_diabetes.yaml")


@dataclass
class FakeChecker:
    name: str
    speakers: frozenset[str]
    findings: list[Finding] = field(default_factory=list)
    raises: bool = False
    sleep_s: float = 0.0
    flag_text: str | None = None  # on agent drafts: raise unsupported_claim when this text appears
    seen: list[str] = field(default_factory=list)

    def check(self, ctx: TurnContext) -> SpecialistResult:
        self.seen.append(ctx.turn.text)
        if self.sleep_s:
            time.sleep(self.sleep_s)
        if self.raises:
            raise RuntimeError("checker bug")
        if self.flag_text and self.flag_text in ctx.turn.text:
            return SpecialistResult([Finding(kind="unsupported_claim", claim_type="dose", specialist=self.name)])
        return SpecialistResult(list(self.findings))


@dataclass
class FakePrimary:
    replies: list[str]
    name: str = "fake"
    raises: bool = False
    sleep_s: float = 0.0
    requests: list[DraftRequest] = field(default_factory=list)

    async def draft(self, request: DraftRequest) -> Draft:
        self.requests.append(request)
        if self.sleep_s:
            await asyncio.sleep(self.sleep_s)
        if self.raises:
            raise ConnectionError("model server down")
        return Draft(self.replies[min(len(self.requests) - 1, len(self.replies) - 1)], source=self.name)


def _orch(primary: FakePrimary, patient: list[FakeChecker] | None = None, drafts: list[FakeChecker] | None = None,
          **kw: float) -> Orchestrator:
    state = SessionState(identity_verified=True, phase="checklist")
    return Orchestrator(PLAN, primary, patient or [FakeChecker("ok", frozenset({"patient"}))],
                        drafts or [FakeChecker("gate", frozenset({"agent"}))], state=state, **kw)


def _turn(orch: Orchestrator, text: str = "I'm doing fine."):
    return asyncio.run(orch.turn(text))


def test_clean_turn_is_approved_and_timed() -> None:
    out = _turn(_orch(FakePrimary(["How has your weight been?"])))
    assert out.verdict == "approved" and out.agent == "How has your weight been?"
    assert {"specialists", "primary", "verify", "total"} <= set(out.latency_ms)
    assert [d.verdict for d in out.drafts] == ["pass"]


def test_one_revision_with_the_failures_as_feedback() -> None:
    primary = FakePrimary(["Your furosemide dose is 80 mg.", "Let's keep going: how is your weight?"])
    gate = FakeChecker("hallucination", frozenset({"agent"}), flag_text="80 mg")
    out = _turn(_orch(primary, drafts=[gate]))
    assert out.verdict == "revised" and out.agent == "Let's keep going: how is your weight?"
    assert primary.requests[1].feedback and "unsupported dose claim" in primary.requests[1].feedback[0]
    assert primary.requests[1].previous_draft == "Your furosemide dose is 80 mg."


def test_two_failed_drafts_give_the_fallback_and_a_flag() -> None:
    primary = FakePrimary(["Take 80 mg.", "Take 80 mg, really."])
    gate = FakeChecker("hallucination", frozenset({"agent"}), flag_text="80 mg")
    orch = _orch(primary, drafts=[gate])
    out = _turn(orch)
    assert out.verdict == "blocked" and out.agent == SAFE_FALLBACK and out.flagged_for_human
    assert orch.state.flagged_for_human and orch.state.transcript[-1]["text"] == SAFE_FALLBACK
    assert [d.verdict for d in out.drafts] == ["fail", "fail"]


@pytest.mark.parametrize("fault", ["raises", "hangs"])
def test_a_failing_patient_checker_fails_closed(fault: str) -> None:
    bad = FakeChecker("medication", frozenset({"patient"}), raises=fault == "raises", sleep_s=1.0 if fault == "hangs" else 0)
    primary = FakePrimary(["Your furosemide is 40 mg twice a day."])
    out = _turn(_orch(primary, patient=[bad], timeout_s=0.2))
    assert out.verdict == "blocked" and out.agent == SAFE_FALLBACK and out.flagged_for_human
    assert out.failed_checkers and "medication" in out.failed_checkers[0]
    assert not primary.requests  # nothing unverified was even drafted
    assert out.latency_ms["total"] < 800  # the turn does not wait for a hung checker


@pytest.mark.parametrize("fault", ["raises", "hangs"])
def test_a_failing_gate_checker_fails_closed(fault: str) -> None:
    bad = FakeChecker("hallucination", frozenset({"agent"}), raises=fault == "raises", sleep_s=1.0 if fault == "hangs" else 0)
    out = _turn(_orch(FakePrimary(["Your next visit is Friday."]), drafts=[bad], timeout_s=0.2))
    assert out.verdict == "blocked" and out.agent == SAFE_FALLBACK
    assert all(d.verdict == "fail" for d in out.drafts)


@pytest.mark.parametrize("fault", ["raises", "hangs"])
def test_a_failing_primary_fails_closed(fault: str) -> None:
    primary = FakePrimary(["never"], raises=fault == "raises", sleep_s=2.0 if fault == "hangs" else 0)
    orch = _orch(primary)
    orch.primary_timeout_s = 0.2
    out = _turn(orch)
    assert out.verdict == "blocked" and out.agent == SAFE_FALLBACK


def test_an_emergency_must_be_in_the_reply() -> None:
    emergency = FakeChecker("escalation", frozenset({"patient"}),
                            [Finding(kind="escalation", level="emergency", urgency="emergency", message="chest pain")])
    primary = FakePrimary(["Thanks. How is your weight?", "Still, how is your weight?"])
    out = _turn(_orch(primary, patient=[emergency]), "crushing chest pain going down my arm")
    assert out.escalation == "emergency"
    assert out.agent == EMERGENCY_FALLBACK and out.verdict == "blocked"
    assert "call 911" in primary.requests[1].feedback[0]


def test_urgent_needs_a_nurse_today() -> None:
    urgent = FakeChecker("labs", frozenset({"patient"}),
                         [Finding(kind="value_out_of_range", analyte="potassium", direction="low", urgency="urgent")])
    primary = FakePrimary(["Thanks for that.", "Thanks. A nurse will call you today about that potassium."])
    out = _turn(_orch(primary, patient=[urgent]), "my potassium was 2.8")
    assert out.verdict == "revised" and "today" in out.agent
    assert [f.kind for f in out.findings] == ["value_out_of_range", "escalation"]


def test_checkers_run_in_parallel() -> None:
    slow = [FakeChecker(f"s{i}", frozenset({"patient"}), sleep_s=0.2) for i in range(5)]
    out = _turn(_orch(FakePrimary(["ok?"]), patient=slow))
    assert out.verdict == "approved"
    assert out.latency_ms["specialists"] < 1.3 * 200 + 100


@dataclass
class StatefulPrimary(FakePrimary):
    """Proposes a state change with every draft, as the scripted primary does (it asks a question)."""

    async def draft(self, request: DraftRequest) -> Draft:
        draft = await super().draft(request)
        request.state.pending = f"item:asked-{len(self.requests)}"
        request.state.notes.append(f"draft {len(self.requests)}")
        draft.proposed_state = request.state
        return draft


def test_only_the_spoken_drafts_state_changes_are_applied() -> None:
    primary = StatefulPrimary(["Take 80 mg.", "How has your weight been?"])
    gate = FakeChecker("hallucination", frozenset({"agent"}), flag_text="80 mg")
    orch = _orch(primary, drafts=[gate])
    out = _turn(orch)
    assert out.verdict == "revised"
    # the revision drafted on a fresh copy: the stopped draft's question and note never happened
    assert orch.state.pending == "item:asked-2" and orch.state.notes == ["draft 2"]
    assert primary.requests[1].state is not orch.state and primary.requests[1].state.notes == ["draft 2"]


def test_a_blocked_turn_leaves_no_question_the_patient_never_heard() -> None:
    primary = StatefulPrimary(["Take 80 mg.", "Take 80 mg, really."])
    gate = FakeChecker("hallucination", frozenset({"agent"}), flag_text="80 mg")
    orch = _orch(primary, drafts=[gate])
    orch.state.pending = "item:weight"
    out = _turn(orch)
    assert out.verdict == "blocked" and orch.state.pending == "item:weight"
    assert not any(n.startswith("draft") for n in orch.state.notes)


def test_an_escalation_record_names_the_reason_its_specialists_and_identity() -> None:
    red_flag = Finding(kind="escalation", level="emergency", urgency="emergency", specialist="escalation",
                       evidence="crushing chest pain and sweating")
    orch = _orch(FakePrimary(["Please call 911 now."]), patient=[FakeChecker("escalation", frozenset({"patient"}),
                                                                           [red_flag])])
    _turn(orch, "I've got crushing chest pain and I'm sweating.")
    (record,) = orch.state.escalations
    assert record.level == "emergency" and "crushing chest pain and sweating" in record.reason
    assert "finding" not in record.reason and record.specialists == ["escalation"] and record.identity_verified
