"""General health questions answered from a vetted, sourced bank (``knowledge/answer_bank.yaml``).

The primary agent says the bank's answers; the hallucination checker lets a sentence of the bank through as it
lets the plan's facts through (:func:`vetted_sentences`): each was written from the source named beside it.

A benign question ("what's a normal blood pressure?", "should I rinse after my steroid inhaler?") gets the
bank's answer rather than "a good question for your care team"; when the care plan sets its own goal for the
same measure, the plan's goal is said too (the plan is the patient's instruction and wins). Every entry names
its source next to its answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from careplans import CarePlan
from careplans.analytes import said_as
from specialists.text import claims as cl

BANK = Path(__file__).resolve().parent / "knowledge" / "answer_bank.yaml"


@dataclass(frozen=True)
class BankEntry:
    id: str
    ask: tuple[re.Pattern[str], ...]
    needs: tuple[re.Pattern[str], ...]
    answer: str
    source: str
    plan_target: str | None
    not_with: tuple[str, ...]
    examples: tuple[str, ...]
    plan_drugs: tuple[str, ...] = ()
    topic: tuple[re.Pattern[str], ...] = ()

    def asked(self, text: str, context: str = "") -> bool:
        """The turn asks it; an entry with a ``topic`` also needs its subject named in the turn or in ``context`` (the
        assistant's question the turn answers: "Have you checked your oxygen?" - "It jumps around. Am I doing it wrong?")."""
        return any(p.search(text) for p in self.ask) and all(p.search(text) for p in self.needs) and (
            not self.topic or any(p.search(text) or p.search(context) for p in self.topic))


# The standard frames of "what is a normal X?" (X: an entry's `measure`).
_MEASURE_FRAMES = (r"\b(?:normal|good|healthy|ideal|right(?! way)|ok|okay|target|safe)\b[^.?!]{{0,30}}\b{m}\b",
                   r"\b{m}\b[^.?!]{{0,30}}\b(?:normal|healthy|ideal|(?:supposed|meant|ought) to be|should (?:it|they|mine|his|hers) be)\b",
                   r"\b(?:should|ought to|supposed to|meant to)\b[^.?!]{{0,25}}\b{m}\b[^.?!]{{0,10}}\bbe\b")


@cache
def load_bank(path: Path = BANK) -> tuple[BankEntry, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = []
    for e in data["entries"]:
        if not e.get("source") or not e.get("answer"):
            raise ValueError(f"{path}: entry {e.get('id')!r} needs an answer and its source")
        asks = [*e.get("ask", []), *(f.format(m=e["measure"]) for f in _MEASURE_FRAMES if e.get("measure"))]
        if not asks:
            raise ValueError(f"{path}: entry {e['id']!r} needs ask patterns or a measure")
        entries.append(BankEntry(e["id"], tuple(re.compile(p, re.IGNORECASE) for p in asks),
                                 tuple(re.compile(p, re.IGNORECASE) for p in e.get("needs", [])), e["answer"].strip(),
                                 e["source"], e.get("plan_target"), tuple(e.get("not_with", [])), tuple(e.get("examples", [])),
                                 tuple(e.get("plan_drugs", [])), tuple(re.compile(p, re.IGNORECASE) for p in e.get("topic", []))))
    return tuple(entries)


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


@cache
def vetted_sentences() -> frozenset[str]:
    """Every sentence of every answer in the bank, whitespace and case folded."""
    return frozenset(_normal(s.text) for e in load_bank() for s in cl.split_sentences(e.answer))


def is_vetted(sentence: str) -> bool:
    return _normal(sentence) in vetted_sentences()


def plan_goal(plan: CarePlan, analyte: str) -> str | None:
    """The care plan's goal for an analyte in words ("Your care plan's goal for your INR is 2 to 3."), or None."""
    target = plan.target(analyte)
    if target is None:
        return None
    word = said_as(analyte)
    if analyte == "systolic_bp":
        diastolic = plan.target("diastolic_bp")
        if target.high is not None and diastolic is not None and diastolic.high is not None:
            return f"Your care plan's goal for you is below {target.high:g} over {diastolic.high:g}."
    if target.low is not None and target.high is not None:
        return f"Your care plan's goal for your {word} is {target.low:g} to {target.high:g}."
    if target.high is not None:
        return f"Your care plan's goal for your {word} is below {target.high:g}."
    if target.low is not None:
        return f"Your care plan's goal for your {word} is {target.low:g} or higher."
    return None


def bank_answer(text: str, plan: CarePlan, with_plan: bool = True, context: str = "") -> tuple[str, str] | None:
    """(entry id, what to say) for the first entry the turn asks, or None. ``with_plan=False`` (identity not yet
    verified): the general answer only, without the plan's goal. ``context``: the assistant's last question."""
    conditions = " ".join(c.name.lower() for c in plan.conditions)
    for entry in load_bank():
        if not entry.asked(text, context) or any(c in conditions for c in entry.not_with):
            continue
        if entry.plan_drugs and not any(m.name in entry.plan_drugs for m in plan.medications):
            continue
        goal = plan_goal(plan, entry.plan_target) if entry.plan_target and with_plan else None
        return entry.id, f"{entry.answer} {goal}" if goal else entry.answer
    return None
