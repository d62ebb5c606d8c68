"""Escalation specialist: red flags and thresholds -> one escalation finding at the right level."""

from __future__ import annotations

import datetime as dt
import re
import statistics
import time
from functools import cache

import pytest

import careplans
from specialists.base import TurnContext, Utterance
from specialists.crisis import CrisisSpecialist
from specialists.escalation import GUIDANCE, EscalationSpecialist
from specialists.findings import level_rank
from specialists.panel import run_panel
from specialists.registry import all_specialists, get, names
from tests.conftest import EXAMPLES, SHARED_SAMPLES

TODAY = dt.date(2026, 11, 27)
PLAN_FILES = {
    "hf": EXAMPLES / "heart_failure_ckd_diabetes.yaml",      # heart failure, CKD 3b, diabetes, 197 lb on 11-20
    "postop": EXAMPLES / "post_operative_knee.yaml",         # knee replacement 2026-11-22
    "warfarin": EXAMPLES / "anticoagulation_warfarin.yaml",
    "dm": SHARED_SAMPLES / "fhir" / "htn_t2dm_gout.json",    # hypertension, type 2 diabetes, gout
    "asthma": SHARED_SAMPLES / "fhir" / "asthma_anxiety.json",
}
SPEC = EscalationSpecialist()
CRISIS = CrisisSpecialist()


@cache
def plan(name: str) -> careplans.CarePlan:
    return careplans.load(PLAN_FILES[name]).plan


def ctx(text: str, plan_name: str = "dm", history: tuple[tuple[str, str], ...] = (), speaker: str = "patient") -> TurnContext:
    return TurnContext(plan=plan(plan_name), turn=Utterance(speaker, text),  # type: ignore[arg-type]
                       history=[Utterance(s, t) for s, t in history], today=TODAY)  # type: ignore[arg-type]


def level(text: str, plan_name: str = "dm", history: tuple[tuple[str, str], ...] = ()) -> str:
    """The escalation level a turn gets from the red flags (this specialist) and from suicidal, self-harm and
    overdose language (the crisis specialist, which owns those since issue 17): each raises at most one finding."""
    levels = []
    for spec in (SPEC, CRISIS):
        result = spec.check(ctx(text, plan_name, history))
        assert len(result.findings) <= 1
        levels += [f.level for f in result.findings]
    return max(levels, key=level_rank, default="none")  # type: ignore[arg-type]


EMERGENCY = [
    # issue 12, ninth pass (lines written for these tests): sudden double vision, deep fast breathing with a high sugar,
    # a breathing rate counted under ten, a bleed pressure does not stop
    ("dm", "All of a sudden I'm seeing double, two of everything, and I feel dizzy."),
    ("dm", "I can't keep anything down, my sugar is over four hundred and I'm breathing deep and fast."),
    ("warfarin", "It's a nosebleed, and pressing on it doesn't help at all."),
    # chest pain or pressure with cardiac features
    ("dm", "I have crushing chest pain going down my left arm."),
    ("dm", "There's a pressure in my chest and I'm sweating."),
    ("dm", "It feels like an elephant is sitting on my chest."),
    ("dm", "It feels like someone is standing on my chest."),
    ("dm", "The pain in my chest is going into my jaw."),
    ("dm", "I had some chest discomfort earlier with nausea."),
    ("hf", "My chest has been hurting and I'm kind of sweaty."),
    ("warfarin", "I think I'm having a heart attack."),
    ("dm", "My chest feels tight and it's spreading to my back."),
    ("hf", "I've had some chest pain today."),                       # plain chest pain, cardiac plan
    # stroke signs
    ("dm", "My face is drooping on one side."),
    ("dm", "I can't lift my left arm."),
    ("dm", "My speech is slurred and I feel funny."),
    ("warfarin", "My words are coming out all jumbled."),
    ("dm", "I lost vision in my right eye suddenly."),
    ("dm", "I think I'm having a stroke."),
    ("dm", "My wife says my speech is slurred."),
    ("hf", "Suddenly I got really confused and couldn't find my words."),
    ("dm", "I woke up and one side of my face was drooping."),
    # severe trouble breathing
    ("asthma", "I can't catch my breath, I can't finish a sentence, and my rescue inhaler isn't working."),
    ("asthma", "I used my albuterol four times and it's not helping."),
    ("asthma", "My lips look kind of blue."),
    ("asthma", "I'm wheezing a lot and I can barely breathe."),
    ("hf", "I can't breathe."),
    ("asthma", "My throat feels like it's closing up."),
    # suicidal intent or a plan
    ("asthma", "I want to kill myself."),
    ("asthma", "I've been thinking about killing myself."),
    ("asthma", "I'm gonna end it tonight."),
    ("asthma", "I have pills saved up."),
    ("asthma", "If this pain doesn't stop I'm going to end it."),
    # severe hypoglycaemia
    ("dm", "My sugar was forty five and I was confused."),
    ("hf", "My sugar dropped to 45 and I'm too shaky to eat."),
    ("dm", "My sugar was low and I can't think straight."),
    ("hf", "My blood sugar crashed and my wife had to give me glucagon."),
    # fainting
    ("dm", "No chest pain but I passed out this morning."),
    ("dm", "I fainted in the shower yesterday."),
    ("dm", "My husband found me passed out on the floor."),
    ("dm", "I didn't take my insulin and passed out."),
    ("dm", "Is it normal that I passed out twice this week?"),
    ("dm", "I blacked out for a minute in the kitchen."),
    # vomiting blood, heavy bleeding
    ("warfarin", "I've been vomiting blood since this morning."),
    ("warfarin", "I threw up and it looked like coffee grounds."),
    ("warfarin", "My nose has been bleeding for two hours and it won't stop."),
    ("warfarin", "I cut myself cooking and it won't stop bleeding."),
    ("postop", "I soaked through three bandages."),
    ("postop", "There's a lot of blood coming from my incision."),
    # more ways of saying it
    ("dm", "I feel like I'm going to pass out and my chest hurts."),
    ("dm", "My husband says I'm not making sense and my sugar is 38."),
    ("hf", "I can't stay awake and my sugar is 40."),
    ("dm", "My right hand went numb and my speech sounds weird."),
    ("dm", "I took a handful of my pills so I won't wake up."),
    ("dm", "I had chest pressure this morning but it went away."),
    ("dm", "No chest pain, but I did faint at the grocery store yesterday."),
    # blood pressure >= 180/110 with symptoms
    ("dm", "My blood pressure was 185 over 112 this morning and I have a pounding headache."),
    ("hf", "My blood pressure was 192 over 100 and my vision is blurry."),
]

