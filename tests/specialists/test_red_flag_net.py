"""The red-flag paraphrase net: trained on the read development sets only (with the crisis development controls as
talk of dying that is no red flag, and the read ordinary check-in talk), it raises emergencies the rules cannot place and leaves ordinary talk, idioms
and short answers alone."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from careplans import load_care_plan
from specialists import red_flag_net
from specialists.base import TurnContext, Utterance
from specialists.escalation import EscalationSpecialist
from specialists.red_flag_net import MIN_WORDS, WEIGHTS, emergency_probability, flags, shared_net
from tests.conftest import ROOT

TODAY = dt.date(2026, 11, 27)
PLAN = ROOT / "tests" / "data" / "dev" / "plans" / "p10_htn_angina.yaml"
READ = {"tests/data/spec_dev/cases_a.jsonl", "tests/data/spec_dev/cases_b.jsonl", "tests/data/spec_dev/cases_c.jsonl",
        "tests/data/spec_dev/cases_d.jsonl", "tests/data/spec_dev/cases_f.jsonl", "tests/data/spec_dev/cases_h.jsonl",
        "tests/data/spec_dev/cases_m.jsonl", "tests/data/spec_dev/cases_o.jsonl", "tests/data/spec_dev/cases_q.jsonl",
        "tests/data/spec_dev/cases_r.jsonl", "tests/data/spec_dev/cases_s.jsonl", "tests/data/spec_dev/cases_u.jsonl",
        "tests/data/spec_dev/cases_w.jsonl", "tests/data/spec_dev/cases_y.jsonl", "tests/data/dev/cases.jsonl"}
# Written for this test: a collapse in words no red-flag pattern holds.
UNPLACED = "He sort of folded up in his armchair and his eyes rolled back."


def test_the_shipped_weights_were_trained_on_the_read_sets_as_they_are_now() -> None:
    net = shared_net()
    assert net is not None and WEIGHTS.is_file()
    crisis = ROOT / "tests" / "data" / "crisis"
    controls = {str(p.relative_to(ROOT)) for p in (crisis / "dev").glob("cases*.jsonl")}
    controls |= {f"tests/data/crisis/ordinary/talk_{k}.jsonl" for k in "abd"}  # the read ordinary talk
    calls = {str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "data" / "conversations" / "dev").glob("*.json")}
    assert set(net.trained_on) == READ | controls | calls, (
        "retrain: python -m evaluation.red_flag_net_training tests/data/spec_dev/cases_{a,b,c,d,f,h,m,o,q,r,s,u,w,y}.jsonl "
        "tests/data/dev/cases.jsonl --controls tests/data/crisis/dev/cases*.jsonl tests/data/crisis/ordinary/talk_{a,b,d}.jsonl "
        "--conversations tests/data/conversations/dev/*.json")
    # never an unread or held-out file
    assert not any("heldout" in name or name.endswith(("talk_c.jsonl", "talk_e.jsonl", "talk_f.jsonl", "talk_g.jsonl")) for name in net.trained_on)
    assert not any(f"spec_dev/cases_{k}.jsonl" in name for k in "egijklnptvx" for name in net.trained_on)
    assert not any("conversations/unread" in name for name in net.trained_on)
    for name, digest in net.trained_on.items():
        assert hashlib.sha256((ROOT / name).read_bytes()).hexdigest() == digest, f"{name} changed since training: retrain"
    assert net.hidden_weights.shape[0] == 384 and net.weights.shape == (net.hidden_weights.shape[1], 3)
    assert 0.5 <= net.threshold < 1.0


def _level(text: str, use_net: bool) -> str | None:
    ctx = TurnContext(plan=load_care_plan(PLAN), turn=Utterance("patient", text), history=[], today=TODAY)
    findings = EscalationSpecialist(use_net=use_net).check(ctx).findings
    return findings[0].level if findings else None


def test_the_net_raises_an_emergency_the_rules_cannot_place() -> None:
    assert _level(UNPLACED, use_net=False) is None
    assert flags(UNPLACED), emergency_probability(UNPLACED)
    ctx = TurnContext(plan=load_care_plan(PLAN), turn=Utterance("patient", UNPLACED), history=[], today=TODAY)
    finding = EscalationSpecialist().check(ctx).findings[0]
    assert finding.level == "emergency" and "paraphrase net" in (finding.message or "")


def test_ordinary_talk_and_short_answers_are_not_raised() -> None:
    for text in ("My knee is doing much better and I walked to church on Sunday.",
                 "I took my blood pressure pill this morning like always and had my oatmeal.",
                 "My brother had a stroke years ago but he's doing fine now.",
                 "No chest pain at all, no trouble breathing, I feel pretty good today.",
                 "I nearly died laughing at the grandkids' puppet show on Sunday."):
        assert not flags(text), (text, emergency_probability(text))
    for answer in ("Yes, all of it.", "It went black.", "Can't breathe."):
        assert emergency_probability(answer) == 0.0 and len(answer.split()) < MIN_WORDS


def test_a_question_about_what_to_do_if_it_happens_is_not_raised() -> None:
    asked = ("If I get that squeezing again I'm supposed to put one of the nitros under the tongue and call if it doesn't "
             "ease in five minutes, right? Just checking I've got it.")
    net = shared_net()
    assert net is not None and emergency_probability(asked) >= net.threshold  # the words alone read as an emergency
    assert not flags(asked)


def test_the_patient_saying_they_are_well_leaves_someone_elses_trouble_to_the_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """ "I'm grand" from the patient tells of someone else's trouble in the rest of the turn; a caller speaking for the
    patient ("I'm fine, but he ...") is still read."""
    told = "The fella in the next bed got a clot in his lung, frightened the life out of me. I'm grand, walking with the frame."
    monkeypatch.setattr(red_flag_net, "emergency_probability", lambda text: 1.0)  # as if the words alone read as an emergency
    assert not flags(told)
    assert flags(told, speaker_is_patient=False)


def test_talk_about_the_call_a_how_to_question_and_death_in_idiom_are_left_to_the_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Live-call lines the net read as alarm in development calls, and idioms of death the crisis reader judges."""
    monkeypatch.setattr(red_flag_net, "emergency_probability", lambda text: 1.0)
    for text in ("She wants to know what you said. Can you say it again, slower? She's reading her lips half the time.",
                 "You'll have to talk up, dear, my hearing aid's whistling at me today.",
                 "How do you use the puffer right anyway? I think half of it ends up on my tongue.",
                 "I was bored to death sitting in that waiting room all morning, honestly.",
                 "I'm literally dead, the dog dragged me round the whole park lol",
                 # someone answering for the patient, and the line breaking up (stop 41, ordinary talk)
                 "He's napping, can I help?",
                 "He's hard of hearing, you can tell me and I'll tell him.",
                 "Sorry, you cut out there for a second, what was the last part?"):
        assert not flags(text), text
    assert flags(UNPLACED)


def test_a_symptom_the_caller_explains_is_left_to_the_rules() -> None:
    """ "numb from sleeping on it", a fall where the head was not hit: the caller's own explanation (the rules read it)."""
    for text in ("My arm went numb from sleeping on it.", "I landed on my bottom, didn't bump my head at all, just sore."):
        assert not flags(text), (text, emergency_probability(text))


def test_something_healing_or_passing_is_left_to_the_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bruise fading, a cut healed: the rules read what is still said of it; the net does not raise it (written for this
    test; a development call's healing bruise had been raised as an emergency)."""
    monkeypatch.setattr(red_flag_net, "emergency_probability", lambda text: 1.0)
    for text in ("That bruise on his shin from the car door is turning yellow now and almost gone.",
                 "The scrape on her elbow is healing up nicely, so that's better."):
        assert not flags(text), text
    assert flags("His bruise is not healing and now his whole leg is cold and he's gone grey.")


def test_a_question_of_what_a_medicine_is_for_is_not_raised() -> None:
    # a nickname is no symptom: "the choker" read as choking put a call into 911 mode (issue-13 development call)
    assert not flags("There's that huge pill she swallows with lunch, she calls it the gagger. What's that one for?")
    assert not flags("And the little yellow one, what does that one do?")
