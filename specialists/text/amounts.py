"""How much of a drug a patient says they took, and how often: the pieces of a 24-hour total.

``parse_intake(text, start, end, stop=...)`` reads the words around one drug mention (``text[start:end]``)
and returns an :class:`Intake`: units per dose ("three extra strength Tylenol", "half a tab", "a 40"),
a stated strength ("two 200 milligram tablets", "500s"), a stated amount ("1,200 mg", "6 grams",
"two teaspoons"), how often ("every four hours", "five times", "three times a day", "while I was
awake") and totals ("twelve of them yesterday", "a whole bottle"). ``Intake.daily_mg`` turns it into
mg in 24 hours once the strength of one unit is known:

    "three extra strength Tylenol every four hours yesterday, five times" -> 3 x 500 mg x 5
    "two every four hours" -> 2 x strength x (24 / 4), unless a count of times or waking hours is given
    "three at a time, three times yesterday, and one more at bedtime" -> (3 x 3 + 1) x strength
    "my two every eight hours ... and two more extra strength at bedtime" -> 2 x 3 x strength + 2 x 500 mg
    "Coreg 12.5 twice a day" -> 12.5 mg twice (a number after the name is a strength when it is one)
    "two or three Aleve every eight to twelve hours" -> 2 x strength x 2 (the fewest a range can mean)
    "instead of two every six hours, three every four" -> 3 x strength x 6 (the regimen replaced is not read)
    "on top of my two every eight hours, another two extra strength three times" -> 2 x 3 x strength + 6 x 500 mg
    "two right away, then one after every loose stool, five more" -> (2 + 5) x strength

Spoken numbers are read by ``specialists.text.numbers``. The words read are the mention's sentence
and what follows it up to the next drug mention (``stop``), so "I took some Advil. Two every four
hours." is one report.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from specialists.text.dates import WEEKDAYS, days_back_to
from specialists.text.numbers import normalize_numbers

__all__ = ["Intake", "parse_intake", "canonical_strength_words", "BOTTLE_UNITS", "AWAKE_HOURS"]

# A "whole bottle" of an OTC analgesic: the smallest common retail count (24), so a total from it is a floor.
BOTTLE_UNITS = 24.0
# Waking hours when a patient says "every four hours while I was awake" without saying how long.
AWAKE_HOURS = 16.0
_ML_PER = {"teaspoon": 5.0, "teaspoons": 5.0, "tsp": 5.0, "tablespoon": 15.0, "tablespoons": 15.0, "tbsp": 15.0,
           "ml": 1.0, "mls": 1.0, "milliliter": 1.0, "milliliters": 1.0, "millilitre": 1.0, "millilitres": 1.0, "cc": 1.0,
           "ccs": 1.0, "capful": 30.0, "capfuls": 30.0, "cup": 30.0, "cups": 30.0, "dose cup": 30.0, "shot": 30.0}


@dataclass(frozen=True)
class Intake:
    units: float | None = None        # tablets / caplets / pills (or labelled liquid doses) per dose
    unit_mg: float | None = None      # strength of one unit as the patient states it
    dose_mg: float | None = None      # mg per dose stated directly
    dose_ml: float | None = None      # liquid per dose
    times: float | None = None        # doses in the day ("five times", "three times a day")
    interval_h: float | None = None   # "every four hours"
    span_h: float | None = None       # hours the doses were spread over ("while awake", "for 12 hours")
    total_units: float | None = None  # units in the day ("twelve of them yesterday", "a whole bottle")
    total_mg: float | None = None     # "about six grams in all"
    total_ml: float | None = None     # "the whole 8-ounce bottle" of a liquid
    strength_words: str | None = None
    bottle: bool = False
    days: float = 1.0                 # the amounts were spread over this many days ("over the last two days")
    mg_per_ml: float | None = None    # a liquid's strength as the patient reads it off the label ("160 per 5 mL")
    # Doses on top of the ones described: "... and two more at bedtime" (units), with their own strength words
    # ("two more extra strength") when said.
    extra_units: float = 0.0
    extra_strength_words: str | None = None
    evidence: str = ""

    @property
    def has_amount(self) -> bool:
        return any(v is not None for v in (self.units, self.unit_mg, self.dose_mg, self.dose_ml, self.total_units,
                                           self.total_mg, self.total_ml)) or self.extra_units > 0

    @property
    def has_frequency(self) -> bool:
        return self.times is not None or self.interval_h is not None

    def doses_per_day(self) -> float:
        if self.times is not None:
            return self.times
        if self.interval_h:
            return max(1.0, (self.span_h or 24.0) / self.interval_h)
        return 1.0

    def dose_in_mg(self, unit_strength_mg: float | None, mg_per_ml: float | None = None) -> float | None:
        """mg in one dose; ``unit_strength_mg`` is one unit's strength when the patient did not say it."""
        strength = self.unit_mg or unit_strength_mg
        mg_per_ml = self.mg_per_ml or mg_per_ml
        if self.units is not None and self.unit_mg is not None:
            return self.units * self.unit_mg
        if self.dose_mg is not None:
            return self.dose_mg
        if self.dose_ml is not None:
            return self.dose_ml * mg_per_ml if mg_per_ml is not None else None
        if self.units is not None:
            return self.units * strength if strength is not None else None
        if self.unit_mg is not None:
            return self.unit_mg
        if self.has_frequency and strength is not None:
            return strength  # "Tylenol every four hours": one at a time
        return None

    def daily_mg(self, unit_strength_mg: float | None, mg_per_ml: float | None = None,
                 extra_strength_mg: float | None = None) -> float | None:
        """mg in 24 hours, or None when the words give no amount to count; ``extra_strength_mg``: one unit
        of the extra doses when they name their own strength ("two more extra strength")."""
        strength = self.unit_mg or unit_strength_mg
        mg_per_ml = self.mg_per_ml or mg_per_ml
        extra_unit = extra_strength_mg or strength
        extra = self.extra_units * extra_unit if self.extra_units and extra_unit is not None else 0.0
        if self.total_mg is not None:
            return (self.total_mg + extra) / self.days
        if self.total_units is not None:
            return (self.total_units * strength + extra) / self.days if strength is not None else None
        if self.total_ml is not None:
            return (self.total_ml * mg_per_ml + extra) / self.days if mg_per_ml is not None else None
        dose = self.dose_in_mg(unit_strength_mg, mg_per_ml)
        if dose is None:
            return extra / self.days if extra else None
        return (dose * self.doses_per_day() + extra) / self.days


