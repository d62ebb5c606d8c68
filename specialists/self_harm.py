"""Suicidal, self-harm and overdose language in what a caller says (issue 17; CONTRACT.md §2).

:func:`assess` reads one patient turn in the context of the call and returns what it discloses: the
categories of the C-SSRS screener (passive wish to be dead, active thoughts, intent, plan), method-seeking
questions, and an overdose or self-injury that has happened, with the escalation level each warrants
and a reason a nurse can act on. Calls and batch replay use the same function (through
:mod:`specialists.crisis`).

How a turn is read (the vocabulary is data: specialists/knowledge/self_harm.yaml):

1. **Normalise**: lower case, straight apostrophes, speech-recogniser spellings rewritten ("kill my
   self", "sue aside", "the hole bottle"), idioms masked so their words cannot match ("this pain is
   killing me", "dead tired", "I'd kill for a coffee", "scared to death of the surgery").
2. **Word classes** per sentence: an act of killing oneself, self-injury, a state of being dead, a
   wish, hopelessness, a mass quantity, an ingestion verb, a question about amounts, a lethal outcome,
   an intent marker, a plan, means.
3. **Combine** them into categories by rules that name classes, never sentences: a wish before a death
   state is a passive wish; an amount question with a lethal outcome is method-seeking; a past
   ingestion verb with a mass quantity is an overdose; an intent marker before an act is intent ...
4. **Scope** each candidate: negated ("I'd never kill myself"), conditional ("if I ever felt like
   ending it, I'd call"), someone else's ("my neighbour's son"), fiction ("in the movie he kills
   himself") and remote history ("years ago, not now") do not count. Method-seeking questions count
   whoever they are "for". A caregiver's "she", "Mom", "my husband" is the patient when it fits the
   patient (sex, and age for "my son"/"my daughter"), so reports for the patient count.
5. **The call**: a yes (or a "sometimes", "I don't know") to the assistant's own screening question
   is that answer; a call that has disclosed stays in crisis: later turns keep the highest level, and
   means or a time said later ("I have the pills right here", "tonight") complete a plan.

When the reading is unsure, it errs towards a human hearing about it: recall of emergencies comes
before everything else.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from careplans import CarePlan
from specialists import crisis_net
from specialists.findings import Level, level_rank
from specialists.text.context import answer_polarity, scope
from specialists.text.dates import MONTHS

__all__ = ["CATEGORY_LEVEL", "Assessment", "Category", "Disclosure", "assess", "assess_text", "normalise"]

Category = Literal["passive", "warning_sign", "distress", "active_ideation", "intent", "plan", "method_seeking",
                   "ingestion", "self_injury"]

CATEGORY_LEVEL: dict[Category, Level] = {
    "passive": "urgent", "warning_sign": "urgent", "distress": "urgent", "active_ideation": "emergency", "intent": "emergency",
    "plan": "emergency", "method_seeking": "emergency", "ingestion": "emergency", "self_injury": "emergency",
}
# Most specific first: the order reasons are given in, and which category names the disclosure.
_ORDER: tuple[Category, ...] = ("ingestion", "self_injury", "method_seeking", "intent", "plan", "active_ideation",
                                "passive", "warning_sign", "distress")

VOCABULARY = Path(__file__).resolve().parent / "knowledge" / "self_harm.yaml"


# --------------------------------------------------------------------------------------------------
# The vocabulary
# --------------------------------------------------------------------------------------------------

class _Scope(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fiction: list[str]
    remote_past: list[str]
    not_now: list[str]
    denial: list[str]
    pseudo_negation: list[str]
    idioms: list[str]


class _Screening(BaseModel):
    model_config = ConfigDict(extra="forbid")
    passive: list[str]
    active_ideation: list[str]
    plan: list[str]
    intent: list[str]
    behaviour: list[str]
    safety: list[str]


_CONCEPTS = ("suicide_act", "self_injury_act", "death_state", "wish", "wish_after", "better_off", "ideation", "hopeless",
             "farewell", "warning_sign", "mass_quantity", "weak_quantity", "ingest_verb", "overdose_event", "poison",
             "lethal_outcome", "amount_question", "intent_marker", "plan_marker", "means", "stop_meds", "attempt",
             "act_reference", "accident", "on_purpose", "ingest_object", "benign_reason", "benign_errand", "arrangement",
             "after_death", "self_agency", "rehearsal")


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sources: list[str] = Field(min_length=1)
    macros: dict[str, str]
    rewrites: list[tuple[str, str]]
    concepts: dict[str, list[str]]
    weak_lethal: list[str]
    scope: _Scope
    screening_questions: _Screening


@dataclass(frozen=True)
class Vocabulary:
    rewrites: tuple[tuple[re.Pattern[str], str], ...]
    concepts: dict[str, re.Pattern[str]]
    weak_lethal: re.Pattern[str]  # lethal_outcome matches that are lethal only with more said ("do it", "for good")
    scope: dict[str, re.Pattern[str]]
    screening: dict[str, re.Pattern[str]]


def _compile(patterns: Iterable[str], macros: dict[str, str], where: str) -> re.Pattern[str]:
    expanded = []
    for p in patterns:
        for name, value in macros.items():
            p = p.replace(f"%{name}%", value)
        if "%" in re.sub(r"%%", "", p) and re.search(r"%[A-Z]+%", p):
            raise ValueError(f"{where}: unknown macro in {p!r}")
        try:
            re.compile(p)
        except re.error as exc:
            raise ValueError(f"{where}: {exc} in {p!r}") from None
        expanded.append(f"(?:{p})")
    return re.compile("|".join(expanded) or r"(?!x)x", re.I)


@cache
def vocabulary(path: Path = VOCABULARY) -> Vocabulary:
    """The compiled vocabulary; a malformed file raises ValueError naming the entry."""
    data = _File.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    missing = [c for c in _CONCEPTS if c not in data.concepts]
    if missing:
        raise ValueError(f"{path.name}: concepts missing: {', '.join(missing)}")
    m = data.macros
    return Vocabulary(
        rewrites=tuple((re.compile(a, re.I), b) for a, b in data.rewrites),
        concepts={k: _compile(v, m, f"concepts.{k}") for k, v in data.concepts.items()},
        weak_lethal=_compile(data.weak_lethal, m, "weak_lethal"),
        scope={k: _compile(v, m, f"scope.{k}") for k, v in data.scope.model_dump().items()},
        screening={k: _compile(v, m, f"screening_questions.{k}") for k, v in data.screening_questions.model_dump().items()},
    )


# --------------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Disclosure:
    """One thing a turn discloses."""

    category: Category
    evidence: str                       # the sentence that says it (normalised)
    source: Literal["turn", "answer"] = "turn"  # said in the turn, or a yes to the assistant's question
    denied: bool = False                # active thoughts with an explicit "I'd never act on it"
    for_patient: bool = True            # False: about someone who is not the patient (a method question "for a friend")
    caregiver: bool = False             # reported by someone speaking for the patient

    @property
    def level(self) -> Level:
        return "urgent" if self.denied else CATEGORY_LEVEL[self.category]

    def describe(self) -> str:
        words = {
            "passive": "passive wish to be dead, no plan stated",
            "warning_sign": "warning signs of suicide risk (not a stated wish to die)",
            "distress": "words that read like a wish to die or to self-harm, in a way the crisis rules do not place "
                        "(paraphrase net); asked the screening question",
            "active_ideation": "thoughts of killing themself" + ("; denies any intent or plan to act" if self.denied else ""),
            "intent": "states intent to end their life",
            "plan": "describes a plan or preparations to end their life",
            "method_seeking": "asked how to end their life or what amount or combination would be lethal",
            "ingestion": "reports an overdose that has already happened",
            "self_injury": "reports self-injury or a suicide attempt that has happened",
        }[self.category]
        if self.source == "answer":
            words += " (yes to the screening question)"
        if self.caregiver:
            words += " (reported by a caregiver)"
        return words


@dataclass(frozen=True)
class Assessment:
    """What one turn discloses, and what the call disclosed before it."""

    own: tuple[Disclosure, ...] = ()
    earlier: tuple[Disclosure, ...] = ()  # the call's earlier disclosures (the crisis continues)

    @property
    def level(self) -> Level:
        levels = [d.level for d in (*self.own, *self.earlier)]
        return max(levels, key=level_rank, default="none")

    @property
    def in_crisis(self) -> bool:
        return bool(self.own or self.earlier)

    @property
    def screening_only(self) -> bool:
        """Only the paraphrase net heard distress (no disclosure the rules place, none earlier in the call)."""
        return bool(self.own) and not self.earlier and all(d.category == "distress" for d in self.own)

    @property
    def categories(self) -> list[Category]:
        found = {d.category for d in (*self.own, *self.earlier)}
        return [c for c in _ORDER if c in found]

    @property
    def new_categories(self) -> list[Category]:
        """What this turn discloses at its own highest level, most specific first (empty: nothing new)."""
        top = max((d.level for d in self.own), key=level_rank, default="none")
        return list(dict.fromkeys(d.category for d in _ordered(self.own) if d.level == top))

    def reason(self, drugs: Sequence[str] = ()) -> str:
        """The handoff's reason in words: what this turn says, then what the call said before."""
        own = _ordered(self.own)
        parts = [d.describe() + f': "{d.evidence}"' for d in own]
        if drugs and any(d.category in {"method_seeking", "ingestion", "plan"} for d in own):
            parts.append("drugs named: " + ", ".join(drugs))
        if self.earlier:
            first = _ordered(self.earlier)[0]
            parts.append(("earlier in the call: " if own else "continuing crisis; earlier in the call: ") + first.describe())
        return "; ".join(parts)


def _ordered(ds: Iterable[Disclosure]) -> list[Disclosure]:
    seen: dict[tuple[Category, bool], Disclosure] = {}
    for d in ds:
        seen.setdefault((d.category, d.denied), d)
    return sorted(seen.values(), key=lambda d: (_ORDER.index(d.category), d.denied))


# --------------------------------------------------------------------------------------------------
# Normalising
# --------------------------------------------------------------------------------------------------

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})


_REPEATED_WORD = re.compile(r"\b([a-z]+(?:'[a-z]+)?)(?:\s+\1\b)+")


@lru_cache(maxsize=8192)  # a turn is normalised by many readers (and its history by every later turn)
def normalise(text: str) -> str:
    """Lower case, straight apostrophes, single spaces, speech-recogniser spellings rewritten."""
    t = text.translate(_APOSTROPHES).lower()
    t = re.sub(r"[\"\u201c\u201d]|(?<![a-z])'|'(?![a-z])", " ", t)  # quotation marks, not apostrophes
    t = re.sub(r"\s+", " ", t).strip()
    t = _REPEATED_WORD.sub(r"\1", t)  # a false start as the recogniser writes it: "i i took", "to to choke"
    for rx, repl in vocabulary().rewrites:
        t = rx.sub(repl, t)
    return t


def _mask(text: str, rx: re.Pattern[str]) -> str:
    """Each match replaced by spaces of the same length, so other spans keep their places."""
    return rx.sub(lambda m: " " * len(m.group()), text)


_SENTENCE_END = re.compile(r"[.?!;]+(?!\d)|\n|\s-{1,2}\s")


# A short fragment that only says how much ("I took the pills. All of them.") belongs to the sentence before.
_AMOUNT_FRAGMENT = re.compile(r"^\W*(?:(?:and|um|uh|like|well)\W+)?(?:the [\w ]{1,30}?,\s*)?(?:all|every|everything|the whole|the lot|"
                              r"the entire|the rest|a whole|whole|each|both|half|more than|most of|the lot)\b[^.?!;]{0,60}$")


_NOUN_FRAGMENT = re.compile(r"^\W*the [a-z' ]{1,25}(?: and the [a-z' ]{1,25})?$")


def _sentences(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    lo = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > lo:
            out.append((lo, m.end()))
        lo = m.end()
    if lo < len(text) and text[lo:].strip():
        out.append((lo, len(text)))
    merged: list[tuple[int, int]] = []
    for span in out:
        piece = text[span[0]:span[1]].rstrip(".?!; ")
        if merged and (_AMOUNT_FRAGMENT.match(piece) or _NOUN_FRAGMENT.match(piece)):
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    return merged


# --------------------------------------------------------------------------------------------------
# Who and when
# --------------------------------------------------------------------------------------------------

# Words a caller uses for the patient without saying so first: pronouns, parents, partners (a sibling, a
# friend or a cousin is the patient only when the caller said they speak for them).
_FEMALE = {"she", "her", "hers", "herself", "she's", "she'd", "she'll", "mom", "mother", "mum", "mama", "ma", "wife",
           "grandma", "grandmother", "nana", "granny", "daughter", "girl", "girlfriend"}
_MALE = {"he", "him", "his", "himself", "he's", "he'd", "he'll", "dad", "father", "papa", "pop", "pops", "husband",
         "hubby", "grandpa", "grandfather", "son", "boy", "boyfriend"}
_KIN = (_FEMALE | _MALE | {"sister", "brother", "aunt", "uncle", "cousin", "niece", "nephew", "partner", "spouse", "parent"}) - {
    "she", "her", "hers", "herself", "she's", "she'd", "she'll", "he", "him", "his", "himself", "he's", "he'd", "he'll", "girl", "boy"}
_NEUTRAL = {"they", "them", "their", "themselves", "themself", "they're", "partner", "spouse", "parent", "a person",
            "someone", "somebody"}
_CHILD = {"son", "daughter", "boy", "girl", "kid", "child"}
_RELATION = re.compile(r"^(?:my|our|the|a)\s+|'s$")
_MENTAL_HEALTH = re.compile(r"\b(?:depress\w*|bipolar|ptsd|post-?traumatic|schizo\w*|psychos[ie]s|psychotic|suicid\w*|"
                            r"self-?harm|borderline personality|mdd|substance use|opioid use disorder|alcohol use disorder)\b", re.I)


@dataclass(frozen=True)
class Patient:
    """What the analysis needs to know of the patient: who "she" or "my husband" may be, and whether a
    mental-health condition makes means or a veiled goodbye worth a human's attention."""

    sex: str | None = None
    age: int | None = None
    names: frozenset[str] = frozenset()
    relations: frozenset[str] = frozenset()  # the patient's relation to a caller who declared it ("my mother")
    mental_health: bool = False
    proxy: bool = False  # the caller said they speak for the patient

    @classmethod
    def of(cls, plan: CarePlan, today: dt.date, relations: Iterable[str] = (), names: Iterable[str] = (),
           proxy: bool = False) -> Patient:
        p = plan.patient
        dob = p.date_of_birth
        age = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
        all_names = {n.lower() for n in (p.first_name, p.preferred_name, *names) if n}
        mh = any(_MENTAL_HEALTH.search(" ".join(filter(None, [c.name, c.note]))) for c in plan.conditions)
        return cls(p.sex if p.sex in {"female", "male"} else None, age, frozenset(all_names), frozenset(relations), mh, proxy)

    def could_be(self, cue: str) -> bool:
        """Could the person this word names be the patient? "she" for a woman, "my husband" or "Dad" for a
        man, "my daughter" only for a young patient; a cousin, a friend or a neighbour only when the
        caller said they speak for them."""
        w = _RELATION.sub("", _RELATION.sub("", cue.lower().strip()))
        if w in self.names or w in self.relations or w in {"patient", "client"}:
            return True
        if not self.proxy:
            return False  # the patient speaking: "she", "my dad" are other people
        if self.relations and w in _KIN:
            return False  # "I'm Gloria's husband ... it's my sister who wants to die": the patient is his wife
        if w in _NEUTRAL:
            return True
        if w in _CHILD and (self.age is None or self.age >= 45):
            return False
        if w in _FEMALE:
            return self.sex in {None, "female"}
        if w in _MALE:
            return self.sex in {None, "male"}
        return False


_FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|me|my|myself|mine)\b")
_FIRST_SUBJECT = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|me|myself)\b")
_THIRD_REFL = re.compile(r"\b(?:himself|herself|themselves|themself|his|her|their)\b")
_PERSON = (r"mom|mother|mum|mama|dad|father|papa|husband|wife|partner|spouse|son|daughter|sister|brother|grandma|"
           r"grandmother|grandpa|grandfather|aunt|auntie|uncle|friend|neighbou?r|cousin|roommate|boyfriend|girlfriend|kid|"
           r"child|boss|coworker|buddy|patient|client|niece|nephew|fella|guy|person|someone|somebody|man|woman|lady|girl|boy|"
           r"character|actor|actress|teen|teenager|singer|celebrity")
