"""Privacy specialist: identity verification on caller turns, no health information before it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from specialists.base import TurnContext, Utterance
from specialists.privacy import MAX_ATTEMPTS, PrivacySpecialist
from tests.specialists.test_hallucination import TODAY, plan

SPEC = PrivacySpecialist()


def caller(key: str, text: str, earlier: Sequence[str] = ()) -> dict[str, object]:
    history = [u for line in earlier for u in (Utterance("agent", "Could you tell me your name and date of birth?"),
                                               Utterance("patient", line))]
    ctx = TurnContext(plan=plan(key), turn=Utterance("patient", text), history=history, today=TODAY)
    result = SPEC.check(ctx)
    assert result.findings == []
    assert result.guidance
    return result.state


def draft(key: str, text: str, verified: bool = False) -> bool:
    ctx = TurnContext(plan=plan(key), turn=Utterance("agent", text), identity_verified=verified, today=TODAY)
    findings = SPEC.check(ctx).findings
    assert all(f.kind == "phi_before_verification" and f.urgency == "none" for f in findings)
    return bool(findings)


@pytest.mark.parametrize(("key", "earlier", "text"), [
    ("htn", ["Hello, this is Dolores."], "June 30th, 1961."),
    ("htn", [], "This is Dolores Reyes, June 30th 1961"),
    ("htn", [], "Dolores, six thirty sixty-one"),
    ("htn", ["Delores here"], "the thirtieth of June, nineteen sixty-one"),
    ("htn", ["It's Mrs. Reyes"], "1961-06-30"),
    ("htn", ["June 30, 1961"], "Oh, and my name is Dolores."),
    ("warf", [], "Maggie Chen, September 2nd 1957"),
    ("warf", [], "Margaret, nine two fifty-seven"),
    ("hf", [], "Walt Brooks, March fourteenth, fifty-three"),
    ("knee", [], "Rob Alvarez, 01-27-1968"),
    ("asthma", [], "Thomas Achebe, 14 January 1981"),
    ("htn", ["This is Dolores", "June 13th, 1961"], "Sorry, I mean 6/30/61"),
])
def test_verified_by_name_and_date_of_birth(key: str, earlier: list[str], text: str) -> None:
    assert caller(key, text, earlier)["identity_verified"] is True


@pytest.mark.parametrize(("key", "earlier", "text", "attempts"), [
    ("htn", [], "June 30th, 1961.", 0),  # no name yet
    ("htn", [], "My name is Dolores Reyes.", 0),  # a name alone is not verification
    ("htn", ["This is Dolores"], "June 13th, 1961", 1),  # wrong date of birth
    ("htn", ["This is Dolores"], "June 30th", 0),  # no year
    ("htn", ["This is Maria"], "June 30th, 1961", 0),  # not the patient's name
    ("htn", ["this is Dolores", "1/1/1960", "2/2/1960"], "3/3/1960", 3),
    ("htn", ["this is Dolores", "1/1/1960", "2/2/1960", "3/3/1960"], "June 30th 1961", 3),  # locked out
])
def test_not_verified(key: str, earlier: list[str], text: str, attempts: int) -> None:
    state = caller(key, text, earlier)
    assert state == {"identity_verified": False, "identity_attempts": attempts}


def test_lock_out_guidance() -> None:
    ctx = TurnContext(plan=plan("htn"), turn=Utterance("patient", "4/4/1960"), today=TODAY,
                      history=[Utterance("patient", t) for t in ["this is Dolores", "1/1/1960", "2/2/1960"]])
    assert MAX_ATTEMPTS == 3
    assert "call back" in SPEC.check(ctx).guidance[0]


PHI = [
    ("htn", "Hi Dolores, your A1c from October was 7.9."),
    ("htn", "Hi Dolores, I'm calling about your blood pressure and diabetes."),
    ("htn", "Hi, I'm calling to check on how your losartan is working."),
    ("htn", "Hi, this is the care team at Dr. Morris's office."),
    ("htn", "I'm calling to remind you about your appointment on December 11."),
    ("htn", "Your glipizide is 5 mg twice a day."),
    ("hf", "This is the nurse from Lakeside Heart Center calling for Walter."),
    ("hf", "Hi Walt, this is the heart failure clinic checking in."),
    ("hf", "How has your weight been this week?"),
    ("hf", "Your potassium was 4.7."),
    ("warf", "Hi, this is the anticoagulation clinic calling about your INR."),
    ("warf", "Are you still taking the blood thinner every evening?"),
    ("knee", "Hi Rob, how is your knee healing after the surgery?"),
    ("knee", "Hi Rob, I'm calling from Northgate Orthopedics."),
    ("asthma", "Hi Thomas, how has your breathing been?"),
    ("asthma", "Your prescription for montelukast is ready."),
    ("asthma", "Your follow-up with the lung doctor is January 5."),
    ("asthma", "Your blood pressure was 122 over 78 last time."),
]
NOT_PHI = [
    ("asthma", "Hi, this is the nurse line from your doctor's office. Before we go on, could you confirm your date of birth?"),
    ("htn", "Hello, may I speak with Dolores Reyes?"),
    ("htn", "Hi Dolores! This is Ava, a virtual nurse assistant calling from your doctor's office. "
            "Can you please tell me your full name and date of birth?"),
    ("htn", "Thanks. Before I can talk about your health, I need to confirm your date of birth."),
    ("htn", "I'm sorry, that date of birth doesn't match what I have. Could you try once more?"),
    ("hf", "How have you been feeling?"),
    ("warf", "Hello Maggie, this is Sam, a nurse assistant. For your privacy, can you tell me your date of birth?"),
    ("asthma", "For your safety I can't share any health details until I verify who I'm speaking with."),
    ("htn", "I can't discuss your medications or lab results until we verify your identity."),
    ("knee", "Thank you, Rob. And what is your date of birth?"),
]


@pytest.mark.parametrize(("key", "text"), PHI)
def test_phi_before_verification(key: str, text: str) -> None:
    assert draft(key, text) is True


@pytest.mark.parametrize(("key", "text"), NOT_PHI)
def test_no_phi(key: str, text: str) -> None:
    assert draft(key, text) is False


@pytest.mark.parametrize(("key", "text"), PHI[:5])
def test_verified_caller_may_hear_it(key: str, text: str) -> None:
    assert draft(key, text, verified=True) is False


def test_today_matters_for_two_digit_years() -> None:
    ctx = TurnContext(plan=plan("htn"), turn=Utterance("patient", "Dolores, 6/30/61"), today=dt.date(2026, 1, 1))
    assert SPEC.check(ctx).state["identity_verified"] is True


@pytest.mark.parametrize(("said", "text", "phi"), [
    ("I have a question about my sugar.", "I can help with your sugar question once I confirm your date of birth.", False),
    ("Is it okay to take my Cozaar with food?", "Happy to help with the losartan question after I verify your identity.", False),
    ("Hello?", "Happy to help with the losartan question after I verify your identity.", True),
    ("I have a question about my sugar.", "Your A1c was 7.9.", True),
])
def test_echoing_what_the_caller_said_reveals_nothing(said: str, text: str, phi: bool) -> None:
    ctx = TurnContext(plan=plan("htn"), turn=Utterance("agent", text), history=[Utterance("patient", said)], today=TODAY)
    assert bool(SPEC.check(ctx).findings) is phi


# A greeting that asks about a body part, procedure, symptom or reading the plan makes the patient's
# reveals their condition; a generic "how are you feeling?" does not.
PHI_TOPICS = [
    ("knee", "Hi Rob, how's the new knee doing?"),
    ("knee", "Hi Rob, how is the knee?"),
    ("knee", "Hi, how are you healing after surgery?"),
    ("knee", "Good morning Rob, is the swelling any better?"),
    ("knee", "Hi Rob, how's your pain today?"),
    ("knee", "Hi Rob, how are the stitches?"),
    ("knee", "Hi Rob, are you getting around okay with the walker?"),
    ("knee", "Hi Rob, I hope you're recovering well."),
    ("asthma", "Hi Thomas, how is your breathing with the inhaler?"),
    ("asthma", "Hi Thomas, how's the wheezing?"),
    ("asthma", "Hi Thomas, any more coughing at night?"),
    ("htn", "Hi Dolores, how's your sugar been?"),
    ("htn", "Hi Dolores, how's the toe? Any more flare-ups?"),
    ("hf", "Hi Walt, is the swelling better?"),
    ("hf", "Hi Walt, how are your ankles?"),
    ("hf", "Hi Walt, have you been weighing yourself?"),
    ("hf", "Hi Walt, are you sleeping propped up?"),
    ("warf", "Hi Maggie, any bruising or bleeding?"),
    ("warf", "Hi Maggie, have you had your blood checked?"),
    ("cad", "Hi Ken, how's the new knee?"),
    ("cad", "Hi Ken, any chest pain this week?"),
    ("copd", "Hi Hal, how is your mood lately?"),
]
NOT_PHI_GREETINGS = [
    ("hf", "Hi Walt, how are you feeling today?"),
    ("knee", "Hi Rob, how are you doing today?"),
    ("knee", "Hi Rob, how are you holding up?"),
    ("knee", "Thanks for picking up! How's your day going so far?"),
    ("htn", "Hi Dolores, how did you sleep?"),
    ("htn", "Hi Dolores, how are things going?"),
    ("htn", "Hi Dolores, this is Ava. I'm calling back as promised."),
    ("hf", "Hi Walt, this is the virtual care assistant from your care team, calling for your regular check-in. Before we "
           "go on, could you please confirm your full name and date of birth?"),
    ("knee", "I'm sorry, I wasn't able to confirm your identity, so I can't discuss any health information on this call. "
             "Someone from the care team will call you back."),
    ("asthma", "What you're describing could be a medical emergency. Please call 911 right now."),
    ("hf", "If you ever have trouble breathing or chest pain, call 911."),  # safety boilerplate
    ("warf", "I can't go over your blood test results until I confirm who I'm speaking with."),  # a refusal
    ("asthma", "Hi Thomas, how is the weather over there?"),
    ("htn", "Hi Dolores, how's the knee?"),  # no knee on her plan: reveals nothing about her
    ("cad", "Hi Ken, how is the toe doing?"),  # no gout on his plan
]


@pytest.mark.parametrize(("key", "text"), PHI_TOPICS)
def test_health_topics_of_the_plan_are_phi(key: str, text: str) -> None:
    assert draft(key, text) is True


@pytest.mark.parametrize(("key", "text"), NOT_PHI_GREETINGS)
def test_generic_greetings_are_not_phi(key: str, text: str) -> None:
    assert draft(key, text) is False


def test_topic_the_caller_raised_is_not_phi() -> None:
    ctx = TurnContext(plan=plan("knee"), turn=Utterance("agent", "I'm sorry the knee is swollen. First, your date of birth?"),
                      history=[Utterance("patient", "My knee is all swollen today.")], today=TODAY)
    assert SPEC.check(ctx).findings == []


def test_a_general_bank_answer_is_no_phi_but_the_plans_own_goal_still_is() -> None:
    # "htn" has a blood pressure goal; the bank's general sentence says the same numbers as knowledge, not as the patient's
    assert draft("htn", "For most adults, a normal blood pressure is below 120 over 80. Could you confirm your date of birth?") is False
    assert draft("htn", "Your blood pressure goal is below 130 over 80.") is True
