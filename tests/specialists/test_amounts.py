"""Amount parsing: how many, how strong, how often, turned into mg in 24 hours."""

from __future__ import annotations

import re

import pytest

from specialists.text.amounts import BOTTLE_UNITS, parse_intake


def intake_for(text: str, drug: str):
    """Parse around the first occurrence of ``drug``; other capitalised brand words are mention stops."""
    start = text.index(drug)
    stops = [(m.start(), m.end()) for m in re.finditer(r"\b(?:Advil|Tylenol|Aleve|Benadryl)\b", text) if m.start() != start]
    return parse_intake(text, start, start + len(drug), stops)


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
        ("I took 2 extra strength Tylenol every 4 to 6 hours.", "Tylenol", 500, 6000),
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
    ],
)
def test_daily_totals(text: str, drug: str, strength: float, daily: float) -> None:
    assert intake_for(text, drug).daily_mg(strength) == pytest.approx(daily)


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
