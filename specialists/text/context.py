"""Is a phrase found in an utterance about the speaker, now, and affirmed?

NegEx-style scoping (Chapman et al., J Biomed Inform 2001) adapted to how people talk on the phone.
Given a text and the span of a phrase in it (a symptom a regex found), :func:`scope` says whether
the phrase is

- negated        "no chest pain", "I don't have any of that", "denies", "without", "never had";
                  also after it: "passing out? no", "chest pain, none of that";
- hypothetical   "what if I pass out", "if I get chest pain", "should I call if", "I might faint",
                  "afraid of passing out";
- a question     "what are the signs of a stroke?", "can metoprolol make you pass out?",
                  "is chest pressure always a heart attack?";
- someone else's "my neighbour had a stroke", "my wife's chest pain", "she's slurring her words";
- history        "I had a stroke years ago", "I used to pass out", "back in 2019".

Scopes end at clause boundaries so "no fever but my chest feels crushed" still counts the chest:
*strong* boundaries (sentence ends, "but", "though", "however") end every scope; *weak* ones (a comma
or "and" / "so" / "because" followed by a new subject: "no fever, I passed out", "I didn't eat and I
passed out") end negation, other-person and history scopes but not a conditional ("if my sugar
drops and I get confused" stays hypothetical).

A caller may speak for the patient ("This is her husband", "I'm calling for my mother"):
:func:`speaking_for` finds that in the call and returns a :class:`Proxy`; given to :func:`scope`, the
patient's pronouns and relation words are then the patient, not someone else.

The cue words come from specialists/knowledge/red_flags.yaml (`modifiers`) plus the structural
patterns below (pronouns, years, question shapes) that a word list cannot express.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

__all__ = ["Proxy", "Scope", "answer_polarity", "clause_bounds", "is_affirmed", "normalize", "proxy_for_turn", "scope", "speaking_for"]

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})

NEGATION_WINDOW = 6  # tokens between a negation cue and the phrase (NegEx uses 5-6)


def normalize(text: str) -> str:
    """Curly apostrophes to straight ones; the same length, so spans stay valid."""
    return text.translate(_APOSTROPHES)


@dataclass(frozen=True)
class Scope:
    negated: bool = False
    hypothetical: bool = False
    question: bool = False
    other_person: bool = False
    historical: bool = False
    cue: str = ""

    @property
    def affirmed(self) -> bool:
        """About the speaker, now (or recently), stated as happening."""
        return not (self.negated or self.hypothetical or self.question or self.other_person or self.historical)

    @property
    def reason(self) -> str:
        for name in ("negated", "hypothetical", "question", "other_person", "historical"):
            if getattr(self, name):
                return f"{name.replace('_', ' ')} ({self.cue!r})" if self.cue else name.replace("_", " ")
        return "affirmed"


# --------------------------------------------------------------------------------------------------
# Cue patterns
# --------------------------------------------------------------------------------------------------

def _phrases(words: Iterable[str]) -> str:
    """A word list as one alternation; an apostrophe may be missing (speech recognisers drop it)."""
    alts = sorted({re.escape(w.lower().strip()).replace("'", "'?") for w in words if w.strip()}, key=len, reverse=True)
    return "|".join(alts)


# Words that start a new clause after a comma or a conjunction ("no fever, I passed out").
_STARTER = (r"(?:i|i'?m|i'?ve|i'?d|i'?ll|im|ive|my|me|it|it'?s|its|she|he|they|we|she'?s|he'?s|they'?re|we'?re|"
            r"there|there'?s|this|that|now|then|today|tonight|yesterday|last|suddenly|all of a sudden|also|"
            r"just|our|his|her|their|the|when|after|before|anyway|actually|plus|yes|yeah|no|nope)\b")
_STRONG = re.compile(
    r"[?!;]+|\.(?!\d)|\n|\s[-\u2013\u2014]{2,}\s|\b(?:but|though|although|however|except|anyway|anyways|otherwise|whereas|"
    r"on the other hand)\b",
    re.I,
)
_WEAK = re.compile(
    r"(?:,|:|\s[-\u2013\u2014]\s|\u2014|\(|\))\s*(?=" + _STARTER + r")"
    r"|\b(?:and|so|because|cause|'cause|since|plus|until|till|when|while|after|before|then)\s+(?=" + _STARTER + r")"
    r"|\band (?:then|now|today|yesterday|this morning|tonight)\b|\bthen\b"
    # "I didn't take my insulin and passed out": "and" before a new verb starts a new clause.
    r"|\band\s+(?=(?:\w+ed|threw|fell|woke|got|went|had|felt|started|began|lost|came|ended|was|were|became|broke|hit|"
    r"couldn'?t|can'?t|suddenly|just|now)\b)",
    re.I,
)

_EXTRA_NEGATION = [
    "nope", "nah", "nobody", "no one", "not any", "not once", "never once", "zero", "free of", "absence of",
    "negative for", "ain't", "won't", "wouldn't", "shouldn't", "don't think", "do not", "did not", "have not", "has not", "had not", "is not",
    "was not", "are not", "were not", "does not", "not a single", "can't say i've", "can't say i have",
]
# Negation words that do not negate what follows them (NegEx "pseudo-negations"), and negated wellness
# ("not feeling well") which affirms that something is wrong.
_PSEUDO_NEGATION = re.compile(
    r"\b(?:not only|not just|no doubt|no wonder|no matter|no idea|not sure|not certain|not long (?:after|before|ago)|"
    r"not until|nothing (?:helps|helped|works|worked|seems|i do)|no (?:change|better|improvement|relief)|not (?:any )?better|"
    r"(?:don'?t|didn'?t|do not|did not|never|doesn'?t|does not) (?:know|realize|realise|notice|remember|understand|expect|"
    r"care|get it|feel (?:well|good|right|great|okay|ok|like myself))|"
    r"(?:not|n'?t) (?:feeling|doing|feel|do|look|looking) (?:well|good|great|so good|so great|too good|too well|right|myself|okay|ok|so hot)|"
    r"not (?:well|good|great|so good|right|okay|ok|normal|myself)\b|(?:doesn'?t|does not|didn'?t) (?:feel|seem|look) (?:right|normal|good)|"
    r"can'?t (?:remember|recall) (?:the last time|when|how)|no,? (?:no,? )?(?=i\b|i'|it\b|my\b|but\b|actually\b|listen\b|wait\b)|"
    # a correction, not a denial: "not pain, more of a pressure", "not sharp, but more like a squeeze"
    r"not (?:\w+ ){0,2}\w+,? (?:but |it'?s |just )?(?:more|rather)\b|"
    # it persists: "it's not letting up", "it won't go away", "it isn't easing"
    r"(?:not|n'?t|won'?t|will not) (?:letting up|let up|let go|letting go|go(?:ing)? away|eas(?:e|ing)(?: off| up)?|settl(?:e|ing)(?: down)?|"
    r"stop(?:ping)?|quit(?:ting)?|budg(?:e|ing)))",
    re.I,
)
# A negation cue word is not a negation when a pseudo-negation covers it. Cue words found inside
# these are skipped.

_HYPOTHETICAL_EXTRA = (
    r"\b(?:if|what if|in case|unless|whether|suppose|supposing|assuming|let'?s say|say i|should i ever|if ever|"
    r"were to|in the event|would it be|would that be|could it be|could that be|"
    r"(?:afraid|scared|worried|nervous|terrified|frightened|concerned) (?:that )?(?:i'?ll|i will|i might|i may|i could|i'?d|"
    r"i would|i'?m going to|i'?m gonna|it'?ll|it will|it might|it could)|"
    r"(?:afraid|scared|worried|nervous|terrified|frightened|concerned|fear|fearful) (?:about|of) (?=\w+ing\b)|"
    r"(?:hope|hoping|pray|praying) (?:that )?(?:i|it) (?:don'?t|won'?t|never|doesn'?t)|"
    r"so (?:that )?i (?:don'?t|won'?t|do not|will not)|to (?:prevent|avoid|keep from|stop|lower (?:my |the )?risk of|"
    r"reduce (?:my |the )?risk of)|prevents?|avoid|(?:risk|chance|chances|odds|likelihood) of|"
    r"(?:if|when|can|could|do|does|would|will|should|might|may|did) you(?! (?:know|see|hear|think|believe))|"
    r"makes? you|you (?:can|could|might|may|would|will|'?d|'?ll|get|start)|"
    r"(?:anyone|anybody|someone|somebody|people|a person|patients) (?:can|could|might|may|would|will|get|who)|"
    r"in the future|ever again|next time)\b"
)
# A modal right before the phrase: "I might pass out", "I could have passed out" (but "may have passed
# out" reports a likely event, so it is not hypothetical).
_MODAL_BEFORE = re.compile(
    r"(?:\b(?:might|may|could|would|will|should|shall|can|gonna|wanna)|'ll|'d)(?!n?'?t\b)(?!not\b)"
    r"(?:\s+(?:have|'ve|be|probably|possibly|easily|even|just|end up|start))*\s*$",
    re.I,
)
_CONDITIONAL = re.compile(r"\b(?:if|what if|in case|unless|whether|suppose|supposing|should i ever|if ever)\b", re.I)
_SUBJECT_I = re.compile(r"\bi(?:'?m|'?ll|'?d|'?ve)?\b", re.I)
_FEAR_OF = re.compile(r"\b(?:afraid|scared|worried|nervous|terrified|frightened|concerned|fear|fearful|paranoid) "
                      r"(?:about|of)\s+$", re.I)
_FEAR_BEFORE = re.compile(r"\b(?:afraid|scared|worried|worries|terrified|frightened|fear|fears|fearful|nervous|paranoid|convinced)"
                          r"(?:\s+that)?(?:\s+(?:i|he|she|they|we|it))?\s*$", re.I)
_FUTURE = re.compile(r"(?:(?:i|he|she|they|we|it)\s+)?(?:won'?t|will|'ll|might|may|could|would|is going to|are going to|'s going to|"
                     r"gonna)\b", re.I)
_THE_NEXT = re.compile(r"\b(?:the next|next time (?:i|he|she|they) (?:get|gets|have|has))\s+$", re.I)
_MAY_HAVE = re.compile(r"\b(?:may|might)\s+(?:have|'ve)\s*$", re.I)

_QUESTION_CUES = re.compile(
    r"\b(?:signs? (?:of|for|that)|symptoms? (?:of|for|that)|warning signs?|red flags?|"
    r"what (?:does|do|would|did|is|are|will) (?:it|that|this|a|an|the|\w+)(?: \w+){0,2} (?:feel|look|sound|seem) like|"
    r"how (?:do|would|will|can|could|should|did|does) (?:i|you|we|someone|somebody|people|one|anyone) (?:know|tell|recogni[sz]e|spot|notice|check)|"
    r"what (?:should|do|would|can|must) (?:i|you|we) do (?:if|when|about|for)|"
    r"when (?:should|do|would|must|can) (?:i|you|we) (?:call|go|worry|seek|get|head|come|be worried)|"
    r"(?:should|do|would|must) (?:i|you|we) (?:call|go|worry|be worried|be concerned|come in|phone)(?: \w+){0,3} (?:if|when|for|about)|"
    r"is (?:it|that) (?:normal|bad|serious|dangerous|okay|ok|common) (?:if|to|when|for)|"
    r"(?:can|could|does|do|will|would|might|may|did) (?:\w+ ){0,3}(?:cause|causes|give you|give me|make you|make me|make people|make someone|lead to|trigger|bring on|mean)|"
    r"side effects? (?:of|from|like)|what happens (?:if|when)|(?<!can't )(?<!cant )(?<!cannot )(?<!can't really )(?<!couldn't )(?<!won't )tell me (?:about|what|the|more)|"
    r"(?:learn|read|heard|reading|hearing|know|teach me|taught) (?:more |a lot |anything |something )?about|"
    r"information (?:on|about)|pamphlet|handout|explain|definition of|what do you mean|looking up|"
    r"(?:call|dial) 911 (?:if|when|for)|watch (?:out )?for|look out for|keep an eye out|be aware of)\b",
    re.I,
)
_HEARSAY = re.compile(
    r"\b(?:read|heard|saw|seen|learned|learnt|watched|says?|said|told me|tells people|explained) (?:somewhere |online |on tv |on the news )?"
    r"(?:that|how|about)\b|\b(?:they say|people say|apparently|in general|generally|usually means)\b",
    re.I,
)
# A question sentence that opens like an enquiry ("is chest pressure always a heart attack?").
_QUESTION_OPENER = re.compile(
    r"^\W*(?:so |and |but |um |uh |okay |ok |well )*(?:is|are|can|could|does|do|will|would|should|what|how|why|when|which|"
    r"was|were|has|have|did|isn'?t|aren'?t|doesn'?t|don'?t)\b",
    re.I,
)
_FIRST_PERSON = re.compile(r"\b(?:i|i'?m|i'?ve|i'?d|i'?ll|im|ive|me|my|myself|mine)\b", re.I)

_OTHER_EXTRA = (
    r"\b(?:(?:my|our|his|her|their|a|the) (?:\w+ )?(?:wife|husband|spouse|son|daughter|kids?|child|children|baby|mother|mom|"
    r"mum|mama|father|dad|papa|brother|sister|cousin|friend|neighbou?r|aunt|auntie|uncle|niece|nephew|grandson|"
    r"granddaughter|grandkids?|grandchildren|grandma|grandpa|grandmother|grandfather|partner|boyfriend|girlfriend|fianc[eé]e?|"
    r"roommate|coworker|co-worker|colleague|boss|in-laws?|mother-in-law|father-in-law|sister-in-law|brother-in-law|"
    r"stepson|stepdaughter|stepmother|stepfather|relative|family|pastor|caregiver|man|woman|guy|lady|person|patient|"
    r"dog|cat|pet|buddy|pal|mate|sis|bro|hubby)(?:'?s)?|"
    r"mom|mum|dad|mama|papa|grandma|grandpa|granny|nana|hubby|"
    r"she|he|they|she'?s|he'?s|they'?re|they'?ve|she'?d|he'?d|her|his|him|their|them|"
    r"somebody|someone|anybody|anyone|people|folks|everyone|everybody|a lot of people|lots of people|other people)\b"
)
_THIRD_POSSESSIVE = re.compile(r"\b(?:his|her|their)\b", re.I)
_MY = re.compile(r"\b(?:my|i|i'?m|me)\b", re.I)

_HISTORY = re.compile(
    r"\b(?:years? ago|years? back|months? ago|weeks ago|last month|decades? ago|(?:a )?long (?:time )?ago|ages ago|a while back|back (?:in|when)|"
    r"in (?P<year>(?:19|20)\d\d)|used to|history of|(?:(?:when|while) )?i was (?:younger|a kid|a child|little|young|a teenager|"
    r"a teen|in (?:my|high|college|school|the army|the service)|pregnant)|(?:when|while) i was \d+|as a (?:kid|child|teen|teenager|young (?:man|woman))|"
    r"in (?:my|the) (?:twenties|thirties|forties|fifties|sixties|seventies|\d0'?s)|in the past(?! (?:few|couple|day|days|week|"
    r"weeks|24|48|hour|hours|month|night|two|three|several))|last year|previously|in college|in high school|childhood|"
    r"the year before last|before i retired|last (?:winter|summer|spring|fall|autumn|christmas|easter)|"
    r"in (?:the )?(?:army|navy|service|war)|(?:when|before) (?:i|he|she) had (?:the|my|his|her|that) (?:heart attack|stroke|surgery|operation|bypass|stent|clot|mini[- ]stroke)|(?:in )?nineteen (?:hundred|ten|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)\w*)\b",
    re.I,
)
# "never since", "nothing like it since", "he's not had one since", "hasn't happened again since"
_NOT_SINCE = re.compile(r"\b(?:never|not|nothing|hasn'?t|haven'?t|hadn'?t)(?: [\w']+){0,3} since\b", re.I)
_BACK_TO_NOW = re.compile(r"\b(?:now|today|tonight|this (?:morning|afternoon|evening|week)|currently|right now|but|these days|lately)\b", re.I)
_ONGOING = re.compile(r"\b(?:since|started|starting|began|begun|ongoing|still|keeps?|kept|again|getting worse|for the (?:past|last))\b",
                      re.I)
_BASELINE = re.compile(
    r"\b(?:been|was) (?:like that|that way|like this|this way|doing that|doing this) (?:for|since) (?:the (?:last|past) )?"
    r"(?:years|ages|(?:a|two|three|four|five|six|many|several|a couple of|a few|a number of) years?|a long time|forever)\b|"
    r"\bnothing new\b|\b(?:her|his|my) (?:usual|normal|regular|same old) self\b", re.I)
# "..., but that was years ago": a history cue in the next clause about the same event.
_HISTORY_TAIL = re.compile(r"^[^.?!;\n]*?\b(?:that|it|this|those|which)(?:'s| was| were| happened| has been| is from)\b", re.I)

_POST_NEGATION = re.compile(
    r"^\s*[,?:\-\u2013\u2014.]*\s*(?:(?:no|nope|nah|none|never|negative)\b(?=\s*(?:[,.!?;]|$|(?:i|i'?ve|i have|i haven'?t|"
    r"i didn'?t|i don'?t|i do not|not|never|nothing|none|ma'?am|sir|thanks?|thank you|no|nope|not really)\b))"
    r"|not really|not at all|not anymore|not lately|not me)\b"
    r"|^[^.?!;\n]{0,30}?\b(?:none of (?:that|those|them|this|these)|nothing like that|not that i know|not that i'?ve)\b"
    r"|^\s*(?:(?:thing|feeling|sensation|pain|stuff|business|spell|episode)s?\s+)?(?:(?:has|have|had|is|was|were|are|does|did)(?: not| never)|(?:hasn'?t|haven'?t|hadn'?t|isn'?t|wasn'?t|aren'?t|"
    r"weren'?t|doesn'?t|didn'?t))\b(?!\s*(?:go(?:ne|ing)? away|stop|stopped|stopping|better|improv|let(?:ting)? up|quit|"
    r"ease|eased|easing|help|helping|helped|work|working|worked|responding|budging))"
    r"|^\s*(?:is|was|has been|hasn'?t been|isn'?t)?\s*(?:not an issue|not a problem|no problem|not a concern)\b",
    re.I,
)
# "I've never had chest pain like this": never + "like this" / "this bad" affirms the phrase.
_NEVER_LIKE_THIS = re.compile(r"^[^.?!;\n]{0,30}?\b(?:like this|like that|this bad|that bad|so bad|this severe|this strong|this much|before like)\b", re.I)
_NEW_SUBJECT = re.compile(r"\b(?:i|i'?m|i'?ll|i'?d|i'?ve|im|she|he|they|we|she'?s|he'?s|they'?re|it'?s)\b", re.I)
_COGNITION = re.compile(r"\s*(?:\w+\s+)?(?:think|believe|recall|remember|feel like|reckon|suppose|know (?:if|that|whether)|"
                        r"say|guess)\b", re.I)
_NEG_CANT = re.compile(r"\b(?:can'?t|cannot|couldn'?t|could not|unable|not able)\b", re.I)
_WORD = re.compile(r"[A-Za-z0-9']+")


@cache
def _cues() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Negation, hypothetical and other-person cues: the knowledge modifiers plus the extras above."""
    negation: list[str] = list(_EXTRA_NEGATION)
    hypothetical: list[str] = []
    other: list[str] = []
    try:
        from specialists.knowledge import red_flag_modifiers

        mods = red_flag_modifiers()
        negation += list(mods.negation)
        hypothetical += list(mods.hypothetical)
        other += list(mods.other_person)
    except Exception:  # knowledge broken: the structural cues still work
        negation += ["no", "not", "never", "denies", "denied", "without", "none", "haven't", "hasn't", "didn't",
                     "don't", "doesn't", "isn't", "wasn't", "no longer"]
    neg = re.compile(r"\b(?:" + _phrases(negation) + r")\b", re.I)
    hyp = re.compile(r"(?:\b(?:" + _phrases(hypothetical) + r")\b|" + _HYPOTHETICAL_EXTRA + ")", re.I) if hypothetical \
        else re.compile(_HYPOTHETICAL_EXTRA, re.I)
    oth = re.compile(r"(?:\b(?:" + _phrases(other) + r")(?:'?s)?\b|" + _OTHER_EXTRA + ")", re.I) if other \
        else re.compile(_OTHER_EXTRA, re.I)
    return neg, hyp, oth


