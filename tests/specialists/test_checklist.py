"""Checklist specialist: which care-plan checklist items a turn covers."""

from __future__ import annotations

import pytest

from specialists.base import TurnContext, Utterance
from specialists.checklist import ChecklistSpecialist, covered_items
from tests.specialists.test_hallucination import TODAY, plan

SPEC = ChecklistSpecialist()

COVERS = [
    ("hf", "What did you weigh this morning?", {"weight"}),
    ("hf", "I weighed 199 this morning.", {"weight"}),
    ("hf", "Have you had any swelling in your legs or trouble breathing?", {"symptoms"}),
    ("hf", "Do you need extra pillows to sleep?", {"symptoms"}),
    ("hf", "My ankles are a little puffy.", {"symptoms"}),
    ("hf", "Are you taking your water pill twice a day?", {"meds"}),
    ("hf", "Have you missed any doses of your medicines?", {"meds"}),
    ("hf", "How have your blood sugars been? Any lows?", {"sugars"}),
    ("hf", "Remember to keep salt under 2 grams and fluids under 2 liters.", {"diet"}),
    ("hf", "Just a reminder about your blood draw on Tuesday.", {"labs"}),
    ("hf", "How have your sugars been, and have you missed any doses?", {"meds", "sugars"}),
    ("hf", "How are you today?", set()),
    ("hf", "Do you have any questions for me?", set()),
    ("warf", "Have you had any bleeding or bruising, like nosebleeds or bleeding gums?", {"bleeding"}),
    ("warf", "Have you started any new medicines, vitamins or supplements?", {"otc"}),
    ("warf", "Are you taking your warfarin every evening?", {"doses"}),
    ("warf", "Are you taking your medicines as prescribed?", {"doses"}),
    ("warf", "Are you taking any pain relievers like ibuprofen?", {"otc"}),
    ("warf", "Any changes in your diet, like more salads or greens?", {"diet"}),
    ("warf", "Have you had any falls?", {"falls"}),
    ("warf", "Your next INR check is December 8.", {"inr"}),
    ("knee", "How is your pain on a scale of 0 to 10?", {"pain"}),
    ("knee", "Any pain or swelling in your calf?", {"clot"}),
    ("knee", "Are you doing your Lovenox shots every day?", {"injections"}),
    ("knee", "Any fever or chills, and how does the incision look?", {"wound", "fever"}),
    ("knee", "Have you had a bowel movement?", {"bowels"}),
    ("knee", "How is physical therapy going?", {"therapy"}),
    ("htn", "How are you doing with your medicines?", {"c1"}),
    ("htn", "Have you checked your blood sugar and blood pressure at home?", {"c2"}),
    ("htn", "My blood pressure was 148 over 82.", {"c2"}),
    ("htn", "Any gout flares?", {"c4"}),
    ("htn", "Your follow-up is on December 11.", {"c5"}),
    ("asthma", "How is your controller inhaler working?", {"c1"}),
    ("asthma", "How many times this week did you need your albuterol?", {"c2"}),
    ("asthma", "Remember, no aspirin, ibuprofen or naproxen.", {"c3"}),
    ("asthma", "How has your mood been? Feeling anxious at all?", {"c4"}),
]


@pytest.mark.parametrize(("key", "text", "expected"), COVERS)
def test_covered(key: str, text: str, expected: set[str]) -> None:
    assert set(covered_items(plan(key), text)) == expected


def test_state_accumulates_and_no_findings() -> None:
    p = plan("hf")
    ctx = TurnContext(plan=p, turn=Utterance("agent", "What did you weigh this morning?"), today=TODAY,
                      covered=frozenset({"meds"}))
    result = SPEC.check(ctx)
    assert result.findings == []
    assert result.state["covered"] == ["weight", "meds"]
    assert result.state["remaining"] == ["symptoms", "sugars", "diet", "labs"]
    assert result.guidance == ["Checklist still open: Ask about swelling, shortness of breath, and sleeping propped up"]
