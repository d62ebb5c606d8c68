"""What the patient is doing in a turn, as far as the scripted primary needs to know (regular expressions)."""

from __future__ import annotations

import re
from dataclasses import dataclass


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


GOODBYE = _rx(r"\b(bye|goodbye|good-bye|talk to you later|have a good (day|one|night)|that'?s all|that is all)\b",
              r"^\s*(no|nope|nothing( else)?|no,? (that'?s it|thanks?|thank you|i'?m good|i'?m fine))\W*$",
              r"\bnothing else\b", r"\bi have to go\b", r"\bgotta go\b")
YES = _rx(r"^\s*(yes|yeah|yep|yup|sure|ok(ay)?|correct|right|that'?s right|uh[- ]huh|i do|i am|i have|absolutely|of course|mm[- ]hmm)\b")
NO = _rx(r"^\s*(no|nope|nah|not really|i don'?t|i haven'?t|not that i know|none)\b")
INJECTION = _rx(r"\bignore (all |your |the |any )?(previous |prior |above )?(instructions|rules|prompt|guidelines)",
                r"\b(system prompt|developer mode|jailbreak|pretend (you are|to be)|act as (a|an|my) (doctor|pharmacist))\b",
                r"\byou are now\b", r"\bdisregard (your|all|the) (rules|instructions)\b", r"\bforget (your|all|the) (rules|instructions)\b")
DOSING_QUESTION = _rx(r"\b(how (much|many)|what dose|can i (take|have) (more|another|extra|double|two|2|an extra))\b",
                      r"\b(should|can|could) i (increase|decrease|double|up|raise|lower|change|stop|skip|cut)\b",
                      r"\b(increase|double|raise|lower|change) (my|the) (dose|insulin|pill|medicine|medication)\b",
                      r"\bmaximum dose\b", r"\bopioid dose|dose of (oxy|morphine|fentanyl|hydrocodone)")
APPOINTMENT_QUESTION = _rx(r"\b(when|what time|what day|where) (is|'s|are) (my|the) (next )?(appointment|visit|follow[- ]?up|check[- ]?up|lab|blood (work|draw|test)|inr check)",
                           r"\bnext appointment\b", r"\bwhen do i (see|go|have)\b", r"\bappointment\b.*\?")
PURPOSE_QUESTION = _rx(r"\bwhat('?s| is| are| does)\b.*\b(for|do)\b\s*\??\s*$", r"\bwhy (am i|do i) (taking|take|on)\b",
                       r"\bwhat('?s| is) (the|my|that) .*(pill|medicine|medication|tablet|shot|injection|inhaler) for\b")
CONFUSED = _rx(r"^\s*(what|huh|sorry|pardon|come again|say (that )?again|i don'?t understand|i'?m confused|what do you mean)\W*$",
               r"\bi don'?t understand\b", r"\bcan you repeat\b", r"\bsay that again\b", r"\bwhat do you mean\b")
WHO_ARE_YOU = _rx(r"\bwho (is this|are you|is calling)\b", r"\bare you (a|an) (robot|computer|ai|real person|human)\b",
                  r"\bis this (a|an) (robot|computer|machine|ai)\b")
SMALL_TALK = _rx(r"\bhow are you\b", r"\bhow'?s it going\b", r"\b(nice|lovely|terrible|awful|beautiful) (weather|day)\b",
                 r"\bthank(s| you)\b", r"\bhappy (holidays|thanksgiving|birthday)\b")
OTHER_PERSON = _rx(r"\b(my|his|her) (husband|wife|mother|mom|father|dad|son|daughter|neighbou?r|friend|brother|sister|partner)'?s? (results|records|labs?|medicines?|medications?|chart|appointment|test)",
                   r"\b(calling|asking) (about|for|on behalf of) (my|his|her) (husband|wife|mother|mom|father|dad|son|daughter|neighbou?r|friend|brother|sister|partner)\b",
                   r"\b(results|records|labs?|chart) (for|of) (my|his|her) (husband|wife|mother|mom|father|dad|son|daughter|friend|neighbou?r)\b")
QUESTION = re.compile(r"\?\s*$|^\s*(what|when|where|why|how|can|could|should|is|are|do|does|will|would)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Intents:
    goodbye: bool
    yes: bool
    no: bool
    injection: bool
    dosing_question: bool
    appointment_question: bool
    purpose_question: bool
    confused: bool
    who_are_you: bool
    small_talk: bool
    other_person: bool
    question: bool


def read_intents(text: str) -> Intents:
    t = text.strip()
    return Intents(
        goodbye=bool(GOODBYE.search(t)), yes=bool(YES.search(t)), no=bool(NO.search(t)),
        injection=bool(INJECTION.search(t)), dosing_question=bool(DOSING_QUESTION.search(t)),
        appointment_question=bool(APPOINTMENT_QUESTION.search(t)), purpose_question=bool(PURPOSE_QUESTION.search(t)),
        confused=bool(CONFUSED.search(t)), who_are_you=bool(WHO_ARE_YOU.search(t)),
        small_talk=bool(SMALL_TALK.search(t)), other_person=bool(OTHER_PERSON.search(t)),
        question=bool(QUESTION.search(t)),
    )
