"""Scripted calls end to end through `constellation chat --script --json`, checked like the public scenarios."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaluation.scenarios import check_turns, load_scenario
from tests.conftest import ROOT, SHARED_SAMPLES

SCENARIOS = sorted((ROOT / "tests" / "data" / "scenarios").glob("*.json")) + sorted((SHARED_SAMPLES / "scenarios").glob("*.json"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario(cli, tmp_path: Path, path: Path) -> None:
    scenario = load_scenario(path)
    script = tmp_path / "lines.txt"
    script.write_text("\n".join(scenario["patient_lines"]) + "\n")
    result = cli("chat", "--care-plan", scenario["care_plan_path"], "--script", script, "--json",
                 "--db", f"sqlite:///{tmp_path / 'calls.db'}")
    assert result.code == 0, result.err
    turns = [json.loads(line) for line in result.out.splitlines() if line.strip()]
    assert [t["turn"] for t in turns] == list(range(1, len(turns) + 1))
    assert all(set(t) == {"turn", "patient", "agent", "findings", "escalation", "verdict", "checklist_remaining",
                          "latency_ms"} for t in turns)
    assert all(set(t["latency_ms"]) == {"specialists", "primary", "verify", "total"} for t in turns)
    transcript = "\n".join(f"{t['turn']} P: {t['patient']}\n  A: {t['agent']} [{t['escalation']}, {t['verdict']}]" for t in turns)
    failures = check_turns(turns, scenario["checks"])
    assert not failures, "\n".join(failures) + "\n" + transcript
