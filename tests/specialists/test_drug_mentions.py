"""Drug-mention recognition: names, brands, misspellings, speech-recogniser splits, descriptions,
the dictionary fallback, and ordinary words that must never be taken for a drug."""

from __future__ import annotations

from pathlib import Path

import pytest

import careplans
from careplans.loader import load_from_text
from specialists.text import drugs as drug_text
from specialists.text.drugs import find_drug_mentions, plan_drugs

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "careplans" / "examples"
SAMPLES = next(p for p in (ROOT.parent / "shared" / "samples", ROOT / "tests" / "data" / "public_samples")
               if (p / "specialist_cases.jsonl").exists())

POTASSIUM_PLAN = """
id: test-potassium
patient: {name: Kay Tester, date_of_birth: "1970-01-01", sex: female}
conditions: [{name: Heart failure with preserved ejection fraction}]
medications:
  - {name: furosemide, brand: Lasix, strength: {value: 40, unit: mg}, dose: {value: 40, unit: mg}, times_per_day: 1}
  - {name: potassium chloride, brand: Klor-Con, strength: {value: 20, unit: meq}, dose: {value: 20, unit: meq}, times_per_day: 1}
  - {name: lisinopril / hydrochlorothiazide, brand: Zestoretic, dose: {value: 1, unit: tablet}, times_per_day: 1}
  - {name: albuterol, route: inhalation, display: Albuterol HFA inhaler, as_needed: true}
"""


@pytest.fixture(scope="module")
def plans() -> dict[str, careplans.CarePlan]:
    drug_text.preload()
    return {
        "hf": careplans.load(EXAMPLES / "heart_failure_ckd_diabetes.yaml").plan,
        "warfarin": careplans.load(EXAMPLES / "anticoagulation_warfarin.yaml").plan,
        "knee": careplans.load(EXAMPLES / "post_operative_knee.yaml").plan,
        "asthma": careplans.load(SAMPLES / "fhir" / "asthma_anxiety.json").plan,
        "gout": careplans.load(SAMPLES / "fhir" / "htn_t2dm_gout.json").plan,
        "k": load_from_text(POTASSIUM_PLAN, "potassium plan").plan,
    }


def drugs_in(text: str, plan: careplans.CarePlan | None = None) -> list[tuple[str, ...]]:
    return [m.drugs for m in find_drug_mentions(text, plan)]


# --- exact names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I take my Cozaar every morning.", [("losartan",)]),
        ("I've been taking Allegra for my allergies.", [("fexofenadine",)]),
        ("Can I take Motrin for my back?", [("ibuprofen",)]),
        ("two Advils and an Aleve", [("ibuprofen",), ("naproxen",)]),
        ("I use Toprol-XL and Klor-Con", [("metoprolol",), ("potassium chloride",)]),
        ("milk of magnesia and a Fleet saline enema", [("magnesium hydroxide",), ("sodium phosphate",)]),
        ("some Tums after dinner", [("calcium carbonate",)]),
        ("I keep Baqsimi in my purse", [("glucagon",)]),
        ("Delsym for the cough", [("dextromethorphan",)]),
        ("Sudafed, not Sudafed PE", [("pseudoephedrine",), ("phenylephrine",)]),
        ("paracetamol", [("acetaminophen",)]),
        ("Lantus at night and Humalog with meals", [("insulin glargine",), ("insulin lispro",)]),
        ("a baby aspirin", [("aspirin",)]),
    ],
)
def test_names_brands_and_products_resolve_to_generics(text: str, expected: list[tuple[str, ...]]) -> None:
    assert drugs_in(text) == expected


def test_combination_products_give_every_ingredient() -> None:
    found = find_drug_mentions("I took Tylenol PM and NyQuil")
    assert [m.drugs for m in found] == [("acetaminophen", "diphenhydramine"),
                                        ("acetaminophen", "dextromethorphan", "doxylamine")]
    assert {m.how for m in found} == {"combination"}
    assert drugs_in("Zyrtec-D") == [("cetirizine", "pseudoephedrine")]


def test_longest_name_wins_and_keeps_the_product_for_strengths() -> None:
    (m,) = find_drug_mentions("I took three extra strength Tylenol")
    assert m.drugs == ("acetaminophen",)
    assert m.product == "extra strength tylenol"
    assert m.text == "extra strength Tylenol"
    (pm,) = find_drug_mentions("Tylenol PM")
    assert pm.product == "tylenol pm"


def test_span_points_at_the_words_that_named_the_drug() -> None:
    text = "Yesterday I took Benadryl at bedtime."
    (m,) = find_drug_mentions(text)
    assert text[m.start:m.end] == "Benadryl" == m.text
    assert m.how == "brand"