# --------------------------------------------------------------------------------------------------
# Patterns (on lower-case text whose spoken numbers are digits)
# --------------------------------------------------------------------------------------------------

_NUM = r"\d+(?:\.\d+)?"
_QTY = (rf"(?:(?P<apre>an?\s+)?(?P<n>{_NUM})(?:\s+an?(?=\s))?|(?P<half>half(?: of)?(?: an?)?|a half)|(?P<couple>a couple(?: of)?|couple(?: of)?|a pair of)"
        r"|(?P<few>a few|few|several)|(?P<handful>a handful(?: of)?|handful(?: of)?)|(?P<one>an?|one|another|single))")
_FORM = (r"(?:pills?|tablets?|tabs?|caplets?|capsules?|caps|gel ?caps|gelcaps?|softgels?|liqui-?gels?|liquid ?gels?"
         r"|gummies|chewables?|lozenges?|packets?|doses?|shots?|puffs?|sprays?|patch(?:es)?|suppositor(?:y|ies)|ones)")
_STRENGTH = (r"(?P<sw>extra[ -]strength|regular[ -]strength|maximum[ -]strength|max(?:imum)?[ -]strength|ultra[ -]strength"
             r"|arthritis|8[ -]?(?:hr|hour)(?!s)|12[ -]?hour(?!s)|low[ -]dose|baby)")
_MG = r"(?:mg|milligrams?|milligrammes?|migs?)"
_G = r"(?:g|grams?|grammes?)"
_ML = r"(?:mls?|milliliters?|millilitres?|ccs?|teaspoons?|tsp|tablespoons?|tbsp|capfuls?|cups?|dose cups?)"
_DET = r"(?:(?:of )?(?:the|my|those|these|that|this|his|her|their|some|your|an?)\s+(?:(?:little|small|big|white|yellow|blue|pink|round|usual|regular|plain)\s+)?)?"
_APPROX = r"(?:(?:like|about|around|maybe|probably|approximately|roughly|nearly|almost|at least|over|more than|up to)\s+)?"

# Everything a count can carry before the drug: "three extra strength", "two 200 mg", "a 40", "half a".
_BEFORE = re.compile(
    rf"{_APPROX}{_QTY}\s+(?:{_STRENGTH}\s+)?(?:(?P<umg>{_NUM})\s*(?:{_MG}\s+|s\s+|(?=\s)))?"
    rf"(?:{_STRENGTH.replace('sw', 'sw2')}\s+)?(?:(?P<form>{_FORM})\s+)?(?:of\s+)?{_DET}(?:{_STRENGTH.replace('sw', 'sw3')}\s+){{0,2}}$"
)
_MG_BEFORE = re.compile(rf"(?P<mg>{_NUM})\s*(?P<unit>{_MG}|{_G})\s+(?:{_FORM}\s+)?(?:of\s+)?{_DET}$")
_ML_BEFORE = re.compile(rf"(?:(?P<n>{_NUM})|(?P<one>an?|one))\s*(?P<unit>{_ML}|shots?)\s+(?:of\s+)?{_DET}$")
_BARE_BEFORE = re.compile(rf"\b(?:took|take|taking|had|have|used|popped|swallowed|chewed)\s+{_APPROX}(?P<n>{_NUM})\s+{_DET}$")

_MG_AFTER = re.compile(rf"^\s*[,(:-]?\s*(?:(?P<n>{_NUM})\s*(?:x|times)\s*)?(?P<mg>{_NUM})\s*(?P<unit>{_MG}|{_G})\b")
_ML_AFTER = re.compile(rf"^\s*[,(:-]?\s*(?:like\s+|about\s+)?(?:(?P<n>{_NUM})|(?P<one>an?|one))\s*(?P<unit>{_ML})\b")
# (not the label's "per 5 mL": that is a strength, read by _read_label_strength)
_ML_ANY = re.compile(rf"(?<![\d.])(?<!per )(?<!every )(?<!/)(?<!/ )(?:(?P<n>{_NUM})|(?P<one>an?|one))\s*(?P<unit>{_ML})\b")
_BARE_AFTER = re.compile(
    rf"^\s*[,(-]?\s*(?P<mg>\d{{2,4}}(?:\.\d+)?)s?\b(?!\s*(?:times|x\b|hours?|hrs?|days?|weeks?|minutes?|mins?|am\b|pm\b|o'?clock|:|in the|of (?:them|those)|{_FORM}))"
)
_COUNT_AFTER = re.compile(
    rf"^\s*[,(:-]?\s*(?:i took\s+|i had\s+|took\s+)?{_APPROX}{_QTY}\s*(?:(?P<umg>{_NUM})\s*{_MG}\s+)?(?P<form>{_FORM}|of (?:them|those|these|it|the pills|the tablets|'?em)|(?:of )?(?:the |those |these )?(?:[a-z0-9]+[ -]){{0,3}}(?:strength )?ones)(?:\b|(?<=')|(?<=em))"
)
_VERB_COUNT = re.compile(
    rf"\b(?:took|take|taking|had|used|popped|swallowed|chewed|went through|finished)\s+{_APPROX}{_QTY}\b"
    rf"(?!\s*(?:hours?|days?|weeks?|minutes?|times?|years?|months?|{_MG}|{_G}|{_ML}|am|pm|in the|o'?clock|more\b))"
    rf"(?:\s*(?:(?P<umg>{_NUM})\s*{_MG}\s+)?(?P<form>{_FORM}|of (?:them|those|these|it)))?"
)
_COUNT_FREQ = re.compile(
    rf"(?:^|[\s,.;:])(?:i took\s+|took\s+|i take\s+|take\s+)?{_APPROX}{_QTY}\s+(?:{_FORM}\s+)?"
    rf"(?=every\b|each\b|at a time\b|at once\b|at a go\b|\d+(?:\.\d+)? times\b|twice\b|three times\b|a day\b|per dose\b|a dose\b)"
)
_OF_THEM = re.compile(rf"{_APPROX}(?P<n>{_NUM}|a few|a couple)\s+(?:of (?:them|those|these|the pills|the tablets|'?em\b)|{_FORM}\b)")
_BOTTLE = re.compile(
    r"\b(?P<part>(?:a |the )?whole|(?:the )?entire|(?:a )?full|all of (?:the|my|a)|(?:the )?rest of (?:the|my|a)|(?:half|0\.5) (?:a|the|of (?:the|a|my))|most of (?:the|a|my))"
    r"\s+(?:\w+\s+){0,3}?(?:bottle|box|pack|package|container|blister pack|sleeve)\b"
)
_GRAMS_TOTAL = re.compile(rf"(?P<n>{_NUM})\s*(?P<unit>{_G}|{_MG})\s+(?:total|in all|altogether|in (?:a|one) day|in 24 hours|a day|per day|daily|that day)")