URGENT = [
    ("warfarin", "My stools have been black and tarry."),
    ("warfarin", "I noticed some blood in my stool."),
    ("warfarin", "My poop is black."),
    ("dm", "There's blood when I wipe."),
    ("asthma", "Some days I wish I wouldn't wake up."),
    ("asthma", "I don't want to live anymore."),
    ("asthma", "Honestly, everyone would be better off without me."),
    ("asthma", "I think about ending it sometimes but I'd never do it, I don't have a plan."),
    ("hf", "I gained four pounds since yesterday."),
    ("hf", "I'm up 6 pounds this week."),
    ("hf", "My weight went from 180 to 186 this week."),
    ("hf", "I weighed 203 this morning."),                      # plan: 89.4 kg = 197 lb a week ago
    ("postop", "My temperature was 101.8 last night."),
    ("postop", "My temperature is one hundred and one point five."),
    ("postop", "I've been running a fever since yesterday."),
    ("warfarin", "The incision is red and oozing and I have chills."),
    ("dm", "My sugar was 48, I had juice and I feel fine now."),
    ("dm", "I've had some chest pain today."),                    # plain chest pain, no cardiac history
    ("dm", "I don't see the point in going on."),
    ("asthma", "Sometimes I think my family would be better off without me."),
    ("warfarin", "My stool's been really dark, almost black."),
    ("asthma", "I feel hopeless, like there's no reason to keep going."),
    ("hf", "I put on 4 pounds overnight."),
    ("hf", "I have gained five pounds."),
    ("hf", "This morning the scale said 203, I was 197 last week."),
    ("warfarin", "I started noticing black stools two weeks ago."),
]

ROUTINE = [
    ("dm", "I'm a little dizzy when I stand up."),
    ("dm", "Some nausea from the new pill."),
    ("dm", "The metformin gives me diarrhea."),
    ("dm", "I have a dry cough since I started the lisinopril."),
    ("dm", "I've been so tired since starting the glipizide."),
    ("dm", "I have a headache from the new blood pressure pill."),
    ("warfarin", "I bruise easily on the warfarin."),
    ("hf", "My ankles are more swollen than usual."),
    ("dm", "I need a refill on my losartan."),
    ("dm", "I'm almost out of my glipizide."),
    ("dm", "I'll need a refill next week."),
    ("dm", "I have about three pills left."),
    ("dm", "I almost passed out in the shower."),
    ("asthma", "My chest feels tight and I'm wheezing."),
    ("dm", "I feel like I'm going to pass out."),
    ("dm", "I felt like I was going to faint."),
    ("dm", "I nearly blacked out."),
]

NONE = [
    # near misses of the ninth pass's classes
    ("dm", "My blood pressure pill isn't working, the pressure won't come down."),
    ("dm", "Years ago my glasses were wrong and I saw double for a while."),
    ("dm", "She breathes about sixteen times a minute, I counted."),
    # negated
    ("dm", "I don't have any chest pain."),
    ("dm", "No chest pain, no shortness of breath, nothing like that."),
    ("dm", "Chest pain? No, none."),
    ("dm", "Denies chest pain."),
    ("dm", "I've never passed out."),
    ("dm", "Passed out? No."),
    ("dm", "My lips are not blue."),
    ("warfarin", "No blood in my stool."),
    ("asthma", "I'm not suicidal."),
    ("asthma", "I would never kill myself."),
    ("asthma", "I'm not going to hurt myself, don't worry."),
    ("asthma", "I haven't needed my rescue inhaler."),
    ("dm", "I don't think I fainted."),
    ("postop", "No fever, the incision looks clean."),
    # hypothetical
    ("dm", "What if I get chest pain?"),
    ("dm", "Should I call 911 if my lips turn blue?"),
    ("dm", "The doctor told me to call 911 if my face starts drooping."),
    ("asthma", "If I ever felt suicidal I would call 988."),
    ("dm", "I'm afraid of passing out again."),
    ("dm", "I'm scared I might have a stroke."),
    ("hf", "Should I call if I gain three pounds in a day?"),
    # question / educational
    ("dm", "What are the signs of a stroke?"),
    ("dm", "My cousin had a heart attack. What are the warning signs I should know?"),
    ("dm", "Can metoprolol make you pass out?"),
    ("asthma", "How do I know if my breathing is bad enough to call 911?"),
    ("warfarin", "What does it mean if my stool is black?"),
    ("asthma", "What should I do if I have thoughts of suicide?"),
    ("dm", "Does losartan cause dizziness?"),
    ("dm", "Will this new pill make me dizzy?"),
    # someone else
    ("dm", "My neighbour had a stroke last week."),
    ("dm", "My wife's chest pain is worse."),
    ("dm", "My sister rang me and she's slurring her words."),
    ("asthma", "My son has been talking about suicide."),
    ("asthma", "My daughter's lips turned blue during her asthma attack last year."),
    ("hf", "My husband gained 5 pounds this week."),
    ("dm", "My husband gets dizzy on his blood pressure pills."),
    # history
    ("dm", "I had a stroke years ago."),
    ("dm", "I used to pass out when I was younger."),
    ("dm", "Back in 2019 I passed out at church."),
    ("dm", "I had a mini stroke in 2015, but I'm fine now."),
    ("dm", "I had some nausea last year on a different medicine."),
    # ordinary talk, in-range values, conditions that do not apply
    ("dm", "I feel great, no complaints."),
    ("dm", "I take my Cozaar every morning with breakfast."),
    ("dm", "My sugar was one seventy after dinner."),
    ("dm", "My sugar was sixty-one before lunch. I ate some crackers and I'm fine now."),
    ("dm", "I gained 6 pounds this week."),                        # no heart failure on this plan
    ("hf", "I weighed 198 this morning."),
    ("hf", "I lost four pounds since last week."),
    ("hf", "I've gained 3 pounds in two days."),
    ("postop", "My temp was 99.1."),
    ("postop", "I have a low-grade fever."),
    ("dm", "My temperature was 101.5 yesterday."),                 # not post-operative
    ("dm", "I get chest pain when I cough really hard."),
    ("warfarin", "My chest is sore from coughing so much."),
    ("dm", "My chest is a little congested."),
    ("asthma", "I get a little winded on the stairs."),
    ("asthma", "I have a sore throat."),
    ("dm", "My arm went numb from sleeping on it."),
    ("dm", "I'm dying to see my grandkids."),
    ("asthma", "I'm tired of living with this pain."),
    ("dm", "My sugar was low and I'm confused about how much insulin to take."),
    ("dm", "I'm running out of patience with this diet."),
    ("dm", "I just picked up my refills yesterday."),
    ("dm", "I'm a bit tired today, didn't sleep well."),
    ("dm", "I get headaches sometimes."),
    ("dm", "I take aspirin to prevent a heart attack."),
    ("dm", "I took all my pills this morning."),
    ("dm", "The chest pain I had last month is gone."),
    ("dm", "I read that black stools can mean bleeding."),
    ("dm", "The nurse told me that black stools can mean bleeding."),
    ("dm", "My doctor said if I ever have crushing chest pain to call 911."),
    ("dm", "No more chest pain since they put the stent in."),
    ("dm", "Can I take Tylenol if my chest hurts?"),
    ("dm", "My father died of a heart attack."),
    ("dm", "I would faint if I saw blood."),
    ("dm", "I passed out two weeks ago."),
    ("dm", "My blood pressure was 150 over 90 and I have a bad headache."),
    ("hf", "I was 199 yesterday and I'm 201 today."),
    ("hf", "My husband weighs 210."),
]


