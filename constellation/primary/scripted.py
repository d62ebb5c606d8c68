"""The scripted primary: deterministic, care-plan-driven dialogue with reviewed wording.

It needs no model, runs everywhere, is the offline default and the fallback when a model fails.
Order of business each turn: a crisis (suicidal, self-harm or overdose language) first and for the rest of the
call (constellation.primary.crisis); emergencies; identity before anything personal; then what the
specialists found; then the patient's question; then the next checklist step; then the close.
Every clinical fact it says comes from the care plan or from what the patient said.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import random
import re
from collections.abc import Sequence
from dataclasses import replace

from careplans import CarePlan
from careplans.analytes import said_as
from careplans.model import Appointment, ChecklistItem, Medication
from constellation.primary.base import Draft, DraftRequest
from constellation.primary.crisis import METHOD_QUESTION, crisis_reply
from constellation.primary.intents import BEREAVED, EXHAUSTED, GUILT, MEDICINE_NOUN, Intents, read_intents
from constellation.primary.plan_answers import (HOW_TAKEN, appointment_answer, checklist_answer, daily_limit, describe_appointment,
                                                format_when,
                                                matching_appointments, medicine_answer, next_appointment, order_text,
                                                plan_medicines_named)
from constellation.primary.readings import goal_answer, reading_answer
from constellation.session import SessionState
from specialists.answer_bank import bank_answer, load_bank, warning_sign
from specialists.findings import Finding
from specialists.knowledge import drug_classes
from specialists.text.claims import split_sentences
from specialists.text.numbers import PHONE_NUMBER

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
APPT_WORDS = re.compile(r"\b(appointments?|visits?|follow[- ]?ups?|blood (draw|work|test)|lab|inr check|therapy|clinic)\b", re.IGNORECASE)
SYMPTOM_WORDS = re.compile(r"\b(symptoms?|flares?|pain|swelling|bleeding|bruising|fever|chills|lows?|dizz\w*|"
                           r"shortness of breath|breath\w*|nausea|constipation|cough|wheez\w*|redness|drainage|falls?)\b",
                           re.IGNORECASE)


# A loss or a milestone told in passing, heard before anything else is said.
_LOSS = ("I'm so sorry for your loss.", "I'm sorry for your loss.")
# How an answer to the check-in sounds, for the word that acknowledges it: a reading holding steady, good news, or neither.
STEADY = re.compile(r"\b(same|steady|stable|unchanged|no change|consistent|holding)\b", re.I)
WELL = re.compile(r"\b(fine|good|great|well|normal|okay|ok|all right|alright|better|like clockwork|never miss\w*|every (single )?"
                  r"(day|night|morning|evening)|(no|none|nothing|never|haven'?t|hasn'?t|didn'?t|not)\b[^.]{0,25}\b(miss\w*|skip\w*|"
                  r"problems?|issues?|trouble|pain|bleed\w*|swell\w*|blood|dizz\w*|falls?|fell))\b", re.I)
NOT_WELL = re.compile(r"\b(worse|worst|(not|n't|no|never)\b[^.,]{0,15}\b(good|great|well|fine|ok|okay|better|improv\w*)|bad|awful|"
                      r"terrible|rough|poorly|struggl\w*|can'?t|couldn'?t)\b", re.I)
# A money worry heard (not a clinical fact): where help with the cost of medicines is found.
_COST = ("I'm sorry, the cost of medicines can be a real strain. Your pharmacist can often find a cheaper generic or a "
         "savings program, and I'll let your care team know too.",
         "That's a lot of money, I'm sorry. It's worth asking your pharmacist about a generic or a savings program, and "
         "I'll mention it to your care team.")
_MILESTONE = ("Congratulations, that's wonderful.", "How wonderful, congratulations.")


def _say_once(*texts: str | None) -> str:
    """The texts in order, each sentence said once (the plan's goal, told by a reading's answer and by a bank entry)."""
    said: list[str] = []
    for text in texts:
        for sentence in (x.text for x in split_sentences(text or "")):
            if sentence and sentence not in said:
                said.append(sentence)
    return " ".join(said)


def _milestone(text: str) -> Sequence[str]:
    """The words for good news told: a birthday gets its own ("Birthday's Tuesday, I'll be sixty-nine")."""
    if re.search(r"(?i)\bbirthday\b", text):
        coming = re.search(r"(?i)\b(tomorrow|next|coming|on (sunday|monday|tuesday|wednesday|thursday|friday|saturday)|i'?ll be|"
                           r"(sunday|monday|tuesday|wednesday|thursday|friday|saturday))\b", text)
        return ("Happy early birthday!",) if coming else ("Happy birthday!",)
    return _MILESTONE


def _variant(state: SessionState, plan: CarePlan, key: str, options: Sequence[str]) -> str:
    """Varied but reproducible phrasing: the same call and turn always get the same wording."""
    seed = hashlib.sha256(f"{plan.id}:{state.turn_index}:{key}".encode()).hexdigest()
    return random.Random(seed).choice(list(options))


def _join(words: Sequence[str]) -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def item_question(item: ChecklistItem) -> str:
    """A natural spoken question or reminder for a checklist item written as a note to the nurse: the nurse's own
    follow-up steps ("; call the nurse line for a gain of 3 lb", "and compare with the dry weight") and asides in
    brackets are never read out."""
    text = re.sub(r"\s*\([^)]*\)", "", item.text.strip()).rstrip(".")
    reminder = re.match(r"(?i)^(?:remind|educate|teach|reinforce)\b(:?)\s*(?:the patient\s+)?(?:(about|on|of|that)\s+)?(.*)$", text)
    if reminder:
        said = _second_person(re.sub(r"\s*;\s*", ", and ", reminder.group(3)).strip(" ,"))
        if not reminder.group(1) and not reminder.group(2):  # "Remind dentists and urgent care about the allergy"
            said = f"please remind {said}"
        return f"A quick reminder from your care plan: {said}. Does that sound manageable?"
    text = re.split(r"\s*;\s*", text)[0]
    text = re.split(r"(?i)\s+(?:and|then)\s+(?:compare|document|record|note|check it|review|assess|escalate|report|reinforce)\b",
                    text)[0]
    m = re.match(r"(?i)^(?:ask|check|assess|screen)\s+(?:the patient\s+)?(about|for|on|whether|if|how|what|when)\s+(.*)$", text)
    if m:
        verb, rest = m.group(1).lower(), _second_person(m.group(2))
        if verb == "for":
            return f"Could you tell me {rest}?"
        if verb in {"whether", "if"}:
            return f"Could you tell me whether {rest}?"
        if verb in {"how", "what", "when"}:
            return f"Can you tell me {verb} {rest}?"
        if ":" in rest:  # "the incision: redness, warmth, drainage"; "side effects: nausea, dizziness"
            subject, signs = (x.strip() for x in rest.split(":", 1))
            if re.match(r"(?i)(the|your)\b", subject):
                return f"How is {subject}? Any {signs}?"
            return f"Any {subject}, like {signs}?"
        if SYMPTOM_WORDS.search(rest) and len(rest.split()) <= 8 and not re.search(r"\b(how|whether|being)\b", rest):
            when = "" if re.search(r"\b(this week|today|lately|recently|since)\b", rest) else " lately"
            return f"Have you had any {rest}{when}?"
        return f"Can you tell me about {rest}?"
    m = re.match(r"(?i)^(?:review|discuss|go over)\s+(.*)$", text)
    if m:
        return f"Let's go over {_second_person(m.group(1))}. How has that been going?"
    m = re.match(r"(?i)^(?:confirm|verify)\s+(.*)$", text)
    if m:
        return f"I'd also like to check on {_second_person(m.group(1))}. How is that going?"
    return f"How have things been with {_second_person(text)}?"


def _second_person(text: str) -> str:
    text = re.sub(r"(?i)\bthe patient'?s\b", "your", text)
    text = re.sub(r"(?i)\b(his|her|their)\b", "your", text)
    return text[0].lower() + text[1:] if text else text


# While the ambulance comes (American Red Cross First Aid/CPR/AED Participant's Manual; NHS "What to do in an emergency";
# AHA "Heart Attack and Stroke Symptoms": rest, unlock the door, follow the dispatcher). Nothing by mouth when drowsy
# or confused (choking risk).
WHILE_WAITING = ("While you wait for the ambulance: unlock the door, stay with them or keep someone with you, and sit or lie "
                 "somewhere comfortable. Don't give food or drink to anyone who is very drowsy or confused. If anyone stops "
                 "responding or breathing normally, tell the 911 dispatcher right away; they'll talk you through what to do. "
                 "I'm staying on the line.")
# "She's waking up, should I still let the ambulance come?": once called, it comes (glucagon Instructions for Use,
# Baqsimi and Gvoke: call for emergency medical help right away after giving it, whether or not the person wakes; AHA
# "Warning Signs of a Heart Attack": let the emergency medical services assess symptoms that ease).
KEEP_AMBULANCE = re.compile(r"\b(?:cancel|call off|send (?:them|it) (?:away|back)|turn (?:them|it) away|call (?:them|911|it) back)\b"
                            r"[^.?!]{0,20}\b(?:ambulance|paramedics|911|them|it)\b|\bstill\b[^.?!]{0,25}\b(?:ambulance|paramedics|911|"
                            r"hospital|the er|emergency room)\b|\b(?:do|does) (?:we|she|he|i) (?:still )?(?:need|have) to go\b|"
                            r"\b(?:cancel|call (?:them|it) off)\b[^.?!]{0,10}\?", re.IGNORECASE)
KEEP_AMBULANCE_REPLY = ("Yes, please let the ambulance come and have the paramedics check. Feeling better for a while doesn't "
                        "mean the danger has passed, and they can make sure it's safe.")
# "I don't want a fuss with the ambulance ... can't I just lie down and see?": the American Heart Association's advice on
# heart attack and stroke warning signs is not to wait, and to call 911 rather than drive (EMS can start treatment on the
# way); the reply hears the reluctance and keeps the call.
RELUCTANT = re.compile(r"\b(?:don'?t|do not|didn'?t) (?:wanna|want to|need to) (?:make|cause|kick up) (?:a |any )?(?:big )?(?:fuss|scene|bother)|"
                       r"\b(?:wait|see) (?:and see|if it (?:passes|goes)|a (?:bit|while|little))\b|\b(?:lay|lie) down (?:a bit|for a bit|for a while|and see)\b|"
                       r"\b(?:it'?s )?probably (?:just|nothing)\b|\b(?:drive|take) (?:myself|me|him|her) (?:in|there|to the)\b|"
                       r"\bdon'?t (?:want|need) (?:an |the )?ambulance\b|\b(?:embarrass\w*|the whole street|neighbou?rs (?:watching|see))\b",
                       re.IGNORECASE)
RELUCTANT_REPLY = ("I understand, and it's no bother at all. With what you're describing, it isn't safe to wait and see, and it's "
                   "better not to drive. Please call 911 now: the paramedics can check you and start treatment right there.")
# "Does somebody call us back?", "What happens now?", "Will the nurse ring me?"
CALLBACK_QUESTION = re.compile(r"\b(?:does|will|is|would|can) (?:somebody|someone|a nurse|anyone|anybody|the nurse|the doctor|they|you) "
                               r"(?:going to |gonna )?(?:call|ring|phone|get back|reach|be in touch|contact)\b[^.!]*\?|"
                               r"\bwhat happens (?:now|next)\b|\bwho(?:'s| is| will)? (?:going to |gonna )?call\b[^.!]*\?", re.IGNORECASE)
# "Should I just hang on till the appointment on the fourth?" after a problem flagged for a nurse today
WAIT_FOR_VISIT = re.compile(r"\b(?:wait|hang on|hold on|hold off|sit tight|leave it)\b[^.?!]{0,40}\b(?:till|until|for|to)\b[^.?!]{0,30}"
                            r"\b(?:appointment|visit|the \w+(?:th|st|nd|rd)\b|monday|tuesday|wednesday|thursday|friday|next week|doctor|clinic|"
                            r"staples?|follow[- ]?up|check[- ]?up)", re.IGNORECASE)
WAIT_FOR_VISIT_REPLY = ("Please don't wait for that appointment with this. A nurse from your care team will call you today, and if it "
                        "gets worse before then, call 911.")
CALLED_911 = re.compile(r"\b(?:called|calling|dialed|dialing|rang|ringing|phoned|phoning) (?:911|the ambulance|an ambulance)\b|"
                        r"\b(?:ambulance|paramedics|they)(?:'re| are|'s| is) (?:on (?:the|their) way|coming|here|pulling up)\b|"
                        r"\bsirens?\b|\b911 (?:on|now)\b|\bcalling them\b", re.IGNORECASE)


# Crisis mode at the urgent level (988 Suicide & Crisis Lifeline wording, as constellation.primary.crisis).
CRISIS_URGENT_TAIL = ("A nurse from your care team will still call you today, and if you ever feel unsafe, call or text 988, "
                      "the Suicide and Crisis Lifeline, or call 911.")



class ScriptedPrimary:
    name = "scripted"

    async def draft(self, request: DraftRequest) -> Draft:
        return self.compose(request)

    # ------------------------------------------------------------------ main
    def compose(self, req: DraftRequest) -> Draft:
        """The reply, proposing the state it leaves: the pieces below work on the request's copy of the call state."""
        draft = self._compose(req)
        draft.proposed_state = req.state
        return draft

    def _compose(self, req: DraftRequest) -> Draft:
        state, plan = req.state, req.plan
        intents = read_intents(req.patient_text)
        opening = self._opening(req) if state.turn_index == 0 else ""
        if state.crisis is not None:
            return self._in_crisis(req, intents)
        if (intents.repeat or (intents.confused and len(req.patient_text.split()) <= 4)) and state.last_agent_text:
            return self._repeat(state)
        if req.escalation == "emergency" or state.phase == "emergency":
            return self._emergency(req, intents)
        if not state.identity_verified:
            return self._identity(req, intents, opening)
        parts: list[str] = []
        just_verified = state.pending == "identity"
        if just_verified:
            # The caller may be a proxy: what matched is the patient's record, never "it's you".
            parts.append(_variant(state, plan, "verified", [
                "Thank you, that matches what I have.",
                "Thanks, that matches our records.",
                "Perfect, thank you, that matches what I have on file.",
            ]))
        reaction = self._react(req, intents)
        parts.extend(reaction)
        if intents.hurry and not reaction:
            parts.append("I'll keep it quick.")
        if intents.thanks and not reaction and not just_verified:
            parts.append(_variant(state, plan, "thanks", ["You're very welcome.", "You're welcome, it's my pleasure."]))
        answer = self._respond(req, intents)
        if "urgent" in _levels_so_far(req) and WAIT_FOR_VISIT.search(req.patient_text):
            answer = _say_once(WAIT_FOR_VISIT_REPLY, answer)
        if not answer and not reaction and not intents.asks:  # a reading told within the plan's goal is heard against it
            in_goal = reading_answer(req.patient_text, plan, [(u["speaker"], u["text"]) for u in state.transcript], asked=False)
            answer = f"Thank you, that's good. {in_goal}" if in_goal else None
        if intents.cost_worry and (answer or not reaction):
            state.notes.append(f"cost of medicines: {req.patient_text}")
        if answer:
            if not reaction:  # a loss, a milestone, a money worry or a feeling told with the question is heard first
                parts.extend(_variant(state, plan, key, options) for heard, key, options in (
                    (intents.bereaved, "loss", _LOSS), (intents.milestone, "milestone", _milestone(req.patient_text)),
                    (intents.cost_worry and "cost" not in answer.lower(), "cost", _COST)) if heard)
                feeling = self._named_feeling(req) if intents.feeling and not intents.bereaved else None
                if feeling and not intents.cost_worry:
                    parts.append(feeling)
            parts.append(answer)
        elif intents.cost_worry and not reaction:
            parts.append(_variant(state, plan, "cost", _COST))
        elif intents.feeling or (intents.bereaved and not reaction):
            parts.append(self._acknowledge(req))
            if intents.symptom and not reaction and not intents.improved:  # a feeling and a symptom: both heard
                state.notes.append(f"symptom reported (no specialist finding): {req.patient_text}")
                parts.append("I'll make sure your care team hears about that.")
        elif intents.symptom and not reaction and not intents.improved:
            state.notes.append(f"symptom reported (no specialist finding): {req.patient_text}")
            parts.append(_variant(state, plan, "symptom", ["I'm sorry you're dealing with that. I'll let your care team know about it.",
                                                           "Thank you for telling me. I'll make sure your care team hears about that."]))
        elif intents.how_are_you and not reaction:
            parts.append("I'm doing well, thank you for asking.")
        elif intents.about_you and not reaction:
            parts.append("I'm a virtual assistant, so I don't, but it sounds lovely.")
        elif intents.improved and not reaction:
            parts.append(_variant(state, plan, "improved", ["I'm glad to hear that.", "That's great news, I'm glad to hear it."]))
        elif intents.milestone and not reaction:
            parts.append(_variant(state, plan, "milestone", _milestone(req.patient_text)))
        elif intents.reassuring and not reaction and not intents.question:
            parts.append(_variant(state, plan, "reassuring", ["That's good to hear, thank you.", "Good, that's reassuring. Thank you."]))
        elif intents.pleasant and not reaction and not intents.question:
            parts.append(_variant(state, plan, "pleasant", ["That sounds lovely.", "How nice, that sounds lovely."]))
        elif intents.asks_anything_else:
            # the list done, the wrap-up line that follows says so; otherwise say why the call goes on
            if state.pending != "anything_else" and self._next_step(_probe(req))[2] != "anything_else":
                parts.append("Just a couple more questions, if that's all right.")
        # Whatever was asked and not answered is deferred, never passed over: after a feeling or a symptom is acknowledged
        # too ("That sounds hard" alone leaves "could you ring the pharmacy for me?" hanging).
        if (intents.asks and not answer and not reaction and not intents.goodbye and not intents.about_you and not intents.how_are_you
                and not intents.wants_to_end and not intents.confused and not intents.asks_anything_else):
            parts.append("I don't have the answer to that in your care plan, so I've noted your question for your care team.")
            state.notes.append(f"question: {req.patient_text}")
        if not parts and not intents.asks and not intents.question and (state.pending or "").startswith(("item:", "vital:")):
            parts.append(self._acknowledge_answer(req))  # an answer to the check-in heard before the next question
        if intents.confused and not parts:
            parts.append(_variant(state, plan, "confused", ["Sorry about that, let me put it another way.",
                                                           "No problem, let me say that differently."]))
            question, addressed = self._repeat_pending(req)
            return Draft(" ".join([opening, *parts, question]).strip(), addressed, "clarify", self.name)
        # Close when the caller wants to, or when the list is done and they have nothing else.
        # (a "no" that comes with a question is no goodbye: "No bleeding. My phone's about to die, is there anything else?")
        if state.pending == "anything_else" and (intents.goodbye or intents.done or (intents.no and not intents.question)):
            return self._farewell(req, parts, opening)
        if intents.goodbye and not (intents.question and not answer):
            return self._farewell(req, parts, opening)
        if intents.wants_to_end:
            return self._short_close(req, parts)
        question, addressed, intent = self._next_step(req)
        return Draft(" ".join([opening, *parts, question]).strip(), addressed, intent, self.name)

    # ------------------------------------------------------------------ pieces
    def _opening(self, req: DraftRequest) -> str:
        name = req.plan.patient.call_name
        return _variant(req.state, req.plan, "open", [
            f"Hi {name}, this is the virtual care assistant from your care team, calling for your regular check-in.",
            f"Hello {name}, I'm the care team's virtual assistant, calling to check in with you today.",
        ])

    def _repeat(self, state: SessionState) -> Draft:
        """The last reply again, for a caller who did not hear or follow it."""
        return Draft(f"Of course, I'll say it again, slowly. {state.last_agent_text}", [], "repeat", self.name)

    def _in_crisis(self, req: DraftRequest, intents: Intents) -> Draft:
        """Crisis mode keeps its reviewed wording; at the urgent level (no danger now) a repeat is repeated and a plain
        question about the plan is answered, with the nurse call and the 988 Lifeline kept in the same reply."""
        crisis = req.state.crisis or {}
        urgent = crisis.get("level") != "emergency" and req.escalation != "emergency" and not crisis.get("new")
        # never an answer to a question about amounts, methods or an overdose (the crisis wording handles those)
        if urgent and not METHOD_QUESTION.search(req.patient_text) and not re.search(r"(?i)\boverdose\b", req.patient_text):
            if intents.repeat and req.state.last_agent_text:
                return self._repeat(req.state)
            # a medicine the plan rules out is held off first (the plan's own note would name the drug)
            answer = _hold_off_in_crisis(req.findings) or (self._respond(req, intents) if intents.question else None)
            if answer:
                return Draft(f"{answer} {CRISIS_URGENT_TAIL}", [], "crisis", self.name)
        return crisis_reply(req, req.plan.patient.sex, self.name)

    def _emergency(self, req: DraftRequest, intents: Intents) -> Draft:
        """The first emergency turn says 911 now; every later turn answers the caller and keeps guidance coming."""
        state = req.state
        first = state.phase != "emergency" or not any("911" in u["text"] for u in state.transcript if u["speaker"] == "agent")
        state.phase = "emergency"
        if first:
            text = _variant(state, req.plan, "911", [
                "What you're describing could be a medical emergency. Please call 911 right now, or have someone near you "
                "call. I'm alerting your care team, and I'll stay on the line with you.",
                "This could be an emergency. Please call 911 now, or ask someone with you to call. I'm letting your care "
                "team know right away, and I'm staying on the line.",
            ])
            return Draft(text, [], "emergency", self.name)
        parts: list[str] = []
        if intents.feeling or re.search(r"(?i)\b(die|dying|scared|afraid|frighten)", req.patient_text):
            parts.append("I know this is frightening. You're doing the right thing, and help is on the way.")
        answer = (KEEP_AMBULANCE_REPLY if KEEP_AMBULANCE.search(req.patient_text)
                  else RELUCTANT_REPLY if RELUCTANT.search(req.patient_text) and not CALLED_911.search(req.patient_text)
                  else self._respond(req, intents, in_emergency=True))
        if answer:
            parts.append(answer)
        if answer != RELUCTANT_REPLY and not CALLED_911.search(req.patient_text) and not any(
                CALLED_911.search(u["text"]) for u in state.transcript if u["speaker"] == "patient"):
            parts.append("If no one has called 911 yet, please call now.")
        parts.append(WHILE_WAITING)
        return Draft(" ".join(parts), [], "emergency_guidance", self.name)

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
            # general knowledge is nobody's health information: "what's a normal blood pressure?" is still answered
            general = None if intents.injection or intents.other_person else bank_answer(req.patient_text, plan, with_plan=False)
            if general:
                text = (f"{general[1]} I can't discuss anything in the care plan on this call, though: someone from the care "
                        "team will call you back. Is there anything else I can pass along?")
            return Draft(" ".join([opening, text]).strip(), [], "identity_locked", self.name)
        if intents.goodbye and state.turn_index > 0:
            state.phase = "ended"
            return Draft("No problem. Someone from the care team can call back any time. Take care, goodbye.", [], "goodbye", self.name)
        state.pending = "identity"
        state.phase = "identity"
        # a general question asked before identity is answered, but never in place of telling the caller their answer did
        # not match, of refusing an instruction, or of the privacy notice to someone else
        general = None if failed_now or intents.injection or intents.other_person else bank_answer(req.patient_text, plan, with_plan=False)
        if general:
            text = f"{general[1]} Before I can talk about anything in your own care plan, could you please confirm your full name and date of birth?"
            return Draft(" ".join([opening, text]).strip(), [], "verify_identity", self.name)
        if intents.other_person:
            text = (f"I'm sorry, I can only discuss a patient's health information with the patient. If {plan.patient.call_name} "
                    "is available, I'd be glad to speak with them, after confirming their date of birth.")
        elif failed_now:
            text = "I'm sorry, that doesn't match what I have on file. Could you tell me your date of birth once more?"
        elif intents.injection:
            text = "I'm not able to do that. Before we go on, could you please confirm your date of birth?"
        elif intents.hurry:
            text = "I'll keep it quick. Before we go on, could you please confirm your full name and date of birth?"
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
        warned = req.state.warned

        def once(key: str, full: str, again: str | None) -> None:
            """A warning in full the first time in the call; after that a short reminder (or nothing): a warning is
            repeated only when something new happened."""
            if key in warned:
                if again:
                    out.append(again)
            else:
                warned.append(key)
                out.append(full)

        for f in by_kind.get("dose_exceeds_max", []):
            once(f"dose:{f.drug}", f"Please stop taking {f.drug} for now: the amount you described is more than the safe daily "
                 "limit. I'm flagging this, and a nurse will call you today. If you start to feel unwell, call 911.",
                 f"As I said, please don't take any more {f.drug} for now; a nurse will call you today.")
        # One sentence per drug, naming every plan drug it interacts with (sildenafil with two nitrates is one warning).
        partners: dict[tuple[str | None, bool], list[str]] = {}
        risks: dict[str | None, str] = {}
        for f in by_kind.get("interaction", []):
            partners.setdefault((f.drug, f.urgency == "urgent"), []).extend([f.with_] if f.with_ else [])
            if f.ruled_out_by:
                risks.setdefault(f.drug, f.ruled_out_by)
        for (drug, urgent), withs in partners.items():
            others = _join(list(dict.fromkeys(withs)))
            why = f" and {risks[drug]}" if drug in risks else ""  # "can interact with your apixaban and raise the risk of serious bleeding"
            if urgent:
                once(f"interaction:{drug}:urgent", f"{_cap(drug)} can interact with your {others}{why}, so please don't take any "
                     "more until you've talked with your care team. A nurse will call you today.",
                     f"As I mentioned, please hold off on the {drug} until you've talked with your care team; a nurse will "
                     "call you today.")
            else:
                once(f"interaction:{drug}", f"I'd hold off on {drug}: it can interact with your {others}{why}.{_plan_instead(req.plan, drug)} "
                     "I'll note your question for your care team so they can suggest something that's right for you.",
                     f"As I mentioned, I'd hold off on the {drug} for now.")
        for f in by_kind.get("contraindicated", []):
            if any(i.drug == f.drug for i in by_kind.get("interaction", [])):
                continue
            if f.urgency == "urgent":
                once(f"contraindicated:{f.drug}:urgent", f"Your care plan lists an allergy that may apply to {f.drug}, so "
                     "please don't take any more. A nurse will call you today.",
                     f"As I mentioned, please don't take any more {f.drug}; a nurse will call you today.")
            else:
                once(f"contraindicated:{f.drug}", f"I'd hold off on {f.drug}, because {_ruled_out_by(f)}. I'll let your care "
                     "team know so they can suggest something that's right for you.",
                     f"As I mentioned, I'd hold off on the {f.drug} for now.")
        values = by_kind.get("value_out_of_range", [])
        if values:
            seen = []
            for f in values:
                word = said_as(f.analyte) if f.analyte else "reading"
                if word not in seen:
                    seen.append(word)
            directions = {f.direction for f in values}
            where = ("higher than" if directions == {"high"} else "lower than" if directions == {"low"} else "outside")
            out.append(f"Thank you. That {_join(seen)} reading is {where} the goal in your care plan, so I'll pass it "
                       "along to your care team.")
        for f in by_kind.get("missed_doses", []):
            once(f"missed:{f.drug}", f"Thanks for telling me about the {f.drug}. I'll let your care team know so they can "
                 "help.", None)
        for f in by_kind.get("not_in_care_plan", []):
            once(f"off-plan:{f.drug}", f"Thanks for letting me know you're taking {f.drug}. I'll add it to the notes for "
                 "your care team so your medication list stays up to date.", None)
        urgent_done = any("today" in s for s in out)
        # what goes to the nurse, in the caller's words when a red flag names it ("the weight gain")
        flagged = next((f.said_as for f in req.findings if f.kind == "escalation" and f.said_as), None)
        if req.escalation == "urgent" and not urgent_done:
            out.append(f"Thank you for telling me. I'm flagging {flagged or 'this'} for a nurse, who will call you today. "
                       "If it gets worse or you feel unsafe, call 911.")
        elif req.escalation == "routine" and not out:
            out.append(f"Thank you for telling me. I'll pass {flagged or 'that'} along to your care team.")
        for f in req.findings:
            if f.message and f.kind in {"dose_exceeds_max", "interaction", "contraindicated", "value_out_of_range",
                                         "missed_doses", "not_in_care_plan", "escalation"}:
                req.state.notes.append(f"{f.kind}: {f.message}")
        return out

    def answer(self, req: DraftRequest) -> str | None:
        """The reviewed answer to what the caller just asked or asked for (a refusal, the plan's fact, the answer
        bank's), or None; it changes nothing in the request's state. The LLM primary is given it as vetted content."""
        return self._respond(_probe(req), read_intents(req.patient_text))

    def _respond(self, req: DraftRequest, intents: Intents, in_emergency: bool = False) -> str | None:
        """What the caller asked or asked for, answered: refusals first, then the plan, then the answer bank."""
        state, plan = req.state, req.plan
        last_drug = state.meds_discussed[-1] if state.meds_discussed else None
        if in_emergency:
            appointment = appointment_answer(req.patient_text, plan, req.today) if matching_appointments(req.patient_text, plan) else None
            answer = (medicine_answer(req.patient_text, plan, req.findings, last_drug) or goal_answer(req.patient_text, plan)
                      or appointment)
            banked = None if answer else bank_answer(req.patient_text, plan, context=state.last_agent_text)
            return answer or (banked[1] if banked else None)
        if intents.injection:
            return ("I'm not able to do that. I can only help with your care plan, and I can't change doses or give advice "
                    "beyond what your doctor has prescribed.")
        if intents.other_person:
            return ("I'm sorry, I can't share anyone else's health information. I can only discuss this patient's own care "
                    "on this call; their own care team can help them.")
        named = plan_medicines_named(plan, req.findings)
        med = named[0] if named else None
        order = order_text(med) if med is not None else ""
        still = f" Your care plan still says to {order} for the {med.name}." if med is not None and order else ""
        # (intent, what the nurse's note says, the reviewed refusal), first that applies wins
        refusals = (
            (intents.others_medicine, "asked about taking someone else's medicine",
             "Please don't take medicine that was prescribed for someone else: it was chosen for them, and it could "
             "interact with your own medicines. I'll let your care team know you asked, so they can help with what you need."),
            (intents.share_medicine, "asked about giving their own medicine to someone else",
             "Please don't share your medicine: it's prescribed for you, and the dose or even the kind may not be safe for "
             "someone else. Their own doctor or pharmacy can help them get what they need quickly."),
            (intents.deceive, "asked to pass on something inaccurate",
             "I can't pass along anything that isn't accurate: your doctor and pharmacy need the true picture to keep you "
             "safe. If you're running low or it isn't controlled, I'll let your care team know so a nurse can review it with you."),
            (intents.hide, "asked to keep something from the care team",
             "I can't keep health information from your care team: what you tell me goes in your record so they can keep "
             "you safe. They're on your side, and I'll make sure they hear it the right way."),
            (intents.alter_record, "asked to change the record or what the plan says",
             "I can't change what's in your record or say your care plan says something it doesn't. I'll note what you told "
             "me for your care team, and they can update the plan if your doctor decides to."),
            (intents.doctor_said, "reports a change the care plan does not show",
             f"I can only go by your care plan, so I can't confirm that.{still} I'll let your care team know so they can "
             "check with your doctor and update the plan if it's changed."),
            (intents.skip, "asked about skipping a test, visit or dose",
             "Please don't skip it on your own: it's part of your care plan and keeps you safe. If the timing is hard, I'll "
             "let your care team know so they can help find a way that works."),
            (intents.diagnose, "asked for a diagnosis",
             "I can't diagnose that, but it's worth having it looked at properly. I'll let your care team know so they can "
             "arrange for someone to check it."),
        )
        for asked, note, refusal in refusals:
            if asked:
                state.notes.append(f"{note}: {req.patient_text}")
                return refusal
        if intents.stop_medicine and (med is not None or state.meds_discussed):
            name = med.name if med is not None else state.meds_discussed[-1]
            said = f" Your care plan says to {order}." if med is not None and order else ""
            state.notes.append(f"asked about stopping {name}: {req.patient_text}")
            return (f"Please don't stop your {name} on your own.{said} I'll pass your question to your care team so a "
                    "nurse can talk it through with you.")
        # of several medicines named, a dose asked for ("She had her two Tylenol at eight ... none of the oxycodone since last
        # night. Can she have one now?") is of the one taken as needed
        prn = next((m for m in named if m.as_needed), None)
        as_needed = prn is not None and not re.search(r"(?i)\b(double|instead of|increase|raise|bump)\b", req.patient_text)
        if as_needed and prn is not None and (intents.extra_dose or intents.dosing_question) and order_text(prn):
            enough = "If the pain isn't controlled within that" if "pain" in order_text(prn).lower() else "If that isn't enough"
            return f"For the {prn.name}, your care plan says to {order_text(prn)}.{daily_limit(prn)} {enough}, I'll let your care team know."
        amount_only = intents.asks_amount and not intents.extra_dose
        if amount_only and med is not None and order:  # "my night-time insulin, how many units is that again?": read back
            return f"For the {med.name}, your care plan says to {order}.{daily_limit(med)}"
        # an amount of no medicine at all ("how much juice after a low?") is no dose question: the answer bank's
        no_medicine = amount_only and not MEDICINE_NOUN.search(req.patient_text) and not any(
            f.drug for f in req.findings if f.kind in {"medication_mentioned", "not_in_care_plan"})
        if not no_medicine and (intents.extra_dose or (intents.dosing_question and not HOW_TAKEN.search(req.patient_text))):
            state.notes.append(f"dose question: {req.patient_text}")
            made_up = bank_answer(req.patient_text, plan, context=state.last_agent_text, dose_question=True)
            if made_up:  # "I forgot last night's, should I take two tonight?": the reviewed answer is "don't double"
                return made_up[1]
            said = f" Your care plan says to {order} for the {med.name}." if med is not None and order else ""
            return (f"I can't change a dose or add extra doses.{said} I'll pass your question to your care team so a "
                    "nurse can advise you.")
        if intents.prescribe:
            state.notes.append(f"prescription request: {req.patient_text}")
            return ("I'm not able to prescribe or recommend a new prescription medicine. I'll pass your request to your care "
                    "team, and your doctor can decide what's right.")
        if CALLBACK_QUESTION.search(req.patient_text):  # "So what happens now, does somebody call us back?"
            levels = _levels_so_far(req)
            number = PHONE_NUMBER.search(req.patient_text)
            if number:
                state.notes.append(f"call-back number given: {number.group()}")
            noted = " I've noted the number you gave for the call back." if number else ""
            # a visit asked in the same breath ("So who's going to call us? And when's his heart doctor visit?") too
            visit = appointment_answer(req.patient_text, plan, req.today) if matching_appointments(req.patient_text, plan) else None
            if "urgent" in levels or "emergency" in levels:
                callback = f"Yes: a nurse from your care team will call you today.{noted} If it gets worse before then, call 911."
            elif "routine" in levels:
                callback = f"Yes: I'm passing this to your care team, and a nurse will follow up with you.{noted}"
            else:
                callback = f"If anything from today needs a follow-up, your care team will call you.{noted}"
            return _say_once(callback, visit)
        last = self._last_appointment(req)
        appointment = appointment_answer(req.patient_text, plan, req.today, last)
        named_visit = appointment is not None and bool(matching_appointments(req.patient_text, plan))
        history = [(u["speaker"], u["text"]) for u in state.transcript]
        about_value = reading_answer(req.patient_text, plan, history) or goal_answer(req.patient_text, plan)
        if about_value:  # "What's her INR supposed to be? And when's the next finger-stick?": both answered
            # and a general question asked with the reading ("99.2 last night. What counts as a real fever?") gets the bank's
            # answer too
            banked = bank_answer(req.patient_text, plan, context=state.last_agent_text, with_plan="goal" not in about_value)
            return _say_once(about_value, appointment if named_visit else None, banked[1] if banked else None)
        if named_visit and appointment is not None:  # "When is the blood draw?" names the visit, whatever else the words
            # resemble; a general question asked with it ("When's she allowed behind the wheel? And when's the staple thing?")
            # gets the bank's answer too
            banked = bank_answer(req.patient_text, plan, context=state.last_agent_text)
            return _say_once(appointment, banked[1] if banked else None)
        answer = medicine_answer(req.patient_text, plan, req.findings, last_drug, fine_to_take=False) or appointment
        if answer is None:
            answer = checklist_answer(req.patient_text, plan)
        banked = bank_answer(req.patient_text, plan, context=state.last_agent_text)
        if banked:
            state.notes.append(f"answered from the answer bank ({banked[0]})")
            if answer is None and _about_plan_drugs(banked[0]):  # "What's the little one that dissolves on her tongue
                # for?": the bank tells how such a tablet is taken, the plan what it is for; both are said
                answer = medicine_answer(req.patient_text, plan, req.findings, last_drug, any_question=True)
        if answer or banked:  # the plan's fact, and what the bank adds to it ("2 liter fluid limit" - "soup counts too";
            # "the apixaban, twice daily" - "for a cut, press firmly until it stops")
            return " ".join(a for a in (answer, banked[1] if banked else None) if a)
        return medicine_answer(req.patient_text, plan, req.findings, last_drug, any_question=True)

    def _last_appointment(self, req: DraftRequest) -> Appointment | None:
        """The plan appointment the assistant described last in this call, for 'and what time was that?'."""
        for u in reversed(req.state.transcript):
            if u["speaker"] != "agent":
                continue
            for a in req.plan.appointments:
                if format_when(a.when) in u["text"]:
                    return a
        return None

    def _acknowledge_answer(self, req: DraftRequest) -> str:
        """A short word for an answer to the check-in that raised nothing ("same as all week", "never missed one")."""
        text = req.patient_text.lower()
        if STEADY.search(text) and not NOT_WELL.search(text):
            options = ["Good, that's nice and steady.", "That's steady, good to hear."]
        elif WELL.search(text) and not NOT_WELL.search(text):
            options = ["Good, thank you.", "That's good to hear, thank you."]
        else:
            options = ["Thank you.", "Thanks for letting me know.", "Okay, thank you."]
        return _variant(req.state, req.plan, "heard", options)

    def _acknowledge(self, req: DraftRequest) -> str:
        """A feeling heard: in its own words when it is named, or in general ones."""
        return self._named_feeling(req) or _variant(req.state, req.plan, "feel", [
            "I'm sorry you're feeling that way. Thank you for telling me.", "That sounds hard. I'm glad you told me."])

    def _named_feeling(self, req: DraftRequest) -> str | None:
        """A named feeling (lonely, worried, exhausted, frustrated, ...) heard, or None."""
        text = req.patient_text.lower()
        if BEREAVED.search(text) and not re.search(r"lonely|alone|on my own|by myself|nobody", text):
            options = [f"{_LOSS[0]} Thank you for telling me.", f"{_LOSS[1]} I'm glad you told me."]
        elif re.search(r"lonely|alone|on my own|by myself|miss (him|her|them)|died|passed|widow|nobody", text):
            options = ["I'm sorry, that sounds really lonely. Thank you for telling me.",
                       "That sounds hard, being on your own so much. I'm glad you told me."]
        elif re.search(GUILT, text):
            options = ["Please don't be hard on yourself: a change like that is easy to put down to something else, and you've "
                       "done the right thing telling us now."]
        elif re.search(r"scared|frighten|afraid|terrified|worried|anxious|nervous|panic|fear|oh my (god|goodness|gosh|word)", text):
            options = ["That sounds frightening, and it's understandable to feel worried.",
                       "I understand that's worrying. You did the right thing telling me."]
        elif re.search(r"nuisance|bother|burden|waste of your time", text):
            options = ["You're not a bother at all. This call is for you."]
        elif EXHAUSTED.search(text):
            options = ["That sounds exhausting, and it's a lot to carry. Thank you for telling me.",
                       "That sounds really tiring. I'm glad you told me."]
        elif re.search(r"fed up|frustrat|annoy|sick of|tired of|irritat|cross|angry|mad", text):
            options = ["I understand, that sounds frustrating. I'll keep this as short as I can."]
        else:
            return None
        return _variant(req.state, req.plan, "feel", options)

    def _repeat_pending(self, req: DraftRequest) -> tuple[str, list[str]]:
        question, addressed, _ = self._next_step(req, repeat=True)
        return question, addressed

    # ------------------------------------------------------------------ checklist walk
    def _steps(self, plan: CarePlan) -> list[tuple[str, str]]:
        """(step id, kind) in order: the plan's checklist, then home readings with a target not yet on it."""
        steps = [(f"item:{i.id}", "item") for i in plan.checklist]
        listed = " ".join(i.text.lower() for i in plan.checklist)
        for analyte in HOME_ANALYTES:
            word = said_as(analyte)
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
                addressed.append(pending)
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

    def _safety_point(self, req: DraftRequest) -> str:
        """The one thing to keep from the call: what was escalated, or when to call."""
        top = req.state.highest_escalation
        if top == "emergency":
            return "Please make sure 911 has been called."
        if top == "urgent":
            return "Remember, a nurse will call you today, and if things get worse, call 911."
        sign = warning_sign(req.plan) if req.state.identity_verified else None  # the plan's conditions stay private until then
        passed = "I'll pass what you told me to your care team." if top == "routine" else ""
        if sign is not None:
            return f"{passed} {sign.line}".strip()
        return passed or "If anything changes or worries you, call your care team."

    def _short_close(self, req: DraftRequest, parts: list[str]) -> Draft:
        """The caller wants to go: a short close that keeps the safety point; the call ends when they say goodbye."""
        req.state.phase = "closing"
        req.state.pending = "anything_else"
        close = f"Of course, I'll let you go. {self._safety_point(req)} Take care, {req.plan.patient.call_name}."
        return Draft(" ".join([*parts, close]).strip(), [], "short_close", self.name)

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


