"""The medication specialist end to end: patient sentences against care plans -> CONTRACT §3 findings
and the escalation each warrants (shared/samples/README.md conventions).

Each case lists every finding the turn warrants (kind and contract keys) and the escalation level;
hard negatives (negations, questions, someone else's drug, refills next week, amounts under the
maximum, safe drugs) are in the same table.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from pathlib import Path

import pytest

import careplans
from careplans.loader import load_from_text
from specialists.base import TurnContext, Utterance
from specialists.medication import MedicationSpecialist, classify_mention
from specialists.panel import combine
from specialists.registry import get
from specialists.text import drugs as drug_text

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "careplans" / "examples"
DEV_PLANS = ROOT / "tests" / "data" / "dev" / "plans"
SAMPLES = next(p for p in (ROOT.parent / "shared" / "samples", ROOT / "tests" / "data" / "public_samples")
               if (p / "specialist_cases.jsonl").exists())
TODAY = dt.date(2026, 11, 27)

# Coronary disease on a nitrate, an SSRI, BPH, poorly controlled hypertension, CKD stage 4, a sulfa
# allergy, a potassium-sparing diuretic, a combination tablet and a prescribed NSAID.
CAD_PLAN = """
id: test-cad-bph
patient: {name: Harold Tester, date_of_birth: "1958-04-02", sex: male}
conditions:
  - {name: Coronary artery disease with stable angina}
  - {name: Benign prostatic hyperplasia}
  - {name: "Hypertension, poorly controlled"}
  - {name: Major depressive disorder}
  - {name: Chronic kidney disease stage 4}
allergies: [{substance: Sulfa drugs}]
medications:
  - {name: isosorbide mononitrate, brand: Imdur, strength: {value: 30, unit: mg}, dose: {value: 30, unit: mg}, times_per_day: 1}
  - {name: sertraline, brand: Zoloft, strength: {value: 50, unit: mg}, dose: {value: 50, unit: mg}, times_per_day: 1}
  - {name: lisinopril / hydrochlorothiazide, brand: Zestoretic, dose: {value: 1, unit: tablet}, times_per_day: 1}
  - {name: tamsulosin, brand: Flomax, strength: {value: 0.4, unit: mg}, dose: {value: 0.4, unit: mg}, times_per_day: 1}
  - {name: nitroglycerin, display: Nitroglycerin 0.4 mg sublingual tablet, as_needed: true}
  - {name: spironolactone, strength: {value: 25, unit: mg}, dose: {value: 25, unit: mg}, times_per_day: 1}
  - {name: ibuprofen, display: Ibuprofen 400 mg tablet, strength: {value: 400, unit: mg}, dose: {value: 400, unit: mg}, times_per_day: 3}
"""

# Hypothyroidism and osteoporosis on levothyroxine and vitamin D3, with a penicillin anaphylaxis.
THYROID_PLAN = """
id: test-thyroid
patient: {name: Ada Tester, date_of_birth: "1952-06-01", sex: female}
conditions: [{name: Hypothyroidism}, {name: Postmenopausal osteoporosis}]
allergies: [{substance: Penicillin, reaction: Anaphylaxis, severity: severe, criticality: high}]
medications:
  - {name: levothyroxine, brand: Synthroid, strength: {value: 75, unit: mcg}, dose: {value: 75, unit: mcg}, times_per_day: 1}
  - {name: cholecalciferol, display: Vitamin D3 1000 units, times_per_day: 1}
  - {name: alendronate, brand: Fosamax, strength: {value: 70, unit: mg}, dose: {value: 70, unit: mg}, frequency: weekly}
"""

# Chronic back pain on an opioid, an SNRI and an SSRI.
PAIN_PLAN = """
id: test-pain
patient: {name: Cal Tester, date_of_birth: "1961-09-09", sex: male}
conditions: [{name: Chronic low back pain}, {name: Major depressive disorder}]
medications:
  - {name: oxycodone, display: Oxycodone 5 mg tablet, strength: {value: 5, unit: mg}, dose: {value: 5, unit: mg}, times_per_day: 4, as_needed: true}
  - {name: duloxetine, brand: Cymbalta, strength: {value: 60, unit: mg}, dose: {value: 60, unit: mg}, times_per_day: 1}
  - {name: sertraline, brand: Zoloft, strength: {value: 50, unit: mg}, dose: {value: 50, unit: mg}, times_per_day: 1}
"""

# Atrial fibrillation on apixaban, with diabetes, cholesterol and depression drugs.
AFIB_PLAN = """
id: test-afib
patient: {name: Eli Tester, date_of_birth: "1948-02-02", sex: male}
conditions: [{name: Atrial fibrillation}, {name: Type 2 diabetes mellitus}, {name: Hyperlipidemia}, {name: Depression}]
medications:
  - {name: apixaban, brand: Eliquis, strength: {value: 5, unit: mg}, dose: {value: 5, unit: mg}, times_per_day: 2}
  - {name: metformin, brand: Glucophage, strength: {value: 500, unit: mg}, dose: {value: 500, unit: mg}, times_per_day: 2}
  - {name: atorvastatin, brand: Lipitor, strength: {value: 40, unit: mg}, dose: {value: 40, unit: mg}, times_per_day: 1}
  - {name: sertraline, brand: Zoloft, strength: {value: 100, unit: mg}, dose: {value: 100, unit: mg}, times_per_day: 1}
"""

# Hip osteoarthritis on scheduled acetaminophen (2 x 500 mg every 8 hours = 3,000 mg a day).
OA_PLAN = """
id: test-oa
patient: {name: Flo Tester, date_of_birth: "1956-03-03", sex: female}
conditions: [{name: Osteoarthritis of the right hip}]
medications:
  - {name: acetaminophen, brand: Tylenol, strength: {value: 500, unit: mg}, dose: {value: 1000, unit: mg}, times_per_day: 3, dose_text: Take 2 tablets every 8 hours}
