"""Model access: pydantic-ai agents over any model litellm can reach, in-process (no LiteLLM proxy).

pydantic-ai's OpenAI chat model speaks the OpenAI wire format; we give it an HTTP client whose
transport hands each request to `litellm.Router.acompletion` instead of the network. So one model
string ("openai/gpt-4o-mini", "ollama/llama3.1", "hosted_vllm/...", "openai/local" with an api_base
for a llama.cpp server) works for every agent, with litellm's retries, fallbacks and rate limits.

litellm is imported lazily (it takes seconds) and with its local cost map, so importing it never
reaches for the network.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

import httpx2

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


@dataclass(frozen=True)
class ModelSettings:
    """Which model to use and how to reach it (a litellm model string plus connection details)."""

    model: str
    api_base: str | None = None
    api_key: str | None = None
    timeout_s: float = 20.0
    max_retries: int = 0
    # Extra litellm completion arguments, e.g. {"mock_response": "..."} for offline tests.
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, prefix: str = "CONSTELLATION_MODEL") -> ModelSettings | None:
        """CONSTELLATION_MODEL (+ _API_BASE, _API_KEY, _TIMEOUT); None when no model is configured."""
        model = os.environ.get(prefix)
        if not model:
            return None
        return cls(model=model, api_base=os.environ.get(f"{prefix}_API_BASE"),
                   api_key=os.environ.get(f"{prefix}_API_KEY"),
                   timeout_s=float(os.environ.get(f"{prefix}_TIMEOUT", "20")))


class LiteLLMTransport(httpx2.AsyncBaseTransport):
    """An httpx transport that answers OpenAI chat-completions requests through litellm."""

    def __init__(self, settings: ModelSettings):
        self.settings = settings
        self._router: Any = None

    def _get_router(self) -> Any:
        if self._router is None:
            import litellm

            params: dict[str, Any] = {"model": self.settings.model, "timeout": self.settings.timeout_s}
            if self.settings.api_base:
                params["api_base"] = self.settings.api_base
            if self.settings.api_key:
                params["api_key"] = self.settings.api_key
            self._router = litellm.Router(
                model_list=[{"model_name": "primary", "litellm_params": params}],
                num_retries=self.settings.max_retries,
                timeout=self.settings.timeout_s,
            )
        return self._router

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        body = json.loads(await request.aread() or b"{}")
        if not request.url.path.endswith("/chat/completions"):
            return httpx2.Response(404, json={"error": {"message": f"unsupported path {request.url.path}"}})
        body.pop("model", None)
        body.pop("stream_options", None)
        if body.get("stream"):
            return httpx2.Response(400, json={"error": {"message": "streaming is not supported in-process"}})
        try:
            result = await self._get_router().acompletion(model="primary", **body, **self.settings.extra)
        except Exception as exc:  # noqa: BLE001 - reported to pydantic-ai as an HTTP error, which it raises
            status = int(getattr(exc, "status_code", 0) or 502)
            return httpx2.Response(status if 400 <= status < 600 else 502,
                                   json={"error": {"message": f"{type(exc).__name__}: {exc}", "type": "litellm_error"}})
        return httpx2.Response(200, json=result.model_dump(mode="json"))


def pydantic_model(settings: ModelSettings) -> Any:
    """A pydantic-ai model object for `settings.model`, served in-process by litellm."""
    from pydantic_ai.models.openai import OpenAIChatModel
    from pydantic_ai.providers.openai import OpenAIProvider

    client = httpx2.AsyncClient(transport=LiteLLMTransport(settings), timeout=settings.timeout_s + 5)
    provider = OpenAIProvider(base_url="http://litellm.in-process/v1", api_key="in-process", http_client=client)
    return OpenAIChatModel(settings.model, provider=provider)