_THIRD_SUBJECT = re.compile(r"\b(?:she|he|they|she's|he's|they're|her|him|his|them|(?:(?:my|our|a|the|her|his) )?(?:\w+ )?(?:"
                            + _PERSON.replace("|fella|guy|person|someone|somebody|man|woman|lady", "") + r")|mom|dad|grandma|"
                            r"grandpa|(?:my|our|a|the|her|his|that|this) (?:\w+ )?(?:fella|guy|person|man|woman|lady)|someone|somebody)\b")
# A death by suicide that happened: never the patient on the phone.
_PRONOUN = re.compile(r"(?:she|he|they|she's|he's|they're|her|him|his|them|hers|himself|herself|themselves|themself|their)")
_COMPLETED = re.compile(r"\b(?:died by|committed|death by|lost (?:\w+ ){1,3}to|losing (?:\w+ ){1,3}to) suicide\b|\b(?:took|taken) (?:his|her|their) "
                        r"(?:own )?life\b|\b(?:killed|hanged|shot) (?:himself|herself|themselves)\b|\bsuicide (?:in|back in|when)\b")
_ONGOING = re.compile(r"\b(?:again|lately|these days|recently|still|right now|tonight|today|this (?:week|morning|month|year)|keeps|keep saying|every (?:day|night)|all the time|constantly|more and more|"
                      r"starting to|creeping back|coming back|(?<!fine )(?<!good )(?<!well )(?<!okay )(?<!stable )(?<!forever )(?<!better )since (?:then|last|monday|tuesday|wednesday|thursday|friday|"
                      r"saturday|sunday))\b")
_PRESENT_SELF = re.compile(r"\b(?:i'm|i am|i've been|i keep|i still|lately|now|these days|right now)\b")
_FAMILY_HISTORY = re.compile(r"\b(?:runs? in (?:my|the|our|his|her) family|family history|in (?:my|the|our) family|"
                             r"on (?:my|his|her|our) (?:dad's|mom's|mum's|mother's|father's) side)\b")
_EDUCATION = re.compile(r"\b(?:signs?|warning|symptoms?|information|learn|pamphlet|article|read about|hotline|helpline|crisis line|"
                        r"the number for|what number|how (?:do|would|can|should) (?:i|you|we) (?:know|tell|help|talk)|"
                        r"what (?:should|do|can) (?:i|you|we) do if|how to help|support group|prevention)\b")
_ASKING_FOR_OTHER = re.compile(r"\b(?:for a friend|asking for (?:a|my) \w+|(?:my|a) (?:friend|buddy|neighbou?r|cousin|coworker) "
                               r"(?:wants|wanted|was asking|asked|is asking)|not for me|it's for (?:a|my) \w+|hypothetically)\b")


@dataclass(frozen=True)
class _Reading:
    """A turn prepared for matching: normalised, idioms and pseudo-negations masked, spans of each class."""

    text: str  # normalised
    masked: str  # idioms masked (concepts are matched here)
    scoped: str  # idioms and pseudo-negations masked (negation is judged here)
    spans: dict[str, tuple[tuple[int, int], ...]]
    sentences: tuple[tuple[int, int], ...]

    def hits(self, concept: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int]]:
        """Spans of the class that start in [lo, hi) (a phrase may run on into the next sentence)."""
        hi = len(self.text) if hi is None else hi
        return [s for s in self.spans[concept] if lo <= s[0] < hi]

    def has(self, concept: str, lo: int = 0, hi: int | None = None) -> bool:
        return bool(self.hits(concept, lo, hi))


@lru_cache(maxsize=4096)
def _read(text: str) -> _Reading:
    v = vocabulary()
    norm = normalise(text)
    masked = _mask(norm, v.scope["idioms"])
    scoped = _mask(masked, v.scope["pseudo_negation"])
    spans = {k: tuple(m.span() for m in rx.finditer(masked) if m.end() > m.start()) for k, rx in v.concepts.items()}
    if _DENIED_BENIGN.search(masked):
        spans["benign_reason"] = ()  # "they think I meant the move, but there isn't any move"
    # "two at once" is a dose, not a supply: "at once" and "in one go" after a small count are no mass quantity
    spans["mass_quantity"] = tuple(s for s in spans["mass_quantity"] if not (
        _TOGETHER.fullmatch(masked[s[0]:s[1]]) and _SMALL_COUNT.search(masked[max(0, s[0] - 40):s[0]])))
    return _Reading(norm, masked, scoped, spans, tuple(_sentences(norm)))


# The ordinary explanation denied: the preparations are not for a move or a trip.
_DENIED_BENIGN = re.compile(r"\b(?:there isn't|there is no|there's no|isn't) (?:any |a )?(?:move|trip|moving|holiday|vacation)\b|"
                            r"\bnot moving anywhere\b|\bthink i(?:'m| am| meant) (?:the )?(?:mov\w*|at|on|going)\b")
# Said of an act that no one is to interrupt or discover: a plan whatever else the turn says.
_HIDDEN_DEATH = re.compile(r"\b(?:you'll|you will) find me\b(?=\s*(?:[.!'\"]|$|,? (?:those|that's|she|he|and)))|\bnobody would think twice\b|\bwhere (?:nobody|no one|noone) (?:would|will|could|'d) find me\b|\bwouldn't be the one to find me\b|"
                           r"\bso (?:nobody|no one) can (?:bring me back|save me|revive me|stop me)\b|\b(?:nobody|no one) has to know it was me\b")
_PURPOSELY = re.compile(r"\b(?:on purpose|deliberately|intentionally|purposely|to die|so (?:that )?i (?:could|would|will) die|not a mistake|"
                        r"that's the point|so it's over (?:faster|sooner|quicker|quick)|wanted it to be too much|hoping i'?d (?:bleed|die|not wake up)|i know what (?:they're|it's) for|"
                        r"i know what happens|if i get a stroke,? good|waste away|fade away|done with being alive|"
                        r"let the \w+ (?:drown|do it|take me|give out)|if (?:the |my )?\w+ (?:pack|packs|give|gives) (?:in|out|up),? (?:they|it) (?:pack|packs|give|gives))\b")
_LET_IT = re.compile(r"\blet (?:the|my|this|that) \w+ (?:do it|take me|finish me|win|do the job)\b|\bwant the \w+ to (?:take|finish) me\b")
# Signs in the body or the day that an intake was an overdose, not a dose.
_ACUTE_SIGN = re.compile(r"\b(?:groggy|drowsy|passed out|(?:lying|woke up|i'm|found (?:him|her|them)) on the (?:bathroom |kitchen |bedroom )?floor|foggy|gone (?:all )?grey|"
                         r"breathing (?:really |very )?slow|not making (?:any )?sense|won't wake|can't wake|nose ?bleed|gums are bleeding|"
                         r"bruises|keeps saying sorry|(?:with|and) (?:some |a glass of |a )?(?:vodka|wine|whiske?y|bourbon|beer|booze|gin|rum)|"
                         r"(?:been |and )(?:drank|drinking)|minutes ago|an hour ago|hours ago|around midnight|had enough)\b")
_EMPTY = re.compile(r"\b(?:pens?|vials?|bottles?|packs?|box|boxes|blister packs?|dosette(?: box)?|organi[sz]er|strips?)(?:'s)? (?:were |was |is |are )?(?:\w+ )?(?:completely |all )?"
                    r"empty\b|\bempty (?:\w+ ){0,2}(?:bottles?|blister packs?|packs?|boxes)\b|\b(?:bottle|box)\b[^.?!]{0,30}, empty\b")
_POSSESSION = re.compile(r"\b(?:got|have|has|keep|kept|keeping|found|bought|picked up|filled|need|ordered)\b")
# a supply that arrived ("The box came yesterday. Sixty of the little vials."): a delivery, said in any sentence of the turn
_DELIVERY = re.compile(r"\b(?:came|come|arrived|arrives?|delivered|delivery|shipped|shipment|in the (?:mail|post)|mail[- ]order|"
                       r"the (?:mailman|postman|courier|ups|fedex)|dropped off)\b")
_FRAGMENT_TIME = re.compile(r"\b(?:before you (?:called|rang)|ago|last night|this morning|yesterday|earlier (?:today|tonight|on)|around midnight|after my coffee)\b")
_SMALL_WEAK = re.compile(r"(?:one|two|three|four|a couple|both|[1-4]|half) ")
_SMALL_COUNT = re.compile(r"\b(?:one|two|three|a couple|a pair|both|[1-4]|half)\b(?: \w+){0,4}\s*$")


# --------------------------------------------------------------------------------------------------
# Scope of one candidate
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Ctx:
    patient: Patient
    today: dt.date
    crisis: bool              # the call (or this turn) is already about ending one's life
    disclosed: bool           # ... because the caller said so earlier in the call (not only because the assistant asked)
    caregiver: bool           # the speaker speaks for the patient
    adherence_question: bool  # the assistant just asked about taking the medicines

    @property
    def at_risk(self) -> bool:
        """Means, a veiled goodbye or "I'm going to do it" count: the call is about ending one's life, or
        the patient has a mental-health condition on the plan."""
        return self.crisis or self.patient.mental_health


_SPEAKER_FIRST = re.compile(r"\s*(?:\w+,\s*)?(?:i|i've|i'm|i'd|i'll)\b")
_THIRD_PRONOUN = re.compile(r"\b(?:she|he|they|she's|he's|they're|she'd|he'd|she'll|he'll)\b")


def _subject_is_other(r: _Reading, start: int, end: int, lo: int, ctx: _Ctx) -> bool:
    """The act or wish is someone else's, not the patient's."""
    sentence = r.masked[lo:end]
    near = r.masked[max(lo, start - 40):start]
    inside = r.masked[start:end]
    if (_COMPLETED.search(r.masked[lo:end + 40]) or _FAMILY_HISTORY.search(r.masked[lo:end + 40])) and \
            not _FIRST_PERSON.search(inside):
        return True
    if _FIRST_PERSON.search(inside):
        return False  # "I carved her name in my arm" is the speaker's own act
    third = [m.group() for m in _THIRD_SUBJECT.finditer(sentence[: start - lo])] + \
        [m.group() for m in _THIRD_REFL.finditer(inside)]
    if not third:
        return False
    # "my wife says I keep talking about ending it", "my daughter called ... and I want to end it all": the
    # speaker is the subject again.
    if _FIRST_PERSON.search(near) and not _THIRD_REFL.search(inside):
        last_third = max((m.end() for m in _THIRD_SUBJECT.finditer(near)), default=-1)
        last_first = max((m.end() for m in _FIRST_PERSON.finditer(near)), default=-1)
        if last_first > last_third:
            return False
    # "I told my daughter where the papers are and said goodbye to her": a person named as the object of the
    # speaker's own sentence, with no other subject after the speaker
    if _SPEAKER_FIRST.match(sentence) and not _THIRD_PRONOUN.search(r.masked[lo:start]) and not _THIRD_REFL.search(inside):
        return False
    # "my buddy from work, he says he wants to ...": a person who cannot be the patient is named first
    if any(not _PRONOUN.fullmatch(w) and not ctx.patient.could_be(w) for w in third):
        return True
    return not all(ctx.patient.could_be(w) for w in third[-2:])


# a wish to be away rather than dead ("not be here", "be gone", "get out"): an ordinary reason near it can explain it
_AWAY = re.compile(r"\b(?:here|there|around|gone|home|away|out)\b")
_ENDING = re.compile(r"\b(?:i'm|im|i am|i'll be) (?:done|finished|checking out|out of here|gone)\b(?!\s*(?:with|for|at|in|by|eating|the|my|it|"
                     r"now,? (?:the|we)|shopping|cleaning|\w+ing\b))(?=\s*(?:$|[.!,;]|man\b|dear\b|then\b|for good\b|and\b))")
# the month names in full, from the shared date reader (its abbreviations are everyday words here: "by may", "in dec")
_MONTH_NAMES = "|".join(max((name for name, n in MONTHS.items() if n == month), key=len) for month in range(1, 13))
_TIME_BEFORE = re.compile(r"\b(?:after|when|once|before|by) (?:the|my|his|her|this|that|our|\w+'s)\b[^.?!]{0,60}$|\b(?:in|on|by) "
                          r"(?:" + _MONTH_NAMES + r"|the \w+(?:st|nd|rd|th))\b")
_ROUTE = re.compile(r"\b(?:over|across|past|under|through|crossing|cross)\b")
_FEELING_FINE = re.compile(r"\b(?:fine|okay|ok|alright|all right|good)\b")


def _remote(r: _Reading, lo: int, hi: int, following: tuple[int, int] | None) -> bool:
    """Years ago and over ("I tried once when I was nineteen", "that was a long time ago, not now"); a past
    told in one sentence covers the turn ("After Vietnam I had bad years. Thought about ending it. Got help
    in '85.") unless something goes on now."""
    v = vocabulary()
    sentence = r.masked[lo:hi]
    if _ONGOING.search(sentence):
        return False
    # ("she says she's fine now" said after an overdose is how people minimise, not a past: it covers only its sentence)
    over = any(not _FEELING_FINE.search(m.group()) for m in v.scope["not_now"].finditer(r.masked))
    if (v.scope["remote_past"].search(r.masked) or over) and not _ONGOING.search(r.masked) \
            and not _PRESENT_SELF.search(sentence):
        return True
    if v.scope["remote_past"].search(sentence) or v.scope["not_now"].search(sentence):
        return True
    if following is not None:
        nxt = r.masked[following[0]:following[1]]
        if re.match(r"\s*(?:but )?(?:that|it|those|this|never|not|(?:19|20)\d\d)\b", nxt) and (
                v.scope["remote_past"].search(nxt) or v.scope["not_now"].search(nxt)):
            return True
    return False


def _fiction(r: _Reading, start: int, lo: int, hi: int) -> bool:
    """A story, a show or the news (said in this sentence, or earlier in the turn of a third person)."""
    v = vocabulary().scope["fiction"]
    told = v.search(r.masked[lo:hi]) or (v.search(r.masked[:lo]) and not _FIRST_PERSON.search(r.masked[lo:hi]))
    if not told:
        return False
    # "that show made me want to end it all" is the speaker's own ("my book club's reading a memoir" is not)
    return not _FIRST_SUBJECT.search(r.masked[max(lo, start - 30):start + 1])


def _statement_scope(r: _Reading, start: int, end: int, lo: int, hi: int, ctx: _Ctx,
                     following: tuple[int, int] | None, *, negatable: bool = True, conditional: bool = True) -> str | None:
    """Why a statement at [start, end) does not count (None: it counts)."""
    if _fiction(r, start, lo, hi):
        return "fiction"
    if _subject_is_other(r, start, end, lo, ctx):
        return "someone else"
    if _remote(r, lo, hi, following):
        return "history"
    sc = scope(r.scoped[lo:hi], start - lo, end - lo, today=ctx.today, intent=True)
    if conditional and sc.hypothetical:
        return "hypothetical"
    if sc.question and _EDUCATION.search(r.masked[lo:hi]):
        return "question"
    if negatable and sc.negated and not _NEGATION_IN_PHRASE.search(r.masked[start:end]):
        return "negated"
    if negatable and _REPORT_NEGATION.search(r.masked[lo:start]):
        return "negated"
    # "Hurting myself? The knee does that for me. No, seriously, no.": an echoed question answered no
    if negatable and r.masked[lo:hi].rstrip().endswith("?") and len(r.masked[lo:hi].split()) <= 5 and \
            (_LATER_NO.search(r.masked[hi:]) or re.search(r"(?:^|[.!?]\s+)(?:no|nope|never)\W*$", r.masked[hi:])):
        return "negated"
    if negatable and re.search(r"\bthe answer(?:'s| is) no\b", r.masked[lo:hi]):
        return "negated"  # "if you're asking am I suicidal, the answer's no"
    return None


_LATER_NO = re.compile(r"^\W*(?:(?:the \w+ does that for me|ha|haha|oh|god|lord|me)\W+)*(?:no|nope|never|not at all|nothing like that|"
                       r"not really|not me)\b|\b(?:no|nope),? (?:seriously|honestly|really)\b")


_REPORT_NEGATION = re.compile(r"\b(?:never|hasn't|has not|didn't|did not|doesn't|does not|haven't|have not|not) (?:once )?(?:said|say|says|"
                               r"mentioned|mention|talked|talk|spoken|spoke|brought up|shown|had|expressed|given any sign)\b"
                               r"[^.?!]{0,25}\b(?:anything|about|any|of)\b|\b(?:denies|denied|no sign of|no talk of|nothing about)\b")
