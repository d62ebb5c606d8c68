"""Shared fixtures: paths to the bundled examples and the public samples, and a CLI runner."""

from __future__ import annotations

import os
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "careplans" / "examples"
# The public samples (../shared/samples beside the checkout); a copy ships in tests/data so a clone
# on its own still tests against them.
SHARED_SAMPLES = next(p for p in (ROOT.parent / "shared" / "samples", ROOT / "tests" / "data" / "public_samples")
                      if (p / "specialist_cases.jsonl").exists())

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
# Commands that store results (replay, chat) write to a throw-away data folder, never the checkout's.
os.environ.setdefault("CONSTELLATION_DATA_DIR", tempfile.mkdtemp(prefix="constellation-tests-"))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    """Run `constellation ARGS...` in-process; returns exit code, stdout, stderr."""
    from constellation.cli import main

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def samples() -> Path:
    return SHARED_SAMPLES


@pytest.fixture
def allow_litellm(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let pydantic-ai agents call their model, for tests whose model is litellm offline (mock_response, a
    CustomLLM) or a local server; some test modules switch model requests off for the whole process."""
    from pydantic_ai import models

    monkeypatch.setattr(models, "ALLOW_MODEL_REQUESTS", True)
