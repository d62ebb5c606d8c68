"""LLM mode: a model may add findings or explanations and never removes one the core raised.

Offline with pydantic-ai's FunctionModel; ALLOW_MODEL_REQUESTS stays off so nothing reaches a network.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass

import pytest
from pydantic_ai import models
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from careplans import load_care_plan
from specialists.base import SpecialistResult, TurnContext, Utterance
from specialists.findings import Finding
from specialists.llm_mode import LLMSpecialist
from tests.conftest import EXAMPLES

models.ALLOW_MODEL_REQUESTS = False
PLAN = load_care_plan(EXAMPLES / "anticoagulation_warfarin.yaml")


@dataclass
class FixedCore:
    """A stand-in deterministic core with one finding, so the test isolates the wrapper."""

    name: str = "medication"
    speakers: frozenset[str] = frozenset({"patient"})

    def check(self, ctx: TurnContext) -> SpecialistResult:
        return SpecialistResult([Finding(kind="medication_mentioned", drug="ibuprofen", specialist="core")], ["core says hi"])


def _ctx(text: str = "I took some Advil and a Bayer for my knee") -> TurnContext:
    return TurnContext(plan=PLAN, turn=Utterance("patient", text), identity_verified=True)


def _model(payload: object) -> FunctionModel:
    def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        if isinstance(payload, Exception):
            raise payload
        return ModelResponse(parts=[TextPart(json.dumps(payload))])

    return FunctionModel(respond)


def _run(spec: LLMSpecialist) -> SpecialistResult:
    return asyncio.run(spec.acheck(_ctx()))


def test_model_adds_valid_findings_and_keeps_the_core() -> None:
    payload = {"additional_findings": [
        {"kind": "interaction", "drug": "Advil", "with_drug": "Coumadin", "explanation": "NSAID with warfarin"},
        {"kind": "medication_mentioned", "drug": "aspirin"},
    ], "explanation": "Two OTC drugs with bleeding risk."}
    result = _run(LLMSpecialist(FixedCore(), _model(payload)))
    keys = {f.key() for f in result.findings}
    assert ("medication_mentioned", "ibuprofen") in keys
    assert ("interaction", "ibuprofen", "warfarin") in keys
    assert ("medication_mentioned", "aspirin") in keys
    assert result.findings[0].specialist == "core"
    assert any("bleeding risk" in g for g in result.guidance) and "core says hi" in result.guidance


def test_model_cannot_remove_or_smuggle_findings() -> None:
    payload = {"additional_findings": [
        {"kind": "unsupported_claim", "claim_type": "dose"},       # not a medication-specialist kind
        {"kind": "medication_mentioned", "drug": "zorblax"},        # not a drug
        {"kind": "value_out_of_range", "analyte": "inr"},           # not its kind either
        {"kind": "interaction", "drug": "ibuprofen"},               # interaction without the other drug
    ]}
    result = _run(LLMSpecialist(FixedCore(), _model(payload)))
    assert [f.key() for f in result.findings] == [("medication_mentioned", "ibuprofen")]


@pytest.mark.parametrize("payload", [RuntimeError("model down"), {"not": "the schema"}, "plain prose, not JSON"])
def test_model_failure_keeps_the_core_result(payload: object) -> None:
    result = _run(LLMSpecialist(FixedCore(), _model(payload)))
    assert [f.key() for f in result.findings] == [("medication_mentioned", "ibuprofen")]
    assert any("model review unavailable" in g for g in result.guidance)


def test_model_timeout_keeps_the_core_result() -> None:
    async def slow(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        await asyncio.sleep(5)
        return ModelResponse(parts=[TextPart("{}")])

    spec = LLMSpecialist(FixedCore(), FunctionModel(slow), timeout_s=0.2)
    result = _run(spec)
    assert [f.key() for f in result.findings] == [("medication_mentioned", "ibuprofen")]
    assert any("TimeoutError" in g for g in result.guidance)


def test_sync_check_is_the_deterministic_core() -> None:
    spec = LLMSpecialist(FixedCore(), _model(RuntimeError("never called")))
    assert [f.key() for f in spec.check(_ctx()).findings] == [("medication_mentioned", "ibuprofen")]


def test_through_litellm_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real transport path: pydantic-ai's OpenAI model -> our transport -> litellm (mock_response)."""
    from constellation.llm import ModelSettings, pydantic_model

    monkeypatch.setattr(models, "ALLOW_MODEL_REQUESTS", True)  # nothing leaves the process: litellm mocks it
    reply = {"additional_findings": [{"kind": "contraindicated", "drug": "Motrin", "explanation": "x"}], "explanation": ""}
    settings = ModelSettings(model="openai/gpt-4o-mini", api_key="unused", extra={"mock_response": json.dumps(reply)})
    result = _run(LLMSpecialist(FixedCore(), pydantic_model(settings)))
    assert ("contraindicated", "ibuprofen") in {f.key() for f in result.findings}


def test_calls_use_llm_mode_when_a_specialist_model_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    from constellation.call import Call

    monkeypatch.setenv("CONSTELLATION_SPECIALIST_MODEL", "openai/gpt-4o-mini")
    monkeypatch.setenv("CONSTELLATION_SPECIALIST_MODEL_TIMEOUT", "3")
    call = Call.start(PLAN)
    checkers = [*call.orchestrator.patient_checkers, *call.orchestrator.draft_checkers]
    assert checkers and all(isinstance(c, LLMSpecialist) for c in checkers)
    assert call.orchestrator.timeout_s == 4.0
