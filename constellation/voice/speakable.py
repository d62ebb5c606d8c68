"""Text as a nurse would say it aloud: "40 mg" -> "forty milligrams", "120/80" -> "one twenty over eighty".

espeak-ng reads "mg" as "em gee" and "1/2" as a date; a patient on the phone needs the words. Only the
forms that appear in care-plan replies are rewritten; everything else is left to the synthesiser.
"""

from __future__ import annotations

import re

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def number_words(n: int) -> str:
    """Cardinal words for 0 <= n < 10**9."""
    if n < 0:
        return "minus " + number_words(-n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else "-" + _ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return _ONES[n // 100] + " hundred" + ("" if rest == 0 else " " + number_words(rest))
    for size, name in ((10**6, "million"), (10**3, "thousand")):
        if n >= size:
            rest = n % size
            return number_words(n // size) + f" {name}" + ("" if rest == 0 else " " + number_words(rest))
    raise ValueError(n)


def decimal_words(text: str) -> str:
    """ "0.5" -> "zero point five", "1,000" -> "one thousand"."""
    whole, _, frac = text.replace(",", "").partition(".")
    out = number_words(int(whole or "0"))
    if frac:
        out += " point " + " ".join(_ONES[int(d)] for d in frac)
    return out


def pressure_words(n: int) -> str:
    """How nurses read a blood-pressure number: 120 -> "one twenty", 105 -> "one oh five", 95 -> "ninety-five"."""
    if 100 <= n < 1000 and n % 100 != 0:
        rest = n % 100
        return f"{_ONES[n // 100]} " + (f"oh {_ONES[rest]}" if rest < 10 else number_words(rest))
    return number_words(n)


_UNITS = {
    "mg/dl": ("milligram per deciliter", "milligrams per deciliter"),
    "mmol/l": ("millimole per liter", "millimoles per liter"),
    "meq/l": ("milliequivalent per liter", "milliequivalents per liter"),
    "mmhg": ("millimeter of mercury", "millimeters of mercury"),
    "mcg": ("microgram", "micrograms"),
    "mg": ("milligram", "milligrams"),
    "ml": ("milliliter", "milliliters"),
    "g": ("gram", "grams"),
    "kg": ("kilogram", "kilograms"),
    "lbs": ("pound", "pounds"),
    "lb": ("pound", "pounds"),
    "units": ("unit", "units"),
    "unit": ("unit", "units"),
    "iu": ("international unit", "international units"),
    "bpm": ("beat per minute", "beats per minute"),
    "%": ("percent", "percent"),
    "°f": ("degree", "degrees"),
    "°c": ("degree Celsius", "degrees Celsius"),
}
_UNIT_RE = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_QUANTITY = re.compile(rf"(?<![\w.])({_NUM})\s*({_UNIT_RE})(?![a-z])", re.I)
_BP = re.compile(r"(?<![\w/])(\d{2,3})\s*/\s*(\d{2,3})(?![\w/])(?:\s*mm\s?hg\b)?", re.I)
_TIME = re.compile(r"\b(\d{1,2}):(\d{2})\s*([ap])\.?m\.?\b", re.I)
_ORDINAL = re.compile(r"\b(\d{1,2})(st|nd|rd|th)\b", re.I)
_911 = re.compile(r"\b911\b")
_NUMBER = re.compile(rf"(?<![\w.])({_NUM})(?![\w])")
_ABBREV = {r"\bDr\.": "Doctor", r"\bq\.?d\.?\b": "once a day", r"\bb\.?i\.?d\.?\b": "twice a day",
           r"\bt\.?i\.?d\.?\b": "three times a day", r"\bINR\b": "I N R", r"\bA1c\b": "A one C"}
_ORDINAL_WORDS = {1: "first", 2: "second", 3: "third", 5: "fifth", 8: "eighth", 9: "ninth", 12: "twelfth"}


def _ordinal(n: int) -> str:
    if n in _ORDINAL_WORDS:
        return _ORDINAL_WORDS[n]
    if n > 20 and n % 10 in _ORDINAL_WORDS and n % 10:
        return _TENS[n // 10] + "-" + _ORDINAL_WORDS[n % 10]
    words = number_words(n)
    return (words[:-1] + "ieth") if words.endswith("y") else words + "th"


def _quantity(m: re.Match[str]) -> str:
    number, unit = m.group(1), m.group(2).lower()
    singular, plural = _UNITS[unit]
    return f"{decimal_words(number)} {singular if number in ('1', '1.0') else plural}"


def _time(m: re.Match[str]) -> str:
    hour, minute, half = int(m.group(1)), int(m.group(2)), m.group(3).lower()
    spoken = number_words(hour) + ("" if minute == 0 else " " + (f"oh {_ONES[minute]}" if minute < 10
                                                                  else number_words(minute)))
    return f"{spoken} {'A M' if half == 'a' else 'P M'}"


def speakable(text: str) -> str:
    """The text rewritten for speech synthesis."""
    out = text
    for pattern, words in _ABBREV.items():
        out = re.sub(pattern, words, out)
    out = _911.sub("nine one one", out)
    out = _TIME.sub(_time, out)
    out = _BP.sub(lambda m: f"{pressure_words(int(m.group(1)))} over {pressure_words(int(m.group(2)))}", out)
    out = _QUANTITY.sub(_quantity, out)
    out = _ORDINAL.sub(lambda m: _ordinal(int(m.group(1))), out)
    out = _NUMBER.sub(lambda m: decimal_words(m.group(1)), out)
    return out
