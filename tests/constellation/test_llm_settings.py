"""Model settings and the in-process litellm transport: what reaches litellm is what the settings say."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx2
import pytest

from constellation.llm import LiteLLMTransport, ModelSettings


class _RecordingRouter:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    async def acompletion(self, **kwargs: Any) -> Any:
        self.calls.append(kwargs)

        class _Result:
            def model_dump(self, mode: str = "json") -> dict[str, Any]:
                return {"id": "x", "object": "chat.completion", "created": 0, "model": "m", "choices": []}

        return _Result()


def _send(settings: ModelSettings, body: dict[str, Any]) -> dict[str, Any]:
    transport = LiteLLMTransport(settings)
    router = transport._router = _RecordingRouter()
    request = httpx2.Request("POST", "http://litellm.in-process/v1/chat/completions", content=json.dumps(body))
    response = asyncio.run(transport.handle_async_request(request))
    assert response.status_code == 200
    return router.calls[-1]


SCHEMA = {"type": "object", "properties": {"reply": {"type": "string"}}, "required": ["reply"]}
JSON_SCHEMA = {"type": "json_schema", "json_schema": {"name": "final_result", "schema": SCHEMA, "strict": True}}


def test_json_object_schema_dialect_rewrites_the_response_format() -> None:
    sent = _send(ModelSettings("openai/local", output_mode="json_object_schema"),
                 {"model": "x", "messages": [], "response_format": JSON_SCHEMA})
    assert sent["response_format"] == {"type": "json_object", "schema": SCHEMA}
    assert sent["model"] == "primary"


def test_other_modes_pass_the_response_format_through() -> None:
    sent = _send(ModelSettings("openai/local", output_mode="json_schema"),
                 {"messages": [], "response_format": JSON_SCHEMA})
    assert sent["response_format"] == JSON_SCHEMA


def test_max_completion_tokens_reaches_litellm_as_max_tokens() -> None:
    sent = _send(ModelSettings("openai/local"), {"messages": [], "max_completion_tokens": 50})
    assert sent["max_tokens"] == 50 and "max_completion_tokens" not in sent


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSTELLATION_MODEL", "openai/local")
    monkeypatch.setenv("CONSTELLATION_MODEL_OUTPUT_MODE", "json_object_schema")
    monkeypatch.setenv("CONSTELLATION_MODEL_MAX_TOKENS", "120")
    monkeypatch.setenv("CONSTELLATION_MODEL_TEMPERATURE", "0")
    s = ModelSettings.from_env()
    assert s is not None and s.output_mode == "json_object_schema"
    assert s.agent_model_settings() == {"max_tokens": 120, "temperature": 0.0}
    monkeypatch.setenv("CONSTELLATION_MODEL_OUTPUT_MODE", "xml")
    with pytest.raises(ValueError, match="OUTPUT_MODE must be one of"):
        ModelSettings.from_env()
