"""The LLM primary behind the gate, with the real specialists: whatever the model says, what is spoken is
verified or the fixed fallback line. Offline with pydantic-ai's FunctionModel."""

from __future__ import annotations

import asyncio
import json

import pytest
from pydantic_ai import models
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from careplans import load_care_plan
from constellation.call import Call
from constellation.orchestrator import SAFE_FALLBACK
from constellation.primary.llm import LLMPrimary
from tests.conftest import EXAMPLES

models.ALLOW_MODEL_REQUESTS = False
PLAN = load_care_plan(EXAMPLES / "heart_failure_ckd_diabetes.yaml")
VERIFY = ["Hello, this is Walter Brooks.", "March 14, 1953."]


def _reply(text: str, items: list[str] | None = None):
    def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        args = {"reply": text, "checklist_items_addressed": items or []}
        tool = info.output_tools[0].name if info.output_tools else None
        return ModelResponse(parts=[ToolCallPart(tool, args)] if tool else [TextPart(json.dumps(args))])

    return respond


def _call(model_fn, timeout_s: float = 5.0) -> tuple[Call, LLMPrimary]:
    primary = LLMPrimary(model=FunctionModel(model_fn), timeout_s=timeout_s)
    return Call.start(PLAN, primary=primary), primary


def _run(call: Call, lines: list[str]):
    async def go():
        return [await call.say(line) for line in lines]

    return asyncio.run(go())


def test_faithful_model_is_spoken() -> None:
    call, _ = _call(_reply("Thanks, Walt. What did you weigh this morning?", ["weight"]))
    outs = _run(call, VERIFY)
    assert outs[-1].verdict == "approved" and outs[-1].agent.startswith("Thanks, Walt")
    assert "weight" in call.state.covered


@pytest.mark.parametrize("bad", [
    "Your furosemide dose is 80 mg three times a day.",                       # invented dose
    "Your potassium last week was 6.8, which is fine.",                       # invented lab value
    "Great. Keep taking your metformin 1000 mg twice daily.",                 # not on the plan
    "Since your COPD is stable, let's talk about your inhaler.",             # not a diagnosis on the plan
    "You can double your lisinopril if your pressure is high.",              # instruction not in the plan
    "Your next appointment is Monday, January 4 with Dr. Helena Morris.",    # another patient's appointment
])
def test_unsupported_claims_never_reach_the_patient(bad: str) -> None:
    call, _ = _call(_reply(bad))
    outs = _run(call, [*VERIFY, "What should I know?"])
    for out in outs:
        assert bad not in out.agent
    last = outs[-1]
    assert last.verdict == "blocked" and last.agent == SAFE_FALLBACK and last.flagged_for_human
    assert any("unsupported" in f for d in last.drafts for f in d.failures)


def test_phi_before_verification_is_stopped() -> None:
    call, _ = _call(_reply("Hi Walt! Your furosemide and your heart failure clinic visit on December 3 are all set."))
    out = _run(call, ["Hello?"])[0]
    assert "furosemide" not in out.agent and out.verdict == "blocked"


def test_malformed_output_falls_back_to_the_scripted_primary() -> None:
    def garbage(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[TextPart("<<<not json at all>>>")])

    call, primary = _call(garbage)
    outs = _run(call, VERIFY)
    assert primary.failures  # the model failed...
    assert outs[-1].verdict in {"approved", "revised"}  # ...and the scripted primary's verified reply was spoken
    assert all(d.source == "scripted-fallback" for o in outs for d in o.drafts if d.verdict == "pass")


def test_model_error_and_timeout_fall_back() -> None:
    def boom(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        raise ConnectionError("model server down")

    async def slow(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        await asyncio.sleep(3)
        raise AssertionError("not reached")

    for fn, timeout in ((boom, 5.0), (slow, 0.3)):
        primary = LLMPrimary(model=FunctionModel(fn), timeout_s=timeout)
        call = Call.start(PLAN, primary=primary)
        outs = _run(call, VERIFY)
        assert len(primary.failures) == 2
        assert outs[-1].verdict in {"approved", "revised"} and "date of birth" not in outs[-1].agent


def test_emergency_uses_reviewed_wording_not_the_model() -> None:
    call, _ = _call(_reply("That sounds uncomfortable, try to rest."))
    outs = _run(call, [*VERIFY, "I have crushing chest pain going down my left arm and I'm sweating."])
    assert outs[-1].escalation == "emergency" and "911" in outs[-1].agent


def test_model_cannot_tick_off_items_it_did_not_cover() -> None:
    call, _ = _call(_reply("Yes.", ["weight", "symptoms"]))
    outs = _run(call, VERIFY)
    assert outs[-1].agent == "Yes." and outs[-1].verdict == "approved"
    assert "weight" not in call.state.covered and "symptoms" not in call.state.covered


def test_checklist_ids_outside_the_plan_are_refused_by_the_output_schema() -> None:
    call, primary = _call(_reply("What did you weigh this morning?", ["weight", "made_up_item"]))
    _run(call, VERIFY)
    assert any("retries" in f or "validation" in f.lower() for f in primary.failures)