# "two at noon, two more at dinner", "took two more extra strength at bedtime", "and one more": further doses
# listed by when they were taken, or said to be more.
_MORE_AT = re.compile(
    rf"(?:(?:^|,|\band\b|\bthen\b|\bplus\b)\s*(?P<another>another\s+)?(?P<n>\d+(?:\.\d+)?|another|a couple|a few|one more)\s+"
    rf"(?P<more>(?:more|extra(?!\s+strength))\b\s*)?"
    rf"|\b(?:took|had|popped|take|swallowed)\s+(?P<n2>\d+(?:\.\d+)?|a couple|a few|one)\s+(?P<more2>(?:more|extra(?!\s+strength))\b\s*)"
    r"|\b(?:took|had|popped|take|swallowed|gave (?:him|her|me))\s+(?P<n3>another)\b\s*)"
    r"(?!\s*(?:hours?|hrs?|days?|weeks?|minutes?|mins?|times?|months?|years?|mg|milligrams?|grams?|of (?:my|the) (?:life|day))\b)"
    rf"(?:{_STRENGTH}\b\s*)?(?:{_FORM}\b\s*)?"
    r"(?P<at>(?:at|around|by|before|after|with|in the|later|that|this)\s+(?:\d|noon|midnight|bed|bedtime|lunch|dinner|supper|breakfast|night|morning|evening|afternoon))?"
)
_MORE_MASS = re.compile(rf"(?:,|\band\b|\bthen\b|\bplus\b)\s*(?:another\s+)?(?P<n>{_NUM})\s*(?P<unit>{_MG}|{_G})\b")
_LEADING_COUNT = re.compile(
    rf"^\s*(?:(?:yes|yeah|yep|well|oh|um|uh)\W+)*(?:i took\s+|i had\s+|took\s+|i think\s+)?{_APPROX}(?P<n>{_NUM})\b"
    r"(?!\s*(?:hours?|days?|weeks?|minutes?|times?|years?|o'?clock|am\b|pm\b))"
)
_OVER_DAYS = re.compile(rf"\b(?:over|in|during|for)\s+(?:the\s+)?(?:past|last)\s+(?P<n>{_NUM}|couple of|few)\s+days\b")
_EVERY = re.compile(
    rf"\bevery\s+(?:(?P<h>{_NUM})(?:\s*(?:to|-|or)\s*(?P<h2>{_NUM}))?|(?P<word>other|couple(?: of)?|few|single))?\s*(?:hours?|hrs?|h)\b"
    r"|\b(?P<hourly>hourly)\b"
)
_TIMES = re.compile(
    rf"\b(?:(?:(?P<lo>{_NUM})\s*(?:or|to|-)\s*)?(?P<n>{_NUM})\s*(?:(?:different|separate) )?(?:times|x)\b|(?P<twice>twice)|(?P<thrice>thrice)|(?P<once>once))"
    r"(?P<per>\s*(?:a|per|each|every)\s+(?P<period>day|night|morning|evening|week|month|hour))?"
)
# A day's doses said by when they are taken: "one in the morning, one at lunch and one at bedtime".
_DAYPART_DOSE = re.compile(
    rf"\b(?P<n>{_NUM}|an?)\s+(?:more\s+)?(?:{_FORM}\s+)?(?:(?:first thing )?in the (?:morning|mornin'?|afternoon|evening|evenin'?)|"
    r"at (?:lunch(?:time)?|noon|midday|night|bedtime|supper(?:time)?|dinner(?:time)?|breakfast|teatime)|"
    # by the clock: "two at eight, two at noon, two at three and two at six"
    r"at \d{1,2}(?::\d\d)?(?:\s*(?:o'?clock|a\.?m\.?|p\.?m\.?))?(?![\d:])|"
    r"(?:before|with|after) (?:bed|breakfast|lunch|supper|dinner))\b")
# A day's doses said as a list of when: "two at eight, noon and five", "three at a time, morning, afternoon and night".
_CLOCK = r"\d{1,2}(?::\d\d)?(?:\s*(?:o'?clock|a\.?m\.?|p\.?m\.?))?(?![\d:])"
_MEAL = r"(?:noon|midday|midnight|bedtime|breakfast|lunch(?:time)?|supper(?:time)?|dinner(?:time)?|morning|afternoon|evening|night)\b"
_WHEN_SEP = r"(?:\s*,\s*(?:and\s+|then\s+)?|\s+and\s+(?:then\s+|again\s+)?)(?:(?:at|around|about|by|in the)\s+)?"
_WHEN_LIST = re.compile(
    rf"\b(?:at|around|about|by)\s+(?P<clock>{_CLOCK})(?P<crest>(?:{_WHEN_SEP}(?:{_CLOCK}|{_MEAL})){{1,5}})"
    rf"|(?:\b(?:at|around|about|by|in the)\s+|(?<=, )|^\s*){_MEAL}(?P<mrest>(?:{_WHEN_SEP}{_MEAL}){{1,5}})")
_DAILY = re.compile(r"\b(?P<word>daily|every day|each day|a day|per day|nightly|every night|each night|every morning)\b")
_AWAKE = re.compile(rf"\b(?:while|when|whenever)\s+(?:i\s+)?(?:was|am|'m|were)?\s*(?:awake|up)\b|\b(?P<h>{_NUM})\s+hours?\s+(?:i was\s+|i'm\s+|i am\s+)?(?:awake|up)\b|\bwaking hours\b")
_FOR_HOURS = re.compile(rf"\bfor\s+(?:about\s+|like\s+)?(?P<h>{_NUM})\s+hours?\b")
# A sentence that only adds amounts to the one before: "Two every four hours." "Like eight of them."
_AMOUNT_SENTENCE = re.compile(
    # (a day said first: "Yesterday I took two tablespoons every four hours")
    rf"^\s*(?:and\s+|so\s+|then\s+)?(?:(?:yesterday|today|last night|this morning|since (?:yesterday|\w+day))\s*,?\s*(?=(?:i|he|she)\s))?"
    rf"(?:like\s+|about\s+|maybe\s+|around\s+|probably\s+|at least\s+|(?:i|he|she) took\s+|took\s+|(?:i|he|she) had\s+|i take\s+|i've taken\s+|i've had\s+)?"
    rf"(?:{_NUM}\b|every\b|each\b|twice\b|once\b|half\b|a couple\b|a few\b|several\b|the whole\b|a whole\b|all day\b)"
)
_CLAUSE_BREAK = re.compile(r"(?:[;,]\s*)?\b(?:and|but|so|then|also|plus)\s+(?=i\b|i'?ve\b|i'?m\b|my\b|we\b)|[;]|\bbut\b")
_SENTENCE_END = re.compile(r"(?<![a-z]\.[a-z])(?<!\b(?:dr|st|mr|ms|no))[.!?;]+(?=\s|$)")


