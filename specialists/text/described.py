"""Plan drugs described by what they are for and what they are like: "the little white one for my thyroid",
"the heart rate pill, the capsule", "the belly shot", "the once-a-day inhaler", "the nose spray for lows".

A description is a head word (pill, one, capsule, shot, inhaler, spray, melts, ...) with modifiers said before it
("the water one", "the nausea melts") or after it ("for my thyroid", "to help me sleep"). The head narrows the plan's
drugs by form and route (a shot is injected, melts dissolve on the tongue); every modifier must be found in what the
plan says of a drug (its purpose, its order as written, how often it is taken). The description names a drug only
when exactly one plan drug fits: a vague description that fits several names none. The fixed phrases of
``drugs.yaml`` (``descriptions``: "my water pill", "the blood thinner") are read before this, by class.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from careplans.model import CarePlan
from specialists import knowledge as kn

__all__ = ["Described", "find_described"]

# Head word -> words the plan's order must contain for a drug to have that form ("" = any form).
_HEADS: dict[str, tuple[str, ...]] = {
    "pill": ("",), "pills": ("",), "one": ("",), "ones": ("",), "tablet": ("",), "tablets": ("",), "medicine": ("",),
    "medication": ("",), "meds": ("",), "med": ("",),
    "capsule": ("capsule",), "capsules": ("capsule",),
    "shot": ("inject", "subcutaneous", "syringe", "pen"), "shots": ("inject", "subcutaneous", "syringe", "pen"),
    "injection": ("inject", "subcutaneous", "syringe", "pen"), "jab": ("inject", "subcutaneous", "syringe", "pen"),
    "inhaler": ("inhal", "puff"), "puffer": ("inhal", "puff"),
    "spray": ("spray", "nasal", "intranasal"), "melts": ("disintegrating", "dissolv", " odt"), "melt": ("disintegrating", "dissolv", " odt"),
    "insulin": ("insulin",),
    "patch": ("patch", "transdermal"), "patches": ("patch", "transdermal"), "drops": ("drop", "ophthalmic", "otic"),
}
# Words that say nothing about which drug is meant: looks, size, order, time of day, fillers.
_EMPTY = frozenset("""the my his her their your a an this that these those little small tiny big large white pink blue
yellow orange green red round oval long short new old other same usual regular horse huge chalky great giant morning evening night nighttime night-time bedtime
first second third last next only extra spare
day daily kind sort of one ones that's there just real really me him us help""".split())
_HOW_OFTEN = frozenset({"once", "once-a-day", "twice", "twice-a-day", "daily", "weekly"})
# Everyday words for what a drug is for, as the plan's purpose or order may write it.
_SAME_AS: dict[str, tuple[str, ...]] = {
    "water": ("fluid", "diuretic", "swelling", "edema", "water"), "pee": ("fluid", "diuretic", "swelling", "water"),
    "sugar": ("glucose", "diabet", "sugar"), "lows": ("low blood sugar", "hypoglyc", "low sugar"),
    "low": ("low blood sugar", "hypoglyc", "low sugar"), "pressure": ("blood pressure", "hypertension"),
    "heart": ("heart", "cardiac", "atrial", "angina", "rhythm", "rate control"), "rate": ("heart rate", "rate control"),
    "belly": ("subcutaneous", "abdomen", "belly", "inject"), "nose": ("nasal", "nose"), "stomach": ("stomach", "acid", "reflux", "ulcer", "gerd", "heartburn"),
    "sleep": ("sleep", "insomnia"), "bowels": ("constipation", "stool", "bowel"), "bones": ("osteopor", "bone"),
    "clots": ("clot", "anticoag", "thromb", "stroke prevention"), "once": ("once daily", "once a day", "every 24 hours"),
    # long-acting: basal insulins and extended-release tablets, as labels name them
    "long-acting": ("long-acting", "long acting", "basal", "glargine", "detemir", "degludec", "extended-release",
                    "extended release"),
    "once-a-day": ("once daily", "once a day", "every 24 hours"), "twice-a-day": ("twice daily", "twice a day", "every 12 hours"),
}

# Times of day, as a plan's order writes them. Said of a pill ("the morning one"), a time narrows the drugs a description
# fits to those the plan gives then, when some are; a time the plan does not write is how the caller thinks of the
# pill, not the plan, and is passed over.
_TIMES: dict[str, tuple[str, ...]] = {
    "morning": ("morning", "breakfast", " am "), "mornings": ("morning", "breakfast", " am "),
    "evening": ("evening", "supper", "dinner", " pm "), "evenings": ("evening", "supper", "dinner", " pm "),
    "night": ("night", "bedtime", "evening"), "nighttime": ("night", "bedtime", "evening"),
    "night-time": ("night", "bedtime", "evening"), "bedtime": ("bedtime", "night"),
    # a meal said of a pill ("the one he takes with his breakfast"): the plan writes it as the meal, its time or "with food"
    "breakfast": ("breakfast", "with food"), "supper": ("supper", "with food"), "dinner": ("dinner", "with food"),
    "lunch": ("lunch", "noon", "with food"),
}
_WHEN = r"(?:(?:in|at|with)\s+(?:the\s+|his\s+|her\s+|my\s+)?)?(?:" + "|".join(_TIMES) + r")"

