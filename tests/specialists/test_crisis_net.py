"""The crisis paraphrase net: trained on the development sets as they are, it flags distress the rules
cannot place (urgent only), and a call it flagged goes back to its plan when the screening answer is no."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib

import numpy as np

from careplans import load_care_plan
from constellation.call import Call
from evaluation.crisis_net_training import fit
from specialists.crisis_net import MIN_WORDS, WEIGHTS, CrisisNet, distress, flags
from specialists.self_harm import assess_text
from tests.conftest import ROOT

TODAY = dt.date(2026, 11, 27)
CRISIS = ROOT / "tests" / "data" / "crisis"
PLAN = ROOT / "tests" / "data" / "dev" / "plans" / "p10_htn_angina.yaml"
# Written for this test: a wish to be gone in words no vocabulary entry holds.
UNPLACED = "Honestly the idea of just drifting off and that being it sounds kind of nice."


def test_the_shipped_weights_were_trained_on_every_development_set_as_it_is_now() -> None:
    net = CrisisNet.load()
    dev = {str(p.relative_to(ROOT)) for p in (CRISIS / "dev").glob("cases*.jsonl")}
    assert set(net.trained_on) == dev, "retrain: python -m evaluation.crisis_net_training tests/data/crisis/dev/cases*.jsonl"
    for name, digest in net.trained_on.items():
        assert hashlib.sha256((ROOT / name).read_bytes()).hexdigest() == digest, f"{name} changed since training: retrain"
    assert not any("heldout" in name for name in net.trained_on)
    assert net.weights.shape == (384, 3) and 0.5 <= net.threshold < 1.0
    assert WEIGHTS.is_file()


def test_training_is_deterministic() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(60, 384)).astype(np.float32)
    y = rng.integers(0, 3, size=60)
    w1, b1 = fit(x, y)
    w2, b2 = fit(x, y)
    np.testing.assert_array_equal(w1, w2)
    np.testing.assert_array_equal(b1, b2)


def test_the_net_flags_what_the_rules_miss_and_only_as_urgent() -> None:
    plan = load_care_plan(PLAN)
    assert assess_text(UNPLACED, plan=plan, today=TODAY, net=False).level == "none"
    found = assess_text(UNPLACED, plan=plan, today=TODAY)
    assert found.level == "urgent" and found.categories == ["distress"] and found.screening_only
    assert "paraphrase net" in found.reason()


def test_ordinary_talk_and_short_answers_are_not_flagged() -> None:
    for text in ("My knee is doing much better and I walked to church on Sunday.",
                 "The nurse said my sugars look good this week.",
                 "My husband passed two years ago and I still miss him every day."):
        assert not flags(text), (text, distress(text))
    # a short answer means what the question asked: the net, which never reads the question, leaves it to the rules
    for answer in ("no thanks", "Took it all.", "On my way out.", "That'd be nice.", "Picked up the mail."):
        assert distress(answer) == 0.0 and len(answer.split()) < MIN_WORDS
    # seven words or more are read
    assert distress("I have been feeling really low this week.") > 0.0


def test_a_call_the_net_flagged_returns_to_its_plan_after_a_no() -> None:
    call = Call.start(load_care_plan(PLAN), today=TODAY)
    plan = call.orchestrator.plan
    name = plan.patient.name
    dob = plan.patient.date_of_birth
    asyncio.run(call.say(f"Hi, this is {name}."))
    asyncio.run(call.say(f"My date of birth is {dob:%B} {dob.day}, {dob.year}."))
    flagged = asyncio.run(call.say(UNPLACED))
    assert flagged.escalation == "urgent" and flagged.new_escalation
    assert "988" in flagged.agent and "thoughts of killing yourself" in flagged.agent
    after = asyncio.run(call.say("No, nothing like that. I'm just worn out from the move."))
    # the call leaves crisis mode and says nothing of it; its level stays where the nurse flag put it (never drops)
    assert after.escalation == "urgent" and "988" not in after.agent, after.agent
    assert call.orchestrator.state.crisis is None
    assert [e.level for e in call.orchestrator.state.escalations] == ["urgent"]
