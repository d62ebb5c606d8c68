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
from specialists.bank_matcher import matched_entries
from specialists.knowledge import drug_classes
from specialists.text import claims as cl

BANK = Path(__file__).resolve().parent / "knowledge" / "answer_bank.yaml"
WARNING_SIGNS = Path(__file__).resolve().parent / "knowledge" / "warning_signs.yaml"


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
    answers_dose_question: bool = False

    def asked(self, text: str, context: str = "") -> bool:
        """The turn asks it in one of the entry's patterns."""
        return any(p.search(text) for p in self.ask) and self.fits(text, context)

    def fits(self, text: str, context: str = "") -> bool:
        """The turn meets the entry's ``needs``; an entry with a ``topic`` also needs its subject named in the turn or in
        ``context`` (the assistant's question the turn answers: "Have you checked your oxygen?" - "It jumps around. Am I
        doing it wrong?")."""
        return all(p.search(text) for p in self.needs) and (
            not self.topic or any(p.search(text) or p.search(context) for p in self.topic))

    def serves(self, plan: CarePlan) -> bool:
        """The general answer cannot contradict this plan (``not_with``) and concerns its drugs (``plan_drugs``)."""
        conditions = " ".join(c.name.lower() for c in plan.conditions)
        if any(c in conditions for c in self.not_with):
            return False
        return not self.plan_drugs or any(m.name in self.plan_drugs for m in plan.medications)


# The standard frames of "what is a normal X?" (X: an entry's `measure`). Not "safe": "is it safe to use my oxygen near
# the stove?" is no question about a normal oxygen level.
_MEASURE_FRAMES = (r"\b(?:normal|good|healthy|ideal|right(?! way)|ok|okay|target)\b[^.?!]{{0,30}}\b{m}\b",
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
        if not asks and not e.get("examples"):
            raise ValueError(f"{path}: entry {e['id']!r} needs ask patterns, a measure or examples to match by meaning")
        entries.append(BankEntry(e["id"], tuple(re.compile(p, re.IGNORECASE) for p in asks),
                                 tuple(re.compile(p, re.IGNORECASE) for p in e.get("needs", [])), e["answer"].strip(),
                                 e["source"], e.get("plan_target"), tuple(e.get("not_with", [])), tuple(e.get("examples", [])),
                                 tuple(e.get("plan_drugs", [])), tuple(re.compile(p, re.IGNORECASE) for p in e.get("topic", [])),
                                 bool(e.get("answers_dose_question", False))))
    return tuple(entries)


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class WarningSign:
    """When to call, for the plans it applies to (``knowledge/warning_signs.yaml``)."""
    id: str
    line: str
    source: str
    conditions: tuple[str, ...] = ()
    drugs: tuple[str, ...] = ()
    drug_classes: tuple[str, ...] = ()

    def applies(self, plan: CarePlan) -> bool:
        names = " ".join(c.name.lower() for c in plan.conditions)
        return (any(c in names for c in self.conditions) or any(m.name in self.drugs for m in plan.medications)
                or any(drug_classes(m.name) & set(self.drug_classes) for m in plan.medications))


@cache
def load_warning_signs(path: Path = WARNING_SIGNS) -> tuple[WarningSign, ...]:
    signs = []
    for e in yaml.safe_load(path.read_text(encoding="utf-8"))["signs"]:
        if not e.get("line") or not e.get("source"):
            raise ValueError(f"{path}: sign {e.get('id')!r} needs a line and its source")
        if not (e.get("conditions") or e.get("drugs") or e.get("drug_classes")):
            raise ValueError(f"{path}: sign {e['id']!r} needs conditions, drugs or drug_classes to apply to a plan")
        signs.append(WarningSign(e["id"], " ".join(e["line"].split()), e["source"], tuple(e.get("conditions", [])),
                                 tuple(e.get("drugs", [])), tuple(e.get("drug_classes", []))))
    return tuple(signs)


def warning_sign(plan: CarePlan) -> WarningSign | None:
    """The most pressing warning sign for this plan's conditions and drugs, or None."""
    return next((s for s in load_warning_signs() if s.applies(plan)), None)


@cache
def vetted_sentences() -> frozenset[str]:
    """Every sentence of every answer in the bank and of every warning sign, whitespace and case folded."""
    answers = [e.answer for e in load_bank()] + [s.line for s in load_warning_signs()]
    return frozenset(_normal(s.text) for a in answers for s in cl.split_sentences(a))


def is_vetted(sentence: str) -> bool:
    return _normal(sentence) in vetted_sentences()


@cache
def _general_sentences() -> frozenset[str]:
    return frozenset(_normal(s.text) for e in load_bank() if not e.plan_drugs for s in cl.split_sentences(e.answer))


def is_general(sentence: str) -> bool:
    """A sentence of a bank answer about no particular drug ("For most adults, a normal blood pressure is below 120 over
    80."): general knowledge, which tells nobody anything about the patient, even when it matches the plan's goal."""
    return _normal(sentence) in _general_sentences()


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


# A turn that asks two things ("Is it too late for the flu shot? And the guys keep on about a pneumonia shot.") gets both
# answers; a third would make the reply too long to follow on the phone.
MAX_ANSWERS = 2


def asked_entries(text: str, plan: CarePlan, context: str = "", dose_question: bool = False) -> list[BankEntry]:
    """The entries the turn asks for, at most :data:`MAX_ANSWERS`: by their patterns first (they keep precision), then
    by meaning (:mod:`specialists.bank_matcher`: a paraphrase no pattern foresaw). ``dose_question``: only entries
    whose answer is the reviewed reply to a question about changing a dose (``answers_dose_question``)."""
    bank = tuple(e for e in load_bank() if e.answers_dose_question or not dose_question)
    found = [e for e in bank if e.asked(text, context) and e.serves(plan)]
    if len(found) >= MAX_ANSWERS:  # the patterns said enough: the encoder is not run
        return found[:MAX_ANSWERS]
    by_id = {e.id: e for e in bank}
    for entry_id, _ in matched_entries(text):
        entry = by_id.get(entry_id)
        if entry is not None and entry not in found and entry.fits(text, context) and entry.serves(plan):
            found.append(entry)
    return found[:MAX_ANSWERS]


def bank_answer(text: str, plan: CarePlan, with_plan: bool = True, context: str = "",
                dose_question: bool = False) -> tuple[str, str] | None:
    """(entry ids joined by "+", what to say) for the entries the turn asks, or None. ``with_plan=False`` (identity not yet
    verified): the general answer only, without the plan's goal and without entries about the plan's drugs. ``context``: the assistant's last question.
    ``dose_question``: the turn asks to change a dose; only an entry written as the answer to such a question
    ("should I take two tomorrow to make up?") answers it, instead of the refusal."""
    entries = asked_entries(text, plan, context, dose_question)
    if not with_plan:  # an entry about the plan's own drugs would tell an unverified caller what the patient takes
        entries = [e for e in entries if not e.plan_drugs]
    if not entries:
        return None
    said = []
    for entry in entries:
        goal = plan_goal(plan, entry.plan_target) if entry.plan_target and with_plan else None
        said.append(f"{entry.answer} {goal}" if goal else entry.answer)
    return "+".join(e.id for e in entries), " ".join(said)
