"""How a caller says a scheduled drug is really taken: fewer times a day than the plan, a supply that should be
gone by now, doses found untaken.

Missed doses are rarely said with "missed". People give the schedule they keep ("the Pepcid, I just take it in the
morning", "sometimes once, sometimes twice", "every other day", "two of the three Sinemet"), the count left in a
bottle ("I picked up thirty on the first and I've still got eleven"), or what a carer found ("Tuesday's evening
pills still in her pill box"). Each reader here takes the words about one drug (its sentence, cut at the next drug
named) and returns the cue it read, or None; the medication specialist compares the schedule with the plan's
``times_per_day`` (CONTRACT.md §2: missed doses of a care-plan drug are routine).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re

from specialists.text.dates import find_dates
from specialists.text.numbers import normalize_numbers

# -- the schedule the caller keeps ----------------------------------------------------------------------------

_DAYPART = r"(?:morning|mornings|night|nights|nighttime|bedtime|evening|evenings|noon|midday|middle|lunch|lunchtime|afternoon|supper|dinner|breakfast)"
_ONCE = re.compile(
    r"\b(?:just|only|mostly|usually|really only|pretty much)\b(?:\s+\w+){0,4}?\s+(?:"
    r"once a day|once daily|one time a day|one a day|one a night|once|"
    rf"(?:in the|at|every|each|of a|first thing in the) {_DAYPART}|(?:the )?{_DAYPART}(?:time)? (?:one|dose|pill|tablet|capsule|puff|shot)s?)\b")
_SOMETIMES_LESS = re.compile(r"\bsometimes (?:once|one)\b[^.?!]{0,25}\bsometimes (?:twice|two)\b|\b(?:once|one) or (?:twice|two) a day\b")
_EVERY_OTHER = re.compile(r"(?<!every day or )(?<!daily or )\bevery (?:other|second|2nd|couple of|few) (?:day|days|night|nights|morning|mornings|evening)\b|"
                          r"\b(?:a )?(?:few|couple of|two|three|four) (?:times|days) a week\b")
_N_OF_M = re.compile(r"\b(one|two|three) of (?:the |his |her |my |their )?(two|three|four)\b")
_SMALL = {"one": 1, "two": 2, "three": 3, "four": 4}
_PAIR = re.compile(r"\b(?:morning and (?:at )?(?:night|evening|bedtime|supper)|(?:night|evening) and morning|twice a day|two times a day|twice daily)\b")
# A named dose let go: "the night one I blow off", "I don't bother with the night one", "Nighttime I forget".
_SKIP_VERB = r"(?:forget|forgets|forgot|skip|skips|skipped|miss|misses|missed|blow off|blows off|slips?|spits? (?:it |right )?out|never (?:remember|get|take|do)|don'?t (?:bother|do|take|remember)|doesn'?t (?:get|take))"
_NAMED_DOSE_SKIPPED = re.compile(
    rf"(?:^|(?<=[.!?;] )|\bthe ){_DAYPART}(?:time)?(?: one| dose| pill| tablet| puff| shot)?s?\b,?\s+(?:(?:i|he|she|we|they)\s+)?(?:\w+\s+){{0,2}}?{_SKIP_VERB}\b|"
    rf"\b{_SKIP_VERB}\b(?: with| about)? the {_DAYPART}(?:time)? (?:one|dose|pill|tablet|puff|shot)s?\b")
_NOT_A_SKIP = re.compile(r"\b(?:never|no|not|don'?t|didn'?t|won'?t|haven'?t|hasn'?t)\s+(?:\w+\s+)?(?:forget|forgot|miss|missed|skip|skipped)\b")
# Taken only when the caller feels the need: a controller used as a rescue ("I only use the Pulmicort when I'm wheezy").
_ONLY_WHEN = re.compile(r"\b(?:only|just)\b[^.?!,]{0,30}\bwhen (?:i|he|she|they)(?:'m|'s|'re| am| is| are| need| needs| feel| feels| think| thinks| get| gets| remember| remembers)\b|"
                        r"\bwhen (?:i|he|she) (?:feel|feels|think) (?:like )?(?:i|he|she) needs?\b")
# A dose let go by habit on some days: "I skip it if I'm gonna be out running errands".
_SKIP_HABIT = re.compile(r"\b(?:skip|skips|leave out|leaves out|don'?t take|doesn'?t take|hold|holds)\s+(?:it|them|that one|that|the \w+ one)\b[^.?!]{0,12}?\b(?:if|when|whenever|on days|any day|most days|some days)\b")
# Not the caller's own keeping of the schedule: an instruction, a question, a wish.
_NOT_KEPT = re.compile(r"\b(?:said|says|told|tells|wants?|wanted|supposed|asked|should|can i|could i|if i|what if|is it ok|is it okay|do i|would it)\b")


def fewer_than_planned(words: str, planned_per_day: float) -> str | None:
    """The cue when the caller's own words give fewer doses a day than the plan's ``planned_per_day``."""
    low = words.lower().replace("\u2019", "'")
    for m in _schedule_cues(low, planned_per_day):
        sentence_start = max(low.rfind(c, 0, m.start()) for c in ".!?;")
        sentence_end = min((i for i in (low.find(c, m.end()) for c in ".!?") if i >= 0), default=len(low))
        if low[sentence_end:sentence_end + 1] == "?" or _NOT_KEPT.search(low, sentence_start + 1, m.start()):
            continue  # a question, an instruction or a wish, not the schedule kept
        return m.group().strip()
    return None


def schedule_kept(words: str) -> str | None:
    """The cue when the caller gives a schedule of their own, fewer than any plan's ("only every other day");
    the specialist then compares it with the plan."""
    return fewer_than_planned(words, math.inf)


def _schedule_cues(low: str, planned_per_day: float) -> list[re.Match[str]]:
    cues = [m for rx in (_ONLY_WHEN, _EVERY_OTHER, _SKIP_HABIT) for m in rx.finditer(low)]
    cues += [m for m in _N_OF_M.finditer(low) if _SMALL[m[1]] < _SMALL[m[2]]]
    if planned_per_day >= 2:
        cues += [m for rx in (_SOMETIMES_LESS, _ONCE) for m in rx.finditer(low)]
        cues += [m for m in _NAMED_DOSE_SKIPPED.finditer(low) if not _NOT_A_SKIP.search(low, max(0, m.start() - 12), m.end())]
    if planned_per_day >= 3:
        cues += list(_PAIR.finditer(low))
    return sorted(cues, key=lambda m: m.start())


# A drug stopped as the written instructions say ("I stopped the Colace like the sheet said", "quit the colchicine,
# like it says on the bottle") is no missed dose; one stopped on someone's word still is (the plan does not know).
_AS_INSTRUCTED = re.compile(r"\b(?:like|as|per|since|because)\s+(?:the (?:sheet|card|label|bottle|box|instructions|paper|papers|leaflet|"
                            r"discharge (?:sheet|papers|instructions))(?: (?:said|says))?|it (?:says|said)(?: on the (?:bottle|label|box|card|sheet))?|"
                            r"(?:the )?instructions say)\b")


def stopped_as_instructed(words: str) -> bool:
    return bool(_AS_INSTRUCTED.search(words.lower()))


# -- doses a carer found untaken -----------------------------------------------------------------------------

_UNTAKEN = re.compile(
    r"\bstill (?:sitting |left |lying )?(?:there )?in (?:the |her |his |my |their )?(?:pill ?box|pill ?organi[sz]er|organi[sz]er|dosette|blister pack|"
    r"pill case|weekly (?:box|case)|(?:\w+ )?compartments?)\b|"
    r"\b(?:found|finding|find)\b[^.?!]{0,60}\b(?:on the floor|under (?:the|her|his) (?:chair|bed|table|cushion|pillow|sofa|couch)|in (?:her|his) (?:pocket|cheek|napkin|purse))\b")


def found_untaken(words: str) -> str | None:
    """"I found Tuesday's evening pills still in her pill box", "his pills on the floor by the chair"."""
    m = _UNTAKEN.search(words.lower())
    return m.group() if m else None


# -- a supply that should be gone by now ---------------------------------------------------------------------

_SUPPLY_DAYS = re.compile(r"\b(\d+)[- ]?days?(?:'s)? (?:bottle|supply|fill|refill|pack|box|prescription|script|worth)\b")
_FILLED_COUNT = re.compile(r"\b(?:got|picked up|filled|had|bought|received|collected|started|opened)\b[^.?!\d]{0,14}\b(\d+)\b"
                           r"(?! ?(?:mg|milligrams?|mcg|micrograms?|units?|years?|minutes?|hours?|days?|weeks?|months?|percent|%)\b)")
_LEFT_FRACTION = re.compile(r"\b(more than |over |about |almost |nearly |like |at least )?(0\.5|half|a 3rd|a third|1 3rd|a quarter|a 4th|"
                            r"3 quarters|three quarters|2 3rds|two thirds)(?: of (?:it|them|the bottle|the pills))? ?(?:full|left|to go|still in)?\b")
_LEFT_COUNT = re.compile(r"\b(?:still|left|got)\b[^.?!\d]{0,30}?\b(\d+)\b(?! ?(?:mg|milligrams?|mcg|units?|days?|weeks?|months?|years?)\b)")
_STILL = re.compile(r"\b(?:still|left|remaining|in (?:it|there|the bottle))\b")
_AGO = re.compile(r"\b(\d+|a|a couple of|a few) (week|weeks|month|months) ago\b")
_FRACTIONS = {"0.5": 0.5, "half": 0.5, "a 3rd": 1 / 3, "a third": 1 / 3, "1 3rd": 1 / 3, "a quarter": 0.25, "a 4th": 0.25,
              "3 quarters": 0.75, "three quarters": 0.75, "2 3rds": 2 / 3, "two thirds": 2 / 3}
_EARLY = re.compile(r"\b(?:start|beginning|early|first (?:week|part))\b")
_MID = re.compile(r"\b(?:middle|mid)\b")


def _fill_date(words: str, today: dt.date) -> dt.date | None:
    """When the supply was picked up, read late where the words allow a range ("back in October" is the 31st):
    the latest fill expects the most pills left, so the reading never overstates a shortfall."""
    low = normalize_numbers(words.lower())
    if m := _AGO.search(low):
        n = {"a": 1, "a couple of": 2, "a few": 3}.get(m[1]) or int(m[1])
        return today - dt.timedelta(days=n * (7 if m[2].startswith("week") else 28))
    for d in find_dates(words):
        if d.month is None and d.day is None:
            continue
        month = d.month or (today.month if d.day is not None and d.day <= today.day else (today.month - 2) % 12 + 1)
        year = today.year if month <= today.month else today.year - 1
        last = calendar.monthrange(year, month)[1]
        if d.day is not None:
            day = min(d.day, last)
        else:
            before = words[max(0, d.start - 25):d.start].lower()
            day = 10 if _EARLY.search(before) else 20 if _MID.search(before) else last
        found = dt.date(year, month, day)
        if found <= today:
            return found
    return None


def supply_left_over(words: str, today: dt.date | None, planned_per_day: float) -> str | None:
    """The cue when a supply picked up on a said date still holds clearly more than the plan's schedule leaves:
    "a thirty-day bottle back in October and it's still half full", "ninety on September first, about forty left"."""
    if today is None or planned_per_day <= 0:
        return None
    low = normalize_numbers(words.lower().replace("\u2019", "'"))
    if not _STILL.search(low):
        return None
    filled = _fill_date(words, today)
    if filled is None:
        return None
    if m := _SUPPLY_DAYS.search(low):
        supply_days, qty_end = float(m[1]), m.end()
    elif m := _FILLED_COUNT.search(low):
        supply_days, qty_end = int(m[1]) / planned_per_day, m.end()
    else:
        return None
    rest = low[qty_end:]
    if f := _LEFT_FRACTION.search(rest):
        left_days = _FRACTIONS[f[2]] * supply_days
        cue = f.group()
    elif c := _LEFT_COUNT.search(rest):
        left_days = int(c[1]) / planned_per_day
        cue = c.group()
    else:
        return None
    expected_left = max(0.0, supply_days - (today - filled).days)
    surplus = left_days - expected_left
    return cue.strip() if supply_days >= 7 and surplus >= max(5.0, 0.2 * supply_days) else None
