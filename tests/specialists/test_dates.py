"""Dates and times in the forms people say and write them."""

from __future__ import annotations

import datetime as dt

import pytest

from specialists.text.dates import dates_of_birth, find_dates, find_times

TODAY = dt.date(2026, 11, 27)
DOB = dt.date(1961, 6, 30)


@pytest.mark.parametrize("said", [
    "June 30th, 1961",
    "6/30/61",
    "06-30-1961",
    "thirty June sixty-one",
    "June thirtieth nineteen sixty one",
    "1961-06-30",
    "the thirtieth of June, 1961",
    "30 June 1961",
    "Jun. 30 '61",
    "six thirty sixty-one",
    "oh six thirty nineteen sixty one",
    "It's June the thirtieth, 1961.",
    "my birthday is six, thirty, sixty one",
    "June 30, 61",
    "06301961",
    "30/06/1961",
])
def test_date_of_birth_forms(said: str) -> None:
    found = dates_of_birth(said)
    assert any(DOB in d.dates(TODAY) for d in found), said


@pytest.mark.parametrize(("said", "expected"), [
    ("March 5th, two thousand one", dt.date(2001, 3, 5)),
    ("September second, nineteen fifty-seven", dt.date(1957, 9, 2)),
    ("the fourteenth of March, fifty-three", dt.date(1953, 3, 14)),
    ("1/27/1968", dt.date(1968, 1, 27)),
    ("January 14 81", dt.date(1981, 1, 14)),
    ("August nineteenth, nineteen-fifty.", dt.date(1950, 8, 19)),  # a hyphenated spoken year
    ("the nineteenth of August, nineteen-fifty", dt.date(1950, 8, 19)),
])
def test_other_birth_dates(said: str, expected: dt.date) -> None:
    assert any(expected in d.dates(TODAY) for d in dates_of_birth(said))


@pytest.mark.parametrize("said", ["June 30th", "I was born in 1961", "my sugar was 130", "I take 5 mg twice a day", "hello?"])
def test_not_a_full_date_of_birth(said: str) -> None:
    assert dates_of_birth(said) == []


def test_appointment_date_with_weekday_and_time() -> None:
    text = "Your next appointment is with Dr. Kwame Mensah on Tuesday, January 5, at 9 in the morning."
    [d] = find_dates(text)
    assert (d.month, d.day, d.weekday, d.year) == (1, 5, 1, None)
    [t] = find_times(text)
    assert (t.hour, t.minute, t.meridiem) == (9, 0, "am")
    assert t.matches(9, 0) and not t.matches(21, 0)


@pytest.mark.parametrize(("text", "month", "day", "weekday", "relative"), [
    ("See you on December 11th", 12, 11, None, None),
    ("Thursday Dec 3", 12, 3, 3, None),
    ("on the 11th", None, 11, None, None),
    ("your A1c in October", 10, None, None, None),
    ("next Tuesday", None, None, 1, "next"),
    ("tomorrow", None, None, None, "tomorrow"),
    ("Monday, December 1st, 2026", 12, 1, 0, None),
    ("12/11", 12, 11, None, None),
])
def test_date_parts(text: str, month: int | None, day: int | None, weekday: int | None, relative: str | None) -> None:
    [d] = find_dates(text)
    assert (d.month, d.day, d.weekday, d.relative) == (month, day, weekday, relative)


@pytest.mark.parametrize("text", ["I may take 5 pills", "You take 1.5 tablets, 7.5 mg, 3-4 times", "march in place",
                                  "potassium 4.7"])
def test_not_dates(text: str) -> None:
    assert find_dates(text) == []


@pytest.mark.parametrize(("text", "hour", "minute", "meridiem"), [
    ("at 9:30 AM", 9, 30, "am"),
    ("at nine thirty in the morning", 9, 30, "am"),
    ("at half past nine", 9, 30, None),
    ("quarter to ten", 9, 45, None),
    ("at ten o'clock", 10, 0, None),
    ("at 2 in the afternoon", 14, 0, "pm"),
    ("at 1:30 pm", 13, 30, "pm"),
    ("at noon", 12, 0, "pm"),
    ("at 2", 2, 0, None),
    ("at 8 a.m.", 8, 0, "am"),
    ("14:00", 14, 0, "pm"),
])
def test_times(text: str, hour: int, minute: int, meridiem: str | None) -> None:
    [t] = find_times(text)
    assert (t.hour, t.minute, t.meridiem) == (hour, minute, meridiem)


@pytest.mark.parametrize("text", ["about 9 pounds", "your potassium came back at 5.6", "take 2 tablets", "I'm 65"])
def test_not_times(text: str) -> None:
    assert find_times(text) == []


@pytest.mark.parametrize(("text", "days"), [
    ("Your INR check is at the clinic on the second floor.", []),   # an ordinal of a floor, a time, a dose is no day
    ("That's the third time this week.", []),
    ("Take the first dose tonight.", []),
    ("See you on the second.", [2]),
    ("Your visit on the 11th at noon.", [11]),
])
def test_an_ordinal_of_something_else_is_no_day(text: str, days: list[int]) -> None:
    assert [d.day for d in find_dates(text) if d.day is not None] == days