# --- misspellings and speech-recogniser splits --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "drug"),
    [
        ("I took some ibuprofin", "ibuprofen"),
        ("a couple of tylanol", "acetaminophen"),
        ("my metaprolol", "metoprolol"),
        ("the lisinipril", "lisinopril"),
        ("I take zertec", "cetirizine"),
        ("acetominophen", "acetaminophen"),
        ("my levothyroxin", "levothyroxine"),
        ("benadril at night", "diphenhydramine"),
        ("some zanax", "alprazolam"),
        ("amlodapine", "amlodipine"),
        ("my alopurinol", "allopurinol"),
        ("the montelucast", "montelukast"),
    ],
)
def test_misspellings(text: str, drug: str) -> None:
    (m,) = find_drug_mentions(text)
    assert m.drugs == (drug,)
    assert m.how == "misspelling"


@pytest.mark.parametrize(
    ("text", "drug"),
    [
        ("I took my meth for men this morning", "metformin"),
        ("the lie sin a pril", "lisinopril"),
        ("I take war far in every night", "warfarin"),
        ("they gave me oxy code own", "oxycodone"),
        ("gaba pentin for my nerves", "gabapentin"),
        ("my hydro chlorothiazide", "hydrochlorothiazide"),
    ],
)
def test_phonetic_splits_are_joined(text: str, drug: str) -> None:
    (m,) = find_drug_mentions(text)
    assert m.drugs == (drug,)
    assert m.how in ("phonetic", "misspelling")


@pytest.mark.parametrize(
    "text",
    [
        "I feel alive and well today.",
        "I have the ability to walk further now.",
        "My allergy to cats is acting up.",
        "The lyrics of that song are stuck in my head.",
        "Some actors came to the nursing home.",
        "I accept that I need to walk more.",
        "I was coding all day for work.",
        "I cleaned the kitchen and felt a bit winded.",
        "My granddaughter lives in Maryland.",
        "It was a sunny day, so I sat outside.",
        "I went to St. Joseph hospital for my blood draw.",
        "I'm getting thinner since I cut back on sweets.",
        "My diabetes has been better and my sugar was 110.",
        "I took my blood pressure twice today.",
        "I took a shower and changed the dressing.",
        "I went to the pharmacy to get a flu shot.",
        "I had a couple of beers at the game last night.",
        "The internal medicine doctor was very kind.",
        "I wanted to correct my date of birth.",
        "My husband Albert drove me to the clinic.",
    ],
)
def test_ordinary_words_are_never_drugs(text: str, plans: dict[str, careplans.CarePlan]) -> None:
    for plan in plans.values():
        assert find_drug_mentions(text, plan) == [], (text, plan.id)


# --- descriptions through the care plan ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("plan", "text", "drug"),
    [
        ("hf", "My water pill makes me pee all night.", "furosemide"),
        ("hf", "I skipped my long-acting insulin.", "insulin glargine"),
        ("warfarin", "I take the blood thinner at night.", "warfarin"),
        ("asthma", "I haven't needed my rescue inhaler.", "albuterol"),
        ("asthma", "my anxiety pill", "escitalopram"),
        ("gout", "I took my sugar pill.", "glipizide"),
        ("gout", "my blood pressure pills", "losartan"),
        ("knee", "I took a pain pill at noon.", "oxycodone"),
        ("knee", "my stool softener", "docusate"),
        ("k", "I forgot my potassium yesterday.", "potassium chloride"),
        ("k", "I used my inhaler twice.", "albuterol"),
    ],
)
def test_descriptions_resolve_when_one_plan_drug_fits(plans: dict[str, careplans.CarePlan], plan: str, text: str,
                                                      drug: str) -> None:
    (m,) = find_drug_mentions(text, plans[plan])
    assert m.drugs == (drug,)
    assert m.how == "description"


@pytest.mark.parametrize(
    ("plan", "text"),
    [
        ("hf", "my rescue inhaler"),        # no rescue inhaler on the plan
        ("hf", "my sugar pill"),            # insulin only: no oral drug
        ("hf", "my blood pressure pills"),  # several fit
        ("asthma", "I take my inhaler"),    # two inhalers on the plan
        ("gout", "my water pill"),
        ("k", "My potassium was 5.8 last week."),  # a lab value, not the pill
        ("k", "Is my potassium okay?"),
    ],
)
def test_descriptions_stay_unresolved_unless_exactly_one_fits(plans: dict[str, careplans.CarePlan], plan: str,
                                                              text: str) -> None:
    assert find_drug_mentions(text, plans[plan]) == []


def test_without_a_plan_descriptions_resolve_to_nothing() -> None:
    assert find_drug_mentions("my water pill") == []


def test_potassium_pills_mean_potassium_chloride_without_a_plan_drug(plans: dict[str, careplans.CarePlan]) -> None:
    assert drugs_in("I've been taking potassium pills from the store.", plans["gout"]) == [("potassium chloride",)]