# A drug already named or referred to ("the carvedilol ... I cut out the night one", "it ... the morning one").
_NAMED_BEFORE = re.compile(r"\b(?:it|them|that one|this one)\b", re.IGNORECASE)

_DESCRIPTION = re.compile(
    r"\b(?:the|my|his|her|their|that|this|a)\s+(?P<pre>(?:(?!(?:was|is|are|were|be|been|it|and|or|but|with|in|on|at|to|of|from|these|those|some|any)\b)[a-z-]+\s+){0,3}?)"
    r"(?P<head>" + "|".join(sorted(_HEADS, key=len, reverse=True)) + r")\b"
    # "one" before a number is a number ("my sugar was one oh five"), not a pill
    r"(?!\s+(?:oh|o|zero|ten|eleven|twelve|\w+teen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|point)\b|\s+\d)"
    r"(?:\s*,?\s*(?:for|to help(?: with)?|that'?s for|that helps?(?: with)?)\s+(?:my|his|her|the|your|me|him)?\s*(?P<post>[\w'-]+(?:\s+(?:pressure|sugars?|rate|clots?|pain|rhythm))?))?"
    # when it is taken, said after it: "the pink one she takes morning and night"
    r"(?:\s+(?:that\s+)?(?:i|you|she|he|we|they)\s+(?:takes?|has|have|gets?)\s+(?P<when>" + _WHEN + r"(?:\s+and\s+" + _WHEN + r")?))?"
    # how it is given, said after it: "the little one that melts on the tongue"
    r"(?:\s+(?:that|which)\s+(?:you\s+|she\s+|he\s+|i\s+)?(?P<rel>melts?|dissolves?|puffs?|sprays?|injects?|inhales?))?",
    re.IGNORECASE)
# What a relative clause says of the form ("that melts", "that you spray") -> the head word with that form.
_REL_FORM = {"melt": "melts", "melts": "melts", "dissolve": "melts", "dissolves": "melts", "puff": "inhaler", "puffs": "inhaler",
             "inhale": "inhaler", "inhales": "inhaler", "spray": "spray", "sprays": "spray", "inject": "shot", "injects": "shot"}
# What to take for a complaint, asked with no pill named: "what am I allowed to take for my knee pain?" (a "what" or "which"
# question: "how many would I have to take for ..." asks no medicine's name)
_TAKE_FOR = re.compile(r"\b(?:what|which)\b(?:(?!how (?:many|much))[^.?!]){0,40}?\b(?:take|have|use|give(?: (?:him|her|them))?)\s+for\s+(?:my|his|her|their|the|your|this|that)\s+"
                       r"(?P<post>[\w'-]+(?:\s+(?:pressure|sugars?|rate|clots?|pain|rhythm|ache))?)", re.IGNORECASE)


@dataclass(frozen=True)
class Described:
    drug: str
    start: int
    end: int


def _words(text: str | None) -> Iterable[str]:
    return (w.lower() for w in re.findall(r"[\w'-]+", text or ""))


def _profile(med: object) -> str:
    # what the drug is, is for and how it is given; of the sig only its "for ..." (its advice is not its purpose:
    # "on an empty stomach" is no stomach pill)
    parts = [getattr(med, k, None) or "" for k in ("purpose", "display", "route", "frequency")]
    for sig in (getattr(med, "dose_text", None), getattr(med, "instructions", None)):
        parts += _FOR.findall(sig or "")
    return " " + " ".join(parts).lower() + " "


_FOR = re.compile(r"\bfor ([\w\s-]{3,40}?)(?=[.,;()]|$| if\b| when\b| up to\b| at\b| every\b)", re.IGNORECASE)


def _fits(word: str, profile: str) -> bool:
    # a word of the profile that starts with what was said ("nausea" finds "nauseated", "thyroid" "Thyroid"),
    # never a piece inside a word ("internal" is not "international")
    return any(re.search(r"\b" + re.escape(said.rstrip("s") if len(said) > 4 else said), profile)
               for said in _SAME_AS.get(word, (word,)))


