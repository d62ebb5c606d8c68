"""Crisis specialist: suicidal, self-harm and overdose language reaches a human, every time (issue 17).

On a **patient turn** it reads the turn in the context of the call (:mod:`specialists.self_harm`) and
returns one ``escalation`` finding whose message is the reason in words ("asked how to end their life
or what amount would be lethal: ..."), with the policy of CONTRACT.md §2:

- passive wish to be dead without a plan, warning signs, active thoughts with an explicit "I'd never act
  on it" -> ``urgent`` (a nurse calls today; the reply asks directly about thoughts of suicide, a plan
  and intent: the Columbia screener);
- active thoughts, intent, a plan, method-seeking, an overdose or self-injury that has happened ->
  ``emergency`` (911 and the 988 Suicide & Crisis Lifeline now).

Once a call has disclosed, every later turn keeps that level (the crisis stands for the rest of the call)
and the session's ``crisis`` state tells the primary to stay in crisis mode.

On an **agent draft** in a call that has disclosed, it enforces safe messaging (National Action
Alliance / AFSP recommendations: never a method or an amount): a draft that names a number other than
911 or 988, a dose, a drug, a lethality word or a combination is an ``unsupported_claim`` of type
``instruction`` and the gate stops it.
"""

from __future__ import annotations

import re
from typing import Literal

from specialists.base import SpecialistResult, TurnContext
from specialists.findings import Finding
from specialists.self_harm import Assessment, assess, assess_text, drug_words

GUIDANCE = {
    "emergency": ("Crisis (suicide or self-harm): give 911 and the 988 Suicide & Crisis Lifeline now, stay with the caller, "
                  "ask whether someone can be with them; never a number, drug, amount or combination; do not return to "
                  "the checklist"),
    "urgent": ("Crisis (thoughts of death): acknowledge, ask directly about thoughts of suicide, a plan and intent, say a "
               "nurse will call today and give the 988 Suicide & Crisis Lifeline; do not return to the checklist"),
}

# Safe messaging: what a reply in a crisis never contains.
_NUMBER = re.compile(r"\b(?!911\b|988\b)\d+(?:[.,]\d+)?\b|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                     r"fifteen|twenty|thirty|forty|fifty|sixty|hundred|thousand|a dozen|dozens?|double|triple|half)\b", re.I)
_DOSE = re.compile(r"\b(?:mg|mcg|milligrams?|micrograms?|grams?|units?|ml|milliliters?|tablets?|pills?|capsules?|doses?|dosage|"
                   r"bottles?|pens?|vials?)\b", re.I)
_LETHAL = re.compile(r"\b(?:lethal|fatal|deadly|overdose amount|toxic (?:dose|amount|level)|would kill|could kill|enough to|"
                     r"kill (?:you|someone|a person)|combine|combination|mix(?:ing|ed)? (?:it|them|with)|together with|on top of|"
                     r"painless|quickest|easiest way|most effective)\b", re.I)


# When, not how much: an appointment's date and time ("Wednesday, December 9 at 1:15 PM") is no amount.
_WHEN = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?\b(?:,? \d{4}\b)?|"
                   r"\b\d{1,2}(?::\d{2})? ?(?:am|pm|a\.m\.|p\.m\.)(?!\w)|\b\d{1,2}:\d{2}\b", re.I)


def _safe_messaging_failures(text: str, plan: object) -> list[str]:
    problems = []
    if m := _NUMBER.search(_WHEN.sub(" ", text)):
        problems.append(f"a number ({m.group()!r})")
    if m := _DOSE.search(text):
        problems.append(f"a dose word ({m.group()!r})")
    if m := _LETHAL.search(text):
        problems.append(f"a method or lethality word ({m.group()!r})")
    _, drugs = drug_words(text, plan)  # type: ignore[arg-type]
    if drugs:
        problems.append(f"a drug ({', '.join(drugs)})")
    return problems


def call_crisis(ctx: TurnContext) -> Assessment:
    """What the call has disclosed before this turn (for an agent draft: including the turn it answers)."""
    history = [(u.speaker, u.text) for u in ctx.history]
    return assess_text("", history=history, plan=ctx.plan, today=ctx.today)


class CrisisSpecialist:
    """Suicide, self-harm and overdose: one escalation finding on patient turns, safe messaging on drafts."""

    name = "crisis"
    speakers: frozenset[Literal["agent", "patient"]] = frozenset({"patient", "agent"})

    def check(self, ctx: TurnContext) -> SpecialistResult:
        if ctx.turn.speaker == "agent":
            return self._check_draft(ctx)
        if not ctx.text.strip():
            return SpecialistResult()
        found = assess(ctx)
        level = found.level
        if level not in {"urgent", "emergency"}:
            return SpecialistResult()
        _, drugs = drug_words(ctx.text, ctx.plan)
        reason = found.reason(drugs)
        finding = Finding(kind="escalation", level=level, urgency=level, message=f"{level}: crisis: {reason}",
                          evidence=ctx.text, specialist=self.name)
        state = {"crisis": {"level": level, "categories": list(found.categories), "reason": reason,
                            "new": found.new_categories, "denied": any(d.denied for d in found.own),
                            "caregiver": any(d.caregiver for d in (*found.own, *found.earlier)),
                            # only the paraphrase net heard distress: the screening question decides what follows
                            "screening": found.screening_only}}
        return SpecialistResult(findings=[finding], guidance=[GUIDANCE[level]], state=state)

    def _check_draft(self, ctx: TurnContext) -> SpecialistResult:
        if not call_crisis(ctx).in_crisis:
            return SpecialistResult()
        problems = _safe_messaging_failures(ctx.text, ctx.plan)
        if not problems:
            return SpecialistResult()
        return SpecialistResult(findings=[Finding(
            kind="unsupported_claim", claim_type="instruction", specialist=self.name,
            message="safe messaging in a crisis: the reply must not contain " + "; ".join(problems))])
