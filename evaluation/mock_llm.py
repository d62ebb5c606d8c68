"""An offline stand-in model for dry runs of model configurations (a litellm CustomLLM; no network, no weights).

It is not a clinical reviewer: it exists so a team can rehearse an LLM-mode replay (the plumbing, the
validation of proposals, concurrency, storage, the report) before pointing a configuration at a real model.
As a specialist in LLM mode it behaves like a careless reviewer, deterministically per prompt: on about
`rate` of the turns it proposes one plausible but unfounded finding built from the care plan in the prompt
(a false positive, which the comparison should expose), sometimes with an unknown drug name or a low
confidence (which validation and thresholds should drop). Asked to do a specialist's task alone (the
baseline), it answers with no findings. Each answer takes `delay_s`, like a network call.

Use it as `model: mock-review/careless-0.2` with `custom_provider: evaluation.mock_llm:MockReviewer`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from typing import Any

from litellm import CustomLLM, ModelResponse


class MockReviewer(CustomLLM):
    delay_s = 0.02

    def completion(self, *args: Any, **kwargs: Any) -> ModelResponse:
        return _response(kwargs.get("model", ""), kwargs.get("messages") or [])

    async def acompletion(self, *args: Any, **kwargs: Any) -> ModelResponse:
        await asyncio.sleep(self.delay_s)
        return _response(kwargs.get("model", ""), kwargs.get("messages") or [])


def _rate(model: str) -> float:
    found = re.search(r"(\d+(?:\.\d+)?)$", model)
    return float(found.group(1)) if found else 0.2


def _text(messages: list[dict[str, Any]]) -> str:
    parts = []
    for m in messages:
        content = m.get("content")
        if isinstance(content, list):
            content = " ".join(str(c.get("text", "")) for c in content if isinstance(c, dict))
        parts.append(str(content or ""))
    return "\n".join(parts)


def _response(model: str, messages: list[dict[str, Any]]) -> ModelResponse:
    prompt = _text(messages)
    spec = re.search(r"You are the (\w+) specialist", prompt)
    answer: dict[str, Any]
    if spec is None:  # a baseline task: this stand-in cannot do it
        answer = {"findings": []}
    else:
        answer = {"additional_findings": _proposals(spec.group(1), prompt, _rate(model)), "explanation": ""}
    return ModelResponse(model=model, choices=[{"message": {"role": "assistant", "content": json.dumps(answer)},
                                                 "finish_reason": "stop", "index": 0}])


def _proposals(specialist: str, prompt: str, rate: float) -> list[dict[str, Any]]:
    turn = prompt.rsplit("Turn to check", 1)[-1]
    draw = int(hashlib.sha256(turn.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    if draw >= rate:
        return []
    plan = re.search(r"Care plan: (\{.*?\})\n", prompt)
    try:
        data = json.loads(plan.group(1)) if plan else {}
    except json.JSONDecodeError:
        data = {}
    drugs = [m["name"] for m in data.get("medications", []) if m.get("name")]
    confidence = 0.3 if draw < rate / 4 else 0.8  # a quarter of the proposals are unsure
    if specialist == "medication" and drugs:
        if draw < rate / 3:
            return [{"kind": "missed_doses", "drug": "zorbitrol", "confidence": confidence}]  # no such drug
        return [{"kind": "missed_doses", "drug": drugs[int(draw * 1000) % len(drugs)], "confidence": confidence}]
    if specialist == "labs":
        analyte = next((t.get("analyte") for t in data.get("targets", []) if t.get("analyte")), "glucose")
        return [{"kind": "value_out_of_range", "analyte": analyte, "direction": "high", "confidence": confidence}]
    if specialist == "escalation":
        return [{"kind": "escalation", "level": "routine", "confidence": confidence}]
    return []