# --- the plan's own names ---------------------------------------------------------------------------------


def test_plan_combination_medications_are_split(plans: dict[str, careplans.CarePlan]) -> None:
    assert plan_drugs(plans["k"]) == frozenset({"furosemide", "potassium chloride", "lisinopril",
                                                 "hydrochlorothiazide", "albuterol"})
    assert drugs_in("I take my Zestoretic", plans["k"]) == [("hydrochlorothiazide", "lisinopril")] or \
        drugs_in("I take my Zestoretic", plans["k"]) == [("lisinopril", "hydrochlorothiazide")]


def test_plan_drug_unknown_to_the_tables_is_still_recognised() -> None:
    plan = load_from_text(
        "id: rare\npatient: {name: Rae Tester, date_of_birth: '1960-01-01'}\n"
        "medications: [{name: mirabegron, brand: Myrbetriq}]\n", "rare").plan
    assert drugs_in("I ran out of Myrbetriq", plan) == [("mirabegron",)]
    assert drugs_in("my mirabegron", plan) == [("mirabegron",)]


# --- the dictionary fallback -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "drug"),
    [
        ("I started Lamictal last week", "lamotrigine"),
        ("my neurologist put me on Topamax", "topiramate"),
        ("I take Risperdal at night", "risperidone"),
    ],
)
def test_dictionary_fallback_for_drugs_the_tables_lack(text: str, drug: str) -> None:
    (m,) = find_drug_mentions(text)
    assert m.drugs == (drug,)
    assert m.how == "dictionary"


def test_dictionary_is_not_consulted_without_medication_talk() -> None:
    assert find_drug_mentions("We drove through Fargo on the way home") == []


def test_empty_text() -> None:
    assert find_drug_mentions("") == []
    assert find_drug_mentions("   ") == []


# --- speech-recogniser splits of brands and generics: opening syllables, vowel slips, 2-5 fragments ---------


@pytest.mark.parametrize(
    ("text", "drug"),
    [
        ("I've been good with the a liquis, twice a day", "apixaban"),       # "a" + fragment, a leading-vowel slip
        ("The sir tra leen, I take it with breakfast", "sertraline"),        # first-syllable vowel slip, 3 fragments
        ("I take met for men with dinner", "metformin"),
        ("my lip itor at night", "atorvastatin"),                             # brand, 2 fragments
        ("the zo loft in the morning", "sertraline"),
        ("my zar elto", "rivaroxaban"),                                       # z / x: one sound
        ("sin throid every morning", "levothyroxine"),                        # y / i: one sound
        ("I took a tor va statin", "atorvastatin"),
        ("the am lo di peen", "amlodipine"),
        ("es cit a lo pram for my nerves", "escitalopram"),                   # five fragments
        ("in vo kana for my sugar", "canagliflozin"),
        ("the dull ox e teen", "duloxetine"),
        ("my a pix a ban", "apixaban"),
        ("the pan to pra zole", "pantoprazole"),
    ],
)
def test_phonetic_splits_of_brands_and_generics(text: str, drug: str) -> None:
    (m,) = find_drug_mentions(text)
    assert m.drugs == (drug,)
    assert m.how == "phonetic"


@pytest.mark.parametrize(("text", "drug"), [
    # in talk of medicines, a name heard in five pieces after a bare opening syllable, ending on its last syllable
    ("i took the a mocks a sill in the dentist gave me this morning", "amoxicillin"),
    ("the dentist put me on a mocks a sillin for an abscess", "amoxicillin"),
])
def test_a_long_name_heard_in_pieces_by_its_sound(text: str, drug: str) -> None:
    (m,) = find_drug_mentions(text)
    assert m.drugs == (drug,)


@pytest.mark.parametrize("text", [
    "I took it and then went back in",          # a last syllable alone names nothing
    "i took some pills and sat down on the bed",
    "I took the dog out and then a mess again",
])
def test_function_words_at_the_end_are_no_name(text: str) -> None:
    assert find_drug_mentions(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Write a list of lines to the stream.",    # "lines to" is no Lunesta
        "I had to call in sick on Monday.",         # "call in" is no Calan
        "It all adds up, real adds up fast.",       # "real adds" is no Rolaids
        "Stop at line X in the file.",              # no Lanoxin
        "We watched the float a while.",
        "I had a lot of fun at a party.",
        "I am fine, in a minute I'll go.",
        "A letter came from the clinic about a trip.",
        "I'm on a liquid diet, a little tired.",
        "I sat on a sofa and had a coffee.",
        "Is it okay if I call in a bit?",
        "I bumped my shin on the car door, it's just a little cut.",   # "car door" is no Cardura
        "She shut the car door on her hand.",
    ],
)
def test_ordinary_word_pairs_are_not_joined_into_a_drug(text: str, plans: dict[str, careplans.CarePlan]) -> None:
    for plan in plans.values():
        assert find_drug_mentions(text, plan) == [], (text, plan.id)