_SPOKEN_HOURS = {"eight": "8", "twelve": "12", "twenty four": "24", "twenty-four": "24"}


def _ml_per(unit: str) -> float:
    """mL in one of ``unit`` ("teaspoons" and "teaspoon" alike); 1 for plain mL."""
    return _ML_PER.get(unit, _ML_PER.get(re.sub(r"s$", "", unit), 1.0))


def canonical_strength_words(words: str | None) -> str | None:
    """One spelling per product line, as the strength tables name it: "eight-hour" / "8 hour" -> "8 hr",
    "max strength" -> "maximum strength"."""
    if not words:
        return None
    w = re.sub(r"[\s-]+", " ", words.lower()).strip()
    for spoken, digits in _SPOKEN_HOURS.items():
        w = re.sub(rf"\b{spoken}\b", digits, w)
    w = re.sub(r"\b(8|12|24) ?(?:hours?|hrs?)\b", lambda m: "8 hr" if m[1] == "8" else f"{m[1]} hour", w)
    return re.sub(r"\bmax strength\b", "maximum strength", w)


def _qty(m: re.Match[str]) -> float | None:
    g = m.groupdict()
    if g.get("n"):
        n = float(g["n"])
        return 1.0 if g.get("apre") and n >= 5 else n  # "a 40" is one tablet (of 40 mg)
    if g.get("half"):
        return 0.5
    if g.get("couple"):
        return 2.0
    if g.get("few"):
        return 3.0
    if g.get("handful"):
        return 5.0
    if g.get("one"):
        return 1.0
    return None


# "five hundred three times a day" is 500, three times a day (nobody takes a drug 503 times).
_HUNDRED_TIMES = re.compile(r"\b(hundred|thousand)\s+(?:and\s+)?(one|two|three|four|five|six)\s+(?=times\b)", re.I)


# A count said as a range ("two or three of 'em", "3-4 Advil"): the fewest it can mean. Not hours, days or times
# ("every four to six hours", "four or five times a day" keep both ends: their readers take the fewest doses).
_COUNT_RANGE = re.compile(
    r"(?<!every )(?<![\d.])(?P<lo>\d{1,2})\s*(?:or|to|-)\s*\d{1,2}\b(?!\.\d|\s*(?:hours?|hrs?|h\b|days?|weeks?|months?|minutes?|mins?|"
    r"times|x\b|am\b|pm\b|o'?clock|years?|%|percent|mg|milligrams?|g\b|grams?|ml|mls|cc|teaspoons?|tablespoons?|per\b|/))")


_ON_TOP = re.compile(r"\b(?:on top of|besides|in addition to|as well as|along with|apart from|aside from)\s+(?:[\w-]+\s+){0,3}$")


def _extra_doses(words: str) -> tuple[float, str | None] | None:
    """Units taken on top of a schedule, in the words after it: "I took two extra strength three times yesterday"
    -> (6, "extra strength"); "another two in between, three or four times a day" -> (6, None)."""
    m = re.search(rf"\b(?:took|take|taking|takin'?|had|used|popped|another|more)\s+{_APPROX}(?:another\s+)?(?P<n>{_NUM}|a couple|a few|one)\b"
                  rf"(?!\s*(?:hours?|days?|weeks?|times|x\b|{_MG}|{_ML}))", words)
    if m is None:
        return None
    n = {"a couple": 2.0, "a few": 3.0, "one": 1.0}.get(m["n"]) or float(m["n"])
    rest = words[m.end():]
    sw = re.search(_STRENGTH, rest[:40])
    return _units_from(n, rest), sw["sw"] if sw else None


def _units_from(n: float, rest: str) -> float:
    """Units in all, from ``n`` per dose and the words after it: how often ("three times") or each further dose said
    ("two more extra strength at lunch and two more before bed" adds its count)."""
    freq = _read_frequency(rest, Intake(units=n))
    if freq.has_frequency:
        return n * freq.doses_per_day()
    return n + sum({"a couple": 2.0, "one": 1.0}.get(x["n"]) or float(x["n"]) for x in _ANOTHER_DOSE.finditer(rest))


def _plus_extra(head: Intake, units: float, strength_words: str | None, evidence: str) -> Intake:
    """The schedule read as the mention's own, with ``units`` taken on top of it in their own strength words."""
    return replace(head, extra_units=units, extra_strength_words=canonical_strength_words(strength_words),
                   strength_words=canonical_strength_words(head.strength_words), evidence=evidence.strip())


def _daypart_units(parts: Sequence[re.Match[str]]) -> float:
    """Units in doses said by when they are taken ("one in the morning, two at bedtime")."""
    return sum(1.0 if p["n"] in ("a", "an") else float(p["n"]) for p in parts)


_ANOTHER_DOSE = re.compile(rf"(?:,|\band\b|\bthen\b|\bplus\b)\s*(?:another\s+)?(?P<n>{_NUM}|one|a couple)\s+"
                           rf"(?:more\b|(?:{_FORM}\s+)?(?:at|in the|before|with|after)\b)")


_INSTEAD = re.compile(r"\b(?:instead of|rather than|in place of)\b[^,.;]*$")

# A second product of the same drug said by its strength after the schedule, in a later clause: "two Tylenol four
# times yesterday, and then the aide gave her two of the extra strength, at lunch and again at supper"; "... and
# in between I take the extra strength from my purse, two at lunch and two before bed".
_LATER_VERB = r"(?:gave|gives|give|giving|took|take|takes|taking|had|popped|used|also gave|also took)"
_LATER_PRODUCT = re.compile(
    rf"[,;]\s*(?:and\s+|then\s+|plus\s+|but\s+)?[^.?!]{{0,60}}?\b{_LATER_VERB}\s+(?:(?:me|her|him|them)\s+)?(?:also\s+)?{_APPROX}"
    rf"(?P<n>{_NUM}|a couple)\s+(?:more\s+)?(?:of\s+)?(?:the\s+|her\s+|his\s+|my\s+)?(?:own\s+)?{_STRENGTH}")
