"""Dates and times as people say and write them on a call.

Dates: "June 30th, 1961", "6/30/61", "06-30-1961", "1961-06-30", "the thirtieth of June, 1961",
"thirty June sixty-one", "June thirtieth nineteen sixty one", "Tuesday, January 5", "on the 11th",
"in October", "tomorrow", "next Tuesday"; with ``spoken_numeric`` also "six thirty sixty-one"
(month, day, year as bare numbers, the way a caller reads a date of birth).

Times: "9 in the morning", "9 a.m.", "9:30 AM", "nine thirty", "half past nine", "quarter to ten",
"ten o'clock", "noon", "at 2".

Everything works on a small token stream (words, digits, punctuation with character spans) so spoken
and written forms share one grammar. Nothing here knows about care plans.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from specialists.text.numbers import ORDINAL_UNITS as _ORD_UNITS
from specialists.text.numbers import ORDINALS as _ORDINALS

# Nouns an ordinal counts that are not days: "the second floor", "the third time", "the first dose".
_ORDINAL_OF = frozenset({"floor", "floors", "time", "times", "dose", "doses", "pill", "one", "ones", "shot", "visit", "try", "round",
                         "cycle", "week", "weeks", "month", "months", "day", "days", "year", "years", "door", "street", "avenue",
                         "grade", "opinion", "place", "step", "thing", "person", "hour", "stage", "trimester", "half", "quarter"})
from specialists.text.numbers import TEENS as _TEENS
from specialists.text.numbers import TENS as _TENS
from specialists.text.numbers import UNITS as _UNITS

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
# Abbreviations that are also everyday words count only right beside a day number.
_WEAK_MONTHS = {"may", "mar", "jan", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "apr", "feb", "sept", "march"}
WEEKDAYS = {
    "monday": 0, "tuesday": 1, "tues": 1, "wednesday": 2, "thursday": 3, "thurs": 3, "friday": 4,
    "saturday": 5, "sunday": 6,
}


def days_back_to(weekday: str, today: dt.date) -> int:
    """Days back from ``today`` to the last ``weekday`` ("since Monday" on a Friday is 4); today's own weekday is a
    week back."""
    return (today.weekday() - WEEKDAYS[weekday]) % 7 or 7

_TOKEN = re.compile(r"\d+(?:st|nd|rd|th)?(?![A-Za-z])|[A-Za-z]+(?:'[A-Za-z]+)?|[^\sA-Za-z\d]")
# Written numeric forms, found before the token grammar runs.
_ISO = re.compile(r"(?<![\d/.-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d/-])")
_NUMERIC = re.compile(r"(?<![\d/.:-])(\d{1,2})\s?([/.-])\s?(\d{1,2})(?:\s?\2\s?(\d{4}|\d{2}))?(?![\d/:]|\.\d|-\d)")
_YEAR_FIRST = re.compile(r"(?<![\d/-])((?:19|20)\d\d),?\s+(?:([A-Za-z]{3,9}\.?)\s+(\d{1,2})(?:st|nd|rd|th)?\b|"
                         r"(\d{1,2})\s*(?:month|月)\s*(\d{1,2})\s*(?:day|日)?)", re.IGNORECASE)
_COMPACT = re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{4})(?!\d)")
_CLOCK = re.compile(r"(?<![\d.:])([01]?\d|2[0-3])[:.]([0-5]\d)(?!\d)(?:\s*([ap])\.?\s?m\b\.?)?", re.I)
_MERIDIEM = re.compile(r"\s*(?:([ap])\.?\s?m\b\.?|in the (morning|afternoon|evening)|at night|tonight)", re.I)


@dataclass(frozen=True)
class DateMention:
    """A date or part of one; every field the text did not say is None."""

    start: int
    end: int
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None  # Monday = 0
    relative: str | None = None  # "today", "tomorrow", "yesterday", "next", "this"
    year_digits: int = 0  # 2 for "'61" / "sixty-one", 4 for "1961"
    day_month_swappable: bool = False  # "6/7/61": June 7 or 6 July

    @property
    def is_full(self) -> bool:
        return self.year is not None and self.month is not None and self.day is not None

    def dates(self, today: dt.date | None = None) -> list[dt.date]:
        """Calendar dates a full mention can stand for (both centuries of a 2-digit year, both
        readings of an ambiguous numeric date); [] when it is not a full date."""
        if not self.is_full:
            return []
        assert self.year is not None and self.month is not None and self.day is not None
        years = [self.year] if self.year_digits != 2 else [1900 + self.year % 100, 2000 + self.year % 100]
        pairs = [(self.month, self.day)] + ([(self.day, self.month)] if self.day_month_swappable else [])
        out = []
        for y in years:
            for m, d in pairs:
                try:
                    day = dt.date(y, m, d)
                except ValueError:
                    continue
                if today is None or day <= today or self.year_digits != 2:
                    out.append(day)
        return out


@dataclass(frozen=True)
class TimeMention:
    start: int
    end: int
    hour: int  # 0-23 when the half of the day is known, else 1-12
    minute: int = 0
    meridiem: str | None = None  # "am", "pm" or None when not said

    def matches(self, hour24: int, minute: int) -> bool:
        if minute != self.minute:
            return False
        if self.meridiem is None:
            return hour24 % 12 == self.hour % 12
        return hour24 == self.hour


@dataclass
class _Tok:
    low: str
    start: int
    end: int
    num: int | None = None  # value of a number token (digits or words merged)
    ordinal: bool = False
    digits: int = 0  # number of digits when written in digits
    words: int = 1  # how many raw tokens it covers (for spoken numbers)


def _raw_tokens(text: str) -> list[_Tok]:
    out = []
    for m in _TOKEN.finditer(text):
        s = m.group()
        tok = _Tok(s.lower(), m.start(), m.end())
        if s[0].isdigit():
            digits = re.match(r"\d+", s)
            assert digits is not None
            tok.num, tok.digits = int(digits.group()), len(digits.group())
            tok.ordinal = len(s) > len(digits.group())
        out.append(tok)
    return out


def _merge_number_words(toks: list[_Tok]) -> list[_Tok]:
    """Number words 0-99 and ordinals 1st-31st become one number token ("sixty-one", "twenty first")."""
    out: list[_Tok] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        w = t.low
        if w in _TENS:
            j = i + 1
            if j < len(toks) and toks[j].low == "-" and j + 1 < len(toks):
                j += 1
            nxt = toks[j].low if j < len(toks) else ""
            if nxt in _UNITS and nxt != "zero" and j > i:
                out.append(_Tok(w, t.start, toks[j].end, _TENS[w] + _UNITS[nxt], False, 0, j - i + 1))
                i = j + 1
                continue
            if nxt in _ORD_UNITS and j > i:
                out.append(_Tok(w, t.start, toks[j].end, _TENS[w] + _ORD_UNITS[nxt], True, 0, j - i + 1))
                i = j + 1
                continue
            out.append(_Tok(w, t.start, t.end, _TENS[w]))
        elif w in _TEENS:
            out.append(_Tok(w, t.start, t.end, _TEENS[w]))
        elif w in _UNITS:
            out.append(_Tok(w, t.start, t.end, _UNITS[w]))
        elif w in _ORDINALS:
            out.append(_Tok(w, t.start, t.end, _ORDINALS[w], True))
        else:
            out.append(t)
        i += 1
    return out


def _tokens(text: str) -> list[_Tok]:
    return _merge_number_words(_raw_tokens(text))


class _Parser:
    def __init__(self, text: str, toks: list[_Tok], *, spoken_numeric: bool, two_digit_years: bool):
        self.text = text
        self.t = toks
        self.spoken_numeric = spoken_numeric
        self.two_digit_years = two_digit_years

    # -- helpers ----------------------------------------------------------------------------------
    def low(self, i: int) -> str:
        return self.t[i].low if 0 <= i < len(self.t) else ""

    def skip(self, i: int, *words: str) -> int:
        while i < len(self.t) and self.t[i].low in words:
            i += 1
        return i

    def month(self, i: int) -> int | None:
        w = self.low(i)
        if w in MONTHS:
            # "Dec." is fine; everyday words ("may", "march") only beside a day number (checked by callers).
            return MONTHS[w]
        return None

    def day(self, i: int) -> tuple[int, int] | None:
        """(day, next index) for a day number 1-31 at i."""
        if i >= len(self.t):
            return None
        tok = self.t[i]
        if tok.num is None or not 1 <= tok.num <= 31 or (tok.digits > 2):
            return None
        return tok.num, i + 1

    def year(self, i: int, *, allow_two: bool) -> tuple[int, int, int] | None:
        """(year, digits said, next index) at i: 1961, '61, nineteen sixty one, two thousand one."""
        if i >= len(self.t):
            return None
        tok = self.t[i]
        if tok.low == "'" and i + 1 < len(self.t) and self.t[i + 1].digits == 2:
            return self.t[i + 1].num or 0, 2, i + 2
        if tok.num is None or tok.ordinal:
            return None
        if tok.digits == 4 and 1900 <= tok.num <= 2100:
            return tok.num, 4, i + 1
        if tok.digits == 0:
            # "two thousand (and) one", "two thousand twenty-six"
            if tok.num == 2 and self.low(i + 1) == "thousand":
                j = self.skip(i + 2, "and")
                nxt = self.t[j] if j < len(self.t) else None
                if nxt is not None and nxt.num is not None and nxt.digits == 0 and not nxt.ordinal and nxt.num < 100:
                    return 2000 + nxt.num, 4, j + 1
                return 2000, 4, i + 2
            # "nineteen sixty one", "nineteen oh five", "twenty twenty-six"
            if tok.num in {19, 20} or 11 <= tok.num <= 20:
                j = i + 1
                if self.low(j) == "-":  # "nineteen-fifty", as a transcript or a writer hyphenates it
                    j += 1
                if self.low(j) == "oh" and j + 1 < len(self.t) and (self.t[j + 1].num or 0) < 10 and self.t[j + 1].digits == 0:
                    return tok.num * 100 + (self.t[j + 1].num or 0), 4, j + 2
                nxt = self.t[j] if j < len(self.t) else None
                if nxt is not None and nxt.num is not None and nxt.digits == 0 and not nxt.ordinal and 10 <= nxt.num < 100:
                    return tok.num * 100 + nxt.num, 4, j + 1
                if self.low(j) == "hundred":
                    return tok.num * 100, 4, j + 1
        if allow_two and (tok.digits == 2 or (tok.digits == 0 and tok.num < 100)):
            return tok.num, 2, i + 1
        return None

    def weekday(self, i: int) -> int | None:
        w = self.low(i)
        return WEEKDAYS.get(w[:-1] if w.endswith("s") and w[:-1] in WEEKDAYS else w)

    # -- grammar ----------------------------------------------------------------------------------
    def parse_at(self, i: int) -> tuple[DateMention, int] | None:
        start_tok = i
        wd = self.weekday(i)
        rel = None
        if self.low(i) in {"next", "this", "coming"} and self.weekday(i + 1) is not None:
            rel = "next" if self.low(i) == "next" else "this"
            i += 1
            wd = self.weekday(i)
        if wd is not None:
            j = self.skip(i + 1, ",", "the")
            found = self._month_day(j) or self._day_month(j)
            if found:
                m, j2 = found
                return self._mk(start_tok, j2, m, weekday=wd, relative=rel), j2
            return DateMention(self.t[start_tok].start, self.t[i].end, weekday=wd, relative=rel), i + 1
        if self.low(i) in {"today", "tonight", "tomorrow", "yesterday"}:
            name = {"tonight": "today"}.get(self.low(i), self.low(i))
            return DateMention(self.t[i].start, self.t[i].end, relative=name), i + 1
        found = self._month_day(i) or self._day_month(i) or (self.spoken_numeric and self._spoken_numeric(i)) or None
        if found:
            m, j = found
            return self._mk(start_tok, j, m), j
        # "in October", "from October 2026": a month on its own
        mon = self.month(i)
        if mon is not None and (self.low(i) not in _WEAK_MONTHS or self.t[i].low != self.t[i].low.lower()
                                or self.low(i - 1) in {"in", "of", "from", "since", "during", "last", "this", "next", "early", "late", "mid"}):
            if self.low(i) == "may" and self.low(i - 1) not in {"in", "of", "from", "since", "during", "last", "this", "next"}:
                return None
            j = self.skip(i + 1, ",", "of")
            y = self.year(j, allow_two=False)
            end = y[2] if y else i + 1
            return DateMention(self.t[i].start, self.t[end - 1].end, year=y[0] if y else None, month=mon,
                               year_digits=y[1] if y else 0), end
        # "the 11th", "on the fifth": a day of the month alone (ordinal only, after "the")
        # (not an ordinal of something else: "on the second floor", "the third time", "the first dose")
        if self.low(i) == "the" and i + 1 < len(self.t) and self.t[i + 1].ordinal and self.day(i + 1) \
                and not (i + 2 < len(self.t) and self.low(i + 2) in _ORDINAL_OF):
            d = self.day(i + 1)
            assert d is not None
            return DateMention(self.t[i].start, self.t[i + 1].end, day=d[0]), i + 2
        return None

    def _mk(self, start_tok: int, end_tok: int, m: dict[str, int], *, weekday: int | None = None,
            relative: str | None = None) -> DateMention:
        return DateMention(self.t[start_tok].start, self.t[end_tok - 1].end, year=m.get("year"), month=m.get("month"),
                           day=m.get("day"), weekday=weekday, relative=relative, year_digits=m.get("digits", 0))

    def _tail_year(self, j: int, m: dict[str, int]) -> int:
        k = self.skip(j, ",", "of", "in")
        y = self.year(k, allow_two=self.two_digit_years or (k < len(self.t) and self.t[k].low == "'"))
        if y is not None:
            m["year"], m["digits"] = y[0], y[1]
            return y[2]
        return j

    def _month_day(self, i: int) -> tuple[dict[str, int], int] | None:
        mon = self.month(i)
        if mon is None:
            return None
        j = self.skip(i + 1, ".")
        j = self.skip(j, "the")
        d = self.day(j)
        if d is None:
            return None
        # "May 5 pills" is not a date; a time ("January 5 at 9") is fine.
        m = {"month": mon, "day": d[0]}
        return m, self._tail_year(d[1], m)

    def _day_month(self, i: int) -> tuple[dict[str, int], int] | None:
        j = self.skip(i, "the")
        d = self.day(j)
        if d is None:
            return None
        k = self.skip(d[1], "of")
        mon = self.month(k)
        if mon is None:
            return None
        m = {"month": mon, "day": d[0]}
        return m, self._tail_year(k + 1, m)

    def _spoken_numeric(self, i: int) -> tuple[dict[str, int], int] | None:
        """Month, day and year read as numbers: "six thirty sixty-one", "oh six thirty nineteen sixty one"."""
        j = i
        if self.low(j) == "oh":
            j += 1
        if j >= len(self.t) or self.t[j].num is None or self.t[j].digits or not 1 <= (self.t[j].num or 0) <= 12:
            return None
        mon = self.t[j].num or 0
        k = self.skip(j + 1, ",")
        if self.low(k) == "oh":
            k += 1
        d = self.day(k)
        if d is None or self.t[k].digits:
            return None
        y = self.year(self.skip(d[1], ","), allow_two=True)
        if y is None:
            return None
        return {"month": mon, "day": d[0], "year": y[0], "digits": y[1]}, y[2]