def _probe(req: DraftRequest) -> DraftRequest:
    """The request on its own copy of the state, to ask what a reply would be without proposing anything."""
    return replace(req, state=copy.deepcopy(req.state))


def _about_plan_drugs(entry_ids: str) -> bool:
    """Some entry of a bank answer ("a+b") is about particular drugs (``plan_drugs``), so it answers for a plan medicine."""
    ids = set(entry_ids.split("+"))
    return any(e.plan_drugs for e in load_bank() if e.id in ids)


def _levels_so_far(req: DraftRequest) -> set[str]:
    """The escalation levels this call has raised, this turn's included."""
    return {req.escalation, *(e.level for e in req.state.escalations)}


def _plan_instead(plan: CarePlan, drug: str) -> str:
    """The plan's own pain reliever, said when an anti-inflammatory is held off ("I'd hold off on naproxen ... Your care
    plan has acetaminophen for pain"), with a leading space; or ""."""
    if "nsaid" not in drug_classes(drug):
        return ""
    for med in plan.medications:
        if "non_opioid_analgesic" in drug_classes(med.name) and "nsaid" not in drug_classes(med.name) and order_text(med):
            return f" For pain, your care plan has {med.name}: {order_text(med)}."
    return ""


def _hold_off_in_crisis(findings: Sequence[Finding]) -> str | None:
    """A medicine the plan rules out, asked about in a crisis: why it is ruled out, without naming a drug (safe messaging
    says no drug, dose or amount while the caller may be at risk)."""
    ruled_out = [f for f in findings if f.kind in {"contraindicated", "interaction", "dose_exceeds_max"}]
    if not ruled_out:
        return None
    f = ruled_out[0]
    if f.kind == "dose_exceeds_max":
        return "Please don't take any more of that medicine for now: that's more than the safe daily limit."
    if f.kind == "interaction":
        return "Please hold off on that one: it can interact with your other medicines."
    if (f.ruled_out_by or "").lower().endswith("allergy"):
        return "Please don't take that one: your care plan lists an allergy that may apply to it."
    return "Please hold off on that one: it may not be safe with a condition on your care plan."


def _ruled_out_by(f: Finding) -> str:
    """Why a contraindicated drug is ruled out, in the plan's words: "your care plan lists a penicillin allergy", "it may
    not be safe with the peptic ulcer disease on your care plan" (a parenthesised detail of the condition left out)."""
    what = re.sub(r"\s*\([^)]*\)", "", f.ruled_out_by or "").strip()
    if not what:
        return "it may not be safe for you"  # ruled out by something the plan does not name as such (age over 65)
    spoken = " ".join(w if sum(c.isupper() for c in w) > 1 else w.lower() for w in what.split())  # "NSAIDs", "COPD" kept
    if spoken.endswith(" allergy"):
        return f"your care plan lists {'an' if spoken[0] in 'aeiou' else 'a'} {spoken}"
    return f"it may not be safe with the {spoken} on your care plan"


def _cap(text: str | None) -> str:
    return (text or "")[:1].upper() + (text or "")[1:]