@pytest.mark.parametrize(("plan_name", "text"), EMERGENCY)
def test_emergency(plan_name: str, text: str) -> None:
    assert level(text, plan_name) == "emergency"


@pytest.mark.parametrize(("plan_name", "text"), URGENT)
def test_urgent(plan_name: str, text: str) -> None:
    assert level(text, plan_name) == "urgent"


@pytest.mark.parametrize(("plan_name", "text"), ROUTINE)
def test_routine(plan_name: str, text: str) -> None:
    assert level(text, plan_name) == "routine"


@pytest.mark.parametrize(("plan_name", "text"), NONE)
def test_none(plan_name: str, text: str) -> None:
    assert level(text, plan_name) == "none"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("No chest pain but I passed out.", "emergency"),
        ("No fever but my chest feels crushed.", "emergency"),
        ("My wife passed out last week, and now I can't catch my breath.", "emergency"),
        ("I had a stroke years ago and now my face is drooping again.", "emergency"),
        ("I'm a little dizzy and there's blood in my stool.", "urgent"),
        ("I don't have black stools, but I've been throwing up blood.", "emergency"),
        ("What are the signs of a stroke? My left side went numb an hour ago.", "emergency"),
        ("I wish I wasn't here anymore, and I've been saving up my pills.", "emergency"),
        ("No dizziness, no nausea, no side effects at all.", "none"),
    ],
)
def test_mixtures_take_the_highest_affirmed(text: str, expected: str) -> None:
    assert level(text, "dm") == expected


def test_a_breathing_rate_counted_under_ten_a_minute_is_an_emergency() -> None:
    asked = (("patient", "I'm calling about my husband, he's very drowsy on the pain pills."),
             ("agent", "Can you count how many breaths he takes in one minute?"))
    assert level("I did. Just six in the whole minute.", "postop", asked) == "emergency"
    assert level("I did. About sixteen in the minute.", "postop", asked) == "none"


def test_multi_turn_context() -> None:
    # the agent's yes-no question supplies the symptom; the patient's yes affirms it
    assert level("Yes, since this morning.", history=(("agent", "Have you passed out or fainted?"),)) == "emergency"
    assert level("No.", history=(("agent", "Have you passed out or fainted?"),)) == "none"
    assert level("Yes.", "hf", history=(("agent", "Is your face drooping on one side?"),)) == "emergency"
    assert level("Yes, I understand.",
                 history=(("agent", "If you have chest pain or trouble breathing, call 911. Do you understand?"),)) == "none"
    # a yes naming another symptom answers that symptom, not the fainting in the list
    assert level("Yeah, some trouble breathing on the stairs.",
                 history=(("agent", "Any chest pain, trouble breathing, or passing out?"),)) == "none"
    # chest pain said before + the cardiac feature the turn adds
    assert level("Yes, down my left arm.", history=(("patient", "I've had chest pain since breakfast."),
                                                    ("agent", "Does the pain go anywhere?"))) == "emergency"
    assert level("It goes down my left arm and I'm sweating.",
                 history=(("patient", "My chest hurts."), ("agent", "Does the pain spread anywhere?"))) == "emergency"
    # a red flag said earlier is not this turn's
    assert level("I'm fine, thanks.", history=(("patient", "I passed out yesterday."), ("agent", "How are you now?"))) == "none"
    # a low sugar said before + confusion now
    assert level("Yes, and now I'm confused and shaky.",
                 history=(("patient", "My sugar was 45."), ("agent", "Did you treat it?"))) == "emergency"
    # yes to a screening question, and its denial of intent
    question = (("agent", "Have you had any thoughts of hurting yourself?"),)
    assert level("Sometimes, yeah.", "asthma", history=question) == "emergency"
    assert level("Sometimes, but I'd never act on it.", "asthma", history=question) == "urgent"
    assert level("No, never.", "asthma", history=question) == "none"
    assert level("A little, yeah.", history=(("agent", "Are you having any trouble breathing right now?"),)) == "none"
    # two weights in the turn, read with the agent's question as context
    weigh = (("agent", "What did you weigh this morning?"),)
    assert level("I was 196 on Monday and this morning the scale said 202.", "hf", history=weigh) == "urgent"
    assert level("My dry weight is 197 and today I'm 204.", "hf", history=weigh) == "urgent"
    assert level("I was 199 yesterday and I'm 200 today.", "hf", history=weigh) == "none"
    # a weight said earlier in the call is the reference
    assert level("I'm 203 today.", "hf", history=(("patient", "I weighed 196 on Monday."), ("agent", "And today?"))) == "urgent"


@pytest.mark.parametrize(("answer", "expected"), [
    ("But the pressure's still high. This morning it was one fifty over ninety-two.", "none"),  # the blood pressure
    ("The pressure's worse today, honestly.", "emergency"),  # a chest pressure that changed
    ("Yes, the pressure is up again when I walk.", "emergency"),
])
def test_a_pressure_completes_a_chest_pain_question_unless_it_is_the_blood_pressure(answer: str, expected: str) -> None:
    asked = (("agent", "Have you had any chest pain episodes and nitroglycerin use lately?"),)
    assert level(answer, "dm", asked) == expected


