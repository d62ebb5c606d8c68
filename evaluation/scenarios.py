"""Scripted-call scenarios with machine-checkable expectations (the format of ../shared/samples/scenarios).

A scenario names a care plan, the patient's lines and checks on the `chat --json` turn objects, of the
types ../shared/samples/README.md lists (escalation_at_least[_within], escalation_at_most,
agent_text_matches[_within], agent_text_not_matches, agent_repeats_previous, no_phi_before_turn,
never_says, finding, all_turns_answered) plus the project's verdicts_in.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from specialists.findings import KEYS, level_rank


def check_turns(turns: list[dict[str, Any]], checks: list[dict[str, Any]], n_lines: int | None = None) -> list[str]:
    """The failed checks, each as a sentence; an empty list means the call passed. ``n_lines``: how many
    patient lines the script had (all_turns_answered needs it)."""
    return [failure for check in checks for failure in check_one(turns, check, n_lines)]


def check_one(turns: list[dict[str, Any]], check: dict[str, Any], n_lines: int | None = None) -> list[str]:
    """Why one check fails, a sentence per failing turn; empty when it holds."""
    by_turn = {t["turn"]: t for t in turns}
    last = max(by_turn, default=0)
    failures: list[str] = []
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
    elif kind == "escalation_at_least_within":
        a, b = check["turns"]
        got = max((t["escalation"] for t in turns if a <= t["turn"] <= b), key=level_rank, default="none")
        if level_rank(got) < level_rank(check["level"]):
            failures.append(f"turns {a}-{b}: highest escalation {got}, expected at least {check['level']}")
    elif kind == "agent_text_matches_within":
        a, b = check["turns"]
        if not any(re.search(check["regex"], t["agent"]) for t in turns if a <= t["turn"] <= b):
            failures.append(f"turns {a}-{b}: no agent text matches {check['regex']!r}")
    elif kind == "agent_text_not_matches":
        if turn is not None and re.search(check["regex"], turn["agent"]):
            failures.append(f"turn {check['turn']}: agent text matches {check['regex']!r}: {turn['agent']}")
    elif kind == "agent_repeats_previous":
        before = by_turn.get(check["turn"] - 1)
        words = {w.lower() for w in re.findall(r"[A-Za-z']+", before["agent"]) if len(w) > 3} if before else set()
        said = {w.lower() for w in re.findall(r"[A-Za-z']+", turn["agent"])} if turn else set()
        if not words or len(words & said) * 2 < len(words):
            failures.append(f"turn {check['turn']}: does not repeat the previous agent turn")
    elif kind == "all_turns_answered":
        empty = [t["turn"] for t in turns if not t["agent"].strip()]
        if empty or (n_lines is not None and len(turns) < n_lines):
            failures.append(f"not every line was answered: {len(turns) - len(empty)} answers to {n_lines or len(turns)} lines")
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
