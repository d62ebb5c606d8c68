"""Scripted calls scored by their rubric checks: ``constellation bench conversations`` (and the crisis calls).

A call is a scenario file (the format of ../shared/samples/scenarios): a care plan, the caller's lines and
machine-checkable checks on the ``chat --json`` turn objects. Each call runs in process exactly as
``constellation chat --script --json --today`` runs it (scripted primary unless a model is configured,
specialists, gate; nothing stored). A check holds when :func:`evaluation.scenarios.check_one` finds no
failing turn; a ``never_says`` that fails on three turns is one check that failed, not three.

Checks may carry a ``category`` (what of the call policy they test: ``responds``, ``plan_answer``,
``education``, ``refusal``, ``over_refusal``, ``escalation``, ``privacy``, ``mechanics``,
``no_fabrication``); the report counts them per category and per check type. Failures are listed only when
asked for: a held-out split stays unread.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

from constellation.errors import UserError
from evaluation.scenarios import check_one, load_scenario

CALL_DAY = dt.date(2026, 11, 27)  # "today" of the sample and test data
UNCATEGORISED = "uncategorised"


async def run_script(plan_path: Path, lines: list[str], today: dt.date = CALL_DAY) -> list[dict[str, Any]]:
    """A scripted call, in process, as ``constellation chat --script --json`` runs it (no storage)."""
    from careplans import load_care_plan
    from constellation.call import Call

    call = Call.start(load_care_plan(plan_path), today=today)
    turns = []
    for line in lines:
        turns.append((await call.say(line)).to_contract())
        if call.state.phase == "ended":
            break
    return turns


def _rate(held: int, total: int) -> float | None:
    return round(held / total, 4) if total else None


def _tally(counter: Counter[str], held: Counter[str]) -> dict[str, dict[str, Any]]:
    return {k: {"checks": counter[k], "held": held[k], "rate": _rate(held[k], counter[k])} for k in sorted(counter)}


def _load(path: Path) -> dict[str, Any]:
    try:
        scenario = load_scenario(path)
    except (OSError, ValueError) as exc:
        raise UserError(f"{path}: not a readable scenario file ({exc})") from None
    missing = [k for k in ("care_plan", "patient_lines", "checks") if k not in scenario]
    if missing:
        raise UserError(f"{path}: missing {', '.join(missing)}")
    return scenario


def score_calls(directory: Path, today: dt.date = CALL_DAY) -> dict[str, Any]:
    """Rubric checks that hold, per call of a folder and pooled per category and per check type."""
    if not directory.is_dir():
        raise UserError(f"{directory}: not a folder")
    paths = sorted(directory.glob("*.json"))
    if not paths:
        raise UserError(f"{directory}: no scenario files (*.json)")
    calls = []
    categories: Counter[str] = Counter()
    categories_held: Counter[str] = Counter()
    types: Counter[str] = Counter()
    types_held: Counter[str] = Counter()
    for path in paths:
        scenario = _load(path)
        lines = scenario["patient_lines"]
        turns = asyncio.run(run_script(scenario["care_plan_path"], lines, today))
        failures = []
        for check in scenario["checks"]:
            why = check_one(turns, check, len(lines))
            category = str(check.get("category", UNCATEGORISED))
            categories[category] += 1
            types[check["type"]] += 1
            if why:
                failures.append({"category": category, "type": check["type"], "why": why})
            else:
                categories_held[category] += 1
                types_held[check["type"]] += 1
        held = len(scenario["checks"]) - len(failures)
        calls.append({"id": scenario.get("id", path.stem), "checks": len(scenario["checks"]), "held": held,
                      "failures": failures, "transcript": turns})
    total = sum(c["checks"] for c in calls)
    held = sum(c["held"] for c in calls)
    return {"folder": str(directory), "today": today.isoformat(), "calls": calls, "checks": total, "held": held,
            "rate": _rate(held, total), "per_category": _tally(categories, categories_held),
            "per_type": _tally(types, types_held)}


def summary(result: dict[str, Any]) -> str:
    """The figures of a scored folder as JSON, without transcripts or failure texts (safe for a held-out split)."""
    calls = [{"id": c["id"], "checks": c["checks"], "held": c["held"]} for c in result["calls"]]
    return json.dumps({**{k: v for k, v in result.items() if k != "calls"}, "calls": calls})
