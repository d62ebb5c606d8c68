"""Speech-recognition variants come from the project's own voice loop (real espeak-ng and faster-whisper)."""

from __future__ import annotations

import json
from pathlib import Path

from evaluation.asr_variants import variants
from tests.conftest import ROOT


def test_a_patient_turn_is_spoken_heard_and_kept_with_its_gold(tmp_path: Path) -> None:
    plan = ROOT / "tests" / "data" / "dev" / "plans" / "p10_htn_angina.yaml"
    cases = tmp_path / "cases.jsonl"
    rows = [
        {"id": "x-1", "care_plan": str(plan), "history": [{"speaker": "agent", "text": "How are you?"}],
         "turn": {"speaker": "patient", "text": "My chest is tight and I am sweating."}, "today": "2026-11-27",
         "expected": [{"kind": "escalation", "level": "emergency"}]},
        {"id": "x-2", "care_plan": str(plan), "turn": {"speaker": "agent", "text": "Take your lisinopril."}, "expected": []},
    ]
    cases.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "asr" / "cases_asr.jsonl"
    out.parent.mkdir()
    assert variants(cases, out) == 1  # agent drafts are never heard
    variant = json.loads(out.read_text())
    assert variant["id"] == "x-1-asr" and variant["asr_of"] == rows[0]["turn"]["text"]
    assert variant["expected"] == rows[0]["expected"] and variant["history"] == rows[0]["history"]
    assert "chest" in variant["turn"]["text"].lower()  # heard, not copied: the recogniser writes its own text
    assert (out.parent / variant["care_plan"]).resolve() == plan.resolve()