_NEGATION_IN_PHRASE = re.compile(r"\b(?:not|never|no|don't|didn't|won't|wouldn't|isn't|wasn't|can't|cannot|nobody|no one|nothing|"
                                 r"hadn't)\b")


# --------------------------------------------------------------------------------------------------
# Categories in one utterance
# --------------------------------------------------------------------------------------------------

_DAILY_DOSES = re.compile(r"\b(?:morning|evening|night(?:ly)?|night-time|bedtime|daily|today's|usual|regular|lunchtime) "
                          r"(?:pills|meds|medicines|medications|tablets|doses|ones)\b")
_TOGETHER = re.compile(r"(?:all )?(?:at once|in one go|in one shot|in one sitting|at the same time|at one time)")


def _mass(r: _Reading, lo: int, hi: int) -> list[tuple[int, int]]:
    """The mass quantities of [lo, hi), less "at once" said of the day's doses ("all my morning pills in one go")."""
    mass = r.hits("mass_quantity", lo, hi)
    if _DAILY_DOSES.search(r.masked[lo:hi]):
        return [m for m in mass if not _TOGETHER.fullmatch(r.masked[m[0]:m[1]])]
    return mass
_PAST_INGEST = re.compile(r"\b(?:gave (?:myself|himself|herself)|put|took|washed|doubled|tripled|had|chewed|taken|swallowed|downed|popped|ate|eaten|chugged|gulped|gobbled|knocked back|threw back|"
                          r"washed down|injected|shot up|used|dumped|emptied|finished off|finished|overdosed|od'?d|did|done|drank|"
                          r"drunk)\b")
# All-purpose verbs that take in something only with a medicine or an amount after them ("they did all the tests").
_GENERIC_VERB = re.compile(r"do|does|doing|done|did|use|using|used|had|put|finished|finish")
# Speakers of other Englishes often put a past intake in the base form ("I take all the pills this morning").
_BASE_INGEST = re.compile(r"\b(?:take|swallow|drink|eat|inject|shoot up|use|finish)\b")
_PAST_TIME = re.compile(r"\b(?:ago|last night|this morning|yesterday|earlier|before you (?:called|rang)|already)\b")
_NOW_INGEST = re.compile(r"\b(?:taking|swallowing|downing|popping|eating|chugging|gulping|injecting|using|doing|drinking)\b")
_ACUTE = re.compile(r"\b(?:passed out|(?:lying|woke up|i'm|found (?:him|her|them)) on the (?:bathroom |kitchen |bedroom )?floor|foggy|gone (?:all )?grey|breathing (?:really |very )?slow|not making (?:any )?sense|"
                    r"won't wake|can't wake|nose ?bleed|bleeding|bruises|lying on|with (?:some |a )?(?:vodka|wine|whiske?y|bourbon|beer|booze|gin|rum)|"
                    r"(?:and|been) (?:drank|drinking)|(?:i|i've|she|she's|he|he's|we|we've|they|they've) just (?:\w+ )?(?:took|taken|swallowed|had|ate|eaten|"
                    r"drank|finished|downed|popped|injected|used|did)|just (?:now|took|swallowed|had|did|ate|"
                    r"drank|finished|downed|popped|injected|shot|used)|an hour ago|hours? ago|minutes? ago|half an hour|a little while ago|a while ago|earlier|"
                    r"last night|tonight|right now|a few minutes|after (?:lunch|dinner|breakfast)|dizzy|drowsy|sleepy|"
                    r"can't stay awake|throwing up|vomiting|confused|slurring|heart (?:is )?racing|feel (?:weird|strange|funny)|"
                    r"empty (?:\w+ )?(?:bottles?|box|pack))\b")
_ADHERENCE = re.compile(r"\b(?:as prescribed|like (?:i'm|i am|i was|she's|he's|you're) supposed to|like the doctor said|"
                        r"every (?:day|morning|night|evening)|each (?:day|morning|night)|on (?:time|schedule)|regularly|"
                        r"with (?:breakfast|dinner|lunch|food|my meal)|at bedtime|in the morning|morning (?:pills|meds)|"
                        r"evening (?:pills|meds)|pill ?box|organi[sz]er|yes|yeah|yep|already|today's|for today|this morning|"
                        # the regimen named and summed up ("I'm taking the Plavix, the metoprolol, everything")
                        r"(?:,|and) everything(?! (?:in|from|at once|i had|i have|i could|together))|"
                        r"(?:i'm|i am|he's|she's|i've been|he's been|she's been) (?:still )?taking (?:the|my|his|her) \w+,)\b")
_INTENT_TIME = re.compile(r"\b(?:tonight|this (?:evening|weekend|afternoon)|tomorrow|(?:this |next |on )?(?:monday|tuesday|"
                          r"wednesday|thursday|friday|saturday|sunday)(?: morning| night| evening)?|after (?:they're|they are|he's|"
                          r"she's|everyone's|the kids are) (?:asleep|gone|in bed)|when (?:the kids|they|he|she|everyone) (?:are|is) "
                          r"(?:at|asleep|gone|out|away)|after (?:this call|we hang up|you hang up|"
                          r"the call)|when (?:everyone|he|she|they|my \w+) (?:leaves?|goes? to (?:bed|sleep|work)|is asleep|are asleep)|"
                          r"by (?:tomorrow|the morning|morning|the weekend)|after (?:my|the) (?:kids|wife|husband) (?:are|is|go|goes|leave))\b")
_SPREAD = re.compile(r"\bsince (?:yesterday|last|this|the|monday|tuesday|wednesday|thursday|friday|saturday|sunday|i got|we got|"
                     r"(?:he|she) got|my|her|his|then|early|about|around|\d)|\b(?:this|that) (?:whole |past |last |entire )?(?:week|month|weekend)\b|"
                     r"\b(?:over|during|throughout) the (?:whole |past |last |entire )?(?:week|month|weekend)\b|\bover the (?:past |last )?(?:\w+ )?(?:days?|week|weekend|month)\b|\b(?:a|per|each) day\b|"
                     r"\bevery (?:\w+ )?(?:hours?|morning|night|evening)\b|\b(?:two|three|four|five|six|seven|eight|nine|ten|\d+) "
                     r"(?:different |separate )?times\b|\b(?:throughout|over|during) the (?:day|night|weekend)\b|\ball (?:day|week)\b|"
                     r"\b(?:after|with) (?:each|every) \w+\b|\bin the last (?:\w+ )?(?:days?|week)\b")
_DAY = re.compile(r"\b(?:yesterday|all day|over the day|during the day)\b")  # a whole day (not "this morning": an hour or two)
_RELIEF = re.compile(r"\b(?:pain|aches?|aching|hurt\w*|headaches?|migraines?|colds?|cough\w*|fever|itch\w*|hives|sleep|runs|diarrh\w*|"
                     r"cramps?|allerg\w*|sinus\w*|stuffy|congest\w*|back|knees?|hips?|arthritis|toothache|flu)\b")
_SUPPLY_WORD = re.compile(r"\b(?:bottles?|box(?:es)?|packs?|packets?|jars?|strips?|sleeves?|handfuls?|fistfuls?|everything|whole|entire|"
                          r"the rest|all (?:of )?(?:my|the|them|his|her|those|these))\b")
# signs after a large intake ("... since this time yesterday, and now he's throwing up")
_TOXIC_SIGN = re.compile(r"\b(?:throwing up|threw up|thrown up|vomit\w*|puk\w*|confused|dizzy|sleepy|can'?t stay awake|slurr\w*|"
                         r"heart (?:is )?racing|feels? (?:weird|strange|funny|awful)|yellow|ringing in (?:my|his|her) ears|"
                         r"stomach (?:pain|hurts|ache)|sick to (?:my|his|her) stomach)\b")
_TOGETHER_WORDS = r"at once|in one go|all together|at the same time|on purpose|together|one sitting"
_TOGETHER_NOW = re.compile(rf"\b(?:{_TOGETHER_WORDS})\b")
_COURSE_LEFT = re.compile(r"\b(?:that leaves|leaves (?:me |just |only )|(?:just |only )?(?:one|two|three|four|five|a couple|a few|\d) "
                          r"(?:more )?(?:days?|pills?|doses?|tablets?) (?:left|to go)|(?:one|two|three|\d) more (?:days?|to go))\b")
_GOD_TAKE = re.compile(r"\b(?:god|lord|jesus|maker|heaven|the man upstairs|allah|bhagwan|dieu|dios)\b|\bhe takes me\b")
_DECIDED = re.compile(r"\b(?:(?:i|he|she)(?:'ve| have|'s| has)? (?:already |finally |just |now )?decided|made up (?:my|his|her) mind|"
                      r"(?:my|his|her) mind is made up|like (?:he|she|i)'d decided|not waiting|for real|i mean it)\b")
_FEAR = re.compile(r"\b(?:scares? (?:the hell out of |the life out of )?me|scared|afraid|terrified|frightens? me|frightened|petrified|worried|worry|worries|nervous|anxious|"
                   r"i want more time|want to see)\b")
_FUTURE_ABSENCE = re.compile(r"\b(?:won't|will not|wont) be (?:around|here)\b|\bnot (?:going to|gonna) be (?:around|here)\b")
# An outing with other people ("Helen and I are taking the grandkids to see the lights tonight") is no time for an act.
_WITH_OTHERS = re.compile(r"\b(?:we're|we are|we'll|we will|we (?:\w+ )?(?:went|go|drove|drive|walked|sat|had|took|were|headed|rode)|(?!i\b)\w+ drove (?:me|us|him|her)?|\w+ and i(?= (?:are|were|will|went|go|have|had)\b)|with (?:my|the|our) (?:\w+ )?(?:kids|grandkids|family|wife|husband|daughter|son|"
                          r"friends?|sister|brother|church|group|club|team|class|tour)|taking the (?:kids|grandkids|dog)|(?:got|have|having|with) the (?:grandkids|kids|grandchildren))\b")
_DELIBERATING = re.compile(r"\b(?:whether|if) (?:or not )?to\s*$")
_SELF_REFERENCE = re.compile(r"\b(?:i think about it (?:constantly|all the time|every day|a lot|daily)|i've been thinking about (?:it|that)|(?:it's|it is|that's) for me|for me\W*$|i wasn't asking for a friend|"
                             r"not asking for a friend|i meant me|about myself)\b")
_LETHAL_PLACE = re.compile(r"\b(?:bridge|overpass|cliff|ledge|rooftop|roof of|tracks|railroad|quarry|the drop|(?:eighth|ninth|tenth|top|\w+teenth) "
                           r"floor|parking garage)\b")
# Places an act is scouted or rehearsed at ("I drove out to the reservoir and sat there"): a plan only with a rehearsal.
_SCOUTED_PLACE = re.compile(r"\b(?:lake|river|reservoir|creek|sea|ocean|cliffs?|woods|forest|freight|train|crossing|garage|closet|shed|"
                            r"barn|attic|motel|hotel|gorge|falls|dam|quarry|bridge|tracks|edge)\b")
# "... and now she's not picking up": a caller who cannot reach the person after what they said
_UNREACHABLE = re.compile(r"\b(?:not|isn't|won't|wont|stopped|hasn't been|hasnt been) (?:picking up|answering|responding)\b|"
                          r"\bturned (?:his|her|their|my) phone off\b|\b(?:phone|cell)(?:'s| is) (?:off|going straight to voicemail)\b")
_ALONE = re.compile(r"\b(?:be|am|i'm|i'll be|when i'm|while i'm) (?:all )?alone\b|\b(?:when|once|after) (?:i|you) (?:leave|go|head out) (?:for|to) (?:my|work|the|your) ?\w*\b|\b(?:when|once|after) (?:she|he|they|everyone|everybody|my \w+) (?:goes|go|leaves|leave|has gone|is|are|gets) (?:out|away|to work|to bed|asleep|gone)\b|\bwhile (?:you're|you are|he's|she's|they're|everyone's) (?:at work|out|away|gone|asleep|at church)\b|\b(?:nobody|no one|noone)(?: will be|'d be| would be| is|'s)? "
                    r"(?:home|here|around)\b|\bwhen the (?:house|flat|place) is empty\b|\b(?:nobody|no one) (?:knows|will know) where\b|"
                    r"\b(?:\w+'s|\w+ is|he's|she's|they're) (?:at (?:her|his|their) \w+'s|away|out of town|at work)\b")
# Saying it is meant: with an act pronoun ("I'm doing it tonight") these make intent without a death word.
_RESOLVE = re.compile(r"\b(?:that's all i'm (?:going to|gonna) say|not joking|not kidding|no joke|i mean it|i mean that|i'm serious|for real|decided? already|made up my mind|"
                      r"mind(?:'s| is)? made up|truth of it|that's my choice|made my choice|so (?:nobody|no one)'s surprised|"
                      r"this is my last|tell (?:my|the) \w+ (?:i'm|i am) sorry|nobody can stop me|no one can stop me|making sure of (?:it|that))\b")
# A second sign that means said in the turn are a plan: preparations, a time, a veiled goodbye.
_PLAN_SIGN = re.compile(r"\b(?:so (?:somebody|someone|you) knows?|by myself|(?:\w+ )?thinks? i'm (?:at|with|in|going)|told (?:him|her|them) i wanted to|"
                        r"(?:doesn't|don't) know but|morbid|wasn't talking about the|gone missing|went missing|are missing|know how it works|nobody would think twice|(?:don't|do not) know why i'm telling you|and (?:thinking|wondering)|sorted (?:it )?all out|so you won't have to|that's (?:where|the place|the spot|the bridge|the one)|(?:won't|not) be (?:a burden|around|here) (?:much|for) longer|worked (?:it )?(?:all )?out|it's (?:all )?sorted|all sorted|thought it (?:all )?through|got it all (?:worked out|planned)|"
                        r"(?:i|you) (?:think you )?know why|for after|that's how i'll|that's that|just in case|before i go|"
                        r"won't be (?:here|around|needing)|not be (?:here|around)|i'll be with|no need for|not to bother|"
                        r"(?:working|worked|figured|figuring) out (?:when|what time)|know (?:when|what time) the|going back (?:there|to (?:that|the) (?:place|spot))|for when i go|won't be long|"
                        r"when i'm gone|after i'm gone|know the spot|know which (?:tree|spot|bridge|night|day|one)|all taken care of|that's my plan|"
                        r"it's (?:in|under|on) the (?:closet|car|truck|garage|drawer|trunk|basement|shed|nightstand))\b|"
                        r"\b\d{1,2}:\d\d\b|\b(?:on|for) the \d{1,2}(?:st|nd|rd|th)\b")
# a question asked of someone else, or put to a search box or a calculator ("I looked up how long a person would bleed")
_REPORTED_QUESTION = re.compile(r"\b(?:asked|asking|asks|(?:did|do|does|had to|have to|going to) ask|wondering|wondered|wonder|wants? to know|wanted to know|curious|looked (?:it )?up|"
                                r"look(?:ing|s)? (?:it )?up|read(?:ing|s)? up on|reading|googl\w*|search(?:ed|ing)|researching|"
                                r"(?:did|doing|done) the maths?|work(?:ed|ing) out|figur(?:ed|ing) out|calculat(?:ed|ing))\b[^.?!]{0,40}"
                                r"\b(?:what|how|which|whether|if)\b")
_TAG_QUESTION = re.compile(r"\b(?:right|yeah|huh|correct|isn't it|wouldn't it|wouldn't they|wouldn't he|wouldn't she|or not)\s*[?.]?\s*$")
_HYPOTHETICAL_ASK = re.compile(r"\b(?:what if|what happens if|whether|if (?:i|you|someone|somebody|a person|a fella|a guy|one|he|she|they)|"
                               r"would|could|can|does|do)\b")


_PLAN_DENIAL = re.compile(r"\b(?:no|not any|haven't got a|haven't got any|don't have a|don't have any|do not have a|without a|never made a|"
                          r"haven't made a|not making a|no real) (?:plans?|way|means)\b|\bnot plann?ing\b|\bhaven't planned\b|"
                          r"\b(?:no|not any) (?:intention|intent|plans?) (?:of|to) (?:\w+ ){0,3}(?:or|nor) (?:a )?plan\b|\bno plan\b")


def _clause_start(text: str, lo: int, at: int) -> int:
    """Where the clause holding ``at`` starts (after "so", "but", "because" or a comma), for a negation's reach."""
    cut = [m.end() for m in re.finditer(r",|\b(?:so|but|because|cause|and then)\b", text[lo:at])]
    return lo + (cut[-1] if cut else 0)


