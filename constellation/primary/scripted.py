"""The scripted primary: deterministic, care-plan-driven dialogue with reviewed wording.

It needs no model, runs everywhere, is the offline default and the fallback when a model fails.
Order of business each turn: a crisis (suicidal, self-harm or overdose language) first and for the rest of the
call (constellation.primary.crisis); emergencies; identity before anything personal; then what the
specialists found; then the patient's question; then the next checklist step; then the close.
Every clinical fact it says comes from the care plan or from what the patient said.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
from collections.abc import Sequence

from careplans import CarePlan
from careplans.model import Appointment, ChecklistItem, Medication
from constellation.primary.base import Draft, DraftRequest
from constellation.primary.crisis import crisis_reply
from constellation.primary.intents import Intents, read_intents
from constellation.session import SessionState
from specialists.findings import Finding

ANALYTE_WORDS = {
    "systolic_bp": "blood pressure", "diastolic_bp": "blood pressure", "glucose": "blood sugar", "hba1c": "A1c",
    "heart_rate": "heart rate", "spo2": "oxygen level", "temperature": "temperature", "weight": "weight",
    "respiratory_rate": "breathing rate", "inr": "INR", "egfr": "kidney function", "bnp": "BNP",
    "potassium": "potassium", "sodium": "sodium", "creatinine": "creatinine", "bun": "BUN", "hemoglobin": "hemoglobin",
    "platelets": "platelet count", "wbc": "white blood cell count", "tsh": "thyroid level", "ldl": "LDL cholesterol",
    "alt": "liver test", "ast": "liver test", "magnesium": "magnesium",
}
HOME_ANALYTES = ("weight", "systolic_bp", "glucose", "temperature", "spo2", "heart_rate")
ANALYTE_PROMPTS = {
    "weight": "What did you weigh this morning?",
    "systolic_bp": "Have you checked your blood pressure at home? What was the last reading?",
    "glucose": "How have your blood sugars been? What was your last reading?",
    "temperature": "Have you had a fever? If you've taken your temperature, what was it?",
    "spo2": "Have you checked your oxygen level? What did it read?",
    "heart_rate": "Have you checked your pulse? What was it?",
}
MED_WORDS = re.compile(r"\b(medication|medicine|meds|adherence|pills?|doses?|prescriptions?)\b", re.IGNORECASE)
APPT_WORDS = re.compile(r"\b(appointment|visit|follow[- ]?up|blood (draw|work|test)|lab|inr check|therapy|clinic)\b", re.IGNORECASE)
SYMPTOM_WORDS = re.compile(r"\b(symptoms?|flares?|pain|swelling|bleeding|bruising|fever|chills|lows?|dizz\w*|"
                           r"shortness of breath|breath\w*|nausea|constipation|cough|wheez\w*|redness|drainage|falls?)\b",
                           re.IGNORECASE)


def _variant(state: SessionState, plan: CarePlan, key: str, options: Sequence[str]) -> str:
    """Varied but reproducible phrasing: the same call and turn always get the same wording."""
    seed = hashlib.sha256(f"{plan.id}:{state.turn_index}:{key}".encode()).hexdigest()
    return random.Random(seed).choice(list(options))


def format_when(when: dt.datetime | dt.date) -> str:
    if isinstance(when, dt.datetime):
        hour = when.strftime("%I").lstrip("0") or "12"
        minutes = f":{when.minute:02d}" if when.minute else ""
        return f"{when.strftime('%A, %B')} {when.day} at {hour}{minutes} {when.strftime('%p')}"
    return f"{when.strftime('%A, %B')} {when.day}"


def describe_appointment(a: Appointment) -> str:
    text = format_when(a.when)
    if a.with_whom:
        text += f" with {a.with_whom}"
    if a.purpose:
        text += f", for your {a.purpose[0].lower() + a.purpose[1:]}"
    return text


def next_appointment(plan: CarePlan, today: dt.date) -> Appointment | None:
    def day(a: Appointment) -> dt.date:
        return a.when.date() if isinstance(a.when, dt.datetime) else a.when

    upcoming = [a for a in plan.appointments if day(a) >= today and a.status not in {"cancelled", "noshow"}]
    return min(upcoming, key=lambda a: (day(a), str(a.when))) if upcoming else None


def _join(words: Sequence[str]) -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def item_question(item: ChecklistItem) -> str:
    """A natural question for a checklist item written as an instruction to the nurse."""
    text = item.text.strip().rstrip(".")
    # Drop the nurse's own follow-up steps: "Ask for today's weight and compare with the dry weight".
    text = re.split(r"(?i)\s+(?:and|then)\s+(?:compare|document|record|note|check it|review|assess|escalate|report|reinforce)\b",
                    text)[0]
    m = re.match(r"(?i)^(ask|check|assess|screen)\s+(the patient\s+)?(about|for|on|whether|if)\s+(.*)$", text)
    if m:
        verb, rest = m.group(3).lower(), m.group(4)
        rest = re.sub(r"\s*\([^)]*\)", "", rest)
        if verb == "for":
            return f"Could you tell me {_second_person(rest)}?"
        if verb in {"whether", "if"}:
            return f"Could you tell me whether {_second_person(rest)}?"
        if SYMPTOM_WORDS.search(rest):
            return f"Have you had any {_second_person(rest)} lately?"
        return f"Can you tell me about {_second_person(rest)}?"
    m = re.match(r"(?i)^(review|discuss|go over)\s+(.*)$", text)
    if m:
        return f"Let's go over {_second_person(m.group(2))}. How has that been going?"
    m = re.match(r"(?i)^(confirm|verify)\s+(.*)$", text)
    if m:
        return f"I'd also like to confirm {_second_person(m.group(2))}. Does that still work for you?"
    m = re.match(r"(?i)^(remind|educate|teach)\s+(the patient\s+)?(about|on|of)?\s*(.*)$", text)
    if m:
        return f"A quick reminder about {_second_person(m.group(4))}. Does that sound manageable?"
    return f"Next, I'd like to talk about this: {text[0].lower() + text[1:]}. How has that been going?"


def _second_person(text: str) -> str:
    text = re.sub(r"(?i)\bthe patient'?s\b", "your", text)
    text = re.sub(r"(?i)\b(his|her|their)\b", "your", text)
    return text[0].lower() + text[1:] if text else text


class ScriptedPrimary:
    name = "scripted"

    async def draft(self, request: DraftRequest) -> Draft:
        return self.compose(request)

    # ------------------------------------------------------------------ main
    def compose(self, req: DraftRequest) -> Draft:
        state, plan = req.state, req.plan
        intents = read_intents(req.patient_text)
        opening = self._opening(req) if state.turn_index == 0 else ""
        if state.crisis is not None:
            return crisis_reply(req, plan.patient.sex, self.name)
        if req.escalation == "emergency" or state.phase == "emergency":
            return self._emergency(req)
        if not state.identity_verified:
            return self._identity(req, intents, opening)
        parts: list[str] = []
        just_verified = state.pending == "identity"
        if just_verified:
            parts.append(_variant(state, plan, "verified", [
                f"Thank you, {plan.patient.call_name}. I've confirmed it's you.",
                f"Thanks, {plan.patient.call_name}, that matches what I have.",
                f"Perfect, thank you {plan.patient.call_name}.",
            ]))
        reaction = self._react(req, intents)
        parts.extend(reaction)
        answered_question = bool(reaction)
        if intents.injection:
            parts.append("I'm not able to do that. I can only help with your care plan, and I can't give medication "
                         "doses or advice beyond what your doctor has prescribed.")
            answered_question = True
        elif intents.other_person:
            parts.append("I'm only able to discuss your own care on this call. Your family member's care team can help "
                         "with their questions.")
            answered_question = True
        elif intents.appointment_question:
            parts.append(self._appointment_answer(req))
            answered_question = True
        elif intents.purpose_question:
            answer = self._purpose_answer(req)
            if answer:
                parts.append(answer)
                answered_question = True
        if not answered_question and intents.dosing_question:
            parts.append("I'm not able to change or recommend doses, but I'll pass your question to your care team "
                         "so they can get back to you.")
            state.notes.append(f"dosing question: {req.patient_text}")
            answered_question = True
        if not answered_question and intents.who_are_you:
            parts.append("I'm a virtual care assistant working with your care team, calling for your regular check-in.")
        elif not answered_question and intents.small_talk and not parts:
            parts.append(_variant(state, plan, "small", ["I'm doing well, thank you for asking!",
                                                        "Thank you, that's kind of you.", "I appreciate that!"]))
        elif not answered_question and intents.question and not intents.confused:
            parts.append("That's a good question for your care team. I've noted it so they can get back to you.")
            state.notes.append(f"question: {req.patient_text}")
        if intents.confused and not parts:
            parts.append(_variant(state, plan, "confused", ["Sorry about that, let me put it another way.",
                                                           "No problem, let me say that differently."]))
            question, addressed = self._repeat_pending(req)
            return Draft(" ".join([opening, *parts, question]).strip(), addressed, "clarify", self.name)
        # Close when the patient is done, or when the list is done and they have nothing else.
        if state.pending == "anything_else" and (intents.goodbye or intents.no):
            return self._farewell(req, parts, opening)
        if intents.goodbye and not intents.question:
            return self._farewell(req, parts, opening)
        question, addressed, intent = self._next_step(req)
        return Draft(" ".join([opening, *parts, question]).strip(), addressed, intent, self.name)

    # ------------------------------------------------------------------ pieces
    def _opening(self, req: DraftRequest) -> str:
        name = req.plan.patient.call_name
        return _variant(req.state, req.plan, "open", [
            f"Hi {name}, this is the virtual care assistant from your care team, calling for your regular check-in.",
            f"Hello {name}, I'm the care team's virtual assistant, calling to check in with you today.",
        ])

    def _emergency(self, req: DraftRequest) -> Draft:
        req.state.phase = "emergency"
        text = _variant(req.state, req.plan, "911", [
            "What you're describing could be a medical emergency. Please call 911 right now, or have someone near you "
            "call. I'm alerting your care team, and I'll stay on the line with you.",
            "This could be an emergency. Please call 911 now, or ask someone with you to call. I'm letting your care "
            "team know right away, and I'm staying on the line.",
        ])
        return Draft(text, [], "emergency", self.name)

    def _identity(self, req: DraftRequest, intents: Intents, opening: str) -> Draft:
        state, plan = req.state, req.plan
        failed_now = state.identity_attempts > state.identity_attempts_answered
        state.identity_attempts_answered = state.identity_attempts
        if state.locked:
            state.phase = "locked"
            if intents.goodbye or (state.pending == "locked" and intents.no):
                state.phase = "ended"
                return Draft("Thank you for your time. Someone from the care team will call you back. Goodbye.",
                             [], "goodbye", self.name)
            state.pending = "locked"
            text = ("I'm sorry, I wasn't able to confirm your identity, so I can't discuss any health information on "
                    "this call. Someone from the care team will call you back. Is there anything else I can pass along?")
            return Draft(" ".join([opening, text]).strip(), [], "identity_locked", self.name)
        state.pending = "identity"
        state.phase = "identity"
        if intents.other_person:
            text = (f"I'm sorry, I can only discuss a patient's health information with the patient. If {plan.patient.call_name} "
                    "is available, I'd be glad to speak with them, after confirming their date of birth.")
        elif failed_now:
            text = "I'm sorry, that doesn't match what I have on file. Could you tell me your date of birth once more?"
        elif intents.injection:
            text = "I'm not able to do that. Before we go on, could you please confirm your date of birth?"
        elif intents.who_are_you:
            text = ("I'm a virtual care assistant working with your care team. Before we talk about anything personal, "
                    "could you please confirm your full name and date of birth?")
        else:
            text = _variant(state, plan, "dob", [
                "Before we go on, could you please confirm your full name and date of birth?",
                "To protect your privacy, could you first tell me your full name and date of birth?",
            ])
        return Draft(" ".join([opening, text]).strip(), [], "verify_identity", self.name)

    def _react(self, req: DraftRequest, intents: Intents) -> list[str]:
        """Reviewed wording for what the specialists found on this turn, most serious first."""
        out: list[str] = []
        by_kind: dict[str, list[Finding]] = {}
        for f in req.findings:
            by_kind.setdefault(f.kind, []).append(f)
        for f in by_kind.get("dose_exceeds_max", []):
            out.append(f"Please stop taking {f.drug} for now: the amount you described is more than the safe daily "
                       "limit. I'm flagging this, and a nurse will call you today. If you start to feel unwell, call 911.")
        for f in by_kind.get("interaction", []):
            if f.urgency == "urgent":
                out.append(f"{_cap(f.drug)} can interact with your {f.with_}, so please don't take any more until you've "
                           "talked with your care team. A nurse will call you today.")
            else:
                out.append(f"I'd hold off on {f.drug}: it can interact with your {f.with_}. I'll note your question for "
                           "your care team so they can suggest something that's right for you.")
        for f in by_kind.get("contraindicated", []):
            if any(i.drug == f.drug for i in by_kind.get("interaction", [])):
                continue
            if f.urgency == "urgent":
                out.append(f"Your care plan lists an allergy that may apply to {f.drug}, so please don't take any more. "
                           "A nurse will call you today.")
            else:
                out.append(f"I'd hold off on {f.drug}, because it may not be safe with your health conditions. I'll let "
                           "your care team know so they can suggest something that's right for you.")
        values = by_kind.get("value_out_of_range", [])
        if values:
            seen = []
            for f in values:
                word = ANALYTE_WORDS.get(f.analyte or "", f.analyte or "reading")
                if word not in seen:
                    seen.append(word)
            out.append(f"Thank you. That {_join(seen)} reading is outside the goal in your care plan, so I'll pass it "
                       "along to your care team.")
        for f in by_kind.get("missed_doses", []):
            out.append(f"Thanks for telling me about the {f.drug}. I'll let your care team know so they can help.")
        for f in by_kind.get("not_in_care_plan", []):
            out.append(f"Thanks for letting me know you're taking {f.drug}. I'll add it to the notes for your care "
                       "team so your medication list stays up to date.")
        urgent_done = any("today" in s for s in out)
        if req.escalation == "urgent" and not urgent_done:
            out.append("Thank you for telling me. I'm flagging this for a nurse, who will call you today. If it gets "
                       "worse or you feel unsafe, call 911.")
        elif req.escalation == "routine" and not out:
            out.append("Thank you for telling me. I'll pass that along to your care team.")
        for f in req.findings:
            if f.message and f.kind in {"dose_exceeds_max", "interaction", "contraindicated", "value_out_of_range",
                                         "missed_doses", "not_in_care_plan", "escalation"}:
                req.state.notes.append(f"{f.kind}: {f.message}")
        return out

    def _appointment_answer(self, req: DraftRequest) -> str:
        appt = next_appointment(req.plan, req.today)
        if appt is None:
            return "I don't see an upcoming appointment in your care plan. I'll ask your care team to reach out about it."
        return f"Your next appointment is on {describe_appointment(appt)}."

    def _purpose_answer(self, req: DraftRequest) -> str | None:
        drugs = [f.drug for f in req.findings if f.kind == "medication_mentioned" and f.drug]
        for drug in drugs:
            med = req.plan.medication(drug)
            if med is not None and med.purpose:
                return f"In your care plan, your {med.name} is for: {med.purpose[0].lower() + med.purpose[1:]}."
        if drugs:
            return "I don't have that medicine in your care plan, so I'll pass your question to your care team."
        return None

    def _repeat_pending(self, req: DraftRequest) -> tuple[str, list[str]]:
        question, addressed, _ = self._next_step(req, repeat=True)
        return question, addressed

    # ------------------------------------------------------------------ checklist walk
    def _steps(self, plan: CarePlan) -> list[tuple[str, str]]:
        """(step id, kind) in order: the plan's checklist, then home readings with a target not yet on it."""
        steps = [(f"item:{i.id}", "item") for i in plan.checklist]
        listed = " ".join(i.text.lower() for i in plan.checklist)
        for analyte in HOME_ANALYTES:
            word = ANALYTE_WORDS[analyte]
            if plan.target(analyte) is not None and word not in listed and not (analyte == "glucose" and "sugar" in listed):
                steps.append((f"vital:{analyte}", "vital"))
        return steps

    def _next_step(self, req: DraftRequest, repeat: bool = False) -> tuple[str, list[str], str]:
        state, plan = req.state, req.plan
        addressed: list[str] = []
        pending = state.pending or ""
        # The patient answered the pending question: that step is covered.
        if not repeat and pending.startswith(("item:", "vital:")):
            step = pending.split(":", 1)[1]
            if pending.startswith("item:"):
                item = next((i for i in plan.checklist if i.id == step), None)
                if item is None or not MED_WORDS.search(item.text) or self._meds_left(plan, state) == []:
                    addressed.append(step)
            else:
                state.cover([pending])
        covered = set(state.covered) | set(addressed)
        for step_id, kind in self._steps(plan):
            key = step_id.split(":", 1)[1]
            item = next((i for i in plan.checklist if i.id == key), None) if kind == "item" else None
            # A medication item is done when every plan medicine has been asked about, whatever else covered it.
            meds_open = item is not None and bool(MED_WORDS.search(item.text)) and bool(self._meds_left(plan, state))
            if ((kind == "item" and key in covered) or (kind == "vital" and step_id in covered)) and not meds_open:
                continue
            if repeat and step_id != pending:
                continue
            if kind == "vital":
                state.pending = step_id
                return ANALYTE_PROMPTS[key], addressed, "ask_vital"
            assert item is not None
            if MED_WORDS.search(item.text):
                batch = self._meds_left(plan, state)[:3]
                if batch:
                    state.meds_asked.extend(m.name for m in batch if m.name not in state.meds_asked)
                    state.pending = step_id
                    names = _join([m.name for m in batch])
                    first = len(state.meds_asked) == len(batch)
                    ask = "Are you taking your" if first else "And are you taking your"
                    lead = "Let's go over your medicines. " if first else ""
                    return (f"{lead}{ask} {names} as prescribed, and have you missed any doses?",
                            addressed, "ask_medications")
                addressed.append(key)
                continue
            state.pending = step_id
            if APPT_WORDS.search(item.text) and re.match(r"(?i)^(confirm|verify)", item.text):
                appt = next_appointment(plan, req.today)
                if appt is not None:
                    return (f"I see your next appointment is on {describe_appointment(appt)}. Does that still work for you?",
                            addressed, "confirm_appointment")
            return item_question(item), addressed, "ask_item"
        if repeat:
            return self._next_step(req, repeat=False)
        state.pending = "anything_else"
        state.phase = "closing"
        return (_variant(state, plan, "wrap", [
            "That's everything on my list for today. Is there anything else I can help you with?",
            "We've covered everything I needed. Is there anything else on your mind?",
        ]), addressed, "anything_else")

    def _meds_left(self, plan: CarePlan, state: SessionState) -> list[Medication]:
        return [m for m in plan.medications if m.name not in state.meds_asked and m.name not in state.meds_discussed]

    def _farewell(self, req: DraftRequest, parts: list[str], opening: str) -> Draft:
        state, plan = req.state, req.plan
        state.phase = "ended"
        state.pending = None
        flagged = [e for e in state.escalations if e.level != "none"]
        summary = ("I'll make sure your care team hears about what we discussed today." if flagged
                   else "Thanks for going over everything with me today.")
        appt = next_appointment(plan, req.today)
        reminder = f" Your next appointment is on {describe_appointment(appt)}." if appt else ""
        close = _variant(state, plan, "bye", [f"Take care, {plan.patient.call_name}. Goodbye!",
                                              f"Have a good day, {plan.patient.call_name}. Goodbye!"])
        return Draft(" ".join([opening, *parts, summary + reminder, close]).strip(), [], "goodbye", self.name)


def _cap(text: str | None) -> str:
    return (text or "")[:1].upper() + (text or "")[1:]