"""

MENTION, NOT_ON_PLAN, MISSED, DOSE, CONTRA = ("medication_mentioned", "not_in_care_plan", "missed_doses",
                                              "dose_exceeds_max", "contraindicated")


@pytest.fixture(scope="module")
def plans() -> dict[str, careplans.CarePlan]:
    drug_text.preload()
    return {
        "hf": careplans.load(EXAMPLES / "heart_failure_ckd_diabetes.yaml").plan,
        "warfarin": careplans.load(EXAMPLES / "anticoagulation_warfarin.yaml").plan,
        "knee": careplans.load(EXAMPLES / "post_operative_knee.yaml").plan,
        "asthma": careplans.load(SAMPLES / "fhir" / "asthma_anxiety.json").plan,
        "gout": careplans.load(SAMPLES / "fhir" / "htn_t2dm_gout.json").plan,
        "cad": load_from_text(CAD_PLAN, "cad plan").plan,
        "thyroid": load_from_text(THYROID_PLAN, "thyroid plan").plan,
        "pain": load_from_text(PAIN_PLAN, "pain plan").plan,
        "afib": load_from_text(AFIB_PLAN, "afib plan").plan,
        "oa": load_from_text(OA_PLAN, "oa plan").plan,
    }


@pytest.fixture(scope="module")
def specialist() -> MedicationSpecialist:
    return MedicationSpecialist()


def judge(spec: MedicationSpecialist, plan: careplans.CarePlan, text: str, history: tuple[str, ...] = ()):
    """Findings as {(kind, key...)} plus the escalation the panel would raise."""
    hist = [Utterance("agent" if i % 2 == 0 else "patient", h) for i, h in enumerate(history)]
    result = spec.check(TurnContext(plan=plan, turn=Utterance("patient", text), history=hist, today=TODAY))
    findings, _, _, level = combine({"medication": result})
    keys = set()
    for f in findings:
        if f.kind == "escalation":
            continue
        keys.add((f.kind, f.drug, f.with_) if f.kind == "interaction" else (f.kind, f.drug))
    return keys, level, result


def M(drug: str) -> tuple[str, str]:
    return (MENTION, drug)


def N(drug: str) -> tuple[str, str]:
    return (NOT_ON_PLAN, drug)


def X(drug: str) -> tuple[str, str]:
    return (MISSED, drug)


def D(drug: str) -> tuple[str, str]:
    return (DOSE, drug)


def C(drug: str) -> tuple[str, str]:
    return (CONTRA, drug)


def I(drug: str, with_: str) -> tuple[str, str, str]:  # noqa: E743
    return ("interaction", drug, with_)


CASES: list[tuple[str, str, set[tuple[str, ...]], str]] = [
    # --- the public sample's medication cases, reworded --------------------------------------------
    ("gout", "I take my Cozaar every morning with breakfast.", {M("losartan")}, "none"),
    ("gout", "I ran out of the allopurinol last week and haven't picked it up.", {M("allopurinol"), X("allopurinol")}, "routine"),
    ("asthma", "I've been taking Allegra for my allergies.", {M("fexofenadine"), N("fexofenadine")}, "routine"),
    ("gout", "My knee hurts so I took three extra strength Tylenol every four hours yesterday, five times.",
     {M("acetaminophen"), N("acetaminophen"), D("acetaminophen")}, "urgent"),
    ("asthma", "Can I take Motrin for my back?", {M("ibuprofen"), C("ibuprofen")}, "routine"),
    ("asthma", "My dentist gave me tramadol and I took one this morning.",
     {M("tramadol"), N("tramadol"), I("tramadol", "escitalopram")}, "urgent"),
    ("asthma", "My rescue inhaler isn't working.", {M("albuterol")}, "none"),
    # --- taking plan drugs, by brand, generic, description ------------------------------------------
    ("hf", "I take my Lasix, Coreg and lisinopril every morning.", {M("furosemide"), M("carvedilol"), M("lisinopril")}, "none"),
    ("hf", "My water pill makes me pee all night.", {M("furosemide")}, "none"),
    ("warfarin", "I take the blood thinner every evening at six.", {M("warfarin")}, "none"),
    ("hf", "I take a baby aspirin every day.", {M("aspirin")}, "none"),
    ("cad", "I take my Zestoretic every morning.", {M("lisinopril"), M("hydrochlorothiazide")}, "none"),
    ("gout", "I take my sugar pill twice a day.", {M("glipizide")}, "none"),
    ("knee", "I took the oxy code own at two this afternoon.", {M("oxycodone")}, "none"),
    ("hf", "My lie sin a pril is fine, no cough.", {M("lisinopril")}, "none"),
    ("gout", "I take my losarten every day.", {M("losartan")}, "none"),
    ("hf", "I never miss my Lasix.", {M("furosemide")}, "none"),
    ("hf", "No problems with the Coreg.", {M("carvedilol")}, "none"),
    # --- missed doses ---------------------------------------------------------------------------------
    ("gout", "I forgot my glipizide this morning.", {M("glipizide"), X("glipizide")}, "routine"),
    ("gout", "I haven't taken my losartan in 3 days.", {M("losartan"), X("losartan")}, "routine"),
    ("gout", "I missed a few doses of allopurinol.", {M("allopurinol"), X("allopurinol")}, "routine"),
    ("gout", "I stopped taking the allopurinol because it upset my stomach.", {M("allopurinol"), X("allopurinol")}, "routine"),
    ("hf", "I skipped my long-acting insulin last night because my sugar was low.",
     {M("insulin glargine"), X("insulin glargine")}, "routine"),
    ("hf", "The pharmacy was out of my Lasix so I haven't had it for two days.", {M("furosemide"), X("furosemide")}, "routine"),
    ("hf", "I haven't been taking my spironolactone because it makes me dizzy.", {M("spironolactone"), X("spironolactone")}, "routine"),
    ("hf", "I don't take the aspirin anymore.", {M("aspirin"), X("aspirin")}, "routine"),
    ("hf", "I didn't take my Lasix this morning because I had to go out.", {M("furosemide"), X("furosemide")}, "routine"),
    ("hf", "I take my Lasix. I forgot it yesterday though.", {M("furosemide"), X("furosemide")}, "routine"),
    ("hf", "I take Lasix but I stopped the Coreg last week.", {M("furosemide"), M("carvedilol"), X("carvedilol")}, "routine"),
    ("cad", "I ran out of the hydrochlorothiazide.", {M("hydrochlorothiazide"), X("hydrochlorothiazide")}, "routine"),
    ("warfarin", "I keep forgetting my Synthroid.", {M("levothyroxine"), X("levothyroxine")}, "routine"),
    ("hf", "I ran out of my Lipitor a week ago.", {M("atorvastatin"), X("atorvastatin")}, "routine"),
    # stopped, left out or left behind, said of the drug further on in its sentence
    ("hf", "That Coreg made me so lightheaded getting up at night to pee, I quit it on Saturday.",
     {M("carvedilol"), X("carvedilol")}, "routine"),
    ("hf", "The Lasix, it has me running to the bathroom all day, so I've been leaving it out.", {M("furosemide"), X("furosemide")}, "routine"),
    ("hf", "The Lipitor, my stomach's been good so I haven't bothered with it the last couple weeks.",
     {M("atorvastatin"), X("atorvastatin")}, "routine"),
    ("hf", "The lisinopril, I've been out for about five days, the refill got lost in the mail.", {M("lisinopril"), X("lisinopril")}, "routine"),
    ("hf", "I left the lisinopril in the glove box and the car was at my brother's, so two days without.",
     {M("lisinopril"), X("lisinopril")}, "routine"),
    ("hf", "My daughter took me to Florida for a week and the Lipitor stayed home on the counter.",
     {M("atorvastatin"), X("atorvastatin")}, "routine"),
    # hard negatives for missed doses
    ("gout", "I need a refill on my glipizide next week.", {M("glipizide")}, "none"),
    ("hf", "I'm running low on my Lasix.", {M("furosemide")}, "none"),
    ("hf", "I'll run out of Coreg next week so I need a refill.", {M("carvedilol")}, "none"),
    ("asthma", "I haven't needed my rescue inhaler this week.", {M("albuterol")}, "none"),
    ("knee", "I didn't need the oxycodone last night.", {M("oxycodone")}, "none"),
    ("knee", "I haven't taken any of the Zofran, no nausea.", {M("ondansetron")}, "none"),
    ("hf", "Should I stop taking my Lasix if I'm dizzy?", {M("furosemide")}, "none"),
    ("hf", "I take my Lasix so I don't run out of breath.", {M("furosemide")}, "none"),
    # --- drugs not on the plan ------------------------------------------------------------------------
    ("asthma", "I took NyQuil last night.",
     {M("acetaminophen"), N("acetaminophen"), M("dextromethorphan"), N("dextromethorphan"), M("doxylamine"), N("doxylamine")}, "routine"),
    ("gout", "I took Sudafed for my cold.", {M("pseudoephedrine"), N("pseudoephedrine")}, "routine"),
    ("hf", "No, I take Tylenol when I have a headache.", {M("acetaminophen"), N("acetaminophen")}, "routine"),
    ("hf", "Tylenol works fine for me.", {M("acetaminophen"), N("acetaminophen")}, "routine"),
    ("asthma", "I started Lamictal last week for my moods.", {M("lamotrigine"), N("lamotrigine")}, "routine"),
    ("warfarin", "I took some meth for men this morning.", {M("metformin"), N("metformin")}, "routine"),
    ("asthma", "I took Augmentin for a sinus infection last week.",
     {M("amoxicillin"), N("amoxicillin"), M("clavulanate"), N("clavulanate")}, "routine"),
    ("gout", "I took my husband's Ambien last night.", {M("zolpidem"), N("zolpidem")}, "routine"),
    ("cad", "I take Zoloft and I started Mucinex for the cough.", {M("sertraline"), M("guaifenesin"), N("guaifenesin")}, "routine"),
    ("asthma", "I've been taking Zertec every day.", {M("cetirizine"), N("cetirizine")}, "routine"),
    ("knee", "I took 2 Percocet last night.", {M("oxycodone"), M("acetaminophen")}, "none"),
    # hard negatives: someone else's drug, questions, negations, talk about a drug
    ("asthma", "My wife takes Xanax for her nerves.", {M("alprazolam")}, "none"),
    ("asthma", "My son has asthma too and he uses albuterol.", {M("albuterol")}, "none"),
    ("hf", "My husband's Ambien helps him sleep.", {M("zolpidem")}, "none"),
    ("asthma", "Is Zyrtec okay to take?", {M("cetirizine")}, "none"),
    ("asthma", "What is Singulair for?", {M("montelukast")}, "none"),
    ("asthma", "I'm thinking about trying Claritin.", {M("loratadine")}, "none"),
    ("asthma", "I read about Ozempic on the news.", {M("semaglutide")}, "none"),
    ("asthma", "I didn't take any Advil, I know I'm not supposed to.", {M("ibuprofen")}, "none"),
    ("asthma", "I never take Advil.", {M("ibuprofen")}, "none"),
    ("asthma", "My doctor told me never to take ibuprofen.", {M("ibuprofen")}, "none"),
    ("hf", "I used to take metformin but my doctor stopped it.", {M("metformin")}, "none"),
    ("hf", "I'm allergic to codeine.", set(), "none"),  # an allergen, not a drug taken or asked about
    ("hf", "My doctor said I could take Tylenol for pain.", {M("acetaminophen")}, "none"),
    ("warfarin", "Can I take Tylenol for my knees?", {M("acetaminophen")}, "none"),
    # --- contraindicated ----------------------------------------------------------------------------
    ("hf", "I took two Aleve last night for my back.", {M("naproxen"), N("naproxen"), C("naproxen")}, "routine"),
    ("hf", "Is it okay if I take some Aleve for my back?", {M("naproxen"), C("naproxen")}, "routine"),
    ("hf", "I took some milk of magnesia yesterday.",
     {M("magnesium hydroxide"), N("magnesium hydroxide"), C("magnesium hydroxide")}, "routine"),
    ("hf", "I used a Fleet enema this morning.", {M("sodium phosphate"), N("sodium phosphate"), C("sodium phosphate")}, "routine"),
    ("hf", "I took ibuprofin for my back.", {M("ibuprofen"), N("ibuprofen"), C("ibuprofen")}, "routine"),
    ("hf", "If the pain gets worse I might take an Advil.", {M("ibuprofen"), C("ibuprofen")}, "routine"),
    ("hf", "Should I take Advil or Tylenol for my back?", {M("ibuprofen"), C("ibuprofen"), M("acetaminophen")}, "routine"),
    ("gout", "I took a Benadryl to help me sleep.", {M("diphenhydramine"), N("diphenhydramine"), C("diphenhydramine")}, "routine"),
    ("hf", "I took two Tylenol PM to sleep.",
     {M("acetaminophen"), N("acetaminophen"), M("diphenhydramine"), N("diphenhydramine"), C("diphenhydramine")}, "routine"),
    ("cad", "I've been taking Sudafed for my sinuses.", {M("pseudoephedrine"), N("pseudoephedrine"), C("pseudoephedrine")}, "routine"),
    ("cad", "Can I use milk of magnesia for constipation?", {M("magnesium hydroxide"), C("magnesium hydroxide")}, "routine"),
    ("cad", "Could I take Benadryl for my allergies?", {M("diphenhydramine"), C("diphenhydramine")}, "routine"),
    ("asthma", "I take aspirin every day for my heart.", {M("aspirin"), N("aspirin"), C("aspirin")}, "urgent"),
    ("asthma", "I took 800 mg of ibuprofen three times yesterday.",
     {M("ibuprofen"), N("ibuprofen"), C("ibuprofen"), D("ibuprofen")}, "urgent"),
    ("hf", "The urgent care gave me amoxicillin for my cough.", {M("amoxicillin"), N("amoxicillin"), C("amoxicillin")}, "urgent"),
    ("hf", "Can I take amoxicillin for my tooth?", {M("amoxicillin"), C("amoxicillin")}, "routine"),
    # an allergy to the drug's own class rules it out whatever the tier (issue 12): a sulfa allergy, Bactrim taken
    ("cad", "I took some Bactrim for a bladder infection.",
     {M("sulfamethoxazole"), N("sulfamethoxazole"), C("sulfamethoxazole"), M("trimethoprim"), N("trimethoprim")}, "urgent"),
    # hard negatives: nothing rules it out, caution-only rules, low-dose aspirin, plan drugs
    ("gout", "I took Sudafed yesterday.", {M("pseudoephedrine"), N("pseudoephedrine")}, "routine"),
    ("gout", "Is it safe to take Claritin?", {M("loratadine")}, "none"),
    ("asthma", "Can I take Tylenol for a headache?", {M("acetaminophen")}, "none"),
    ("hf", "I take my Lasix and my Lipitor at night.", {M("furosemide"), M("atorvastatin")}, "none"),
    ("cad", "I take my ibuprofen three times a day like they said.", {M("ibuprofen")}, "none"),
    # --- interactions ---------------------------------------------------------------------------------
    ("warfarin", "I've been taking Advil for my knees.", {M("ibuprofen"), N("ibuprofen"), I("ibuprofen", "warfarin")}, "urgent"),
    ("warfarin", "Can I take ibuprofen with my Coumadin?", {M("ibuprofen"), I("ibuprofen", "warfarin"), M("warfarin")}, "routine"),
    ("warfarin", "I took an aspirin for my headache.", {M("aspirin"), N("aspirin"), I("aspirin", "warfarin")}, "urgent"),
    ("warfarin", "Would Aleve be okay for my arthritis?", {M("naproxen"), I("naproxen", "warfarin")}, "routine"),
    ("cad", "I took Viagra last weekend.",
     {M("sildenafil"), N("sildenafil"), I("sildenafil", "isosorbide mononitrate"), I("sildenafil", "nitroglycerin")}, "urgent"),
    ("cad", "Can I take Cialis?", {M("tadalafil"), I("tadalafil", "isosorbide mononitrate"), I("tadalafil", "nitroglycerin")}, "routine"),
    ("cad", "My friend gave me some Ultram for my back and I took two.",
     {M("tramadol"), N("tramadol"), I("tramadol", "sertraline")}, "urgent"),
    ("cad", "I've been taking Klor-Con that my old doctor gave me.",
     {M("potassium chloride"), N("potassium chloride"), I("potassium chloride", "spironolactone")}, "urgent"),
    ("asthma", "Is it safe to take tramadol with my Lexapro?", {M("tramadol"), I("tramadol", "escitalopram"), M("escitalopram")}, "routine"),
    # hard negatives: monitor-level pairs
    ("warfarin", "I took a couple of Tylenol for my headache.", {M("acetaminophen")}, "none"),
    ("hf", "I took Tylenol yesterday.", {M("acetaminophen"), N("acetaminophen")}, "routine"),
    # --- doses above the labelled maximum ------------------------------------------------------------
    ("gout", "I took 12 Advil yesterday.", {M("ibuprofen"), N("ibuprofen"), D("ibuprofen")}, "urgent"),
    ("gout", "I took four Aleve today.", {M("naproxen"), N("naproxen"), D("naproxen")}, "urgent"),
    ("gout", "I took 2 Imodium after every loose stool, about 6 times.", {M("loperamide"), N("loperamide"), D("loperamide")}, "urgent"),
    ("gout", "I took Delsym, 20 ml every 4 hours.", {M("dextromethorphan"), N("dextromethorphan"), D("dextromethorphan")}, "urgent"),
    ("gout", "I took twelve of them yesterday, the Advil.", {M("ibuprofen"), N("ibuprofen"), D("ibuprofen")}, "urgent"),
    ("gout", "I've been taking 3 Advil 3 times a day.", {M("ibuprofen"), N("ibuprofen"), D("ibuprofen")}, "urgent"),
    ("gout", "I took Advil 600 every 6 hours.", {M("ibuprofen"), N("ibuprofen"), D("ibuprofen")}, "urgent"),
    ("gout", "I took 2 Aleve in the morning and 2 more at night.", {M("naproxen"), N("naproxen"), D("naproxen")}, "urgent"),
    ("knee", "I took 2 Tylenol every four hours.", {M("acetaminophen"), D("acetaminophen")}, "urgent"),
    ("knee", "I took six extra strength Tylenol on top of my regular doses.", {M("acetaminophen"), D("acetaminophen")}, "urgent"),
    ("knee", "I went through the whole bottle of Tylenol.", {M("acetaminophen"), D("acetaminophen")}, "urgent"),
    ("gout", "I take four of my losartan 50s every day.", {M("losartan"), D("losartan")}, "urgent"),
    ("cad", "I took 4 of my ibuprofen three times a day.", {M("ibuprofen"), D("ibuprofen")}, "urgent"),
    ("gout", "I took 8 Benadryl last night and 6 this morning.",
     {M("diphenhydramine"), N("diphenhydramine"), C("diphenhydramine"), D("diphenhydramine")}, "urgent"),
    ("asthma", "I took about 6 grams of Tylenol yesterday.", {M("acetaminophen"), N("acetaminophen"), D("acetaminophen")}, "urgent"),
    ("asthma", "I took sudafed, 4 every 4 hours.", {M("pseudoephedrine"), N("pseudoephedrine"), D("pseudoephedrine")}, "urgent"),
    ("gout", "I took Delsym 4 times today, 2 teaspoons each time.", {M("dextromethorphan"), N("dextromethorphan"), D("dextromethorphan")}, "urgent"),
    ("gout", "I took 4 Advil in the morning, 4 at lunch and 4 at bedtime.", {M("ibuprofen"), N("ibuprofen"), D("ibuprofen")}, "urgent"),
    ("gout", "I took 3 grams of Tylenol this morning and 3 grams tonight.", {M("acetaminophen"), N("acetaminophen"), D("acetaminophen")}, "urgent"),
    ("gout", "I've been taking 2 Tylenol every 4 hours and NyQuil at night.",
     {M("acetaminophen"), N("acetaminophen"), D("acetaminophen"), M("dextromethorphan"), N("dextromethorphan"),
      M("doxylamine"), N("doxylamine")}, "urgent"),
    ("gout", "I drank a whole bottle of NyQuil.",
     {M("acetaminophen"), N("acetaminophen"), D("acetaminophen"), M("dextromethorphan"), N("dextromethorphan"),
      D("dextromethorphan"), M("doxylamine"), N("doxylamine")}, "urgent"),
    # plan doses included: the plan's own acetaminophen plus another product
    ("warfarin", "I took my Tylenol 1000 mg three times yesterday and also 4 Tylenol PM at night.",
     {M("acetaminophen"), D("acetaminophen"), M("diphenhydramine"), N("diphenhydramine"), C("diphenhydramine")}, "urgent"),
    ("warfarin", "I took my Tylenol every 3 hours yesterday.", {M("acetaminophen"), D("acetaminophen")}, "urgent"),
    ("knee", "I've been taking my Tylenol and also some Excedrin, 4 at a time, 3 times a day.",
     {M("acetaminophen"), D("acetaminophen"), M("aspirin"), N("aspirin"), I("aspirin", "enoxaparin"), M("caffeine"),
      N("caffeine")}, "urgent"),
    ("knee", "I took my Tylenol and 6 Percocet.", {M("acetaminophen"), D("acetaminophen"), M("oxycodone")}, "urgent"),
    # a bare "Tylenol" is 325 or 500 mg: a total that clears the limit only at 500 mg still counts when it
    # clears it well (cases are never set near a limit)
    ("gout", "I took twelve Tylenol yesterday.", {M("acetaminophen"), N("acetaminophen"), D("acetaminophen")}, "urgent"),
    ("gout", "I took 10 Tylenol yesterday.", {M("acetaminophen"), N("acetaminophen"), D("acetaminophen")}, "urgent"),
    ("gout", "I took 8 Tylenol yesterday.", {M("acetaminophen"), N("acetaminophen")}, "routine"),
    ("gout", "I took 2 Tylenol every 6 hours.", {M("acetaminophen"), N("acetaminophen")}, "routine"),
    # hard negatives: amounts under the maximum
    ("warfarin", "I took my Tylenol 3 times yesterday.", {M("acetaminophen")}, "none"),
    ("knee", "I took my Tylenol and 2 Percocet.", {M("acetaminophen"), M("oxycodone")}, "none"),
    ("gout", "I took six Sudafed today and six yesterday.", {M("pseudoephedrine"), N("pseudoephedrine")}, "routine"),
    ("gout", "I took 3 of my glipizide 5s this morning.", {M("glipizide")}, "none"),
    ("gout", "I take my glipizide twice a day and I took 3 Advil.", {M("glipizide"), M("ibuprofen"), N("ibuprofen")}, "routine"),
    ("gout", "I took 2 Advil. I check my sugar 4 times a day.", {M("ibuprofen"), N("ibuprofen")}, "routine"),
    ("gout", "I took 6 Benadryl at once to sleep.", {M("diphenhydramine"), N("diphenhydramine"), C("diphenhydramine")}, "routine"),
    ("gout", "I took two Advil this morning.", {M("ibuprofen"), N("ibuprofen")}, "routine"),
    ("gout", "I took two 200 milligram tablets of ibuprofen.", {M("ibuprofen"), N("ibuprofen")}, "routine"),
    ("gout", "I took 2 Advil this morning, 2 at lunch, and 2 more at dinner.", {M("ibuprofen"), N("ibuprofen")}, "routine"),
    ("gout", "Over the past two days I took 10 Advil.", {M("ibuprofen"), N("ibuprofen")}, "routine"),
    ("warfarin", "I took two Tylenol three times today.", {M("acetaminophen")}, "none"),
    ("knee", "I take two Tylenol three times a day like the surgeon said.", {M("acetaminophen")}, "none"),
    ("gout", "I took an extra glipizide yesterday.", {M("glipizide")}, "none"),
    ("gout", "Can I take 10 Advil a day?", {M("ibuprofen")}, "none"),
    ("gout", "I took Excedrin, 2 every 3 hours, all day yesterday.",  # 8 x 250 = 4,000: at, not over, the limit
     {M("acetaminophen"), N("acetaminophen"), M("aspirin"), N("aspirin"), M("caffeine"), N("caffeine")}, "routine"),
    # --- everyday phrasings ----------------------------------------------------------------------------
    ("hf", "Honestly I've been popping Advil like candy for my shoulder, maybe eight or ten a day.",
     {M("ibuprofen"), N("ibuprofen"), C("ibuprofen"), D("ibuprofen")}, "urgent"),
    ("asthma", "I took some Excedrin for a migraine.",
     {M("acetaminophen"), N("acetaminophen"), M("aspirin"), N("aspirin"), C("aspirin"), M("caffeine"), N("caffeine")}, "urgent"),
    ("asthma", "Is Excedrin safe for me?", {M("acetaminophen"), M("aspirin"), C("aspirin"), M("caffeine")}, "routine"),
    ("asthma", "My Flovent ran out on Monday.", {M("fluticasone"), X("fluticasone")}, "routine"),
    ("asthma", "I quit the Lexapro two weeks ago, I felt fine.", {M("escitalopram"), X("escitalopram")}, "routine"),
    ("asthma", "I've been on Lexapro for a year.", {M("escitalopram")}, "none"),
    ("warfarin", "My cardiologist started me on Eliquis last week.",
     {M("apixaban"), N("apixaban"), I("apixaban", "warfarin")}, "urgent"),
    ("warfarin", "I got a shot of Toradol at urgent care.", {M("ketorolac"), N("ketorolac"), I("ketorolac", "warfarin")}, "urgent"),
    ("knee", "I stopped the Lovenox shots, they hurt.", {M("enoxaparin"), X("enoxaparin")}, "routine"),
    ("knee", "I've been skipping the stool softener.", {M("docusate"), X("docusate")}, "routine"),
    ("gout", "The doctor gave me prednisone for my gout flare.", {M("prednisone"), N("prednisone")}, "routine"),
    ("hf", "Last night I took a Unisom to sleep.", {M("doxylamine"), N("doxylamine")}, "routine"),
    ("hf", "My grandson gave me some of his melatonin gummies.", {M("melatonin"), N("melatonin")}, "routine"),
    ("gout", "Me and my wife both take Lipitor.", {M("atorvastatin"), N("atorvastatin")}, "routine"),
    ("gout", "My doctor put me on Jardiance last month.", {M("empagliflozin"), N("empagliflozin")}, "routine"),
    ("gout", "i took three extra strength tylenol every four hours yesterday five times",
     {M("acetaminophen"), N("acetaminophen"), D("acetaminophen")}, "urgent"),
    ("asthma", "can i take motrin for my back", {M("ibuprofen"), C("ibuprofen")}, "routine"),
    ("gout", "I got some Advil and took two.", {M("ibuprofen"), N("ibuprofen")}, "routine"),
    ("gout", "I have my glipizide but I haven't taken it today.", {M("glipizide"), X("glipizide")}, "routine"),
    ("gout", "I take Tylenol instead of Advil.", {M("acetaminophen"), N("acetaminophen"), M("ibuprofen")}, "routine"),
    # hard negatives
    ("hf", "I've been drinking a lot of coffee.", set(), "none"),
    ("gout", "My doctor wants to put me on Jardiance.", {M("empagliflozin")}, "none"),
    ("gout", "My doctor is going to start me on Jardiance next month.", {M("empagliflozin")}, "none"),
    ("gout", "The endocrinologist mentioned Ozempic.", {M("semaglutide")}, "none"),
    ("gout", "Does Lasix cause leg cramps?", {M("furosemide")}, "none"),
    ("gout", "The pharmacist said I should not take Sudafed.", {M("pseudoephedrine")}, "none"),
    ("gout", "I was going to take some Advil but I didn't.", {M("ibuprofen")}, "none"),
    ("gout", "I try not to take Advil.", {M("ibuprofen")}, "none"),
    ("gout", "I gave my husband some of my Tylenol.", {M("acetaminophen")}, "none"),
    ("gout", "My daughter takes the same Cozaar as me.", {M("losartan")}, "none"),
    ("gout", "I switched from Advil to Tylenol.", {M("ibuprofen"), M("acetaminophen"), N("acetaminophen")}, "routine"),
    ("gout", "No Advil, no Tylenol, nothing like that.", {M("ibuprofen"), M("acetaminophen")}, "none"),
    ("gout", "I have some Advil at home but I haven't used it.", {M("ibuprofen")}, "none"),
    ("gout", "I have Tylenol in case I need it.", {M("acetaminophen")}, "none"),
    ("asthma", "I have my rescue inhaler but haven't needed it.", {M("albuterol")}, "none"),
    ("knee", "I took an extra oxycodone last night because the pain was bad.", {M("oxycodone")}, "none"),
]


@pytest.mark.parametrize(("plan", "text", "expected", "level"), CASES, ids=[c[1][:60] for c in CASES])
def test_findings(specialist: MedicationSpecialist, plans: dict[str, careplans.CarePlan], plan: str, text: str,
                  expected: set[tuple[str, ...]], level: str) -> None:
    found, escalation, _ = judge(specialist, plans[plan], text)
    assert found == expected
    assert escalation == level


# --- classes found on an independent development set, each with varied sentences of our own ------------

CLASS_CASES: list[tuple[str, str, set[tuple[str, ...]], str]] = [
    # asking about a drug nothing on the plan rules out: a mention, no escalation
    ("thyroid", "Can I take Tums for heartburn?", {M("calcium carbonate")}, "none"),
    ("afib", "Is Claritin all right for my hay fever?", {M("loratadine")}, "none"),
    ("pain", "Could I use Colace if I get constipated?", {M("docusate")}, "none"),
    ("gout", "What about Pepcid for my stomach?", {M("famotidine")}, "none"),
    # an allergy statement names an allergen, not a drug taken or asked about; the drug taken still counts
    ("thyroid", "I took the first amoxicillin the dentist gave me this morning, I forgot I'm allergic to penicillin. I feel okay.",
     {M("amoxicillin"), N("amoxicillin"), C("amoxicillin")}, "urgent"),
    ("hf", "My allergies are penicillin and codeine.", set(), "none"),
    ("knee", "Just so you know I'm allergic to sulfa and to Bactrim.", set(), "none"),
    ("gout", "I'm allergic to aspirin, so I take Tylenol for my knee.", {M("acetaminophen"), N("acetaminophen")}, "routine"),
    ("hf", "I'm allergic to penicillin, so is Augmentin okay for my tooth?",
     {M("amoxicillin"), C("amoxicillin"), M("clavulanate")}, "routine"),
    ("thyroid", "I said I was allergic to penicillin but the urgent care gave me Augmentin and I took two.",
     {M("amoxicillin"), N("amoxicillin"), C("amoxicillin"), M("clavulanate"), N("clavulanate")}, "urgent"),
    ("hf", "I have a penicillin allergy so they gave me Cipro.", {M("ciprofloxacin"), N("ciprofloxacin")}, "routine"),
    ("hf", "Penicillin, I'm allergic to it.", set(), "none"),
    ("gout", "I took a Zyrtec allergy pill this morning.", {M("cetirizine"), N("cetirizine")}, "routine"),  # a product, no allergen
    # combination products with a vitamin give every ingredient
    ("thyroid", "I've been taking Caltrate 600 plus D at the same time as my thyroid pill.",
     {M("calcium carbonate"), N("calcium carbonate"), M("cholecalciferol"), M("levothyroxine")}, "routine"),
    ("hf", "I started Os-Cal plus D for my bones last week.",
     {M("calcium carbonate"), N("calcium carbonate"), M("cholecalciferol"), N("cholecalciferol")}, "routine"),
    ("gout", "Is Citracal plus D okay to take?", {M("calcium citrate"), M("cholecalciferol")}, "none"),
    ("afib", "I take a Caltrate 600+D3 every morning.",
     {M("calcium carbonate"), N("calcium carbonate"), M("cholecalciferol"), N("cholecalciferol")}, "routine"),
    # someone else's drug the patient takes or asks to take is the patient's intake or question
    ("pain", "Could I take one of my wife's Ativan to help me sleep?", {M("lorazepam"), I("lorazepam", "oxycodone")}, "routine"),
    ("pain", "I took one of my husband's Xanax last night.",
     {M("alprazolam"), N("alprazolam"), I("alprazolam", "oxycodone")}, "urgent"),
    ("warfarin", "Is it okay if I take some of my daughter's Motrin?", {M("ibuprofen"), I("ibuprofen", "warfarin")}, "routine"),
    ("asthma", "Can I borrow my son's tramadol for my back?", {M("tramadol"), I("tramadol", "escitalopram")}, "routine"),
    ("cad", "My neighbor gave me a couple of his Viagra and I took one.",
     {M("sildenafil"), N("sildenafil"), I("sildenafil", "isosorbide mononitrate"), I("sildenafil", "nitroglycerin")}, "urgent"),
    ("pain", "Would it be bad to take my husband's Ambien?", {M("zolpidem"), I("zolpidem", "oxycodone")}, "routine"),
    ("pain", "My husband's Percocet is in the drawer, could I take one for my back?", {M("oxycodone"), M("acetaminophen")}, "none"),
    # hard negatives: it stays someone else's
    ("pain", "My wife takes Ativan for her nerves.", {M("lorazepam")}, "none"),
    ("warfarin", "Can my husband take my Tylenol?", {M("acetaminophen")}, "none"),
    ("warfarin", "My daughter's Motrin is in the cabinet.", {M("ibuprofen")}, "none"),
    # received but not started: not taken (no not_in_care_plan), judged like a question
    ("pain", "The walk-in clinic gave me tramadol for my back, but I haven't started it. Is it okay with my other pills?",
     {M("tramadol"), I("tramadol", "duloxetine"), I("tramadol", "sertraline")}, "routine"),
    ("warfarin", "The urgent care prescribed me ibuprofen but I haven't taken any yet.",
     {M("ibuprofen"), I("ibuprofen", "warfarin")}, "routine"),
    ("cad", "I was given Cialis by the urologist but I haven't tried it.",
     {M("tadalafil"), I("tadalafil", "isosorbide mononitrate"), I("tadalafil", "nitroglycerin")}, "routine"),
    ("hf", "The dentist gave me amoxicillin, I haven't started it yet.", {M("amoxicillin"), C("amoxicillin")}, "routine"),
    ("gout", "I haven't started the Jardiance my doctor prescribed.", {M("empagliflozin")}, "none"),
    ("pain", "My doctor called in a prescription for prednisone but I haven't picked it up.", {M("prednisone")}, "none"),
    ("pain", "I got a prescription for Ultram yesterday. I haven't taken it yet. Is that safe with my Cymbalta?",
     {M("tramadol"), I("tramadol", "duloxetine"), I("tramadol", "sertraline"), M("duloxetine")}, "routine"),
    ("pain", "I haven't filled the tramadol prescription yet.",
     {M("tramadol"), I("tramadol", "duloxetine"), I("tramadol", "sertraline")}, "routine"),
    # running out of a drug not on the plan still means it was being taken
    ("gout", "I ran out of Tylenol yesterday.", {M("acetaminophen"), N("acetaminophen")}, "routine"),
    # phonetic speech-recogniser forms of brands and generics
    ("afib", "I've been good with the a liquis, twice a day with my meals.", {M("apixaban")}, "none"),
    ("afib", "The sir tra leen, I take it with breakfast every day.", {M("sertraline")}, "none"),
    ("afib", "I take the met for men with dinner.", {M("metformin")}, "none"),
    ("afib", "My lip itor is at bedtime.", {M("atorvastatin")}, "none"),
    ("cad", "The zo loft makes me sleepy.", {M("sertraline")}, "none"),
    ("pain", "I ran out of the dull ox e teen on Friday.", {M("duloxetine"), X("duloxetine")}, "routine"),
    ("afib", "I took a tor va statin last night.", {M("atorvastatin")}, "none"),
    # 24-hour totals: plan doses plus extras, product lines, "N at a time, M times, and one more"
    ("oa", "I take my two Tylenol every eight hours like the sheet says, but the pain was bad so last night I took two more "
           "extra strength at bedtime and two more around four in the morning.", {M("acetaminophen"), D("acetaminophen")}, "urgent"),
    ("oa", "I take my Tylenol every eight hours and yesterday I took four more extra strength for the pain.",
     {M("acetaminophen"), D("acetaminophen")}, "urgent"),
    ("gout", "My hip hurt so I took two Tylenol eight hour arthritis every four hours yesterday, five times.",
     {M("acetaminophen"), N("acetaminophen"), D("acetaminophen")}, "urgent"),
    ("gout", "I took two Tylenol 8 HR every six hours yesterday.", {M("acetaminophen"), N("acetaminophen"), D("acetaminophen")}, "urgent"),
    ("gout", "I took three extra strength Tylenol at a time, three times yesterday, and one more at bedtime.",
     {M("acetaminophen"), N("acetaminophen"), D("acetaminophen")}, "urgent"),
    ("gout", "I took two Advil at a time, three times today, and two more before bed.",
     {M("ibuprofen"), N("ibuprofen"), D("ibuprofen")}, "urgent"),
    # hard negatives for totals: under the maximum, and plan doses taken as prescribed
    ("oa", "I take my two Tylenol every eight hours like the sheet says.", {M("acetaminophen")}, "none"),
    ("gout", "I took two regular strength Tylenol every four hours yesterday.", {M("acetaminophen"), N("acetaminophen")}, "routine"),
    ("gout", "I took Tylenol Arthritis, two every eight hours.", {M("acetaminophen"), N("acetaminophen")}, "routine"),
    ("gout", "I took one Aleve this morning and one more at bedtime.", {M("naproxen"), N("naproxen")}, "routine"),
    ("hf", "I take Lasix 40 twice a day.", {M("furosemide")}, "none"),
    ("hf", "I take my Coreg twelve point five twice a day.", {M("carvedilol")}, "none"),
    ("gout", "I take glipizide 5 twice a day.", {M("glipizide")}, "none"),
    ("knee", "I take Tylenol five hundred, two every eight hours.", {M("acetaminophen")}, "none"),
    ("warfarin", "I take Tylenol five hundred three times a day.", {M("acetaminophen")}, "none"),
    # asked about in the next sentence, by reference: the interaction the asking would raise
    ("warfarin", "My friend swears by Aleve for her knees. Could I take one of those?", {M("naproxen"), I("naproxen", "warfarin")},
     "routine"),
    ("warfarin", "My neighbour uses Advil for her back. Is it alright if I try it?", {M("ibuprofen"), I("ibuprofen", "warfarin")},
     "routine"),
    ("warfarin", "My friend swears by Aleve. I told her it's not for me.", {M("naproxen")}, "none"),
    # "no missed doses" is no missed dose
    ("hf", "I take my Lasix every morning, no missed doses.", {M("furosemide")}, "none"),
    ("hf", "I take the Coreg twice a day and haven't skipped any.", {M("carvedilol")}, "none"),
    ("afib", "Eliquis twice a day, never miss it.", {M("apixaban")}, "none"),
]


@pytest.mark.parametrize(("plan", "text", "expected", "level"), CLASS_CASES, ids=[c[1][:60] for c in CLASS_CASES])
def test_dev_set_classes(specialist: MedicationSpecialist, plans: dict[str, careplans.CarePlan], plan: str, text: str,
                         expected: set[tuple[str, ...]], level: str) -> None:
    found, escalation, _ = judge(specialist, plans[plan], text)
    assert found == expected
    assert escalation == level


# --- answers that name no drug: the drug comes from the agent's question -------------------------------

HISTORY_CASES = [
    ("gout", ("Are you still taking your allopurinol every day?",), "No, I ran out of it last week.", {X("allopurinol")}, "routine"),
    ("gout", ("Have you been taking your glipizide?",), "Not really, I keep forgetting.", {X("glipizide")}, "routine"),
    ("hf", ("Are you taking your Lasix?",), "Yes I take it twice a day but I skipped it yesterday.", {X("furosemide")}, "routine"),
    ("warfarin", ("Did you take any Advil?",), "Yes, I took two of them yesterday.",
     {N("ibuprofen"), I("ibuprofen", "warfarin")}, "urgent"),
    ("asthma", ("How much Tylenol did you take yesterday?",), "About ten of the extra strength ones.",
     {N("acetaminophen"), D("acetaminophen")}, "urgent"),
    # hard negatives
    ("gout", ("Have you been taking your glipizide?",), "Yes, every morning and evening.", set(), "none"),
    ("asthma", ("Have you needed your rescue inhaler?",), "No, not at all.", set(), "none"),
    ("hf", ("Any problems with your Lasix?",), "No.", set(), "none"),
    ("gout", ("Did you take your losartan today?",), "Not yet, I will after lunch.", set(), "none"),
    ("hf", ("How are you feeling today?",), "I ran out of steam after lunch.", set(), "none"),
    ("hf", ("Any questions on your Lasix?",), "No.", set(), "none"),
    ("warfarin", ("Remember not to take Advil with your warfarin.",), "Okay, I won't take it.", set(), "none"),
    ("hf", ("Has the Lasix helped your swelling?",), "No, it's still bad.", set(), "none"),
    ("hf", ("Have you missed any doses of your Coreg?",), "No, not one.", set(), "none"),
    # positives
    ("hf", ("Did you take your Lasix today?",), "No.", {X("furosemide")}, "routine"),
    ("hf", ("Have you missed any doses of your Coreg?",), "Just one on Sunday.", {X("carvedilol")}, "routine"),
    ("warfarin", ("Have you taken any Advil?",), "Yes, it helps my knee.", {N("ibuprofen"), I("ibuprofen", "warfarin")}, "urgent"),
    ("gout", ("How many Tylenol did you take yesterday?",), "Like 15.", {N("acetaminophen"), D("acetaminophen")}, "urgent"),
    ("gout", ("How many Advil did you take yesterday?",), "About twelve, maybe more.", {N("ibuprofen"), D("ibuprofen")}, "urgent"),
    ("gout", ("How much Tylenol did you take?",), "Probably 5000 milligrams.", {N("acetaminophen"), D("acetaminophen")}, "urgent"),
    ("gout", ("How many Advil did you take yesterday?",), "Just two.", {N("ibuprofen")}, "routine"),
    ("warfarin", ("How many Tylenol did you take yesterday?",), "Two, around 8 o'clock.", set(), "none"),
    # "no missed doses" after "have you missed any doses?" is no missed dose
    ("hf", ("And are you taking your spironolactone, insulin glargine and atorvastatin as prescribed, and have you missed "
            "any doses?",), "Yes, those too, no missed doses.", set(), "none"),
    ("hf", ("Are you taking your Lasix and Coreg, and have you missed any?",), "Yes, I haven't missed any.", set(), "none"),
    ("afib", ("Are you taking the Eliquis and metformin every day?",), "Yes, both of them, I never miss.", set(), "none"),
    ("afib", ("Have you missed any doses of your medicines?",), "Nope, not a single missed dose.", set(), "none"),
    ("hf", ("And are you taking your spironolactone, insulin glargine and atorvastatin as prescribed, and have you missed "
            "any doses?",), "Yes, but I missed the atorvastatin twice.", {M("atorvastatin"), X("atorvastatin")}, "routine"),
    # "yes" to "are you taking X as prescribed, and have you missed any?" answers the first question
    ("hf", ("And are you taking your aspirin as prescribed, and have you missed any doses?",), "Yes, every day.", set(), "none"),
    ("gout", ("Are you taking your allopurinol as prescribed, and have you missed any doses?",),
     "Yes, twice a day like they said.", set(), "none"),
    ("gout", ("Are you taking your allopurinol as prescribed, and have you missed any doses?",),
     "Yes, I missed it twice last week.", {X("allopurinol")}, "routine"),
    ("hf", ("Have you missed any doses of your aspirin?",), "Yes.", {X("aspirin")}, "routine"),
]


@pytest.mark.parametrize(("plan", "history", "text", "expected", "level"), HISTORY_CASES,
                         ids=[c[2][:50] for c in HISTORY_CASES])
def test_answers_about_the_drug_the_agent_asked_about(specialist: MedicationSpecialist,
                                                      plans: dict[str, careplans.CarePlan], plan: str,
                                                      history: tuple[str, ...], text: str,
                                                      expected: set[tuple[str, ...]], level: str) -> None:
    found, escalation, _ = judge(specialist, plans[plan], text, history)
    assert found == expected
    assert escalation == level


# --- classification of one mention ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "drug", "status"),
    [
        ("I took Advil this morning.", "Advil", "taken"),
        ("Can I take Advil?", "Advil", "asked"),
        ("Is it bad that I took 4 Advil?", "Advil", "taken"),
        ("I didn't take any Advil.", "Advil", "missed_neg"),  # a missed dose only for a scheduled plan drug
        ("I haven't taken my Lasix today.", "Lasix", "missed_neg"),
        ("I ran out of Lasix.", "Lasix", "missed"),
        ("I need a refill of Lasix.", "Lasix", "refill"),
        ("My wife takes Xanax.", "Xanax", "other"),
        ("I'm allergic to penicillin.", "penicillin", "allergen"),
        ("I had a reaction to Bactrim.", "Bactrim", "allergy"),
        ("I used to take Zoloft.", "Zoloft", "discontinued"),
        ("Nobody told me I couldn't take Advil, so I took some yesterday.", "Advil", "taken"),
        ("I'm not sure if I can take Advil.", "Advil", "asked"),
        ("I wonder whether Aleve would help.", "Aleve", "asked"),
        ("I was wondering about Benadryl.", "Benadryl", "asked"),
    ],
)
def test_classify_mention(text: str, drug: str, status: str) -> None:
    start = text.index(drug)
    assert classify_mention(text, start, start + len(drug)).status == status


# --- what the primary agent is told ---------------------------------------------------------------------


def test_guidance_and_explanations(specialist: MedicationSpecialist, plans: dict[str, careplans.CarePlan]) -> None:
    _, _, result = judge(specialist, plans["gout"],
                         "My knee hurts so I took three extra strength Tylenol every four hours yesterday, five times.")
    dose = next(f for f in result.findings if f.kind == "dose_exceeds_max")
    assert "7,500 mg" in (dose.message or "") and "4,000 mg" in (dose.message or "")
    assert dose.urgency == "urgent" and dose.evidence
    assert any("7,500 mg acetaminophen in 24 h (max 4,000 mg)" in g and "nurse will call today" in g
               for g in result.guidance)
    _, _, result = judge(specialist, plans["asthma"], "Can I take Motrin for my back?")
    contra = next(f for f in result.findings if f.kind == "contraindicated")
    assert contra.urgency == "routine" and "NSAID" in (contra.message or "") or "Aspirin" in (contra.message or "")
    assert any("ibuprofen" in g and "not to take it" in g for g in result.guidance)
    _, _, result = judge(specialist, plans["gout"], "I ran out of the allopurinol last week.")
    assert any("allopurinol" in g for g in result.guidance)


def test_agent_drafts_are_not_judged() -> None:
    spec = get("medication")
    assert spec.name == "medication"
    assert spec.speakers == frozenset({"patient"})


def test_empty_turn(specialist: MedicationSpecialist, plans: dict[str, careplans.CarePlan]) -> None:
    found, level, result = judge(specialist, plans["hf"], "   ")
    assert found == set() and level == "none" and result.guidance == []


# --- latency ----------------------------------------------------------------------------------------------


def test_latency_per_turn(specialist: MedicationSpecialist, plans: dict[str, careplans.CarePlan]) -> None:
    """Mean and p95 per check() after warm-up, over every sentence in this file (reported on -s)."""
    turns = [(plans[p], t) for p, t, _, _ in CASES]
    for plan, text in turns:  # warm-up: plan indexes, regexes, the dictionary
        judge(specialist, plan, text)
    times = []
    for _ in range(3):
        for plan, text in turns:
            ctx = TurnContext(plan=plan, turn=Utterance("patient", text), today=TODAY)
            t0 = time.perf_counter()
            specialist.check(ctx)
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    mean, p95 = statistics.mean(times), times[int(len(times) * 0.95)]
    print(f"\nmedication specialist: {len(times)} turns, mean {mean:.3f} ms, p95 {p95:.3f} ms")
    assert mean < 5.0


# --- hypertension recorded far above goal counts as uncontrolled for decongestants ------------------------

HTN_PLAN = """
id: test-htn-{name}
patient: {{name: Una Tester, date_of_birth: "1975-05-05", sex: female}}
conditions: [{{name: Essential hypertension}}]
medications: [{{name: amlodipine, strength: {{value: 10, unit: mg}}, dose: {{value: 10, unit: mg}}, times_per_day: 1}}]
labs:
  - {{analyte: systolic_bp, value: {sbp}, unit: mmHg, date: "2026-11-20"}}
  - {{analyte: diastolic_bp, value: {dbp}, unit: mmHg, date: "2026-11-20"}}
