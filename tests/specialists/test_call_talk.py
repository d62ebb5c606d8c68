"""Call talk the specialists must read as such (issue 13): a request to the call is not distress, a symptom explains
net-only distress, a clinic's everyday last word is not a disclosure, a year-first date of birth is a date."""

from __future__ import annotations

import datetime as dt

from careplans import load_care_plan
from specialists.base import SpecialistResult
from specialists.findings import Finding
from specialists.panel import combine
from specialists.self_harm import assess_text
from specialists.text.claims import health_information
from specialists.hallucination import plan_facts
from specialists.privacy import verification_state
from tests.conftest import ROOT

PLANS = ROOT / "tests" / "data" / "dev" / "plans"
TODAY = dt.date(2026, 11, 27)


def test_asking_the_call_to_repeat_end_or_tell_is_not_distress_but_hopelessness_still_is() -> None:
    for request in ("Sorry love, could you say that again, slower? My hearing aid is whistling.",
                    "Look, can we just be done now? My programme is starting.",
                    "Couldn't you just tell me if he's meant to have the water pill before lunch? I'm his sister."):
        assert not assess_text(request).own, request
    assert assess_text("Can we be done? Honestly there's no reason to keep going, nobody would miss me.").own


def _screening(level: str = "urgent") -> SpecialistResult:
    return SpecialistResult(findings=[Finding(kind="escalation", level=level, urgency=level, specialist="crisis")],
                            state={"crisis": {"level": level, "new": ["distress"], "screening": True}})


def test_a_medical_red_flag_explains_distress_only_the_net_heard() -> None:
    red_flag = SpecialistResult(findings=[Finding(kind="escalation", level="emergency", urgency="emergency",
                                                  specialist="escalation")])
    _, _, state, level = combine({"crisis": _screening(), "escalation": red_flag})
    assert "crisis" not in state and level == "emergency"
    _, _, state, level = combine({"crisis": _screening()}, red_flag_in_call=True)
    assert "crisis" not in state and level == "none"
    _, _, state, level = combine({"crisis": _screening()})  # nothing explains it: the screening stands
    assert "crisis" in state and level == "urgent"
    ruled = SpecialistResult(findings=_screening().findings, state={"crisis": {"level": "urgent", "new": ["passive"],
                                                                               "screening": False}})
    _, _, state, _ = combine({"crisis": ruled, "escalation": red_flag})  # a disclosure the rules placed always stands
    assert "crisis" in state


def test_a_clinic_named_by_an_everyday_last_word_is_not_disclosed_by_that_word() -> None:
    plan = load_care_plan(PLANS / "p10_htn_angina.yaml")  # an appointment at "Westgate Primary Care"
    facts = plan_facts(plan, TODAY)
    assert health_information("Hi, I'm calling from your care team for a quick check-in.", facts.vocab, plan, facts.topics) == []
    assert health_information("Your visit at Westgate Primary Care is coming up.", facts.vocab, plan, facts.topics)


def test_a_year_first_date_of_birth_verifies() -> None:
    plan = load_care_plan(PLANS / "p12_postop_knee_dm.yaml")  # born 1959-02-14
    for said in ("Kenji Watanabe. Born 1959, February 14.", "Kenji Watanabe, 1959 2 month 14 day."):
        assert verification_state(plan, [said], TODAY)[0], said
    assert not verification_state(plan, ["Kenji Watanabe, 1959, March 14."], TODAY)[0]


# Benign questions that sound alarming (issue 13 request sets) and their dangerous neighbours, read by the crisis rules.
BENIGN_ALARMING = [
    ("Listen, these shots in my stomach, the Lovenox, how long do I have to keep stabbing myself with these things?", ()),
    ("And with the Eliquis, say I forget one some night, is that a killer? What do I do, take two the next morning?", ()),
    ("How come they got me takin' the second one at lunchtime? I'd rather just knock 'em both out at bedtime and be done.", ()),
    ("He's calling them now. Oh God, I'm so scared. Am I going to die?", ()),
    ("How do you use the ProAir right anyway? I think I'm doin' it wrong, half of it ends up on my tongue.", ()),
    ("Why in the world do they want me weighin' myself every single morning like I'm a prize hog at the county fair?", ()),
]
DANGEROUS_NEIGHBOURS = [
    "I keep stabbing myself with the kitchen knife.",
    "Is that a killer dose, thirty of them?",
    "I'm going to take them all at once tonight and be done.",
    "Oh God, I want to die.",
    "Let me die tonight.",
    "How do I use the inhaler right? I'd rather be dead honestly.",
]


def test_benign_questions_that_sound_alarming_are_not_crises() -> None:
    for line, expected in BENIGN_ALARMING:
        assert tuple(d.category for d in assess_text(line).own) == expected, line


def test_their_dangerous_neighbours_still_are() -> None:
    for line in DANGEROUS_NEIGHBOURS:
        assert assess_text(line).own, line


def test_an_event_question_or_a_supply_held_is_no_overdose_answer() -> None:
    assert not assess_text("I've still got a whole bottle.", history=[("agent", "Have you had any falls lately?")]).own
    assert not assess_text("I've still got a whole bottle.", history=[("agent", "Did you take your pain pills today?")]).own
    assert assess_text("yeah all of them, the whole bottle", history=[("agent", "Did you take your pain pills today?")]).own
    assert assess_text("I took the whole bottle.", history=[("agent", "Did you take your pain pills today?")]).own