def test_finding_message_evidence_and_guidance() -> None:
    result = SPEC.check(ctx("My face is drooping and my speech is slurred.", "dm"))
    (f,) = result.findings
    assert f.kind == "escalation" and f.level == "emergency" and f.urgency == "emergency"
    assert "stroke_signs" in (f.message or "") and "drooping" in (f.message or "")
    assert f.evidence and f.specialist == "escalation"
    assert result.guidance == [GUIDANCE["emergency"]]
    assert "call 911 now" in GUIDANCE["emergency"] and "do not continue the checklist" in GUIDANCE["emergency"]
    urgent = SPEC.check(ctx("My stools are black.", "warfarin"))
    assert urgent.guidance == ["A nurse must call the patient today; tell them so"]
    assert "gi_bleed_stool" in (urgent.findings[0].message or "")
    bp = SPEC.check(ctx("My blood pressure was 185 over 112 and I have a pounding headache."))
    assert (bp.findings[0].message or "").count("hypertensive_crisis_with_symptoms") == 1
    routine = SPEC.check(ctx("I need a refill on my losartan."))
    assert routine.guidance == ["Note it for the care team"] and "refill_need" in (routine.findings[0].message or "")
    assert SPEC.check(ctx("I feel fine.")).findings == []
    assert SPEC.check(ctx("   ")).findings == []


def test_speakers_registry_and_panel() -> None:
    assert SPEC.speakers == frozenset({"patient"})
    assert "escalation" in names() and isinstance(get("escalation"), EscalationSpecialist)
    # agent drafts are not judged by this specialist
    panel = run_panel(ctx("Call 911 if you pass out.", speaker="agent"), [SPEC])
    assert panel.escalation == "none"
    panel = run_panel(ctx("I can't catch my breath and my lips are blue.", "asthma"), all_specialists())
    assert panel.escalation == "emergency"
    assert [f.level for f in panel.findings if f.kind == "escalation"] == ["emergency"]


def test_every_red_flag_fires_on_its_own_examples() -> None:
    from specialists import knowledge as kn

    for flag in kn.red_flags():
        for example in flag.examples:
            if re.search(r"\b(?:she|he|her|his)\b", example, re.I):
                continue  # the pattern's example about someone else: scoped out by the specialist
            hits = SPEC.hits(ctx(example, "dm"))
            assert any(h.id == flag.id or h.level == flag.level for h in hits), (flag.id, example)


def test_plan_facts() -> None:
    assert SPEC.plan_facts(plan("hf"), TODAY).heart_failure and SPEC.plan_facts(plan("hf"), TODAY).cardiac
    assert not SPEC.plan_facts(plan("dm"), TODAY).cardiac
    assert SPEC.plan_facts(plan("postop"), TODAY).post_op and not SPEC.plan_facts(plan("dm"), TODAY).post_op
    assert SPEC.plan_facts(plan("asthma"), TODAY).lung


def test_latency_under_budget() -> None:
    texts = [t for _, t in EMERGENCY + URGENT + ROUTINE + NONE]
    for t in texts:  # warm-up
        SPEC.check(ctx(t, "hf"))
    contexts = [ctx(t, "hf") for t in texts]
    times = []
    for c in contexts:
        t0 = time.perf_counter()
        SPEC.check(c)
        times.append((time.perf_counter() - t0) * 1000)
    assert statistics.mean(times) < 5.0


# --- caregivers, indirect intent, bleeding that will not stop, unnamed values, mild side effects ---

# (plan, turn, history, level). History items are (speaker, text).
CLASS_CASES: list[tuple[str, str, tuple[tuple[str, str], ...], str]] = [
    # a caregiver speaking for the patient: "she", "his", "my mother" are the patient
    ("dm", "This is her husband. Her sugar is forty, she's confused and she can't drink the juice.", (), "emergency"),
    ("hf", "This is her husband. Her sugar is forty, she's confused.", (), "none"),  # the plan's patient is a man: not him
    ("hf", "I'm calling for my dad, his sugar was 45 this morning and he's really out of it.", (), "emergency"),
    ("dm", "She can't come to the phone, she's too weak. Her sugar was thirty-eight and she won't eat.", (), "emergency"),
    ("hf", "He passed out in the bathroom about ten minutes ago.", (("agent", "Am I speaking with the patient?"), ("patient", "No, this is his wife.")), "emergency"),
    ("warfarin", "I'm her caregiver. She's been having black stools since Tuesday.", (), "urgent"),
    ("dm", "My mother is the patient. She has chest pain and she's sweating.", (), "emergency"),
    ("hf", "His sugar was 48, I gave him juice and he's fine now.", (("patient", "Hi, I'm calling on behalf of my husband."),), "urgent"),
    # ... but a third party's own illness stays someone else's
    ("dm", "This is his daughter. My neighbour had a stroke last week.", (), "none"),
    ("dm", "This is her son. My wife had chest pain last week but she's fine now.", (), "none"),
    ("dm", "I'm calling for my mother. My own sister passed out yesterday.", (), "none"),
    ("dm", "My husband passed out yesterday.", (), "none"),
    # suicidal intent or a plan said indirectly -> emergency; a passive wish with no plan -> urgent
    ("asthma", "I wrote letters to my kids. I'm going to drive off the bridge tonight.", (), "emergency"),
    ("asthma", "I've been saving up my pills to take them all.", (), "emergency"),
    ("dm", "I'm going to take all my sleeping pills tonight.", (), "emergency"),
    ("asthma", "I've been looking up ways to kill myself.", (), "emergency"),
    ("dm", "I'm going to step in front of a train.", (), "emergency"),
    ("asthma", "Sometimes I think it wouldn't be so bad if I just didn't wake up. I'd never do anything, I don't have a plan.", (), "urgent"),
    ("dm", "Some days I wish I could just fall asleep and never wake up.", (), "urgent"),
    ("asthma", "Honestly everyone would be better off if I was gone, but I'm not going to do anything.", (), "urgent"),
    ("dm", "I've thought about just not waking up.", (), "urgent"),
    ("dm", "I'm going to drive over the bridge to the pharmacy.", (), "none"),
    ("dm", "My brother talked about killing himself.", (), "none"),
    ("dm", "It wouldn't be so bad if I just didn't have to take so many pills.", (), "none"),
    # heavy bleeding that will not stop -> emergency
    ("warfarin", "My nose has been gushing blood for forty minutes and it won't stop, even pinching it.", (), "emergency"),
    ("warfarin", "My gums have been bleeding for an hour and won't stop.", (), "emergency"),
    ("warfarin", "I cut my finger and it's been bleeding for thirty minutes even with pressure.", (), "emergency"),
    ("warfarin", "My nose is bleeding and I've gone through three towels.", (), "emergency"),
    ("warfarin", "My nose bled for a few seconds this morning.", (), "none"),
    ("warfarin", "The bleeding stopped after five minutes.", (), "none"),
    ("dm", "My blood pressure won't stop going up.", (), "none"),
    # heart-failure weight said as bare numbers
    ("hf", "I was two-twelve yesterday and this morning I'm two-sixteen.", (), "urgent"),
    ("hf", "A week ago I was two-ten, and this morning the scale said two-sixteen.", (), "urgent"),
    ("hf", "I went from 210 to 216 this week.", (), "urgent"),
    ("hf", "I was 212 yesterday and I'm 213 today.", (), "none"),
    ("dm", "I was two-twelve yesterday and this morning I'm two-sixteen.", (), "none"),   # no heart failure
    # fever >= 101 F said without the word, with wound signs (plan not post-operative) or after surgery
    ("dm", "The incision is red and oozing, and I had a hundred and one point eight last night.", (), "urgent"),
    ("postop", "I was running a hundred and two last night.", (), "urgent"),
    ("dm", "The incision looks clean and I had ninety-nine point one last night.", (), "none"),
    # mild side effects naming a drug -> routine
    ("hf", "The lisinopril gives me a dry tickly cough.", (), "routine"),
    ("dm", "The metformin upsets my stomach a bit.", (), "routine"),
    ("hf", "The carvedilol makes me so tired.", (), "routine"),
    ("dm", "The ibuprofen gives me a stomach ache.", (), "routine"),
    ("hf", "My new water pill makes me pee constantly.", (), "routine"),
    ("hf", "The lisinopril doesn't give me any cough.", (), "none"),
    ("hf", "Can lisinopril cause a dry cough?", (), "none"),
    ("dm", "I've got a tickly cough from this cold my grandson gave me.", (), "none"),
]