"""


@pytest.mark.parametrize(("sbp", "dbp", "ruled_out"), [(168, 102, True), (132, 84, False)])
def test_decongestant_with_hypertension_far_above_goal(specialist: MedicationSpecialist, sbp: int, dbp: int,
                                                       ruled_out: bool) -> None:
    plan = load_from_text(HTN_PLAN.format(name=sbp, sbp=sbp, dbp=dbp), "htn plan").plan
    found, level, _ = judge(specialist, plan, "I took Sudafed for my stuffy nose.")
    assert (C("pseudoephedrine") in found) is ruled_out
    assert {M("pseudoephedrine"), N("pseudoephedrine")} <= found and level == "routine"


# Missed doses said as people say them, and by a caregiver the call shows to be speaking for the
# patient (the assistant asks after "your mother", "Ada"): the patient's pronouns are the patient.
@pytest.mark.parametrize(("plan_name", "history", "text", "missed"), [
    ("thyroid", ("Is your mother taking her Synthroid?",), "She's been skipping her Synthroid, she says she feels fine.", True),
    ("thyroid", ("How is Ada getting on with her thyroid pill?",), "She stopped the levothyroxine on Sunday.", True),
    ("thyroid", (), "My sister stopped her Synthroid on Sunday.", False),
    ("cad", (), "I ran outta the Flomax on Monday and haven't got to the drugstore.", True),
    ("cad", (), "I haven't bothered with the Zoloft since the holidays.", True),
    ("cad", (), "The Imdur, I've been leaving it out because of the headaches.", True),
    ("cad", (), "I take the Flomax maybe once a day instead of twice.", True),
    ("cad", (), "What happens if I miss a day of Zoloft?", False),
    ("cad", (), "The Zoloft at night, I miss that one a lot when I'm at my sister's.", True),
    ("cad", (), "The afternoon Flomax I've been kinda letting slide.", True),
    ("cad", (), "The Flomax, I've only been taking it in the morning. I didn't know it was two times.", True),
    ("cad", (), "I didn't do the shot last night, and the Zoloft I took fine.", False),
    # the name said as a topic, what happened to "it" in the next sentence
    ("cad", (), "The Flomax, the twice a day one... I've only been taking it at night.", True),
    ("cad", (), "Oh, the Imdur, the heart one. I skipped it Sunday, we were at the lake.", True),
    ("cad", (), "The Zoloft. I take it every morning with my coffee.", False),
    ("cad", (), "The Imdur is fine. I skipped my walk on Sunday though.", False),
    ("cad", (), "The afternoon Flomax I been kinda lettin' slide.", True),  # a dropped g
    # a supply that should be gone and is not
    ("cad", (), "My Flomax bottle should be almost empty by now and it's still half full.", True),
    ("cad", (), "The Flomax bottle is half full, I picked it up last week.", False),
    # the schedule kept, against the plan's (ibuprofen is three times a day on this plan, Zoloft once)
    ("cad", (), "The ibuprofen, I just take it in the morning.", True),
    ("cad", (), "The ibuprofen I take morning and night. The middle one I usually forget.", True),
    ("cad", (), "I take the ibuprofen morning, noon and night.", False),
    ("cad", (), "The Zoloft, I just take it in the morning.", False),
    ("cad", (), "I've been taking the Zoloft every other day.", True),
    ("cad", (), "Should I only take the Zoloft every other day?", False),
    ("cad", (), "The doctor said to take the ibuprofen just in the morning.", False),
    # what is left of a supply picked up on a date, doses found untaken, a stop the instructions make
    ("cad", (), "I picked up thirty Zoloft on October twentieth and I've still got fifteen.", True),
    ("cad", (), "I picked up thirty Zoloft on November twentieth and I've still got twenty-two.", False),
    ("cad", (), "I found my Tuesday Zoloft still in the pill box.", True),
    ("cad", (), "I stopped the Zoloft like the sheet said.", False),
    ("cad", (), "I stopped the Zoloft because the doctor said it wasn't helping.", True),
    # a cue between two names is the first one's
    ("cad", (), "The Zoloft I only took once yesterday, the ibuprofen is holding up fine.", False),
    # the drug as the subject of "stopped" (it stopped working; a scratch that stopped bleeding, told after "it"), and a
    # question whether to stop, are no one stopping the drug
    ("cad", (), "The Flomax stopped working for me a while back, honestly.", False),
    ("cad", (), "Is the yard work alright with the Zoloft or should I quit?", False),
    ("cad", (), "The Zoloft, I quit it on Saturday.", True),
    ("cad", (), "I stopped the Flomax last week, it made me dizzy.", True),
])
def test_missed_doses_in_everyday_words(plans, specialist, plan_name, history, text, missed) -> None:
    keys, _, _ = judge(specialist, plans[plan_name], text, history)
    assert any(k[0] == MISSED for k in keys) == missed, keys


@pytest.mark.parametrize(("text", "ruled_out", "level"), [
    ("The urgent care gave me enalapril, I took one this morning.", True, "urgent"),
    ("Could I take ramipril instead, the cardiologist mentioned it?", True, "routine"),
    ("I take the losartan every morning like it says.", False, "none"),
])
def test_an_ace_inhibitor_angioedema_allergy_rules_out_the_class(specialist: MedicationSpecialist, text: str,
                                                                 ruled_out: bool, level: str) -> None:
    plan = careplans.load(Path(__file__).parents[1] / "data" / "spec_dev" / "plans" / "p15_asthma_rhinitis_htn.yaml").plan
    keys, got, _ = judge(specialist, plan, text)
    assert any(k[0] == CONTRA for k in keys) is ruled_out, keys
    assert got == level


# Dose arithmetic in the shapes people give it: a count said as a range (the fewest it can mean), a regimen
# replaced ("instead of ..."), extras on top of a schedule, a dose per episode, a count said after the product.
@pytest.mark.parametrize(("text", "over"), [
    ("Three or four Aleve every eight to twelve hours, that's what keeps my back going.", True),    # 3 x 220 x 2
    ("The Advil, maybe two or three of 'em every six to eight hours.", False),                       # 2 x 200 x 3 = 1,200
    ("Instead of one Tylenol every six hours I've been taking three every four hours.", True),      # 3 x 325 x 6
    ("Besides my two Tylenol every eight hours I take another two extra strength three times a day.", True),  # 1,950 + 3,000
    ("Besides my two Tylenol every eight hours I take another two extra strength once a day.", False),       # 1,950 + 1,000
    ("Imodium, two at first and then one after every loose stool, about six more.", True),          # (2 + 6) x 2 mg
    ("I took two Imodium at first and then one after each trip, maybe two more.", False),           # (2 + 2) x 2 mg = 8
    ("I had the 12-hour Sudafed for my sinuses, three of 'em yesterday.", True),                      # 3 x 120
    # a day's doses said by when they are taken
    ("I been taking the 12-hour Sudafed, one in the morning, one at lunch and one at bedtime.", True),  # 3 x 120
    ("I take the 12-hour Sudafed, one in the morning and one at bedtime.", False),                     # 2 x 120 = 240
    ("Aleve. Two in the morning, two at lunch and two at night, all week.", True),                   # 6 x 220
    ("Aleve, one in the morning and one at night.", False),                                          # 2 x 220
    # each further dose on top of a schedule adds its count
    ("On top of my two 500 mg Tylenol every eight hours, I took two more at lunch and two more before bed.", True),  # 3,000 + 2,000
    ("On top of my two 500 mg Tylenol every eight hours, I took two more at lunch.", False),   # 3,000 + 1,000 = 4,000
])
def test_dose_arithmetic_in_everyday_shapes(plans, specialist, text: str, over: bool) -> None:
    keys, _, _ = judge(specialist, plans["thyroid"], text)
    assert any(k[0] == DOSE for k in keys) is over, keys


@pytest.mark.parametrize(("text", "mentioned", "over"), [
    ("I took two Extra Strength every four hours, five times yesterday.", {"acetaminophen"}, True),  # 10 x 500
    ("Two of the extra strength at bedtime, that's all.", {"acetaminophen"}, False),
    ("I took two Extra Strength Advil for my headache.", {"ibuprofen"}, False),  # the words describe the Advil
])
def test_extra_strength_said_alone_is_the_plans_acetaminophen(plans, specialist, text: str, mentioned: set[str],
                                                               over: bool) -> None:
    keys, _, _ = judge(specialist, plans["knee"], text)
    assert {k[1] for k in keys if k[0] == "medication_mentioned"} == mentioned, keys
    assert any(k[0] == DOSE for k in keys) is over, keys


@pytest.mark.parametrize(("text", "takes"), [
    ("That Sudafed in the cabinet is mine, for my sinuses. I don't give her any of that.", False),
    ("I take Advil myself for my back, but she doesn't get any.", False),
    ("I gave her two Advil this morning for her back.", True),
])
def test_a_caregivers_own_drug_is_not_the_patients(plans, specialist, text: str, takes: bool) -> None:
    keys, _, _ = judge(specialist, plans["thyroid"], text, ("How is your mother doing today?", "She's okay."))
    assert any(k[0] == NOT_ON_PLAN for k in keys) is takes, keys


@pytest.mark.parametrize(("text", "takes"), [
    ("Is Motrin okay for my knee, or no? My neighbor swears by it.", False),          # a question, even after "no"
    ("Oh, my wife's the one on the Motrin, not me.", False),                          # "my wife's" = my wife is
    ("My dentist said they'd give me amoxicillin. That's okay, right?", False),       # offered, not yet taken
    ("Can the urologist give me Cialis, or does that mess with my heart pills?", False),
    ("The doctor wants to call in Diflucan for a yeast infection.", False),
    ("The dentist gave me amoxicillin and I took the first one this morning.", True),
])
def test_a_drug_asked_about_offered_or_someone_elses_is_not_taken(plans, specialist, text: str, takes: bool) -> None:
    keys, _, _ = judge(specialist, plans["thyroid"], text)
    assert any(k[0] == NOT_ON_PLAN for k in keys) is takes, keys


@pytest.mark.parametrize(("text", "takes"), [
    # someone else's drug, then the patient's own intake of it later in the sentence
    ("My wife had some leftover Xanax and I've been taking one at night since Sunday.", True),
    ("My wife had some leftover Xanax but I didn't touch it.", False),
    ("My wife takes Xanax at night.", False),
    ("My sister said a Xanax at night is good for sleep, so I started one every night last week.", True),
])
def test_someone_elses_drug_taken_by_the_patient(plans, specialist, text: str, takes: bool) -> None:
    keys, _, _ = judge(specialist, plans["pain"], text)
    assert any(k[0] == NOT_ON_PLAN for k in keys) is takes, keys
    assert any(k[0] == "interaction" for k in keys) is takes, keys


def test_a_drug_replaced_instead_of_is_not_taken(plans, specialist) -> None:
    keys, _, _ = judge(specialist, plans["thyroid"], "Instead of the Advil I had a Tylenol.")
    assert N("acetaminophen") in keys and N("ibuprofen") not in keys, keys


@pytest.mark.parametrize("text", [
    "I took Advil for my hip, two every four hours, before I saw the label.",   # "saw" is no talk about it once taken
    "My back hurt so I got the Advil, took two in the morning and two at night.",  # the subject left out after a comma
])
def test_taken_whatever_else_the_sentence_says(plans, specialist, text: str) -> None:
    keys, _, _ = judge(specialist, plans["thyroid"], text)
    assert N("ibuprofen") in keys, keys


def test_a_split_name_is_not_its_own_cue_word(plans, specialist) -> None:
    """ "ad vil" (Advil as speech recognition splits it) holds "ad", which is no advert: the Advil was taken."""
    keys, _, _ = judge(specialist, plans["thyroid"], "two ad vil every six hours for my back")
    assert N("ibuprofen") in keys, keys


@pytest.mark.parametrize(("plan_file", "text", "missed"), [
    # the supply gone, and doses let go in other words (the CAD plan's Flomax is once a day)
    ("cad", "The Flomax ran dry Tuesday, I've been getting by without.", True),
    ("cad", "The bottle of Flomax went down the sink three days ago and I haven't had any since.", True),
    ("cad", "The Flomax was in my checked bag and the airline lost it for two days.", True),
    ("cad", "The Flomax I didn't have it Wednesday or Thursday, we were away.", True),
    ("cad", "I don't always take the Flomax, maybe half the nights.", True),
    ("cad", "I couldn't face the Zoloft this week, it makes me queasy.", True),
    ("cad", "The Flomax, I've had it every night this week.", False),
    ("cad", "I always take the Flomax at night.", False),
    # descriptions of a plan drug: the binder, the shot in the belly
    ("p09_ckd4.yaml", "I don't always take the binder with lunch, maybe half my lunches.", True),
    ("p04_postop_hip.json", "I couldn't face doing the shot in my belly yesterday or today.", True),
    ("p04_postop_hip.json", "I've done the shot in my belly every evening like they showed me.", False),
    # left behind, let go, gone without, doses still in the organizer
    ("cad", "Them Flomax pills make me dizzy something awful, so I, uh, didn't do 'em yesterday or today.", True),
    ("cad", "When we go out to eat I never remember to bring the Flomax, so on those nights I just go without it.", True),
    ("cad", "We were away all weekend so I left off the Flomax Saturday and Sunday.", True),
    ("cad", "With the time change I totally blanked on my Flomax last night.", True),
    ("cad", "The Tuesday and Wednesday night boxes in his pill organizer still had the Flomax in them.", True),
    ("cad", "The Flomax is just sitting there in the box, he hasn't touched it since Monday.", True),
    ("cad", "The Flomax, I take it every night, I haven't gone without it once.", False),
    ("cad", "I always take the Flomax at night, even when we go out.", False),
    ("cad", "I count my Flomax every Sunday, and this week there were three extra in the box, so I missed three nights.", True),
])
def test_missed_doses_said_as_a_supply_gone_or_a_dose_not_faced(plans, specialist, plan_file: str, text: str, missed: bool) -> None:
    plan = plans[plan_file] if plan_file in plans else careplans.load(DEV_PLANS / plan_file).plan
    keys, _, _ = judge(specialist, plan, text)
    assert any(k[0] == MISSED for k in keys) == missed, keys


@pytest.mark.parametrize(("text", "level"), [
    # handed over by a friend and asked about: judged like a question (routine) ...
    ("My neighbour gave me a couple of her Advil. Is it all right if I take one tonight for my back?", "routine"),
    # ... but taken, said before the question, it is an interaction taken (urgent)
    ("My neighbour gave me a couple of her Advil and I took one last night. Is that all right?", "urgent"),
])
def test_a_drug_given_by_someone_else_is_asked_about_until_it_is_taken(specialist: MedicationSpecialist,
                                                                       plans: dict[str, careplans.CarePlan], text: str, level: str) -> None:
    found, escalation, _ = judge(specialist, plans["afib"], text)
    assert ("interaction", "ibuprofen", "apixaban") in found
    assert escalation == level
