"""Speech folded to the standard written forms the red-flag patterns are written in.

People on the phone stutter and repair ("he's he's using his- his neck"), drop g's ("breathin'",
"slurrin'"), pause mid-sentence ("can't... get a... breath"), fill ("uh", "um") and speak dialects
("ah cannae get a breath", "mi cyaan ketch mi breath"). ``standard_speech`` folds all of these once, so
every red-flag pattern reads "can't catch my breath" whichever way it was said. The dialect words are
data: ``spoken_forms`` in ``specialists/knowledge/red_flags.yaml``, each list with its source.

The result is for matching only: its length differs from the input, so spans into it are not spans
into what the patient said.
"""

from __future__ import annotations

import re
from functools import cache

from specialists import knowledge as kn

__all__ = ["restore_dropped_g", "standard_speech"]

# "I can only... get a few words... out": dots before a word in lower case are a pause inside the
# sentence, not its end ("No... I have chest pain" and "no ... i have" keep their boundary, and so does
# a yes or no answered first: "no... can't... breathe" is "no. can't breathe").
_ANSWER_FIRST = re.compile(r"^(\s*(?:no|nope|yes|yeah|yep)\s*)(?:\.{2,}|\u2026)", re.IGNORECASE)
_PAUSE = re.compile(r"\s*(?:\.{2,}|\u2026)\s*(?=(?!i\b)[a-z])")
# A word cut off by a dash before a space is a self-repair ("i just- i went down", "not- not working").
_CUT_OFF = re.compile(r"(?<=\w)-(?=\s)")
# Dropped g: "breathin'", "mornin'", "answerin'" (the apostrophe marks it; "in'" alone is not a word).
_DROPPED_G = re.compile(r"\b(\w{2,}in)'(?!\w)", re.IGNORECASE)
# A word said twice in a row, or more ("he's he's", "the the", "are are"): a stutter, said once.
_STUTTER = re.compile(r"\b(\w+(?:'\w+)?)(?:[\s,]+\1\b)+", re.IGNORECASE)
_SPACES = re.compile(r"[ \t]{2,}")


@cache
def _dialect() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(rf"(?<![\w'])(?:{f.said})(?!\w)", re.IGNORECASE), f.means)
                 for f in kn.knowledge().spoken_forms.forms)


def restore_dropped_g(text: str) -> str:
    """ "takin'" -> "taking", "lettin' it slide" -> "letting it slide": the same length, so offsets still hold."""
    return _DROPPED_G.sub(r"\1g", text)


def standard_speech(text: str) -> str:
    """``text`` with pauses, self-repairs, stutters, dropped g's, fillers and dialect words folded."""
    out = _ANSWER_FIRST.sub(r"\1.", text)
    out = _PAUSE.sub(" ", out)
    out = _CUT_OFF.sub("", out)
    out = restore_dropped_g(out)
    for rx, means in _dialect():
        out = rx.sub(means, out)
    out = _STUTTER.sub(r"\1", out)
    return _SPACES.sub(" ", out).strip()
