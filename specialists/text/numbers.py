"""Numbers as people say them on the phone, turned into digits.

"one eighty over ninety five" -> "180 over 95", "a hundred and two" -> "102", "three point one" -> "3.1",
"ninety eight point six" -> "98.6", "one oh two" -> "102", "two and a half" -> "2.5",
"nineteen sixty one" -> "1961", "June thirtieth" -> "June 30th".

Speech recognisers also mix forms ("one 52", "1,200"); digits pass through unchanged. Colloquial
hundreds ("one fifty-two") are read as 152 unless a drug unit follows the second part
("two twenty milligram tablets" stays 2 x 20 mg).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A telephone number ("my cell's 555-0147", "call 555-123-4567"): never a value of anything, and a call-back number to note.
PHONE_NUMBER = re.compile(r"(?<![\d/.-])(?:\(?\d{3}\)?[-. ])?\d{3}-\d{4}(?![\d/.-])")

UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
         "seventeen": 17, "eighteen": 18, "nineteen": 19}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
            "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
            "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
            "twentieth": 20, "thirtieth": 30}
ORDINAL_UNITS = {k: v for k, v in ORDINALS.items() if v < 10}
DRUG_UNITS = {"mg", "milligram", "milligrams", "mcg", "microgram", "micrograms", "gram", "grams", "unit", "units",
              "ml", "milliliter", "milliliters", "cc", "milligramme", "milligrammes"}

_PRONOUN_ONE = {"no", "every", "some", "any", "other", "this", "that", "which", "each", "the", "little", "new", "old", "big", "right"}

_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?|[A-Za-z]+(?:'[A-Za-z]+)?|\S")


@dataclass(frozen=True)
class NumberSpan:
    value: float
    start: int  # character offsets in the original text
    end: int
    ordinal: bool = False

    @property
    def text(self) -> str:
        return format_number(self.value) + (_ordinal_suffix(int(self.value)) if self.ordinal else "")


def format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _ordinal_suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


@dataclass
class _Tok:
    text: str
    low: str
    start: int
    end: int


def _tokens(text: str) -> list[_Tok]:
    out = []
    for m in _TOKEN.finditer(text):
        # Split hyphenated number words ("fifty-two") into their parts.
        out.append(_Tok(m.group(), m.group().lower(), m.start(), m.end()))
    return out


def _small(words: list[_Tok], i: int) -> tuple[int, int] | None:
    """A number 0..99 in words at i: (value, tokens used)."""
    if i >= len(words):
        return None
    w = words[i].low
    if w in TEENS:
        return TEENS[w], 1
    if w in TENS:
        if i + 2 < len(words) and words[i + 1].low == "-" and words[i + 2].low in UNITS and words[i + 2].low != "zero":
            return TENS[w] + UNITS[words[i + 2].low], 3
        if i + 1 < len(words) and words[i + 1].low in UNITS and words[i + 1].low != "zero":
            return TENS[w] + UNITS[words[i + 1].low], 2
        return TENS[w], 1
    if w in UNITS:
        return UNITS[w], 1
    return None


def _small_ordinal(words: list[_Tok], i: int) -> tuple[int, int] | None:
    """An ordinal 1st..31st in words at i ("thirtieth", "twenty-first", "twenty first")."""
    w = words[i].low
    if w in ORDINALS:
        return ORDINALS[w], 1
    if w in TENS:
        j = i + 1
        if j < len(words) and words[j].low == "-":
            j += 1
        if j < len(words) and words[j].low in ORDINAL_UNITS:
            return TENS[w] + ORDINAL_UNITS[words[j].low], j - i + 1
    return None


def _digits(tok: _Tok) -> float | None:
    if tok.low[0].isdigit():
        raw = tok.low.replace(",", "")
        try:
            return float(raw)
        except ValueError:
            return None
    return None


def _followed_by_drug_unit(words: list[_Tok], j: int) -> bool:
    k = j + 1 if j < len(words) and words[j].low == "-" else j
    return k < len(words) and words[k].low in DRUG_UNITS


def _cardinal(words: list[_Tok], i: int) -> tuple[float, int] | None:
    """Parse a spoken number starting at token i: (value, tokens used)."""
    n = len(words)
    w = words[i].low
    # "a hundred", "a thousand", "a half"
    if w == "a" and i + 1 < n and words[i + 1].low in {"hundred", "thousand"}:
        total, j = (100 if words[i + 1].low == "hundred" else 1000), i + 2
        if words[i + 1].low == "hundred":
            rest = _after_hundred(words, j)
            if rest:
                total += rest[0]
                j = rest[1]
        return float(total), j - i
    if w in {"half"}:
        return 0.5, 1
    # "Hundred and two point six": a reading's "a" or "one" dropped at the start of an answer
    if w == "hundred" and (i == 0 or (words[i - 1].low not in UNITS and words[i - 1].low not in TEENS
                                      and words[i - 1].low not in TENS and _digits(words[i - 1]) is None)):
        rest = _after_hundred(words, i + 1)
        return (100.0 + rest[0], rest[1] - i) if rest else (100.0, 1)
    first = _small(words, i)
    if first is None:
        return None
    value, used = first
    j = i + used
    # Year pairs and colloquial hundreds: "nineteen sixty one", "one fifty two", "one oh two", "two twenty".
    if j < n and 1 <= value <= 99 and not (j < n and words[j].low in {"hundred", "thousand"}):
        if value <= 9 or value in {19, 20}:
            if words[j].low == "oh" and j + 1 < n and words[j + 1].low in UNITS:
                return float(value * 100 + UNITS[words[j + 1].low]), used + 2
            # "one-oh-two" as a recogniser writes it
            if words[j].low == "-" and j + 3 < n and words[j + 1].low == "oh" and words[j + 2].low == "-" \
                    and words[j + 3].low in UNITS and words[j].start == words[j - 1].end:
                return float(value * 100 + UNITS[words[j + 3].low]), used + 4
            # A hyphen may join the parts as a recogniser writes them: "two-twelve", "nine-forty".
            hyphen = 1 if words[j].low == "-" and words[j].start == words[j - 1].end else 0
            nxt = _small(words, j + hyphen)
            if nxt is not None and nxt[0] >= 10 and not _followed_by_drug_unit(words, j + hyphen + nxt[1]):
                if value <= 9 or (value in {19, 20} and nxt[0] >= 10):
                    return float(value * 100 + nxt[0]), used + hyphen + nxt[1]
    if j < n and words[j].low == "hundred":
        value *= 100
        j += 1
        rest = _after_hundred(words, j)
        if rest:
            value += rest[0]
            j = rest[1]
    if j < n and words[j].low == "thousand":
        value *= 1000
        j += 1
        if j < n and words[j].low == "and" and j + 1 < n and _small(words, j + 1):
            j += 1
        sub = _small(words, j) if j < n else None
        if sub:
            hundreds = sub[0]
            k = j + sub[1]
            if k < n and words[k].low == "hundred":
                hundreds *= 100
                k += 1
                rest = _after_hundred(words, k)
                if rest:
                    hundreds += rest[0]
                    k = rest[1]
            value += hundreds
            j = k
    return float(value), j - i


def _after_hundred(words: list[_Tok], j: int) -> tuple[int, int] | None:
    n = len(words)
    k = j + 1 if j < n and words[j].low == "and" else j
    sub = _small(words, k) if k < n else None
    if sub:
        return sub[0], k + sub[1]
    return None


def find_numbers(text: str) -> list[NumberSpan]:
    """Every number in the text, spoken or written, with its character span."""
    words = _tokens(text)
    spans: list[NumberSpan] = []
    i = 0
    n = len(words)
    while i < n:
        tok = words[i]
        value: float | None = _digits(tok)
        used = 1
        ordinal = False
        if value is None and tok.low == "one" and i > 0 and words[i - 1].low in _PRONOUN_ONE:
            i += 1  # "no one", "the other one": a pronoun, not a number
            continue
        if value is None and tok.low == "point" and i + 1 < n and words[i + 1].low in UNITS:
            value, used = 0.0, 0  # "point five": the decimal part is read below
        if value is not None and used:
            # "30th" stays an ordinal; "1.5" is read whole by the token pattern.
            if i + 1 < n and words[i + 1].low in {"st", "nd", "rd", "th"} and words[i + 1].start == tok.end:
                ordinal, used = True, 2
        else:
            ordv = _small_ordinal(words, i)
            parsed = _cardinal(words, i)
            if ordv and (parsed is None or ordv[1] >= parsed[1]):
                value, used, ordinal = float(ordv[0]), ordv[1], True
            elif parsed:
                value, used = parsed
        if value is None:
            i += 1
            continue
        j = i + used
        if used == 0:
            j = i  # a bare "point": the decimal reader starts here
        # Decimals: "three point one", "ninety eight point six", "point five".
        # Speech recognisers also write the decimal part in digits: "98 point 6", "11 point 25".
        if (not ordinal and j + 1 < n and words[j].low == "point" and words[j + 1].low.isdigit() and len(words[j + 1].low) > 1
                and float(value).is_integer()):
            value = float(f"{format_number(value)}.{words[j + 1].low}")
            j += 2
        elif not ordinal and j + 1 < n and words[j].low == "point" and (words[j + 1].low in UNITS or words[j + 1].low == "oh"
                                                                         or (words[j + 1].low.isdigit() and len(words[j + 1].low) == 1)):
            digits = []
            k = j + 1
            while k < n and (words[k].low in UNITS or words[k].low == "oh" or (words[k].low.isdigit() and len(words[k].low) == 1)):
                digits.append(str(UNITS.get(words[k].low, 0 if words[k].low == "oh" else words[k].low)))
                k += 1
            if digits:
                value = float(f"{format_number(value)}.{''.join(digits)}")
                j = k
        # "two and a half", "one and a half"
        if not ordinal and j + 2 < n and words[j].low == "and" and words[j + 1].low == "a" and words[j + 2].low == "half":
            value += 0.5
            j += 3
        spans.append(NumberSpan(value, tok.start, words[j - 1].end, ordinal))
        i = j
    return spans


def normalize_numbers(text: str) -> str:
    """The text with every spoken number replaced by digits (offsets change; use find_numbers for spans)."""
    out = []
    last = 0
    for span in find_numbers(text):
        original = text[span.start:span.end]
        if original.replace(",", "") == span.text or original == span.text:
            continue
        out.append(text[last:span.start])
        out.append(span.text)
        last = span.end
    out.append(text[last:])
    return "".join(out)