def _written(text: str, *, two_digit_years: bool) -> list[DateMention]:
    out = []
    for m in _ISO.finditer(text):
        out.append(DateMention(m.start(), m.end(), int(m.group(1)), int(m.group(2)), int(m.group(3)), year_digits=4))
    for m in _NUMERIC.finditer(text):
        a, sep, b, y = int(m.group(1)), m.group(2), int(m.group(3)), m.group(4)
        if y is None and (sep != "/" or two_digit_years):
            continue  # "7.5" or "3-4" are not dates; "12/11" is
        if y is not None and len(y) == 2 and not two_digit_years and sep == ".":
            continue
        month, day = (a, b) if a <= 12 else (b, a)
        if month > 12 or day > 31 or month < 1 or day < 1:
            continue
        year = int(y) if y else None
        out.append(DateMention(m.start(), m.end(), year, month, day, year_digits=len(y) if y else 0,
                               day_month_swappable=a <= 12 and b <= 12 and a != b))
    # Year first, as many second-language speakers and East Asian usage put it: "1959, February 14", "1959 2 month 14 day".
    for m in _YEAR_FIRST.finditer(text):
        month = MONTHS.get(m.group(2).lower().rstrip(".")) if m.group(2) else int(m.group(4))
        day = int(m.group(3) or m.group(5))
        if month and 1 <= month <= 12 and 1 <= day <= 31:
            out.append(DateMention(m.start(), m.end(), int(m.group(1)), month, day, year_digits=4))
    if two_digit_years:
        for m in _COMPACT.finditer(text):
            a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
            if 1 <= a <= 12 and 1 <= b <= 31 and 1900 <= y <= 2100:
                out.append(DateMention(m.start(), m.end(), y, a, b, year_digits=4))
    return out


