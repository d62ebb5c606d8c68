"""Questions the care plan answers, in the caller's words: what a plan medicine is for, how and when it is
taken, whether a plan medicine is fine to take, and appointments by kind, clinician or day.

Every answer is the plan's own text (purpose, the order as written, the prescriber's daily limit, the
appointment's date, time, clinician and purpose), so the gate can check it against the plan like any draft.
A question about a medicine the plan does not list, or one a finding rules out, is not answered here: the
findings' reviewed wording handles it. Dose changes are never answered here either (the caller's
question is read for them first, :mod:`constellation.primary.requests`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from careplans import CarePlan
from careplans.model import Appointment, Medication
from specialists.findings import Finding

PURPOSE = re.compile(r"\bwhat(?:'?s| is| are| does| do)\b[^.?!]*\bfor\b|\bwhy (?:he|she|i|we|they) (?:take|takes|taking|is on|are on|on)\b|\bwhy (?:am|do|is|does|are) (?:i|he|she|we|they|you)\b[^.?!]*"
                     r"\b(?:take|taking|on|need)\b|\bwhat (?:does|do) (?:it|that|they|this|the \w+(?: \w+)?) do\b|"
                     r"\bwhat(?:'?s| is) (?:it|that|this) (?:one )?for\b|\b(?:is|isn'?t) (?:it|that|the \w+(?: \w+)?) for (?:my|his|her|the)\b|"
                     r"\bthe (?:thing|one|pill|medicine|tablet|shot|spray) for\b|\bis (?:that|it|this) (?:a|an|the|my|his|her) "
                     r"(?!(?:morning|night|evening|bedtime|daytime|once|twice|daily|weekly|sunday|monday|first|last|other)\b)[\w -]{0,30}"
                     r"(?:pill|medicine|tablet|one|thing|drug)\b|\bwhat (?:it'?s|that'?s|they'?re) (?:actually |really )?for\b",
                     re.IGNORECASE)
HOW_TAKEN = re.compile(r"\b(?:when|what time|how often|how many times|how much|which day|what day)\b[^.?!]*\b(?:take|taking|have|use|"
                       r"give|due|supposed)\b|\bmorning or (?:night|evening|bedtime)\b|\b(?:night|evening) or morning\b|"
                       r"\bwith (?:my |his |her |the )?(?:food|meals?|breakfast|supper|dinner)\b[^.?!]*\?|\bwith (?:or without )?food\b|"
                       r"\bmorning and (?:night|evening)\b|\b(?:morning|night|evening|bedtime|daytime)(?: one| pill| dose)?\W+or\W+(?:the |at )?"
                       r"(?:morning|night|evening|bedtime|daytime)\b|\bjust (?:the )?once\b|\bonce or twice\b|\bhow (?:long|much longer)\b[^.?!]*\b(?:take|taking|keep|on|doing|"
                       r"need|have to)\b|\bhow many more (?:days|weeks|doses)\b|\b(?:is|was) (?:that|it) (?:on )?(?:a )?(?:mon|tues|wednes|thurs|fri|"
                       r"satur|sun)day\b|\b(?:sunday|monday|tuesday|wednesday|thursday|friday|saturday) or (?:sunday|monday|tuesday|wednesday|"
                       r"thursday|friday|saturday)\b|\b(?:empty stomach|before (?:breakfast|food|meals?|"
                       r"coffee|eating)|after (?:food|meals?|eating))\b[^.?!]*\?|\bhow (?:do|should|does|am) (?:i|he|she|we) "
                       r"(?:supposed to )?(?:take|use|give|do)\b|\b(?:is|was) it (?:the )?(?:morning|night|evening|once|twice)\b|"
                       # "When do I finish those things again?": the course's end is the plan's order
                       r"\bwhen (?:do|does|will|am|is|should) (?:i|he|she|we) (?:finish|stop|come off|end|be done)\b",
                       re.IGNORECASE)
FINE_TO_TAKE = re.compile(r"\b(?:do|should) (?:i|we) (?:use|give) (?:it|the|her|him)\b|"
                          r"\b(?:can|could|may|should|is it (?:ok|okay|alright|all right|fine|safe) (?:for|to|if)) ?(?:i|he|she|we|mum|"
                          r"mom|dad|him|her)? ?(?:take|have|use|give|keep taking)\b|\bis (?:it|that|this) (?:ok|okay|alright|all right|"
                          r"fine|safe)\b|\b(?:ok|okay|alright|fine|safe) (?:to take|together|with)\b|\ballowed (?:to (?:take|have)|another|more|one)\b|"
                          r"\b(?:alright|all right|ok|okay|fine) with (?:it|that|them)\b", re.IGNORECASE)
# Words of when and how a dose is taken: a question with them is answered by the plan's order.
TIMING = re.compile(r"\b(?:morning|mornings|night|nights|evening|bedtime|noon|lunch|lunchtime|breakfast|supper|dinner|meals?|food|"
                    r"empty stomach|before|after|once|twice|daily|weekly|sunday|monday|tuesday|wednesday|thursday|friday|"
                    r"saturday|which day|what day|what time|when)\b", re.IGNORECASE)
QUESTION = re.compile(r"\?|^\s*(?:so |and |but |now |okay,? |oh,? )?(?:what|when|where|why|how|can|could|should|is|are|do|does|will|"
                      r"would|which)\b|\b(?:remind|tell|show|teach) (?:me|us) (?:again )?(?:how|what|when|where|which|why|if|whether)\b|"
                      r"\b(?:explain|walk me through)\b", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(?:it|that|that one|this one|them|those)\b", re.IGNORECASE)

# "the heart doctor", "the heart one", "his kidney appointment": a specialty said with a word for the visit
_VISIT = r"(?:clinic|doctor|specialist|one|appointment|visit|check(?:-?up)?|people)\b"
# Words a caller uses for a kind of appointment, and the words of a plan appointment each kind matches.
APPOINTMENT_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "blood": (r"blood (?:test|draw|work|check)|bloods|labs?\b|finger[- ]?(?:prick|stick|poke)|inr|draw", ("lab", "blood", "inr", "draw",
                                                                                                        "anticoag")),
    "staples": (r"staples?|stitches|sutures?|wound check|incision check", ("staple", "suture", "wound", "incision")),
    "therapy": (r"therapy|therapist|\bpt\b|physio|rehab|exercises? class", ("therap", "rehab", "physio")),
    "heart": (rf"heart {_VISIT}|cardio\w*|cardiac", ("cardio", "heart")),
    "kidney": (rf"kidney {_VISIT}|nephro\w*|dialysis|vascular|fistula", ("kidney", "nephro", "vascular", "access",
                                                                                            "dialysis")),
    "surgeon": (r"surgeon|surgery (?:clinic|check)|post[- ]?op|orthop\w*|bone doctor", ("surg", "orthop", "post-op", "postop")),
    "lungs": (rf"lung {_VISIT}|pulmon\w*|breathing (?:clinic|test)", ("pulmon", "lung", "breath", "rehab")),
    "eyes": (rf"eye (?:exam|{_VISIT})|ophthalm\w*|optom\w*", ("eye", "ophthalm", "retin")),
    "diabetes": (rf"diabetes (?:educator|{_VISIT})|endo\w*|sugar (?:doctor|clinic)", ("diabet", "endocrin")),
    "class": (r"class|course|carb[- ]?counting|diabetes education|educator", ("class", "educat", "course")),
    "follow-up": (r"follow[- ]?up|check[- ]?up|see (?:the |my |his |her )?doctor|doctor'?s appointment|visit", ("follow", "visit", "review",
                                                                                                                 "check")),
}
# ("when's the staples out?" asks the time; "when she's all done with the oxy" does not)
APPOINTMENT_TALK = re.compile(r"\bappointments?\b|\bwhen(?:'s| is| was| are| do| does| did| will| should| can| would)\b|\bwhen\s*\?|"
                              # "remind me when that is?"
                              r"\bwhen (?:that|it|this|they|those)(?:'s| is| was| are| were)\b|"
                              # a "when" that opens its clause ("And the staples, when they take out?"), not "like when I'm low"
                              r"(?:^|[,;:]\s*|\b(?:and|so|but|oh|okay|ok|now|then|also)\s+)when\b[^.!,]*\?|"
                              r"\b(?:what time|what day|which day|where)\b|\bnext week\b|"
                              # a day named ahead, not one past ("she hasn't gone since Monday")
                              r"(?<!since )(?<!last )\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.IGNORECASE)


def _lower_first(text: str) -> str:
    """'Blood pressure' -> 'blood pressure', but 'INR check' stays 'INR check'."""
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _day(a: Appointment) -> dt.date:
    return a.when.date() if isinstance(a.when, dt.datetime) else a.when


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
        text += f", for your {_lower_first(a.purpose)}"
    return text


def next_appointment(plan: CarePlan, today: dt.date) -> Appointment | None:
    upcoming = [a for a in plan.appointments if _day(a) >= today and a.status not in {"cancelled", "noshow"}]
    return min(upcoming, key=lambda a: (_day(a), str(a.when))) if upcoming else None


def _appointment_text(a: Appointment) -> str:
    return " ".join(filter(None, (a.purpose, a.with_whom, a.location))).lower()


def _named_clinician(text: str, plan: CarePlan) -> bool:
    return bool(_by_name(text, plan))


def _by_name(text: str, plan: CarePlan) -> list[Appointment]:
    booked = [a for a in plan.appointments if a.status not in {"cancelled", "noshow"}]
    lowered = text.lower()
    return [a for a in booked if a.with_whom and any(len(w) > 3 and re.search(rf"\b{re.escape(w.lower())}\b", lowered)
                                                     for w in re.findall(r"[A-Za-z'-]+", a.with_whom)
                                                     if w.lower() not in _PLACE_WORDS)]


_PLACE_WORDS = frozenset({"clinic", "center", "centre", "medical", "health", "hospital", "physical", "therapy", "heart", "institute",
                          "primary", "care", "laboratory", "lab", "north", "south", "east", "west", "side", "rehab", "pulmonary"})


def matching_appointments(text: str, plan: CarePlan) -> list[Appointment]:
    """Plan appointments the caller's words point at: a clinician's surname, or a kind of visit."""
    booked = [a for a in plan.appointments if a.status not in {"cancelled", "noshow"}]
    lowered = text.lower()
    by_name = _by_name(text, plan)
    if by_name:
        return by_name
    for pattern, plan_words in APPOINTMENT_KINDS.values():
        if re.search(rf"\b(?:{pattern})", lowered):
            hits = [a for a in booked if any(w in _appointment_text(a) for w in plan_words)]
            if hits:
                return hits
    return _by_specialty(lowered, booked) or _by_purpose_word(lowered, booked)


# Words that name no particular visit ("the medication doctor": "medication" names it, "doctor" does not)
_GENERIC_VISIT_WORDS = frozenset("""appointment appointments doctor doctors visit visits clinic session sessions follow check
checkup today tomorrow morning afternoon evening again remind there where which about""".split())


def _by_purpose_word(lowered: str, booked: Sequence[Appointment]) -> list[Appointment]:
    """A visit named by a word of its purpose that no other visit has ("the medication doctor" for a "Psychiatry medication
    visit"), said of a visit ("When should I take my medication?" asks no visit), or nothing."""
    if not re.search(r"\b(?:doctor|visit|appointment|clinic|session|class|check-?up|specialist|nurse)\b", lowered):
        return []
    said = {w[:6] for w in re.findall(r"[a-z]{5,}", lowered) if w not in _GENERIC_VISIT_WORDS}
    hits = [a for a in booked if said & {w[:6] for w in re.findall(r"[a-z]{5,}", (a.purpose or "").lower())
                                         if w not in _GENERIC_VISIT_WORDS}]
    return hits if len(hits) == 1 else []


def _by_specialty(lowered: str, booked: Sequence[Appointment]) -> list[Appointment]:
    """A visit named by its specialty in the caller's form of the word ("the psychiatrist" for a psychiatry visit, "the
    rheumatologist" for rheumatology): a specialty word's first six letters begin a word of the visit's purpose."""
    said = {w[:6] for w in re.findall(r"[a-z]{4,}(?:ists?|ology|iatry|icians?)\b", lowered)}
    hits = []
    for a in booked:
        purpose = {w[:6] for w in re.findall(r"[a-z]{6,}", (a.purpose or "").lower())}
        if said & purpose:
            hits.append(a)
    return hits


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _on_weekday(text: str, plan: CarePlan, today: dt.date) -> list[Appointment]:
    """'What's the Monday thing?': the booked appointment on the next such weekday (within a week)."""
    named = [i for i, d in enumerate(_WEEKDAYS) if re.search(rf"\b{d}\b", text, re.IGNORECASE)]
    return [a for a in plan.appointments if a.status not in {"cancelled", "noshow"} and 0 <= (_day(a) - today).days <= 7
            and _day(a).weekday() in named]


def appointment_answer(text: str, plan: CarePlan, today: dt.date, last_described: Appointment | None = None) -> str | None:
    """The plan's appointment the caller asks about, past or upcoming, or None when the turn does not ask."""
    if not QUESTION.search(text):
        return None
    # ("is that on Monday?" asks the day; "is that good?" asks about a value)
    if not APPOINTMENT_TALK.search(text) and not re.search(r"\b(?:miss(?:ed)?|before or after|(?:is|was) (?:that|it) (?:on|at|in|the|next|this|still|"
                                                          r"before|after)|what(?:'s| is) (?:that|it) for|(?:is|was) (?:that|it) (?:at )?(?:\d|one|two|three|four|five|six|seven|"
                                                          r"eight|nine|ten|eleven|twelve|noon)\b(?![^.?!]*\b(?:pills?|tablets?|mg|units?|puffs?)\b))\b",
                                                          text, re.IGNORECASE) and not _named_clinician(text, plan) and not (
            # a short question that names a visit and nothing else: "And the class about counting the carbs?"
            re.search(r"\?\s*$", text) and len(text.split()) <= 12 and matching_appointments(text, plan)):
        return None
    groups = _visits_asked(text, plan)
    if len(groups) >= 2:  # "When's my appointment with Dr. Navarro? And the carb-counting class thing?": both answered
        said = [_upcoming_or_last(g, today) for g in groups[:2]]
        return f"That's on {describe_appointment(said[0])}. And the other one is on {describe_appointment(said[1])}."
    hits = matching_appointments(text, plan) or _on_weekday(text, plan, today)
    if not hits:
        if re.search(r"\bappointments?\b|\bsee (?:the|my) doctor\b|\bnext (?:visit|check)\b", text, re.IGNORECASE):
            appt = next_appointment(plan, today)
            if appt is None:
                return "I don't see an upcoming appointment in your care plan. I'll ask your care team to reach out about it."
            return f"Your next appointment is on {describe_appointment(appt)}."
        # ("when is it?" asks the time; "like when I'm at sixty-five" does not)
        if last_described is not None and re.search(r"\b(?:what time|when(?:'s| is| was| are| do| does| did| will| should| can)|what day|"
                                                     r"where)\b|\bwhen\s*\?|\b(?:is|was) (?:that|it) (?:at )?(?:\d|one|two|three|four|five|"
                                                     r"six|seven|eight|nine|ten|eleven|twelve|noon)\b", text, re.IGNORECASE):
            hits = [last_described]
        else:
            return None
    appt = _upcoming_or_last(hits, today)
    if _day(appt) >= today:
        where = f" The address I have is {appt.location}." if appt.location and re.search(r"\bwhere\b", text, re.I) else ""
        return f"That's on {describe_appointment(appt)}.{where}"
    return f"The one I have was on {describe_appointment(appt)}, so that has already passed. I'll let your care team know you asked."


# Where one visit asked about ends and another begins: a sentence, or "and (then) the ..."
_NEXT_VISIT = re.compile(r"(?<=[.?!])\s+|,?\s+\b(?:and then|then|and also|and|also)\s+(?=(?:the|his|her|my|when|what)\b)", re.IGNORECASE)


def _visits_asked(text: str, plan: CarePlan) -> list[list[Appointment]]:
    """Distinct visits the turn names, one group per part of it that names one ("the blood draw is Wednesday, right? Then
    the heart doctor on Friday?"), in the order said."""
    groups: list[list[Appointment]] = []
    for part in _NEXT_VISIT.split(text):
        found = matching_appointments(part, plan) if part and part.strip() else []
        if found and not any(set(map(id, found)) & set(map(id, g)) for g in groups):
            groups.append(found)
    return groups


def _upcoming_or_last(appointments: Sequence[Appointment], today: dt.date) -> Appointment:
    upcoming = sorted((a for a in appointments if _day(a) >= today), key=lambda a: (_day(a), str(a.when)))
    return upcoming[0] if upcoming else sorted(appointments, key=lambda a: (_day(a), str(a.when)))[-1]


def plan_medicines_named(plan: CarePlan, findings: Sequence[Finding]) -> list[Medication]:
    names = [f.drug for f in findings if f.kind == "medication_mentioned" and f.drug]
    return [m for n in dict.fromkeys(names) if (m := plan.medication(n)) is not None]


def order_text(med: Medication) -> str:
    """The order as written, spoken: 'Take 1 tablet (5 mg) by mouth once daily in the evening'."""
    text = (med.dose_text or med.frequency or "").strip().rstrip(".")
    if not text:
        return ""
    text = re.sub(r"\bby mouth\b ?", "", text).replace("  ", " ")
    return text[:1].lower() + text[1:]


def daily_limit(med: Medication) -> str:
    """The prescriber's daily limit as a sentence (with a leading space), or "" when the order gives none."""
    return f" The most in a day is {med.max_daily.value:g} {med.max_daily.unit}." if med.max_daily else ""


def medicine_answer(text: str, plan: CarePlan, findings: Sequence[Finding], last_discussed: str | None = None,
                    *, any_question: bool = False, fine_to_take: bool = True) -> str | None:
    """Purpose, timing or 'is it fine to take' for a plan medicine the caller names (or 'it', just discussed).
    ``any_question``: also answer any other question about it with what the plan says of it (asked last, after the
    answer bank has had its turn). ``fine_to_take=False``: purpose and timing only (asked before the answer bank, whose
    entries answer a narrower question about a plan medicine: "can he give the insulin in his thigh?")."""
    if not QUESTION.search(text) and not PURPOSE.search(text):
        return None
    meds = plan_medicines_named(plan, findings)
    named_here = bool(meds)
    # "it" is the medicine just discussed unless the question names what it is ("how much salt is he to keep it under?")
    if not meds and last_discussed and _PRONOUN.search(text) and not any(
            re.search(pattern, text, re.IGNORECASE) for pattern, _ in CHECKLIST_TOPICS.values()):
        med = plan.medication(last_discussed)
        meds = [med] if med is not None else []
    if not meds:
        return None
    ruled_out = {f.drug for f in findings if f.kind in {"contraindicated", "interaction", "dose_exceeds_max"}}
    meds = [m for m in meds if m.name not in ruled_out]
    if not meds:
        return None
    med = meds[0]
    said_brand = bool(med.brand) and re.search(rf"\b{re.escape(med.brand or '')}\b", text, re.IGNORECASE) is not None
    name = f"{med.brand} ({med.name})" if said_brand else med.name
    order = order_text(med)
    limit = daily_limit(med)
    extra = f" {med.instructions.rstrip('.')}." if med.instructions else ""
    said: list[str] = []
    if PURPOSE.search(text) and med.purpose:
        said.append(f"Your care plan gives the purpose of the {name} as: {_lower_first(med.purpose.rstrip('.'))}.")
    if HOW_TAKEN.search(text) and order:
        said.append(f"For the {name}, your care plan says to {order}.{extra}{limit}")
    elif fine_to_take and FINE_TO_TAKE.search(text) and order and not said:
        said.append(f"Yes, the {name} is on your care plan: {order}.{extra}{limit}")
    elif any_question and named_here and order and not said and QUESTION.search(text):
        # Any other question about a plan medicine ("the Cardizem, that's the morning one?", "before or after breakfast?",
        # "is that Sunday or Monday?"): what the plan says of it, and the question noted when timing is not what was asked.
        noted = "" if TIMING.search(text) else " If that doesn't answer it, I've noted your question for your care team."
        said.append(f"For the {name}, your care plan says to {order}.{extra}{limit}{noted}")
    return " ".join(said) or None


# What the caller asks about and the words of the plan's checklist that answer it ("should I drink eight glasses?" ->
# "2 liter fluid limit"; "is a bit of salt okay?" -> "2 gram salt limit").
CHECKLIST_TOPICS: dict[str, tuple[str, tuple[str, ...]]] = {
    "fluids": (r"\b(?:water|fluids?|drink(?:ing)?|glasses|liquids?|litres?|liters?)\b", ("fluid",)),
    "salt": (r"\b(?:salt|salty|sodium)\b", ("salt", "sodium")),
    "alcohol": (r"\b(?:alcohol|beer|wine|drink(?:s|ing)? (?:of|a)|whisk(?:e)?y)\b", ("alcohol",)),
    "diet": (r"\b(?:diet|eat|eating|food|foods|bananas?|potato(?:es)?|cheese|dairy|vitamin k|greens?)\b", ("diet", "vitamin k",
                                                                                                        "potassium", "phosphate")),
    "pain relievers": (r"\b(?:pain ?killers?|pain relievers?|advil|motrin|ibuprofen|aleve|naproxen|aspirin)\b", ("ibuprofen", "naproxen",
                                                                                                                   "nsaid")),
    "smoking": (r"\b(?:smok\w*|cigarettes?|vap\w*)\b", ("smok",)),
}


def checklist_answer(text: str, plan: CarePlan) -> str | None:
    """A question about a topic the plan's checklist rules on (fluids, salt, diet ...), answered with that rule."""
    if not QUESTION.search(text):
        return None
    for pattern, plan_words in CHECKLIST_TOPICS.values():
        if not re.search(pattern, text, re.IGNORECASE):
            continue
        for item in plan.checklist:
            low = item.text.lower()
            if any(w in low for w in plan_words) and re.match(r"(?i)(?:remind|review|educate|teach|reinforce)\b", item.text):
                rule = re.sub(r"(?i)^(?:remind|review|educate|teach|reinforce)\b:?\s*(?:the patient\s+)?(?:about\s+|on\s+)?", "", item.text)
                rule = re.sub(r"\s*\([^)]*\)", "", rule).strip().rstrip(".")
                rule = re.sub(r"\s*;\s*", ", and ", rule)
                return f"Your care plan says: {rule}."
    return None