_LATER_PRODUCT_FIRST = re.compile(
    rf"[,;]\s*(?:and\s+|then\s+|plus\s+|but\s+)?[^.?!]{{0,60}}?\b{_LATER_VERB}\s+(?:(?:me|her|him|them)\s+)?(?:the|her|his|my|some)\s+{_STRENGTH}")


def _later_product(after: str) -> tuple[int, float, str] | None:
    """Where a second product's doses begin in ``after``, how many units they come to and its strength words."""
    if (m := _LATER_PRODUCT.search(after)) is not None:
        n = 2.0 if m["n"] == "a couple" else float(m["n"])
        return m.start(), _units_from(n, after[m.end():]), m["sw"]
    if (m := _LATER_PRODUCT_FIRST.search(after)) is not None:
        parts = list(_DAYPART_DOSE.finditer(after, m.end(), min(len(after), m.end() + 80)))
        if parts:
            return m.start(), _daypart_units(parts), m["sw"]
    return None


def _norm(s: str) -> str:
    s = _HUNDRED_TIMES.sub(r"\1, \2 ", s.replace("\u2019", "'"))
    s = normalize_numbers(s).lower()
    s = re.sub(r"(?<=\d),(?=\d{3}\b)", "", s)  # 1,200 -> 1200
    s = _COUNT_RANGE.sub(r"\g<lo>", s)
    return re.sub(r"\s+", " ", s)


def _window(text: str, start: int, end: int, stop: Sequence[tuple[int, int]]) -> tuple[str, str, bool]:
    """Words before the mention (back to its sentence start or the previous mention) and after it (to
    the end of its sentence or the next mention, plus a next sentence that only adds amounts:
    "I took some Advil. Two every four hours.")."""
    prev_end = max((e for s, e in stop if e <= start), default=0)
    next_start = min((s for s, e in stop if s >= end), default=len(text))
    sent_start = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        sent_start = m.end()
    before = text[max(prev_end, sent_start):start]
    after = text[end:next_start]
    ends = [m.end() for m in _SENTENCE_END.finditer(after)]
    if ends:
        rest = after[ends[0]:ends[1] if len(ends) > 1 else len(after)]
        after = after[:ends[0]] + (rest if _AMOUNT_SENTENCE.match(_norm(rest)) else "")
    return before, after, prev_end > sent_start


def _same_clause(before: str) -> str:
    """The part of ``before`` in the mention's own clause: "I take metformin three times a day and I
    took 3" keeps "took 3", so the metformin schedule is not read as the next drug's."""
    cut = 0
    for m in _CLAUSE_BREAK.finditer(before):
        cut = m.end()
    return before[cut:]


def parse_intake(text: str, start: int, end: int, stop: Sequence[tuple[int, int]] = (),
                 strengths: Collection[float] = (), today: dt.date | None = None) -> Intake:
    """The amounts said around ``text[start:end]`` (a drug mention); ``stop``: spans of other mentions;
    ``strengths``: mg of the drug's known tablets (the plan's, the products'), so "Coreg 12.5 twice a day"
    reads 12.5 as a strength, not a count."""
    raw_before, raw_after, after_other = _window(text, start, end, stop)
    before, after = _norm(raw_before), _norm(raw_after)
    if _ON_TOP.search(before) and (cut := re.search(r"[,;]|\b(?:and|but|i|i'?ve|i'?m)\b", after)) is not None:
        # "On top of my two Tylenol every six hours, I took two extra strength three times": the schedule is the
        # mention's own amount; the doses after it are extra, each with its own count, strength and times.
        extra = _extra_doses(after[cut.start():])
        if extra is not None:
            head = _read_frequency(f"{_same_clause(before)} @ {after[:cut.start()]}",
                                   _read_count_elsewhere(before, _read_before(before, Intake(evidence=text[start:end]))))
            return _plus_extra(head, extra[0], extra[1], raw_before + text[start:end] + raw_after)
    own = re.search(_STRENGTH, _norm(text[start:end]))  # "extra strength Tylenol": the name carries its strength
    if own is None and (later := _later_product(after)) is not None:
        head_after = after[:later[0]]
        head = _read_frequency(f"{_same_clause(before)} @ {head_after}",
                               _read_after(head_after, _read_count_elsewhere(before, _read_before(before, Intake(evidence=text[start:end])))))
        if head.has_frequency and head.units is not None and later[1] > 0:
            return _plus_extra(head, later[1], later[2], raw_before + text[start:end] + raw_after)
    if _INSTEAD.search(before) and (old := _EVERY.search(after) or _TIMES.search(after)) is not None:
        # "Instead of two every six hours I've been taking three every four": the regimen named after "instead of"
        # is the one not followed; what was taken is said after it.
        before, after = "", after[old.end():]
    # How often, said before the name, is this drug's only when no other drug comes first in the sentence.
    both = f"{'' if after_other else _same_clause(before)} @ {after}"
    intake = Intake(evidence=(raw_before + text[start:end] + raw_after).strip())
    if own is not None:
        intake = replace(intake, strength_words=own["sw"])
    intake = _read_before(before, intake)
    intake = _read_strength_after(after, intake, strengths)
    intake = _read_after(after, intake)
    if start == end and not intake.has_amount:
        intake = _read_answer(after, intake)
    intake = _read_count_elsewhere(before, intake)
    if not intake.has_amount and (m := _OF_THEM.search(after)) is not None and m["n"][0].isdigit():
        intake = replace(intake, units=float(m["n"]))  # "the twelve-hour Sudafed for the stuffiness, three of 'em"
    if not intake.has_amount and (ml := _dose_ml(after, before)) is not None:
        intake = replace(intake, dose_ml=ml)
    intake = _read_totals(both, intake)
    intake = _read_frequency(both, intake)
    if intake.units is None and not intake.has_frequency and intake.total_units is None and not _ON_TOP.search(before) \
            and len(parts := list(_DAYPART_DOSE.finditer(after))) >= 2:
        intake = replace(intake, total_units=_daypart_units(parts))
        after = after[:parts[0].start()] + " " * (parts[-1].end() - parts[0].start()) + after[parts[-1].end():]
    # "four Advil total, two at bedtime and two this morning": the doses listed after a total are the total's own
    intake, extras = _read_more_doses(after, intake) if not _TOTAL_SAID.match(after) else (intake, [])
    # Strength words said with the extra doses ("two more extra strength") are theirs, not the first dose's.
    for a, b in reversed(extras):
        after = after[:a] + " " * (b - a) + after[b:]
    if intake.strength_words is None:
        # the strength words nearest the name are its own: "on top of my two arthritis caplets ... six of the extra
        # strength Tylenol" is extra strength
        said_before = list(re.finditer(_STRENGTH, both[:len(both) - len(after)]))
        sw = said_before[-1] if said_before else re.search(_STRENGTH, after)
        if sw:
            intake = replace(intake, strength_words=sw["sw"])
    m = _OVER_DAYS.search(both)
    if m and not intake.has_frequency:
        days = {"couple of": 2.0, "few": 3.0}.get(m["n"]) or float(m["n"])
        if days > 1:
            intake = replace(intake, days=days)
    intake = _read_label_strength(f"{before} {after}", intake)
    # "two every eight hours, that's six a day": the patient's own count for the day
    if (m := _PER_DAY_TOTAL.search(after)) is not None:
        intake = replace(intake, total_units=float(m["n"]), times=None, interval_h=None)
    # "I took 15 mL every 4 hours yesterday, five doses all told": a count of doses of a measured liquid is how often
    if (m := _DOSE_COUNT.search(after)) is not None and intake.units == float(m["n"]) and (ml := _dose_ml(after, before)) is not None:
        intake = replace(intake, units=None, times=float(m["n"]), interval_h=None, dose_ml=ml)
    # a count over days may be said in a sentence of its own ("The 50-count bottle I bought Tuesday is empty")
    intake = _read_window_total(_norm(text) if not stop else f"{before} @ {after}", intake, today)
    return replace(intake, strength_words=canonical_strength_words(intake.strength_words),
                   extra_strength_words=canonical_strength_words(intake.extra_strength_words))


