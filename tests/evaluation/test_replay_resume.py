"""Results are stored case by case: an interrupted replay resumes where it stopped and gives the report an
uninterrupted run gives; a changed configuration or --fresh judges again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import evaluation.replay_runner as runner
from constellation.storage import open_database
from evaluation.replay_config import load_configs
from evaluation.replay_runner import Interrupted, run_configs
from evaluation.replay_sources import from_cases_file
from evaluation.replay_store import ReplayStore
from tests.conftest import ROOT, SHARED_SAMPLES

CONFIGS = [ROOT / "evaluation" / "configs" / "deterministic.yaml", ROOT / "tests" / "data" / "replay" / "no-labs.yaml"]


def _without_timings(value: Any) -> Any:
    """The report minus what the clock decides (latencies), which differs between any two runs."""
    if isinstance(value, dict):
        return {k: _without_timings(v) for k, v in value.items() if "latency" not in k}
    if isinstance(value, list):
        return [_without_timings(v) for v in value]
    return value


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Ids of the cases actually judged (not taken from storage) in this process."""
    judged: list[str] = []
    real = runner.run_chunk

    def counting(base: str, config: dict, cases: list) -> list:
        judged.extend(c.id for c in cases)
        return real(base, config, cases)

    monkeypatch.setattr(runner, "run_chunk", counting)
    return judged


def test_interrupted_run_resumes_and_gives_the_same_report(tmp_path: Path, counted: list[str]) -> None:
    source = from_cases_file(SHARED_SAMPLES / "specialist_cases.jsonl")
    configs = load_configs(CONFIGS)
    total = len(source.cases) * len(configs)

    reference = run_configs(source, configs, store=ReplayStore(open_database(f"sqlite:///{tmp_path / 'a.sqlite3'}")))
    counted.clear()

    store = ReplayStore(open_database(f"sqlite:///{tmp_path / 'b.sqlite3'}"))
    seen = {"n": 0}

    def stop_after_some(n: int) -> None:  # Ctrl-C arrives while the first configuration is half done
        seen["n"] += n
        if seen["n"] >= 6:
            raise KeyboardInterrupt

    with pytest.raises(Interrupted) as stopped:
        run_configs(source, configs, store=store, progress=stop_after_some)
    assert stopped.value.config == "deterministic" and 6 <= stopped.value.done < len(source.cases)
    stored = {r.name: r.n_done for r in store.runs()}
    assert stored == {"deterministic": stopped.value.done}
    stored_ids = {c["id"] for c, _ in store.results(store.runs()[0].id)[1]}
    counted.clear()

    notes: list[str] = []
    resumed = run_configs(source, configs, store=store, notice=notes.append)
    # Only what was not stored is judged again, and no case twice.
    assert sorted(counted) == sorted([c.id for c in source.cases if c.id not in stored_ids]
                                     + [c.id for c in source.cases])
    assert len(counted) == total - stopped.value.done
    assert f"{stopped.value.done} of {len(source.cases)} cases already judged" in notes[0]
    assert _without_timings(resumed) == _without_timings(reference)
    assert {r.name: (r.n_done, r.finished_at is not None) for r in store.runs()} == {
        "deterministic": (len(source.cases), True), "no-labs": (len(source.cases), True)}

    # Run again: nothing to judge, the stored latencies come back too, so the report is identical.
    counted.clear()
    again = run_configs(source, configs, store=store)
    assert counted == [] and again == resumed


@pytest.mark.slow
def test_resume_with_worker_processes(tmp_path: Path) -> None:
    source = from_cases_file(SHARED_SAMPLES / "specialist_cases.jsonl")
    configs = load_configs(CONFIGS[:1])
    store = ReplayStore(open_database(f"sqlite:///{tmp_path / 'db.sqlite3'}"))
    with pytest.raises(Interrupted):
        run_configs(source, configs, store=store, progress=lambda n: (_ for _ in ()).throw(KeyboardInterrupt()))
    resumed = run_configs(source, configs, store=store, workers=2)
    single = run_configs(source, configs)  # nothing stored, one process
    assert _without_timings(resumed) == _without_timings(single)


def test_cli_reuses_stored_results_until_something_changes(cli, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    cases = SHARED_SAMPLES / "specialist_cases.jsonl"
    out = tmp_path / "r.json"
    first = cli("replay", "--cases", cases, "--out", out, "--db", db)
    assert first.code == 0 and "already judged" not in first.err
    report = json.loads(out.read_text())
    second = cli("replay", "--cases", cases, "--out", out, "--db", db)
    assert second.code == 0 and f"{len(report['cases'])} of {len(report['cases'])} cases already judged" in second.err
    assert json.loads(out.read_text()) == report
    fresh = cli("replay", "--cases", cases, "--out", out, "--db", db, "--fresh")
    assert fresh.code == 0 and "already judged" not in fresh.err
    # A changed threshold is a different configuration: a new run, judged from scratch.
    changed = tmp_path / "strict.yaml"
    changed.write_text("name: deterministic\nengine: deterministic\nthresholds: {min_confidence: 0.9}\n")
    other = cli("replay", "--cases", cases, "--out", out, "--db", db, "--config", changed)
    assert other.code == 0 and "already judged" not in other.err
