"""Issue 12's development sets (tests/data/spec_dev/README.md): floors under what the specialists reach.

Each file was written by a helper who never read the specialists. Files a-d, f, h, m, o, q, r, s, u, w and y are
development data (read case by case while fixing classes of failure); e, g, i, j, k, l, n, p, t, v and x are unread
splits, scored in aggregate only. ``asr/`` holds speech-recognition variants of five of them, made by the project's voice loop. The floors sit just under the measured values so a change that loses ground fails here, and the
numbers themselves are reported by `constellation replay` + `../shared/tools/score_cases.py`.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from evaluation.replay import metrics, replay
from tests.conftest import ROOT

SETS = ROOT / "tests" / "data" / "spec_dev"
RANK = {"none": 0, "routine": 1, "urgent": 2, "emergency": 3}

# file: (micro-F1, emergencies found, false emergencies at most), measured 2026-12-06 (eighth pass) with each case's
# "today" (2026-11-27, the date the writers wrote to); the red-flag paraphrase net on
FLOORS: dict[str, tuple[float, int, int]] = {
    "cases_a.jsonl": (0.915, 101, 3),   # 101 emergencies, 149 other cases
    "cases_b.jsonl": (0.94, 0, 6),
    "cases_c.jsonl": (0.895, 0, 3),
    "cases_d.jsonl": (0.82, 0, 1),
    "cases_e.jsonl": (0.9, 92, 3),   # unread: 102 emergencies, 148 other cases
    "cases_f.jsonl": (0.98, 100, 0),   # 101 emergencies, 149 other cases (97 -> 100: sudden double vision, deep fast breathing, a counted breathing rate)
    "cases_g.jsonl": (0.91, 85, 6),   # unread: 102 emergencies, 148 other cases (hidden-layer net: 86 -> 85, false 7 -> 6)
    "cases_h.jsonl": (0.945, 103, 3),   # 105 emergencies, 145 other cases
    "cases_i.jsonl": (0.925, 68, 1),    # unread: 70 emergencies, 180 other cases
    "cases_j.jsonl": (0.94, 0, 5),    # unread: medication side, no emergencies
    "cases_k.jsonl": (0.955, 19, 2),    # unread: 19 emergencies, 231 other cases
    "cases_l.jsonl": (0.945, 39, 2),    # unread, eight new patients: 40 emergencies, 210 other cases
    "cases_m.jsonl": (0.97, 110, 7),   # 112 emergencies, 138 other cases
    "cases_n.jsonl": (0.88, 67, 3),    # unread, a call's context: 75 emergencies, 175 other cases
    "cases_o.jsonl": (0.93, 19, 4),    # the everyday middle of a call: 19 emergencies, 231 other cases
    "cases_p.jsonl": (0.925, 90, 6),    # unread, a triage line's night calls: 90 emergencies, 160 other cases
    "cases_q.jsonl": (0.965, 108, 1),   # red flags told many ways: 110 emergencies, 140 other cases
    "cases_r.jsonl": (0.96, 3, 1),     # the medication side: 3 emergencies, 247 other cases
    "cases_s.jsonl": (0.975, 70, 2),    # the nurse's callback list, said roundabout: 70 emergencies, 180 other cases (the net retrained with the p and q calls raises a sister's reaction "last month": 1 -> 2; a gate on time months back cost an unread emergency and was dropped)
    "cases_t.jsonl": (0.945, 51, 3),    # unread, a home-health agency's week: 54 emergencies, 196 other cases
    "cases_u.jsonl": (0.93, 40, 1),     # the weak kinds (missed doses, arithmetic, drafts, urgent tier): 41 emergencies, 209 other
    "cases_v.jsonl": (0.955, 50, 5),    # unread, a family practice's nurse line after discharge: 55 emergencies, 195 other cases (hidden-layer net: 49 -> 51, false 3 -> 5; the net retrained with the p and q calls' quiet lines: 51 -> 50, numbers only)
    "cases_w.jsonl": (0.935, 98, 3),    # red flags as callers tell a nurse line: 101 emergencies, 149 other cases
    "cases_x.jsonl": (0.925, 49, 0),    # unread, a heart-and-kidney transitional-care line: 55 emergencies, 195 other cases
    "cases_y.jsonl": (0.91, 0, 6),      # the medication side said roundabout: no emergencies
    # speech-recognition variants from the project's own voice loop (espeak-ng -> faster-whisper tiny.en);
    # e, g and j are variants of unread splits
    "asr/cases_a_asr.jsonl": (0.60, 72, 4),  # false 3 -> 4 with the net retrained on the r and s calls: an urgent one (garbled "can't get my breath lying flat") raised to emergency
    "asr/cases_c_asr.jsonl": (0.25, 0, 3),
    "asr/cases_e_asr.jsonl": (0.52, 73, 7),
    "asr/cases_g_asr.jsonl": (0.49, 65, 7),
    "asr/cases_j_asr.jsonl": (0.19, 0, 3),
}


def _level(findings: list[dict[str, Any]]) -> str:
    return max((f.get("level", "none") for f in findings if f.get("kind") == "escalation"), key=RANK.__getitem__, default="none")


@cache
def _score(name: str) -> tuple[float, int, int]:
    report = replay(SETS / name)
    expected = {c["id"]: c["expected"] for c in map(json.loads, (SETS / name).read_text().splitlines()) if c}
    pairs = [(expected[c["id"]], c.get("findings") or []) for c in report["cases"]]
    micro = metrics(pairs)["micro"]["f1"]
    found = sum(_level(e) == "emergency" and _level(f) == "emergency" for e, f in pairs)
    false = sum(_level(e) != "emergency" and _level(f) == "emergency" for e, f in pairs)
    return micro, found, false


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FLOORS))
def test_development_sets_hold_their_floors(name: str) -> None:
    micro, found, false = _score(name)
    floor_micro, floor_found, most_false = FLOORS[name]
    assert micro >= floor_micro, (name, micro)
    assert found >= floor_found, (name, found)
    assert false <= most_false, (name, false)