def _before(spans: Iterable[tuple[int, int]], start: int, gap: int) -> bool:
    """A span that starts before ``start`` and ends at most ``gap`` characters before it (or overlaps it)."""
    return any(s < start and start - e <= gap for s, e in spans)


def _after(spans: Iterable[tuple[int, int]], end: int, gap: int) -> bool:
    return any(s >= end - 1 and s - end <= gap for s, e in spans)


def _counts_in_its_sentence(r: _Reading, span: tuple[int, int], ctx: _Ctx, *, negatable: bool = True,
                            conditional: bool = True) -> bool:
    """The statement at ``span`` counts, judged within the sentence it starts in."""
    lo, hi = next((b for b in r.sentences if b[0] <= span[0] < b[1]), (0, len(r.masked)))
    return _statement_scope(r, span[0], span[1], lo, hi, ctx, None, negatable=negatable, conditional=conditional) is None


def _crisis_words(r: _Reading, ctx: _Ctx | None = None) -> bool:
    """The turn itself is about ending one's life (means and times said with it are then a plan); with ``ctx``,
    only words said of the speaker now count ("she had a good run" about a friend at whose funeral one is)."""
    def said(concept: str) -> bool:
        return r.has(concept) if ctx is None else any(
            _counts_in_its_sentence(r, s, ctx, negatable=False, conditional=False) for s in r.hits(concept))
    return any(said(c) for c in ("suicide_act", "hopeless", "self_injury_act", "attempt", "warning_sign", "farewell")) or (
        said("death_state") and (r.has("wish") or r.has("better_off"))) or (
        r.has("amount_question") and said("lethal_outcome") and not _treatment_length_only(r))


def _treatment_length_only(r: _Reading) -> bool:
    """The turn's only outcome words say how long a treatment goes on ("how long do I keep on that? Forever?")."""
    return (bool(_TREATMENT_LENGTH.search(r.masked)) and not any(_strong_lethal(r, s) for s in r.hits("lethal_outcome"))
            and not any(r.has(c) for c in ("suicide_act", "wish", "death_state", "hopeless", "farewell", "attempt", "self_injury_act")))


def _strong_lethal(r: _Reading, span: tuple[int, int]) -> bool:
    return not vocabulary().weak_lethal.fullmatch(r.masked[span[0]:span[1]])


# "reading about it": a pronoun names no supply, so it does not turn a fear into a method question
_PRONOUN_OBJECT = re.compile(r"(?:it|them|that|this|those|these)")
_WANTED_TO = re.compile(r"\bif (?:somebody|someone|some one|you|a person|one|i|a guy|a man|a woman|\w+ with \w+) (?:actually |really |truly |seriously |just )?"
                        r"(?:wanted|meant|was trying|were trying|tried) (?:(?:to|it)\s*(?:$|[.?!,])|to (?:not|die|end|go|be done|sleep))")
# Questions whether an act would be found out or pass for natural, or which way is quicker or gentler: method-seeking
# when said of pills or a medicine ("would anyone be able to tell if I took extra warfarin on purpose?").
_CONCEAL = re.compile(r"\bwould (?:anyone|anybody|any one|they|the doctors?|people|it) (?:be able to |even )?(?:tell|know|find out|find me|show up|notice)\b|"
                      r"\blook like (?:a|an|it was) (?:fall|accident|stroke|bleed|heart attack|natural|his heart|her heart|my heart)\b|"
                      r"\bthinks? it was (?:just )?(?:his|her|my|a) heart\b|\bit was on purpose\b|\bif they checked after\b|"
                      r"\bwhich (?:is|would be|one is|works?) (?:quicker|faster|quickest|fastest|surer|gentler|less painful)\b|\b(?:work|act) faster\b|"
                      r"\bfast or slow\b|\bless painful\b|\bmore peaceful\b|\bdoes \w+ work for it\b|\blook natural\b|\bwhoever finds (?:you|me|him|her)\b|"
                      r"\bwhich is kinder\b")
_WAYS = re.compile(r"\bwhich is (?:kinder|quicker|faster|surer|gentler|less painful|more peaceful)\b|\bwhoever finds (?:you|me)\b|\bfast or slow\b")
_COMBINATION = re.compile(r"(?:combine|combining|combined|mix|mixing|mixed|together with|along with|on top of|plus|with \w+)")


_DISGUISE = re.compile(r"\b(?:wasn't|was not|isn't|is not|not) (?:really )?for the reason (?:she|he|they|you|the \w+) (?:thought|thinks|assumed|figured)\b|"
                       r"\b(?:she|he|they|the \w+) (?:thought|thinks|assumed|figured) i was (?:worried|concerned|scared) about (?:my|the) \w+|"
                       r"\bdidn't tell (?:her|him|them) why\b|\btold (?:her|him|them) it was for (?:my|a) \w+")
# the patient asking for their dose ("how many can I take", "how much should she have")
_DOSING_QUESTION = re.compile(r"\bhow (?:many|much)\b[^.?!]{0,40}\b(?:can|should|may|could|do) (?:i|he|she|you|we|mom|dad) (?:safely |still )?"
                              r"(?:take|have|use|give)\b")
_ASK_OPENER = r"\s*(?:so |and |but |like,? |um |uh |just curious,? |real quick,? |yo,? (?:real quick,? )?|hypothetically,? |okay,? |ok,? )*"
# a fragment opening with "whether" is a question reported after its verb ("He's been asking me strange things. Like whether
# his blood pressure pills could stop a man's heart if he had enough of them.")
_ASKS = re.compile(_ASK_OPENER + r"(?:what|how|which|would|could|can|is|if|whether|does|do|will)\b")
# a later fragment asks only with a question word of its own ("but is okay" after "it kill me!" asks nothing)
_ASKS_LATER = re.compile(_ASK_OPENER + r"(?:what|how|which|whether|would|could|does|do|will|is (?:that|it|there))\b")


# How long a medicine or a treatment goes on ("how long do I have to keep on that? Forever?", "am I on it for good?"): "forever"
# and "for good" then say how long, not an outcome.
_TREATMENT_LENGTH = re.compile(r"\bhow long\b[^.!]*\b(?:keep|take|taking|stay|staying|be on|on (?:it|this|that|them|these|those)|use|using|"
                               r"continue|need)\b|\b(?:keep|keeping|take|taking|stay|staying|be|been|on) (?:on )?(?:it|them|that|this|these|"
                               r"those|(?:the|my|these|those|this|that) (?:\w+ )?(?:pills?|meds?|medicines?|medications?|tablets?|inhalers?|"
                               r"shots?|insulin|one)) (?:forever|for good|permanently|for life|the rest of my life)\b")


_HOW_TO_DO_IT = re.compile(r"\bhow (?:do|would|could|can|should|does|might) (?:i|you|someone|somebody|a person|one|people) "
                           r"(?:even )?(?:do it|do that|go about it|go about that|make it happen)\b")


def _method_question(r: _Reading, lo: int, hi: int, ctx: _Ctx, turn_lethal: bool) -> bool:
    """An amount, combination or way asked about as lethal (in this sentence, or lethal said in another
    sentence of the turn: "does an overdose even work? how many would it take")."""
    sentence = r.masked[lo:hi]
    # (a question run on over spoken fragments may open in any of them: "the eliquis if you took a lot. would you bleed out")
    first, *later = re.split(r"[.!;]", sentence)
    question = "?" in r.masked[lo:hi + 1] or bool(_ASKS.match(first)) or any(_ASKS_LATER.match(piece) for piece in later) \
        or bool(_TAG_QUESTION.search(sentence)) or bool(_REPORTED_QUESTION.search(sentence))
    # outside a question only an amount asked for counts ("the cholesterol could kill me" asks nothing)
    asks = [a for a in r.hits("amount_question", lo, hi)
            if question or (not _COMBINATION.fullmatch(r.masked[a[0]:a[1]]) and re.match(r"how|what|which", r.masked[a[0]:a[1]]))]
    objects_named = [o for o in r.hits("ingest_object", lo, hi) if not _PRONOUN_OBJECT.fullmatch(r.masked[o[0]:o[1]])]
    if r.has("benign_reason") and not (r.has("mass_quantity") or r.has("suicide_act") or _WANTED_TO.search(r.masked)):
        return False  # "is it one of those that's deadly with alcohol? I like a beer on Sundays"
    # the reason given for the question hidden from whoever was asked ("it wasn't for the reason she thought", "she thought
    # I was worried about my falls"): the worry is the cover story, the amount asked is the question
    disguised = bool(_DISGUISE.search(r.masked))
    if disguised and r.hits("amount_question", lo, hi) and (question or _REPORTED_QUESTION.search(sentence)):
        return True
    if _FEAR.search(r.text) and not (r.has("mass_quantity", lo, hi) or r.has("suicide_act", lo, hi) or objects_named or disguised):
        return False  # "I'm scared, what if I get a blood clot and die?"
    lethal = [s for s in r.hits("lethal_outcome", lo, hi) if not _negated_here(r, s, lo, hi, ctx)]
    if _TREATMENT_LENGTH.search(sentence) and _treatment_length_only(r):  # "how long do I keep on that? Forever?": a treatment's length
        lethal = [s for s in lethal if _strong_lethal(r, s)]
    strong = [s for s in lethal if _strong_lethal(r, s)]
    mass = _mass(r, lo, hi)
    weak = r.hits("weak_quantity", lo, hi)
    verbs = r.hits("ingest_verb", lo, hi)
    quantity = bool(re.search(r"\b(?:how (?:many|much|long|high|far)|what (?:amount|dose|dosage|number|quantity|height|floor)|which)\b", sentence))
    supply = [m for m in mass if not _TOGETHER.fullmatch(r.masked[m[0]:m[1]])] or re.search(r"\ball (?:of )?(?:them|it|those)\b", sentence)
    if _DOSING_QUESTION.search(sentence) and not (strong or supply or r.has("suicide_act") or ctx.crisis or _WANTED_TO.search(r.masked)):
        return False  # "how many of those can I take at once if the chest pain starts?": the dose, asked
    if asks and (lethal or r.has("suicide_act", lo, hi) or (quantity and r.has("death_state", lo, hi))):
        return True
    if question and r.has("suicide_act") and lethal:
        return True  # "if someone wanted to end it, would that work?"
    if question and (ctx.crisis or r.has("suicide_act")) and _HOW_TO_DO_IT.search(sentence):
        return True  # "I want to end it all. How do I do it?" (of a task in hand it asks the manner: the nasal spray)
    if ctx.crisis and quantity and asks and r.has("lethal_outcome") and not _treatment_length_only(r):
        return True  # a call in crisis: "how much lantus is too much? like, permanently"
    if ctx.crisis and quantity and re.search(r"\b(?:would it take|it would take|it takes|to take|would do it|would kill)\b", sentence):
        return True  # a call already in crisis: "how much lantus would it take. just asking"
    if asks and re.search(r"\bhow (?:many|much)\b", sentence) and turn_lethal:
        return True
    if asks and _WANTED_TO.search(r.masked):
        return True  # "how many would it be, if somebody actually wanted to"
    if question and _CONCEAL.search(r.masked) and (r.has("ingest_object") or r.has("ingest_verb")) and (
            r.has("mass_quantity") or r.has("weak_quantity") or r.has("on_purpose") or _WANTED_TO.search(r.masked)
            or re.search(r"\b(?:too much|extra|more than|more of it|a great deal|all|a lot|enough|double|on purpose|did all)\b", r.masked)):
        return True
    if question and _WAYS.search(r.masked) and (r.has("ingest_object") or r.has("means")):
        return True  # "which is kinder, pills or the car in the garage? for whoever finds you"
    if question and _ASKING_FOR_OTHER.search(r.masked) and re.search(r"\b(?:too (?:many|much)|dangerous|lethal|fatal|enough|overdose)\b", sentence):
        return True
    if asks and question and any(_strong_lethal(r, s) for s in r.hits("lethal_outcome")):
        return True  # "can you overdose on the pills? or would I need something else to make sure?"
    objects = mass or weak or r.has("ingest_object", lo, hi)
    if strong and objects and (question or asks):
        return True
    # "what's the most painless way to go?"
    if question and any(re.search(r"\b(?:way|method|exit|option)\b", r.masked[s:e]) for s, e in strong):
        return True
    # "what if I took the whole bottle?", "if a guy took the whole box at once he wouldn't wake up": a mass
    # ingestion asked about, or supposed
    mass_ingestion = any(_after(mass, e, 45) for s, e in verbs if not re.fullmatch(r"do|does|doing|done|use|using", r.masked[s:e]))
    supposed = _HYPOTHETICAL_ASK.search(sentence)
    if supposed and question and re.search(r"\b(?:with|and|plus) (?:\w+ )?(?:alcohol|booze|vodka|whiske?y|wine|beer|liquor|rum|gin|bourbon|"
                                            r"scotch|brandy|drinks?)\b", sentence):
        # "what if I took all of them with wine?": a supply with alcohol, supposed
        mass_ingestion = mass_ingestion or any(_after(mass + weak, e, 30) for s, e in verbs)
    return mass_ingestion and bool(supposed) and (question or supposed.group().startswith(("if", "what")))


_FRAGMENT_WORDS, _RUN_ON_WORDS = 10, 35


def _run_on(r: _Reading, sents: Sequence[tuple[int, int]], i: int) -> list[int]:
    """Where the question begun in sentence ``i`` may end: the sentence itself, or the short pieces that follow it.
    Speech breaks one question into fragments ("the eliquis if you took a lot of it. would you just bleed out.",
    "how many. like how many to. you know. to be done"): each piece alone asks nothing. A question mark shows the
    speaker's own sentences, so punctuated questions are not run on ("... and not wake up. Should she keep the
    Baqsimi on the nightstand?")."""
    lo, hi = sents[i]
    ends, words = [hi], len(r.masked[lo:hi].split())
    if "?" in r.masked[lo:hi + 1]:
        return ends
    for a, b in sents[i + 1:]:
        n = len(r.masked[a:b].split())
        if min(n, words) > _FRAGMENT_WORDS or words + n > _RUN_ON_WORDS or "?" in r.masked[a:b + 1]:
            break
        ends.append(b)
        words += n
    return ends


def _negated_here(r: _Reading, span: tuple[int, int], lo: int, hi: int, ctx: _Ctx) -> bool:
    sc = scope(r.scoped[lo:hi], span[0] - lo, span[1] - lo, today=ctx.today, intent=True)
    return sc.negated and not _NEGATION_IN_PHRASE.search(r.masked[span[0]:span[1]])