# "it's 100 per 5 mL", "one milligram in every 7.5 mL", "the 500 per 15 kind": mg per mL off the label.
_PER_ML = re.compile(rf"\b(?P<mg>{_NUM})\s*(?:{_MG}\s*)?(?:per|in|/|for|in every|every)\s*(?:(?P<ml>{_NUM})(?P<unit>\s*{_ML}|s?\b(?= kind| one| 1\b| stuff| liquid| syrup))"
                     # "five hundred milligrams per tablespoon": one spoon
                     r"|(?:a |one |each |every )?(?P<spoon>teaspoon|tablespoon|tsp|tbsp|capful|dose cup)\b)")


_DOSE_COUNT = re.compile(rf"\b(?P<n>{_NUM}) doses\b(?! of)")
_TOTAL_SAID = re.compile(r"^\s*(?:total|in total|altogether|all told|in all)\b")
_PER_DAY_TOTAL = re.compile(rf"\bthat'?s (?:like |about |around )?(?P<n>{_NUM}) (?:a|per|each) day\b")


def _dose_ml(*texts: str) -> float | None:
    """mL of the first volume said as a dose in ``texts`` (tried in order), not the label's own ("a hundred sixty
    milligrams in five mL. Thirty mL ...")."""
    for words in texts:
        label = [m.span() for m in _PER_ML.finditer(words)]
        m = next((m for m in _ML_ANY.finditer(words) if not any(a <= m.start() < b for a, b in label)), None)
        if m is not None:
            return (float(m["n"]) if m["n"] else 1.0) * _ml_per(m["unit"])
    return None


def _read_label_strength(words: str, intake: Intake) -> Intake:
    m = _PER_ML.search(words)
    if m is None:
        return intake
    if m["spoon"]:
        return replace(intake, mg_per_ml=float(m["mg"]) / _ml_per(m["spoon"]))
    if not float(m["ml"]):
        return intake
    unit = m["unit"].strip() if m["unit"] and m["unit"].strip() not in {"", "s"} else "ml"
    return replace(intake, mg_per_ml=float(m["mg"]) / (float(m["ml"]) * _ml_per(unit)))


# Counts over a stretch of days: "thirty of the 25s since yesterday morning", "half of a 100-count bottle
# since Monday", "a box of 24 on Wednesday and there's only four left", "the whole 100-count bottle in about
# ten days". The total is spread over every day the stretch can cover (a floor on the daily amount).
_SINCE = re.compile(
    r"\b(?:since|from|starting|on|(?:opened|bought|started|got|picked up)(?:\s+[\w'-]+){0,6}?(?:\s+on)?)\s+(?:last\s+|this past\s+|this\s+)?"
    r"(?P<when>yesterday|last night|this morning|today|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"the (?:first|1st|start|beginning) of (?:the|this) month|the weekend)\b(?P<part> (?:morning|afternoon|evening|night))?"
    rf"|\bin (?:about |around |like |just |under |less than )?(?P<n>{_NUM}|a couple of|a few) days\b"
    rf"|\b(?:over|in|during|for) (?:the )?(?:past|last) (?P<n2>{_NUM}|couple of|few) days\b")
_PACK = re.compile(rf"\b(?P<size>{_NUM})[- ]?(?:count|ct|pack|tablets?|caplets?|pills?|capsules?)\b"
                   rf"|\b(?:box|bottle|pack|package|container|sleeve) of (?P<size2>{_NUM})\b")
_OUNCES = re.compile(rf"\b(?P<oz>{_NUM})[- ]?(?:ounce|oz|fl oz|fluid ounce)s?\b")
_SHARE = re.compile(r"\b(?P<whole>whole|entire|all of|full)\b|\b(?P<half>half|0\.5)\b|\b(?P<most>most)\b|\b(?P<almost>almost (?:gone|empty|finished)|nearly (?:gone|empty|finished))\b"
                    r"|\b(?P<gone>empty|(?:all )?gone(?! through)|finished(?! (?:off )?(?:the|a|my|half))|used up|ran out)\b")
_LEFT = re.compile(rf"\b(?:only |just )?(?:like |about )?(?P<n>{_NUM}) (?:left|remaining)\b")
_GONE_THROUGH = re.compile(
    rf"\b(?:gone through|went through|go through|going through|used|taken|had|took|finished|through|popped)\s+{_APPROX}(?P<n>{_NUM})\s+"
    rf"(?:of (?:the|my|those|them|these|her|his)\b|{_FORM}\b)")


def _window_days(words: str, today: dt.date | None) -> float | None:
    m = _SINCE.search(words)
    if m is None:
        return None
    if m["n"] or m["n2"]:
        n = m["n"] or m["n2"]
        return {"a couple of": 2.0, "couple of": 2.0, "a few": 3.0, "few": 3.0}.get(n) or float(n)
    when = m["when"]
    # the first day counts in full, or half of it when the stretch began that morning or later
    first = 0.5 if m["part"] else 1.0
    if when in ("this morning", "today", "last night"):
        return 1.0
    if when == "yesterday":
        return 1.0 + first
    if today is None:
        return None
    if when in WEEKDAYS:
        return float(days_back_to(when, today)) + first
    if when == "the weekend":
        return float((today.weekday() - 5) % 7 + 1)
    return float(today.day)  # the first of the month


