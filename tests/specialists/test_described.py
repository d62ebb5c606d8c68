"""Plan drugs described by purpose, form and route: resolved only when exactly one plan drug fits."""

from __future__ import annotations

import pytest

from careplans import load_care_plan
from specialists.text.drugs import find_drug_mentions
from tests.conftest import ROOT

PLANS = ROOT / "tests" / "data" / "dev" / "plans"


@pytest.mark.parametrize(("plan", "text", "drug"), [
    # written for this test: purpose after the head, form and route, how often with a form
    ("p11_hypothyroid.yaml", "I take the small round one for my thyroid before breakfast.", "levothyroxine"),
    ("p02_afib_warfarin.yaml", "I skipped the heart rate capsule on Sunday.", "diltiazem"),
    ("p04_postop_hip.json", "He gave me the belly shot at eight.", "enoxaparin"),
    ("p04_postop_hip.json", "She used one of the nausea melts after lunch.", "ondansetron"),
    ("p05_copd.yaml", "I keep forgetting the once-a-day inhaler.", "tiotropium"),
    ("p06_t1dm_hypothyroid.json", "Where do I keep the nose spray for lows?", "glucagon"),
    # plain names of a kind of drug, resolved through the plan (issue 12, sixth pass)
    ("p09_ckd4.yaml", "I don't always take the binder with lunch.", "sevelamer"),
    ("p04_postop_hip.json", "I couldn't face doing the shot in my belly yesterday.", "enoxaparin"),
    ("p04_postop_hip.json", "I'm taking the oxy just at night now.", "oxycodone"),
    # the weekly bone pill is the bisphosphonate, not the vitamin D beside it (seventh pass)
    ("p11_hypothyroid.yaml", "I missed my bone pill last Sunday, we were traveling.", "alendronate"),
])
def test_a_description_names_the_one_plan_drug_it_fits(plan: str, text: str, drug: str) -> None:
    found = [m.drugs for m in find_drug_mentions(text, load_care_plan(PLANS / plan))]
    assert found == [(drug,)]


@pytest.mark.parametrize(("plan", "text"), [
    ("p01_hf_ckd_dm.json", "I took the pill for my sugar late."),              # two insulins fit: neither is named
    ("p10_htn_angina.yaml", "The one for my heart makes me tired."),          # four heart drugs fit
    ("p11_hypothyroid.yaml", "The pill for the stomach makes me feel full."),  # "on an empty stomach" is advice, not purpose
    ("p06_t1dm_hypothyroid.json", "My sugar was one oh five this morning."),  # "one" before a number is a number
    ("p05_copd.yaml", "I did the errands in one trip."),
    ("p10_htn_angina.yaml", "The once-a-day one is easy to remember."),       # most pills are once a day
    ("p04_postop_hip.json", "My pulse oxy said ninety-four."),                # "oxy" only after a determiner
    ("p01_hf_ckd_dm.json", "I did the shot in my belly at eight."),           # two insulins: the belly shot names neither
])
def test_a_vague_or_misread_description_names_nothing(plan: str, text: str) -> None:
    assert [m for m in find_drug_mentions(text, load_care_plan(PLANS / plan)) if m.how == "description"] == []


@pytest.mark.parametrize(("plan", "text", "drug"), [
    # written for this test: a time of day narrows the drugs a description fits to those the plan gives then
    ("p02_afib_warfarin.yaml", "What does the morning one for my heart do again?", "diltiazem"),  # warfarin is evening
    ("p02_afib_warfarin.yaml", "I forgot the evening pill last night.", "warfarin"),
    ("p03_apixaban_oa.yaml", "The white one she takes morning and night, what's it for?", "apixaban"),  # twice daily
])
def test_a_time_of_day_names_the_one_plan_drug_given_then(plan: str, text: str, drug: str) -> None:
    found = [m.drugs for m in find_drug_mentions(text, load_care_plan(PLANS / plan))]
    assert found == [(drug,)]


@pytest.mark.parametrize(("plan", "text"), [
    ("p02_afib_warfarin.yaml", "I take the morning one with my coffee."),  # diltiazem in the morning, omeprazole before breakfast
    ("p10_htn_angina.yaml", "The evening one for my heart is fine."),       # no heart drug given in the evening: the time names nothing
])
def test_a_time_of_day_that_fits_several_or_none_names_nothing(plan: str, text: str) -> None:
    assert [m.drugs for m in find_drug_mentions(text, load_care_plan(PLANS / plan))] == []
