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
from typing import Any, Literal, get_args

import httpx2

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


# How an agent asks the model for structured output:
#   tool                a forced tool call (OpenAI and most hosted models)
#   json_schema         OpenAI `response_format: {"type": "json_schema"}` (OpenAI, vLLM, llama.cpp's llama-server)
#   json_object_schema  `response_format: {"type": "json_object", "schema": ...}`, the dialect of
#                       llama-cpp-python's server, which constrains decoding with a grammar built from the schema
#   prompted            the schema in the instructions and plain JSON back (models with neither)
OutputMode = Literal["tool", "json_schema", "json_object_schema", "prompted"]
OUTPUT_MODES: tuple[str, ...] = get_args(OutputMode)


@dataclass(frozen=True)
class ModelSettings:
    """Which model to use and how to reach it (a litellm model string plus connection details)."""

    model: str
    api_base: str | None = None
    api_key: str | None = None
    timeout_s: float = 20.0
    max_retries: int = 0
    output_mode: OutputMode = "tool"
    max_tokens: int | None = None
    temperature: float | None = None
    # Extra litellm completion arguments, e.g. {"mock_response": "..."} for offline tests.
    extra: dict[str, Any] = field(default_factory=dict)
    # Extra litellm Router deployment parameters, e.g. {"rpm": 60, "tpm": 100000}.
    router_params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, prefix: str = "CONSTELLATION_MODEL") -> ModelSettings | None:
        """CONSTELLATION_MODEL (+ _API_BASE, _API_KEY, _TIMEOUT, _OUTPUT_MODE, _MAX_TOKENS); None when unset."""
        model = os.environ.get(prefix)
        if not model:
            return None
        mode = os.environ.get(f"{prefix}_OUTPUT_MODE", "tool")
        if mode not in OUTPUT_MODES:
            raise ValueError(f"{prefix}_OUTPUT_MODE must be one of {', '.join(OUTPUT_MODES)}, not {mode!r}")
        max_tokens = os.environ.get(f"{prefix}_MAX_TOKENS")
        temperature = os.environ.get(f"{prefix}_TEMPERATURE")
        return cls(model=model, api_base=os.environ.get(f"{prefix}_API_BASE"),
                   api_key=os.environ.get(f"{prefix}_API_KEY"),
                   timeout_s=float(os.environ.get(f"{prefix}_TIMEOUT", "20")),
                   output_mode=mode,  # type: ignore[arg-type]
                   max_tokens=int(max_tokens) if max_tokens else None,
                   temperature=float(temperature) if temperature else None)

    def output_spec(self, output_type: type) -> Any:
        """The pydantic-ai output spec for `output_type` under this model's output mode."""
        from pydantic_ai import NativeOutput, PromptedOutput

        if self.output_mode in ("json_schema", "json_object_schema"):
            return NativeOutput(output_type)
        if self.output_mode == "prompted":
            return PromptedOutput(output_type)
        return output_type

    def agent_model_settings(self) -> dict[str, Any] | None:
        """pydantic-ai model settings (a bound on reply length keeps a runaway model inside its timeout)."""
        out: dict[str, Any] = {}
        if self.max_tokens:
            out["max_tokens"] = self.max_tokens
        if self.temperature is not None:
            out["temperature"] = self.temperature
        return out or None


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
            params.update(self.settings.router_params)
            # With a requests/tokens-per-minute budget, litellm's usage-based routing holds it: a call over the
            # budget raises a rate-limit error that the Router's retries wait out.
            limited = any(k in self.settings.router_params for k in ("rpm", "tpm"))
            self._router = litellm.Router(
                model_list=[{"model_name": "primary", "litellm_params": params}],
                num_retries=self.settings.max_retries,
                timeout=self.settings.timeout_s,
                routing_strategy="usage-based-routing-v2" if limited else "simple-shuffle",
            )
        return self._router

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        body = json.loads(await request.aread() or b"{}")
        if not request.url.path.endswith("/chat/completions"):
            return httpx2.Response(404, json={"error": {"message": f"unsupported path {request.url.path}"}})
        body.pop("model", None)
        body.pop("stream_options", None)
        # pydantic-ai sends OpenAI's newer `max_completion_tokens`; litellm maps `max_tokens` for every
        # provider, while OpenAI-compatible servers (llama.cpp, vLLM) may ignore the newer name.
        if "max_completion_tokens" in body:
            body.setdefault("max_tokens", body.pop("max_completion_tokens"))
        if self.settings.output_mode == "json_object_schema":
            body["response_format"] = _json_object_schema(body.get("response_format"))
        if body.get("stream"):
            return httpx2.Response(400, json={"error": {"message": "streaming is not supported in-process"}})
        try:
            result = await self._get_router().acompletion(model="primary", **body, **self.settings.extra)
        except Exception as exc:  # noqa: BLE001 - reported to pydantic-ai as an HTTP error, which it raises
            status = int(getattr(exc, "status_code", 0) or 502)
            return httpx2.Response(status if 400 <= status < 600 else 502,
                                   json={"error": {"message": f"{type(exc).__name__}: {exc}", "type": "litellm_error"}})
        return httpx2.Response(200, json=result.model_dump(mode="json"))


def _json_object_schema(response_format: Any) -> Any:
    """OpenAI's json_schema response format in the {"type": "json_object", "schema": ...} dialect."""
    if isinstance(response_format, dict) and response_format.get("type") == "json_schema":
        schema = (response_format.get("json_schema") or {}).get("schema")
        return {"type": "json_object", "schema": schema} if schema else {"type": "json_object"}
    return response_format


def pydantic_model(settings: ModelSettings) -> Any:
    """A pydantic-ai model object for `settings.model`, served in-process by litellm."""
    from openai import AsyncOpenAI
    from pydantic_ai.models.openai import OpenAIChatModel
    from pydantic_ai.providers.openai import OpenAIProvider

    client = httpx2.AsyncClient(transport=LiteLLMTransport(settings), timeout=settings.timeout_s + 5)
    # Retries are litellm's (settings.max_retries): the OpenAI client retrying a timed-out request on top
    # would multiply the wait past the turn's budget.
    openai_client = AsyncOpenAI(base_url="http://litellm.in-process/v1", api_key="in-process",
                                http_client=client, max_retries=0)  # type: ignore[arg-type]
    provider = OpenAIProvider(openai_client=openai_client)
    return OpenAIChatModel(settings.model, provider=provider)
