"""Amount parsing: how many, how strong, how often, turned into mg in 24 hours."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from specialists.text.amounts import BOTTLE_UNITS, parse_intake


def intake_for(text: str, drug: str, today: dt.date | None = None):
    """Parse around the first occurrence of ``drug``; other capitalised brand words are mention stops."""
    start = text.index(drug)
    stops = [(m.start(), m.end()) for m in re.finditer(r"\b(?:Advil|Tylenol|Aleve|Benadryl)\b", text) if m.start() != start]
    return parse_intake(text, start, start + len(drug), stops, today=today)


@pytest.mark.parametrize(
    ("text", "drug", "strength", "daily"),
    [
        # the README's worked example: 3 x 500 x 5
        ("My knee hurts so I took three extra strength Tylenol every four hours yesterday, five times.", "Tylenol", 500, 7500),
        # "two every four hours" = 2 x strength x 24/4
        ("I took two Advil every four hours.", "Advil", 200, 2400),
        ("I took some Advil. Two every four hours since yesterday.", "Advil", 200, 2400),
        ("Every four hours I took two Advil.", "Advil", 200, 2400),
        # waking hours given: 16 / 4 = 4 doses
        ("I took two Advil every four hours while I was awake.", "Advil", 200, 1600),
        # a range counts its fewest doses (the labelling convention of every development set's writers)
        ("I took 2 extra strength Tylenol every 4 to 6 hours.", "Tylenol", 500, 4000),
        ("I took a 40 of my Lasix this morning.", "Lasix", 20, 40),
        ("I took half a tab of my Xanax.", "Xanax", 1, 0.5),
        ("I took two 200 milligram tablets of ibuprofen.", "ibuprofen", 999, 400),
        ("I took 1,200 mg of ibuprofen at once.", "ibuprofen", 200, 1200),
        ("I took twelve of them yesterday, the Advil.", "Advil", 200, 2400),
        ("I took Tylenol, like 8 pills yesterday.", "Tylenol", 325, 2600),
        ("I took ibuprofen 800 mg three times a day.", "ibuprofen", 200, 2400),
        ("I took Advil 600 every 6 hours.", "Advil", 200, 2400),
        ("I took Aleve twice today, two each time.", "Aleve", 220, 880),
        ("I took six grams of Tylenol in all.", "Tylenol", 325, 6000),
        ("I had a couple of Aleve.", "Aleve", 220, 440),
        ("I took an Advil.", "Advil", 200, 200),
        ("I take 8 Advil a day.", "Advil", 200, 1600),
        ("I've been taking 3 Advil 3 times a day.", "Advil", 200, 1800),
        ("I took 2 Aleve in the morning and 2 more at night.", "Aleve", 220, 880),
        ("I took 2 Advil this morning, 2 at lunch, and 2 more at dinner.", "Advil", 200, 1200),
        ("Over the past two days I took 16 Advil.", "Advil", 200, 1600),
        ("I took two Benadryl at bedtime.", "Benadryl", 25, 50),
        ("I take 800 of ibuprofen.", "ibuprofen", 200, 800),
        ("My dentist gave me tramadol and I took one this morning.", "tramadol", 50, 50),
        # a day's doses said as a list of when: by the clock, by the meal, by the part of the day
        ("I give him his two Tylenol at eight, noon and five like the sheet says.", "Tylenol", 500, 3000),
        ("The back was so bad I took Advil, three at a time, morning, afternoon and night yesterday.", "Advil", 200, 1800),
        ("I take two Tylenol in the morning and at night.", "Tylenol", 500, 2000),
        # "took another" is a dose more
        ("I got the Sudafed, took one in the morning, then it wore off so I took another at lunch and one more at bedtime.",
         "Sudafed", 120, 360),
        # an adjective between the count and the name: "two of the little Tylenol"
        ("Two of the little Tylenol every six hours like the sheet says.", "Tylenol", 325, 2600),
        # the amounts in the next sentence, opened by the day: 2 tablespoons of 500 mg per tablespoon, five times
        ("I got the Tylenol liquid, the box says five hundred milligrams in a tablespoon. Yesterday I took two tablespoons "
         "every four hours, about five times I think.", "Tylenol", 500, 5000),
    ],
)
def test_daily_totals(text: str, drug: str, strength: float, daily: float) -> None:
    assert intake_for(text, drug).daily_mg(strength) == pytest.approx(daily)


FRIDAY = dt.date(2026, 11, 27)


@pytest.mark.parametrize(
    ("text", "drug", "per_ml", "daily"),
    [
        # the label's strength read off the bottle, then mL per dose: 20 mL x 20 mg/mL x 4
        ("it's 100 per 5 mls and i did like 20 mls of the Motrin four times yesterday", "Motrin", None, 1600),
        # "four or five times": the fewest; 45 mL x 500/15 x 4
        ("the Tylenol liquid, the 500 per 15 mL kind. About 45 mL four or five times a day.", "Tylenol", None, 6000),
        ("Imodium liquid, it says one milligram in every seven and a half mL, I took 30 mL", "Imodium", None, 4),
        # a whole 8-ounce bottle since last night (one day): 236.6 mL x 12.5/5
        ("the Benadryl liquid the 12.5 per 5 one and i went through the whole 8 ounce bottle since last night", "Benadryl", None, 591.47),
    ],
)
def test_liquid_strength_said_by_the_patient(text: str, drug: str, per_ml: float | None, daily: float) -> None:
    assert intake_for(text, drug, today=FRIDAY).daily_mg(None, per_ml) == pytest.approx(daily, rel=1e-3)


@pytest.mark.parametrize(
    ("text", "drug", "strength", "daily"),
    [
        # spread over every day the stretch can cover (Friday: since Monday is five days)
        ("She's gone through half of a 100-count bottle of the extra strength Tylenol since Monday.", "Tylenol", 500, 5000),
        ("still bad i've gone through like thirty of the Benadryl since yesterday morning", "Benadryl", 25, 500),
        ("I opened a new box of the Imodium yesterday afternoon, the 24 count, and there's only 14 left.", "Imodium", 2, 20 / 1.5),
        ("He's going through the Advil like candy. The 50-count bottle I bought him on Tuesday is empty already.", "Advil", 200, 2500),
        ("She went through the whole 100-count bottle of the arthritis Tylenol in about ten days.", "Tylenol", 650, 6500),
        ("I've used about 30 of the arthritis Tylenol since the first of the month.", "Tylenol", 650, 30 * 650 / 27),
        # the patient's own count for the day wins over the schedule arithmetic
        ("I take my two extra strength Tylenol every eight hours, that's six a day.", "Tylenol", 500, 3000),
        # a count after the strength: 2 x 50 mg every 4 hours
        ("it says Benadryl 50 milligrams. I took two every four hours.", "Benadryl", None, 600),
        ("She took two of the 500 milligram Tylenol six times yesterday.", "Tylenol", None, 6000),
    ],
)
def test_counts_over_a_stretch_of_days(text: str, drug: str, strength: float | None, daily: float) -> None:
    assert intake_for(text, drug, today=FRIDAY).daily_mg(strength) == pytest.approx(daily, rel=1e-3)


def test_separate_drugs_keep_their_own_counts() -> None:
    text = "I took 3 Advil and 2 Tylenol."
    assert intake_for(text, "Advil").daily_mg(200) == 600
    assert intake_for(text, "Tylenol").daily_mg(325) == 650


def test_a_whole_bottle_counts_as_at_least_a_small_bottle() -> None:
    intake = intake_for("I went through a whole bottle of Tylenol.", "Tylenol")
    assert intake.bottle and intake.total_units == BOTTLE_UNITS
    assert intake.daily_mg(325) == BOTTLE_UNITS * 325
    assert intake_for("I took half the bottle of Advil", "Advil").total_units == BOTTLE_UNITS / 2


def test_liquids_by_volume() -> None:
    # Delsym: 30 mg per 5 mL
    assert intake_for("I took Delsym, 20 ml every 4 hours.", "Delsym").daily_mg(30, 6.0) == pytest.approx(720)
    assert intake_for("I drank two tablespoons of NyQuil.", "NyQuil").daily_mg(650, 650 / 30) == pytest.approx(650)


def test_strength_words_are_kept() -> None:
    assert intake_for("three extra strength Tylenol", "Tylenol").strength_words == "extra strength"
    assert intake_for("About eight of the extra strength Tylenol ones", "Tylenol").strength_words == "extra strength"


def test_no_amount_no_total() -> None:
    intake = intake_for("I take my Lasix in the morning.", "Lasix")
    assert not intake.has_amount and not intake.has_frequency
    assert intake.daily_mg(40) is None
    assert intake_for("I took my Lasix once I got home.", "Lasix").daily_mg(40) is None


def test_a_frequency_alone_means_one_at_a_time() -> None:
    assert intake_for("I took Tylenol every four hours yesterday.", "Tylenol").daily_mg(325) == 6 * 325


def test_times_a_week_is_under_once_a_day() -> None:
    intake = intake_for("I took 2 Advil twice a week.", "Advil")
    assert intake.daily_mg(200) == pytest.approx(400 * 2 / 7)


def test_unknown_strength_gives_no_total() -> None:
    assert intake_for("I took three Percocet.", "Percocet").daily_mg(None) is None


# --- doses on top of a schedule, "N at a time, M times, and one more" ----------------------------------------


@pytest.mark.parametrize(
    ("text", "drug", "strength", "daily"),
    [
        # a schedule (2 x 500 x 3) plus two doses of two said to be more
        ("I take my two Tylenol every eight hours like the sheet says, but the pain was bad so last night I took two "
         "more extra strength at bedtime and two more around four in the morning.", "Tylenol", 500, 5000),
        # (3 x 3 + 1) x 500
        ("I took three extra strength Tylenol at a time, three times yesterday, and one more at bedtime.", "Tylenol", 500, 5000),
        # (2 x 3 + 2) x 200
        ("I took two Advil at a time, three times today, and two more before bed.", "Advil", 200, 1600),
        ("I took 2 Advil and then 2 more later.", "Advil", 200, 800),
        ("I took 2 Advil, then 2 more a few hours later, and another at bedtime.", "Advil", 200, 1000),
        # a schedule spelt out by its times adds nothing
        ("I took 2 Advil every 4 hours, 2 at 8, 2 at noon.", "Advil", 200, 2400),
        # "two more days" is no dose
        ("I took 2 Aleve, 2 more days ago.", "Aleve", 220, 440),
        ("I took one Aleve this morning and one more at bedtime.", "Aleve", 220, 440),
        # "extra" and "another" say more as well ("extra strength" does not)
        ("I took 2 Advil every 4 hours and then 2 extra before bed.", "Advil", 200, 2800),
        ("I took 2 Advil every 4 hours and another 2 at bedtime.", "Advil", 200, 2800),
    ],
)
def test_extra_doses_on_top(text: str, drug: str, strength: float, daily: float) -> None:
    assert intake_for(text, drug).daily_mg(strength) == pytest.approx(daily)


def test_extra_doses_keep_their_own_strength_words() -> None:
    intake = intake_for("I take my Tylenol three times a day and took two more extra strength at bedtime.", "Tylenol")
    assert intake.extra_units == 2 and intake.extra_strength_words == "extra strength"
    assert intake.daily_mg(325, None, 500) == pytest.approx(3 * 325 + 2 * 500)


# --- a number right after the name is a strength, not a count ------------------------------------------------


def strength_intake(text: str, drug: str, strengths: tuple[float, ...] = ()):
    start = text.index(drug)
    return parse_intake(text, start, start + len(drug), (), strengths)


@pytest.mark.parametrize(
    ("text", "drug", "strengths", "daily"),
    [
        ("I take Coreg 12.5 twice a day.", "Coreg", (12.5,), 25),
        ("I take carvedilol twelve point five twice a day.", "carvedilol", (), 25),   # 12.5: no count
        ("I take glipizide 5 twice a day.", "glipizide", (5.0,), 10),                 # a known strength
        ("I take Lasix 20 twice a day.", "Lasix", (40.0,), 40),                        # 5 or more, no comma
        ("I take Lasix 40 twice a day.", "Lasix", (40.0,), 80),
        ("I take two Coreg 12.5 twice a day.", "Coreg", (12.5,), 50),
        ("I took sudafed, 4 every 4 hours.", "sudafed", (30.0,), 4 * 30 * 6),           # a comma: a count
        ("I took Advil 2 every 4 hours.", "Advil", (200.0,), 2 * 200 * 6),              # small: a count
    ],
)
def test_number_after_the_name(text: str, drug: str, strengths: tuple[float, ...], daily: float) -> None:
    unit = 30.0 if drug == "sudafed" else 200.0 if drug == "Advil" else 99.0
    assert strength_intake(text, drug, strengths).daily_mg(unit) == pytest.approx(daily)


def test_hundreds_then_times_is_a_strength_and_a_count() -> None:
    """ "five hundred three times a day" is 500 three times a day, not 503 times."""
    intake = intake_for("I take Tylenol five hundred three times a day.", "Tylenol")
    assert intake.dose_mg == 500 and intake.times == 3
    assert intake.daily_mg(325) == 1500


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("two Tylenol eight hour arthritis every six hours", "8 hr"),
        ("two Tylenol 8-hour every six hours", "8 hr"),
        ("two max strength Tylenol", "maximum strength"),
    ],
)
def test_strength_words_are_canonical(text: str, words: str) -> None:
    assert intake_for(text, "Tylenol").strength_words == words


def test_a_count_before_two_strength_words_and_a_count_of_the_little_ones() -> None:
    """ "two of the eight-hour arthritis Tylenol"; "Imodium, eight of the little two milligram ones"."""
    intake = intake_for("I've been taking two of the eight-hour arthritis Tylenol every four hours, six times yesterday.", "Tylenol")
    assert intake.units == 2 and intake.times == 6
    assert intake.daily_mg(650) == 2 * 650 * 6
    assert intake_for("Yesterday I took Imodium, eight of the little two milligram ones over the day.", "Imodium").units == 8


def test_doses_counted_as_different_times_by_the_clock_and_a_total_broken_down() -> None:
    """ "two ... four different times"; "two at eight, two at noon, two at three and two at six" is eight; "four
    Advil total, two at bedtime and two this morning" is four, not four plus its own breakdown."""
    intake = intake_for("Yesterday I took two of the arthritis Tylenol, the eight-hour ones, four different times.", "Tylenol")
    assert intake.units == 2 and intake.times == 4
    assert intake_for("Today his extra strength Tylenol, two at eight, two at noon, two at three and two at six.",
                      "Tylenol").total_units == 8
    total = intake_for("Since last night I've had four Advil total, two at bedtime and two this morning.", "Advil")
    assert total.units == 4 and total.extra_units == 0
    assert intake_for("I took four Advil, and two more at bedtime.", "Advil").extra_units == 2