@cache
def _known_phrases() -> frozenset[str]:
    return frozenset(kn.normalize_name(p) for d in kn.descriptions() for p in d.phrases)


def _known_phrase(words: str) -> bool:
    """The description ends in a fixed phrase of drugs.yaml ("the new water pill", "my blood pressure pills")."""
    key = kn.normalize_name(words)
    return any(key == p or key.endswith(" " + p) for p in _known_phrases())


# "not the stomach one", "not the blood thinner": the words of a description ruled out
_NOT_THAT_ONE = re.compile(r"\bnot (?:the|my|his|her) ([a-z-]+(?: [a-z-]+)?)(?: (?:one|pill|capsule|tablet|shot|inhaler))?\b", re.IGNORECASE)


def _excluded_words(text: str) -> list[str]:
    """Modifiers of a description the caller rules out ("not the stomach one"): the drugs they fit are not meant."""
    return [w for m in _NOT_THAT_ONE.finditer(text) for w in _words(m.group(1)) if w not in _EMPTY]


def find_described(text: str, plan: CarePlan | None, taken: Iterable[tuple[int, int]] = ()) -> list[Described]:
    """Plan drugs the text describes, each only when one plan drug fits the description best."""
    if plan is None or not plan.medications:
        return []
    spans = list(taken)
    out: list[Described] = []
    for m in _DESCRIPTION.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in spans):
            continue
        head = m["head"].lower()
        if re.search(r"\bnot\s*$", text[max(0, m.start() - 6):m.start()], re.IGNORECASE):
            continue  # "not the stomach one" rules a drug out (see _excluded_words)
        if _known_phrase(f"{m['pre']}{m['head']}"):
            continue  # "the water pill": the fixed descriptions resolve it by class, ambiguity included
        if m["rel"] and _HEADS[head] == ("",):
            head = _REL_FORM[m["rel"].lower()]  # "the one that melts" is a melt
        modifiers = [w for w in _words(f"{m['pre']} {m['post'] or ''}") if w not in _EMPTY and not w.isdigit()]
        times = [w for w in _words(f"{m['pre']} {m['when'] or ''}") if w in _TIMES]
        if m["rel"] and not modifiers and not times:
            modifiers = []  # the form said in the clause narrows on its own
        elif not times and (not modifiers or (_HEADS[head] == ("",) and all(w in _HOW_OFTEN for w in modifiers))):
            continue  # "the pill" alone names nothing, nor does "the once-a-day one" (most pills are)
        sentence_start = max(text.rfind(c, 0, m.start()) for c in ".?!") + 1  # "move it around. And there's a big pill ..."
        if times and not modifiers and (spans or _NAMED_BEFORE.search(text, sentence_start, m.start()) or head.endswith("s")
                                        or head.startswith("med")):
            continue  # with a drug named, "the night one" is its night dose ("the aspirin twice a day, the night one I forget");
            # "my morning pills" are all the pills taken then
        forms = _HEADS[head]
        fitting: dict[str, object] = {}  # by name: two orders of one drug are one drug
        for med in plan.medications:
            profile = _profile(med)
            if forms != ("",) and not any(f in profile for f in forms):
                continue
            if all(_fits(w, profile) for w in modifiers):  # every word said must fit ("blood pressure" is not "blood sugar")
                fitting.setdefault(med.name, med)
        if len(fitting) > 1:  # "the capsule I take in the morning, not the stomach one, the other one"
            ruled_out = {n for n, med in fitting.items() for w in _excluded_words(text) if _fits(w, _profile(med))}
            fitting = {n: med for n, med in fitting.items() if n not in ruled_out} or fitting
        if len(fitting) > 1 and times:
            given_then = {n: med for n, med in fitting.items() if all(_given_at(t, med) for t in times)}
            fitting = given_then or (fitting if modifiers else {})
        if len(fitting) == 1:
            out.append(Described(next(iter(fitting)), m.start(), m.end()))
    for m in _TAKE_FOR.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in spans) or any(d.start < m.end() and m.start() < d.end for d in out):
            continue
        modifiers = [w for w in _words(m["post"]) if w not in _EMPTY and not w.isdigit()]
        fitting = {med.name for med in plan.medications if modifiers and all(_fits(w, _profile(med)) for w in modifiers)}
        if len(fitting) == 1:  # "for my knee pain": the one plan drug for it
            out.append(Described(next(iter(fitting)), m.start(), m.end()))
    return out


def _given_at(time: str, med: object) -> bool:
    """The plan's order gives the drug at that time of day ("once daily in the morning", "morning and evening")."""
    schedule = " " + " ".join(getattr(med, k, None) or "" for k in ("dose_text", "frequency", "instructions")).lower() + " "
    return any(w in schedule for w in _TIMES[time])
