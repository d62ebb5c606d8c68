"""Scripted-call scenarios with machine-checkable expectations (the format of ../shared/samples/scenarios).

A scenario names a care plan, the patient's lines and checks on the `chat --json` turn objects:
escalation_at_least, agent_text_matches, no_phi_before_turn, never_says, finding.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from specialists.findings import KEYS, level_rank


def check_turns(turns: list[dict[str, Any]], checks: list[dict[str, Any]]) -> list[str]:
    """The failed checks, each as a sentence; an empty list means the call passed."""
    by_turn = {t["turn"]: t for t in turns}
    last = max(by_turn, default=0)
    failures = []
    for check in checks:
        kind = check["type"]
        if check.get("turn") == "last":
            check = {**check, "turn": last}
        turn = by_turn.get(check.get("turn", -1))
        if kind == "escalation_at_least":
            got = turn["escalation"] if turn else "missing"
            if turn is None or level_rank(got) < level_rank(check["level"]):
                failures.append(f"turn {check['turn']}: escalation {got}, expected at least {check['level']}")
        elif kind == "agent_text_matches":
            if turn is None or not re.search(check["regex"], turn["agent"]):
                failures.append(f"turn {check['turn']}: agent text does not match {check['regex']!r}: "
                                f"{turn['agent'] if turn else 'missing'}")
        elif kind == "no_phi_before_turn":
            for t in turns:
                if t["turn"] < check["turn"]:
                    hits = [w for w in check["terms"] if w.lower() in t["agent"].lower()]
                    if hits:
                        failures.append(f"turn {t['turn']}: says {hits} before identity is verified")
        elif kind == "never_says":
            for t in turns:
                if re.search(check["regex"], t["agent"]):
                    failures.append(f"turn {t['turn']}: says {check['regex']!r}: {t['agent']}")
        elif kind == "finding":
            want = tuple(str(check.get(k, "")).lower() for k in KEYS[check["kind"]])
            found = [tuple(str(f.get(k, "")).lower() for k in KEYS[check["kind"]])
                     for f in (turn["findings"] if turn else []) if f["kind"] == check["kind"]]
            if want not in found:
                failures.append(f"turn {check.get('turn')}: no {check['kind']} {want}; found {found}")
        elif kind == "escalation_at_most":  # project extension: no over-escalation
            scope = turns if check.get("turn") == "all" else [turn] if turn else []
            for t in scope:
                if level_rank(t["escalation"]) > level_rank(check["level"]):
                    failures.append(f"turn {t['turn']}: escalation {t['escalation']}, expected at most {check['level']}")
        elif kind == "verdicts_in":  # project extension: no blocked turn in a calm call
            for t in turns:
                if t["verdict"] not in check["values"]:
                    failures.append(f"turn {t['turn']}: verdict {t['verdict']}: {t['agent']}")
        else:
            failures.append(f"unknown check type {kind!r}")
    return failures


def load_scenario(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text())
    data["care_plan_path"] = (path.parent / data["care_plan"]).resolve()
    return data