def _share(words: str) -> float | None:
    """How much of a pack or bottle was used ("half of", "most of", "almost gone", "the whole"), when said."""
    sh = _SHARE.search(words)
    if sh is None:
        return None
    return 0.5 if sh["half"] else 0.75 if sh["most"] else 0.8 if sh["almost"] else 1.0


def _read_window_total(words: str, intake: Intake, today: dt.date | None) -> Intake:
    days = _window_days(words, today)
    if days is None or intake.has_frequency:
        return intake
    total: float | None = None
    if (m := _GONE_THROUGH.search(words)) is not None:
        total = float(m["n"])
    elif (p := _PACK.search(words)) is not None:
        size = float(p["size"] or p["size2"])
        if (left := _LEFT.search(words)) is not None and float(left["n"]) < size:
            total = size - float(left["n"])
        elif (share := _share(words)) is not None:
            total = size * share
    elif (oz := _OUNCES.search(words)) is not None and (share := _share(words)) is not None:
        # 1 US fluid ounce = 29.5735 mL (NIST Handbook 44, Appendix C)
        return replace(intake, total_ml=float(oz["oz"]) * 29.5735 * share, total_units=None, units=None, bottle=True, days=days)
    if total is None:
        return intake
    return replace(intake, total_units=total, units=None, bottle=False, days=days)


def _read_before(before: str, intake: Intake) -> Intake:
    m = _MG_BEFORE.search(before)
    if m:
        mg = float(m["mg"]) * (1000.0 if re.fullmatch(_G, m["unit"]) else 1.0)
        # "two 200 mg tablets": a count before the strength makes it a per-unit strength
        qm = re.search(rf"(?:^|\s){_QTY}\s*(?:of (?:the|those|these|my|her|his)\s+)?$", before[:m.start()])
        if qm and (qm["n"] or qm["couple"] or qm["few"] or qm["half"]):
            return replace(intake, units=_qty(qm), unit_mg=mg)
        return replace(intake, dose_mg=mg)
    m = _ML_BEFORE.search(before)
    if m:
        n = float(m["n"]) if m["n"] else 1.0
        return replace(intake, dose_ml=n * _ml_per(m["unit"]))
    m = _BEFORE.search(before)
    if m:
        units = _qty(m)
        umg = float(m["umg"]) if m["umg"] else None
        if m["apre"] and m["n"] and float(m["n"]) >= 5 and umg is None:
            umg = float(m["n"])  # "a 40": one tablet of 40 mg
        sw = m["sw"] or m["sw2"] or m["sw3"]
        if umg is not None and umg < 5 and units is not None:
            umg = None  # "two 2s" is not a strength
        if units is not None and units > 30 and not m["form"] and umg is None:
            return replace(intake, dose_mg=units, strength_words=sw)  # "took 800 of ibuprofen"
        return replace(intake, units=units, unit_mg=umg, strength_words=sw)
    m = _BARE_BEFORE.search(before)
    if m:
        n = float(m["n"])
        return replace(intake, dose_mg=n) if n > 30 else replace(intake, units=n)
    return intake


# Words that make a number the first dose's count ("two right away", "2 at first"; "first" is "1st" once
# numbers are read).
_FIRST_DOSE = r"(?:right away|at (?:first|1st)|(?:first|1st)\b|to start|straight away|up front)"
# A bare number right after the name: "Lasix 40", "Coreg 12.5", "glipizide 5 twice a day".
_NUMBER_AFTER = re.compile(
    rf"^(?P<comma>\s*[,(-])?\s*(?P<mg>\d+(?:\.\d+)?)s?\b(?!\s*(?:times|x\b|hours?|hrs?|days?|weeks?|minutes?|mins?|am\b|pm\b|"
    rf"o'?clock|:|in the|of (?:them|those)|more\b|{_FIRST_DOSE}|at a time|at once|"
    rf"{_FORM}|{_MG}|{_G}|{_ML}))"
)


def _read_strength_after(after: str, intake: Intake, strengths: Collection[float]) -> Intake:
    """A number after the name is the tablet's strength, not a count, when it is one of the drug's known
    strengths, has a decimal part other than a half (12.5 mg carvedilol is no count), or is 5 or more with no
    comma between ("Lasix 20 twice a day"; "Sudafed, 4 every 4 hours" stays a count)."""
    m = _NUMBER_AFTER.match(after)
    if m is None or intake.dose_mg is not None or intake.unit_mg is not None:
        return intake
    n = float(m["mg"])
    if n >= 25:
        return intake  # _read_after reads it as mg already
    known = any(abs(n - s) < 1e-6 for s in strengths)
    odd_fraction = n % 1 not in (0.0, 0.5)
    if not (known or odd_fraction or (n >= 5 and not m["comma"])):
        return intake
    return replace(intake, unit_mg=n) if intake.units is not None else replace(intake, dose_mg=n)


def _read_after(after: str, intake: Intake) -> Intake:
    m = _MG_AFTER.search(after)
    if m:
        mg = float(m["mg"]) * (1000.0 if re.fullmatch(_G, m["unit"]) else 1.0)
        if intake.units is not None and intake.unit_mg is None:
            return replace(intake, unit_mg=mg)
        if m["n"]:
            return replace(intake, units=float(m["n"]), unit_mg=mg)
        # "diphenhydramine 50 milligrams. I took two every four hours": a count said after the strength
        rest = after[m.end():]
        c = _VERB_COUNT.search(rest) or _COUNT_FREQ.search(rest)
        if c is not None and (n := _qty(c)) is not None and n <= 10:
            return replace(intake, units=n, unit_mg=mg)
        if intake.dose_mg is None:
            intake = replace(intake, dose_mg=mg)
        return intake
    m = _ML_AFTER.search(after)
    if m and intake.dose_ml is None and intake.dose_mg is None:
        return replace(intake, dose_ml=(float(m["n"]) if m["n"] else 1.0) * _ml_per(m["unit"]))
    m = _BARE_AFTER.search(after)
    if m and float(m["mg"]) >= 25 and intake.dose_mg is None:
        mg = float(m["mg"])
        return replace(intake, unit_mg=mg) if intake.units is not None else replace(intake, dose_mg=mg)
    if intake.units is None and intake.dose_mg is None and intake.dose_ml is None:
        m = _COUNT_AFTER.search(after) or _VERB_COUNT.search(after) or _COUNT_FREQ.search(after)
        if m and _qty(m) is not None:
            umg = float(m["umg"]) if m.groupdict().get("umg") else None
            return replace(intake, units=_qty(m), unit_mg=umg or intake.unit_mg)
    return intake