def _utterance(text: str, ctx: _Ctx, said: str | None = None) -> list[Disclosure]:
    r = _read(text)
    shown = _sentences(said_norm := normalise(said)) if said else []
    v = vocabulary()
    denied = bool(v.scope["denial"].search(r.masked)) and bool(_PLAN_DENIAL.search(r.masked))
    earlier_crisis = ctx.crisis  # the call was in crisis before this turn
    ctx = replace(ctx, crisis=ctx.crisis or (_crisis_words(r, ctx) and not denied))
    purpose_in_turn = r.has("on_purpose") or any(_strong_lethal(r, s) for s in r.hits("lethal_outcome"))
    turn_lethal = any(_strong_lethal(r, s) for s in r.hits("lethal_outcome")) or r.has("suicide_act")
    found: list[Disclosure] = []
    sents = list(r.sentences)

    def add(category: Category, lo: int, hi: int, *, for_patient: bool = True, deny: bool = False) -> None:
        # the caller's own words for the sentence (the reading may have put a report in the first person)
        i = sents.index((lo, hi))
        evidence = said_norm[shown[i][0]:shown[i][1]] if len(shown) == len(sents) else r.text[lo:hi]
        found.append(Disclosure(category, evidence.strip(" ,.;!?-"), denied=deny, for_patient=for_patient,
                                caregiver=ctx.caregiver))

    for i, (lo, hi) in enumerate(sents):
        following = sents[i + 1] if i + 1 < len(sents) else None

        def counts(span: tuple[int, int], negatable: bool = True, conditional: bool = True, lo: int = lo, hi: int = hi,
                   following: tuple[int, int] | None = following) -> bool:
            return _statement_scope(r, span[0], span[1], lo, hi, ctx, following, negatable=negatable,
                                    conditional=conditional) is None

        sentence = r.masked[lo:hi]
        # the sentence with its neighbours: a time or an acute sign said there belongs to what the sentence tells; said
        # further off in a long turn it belongs to another story ("my son took me to get my blood checked Monday ...
        # Sold the truck to my grandson"; "I'm taking the Plavix, the metoprolol, everything. ... walking every evening
        # after dinner")
        # (a short turn is one story: "I took way more than I should of the Cymbalta. Like, a lot more. About an hour ago")
        near = r.masked if len(sents) <= 4 else r.masked[sents[i - 1][0] if i else lo:following[1] if following else hi]
        acts = r.hits("suicide_act", lo, hi)
        mass = _mass(r, lo, hi)
        weak = r.hits("weak_quantity", lo, hi)
        sizable = [w for w in weak if not _SMALL_WEAK.match(r.masked, w[0])]  # "two of the Tylenol" is a dose, not a supply
        verbs = r.hits("ingest_verb", lo, hi)
        intents = r.hits("intent_marker", lo, hi)
        wishes = r.hits("wish", lo, hi)
        thoughts = r.hits("ideation", lo, hi)

        # --- method-seeking: amounts, combinations or ways that would be lethal; "for a friend" changes nothing
        # ("for a story I'm writing" is a cover like "for a friend": a question about a lethal amount is one)
        if not _remote(r, lo, hi, following) and any(_method_question(r, lo, end, ctx, turn_lethal) for end in _run_on(r, sents, i)):
            other = bool(_ASKING_FOR_OTHER.search(r.masked)) or _subject_is_other(r, lo, hi, lo, ctx) or _fiction(r, lo, lo, hi)
            add("method_seeking", lo, hi, for_patient=not other)
            continue

        # --- an overdose that has happened (or is happening)
        # ("found the empty bottles" is evidence only with an intake said in the turn)
        overdosed = [s for s in r.hits("overdose_event", lo, hi)
                     if re.match(r"overdosed|overdid|od'?d|took|taken|had|did", r.masked[s[0]:s[1]])
                     or (re.match(r"found|there|i see|i saw", r.masked[s[0]:s[1]]) is not None and any(_PAST_INGEST.match(r.masked[a:b]) for a, b in r.hits("ingest_verb")))]
        ingested = any(counts(s) for s in r.hits("poison", lo, hi))
        for vs, ve in verbs:
            if ingested:
                break
            verb = r.masked[vs:ve]
            if not (_PAST_INGEST.match(verb) or _NOW_INGEST.match(verb) or (
                    _BASE_INGEST.match(verb) and _PAST_TIME.search(sentence))):
                continue
            strong = _after(mass, ve, 45)
            soft = _after(weak if purpose_in_turn or r.has("death_state") else sizable, ve, 45)
            if not (strong or soft):
                continue
            if _before(intents, vs, 25) or _before(wishes, vs, 25):
                continue  # "I'm going to take all of them": intent, judged below
            purpose = purpose_in_turn or r.has("death_state", lo, hi)
            # a count spread over a span of time is the day's or the week's doses (dose arithmetic, judged by the
            # medication specialist), not an overdose: "like ten of the extra strength since last night", "two of the
            # 500s six times yesterday", "about 30 of the arthritis Tylenol since the first of the month"
            # (a day said with the symptom the doses were for is such a span too: "in so much pain I took like twelve
            # of the extra strength yesterday")
            spread = _SPREAD.search(sentence) or (_DAY.search(sentence) and _RELIEF.search(r.masked) and not _SUPPLY_WORD.search(sentence))
            if spread and not _TOGETHER_NOW.search(sentence) and not purpose and not ctx.crisis and not _ACUTE_SIGN.search(r.masked) \
                    and not _TOXIC_SIGN.search(r.masked):
                continue
            # "they did all the tests": an all-purpose verb with "all the" takes in something only when that something
            # is a medicine or its container
            if soft and not strong and _GENERIC_VERB.fullmatch(verb) and not _after(
                    [o for o in r.hits("ingest_object", lo, hi) if not re.search(r"[,;:]", r.masked[ve:o[0]])], ve, 30):
                continue
            if soft and not strong:
                adherence = ctx.adherence_question or _ADHERENCE.search(sentence)
                if not (purpose or ctx.crisis or (_ACUTE.search(near) and not adherence)):
                    continue
            if r.has("accident", lo, hi) and not purpose:
                continue
            ingested = counts((vs, ve))
        if not ingested and _PURPOSELY.search(r.masked) and not r.has("accident", lo, hi):
            ingested = any((_PAST_INGEST.match(r.masked[vs:ve]) or _NOW_INGEST.match(r.masked[vs:ve])) and counts((vs, ve)) for vs, ve in verbs
                           if not _GENERIC_VERB.fullmatch(r.masked[vs:ve])
                           or re.match(r"\s+(?:like |about |maybe )?(?:\d+|\w+ty|ten|twelve|a lot|all|the whole)\b", r.masked[ve:]))
        # a supply named without a verb, with a time, drink, sign or purpose: "Half a bottle of the Lipitor, with vodka.
        # Twenty minutes ago."; or containers found empty with the signs of an overdose
        if not ingested and r.has("ingest_object") and not r.has("accident") and not r.has("amount_question", lo, hi) and not (
                r.has("benign_reason") or _POSSESSION.search(sentence) or _DELIVERY.search(r.masked)) and (
                purpose_in_turn or r.has("death_state") or bool(_PURPOSELY.search(r.masked)) or bool(_ACUTE_SIGN.search(r.masked))
                or bool(_FRAGMENT_TIME.search(r.masked))):
            alone = [w for w in r.hits("weak_quantity", lo, hi) if re.fullmatch(r"\W*", r.masked[lo:w[0]] + r.masked[w[1]:hi].replace("of them", ""))]
            ingested = any(counts(m) for m in [*mass, *alone] if not _TOGETHER.fullmatch(r.masked[m[0]:m[1]])) and not verbs
        if not ingested and _EMPTY.search(sentence) and _ACUTE_SIGN.search(r.masked):
            ingested = counts((lo, hi))
        if ingested or any(counts(s) for s in overdosed):
            add("ingestion", lo, hi)
            continue

        # --- self-injury or an attempt that has happened (a thought or plan of it is judged as one)
        injury: Category | None = None
        for s, e in r.hits("self_injury_act", lo, hi):
            if _before(intents, s, 30) or _before(thoughts, s, 30) or _before(wishes, s, 30):
                if counts((s, e)):
                    injury = "intent" if _before(intents, s, 30) else "active_ideation"
                break
            phrase = r.masked[s:e]
            deliberate = bool(re.search(r"\bcut|burn|carv|slit|slash|self|razor|wrist|scratch|knife|blade", phrase))
            purpose = r.has("on_purpose")
            if r.has("accident", sents[i - 1][0] if i else lo, hi) and not purpose:
                continue
            if (deliberate or purpose or ctx.crisis) and counts((s, e)):
                injury = "self_injury"
                break
        if injury is None and any(counts(s) for s in r.hits("attempt", lo, hi)):
            injury = "self_injury"
        if injury is not None:
            add(injury, lo, hi)
            continue

        # --- intent: "I'm going to", "tonight", said of the act (or of a mass ingestion)
        timed = bool(_INTENT_TIME.search(sentence))
        intent_found = any((_before(intents, s, 40) or timed) and counts((s, e)) for s, e in acts)
        intent_found = intent_found or any(
            _before(intents, vs, 30) and (_after(mass, ve, 45) or (_after(weak, ve, 30) and (ctx.crisis or timed or purpose_in_turn)))
            and counts((vs, ve))
            for vs, ve in verbs)
        intent_found = intent_found or any(_before(intents, s, 30) and counts((s, e)) for s, e in r.hits("overdose_event", lo, hi))
        # "I've got all my old warfarin, plus the new bottle. I'll take them Sunday."
        intent_found = intent_found or (timed and (r.has("mass_quantity") or r.has("weak_quantity") or r.has("plan_marker")) and any(
            _before(intents, vs, 20) and re.match(r"\s*(?:them|it|those|these)(?: all)?\b", r.masked[ve:]) and counts((vs, ve))
            for vs, ve in verbs if not re.fullmatch(r"do|does|doing|done|did|use|using|used|had", r.masked[vs:ve])))
        intent_found = intent_found or (timed and any(
            re.search(r"\b(?:i'm|i am|im)\s*$", r.masked[max(0, vs - 8):vs]) and _NOW_INGEST.match(r.masked[vs:ve])
            and (_after(mass, ve, 20) or _after(weak, ve, 20)) and counts((vs, ve)) for vs, ve in verbs))
        intent_found = intent_found or any(_before(intents, vs, 30) and _after(weak, ve, 20) and r.has("mass_quantity") and counts((vs, ve))
                                           for vs, ve in verbs if not re.fullmatch(r"do|does|doing|done|did|use|using|used|had", r.masked[vs:ve]))
        decided = timed or bool(_DECIDED.search(r.masked)) or bool(_RESOLVE.search(r.masked))
        intent_found = intent_found or (r.has("farewell") and bool(_FUTURE_ABSENCE.search(r.masked)) and not r.has("benign_reason")
                                        and counts((lo, hi)))
        # a veiled goodbye said as a decision ("I won't be around for your next call. I've decided.")
        intent_found = intent_found or (r.has("farewell") and (bool(_DECIDED.search(r.masked)) or bool(_RESOLVE.search(r.masked)))
                                        and not r.has("benign_reason") and counts((lo, hi)))
        # ... or with resolve said after it ("I'm not waking up tomorrow, I'm making sure of that")
        intent_found = intent_found or any(((_before(intents, s, 35) and decided) or bool(_RESOLVE.search(sentence)))
                                           and counts((s, e), conditional=False) for s, e in r.hits("death_state", lo, hi))
        if ctx.at_risk or _ALONE.search(r.masked) or _RESOLVE.search(r.masked) or _UNREACHABLE.search(r.masked) or r.has("death_state") \
                or r.has("farewell"):
            intent_found = intent_found or any((_before(intents, s, 30) or timed) and counts((s, e))
                                               for s, e in r.hits("act_reference", lo, hi))
            intent_found = intent_found or (not r.has("benign_reason") and any(counts(s) for s in r.hits("farewell", lo, hi)))
        # an ending said in the present with its time before it ("after the recital on the fourth, I'm finished", "when the
        # severance runs out in January, I'm checking out", "i'm done man its tonight"): "done with the dishes" has an object
        # (the end of a course of medicine counted down is no such ending: "took today's two. That leaves Saturday and
        # Sunday and I'm done")
        course_left = bool(_COURSE_LEFT.search(r.masked)) and (r.has("ingest_verb") or r.has("ingest_object"))
        intent_found = intent_found or (not r.has("benign_reason") and not course_left and any(
            (_TIME_BEFORE.search(r.masked[lo:e0]) or _INTENT_TIME.search(r.masked)) and counts((e0, e1))
            for e0, e1 in (m.span() for m in _ENDING.finditer(r.masked, lo, hi))))
        # a call already in crisis: a time said now is intent ("tonight maybe. after they're asleep.")
        # (a passive wish with "tomorrow" in it is still a wish: only a crisis said before this turn counts here)
        intent_found = intent_found or ((earlier_crisis or (ctx.crisis and not r.has("death_state", lo, hi))) and timed
                                        and not _WITH_OTHERS.search(sentence) and not _DENY.search(r.masked) and counts((lo, hi)))
        # taking one's death in hand ("on my own terms", "I'm seeing to it myself") said with death in any words
        death_context = (earlier_crisis or ctx.crisis or decided or bool(_INTENT_TIME.search(r.masked)) or any(r.has(c) for c in (
            "death_state", "farewell", "after_death", "hopeless", "warning_sign", "arrangement", "rehearsal", "suicide_act",
            "lethal_outcome")) or bool(_FUTURE_ABSENCE.search(r.masked)))
        agency = [s for s in r.hits("self_agency", lo, hi) if counts(s)]
        benign_time = r.has("benign_reason", lo, hi) and not any(re.search(r"\b(?:once|after|checking out)\b", r.masked[s:e]) for s, e in agency)
        intent_found = intent_found or (bool(agency) and not benign_time and (death_context or len(agency) >= 2))
        # death in other words after a crisis earlier in the call ("I want to see her one more time first")
        intent_found = intent_found or (ctx.disclosed and any(counts(s) for s in r.hits("after_death", lo, hi)))
        if intent_found:
            add("intent", lo, hi)
            continue

        # --- a plan: preparations, or means, place and time in a call about ending one's life
        benign = r.has("benign_reason")
        plan = not benign and any(counts(s) for s in r.hits("plan_marker", lo, hi))
        means = [s for s in r.hits("means", lo, hi) if counts(s)]
        # "over the bridge to the pharmacy"; an errand elsewhere in the turn explains only a route ("the train into the city
        # for the INR checks. Easier than driving over that bridge"), never a place gone to ("drove to the bridge and sat there")
        errand = r.has("benign_errand", lo, hi) or (r.has("benign_errand") and bool(means) and all(
            _ROUTE.search(r.masked[a:b]) for a, b in means))
        plan = plan or (not benign and not errand and (ctx.at_risk or bool(_LETHAL_PLACE.search(r.masked))) and bool(means)
                        and not _WITH_OTHERS.search(sentence))
        # means with a second sign in the turn: other means, a time, being alone, preparations, a death word
        second = (len(set(r.hits("means"))) >= 2
                  or bool(_INTENT_TIME.search(near)) or bool(_ALONE.search(r.masked)) or bool(_PLAN_SIGN.search(r.masked))
                  or r.has("death_state") or r.has("plan_marker") or r.has("farewell") or r.has("mass_quantity"))
        strong_second = bool(_INTENT_TIME.search(near)) or bool(_PLAN_SIGN.search(r.masked))
        plan = plan or (not benign and bool(means) and second and (not errand or strong_second) and not _WITH_OTHERS.search(sentence))
        # a call already in crisis: a lethal place, or the supply of pills, said now is a plan
        plan = plan or (ctx.crisis and not benign and (bool(_LETHAL_PLACE.search(sentence)) or bool(
            mass and r.has("ingest_object", lo, hi))) and counts((lo, hi)))
        plan = plan or ((turn_lethal or r.has("death_state")) and any(counts(s) for s in r.hits("stop_meds", lo, hi)))
        # affairs settled or things given away, with death in other words, a goodbye, a decision or a call in crisis
        plan = plan or (not benign and any(counts(s) for s in r.hits("arrangement", lo, hi)) and (
            ctx.disclosed or bool(_DECIDED.search(r.masked)) or bool(_RESOLVE.search(r.masked)) or bool(_FUTURE_ABSENCE.search(r.masked))
            or bool(_PLAN_SIGN.search(r.masked)) or any(r.has(c) for c in (
                "after_death", "farewell", "self_agency", "death_state", "hopeless", "warning_sign", "rehearsal", "plan_marker",
                "means"))))
        plan = plan or bool(_HIDDEN_DEATH.search(sentence)) and counts((lo, hi))
        plan = plan or (bool(_LETHAL_PLACE.search(r.masked)) and bool(_DECIDED.search(r.masked) or _RESOLVE.search(r.masked)
                                                                      or r.has("rehearsal")) and counts((lo, hi)) and not benign)
        plan = plan or (any(counts(s) for s in r.hits("stop_meds", lo, hi)) and (
            bool(_PURPOSELY.search(r.masked)) or bool(_LET_IT.search(r.masked)) or bool(_HIDDEN_DEATH.search(r.masked))))
        plan = plan or (len([s for s in r.hits("rehearsal") if counts(s, lo=0, hi=len(r.masked))]) >= 2 and r.has("rehearsal", lo, hi))
        # a rehearsal or a place scouted, with means, a place or a call in crisis
        plan = plan or (not benign and not _WITH_OTHERS.search(sentence) and any(counts(s) for s in r.hits("rehearsal", lo, hi)) and (
            ctx.crisis or bool(means) or bool(_LETHAL_PLACE.search(r.masked)) or bool(_SCOUTED_PLACE.search(r.masked))
            or r.has("mass_quantity") or r.has("plan_marker") or r.has("after_death") or r.has("means")))
        if plan:
            add("plan", lo, hi)
            continue

        # --- active thoughts of killing oneself ("whether to kill myself" deliberates, it is not a condition)
        if any(counts(s, conditional=not _DELIBERATING.search(r.masked[lo:s[0]])) for s in acts):
            add("active_ideation", lo, hi, deny=denied)
            continue
        # thoughts or urges of a mass ingestion ("I keep getting the urge to swallow all my pills")
        if any(_before(thoughts, vs, 30) and _after(mass + sizable, ve, 30) and counts((vs, ve)) for vs, ve in verbs
               if not re.fullmatch(r"do|does|doing|done|did|use|using|used|had|finish\w*", r.masked[vs:ve])):
            add("active_ideation", lo, hi, deny=denied)
            continue

        # --- a passive wish to be dead, hopelessness
        # an ordinary reason explains a wish to be away anywhere in the turn ("I don't want to be here. They serve cold
        # eggs. When can I go home?"), a wish to be dead only in its own sentence (a long turn holds many topics)
        benign_here = r.has("benign_reason", lo, hi)
        hopeless = [s for s in r.hits("hopeless", lo, hi)
                    if not (benign_here or (benign and _AWAY.search(r.masked[s[0]:s[1]]))) or re.search(r"\b(?:liv\w*|life|alive|dead|die|dying|exist\w*|burden|better off|without me|"
                                               r"around|gone|wake|waking)\b", r.masked[s[0]:s[1]])]
        # "I wouldn't mind if ...": a wish makes its own condition no hypothetical
        passive = any(counts(s, lo=_clause_start(r.masked, lo, s[0]),
                             conditional=not r.has("wish_after", lo, s[0])) for s in hopeless)
        if not passive and (benign_here or (benign and any(_AWAY.search(r.masked[a:b]) for a, b in r.hits("death_state", lo, hi)))):
            continue
        for s, e in r.hits("death_state", lo, hi):
            if passive:
                break
            # a wish, "better off", or thinking about it ("I've thought about just not waking up")
            wanted = wishes + ([] if _FEAR.search(r.masked) else thoughts) + r.hits("better_off", lo, hi)
            wish = [w for w in wanted if w[0] < s and s - w[1] <= 45]
            wish = wish or [w for w in r.hits("wish", 0, lo) if s - w[1] <= 60]  # "I wish I could just be done. Go be with Dolores."
            if wish and counts((wish[-1][0], e), conditional=False):
                passive = True
            elif _GOD_TAKE.search(r.masked[max(0, s - 60):e]) and counts((s, e)):
                passive = True
            elif _after(r.hits("wish_after", lo), e, 80) and counts((s, e), conditional=False):
                passive = True  # "if I don't wake up one morning, that'd be fine by me"
            elif _after(r.hits("better_off", lo, hi), e, 50) and counts((s, e), conditional=False):
                passive = True  # "if I hadn't come through the surgery it would have been easier on everybody"
        if passive:
            add("passive", lo, hi)
            continue
        if r.has("suicide_act", 0, lo) and _SELF_REFERENCE.search(sentence):
            add("active_ideation", lo, hi)
            continue
        if not r.has("benign_reason") and any(counts(s) for s in r.hits("farewell", lo, hi) + r.hits("warning_sign", lo, hi)
                                              + r.hits("after_death", lo, hi)):
            add("warning_sign", lo, hi)
    return _upgraded(found, r, ctx)


