"""The clinical knowledge core: it loads, its tables agree with each other, and a few facts per table
are checked against the label or guideline they cite."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

import specialists.knowledge as kn
from careplans.analytes import ANALYTES


@pytest.fixture(scope="module")
def kb() -> kn.Knowledge:
    return kn.knowledge()


# --- loading and schema cross-checks -------------------------------------------------------------


def test_loads_once_and_is_cached(kb: kn.Knowledge) -> None:
    assert kn.knowledge() is kb
    assert len(kb.drugs) >= 150
    assert len(kb.combinations) >= 20
    assert kb.contraindications and kb.interactions and kb.red_flags and kb.lab_effects


def test_every_record_has_a_source(kb: kn.Knowledge) -> None:
    records: list[object] = [
        *kb.drugs.values(), *kb.combinations.values(), *kb.descriptions, *kb.products.values(),
        *[lim for lims in kb.limits.values() for lim in lims], *kb.condition_classes.values(),
        *kb.allergy_classes.values(), *kb.contraindications, *kb.interactions,
        *[r for v in kb.ranges.values() for r in v.values()], *kb.critical.values(), *kb.thresholds,
        *kb.lab_effects, *kb.lab_non_effects, *kb.red_flag_features.values(), *kb.red_flags, kb.modifiers,
    ]
    missing = [r for r in records if not getattr(r, "source", "").strip()]
    assert not missing


def test_rules_name_only_known_drugs_or_classes(kb: kn.Knowledge) -> None:
    names = [n for r in kb.contraindications for n in r.drugs]
    names += [n for r in kb.interactions for n in (*r.a, *r.b)]
    names += [n for e in (*kb.lab_effects, *kb.lab_non_effects) for n in e.drugs]
    unknown = sorted({n for n in names if n not in kb.drugs and not kb.is_class(n)})
    assert not unknown
    # every name stands for at least one drug (no rule about an empty class)
    assert not sorted({n for n in names if not kb.resolve(n)})


def test_analytes_and_units_are_canonical(kb: kn.Knowledge) -> None:
    for analyte, variants in kb.ranges.items():
        assert analyte in ANALYTES
        for rr in variants.values():
            assert rr.unit == ANALYTES[analyte].unit, analyte
    assert set(kb.ranges) | set(kb.no_range) == set(ANALYTES)
    for cl in kb.critical.values():
        assert cl.unit == ANALYTES[cl.analyte].unit
    for th in kb.thresholds:
        assert th.unit == ANALYTES[th.analyte].unit
    assert {e.analyte for e in (*kb.lab_effects, *kb.lab_non_effects)} <= set(ANALYTES)


def test_names_are_canonical_and_unambiguous(kb: kn.Knowledge) -> None:
    for name in kb.drugs:
        assert name == name.lower() == kn.normalize_name(name)
        assert not kb.is_class(name)
    for combo in kb.combinations.values():
        assert all(i.drug in kb.drugs for i in combo.ingredients)
    # every brand resolves to generics that exist
    for brand, generics in kn.brands().items():
        assert generics and all(g in kb.drugs for g in generics), brand


def test_documented_examples_hold() -> None:
    assert kn.check_examples() == []


def test_plan_drugs_of_the_public_samples_are_known(samples: Path) -> None:
    import careplans

    for bundle in sorted((samples / "fhir").glob("*.json")):
        plan = careplans.load(bundle).plan
        for med in plan.medications:
            assert med.name in kn.drug_names(), (bundle.name, med.name)


def test_a_broken_file_is_reported_with_every_problem(tmp_path: Path) -> None:
    for f in kn.KNOWLEDGE_DIR.glob("*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    inter = yaml.safe_load((tmp_path / "interactions.yaml").read_text())
    inter["rules"].append({"id": "bogus", "a": ["warfarin"], "b": ["unobtainium"], "severity": "major", "effect": "x", "risk": "harm you",
                           "source": "x"})
    inter["rules"][0]["source"] = " "
    (tmp_path / "interactions.yaml").write_text(yaml.safe_dump(inter))
    ranges = yaml.safe_load((tmp_path / "reference_ranges.yaml").read_text())
    ranges["ranges"]["potassium"]["unit"] = "mEq/L"
    ranges["ranges"]["calcium"] = {"unit": "mg/dL", "low": 8.5, "high": 10.5, "source": "x"}
    (tmp_path / "reference_ranges.yaml").write_text(yaml.safe_dump(ranges))
    with pytest.raises(kn.KnowledgeError) as info:
        kn.load_knowledge(tmp_path)
    text = str(info.value)
    assert "unobtainium" in text
    assert "source must not be empty" in text
    assert "'mEq/L' is not the canonical 'mmol/L'" in text
    assert "'calcium' is not an analyte" in text


# --- drugs.yaml ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "generics"),
    [
        ("Motrin", ("ibuprofen",)),
        ("Advil", ("ibuprofen",)),
        ("Aleve", ("naproxen",)),
        ("Coumadin", ("warfarin",)),
        ("Jantoven", ("warfarin",)),
        ("Eliquis", ("apixaban",)),
        ("Lasix", ("furosemide",)),
        ("Toprol XL", ("metoprolol",)),
        ("Toprol-XL", ("metoprolol",)),
        ("Klor-Con", ("potassium chloride",)),
        ("Milk of Magnesia", ("magnesium hydroxide",)),
        ("Fleet enema", ("sodium phosphate",)),
        ("Tums", ("calcium carbonate",)),
        ("Baqsimi", ("glucagon",)),
        ("Delsym", ("dextromethorphan",)),
        ("Sudafed", ("pseudoephedrine",)),
        ("Sudafed PE", ("phenylephrine",)),
        ("Lantus", ("insulin glargine",)),
        ("Humalog", ("insulin lispro",)),
        ("Cozaar", ("losartan",)),
        ("Allegra", ("fexofenadine",)),
        ("paracetamol", ("acetaminophen",)),
        ("Tylenol PM", ("acetaminophen", "diphenhydramine")),
        ("Advil PM", ("ibuprofen", "diphenhydramine")),
        ("Excedrin", ("acetaminophen", "aspirin", "caffeine")),
        ("Percocet", ("oxycodone", "acetaminophen")),
        ("Entresto", ("sacubitril", "valsartan")),
        ("NyQuil", ("acetaminophen", "dextromethorphan", "doxylamine")),
    ],
)
def test_brand_lookup(name: str, generics: tuple[str, ...]) -> None:
    assert set(kn.lookup(name) or ()) == set(generics)


def test_brands_map_is_lower_case() -> None:
    b = kn.brands()
    assert b["motrin"] == ["ibuprofen"]
    assert sorted(b["tylenol pm"]) == ["acetaminophen", "diphenhydramine"]
    assert all(k == k.lower() for k in b)


def test_classes_include_umbrellas() -> None:
    assert {"loop_diuretic", "diuretic"} <= kn.drug_classes("furosemide")
    assert {"insulin_long_acting", "insulin", "antidiabetic"} <= kn.drug_classes("insulin glargine")
    assert {"nsaid", "antiplatelet"} <= kn.drug_classes("aspirin")
    assert "ssri" in kn.drug_classes("escitalopram")
    assert kn.drug_classes("unobtainium") == frozenset()
    assert "ibuprofen" in kn.class_members("nsaid")


def test_descriptions_resolve_through_the_plan() -> None:
    asthma_plan = ["fluticasone", "albuterol", "montelukast", "escitalopram"]
    assert kn.resolve_description("rescue inhaler", asthma_plan) == "albuterol"
    assert kn.resolve_description("water pill", ["furosemide", "spironolactone", "lisinopril"]) == "furosemide"
    assert kn.resolve_description("blood thinner", ["warfarin", "metoprolol"]) == "warfarin"
    assert kn.resolve_description("long-acting insulin", ["insulin glargine", "insulin lispro"]) == "insulin glargine"
    assert kn.resolve_description("short acting insulin", ["insulin glargine", "insulin lispro"]) == "insulin lispro"
    # two plan drugs fit: no resolution
    assert kn.resolve_description("blood pressure pill", ["lisinopril", "amlodipine"]) is None
    assert kn.resolve_description("water pill", ["lisinopril"]) is None


# --- product_strengths.yaml -----------------------------------------------------------------------


def test_product_strengths_from_the_drug_facts_labels() -> None:
    assert kn.product_strength("Tylenol Extra Strength").mg("acetaminophen") == 500
    assert kn.product_strength("Tylenol Regular Strength").mg("acetaminophen") == 325
    assert kn.product_strength("Tylenol 8 HR Arthritis Pain").mg("acetaminophen") == 650
    assert kn.product_strength("Tylenol").mg("acetaminophen") == 325  # bare brand = regular strength
    assert kn.product_strength("Advil").mg("ibuprofen") == 200
    assert kn.product_strength("Motrin").mg("ibuprofen") == 200
    assert kn.product_strength("Aleve").mg("naproxen") == 220
    assert kn.product_strength("Benadryl").mg("diphenhydramine") == 25
    assert kn.product_strength("Imodium").mg("loperamide") == 2
    assert kn.product_strength("Sudafed").mg("pseudoephedrine") == 30
    delsym = kn.product_strength("Delsym")
    assert delsym.mg("dextromethorphan") == 30 and delsym.per_ml == 5 and delsym.mg_per_ml("dextromethorphan") == 6
    tpm = kn.product_strength("Tylenol PM")
    assert tpm.mg("acetaminophen") == 500 and tpm.mg("diphenhydramine") == 25
    assert kn.product_strength("no such product") is None


# --- max_daily_doses.yaml -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("drug", "mg"),
    [("acetaminophen", 4000), ("ibuprofen", 1200), ("naproxen", 660), ("diphenhydramine", 300),
     ("loperamide", 8), ("pseudoephedrine", 240), ("dextromethorphan", 120)],
)
def test_otc_maxima_exactly_as_the_samples_readme(drug: str, mg: float) -> None:
    limit = kn.max_daily_mg(drug)
    assert limit is not None and limit.context == "otc_label" and limit.mg == mg


def test_otc_maxima_cite_their_label() -> None:
    assert "acetaminophen 500 mg" in kn.max_daily_mg("acetaminophen").source
    assert "Advil" in kn.max_daily_mg("ibuprofen").source
    assert kn.max_daily_mg("naproxen").basis == "naproxen sodium"


@pytest.mark.parametrize(
    ("drug", "mg"),
    [("metformin", 2550), ("furosemide", 600), ("lisinopril", 80), ("losartan", 100), ("glipizide", 40),
     ("allopurinol", 800), ("tramadol", 400), ("gabapentin", 3600), ("ibuprofen", 3200)],
)
def test_rx_label_maxima(drug: str, mg: float) -> None:
    limit = kn.max_daily_mg(drug, "rx_label")
    assert limit is not None and limit.mg == mg and "label" in limit.source


def test_no_invented_maximum_where_the_label_gives_none() -> None:
    for drug in ("oxycodone", "hydrocodone", "levothyroxine", "warfarin", "insulin glargine", "prednisone"):
        assert kn.max_daily_mg(drug) is None


# --- contraindications.yaml -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cls"),
    [("CKD stage 3b", "ckd_stage_3_5"), ("chronic kidney disease stage 4", "ckd_stage_3_5"),
     ("Chronic systolic heart failure", "heart_failure"), ("History of upper GI bleed", "peptic_ulcer_or_gi_bleed"),
     ("Benign prostatic hyperplasia", "bph"), ("Uncontrolled hypertension", "uncontrolled_hypertension"),
     ("Aspirin-exacerbated respiratory disease", "asthma_aerd")],
)
def test_condition_text_is_recognised(text: str, cls: str) -> None:
    assert cls in kn.condition_classes_for(text)


def test_condition_codes_are_recognised() -> None:
    assert "ckd_stage_3_5" in kn.condition_classes_for("", [("http://hl7.org/fhir/sid/icd-10-cm", "N18.32")])
    assert "heart_failure" in kn.condition_classes_for("", [("http://snomed.info/sct", "84114007")])
    assert kn.condition_classes_for("", [("http://hl7.org/fhir/sid/icd-10-cm", "N18.2")]) == frozenset()


def test_plain_hypertension_is_not_uncontrolled() -> None:
    classes = kn.condition_classes_for("Essential hypertension", [("http://snomed.info/sct", "59621000")])
    assert classes == {"hypertension"}
    assert kn.contraindications_for("pseudoephedrine", classes) == []
    cautions = kn.contraindications_for("pseudoephedrine", classes, include_caution=True)
    assert [r.severity for r in cautions] == ["caution"]


def test_ibuprofen_is_ruled_out_by_ckd_and_heart_failure() -> None:
    assert [r.id for r in kn.contraindications_for("ibuprofen", ["ckd_stage_3_5"])] == ["nsaid_ckd"]
    assert [r.id for r in kn.contraindications_for("naproxen", ["heart_failure"])] == ["nsaid_heart_failure"]
    assert kn.contraindications_for("acetaminophen", ["ckd_stage_3_5", "heart_failure"]) == []


def test_low_dose_aspirin_is_exempt_from_condition_rules_but_not_from_allergy() -> None:
    assert kn.contraindications_for("aspirin", ["heart_failure"], dose_mg=81) == []
    assert kn.contraindications_for("aspirin", ["heart_failure"], dose_mg=650)
    assert kn.contraindications_for("aspirin", [], ["nsaid_or_aspirin_allergy"], dose_mg=81)


def test_allergies() -> None:
    pcn = kn.allergy_classes_for("Penicillin (hives)")
    assert pcn == {"penicillin_allergy"}
    assert [r.id for r in kn.contraindications_for("amoxicillin", allergies=pcn)] == ["penicillin_allergy"]
    nsaid = kn.allergy_classes_for("Aspirin and other NSAIDs")
    assert kn.contraindications_for("ibuprofen", allergies=nsaid)
    assert "sulfa_allergy" in kn.allergy_classes_for("Bactrim")


def test_core_rule_classes_match_the_samples_readme(kb: kn.Knowledge) -> None:
    core = {(r.condition or r.allergy, d) for r in kb.contraindications if r.tier == "core" for d in r.drugs}
    assert core == {
        ("ckd_stage_3_5", "nsaid"), ("heart_failure", "nsaid"), ("peptic_ulcer_or_gi_bleed", "nsaid"),
        ("nsaid_or_aspirin_allergy", "nsaid"), ("asthma_aerd", "nsaid"),
        ("uncontrolled_hypertension", "oral_decongestant"), ("bph", "oral_decongestant"),
        ("age_65_plus", "diphenhydramine"), ("bph", "diphenhydramine"),
        ("penicillin_allergy", "penicillin"),
        ("ckd_stage_3_5", "magnesium_laxative"), ("ckd_stage_3_5", "sodium_phosphate_laxative"),
    }
    assert {"ibuprofen", "naproxen", "aspirin"} <= kb.class_index["nsaid"]
    assert {"pseudoephedrine", "phenylephrine"} <= kb.class_index["oral_decongestant"]
    assert "magnesium hydroxide" in kb.class_index["magnesium_laxative"]
    assert "sodium phosphate" in kb.class_index["sodium_phosphate_laxative"]


def test_plan_classes_of_the_public_samples(samples: Path) -> None:
    import careplans

    today = dt.date(2026, 11, 27)
    dolores = careplans.load(samples / "fhir" / "htn_t2dm_gout.json").plan
    assert kn.plan_condition_classes(dolores, today) == {"hypertension", "age_65_plus"}
    assert kn.plan_allergy_classes(dolores) == {"cephalosporin_allergy"}
    assert [r.id for r in kn.contraindications_for("diphenhydramine", kn.plan_condition_classes(dolores, today))] == [
        "diphenhydramine_age_65", "first_gen_antihistamine_age_65"]
    thomas = careplans.load(samples / "fhir" / "asthma_anxiety.json").plan
    conds, alls = kn.plan_condition_classes(thomas, today), kn.plan_allergy_classes(thomas)
    assert "asthma_aerd" in conds and alls == {"nsaid_or_aspirin_allergy"}
    assert kn.contraindications_for("ibuprofen", conds, alls, tiers=["core"])  # s-ci-01: Motrin


# --- interactions.yaml ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "severity"),
    [("warfarin", "ibuprofen", "major"), ("ibuprofen", "warfarin", "major"), ("warfarin", "aspirin", "major"),
     ("apixaban", "naproxen", "major"), ("sertraline", "tramadol", "major"), ("tramadol", "escitalopram", "major"),
     ("nitroglycerin", "sildenafil", "contraindicated"), ("isosorbide mononitrate", "tadalafil", "contraindicated"),
     ("phenelzine", "dextromethorphan", "contraindicated"), ("phenelzine", "pseudoephedrine", "contraindicated"),
     ("oxycodone", "lorazepam", "major"), ("spironolactone", "potassium chloride", "major"),
     ("clarithromycin", "simvastatin", "contraindicated"), ("allopurinol", "azathioprine", "major"),
     ("methotrexate", "trimethoprim", "major"), ("lisinopril", "sacubitril", "contraindicated")],
)
def test_dangerous_pairs(a: str, b: str, severity: str) -> None:
    rules = kn.interactions_between(a, b)
    assert rules and severity in {r.severity for r in rules}


@pytest.mark.parametrize(
    ("a", "b"),
    [("ibuprofen", "lisinopril"), ("naproxen", "furosemide"), ("acetaminophen", "warfarin"),
     ("lisinopril", "potassium chloride"), ("azithromycin", "simvastatin"), ("acetaminophen", "escitalopram")],
)
def test_monitor_level_pairs_are_not_raised(a: str, b: str) -> None:
    assert kn.interactions_between(a, b) == []


def test_monitor_pairs_are_documented() -> None:
    assert {r.severity for r in kn.interactions_between("ibuprofen", "lisinopril", include_monitor=True)} == {"monitor"}


# --- reference_ranges.yaml ------------------------------------------------------------------------


def test_reference_ranges_as_the_samples_readme() -> None:
    k = kn.reference_range("potassium")
    assert (k.low, k.high, k.unit) == (3.5, 5.0, "mmol/L")
    assert kn.reference_range("sodium").classify(130) == "low"
    assert kn.reference_range("hemoglobin", "female").low == 12.0
    assert kn.reference_range("hemoglobin", "male").low == 13.5
    assert kn.reference_range("creatinine", "male").high == 1.3
    assert kn.reference_range("creatinine", "female").high == 1.1
    temp = kn.reference_range("temperature")
    assert temp.unit == "[degF]" and (temp.low, temp.high) == (97.0, 100.3)
    assert kn.reference_range("hba1c").classify(5.7) == "high"
    assert kn.reference_range("egfr").classify(45) == "low"
    assert kn.reference_range("spo2").classify(91) == "low"
    assert kn.reference_range("weight") is None


def test_glucose_without_a_goal_flags_only_below_60_or_above_200() -> None:
    g = kn.reference_range("glucose")
    assert (g.low, g.high) == (70, 99)
    assert g.classify(61) is None and g.classify(170) is None
    assert g.classify(55) == "low" and g.classify(250) == "high"
    assert g.classify(61, screening=False) == "low"


def test_critical_values_and_thresholds_from_the_contract() -> None:
    assert kn.critical_limits("potassium").classify(2.9) == "low"
    assert kn.critical_limits("potassium").classify(3.0) is None
    assert kn.critical_limits("potassium").classify(6.2) == "high"
    assert kn.critical_limits("inr").classify(5.4) == "high"
    assert kn.critical_limits("glucose").classify(50) == "low"
    th = {t.id: t for t in kn.escalation_thresholds()}
    assert th["severe_hypertension_systolic"].value == 180 and th["severe_hypertension_diastolic"].value == 110
    assert (th["hf_weight_gain_day"].value, th["hf_weight_gain_day"].window_days) == (3, 1)
    assert (th["hf_weight_gain_week"].value, th["hf_weight_gain_week"].window_days) == (5, 7)
    assert th["postop_fever"].value == 101.0 and th["postop_fever"].unit == "[degF]"


# --- medication_lab_effects.yaml ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("drug", "analyte", "direction"),
    [("furosemide", "potassium", "low"), ("hydrochlorothiazide", "sodium", "low"), ("lisinopril", "potassium", "high"),
     ("losartan", "potassium", "high"), ("spironolactone", "potassium", "high"), ("potassium chloride", "potassium", "high"),
     ("warfarin", "inr", "high"), ("glipizide", "glucose", "low"), ("insulin glargine", "glucose", "low"),
     ("prednisone", "glucose", "high"), ("atorvastatin", "alt", "high"), ("levothyroxine", "tsh", "low"),
     ("furosemide", "creatinine", "high"), ("ibuprofen", "creatinine", "high")],
)
def test_known_causes(drug: str, analyte: str, direction: str) -> None:
    assert kn.is_lab_cause(drug, analyte, direction)


def test_not_causes() -> None:
    assert not kn.is_lab_cause("metformin", "glucose", "low", tiers=["core", "extended"])
    assert {(e.analyte, e.direction) for e in kn.lab_non_effects("metformin")} == {("glucose", "low")}
    assert not kn.is_lab_cause("warfarin", "inr", "low")
    assert not kn.is_lab_cause("furosemide", "potassium", "high")


# --- red_flags.yaml -------------------------------------------------------------------------------


def _levels(text: str) -> set[str]:
    return {f.level for f in kn.match_red_flags(text)}


@pytest.mark.parametrize(
    ("text", "level"),
    [("I've got this crushing chest pain", "emergency"),
     ("it feels like an elephant on my chest", "emergency"),
     ("her face is drooping and she can't lift her arm", "emergency"),
     ("I can't catch my breath, I can't finish a sentence, and my rescue inhaler isn't working.", "emergency"),
     ("I fainted in the shower", "emergency"),
     ("I threw up something that looked like coffee grounds", "emergency"),
     ("I've had black tarry stools since Tuesday", "urgent"),
     ("there was blood in my stool", "urgent")],
)
def test_red_flags_as_people_say_them(text: str, level: str) -> None:
    assert level in _levels(text)


def test_requires_a_cardiac_feature() -> None:
    assert _levels("my chest hurts a bit when I cough") == set()
    assert _levels("my chest hurts and I'm sweating and short of breath") == {"emergency"}


def test_no_red_flag_in_ordinary_talk() -> None:
    for text in ["My sugar was one seventy after dinner.", "I take my Cozaar every morning with breakfast.",
                 "I ran out of the allopurinol last week."]:
        assert kn.match_red_flags(text) == []


def test_modifiers_are_provided() -> None:
    mods = kn.red_flag_modifiers()
    assert "no" in mods.negation and "what are the warning signs" in mods.hypothetical and "my cousin" in mods.other_person


def test_every_red_flag_has_words_for_the_caller_and_no_unknown_flag_has_any() -> None:
    import re as _re

    import specialists.escalation as esc

    computed = set(_re.findall(r'Hit\("([a-z_]+)"', Path(esc.__file__).read_text()))
    flags = {f.id for f in kn.red_flags()}
    said = kn.knowledge().flag_said_as
    assert flags <= set(said), flags - set(said)
    assert set(said) <= flags | computed, set(said) - flags - computed
    assert kn.red_flag_said_as("hf_weight_gain") == "the weight gain"


@pytest.mark.parametrize(("text", "flag"), [
    # everyday words inside the red flags' own words (stop 41, ordinary talk): swelling that went down, the line cut out,
    # coffee grounds in the garden, the last week of the blood thinner
    ("My ankles were a little puffy Tuesday but they went down after I put my feet up.", "fainting"),
    ("You cut out for a second, what did you say after the part about my incision?", "fainting"),
    ("My hydrangeas turned blue this year. I put coffee grounds in the soil.", "vomiting_blood"),
    ("I'm down to the last week of the blood thinner shots, thank goodness.", "blood_in_urine"),
])
def test_ordinary_words_inside_a_red_flags_words_are_not_that_flag(text: str, flag: str) -> None:
    assert flag not in {f.id for f in kn.match_red_flags(text)}


@pytest.mark.parametrize(("text", "flag"), [
    ("He stood up and went down, and he didn't answer me for a minute.", "fainting"),
    ("She was out for a few seconds on the kitchen floor.", "fainting"),
    ("I threw up and it looked like coffee grounds.", "vomiting_blood"),
    ("There's blood in my pee since this morning.", "blood_in_urine"),
])
def test_the_same_flags_said_as_symptoms_are_still_found(text: str, flag: str) -> None:
    assert flag in {f.id for f in kn.match_red_flags(text)}