def _read_answer(after: str, intake: Intake) -> Intake:
    """An answer to "how many did you take?": "Like 15.", "About twelve, maybe more." """
    m = _LEADING_COUNT.match(after)
    if m is None:
        return intake
    n = float(m["n"])
    return replace(intake, dose_mg=n) if n > 30 else replace(intake, units=n)


def _read_count_elsewhere(before: str, intake: Intake) -> Intake:
    """ "Twelve of them" or "two every four hours" said before the drug's name."""
    if intake.units is not None or intake.dose_mg is not None or intake.dose_ml is not None:
        return intake
    m = _OF_THEM.search(before) or _COUNT_FREQ.search(before)
    if m:
        n = _qty(m) if "apre" in m.groupdict() else (float(m["n"]) if m["n"] and m["n"][0].isdigit() else 2.0 if m["n"] == "a couple" else 3.0)
        if n is not None:
            return replace(intake, units=n)
    return intake


_FIRST_COUNT = re.compile(rf"\s*,?\s*(?P<n>{_NUM})\s+(?:\w+\s+)?{_FIRST_DOSE}\b")
_PER_EPISODE = re.compile(
    rf"\bthen\s+(?:took\s+|i took\s+|had\s+)?(?P<each>{_NUM}|one|a couple)\s+(?:more\s+)?(?:\w+\s+){{0,2}}?"
    rf"(?:after (?:every|each)|every time|each time|whenever|with (?:every|each))\b[^.?!]*?\b{_APPROX}(?P<k>{_NUM})\s+(?:more|other)\b")


def _read_more_doses(after: str, intake: Intake) -> tuple[Intake, list[tuple[int, int]]]:
    """Doses on top of the first ("and two more at bedtime"), and where in ``after`` they were said."""
    if intake.dose_mg is not None and intake.units is None:
        more = sum(float(m["n"]) * (1000.0 if re.fullmatch(_G, m["unit"]) else 1.0) for m in _MORE_MASS.finditer(after))
        return (replace(intake, total_mg=intake.dose_mg + more) if more else intake), []
    base = intake.units is not None or intake.total_units is not None
    extra = 0.0
    sw: str | None = None
    spans: list[tuple[int, int]] = []
    if (episode := _PER_EPISODE.search(after)) is not None:
        if not base and (first := _FIRST_COUNT.match(after)) is not None:
            intake, base = replace(intake, units=float(first["n"])), True  # "Imodium, two right away and then ..."
        if base:
            # "two right away and then one after every loose one, must've been five more": a dose per episode, counted
            each = {"one": 1.0, "a couple": 2.0}.get(episode["each"]) or float(episode["each"])
            return replace(intake, extra_units=each * float(episode["k"])), [episode.span()]
    for m in _MORE_AT.finditer(after):
        more = bool(m["more"] or m["more2"] or m["another"] or m["n3"])
        if not (m["at"] or more):
            continue  # "2 Advil ... , 2 hours later": no dose
        n = m["n"] or m["n2"] or m["n3"]
        # With a schedule said ("two every eight hours") or no first amount ("my Tylenol three times a day"), a
        # dose listed by its time only is the schedule spelt out; only doses said to be more add to it.
        if (intake.has_frequency or not base) and not (more or n in ("another", "one more")):
            continue
        extra += 1.0 if n in ("another", "one more", "one") else 2.0 if n == "a couple" else 3.0 if n == "a few" else float(n)
        sw = sw or m["sw"]
        spans.append(m.span())
    return (replace(intake, extra_units=extra, extra_strength_words=sw) if extra else intake), spans


def _read_totals(both: str, intake: Intake) -> Intake:
    m = _BOTTLE.search(both)
    if m:
        part = m["part"]
        share = 0.5 if part.startswith(("half", "0.5")) else 0.75 if part.startswith("most") else 1.0
        return replace(intake, total_units=BOTTLE_UNITS * share, bottle=True)
    m = _GRAMS_TOTAL.search(both)
    if m:
        mg = float(m["n"]) * (1000.0 if re.fullmatch(_G, m["unit"]) else 1.0)
        return replace(intake, total_mg=mg)
    return intake


def _read_frequency(both: str, intake: Intake) -> Intake:
    m = _EVERY.search(both)
    if m:
        if m["hourly"]:
            hours = 1.0
        elif m["h"]:
            hours = float(m["h"])
            if m["h2"]:
                hours = max(hours, float(m["h2"]))  # "every four to six hours": the fewest doses it can mean
        else:
            hours = {"other": 2.0, "couple": 2.0, "couple of": 2.0, "few": 3.0, "single": 1.0}.get(m["word"] or "single", 1.0)
        if hours > 0:
            intake = replace(intake, interval_h=hours)
    times = _times(both)
    if times is not None:
        intake = replace(intake, times=times)
    m = _AWAKE.search(both)
    if m:
        intake = replace(intake, span_h=float(m["h"]) if m["h"] else AWAKE_HOURS)
    else:
        m = _FOR_HOURS.search(both)
        if m and intake.interval_h:
            intake = replace(intake, span_h=min(24.0, float(m["h"])))
    if intake.times is None and intake.interval_h is None and intake.units is not None \
            and (m := _WHEN_LIST.search(both[both.index("@") + 1:] if "@" in both else both)) is not None:
        rest = m["crest"] if m["clock"] else m["mrest"]
        intake = replace(intake, times=1.0 + len(re.findall(_WHEN_SEP, rest)))
    if intake.times is None and intake.interval_h is None and _DAILY.search(both) and intake.units is not None:
        intake = replace(intake, times=1.0)
    return intake


def _times(both: str) -> float | None:
    """Doses in a day from "five times", "twice", "three times a day" ("twice a week" is under one)."""
    best: float | None = None
    for m in _TIMES.finditer(both):
        # "four or five times a day": the fewest doses it can mean
        n = float(m["lo"] or m["n"]) if m["n"] else 2.0 if m["twice"] else 3.0 if m["thrice"] else 1.0
        period = m["period"]
        if period in ("week",):
            n = n / 7.0
        elif period == "month":
            n = n / 30.0
        elif period == "hour":
            n = n * 24.0
        if m["once"] and not period:
            continue  # "once" alone is usually "once I got home"
        best = n if best is None else max(best, n)
    return best