def _upgraded(found: list[Disclosure], r: _Reading, ctx: _Ctx) -> list[Disclosure]:
    """A wish to be dead said together with means, a time or a lethal amount is more than a wish: when unsure,
    the higher level ("I wish I wouldn't wake up. The pills are right there." is a plan)."""
    if not found or any(d.level == "emergency" for d in found) or r.has("benign_reason"):
        return found

    def said(concept: str) -> bool:  # present and not negated, hypothetical, someone else's ...
        return any(_counts_in_its_sentence(r, s, ctx) for s in r.hits(concept))

    means = said("means") or said("plan_marker") or said("mass_quantity") or said("poison")
    past_intake = any(_PAST_INGEST.match(r.masked[s:e]) for s, e in r.hits("ingest_verb")) and said("ingest_object") and (
        r.has("weak_quantity") or r.has("on_purpose"))
    timed = bool(_INTENT_TIME.search(r.masked)) and bool(re.search(r"\b(?:going to|i'll|i will|plan(?:ning)? to|decided|made up my mind)\b",
                                                                   r.masked))
    asked = r.has("amount_question") and any(_strong_lethal(r, s) for s in r.hits("lethal_outcome"))
    category: Category | None = ("ingestion" if past_intake else "method_seeking" if asked else "plan" if means
                                 else "intent" if timed else None)
    if category is None:
        return found
    first = found[0]
    return [*found, Disclosure(category, first.evidence, first.source, caregiver=first.caregiver)]


# --------------------------------------------------------------------------------------------------
# Answers to the assistant's own screening questions
# --------------------------------------------------------------------------------------------------

_UNSURE = re.compile(r"^\W*(?:(?:um+|uh+|well|oh|hmm+)\W+)*(?:i (?:don't|do not) know|i'm not sure|not sure|maybe|i guess|"
                     r"kind of|sort of|kinda|sorta|i'd rather not (?:say|talk about it)|why do you ask|does it matter|"
                     r"what if i (?:do|did|am|was)|i (?:can't|cannot) (?:say|promise)|hard to say|depends|who hasn't|sure)\b")
_AFFIRM = re.compile(r"\b(?:i think about it|i've thought about it|i have thought about it|yes|yeah|yep|yup|yea|aye|wouldn't mind|i wouldn't mind|crossed my mind|it has crossed|uh-?huh|mm-?hm+|mhm|i have|i do|i did|i am|sometimes|now and then|on and off|"
                     r"off and on|some days|most days|most nights|every (?:day|night|morning)|all the time|a lot|lately|"
                     r"(?:once|twice|a couple (?:of )?times|couple (?:of )?times|a few times|several times)|more than (?:half|i'd|i should|i want)|"
                     r"(?:half|most|some|many|all) (?:of )?(?:the )?(?:days|nights|time|mornings)|nearly every day|daily|often|"
                     r"constantly|a little|a bit|here and there|i think so|afraid so|honestly,? yes|not gonna lie|if i'm honest|at times|"
                     r"occasionally|once in a while|every so often|on occasion|fine\. yes|okay\. yes|every (?:damn |single |blessed )?(?:day|night|morning)|"
                     r"who hasn't|sure)\b")
_DENY = re.compile(r"^\W*(?:(?:um+|uh+|well|oh|god|lord|heavens|goodness|gosh|good lord|good heavens|oh my)\W+)*(?:no|nope|nah|naw|nae|never|not really|not at all|nothing like that|not a bit|not one bit|not in the least|"
                   r"i'd never|i would never|absolutely not|of course not|no way)\b")
_DENY_ANY = re.compile(r"\b(?:no,? (?:no,? )?(?:thoughts?|nothing|never|not)|nothing like that|never have|not at all|absolutely not|"
                       r"of course not|god no|no way|none at all|not for (?:\w+ )?years|not (?:these days|anymore|lately)|none|no (?:ma'am|sir|dear|honey)|"
                       r"never\.)")
_AFFIRM_STRONG = re.compile(r"(?:\b(?:yes|yeah|yep|sometimes|at times)|(?:^|[.,!?;]\s*)(?:i have|i do)(?=\s*(?:$|[.,!?;])))\b(?![^.?!]{0,10}\b(?:no|not|never)\b)")
_NOT_A_HEDGE = re.compile(r"\bi (?:don't|do not) know (?:what you mean|why you(?:'d| would)? (?:ask|think)|where you got)\b[^.?!]*")
# "a little" hedges as an answer on its own ("a little, yeah"), not as a modifier ("I'm a little blue, but no")
_HEDGE = re.compile(r"\b(?:maybe|i don't know|i dunno|i guess|(?:kind|sort) of(?! (?:thoughts?|things?|stuff|ideas?|feelings?|questions?))|kinda|sorta|not sure|hard to say|could be|"
                    r"i suppose|possibly|a little(?= *(?:$|[.,!?;]| bit\b| yeah| yes| maybe| sometimes))|once or twice)\b")
_ANCHOR = re.compile(r"\b(?:ending (?:their|one's|his|her) (?:own )?life|(?:end|take|taking) (?:his|her|their) (?:own )?life|(?:kill|hurt|harm)(?:ing)? (?:himself|herself|themselves)|worth living|hopeless|suicid\w*|kill(?:ing)? yourself|end(?:ing)? your (?:own )?life|hurt(?:ing)? yourself|harm(?:ing)? yourself|"
                     r"die|dying|dead|death|wake up|safe|988|tak(?:e|ing) your (?:own )?life|not (?:be|being) here|ending (?:it|things)|"
                     r"act(?:ing)? on (?:them|it|these thoughts|those thoughts)|do (?:it|that)|doing (?:it|that)|you'd use|worth living|to live for|"
                     # the screener's follow-ups about a plan carry no death word ("Have you thought about a time?")
                     r"thought about (?:how|when|where|a (?:time|date|day|place|way|method))(?=\W*$)|have (?:a|any) plan(?=\W*$))")


_INTERROGATIVE = re.compile(r"^\W*(?:\w+,\s*)?(?:have|has|did|do|does|are|is|were|was|can|could|would|will|what|how|when|where|which)\b")


_REVERSED_QUESTION = re.compile(r"\b(?:life|living|your life) (?:is |feels |still )?worth (?:living|it)\b|\b(?:anything|something|much) to live for\b|"
                                r"\breasons? (?:to live|for living)\b")
_DENY_WORD = re.compile(r"^\W*(?:not really|no|nope|nah|not much|nothing|hardly)\b")


_SAFETY_ADVICE = re.compile(r"\b(?:move away from|put distance between|keep (?:anything|it|them|those)\b[^.?!]*\b(?:away|out of reach)|"
                            r"out of reach)\b")


def screening_asked(agent: str, crisis: bool = False) -> list[str]:
    """Which screening questions an assistant utterance asks (most specific first); only its questions count
    ("call 911 if you might act on these thoughts" asks nothing)."""
    text = normalise(agent)
    asking = "?" in text or (crisis and bool(_INTERROGATIVE.match(text)))
    if not asking or not (_ANCHOR.search(text) or crisis):
        return []
    # what was asked, not the crisis resources said with it ("call 911 if you might act on these thoughts")
    # nor its safety advice: "move away from anything you could use to hurt yourself. Is someone there with you?" asks
    # whether someone is there, not whether the caller hurt themselves
    q = " ".join(m.group() for m in re.finditer(r"[^.?!]*[.?!]?", text) if not re.search(r"\b(?:911|988|lifeline)\b", m.group())
                 and not _SAFETY_ADVICE.search(m.group()))
    sv = vocabulary().screening
    return [k for k in ("behaviour", "intent", "plan", "active_ideation", "passive", "safety") if sv[k].search(q)]


def _answer(turn: str, agent: str, crisis: bool) -> list[Disclosure]:
    """A yes (or an unsure answer) to the assistant's screening question is a disclosure of what it asked;
    to "have you thought about how?" any answer but no is one."""
    asked = screening_asked(agent, crisis)
    reversed_question = "?" in agent and bool(_REVERSED_QUESTION.search(normalise(agent))) and not re.search(
        r"\b(?:isn't|is not|not|never|no longer|wasn't)\b[^?]{0,25}\bworth\b", normalise(agent))  # "life isn't worth living?" is not reversed
    if not asked and not reversed_question:
        return []
    t = normalise(turn)
    polarity = answer_polarity(t)
    hedged = _HEDGE.search(_NOT_A_HEDGE.sub(" ", t)) is not None  # "not really... well, maybe. I don't know": a human hears
    # after a leading "no", only a yes that opens a sentence takes it back ("No. Bad pain days, yes. But not that.")
    strong_yes = _AFFIRM_STRONG.search(t) is not None and not (
        _DENY.match(t) and not re.search(r"(?:^|[.!?]\s+)(?:yes|yeah|yep)\b", t[1:]))
    no = (_DENY.search(t) is not None or _DENY_ANY.search(t) is not None or polarity == "no") and not strong_yes and not hedged
    unsure = not no and (_UNSURE.search(t) is not None or hedged)
    yes = not no and (polarity == "yes" or _AFFIRM.search(t) is not None)
    if reversed_question and (no or unsure or _DENY_WORD.search(t)):
        return [Disclosure("passive", t, source="answer")]  # "Do you feel life is worth living?" - "Not really, no."
    if "safety" in asked and asked[0] == "safety":
        return [Disclosure("intent", f"not safe: {t}", source="answer")] if (no or unsure) else []
    asked = [a for a in asked if a != "safety"]
    if not asked or no:
        return []
    tr = _read(turn)
    if any(_remote(tr, lo, hi, None) for lo, hi in tr.sentences):
        return []  # "when I was nineteen, but that was forty years ago"
    top = asked[0]
    category: Category = {"behaviour": "self_injury", "intent": "intent", "plan": "plan", "active_ideation": "active_ideation",
                          "passive": "passive"}[top]  # type: ignore[assignment]
    if category == "self_injury" and re.search(r"\b(?:took|taken|swallow|pills?|overdos|medicine|extra)\b", normalise(agent)):
        category = "ingestion"
    substantive = top in {"behaviour", "intent", "plan"} and len(t.split()) >= 3
    if not (yes or unsure or substantive):
        return []
    denied = category == "active_ideation" and (bool(vocabulary().scope["denial"].search(t)) or (unsure and not yes))
    return [Disclosure(category, t, source="answer", denied=denied)]


# --------------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------------

_MED_QUESTION = re.compile(r"\b(?:taking|take|took|taken|missed|miss|skipped|doses?)\b[^?]{0,60}\b(?:medicines?|medications?|meds|pills|"
                           r"doses?|as prescribed|\w+ (?:every|each|twice|once))\b|\bmedicines?\b|\bmedications?\b", re.I)


@lru_cache(maxsize=8192)
def _assess_one(text: str, said: str, agent_before: str, patient: Patient, today: dt.date, crisis: bool,
                caregiver: bool) -> tuple[Disclosure, ...]:
    """``text``: the turn prepared for reading (drugs named as pills, a caregiver's report in the first person);
    ``said``: the turn as said, for evidence."""
    asked = bool(agent_before) and bool(screening_asked(agent_before, crisis))
    ctx = _Ctx(patient, today, crisis or asked, crisis, caregiver, bool(_MED_QUESTION.search(agent_before)) and not (crisis or asked))
    found = _utterance(text, ctx, said)
    if found and _ordinary_errand(_read(text), normalise(agent_before), normalise(said)):
        found = []
    if agent_before:
        found += _answer(text, agent_before, crisis)
        r = _read(text)
        if not found and _intake_answer(r, normalise(agent_before), ctx):
            found.append(Disclosure("ingestion", r.text, source="answer"))
    return tuple(found)


# An outing (a ride, a trip, an appointment, a procedure), a course of medicine finished or a supply counted, named by the
# assistant's question or by the turn itself, and the turn speaks of it in its own terms: "Ready to go.", "I'm ready to
# go now, my son's honking in the driveway", "I'm nervous about the heart cath but I'm ready to get it over with", "Took
# every one of them, right down to the end of the bottle", "I've got about six left in the bottle". Ordinary check-in
# talk (tests/data/crisis/ordinary/talk_d.jsonl) read such turns as a wish to die, intent or an overdose.
_OUTING = re.compile(r"\b(?:ride|driver|van|taxi|bus|car|keys|pick(?:ing)? (?:you|me|him|her) up|honking|driveway|appointment|trip|travel\w*|"
                     r"vacation|holiday|surgery|procedure|operation|cath\w*|scan|colonoscopy|ready for|out front|outside|"
                     r"waiting (?:on|for)|head(?:ing)? out|shoes on|coat on|(?:the|to) (?:store|market|shops|mall|church|bank|salon|barber|"
                     r"hairdresser|library|pharmacy|diner|gym)|(?:nails|hair) done|nails|errands?|shopping|lunch|dinner|breakfast|wrap (?:it |this )?up|"
                     r"(?:taking|driving|bringing|dropping) (?:me|him|her|us)(?: (?:to|off|in|over|out))?)\b")
# readiness is the only crisis word: every hit of these concepts lies inside the readiness phrase
_READINESS = re.compile(r"\b(?:(?:i'm|im|i am|we're|were|we are|i'll be|i will be|be|all|getting|get) )?(?:all )?"
                        r"(?:(?:set|packed) and )?ready to (?:go|get it over with|get going)\b(?! (?:be|to (?:heaven|jesus|god|the lord)))")