@pytest.mark.parametrize(("plan_name", "text", "history", "expected"), CLASS_CASES, ids=[f"{p}:{t[:50]}" for p, t, _, _ in CLASS_CASES])
def test_classes(plan_name: str, text: str, history: tuple[tuple[str, str], ...], expected: str) -> None:
    assert level(text, plan_name, history) == expected


@pytest.mark.parametrize(("text", "levels"), [
    ("Can I take Tums for heartburn?", []),
    ("Is Pepto okay for an upset stomach?", []),
    ("What can I use to help with the nausea?", []),
    ("The new pill gives me heartburn.", ["routine"]),
    ("I've had some nausea since starting the metoprolol.", ["routine"]),
])
def test_a_symptom_a_drug_is_for_is_not_a_side_effect(text: str, levels: list[str]) -> None:
    from careplans import load_care_plan
    from specialists.base import TurnContext, Utterance
    from specialists.escalation import EscalationSpecialist
    from tests.conftest import EXAMPLES

    plan = load_care_plan(EXAMPLES / "anticoagulation_warfarin.yaml")
    ctx = TurnContext(plan=plan, turn=Utterance("patient", text), identity_verified=True)
    assert [f.level for f in EscalationSpecialist().check(ctx).findings] == levels


# Who is meant when nobody says "this is her husband" (specialists.text.context._proxy_from_reference):
# the assistant asks after the patient in the third person, the caller names the patient, or the
# caller speaks of a person of the patient's sex before anyone else. The dm plan's patient is a woman.
@pytest.mark.parametrize(("history", "text", "expected"), [
    ((("agent", "Hello, this is the check-in line for Dolores."),),
     "She's got a crushing pain in the middle of her chest and it's going down her left arm.", "emergency"),
    ((("agent", "Is everything alright with Dolores tonight?"),), "Mom's face is drooping on one side.", "emergency"),
    ((("agent", "How is your mother today?"),), "Mom's talking funny and her left hand won't grip anything.", "emergency"),
    ((), "She was buttering toast and all of a sudden her right hand won't work.", "emergency"),
    # someone else: named before the pronoun, or not of the patient's sex
    ((), "My sister was buttering toast and all of a sudden her right hand won't work.", "none"),
    ((("agent", "How is your mother today?"),), "Dad's face is drooping on one side.", "none"),
    ((("agent", "How are you feeling today, Dolores?"),), "He's slurring his words.", "none"),
    # an identity check and a vocative are not third-person talk
    ((("agent", "Am I speaking with Dolores?"),), "My husband says his chest feels tight.", "none"),
    # the caller's "I" only frames what they say of her: "I think she's ...", "I'm worried, she ..."
    ((), "I think she's having a stroke, her face has gone all droopy on one side.", "emergency"),
    ((), "I'm worried, she's got a crushing pain in the middle of her chest.", "emergency"),
    ((), "I think my sister's having a stroke, her face has gone all droopy on one side.", "none"),
])
def test_who_is_meant_without_a_declaration(history: tuple[tuple[str, str], ...], text: str, expected: str) -> None:
    assert level(text, "dm", history) == expected


@pytest.mark.parametrize("text", [
    "He's afraid he won't wake up if they have to do the other knee.",
    "He's terrified the next chest pain is the big one.",
])
def test_a_fear_of_what_may_come_is_not_the_thing(text: str) -> None:
    assert level(text, "hf") == "none"


# Red flags read as a body place and a quality within a clause, over vocabularies in red_flags.yaml
# (sentences written for these tests, not taken from the development sets).
@pytest.mark.parametrize(("plan_name", "text", "expected"), [
    ("hf", "It's like a fist squeezing right here in the middle.", "emergency"),
    ("hf", "There's a clamping feeling across the middle of my chest.", "emergency"),
    ("hf", "I woke up in the middle of the night and my feet were tight in my socks.", "none"),
    ("dm", "My mom's back is hurting up between her shoulders and she's sweating.", "emergency"),
    ("dm", "My upper belly aches like indigestion and I've gone all clammy.", "emergency"),
    ("dm", "My shoulder aches from gardening and I'm sweaty.", "none"),
    ("dm", "There's blood in the toilet every time and I feel dizzy.", "emergency"),
    ("dm", "My pee is dark red and I feel faint.", "emergency"),
    ("dm", "There's blood in my urine.", "urgent"),
    ("dm", "I can't rouse Dolores properly, she just mumbles.", "emergency"),
    ("dm", "She's drowsy after the pain pill and her breathing sounds like snoring.", "emergency"),
    ("dm", "I was sick twice and there was dark red blood in it.", "emergency"),
    ("dm", "Bright red, more than a spoonful every time I cough.", "emergency"),
    ("dm", "I broke out in welts everywhere and now I'm wheezing.", "emergency"),
    # the past, and somebody else
    ("dm", "Years ago, before my surgery, I passed out in church.", "none"),
    ("dm", "I fainted once in the navy, never since then.", "none"),
    ("dm", "Last winter I couldn't breathe and went to hospital.", "none"),
    ("dm", "My mate had to be rushed in, he couldn't breathe at all.", "none"),
])
def test_red_flags_by_class(plan_name: str, text: str, expected: str) -> None:
    assert level(text, plan_name) == expected


