"""Labs & vitals specialist: reading values as people say them, and judging them against the plan.

Sentences are written for these tests (not taken from any benchmark); plans are the bundled examples
and the public sample FHIR bundles.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from pathlib import Path

import pytest

import careplans
from careplans import CarePlan
from specialists.base import TurnContext, Utterance
from specialists.labs import (
    LabsSpecialist,
    bounds_for,
    plan_is_post_operative,
    read_measurements,
    read_weight_change,
)
from specialists.panel import combine
from tests.conftest import EXAMPLES, ROOT, SHARED_SAMPLES

TODAY = dt.date(2026, 11, 27)


def _load(path: Path) -> CarePlan:
    return careplans.load(path).plan


PLANS: dict[str, CarePlan] = {
    "hf": _load(EXAMPLES / "heart_failure_ckd_diabetes.yaml"),      # male 73; glucose 80-180, K 3.8-5.0, SBP 95-130, A1c < 8
    "warf": _load(EXAMPLES / "anticoagulation_warfarin.yaml"),      # female; INR 2-3, HR 60-110; warfarin, metoprolol, levothyroxine
    "postop": _load(EXAMPLES / "post_operative_knee.yaml"),         # male; knee replacement 2026-11-22; temp <= 100.3
    "htn": _load(SHARED_SAMPLES / "fhir" / "htn_t2dm_gout.json"),   # female 65; glucose 80-180, SBP < 130, A1c < 7.5; glipizide
    "asthma": _load(SHARED_SAMPLES / "fhir" / "asthma_anxiety.json"),  # male 45; SpO2 >= 94; albuterol, escitalopram
}

SPEC = LabsSpecialist()


def run(plan: str, text: str, history: tuple[str, ...] = (), today: dt.date = TODAY) -> tuple[set[tuple[str, ...]], str]:
    """Contract keys of the findings and the escalation level the panel would give."""
    hist = [Utterance("agent" if i % 2 == len(history) % 2 else "patient", h) for i, h in enumerate(history)]
    if history:
        hist[-1] = Utterance("agent", history[-1])
    ctx = TurnContext(plan=PLANS[plan], turn=Utterance("patient", text), history=hist, identity_verified=True, today=today)
    findings, _, _, level = combine({"labs": SPEC.check(ctx)})
    return {f.key() for f in findings if f.kind != "escalation"}, level


def vor(analyte: str, direction: str) -> tuple[str, ...]:
    return ("value_out_of_range", analyte, direction)


def eff(analyte: str, drug: str) -> tuple[str, ...]:
    return ("medication_effect", analyte, drug)


# (plan, patient turn, expected findings, expected escalation level)
CASES: list[tuple[str, str, set[tuple[str, ...]], str]] = [
    # --- potassium: the plan goal (3.8-5.0) overrides the reference range (3.5-5.0) ---
    ("hf", "My potassium was three point one at the lab yesterday.", {vor("potassium", "low"), eff("potassium", "furosemide")}, "routine"),
    ("hf", "They called and said my potassium was 2.8.", {vor("potassium", "low"), eff("potassium", "furosemide")}, "urgent"),
    ("hf", "Potassium came back five point six.", {vor("potassium", "high"), eff("potassium", "lisinopril"), eff("potassium", "spironolactone")}, "routine"),
    ("hf", "The lab said potassium 6.4, they want me to come in.", {vor("potassium", "high"), eff("potassium", "lisinopril"), eff("potassium", "spironolactone")}, "urgent"),
    ("hf", "my potassium was 3.6 on the last blood test", {vor("potassium", "low"), eff("potassium", "furosemide")}, "routine"),
    ("htn", "my potassium was 3.6 on the last blood test", set(), "none"),
    ("htn", "Potassium was 4.2, so that's fine.", set(), "none"),
    # --- glucose ---
    ("htn", "My sugar was sixty-one before lunch. I ate some crackers and I'm fine now.", {vor("glucose", "low"), eff("glucose", "glipizide")}, "routine"),
    ("htn", "My glucose meter said 48 and I was shaky, so I had some juice and now I feel okay.", {vor("glucose", "low"), eff("glucose", "glipizide")}, "urgent"),
    ("hf", "Blood sugar was forty five this morning but I drank orange juice and it came up.", {vor("glucose", "low"), eff("glucose", "insulin glargine")}, "urgent"),
    ("hf", "my blood sugar was a hundred and ninety after supper", {vor("glucose", "high")}, "routine"),
    ("hf", "my fasting was 72 this morning", {vor("glucose", "low"), eff("glucose", "insulin glargine")}, "routine"),
    ("htn", "My sugar was one seventy after dinner.", set(), "none"),
    ("asthma", "I checked my sugar at the pharmacy, it was 190.", set(), "none"),
    ("asthma", "My blood sugar was like 250 at the health fair.", {vor("glucose", "high")}, "routine"),
    ("asthma", "my sugar was 65", set(), "none"),
    ("htn", "My sugars have been running in the 200s.", {vor("glucose", "high")}, "routine"),
    ("htn", "My sugar was 250 yesterday but 120 today.", {vor("glucose", "high")}, "routine"),
    ("htn", "My sugar was 3.1 this morning, I had a snack after.", {vor("glucose", "low"), eff("glucose", "glipizide")}, "routine"),
    ("htn", "sugar was 5.6 when I woke up", set(), "none"),
    ("htn", "It was somewhere between 150 and 170 all week.", set(), "none"),
    # --- A1c ---
    ("htn", "My a1c came back at 8.2.", {vor("hba1c", "high")}, "routine"),
    ("htn", "They told me my A1C was seven point two, down from last time.", set(), "none"),
    ("asthma", "At my physical the a one c was 6.1.", {vor("hba1c", "high")}, "routine"),
    ("hf", "my hemoglobin a1c is 9.1 percent", {vor("hba1c", "high")}, "routine"),
    # --- INR ---
    ("warf", "My INR was five point eight on Tuesday.", {vor("inr", "high"), eff("inr", "warfarin")}, "urgent"),
    ("warf", "INR came back at 3.6 so they're adjusting things.", {vor("inr", "high"), eff("inr", "warfarin")}, "routine"),
    ("warf", "The clinic said my INR was 1.6.", {vor("inr", "low")}, "routine"),
    ("warf", "INR was 2.5, right where they want it.", set(), "none"),
    # --- blood pressure ---
    ("htn", "My blood pressure was one fifty-two over ninety-six this morning.", {vor("systolic_bp", "high"), vor("diastolic_bp", "high")}, "routine"),
    ("htn", "It was 185 over 100 when I checked it.", {vor("systolic_bp", "high"), vor("diastolic_bp", "high")}, "urgent"),
    ("htn", "my pressure was 150 over 112 and I feel fine", {vor("systolic_bp", "high"), vor("diastolic_bp", "high")}, "urgent"),
    ("htn", "My blood pressure is 126 over 78 these days.", set(), "none"),
    ("asthma", "148/82 on the machine at the store", {vor("systolic_bp", "high")}, "routine"),
    ("hf", "My blood pressure was 88 over 52 when I stood up.",
     {vor("systolic_bp", "low"), vor("diastolic_bp", "low"), eff("systolic_bp", "furosemide"), eff("systolic_bp", "carvedilol"),
      eff("systolic_bp", "lisinopril"), eff("diastolic_bp", "furosemide"), eff("diastolic_bp", "carvedilol"),
      eff("diastolic_bp", "lisinopril")}, "routine"),
    ("hf", "My top number was 165 this morning.", {vor("systolic_bp", "high")}, "routine"),
    ("hf", "the bottom number was 95", {vor("diastolic_bp", "high")}, "routine"),
    ("htn", "The nurse at the pharmacy said my pressure was 152 over 96.", {vor("systolic_bp", "high"), vor("diastolic_bp", "high")}, "routine"),
    ("htn", "My wife took my blood pressure and it was 160 over 100.", {vor("systolic_bp", "high"), vor("diastolic_bp", "high")}, "routine"),
    ("htn", "My pressure's usually around 120 over 70.", set(), "none"),
    ("htn", "My pressure was about 135.", {vor("systolic_bp", "high")}, "routine"),
    ("warf", "My pressure was about 135.", set(), "none"),
    # --- heart rate ---
    ("warf", "My pulse was 48 when I took it.", {vor("heart_rate", "low"), eff("heart_rate", "metoprolol")}, "routine"),
    ("warf", "Heart rate was 105 on my watch.", set(), "none"),
    ("asthma", "Heart rate was 105 on my watch.", {vor("heart_rate", "high")}, "routine"),
    ("asthma", "my heart was racing, like 130", {vor("heart_rate", "high")}, "routine"),
    ("hf", "My blood pressure was 140 over 85 and my pulse 58.", {vor("systolic_bp", "high"), vor("heart_rate", "low"), eff("heart_rate", "carvedilol")}, "routine"),
    # --- temperature ---
    ("postop", "My temperature was 101.5 last night.", {vor("temperature", "high")}, "urgent"),
    ("postop", "I've got a fever, a hundred and two.", {vor("temperature", "high")}, "urgent"),
    ("postop", "The thermometer said 38.9.", {vor("temperature", "high")}, "urgent"),
    ("postop", "My temp is 100.8 and the incision looks fine.", {vor("temperature", "high")}, "routine"),
    ("postop", "99.1 on the thermometer, no fever.", set(), "none"),
    ("asthma", "I had a fever of 101.5 yesterday.", {vor("temperature", "high")}, "routine"),
    ("asthma", "temp was 38.9 C", {vor("temperature", "high")}, "routine"),
    ("htn", "The incision from my surgery last week is draining and my temperature was 101.6.", {vor("temperature", "high")}, "urgent"),
    ("htn", "My temperature is 98.6.", set(), "none"),
    # --- oxygen ---
    ("asthma", "My oxygen was 91 percent on the finger thing.", {vor("spo2", "low")}, "routine"),
    ("asthma", "my sats were 95", set(), "none"),
    ("htn", "oxygen 93 at the urgent care", {vor("spo2", "low")}, "routine"),
    ("postop", "My oxygen was 89 percent after my pain pill.", {vor("spo2", "low"), eff("spo2", "oxycodone")}, "routine"),
    ("asthma", "The pulse ox said 88 and I couldn't catch my breath.", {vor("spo2", "low")}, "routine"),
    # --- other labs ---
    ("hf", "creatinine was 2.1 on the last labs", {vor("creatinine", "high"), eff("creatinine", "furosemide"), eff("creatinine", "lisinopril")}, "routine"),
    ("hf", "My GFR is 38 now.", {vor("egfr", "low"), eff("egfr", "lisinopril")}, "routine"),
    ("hf", "My sodium was 129.", {vor("sodium", "low"), eff("sodium", "furosemide")}, "routine"),
    ("warf", "TSH came back 0.1.", {vor("tsh", "low"), eff("tsh", "levothyroxine")}, "routine"),
    ("warf", "My hemoglobin was 10.2 last month.", {vor("hemoglobin", "low")}, "routine"),
    ("hf", "BNP was 850 in the hospital.", {vor("bnp", "high")}, "routine"),
    ("htn", "They said my LDL is 160.", {vor("ldl", "high")}, "routine"),
    ("hf", "ALT was 120 on the liver test.", {vor("alt", "high"), eff("alt", "atorvastatin")}, "routine"),
    ("warf", "My platelets were 95 thousand.", {vor("platelets", "low")}, "routine"),
    ("asthma", "I'm breathing 28 times a minute.", {vor("respiratory_rate", "high")}, "routine"),
    # --- several values in one turn ---
    ("htn", "My blood pressure was 152 over 96 and my sugar was 61.",
     {vor("systolic_bp", "high"), vor("diastolic_bp", "high"), vor("glucose", "low"), eff("glucose", "glipizide")}, "routine"),
    ("hf", "Weight 203, sugar 210, pressure 118 over 70.", {vor("glucose", "high")}, "routine"),
    # --- weight: no range ---
    ("hf", "I weighed 203 this morning.", set(), "none"),
    ("hf", "I gained 4 pounds since yesterday.", set(), "none"),
    # --- not the patient's current reading ---
    ("htn", "My husband's sugar was 300 last night.", set(), "none"),
    ("htn", "My wife's blood pressure was 160 over 100.", set(), "none"),
    ("htn", "My husband's sugar was 300 and mine was 250.", {vor("glucose", "high")}, "routine"),
    ("htn", "The doctor wants my sugar under 130.", set(), "none"),
    ("htn", "They want my top number below 130.", set(), "none"),
    ("htn", "What should my blood pressure be?", set(), "none"),
    ("htn", "Is 140 over 90 high?", set(), "none"),
    ("htn", "Is a sugar of 250 too high?", set(), "none"),
    ("htn", "My sugar was 250 this morning, is that bad?", {vor("glucose", "high")}, "routine"),
    ("htn", "If my sugar goes under 70 I eat glucose tabs.", set(), "none"),
    ("htn", "My doctor said to call if it's over 180.", set(), "none"),
    ("htn", "My sugar hasn't been below 80 all week.", set(), "none"),
    ("htn", "It wasn't 300, it was 130.", set(), "none"),
    ("htn", "I take 50 mg of losartan.", set(), "none"),
    ("htn", "I check my sugar at 7 am every day.", set(), "none"),
    ("htn", "I'm 65 years old and my sugar is fine.", set(), "none"),
    ("htn", "My daughter is 45 and she checks my sugar for me.", set(), "none"),
    ("htn", "I walked 30 minutes and my sugar was 150 after.", set(), "none"),
    ("htn", "I have 2 refills left on the glipizide.", set(), "none"),
    ("htn", "My appointment is on December 8th at 9:15.", set(), "none"),
    ("hf", "I took 18 units of Lantus last night and my sugar was 140 this morning.", set(), "none"),
    ("hf", "I take Lasix 40 twice a day.", set(), "none"),
    ("asthma", "My peak flow was 350 this morning.", set(), "none"),
    ("asthma", "I used my inhaler 4 times today.", set(), "none"),
    ("hf", "My ejection fraction was 30 percent.", set(), "none"),
    ("htn", "My pain is about a 7 out of 10.", set(), "none"),
    ("htn", "I had 2 crackers and a glass of juice.", set(), "none"),
    ("htn", "I used to have sugars of 300 before I started the glipizide.", set(), "none"),
    ("hf", "They told me to call if I gain 3 pounds in a day.", set(), "none"),
    ("htn", "I'd like to get my a1c under 7 this year.", set(), "none"),
]


@pytest.mark.parametrize(("plan", "text", "expected", "level"), CASES, ids=[f"{p}:{t[:50]}" for p, t, _, _ in CASES])
def test_turn(plan: str, text: str, expected: set[tuple[str, ...]], level: str) -> None:
    found, got_level = run(plan, text)
    assert found == expected
    assert got_level == level


def _variant(base: str, meds: list[str]) -> CarePlan:
    plan = PLANS[base].model_copy(deep=True)
    plan.medications = [careplans.Medication(name=m) for m in meds]
    return plan


def test_medication_effect_splits_combinations_and_counts_each_insulin() -> None:
    plan = _variant("hf", ["sacubitril / valsartan", "spironolactone", "insulin glargine", "insulin lispro", "metformin",
                           "aspirin"])
    result = SPEC.check(TurnContext(plan=plan, turn=Utterance("patient", "Potassium 5.8 and my sugar was 50 at lunch."), today=TODAY))
    effects = {(f.analyte, f.drug) for f in result.findings if f.kind == "medication_effect"}
    assert effects == {("potassium", "sacubitril"), ("potassium", "valsartan"), ("potassium", "spironolactone"),
                       ("glucose", "insulin glargine"), ("glucose", "insulin lispro")}  # not metformin, not unknown-dose aspirin


def test_no_effect_for_a_drug_pushing_the_other_way() -> None:
    found, _ = run("warf", "INR came back 1.4.")
    assert found == {vor("inr", "low")}  # warfarin raises INR: no medication_effect for a low one
    plan = _variant("hf", ["hydrochlorothiazide", "lisinopril"])
    result = SPEC.check(TurnContext(plan=plan, turn=Utterance("patient", "potassium was 3.1"), today=TODAY))
    assert {(f.kind, f.drug) for f in result.findings} == {("value_out_of_range", None), ("medication_effect", "hydrochlorothiazide")}


# --- the question before the value names it ------------------------------------------------------

@pytest.mark.parametrize(("plan", "question", "answer", "expected"), [
    ("htn", "How have your sugars been?", "Sixty-one before lunch.", {vor("glucose", "low"), eff("glucose", "glipizide")}),
    ("htn", "Have you checked your blood pressure at home?", "Yes, one sixty over a hundred.", {vor("systolic_bp", "high"), vor("diastolic_bp", "high")}),
    ("htn", "What was your blood pressure this morning?", "It was 155.", {vor("systolic_bp", "high")}),
    ("hf", "What did the scale say today?", "Two oh five.", set()),
    ("asthma", "What's your oxygen reading?", "About 90.", {vor("spo2", "low")}),
    ("htn", "How are you feeling today?", "I'm 65 and feeling my age.", set()),
    ("htn", "How have your sugars been?", "Pretty good, I walked 20 minutes every day.", set()),
])
def test_context_names_a_bare_value(plan: str, question: str, answer: str, expected: set[tuple[str, ...]]) -> None:
    found, _ = run(plan, answer, history=(question,))
    assert found == expected


# --- read_measurements: values, units and spans --------------------------------------------------

def _one(text: str, **kw) -> tuple[str, float]:
    readings = read_measurements(text, **kw)
    assert len(readings) == 1, readings
    return readings[0].analyte, readings[0].value


def test_blood_pressure_forms() -> None:
    for text in ("one eighty over ninety five", "180/95", "my pressure was 180 over 95", "BP 180/95 this morning"):
        got = [(r.analyte, r.value) for r in read_measurements(text)]
        assert got == [("systolic_bp", 180.0), ("diastolic_bp", 95.0)], text


def test_units_and_conversions() -> None:
    assert _one("38.6 C") == ("temperature", pytest.approx(101.48, abs=0.01))
    assert _one("my temperature is a hundred and two") == ("temperature", 102.0)
    assert _one("temp 101.4 degrees") == ("temperature", 101.4)
    assert _one("my temp was 37.2") == ("temperature", pytest.approx(98.96, abs=0.01))
    assert _one("blood sugar 7.8 mmol") == ("glucose", pytest.approx(140.5, abs=0.5))
    assert _one("sugar 140 mg/dl") == ("glucose", 140.0)
    assert _one("I weigh 90 kilos") == ("weight", pytest.approx(198.4, abs=0.1))
    assert _one("oxygen 88 percent") == ("spo2", 88.0)
    assert _one("sats were 86") == ("spo2", 86.0)
    assert _one("pulse 48") == ("heart_rate", 48.0)
    assert _one("heart rate 130 bpm") == ("heart_rate", 130.0)
    assert _one("weight 212") == ("weight", 212.0)
    assert _one("I weighed 198 this morning") == ("weight", 198.0)
    assert _one("I weigh two hundred and twelve pounds") == ("weight", 212.0)
    assert _one("platelets 95,000") == ("platelets", 95.0)
    assert _one("a1c came back at 8.2") == ("hba1c", 8.2)
    assert _one("INR was 5.8") == ("inr", 5.8)
    assert _one("potassium was three point one") == ("potassium", 3.1)


def test_analyte_after_the_value() -> None:
    assert _one("I got a 61 on my sugar") == ("glucose", 61.0)
    assert _one("88 on the pulse ox") == ("spo2", 88.0)


def test_spans_point_into_the_original_text() -> None:
    text = "Well my sugar was sixty-one before lunch"
    (r,) = read_measurements(text)
    assert text[r.start:r.end] == "sixty-one" == r.text
    assert r.original_value == 61 and r.original_unit is None and r.unit == "mg/dL"


def test_qualifiers() -> None:
    (r,) = read_measurements("my sugar was over 300 last night")
    assert r.value == 300 and r.qualifier == ">"
    (r,) = read_measurements("sugar was under 50")
    assert r.qualifier == "<"


def test_flags_are_kept_when_asked() -> None:
    flagged = read_measurements("My husband's sugar was 300. The doctor wants my sugar under 130. Is 250 too high for sugar?",
                                include_flagged=True)
    assert [(r.value, r.other_person, r.target, r.question) for r in flagged] == [
        (300, True, False, False), (130, False, True, False), (250, False, False, True)]
    assert read_measurements("My sugar hasn't been over 200 in weeks", include_flagged=True)[0].negated
    assert read_measurements("if my sugar drops below 70 I drink juice", include_flagged=True)[0].hypothetical
    assert all(not r.current for r in flagged)


def test_old_value_of_a_change_is_not_current() -> None:
    assert [(r.value, r.earlier) for r in read_measurements("My A1C went from 9 to 7.4.", include_flagged=True)] == [(9, True), (7.4, False)]
    assert [r.value for r in read_measurements("My sugar dropped from 250 to 45.")] == [45]


def test_embedded_question_still_reports_the_value() -> None:
    assert [r.value for r in read_measurements("Not sure if my sugar at 61 is too low.")] == [61]
    assert read_measurements("What if my sugar drops to 40?") == []


@pytest.mark.parametrize("text", [
    "I feel about 80 percent better.",
    "I'm a hundred percent sure I took it.",
    "I can bend my knee to 90 degrees now.",
    "I got my knee to 110 degrees in therapy today.",
    "It's 95 degrees outside and I'm staying in.",
    "My numbers are on page 12.",
    "I'm 5 foot 6.",
    "I take Advair 250/50 twice a day.",
    "Take losartan-HCTZ 100/25 every morning.",
    "I have 3 more days of the antibiotic and my temperature is normal.",
    "I drink 2 liters of fluid a day and keep my sodium under 2000 mg.",
    "I use 2 liters of oxygen at night.",
    "The blood pressure cuff is 10 years old.",
    "I'm taking 20 mEq of potassium.",
    "My grandson had a fever of 103.",
    "She checks her sugar every day, it's usually 300.",
    "My temperature has never been over 100.",
    "Call me at 555-0142 after 3.",
])
def test_not_a_reading(text: str) -> None:
    assert read_measurements(text) == []


def test_plan_units_for_a_bare_value() -> None:
    (r,) = read_measurements("I weighed 92 this morning.", PLANS["hf"])  # this plan records weight in kg
    assert r.value == pytest.approx(202.8, abs=0.1) and r.assumed_unit == "kg"
    assert read_measurements("I weighed 203 this morning.", PLANS["hf"])[0].value == 203


@pytest.mark.parametrize(("context", "text", "expected"), [
    ("", "My BP's been running about 140s over 90s.", [("systolic_bp", 145), ("diastolic_bp", 95)]),
    ("", "My kidney function is at 42 percent.", [("egfr", 42)]),
    ("", "I didn't check my sugar today but yesterday it was 45.", [("glucose", 45)]),
    ("", "My potassium has been okay, it was 4.5 last time.", [("potassium", 4.5)]),
    ("", "My sugar's been fine, I was 203 this morning.", []),
    ("", "So um my sugar this morning was uh like two forty five.", [("glucose", 245)]),
    ("", "I have it written down: pressure 158/94, pulse 62, weight 241.",
     [("systolic_bp", 158), ("diastolic_bp", 94), ("heart_rate", 62), ("weight", 241)]),
    ("", "My INR's been 2.4, 2.6, and now 4.8.", [("inr", 2.4), ("inr", 2.6), ("inr", 4.8)]),
    ("", "It's 98 point 6 on the thermometer.", [("temperature", 98.6)]),
    ("", "my potassium was at 6 this morning", [("potassium", 6)]),
    ("", "I checked it at 7 this morning and my sugar was 61.", [("glucose", 61)]),
    ("", "Top 160, bottom 100.", [("systolic_bp", 160), ("diastolic_bp", 100)]),
    ("", "My total cholesterol is 220 and my HDL is 45.", []),
    ("", "I took 2 Tylenol at 6 and my fever broke.", []),
    ("How have your sugars been?", "On top of that, 250 this morning.", [("glucose", 250)]),
    ("How have your sugars been?", "Mostly 150s, one morning 52.", [("glucose", 155), ("glucose", 52)]),
    ("How have your sugars been?", "I don't check them, I have 5 strips left.", []),
    ("How have your sugars been?", "Good. My husband's was 300 though.", []),
    ("", "The nurse took my pressure and her machine said 150 over 90.", [("systolic_bp", 150), ("diastolic_bp", 90)]),
    ("", "My husband checks his blood sugar, it was 300.", []),
    ("", "My blood pressure pill is 50.", []),
    ("", "My sugar was 150 one day and 160 the next.", [("glucose", 150), ("glucose", 160)]),
    ("Have you checked your blood pressure and weight today?", "Yes, 150 over 90 and 203.",
     [("systolic_bp", 150), ("diastolic_bp", 90), ("weight", 203)]),
    ("How's your blood pressure?", "Yes, 50 every morning.", []),
    ("How's your blood pressure?", "I take my pills at 8 and 8.", []),
    ("Did you take your temperature?", "A hundred and one point two last night.", [("temperature", 101.2)]),
    ("What was your INR at the clinic?", "Five point two, they told me to hold tonight.", [("inr", 5.2)]),
    ("Can you read me the number on your pulse oximeter?", "It says 91.", [("spo2", 91)]),
    ("What was your a1c?", "Eight point four.", [("hba1c", 8.4)]),
])
def test_readings(context: str, text: str, expected: list[tuple[str, float]]) -> None:
    got = [(r.analyte, r.value) for r in read_measurements(text, context=context)]
    assert got == [(a, pytest.approx(v)) for a, v in expected]


def test_several_values_in_one_turn() -> None:
    got = [(r.analyte, r.value) for r in read_measurements("Pressure 150 over 90, pulse 48, sugar 61 and my weight was 212.")]
    assert got == [("systolic_bp", 150), ("diastolic_bp", 90), ("heart_rate", 48), ("glucose", 61), ("weight", 212)]


# --- weight changes ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "pounds", "days"), [
    ("I gained 4 pounds since yesterday", 4, 1),
    ("I'm up 3 pounds from yesterday.", 3, 1),
    ("My weight went up five pounds this week.", 5, 7),
    ("I put on like 6 pounds in the last 3 days", 6, 3),
    ("The scale said 212, that's up 3 pounds overnight.", 3, 1),
    ("I went from 198 to 203 on my scale over the past week.", 5, 7),
    ("I weighed 199 yesterday and 202 this morning.", 3, 1),
    ("I'm 5 pounds over my dry weight.", 5, None),
    ("I've gained two pounds.", 2, None),
    ("I lost 3 pounds this week.", -3, 7),
    ("Yesterday I weighed 199 and this morning 202.", 3, 1),
    ("I weigh 198 now but I weighed 193 last week.", 5, 7),
])
def test_weight_change(text: str, pounds: float, days: float | None) -> None:
    change = read_weight_change(text)
    assert change is not None
    assert change.pounds == pounds and change.days == days


def test_weight_change_with_context_and_weekday() -> None:
    change = read_weight_change("I was 201 yesterday and 204 today.", context="Have you weighed yourself this morning?")
    assert change is not None and (change.pounds, change.days) == (3, 1)
    change = read_weight_change("I'm up like 3 pounds since Monday.", today=dt.date(2026, 11, 26))  # a Thursday
    assert change is not None and (change.pounds, change.days) == (3, 3)


def test_a_sentence_that_names_the_measure_names_the_bare_numbers_after_it() -> None:
    # no weight question before it: the caller's own "the weights" sentence says what the list is
    change = read_weight_change("Okay now the weights, I write 'em on the calendar. Sunday two-eleven, Monday two-twelve, and "
                                "this morning two-seventeen on the nose.", today=TODAY, context="How has that been going?")
    assert change is not None and (change.pounds, change.days) == (6, 5)
    said = read_measurements("Oh, and I weighed this morning like they said. Two sixteen. Yesterday it was two twelve.")
    assert [(r.analyte, r.value) for r in said] == [("weight", 216), ("weight", 212)]


def test_a_finger_stick_is_the_inr_of_a_warfarin_plan_without_diabetes() -> None:
    said = "The home health nurse did my finger stick on Tuesday and it said five point eight."
    warfarin = careplans.load(ROOT / "tests" / "data" / "dev" / "plans" / "p02_afib_warfarin.yaml").plan
    assert [(r.analyte, r.value) for r in read_measurements(said, warfarin)] == [("inr", 5.8)]
    diabetes = careplans.load(ROOT / "tests" / "data" / "dev" / "plans" / "p06_t1dm_hypothyroid.json").plan
    assert [r.analyte for r in read_measurements("My finger stick said 142 this morning.", diabetes)] == ["glucose"]


def test_the_potassium_the_plan_prescribes_is_no_potassium_level() -> None:
    asked = "And are you taking your potassium chloride, insulin lispro and atorvastatin as prescribed?"
    assert read_measurements("The doctor said some fluid limit, what was it, two something?", context=asked) == []


@pytest.mark.parametrize("text", [
    "They told me to call if I gain 3 pounds in a day.",
    "I haven't gained any weight.",
    "My husband gained 10 pounds on vacation.",
    "I weighed 203 this morning.",
    "My sugar went up 40 points after lunch.",
    "I'm not supposed to gain more than 2 pounds a day.",
])
def test_not_a_weight_change(text: str) -> None:
    assert read_weight_change(text) is None


def test_weight_does_not_become_a_value() -> None:
    assert read_measurements("I gained 4 pounds since yesterday") == []
    assert [r.value for r in read_measurements("The scale said 212, that's up 3 pounds overnight.")] == [212]


# --- judgement helpers ---------------------------------------------------------------------------

def test_bounds_goal_overrides_reference() -> None:
    b = bounds_for("potassium", PLANS["hf"])
    assert (b.low, b.high, b.source) == (3.8, 5.0, "goal")
    b = bounds_for("glucose", PLANS["asthma"])
    assert (b.low, b.high, b.source) == (60, 200, "reference")
    b = bounds_for("systolic_bp", PLANS["htn"])  # goal gives only the top: the bottom is the reference's
    assert (b.low, b.high) == (90, 130)
    assert bounds_for("weight", PLANS["hf"]) is None
    assert bounds_for("creatinine", PLANS["warf"]).high == 1.1  # female range


def test_post_operative_plan() -> None:
    assert plan_is_post_operative(PLANS["postop"], TODAY)
    # Replayed long after: the plan's own newest record still dates the operation as recent.
    assert plan_is_post_operative(PLANS["postop"], TODAY + dt.timedelta(days=400))
    old = PLANS["postop"].model_copy(deep=True)
    old.labs = []
    old.title = "Check-in"
    old.appointments = []
    assert plan_is_post_operative(old, TODAY)
    assert not plan_is_post_operative(old, TODAY + dt.timedelta(days=120))
    assert not plan_is_post_operative(PLANS["hf"], TODAY)
    assert not plan_is_post_operative(PLANS["htn"], TODAY)


def test_guidance_and_evidence() -> None:
    ctx = TurnContext(plan=PLANS["hf"], turn=Utterance("patient", "potassium was three point one"), today=TODAY)
    result = SPEC.check(ctx)
    oor = next(f for f in result.findings if f.kind == "value_out_of_range")
    assert oor.evidence == "three point one" and "goal (3.8-5 mmol/L)" in (oor.message or "")
    assert any("Potassium 3.1" in g and "do not advise on doses" in g for g in result.guidance)


def test_agent_turns_are_not_judged() -> None:
    assert SPEC.speakers == frozenset({"patient"})


def test_latency() -> None:
    texts = [t for _, t, _, _ in CASES]
    ctxs = [TurnContext(plan=PLANS[p], turn=Utterance("patient", t), today=TODAY) for p, t, _, _ in CASES]
    for c in ctxs:
        SPEC.check(c)  # warm-up
    times = []
    for _ in range(3):
        for c in ctxs:
            t0 = time.perf_counter()
            SPEC.check(c)
            times.append((time.perf_counter() - t0) * 1000)
    assert len(times) == 3 * len(texts)
    assert statistics.mean(times) < 2.0


# --- values told through others, unnamed temperatures and weights, a caregiver speaking -----------

def _with(base: str, add: list[str], drop_targets: tuple[str, ...] = ()) -> CarePlan:
    """A bundled plan plus some drugs, without some goals (so the reference range applies)."""
    plan = PLANS[base].model_copy(deep=True)
    plan.medications = [*plan.medications, *(careplans.Medication(name=m) for m in add)]
    plan.targets = [t for t in plan.targets if t.analyte not in drop_targets]
    return plan


VARIANTS: dict[str, CarePlan] = {
    "steroid": _with("asthma", ["prednisone"]),                                  # no glucose goal: > 200 is high
    "steroid_dm": _with("htn", ["methylprednisolone"], drop_targets=("glucose",)),
    "ppi": _with("asthma", ["pantoprazole"]),
    "ppi_hf": _with("hf", ["omeprazole"]),
    "esome": _with("htn", ["esomeprazole"]),
}


def run_variant(plan: str, text: str, history: tuple[tuple[str, str], ...] = ()) -> tuple[set[tuple[str, ...]], str]:
    hist = [Utterance(s, t) for s, t in history]  # type: ignore[arg-type]
    p = VARIANTS[plan] if plan in VARIANTS else PLANS[plan]
    ctx = TurnContext(plan=p, turn=Utterance("patient", text), history=hist, identity_verified=True, today=TODAY)
    findings, _, _, level = combine({"labs": SPEC.check(ctx)})
    return {f.key() for f in findings if f.kind != "escalation"}, level


REPORTED_CASES: list[tuple[str, str, set[tuple[str, ...]], str]] = [
    # values reported through others (a pharmacy, the lab, a nurse): still the patient's own
    ("steroid", "They checked my sugar at the pharmacy, it was two forty-eight.", {vor("glucose", "high"), eff("glucose", "prednisone")}, "routine"),
    ("steroid", "I had my blood sugar done at the health fair on Saturday, and it came back three-ten.", {vor("glucose", "high"), eff("glucose", "prednisone")}, "routine"),
    ("steroid_dm", "My sugar was two sixty this morning, probably the Medrol.", {vor("glucose", "high"), eff("glucose", "methylprednisolone")}, "routine"),
    ("steroid", "They checked my sugar at the pharmacy, it was one ninety.", set(), "none"),
    ("hf", "I had my potassium drawn at the clinic on Tuesday and it came back at five point nine.",
     {vor("potassium", "high"), eff("potassium", "lisinopril"), eff("potassium", "spironolactone")}, "routine"),
    ("hf", "They told me the BNP was nine-forty.", {vor("bnp", "high")}, "routine"),
    ("warf", "The nurse told me my INR was five point six.", {vor("inr", "high"), eff("inr", "warfarin")}, "urgent"),
    ("hf", "The lab called, they said the sodium was one twenty-eight.", {vor("sodium", "low"), eff("sodium", "furosemide")}, "routine"),
    # proton-pump inhibitors lower magnesium (FDA 2011); the diuretic too
    ("ppi", "They said my magnesium was one point four.", {vor("magnesium", "low"), eff("magnesium", "pantoprazole")}, "routine"),
    ("esome", "My mag level came back at 1.3.", {vor("magnesium", "low"), eff("magnesium", "esomeprazole")}, "routine"),
    ("ppi_hf", "Magnesium was one point five on Monday.",
     {vor("magnesium", "low"), eff("magnesium", "omeprazole"), eff("magnesium", "furosemide")}, "routine"),
    ("ppi", "My magnesium was 2.0.", set(), "none"),
    # a temperature said without the word
    ("postop", "The incision is red and oozing, and I had a hundred and one point eight last night.", {vor("temperature", "high")}, "urgent"),
    ("htn", "My incision is red and draining and I was running a hundred and two.", {vor("temperature", "high")}, "urgent"),
    ("asthma", "I was running a hundred and one point five with the flu.", {vor("temperature", "high")}, "routine"),
    ("postop", "Last night I spiked to 102.4.", {vor("temperature", "high")}, "urgent"),
    ("asthma", "I was burning up last night, a hundred and two.", {vor("temperature", "high")}, "routine"),
    ("asthma", "I had a hundred things to do today.", set(), "none"),
    ("postop", "My knee bends to a hundred and ten now.", set(), "none"),
    ("asthma", "My fever broke, I had ninety-eight point six this morning.", set(), "none"),
    ("postop", "My knee incision is red and I had a hundred and one point four last night.", {vor("temperature", "high")}, "urgent"),
    ("postop", "I'm at 101.6 right now.", {vor("temperature", "high")}, "urgent"),
    ("postop", "No fever, and I can bend my knee to a hundred and five.", set(), "none"),
    ("asthma", "It was a hundred and two outside, I had the AC running at 75.", set(), "none"),
]


@pytest.mark.parametrize(("plan", "text", "expected", "level"), REPORTED_CASES, ids=[f"{p}:{t[:50]}" for p, t, _, _ in REPORTED_CASES])
def test_reported_values(plan: str, text: str, expected: set[tuple[str, ...]], level: str) -> None:
    found, got_level = run_variant(plan, text)
    assert found == expected
    assert got_level == level


CAREGIVER_CASES: list[tuple[str, str, tuple[tuple[str, str], ...], set[tuple[str, ...]]]] = [
    ("hf", "This is his wife. His sugar is forty-two and he's confused.", (), {vor("glucose", "low"), eff("glucose", "insulin glargine")}),
    ("htn", "I'm calling for my mother, her blood pressure was one sixty-eight over ninety-six this morning.", (),
     {vor("systolic_bp", "high"), vor("diastolic_bp", "high")}),
    ("hf", "Hi, I'm Maria, Walter's daughter. His potassium came back at 6.4.", (),
     {vor("potassium", "high"), eff("potassium", "lisinopril"), eff("potassium", "spironolactone")}),
    ("warf", "Her INR was four point one on Monday.", (("agent", "Am I speaking with the patient?"), ("patient", "No, I'm her son, she can't come to the phone.")),
     {vor("inr", "high"), eff("inr", "warfarin")}),
    ("htn", "Mom's sugar was fifty-five before lunch.", (("patient", "I'm calling on behalf of my mom."),), {vor("glucose", "low"), eff("glucose", "glipizide")}),
    # not the patient: no declaration, the caregiver's own value, another person
    ("hf", "My husband's blood sugar was 40.", (), set()),
    ("htn", "I'm calling for my mother. My own blood pressure was 170 over 100 today.", (), set()),
    ("htn", "This is her daughter. My neighbour's sugar was 45 yesterday.", (), set()),
]


@pytest.mark.parametrize(("plan", "text", "history", "expected"), CAREGIVER_CASES, ids=[t[:50] for _, t, _, _ in CAREGIVER_CASES])
def test_caregiver_speaks_for_the_patient(plan: str, text: str, history: tuple[tuple[str, str], ...], expected: set[tuple[str, ...]]) -> None:
    found, _ = run_variant(plan, text, history)
    assert found == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("I was two-twelve yesterday and this morning I'm two-sixteen.", [("weight", 212), ("weight", 216)]),
    ("I'm two-nineteen today, I was two-fifteen yesterday.", [("weight", 219), ("weight", 215)]),
    ("The scale said 216 this morning, it was 212 yesterday.", [("weight", 216), ("weight", 212)]),
    ("My sugar's been fine, I was 203 this morning.", []),
    ("I'm 65 and I was 70 when I retired.", []),
])
def test_unnamed_weights(text: str, expected: list[tuple[str, float]]) -> None:
    assert [(r.analyte, r.value) for r in read_measurements(text)] == expected


def test_weight_from_to_without_a_unit() -> None:
    change = read_weight_change("I went from 210 to 216 this week.")
    assert change is not None and change.pounds == 6 and change.days == 7
    assert read_weight_change("My sugar went from 210 to 216 this week.") is None


# A bare reading answers the question before it: a temperature asked for, a low asked about.
@pytest.mark.parametrize(("plan", "history", "text", "expected"), [
    ("postop", ("Could you take your temperature now while I wait?",), "Okay, it says one-oh-two point four.",
     vor("temperature", "high")),
    ("hf", ("I had a bad low in the night.", "How low was it?"), "Forty. I ate a banana and I'm okay now.",
     vor("glucose", "low")),
    ("hf", ("Any lows this week?",), "one night at forty seven, I had a juice and I'm fine", vor("glucose", "low")),
])
def test_a_bare_reading_answers_its_question(plan: str, history: tuple[str, ...], text: str, expected: tuple[str, ...]) -> None:
    found, _ = run(plan, text, history)
    assert expected in found, found


@pytest.mark.parametrize(("text", "expected"), [
    # the device the number was read on is not what it measures when the analyte was named first
    ("My pulse on the wrist cuff said forty-five", [("heart_rate", 45.0)]),
    ("my sugar on the meter was 62", [("glucose", 62.0)]),
    ("the cuff said forty-five", []),
    ("my blood pressure cuff said 150 over 90", [("systolic_bp", 150.0), ("diastolic_bp", 90.0)]),
    # a value pointing back from now takes the name said before, through that name's earlier value
    ("my weight was 210 on Saturday and this morning it's 217", [("weight", 210.0), ("weight", 217.0)]),
    ("the scale's been creeping, it was two-ten on Saturday and this morning it's two-seventeen",
     [("weight", 210.0), ("weight", 217.0)]),
    ("my sugar was 250 on Saturday and it was 5 days before I checked again", [("glucose", 250.0)]),
    # devices named as people name them: the clip on the finger, the glucose sensor
    ("The finger thing says eighty-one.", [("spo2", 81.0)]),
    ("my sensor said 54 this morning", [("glucose", 54.0)]),
    ("the sensor light on the car said 3", []),
    ("I checked my pulse on that little finger gadget my son bought me and it was fifty-two.", [("heart_rate", 52.0)]),
])
def test_values_read_on_a_device_and_then_versus_now(text: str, expected: list[tuple[str, float]]) -> None:
    assert [(r.analyte, r.value) for r in read_measurements(text)] == expected


@pytest.mark.parametrize(("text", "pounds", "days"), [
    # weights dated by a weekday, in kilograms: 4 kg is 8.8 lb over the four days since Monday (a Friday call)
    ("Monday sixty-six kilo, today seventy kilo.", 8.8, 4.0),
    # a scale said to read in kilos makes bare numbers kilograms: 2.6 kg since last Saturday
    ("The scale's in kilos. It says ninety-nine point six today and it was ninety-seven last Saturday.", 5.7, 6.0),
    ("I was 200 pounds on Monday and this morning I'm 207.", 7.0, 4.0),
])
def test_weights_dated_by_weekday_and_read_in_kilos(text: str, pounds: float, days: float) -> None:
    change = read_weight_change(text, today=dt.date(2026, 11, 27), context="Have you weighed yourself this morning?")
    assert change is not None
    assert change.pounds == pytest.approx(pounds, abs=0.1) and change.days == days


def test_a_bare_weight_is_kilos_only_when_the_scale_is_said_to_be() -> None:
    assert [round(r.value) for r in read_measurements("The scale's in kilos, it said ninety-six.") if r.analyte == "weight"] == [212]
    assert [r.value for r in read_measurements("My weight is ninety-six pounds.") if r.analyte == "weight"] == [96.0]


@pytest.mark.parametrize(("text", "expected"), [
    # the analyte's name as speech recognition splits it
    ("the lab lady rang said my pot assium was six point eight", [("potassium", 6.8)]),
    ("po tassium was two point seven they said", [("potassium", 2.7)]),
    # a low and its treatment told without naming the sugar
    ("I woke up sweaty at three, it was forty-five, ate a granola bar, rechecked and it was ninety-two.",
     [("glucose", 45.0), ("glucose", 92.0)]),
    ("By eleven I was forty-eight. Juice fixed me right up.", [("glucose", 48.0)]),
    # ... but not without the treatment, and never a clock time
    ("By eleven I was forty-eight and tired.", []),
    ("I rechecked at three and it was fine.", []),
])
def test_names_split_by_recognition_and_a_treated_low_told_without_a_name(text: str, expected: list[tuple[str, float]]) -> None:
    assert [(r.analyte, r.value) for r in read_measurements(text)] == expected


def test_a_telephone_number_is_no_value() -> None:
    from specialists.labs import read_measurements
    assert read_measurements("Will the nurse call back? My cell is 555-0147, or the house, 555-867-5309.") == []
    assert [r.value for r in read_measurements("My sugar was 147 this morning.")] == [147.0]
