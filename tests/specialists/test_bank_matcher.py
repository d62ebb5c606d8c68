"""The answer bank matched by meaning (specialists/bank_matcher.py) and the asking sentences it reads
(specialists/text/questions.py). Lines written for these tests, not taken from the bank's phrasings or the calls."""

from __future__ import annotations

import pytest

import specialists.bank_matcher as bm
from careplans import load_care_plan
from specialists.answer_bank import bank_answer, load_bank
from specialists.sentence_encoder import EncoderUnavailable
from specialists.text.questions import asked_passages
from tests.conftest import ROOT

PLANS = ROOT / "tests" / "data" / "dev" / "plans"


def test_the_net_was_trained_on_the_bank_as_it_is() -> None:
    net = bm.BankNet.load()
    assert net.trained_on == bm.texts_hash(bm.example_questions()), \
        "the bank's phrasings changed: python -m evaluation.bank_net_training tests/data/crisis/ordinary/talk_{a,b,c,d,e}.jsonl"
    assert net.classes == (*(e.id for e in load_bank()), bm.NONE)
    assert 0.4 <= net.threshold < 1


def test_every_entry_has_many_written_phrasings() -> None:
    counts: dict[str, int] = {}
    for entry_id, _ in bm.example_questions():
        counts[entry_id] = counts.get(entry_id, 0) + 1
    assert {e.id for e in load_bank()} == set(counts)
    assert min(counts.values()) >= 20


def test_asking_sentences_are_read_with_the_sentence_before_them() -> None:
    text = "His belly's gone all lumpy from the insulin. Can he do it in his thigh instead? He weighed 212 today."
    assert asked_passages(text) == [["Can he do it in his thigh instead?",
                                     "His belly's gone all lumpy from the insulin. Can he do it in his thigh instead?"]]
    assert asked_passages("I never know if I'm meant to rinse after that puffer.")  # asked without a question mark
    assert asked_passages("Blood pressure was 150 over 90 this morning. No dizziness.") == []


@pytest.mark.parametrize(("plan", "line", "entry"), [
    ("p05_copd.yaml", "That brown puffer, am I meant to swish my mouth out after it or not?", "rinse_after_steroid_inhaler"),
    ("p04_postop_hip.json", "Can she sit in a bath yet or does the wound have to stay out of the water?", "incision_bathing"),
    ("p02_afib_warfarin.yaml", "Dentist wants to pull a tooth Friday. Does the Coumadin have to stop for that?", "blood_thinner_dental_work"),
    ("p01_hf_ckd_dm.json", "Once a needle has been used, where is it meant to go, just the kitchen bin?", "sharps_disposal"),
    ("p05_copd.yaml", "My son lights candles in the living room, is that a problem with my oxygen running?", "oxygen_fire_safety"),
])
def test_a_paraphrase_no_pattern_foresaw_is_answered_by_meaning(plan: str, line: str, entry: str) -> None:
    # (how often: `python -m evaluation.bank_net_training ... --folds`; these lines were written before they were tried,
    # and one of the first six, "the tub's calling my name, is a proper soak off limits?", was missed and is not here)
    care_plan = load_care_plan(PLANS / plan)
    assert not any(e.asked(line) for e in load_bank() if e.id == entry)  # the entry's patterns miss it
    found = bank_answer(line, care_plan)
    assert found is not None and entry in found[0].split("+"), found


@pytest.mark.parametrize("line", [
    "My pressure was 150 over 90 this morning.",                 # a reading reported, nothing asked
    "Did you get my message from Tuesday?",                      # a question the bank has no answer for
    "What time does the pharmacy close on Sundays?",
    "Is the weather going to hold for the parade, do you think?",
])
def test_what_the_bank_does_not_answer_is_left_alone(line: str) -> None:
    assert bank_answer(line, load_care_plan(PLANS / "p02_afib_warfarin.yaml")) is None


def test_two_questions_in_one_turn_get_both_answers() -> None:
    plan = load_care_plan(PLANS / "p05_copd.yaml")
    line = "Is it safe to use my oxygen near the gas stove? And what counts as a fever, is 99 one?"
    found = bank_answer(line, plan)
    assert found is not None and set(found[0].split("+")) == {"oxygen_fire_safety", "what_is_a_fever"}


def test_before_identity_an_entry_about_the_plans_drugs_is_not_said() -> None:
    plan = load_care_plan(PLANS / "p02_afib_warfarin.yaml")
    line = "Do I have to give up my salads on Coumadin?"
    assert bank_answer(line, plan) is not None
    assert bank_answer(line, plan, with_plan=False) is None  # it would tell a stranger the patient takes warfarin


def test_without_the_encoder_only_the_patterns_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable() -> bm.BankNet:
        raise EncoderUnavailable("weights missing")
    monkeypatch.setattr(bm, "shared_net", unavailable)
    plan = load_care_plan(PLANS / "p05_copd.yaml")
    assert bank_answer("That brown puffer, am I meant to swish my mouth out after it or not?", plan) is None
    assert bank_answer("Should I rinse my mouth after my steroid inhaler?", plan) is not None