def find_dates(text: str, *, spoken_numeric: bool = False, two_digit_years: bool = False) -> list[DateMention]:
    """Every date (or part of one) in the text, left to right.

    ``spoken_numeric``: also read bare "month day year" numbers ("six thirty sixty-one"); use it only
    where a date is expected (a date of birth). ``two_digit_years``: "June 30th, 61" and "6/30/61".
    """
    written = _written(text, two_digit_years=two_digit_years or spoken_numeric)
    taken = [(d.start, d.end) for d in written]
    toks = [t for t in _tokens(text) if not any(s <= t.start < e for s, e in taken)]
    parser = _Parser(text, toks, spoken_numeric=spoken_numeric, two_digit_years=two_digit_years or spoken_numeric)
    out = list(written)
    i = 0
    while i < len(toks):
        found = parser.parse_at(i)
        if found is None:
            i += 1
            continue
        mention, nxt = found
        out.append(mention)
        i = max(nxt, i + 1)
    return sorted(out, key=lambda d: d.start)


def _hour_word(tok: _Tok) -> int | None:
    if tok.num is not None and not tok.ordinal and 1 <= tok.num <= 12 and tok.digits <= 2:
        return tok.num
    return None


def _meridiem_after(text: str, pos: int) -> tuple[str | None, int]:
    m = _MERIDIEM.match(text, pos)
    if not m:
        return None, pos
    if m.group(1):
        return ("am" if m.group(1).lower() == "a" else "pm"), m.end()
    part = (m.group(2) or "").lower()
    if part == "morning":
        return "am", m.end()
    return "pm", m.end()


