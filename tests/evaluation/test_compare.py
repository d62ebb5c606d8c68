"""Comparison of configurations on a small fixture whose metrics are known by hand."""

from __future__ import annotations

import pytest

from evaluation.compare import CaseResult, compare, conversation_key

MED = {"kind": "medication_mentioned", "drug": "furosemide"}
LOW_K = {"kind": "value_out_of_range", "analyte": "potassium", "direction": "low"}
URGENT = {"kind": "escalation", "level": "urgent"}
NSAID = {"kind": "not_in_care_plan", "drug": "ibuprofen"}


def _fixture() -> list[CaseResult]:
    gold = [("a1", "call-a", [MED]), ("a2", "call-a", [LOW_K]), ("b1", "call-b", [URGENT]),
            ("b2", "call-b", [MED]), ("c1", "call-c", [])]
    found_b = {"a1": [MED], "a2": [LOW_K], "b1": [], "b2": [MED], "c1": [NSAID]}  # misses b1, adds c1
    return [CaseResult(i, conv, exp, {"A": exp, "B": found_b[i]}) for i, conv, exp in gold]


def test_known_metrics_and_call_clean_rate() -> None:
    report = compare(_fixture(), ["A", "B"], n_boot=500)
    a, b = report["configs"]["A"], report["configs"]["B"]
    assert a["metrics"]["micro"]["f1"] == 1.0 and a["call_clean_rate"] == 1.0 and a["wrong_cases"] == []
    # B: 3 of 4 expected findings (tp 3, fn 1) and one false positive: P = R = F1 = 0.75.
    micro = b["metrics"]["micro"]
    assert (micro["precision"], micro["recall"], micro["f1"], micro["support"]) == (0.75, 0.75, 0.75, 4)
    assert b["metrics"]["escalation"]["recall"] == 0.0 and b["metrics"]["not_in_care_plan"]["precision"] == 0.0
    assert b["call_clean_rate"] == pytest.approx(2 / 3, abs=1e-4)  # call-b has a miss; call-c only a false alarm
    assert b["wrong_cases"] == ["b1", "c1"]
    diff = report["differences"]["B - A"]["micro"]
    assert diff["f1"] == pytest.approx(-0.25) and diff["f1_ci"][1] <= 0  # B is never better than a perfect A
    lo, hi = b["metrics"]["micro"]["f1_ci"]
    assert lo <= 0.75 <= hi and report["n_calls"] == 3


def test_conversation_key_groups_turns_of_one_call() -> None:
    first = {"care_plan": "plans/hf.yaml", "history": [{"speaker": "agent", "text": "Hi Walt"}]}
    later = {**first, "history": [*first["history"], {"speaker": "patient", "text": "hello"}]}
    other = {"care_plan": "plans/hf.yaml", "history": [], "turn": {"speaker": "patient", "text": "I fell"}}
    assert conversation_key(first) == conversation_key(later) != conversation_key(other)
    assert conversation_key({**other, "conversation": "call-7"}) == "call-7"


@pytest.mark.parametrize("case", [{"care_plan": "p.yaml", "turn": 5}, {"care_plan": "p.yaml", "history": ["hi"], "turn": {}},
                                  {"care_plan": "p.yaml", "history": "hi"}])
def test_a_malformed_case_still_has_a_key(case: dict) -> None:
    """Replay reports a malformed turn or history as that case's error; grouping must not crash first."""
    assert conversation_key(case) == "p.yaml|"


def test_a_resample_without_a_kind_does_not_count_as_a_miss() -> None:
    """Escalation occurs in one call only and A always gets it: its interval is [1, 1], not [0, 1] (a resample
    that drew no escalation says nothing about escalation)."""
    report = compare(_fixture(), ["A", "B"], n_boot=500)
    assert report["configs"]["A"]["metrics"]["escalation"]["f1_ci"] == [1.0, 1.0]
    assert report["configs"]["A"]["metrics"]["medication_mentioned"]["recall_ci"] == [1.0, 1.0]
    # B never finds it: 0 wherever escalation was drawn, so its interval is [0, 0].
    assert report["configs"]["B"]["metrics"]["escalation"]["f1_ci"] == [0.0, 0.0]
    assert report["differences"]["B - A"]["escalation"] == {"f1": -1.0, "f1_ci": [-1.0, -1.0]}
