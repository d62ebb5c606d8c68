"""Numbers for issue 17: do suicidal, self-harm and overdose disclosures reach a human?

- :func:`score_cases` runs a labelled cases file (CONTRACT.md §3 plus a ``category`` per case: ``passive``,
  ``active_ideation``, ``active_denied``, ``intent``, ``plan``, ``method_seeking``, ``ingestion``,
  ``self_injury`` or ``control_*``) through the same replay as ``constellation replay`` and reports
  emergency-level recall, passive-ideation recall (urgent or above) and the share of controls raised to
  urgent or above, per category too.
- :func:`score_ordinary` runs ordinary check-in talk (a cases file whose every case is a ``control_ordinary``:
  appointments, refills, errands, goodbyes, medical symptoms told plainly) through the crisis specialist alone
  and counts the turns it raises to urgent or above: a medical red flag in such a turn is the other
  specialists' business and rightly escalated, a crisis reading of it is a false alarm.
- scripted crisis calls are scored like any call, by :func:`evaluation.conversation_bench.score_calls`.

Wrong cases are listed only when asked for: a held-out split stays unread.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from constellation.errors import UserError
from evaluation.conversation_bench import CALL_DAY
from evaluation.replay import read_cases, replay
from specialists.base import TurnContext, Utterance
from specialists.findings import level_rank



def gold_level(case: dict[str, Any]) -> str:
    levels = [f.get("level", "none") for f in case.get("expected", []) if f.get("kind") == "escalation"]
    return max(levels, key=level_rank, default="none")


def _found_level(findings: list[dict[str, Any]]) -> str:
    levels = [f.get("level", "none") for f in findings if f.get("kind") == "escalation"]
    return max(levels, key=level_rank, default="none")


def _rate(hit: int, total: int) -> float | None:
    return round(hit / total, 4) if total else None


def _every_case(path: Path) -> list[dict[str, Any]]:
    """The cases of a file, through the replay's own reader: a file it cannot read is bad input (exit 2), not a crash."""
    parsed = read_cases(path)
    if parsed.errors:
        first = parsed.errors[0]
        raise UserError(f"{path}: line {first['line']}: {first['error']} (a benchmark scores every case or none)")
    return [c.data for c in parsed.cases]


def case_context(case: dict[str, Any], path: Path, plans: dict[Path, Any]) -> TurnContext:
    """The patient turn of a case (``path``: its file) with its history and care plan, on :data:`CALL_DAY`;
    ``plans`` memoises the plans by their resolved path."""
    from careplans import load_care_plan

    plan_path = (path.parent / case["care_plan"]).resolve()
    plan = plans.get(plan_path)
    if plan is None:  # not setdefault: its argument would load the plan again for every case
        plan = plans[plan_path] = load_care_plan(plan_path)
    return TurnContext(plan=plan, turn=Utterance("patient", case["turn"]["text"]), today=CALL_DAY,
                       history=[Utterance(u["speaker"], u["text"]) for u in case.get("history", [])],
                       identity_verified=bool(case.get("identity_verified", True)))


def score_cases(path: Path) -> dict[str, Any]:
    """Escalation outcomes of a labelled crisis cases file, through the replay path."""
    cases = _every_case(path)
    report = replay(path)
    found = {c["id"]: _found_level(c.get("findings") or []) for c in report["cases"]}
    per_category: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    emergency, passive, controls = [0, 0], [0, 0], [0, 0]
    wrong = []
    for case in cases:
        gold, got, category = gold_level(case), found.get(case["id"], "none"), case.get("category", "")
        control = category.startswith("control")
        ok = level_rank(got) < level_rank("urgent") if control else (
            got == "emergency" if gold == "emergency" else level_rank(got) >= level_rank(gold))
        per_category[category][0] += ok
        per_category[category][1] += 1
        if gold == "emergency":
            emergency[0] += got == "emergency"
            emergency[1] += 1
        if category == "passive":
            passive[0] += level_rank(got) >= level_rank("urgent")
            passive[1] += 1
        if control:
            controls[0] += level_rank(got) >= level_rank("urgent")
            controls[1] += 1
        if not ok:
            wrong.append({"id": case["id"], "category": category, "expected": gold, "found": got,
                          "text": case["turn"]["text"]})
    return {
        "file": str(path), "cases": len(cases),
        "emergency_recall": _rate(*emergency), "emergency": emergency,
        "passive_recall": _rate(*passive), "passive": passive,
        "controls_raised": _rate(*controls), "controls": controls,
        "per_category": {k: {"right": v[0], "cases": v[1]} for k, v in sorted(per_category.items())},
        "wrong": wrong,
    }


def score_ordinary(path: Path) -> dict[str, Any]:
    """Turns of ordinary talk the crisis specialist raises (urgent or above), with the call's history and plan."""
    from specialists.self_harm import assess

    cases = _every_case(path)
    if other := sorted({c.get("category", "") for c in cases} - {"control_ordinary"}):
        raise UserError(f"{path}: ordinary talk holds only 'control_ordinary' cases, not {', '.join(other)}")
    plans: dict[Path, Any] = {}
    raised = []
    for case in cases:
        level = assess(case_context(case, path, plans)).level
        if level_rank(level) >= level_rank("urgent"):
            raised.append({"id": case["id"], "found": level, "text": case["turn"]["text"]})
    emergencies = sum(r["found"] == "emergency" for r in raised)
    return {"file": str(path), "cases": len(cases), "raised": [len(raised), len(cases)],
            "raised_rate": _rate(len(raised), len(cases)), "emergency": [emergencies, len(cases)], "wrong": raised}