def _to24(hour: int, meridiem: str | None) -> int:
    if meridiem == "am":
        return 0 if hour == 12 else hour
    if meridiem == "pm":
        return hour if hour == 12 else hour + 12
    return hour


def find_times(text: str) -> list[TimeMention]:
    """Every clock time in the text ("9 in the morning", "9:30 AM", "nine thirty", "half past two", "noon")."""
    out: list[TimeMention] = []
    taken: list[tuple[int, int]] = []
    for m in _CLOCK.finditer(text):
        hour, minute = int(m.group(1)), int(m.group(2))
        mer = None
        end = m.end()
        if m.group(3):
            mer = "am" if m.group(3).lower() == "a" else "pm"
        else:
            mer, end = _meridiem_after(text, m.end())
        if mer is None and hour > 12:
            mer, hour = ("pm", hour)
            out.append(TimeMention(m.start(), end, hour, minute, "pm"))
        else:
            out.append(TimeMention(m.start(), end, _to24(hour, mer), minute, mer))
        taken.append((m.start(), end))
    toks = [t for t in _tokens(text) if not any(s <= t.start < e for s, e in taken)]
    i = 0
    while i < len(toks):
        found = _time_at(text, toks, i)
        if found is None:
            i += 1
            continue
        mention, nxt = found
        out.append(mention)
        i = nxt
    return sorted(out, key=lambda t: t.start)