# An answer completes the question it answers: one part of a frame in the question, the other in the
# answer; a quality said with a body place of its own belongs to that place.
@pytest.mark.parametrize(("question", "answer", "expected"), [
    ("How has your chest been since the last call?", "Like a fist squeezing, and it won't let go.", "emergency"),
    ("Is there any sweating, nausea, or pain in your arm, jaw or back?", "Yes, my jaw and my upper back, and I'm soaked.", "emergency"),
    ("Any chest pain?", "Well, my legs feel heavy.", "none"),
    ("Any chest pain?", "No tightness, no.", "none"),
    ("How is your breathing?", "A bit tight when I walk up the hill.", "none"),
])
def test_an_answer_completes_its_question(question: str, answer: str, expected: str) -> None:
    assert level(answer, "hf", (("agent", question),)) == expected


def test_a_weight_said_earlier_in_the_call_keeps_its_day() -> None:
    history = (("agent", "What did you weigh yesterday?"), ("patient", "Yesterday morning I was two hundred and twelve even."),
               ("agent", "And this morning?"))
    assert level("Two sixteen and a half, same scale.", "hf", history) == "urgent"   # 4.5 lb in a day
    assert level("Two thirteen, same scale.", "hf", history) == "none"


@pytest.mark.parametrize(("text", "expected"), [
    ("And I can only... get a few words... out at a time.", "emergency"),   # a pause, not a sentence end
    ("No... I can breathe fine.", "none"),                                  # "No..." still answers
    ("no ... i can breathe fine", "none"),
])
def test_dots_before_a_lower_case_word_are_a_pause(text: str, expected: str) -> None:
    assert level(text, "asthma") == expected


def test_a_fear_answering_a_chest_question_is_not_chest_pain() -> None:
    history = (("agent", "Any chest pain or pressure since we last spoke?"),)
    # the red flags only: a fear of dying is the crisis specialist's to weigh
    assert SPEC.check(ctx("Every time I feel a twinge I think this is it, I'm going to die.", "hf", history)).findings == []


@pytest.mark.parametrize(("said", "standard"), [
    ("Ah'm strugglin', ah cannae get a breath in tae talk.", "i'm struggling, i can't get a breath in to talk."),
    ("Mi cyaan ketch mi breath, mi haffi sit up", "my can't catch my breath, my have to sit up"),
    ("uh my words are- are- i can't the the right arm", "my words are i can't the right arm"),
    ("he's he's using his neck", "he's using his neck"),
    ("no... can't... breathe", "no. can't breathe"),
    ("I had a cup of tea this morning.", "I had a cup of tea this morning."),   # nothing to fold
])
def test_speech_is_folded_to_standard_forms(said: str, standard: str) -> None:
    from specialists.text.spoken import standard_speech

    assert standard_speech(said) == standard


# Classes of red-flag language from callers who do not describe symptoms well (minimisers, dialects,
# English as a second language, carers): written for this test, not copied from the development sets.
@pytest.mark.parametrize(("plan_name", "text", "history", "expected"), [
    # a collapse told as going down plus a gap in awareness
    ("hf", "I went down by the mailbox and woke up with the neighbours standing over me.", (), "emergency"),
    ("hf", "He fall in the kitchen, he is not knowing nothing maybe one minute, now he sit.", (), "emergency"),
    ("hf", "Ah came ower aw funny an' the next thing ah knew ah wis lyin' on the kitchen flair.", (), "emergency"),
    ("hf", "I fell asleep in my chair and woke up with a stiff neck.", (), "none"),
    ("hf", "I tripped on the rug and went down, but I remember all of it and got straight up.", (), "none"),
    # stroke signs in everyday words
    ("dm", "Her mouth is hanging down on the one side and her talking is like she's been drinking.", (), "emergency"),
    ("dm", "My left side is all asleep, the arm and the leg, since half an hour.", (), "emergency"),
    ("dm", "She knows what she wants to say but it comes out all jumbled.", (), "emergency"),
    ("dm", "My arm fell asleep from lying on it, it's fine now.", (), "none"),
    # breathing in everyday and dialect words
    ("asthma", "Mi cyaan ketch mi breath at all, even sitting still.", (), "emergency"),
    ("asthma", "I have to stop for air every few words.", (), "emergency"),
    ("asthma", "He's gone grey and he's breathing so fast.", (), "emergency"),
    ("asthma", "I'm puffing just sitting here.", (), "emergency"),
    # over-sedation and head injury danger signs
    ("postop", "He's nodding off and his breathing's gone really slow.", (), "emergency"),
    ("postop", "I can't keep him awake since he took the pain pill.", (), "emergency"),
    ("dm", "She banged her head on the door frame this morning and now she's drowsy and throwing up.", (), "emergency"),
    ("dm", "I bumped my head on the cupboard, just a little lump.", (), "none"),
    # urgent: black stools in other words
    ("warfarin", "Me motions have been black and sticky for two days.", (), "urgent"),
])
def test_red_flags_said_plainly(plan_name: str, text: str, history: tuple[tuple[str, str], ...], expected: str) -> None:
    assert level(text, plan_name, history) == expected


def test_the_agents_recap_is_the_patients_own_report() -> None:
    history = (("agent", "You said your chest felt tight. Does it go anywhere else?"),)
    assert level("Mm-hm, down the left arm, and I'm wet through with sweat.", "dm", history) == "emergency"
    assert level("No, it stays put and it's easing off.", "dm", history) != "emergency"


def test_a_low_sugar_answered_before_makes_confusion_now_an_emergency() -> None:
    history = (("agent", "What was her sugar?"), ("patient", "Forty-something, the meter keeps beeping."))
    assert level("And she's not making any sense, she won't take the juice.", "dm", history) == "emergency"