def test_class_words_from_the_dictionary_are_not_drugs() -> None:
    """"statin" alone is a class (the dictionary's "HMG-CoA reductase inhibitors"), not one drug."""
    assert all("inhibitors" not in " ".join(m.drugs) for m in find_drug_mentions("I take a statin pill daily"))


# --- combination products with a vitamin, however the "+" is said ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "drugs"),
    [
        ("I take Caltrate 600+D with breakfast", ("calcium carbonate", "cholecalciferol")),
        ("I've been taking Caltrate 600 plus D", ("calcium carbonate", "cholecalciferol")),
        ("some Caltrate 600 plus D3 at night", ("calcium carbonate", "cholecalciferol")),
        ("my Os-Cal plus D", ("calcium carbonate", "cholecalciferol")),
        ("Citracal + D for my bones", ("calcium citrate", "cholecalciferol")),
    ],
)
def test_calcium_with_vitamin_d_products_give_both_ingredients(text: str, drugs: tuple[str, ...]) -> None:
    (m,) = find_drug_mentions(text)
    assert m.drugs == drugs
    assert m.how == "combination"


def test_caltrate_alone_is_calcium_carbonate_and_vitamin_d_named_apart_is_its_own_mention() -> None:
    assert drugs_in("I take Caltrate") == [("calcium carbonate",)]
    assert drugs_in("Caltrate with vitamin D") == [("calcium carbonate",), ("cholecalciferol",)]


# --- product lines named after the brand keep their strength ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "product"),
    [
        ("two Tylenol eight hour arthritis", "tylenol 8 hr"),
        ("Tylenol 8 HR every six hours", "tylenol 8 hr"),
        ("Tylenol 8-hour caplets", "tylenol 8 hr"),
        ("two extra strength Tylenol", "extra strength tylenol"),
        ("Tylenol regular strength", "tylenol regular strength"),
    ],
)
def test_product_lines_said_with_the_brand(text: str, product: str) -> None:
    (m,) = find_drug_mentions(text)
    assert m.drugs == ("acetaminophen",)
    assert m.product == product


# --- heard as the plan's drugs sound ----------------------------------------------------------------

@pytest.mark.parametrize(("plan", "text", "drug"), [
    ("hf", "I take the lay six in the morning.", "furosemide"),
    ("hf", "My Lasics makes me pee all afternoon.", "furosemide"),
    ("hf", "the core egg twice a day with food", "carvedilol"),
    ("warfarin", "is that okay with the cuma din", "warfarin"),
    # a name whose first syllable is a word of its own ("nor"), and a split name one letter off
    ("knee", "i missed the nor vask tuesday and wednesday", "amlodipine"),
    ("hf", "he ran out of the lipi tor monday", "atorvastatin"),
    ("warfarin", "i forgot the levo thyroxin yesterday", "levothyroxine"),
])
def test_plan_drugs_heard_by_sound(plans: dict[str, careplans.CarePlan], plan: str, text: str, drug: str) -> None:
    found = find_drug_mentions(text, plans[plan])
    assert [m.drugs for m in found] == [(drug,)], found


@pytest.mark.parametrize(("plan", "text"), [
    ("hf", "They won't tell us if it's a boy or girl."),
    ("hf", "The core of the problem is the stairs."),
    ("warfarin", "I was working late on Tuesday."),
    ("hf", "I'm back on the road on Monday."),
    # a name opened by a word must be spelt with it, and off the plan within a letter: "all grey" is no Allegra
    ("hf", "he took his pills this mornin like normal but hes gone all grey"),
])
def test_plan_sound_needs_the_whole_name(plans: dict[str, careplans.CarePlan], plan: str, text: str) -> None:
    assert find_drug_mentions(text, plans[plan]) == []


def test_a_combination_written_with_a_hyphen_is_its_ingredients() -> None:
    """A plan may write "carbidopa-levodopa" where the convention is "carbidopa / levodopa": both are on the plan,
    so "the Sinemet" is no drug off the plan. A hyphenated name whose pieces are not both drugs stays whole."""
    plan = careplans.load(Path(__file__).parents[1] / "data" / "spec_dev" / "plans" / "p16_parkinsons_bph.yaml").plan
    assert {"carbidopa", "levodopa"} <= plan_drugs(plan)
    assert drug_text.split_combination("co-trimoxazole") == ("co-trimoxazole",)
    assert drug_text.split_combination("lisinopril / hydrochlorothiazide") == ("lisinopril", "hydrochlorothiazide")
