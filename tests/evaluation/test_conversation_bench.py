"""`constellation bench conversations`: scripted calls scored per rubric check, category and check type."""

from __future__ import annotations

import json
from pathlib import Path

from evaluation.conversation_bench import score_calls
from tests.conftest import ROOT

PLAN = ROOT / "tests" / "data" / "dev" / "plans" / "p10_htn_angina.yaml"
LINES = ["Hi, it's Dennis O'Rourke.", "June 5th, 1967.", "I'm fine. Bye now."]


def _write(folder: Path, checks: list[dict]) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "c01.json").write_text(json.dumps({"id": "c01", "care_plan": str(PLAN), "patient_lines": LINES,
                                                 "checks": checks}))
    return folder


def test_each_check_counts_once_and_is_tallied_by_category_and_type(tmp_path: Path) -> None:
    folder = _write(tmp_path / "calls", [
        {"type": "all_turns_answered", "category": "mechanics"},
        {"type": "never_says", "regex": ".", "category": "no_fabrication"},  # fails on every turn: still one check
        {"type": "escalation_at_most", "turn": "all", "level": "routine", "category": "escalation"},
        {"type": "agent_text_matches", "turn": 2, "regex": "(?i)zzz-not-said"},
    ])
    result = score_calls(folder)
    assert (result["checks"], result["held"]) == (4, 2)
    assert result["per_category"]["no_fabrication"] == {"checks": 1, "held": 0, "rate": 0.0}
    assert result["per_category"]["uncategorised"]["held"] == 0
    assert result["per_category"]["escalation"]["held"] == 1
    assert result["per_type"]["never_says"]["checks"] == 1
    [call] = result["calls"]
    assert call["held"] == 2 and len(call["failures"]) == 2
    assert len(call["failures"][0]["why"]) == len(call["transcript"])  # the never_says fails on every turn


def test_the_command_prints_figures_and_lists_failures_only_when_asked(cli, tmp_path: Path) -> None:
    folder = _write(tmp_path / "calls", [{"type": "agent_text_matches", "turn": 2, "regex": "zzz-not-said",
                                          "category": "plan_answer"}])
    quiet = cli("bench", "conversations", "--calls", folder)
    assert quiet.code == 0, quiet.err
    assert "0/1 rubric checks hold" in quiet.out and "plan_answer 0/1" in quiet.out
    assert "zzz-not-said" not in quiet.out and LINES[1] not in quiet.out  # a held-out split stays unread
    assert json.loads(quiet.out.splitlines()[-1])["per_category"]["plan_answer"]["checks"] == 1
    loud = cli("bench", "conversations", "--calls", folder, "--show-wrong")
    assert "zzz-not-said" in loud.out and LINES[1] in loud.out


def test_bad_input_is_a_clear_error(cli, tmp_path: Path) -> None:
    assert cli("bench", "conversations", "--calls", tmp_path / "missing").code == 2
    (tmp_path / "empty").mkdir()
    assert "no scenario files" in cli("bench", "conversations", "--calls", tmp_path / "empty").err
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "x.json").write_text("{not json")
    broken = cli("bench", "conversations", "--calls", tmp_path / "broken")
    assert broken.code == 2 and "x.json" in broken.err
    assert cli("bench", "conversations", "--calls", tmp_path / "empty", "--today", "27/11/2026").code == 2