# --------------------------------------------------------------------------------------------------
# Clauses
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Bounds:
    strong: tuple[tuple[int, int], ...]  # (start, end) of each strong boundary
    weak: tuple[tuple[int, int], ...]


@lru_cache(maxsize=512)
def _bounds(text: str) -> _Bounds:
    return _Bounds(tuple(m.span() for m in _STRONG.finditer(text)), tuple(m.span() for m in _WEAK.finditer(text)))


def _window(marks: tuple[tuple[int, int], ...], start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    for s, e in marks:
        if e <= start:
            lo = max(lo, e)
        elif s >= end:
            hi = min(hi, s)
            break
    return lo, hi


def clause_bounds(text: str, start: int, end: int, *, strong: bool = False) -> tuple[int, int]:
    """The clause around [start, end): up to the nearest boundaries (strong only, or strong and weak)."""
    text = normalize(text)
    b = _bounds(text)
    lo, hi = _window(b.strong, start, end, 0, len(text))
    if not strong:
        lo, hi = _window(b.weak, start, end, lo, hi)
    return lo, hi


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """Sentence around the span (punctuation only, not conjunctions)."""
    lo = max((m.end() for m in re.finditer(r"[.?!;\n](?!\d)", text[:start])), default=0)
    m = re.compile(r"[.?!;\n](?!\d)").search(text, end)
    return lo, (m.end() if m else len(text))


def _tokens_between(text: str) -> int:
    return len(_WORD.findall(text))


# --------------------------------------------------------------------------------------------------
# The scopes
# --------------------------------------------------------------------------------------------------

def _negation(text: str, start: int, end: int, lo: int, hi: int) -> str | None:
    neg, _, _ = _cues()
    pre = text[lo:start]
    pseudo = [m.span() for m in _PSEUDO_NEGATION.finditer(pre)]
    hits = [m for m in neg.finditer(pre) if not any(s <= m.start() < e for s, e in pseudo)]
    for m in reversed(hits):
        gap = pre[m.end():]
        if _tokens_between(gap) > NEGATION_WINDOW:
            break
        cue = m.group().lower()
        # "if this doesn't stop I'm going to ...": a new subject after the cue starts another clause
        # (but "I don't think I passed out" keeps the negation).
        if _NEW_SUBJECT.search(gap) and not _COGNITION.match(gap) and not _COGNITION.search(cue):
            break
        # "I can't walk to the car without gasping": a negated ability before "without" affirms.
        if cue == "without" and _NEG_CANT.search(pre[: m.start()]):
            continue
        if cue.startswith("never") and _NEVER_LIKE_THIS.search(text[end:hi]):
            continue
        return cue
    post = text[end:]
    if (after := _POST_NEGATION.search(post)) is not None and after.start() < 60:
        # a "no" answering an echoed question ("Passing out? No.") or a negated verb after the phrase
        return after.group().strip(" ,?:-.").lower()
    return None


def _inside_negation(text: str, start: int, end: int, pattern: re.Pattern[str] | None) -> str | None:
    """A negation inside the match that the pattern does not need: "my lips are not blue"."""
    if pattern is None:
        return None
    span = text[start:end]
    pseudo = [m.span() for m in _PSEUDO_NEGATION.finditer(span)]  # "it's not letting up" affirms
    for m in re.finditer(r"\b(?:not|no|never)\b|\b(do|does|did|is|was|are|were|has|have|had|ca|wo|could|would|should|ai|must|need)"
                         r"n'?t\b", span, re.I):  # auxiliaries only: "went" is not "we n't"
        if any(s <= m.start() < e for s, e in pseudo):
            continue
        if m.group(1):  # "isn't" -> "is"
            stripped = span[: m.start()] + m.group(1) + span[m.end():]
        else:
            stripped = span[: m.start()] + span[m.end():].lstrip()
        stripped = re.sub(r"\s{2,}", " ", stripped)
        if pattern.search(stripped):
            return m.group().lower()
    return None


_PURPOSE = re.compile(r"to (?:prevent|avoid|keep from|stop)\b", re.I)
_IN_CASE = re.compile(r"in case", re.I)
_BECAUSE = re.compile(r"\b(?:because|'?cause|cuz|coz)\b", re.I)
_NO_OBJECT = re.compile(r"\s*(?:[,;.!?]|and\b|then\b|but\b)", re.I)


def _hypothetical(text: str, start: int, slo: int, lo: int, intent: bool) -> str | None:
    if intent:
        # Statements of intent: "I'm going to kill myself" is not a hypothetical future and "if this
        # doesn't stop, I'll end it" is a threat; only the phrase inside an if-clause is conditional.
        pre = text[lo:start]
        hits = list(_CONDITIONAL.finditer(pre))
        if not hits:
            return None
        # "if this doesn't stop I'm going to end it": a new "I" after the if-clause's own subject
        # starts the consequent, which is the statement.
        after = pre[hits[-1].end():]
        subjects = list(_SUBJECT_I.finditer(after))
        if subjects and (subjects[0].start() > 1 or len(subjects) > 1):
            return None
        return hits[-1].group().lower()
    _, hyp, _ = _cues()
    pre = text[slo:start]
    # "he has to stop, and his lips look blue": a purpose verb with nothing after it ("to stop" before a comma)
    # governs nothing that follows it.
    # "I gave her an aspirin just in case, because her words were coming out wrong": a cue with nothing after it
    # ("in case" before a comma) or a reason given after it ("because ...") governs nothing that follows.
    hits = [h for h in hyp.finditer(pre) if not ((_PURPOSE.match(h.group()) or _IN_CASE.fullmatch(h.group().strip()))
                                                 and _NO_OBJECT.match(pre, h.end())) and not _BECAUSE.search(pre, h.end())]
    if hits:
        return hits[-1].group().lower().strip()
    # "afraid of passing out": a fear of something, said as a gerund, is not the thing.
    if _FEAR_OF.search(pre) and re.match(r"\w+ing\b", text[start:]):
        return _FEAR_OF.search(pre).group().strip().lower()  # type: ignore[union-attr]
    # "he's afraid he won't wake up if ...": a fear of what may come is not the thing itself.
    if (fear := _FEAR_BEFORE.search(pre)) is not None and _FUTURE.match(text[start:start + 60]):
        return fear.group().strip().lower()
    if (nxt := _THE_NEXT.search(pre)) is not None:  # "scared the next chest pain is the big one"
        return nxt.group().strip().lower()
    if _MODAL_BEFORE.search(pre) and not _MAY_HAVE.search(pre):
        return _MODAL_BEFORE.search(pre).group().strip().lower()  # type: ignore[union-attr]
    return None


def _question(text: str, start: int, end: int, slo: int, shi: int) -> str | None:
    pre = text[slo:start]
    hits = list(_QUESTION_CUES.finditer(pre))
    if hits:
        return hits[-1].group().lower()
    # "I read that black stools can mean bleeding" (but "she said that I passed out" is a report)
    hearsay = list(_HEARSAY.finditer(pre))
    if hearsay and not _FIRST_PERSON.search(pre[hearsay[-1].end():] + text[start:end]):
        return hearsay[-1].group().lower()
    lo, hi = _sentence(text, start, end)
    sentence = text[lo:hi]
    if sentence.rstrip().endswith("?") and _QUESTION_OPENER.search(sentence):
        # An enquiry with no first-person report around the phrase ("is chest pressure always
        # serious?"); "should I worry that I passed out?" reports an event.
        near = text[max(lo, start - 40): min(hi, end + 15)]
        if not _FIRST_PERSON.search(near):
            return "question"
    return None


def _other_person(text: str, start: int, end: int, lo: int, proxy: Proxy | None = None, hi: int | None = None) -> str | None:
    _, _, oth = _cues()
    inside = text[start:end]
    if proxy is not None and (_OWN.search(text[lo:start]) or _OWN.search(text[end:hi if hi is not None else end])):
        return "my own"  # a caregiver's own ("my own chest pain", "I've been dizzy myself"), not the patient's
    if _MY.search(inside):  # "they found blood in my stool"
        return None
    if (poss := _THIRD_POSSESSIVE.search(inside)) is not None:
        if proxy is None or not proxy.refers_to_patient(text, start + poss.start(), poss.group()):
            return poss.group().lower()
    pre = text[lo:start]
    hits = list(oth.finditer(pre))
    if not hits:
        return None
    m = hits[-1]
    # "my wife says I was slurring": the speaker is the subject again after the other person.
    if _FIRST_PERSON.search(pre[m.end():]):
        return None
    # A caregiver's "she", "her sugar", "my mother" is the patient.
    if proxy is not None and proxy.refers_to_patient(text, lo + m.start(), m.group()):
        return None
    return m.group().lower()


_PERSON_WORD = re.compile(r"\b(?:i|i'?m|i'?ve|i'?d|me|my|mine|myself|we|us|our|he|she|they|him|them|his|her|their|he'?s|she'?s|"
                          r"they'?re|himself|herself)\b", re.I)


def _owner_clause_start(text: str, start: int, end: int, lo: int, slo: int) -> int:
    """Where to look for whose body a phrase is about: its own clause, or, when that clause names nobody ("his brother
    had a stroke, the face went all droopy"), the clause before it in the same sentence."""
    if lo <= slo or _PERSON_WORD.search(text[lo:end]):
        return lo
    prev_lo, _ = clause_bounds(text, max(lo - 2, slo), max(lo - 1, slo))
    return max(prev_lo, slo)


def _historical(text: str, start: int, end: int, lo: int, hi: int, today: dt.date) -> str | None:
    s_lo, s_hi = _sentence(text, start, end)
    # "it started two weeks ago", "I've had it since last month", "still": ongoing, not history
    # ("never since", "nothing like it since" say the opposite)
    if _ONGOING.search(_NOT_SINCE.sub(" ", text[s_lo:s_hi])):
        return None
    # "Years ago, before the blood thinner, I had ...": a sentence that opens on a past time is set
    # there, unless it comes back to the present before the phrase.
    opening = _HISTORY.match(text[s_lo:start].lstrip(" ,-")) or _HISTORY.match(
        re.sub(r"^\W*(?:back|oh|well|so|and|um|uh)\s+", "", text[s_lo:start].lstrip(" ,-"), flags=re.I))
    if opening is not None and not _BACK_TO_NOW.search(text[s_lo:start]):
        year = opening.group("year")
        if not (year and int(year) >= today.year):
            return opening.group().lower()
    for part in (text[lo:start], text[end:hi]):
        for m in _HISTORY.finditer(part):
            year = m.group("year")
            if year and int(year) >= today.year:
                continue
            return m.group().lower()
    # "She can't find her words sometimes, but she's been like that for years. Nothing new.": a long-standing baseline
    # said after the phrase (in its sentence or the next) is not a new symptom.
    if (base := _BASELINE.search(text[end:_sentence(text, s_hi, s_hi)[1]])) is not None:
        return base.group().lower()
    # "I passed out once, but that was years ago."
    tail = text[hi:s_hi]
    if (that := _HISTORY_TAIL.search(tail)) is not None:
        rest = tail[that.end():]
        for h in _HISTORY.finditer(rest):
            year = h.group("year")
            if not (year and int(year) >= today.year):
                return h.group().lower()
    return None


def scope(text: str, start: int, end: int, *, pattern: re.Pattern[str] | None = None,
          today: dt.date | None = None, intent: bool = False, proxy: Proxy | None = None) -> Scope:
    """How the phrase at text[start:end] is meant. ``pattern`` (the regex that found it) lets a
    negation inside the match be told apart from one the pattern needs ("inhaler isn't working").
    ``intent``: the phrase states an intention (suicidal statements): modal verbs and fears do not
    make it hypothetical, only an if-clause around it does. ``proxy``: the speaker speaks for the
    patient (:func:`speaking_for`), so the patient's pronouns and relation name are the patient."""
    text = normalize(text)
    today = today or dt.date.today()
    slo, shi = clause_bounds(text, start, end, strong=True)
    lo, hi = clause_bounds(text, start, end)
    if cue := _other_person(text, start, end, _owner_clause_start(text, start, end, lo, slo), proxy, hi):
        return Scope(other_person=True, cue=cue)
    if cue := _hypothetical(text, start, slo, lo, intent):
        return Scope(hypothetical=True, cue=cue)
    if cue := _question(text, start, end, slo, shi):
        return Scope(question=True, cue=cue)
    if cue := (_negation(text, start, end, lo, hi) or _inside_negation(text, start, end, pattern)):
        return Scope(negated=True, cue=cue)
    if cue := _historical(text, start, end, lo, hi, today):
        return Scope(historical=True, cue=cue)
    return Scope()


def is_affirmed(text: str, start: int, end: int, **kw: object) -> bool:
    return scope(text, start, end, **kw).affirmed  # type: ignore[arg-type]


_YES = re.compile(
    r"^\W*(?:(?:um+|uh+|well|oh|ah|so|actually|honestly)\W+)*(?:yes|yeah|yep|yup|yah|ya|aye|yes'?m|uh[- ]?huh|mm+[- ]?hm+|mhm+|i did|i have|i am|"
    r"i do|it is|it does|it did|they are|they did|sure did|sure|correct|right|definitely|absolutely|afraid so|"
    r"i think so|i guess so|a little|kind of|sort of|some|sometimes|occasionally|a few times|once or twice|now and then|"
    r"lately|a bit|a lot|all the time|every day|twice|once)\b",
    re.I,
)
_NO = re.compile(
    r"^\W*(?:(?:um+|uh+|well|oh|ah|so|actually|honestly)\W+)*(?:no|nope|nah|not really|not at all|never|i have not|i haven'?t|"
    r"i didn'?t|i don'?t|i did not|i do not|none|nothing|negative|i'?m not|it'?s not|it isn'?t)\b",
    re.I,
)


# The question said back before the answer: "Chest pain? No, none at all."
_ECHO = re.compile(r"^\W*(?:\w+[\s,'-]+){0,5}\w+\?\s*(?=\S)")


def answer_polarity(text: str) -> str | None:
    """'yes' / 'no' when the utterance opens as an answer to a yes-no question, else None."""
    t = normalize(text)
    t = _ECHO.sub("", t, count=1)
    if _NO.search(t):
        return "no"
    if _YES.search(t):
        return "yes"
    return None


# --------------------------------------------------------------------------------------------------
# A caregiver speaking for the patient
# --------------------------------------------------------------------------------------------------

# Relation words, grouped by who they name (the synonyms of one group name the same person).
_FEMALE_RELATIONS = (("mother", "mom", "mum", "mama", "mommy", "ma"), ("wife",), ("daughter",), ("sister",),
                     ("grandmother", "grandma", "granny", "nana"), ("aunt", "auntie"), ("niece",), ("girlfriend",),
                     ("stepmother",), ("stepdaughter",), ("mother-in-law",), ("daughter-in-law",), ("sister-in-law",))
_MALE_RELATIONS = (("father", "dad", "daddy", "papa", "pop", "pops"), ("husband", "hubby"), ("son",), ("brother",),
                   ("grandfather", "grandpa"), ("uncle",), ("nephew",), ("boyfriend",), ("stepfather",), ("stepson",),
                   ("father-in-law",), ("son-in-law",), ("brother-in-law",))
_NEUTRAL_RELATIONS = (("partner",), ("spouse",), ("parent",), ("friend",), ("neighbor", "neighbour"), ("roommate",),
                      ("client",), ("patient",), ("grandparent",), ("relative",), ("loved one",))
_GROUPS: dict[str, tuple[str, ...]] = {w: g for g in (*_FEMALE_RELATIONS, *_MALE_RELATIONS, *_NEUTRAL_RELATIONS) for w in g}
_SEX: dict[str, str] = {**{w: "female" for g in _FEMALE_RELATIONS for w in g}, **{w: "male" for g in _MALE_RELATIONS for w in g}}
_REL = "(?:" + "|".join(sorted((re.escape(w) for w in _GROUPS), key=len, reverse=True)) + ")"
_CARER = (r"(?:caregiver|care ?giver|carer|caretaker|care taker|(?:home (?:health )?)?aide|nurse|guardian|power of attorney|poa|"
          r"(?:health ?care )?proxy)")
_PROXY_RX = (
    # "This is her husband", "I'm his daughter", "it's Walter's wife", "I'm her caregiver"
    # ("I'm Maria, Walter's daughter", "this is the patient's wife")
    re.compile(r"\b(?:this is|i'?m|i am|it'?s|my name is)\s+(?:[a-z]+\s*,?\s+)?(?:(?P<poss>his|her)|(?P<name>[a-z]+)'s)\s+"
               r"(?:(?P<rel>" + _REL + r")|" + _CARER + r")\b"),
    # "I'm answering for him", "speaking for her today"
    re.compile(r"\b(?:calling|phoning|speaking|talking|answering|here)\s+(?:for|on behalf of|in place of|instead of)\s+(?P<pron2>him|her)\b"),
    # "I'm calling for my mother", "speaking on behalf of my husband", "calling about my dad"
    re.compile(r"\b(?:calling|phoning|ringing|speaking|talking|answering|here|on the phone)\s+(?:for|on behalf of|about|in place of|"
               r"instead of)\s+(?:my|our)\s+(?P<rel>" + _REL + r")\b"),
    re.compile(r"\bon behalf of (?:my|our)\s+(?P<rel>" + _REL + r")\b"),
    # "my mother is the patient", "the patient is my dad"
    re.compile(r"\b(?:my|our) (?P<rel>" + _REL + r") is the patient\b|\bthe patient is (?:my|our) (?P<rel2>" + _REL + r")\b"),
    # "she can't come to the phone", "my husband isn't able to talk right now"
    re.compile(r"\b(?:(?P<pron>she|he)|(?:my|our) (?P<rel3>" + _REL + r"))\s+(?:can'?t|cannot|isn'?t able to|is not able to|is unable to|"
               r"couldn'?t|won'?t be able to)\s+(?:(?:come to|get to|talk on|use|hear|be on)\s+the phone|(?:talk|speak|come to the phone)\s+"
               r"(?:right now|at the moment|today|just now))\b"),
)
_PRONOUNS = {"female": frozenset({"she", "her", "hers", "herself", "she's", "she'd", "she'll", "shes"}),
             "male": frozenset({"he", "him", "his", "himself", "he's", "he'd", "he'll", "hes"})}
_OWN = re.compile(r"\b(?:my own|i myself|myself)\b", re.I)
# People a pronoun may point back to, other than the patient ("my neighbour ... she").
_PERSON_NOUN = re.compile(r"\b(?:my|our|a|the)\s+(?:\w+\s+)?(?P<rel>" + _REL + r"|" + _CARER + r"|doctor|pharmacist|coworker|boss|"
                          r"cousin|kid|kids|child|baby|lady|man|woman|guy)\b", re.I)


@dataclass(frozen=True)
class _Declared:
    sex: str | None                  # the patient's sex as the declaration tells it
    relation: str | None             # the patient's relation to the speaker ("mother"), when said as "my X"
    name: str | None                 # "Walter's wife": the patient's name


@dataclass(frozen=True)
class Proxy:
    """The speaker speaks for the patient: the patient's pronouns, relation words and names."""

    pronouns: frozenset[str]
    relations: frozenset[str]
    names: frozenset[str]

    def is_patient_word(self, cue: str) -> bool:
        """ "she", "her", "my mother", "mom's", "Walter" name the patient."""
        w = normalize(cue).lower().strip()
        w = re.sub(r"^(?:my|our)\s+", "", w)
        w = re.sub(r"'?s$", "", w) if w not in self.pronouns and w not in {"his", "hers", "hes", "shes"} else w
        return w in self.pronouns or w in self.relations or w in self.names

    def refers_to_patient(self, text: str, pos: int, cue: str) -> bool:
        """The cue at ``pos`` names the patient; a pronoun does unless another person was named
        before it in the same sentence ("my neighbour had a stroke, she ...")."""
        if not self.is_patient_word(cue):
            return False
        w = normalize(cue).lower().strip()
        if w not in self.pronouns:
            return True
        lo = max((m.end() for m in re.finditer(r"[.?!;\n]", text[:pos])), default=0)
        for m in _PERSON_NOUN.finditer(text[lo:pos]):
            if not self.is_patient_word(m.group("rel") or ""):
                return False
        return True


# The patient's relation to a caller who said what they are to the patient ("I'm her husband": his wife).
# Only pairs whose inverse is one word; the patient's sex, when unknown, leaves a parent or child unsaid.
_INVERSE: dict[str, dict[str | None, str]] = {
    "husband": {None: "wife", "female": "wife"}, "hubby": {None: "wife", "female": "wife"},
    "wife": {None: "husband", "male": "husband"},
    "daughter": {"female": "mother", "male": "father"}, "son": {"female": "mother", "male": "father"},
    "mother": {"female": "daughter", "male": "son"}, "mom": {"female": "daughter", "male": "son"},
    "father": {"female": "daughter", "male": "son"}, "dad": {"female": "daughter", "male": "son"},
    "sister": {"female": "sister", "male": "brother"}, "brother": {"female": "sister", "male": "brother"},
    "partner": {None: "partner", "female": "partner", "male": "partner"},
}


def _inverse(rel: str, sex: str | None) -> str | None:
    return _INVERSE.get(rel, {}).get(sex)


@lru_cache(maxsize=2048)
def _declared(text: str) -> tuple[_Declared, ...]:
    low = normalize(text).lower()
    out = []
    for rx in _PROXY_RX:
        for m in rx.finditer(low):
            g = m.groupdict()
            rel = g.get("rel") or g.get("rel2") or g.get("rel3")
            if g.get("poss") or g.get("name"):
                # "this is her husband": the speaker is the relation, the patient is "her" (his wife)
                sex = {"her": "female", "his": "male"}.get(g.get("poss") or "")
                out.append(_Declared(sex, _inverse(rel, sex) if rel else None, g.get("name")))
            elif g.get("pron") or g.get("pron2"):
                out.append(_Declared("male" if (g.get("pron") or g.get("pron2")) in {"he", "him"} else "female", None, None))
            elif rel:
                out.append(_Declared(_SEX.get(rel), rel, None))
    return tuple(out)


def speaking_for(texts: Iterable[str], *, sex: str | None = None, names: Iterable[str] = ()) -> Proxy | None:
    """A :class:`Proxy` when any of the speaker's utterances says they speak for the patient ("This is
    her husband", "I'm calling for my mother"), else None. ``sex`` and ``names`` are the patient's
    (from the care plan): they decide the pronouns when the declaration does not."""
    found = [d for t in texts if t for d in _declared(t)]
    if sex in _PRONOUNS:
        # "I'm calling about my husband" from a woman whose plan this is: she asks about him, she is
        # not speaking for the patient.
        found = [d for d in found if d.sex in {None, sex}]
    if not found:
        return None
    sexes = {d.sex for d in found if d.sex} or ({sex} if sex in _PRONOUNS else set(_PRONOUNS))
    pronouns = frozenset().union(*(_PRONOUNS[s] for s in sexes))
    relations = frozenset(w for d in found if d.relation for w in _GROUPS[d.relation])
    all_names = {n.lower() for n in names if n} | {d.name for d in found if d.name}
    return Proxy(pronouns, relations, frozenset(all_names))


def proxy_for_turn(ctx: object, *, inferred: bool = True) -> Proxy | None:
    """:func:`speaking_for` over a TurnContext: the patient side's utterances so far and this turn;
    failing a declaration and when ``inferred``, the call talking of the patient in the third person
    (:func:`_proxy_from_reference`)."""
    history = getattr(ctx, "history", ())
    texts = [u.text for u in history if u.speaker == "patient"]
    turn = getattr(ctx, "turn", None)
    if turn is not None and turn.speaker == "patient":
        texts.append(turn.text)
    patient = ctx.plan.patient  # type: ignore[attr-defined]
    names = tuple(n for n in (patient.first_name, patient.preferred_name or "") if n)
    declared = speaking_for(texts, sex=patient.sex, names=names)
    if declared is not None or not inferred:
        return declared
    agent = tuple(u.text for u in history if u.speaker == "agent")
    return _proxy_from_reference(agent, tuple(texts), sex=patient.sex, names=names)


# Who the call is about when nobody declared it. The assistant asks after the patient in the third
# person ("calling for Gus", "How is she today?", "Is everything alright with Priya?", "How is your
# mother?", "What is his sugar reading?"); the caller names the patient as someone else ("Stan fell
# over"); or the caller talks of a person of the patient's sex before anyone else ("She was buttering
# toast and ..."). Then whoever answers speaks for the patient. An identity check ("Am I speaking
# with Gus?") and a vocative ("How are you, Gus?") are not such talk.
_AGENT_ABOUT = (r"\b(?:calling|call|check-?in|checking in|ringing|phoning|line|here|checkup|check up)\s+(?:for|about|on|in on)\s+"
                r"(?:{name})\b|\babout (?:{name})\b|\b(?:{name})'s\b|(?<!speak )(?<!speaking )(?<!talk )(?<!talking )\bwith (?:{name})\b|"
                r"\b(?:how|how'?s|how is|how has|how was|is|has|does|did|was|can|could|will|would)\s+(?:{name}|{pron})\b"
                r"(?!\s*(?:,|\?|$|there\b|available\b|home\b|around\b|in\b|on the\b))|\b(?:{name}|{pron}) (?:doing|feeling|been)\b|"
                r"\b(?:{name}|{pron}) (?:there )?with you\b|\byour (?:{rel})\b")
# The caller names the patient ("Stan fell over", "Dennis went grey"), not introducing themselves
# ("This is Stan", "It's Stan speaking", "Stan here").
_SELF_INTRO = re.compile(r"(?:\b(?:this is|i'?m|i am|it'?s|its|my name is|name'?s|call me|yes|yeah|speaking( with)?|"
                         r"is this|to)\s*,?\s*)$", re.I)
# The first person an utterance speaks of: the speaker, a named person, or a bare pronoun.
_FIRST_REFERENCE = re.compile(r"\b(?:i|i'?m|i'?ve|i'?d|i'?ll|im|ive|me|my|mine|we|our|us)\b|" + _PERSON_NOUN.pattern + r"|"
                              r"\b(?P<pron>she|he|her|him|his|she'?s|he'?s|shes|hes)\b", re.I)

# The relations a caregiver most often names the patient by, when nobody said which they are.
_PARENT = frozenset({"mother", "father", "grandmother", "grandfather"})
_PARENT_OR_SPOUSE = _PARENT | {"wife", "husband"}
# A parent called by the name the family uses, with no "my" ("Dad fainted", "Mom's sugar is forty-two"): the
# parent relation words, less the formal ones ("Father" is also a priest) and "ma" and "pop" (words of their own).
_BARE_PARENT_WORDS = sorted(w for w, g in _GROUPS.items() if g[0] in _PARENT and w != g[0] and w not in {"ma", "pop", "pops"})
_BARE_PARENT = re.compile(r"(?<!\bmy )(?<!\bour )(?<!\bthe )(?<!\ba )(?<!\byour )(?<!\bhis )(?<!\bher )"
                          r"\b(" + "|".join(_BARE_PARENT_WORDS) + r")\b", re.I)


# The speaker's stance before the person they speak of ("I think she's ...", "I'm worried he ...", "I found
# him on the floor"): the caller says "I" first, but only to frame what they say about the other person.
_STANCE = re.compile(r"\b(?:i|i'?m|im|i am)\s+(?:just\s+|really\s+|honestly\s+|kind of\s+|sort of\s+|a bit\s+|a little\s+)?"
                     r"(?:think|thought|guess|suppose|reckon|believe|swear|mean|know|feel like|don'?t know|dunno|don'?t think|"
                     r"not sure|worried|scared|afraid|concerned|noticed|found|can tell|can see|wanted to (?:say|tell you|let you know))"
                     r"(?:\s+that)?[\s,.]*", re.I)


def _pronoun_led(text: str, pronouns: frozenset[str], relations: frozenset[str]) -> bool:
    """The utterance speaks first of a person of the patient's sex: a bare pronoun ("She was buttering
    toast", "I think she's just being stubborn") or a parent or spouse ("my mom's back is hurting")."""
    m = _FIRST_REFERENCE.search(text)
    while m is not None and (stance := _STANCE.match(text, m.start())) is not None:
        m = _FIRST_REFERENCE.search(text, stance.end())
    bare = _BARE_PARENT.search(text)
    if bare is not None and (m is None or bare.start() < m.start()):
        # "Dad fainted in the driveway": a parent called by the family's name for them, before the caller says "I"
        return bare.group(1).lower() in relations
    if m is None:
        return False
    if (m.group("pron") or "").lower() in pronouns:
        return True
    rel = re.match(r"(?:my|our)\s+(\S+?)(?:'?s)?$", m.group().lower()) if m.group().lower().startswith(("my ", "our ")) else None
    if rel is None and m.group().lower() in {"my", "our"}:
        nxt = re.match(r"\s+([a-z-]+?)(?:'?s)?\b", text[m.end():].lower())
        rel = nxt
    # a parent only: "my wife" from the patient is someone else as often as it is the patient
    return rel is not None and rel.group(1) in relations and _GROUPS[rel.group(1)][0] in _PARENT


@lru_cache(maxsize=1024)  # four specialists ask the same question of every turn
def _proxy_from_reference(agent: tuple[str, ...], said: tuple[str, ...], *, sex: str | None,
                          names: tuple[str, ...]) -> Proxy | None:
    """A :class:`Proxy` when the call talks of the patient in the third person (see above). The
    patient's sex from the plan gives the pronouns; a relation word of that sex ("Mom's nose") names
    the patient unless another is said."""
    if sex not in _PRONOUNS:
        return None
    pronouns = _PRONOUNS[sex]
    relations = frozenset(w for w, s in _SEX.items() if s == sex and _GROUPS[w][0] in _PARENT_OR_SPOUSE)
    name_rx = "|".join(re.escape(n.lower()) for n in names) or r"(?!x)x"
    pron = "|".join(sorted({"female": ("she", "her"), "male": ("he", "him", "his")}[sex]))
    rel = "|".join(sorted(map(re.escape, relations), key=len, reverse=True))
    about = re.compile(_AGENT_ABOUT.format(name=name_rx, pron=pron, rel=rel), re.I)
    named = re.compile(r"\b(?:" + name_rx + r")\b(?!\s+(?:here|speaking))", re.I)
    heard = [normalize(t) for t in said]
    referred = any(about.search(normalize(t)) for t in agent) or any(
        not _SELF_INTRO.search(t[:m.start()].rstrip()) and not re.search(r"\bthis is\b", t[:m.start()], re.I)
        for t in heard for m in named.finditer(t)) or any(_pronoun_led(t, pronouns, relations) for t in heard)
    if not referred:
        return None
    return Proxy(frozenset(pronouns), relations, frozenset(n.lower() for n in names))
