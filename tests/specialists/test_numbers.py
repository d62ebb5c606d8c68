"""Spoken numbers as patients and speech recognisers produce them."""

from __future__ import annotations

import pytest

from specialists.text.numbers import find_numbers, normalize_numbers


@pytest.mark.parametrize(
    ("spoken", "digits"),
    [
        ("one eighty over ninety five", "180 over 95"),
        ("My blood pressure was one fifty-two over ninety-six this morning.", "My blood pressure was 152 over 96 this morning."),
        ("one hundred forty eight over eighty two", "148 over 82"),
        ("a hundred and two", "102"),
        ("one oh two", "102"),
        ("it says one-oh-two point four", "it says 102.4"),
        ("Hundred and two point six.", "102.6."),
        ("hundreds of them", "hundreds of them"),
        ("potassium was three point one", "potassium was 3.1"),
        ("ninety eight point six", "98.6"),
        ("point five", "0.5"),
        ("two and a half tablets", "2.5 tablets"),
        ("one and a half", "1.5"),
        ("June thirtieth, nineteen sixty one", "June 30th, 1961"),
        ("the twenty-first of March", "the 21st of March"),
        ("twelve hundred milligrams", "1200 milligrams"),
        ("two thousand five hundred", "2500"),
        ("one thousand and twenty", "1020"),
        ("I weigh two oh five", "I weigh 205"),
        ("my sugar was forty five", "my sugar was 45"),
        ("sixty-one before lunch", "61 before lunch"),
        ("I was two-twelve yesterday and this morning I'm two-sixteen", "I was 212 yesterday and this morning I'm 216"),
        ("the BNP was nine-forty", "the BNP was 940"),
        ("twenty-two", "22"),
        # A drug unit after the second number keeps them apart: two tablets of twenty mg.
        ("I took two twenty milligram tablets", "I took 2 20 milligram tablets"),
        ("I took three extra strength Tylenol every four hours, five times.", "I took 3 extra strength Tylenol every 4 hours, 5 times."),
        # Digits and pronouns stay as they are.
        ("June 30th, 1961", "June 30th, 1961"),
        ("sodium 1,200 mg", "sodium 1,200 mg"),
        ("no one called and the other one is fine", "no one called and the other one is fine"),
    ],
)
def test_normalize(spoken: str, digits: str) -> None:
    assert normalize_numbers(spoken) == digits


def test_spans_point_into_the_original_text() -> None:
    text = "BP one fifty over ninety, pulse seventy two"
    spans = find_numbers(text)
    assert [s.value for s in spans] == [150, 90, 72]
    assert text[spans[0].start:spans[0].end] == "one fifty"
    assert text[spans[2].start:spans[2].end] == "seventy two"


@pytest.mark.parametrize(
    ("spoken", "digits"),
    [
        # Speech recognisers write the decimal part in digits after a spoken "point".
        ("It's 98 point 6.", "It's 98.6."),
        ("my hemoglobin is 11 point 5", "my hemoglobin is 11.5"),
        ("TSH was 0 point 45", "TSH was 0.45"),
        ("ninety eight point 6", "98.6"),
    ],
)
def test_point_then_digits(spoken: str, digits: str) -> None:
    assert normalize_numbers(spoken) == digits
