"""The crisis sets of tests/data/crisis, scored through `constellation replay`'s own path (issue 17).

Development files (read case by case while building) must keep what they reach; the held-out files
(written by helpers who never saw the code, never read case by case) are held to floors measured on
them, and their failures are reported as numbers only, never as case text."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

from evaluation.crisis_bench import score_cases, score_ordinary
from tests.conftest import ROOT

CRISIS = ROOT / "tests" / "data" / "crisis"
# file: (emergency recall, passive recall) floors and the most controls that may be raised to urgent or above
DEV: dict[str, tuple[float, float, float]] = {
    "cases.jsonl": (1.0, 1.0, 0.0),
    "cases_b.jsonl": (1.0, 1.0, 0.0),
    "cases_c.jsonl": (0.99, 0.94, 0.05),
    "cases_d.jsonl": (0.97, 0.96, 0.05),
    "cases_e.jsonl": (0.97, 0.94, 0.02),
    "cases_f.jsonl": (0.95, 0.97, 0.0),
    "cases_g.jsonl": (0.95, 1.0, 0.02),
    "cases_h.jsonl": (0.98, 0.98, 0.01),
    "cases_i.jsonl": (0.97, 0.92, 0.02),
    "cases_j.jsonl": (0.98, 0.94, 0.02),
    "cases_k.jsonl": (0.97, 0.94, 0.01),
    "cases_l.jsonl": (0.95, 1.0, 0.01),
    "cases_m.jsonl": (0.98, 0.94, 0.01),
    "cases_n.jsonl": (0.94, 1.0, 0.01),
    "cases_o.jsonl": (0.94, 0.87, 0.02),
    "cases_p.jsonl": (0.96, 1.0, 0.02),
    "cases_q.jsonl": (0.96, 0.95, 0.04),
    "cases_r.jsonl": (0.98, 0.90, 0.02),
    "cases_s.jsonl": (0.91, 0.92, 0.02),
    "cases_t.jsonl": (0.87, 0.84, 0.09),
    "cases_u.jsonl": (0.89, 0.93, 0.08),
    "cases_v.jsonl": (0.75, 0.83, 0.07),
    "cases_w.jsonl": (0.84, 0.95, 0.05),
    "cases_x.jsonl": (0.71, 0.90, 0.09),
    "cases_y.jsonl": (0.94, 0.86, 0.07),
}
# Measured 2026-12-05 after the sixth pass (issue 17 targets: emergency 1.0, passive 0.98, controls 0.03 - not yet
# reached). None of these files was ever read; cases_6, cases_7 and cases_8 were written at the start of the fourth,
# fifth and sixth; cases_9 at the start of the seventh (its first contact, unchanged since).
HELD_OUT: dict[str, tuple[float, float, float]] = {
    "cases.jsonl": (0.90, 0.83, 0.065),
    "cases_2.jsonl": (0.87, 0.91, 0.08),
    "cases_3.jsonl": (0.92, 0.87, 0.06),
    "cases_4.jsonl": (0.90, 0.79, 0.045),
    "cases_5.jsonl": (0.92, 0.96, 0.03),
    "cases_6.jsonl": (0.85, 0.78, 0.05),
    "cases_7.jsonl": (0.86, 0.88, 0.055),
    "cases_8.jsonl": (0.84, 0.85, 0.045),
    "cases_9.jsonl": (0.75, 0.73, 0.095),
    # written at the start of the ninth pass; first contact 90/132, 28/40, 11/120. The red-flag net's hidden layer (issue
    # 12, third request pass) raises one control more than the linear net did: 10 -> 11/120 (numbers only, unread)
    "cases_10.jsonl": (0.68, 0.70, 0.092),
}

# Ordinary check-in talk (no crisis content at all): the most turns the crisis specialist may raise to urgent or
# above, and to emergency, of each file's turns (1,000 in a-e, 600 in f-g). talk_a, talk_b and talk_d were read while
# building; talk_c and talk_e were unread until stop 41, when their raised turns were read to find the classes of
# ordinary talk the rules took for a crisis (adherence as an overdose, goodbyes and outings as distress, times from
# another story of a long turn); talk_f and talk_g, written then by two new writers, are never read (numbers only).
# First contact: talk_d 35 (16 emergencies), talk_e 18 (4), talk_f 40 (27) and talk_g 32 (23) before the stop-41
# classes, 33 (22) and 24 (18) after them. Before stop 41: a 9 (1), b 9 (2), c 13 (4), d 5 (3), e 11 (4).
ORDINARY: dict[str, tuple[int, int]] = {
    "talk_a.jsonl": (3, 0),
    "talk_b.jsonl": (1, 0),
    "talk_c.jsonl": (6, 0),
    "talk_d.jsonl": (4, 2),
    "talk_e.jsonl": (3, 0),
    "talk_f.jsonl": (33, 22),
    "talk_g.jsonl": (24, 18),
}
ORDINARY_TURNS = {**{f"talk_{k}.jsonl": 1000 for k in "abcde"}, "talk_f.jsonl": 600, "talk_g.jsonl": 600}
UNREAD_ORDINARY = {"talk_f.jsonl", "talk_g.jsonl"}


@cache
def _score(path: Path) -> dict[str, Any]:
    return score_cases(path)


def _check(report: dict[str, Any], floors: tuple[float, float, float], *, show: bool) -> None:
    emergency, passive, controls = floors
    wrong = "\n".join(f"{w['id']} [{w['category']}] expected {w['expected']}, found {w['found']}: {w['text']}"
                      for w in report["wrong"]) if show else "(held-out: cases not shown)"
    summary = (f"emergency {report['emergency']}, passive {report['passive']}, controls raised {report['controls']}\n"
               + wrong)
    assert report["emergency_recall"] >= emergency, summary
    assert report["passive_recall"] >= passive, summary
    assert report["controls_raised"] <= controls, summary


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(DEV))
def test_development_sets(name: str) -> None:
    _check(_score(CRISIS / "dev" / name), DEV[name], show=True)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HELD_OUT))
def test_held_out_sets(name: str) -> None:
    _check(_score(CRISIS / "heldout" / name), HELD_OUT[name], show=False)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(ORDINARY))
def test_ordinary_talk_rarely_raises_a_crisis(name: str) -> None:
    report = score_ordinary(CRISIS / "ordinary" / name)
    most, most_emergencies = ORDINARY[name]
    shown = "\n".join(f"{w['id']} {w['found']}: {w['text']}" for w in report["wrong"]) if name not in UNREAD_ORDINARY \
        else "(held-out: turns not shown)"
    assert report["cases"] == ORDINARY_TURNS[name]
    assert report["raised"][0] <= most, shown
    assert report["emergency"][0] <= most_emergencies, shown


def test_the_ordinary_talk_measure_refuses_a_labelled_crisis_case(cli, tmp_path: Path) -> None:
    import json

    lines = []
    for folder, name in (("ordinary", "talk_a.jsonl"), ("dev", "cases.jsonl")):
        case = json.loads((CRISIS / folder / name).read_text(encoding="utf-8").splitlines()[0])
        case["care_plan"] = str((CRISIS / folder / case["care_plan"]).resolve())
        lines.append(json.dumps(case))
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("bench", "crisis", "--ordinary", mixed)
    assert result.code == 2, result
    assert "only 'control_ordinary'" in result.err


def test_the_ordinary_talk_measure_reports_through_the_command_line(cli) -> None:
    result = cli("bench", "crisis", "--ordinary", CRISIS / "ordinary" / "talk_a.jsonl")
    assert result.code == 0, result
    assert "1000 turns of ordinary talk; raised by the crisis specialist to urgent or above" in result.out


def test_every_case_is_labelled_with_a_category_and_a_level_that_fits_it() -> None:
    import json

    levels = {"passive": "urgent", "active_denied": "urgent"}
    for path in sorted([*CRISIS.glob("*/cases*.jsonl"), *CRISIS.glob("ordinary/talk_*.jsonl")]):
        for line in path.read_text().splitlines():
            case = json.loads(line)
            category = case["category"]
            gold = [f["level"] for f in case["expected"] if f["kind"] == "escalation"]
            if category.startswith("control"):
                assert gold in ([], ["routine"]), (path.name, case["id"])
            else:
                assert gold == [levels.get(category, "emergency")], (path.name, case["id"])
            assert (path.parent / case["care_plan"]).is_file(), (path.name, case["id"])


def test_the_benchmark_refuses_a_file_it_cannot_read_with_exit_2(cli, tmp_path: Path) -> None:
    good = (CRISIS / "dev" / "cases.jsonl").read_text(encoding="utf-8").splitlines()[0]
    broken = tmp_path / "broken.jsonl"
    broken.write_text(good + "\n" + '{"id": "x", bad\n', encoding="utf-8")
    result = cli("bench", "crisis", "--cases", broken)
    assert result.code == 2, result
    assert "line 2" in result.err and "malformed JSON" in result.err


def test_a_cases_file_loads_each_care_plan_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ordinary-talk measure reads 1,000 turns on a handful of plans: loading the plan again for every
    turn once took two thirds of its time."""
    import json

    import careplans
    from evaluation.crisis_bench import case_context

    loads: list[Path] = []
    real = careplans.load_care_plan
    monkeypatch.setattr(careplans, "load_care_plan", lambda p: loads.append(Path(p)) or real(p))
    path = CRISIS / "ordinary" / "talk_a.jsonl"
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[:50]]
    plans: dict[Path, Any] = {}
    for case in cases:
        case_context(case, path, plans)
    assert len(loads) == len({(path.parent / c["care_plan"]).resolve() for c in cases}) < len(cases)
