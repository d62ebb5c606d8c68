"""The conversation suite of issue 13 (tests/data/conversations): well-formed, and each split held to its floor.

The floors are the figures last measured (first contact: dev 202/321, unread 190/322; after the scripted primary
learned to respond then steer: dev 293, unread 245; with writers e and f added after that, at their first contact:
dev 426/509, unread 365/486; with the request sets g and h and the second pass: dev 643/731, unread 572/725; with
the unread request writers i, j and k added at their first contact, and the last refusal classes and bank entries: unread 1166/1483;
with writers l and m split into both (first contact dev 776/934, unread 1296/1683), requests asked anywhere in a turn deferred
and the hidden-layer red-flag net: dev 800/934, unread 1318/1683; readings asked about judged against the plan's goal, the
reason a drug is ruled out said, "how do I do it?" of a task in hand no method question: dev 816, unread 1329; with writers n
and o split into both (first contact dev 135/185, unread 154/221) and the fourth pass: dev 1010/1119, unread 1512/1904;
the answer bank matched by meaning, 27 new sourced entries, a missed dose's make-up answered, the plan's fact and the bank's
answer said together, an interaction's risk said, a drug asked about by reference, a loss or a milestone heard with a question,
79 entries, thanks answered, what goes to the nurse named: dev 1045, unread 1561; a short close that keeps the plan's most
pressing warning sign, a question about going somewhere no wish to hang up: dev 1048, unread 1562; in a crisis at the
urgent level a date is no amount, a ruled-out medicine held off without naming it, a leaving caller told to take care: dev
1051, unread 1565; with writers p and q split into both (first contact dev 139/200, unread 158/211), answers to the
check-in heard, false crisis and red-flag readings of everyday talk fixed by class, plan medicines found by what they are
for and how they are given: dev 1222/1319, unread 1731/2115; with writers r and s split into both (first contact dev
170/214, unread 167/244), reported questions, diet amounts, a visit and a bank question in one turn, 7 new bank entries and
a retrained matcher at threshold 0.5, reluctance in an emergency, waiting for a visit after an urgent flag, call-back
questions, guilt and reassurance, safety steps in a crisis, two visits in one turn, a reading told within its goal: dev
1436/1533, unread 1919/2359; ordinary talk the crisis rules took for a crisis read by class (adherence, deliveries,
goodbyes and outings, times from another story of a long turn): unread 1920; 18 new bank entries, the matcher
at 0.45, a plan drug's fact said with a bank answer about that drug: dev 1442/1533, unread 1930/2359; everyday words
inside red flags' words (swelling that went down, the line cut out, coffee grounds in the garden): dev 1443; with writers t
and u split into both (first contact dev 150/209, unread 146/210), an amount asked of a plan medicine read back from the
order, amounts of things that are no medicine left to the answer bank, a money worry and a named feeling heard beside the
answer, a description ruled out ("not the blood thinner"): dev 1602/1742, unread 2079/2569):
they stop a change from losing ground. The unread split is scored in aggregate only.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from careplans import load_care_plan
from evaluation.conversation_bench import score_calls
from tests.conftest import ROOT

SUITE = ROOT / "tests" / "data" / "conversations"
CATEGORIES = {"responds", "plan_answer", "education", "refusal", "over_refusal", "escalation", "privacy", "mechanics",
              "no_fabrication"}
TYPES = {"escalation_at_least", "agent_text_matches", "no_phi_before_turn", "never_says", "finding",
         "escalation_at_least_within", "escalation_at_most", "agent_text_matches_within", "agent_text_not_matches",
         "agent_repeats_previous", "all_turns_answered"}
CALLS = sorted(SUITE.glob("*/*.json"))
FLOORS = {"dev": 1602, "unread": 2079}


def test_the_suite_has_the_size_the_issue_asks_for() -> None:
    checks = sum(len(json.loads(p.read_text())["checks"]) for p in CALLS)
    assert len(CALLS) >= 40 and checks >= 400
    assert {p.parent.name for p in CALLS} == {"dev", "unread"}


@pytest.mark.parametrize("path", CALLS, ids=[f"{p.parent.name}/{p.stem}" for p in CALLS])
def test_call_is_well_formed(path: Path) -> None:
    call = json.loads(path.read_text())
    assert call["id"] == path.stem.split("_")[0]
    load_care_plan(path.parent / call["care_plan"])
    lines = call["patient_lines"]
    assert 1 <= len(lines) <= 16 and all(isinstance(x, str) and x.strip() for x in lines)
    assert len(call["checks"]) >= 10
    for check in call["checks"]:
        assert check["type"] in TYPES and check["category"] in CATEGORIES, check
        for turn in [check.get("turn")] + list(check.get("turns", [])):
            assert turn in (None, "all", "last") or 1 <= turn <= len(lines), check
        if "regex" in check:
            re.compile(check["regex"])


@pytest.mark.slow
@pytest.mark.parametrize("split", sorted(FLOORS))
def test_each_split_holds_its_floor(split: str) -> None:
    result = score_calls(SUITE / split)
    assert result["held"] >= FLOORS[split], f"{split}: {result['held']}/{result['checks']} rubric checks hold"