def _time_at(text: str, toks: list[_Tok], i: int) -> tuple[TimeMention, int] | None:
    t = toks[i]
    if t.low in {"noon", "midday"}:
        return TimeMention(t.start, t.end, 12, 0, "pm"), i + 1
    if t.low == "midnight":
        return TimeMention(t.start, t.end, 0, 0, "am"), i + 1
    # "half past nine", "quarter past ten", "quarter to ten"
    if t.low in {"half", "quarter"} and i + 2 < len(toks) and toks[i + 1].low in {"past", "after", "to", "till", "of"}:
        h = _hour_word(toks[i + 2])
        if h is not None:
            mer, end = _meridiem_after(text, toks[i + 2].end)
            if toks[i + 1].low in {"to", "till", "of"}:
                if t.low == "half":
                    return None
                hour, minute = (h - 1) or 12, 45
            else:
                hour, minute = h, 30 if t.low == "half" else 15
            return TimeMention(t.start, max(end, toks[i + 2].end), _to24(hour, mer), minute, mer), i + 3
    h = _hour_word(t)
    if h is None or (t.digits and re.match(r"[.,]\d", text[t.end:t.end + 2])):
        return None  # "5.6" is a decimal, not five o'clock
    prev = toks[i - 1].low if i > 0 else ""
    j = i + 1
    minute = 0
    nxt_num = toks[j + 1].num if j + 1 < len(toks) else None
    if j < len(toks) and toks[j].low == "oh" and nxt_num is not None and nxt_num < 10 and toks[j + 1].digits == 0:
        minute, j = nxt_num, j + 2
    elif j < len(toks) and toks[j].num is not None and toks[j].digits == 0 and not toks[j].ordinal \
            and 10 <= (toks[j].num or 0) <= 59 and t.digits == 0:
        minute, j = toks[j].num or 0, j + 1
    end = toks[j - 1].end
    oclock = j < len(toks) and toks[j].low in {"o'clock", "oclock"}
    if oclock:
        end = toks[j].end
        j += 1
    mer, mend = _meridiem_after(text, end)
    if mer is None and not oclock and prev not in {"at", "around", "about", "by", "from", "until", "til", "till"}:
        return None
    if mer is None and not oclock and minute == 0 and prev in {"about", "around", "by", "from", "until"}:
        return None  # "about 9 pounds", "by 2" are not reliably times
    if mer is not None:
        end = mend
        while j < len(toks) and toks[j].start < end:
            j += 1
    return TimeMention(t.start, end, _to24(h, mer), minute, mer), j


def dates_of_birth(text: str, today: dt.date | None = None) -> list[DateMention]:
    """Full dates in a caller's answer to "what is your date of birth?" (every common form)."""
    return [d for d in find_dates(text, spoken_numeric=True, two_digit_years=True) if d.is_full]


__all__ = ["MONTHS", "WEEKDAYS", "DateMention", "TimeMention", "dates_of_birth", "find_dates", "find_times"]
