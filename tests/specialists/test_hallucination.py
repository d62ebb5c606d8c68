"""Hallucination specialist: agent drafts checked against the care plan and the call so far.

Every draft below is written for these tests (not taken from any benchmark). Faithful drafts are the
hard negatives: they restate the plan in other words and must raise nothing.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from functools import cache

import pytest

import careplans
from specialists.base import TurnContext, Utterance
from specialists.findings import Finding
from specialists.hallucination import HallucinationSpecialist
from tests.conftest import EXAMPLES, SHARED_SAMPLES

TODAY = dt.date(2026, 11, 27)
PLANS = {
    "htn": SHARED_SAMPLES / "fhir" / "htn_t2dm_gout.json",
    "asthma": SHARED_SAMPLES / "fhir" / "asthma_anxiety.json",
    "hf": EXAMPLES / "heart_failure_ckd_diabetes.yaml",
    "warf": EXAMPLES / "anticoagulation_warfarin.yaml",
    "knee": EXAMPLES / "post_operative_knee.yaml",
}


# A plan unlike the bundled ones (COPD, CKD 4, depression, apixaban, mealtime insulin; a date-only
# appointment and a clinician written "Name, MD"), written for these tests.
COPD_PLAN = """\
id: probe-copd
title: COPD and kidney follow-up
summary: Monthly calls; COPD with two exacerbations last year, CKD stage 4, depression.
patient: {name: Harold James Whitfield, preferred_name: Hal, date_of_birth: "1949-11-03", sex: male}
conditions:
  - {name: "Chronic obstructive pulmonary disease, severe", onset: "2015-01-01"}
  - {name: Chronic kidney disease stage 4, onset: "2020-01-01"}
  - {name: Major depressive disorder, onset: "2019-01-01"}
  - {name: "Diabetes mellitus type II", onset: "2010-01-01"}
  - {name: Atrial fibrillation, onset: "2021-01-01"}
allergies:
  - {substance: Sulfa drugs, reaction: Rash}
medications:
  - {name: tiotropium, brand: Spiriva, display: Spiriva HandiHaler 18 mcg capsule for inhalation, strength: {value: 18, unit: mcg}, dose: {value: 18, unit: mcg}, dose_text: Inhale the contents of 1 capsule once daily, frequency: once daily, times_per_day: 1}
  - {name: albuterol, display: Albuterol HFA 90 mcg, dose: {value: 2, unit: puff}, dose_text: 2 puffs every 4 hours as needed, frequency: every 4 hours as needed, times_per_day: 6, as_needed: true}
  - {name: apixaban, brand: Eliquis, display: Apixaban 2.5 mg tablet, strength: {value: 2.5, unit: mg}, dose: {value: 2.5, unit: mg}, dose_text: Take 1 tablet by mouth twice daily, frequency: twice daily, times_per_day: 2}
  - {name: sertraline, brand: Zoloft, display: Sertraline 50 mg tablet, strength: {value: 50, unit: mg}, dose: {value: 50, unit: mg}, dose_text: Take 1 tablet by mouth every morning, frequency: once daily in the morning, times_per_day: 1}
  - {name: insulin lispro, brand: Humalog, dose: {value: 4, unit: units}, dose_text: Inject 4 units under the skin with each meal plus correction scale, frequency: three times daily with meals, times_per_day: 3}
  - {name: furosemide, brand: Lasix, display: Furosemide 20 mg tablet, strength: {value: 20, unit: mg}, dose: {value: 20, unit: mg}, dose_text: Take 1 tablet by mouth once daily, frequency: once daily, times_per_day: 1}
labs:
  - {analyte: egfr, value: 24, unit: mL/min/1.73m2, date: "2026-11-02"}
  - {analyte: potassium, value: 5.1, unit: mmol/L, date: "2026-11-02"}
  - {analyte: hba1c, value: 6.8, unit: "%", date: "2026-09-15"}
  - {analyte: spo2, value: 91, unit: "%", date: "2026-11-02"}
  - {analyte: hemoglobin, value: 10.4, unit: g/dL, date: "2026-11-02"}
targets:
  - {analyte: spo2, low: 88, high: 92, unit: "%", note: COPD target}
  - {analyte: potassium, low: 3.5, high: 5.3, unit: mmol/L}
appointments:
  - {when: "2026-12-14T13:15:00-06:00", with_whom: "Grace Oyelaran, MD", purpose: Pulmonology follow-up}
  - {when: "2026-12-02", with_whom: Eastside Nephrology, purpose: Kidney clinic}
checklist:
  - {id: breath, text: Ask about breathing and rescue inhaler use}
  - {id: mood, text: Ask about mood (PHQ-2)}
  - {id: bleed, text: Ask about bleeding on apixaban}
"""

# Coronary disease on nitrates with BPH, uncontrolled hypertension and a recent knee replacement; the
# checklist itself warns against decongestants and PDE5 inhibitors. Written for these tests.
CAD_PLAN = """\
id: probe-cad
title: Coronary disease and prostate follow-up
summary: Monthly calls after a stent; angina on nitrates, BPH, hypertension not yet controlled.
patient: {name: Kenji Robert Tanaka, preferred_name: Ken, date_of_birth: "1951-04-09", sex: male}
conditions:
  - {name: Coronary artery disease with stable angina, onset: "2022-01-01"}
  - {name: Benign prostatic hyperplasia, onset: "2018-01-01"}
  - {name: "Hypertension, uncontrolled", onset: "2010-01-01"}
  - {name: Status post left total knee arthroplasty, onset: "2026-11-10"}
allergies:
  - {substance: Sulfa drugs, reaction: Rash}
medications:
  - {name: isosorbide mononitrate, brand: Imdur, display: Isosorbide mononitrate ER 30 mg tablet, strength: {value: 30, unit: mg}, dose: {value: 30, unit: mg}, dose_text: Take 1 tablet by mouth every morning, frequency: once daily, times_per_day: 1, purpose: Prevents angina}
  - {name: nitroglycerin, display: Nitroglycerin 0.4 mg sublingual tablet, strength: {value: 0.4, unit: mg}, dose: {value: 0.4, unit: mg}, dose_text: Dissolve 1 tablet under the tongue every 5 minutes as needed for chest pain up to 3 doses, frequency: as needed, times_per_day: 3, as_needed: true}
  - {name: clopidogrel, brand: Plavix, display: Clopidogrel 75 mg tablet, strength: {value: 75, unit: mg}, dose: {value: 75, unit: mg}, dose_text: Take 1 tablet by mouth once daily, frequency: once daily, times_per_day: 1}
  - {name: amlodipine, display: Amlodipine 10 mg tablet, strength: {value: 10, unit: mg}, dose: {value: 10, unit: mg}, dose_text: Take 1 tablet by mouth once daily, frequency: once daily, times_per_day: 1}
  - {name: tamsulosin, brand: Flomax, display: Tamsulosin 0.4 mg capsule, strength: {value: 0.4, unit: mg}, dose: {value: 0.4, unit: mg}, dose_text: Take 1 capsule by mouth at bedtime, frequency: once daily at bedtime, times_per_day: 1}
  - {name: rosuvastatin, display: Rosuvastatin 20 mg tablet, strength: {value: 20, unit: mg}, dose: {value: 20, unit: mg}, dose_text: Take 1 tablet by mouth at night, frequency: once daily, times_per_day: 1}
  - {name: acetaminophen, display: Acetaminophen 500 mg tablet, strength: {value: 500, unit: mg}, dose: {value: 1000, unit: mg}, dose_text: Take 2 tablets every 8 hours as needed for knee pain, frequency: every 8 hours as needed, times_per_day: 3, as_needed: true}