@pytest.mark.parametrize(("text", "expected"), [
    ("Two twenty one this morning, yesterday it was two sixteen.", "urgent"),   # 5 lb in a day
    ("Two-eighteen, and it was two-twelve Monday morning.", "urgent"),        # 6 lb since Monday
    ("Two-fourteen, and it was two-twelve Monday morning.", "none"),
])
def test_weights_said_as_bare_numbers_answering_the_scale_question(text: str, expected: str) -> None:
    assert level(text, "hf", (("agent", "What did the scale say this morning?"),)) == expected


def test_a_lung_patients_slightly_tighter_chest_is_not_cardiac() -> None:
    assert level("The chest's a bit tighter since I stopped the prednisone, but I'm talking fine.", "asthma") != "emergency"
    assert level("My chest is a bit tighter and it's going into my left arm, I'm sweating.", "asthma") == "emergency"


@pytest.mark.parametrize(("plan_name", "text", "expected"), [
    # a refill asked for is a refill need
    ("warfarin", "I've got maybe ten days left of the warfarin, can you have them send a refill?", "routine"),
    ("warfarin", "Could you sort me a refill of the Coumadin? I've only four left.", "routine"),
    ("warfarin", "I'll need more of the warfarin before the clinic on the 7th.", "routine"),
    ("warfarin", "Can I take more of the warfarin if I miss a day?", "none"),
    ("warfarin", "Can you tell me what the warfarin is for?", "none"),
    # an everyday complaint the caller blames on a medicine is a mild side effect
    ("warfarin", "I've been getting more bruises on my arms than usual, little ones. I suppose it's the warfarin.", "routine"),
    ("warfarin", "Just the odd bruise on me shins from the blood thinner, nothing to write home about.", "routine"),
    ("warfarin", "Since they upped the Synthroid my heart flutters a bit at night, nothing major.", "routine"),
    ("postop", "havent gone number two since tuesday i think its the oxy code own", "routine"),
    ("postop", "the zofran is making me a bit bunged up", "routine"),
    # ... and not when nothing is blamed, or nothing is a complaint
    ("warfarin", "I bruised my knee on the car door getting out at church.", "none"),
    ("warfarin", "He's a little grumpy about not being able to drive. He's taking his pills fine.", "none"),
    ("warfarin", "The water pill has me running all morning, I can't go anywhere till noon.", "none"),
    # more refill needs said without the word, and complaints blamed in other words
    ("warfarin", "I've only got five or six of the metoprolol left. Could somebody send it to the Walgreens?", "routine"),
    ("warfarin", "I'm down to about five days of the warfarin.", "routine"),
    ("warfarin", "I'll need the warfarin refilled before the holiday.", "routine"),
    ("warfarin", "Two weeks ago he was two eighteen and now he's down to two twelve.", "none"),
    ("warfarin", "The Synthroid's got me wired, I'm up at three in the morning.", "routine"),
    ("warfarin", "The metoprolol makes me kinda dragged out in the afternoon.", "routine"),
    ("warfarin", "I've got a couple little mouth sores. The warfarin does that to me sometimes.", "routine"),
    # what is left, and a refill asked to be called in
    ("warfarin", "I'm down to the last few warfarin, like six left.", "routine"),
    ("warfarin", "Could they call the refill in?", "routine"),
    ("warfarin", "We're down to the last two days of the trip.", "none"),
])
def test_refill_requests_and_complaints_blamed_on_a_medicine(plan_name: str, text: str, expected: str) -> None:
    assert level(text, plan_name) == expected


@pytest.mark.parametrize(("plan_name", "text", "history", "expected"), [
    # a discomfort that moves into the arm, jaw, neck, shoulder or back, with breathlessness, a sweat or nausea
    ("warfarin", "Thought it was just gas, but it won't let up and now it's going into my left arm, and I'm winded.", (), "emergency"),
    ("warfarin", "The heaviness has crept up into my jaw and I feel sick.", (), "emergency"),
    ("warfarin", "The ache goes down my back when I lift the boxes, and I'm sweaty from the work.", (), "none"),
    ("warfarin", "The rash is spreading to my arm and it itches.", (), "routine"),
    # "not letting up" says it persists; "not going into my arm" still denies
    ("hf", "My chest pain is not letting up.", (), "emergency"),
    ("warfarin", "It's not going into my arm and there's no sweating, it's just my sore shoulder.", (), "none"),
    # "back" as in "it's come back" is no body place: the pressure answers the chest question
    ("hf", "Not pain, more a pressure when I walked to the car. It eased, but it's come back now.",
     (("agent", "Any chest discomfort since we last spoke?"),), "emergency"),
    # pallor said plainly is a cardiac feature
    ("warfarin", "Mom keeps rubbing her chest, she says it feels wrong, and she's so pale.", (), "emergency"),
])
def test_heart_attack_warning_signs_in_other_words(plan_name: str, text: str, history: tuple[tuple[str, str], ...],
                                                   expected: str) -> None:
    assert level(text, plan_name, history) == expected


@pytest.mark.parametrize(("history", "text", "expected"), [
    # asked how the medicines sit with them, a complaint in the answer is a side effect (the question ties it)
    ((("agent", "Any side effects from your medicines bothering you?"),),
     "Honestly the night sweats are the worst of it, I wake up damp.", "routine"),
    ((("agent", "How are you getting on with the metoprolol?"),), "Okay I guess, but I've had these weird dreams every night.",
     "routine"),
    ((("agent", "Any trouble with the new pills?"),), "Just an itch on my arms, it comes and goes.", "routine"),
    # a plan medicine named in the complaint's own sentence
    ((), "The metoprolol, when I stand up fast I go all swimmy-headed for a second.", "routine"),
    # ... but not a "no", a question about something else, or a complaint the medicine is taken for
    ((("agent", "Any side effects from your medicines?"),), "No, nothing like that. My knees itch from the new soap.", "none"),
    ((("agent", "How was your weekend?"),), "Good, but I had weird dreams after the scary movie.", "none"),
    ((), "The warfarin is for my heart rhythm and the cream helps the itch.", "none"),
])
def test_complaints_answering_a_question_about_the_medicines(history: tuple[tuple[str, str], ...], text: str,
                                                            expected: str) -> None:
    assert level(text, "warfarin", history) == expected


