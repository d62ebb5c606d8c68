"""Privacy specialist: identity verification, and no health information before it.

Patient turns: the caller is verified once they have said the patient's name (first, preferred, last
or full name, in this turn or earlier) AND the right date of birth, in any common spoken or written
form. A date of birth that does not match is a failed attempt. A name alone is not verification, and
neither is agreeing to a name the agent said.

Who may hear what (the call's stated policy, after the HIPAA Privacy Rule, 45 CFR 164.510(b): disclosures to family
members and others involved in the patient's care, limited to what is relevant to that involvement): health information
is discussed only once the caller has given the patient's name and date of birth. A caller who says they speak for the
patient ("I'm her daughter", "this is his wife") and gives them is treated as a caregiver involved in that care: the call
covers the care plan with them, never tells them "it's you", and the call's state, summary and hand-off say a caregiver
answered (``caller``: "caregiver"). Anyone else's health information is refused to everyone (the primary's refusals).
A red flag reported by anyone, verified or not, is acted on at once.

Agent drafts while the caller is not verified: ``phi_before_verification`` when the draft reveals
health information: a medication, dose, lab or vital value, condition, appointment details, or a
clinical service or clinician ("your heart failure clinic", "Dr. Mensah"). Greeting by name,
introducing the nurse line or "your doctor's office", and asking for the date of birth are fine.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from careplans import CarePlan
from specialists.answer_bank import is_general
from specialists.base import SpecialistResult, TurnContext
from specialists.findings import Finding
from specialists.hallucination import PlanFacts, plan_facts
from specialists.text.claims import find_drugs, health_information, split_sentences
from specialists.text.context import proxy_for_turn
from specialists.text.dates import dates_of_birth

MAX_ATTEMPTS = 3
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
# Dates a caller gives for something else ("my appointment on 12/11/2026") are not birth dates.
_MIN_AGE_YEARS = 5


def _name_tokens(plan: CarePlan) -> set[str]:
    p = plan.patient
    words = {w.lower() for w in _WORD.findall(p.name) if len(w) > 1}
    if p.preferred_name:
        words |= {w.lower() for w in _WORD.findall(p.preferred_name) if len(w) > 1}
    return words


def _says_name(text: str, names: set[str]) -> bool:
    from rapidfuzz.fuzz import ratio

    for w in _WORD.findall(text):
        lw = w.lower()
        if lw in names:
            return True
        # spelling and speech-recognition variants ("Delores" for "Dolores")
        if len(lw) >= 5 and any(len(n) >= 5 and ratio(lw, n) >= 85 for n in names):
            return True
    return False


def _dob_answer(text: str, dob: dt.date, today: dt.date) -> bool | None:
    """True: the text gives the right date of birth; False: it gives a wrong one; None: it gives none."""
    found = [d for d in dates_of_birth(text) if d.dates(today)]
    found = [d for d in found if any(x.year <= today.year - _MIN_AGE_YEARS for x in d.dates(today))]
    if not found:
        return None
    return any(dob in d.dates(today) for d in found)


def verification_state(plan: CarePlan, patient_turns: Sequence[str], today: dt.date,
                       already: bool = False) -> tuple[bool, int, bool, bool | None]:
    """(verified, failed attempts, name given, last DOB answer) after these caller turns, in order."""
    names = _name_tokens(plan)
    name_given = False
    dob_ok = False
    failed = 0
    last: bool | None = None
    verified = already
    for text in patient_turns:
        if verified:
            break
        name_given = name_given or _says_name(text, names)
        answer = _dob_answer(text, plan.patient.date_of_birth, today)
        if answer is not None:
            last = answer
            if answer:
                dob_ok = True
            else:
                failed += 1
        verified = name_given and dob_ok and failed < MAX_ATTEMPTS
    return verified, failed, name_given, last


def _not_said_by_caller(revealed: list[str], ctx: TurnContext, facts: PlanFacts) -> list[str]:
    """Drop what the caller brought up themselves: echoing "your sugar question" reveals nothing new."""
    said = " ".join(u.text for u in ctx.history if u.speaker == "patient").lower()
    if not said:
        return revealed
    said_drugs = {d for r in find_drugs(said, facts.vocab, ctx.plan) for d in r.drugs}
    drafted = {r.surface.lower(): set(r.drugs) for r in find_drugs(ctx.text, facts.vocab, ctx.plan)}
    out = []
    for phrase in revealed:
        low = phrase.lower()
        if low in said or re.sub(r"^your\s+", "", low) in said:
            continue
        if drafted.get(low) and drafted[low] <= said_drugs:
            continue
        out.append(phrase)
    return out


class PrivacySpecialist:
    name = "privacy"
    speakers = frozenset({"patient", "agent"})

    def check(self, ctx: TurnContext) -> SpecialistResult:
        if ctx.turn.speaker == "patient":
            return self._patient(ctx)
        return self._agent(ctx)

    def _patient(self, ctx: TurnContext) -> SpecialistResult:
        turns = [u.text for u in ctx.history if u.speaker == "patient"] + [ctx.text]
        verified, failed, name_given, last = verification_state(ctx.plan, turns, ctx.today, ctx.identity_verified)
        verified = verified or ctx.identity_verified
        state: dict[str, object] = {"identity_verified": verified, "identity_attempts": failed}
        caregiver = proxy_for_turn(ctx, inferred=False) is not None
        if caregiver:
            state["caller"] = "caregiver"
        if verified and caregiver and not ctx.identity_verified:
            guidance = ["Identity verified by a caregiver speaking for the patient (name and date of birth): discuss the care "
                        "plan with them as the patient's caregiver; never tell them it is them."]
        elif verified:
            guidance = [] if ctx.identity_verified else ["Identity verified (name and date of birth): the care plan may be discussed."]
        elif failed >= MAX_ATTEMPTS:
            guidance = [f"Identity could not be verified after {failed} attempts: share no health information; offer a call back "
                        "or transfer to the care team."]
        elif last is False:
            guidance = [f"The date of birth does not match our records (attempt {failed} of {MAX_ATTEMPTS}): ask again politely; "
                        "share no health information."]
        elif last and not name_given:
            guidance = ["Ask the caller for the patient's full name before sharing any health information."]
        elif name_given:
            guidance = ["Ask for the date of birth to verify identity before sharing any health information."]
        else:
            guidance = ["Verify identity (full name and date of birth) before sharing any health information."]
        return SpecialistResult(guidance=guidance, state=state)

    def _agent(self, ctx: TurnContext) -> SpecialistResult:
        if ctx.identity_verified:
            return SpecialistResult()
        facts = plan_facts(ctx.plan, ctx.today)
        # a bank answer's general sentence ("a normal blood pressure is below 120 over 80") is not the patient's
        # information, though the plan's own goal says the same numbers
        text = " ".join(s.text for s in split_sentences(ctx.text) if not is_general(s.text))
        revealed = health_information(text, facts.vocab, ctx.plan, facts.topics)
        if revealed:
            revealed = _not_said_by_caller(revealed, ctx, facts)
        if not revealed:
            return SpecialistResult()
        finding = Finding(kind="phi_before_verification", specialist=self.name, confidence=0.9,
                          message="The draft discloses health information before the caller's identity is verified",
                          evidence=", ".join(dict.fromkeys(revealed)))
        return SpecialistResult(
            findings=[finding],
            guidance=["Do not share health information yet: verify the caller's full name and date of birth first."])


__all__ = ["MAX_ATTEMPTS", "PrivacySpecialist", "verification_state"]
