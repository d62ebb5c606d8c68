"""Accuracy floor of the deterministic specialists (issue 3's bar), on the independent development set
and on the public samples: micro-F1 >= 0.95 and every kind >= 0.90. A regression test, not a benchmark."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.replay import replay
from tests.conftest import ROOT, SHARED_SAMPLES

SETS = {"dev": ROOT / "tests" / "data" / "dev" / "cases.jsonl", "public": SHARED_SAMPLES / "specialist_cases.jsonl"}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SETS))
def test_accuracy_floor(name: str) -> None:
    report = replay(Path(SETS[name]))
    assert not [c for c in report["cases"] if "error" in c]
    micro = report["micro"]["f1"]
    per_kind = {k: m["f1"] for k, m in report["metrics"].items() if m["support"]}
    assert micro >= 0.95, f"{name}: micro-F1 {micro:.3f}; per kind {per_kind}"
    weak = {k: f for k, f in per_kind.items() if f < 0.90}
    assert not weak, f"{name}: kinds below 0.90: {weak}"