labs:
  - {analyte: ldl, value: 88, unit: mg/dL, date: "2026-10-02"}
targets:
  - {analyte: systolic_bp, high: 130, unit: mmHg}
appointments:
  - {when: "2026-12-09T09:00:00-06:00", with_whom: Dr. Leonard Fisk, purpose: Cardiology follow-up}
checklist:
  - {id: chest, text: Ask about chest pain and nitroglycerin use}
  - {id: otc, text: "Remind: no decongestants such as Sudafed, and never take Viagra or Cialis with nitrates"}
  - {id: knee, text: Ask about knee pain and swelling after the knee replacement}
"""


@cache
def plan(key: str) -> careplans.CarePlan:
    if key == "copd":
        return careplans.load_from_text(COPD_PLAN, "copd.yaml").plan
    if key == "cad":
        return careplans.load_from_text(CAD_PLAN, "cad.yaml").plan
    return careplans.load(PLANS[key]).plan


SPEC = HallucinationSpecialist()


def claim_types(key: str, draft: str, history: Sequence[tuple[str, str]] = ()) -> set[str]:
    ctx = TurnContext(plan=plan(key), turn=Utterance("agent", draft),
                      history=[Utterance(s, t) for s, t in history], identity_verified=True, today=TODAY)  # type: ignore[arg-type]
    result = SPEC.check(ctx)
    assert all(f.kind == "unsupported_claim" for f in result.findings)
    return {f.claim_type for f in result.findings if f.claim_type}


FAITHFUL = [
    # doses, in the plan's words and in others
    ("htn", "Your losartan dose is 50 mg once a day."),
    ("htn", "You take one tablet of losartan, fifty milligrams, every day, once a day."),
    ("htn", "Losartan: 1 tablet (50 mg) by mouth once daily."),
    ("htn", "Your glipizide is 5 mg twice a day, about half an hour before breakfast and before supper."),
    ("htn", "You're on glipizide five milligrams two times a day."),
    ("htn", "Keep taking your allopurinol 100 mg once daily, even when you don't have a flare."),
    ("asthma", "Your fluticasone is two puffs twice a day; rinse your mouth afterwards."),
    ("asthma", "Your albuterol is 2 puffs every 4 to 6 hours as needed for wheezing."),
    ("asthma", "You take montelukast 10 mg once a day in the evening."),
    ("asthma", "Your escitalopram is 10 milligrams once daily."),
    ("hf", "Your furosemide is 40 mg twice a day, morning and early afternoon."),
    ("hf", "You're on carvedilol 12.5 mg twice daily with food and lisinopril 10 mg once a day."),
    ("hf", "Your Lantus is 18 units at bedtime."),
    ("hf", "Your insulin glargine dose is eighteen units every night at bedtime."),
    ("hf", "You take a baby aspirin, 81 mg, once a day."),
    ("hf", "The atorvastatin is 40 milligrams at night."),
    ("warf", "Your warfarin is 5 mg once a day in the evening."),
    ("warf", "You take one 5 milligram Coumadin tablet every evening."),
    ("warf", "Your levothyroxine is 75 micrograms every morning on an empty stomach."),
    ("warf", "For knee pain you can take two Tylenol up to three times a day, no more than 3000 mg a day."),
    ("warf", "Metoprolol 25 mg twice a day is what's on your list."),
    ("knee", "Your enoxaparin is 40 mg once a day by injection."),
    ("knee", "Take two acetaminophen 500 mg tablets every 8 hours."),
    ("knee", "You can take one oxycodone every 6 hours if the pain is severe."),
    ("knee", "Your docusate is 100 mg twice a day while you're on the oxycodone."),
    # labs and vitals
    ("htn", "Your A1c from October was 7.9."),
    ("htn", "Your hemoglobin A1c came back at 7.9 on October 14th."),
    ("htn", "In October your potassium was 4.2 and your creatinine was 0.9."),
    ("htn", "At the October visit your blood pressure was 138 over 84."),
    ("htn", "Your A1c was almost 8 last time."),
    ("hf", "Your potassium on November 16 was 4.7, which is in your goal range."),
    ("hf", "Your kidney function, the eGFR, was 41."),
    ("hf", "Your dry weight at discharge was about 197 pounds."),
    ("hf", "Your BNP was 410 in November."),
    ("warf", "Your last INR was 2.6, right in your goal range of 2 to 3."),
    ("warf", "Your INR goal is 2 to 3."),
    ("knee", "Your temperature at discharge was 37.4 degrees Celsius."),
    ("asthma", "Your oxygen level was 97 percent at your last visit."),
    ("htn", "Your goal is to keep your top number under 130."),
    ("htn", "Your A1c goal is below 7.5."),
    ("hf", "We want your sugars between 80 and 180."),
    # appointments
    ("htn", "Your next appointment is with Dr. Helena Morris on Friday, December 11th at 9:30 in the morning."),
    ("htn", "You'll see Dr. Morris on December 11 at half past nine."),
    ("asthma", "Your follow-up with Dr. Mensah is on January 5th at 9 AM."),
    ("hf", "Your blood draw at the Lakeside lab is Tuesday, December 1st at 8 a.m."),
    ("hf", "You have a visit with Dr. Natarajan on Thursday, December 3 at 10:30."),
    ("hf", "Dr. Okafor will see you on January 12 at 2 in the afternoon."),
    ("warf", "Your INR check at the Riverside Anticoagulation Clinic is on December 8 at 9:15 AM."),
    ("warf", "Your cardiology follow-up with Dr. Vasquez is on February 16th at 1:30 pm."),
    ("knee", "Your wound check with Dr. Feld is Sunday, December 6 at 11."),
    ("knee", "Physical therapy is scheduled for Monday, November 30 at 3 pm."),
    # conditions
    ("htn", "Because of your diabetes, it's important to keep checking your sugars."),
    ("htn", "Your gout has been quiet since the summer, which is great."),
    ("htn", "With your high blood pressure, try to keep salt down."),
    ("asthma", "Since you have asthma with aspirin sensitivity, please avoid ibuprofen and naproxen."),
    ("asthma", "How has your anxiety been this month?"),
    ("hf", "With your heart failure, weigh yourself every morning."),
    ("hf", "Your kidney disease is one reason we watch your potassium."),
    ("warf", "Warfarin protects you from a stroke because of your atrial fibrillation."),
    ("warf", "Your thyroid condition is treated with the levothyroxine."),
    ("knee", "After your right knee replacement, keep doing your exercises."),
    # generic safe lines, questions, negations, other people
    ("hf", "Please keep taking your medicines as prescribed."),
    ("hf", "I'll let your nurse know, and a nurse will call you today."),
    ("hf", "If you have chest pain or trouble breathing, call 911 right away."),
    ("htn", "Are you taking any ibuprofen or naproxen?"),
    ("htn", "Please don't take ibuprofen for your knee; it can raise your blood pressure."),
    ("asthma", "Ibuprofen isn't safe for you because of your aspirin allergy."),
    ("warf", "Avoid aspirin, ibuprofen and naproxen while you're on warfarin."),
    ("warf", "Don't stop your warfarin without talking to Dr. Vasquez first."),
    ("htn", "Please don't double up on your glipizide if you miss a dose."),
    ("hf", "Do you have any swelling in your ankles?"),
    ("htn", "Heart attack warning signs include chest pressure and shortness of breath."),
    ("htn", "I'm sorry to hear your cousin had a heart attack."),
    ("htn", "If your sugar drops below 70, have some juice and recheck in 15 minutes."),
    ("hf", "Call us if your weight goes up 3 pounds in a day or 5 pounds in a week."),
    ("htn", "Many people with diabetes check their sugar before meals."),
    ("knee", "It's normal to have some swelling around the knee after surgery."),
    ("warf", "Are you taking your warfarin every evening?"),
    ("hf", "I'll ask Dr. Natarajan whether your furosemide dose should change."),
    ("hf", "Your doctor may want to adjust your insulin."),
    # longer, chattier drafts
    ("htn", "Thanks, Dolores. I see you take losartan 50 mg once a day, glipizide 5 mg twice a day, and allopurinol "
            "100 mg once a day. How have you been doing with them?"),
    ("htn", "I'm glad you're feeling well! Just to confirm, you're taking losartan 50 milligrams each morning, correct?"),
    ("htn", "Your last A1c was 7.9, which is a bit above your target of 7.5. Dr. Morris may talk with you about that "
            "at your visit on December 11th."),
    ("htn", "Let's review your medications: losartan, glipizide and allopurinol."),
    ("htn", "Please bring your glucose log and your losartan, glipizide and allopurinol bottles to the visit."),
    ("htn", "Metformin is another common diabetes medicine, but it's not on your list."),
    ("htn", "I don't see metformin on your medication list."),
    ("htn", "Your fasting sugar was 152 in October, which is within your 80 to 180 range."),
    ("htn", "Since you're diabetic, check your feet every day."),
    ("htn", "A normal A1c is below 5.7, and your goal is below 7.5."),
    ("htn", "A sugar over 300 needs a call to the doctor."),
    ("htn", "Any blood pressure above 180 over 110 is an emergency."),
    ("asthma", "Thomas, your Flovent is your controller inhaler: two puffs morning and evening, every day, even when you feel fine."),
    ("asthma", "Your rescue inhaler is albuterol; use 2 puffs when you're wheezing, up to every 4 hours."),
    ("asthma", "Your oxygen saturation goal is 94% or higher."),
    ("asthma", "Your heart rate was 76 and your blood pressure 122/78 on November 5."),
    ("asthma", "With your aspirin allergy, Advil, Motrin and Aleve are all off-limits."),
    ("hf", "Your blood draw is next Tuesday at 8, then you see Dr. Natarajan Thursday at 10:30."),
    ("hf", "Your blood draw is on December 1 at 8 AM and your visit with Dr. Natarajan is on December 3 at 10:30 AM."),
    ("hf", "Your diabetes and kidney follow-up with Dr. Okafor is January 12, 2027 at 2:00 p.m."),
    ("hf", "Since you have CKD stage 3b, we avoid NSAIDs."),
    ("hf", "A weight gain of 3 pounds in a day or 5 pounds in a week means we need to hear from you."),
    ("hf", "Please don't use salt substitutes, since they contain potassium and you're on spironolactone."),
    ("hf", "Don't take any extra doses of furosemide without calling us."),
    ("warf", "Your INR of 2.6 on the 10th was right on target."),
    ("warf", "Because of your AFib, the warfarin lowers your stroke risk."),
    ("warf", "Your hemoglobin was 12.9 and your platelets were 228 in October."),
    ("warf", "Ibuprofen and naproxen can raise your bleeding risk with warfarin, so please avoid them."),
    ("warf", "Leafy greens have vitamin K, which can change your INR, so keep them steady."),
    ("knee", "Your fever limit is 100.3; call if it's 101 or higher."),
    ("knee", "Keep taking the Tylenol 1,000 mg every 8 hours, and don't go over 3,000 mg a day."),
    ("knee", "Your wound check and staple removal is Sunday, December 6 at 11 with Dr. Feld."),
    ("knee", "Your PT is Monday at 3."),
    ("knee", "Constipation is common with oxycodone, which is why you take the Colace."),
    ("knee", "Keep your leg elevated and use ice for 20 minutes at a time."),
    ("copd", "Your Spiriva is one capsule inhaled once a day."),
    ("copd", "Your tiotropium is 18 micrograms once daily."),
    ("copd", "Your Eliquis is 2.5 mg twice a day."),
    ("copd", "Keep taking your Zoloft 50 mg every morning."),
    ("copd", "Your Humalog is 4 units with each meal."),
    ("copd", "Your oxygen goal is 88 to 92 percent."),
    ("copd", "Your oxygen was 91% last time, which is within your goal."),
    ("copd", "Your eGFR was 24 in November, and your potassium of 5.1 is within your goal."),
    ("copd", "Your pulmonology follow-up with Dr. Oyelaran is December 14 at 1:15 pm."),
    ("copd", "Your kidney clinic visit is December 2."),
    ("copd", "Because of your COPD and your kidney disease, we watch your medicines closely."),
    ("copd", "Because of your type 2 diabetes, you take Humalog with meals."),
    ("copd", "Your depression has been better since the Zoloft."),
    ("copd", "With your CKD stage 4, avoid ibuprofen."),
    ("copd", "Your AFib is why you take the Eliquis, your blood thinner."),
    ("copd", "Your water pill is furosemide, 20 mg once a day."),
    ("copd", "Please avoid Bactrim because of your sulfa allergy."),
    ("copd", "Take 2 puffs of albuterol every 4 hours if you are short of breath."),
]

UNFAITHFUL = [
    # dose
    ("htn", "Your losartan dose is 100 mg once a day.", {"dose"}),
    ("htn", "You take losartan 50 mg twice a day.", {"dose"}),
    ("htn", "Your glipizide is 10 milligrams twice daily.", {"dose"}),
    ("htn", "You take your glipizide once a day with breakfast.", {"dose"}),
    ("asthma", "Your fluticasone is four puffs twice a day.", {"dose"}),
    ("asthma", "Your montelukast is 10 mg every morning.", {"dose"}),
    ("hf", "Your furosemide is 80 mg twice a day.", {"dose"}),
    ("hf", "Your Lantus dose is 28 units at bedtime.", {"dose"}),
    ("hf", "You're on lisinopril 20 milligrams daily.", {"dose"}),
    ("warf", "Your warfarin is 7.5 mg every evening.", {"dose"}),
    ("warf", "Keep taking your levothyroxine 100 micrograms every morning.", {"dose"}),
    ("knee", "Your enoxaparin is 40 mg twice a day.", {"dose"}),
    # lab values
    ("htn", "Your A1c from October was 8.4.", {"lab_value"}),
    ("htn", "Your A1c in September was 7.9.", {"lab_value"}),
    ("htn", "Your potassium was 5.8 at your last check.", {"lab_value"}),
    ("hf", "Your potassium came back at 5.6 on November 16.", {"lab_value"}),
    ("hf", "Your BNP was 1200.", {"lab_value"}),
    ("warf", "Your last INR was 3.8.", {"lab_value"}),
    ("warf", "Your INR goal is 2.5 to 3.5.", {"lab_value"}),
    ("htn", "Your A1c goal is below 7.", {"lab_value"}),
    ("asthma", "Your last A1c was 6.2.", {"lab_value"}),
    ("htn", "At the October visit your blood pressure was 152 over 96.", {"lab_value"}),
    ("knee", "Your white count after surgery was 14.2.", {"lab_value"}),
    # appointments
    ("asthma", "Your next appointment is with Dr. Kwame Mensah on Wednesday, January 5, at 9 in the morning.", {"appointment"}),
    ("asthma", "Your next appointment is with Dr. Mensah on January 12 at 9 AM.", {"appointment"}),
    ("asthma", "Your follow-up with Dr. Mensah is on January 5 at 2 pm.", {"appointment"}),
    ("htn", "Your next appointment is with Dr. Patel on December 11 at 9:30.", {"appointment"}),
    ("htn", "You'll see Dr. Morris next on Thursday, December 10.", {"appointment"}),
    ("hf", "Your blood draw is on December 2 at 8 in the morning.", {"appointment"}),
    ("hf", "Your heart failure visit with Dr. Okafor is December 3 at 10:30.", {"appointment"}),
    ("warf", "Your INR check is scheduled for December 15.", {"appointment"}),
    ("knee", "Your wound check with Dr. Feld is on Monday, December 7.", {"appointment"}),
    # medication not on the plan, presented as the patient's
    ("htn", "Keep taking your metformin with breakfast.", {"medication"}),
    ("htn", "Are you taking your metformin twice a day?", {"medication"}),
    ("htn", "How are you doing with your lisinopril?", {"medication"}),
    ("asthma", "Remember to take your sertraline every morning.", {"medication"}),
    ("hf", "Your metoprolol helps your heart rate.", {"medication"}),
    ("warf", "Keep using your Eliquis every day.", {"medication"}),
    ("knee", "You've been taking Norco for the pain, right?", {"medication"}),
    ("htn", "Please keep taking your water pill every morning.", {"medication"}),
    ("asthma", "Your blood thinner can cause bruising.", {"medication"}),
    ("warf", "Did you take your insulin this morning?", {"medication"}),
    # diagnosis
    ("asthma", "Since your COPD is stable, keep using your fluticasone.", {"diagnosis"}),
    ("htn", "Your heart failure means we watch your weight closely.", {"diagnosis"}),
    ("asthma", "How is your diabetes doing?", {"diagnosis"}),
    ("warf", "Because you have chronic kidney disease, we check your labs often.", {"diagnosis"}),
    ("hf", "Your type 1 diabetes needs the bedtime insulin.", {"diagnosis"}),
    ("knee", "After your left knee replacement, keep up the exercises.", {"diagnosis"}),
    ("htn", "How has your depression been lately?", {"diagnosis"}),
    ("knee", "With your atrial fibrillation, the enoxaparin is extra important.", {"diagnosis"}),
    # instruction
    ("htn", "You can double your glipizide if your sugar is high.", {"instruction"}),
    ("warf", "You can stop your warfarin for a few days before the dentist.", {"instruction"}),
    ("hf", "Skip your insulin tonight since you didn't eat much.", {"instruction"}),
    ("asthma", "It's fine to take ibuprofen for your back.", {"instruction"}),
    ("warf", "Go ahead and take Advil for the knee pain.", {"instruction"}),
    ("hf", "Naproxen should be fine for your headache.", {"instruction"}),
    ("warf", "Take two Tylenol every four hours.", {"instruction"}),
    ("hf", "Take an extra furosemide today since your ankles are swollen.", {"instruction"}),
    ("hf", "Increase your Lantus to 22 units tonight.", {"instruction"}),
    ("htn", "If you feel dizzy, you can skip your losartan.", {"instruction"}),
    ("hf", "Make sure you drink plenty of fluids, at least three liters a day.", {"instruction"}),
    ("htn", "Just double your dose tomorrow to make up for it.", {"instruction"}),
    ("knee", "You don't need to take the enoxaparin anymore.", {"instruction"}),
    ("knee", "You can take two oxycodone every four hours.", {"instruction"}),
    ("asthma", "You can stop the montelukast if you feel fine.", {"instruction"}),
    ("htn", "Your last A1c was 7.9, which is a bit above your target of 7.", {"lab_value"}),
    ("htn", "Please bring your losartan, glipizide and metformin bottles to the visit.", {"medication"}),
    ("htn", "Let's review your medications: losartan, glipizide, metformin and allopurinol.", {"medication"}),
    ("htn", "Your medicines are losartan, glipizide, and atorvastatin.", {"medication"}),
    ("htn", "I see metformin on your medication list.", {"medication"}),
    ("htn", "Colchicine 0.6 mg twice a day can help with the flare.", {"instruction"}),
    ("htn", "You could try a half dose of glipizide if you're eating less.", {"instruction"}),
    ("htn", "It's okay to skip your glipizide on days you skip breakfast.", {"instruction"}),
    ("htn", "Your pulse was 88 at the visit.", {"lab_value"}),
    ("htn", "You're due to see Dr. Helena Morris on Thursday the 11th at 9:30.", {"appointment"}),
    ("asthma", "As a diabetic, you should check your feet.", {"diagnosis"}),
    ("asthma", "Your escitalopram 10 mg helps with your depression.", {"diagnosis"}),
    ("asthma", "Dr. Ferrante will see you on January 5.", {"appointment"}),
    ("asthma", "Your oxygen saturation goal is 92% or higher.", {"lab_value"}),
    ("asthma", "Take 4 puffs of your albuterol every 2 hours.", {"instruction"}),
    ("hf", "Your blood draw is next Tuesday at 8, then you see Dr. Natarajan Friday at 10:30.", {"appointment"}),
    ("hf", "Since you have CKD stage 4, we avoid NSAIDs.", {"diagnosis"}),
    ("hf", "You don't need to worry about salt.", {"instruction"}),
    ("hf", "You may take one extra furosemide tablet if you gain 3 pounds overnight.", {"instruction"}),
    ("hf", "Your Lantus 18 units goes in at bedtime, and your Humalog with meals.", {"medication"}),
    ("hf", "Your Entresto is twice a day.", {"medication"}),
    ("hf", "Take your water pill at bedtime so you don't have to get up at night.", {"instruction"}),
    ("hf", "Your potassium was 4.7, a little high.", {"lab_value"}),
    ("warf", "Your INR of 2.6 on the 12th was right on target.", {"lab_value"}),
    ("warf", "Your INR was 2.6, a bit below your goal.", {"lab_value"}),
    ("warf", "Because of your history of stroke, the warfarin is important.", {"diagnosis"}),
    ("warf", "A baby aspirin a day is fine with your warfarin.", {"instruction"}),
    ("warf", "You can have Tylenol, up to eight tablets a day.", {"instruction"}),
    ("warf", "Your heart rate goal is under 100.", {"lab_value"}),
    ("warf", "Dr. Reed will see you on February 16 at 1:30.", {"appointment"}),
    ("knee", "Your hip replacement is healing well.", {"diagnosis"}),
    ("knee", "Your PT is Tuesday at 3.", {"appointment"}),
    ("knee", "Your Zofran can be used every 4 hours for nausea.", {"dose"}),
    ("knee", "Take Colace 200 mg twice a day.", {"instruction"}),
    ("copd", "Your Spiriva is two puffs twice a day.", {"dose"}),
    ("copd", "Your Eliquis is 5 mg twice a day.", {"dose"}),
    ("copd", "Your Humalog is 10 units with each meal.", {"dose"}),
    ("copd", "Your Lantus is 20 units at bedtime.", {"medication"}),
    ("copd", "Your oxygen goal is 94% or higher.", {"lab_value"}),
    ("copd", "Your oxygen was 91% last time, which is below your goal.", {"lab_value"}),
    ("copd", "Your pulmonology follow-up with Dr. Oyelaran is December 14 at 2:15 pm.", {"appointment"}),
    ("copd", "Your kidney clinic visit is December 2 at 10 AM.", {"appointment"}),
    ("copd", "Your heart failure is stable.", {"diagnosis"}),
    ("copd", "With your CKD stage 3, avoid ibuprofen.", {"diagnosis"}),
    ("copd", "You can take Advil for your back.", {"instruction"}),
    ("copd", "Take your rescue inhaler every 2 hours.", {"instruction"}),
    # two claim types at once
    ("htn", "Your A1c was 9.1 and your losartan is 100 mg a day.", {"lab_value", "dose"}),
    ("asthma", "Keep taking your metformin, and since your COPD is better you can stop the fluticasone.",
     {"medication", "diagnosis", "instruction"}),
]

HISTORY = [
    # the plan's own regimen, after the patient asked "is that morning and night, or just the once?": "twice daily" still
    # makes "1 tablet (2.5 mg)" one dose, not a day's total (it was blocked as an unsupported dose)
    ("copd", [("patient", "And the Eliquis, is that morning and night, or just the once?")],
     "For the Eliquis (apixaban), your care plan says to take 1 tablet (2.5 mg) twice daily.", set()),
    # the patient said it earlier: supported
    ("htn", [("patient", "I've been taking Allegra for my allergies.")], "Thanks, I'll add your Allegra to the list.", set()),
    ("htn", [("patient", "My blood pressure was one fifty-two over ninety-six this morning.")],
     "Thanks. 152 over 96 is higher than your goal of 130 on the top number.", set()),
    ("htn", [("patient", "My sugar was 61 before lunch.")], "A sugar of 61 is below your goal of 80, so I'll let the nurse know.", set()),
    ("htn", [("patient", "I have arthritis in my knees too.")], "I'm sorry your arthritis is acting up.", set()),
    # the agent answers a question about a drug without naming it
    ("htn", [("patient", "How much losartan am I on?")], "You're on 100 mg once a day.", {"dose"}),
    ("htn", [("patient", "How much losartan am I on?")], "You take one 50 mg tablet once a day.", set()),
    # the agent misquotes what the patient said
    ("htn", [("patient", "My sugar was 250 this morning.")], "A reading of 205 is above your goal.", {"lab_value"}),
    # direction of a quoted goal
    ("htn", [("patient", "My blood pressure was 124 over 78.")], "124 over 78 is above your goal.", {"lab_value"}),
    ("htn", [("patient", "My blood pressure was 124 over 78.")], "124 over 78 is within your goal.", set()),
    # the agent repeats the patient's own report (then corrects it): supported
    ("htn", [("patient", "I take 100 of the losartan every morning.")],
     "Okay, so you take 100 mg of losartan each morning. The plan says 50 mg, so I'll check with Dr. Morris.", set()),
    ("htn", [("patient", "I take my glipizide once a day.")],
     "Thanks. You take your glipizide once a day; it's supposed to be twice a day.", set()),
    # "that" refers to the reading the patient just gave
    ("htn", [("patient", "My blood pressure was 124 over 78.")], "That's higher than your goal, so I'll tell Dr. Morris.",
     {"lab_value"}),
    ("htn", [("patient", "My sugar was sixty-one before lunch.")], "That is below your goal of 80. Did you treat it?", set()),
    ("htn", [("patient", "My sugar was 170 after dinner.")], "That's too high.", {"lab_value"}),
    ("hf", [("patient", "I weighed 199 this morning.")],
     "Good morning, Walt. 199 pounds is about 2 pounds above your dry weight of 197.", set()),
    # what the agent itself said earlier from the plan is supported again
    ("hf", [("agent", "Your furosemide is 40 mg twice a day."), ("patient", "Okay, and how much is that a day?")],
     "That's 80 mg of furosemide a day in total.", set()),
]


@pytest.mark.parametrize(("key", "draft"), FAITHFUL)
def test_faithful_drafts_raise_nothing(key: str, draft: str) -> None:
    assert claim_types(key, draft) == set()


@pytest.mark.parametrize(("key", "draft", "expected"), UNFAITHFUL)
def test_unsupported_claims(key: str, draft: str, expected: set[str]) -> None:
    assert claim_types(key, draft) == expected


@pytest.mark.parametrize(("key", "history", "draft", "expected"), HISTORY)
def test_conversation_supports_claims(key: str, history: list[tuple[str, str]], draft: str, expected: set[str]) -> None:
    assert claim_types(key, draft, history) == expected


def test_one_finding_per_claim_type_with_evidence() -> None:
    ctx = TurnContext(plan=plan("htn"), turn=Utterance("agent", "Your losartan is 100 mg. Your glipizide is 10 mg."),
                      identity_verified=True, today=TODAY)
    findings = SPEC.check(ctx).findings
    assert [f.claim_type for f in findings] == ["dose"]
    assert findings[0].evidence and "50 mg" in findings[0].evidence
    assert findings[0].urgency == "none"


def test_latency_per_draft() -> None:
    drafts = [d for _, d in FAITHFUL] + [d for _, d, _ in UNFAITHFUL]
    keys = [k for k, _ in FAITHFUL] + [k for k, _, _ in UNFAITHFUL]
    for k, d in zip(keys, drafts, strict=True):
        claim_types(k, d)  # warm-up
    t0 = time.perf_counter()
    for k, d in zip(keys, drafts, strict=True):
        claim_types(k, d)
    mean_ms = (time.perf_counter() - t0) * 1000 / len(drafts)
    assert mean_ms < 5.0


# -- a drug the plan lacks, asked about as if the patient were on it ---------------------------------
PRESENTED_AS_THEIRS = [
    ("htn", "How has the Wellbutrin been working for you?"),
    ("htn", "Is the Zoloft helping?"),
    ("htn", "Any side effects from the Lipitor?"),
    ("hf", "How are you doing on the Entresto?"),
    ("hf", "Since starting the Jardiance, have you noticed more trips to the bathroom?"),
    ("hf", "Have you had any dizziness with the Entresto?"),
    ("warf", "How is the Eliquis working out?"),
    ("warf", "Any bleeding on the Xarelto?"),
    ("asthma", "How's the Symbicort been working?"),
    ("asthma", "Has the Advair made a difference?"),
    ("asthma", "Did the prednisone help your breathing?"),
    ("knee", "Is the gabapentin helping with the nerve pain?"),
    ("copd", "How has the Wellbutrin been working for you?"),
    ("cad", "How is the Viagra working for you?"),
    ("htn", "Is the Trintellix helping?"),  # a brand the knowledge tables lack: the drug dictionary knows it
    ("htn", "Trintellix working okay for you?"),
    ("htn", "Any side effects from the Welchol?"),
    ("htn", "Did you pick up the Eliquis from the pharmacy?"),
    ("htn", "Do you need a refill on the metformin?"),
    ("htn", "Have you missed any doses of the metformin?"),
    ("htn", "When did you last take the metformin?"),
    ("htn", "Do you have enough Wellbutrin until your next visit?"),
    ("htn", "Dr. Morris added Wellbutrin to your list."),
    ("htn", "Never take Viagra with your nitrates."),  # "your nitrates": the plan has none
    ("htn", "Keep taking your beta blocker every day."),
    ("htn", "Does the Zoloft make you sleepy?"),
    ("htn", "Wellbutrin is one of your medications, right?"),
    ("htn", "With the Wellbutrin, are you sleeping okay?"),
    ("htn", "How many Wellbutrin do you take a day?"),
    ("htn", "How long have you been on the Wellbutrin?"),
    ("htn", "What dose of Wellbutrin are you on now?"),
    ("htn", "Do you still have some of the Wellbutrin at home?"),
    ("htn", "Are you still taking metformin?"),
    ("asthma", "Your anxiety is treated with sertraline."),
]
NOT_PRESENTED = [
    ("htn", "How has the losartan been working for you?"),  # plan drugs
    ("htn", "Any side effects from the glipizide?"),
    ("htn", "Is the Cozaar helping your blood pressure?"),
    ("copd", "How is the Zoloft helping your mood?"),
    ("asthma", "Is the Singulair still working?"),
    ("hf", "Keep taking your beta blocker every day."),
    ("htn", "Have you ever taken Wellbutrin?"),  # asks, presents nothing
    ("htn", "Are you taking any Wellbutrin?"),
    ("htn", "Has your doctor ever prescribed Wellbutrin?"),
    ("htn", "Do you know what Wellbutrin is used for?"),
    ("htn", "Wellbutrin is a common antidepressant."),
    ("htn", "Ozempic has been working well for a lot of my patients."),
    ("htn", "Side effects from metformin can include stomach upset."),
    ("htn", "Have you ever had problems with Lipitor?"),
    ("htn", "I don't see Wellbutrin on your list."),
    ("htn", "Wellbutrin isn't on your list, so let's check with Dr. Morris."),
    ("htn", "Please pick up some Tylenol if you need it."),
    ("htn", "Does Zoloft make people sleepy?"),
    ("htn", "Do you take Tylenol?"),
    ("htn", "Do you ever take Advil?"),
    ("htn", "Have you been taking Advil?"),
    ("htn", "Wellbutrin isn't one of your medications."),
    ("htn", "Is Tylenol okay to take with your losartan?"),
]


@pytest.mark.parametrize(("key", "draft"), PRESENTED_AS_THEIRS)
def test_off_plan_drug_asked_about_as_theirs(key: str, draft: str) -> None:
    assert claim_types(key, draft) == {"medication"}


@pytest.mark.parametrize(("key", "draft"), NOT_PRESENTED)
def test_drug_not_presented_as_theirs(key: str, draft: str) -> None:
    assert claim_types(key, draft) == set()


@pytest.mark.parametrize(("key", "said", "draft"), [
    ("htn", "My psychiatrist started me on Wellbutrin last month.", "How has the Wellbutrin been working for you?"),
    ("hf", "I've been taking ibuprofen for my back.", "Is the ibuprofen helping your back?"),
    ("asthma", "The urgent care gave me prednisone.", "Did the prednisone help your breathing?"),
])
def test_asking_about_a_drug_the_patient_named(key: str, said: str, draft: str) -> None:
    assert claim_types(key, draft, [("patient", said)]) == set()


# -- warnings: naming drugs to avoid does not present them as the patient's --------------------------
WARNINGS = [
    ("cad", "Remember, no decongestants like Sudafed, and never take Viagra or Cialis with your nitrates."),
    ("cad", "Please don't take Sudafed or any decongestant."),
    ("cad", "Never take Viagra or Cialis with your Imdur."),
    ("cad", "Avoid Viagra, Cialis and Levitra because of your nitroglycerin."),
    ("cad", "Remember that your Imdur and Viagra don't mix."),
    ("cad", "Your Imdur and Viagra can't be taken together."),
    ("cad", "Erectile dysfunction pills like Viagra are not safe with your nitrates."),
    ("cad", "Mixing Viagra with your nitroglycerin can drop your blood pressure dangerously."),
    ("cad", "Don't take any Advil."),
    ("hf", "Please avoid ibuprofen and naproxen."),
    ("hf", "Don't take any Advil or Aleve, they're hard on your kidneys."),
    ("hf", "Remember: no NSAIDs like Advil or Aleve."),
    ("hf", "Steer clear of Advil and Aleve."),
    ("warf", "Remember, no aspirin, ibuprofen or naproxen while you're on warfarin."),
    ("warf", "Please don't take any aspirin or Advil unless Dr. Vasquez says it's okay."),
    ("asthma", "Please stay away from Advil, Motrin and Aleve."),
    ("copd", "No Advil or Motrin, please."),
    ("htn", "Please avoid Sudafed."),
    ("knee", "Skip the Advil and Aleve; stick with your Tylenol."),
]


@pytest.mark.parametrize(("key", "draft"), WARNINGS)
def test_warnings_name_drugs_without_claiming_them(key: str, draft: str) -> None:
    assert claim_types(key, draft) == set()


@pytest.mark.parametrize(("key", "draft"), [
    ("cad", "It's fine to take Sudafed for your cold."),  # the plan's checklist and uncontrolled hypertension rule it out
    ("cad", "You can take Cialis, just not on the same day as your nitro."),  # PDE5 inhibitor with a nitrate
    ("hf", "Naproxen should be fine for your back."),
])
def test_permitting_a_drug_the_plan_rules_out(key: str, draft: str) -> None:
    assert claim_types(key, draft) == {"instruction"}


# -- the scripted primary's reviewed lines, supported by the patient turn's findings -----------------
def _f(kind: str, drug: str, **extra: str) -> Finding:
    return Finding(kind=kind, drug=drug, **extra)  # type: ignore[arg-type]


REVIEWED = [
    ("knee", "I took 12 extra strength Tylenol yesterday.", [_f("dose_exceeds_max", "acetaminophen")],
     "Please stop taking acetaminophen for now: the amount you described is more than the safe daily limit. I'm flagging "
     "this, and a nurse will call you today. If you start to feel unwell, call 911."),
    ("htn", "I took about 12 extra strength Tylenol yesterday.", [_f("dose_exceeds_max", "acetaminophen")],
     "Please stop taking acetaminophen for now: the amount you described is more than the safe daily limit. I'm flagging "
     "this, and a nurse will call you today. If you start to feel unwell, call 911."),
    ("warf", "I took two Advil this morning.", [_f("interaction", "ibuprofen", **{"with": "warfarin"})],
     "Ibuprofen can interact with your warfarin, so please don't take any more until you've talked with your care team. "
     "A nurse will call you today."),
    ("hf", "Can I take Motrin for my back?", [_f("contraindicated", "ibuprofen")],
     "I'd hold off on ibuprofen, because it may not be safe with your health conditions. I'll let your care team know so "
     "they can suggest something that's right for you."),
    ("hf", "My wife gave me some of her amoxicillin.", [_f("contraindicated", "amoxicillin")],
     "Your care plan lists an allergy that may apply to amoxicillin, so please don't take any more. A nurse will call you today."),
    ("hf", "What's the furosemide for?", [],
     "In your care plan, your furosemide is for: water pill for fluid build-up from heart failure."),
    ("hf", "When is my next appointment?", [],
     "Your next appointment is on Tuesday, December 1 at 8 AM with Lakeside lab, for your blood work (kidney function and potassium)."),
    ("hf", "Sure.", [],
     "Let's go over your medicines. Are you taking your furosemide, carvedilol and lisinopril as prescribed, and have you "
     "missed any doses?"),
    ("hf", "I've been taking ibuprofen for my back.", [_f("not_in_care_plan", "ibuprofen")],
     "Thanks for letting me know you're taking ibuprofen. I'll add it to the notes for your care team so your medication "
     "list stays up to date."),
]


def _claims_with(key: str, draft: str, history: Sequence[tuple[str, str]], findings: Sequence[Finding]) -> set[str]:
    ctx = TurnContext(plan=plan(key), turn=Utterance("agent", draft), history=[Utterance(s, t) for s, t in history],  # type: ignore[arg-type]
                      identity_verified=True, today=TODAY, patient_findings=tuple(findings))
    return {f.claim_type for f in SPEC.check(ctx).findings if f.claim_type}


@pytest.mark.parametrize(("key", "said", "findings", "draft"), REVIEWED)
def test_reviewed_primary_lines_pass(key: str, said: str, findings: list[Finding], draft: str) -> None:
    assert _claims_with(key, draft, [("patient", said)], findings) == set()


def test_stopping_a_plan_drug_needs_a_finding() -> None:
    draft = REVIEWED[0][3]
    assert _claims_with("knee", draft, [("patient", "My knee hurts.")], []) == {"instruction"}
    # the finding alone (the patient turn not yet in the history) supports both the drug and the stop
    assert _claims_with("knee", draft, [], [_f("dose_exceeds_max", "acetaminophen")]) == set()
    assert _claims_with("hf", REVIEWED[-1][3], [], []) == {"medication"}  # the patient never said it


@pytest.mark.parametrize(("key", "draft", "expected"), [
    ("htn", "You were diagnosed with CKD last year, so we watch your kidneys.", {"diagnosis"}),
    ("knee", "Since your left knee was replaced, keep it elevated.", {"diagnosis"}),
    ("knee", "Your staples come out on December 8.", {"appointment"}),
    ("copd", "You can use your albuterol every hour if needed.", {"instruction"}),
    ("htn", "Go ahead and take half your glipizide until you see Dr. Morris.", {"instruction"}),
    ("hf", "Your fluid limit is 3 liters a day.", {"instruction"}),
    ("hf", "Your salt limit is 4 grams a day.", {"instruction"}),
    ("hf", "You had a heart attack in 2019, right?", {"diagnosis"}),  # a tag question states it
    ("hf", "I'll let Dr. Patel know about the swelling.", {"appointment"}),  # no Dr. Patel on the plan
    ("htn", "Your losartan-HCTZ keeps your pressure down.", {"medication"}),
    # faithful counterparts
    ("hf", "Have you ever had a heart attack?", set()),
    ("hf", "You have heart failure, correct?", set()),
    ("hf", "I'll let Dr. Natarajan know about the swelling.", set()),
    ("hf", "Please call Dr. Okafor's office if your sugars run high.", set()),
    ("asthma", "Your anxiety is treated with escitalopram.", set()),
    ("asthma", "Anxiety is often treated with sertraline.", set()),
    ("knee", "Since your right knee was replaced, keep it elevated.", set()),
    ("knee", "Your staples come out on December 6.", set()),
    ("copd", "Use your albuterol every 4 hours if needed.", set()),
    ("htn", "Were you ever diagnosed with kidney disease?", set()),
    ("hf", "Remember your 2 liter fluid limit and 2 grams of salt.", set()),
    ("hf", "Keep fluids under 64 ounces a day.", set()),
    ("hf", "Try to keep sodium under 2,000 mg a day.", set()),
    ("hf", "Take your 40 mg furosemide with a glass of water, and keep salt low.", set()),
    # two appointments in one sentence: each date is checked against its own appointment
    ("warf", "I'd like to check on the December 8 INR check and February 16 cardiology visits.", set()),
    ("hf", "Your visits are December 3 with the heart clinic and January 12 with Dr. Okafor.", set()),
    ("warf", "I'd like to check on the December 9 INR check and February 16 cardiology visits.", {"appointment"}),
    ("hf", "You see Dr. Natarajan on January 12 and Dr. Okafor on December 3.", {"appointment"}),
])
def test_more_claim_shapes(key: str, draft: str, expected: set[str]) -> None:
    assert claim_types(key, draft) == expected


def test_a_clinician_the_patient_named_is_supported() -> None:
    said = [("patient", "My daughter took me to see Dr. Patel at urgent care.")]
    assert claim_types("hf", "I'll let your care team know that Dr. Patel saw you.", said) == set()


@pytest.mark.parametrize(("key", "draft", "expected"), [
    # "your <description> is <drug>" names the patient's drug
    ("hf", "Your water pill is Bumex.", {"medication"}),
    ("knee", "Your blood thinner is warfarin.", {"medication"}),
    ("asthma", "Your controller inhaler is Symbicort.", {"medication"}),
    ("htn", "Your blood pressure pill is lisinopril.", {"medication"}),
    ("asthma", "Your rescue inhaler is Ventolin.", set()),
    ("hf", "Your water pill is Lasix.", set()),
    ("warf", "You have arthritis in both knees, so Tylenol is your best option.", set()),
    # a strength said without its unit
    ("hf", "Keep taking Lasix 80 twice a day.", {"dose"}),
    ("hf", "You're taking 80 of the Lasix twice a day, right?", {"dose"}),
    ("warf", "Your thyroid pill is Synthroid 100.", {"dose"}),
    ("hf", "Your Lantus 28 at bedtime.", {"dose"}),
    ("hf", "Keep taking Lasix 40 twice a day.", set()),
    ("warf", "Your thyroid pill is Synthroid 75.", set()),
    ("hf", "Take your Lasix 8 am and 2 pm.", set()),
    ("hf", "Your Lasix, 2 times a day.", set()),
    ("hf", "Your carvedilol 12.5 twice a day with food.", set()),
    # course length
    ("knee", "You are on enoxaparin for 4 weeks.", {"dose"}),
    ("knee", "Keep doing the enoxaparin for two weeks.", set()),
    ("knee", "Your enoxaparin shots are for 14 days after surgery.", set()),
    # the other joint
    ("knee", "You had your right hip replaced on November 22.", {"diagnosis"}),
    # less common conditions
    ("htn", "How is your sciatica?", {"diagnosis"}),
    ("warf", "Is your vertigo any better?", {"diagnosis"}),
    ("copd", "How is your chronic bronchitis?", set()),
    ("htn", "Do you have any hernias?", set()),
])
def test_drug_names_strengths_and_courses(key: str, draft: str, expected: set[str]) -> None:
    assert claim_types(key, draft) == expected


@pytest.mark.parametrize(("key", "draft", "expected"), [
    # food, meal timing and "only when needed" against the order
    ("warf", "You can take your levothyroxine with breakfast.", {"instruction"}),
    ("htn", "Take the glipizide after meals.", {"instruction"}),
    ("asthma", "Use the Flovent only when you're wheezing.", {"instruction"}),
    ("htn", "Take your allopurinol only during a flare.", {"instruction"}),
    ("hf", "Take your carvedilol with food.", set()),
    ("warf", "Don't take your levothyroxine with breakfast.", set()),
    ("warf", "Take your levothyroxine on an empty stomach, then wait 30 minutes before breakfast.", set()),
    ("asthma", "Use your albuterol only when you need it.", set()),
    ("asthma", "Keep using the Flovent every day, not only when you are wheezing.", set()),
    ("htn", "Take your glipizide about 30 minutes before breakfast and supper.", set()),
    # stopping the home monitoring the plan asks for
    ("hf", "You don't need to weigh yourself every day anymore.", {"instruction"}),
    ("htn", "You don't need to check your sugar anymore.", {"instruction"}),
    ("hf", "Keep weighing yourself every morning.", set()),
    ("hf", "You don't need to check your blood pressure more than once a day.", set()),
    ("htn", "If your sugar is normal for a week, you don't need to check your sugar at bedtime.", set()),
])
def test_regimen_details_and_monitoring(key: str, draft: str, expected: set[str]) -> None:
    assert claim_types(key, draft) == expected


@pytest.mark.parametrize(("key", "draft", "expected"), [
    # a stop said of the drug by a pronoun later in its sentence, given as leave
    ("cad", "The Plavix was only for the stent, so you can stop it next week.", {"instruction"}),
    ("cad", "The Flomax, you can keep taking it at bedtime like always.", set()),
    ("cad", "The Plavix, please don't stop it unless Dr. Fisk tells you to.", set()),
    # leave given with words in between: "a Sudafed in the morning should be fine"
    ("cad", "A Sudafed in the morning should be fine for that.", {"instruction"}),
])
def test_stops_and_leave_said_after_the_name(key: str, draft: str, expected: set[str]) -> None:
    assert claim_types(key, draft) == expected


def test_a_plan_that_forbids_the_stop_does_not_support_it() -> None:
    """ "do not stop unless the cardiologist says so" names a stop only to forbid it."""
    text = CAD_PLAN.replace("dose_text: Take 1 tablet by mouth once daily, frequency: once daily, times_per_day: 1}\n  - {name: amlodipine",
                            "dose_text: Take 1 tablet by mouth once daily; do not stop unless the cardiologist says so, frequency: "
                            "once daily, times_per_day: 1}\n  - {name: amlodipine", 1)
    assert "do not stop" in text
    strict = careplans.load_from_text(text, "cad-strict.yaml").plan
    ctx = TurnContext(plan=strict, turn=Utterance("agent", "Go ahead and stop the Plavix this week."), identity_verified=True,
                      today=TODAY)  # type: ignore[arg-type]
    assert {f.claim_type for f in SPEC.check(ctx).findings} == {"instruction"}


@pytest.mark.parametrize(("draft", "expected"), [
    # a visit named by what is done there, at a place the plan books it with: that appointment's own date
    ("His swallowing evaluation at Lakeshore Speech Therapy is Thursday, December 10th at 9:30.", set()),
    ("His swallowing evaluation at Lakeshore Speech Therapy is Thursday, December 3rd at 11 a.m.", {"appointment"}),
    # two appointments in one sentence, each with its own clinician, day and time
    ("He sees Dr. Miriam Okafor on Thursday, December 3rd at 11 a.m., and Dr. Glen Haverford on January 19th at 2 p.m.", set()),
    ("He sees Dr. Miriam Okafor on Thursday, December 3rd at 11 a.m., and Dr. Glen Haverford on January 21st at 2 p.m.",
     {"appointment"}),
    # an ordinal of a floor is no day of the month
    ("The neurology visit is Thursday, December 3rd at 11 a.m., on the second floor.", set()),
])
def test_appointments_named_by_place_or_listed_together(draft: str, expected: set[str]) -> None:
    parkinsons = careplans.load(EXAMPLES.parents[1] / "tests" / "data" / "spec_dev" / "plans" / "p16_parkinsons_bph.yaml").plan
    ctx = TurnContext(plan=parkinsons, turn=Utterance("agent", draft), identity_verified=True, today=TODAY)  # type: ignore[arg-type]
    assert {f.claim_type for f in SPEC.check(ctx).findings} == expected
