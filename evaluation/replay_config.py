"""Replay engine configurations: small YAML files naming what judges each turn.

Three engines, the comparisons of the Polaris paper:
  deterministic  the project's specialists, no model
  llm            the same specialists in LLM mode: the deterministic core runs, a model may add findings
  baseline       a general-purpose model prompted to do each specialist's task alone (the "GPT-4 baseline")

    name: gpt4o-baseline
    engine: baseline
    specialists: [medication, labs, escalation, hallucination, privacy]
    model:
      model: openai/gpt-4o          # any litellm model string
      api_key_env: OPENAI_API_KEY   # the key is read from this variable, never written in the file
    concurrency: 8                  # model calls in flight at once
    thresholds:
      min_confidence: 0.5           # model-proposed findings below this confidence are dropped

A configuration's digest (its canonical content) identifies its stored results, so a changed file never
resumes a run of the old one.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from constellation.errors import UserError
from constellation.llm import OUTPUT_MODES, ModelSettings, OutputMode
from specialists import registry

CONFIGS_DIR = Path(__file__).with_name("configs")
Engine = Literal["deterministic", "llm", "baseline"]


class ModelConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str = Field(min_length=1, description="a litellm model string, e.g. openai/gpt-4o or ollama/llama3.1")
    api_base: str | None = None
    api_key_env: str | None = Field(default=None, description="environment variable holding the API key")
    output_mode: OutputMode = "prompted"
    max_tokens: int | None = Field(default=None, ge=1)
    temperature: float | None = Field(default=0.0, ge=0, le=2)
    timeout_s: float = Field(default=30.0, gt=0, le=600)
    # litellm retries a failed call (with backoff, honouring a rate limit's Retry-After) this many times.
    num_retries: int = Field(default=2, ge=0, le=10)
    # Passed to litellm's Router deployment: requests / tokens per minute this model may take.
    rpm: int | None = Field(default=None, ge=1)
    tpm: int | None = Field(default=None, ge=1)
    # A litellm CustomLLM to register first, as "module:attribute", with the provider name it serves.
    custom_provider: str | None = Field(default=None, pattern=r"^[\w.]+:\w+$")
    custom_provider_name: str | None = None
    # Any other litellm completion argument (e.g. mock_response for an offline dry run).
    litellm_params: dict[str, Any] = Field(default_factory=dict)

    @field_validator("output_mode", mode="before")
    @classmethod
    def _mode(cls, value: Any) -> Any:
        if value not in OUTPUT_MODES:
            raise ValueError(f"must be one of {', '.join(OUTPUT_MODES)}")
        return value

    @model_validator(mode="after")
    def _provider(self) -> ModelConfig:
        if self.custom_provider and not self.custom_provider_name:
            self.custom_provider_name = self.model.split("/", 1)[0]
        return self

    def settings(self) -> ModelSettings:
        api_key = os.environ.get(self.api_key_env) if self.api_key_env else None
        if self.api_key_env and not api_key:
            raise UserError(f"model {self.model}: environment variable {self.api_key_env} (api_key_env) is not set")
        router = {k: v for k, v in (("rpm", self.rpm), ("tpm", self.tpm)) if v is not None}
        return ModelSettings(model=self.model, api_base=self.api_base, api_key=api_key, timeout_s=self.timeout_s,
                             max_retries=self.num_retries, output_mode=self.output_mode, max_tokens=self.max_tokens,
                             temperature=self.temperature, extra=dict(self.litellm_params), router_params=router)


class Thresholds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # A model-proposed finding is kept only at or above this self-reported confidence (0 keeps all).
    min_confidence: float = Field(default=0.0, ge=0, le=1)


class ReplayConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, pattern=r"^[\w.+-]+( [\w.+-]+)*$")
    description: str = ""
    engine: Engine = "deterministic"
    specialists: list[str] = Field(default_factory=registry.names)
    model: ModelConfig | None = None
    concurrency: int = Field(default=4, ge=1, le=256)
    thresholds: Thresholds = Field(default_factory=Thresholds)

    @field_validator("specialists")
    @classmethod
    def _known(cls, names: list[str]) -> list[str]:
        unknown = [n for n in names if n not in registry.names()]
        if unknown:
            raise ValueError(f"unknown specialist(s) {', '.join(unknown)} (known: {', '.join(registry.names())})")
        if not names:
            raise ValueError("name at least one specialist")
        return list(dict.fromkeys(names))

    @model_validator(mode="after")
    def _model_needed(self) -> ReplayConfig:
        if self.engine in ("llm", "baseline") and self.model is None:
            raise ValueError(f"engine {self.engine} needs a model (model: {{model: <litellm model string>}})")
        if self.engine == "deterministic" and self.model is not None:
            raise ValueError("engine deterministic uses no model: remove model, or use engine llm or baseline")
        return self

    def digest(self) -> str:
        """What identifies this configuration's results: its content, not its file name or description."""
        content = self.model_dump(mode="json", exclude={"description"})
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()

    def engine_label(self) -> dict[str, Any]:
        """The report's `engine` object (CONTRACT.md §3)."""
        return {"specialists": self.engine, "model": self.model.model if self.model else None,
                "config": self.name, "names": list(self.specialists)}


def default_config() -> ReplayConfig:
    return ReplayConfig(name="deterministic")


def load_config(path: Path) -> ReplayConfig:
    """A configuration file (YAML or JSON); every problem is reported with its field path."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise UserError(f"{path}: cannot read the configuration ({type(exc).__name__}: {exc})") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: a configuration must be a mapping (name, engine, specialists, model, ...)")
    data.setdefault("name", path.stem)
    try:
        return ReplayConfig.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(config)'}: {e['msg']}" for e in exc.errors())
        raise UserError(f"{path}: not a valid replay configuration: {problems}") from None


def load_configs(paths: list[Path]) -> list[ReplayConfig]:
    configs = [load_config(p) for p in paths] if paths else [default_config()]
    names = [c.name for c in configs]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise UserError(f"two configurations share the name {', '.join(dupes)}: give each a distinct name")
    return configs
