"""Crisis mode: what the assistant says once a caller has disclosed suicidal, self-harm or overdose language.

Reviewed wording, no model: from the first disclosure to the end of the call every reply is supportive,
gives the 988 Suicide & Crisis Lifeline (and 911 for an emergency), stays with the caller, never says a
number, drug, amount or combination, never returns to the checklist and never says goodbye.

Sources for the wording:
- 988 Suicide & Crisis Lifeline (SAMHSA): call or text 988, free and confidential, any time.
- Columbia-Suicide Severity Rating Scale screener and NIMH ASQ: ask directly ("are you having thoughts of
  killing yourself?"); asking does not increase risk.
- National Action Alliance for Suicide Prevention / AFSP safe-messaging recommendations: no method or
  amount; say help is available.
- Stanley-Brown Safety Planning Intervention: make the environment safe (keep away from means), stay
  with someone.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Sequence
from typing import Any

from constellation.primary.base import Draft, DraftRequest

_NEVER_MIND = re.compile(r"\b(?:never ?mind|forget (?:i said|it|that|about it|what i said)|(?:just )?(?:kidding|joking)|"
                         r"i'?m (?:fine|okay|ok|good|alright|all right)(?: now| really)?|i didn'?t mean (?:it|that)|drop it|"
                         r"it'?s nothing|don'?t worry(?: about it| about me)?|i was being dramatic|not serious)\b", re.I)
_WITH_SOMEONE = re.compile(r"\b(?:is|are|'s|'re) (?:here|with me|home|coming|on (?:his|her|their|the) way|sitting with)\b|"
                           r"\bnot alone\b|\b(?:called|calling|dialed|dialing|texted|texting) (?:911|988|the ambulance|an ambulance)\b|"
                           r"\b(?:ambulance|paramedics|police) (?:is|are|'s) (?:here|coming|on the way)\b|\bjust (?:got|came) (?:home|in)\b", re.I)
_REFUSES = re.compile(r"\b(?:not|won'?t|don'?t want to|i'?m not|no way i'?m|refuse to) (?:call(?:ing)?|go(?:ing)?|text(?:ing)?) "
                      r"(?:911|988|anyone|anybody|the hospital|to the hospital|an ambulance|the police)\b|\bdon'?t call "
                      r"(?:anyone|anybody|911|the police|an ambulance)\b|\bno (?:ambulance|hospital|police)\b|\bi don'?t need (?:help|"
                      r"an ambulance)\b", re.I)
METHOD_QUESTION = re.compile(r"\b(?:how (?:many|much)|what (?:dose|amount)|which (?:ones?|pills?|combination)|lethal|fatal|would it (?:kill|work)|"
                     r"would (?:that|those|they|it) do it|together|combine|mix)\b", re.I)
# A step toward safety the caller proposes (Stanley-Brown safety plan: people who can help, making the environment safe):
# "Maybe I could ask my sister to come over and take the can", "I'll give the pills to my son", "I could lock it up"
_SAFETY_STEP = re.compile(r"\b(?:ask|call|get|have|text|ring)\b[^.?!]{0,30}\b(?:sister|brother|son|daughter|friend|neighbou?r|wife|husband|"
                          r"partner|mom|mum|dad|mother|father|someone|somebody|her|him|them)\b[^.?!]{0,40}\b(?:come (?:over|round|around|by|here|get)|"
                          r"stay|sit with|take (?:it|them|the|those|my|all)|hold on to|keep (?:it|them))\b|"
                          r"\b(?:give|hand|take) (?:it|them|the \w+|those|my \w+) (?:to|over to) (?:my |a |the )?(?:sister|brother|son|"
                          r"daughter|friend|neighbou?r|wife|husband|partner|pharmacy|mom|mum|dad)\b|"
                          r"\b(?:lock (?:it|them|the \w+) (?:up|away)|get rid of (?:it|them|the \w+)|flush (?:it|them))\b", re.I)
_GOODBYE = re.compile(r"\b(?:bye|goodbye|good-bye|gotta go|got to go|have to go|need to go|hang(?:ing)? up|talk (?:to you )?later|"
                      r"i'?m going now|that'?s all)\b", re.I)
_QUESTION = re.compile(r"\?\s*$|^\s*(?:what|when|where|why|how|can|could|should|is|are|do|does|will|would)\b", re.I)
_NO = re.compile(r"^\W*(?:no|nope|nah|never|not really|not at all|i'?d never|absolutely not|of course not)\b", re.I)


def _pick(key: str, options: Sequence[str], avoid: str | None) -> str:
    """A reproducible choice (same call, same turn, same wording) that is not the line just said."""
    seed = hashlib.sha256(key.encode()).hexdigest()
    choices = [o for o in options if o != avoid] or list(options)
    return random.Random(seed).choice(choices)


def _pronouns(sex: str) -> dict[str, str]:
    if sex == "female":
        return {"obj": "her", "subj": "she", "subj_is": "she's"}
    if sex == "male":
        return {"obj": "him", "subj": "he", "subj_is": "he's"}
    return {"obj": "them", "subj": "they", "subj_is": "they're"}


RESOURCES_EMERGENCY = "Please call 911 now, or call or text 988, the Suicide and Crisis Lifeline."
STAY = "I'm alerting your care team right away, and I'm staying on the line with you."

FIRST: dict[str, str] = {
    "ingestion": ("Thank you for telling me. Please call 911 right now: what you took could be very dangerous, even if you "
                  "feel okay. If you can't call, ask someone near you to call. You can also call or text 988, the Suicide "
                  "and Crisis Lifeline. " + STAY),
    "self_injury": ("Thank you for telling me. If you're hurt or bleeding, or you might hurt yourself again, please call 911 "
                    "now. You can also call or text 988, the Suicide and Crisis Lifeline, to talk with someone right away. "
                    + STAY + " Is someone there with you?"),
    "method_seeking": ("I can't help with that, because I'm worried about your safety. Are you thinking about ending your "
                       "life? " + RESOURCES_EMERGENCY + " " + STAY),
    "intent": ("Thank you for telling me. I'm very concerned for your safety right now. " + RESOURCES_EMERGENCY + " If you "
               "can, move away from anything you could use to hurt yourself. " + STAY + " Is someone there with you?"),
    "plan": ("Thank you for telling me. I'm very concerned for your safety right now. " + RESOURCES_EMERGENCY + " If you "
             "can, put distance between you and anything you could use to hurt yourself. " + STAY
             + " Is someone there with you?"),
    "active_ideation": ("Thank you for telling me, and I'm glad you did. I'm concerned for your safety. "
                        + RESOURCES_EMERGENCY + " " + STAY + " Is someone there with you?"),
    "active_denied": ("Thank you for being so open with me; those thoughts sound really hard, and I'm glad you told me. A "
                      "nurse from your care team will call you today to talk more. If the thoughts get stronger or you feel "
                      "you might act on them, call or text 988, the Suicide and Crisis Lifeline, any time, or call 911."),
    "passive": ("I'm so sorry you're feeling this way, and I'm glad you told me. Can I ask you directly: are you having "
                "thoughts of killing yourself, or of ending your life? A nurse from your care team will call you today. "
                "If you ever feel unsafe, call or text 988, the Suicide and Crisis Lifeline, any time, or call 911."),
    "distress": ("That sounds really hard, and I'm glad you told me. Can I ask you directly: are you having thoughts of "
                 "killing yourself, or of ending your life? A nurse from your care team will call you today. If you ever "
                 "feel unsafe, call or text 988, the Suicide and Crisis Lifeline, any time, or call 911."),
    "warning_sign": ("Thank you for telling me; that sounds really hard. Can I ask you directly: are you having thoughts of "
                     "killing yourself, or of ending your life? A nurse from your care team will call you today. If you "
                     "ever feel unsafe, call or text 988, the Suicide and Crisis Lifeline, any time, or call 911."),
}

CAREGIVER_FIRST: dict[str, str] = {
    "ingestion": ("Thank you for telling me. Please call 911 right now: what {subj} took could be very dangerous, even if "
                  "{subj_is} seems okay. Stay with {obj} and don't leave {obj} alone. You can also call or text 988, the "
                  "Suicide and Crisis Lifeline. I'm alerting the care team right away, and I'm staying on the line with you."),
    "emergency": ("Thank you for telling me. Please stay with {obj} and don't leave {obj} alone. Call 911 now, or call or "
                  "text 988, the Suicide and Crisis Lifeline. If you can, keep anything {subj} could use to hurt "
                  "{obj}self away from {obj}. I'm alerting the care team right away, and I'm staying on the line with you."),
    "urgent": ("Thank you for telling me; that must be worrying. It's okay to ask {obj} directly whether {subj_is} thinking "
               "about suicide. A nurse from the care team will call today. If {subj} talks about a plan or you feel "
               "{subj_is} not safe, stay with {obj} and call 911, or call or text 988, the Suicide and Crisis Lifeline, "
               "any time."),
}

LATER_EMERGENCY: dict[str, Sequence[str]] = {
    "method": ("I can't give that information, because your safety matters most to me. Please call 911 now, or call or text "
               "988 to talk with someone who can help right away. I'm here with you.",
               "I won't be able to answer that; I care about what happens to you. Please call or text 988, the Suicide and "
               "Crisis Lifeline, or call 911 now. I'm staying on the line."),
    "goodbye": ("I hear that you need to go. Before you do, please call 911, or call or text 988, the Suicide and Crisis "
                "Lifeline, right now. I've alerted your care team, and someone will reach out to you today.",),
    "never_mind": ("I hear you, and I'm still worried about what you shared. Please call or text 988 to talk it through with "
                   "someone now, or call 911 if you might act on these thoughts. Your care team has been alerted.",
                   "It's okay. I'd rather check than not. I'm still asking you to call or text 988 now, or 911 if you're in "
                   "danger, and your care team will reach out to you today."),
    "with_someone": ("I'm really glad you're not alone. Please stay together, and keep anything you could use to hurt "
                     "yourself out of reach. If you haven't yet, call 911 or 988 now. I'm staying on the line.",),
    "safety_step": ("Yes, please do that: it's a really good step. Reach out to them now, and keep away from anything you "
                    "could use to hurt yourself until they're with you. Please also call or text 988, or 911, now. I'm staying "
                    "on the line with you.",),
    "refuses": ("I understand calling 911 feels like a lot. You can call or text 988 instead: it's free and confidential, and "
                "someone trained will talk with you right now. If you're in danger, 911 is the fastest help. Your care team "
                "has been alerted.",),
    "other": ("Your care team will help with that later. Right now your safety matters most. Please call 911, or call or "
              "text 988, the Suicide and Crisis Lifeline. I'm here with you.",
              "We can sort that out another time, and your care team will follow up. For now, please call or text 988, or "
              "call 911, so someone can help you right away."),
    "default": ("I'm here with you, and I'm listening. Are you safe right now? Please call 911 now, or call or text 988, "
                "the Suicide and Crisis Lifeline, so someone can help you right away.",
                "Thank you for staying on the line with me. You matter, and help is available right now: call 911, or call "
                "or text 988, the Suicide and Crisis Lifeline. Is someone with you?"),
}

LATER_URGENT: dict[str, Sequence[str]] = {
    "safe": ("Thank you for telling me, and I'm glad you're safe right now. A nurse from your care team will call you today "
             "to talk more. If anything changes, call or text 988, the Suicide and Crisis Lifeline, any time, or call 911.",),
    "goodbye": ("Thank you for talking with me. A nurse from your care team will call you today. Please remember you can "
                "call or text 988 any time, day or night, and call 911 if you feel unsafe. Take care.",),
    "never_mind": ("I hear you. I'm still going to ask a nurse to call you today, just to check in. You can call or text "
                   "988 any time, day or night, and call 911 if you ever feel unsafe.",),
    "method": ("I can't help with that, because your safety matters to me. A nurse will call you today. If you're thinking "
               "about ending your life, call or text 988, the Suicide and Crisis Lifeline, or call 911 now.",),
    "safety_step": ("Yes, that's a really good step, please do that. A nurse from your care team will call you today. If you "
                    "feel unsafe at any point, call or text 988, the Suicide and Crisis Lifeline, or call 911.",),
    "other": ("Your care team will help with that too; a nurse will call you today. For now I'd like to make sure you're "
              "okay. If you ever feel unsafe, call or text 988, the Suicide and Crisis Lifeline, or 911.",),
    "default": ("Thank you for sharing that with me. A nurse will call you today. How are you feeling right now? You can "
                "call or text 988, the Suicide and Crisis Lifeline, any time, and 911 if you feel unsafe.",
                "I'm glad you're talking with me. A nurse from your care team will call you today. If you feel unsafe at "
                "any point, call or text 988, or call 911."),
}


def crisis_reply(req: DraftRequest, sex: str, name: str = "scripted") -> Draft:
    """The reply in crisis mode, from the crisis state the specialists set and what the caller just said."""
    state = req.state
    crisis: dict[str, Any] = state.crisis or {}
    level = "emergency" if req.escalation == "emergency" or crisis.get("level") == "emergency" else "urgent"
    new: list[str] = list(crisis.get("new") or [])
    text = req.patient_text
    last = state.last_agent_text or None
    key = f"{state.turn_index}:{text}"
    if new:
        first = "active_denied" if new[0] == "active_ideation" and crisis.get("denied") and level == "urgent" else new[0]
        if crisis.get("caregiver"):
            template = CAREGIVER_FIRST["ingestion" if first == "ingestion" else level]
            reply = template.format(**_pronouns(sex))
        else:
            reply = FIRST.get(first, FIRST["intent" if level == "emergency" else "passive"])
        if reply == last:
            reply = _pick(key, (LATER_EMERGENCY if level == "emergency" else LATER_URGENT)["default"], last)
        return Draft(reply, [], "crisis", name)
    table = LATER_EMERGENCY if level == "emergency" else LATER_URGENT
    if METHOD_QUESTION.search(text):
        situation = "method"
    elif _GOODBYE.search(text):
        situation = "goodbye"
    elif _SAFETY_STEP.search(text) and not _NEVER_MIND.search(text):
        situation = "safety_step"
    elif level == "emergency" and _REFUSES.search(text):
        situation = "refuses"
    elif level == "emergency" and _WITH_SOMEONE.search(text):
        situation = "with_someone"
    elif _NEVER_MIND.search(text):
        situation = "never_mind"
    elif level == "urgent" and _NO.search(text):
        situation = "safe"
    elif _QUESTION.search(text):
        situation = "other"
    else:
        situation = "default"
    return Draft(_pick(key, table.get(situation, table["default"]), last), [], "crisis", name)
