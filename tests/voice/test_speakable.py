"""Replies read the way a nurse says them."""

from __future__ import annotations

import pytest

from constellation.voice.speakable import number_words, pressure_words, speakable


@pytest.mark.parametrize(("n", "words"), [(0, "zero"), (7, "seven"), (15, "fifteen"), (40, "forty"), (42, "forty-two"),
                                          (100, "one hundred"), (197, "one hundred ninety-seven"),
                                          (1000, "one thousand"), (4000, "four thousand"),
                                          (2_500_000, "two million five hundred thousand")])
def test_number_words(n: int, words: str) -> None:
    assert number_words(n) == words


@pytest.mark.parametrize(("n", "words"), [(120, "one twenty"), (105, "one oh five"), (95, "ninety-five"), (200, "two hundred")])
def test_pressure_words(n: int, words: str) -> None:
    assert pressure_words(n) == words


@pytest.mark.parametrize(("text", "spoken"), [
    ("Take 40 mg of furosemide.", "Take forty milligrams of furosemide."),
    ("Use 1 unit per 10 g.", "Use one unit per ten grams."),
    ("0.5 mg twice daily", "zero point five milligrams twice daily"),
    ("no more than 3,000 mg a day", "no more than three thousand milligrams a day"),
    ("Your blood pressure was 135/105 mmHg.", "Your blood pressure was one thirty-five over one oh five."),
    ("glucose 54 mg/dL", "glucose fifty-four milligrams per deciliter"),
    ("potassium 5.1 mmol/L", "potassium five point one millimoles per liter"),
    ("Please call 911 now.", "Please call nine one one now."),
    ("December 3rd at 10:30 am with Dr. Natarajan", "December third at ten thirty A M with Doctor Natarajan"),
    ("at 9:05 PM", "at nine oh five P M"),
    ("your INR goal is 2.0 to 3.0", "your I N R goal is two point zero to three point zero"),
    ("A1c 7.2%", "A one C seven point two percent"),
    ("the 21st", "the twenty-first"),
    ("weight 201 lb", "weight two hundred one pounds"),
    ("Hello, Walt.", "Hello, Walt."),
])
def test_speakable(text: str, spoken: str) -> None:
    assert speakable(text) == spoken
