"""`constellation replay --ray ADDRESS` against a real local Ray instance started here: the same report as a
local run, for the deterministic engine and for a model engine (litellm's mock_response inside Ray tasks)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, SHARED_SAMPLES, free_port
from tests.evaluation.test_replay_resume import _without_timings

# One Ray cluster per module (module fixture): keep its tests on one test worker.
pytestmark = [pytest.mark.usefixtures("allow_litellm"), pytest.mark.slow, pytest.mark.xdist_group("ray")]

RAY = Path(sys.executable).with_name("ray")


@pytest.fixture(scope="module")
def ray_address() -> Iterator[str]:
    if not RAY.exists():
        pytest.fail(f"{RAY} not found: the test extra installs ray (./dev test)")
    port = free_port()
    temp = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # short: Ray's socket paths must fit in 107 characters
    start = subprocess.run([str(RAY), "start", "--head", f"--port={port}", "--num-cpus=2", "--include-dashboard=false",
                            "--disable-usage-stats", f"--temp-dir={temp}"], capture_output=True, text=True, timeout=120)
    assert start.returncode == 0, start.stderr[-2000:]
    try:
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run([str(RAY), "stop", "--force"], capture_output=True, timeout=60)
        shutil.rmtree(temp, ignore_errors=True)


def test_ray_run_gives_the_same_report_as_a_local_run(cli, tmp_path: Path, ray_address: str) -> None:
    llm = tmp_path / "mock-llm.yaml"
    review = {"additional_findings": [{"kind": "value_out_of_range", "analyte": "potassium", "direction": "high"}]}
    llm.write_text(yaml.safe_dump({"name": "mock-llm", "engine": "llm", "model": {
        "model": "openai/mock", "litellm_params": {"mock_response": json.dumps(review)}}}))
    configs = ["--config", ROOT / "evaluation" / "configs" / "deterministic.yaml", "--config", llm]
    cases = SHARED_SAMPLES / "specialist_cases.jsonl"
    local, remote = tmp_path / "local.json", tmp_path / "ray.json"
    # Separate databases: the Ray run must judge every case itself, not find the local run's results.
    first = cli("replay", "--cases", cases, "--out", local, "--db", f"sqlite:///{tmp_path / 'local.sqlite3'}", *configs)
    assert first.code == 0, first.err
    second = cli("replay", "--cases", cases, "--out", remote, "--db", f"sqlite:///{tmp_path / 'ray.sqlite3'}",
                 "--ray", ray_address, *configs)
    assert second.code == 0, second.err
    a, b = json.loads(local.read_text()), json.loads(remote.read_text())
    assert _without_timings(a) == _without_timings(b)
    assert b["runs"][1]["model_failures"] == 0
    assert any(f.get("analyte") == "potassium" for c in b["runs"][1]["cases"] for f in c["findings"])


def test_unreachable_ray_cluster_is_a_clear_error(cli, tmp_path: Path) -> None:
    result = cli("replay", "--cases", SHARED_SAMPLES / "specialist_cases.jsonl", "--out", tmp_path / "r.json",
                 "--db", f"sqlite:///{tmp_path / 'db.sqlite3'}", "--ray", f"127.0.0.1:{free_port()}")
    assert result.code == 2, result.err
    assert "Ray cluster" in result.err and "Traceback" not in result.err
