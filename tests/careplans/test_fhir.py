"""FHIR R4 Bundle import (careplans.fhir) and canonical drug names (careplans.drugnames)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from careplans import drugnames
from careplans.analytes import ANALYTES, BP_PANELS, analyte_for_loinc
from careplans.fhir import care_plan_from_bundle
from careplans.loader import CarePlanError, dump_yaml, load, load_from_text
from careplans.model import CarePlan
from careplans.units import convert_analyte
from tests.conftest import SHARED_SAMPLES

FIXTURES = Path(__file__).with_name("fixtures")
SAMPLES = SHARED_SAMPLES / "fhir"
SAMPLE_FILES = ["htn_t2dm_gout.json", "asthma_anxiety.json"]


def _json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def _resources(bundle: dict[str, Any], rtype: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == rtype]


def _import(bundle: dict[str, Any]) -> tuple[CarePlan, list[str]]:
    return care_plan_from_bundle(bundle, "test-bundle")


def _problems(bundle: dict[str, Any]) -> list[str]:
    with pytest.raises(CarePlanError) as info:
        _import(bundle)
    return [str(p) for p in info.value.problems]


@pytest.fixture(scope="module")
def heart_failure() -> tuple[CarePlan, list[str]]:
    return _import(_json(FIXTURES / "heart_failure_r4.json"))


# --- the public sample bundles --------------------------------------------------------------------

@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_sample_bundle_carries_everything_over(name: str) -> None:
    bundle = _json(SAMPLES / name)
    plan, notes = _import(bundle)
    assert notes == [] and plan.source == {"format": "fhir-r4", "bundle_id": bundle["id"], "unmapped": []}

    (patient,) = _resources(bundle, "Patient")
    assert plan.id == patient["identifier"][0]["value"] == plan.patient.mrn
    official = patient["name"][0]
    assert plan.patient.name == " ".join([*official["given"], official["family"]])
    assert plan.patient.date_of_birth == dt.date.fromisoformat(patient["birthDate"])
    assert plan.patient.sex == patient["gender"] and plan.patient.phone == patient["telecom"][0]["value"]

    conditions = _resources(bundle, "Condition")
    assert [c.name for c in plan.conditions] == [c["code"]["text"] for c in conditions]
    assert all(c.status == "active" and c.onset is not None for c in plan.conditions)

    allergies = _resources(bundle, "AllergyIntolerance")
    assert [(a.substance, a.criticality) for a in plan.allergies] == [(a["code"]["text"], a["criticality"]) for a in allergies]
    assert [a.reaction for a in plan.allergies] == [a["reaction"][0]["manifestation"][0]["text"] for a in allergies]

    orders = _resources(bundle, "MedicationRequest")
    assert len(plan.medications) == len(orders)
    for med, order in zip(plan.medications, orders, strict=True):
        text = order["medicationCodeableConcept"]["text"]
        dosage = order["dosageInstruction"][0]
        repeat = dosage["timing"]["repeat"]
        assert med.name == text.split()[0].lower()  # these orders start with the generic name
        assert med.display == text and med.dose_text == dosage["text"]
        assert med.dose is not None and med.dose.value == dosage["doseAndRate"][0]["doseQuantity"]["value"]
        assert med.as_needed is dosage["asNeededBoolean"]
        per_day = {"d": 1, "h": 24}[repeat["periodUnit"]] / repeat["period"]
        assert med.times_per_day == pytest.approx(repeat["frequency"] * per_day)
        assert med.prescriber == order["requester"]["display"] and med.route == dosage["route"]["text"]

    observations = _resources(bundle, "Observation")
    assert len(plan.labs) == len(observations)
    for lab, obs in zip(plan.labs, observations, strict=True):
        quantity = obs["valueQuantity"]
        assert lab.analyte == analyte_for_loinc(obs["code"]["coding"][0]["code"])
        assert lab.unit == ANALYTES[lab.analyte].unit
        assert lab.value == pytest.approx(convert_analyte(lab.analyte, quantity["value"], quantity["code"]))
        assert lab.date == dt.datetime.fromisoformat(obs["effectiveDateTime"])

    targets = [t for g in _resources(bundle, "Goal") for t in g["target"]]
    assert len(plan.targets) == len(targets)
    for target, goal_target in zip(plan.targets, targets, strict=True):
        detail = goal_target["detailRange"]
        assert target.analyte == analyte_for_loinc(goal_target["measure"]["coding"][0]["code"])
        assert target.low == detail.get("low", {}).get("value") and target.high == detail.get("high", {}).get("value")

    appointments = _resources(bundle, "Appointment")
    assert [(a.when, a.with_whom) for a in plan.appointments] == [
        (dt.datetime.fromisoformat(a["start"]), a["participant"][1]["actor"]["display"]) for a in appointments]

    (care_plan,) = _resources(bundle, "CarePlan")
    assert plan.title == care_plan["title"] and plan.summary == care_plan["description"]
    assert [(c.id, c.text, c.required) for c in plan.checklist] == [
        (f"c{k}", a["detail"]["description"], True) for k, a in enumerate(care_plan["activity"], 1)]


def test_htn_sample_concrete_values() -> None:
    plan, _ = _import(_json(SAMPLES / "htn_t2dm_gout.json"))
    assert [m.name for m in plan.medications] == ["losartan", "glipizide", "allopurinol"]
    glipizide = plan.medication("glipizide")
    assert glipizide is not None and glipizide.daily_mg() == 10
    assert glipizide.frequency == "twice daily before breakfast and before supper"
    assert glipizide.strength is not None and str(glipizide.strength) == "5 mg"
    assert [c.name for c in plan.conditions] == ["Essential hypertension", "Type 2 diabetes mellitus", "Gout"]
    assert plan.conditions[0].codes[0].code == "59621000"
    assert plan.allergies[0].substance == "Cephalexin" and plan.allergies[0].severity == "moderate"
    a1c = plan.latest("hba1c")
    assert a1c is not None and (a1c.value, a1c.unit) == (7.9, "%")
    assert {(t.analyte, t.low, t.high) for t in plan.targets} == {("glucose", 80, 180), ("systolic_bp", None, 130), ("hba1c", None, 7.5)}
    (visit,) = plan.appointments
    assert visit.with_whom == "Dr. Helena Morris" and visit.when.isoformat() == "2026-12-11T09:30:00-05:00"
    assert visit.purpose == "Diabetes and blood pressure visit (Primary care)" and visit.status == "booked"
    assert plan.patient.language == "en"


def test_asthma_sample_concrete_values() -> None:
    plan, _ = _import(_json(SAMPLES / "asthma_anxiety.json"))
    assert [m.name for m in plan.medications] == ["fluticasone", "albuterol", "montelukast", "escitalopram"]
    albuterol = plan.medication("albuterol")
    assert albuterol is not None and albuterol.as_needed and albuterol.times_per_day == 6
    assert albuterol.dose is not None and (albuterol.dose.value, albuterol.dose.unit) == (2, "puff")
    assert albuterol.strength is not None and str(albuterol.strength) == "90 mcg"
    assert plan.medication("montelukast").frequency == "once daily in the evening"  # type: ignore[union-attr]
    assert plan.allergies[0].severity == "severe" and plan.allergies[0].criticality == "high"
    assert [(t.analyte, t.low, t.high) for t in plan.targets] == [("spo2", 94, None)]
    assert {lab.analyte for lab in plan.labs} == {"spo2", "heart_rate", "respiratory_rate", "systolic_bp", "diastolic_bp"}
    assert plan.appointments[0].with_whom == "Dr. Kwame Mensah"
    assert "Remind: no aspirin" in plan.checklist[2].text


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_sample_round_trips_through_yaml(name: str) -> None:
    plan, _ = _import(_json(SAMPLES / name))
    again = load_from_text(dump_yaml(plan), "round-trip.yaml").plan
    assert again.content_hash() == plan.content_hash()


# --- own fixture: every mapping rule --------------------------------------------------------------

def test_blood_pressure_panel_is_split_into_components(heart_failure: tuple[CarePlan, list[str]]) -> None:
    plan, _ = heart_failure
    systolic, diastolic = plan.latest("systolic_bp"), plan.latest("diastolic_bp")
    assert systolic is not None and diastolic is not None
    assert (systolic.value, diastolic.value, systolic.unit) == (148, 92, "mm[Hg]")
    assert systolic.date == diastolic.date == dt.datetime.fromisoformat("2026-11-20T09:05:00-05:00")
    assert set(BP_PANELS) == {"85354-9", "55284-4"}


def test_medication_reference_and_contained_medication(heart_failure: tuple[CarePlan, list[str]]) -> None:
    plan, _ = heart_failure
    metoprolol = plan.medication("metoprolol")
    assert metoprolol is not None
    assert metoprolol.brand == "Toprol XL" and metoprolol.display == "Toprol XL 25 mg extended-release tablet"
    assert [(c.system, c.code) for c in metoprolol.codes] == [("http://www.nlm.nih.gov/research/umls/rxnorm", "866436")]
    assert str(metoprolol.strength) == "25 mg" and str(metoprolol.dose) == "25 mg"  # 1 tablet x 25 mg
    assert metoprolol.frequency == "once daily in the morning" and metoprolol.times_per_day == 1
    assert metoprolol.prescriber == "Dr. Ama Boateng"  # resolved from the Practitioner resource
    assert metoprolol.purpose == "Heart failure with reduced ejection fraction"  # reasonReference
    assert metoprolol.route == "oral"
    potassium = plan.medication("potassium chloride")  # "#kcl", a contained Medication
    assert potassium is not None and potassium.brand == "Klor-Con" and str(potassium.dose) == "20 mEq"
    assert potassium.purpose == "Low potassium from furosemide" and potassium.frequency == "once daily with meals"


def test_prn_order_with_daily_maximum(heart_failure: tuple[CarePlan, list[str]]) -> None:
    plan, _ = heart_failure
    tylenol = plan.medication("acetaminophen")
    assert tylenol is not None and tylenol.brand == "Tylenol" and tylenol.as_needed
    assert str(tylenol.dose) == "1000 mg" and str(tylenol.max_daily) == "3000 mg"
    assert tylenol.frequency == "every 6 to 8 hours" and tylenol.times_per_day == 4
    assert tylenol.instructions == "as needed for knee pain"
    insulin = plan.medication("insulin glargine")
    assert insulin is not None and insulin.frequency == "once daily at bedtime" and str(insulin.dose) == "18 units"


def test_glucose_in_mmol_per_litre_is_normalised(heart_failure: tuple[CarePlan, list[str]]) -> None:
    plan, _ = heart_failure
    glucose = plan.latest("glucose")
    assert glucose is not None and glucose.unit == "mg/dL"
    assert glucose.value == pytest.approx(7.8 * 18.0156, abs=0.01)
    assert (glucose.original_value, glucose.original_unit) == (7.8, "mmol/L")
    target = plan.target("glucose")
    assert target is not None and target.unit == "mg/dL"
    assert target.low == pytest.approx(4.4 * 18.0156, abs=0.01) and target.high == pytest.approx(7.2 * 18.0156, abs=0.01)
    weight = plan.latest("weight")
    assert weight is not None and weight.unit == "[lb_av]" and weight.value == pytest.approx(176.37, abs=0.01)


def test_goal_quantity_with_comparator_becomes_high_or_low(heart_failure: tuple[CarePlan, list[str]]) -> None:
    plan, notes = heart_failure
    systolic, spo2 = plan.target("systolic_bp"), plan.target("spo2")
    assert systolic is not None and (systolic.low, systolic.high) == (None, 140)
    assert spo2 is not None and (spo2.low, spo2.high) == (92, None)
    assert plan.target("weight") is None  # "exactly 75 kg" has no comparator: reported, not guessed
    assert any("Weight exactly 75 kg" in n and "without < or >" in n for n in notes)


def test_patient_appointments_checklist_and_contacts(heart_failure: tuple[CarePlan, list[str]]) -> None:
    plan, _ = heart_failure
    assert plan.id == "FX-000321" == plan.patient.mrn  # the identifier typed MR, not the SSN
    assert (plan.patient.name, plan.patient.preferred_name, plan.patient.call_name) == ("Beatrice Nkem Okafor", "Bea", "Bea")
    assert plan.patient.phone == "555-0151" and plan.patient.language == "es"  # mobile first; BCP-47 primary tag
    assert [c.name for c in plan.conditions] == ["Heart failure with reduced ejection fraction", "Community-acquired pneumonia"]
    assert plan.conditions[0].onset is None and plan.conditions[0].note == "onset 2019-05"
    assert plan.conditions[1].status == "resolved"
    allergy = plan.allergies[0]
    assert (allergy.reaction, allergy.severity, allergy.criticality) == ("Hives; Throat swelling", "severe", "high")
    first, second = plan.appointments
    assert (first.with_whom, first.location, first.purpose) == ("Dr. Ama Boateng", "Eastside Heart Clinic", "Heart failure follow-up (Cardiology)")
    assert (second.with_whom, second.purpose) == ("Diabetes educator Rosa Diaz", "Diabetes education")
    assert [(c.id, c.text) for c in plan.checklist] == [
        ("c1", "Ask about daily weights"), ("c2", "Check ankle swelling and breathlessness"),
        ("c3", "Confirm cardiology appointment")]
    assert [(c.name, c.role, c.phone) for c in plan.escalation_contacts] == [
        ("Heart failure team", "care team", "555-0170"), ("Dr. Ama Boateng", "Cardiologist", "555-0160")]


def test_everything_not_mapped_is_reported(heart_failure: tuple[CarePlan, list[str]]) -> None:
    plan, notes = heart_failure
    assert plan.source["unmapped"] == notes and plan.source["bundle_id"] == "fixture-heart-failure"
    expected = [
        "Atrial fibrillation is refuted",
        "\"Grandma's herbal sleep tea\" not recognised as a drug",
        "Lisinopril 10 mg tablet has status 'stopped'",
        "(LOINC 2093-3) is not a known analyte",
        "data absent: Specimen hemolysed",
        "Glucose is entered-in-error",
        "'Walk 20 minutes every day' has no measurable target",
        "Lab draw is cancelled",
        "'Teach-back on low-salt diet' is completed",
        "refers to ServiceRequest/sr-1",
        "Nurse Paul Lindqvist has no phone",
        "1 Encounter resource (entry[31])",
        "1 Immunization resource (entry[32])",
    ]
    for fragment in expected:
        assert sum(fragment in n for n in notes) == 1, (fragment, notes)
    assert len(notes) == len(expected) + 1  # + the weight goal without a comparator
    # An unrecognised drug is kept, lower-cased, and reported rather than dropped.
    assert plan.medication("grandma's herbal sleep tea") is not None
    assert plan.medication("lisinopril") is None


def test_fixture_round_trips_through_the_loader(tmp_path: Path) -> None:
    loaded = load(FIXTURES / "heart_failure_r4.json")
    assert loaded.format == "fhir" and loaded.notes == loaded.plan.source["unmapped"]
    out = tmp_path / "plan.yaml"
    out.write_text(dump_yaml(loaded.plan))
    assert load(out).plan.content_hash() == loaded.plan.content_hash()


# --- bundles that must be refused ------------------------------------------------------------------

def test_r5_shaped_bundle_is_refused_with_paths() -> None:
    problems = _problems(_json(FIXTURES / "r5_shapes.json"))
    assert problems == [
        "entry[3].resource.resourceType: 'Requirements' is not an R4/R4B resource type (R5-only or misspelt?)",
        "entry[1].resource.medication: MedicationRequest: not an element of FHIR R4/R4B (an R5 or STU3 field?)",
        "entry[2].resource.class: Appointment: not an element of FHIR R4/R4B (an R5 or STU3 field?)",
    ]


def test_stu3_shaped_bundle_is_refused_with_paths() -> None:
    problems = _problems(_json(FIXTURES / "stu3_shapes.json"))
    assert len(problems) == 5
    assert problems[0] == ("entry[1].resource.clinicalStatus: Condition: expected a FHIR structure here, "
                           "found the text 'active' (an STU3 or R5 shape?)")
    assert "entry[1].resource.assertedDate: Condition: not an element of FHIR R4/R4B" in problems[2]
    assert problems[3].startswith("entry[2].resource.clinicalStatus: AllergyIntolerance:")


def test_broken_references_are_all_named() -> None:
    problems = _problems(_json(FIXTURES / "broken_references.json"))
    assert problems == [
        "entry[2].resource.subject.reference: Observation reference 'Patient/someone-else' points at nothing in the bundle",
        "entry[3].resource.addresses[1].reference: CarePlan reference 'urn:uuid:missing-condition' points at nothing in the bundle",
        "entry[3].resource.goal[0].reference: CarePlan reference 'Goal/missing-goal' points at nothing in the bundle",
    ]


def test_broken_medication_reference_and_sample_subject() -> None:
    bundle = _json(FIXTURES / "heart_failure_r4.json")
    bundle["entry"][9]["resource"]["medicationReference"]["reference"] = "urn:uuid:no-such-medication"
    bundle["entry"][10]["resource"]["medicationReference"]["reference"] = "#no-such-contained"
    problems = _problems(bundle)
    assert any("entry[9].resource.medicationReference.reference" in p and "no-such-medication" in p for p in problems)
    assert any("entry[10].resource.medicationReference.reference" in p and "#no-such-contained" in p for p in problems)
    sample = _json(SAMPLES / "htn_t2dm_gout.json")
    sample["entry"][5]["resource"]["subject"]["reference"] = "urn:uuid:does-not-exist"
    assert _problems(sample) == [
        "entry[5].resource.subject.reference: MedicationRequest reference 'urn:uuid:does-not-exist' points at nothing in the bundle"]


def test_subject_must_be_the_patient() -> None:
    bundle = _json(SAMPLES / "htn_t2dm_gout.json")
    bundle["entry"][1]["resource"]["subject"] = {"reference": "urn:uuid:a8bbef42-9eda-53bc-a055-532c6890074a"}
    (problem,) = _problems(bundle)
    assert problem.startswith("entry[1].resource.subject.reference: Condition subject") and "AllergyIntolerance" in problem


def test_patient_count_problems_are_reported_with_others_at_once() -> None:
    bundle = _json(SAMPLES / "htn_t2dm_gout.json")
    no_patient = copy.deepcopy(bundle)
    no_patient["entry"] = no_patient["entry"][1:]
    problems = _problems(no_patient)
    assert problems[0] == "entry: no Patient resource: a care plan is for exactly one patient"
    assert len(problems) > 1 and all("points at nothing" in p for p in problems[1:])  # every subject dangles
    two = copy.deepcopy(bundle)
    second = copy.deepcopy(two["entry"][0])
    second["fullUrl"], second["resource"]["id"] = "urn:uuid:second", "second"
    second["resource"]["birthDate"] = "1961-02-30"  # and an invalid date: reported together
    two["entry"].append(second)
    problems = _problems(two)
    assert any(p.startswith("entry[20].resource.birthDate: Patient: Input should be a valid date") for p in problems)
    assert "entry[20]: a second Patient (the first is entry[0]): a care plan is for exactly one patient" in problems


def test_plan_validation_failures_name_the_bundle_entry() -> None:
    bundle = _json(SAMPLES / "htn_t2dm_gout.json")
    glucose_goal = bundle["entry"][15]["resource"]["target"][0]["detailRange"]
    glucose_goal["low"]["value"], glucose_goal["high"]["value"] = 200, 90
    del bundle["entry"][0]["resource"]["birthDate"]
    problems = _problems(bundle)
    assert "patient.date_of_birth: Field required (from entry[0] Patient)" in problems
    assert "targets[0]: target low 200 is above high 90 (from entry[15] Goal)" in problems


def test_not_a_bundle_shape() -> None:
    no_patient = "entry: no Patient resource: a care plan is for exactly one patient"
    assert _problems({"resourceType": "Bundle"}) == ["type: required element is missing", no_patient]
    assert _problems({"resourceType": "Bundle", "type": "collection", "entry": "nope"}) == [
        "entry: Input should be a valid list (found 'nope')", no_patient]
    problems = _problems({"resourceType": "Bundle", "type": "collection", "entry": [{"fullUrl": "urn:uuid:x"}]})
    assert problems == [no_patient]


def test_unusual_but_valid_inputs_are_reported_not_fatal() -> None:
    bundle = _json(SAMPLES / "htn_t2dm_gout.json")
    obs = bundle["entry"][9]["resource"]  # glucose 152 mg/dL
    obs["valueQuantity"] = {"value": 152, "unit": "furlongs", "system": "http://unitsofmeasure.org", "code": "[fur_us]"}
    order = bundle["entry"][5]["resource"]
    order["dosageInstruction"].append({"text": "Extra 25 mg on Mondays"})
    order["dosageInstruction"][0]["maxDosePerPeriod"] = {"numerator": {"value": 300, "unit": "mg"},
                                                         "denominator": {"value": 1, "unit": "week", "code": "wk"}}
    bundle["entry"][0]["resource"]["gender"] = "F"
    plan, notes = _import(bundle)
    assert plan.latest("glucose") is None and plan.patient.sex == "unknown"
    assert any("unit '[fur_us]' cannot be read as mg/dL" in n for n in notes)
    assert any("only the first of 2 dosage instructions mapped; not mapped: Extra 25 mg on Mondays" in n for n in notes)
    assert any("maximum dose per 1 wk not mapped" in n for n in notes)
    assert any("gender 'F' is not an R4 code" in n for n in notes)
    assert plan.source["unmapped"] == notes


def test_do_not_perform_order_is_not_a_medication() -> None:
    bundle = _json(SAMPLES / "htn_t2dm_gout.json")
    bundle["entry"][5]["resource"]["doNotPerform"] = True
    plan, notes = _import(bundle)
    assert plan.medication("losartan") is None
    assert notes == ["entry[5] MedicationRequest: an order NOT to give Losartan 50 mg oral tablet; not listed as a medication"]


# --- drug names -------------------------------------------------------------------------------------

ORDER_TEXTS = [
    ("Losartan 50 mg oral tablet", "losartan"),
    ("Toprol XL 25 mg", "metoprolol"),
    ("metoprolol succinate ER 50 mg", "metoprolol"),
    ("Metoprolol tartrate 25 mg oral tablet", "metoprolol"),
    ("Insulin glargine 100 unit/mL pen", "insulin glargine"),
    ("Lantus SoloStar 100 unit/mL", "insulin glargine"),
    ("Humalog KwikPen 100 unit/mL", "insulin lispro"),
    ("NovoLog FlexPen", "insulin aspart"),
    ("Levemir FlexTouch", "insulin detemir"),
    ("Tresiba 200 unit/mL", "insulin degludec"),
    ("Novolin R 100 unit/mL vial", "insulin regular"),
    ("Klor-Con 20 mEq", "potassium chloride"),
    ("potassium chloride ER 10 mEq tablet", "potassium chloride"),
    ("K-Dur 20", "potassium chloride"),
    ("Tylenol Extra Strength", "acetaminophen"),
    ("paracetamol 500 mg", "acetaminophen"),
    ("Lasix", "furosemide"),
    ("Aleve 220 mg", "naproxen"),
    ("naproxen sodium 220 mg", "naproxen"),
    ("Synthroid 75 mcg", "levothyroxine"),
    ("levothyroxine sodium 50 mcg tablet", "levothyroxine"),
    ("Colace 100 mg", "docusate"),
    ("docusate sodium 100 mg capsule", "docusate"),
    ("Tums 500 mg chewable", "calcium carbonate"),
    ("Baqsimi 3 mg nasal powder", "glucagon"),
    ("Delsym 30 mg/5 mL", "dextromethorphan"),
    ("Sudafed 30 mg", "pseudoephedrine"),
    ("Sudafed PE 10 mg", "phenylephrine"),
    ("Milk of Magnesia 400 mg/5 mL", "magnesium hydroxide"),
    ("Fleet saline enema", "sodium phosphate"),
    ("Coumadin 5 mg", "warfarin"),
    ("warfarin sodium 5 mg", "warfarin"),
    ("amlodipine besylate 10 mg", "amlodipine"),
    ("atorvastatin calcium 40 mg", "atorvastatin"),
    ("Fluticasone propionate 110 mcg/actuation inhaler", "fluticasone"),
    ("ProAir HFA 90 mcg/actuation", "albuterol"),
    ("Glucophage XR 500 mg", "metformin"),
    ("Eliquis 5 mg", "apixaban"),
    ("Aspirin 81 mg EC", "aspirin"),
    ("Nitrostat 0.4 mg SL", "nitroglycerin"),
    # Combination products: every ingredient, sorted, joined with " / ".
    ("Tylenol PM", "acetaminophen / diphenhydramine"),
    ("Lisinopril-hydrochlorothiazide 20-12.5 mg", "hydrochlorothiazide / lisinopril"),
    ("Zestoretic 20-12.5", "hydrochlorothiazide / lisinopril"),
    ("amoxicillin-clavulanate 875-125 mg", "amoxicillin / clavulanate"),
    ("Augmentin 875 mg", "amoxicillin / clavulanate"),
    ("Percocet 5/325", "acetaminophen / oxycodone"),
    ("Entresto 49-51 mg", "sacubitril / valsartan"),
    ("Advair Diskus 250/50", "fluticasone / salmeterol"),
    ("Excedrin Migraine", "acetaminophen / aspirin / caffeine"),
    ("Humulin 70/30", "insulin nph / insulin regular"),
]


@pytest.mark.parametrize(("text", "expected"), ORDER_TEXTS)
def test_generic_name_of_order_texts(text: str, expected: str) -> None:
    assert drugnames.generic_name(text) == expected


def test_brands_and_ingredients() -> None:
    found = drugnames.recognise("Toprol XL 25 mg")
    assert found is not None and (found.ingredients, found.brand) == (("metoprolol",), "Toprol XL")
    generic = drugnames.recognise("metoprolol succinate ER 50 mg")
    assert generic is not None and generic.brand is None
    assert drugnames.generic_names("Tylenol PM") == ["acetaminophen", "diphenhydramine"]
    assert drugnames.recognise("Sudafed PE")  == drugnames.DrugName(("phenylephrine",), "Sudafed PE", "Sudafed PE")


@pytest.mark.parametrize("text", ["", "   ", "Grandma's herbal sleep tea", "Take 1 tablet by mouth daily", "blood pressure cuff"])
def test_no_drug_gives_none(text: str) -> None:
    assert drugnames.generic_name(text) is None and drugnames.generic_names(text) == []


def test_dictionary_is_loaded_once() -> None:
    first = drugnames.preload()
    assert first == drugnames.load_seconds() and first > 0
    drugnames.generic_name("Lasix")
    assert drugnames.load_seconds() == first