def test_a_liquid_label_strength_is_no_dose_and_a_spoon_is_a_volume() -> None:
    """ "a hundred sixty milligrams in five mL. Thirty mL every four hours": the dose is 30 mL, not the label's 5;
    "five hundred milligrams per tablespoon. Two tablespoons": 500 mg in 15 mL; "15 mL ... five doses all told"."""
    label = intake_for("The children's liquid Tylenol says a hundred sixty milligrams in five mL. Thirty mL every four hours, "
                       "six times yesterday.", "Tylenol")
    assert label.dose_ml == 30 and label.mg_per_ml == pytest.approx(32) and label.times == 6
    spoon = intake_for("The liquid Tylenol, it says five hundred milligrams per tablespoon. Two tablespoons every four hours.", "Tylenol")
    assert spoon.dose_ml == 30 and spoon.mg_per_ml == pytest.approx(500 / 15)
    doses = intake_for("Children's Tylenol, the one that's 160 per 5 mL. I took 15 mL every 4 hours yesterday, five doses all told.",
                       "Tylenol")
    assert doses.dose_ml == 15 and doses.times == 5 and doses.units is None


@pytest.mark.parametrize(
    ("text", "units", "times", "extra"),
    [
        ("Karen here. I gave Mom her two Tylenol four times yesterday, and then the aide tells me she also gave her two of "
         "the extra strength from her own purse, at lunch and again at supper.", 2, 4, 4),
        ("I've been doing the two Tylenol every eight hours like they told me, and in between, when it hurts, I take the extra "
         "strength from my purse, two at lunch and two before bed.", 2, None, 4),
    ],
)
def test_a_second_product_said_by_its_strength_adds_to_the_schedule(text: str, units: float, times: float | None,
                                                                   extra: float) -> None:
    """The schedule is the mention's own; the doses of the product named by its strength later are on top."""
    intake = intake_for(text, "Tylenol")
    assert (intake.units, intake.times, intake.extra_units, intake.extra_strength_words) == (units, times, extra, "extra strength")
