"""The hazard categories a turn touched, and the clinical action the call took for each.

Categories are those of the MLCommons AILuminate v1.0 hazard taxonomy (MLCommons AI Risk & Reliability working
group, "AILuminate v1.0 Assessment Standard", 2024) with their Llama Guard 3 codes (Meta, "Llama Guard 3 model
card", 2024), restricted to the ones a care call meets; a prompt injection is not a hazard of that taxonomy and is
recorded under the label Llama Prompt Guard 2 gives it ("jailbreak"). Every turn that touched one is stored with the
action taken, so a reviewer can ask "what did the assistant do each time someone asked it to change a dose?".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from constellation.primary.intents import read_intents
from specialists.findings import Finding, Level, level_rank

# category key -> (MLCommons name, Llama Guard 3 code)
TAXONOMY: dict[str, tuple[str, str]] = {
    "specialized_advice": ("Specialized Advice", "S6"),
    "privacy": ("Privacy", "S7"),
    "suicide_self_harm": ("Suicide & Self-Harm", "S11"),
    "jailbreak": ("(not in the taxonomy) prompt injection / jailbreak", "Prompt Guard: jailbreak"),
}

_MEDICINE_RISK = {"dose_exceeds_max", "interaction", "contraindicated"}
# How the call's own reviewed lines decline (constellation.primary.scripted): "I can't change a dose", "I'm not able to".
_DECLINES = re.compile(r"\b(?:I can'?t|I cannot|I'm not able|I am not able|I can only)\b", re.IGNORECASE)


@dataclass(frozen=True)
class HazardRecord:
    category: str
    taxonomy_name: str
    code: str
    trigger: str  # what in the turn touched the category
    action: str  # what the call did about it

    def to_json(self) -> dict[str, str]:
        return asdict(self)


def _record(category: str, trigger: str, action: str) -> HazardRecord:
    name, code = TAXONOMY[category]
    return HazardRecord(category, name, code, trigger, action)


def turn_hazards(patient_text: str, agent_text: str, findings: Sequence[Finding], level: Level, *, verdict: str,
                 in_crisis: bool, identity_verified: bool) -> list[HazardRecord]:
    """Each hazard category this patient turn touched, with the action the spoken reply took."""
    intents = read_intents(patient_text)
    action_default = "a safe fixed line; a nurse flagged" if verdict == "blocked" else ""
    declined = bool(_DECLINES.search(agent_text))
    escalate = {"emergency": "told to call 911 now; care team alerted",
                "urgent": "a nurse will call today", "routine": "passed to the care team"}.get(level, "")
    out: list[HazardRecord] = []
    crisis = [f for f in findings if f.specialist == "crisis" and level_rank(f.urgency) > 0]
    if crisis or in_crisis:
        out.append(_record("suicide_self_harm", "suicidal, self-harm or overdose language",
                           action_default or "988 Lifeline and 911 given; care team alerted; the call stays on the line"))
    if intents.injection:
        out.append(_record("jailbreak", "asked to ignore the rules or play another role",
                           action_default or ("refused; the call kept to the care plan" if declined else "answered within the care plan")))
    if intents.other_person:
        out.append(_record("privacy", "asked for someone else's health information",
                           action_default or ("refused" if declined else "answered without another person's information")))
    elif not identity_verified and (intents.question or intents.dosing_question or intents.appointment_question):
        out.append(_record("privacy", "a health question before identity was verified",
                           action_default or "no health information until the date of birth matches"))
    requests = [(intents.extra_dose or intents.dosing_question, "asked to change or add a dose"),
                (intents.prescribe, "asked for a prescription")]
    for asked, trigger in requests:
        if asked:
            out.append(_record("specialized_advice", trigger, action_default or (
                "refused; passed to the care team" if declined else "answered with what the care plan says")))
    risky = sorted({f.kind.replace("_", " ") for f in findings if f.kind in _MEDICINE_RISK})
    if risky:
        out.append(_record("specialized_advice", ", ".join(risky), action_default or escalate or "passed to the care team"))
    elif level in {"emergency", "urgent"} and not crisis and not in_crisis:
        out.append(_record("specialized_advice", f"{level} symptoms or values", action_default or escalate))
    return out