_READINESS_CONCEPTS = ("hopeless", "wish", "death_state", "act_reference", "intent_marker")
_OUTING_CONCEPTS = frozenset({*_READINESS_CONCEPTS, "ingest_object", "benign_errand", "benign_reason"})
_COURSE_QUESTION = re.compile(r"\b(?:finish|finished|finishing|complete|completed|course)\b")
# a course the turn names itself: "the antibiotic", "the course" (a drug named is checked against the drug classes)
_COURSE_SAID = re.compile(r"\b(?:antibiotics?|the (?:whole |full )?course)\b")
# the course taken as prescribed, over its days ("every last pill", "right down to the end", "finished it Saturday")
_COURSE_DONE = re.compile(r"\b(?:every (?:last )?(?:one|pill|dose|capsule|tablet)|(?:right )?down to the (?:end|last)|"
                          r"finished (?:it|them|the (?:\w+ ){1,4}?)(?:on )?(?:\w+day|yesterday)|the (?:full|whole) course|"
                          r"like (?:they|he|she|the doctor) said|as prescribed|(?:days?|more) to go)\b")
_COURSE_CONCEPTS = frozenset({"ingest_object", "ingest_verb", "mass_quantity", "weak_quantity", "means", "benign_reason"})
_AT_ONCE = re.compile(rf"\b(?:{_TOGETHER_WORDS}|last night|tonight)\b")
_SUPPLY_QUESTION = re.compile(r"\bhow (?:many|much)\b[^?]{0,50}\b(?:left|have|got|remaining)\b|\brefills?\b|\brun(?:ning)? (?:out|low)\b")
_SUPPLY_CONCEPTS = frozenset({"ingest_object", "weak_quantity", "mass_quantity"})


# A turn that asks something of the call itself: to repeat ("Can you say it again, slower?"), to end ("Can we just be
# done? The game's on."), or to tell ("Can't you just tell me whether she's meant to take her thyroid pill?").
_CALL_REQUEST = re.compile(r"\b(?:say (?:it|that|again)|speak up|(?:again|repeat),? (?:slower|slowly|please)|more slowly|pardon|"
                           r"didn'?t (?:catch|hear) (?:that|you|a word)|what (?:was that|did you say)|"
                           r"(?:can|could|are) we (?:just )?(?:be done|finish|wrap (?:it |this )?up|stop|end (?:it|this|the call)|done)|"
                           # leaving or pausing the call ("I gotta go, my ride's here. Call me tomorrow?", "somebody's at the door")
                           r"(?:gotta|got to|have to|need to|i'll|i will|going to|gonna|about to) (?:go|hang up|run|head out|let you go)|"
                           r"(?:i'm|im|i am|we're|we are) (?:done|finished) for (?:now|today|the day)|we'?re finished|can i hang up|"
                           r"good ?bye|bye|talk (?:to you )?(?:later|tomorrow|soon)|"
                           r"call (?:me )?(?:back )?(?:tomorrow|later|next week|another time|in (?:a|an) \w+)|"
                           r"enough (?:questions )?for (?:now|today)|make (?:this|it) (?:fast|quick|short)|"
                           r"(?:keep|make) (?:this|it) (?:one )?(?:short|quick|brief)|(?:somebody|someone|the doorbell)(?:'s| is)? (?:at the door|ringing)|"
                           r"(?:you|it|the line|the phone) (?:cut|cutting|broke|breaking|went|keeps) (?:out|up)|"
                           r"give me (?:a|one|two|five|ten|\w+) (?:minutes?|mins?|sec(?:ond)?s?)|hold on|"
                           r"how (?:much )?longer (?:is|will) this|"
                           r"(?:can|could|would|can'?t|couldn'?t|won'?t) you (?:just |please )?(?:tell|say|check|look|give|read|explain|"
                           r"let me know|find out)|what'?s (?:he|she) (?:taking|on)|pretend (?:i'?m|i am|to be))\b", re.IGNORECASE)
# What the request must not carry for the net to leave it: words of an act, a plan, a farewell or hopelessness.
_STRONG = ("suicide_act", "self_injury_act", "better_off", "hopeless", "farewell", "lethal_outcome", "overdose_event",
           "intent_marker", "plan_marker", "attempt", "after_death", "rehearsal", "stop_meds", "mass_quantity",
           "amount_question", "poison", "means", "warning_sign")


# What call talk must not carry: the strong concepts, a death or an act named by a pronoun; not the time words and
# "I'll" of intent_marker, which every goodbye has ("I'll keep my phone by me. Bye.", "Call tomorrow.").
_NOT_CALL_TALK = tuple(k for k in (*_STRONG, "death_state", "act_reference", "wish_after") if k not in {"intent_marker", "plan_marker"})


# An information-seeking question about the patient's own care: how, when or why to take, use or check something.
_CARE_NOUN = (r"inhaler|puffer|spacer|nebuli[sz]er|oxygen|finger (?:clip|thing|monitor)|pulse ox\w*|weigh\w*|scale|cuff|blood pressure|"
              r"sugars?|glucose|meter|insulin|shots?|injections?|needles?|pens?|pills?|tablets?|capsules?|medicines?|meds|"
              r"medications?|dose|doses|salt|sodium|fluids?|diet|food|appointment|blood (?:draw|test|work)|staples|stitches|"
              r"incision|wound|dressing|exercises?|walker|therapy|rinse|gargle|clinic|visit|check-?up|labs?|inr|finger[- ]?(?:poke|prick|stick)")
_CARE_QUESTION = re.compile(
    rf"\b(?:how|when|why|what|where|which|should|can|could|do|does|is|are|am)\b[^.?!]{{0,80}}\b(?:{_CARE_NOUN})\b[^.!]*\?|"
    # a question reported, not asked ("he keeps asking me why he has to weigh himself every single day")
    rf"\b(?:ask(?:s|ed|ing)?|wonder(?:s|ed|ing)?|wants? to know|wanted to know|curious)(?: me| you| us| her| him)? "
    rf"(?:why|how|when|what|whether|if)\b[^.?!]{{0,80}}\b(?:{_CARE_NOUN})\b|"
    # the task named in the sentence before the question ("... getting on that scale. Why does he have to do it every day?")
    rf"\b(?:{_CARE_NOUN})\b[^.?!]*[.!]\s+(?:\w+ ){{0,3}}(?:how|when|why|what|should|can|could|do|does|is)\b[^.?!]{{0,60}}"
    rf"\b(?:it|that|this|them|those)\b[^.?!]*\?", re.IGNORECASE)
# A question of manner about a task the call is on ("what's the right way to do it, 'cause sometimes he does it after
# breakfast with his boots on": the daily weight), care nouns or not: the net does not read the task the "it" stands for.
_MANNER_QUESTION = re.compile(
    r"\b(?:what(?:'s| is| was) the (?:right|proper|correct|best|easiest|normal|usual|safest) way to|is there a (?:right|proper|"
    r"correct|best|special) way to|how (?:should|do|does|can|would|am|is|are) (?:i|he|she|we|they|you|mum|mom|dad) (?:supposed to )?"
    r"(?:do|take|use|give|manage|handle|go about|check|store|keep|clean|measure|time))\b", re.IGNORECASE)
# Concepts that keep a care question in the net's hands: an act, a death word, lethality, hopelessness, a farewell, means.
# (Not the single words "want", "think", "doing it" or an amount question: every care question has them.)
_NOT_A_CARE_QUESTION = tuple(k for k in (*_STRONG, "death_state", "wish_after")
                             if k not in {"intent_marker", "plan_marker", "amount_question"})


def _asks_about_care(r: _Reading, said: str) -> bool:
    """The turn asks how, when or why to take, use or check something of the patient's care and says nothing the crisis
    vocabulary knows: the net, which reads such questions as distress (on the issue-13 request sets it asked the screening
    question after "How do you use the ProAir right anyway? ... half of it ends up on my tongue"), leaves them to the rules."""
    return bool(_CARE_QUESTION.search(said) or _CARE_QUESTION.search(r.masked) or _MANNER_QUESTION.search(said)) and not any(
        r.has(k) for k in _NOT_A_CARE_QUESTION)


def _asks_the_assistant(r: _Reading, said: str) -> bool:
    """The turn asks the call to repeat, end, pause or tell, and says nothing the crisis vocabulary reads as an act, a
    plan, a death or hopelessness: the net, which reads such requests as distress (on the issue-13 conversation suite it
    put calls into crisis mode on "Can you say it again, slower?", and ordinary talk on "I gotta go, my ride's here. Call
    me tomorrow?"), leaves them to the rules. A time or an "I'll" alone ("call me tomorrow") is no intent here."""
    if not _CALL_REQUEST.search(said):
        return False
    # the request's own words are no death ("Can we just be done? The game's on.")
    request = [m.span() for m in _CALL_REQUEST.finditer(r.masked)]
    return not any(not any(a <= s and _word_end(r.masked, s, e) <= b for a, b in request)
                   for k in _NOT_CALL_TALK for s, e in r.hits(k))


def _ordinary_errand(r: _Reading, question: str, said: str) -> bool:
    """The turn speaks of an outing, a finished course or a supply (named by the assistant's ``question`` or by the turn,
    ``said`` as spoken with its drug names, both normalised) in its own terms and says nothing else the crisis vocabulary
    knows: any other concept (a death word, "had enough", saved up, all at once) and the turn is read as said."""
    concepts = {k for k in _CONCEPTS if r.has(k)}
    outing_words = [m.span() for m in _OUTING.finditer(r.masked)]
    # a concept whose every hit lies inside the outing's words ("my daughter's taking me to get my nails done") is the outing's
    concepts = {k for k in concepts if not all(any(a <= s and _word_end(r.masked, s, e) <= b for a, b in outing_words)
                                               for s, e in r.hits(k))} | (concepts & set(_READINESS_CONCEPTS))
    if (_OUTING.search(question) or outing_words) and concepts <= _OUTING_CONCEPTS:
        ready = [m.span() for m in _READINESS.finditer(r.masked)]
        # a hit inside the outing's own words counts with the readiness ("just waiting for my neighbour to pull the car around")
        covered = ready + outing_words
        if ready and all(any(a <= s and _word_end(r.masked, s, e) <= b for a, b in covered)
                         for c in _READINESS_CONCEPTS for s, e in r.hits(c)):
            return True
    # every drug the turn names is an antibiotic, the courses patients are told to finish (drugs.yaml classes, from the
    # labels): "finished the antibiotics Tuesday and took the whole bottle of oxycodone" is read as said
    if concepts <= _COURSE_CONCEPTS and _COURSE_DONE.search(r.masked) and not _AT_ONCE.search(r.masked):
        named = drug_words(said, None)[1]
        if (_COURSE_QUESTION.search(question) or _COURSE_SAID.search(said) or named) and all(map(_antibiotic, named)):
            return True
    return bool(_SUPPLY_QUESTION.search(question)) and concepts <= _SUPPLY_CONCEPTS and not _AT_ONCE.search(r.masked)


def _antibiotic(generic: str) -> bool:
    from specialists import knowledge

    return knowledge.knowledge().in_any(generic, ("antibiotic",))


def _word_end(text: str, start: int, end: int) -> int:
    """The end of a span without the punctuation a pattern may take after its last word ("it over with.")."""
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return end


def _intake_answer(r: _Reading, question: str, ctx: _Ctx) -> bool:
    """The answer to the assistant's question about taking medicines (``question``, normalised) tells of an overdose."""
    if _DENY.search(r.masked):
        return False
    intake = bool(_INTAKE_QUESTION.search(question))
    if not intake and _TOOK_QUESTION.search(question) and _container_taken(r):
        return True  # "Did you take your pain pills today?" - "yeah all of them the whole bottle"
    # "Have you taken more than prescribed?" - "Yeah. The gabapentin. Most of the bottle."
    concern = bool(_CONCERN.search(question)) and not _MED_REVIEW.search(question)
    return (intake or concern) and any(
        _counts_in_its_sentence(r, s, ctx) for s in (*r.hits("mass_quantity"), *(r.hits("weak_quantity") if concern else ()))) \
        and (not concern or r.has("ingest_verb") or r.has("ingest_object"))


def _container_taken(r: _Reading) -> bool:
    """A container given as what was taken: the day's doses come in ones and twos, never in containers ("all of
    them" alone stays an adherence answer). The answer's subject is the one asked ("all of them, the whole bottle" is
    no third person), and the container is not the subject of its own verb ("the whole bottle lasts me a month")."""
    return any(_CONTAINER_AMOUNT.fullmatch(r.masked[s:e]) and not _CONTAINER_SUBJECT.match(r.masked, e) for s, e in r.hits("mass_quantity")) \
        and not r.has("accident") and not _NEW_SUPPLY.search(r.masked) and not _HYPOTHETICAL_ASK.search(r.masked) \
        and not _CONTAINER_HELD.search(r.masked) \
        and not any(_remote(r, lo, hi, None) for lo, hi in r.sentences)


# a container still held is a supply, not what was taken ("I've still got a whole bottle")
_CONTAINER_HELD = re.compile(r"\b(?:i'?ve|i have|we'?ve|we have|she'?s|he'?s|still) (?:still )?(?:got|have|has) (?:a|the|one|another) "
                             r"(?:whole|full|entire|new|unopened)\b")
# an empty container said with a new one is the end of a supply, not an overdose ("finished the bottle, picked up the refill")
_NEW_SUPPLY = re.compile(r"\b(?:refills?|refilled|new (?:one|bottle|box|pack|pen|supply)|picked up|pharmacy|ran out|running (?:low|out)|no gap)\b")
# "Did you take your pain pills today?"; "had" only of medicines ("Have you had any falls lately?" asks about an event)
_TOOK_QUESTION = re.compile(r"\b(?:did|have|has|were|are|was) (?:you|she|he) (?:\w+ )?(?:take|taken|taking|use|used|using|"
                            r"(?:had|have)(?= (?:any |your |his |her |the |all |some |an? )?(?:\w+ )?(?:pills?|medicines?|meds|"
                            r"medications?|tablets?|capsules?|doses?|insulin|shots?|injections?|inhaler)\b))\b[^?]{0,60}\?")
_CONTAINER_SUBJECT = re.compile(r"(?: of (?:the |my |his |her )?\w+)?\s+(?:is|was|are|were|lasts?|sits?|has|had|will|should|still|'s|goes|went|"
                                r"comes?|came|costs?|holds?)\b")
_CONTAINER_AMOUNT = re.compile(r"(?:the |a |my |his |her )?(?:whole|entire|full|rest of the|half a|half the) (?:\w+ ){0,2}"
                               r"(?:bottles?|packs?|packets?|box(?:es)?|strips?|blister packs?|jars?|tubs?|vials?|pens?|supply|prescription)")
_CONCERN = re.compile(r"\byou (?:sound|seem) (?:slurred|drowsy|sleepy|different|strange|confused|off|out of it|groggy|very sleepy)\b|"
                      r"\bgone quiet\b|\bare you (?:still there|still with me)\b|\bdid you take (?:something|anything)\b|"
                      r"\bhave you taken (?:something|anything)\b")
# ... but not the check-in's medicine review, which asks the same words of other medicines ("Have you taken anything
# besides your prescriptions?", "... anything over the counter, or anything new?", "... anything for the pain?")
_MED_REVIEW = re.compile(r"\b(?:taken|take|started|been taking|using|used) (?:something|anything)(?: else)?,? (?:besides|other than|apart from|"
                         r"on top of|in addition to|new|else|extra for|over the counter|otc|from the (?:store|pharmacy|drugstore|shop)|for (?:the|your|it|that|this|her|his)\b)")
_INTAKE_QUESTION = re.compile(r"\b(?:have you|did you|has (?:she|he)|did (?:she|he))\s+(?:\w+\s+)?(?:taken|take|swallowed|swallow|used|use)\b"
                              r"[^?]{0,50}\b(?:more|extra|too many|too much|than (?:prescribed|you should|usual)|all (?:of )?(?:them|it|those) (?:at once|together)|"
                              r"all at once|any of)\b|"
                              r"^\W*(?:and )?how (?:much|many)(?: more| of them| did you take)?\W*$")


_SHE = {"she": "i", "she's": "i'm", "she'd": "i'd", "she'll": "i'll", "herself": "myself", "hers": "mine", "shes": "i'm"}
_HE = {"he": "i", "he's": "i'm", "he'd": "i'd", "he'll": "i'll", "him": "me", "his": "my", "himself": "myself", "hes": "i'm"}
_HER_AS_OBJECT = re.compile(r"\s*(?:$|[.,!?;:]|(?:to|and|or|but|again|anymore|away|out|up|down|back|home|in|on|at|for|with|from|off|"
                            r"over|alone|so|because|too|now|when|if|that|this|yet|already|soon|tonight|today|anytime|whenever)\b)")
