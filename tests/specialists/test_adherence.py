"""How a caller says a scheduled drug is really taken (specialists/text/adherence.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from specialists.text.adherence import found_untaken, fewer_than_planned, stopped_as_instructed, supply_left_over

TODAY = dt.date(2026, 11, 27)


@pytest.mark.parametrize(("words", "planned", "fewer"), [
    ("the pepcid, i just take it in the morning. i don't bother with the night one.", 2, True),
    ("metoprolol, i just take the morning one.", 2, True),
    ("the eliquis, um, sometimes once, sometimes twice a day.", 2, True),
    ("some days he only gets two of the three sinemet.", 3, True),
    ("the hydralazine, i take it morning and night. the middle one i usually forget.", 3, True),
    ("i've been taking that only every other day, because of the bathroom.", 1, True),
    ("the coreg, i'll be honest, mostly just once a day.", 2, True),
    ("the night one i blow off.", 2, True),
    ("i only use the pulmicort when i'm wheezy.", 2, True),
    ("the water pill, i skip it if i'm gonna be out running errands.", 1, True),
    # the plan's own schedule, an instruction, a question, a denial: not fewer
    ("the zoloft, i just take it in the morning.", 1, False),
    ("i take it twice a day like it says.", 2, False),
    ("the doctor said to take it just in the morning.", 2, False),
    ("should i only take it in the morning?", 2, False),
    ("i never forget the night one.", 2, False),
    ("the night one i never forget.", 2, False),
    ("every day or every other day, which for him is a miracle.", 1, False),
    ("i take it morning and night.", 2, False),
])
def test_a_schedule_kept_below_the_plans(words: str, planned: float, fewer: bool) -> None:
    assert (fewer_than_planned(words, planned) is not None) == fewer


@pytest.mark.parametrize(("words", "planned", "left_over"), [
    ("i got a thirty day bottle of those back in october and it's still, oh, i'd say half full.", 1, True),
    ("i picked up thirty of the warfarin on the first and i've still got eleven left.", 1, True),
    ("i picked up thirty zoloft on october twentieth and i've still got, like, fifteen.", 1, True),
    ("the levothyroxine, i got a ninety-day bottle at the start of september and it's still more than half full.", 1, True),
    ("her blood pressure pill, i got ninety on september first and there are still about forty left.", 1, True),
    ("he had a ninety-day bottle of the lisinopril from august, and it's still got about forty in it.", 1, True),
    # what the schedule leaves: not a shortfall
    ("i picked up thirty on november twentieth and i've still got twenty-two.", 1, False),
    ("i got a ninety-day bottle at the start of november and it's still more than half full.", 1, False),
    ("i picked up sixty of the twice a day ones on november first and i've still got eight.", 2, False),
    ("i got a thirty day bottle and it's still half full.", 1, False),  # no date: nothing to count from
])
def test_a_supply_that_should_be_gone_by_now(words: str, planned: float, left_over: bool) -> None:
    assert (supply_left_over(words, TODAY, planned) is not None) == left_over


def test_doses_found_untaken_and_stops_the_instructions_make() -> None:
    assert found_untaken("I found Tuesday's and Wednesday's evening pills still in her pill box")
    assert found_untaken("I found her Thursday morning pills on the floor by her chair")
    assert not found_untaken("I filled her pill box for the week on Sunday")
    assert stopped_as_instructed("I stopped the Colace like the sheet said")
    assert stopped_as_instructed("so I quit the colchicine, like it says on the bottle")
    assert not stopped_as_instructed("I stopped the Zoloft because the doctor said it wasn't helping")