@pytest.mark.parametrize(("plan_name", "text", "history", "expected"), [
    # a collapse told by where the person ended up and the time lost
    ("warfarin", "Then I'm on the bath mat looking up at the light fixture. Don't know how long. Got myself up.", (), "emergency"),
    ("warfarin", "I got up to pee and next thing I know my husband's lifting me off the floor.", (), "emergency"),
    ("warfarin", "My legs just went out from under me at the sink and I came to on the lino.", (), "emergency"),
    ("warfarin", "I fell out in the kitchen. One minute I was at the stove, next I was on the floor.", (), "emergency"),
    ("warfarin", "I had a swoon at church, they said I was gone a few seconds.", (), "emergency"),
    ("hf", "Dad fainted in the driveway getting the mail. He's up now and arguing with me.",
     (("agent", "Thanks for confirming the details. How are things?"),), "emergency"),
    # ... but "Dad" on a woman's plan is someone else
    ("warfarin", "Dad fainted in the driveway getting the mail. He's up now and arguing with me.",
     (("agent", "Thanks for confirming the details. How are things?"),), "none"),
    ("warfarin", "I was on the floor playing with the grandkids and next thing I know it's dinnertime.", (), "none"),
    ("warfarin", "I'm on the floor doing my exercises, don't know how long I should hold the stretch.", (), "none"),
    ("warfarin", "I fell out with my sister over the will.", (), "none"),
    ("warfarin", "Mom swooned over the new pastor.", (), "none"),
    ("warfarin", "I was gone a few seconds to grab the mail.", (), "none"),
    # breathing: smothering, retractions, rescue doses that do not hold, lips gone blue-ish
    ("asthma", "I'm still smothering, I can't get to the bathroom without stopping twice to gasp.", (), "emergency"),
    ("asthma", "I've used the Ventolin six times in the last hour and I'm still whistling.", (), "emergency"),
    ("asthma", "My neck muscles are pulling with every breath.", (), "emergency"),
    ("asthma", "Saw my lips in the mirror, they're bluey.", (), "emergency"),
    ("asthma", "I've used my puffer three times today, my chest is still a bit wheezy.", (), "none"),
    ("asthma", "My neck muscles are working overtime from the gardening.", (), "none"),
    # old blood brought up
    ("warfarin", "I was sick this morning and it was black sludge, like motor oil with bits in it.", (), "emergency"),
    ("warfarin", "I threw up and it was dark brown gritty bits, like wet dirt.", (), "emergency"),
    ("warfarin", "The stuff that came up was black, I'd had blackberries.", (), "none"),
    # stroke: one side of the world missing; vision gone on one side
    ("warfarin", "I keep bumping into the doorframe on the left, like there's no left side to the room.", (), "emergency"),
    ("warfarin", "My vision went half dark out of the right eye about half an hour ago.", (), "emergency"),
    ("warfarin", "The room went dark when the power cut out.", (), "none"),
    # a low a carer cannot treat, or treated with glucagon
    ("dm", "Mom's sugar is forty-two, she won't open her mouth for the juice, she keeps turning her head away.", (), "emergency"),
    ("dm", "She was out of it on the couch, wouldn't wake up properly, so I did the Baqsimi up her nose.", (), "emergency"),
    ("dm", "She did the Baqsimi training at the clinic last week.", (), "none"),
    # angina in the patient's own word, with the features after it
    ("hf", "Not really. It's been half an hour now and it's worse, going up into my neck, and I'm soaked through.",
     (("patient", "Had one of my chest spells out in the yard."), ("agent", "Did your nitroglycerin help?")), "emergency"),
])
def test_red_flags_told_as_what_happened(plan_name: str, text: str, history: tuple[tuple[str, str], ...], expected: str) -> None:
    assert level(text, plan_name, history) == expected


@pytest.mark.parametrize(("plan_name", "text", "history", "expected"), [
    # an explanation the speaker sets their own account against ("..., but") explains nothing
    ("hf", "He says it's just the heartburn again, but he's gone all grey and clammy, rubbing at his chest and down his left arm.",
     (("agent", "Thanks for calling on his behalf. How is he doing?"),), "emergency"),
    ("hf", "My chest is burning, it's the heartburn from the chili, and I'm a bit sweaty from the stove.", (), "routine"),
    # a purpose verb with nothing after it governs nothing ("he has to stop, and ...")
    ("asthma", "He can only get two or three words out and then he has to stop, and his lips look a bit blue to me.",
     (("agent", "Thanks for calling on his behalf. How is he doing?"),), "emergency"),
    ("asthma", "I use the inhaler to stop the wheezing before I garden.", (), "none"),
    # a clause that names nobody belongs to the person of the clause before it
    ("warfarin", "His brother had a stroke last month, the face went all droopy, and it scared the daylights out of him.", (), "none"),
    # "he's not had one since": the event is history
    ("dm", "Back in the spring he passed out once, they did all the tests, it was his sugar being low, and he's not had one since.",
     (("agent", "Thanks for calling on his behalf. How is he doing?"),), "none"),
    ("dm", "I passed out this morning and I haven't felt right since.", (), "emergency"),
    # stroke and bleeding in roundabout words
    ("warfarin", "I can't seem to find my words this afternoon, the wrong ones come out, and my right hand just let go of the kettle.", (), "emergency"),
    ("warfarin", "Her words are slurry like she's had a glass of wine, and her left hand keeps missing the cup.", (), "emergency"),
    ("warfarin", "Things in the toilet have been really dark, almost black, since Tuesday.", (), "urgent"),
    ("warfarin", "There's been a lot of red in the toilet after I go, yesterday and again this morning.", (), "urgent"),
    ("warfarin", "I go to the toilet a lot at night and my eyes are red in the morning.", (), "none"),
    # a symptom that names a medicine ("the nausea tablet") is no complaint
    ("postop", "The nausea tablet, the melty one, I haven't needed it since Monday.", (), "none"),
    ("postop", "I've had nausea all day from the oxycodone.", (), "routine"),
])
def test_red_flags_said_roundabout(plan_name: str, text: str, history: tuple[tuple[str, str], ...], expected: str) -> None:
    assert level(text, plan_name, history) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # an oxygen saturation below every target range (BTS 2017: under 88 %) with fast or hard breathing, blue lips or
    # confusion is severe trouble breathing
    ("He's gone real sleepy and confused, his oxygen says seventy-eight and he's breathing really fast.", "emergency"),
    ("My finger monitor said eighty-five and I'm struggling to breathe.", "emergency"),
    # the same number without the signs, or the signs with a number inside the ranges, is not
    ("My oxygen was 85 this morning but I feel fine, breathing's normal.", "none"),
    ("My oxygen was 84 but I'm not short of breath at all.", "none"),
    ("My oxygen was 92 and I'm a bit short of breath.", "none"),
])
def test_a_low_oxygen_reading_with_breathing_distress_is_an_emergency(text: str, expected: str) -> None:
    assert level(text, "asthma") == expected