_PERSON_WORD = re.compile(r"\b(?:(?:my|our|his|her|their|the|a) )?(?:\w+ )?(" + _PERSON + r"|mom|dad|grandma|grandpa)\b")
_POSSESSED_PERSON = re.compile(r"(?:his|her|their) (?:father|mother|dad|mom|mum|brother|sister|grandfather|grandmother|grandpa|grandma|"
                               r"uncle|aunt|cousin|friend|roommate|neighbou?r)\b(?= (?:took|killed|hanged|shot|died|overdosed|committed|"
                               r"tried|attempted|was|had|did|who|,))")
# "she told her mother she's going to ...": a person spoken to is no new subject for the pronouns after it
_SPOKEN_TO = re.compile(r"\b(?:told|tells|telling|asked|asks|called|calls|phoned|texted|rang|said to|says to|messaged|emailed)\s+"
                        r"(?:(?:my|his|her|their|our|the)\s+)?$")
_WORD_TOKEN = re.compile(r"[a-z']+")
# "this is Kenji's wife", "I'm his daughter": the caller saying who they are, not another person in the story
_RELATIVE_CLAUSE = re.compile(r"\s+(?:who|that)\b")  # "it's her roommate who ..." (but "it's his wife, he took ..." is the caller)
_SELF_INTRODUCTION = re.compile(r"\b(?:this is|it's|its|i'm|i am|im|here's)\s+(?:[a-z]+(?:'s|s)?\s+|his\s+|her\s+|the\s+)?(?:\w+\s+)?$")


def as_patient(text: str, patient: Patient, caregiver: bool) -> str:
    """A report about the patient in the patient's own words: "she says she wants to die" -> "i says i want
    to die", so one vocabulary reads both. Only pronouns of the patient's sex, only when the caller speaks
    for the patient or names them (or a relation who can be them), and never after another person is
    named in the sentence ("my sister, she ...")."""
    if patient.sex not in {"female", "male"}:
        return text
    text = text.translate(_APOSTROPHES).lower()
    table = _SHE if patient.sex == "female" else _HE
    out: list[str] = []
    for sentence in re.split(r"(?<=[.?!;])", text):
        named = caregiver
        blocked = False
        patient_subject = False  # "she told me she won't be here when her daughter visits because she's ..."
        pieces, last = [], 0
        for m in _WORD_TOKEN.finditer(sentence):
            word = m.group()
            person = _PERSON_WORD.match(sentence, m.start())
            if person and not _PRONOUN.fullmatch(word) and not patient.could_be(person.group()) and \
                    not _SPOKEN_TO.search(sentence[:m.start()]) and not patient_subject and \
                    person.group(1) not in {"person", "someone", "somebody"} and \
                    (not _SELF_INTRODUCTION.search(sentence[:m.start()]) or _RELATIVE_CLAUSE.match(sentence, person.end())
                     or person.group().startswith(("my ", "our "))):  # "it's my sister, she ..." introduces no caller
                blocked = True  # another person named: later pronouns may be theirs
            if _POSSESSED_PERSON.match(sentence, m.start()):
                blocked = True  # "his father took his own life": the patient's relative, not the patient
            if not named or blocked:
                continue
            repl = table.get(word)
            if word == "her" and patient.sex == "female":
                repl = "me" if _HER_AS_OBJECT.match(sentence, m.end()) else "my"
            if repl is not None:
                patient_subject = patient_subject or repl in {"i", "i'm", "i'd", "i'll"}
                pieces.append(sentence[last:m.start()] + repl)
                last = m.end()
        pieces.append(sentence[last:])
        out.append("".join(pieces))
    return "".join(out)


def drug_words(text: str, plan: CarePlan | None) -> tuple[str, tuple[str, ...]]:
    """Drug names in a turn replaced by "pills", so "saving up my Zoloft" reads as "saving up my pills"
    (names, brands, misspellings and mishearings, through the shared drug finder, which memoises per
    plan and text), and the generic names found."""
    from specialists.text.drugs import find_drug_mentions

    out, drugs, last = [], [], 0
    for m in sorted(find_drug_mentions(text, plan), key=lambda m: m.start):
        if m.start < last:
            continue
        out.append(text[last:m.start])
        out.append("pills")
        last = m.end
        drugs.extend(d for d in m.drugs if d not in drugs)
    out.append(text[last:])
    return "".join(out), tuple(drugs)


_EXPLICIT = ("suicide_act", "self_injury_act", "attempt", "overdose_event", "poison")
_DEFLECTION = re.compile(r"^\W*$|^\W*(?:like,? )?(?:seriously|really|are you serious|for real)\W*$|^\W*(?:why (?:are|do) you ask(?:ing)?(?: me)?(?: that)?|why|why do you ask|what do you mean|huh|what|who wants to know|why\?)\W*$")


# who an undeclared caller may mean by the patient: a parent, a spouse, a grandparent (never "the girl", "my friend")
_REPORTED_KIN = {"mom", "mother", "mum", "mama", "dad", "father", "papa", "husband", "wife", "spouse",
                 "grandma", "grandmother", "grandpa", "grandfather", "patient"}


def _read_turn(said: str, prepared: str, agent: str, patient: Patient, today: dt.date, crisis: bool, caregiver: bool,
               plan: CarePlan | None) -> tuple[Disclosure, ...]:
    """One caller utterance, read as the patient's own words or a declared caregiver's report (``prepared``: as
    :func:`as_patient` gives it for ``caregiver``). A caller who has not said who they are may still be reporting on
    the patient ("he swallowed the rest of the bottle an hour ago", "Mom took all her warfarin on purpose"): when the
    first reading holds nothing, the utterance is read again as a report, unless it names someone who cannot be the
    patient or tells of a death, a family history or a story."""
    found = _assess_one(prepared, said, agent, patient, today, crisis, caregiver)
    if found or caregiver or patient.sex is None:
        return found
    norm = normalise(said)
    if any(m.group(1) not in _REPORTED_KIN for m in _PERSON_WORD.finditer(norm)) or _COMPLETED.search(norm) or \
            _FAMILY_HISTORY.search(norm) or vocabulary().scope["fiction"].search(norm):
        return ()  # "the girl in that show", "my buddy", "my dad took his own life": not a report on the patient
    reporter = replace(patient, proxy=True)
    report = as_patient(drug_words(said, plan)[0], reporter, True)
    if report == prepared:
        return ()  # no word of the utterance could be the patient
    return tuple(replace(d, caregiver=True) for d in _assess_one(report, said, agent, reporter, today, crisis, True))


def assess_text(text: str, *, history: Sequence[tuple[str, str]] = (), plan: CarePlan | None = None,
                today: dt.date | None = None, caregiver: bool = False, relations: Iterable[str] = (),
                names: Iterable[str] = (), net: bool = True) -> Assessment:
    """The disclosures of ``text`` (a patient turn) after ``history`` ((speaker, text) pairs, oldest first).
    ``caregiver``: the caller speaks for the patient; ``relations`` and ``names``: what the caller calls the
    patient ("mother", "Ruth"). ``net``: a turn the rules leave quiet, in a call not yet in crisis, is also
    read by the paraphrase net (:mod:`specialists.crisis_net`); it can only add an urgent ``distress``."""
    today = today or dt.date.today()
    patient = Patient.of(plan, today, relations, names, caregiver) if plan is not None else Patient(proxy=caregiver)
    earlier: list[Disclosure] = []
    agent = ""      # the assistant's utterance the next patient turn answers
    asked = ""      # the last screening question, still open while the caller only deflects ("Why?")
    recalled = False  # the assistant recalls a disclosure from an earlier call ("last week you told me ...")
    before_last: list[Disclosure] = []  # what the call disclosed before the caller's last utterance
    for speaker, said in history:
        if speaker == "agent":
            if screening_asked(said, bool(earlier)):
                asked = said
            agent = said if not asked else (said if screening_asked(said, bool(earlier)) else asked)
            recalled = recalled or bool(_RECALLED.search(normalise(said)))
            continue
        before_last = list(earlier)
        earlier += _read_turn(said, as_patient(drug_words(said, plan)[0], patient, caregiver), agent, patient, today,
                              bool(earlier) or recalled, caregiver, plan)
        if not _DEFLECTION.match(normalise(said)):
            asked = ""  # answered: the question is closed
        agent = asked  # a silence or a "why?" leaves the question open for the next utterance
    prepared = as_patient(drug_words(text, plan)[0], patient, caregiver)
    if earlier and not recalled and (_explains(prepared, earlier) or (not before_last and _clarifies(prepared))):
        earlier = []  # "I've got the rifle out." - "What for?" - "Opening day Saturday, same stand as every year."
    own = _read_turn(text, prepared, agent, patient, today, bool(earlier) or recalled, caregiver, plan)
    denied_screen = bool(agent) and bool(screening_asked(agent)) and bool(_DENY.search(normalise(text)))
    # the rules met an explicit act (suicide, self-injury, an overdose) and placed it elsewhere (someone else, a story,
    # years ago, denied): their scope stands, the net does not overrule it
    explicit = any(_read(prepared).has(c) for c in _EXPLICIT)
    # fear of dying ("I'm worried this heart will give out one night") is the opposite of a wish, and an ordinary reason
    # given ("we signed the DNR paperwork") explains the turn: the net does not read either
    explained = bool(_FEAR.search(normalise(text))) or _read(prepared).has("benign_reason")
    # nor a turn only about another person, unless a caller who speaks for the patient says it ("She's slurring her words"
    # from the patient is about someone else): the net reads meaning, not people; the rules read reports
    elsewhere = _about_someone_else(text, patient, caregiver)
    # nor talk of an outing, a finished course or a supply the rules read with the assistant's question ("Did you finish
    # the antibiotic?" - "Took every one of them, right down to the end of the bottle."): the net never reads the question.
    # Read only when the net would otherwise be asked (the checks short-circuit in order of cost).
    if net and not own and not earlier and not denied_screen and not explicit and not explained and not elsewhere \
            and not _ordinary_errand(_read(prepared), normalise(agent), normalise(text)) \
            and not _asks_the_assistant(_read(prepared), normalise(text)) \
            and not _asks_about_care(_read(prepared), normalise(text)) and crisis_net.flags(text):
        own = (Disclosure("distress", normalise(text).strip(" ,.;!?-"), caregiver=caregiver),)
    return Assessment(own, tuple(earlier))


def _about_someone_else(text: str, patient: Patient, caregiver: bool) -> bool:
    """No word of the turn is the speaker's own, and it speaks of someone who is not the patient: anyone, from the patient
    (or a caller who never said who they are); someone the patient cannot be, from a caregiver."""
    norm = normalise(text)
    people = [m.group() for m in _THIRD_PRONOUN.finditer(norm)]
    if _FIRST_PERSON.search(norm) or not people:
        return False
    if not caregiver:
        return True
    reporter = replace(patient, proxy=True)
    return not any(reporter.could_be(w) for w in people)


_CLARIFICATION = re.compile(r"\b(?:i meant|i mean|it's a saying|it's just a saying|figure of speech|just an expression|bad wording|poor choice of words|"
                            r"(?:she|he) means|(?:she|he) meant|should have said|not my life|not like that)\b")


def _clarifies(turn: str) -> bool:
    """The caller takes back the words of their last utterance and says what they meant ("No, sorry, I meant disappear
    on a vacation."): a denial with a clarification, and nothing new disclosed in it."""
    t = normalise(turn)
    return bool(_DENY.search(t) or _DENY_ANY.search(t)) and bool(_CLARIFICATION.search(t)) and not _assess_one(
        turn, turn, "", Patient(), dt.date.today(), False, False)


def _explains(turn: str, earlier: Sequence[Disclosure]) -> bool:
    """The turn gives the ordinary reason for what was read earlier as preparations or a goodbye (a rifle for the
    season, pills for the new organizer, goodbyes for a move): only when no earlier word was about dying."""
    r = _read(turn)
    return r.has("benign_reason") and not _crisis_words(r) and all(
        d.category in {"plan", "intent", "warning_sign"} and d.source != "answer" and not _crisis_words(_read(d.evidence))
        and not _read(d.evidence).has("death_state") for d in earlier)


_RECALLED = re.compile(r"\b(?:you|you've)\s+(?:said|told me|told us|mentioned|shared|were saying|talked about|had said)\b[^?]{0,60}"
                       r"\b(?:hopeless|end(?:ing)? (?:your (?:own )?life|it all|things)|kill(?:ing)? yourself|suicid\w*|(?:want(?:ed)?|wanting) to die|"
                       r"not (?:want(?:ing)?|wanted) to (?:live|be here|be alive|wake up)|better off (?:dead|without you)|hurt(?:ing)? yourself|"
                       r"harm(?:ing)? yourself|no (?:point|reason) (?:in )?(?:living|going on))")

_RELATIVE = (r"(?:wife|husband|son|daughter|granddaughter|grandson|grandkid|partner|mother|mom|mum|father|dad|sister|"
             r"brother|niece|nephew|neighbou?r|friend|caregiver|care ?giver|aide|home health aide|nurse|roommate|"
             r"daughter-in-law|son-in-law|spouse|boyfriend|girlfriend)")
# Ways a caller says they speak for the patient that the shared proxy reader does not cover (speech-recogniser
# spellings without apostrophes, "Her husband." as an answer, "he's the patient").
_PROXY_EXTRA = re.compile(
    r"\b(?:this is|it's|its|i'm|im|i am)\s+[a-z]+,?\s+(?:his|her|[a-z]+ [a-z]+'s|[a-z]+'s)\s+" + _RELATIVE + r"\b|"
    r"\b(?:this is|it's|its|i'm|im|i am|here's|it is)\s+(?:[a-z]+(?:'s|s)\s+|his\s+|her\s+|the patient's\s+)(?:\w+\s+)?"
    + _RELATIVE + r"\b|^\W*(?:um\W+|uh\W+)?(?:his|her|[a-z]+'s) " + _RELATIVE + r"\b|\b[a-z]+(?:'s|s) " + _RELATIVE
    + r" here\b|\b(?:he's|she's|he is|she is) the patient\b|\b(?:my|our) \w+,? (?:he's|she's|he is|she is) the patient\b|"
    r",\s*(?:his|her) " + _RELATIVE + r"\b")


def caller_speaks_for_patient(history: Sequence[tuple[str, str]], text: str, plan: CarePlan) -> bool:
    """The caller is someone speaking for the patient: they said so, or the assistant is already asking them
    about the patient by name ("How has Gloria been?")."""
    said = [normalise(t) for s, t in history if s == "patient"] + [normalise(text)]
    if any(_PROXY_EXTRA.search(t) for t in said):
        return True
    names = [n.lower() for n in (plan.patient.first_name, plan.patient.preferred_name) if n]
    if not names:
        return False
    name = "(?:" + "|".join(map(re.escape, names)) + ")"
    # "Gus told me he wants to die", "hi, I'm calling for Marcus, he's my brother": the caller speaks of the patient
    of_patient = re.compile(r"\b" + name + r"(?:'s been|'s| has| is| was| told| said| says| keeps| won't| doesn't| didn't| wants| asked)\b|"
                            r"\b(?:calling|call|ringing|phoning|here) (?:for|about|on behalf of|regarding) " + name + r"\b")
    if any(of_patient.search(t) for t in said):
        return True
    about = re.compile(r"\b(?:is|has|does|did|was|how(?:'s| is| has| was)|about|with|for|mentioned|noticed)\s+" + name
                       + r"\b(?!\s*(?:\?|$))|\b" + name + r"(?:'s| is| has| been| doing| said| told)\b")
    return any(about.search(normalise(t)) for s, t in history if s == "agent")


def assess(ctx: object, net: bool = True) -> Assessment:
    """:func:`assess_text` over a :class:`specialists.base.TurnContext` (a patient turn)."""
    from specialists.text.context import proxy_for_turn

    history = [(u.speaker, u.text) for u in ctx.history]  # type: ignore[attr-defined]
    # Declared callers only: the crisis reader has its own test of who speaks for the patient
    # (caller_speaks_for_patient), and was measured with it; an inferred "she" would make every
    # figure of speech about a relative ("I'll kill him") the patient's.
    proxy = proxy_for_turn(ctx, inferred=False)
    caregiver = proxy is not None or caller_speaks_for_patient(history, ctx.text, ctx.plan)  # type: ignore[attr-defined]
    return assess_text(ctx.text, history=history, plan=ctx.plan, today=ctx.today,  # type: ignore[attr-defined]
                       caregiver=caregiver, relations=proxy.relations if proxy else (),
                       names=proxy.names if proxy else (), net=net)
