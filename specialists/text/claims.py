"""What an agent draft asserts: the checkable claims in one turn of the primary agent.

The draft is split into sentences and clauses; inside each we find drug mentions (names, brands,
plain descriptions such as "your water pill"), amounts and frequencies, lab and vital values, goals,
dates, times and clinicians of appointments, and named conditions, together with how each is framed:
presented as the patient's own ("your metformin", "you take 40 mg"), advised ("you can take Advil",
"double your dose"), avoided ("don't take ibuprofen"), asked about, or hypothetical ("if your sugar
drops below 70"). The verdict (supported or not) is the hallucination specialist's job; this module
only reads the text, with the care plan's vocabulary (its drugs, clinicians and places) to help.

Generic safe sentences ("keep taking your medicines as prescribed", "call 911 now", "I'll let your
nurse know") yield no claims because they name nothing checkable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from specialists import knowledge as kb
from specialists.text.dates import DateMention, TimeMention, find_dates, find_times
from specialists.text.drugs import FUZZY_GUARD as _FUZZY_GUARD
from specialists.text.drugs import STOPWORDS as _STOPWORDS
from specialists.text.drugs import DrugMention as _DrugMention
from specialists.text.drugs import find_drug_mentions as _find_drug_mentions
from specialists.text.numbers import NumberSpan, find_numbers

# --------------------------------------------------------------------------------------------------
# Sentences and clauses
# --------------------------------------------------------------------------------------------------

_ABBREV = re.compile(r"\b(?:dr|mr|mrs|ms|st|vs|no|approx|e\.g|i\.e|a\.m|p\.m|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.$", re.I)
_SENT_END = re.compile(r"[.!?]+[\"')\]]*(?=\s+|$)|\n+|;")
_CONDITIONAL = re.compile(r"^\s*(?:and\s+|but\s+|so\s+|also\s+)?(?:if|when|whenever|in case|should you|unless|once|any time|anytime)\b", re.I)


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int

    @property
    def question(self) -> bool:
        return self.text.rstrip().endswith("?")


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of a draft; "Dr. Mensah", "7.9" and "9 a.m." do not end one."""
    out: list[Sentence] = []
    start = 0
    for m in _SENT_END.finditer(text):
        piece = text[start:m.end()]
        if m.group().startswith(".") and _ABBREV.search(text[max(0, start):m.start() + 1]):
            continue
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            out.append(Sentence(piece.strip(), start + lead, m.end()))
        start = m.end()
    rest = text[start:]
    if rest.strip():
        lead = len(rest) - len(rest.lstrip())
        out.append(Sentence(rest.strip(), start + lead, len(text)))
    return out


# Clause boundaries for the scope of "don't", "your", "you can": punctuation and linking words, but not
# "and"/"or" inside a list of drugs ("your lisinopril and metformin").
_CLAUSE_BREAK = re.compile(r"\s*(?:[,:;()\u2014\u2013]|\s-\s|\bbut\b|\bso\b|\bbecause\b|\balthough\b|\bthough\b|\bwhile\b"
                           r"|\bunless\b|\bexcept\b|\bsince\b|\bthen\b|\bif\b|\bwhen\b|\band then\b|\bplus\b)\s*", re.I)


def clause_bounds(sentence: str, pos: int) -> tuple[int, int]:
    """(start, end) of the clause of ``sentence`` that holds character ``pos``."""
    start, end = 0, len(sentence)
    for m in _CLAUSE_BREAK.finditer(sentence):
        if m.end() <= pos:
            start = m.end()
        elif m.start() >= pos:
            end = m.start()
            break
    return start, end


# --------------------------------------------------------------------------------------------------
# Drug mentions
# --------------------------------------------------------------------------------------------------

_WORD = re.compile(r"[A-Za-z0-9]+(?:['\u2019][A-Za-z]+)?")
# Names in the knowledge index that are everyday words or lab abbreviations in a nurse's speech.
_NOT_DRUGS = frozenset({"fleet", "asa", "pce", "sps", "tmp", "ees", "ptu", "t3", "t4", "smx", "nph", "kcl", "lmwh", "ntg",
                        "isdn", "ismn", "apap", "b12", "folate", "thinner", "controller", "statin", "diuretic",
                        "puffer", "steroid", "steroids", "antibiotic", "antibiotics", "laxative", "laxatives"})
# Class words a draft may use for a whole class ("anti-inflammatories are fine"): a representative drug.
_CLASS_WORDS = {
    "nsaid": "ibuprofen", "nsaids": "ibuprofen", "anti inflammatory": "ibuprofen", "anti inflammatories": "ibuprofen",
    "antiinflammatory": "ibuprofen", "antiinflammatories": "ibuprofen", "anti inflammatory pain relievers": "ibuprofen",
    "decongestant": "pseudoephedrine", "decongestants": "pseudoephedrine",
}
# Plain descriptions: phrase -> description id of knowledge.descriptions (or our own for inhalers).
_EXTRA_DESCRIPTIONS = {"inhaler": "inhaler", "inhalers": "inhaler"}
_INHALED = frozenset({"saba", "inhaled_corticosteroid", "laba", "lama"})
# Drug classes a nurse names in plain speech ("your nitrates", "beta blockers"): description "class:<id>",
# standing for the plan drugs of that class (none: the plan has no such drug).
_CLASS_PHRASES: dict[str, tuple[str, ...]] = {
    "nitrate": ("nitrate", "nitrates", "long-acting nitrate", "long-acting nitrates"),
    "beta_blocker": ("beta blocker", "beta blockers"),
    "ace_inhibitor": ("ace inhibitor", "ace inhibitors"),
    "ssri": ("ssri", "ssris"),
    "opioid": ("opioid", "opioids", "opiate", "opiates", "narcotic", "narcotics"),
    "benzodiazepine": ("benzodiazepine", "benzodiazepines", "benzo", "benzos"),
    "pde5_inhibitor": ("erectile dysfunction pill", "erectile dysfunction pills", "erectile dysfunction medicine",
                       "erectile dysfunction medicines", "erectile dysfunction drugs", "ed pills", "ed medicine",
                       "ed medicines", "pde5 inhibitor", "pde5 inhibitors"),
}
# Plurals the knowledge descriptions lack.
_DESCRIPTION_ALIASES = {"diuretics": "water_pill", "anticoagulants": "blood_thinner", "antihistamines": "allergy_pill"}


@dataclass(frozen=True)
class DrugRef:
    """A drug named or described in the text (offsets within the sentence)."""

    start: int
    end: int
    surface: str
    drugs: tuple[str, ...]  # generic names; for a description, the plan drugs it fits
    description: str | None = None  # description id when described, not named
    class_word: bool = False


@dataclass(frozen=True)
class PlanVocabulary:
    """What a care plan adds to the text readers: its drug names, people and places."""

    drugs: frozenset[str]
    ingredients: frozenset[str]  # every ingredient of every plan drug
    names: dict[str, tuple[str, ...]]  # extra normalised names (plan brands, display words) -> generic names
    people: tuple[str, ...]  # clinicians and contacts named in the plan
    places: tuple[str, ...]  # clinic / location / service names in the plan


def _norm(word: str) -> str:
    return kb.normalize_name(word)


@cache
def _index() -> tuple[dict[str, tuple[str, ...]], int, dict[str, str]]:
    names = {k: v for k, v in kb.name_index().items() if k not in _NOT_DRUGS}
    longest = max(len(k.split()) for k in names)
    descriptions: dict[str, str] = {}
    for desc in kb.descriptions():
        for phrase in desc.phrases:
            descriptions[_norm(phrase)] = desc.id
    descriptions.update(_EXTRA_DESCRIPTIONS)
    for cls, phrases in _CLASS_PHRASES.items():
        for phrase in phrases:
            descriptions.setdefault(_norm(phrase), f"class:{cls}")
    for phrase, desc_id in _DESCRIPTION_ALIASES.items():
        descriptions.setdefault(_norm(phrase), desc_id)
    return names, max(longest, 4), descriptions


def describe_fits(description: str, plan_drugs: Iterable[str]) -> tuple[str, ...]:
    """Plan drugs that a description id can stand for (every fit, not only a unique one)."""
    plan = list(dict.fromkeys(plan_drugs))
    if description.startswith("class:"):
        cls = description[6:]
        return tuple(d for d in plan if cls in kb.drug_classes(d))
    if description == "inhaler":
        return tuple(d for d in plan if kb.drug_classes(d) & _INHALED)
    for desc in kb.descriptions():
        if desc.id != description:
            continue
        for group in (desc.classes, desc.fallback_classes):
            fits = tuple(d for d in plan if kb.drug_classes(d) & set(group))
            if fits:
                return fits
        return ()
    return ()


DRAFT_HOWS = frozenset({"generic", "synonym", "brand", "combination", "dictionary"})


_DRUG_STOPWORDS = _STOPWORDS | _FUZZY_GUARD
_SLOT = re.compile(r"\b(?:your|taking|take|takes|on|using|use|started|prescribed|of|the)\s+([a-z][a-z\-]{3,})\b"
                   r"|(?<![.!?]\s)(?<!^)\b([A-Z][a-z][a-zA-Z\-]{2,})\b"
                   r"|(?:^|(?<=[.!?]\s))([A-Z][a-z][a-zA-Z\-]{2,})(?=\s+(?:(?:has|have|is|was)\s+)?(?:been\s+)?(?:still\s+)?"
                   r"(?:working|helping|treating|agreeing|going|doing|giving|causing|bothering|upsetting)\b)")
_COMMON = frozenset("""doctor doctors sugar sugars blood pressure dose doses medicine medicines medication medications meds pills
pill tablets tablet daily morning evening night bedtime time times week weeks month months last next appointment visit goal
heart kidney kidneys breathing weight knee back pain nurse team care clinic office plan list readings reading numbers levels
level results labs insulin water body food diet salt fluids side effects effect best usual regular current same other new
this that these those mind right left time first second healthy symptoms swelling legs feet ankles chest stomach head""".split())


def recogniser_mentions(text: str, plan: Any, *, gate: bool = True) -> list[Any]:
    """The shared drug recogniser's mentions (specialists.text.drugs), [] without it.

    With ``gate`` it runs only when a word in a drug slot ("your Xyz", "taking xyz", a capitalised
    word inside a sentence) is not a drug the knowledge tables already name: agent drafts are well
    spelt, so the recogniser's extra reach (its large dictionary) is only needed then."""
    if plan is None:
        return []
    slots: list[tuple[int, int, str]] = []
    if gate:
        names, _, descriptions = _index()
        for m in _SLOT.finditer(text):
            g = 1 if m.group(1) else 2 if m.group(2) else 3
            w = m.group(g).lower()
            if w and w not in _COMMON and w not in names and w not in descriptions and _norm(w) not in names:
                slots.append((m.start(g), m.end(g), m.group(g)))
        if not slots:
            return []
    found = list(_find_drug_mentions(text, plan))
    # The recogniser consults its large dictionary only when the text talks about taking medicine; a
    # draft asking "Is the Trintellix helping?" does not, so unknown slot words are looked up here.
    for start, end, word in slots:
        if any(f.start < end and start < f.end for f in found):
            continue
        drugs = _dictionary_drugs(word, _person_words(plan))
        if drugs:
            found.append(_DrugMention(drugs, start, end, word, "dictionary", word.lower()))
    return found


def _person_words(plan: Any) -> frozenset[str]:
    patient = getattr(plan, "patient", None)
    names = " ".join(filter(None, [getattr(patient, "name", None), getattr(patient, "preferred_name", None)]))
    return frozenset(w.lower() for w in re.findall(r"[A-Za-z]+", names))


@cache
def _dictionary_generics(word: str) -> tuple[str, ...]:
    from careplans import drugnames

    names = drugnames.generic_names(word)
    return tuple(n for n in names if kb.drug(n) is not None or not re.search(
        r"\b(?:supplements?|softeners?|agents?|products?|oil|inhibitors?|blockers?|antagonists?|agonists?)\b", n))


def _dictionary_drugs(word: str, people: frozenset[str]) -> tuple[str, ...]:
    low = word.lower()
    if len(low) < 5 or low in people or low in _DRUG_STOPWORDS:
        return ()
    return _dictionary_generics(low)


def find_drugs(text: str, vocab: PlanVocabulary | None = None, plan: Any = None, hows: frozenset[str] = DRAFT_HOWS,
               mentions: Sequence[Any] | None = None, offset: int = 0) -> list[DrugRef]:
    """Drugs named (generic, brand, combination) or described ("the water pill") in ``text``.

    Names the shared drug recogniser (specialists.text.drugs) finds in ways listed in ``hows`` (the
    large drug dictionary, misspellings) are added where nothing else was found: pass ``plan`` to run
    it on ``text``, or its ``mentions`` on a longer text of which ``text`` starts at ``offset``."""
    refs = _find_drugs(text, vocab)
    if mentions is None:
        mentions = recogniser_mentions(text, plan)
        offset = 0
    for m in mentions:
        start, end = m.start - offset, m.end - offset
        if start < 0 or end > len(text) or m.how not in hows or m.how == "description":
            continue
        if any(r.start < end and start < r.end for r in refs):
            continue
        classes = [d for d in m.drugs if kb.drug(d) is None and kb.is_class(d)]
        if classes:
            # the dictionary reads a class word as a drug ("nitrates" -> "nitrate"): a class description
            plan_drugs = sorted(vocab.ingredients) if vocab else []
            desc = f"class:{classes[0]}"
            refs.append(DrugRef(start, end, text[start:end], describe_fits(desc, plan_drugs), desc))
            continue
        refs.append(DrugRef(start, end, text[start:end], tuple(m.drugs)))
    return sorted(refs, key=lambda r: r.start)


def _find_drugs(text: str, vocab: PlanVocabulary | None = None) -> list[DrugRef]:
    names, longest, descriptions = _index()
    extra = vocab.names if vocab else {}
    words = [(m.start(), m.end(), _norm(m.group())) for m in _WORD.finditer(text)]
    plan_drugs = sorted(vocab.ingredients) if vocab else []
    out: list[DrugRef] = []
    i = 0
    while i < len(words):
        hit: tuple[int, tuple[str, ...], str | None, bool] | None = None
        for n in range(min(longest, len(words) - i), 0, -1):
            key = " ".join(w for _, _, w in words[i:i + n])
            if key in extra:
                hit = (n, extra[key], None, False)
            elif key in names:
                hit = (n, names[key], None, False)
            elif key in _CLASS_WORDS:
                hit = (n, (_CLASS_WORDS[key],), None, True)
            elif key in descriptions:
                fits = describe_fits(descriptions[key], plan_drugs)
                hit = (n, fits, descriptions[key], False)
            if hit:
                break
        if hit is None:
            i += 1
            continue
        n, drugs, desc, cls = hit
        start, end = words[i][0], words[i + n - 1][1]
        out.append(DrugRef(start, end, text[start:end], tuple(drugs), desc, cls))
        i += n
    return _drop_analyte_words(text, out)


def _drop_analyte_words(text: str, refs: list[DrugRef]) -> list[DrugRef]:
    """"Sugar pill" is a drug, but "your blood sugar" or "the sodium" (a lab) are not."""
    out = []
    for r in refs:
        after = text[r.end:r.end + 12].lower()
        if r.drugs and set(r.drugs) <= {"sodium bicarbonate", "potassium chloride", "magnesium oxide"} and \
                re.match(r"\s*(?:level|was|is|of|came)", after):
            continue
        out.append(r)
    return out


# --------------------------------------------------------------------------------------------------
# Amounts and frequencies
# --------------------------------------------------------------------------------------------------

_UNIT_WORDS: dict[str, str] = {}
for _u, _words in {
    "mg": "mg mgs milligram milligrams milligramme milligrammes",
    "mcg": "mcg mcgs microgram micrograms ug µg",
    "g": "g gram grams gm",
    "unit": "unit units u iu",
    "puff": "puff puffs inhalation inhalations spray sprays",
    "tablet": "tablet tablets tab tabs pill pills capsule capsules cap caps caplet caplets softgel softgels",
    "ml": "ml mls milliliter milliliters millilitre millilitres cc ccs",
}.items():
    for _w in _words.split():
        _UNIT_WORDS[_w] = _u
_UNIT_AFTER = re.compile(r"\s*-?\s*(?:(?:extra[- ]strength|regular[- ]strength|low[- ]dose|baby|more|extra|additional)\s+)?"
                         r"([A-Za-zµ]+)\b(?!\s*/\s*(?:dl|l|kg|ml)\b)(?!/)", re.I)
_HALF = re.compile(r"\b(?:half (?:a|of a|an?)|a half|one[- ]half(?: of a)?|1/2(?: of a)?)\s+(tablet|pill|capsule|tab|dose)\b", re.I)
_A_UNIT = re.compile(r"\b(?:a|an|one|single)\s+(?:\d+(?:\.\d+)?\s*(?:mg|milligrams?|mcg)\s+)?(tablet|pill|capsule|caplet|puff|dose)\b", re.I)


@dataclass(frozen=True)
class Amount:
    value: float
    unit: str  # mg, mcg, g, unit, puff, tablet, ml; "bare" for a number said without its unit ("Lasix 80")
    start: int
    end: int
    per_day: bool = False  # "40 mg a day": a daily total


_DAY_AFTER = re.compile(r"\s*(?:a|per|each|every)\s+day\b|\s*(?:daily|a\s+day|/\s*day)\b|\s*in\s+(?:a|one)\s+day\b|\s*total\b", re.I)
_NUMW = r"\d+(?:\.\d+)?|one|two|three|four|five|six|eight|ten|twelve|twenty[- ]four"
_NUMW_VALUE = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "eight": 8, "ten": 10, "twelve": 12,
               "twenty four": 24, "twenty-four": 24}
_COUNT_FREQ = re.compile(
    r"\b(?:(once|one time|twice|two times|three times|thrice|four times|five times|six times|(\d+) times)"
    r"[\s-]*(?:a|per|each|every)?\s*(day|daily|night|nightly|week|weekly)"
    rf"|every ({_NUMW})(?:\s*(?:to|-|or)\s*({_NUMW}))?\s*hours?"
    r"|every (other) day|(once) (?:a )?week|(weekly)"
    r"|\b(bid|b\.i\.d\.|tid|t\.i\.d\.|qid|q\.i\.d\.|qd|q\.d\.|qhs)\b"
    r"|((?:morning|breakfast) and (?:(?:in the |at )?(?:evening|night|bedtime|afternoon|supper|dinner)))"
    r"|(every (?:morning|evening|night)|each (?:morning|evening|night)|nightly|at bedtime|before bed|at night)"
    r"|(with (?:each|every) meal|three meals)"
    r"|(once daily|once a day|daily|every day|each day|a day)"
    r"|(every hour|each hour|hourly))", re.I)
_WORD_COUNTS = {"once": 1, "one time": 1, "twice": 2, "two times": 2, "three times": 3, "thrice": 3, "four times": 4,
                "five times": 5, "six times": 6}
_LATIN = {"bid": 2, "b.i.d.": 2, "tid": 3, "t.i.d.": 3, "qid": 4, "q.i.d.": 4, "qd": 1, "q.d.": 1, "qhs": 1}
_TIME_OF_DAY = re.compile(r"\b(morning|breakfast|a\.?m\.?|evening|night|nightly|bedtime|bed|supper|dinner|p\.?m\.?)\b", re.I)


@dataclass(frozen=True)
class Frequency:
    low: float  # doses per day
    high: float
    start: int
    end: int
    explicit: bool = True  # False for a bare "daily" / "every day"


def find_amounts(text: str, numbers: Sequence[NumberSpan] | None = None, drugs: Sequence[DrugRef] = ()) -> list[Amount]:
    """Drug amounts: "50 mg", "fifty milligrams", "two tablets", "half a tablet", "2 Tylenol"."""
    numbers = find_numbers(text) if numbers is None else numbers
    out: list[Amount] = []
    drug_starts = {d.start: d for d in drugs}
    for n in numbers:
        if n.ordinal:
            continue
        m = _UNIT_AFTER.match(text, n.end)
        unit = None
        end = n.end
        if m and m.group(1).lower() in _UNIT_WORDS:
            unit, end = _UNIT_WORDS[m.group(1).lower()], m.end()
        else:
            # "two Tylenol", "3 extra strength Tylenol": the drug name counts tablets
            rest = re.match(r"\s*(?:(?:extra|regular)[- ]strength\s+|more\s+|extra\s+)?", text[n.end:])
            pos = n.end + (rest.end() if rest else 0)
            if pos in drug_starts and n.value <= 12 and not drug_starts[pos].description:
                unit, end = "tablet", n.end
        if unit is None:
            continue
        if unit == "g" and n.value >= 100:
            unit = "mg"  # "500 g" is a misheard mg
        if (unit == "tablet" and n.value > 8) or (unit == "puff" and n.value > 12):
            continue  # "a bottle of 30 tablets", "200 puffs in the inhaler": a supply, not a dose
        per_day = bool(_DAY_AFTER.match(text, end))
        out.append(Amount(n.value, unit, n.start, end, per_day))
    out += _bare_amounts(text, numbers, drugs, out)
    for m in _HALF.finditer(text):
        unit = "tablet" if m.group(1).lower() != "dose" else "dose"
        out.append(Amount(0.5, unit, m.start(), m.end()))
    for m in _A_UNIT.finditer(text):
        if any(a.start <= m.start() < a.end for a in out):
            continue
        word = m.group(1).lower()
        unit = "puff" if word == "puff" else "dose" if word == "dose" else "tablet"
        out.append(Amount(1, unit, m.start(), m.end(), bool(_DAY_AFTER.match(text, m.end()))))
    return sorted(out, key=lambda a: a.start)


_BARE_NOT_AFTER = re.compile(r"\s*(?:[:%/]|a\.?m\b|p\.?m\b|o'?clock|times?\b|x\b|days?\b|hours?\b|hrs?\b|minutes?\b|weeks?\b|"
                             r"months?\b|years?\b|percent|pounds?|lbs?\b|kg\b|degrees?|over\b|refills?|st\b|nd\b|rd\b|th\b)", re.I)
_BARE_OF = re.compile(r"\s+of\s+(?:the\s+|your\s+)?", re.I)


def _bare_amounts(text: str, numbers: Sequence[NumberSpan], drugs: Sequence[DrugRef], found: Sequence[Amount]) -> list[Amount]:
    """A strength said without its unit next to a named drug: "Lasix 80", "80 of the Lasix" (unit "bare")."""
    named = [d for d in drugs if not d.description and not d.class_word]
    if not named:
        return []
    ends = {d.end: d for d in named}
    starts = {d.start: d for d in named}
    out = []
    for n in numbers:
        if n.ordinal or n.value <= 0 or any(a.start <= n.start < a.end for a in found) or _BARE_NOT_AFTER.match(text, n.end):
            continue
        before = text[:n.start].rstrip(" ")
        after = _BARE_OF.match(text, n.end)
        if (len(before) < n.start and len(before) in ends) or (after and after.end() in starts):
            out.append(Amount(n.value, "bare", n.start, n.end))
    return out


def _numw(word: str) -> float:
    w = word.lower()
    return float(w) if w[0].isdigit() else float(_NUMW_VALUE.get(w, 0))


def find_frequencies(text: str) -> list[Frequency]:
    out = []
    for m in _COUNT_FREQ.finditer(text):
        g = m.groups()
        low = high = None
        explicit = True
        if g[0]:
            count = float(g[1]) if g[1] else _WORD_COUNTS[g[0].lower()]
            period = g[2].lower()
            low = high = count / 7 if period.startswith("week") else count
        elif g[3]:
            hours_lo, hours_hi = _numw(g[3]), _numw(g[4] or g[3])
            if hours_lo <= 0 or hours_hi <= 0:
                continue
            low, high = 24 / hours_hi, 24 / hours_lo
        elif g[5]:
            low = high = 0.5
        elif g[6] or g[7]:
            low = high = 1 / 7
        elif g[8]:
            low = high = _LATIN[g[8].lower()]
        elif g[9]:
            low = high = 2
        elif g[10]:
            low = high = 1
        elif g[11]:
            low = high = 3
        elif g[12]:
            low, high, explicit = 1, 1, False
        elif g[13]:
            low = high = 24
        if low is None or high is None:
            continue
        out.append(Frequency(low, high, m.start(), m.end(), explicit))
    return out


def times_of_day(text: str) -> set[str]:
    """"morning" / "evening" words in a text (bedtime, supper and night count as evening)."""
    out = set()
    for m in _TIME_OF_DAY.finditer(text):
        w = m.group(1).lower().replace(".", "")
        out.add("morning" if w in {"morning", "breakfast", "am"} else "evening")
    return out


# --------------------------------------------------------------------------------------------------
# Framing: whose drug, advised, avoided, changed
# --------------------------------------------------------------------------------------------------

_MODIFIER = (r"(?:daily|evening|morning|nightly|night(?:time)?|bedtime|regular|usual|current|prescribed|prescription|new|"
             r"generic|brand|home|dose of|doses of|dosage of|supply of|bottle of|refill of|prescription for|AMT|of|the|"
             r"long[- ]acting|short[- ]acting|rapid[- ]acting|mealtime|once[- ]a[- ]day|extended[- ]release|"
             r"blood pressure|cholesterol|diabetes|heart|water|thyroid|pain|rescue|controller|maintenance|"
             r"tablet of|tablets of|pills? of|capsules? of|puffs? of|units? of|shot of|injection of|\w+ strength)")
_POSSESSIVE_BEFORE = re.compile(
    r"(?:\byour\s+(?:current\s+|daily\s+|regular\s+|home\s+)?(?:medications?|medicines?|meds|pills|prescriptions?|"
    r"medication list|medicine list|list)(?:\s+(?:are|include|includes|is|has|shows))?\s*:?\s*$"
    r"|\b(?:on|in) your (?:medication |medicine )?(?:list|chart|record|profile),?\s*(?:i see|there's|there is|you have)\s+$"
    # "your water pill is Bumex", "your blood pressure medicine is lisinopril"
    r"|\byour\s+(?:[\w-]+\s+){0,2}(?:DRUG|medicines?|medications?|meds|pills?|prescriptions?|inhalers?|insulin|shots?|"
    r"injections?)\s+(?:is|are|'s|would be)\s+(?:called\s+|named\s+|the\s+|your\s+)?$"
    rf"|\byour\s+(?:{_MODIFIER}\s+){{0,3}}"
    r"|\byou(?:'re| are| were)?\s+(?:still\s+|currently\s+|now\s+|also\s+|already\s+)?(?:taking|on|using|prescribed|started on|put on)\s+(?:AMT\s+(?:of\s+)?)?(?:the\s+|your\s+)?"
    r"|\byou(?:'ve| have)\s+been\s+(?:taking|on|using|prescribed)\s+(?:AMT\s+(?:of\s+)?)?(?:the\s+|your\s+)?"
    r"|\byou\s+(?:take|use|inject)\s+(?:AMT\s+(?:of\s+)?)?(?:the\s+|your\s+)?"
    r"|\b(?:keep|continue|stay|remember to|don't forget to|make sure (?:you |to )?)\s*(?:taking|using|on|take|use)?\s*(?:AMT\s+(?:of\s+)?)?(?:the\s+|your\s+)?"
    r"|\bstill\s+(?:taking|on|using)\s+(?:the\s+|your\s+)?"
    r"|\b(?:have|had|are|were)\s+you\s+(?:still\s+|already\s+|always\s+)?(?:been\s+)?(?:taking|on|using)\s+(?:the|your|that)\s+"
    r"|\b(?:have|got)\s+(?:any|some|enough)\s+(?:more\s+|left\s+)?(?:of\s+)?(?:the|your)\s+"
    r"|\byour\b[^,;]*\b(?:is|are|gets|get|being|was|were)\s+(?:\w+\s+)?(?:treated|managed|controlled)\s+with\s+(?:the\s+|your\s+)?"
    # the patient's supply and doses of it: "pick up the Eliquis", "a refill on the metformin", "enough Wellbutrin"
    r"|\b(?:pick(?:ed|ing)?\s+up|refills?\s+(?:on|of|for)|running low on|run(?:ning)?\s+out\s+of|ran\s+out\s+of|"
    r"last\s+(?:take|took|dose of)|(?:missed|skipped|miss|skip)\s+(?:any\s+|a\s+)?doses?\s+of|enough)\s+(?:the\s+|your\s+)?"
    r"|\b(?:dr\.?\s+\w+|doctor|provider|cardiologist|prescriber|care team|they)\s+(?:\w+\s+)?(?:started|added|prescribed|"
    r"ordered|switched you to|put you on|increased|raised|lowered|changed)\s+(?:you\s+(?:on|to)\s+)?(?:the\s+|your\s+)?"
    r"|\b(?:started you on|has you on|have you on|put you on|had you on|prescribed you|ordered you)\s+(?:the\s+|AMT\s+(?:of\s+)?)?)$",
    re.I)
_POSSESSIVE_AFTER = re.compile(
    r"^\s*(?:is\s+|are\s+)?(?:still\s+)?(?:on|in) your (?:medication |medicine )?(?:list|chart|record|profile|plan)\b"
    r"|^\s*(?:was\s+|has been\s+)?added to your (?:medication |medicine )?(?:list|meds|medications|medicines|regimen)\b"
    r"|^\s*(?:is|are)\s+(?:one of\s+)?your\s+(?:\w+\s+)?(?:medications?|medicines?|meds|prescriptions?|pills)\b"
    r"|^\s*(?:do|did|are|were|have)\s+you\s+(?:still\s+|currently\s+|now\s+|usually\s+)?(?:take|taking|use|using|been taking|on)\b"
    r"|^\s*(?:that\s+|which\s+)?(?:you(?:'re| are| have been|'ve been| were)?\s+(?:take|taking|use|using|on|prescribed|inject)\b"
    r"|(?:dr\.?\s+\w+|doctor\s+\w+|your (?:doctor|provider|cardiologist|prescriber|care team))\s+(?:prescribed|ordered|started|put you on|has you on)\b"
    r"|(?:prescription|refill)s?\b)", re.I)
_AVOID_BEFORE = re.compile(r"\b(?:don't|do not|dont|never|shouldn't|should not|avoid|avoiding|stay away from|steer clear of|"
                           r"instead of|rather than|can't|cannot|can not|mustn't|must not|not|no|without|besides|other than|"
                           r"unlike|skip the|not safe|unsafe|isn't safe|aren't safe|dangerous)\b", re.I)
_NEGATIVE_AFTER = re.compile(r"^\s*(?:is|are|'s|would be|will be|can be|could be|may be|might be)?\s*(?:not|n't|never|"
                             r"unsafe|dangerous|risky|a bad idea|not a good idea|off[- ]limits|bad for|harmful|"
                             r"ruled out|out of the question)\b"
                             r"|^\s*(?:can|could|may|might|will|would|does|do)\s+(?:\w+\s+)?(?:interact|raise|increase|worsen|"
                             r"trigger|cause|thin|affect|hurt|harm|irritate|make|react|bring on|set off|interfere|lead)\b"
                             r"|^\s*(?:and|or)\s+(?:other\s+)?(?:nsaids|anti-?inflammator|similar|drugs like)", re.I)
_PERMIT_BEFORE = re.compile(
    r"(?:\byou\s+(?:can|could|may|might want to|should|'ll want to)\s+(?:also\s+|still\s+|just\s+|safely\s+|always\s+)?(?:take|use|try|have|start|give)"
    r"|\b(?:feel free to|go ahead and|go ahead|i(?:'d| would) (?:recommend|suggest)|i recommend|i suggest|we recommend|"
    r"(?:it's|it is|that's|that is|it'd be|it would be)\s+(?:totally |perfectly |completely )?(?:fine|ok|okay|safe|alright|all right|no problem)"
    r"(?:\s+for you)?(?:\s+to)?|(?:okay|ok|fine|safe|alright) (?:for you )?to|no problem|nothing wrong with)\s*(?:take|use|try|taking|using|trying|have|having|start|starting)?"
    r"|^\s*(?:please\s+|just\s+|so\s+|now\s+|then\s+)?(?:take|try|use|start|grab|pick up|get)"
    r")\s+(?:some\s+|a little\s+|an?\s+|the\s+|AMT\s+(?:of\s+)?|(?:extra|regular)[- ]strength\s+|over[- ]the[- ]counter\s+|otc\s+|plain\s+)*$",
    re.I)
_RECOMMEND_AFTER = re.compile(r"^[^.;,]{0,40}?\b(?:can|could|may|might|would|will|should)\s+(?:really\s+|also\s+)?"
                              r"(?:help|work|ease|relieve|settle|calm|take care of|do the trick|be (?:a good|the best|helpful))\b", re.I)
_PERMIT_AFTER = re.compile(r"^\s*(?:(?:a|per|each|every) day|daily|once a day|now and then|occasionally|too|as well|here and there|"
                           r"(?:in the (?:morning|evening|afternoon)|at (?:night|bedtime)|tonight|today|now|for (?:that|this|it|the \w+|your \w+)))?"
                           r"\s*(?:is|are|'s|should be|would be|will be)\s+(?:totally |perfectly |completely |probably |generally |usually )?"
                           r"(?:fine|safe|okay|ok|alright|all right|good|a good (?:choice|option)|a safe (?:choice|option)|no problem)\b"
                           r"(?!\s+(?:to avoid|to skip))", re.I)
_HEDGE = re.compile(r"\b(?:ask|check with|talk (?:to|with)|speak (?:to|with)|call|consult|confirm with|run it by|clear it with)\s+"
                    r"(?:your|the|a|dr\.?|doctor|pharmac|nurse|care team|provider|prescriber|them|him|her)|"
                    r"\b(?:let me|i'll|i will|i'm going to|i can)\s+(?:check|ask|find out|confirm|pass|let|send|make sure|flag|note)|"
                    r"\bbefore (?:taking|you take|using|you use|starting|trying)\b|\b(?:doctor|pharmacist|provider|care team)\s+(?:can|will|may|might|should)\s+"
                    r"(?:tell|decide|advise|let|say|recommend|confirm)", re.I)
_STOP_BEFORE = re.compile(
    r"(?:\b(?:stop|quit|discontinue|hold|skip|pause|cut out|leave out|come off|go off|get off|drop|halt|cease|miss)\s+"
    r"(?:taking\s+|using\s+|on\s+)?(?:all\s+)?(?:your\s+|the\s+|this\s+|that\s+|any\s+|tonight's\s+|today's\s+|tomorrow's\s+|this morning's\s+|"
    r"this evening's\s+|the next\s+|next\s+|a\s+|one\s+|the rest of\s+|your next\s+)*(?:(?:\w+\s+)?doses?\s+of\s+|AMT\s+(?:of\s+)?)?"
    r"|\b(?:don't|do not|dont|no need to|don't need to|do not need to|no longer need to|don't have to|no longer have to|"
    r"won't need to|shouldn't|should not|can stop|can skip)\s+(?:take|use|taking|using|inject|bother with)\s+(?:your\s+|the\s+|any\s+|more\s+)*"
    r"|\bno (?:more|need for)\s+(?:your\s+|the\s+)?)$", re.I)
# A stop said of the drug by a pronoun later in its sentence, as leave given: "... so you can stop it next week".
_STOP_IT_AFTER = re.compile(r"[^.?!]{0,80}?\b(?:you can|you could|you may|you should|go ahead and|it's (?:fine|ok|okay|safe) to|"
                            r"you're (?:fine|ok|okay|safe) to|time to|you'll be able to)\s+(?:now\s+|just\s+)?"
                            r"(?:stop|quit|discontinue|hold|skip|come off|go off|drop)\s+(?:it|them|that one|those|taking (?:it|them))\b", re.I)
_STOP_NEGATED = re.compile(r"\b(?:don't|do not|dont|never|please don't|shouldn't|should not|not|no need to|without|avoid|"
                           r"won't|can't|cannot|make sure you don't|try not to|important not to)\s+(?:\w+\s+){0,2}"
                           r"(?:stop|quit|skip|hold|discontinue|pause|miss|come off|go off|drop)", re.I)
_STOP_AFTER_SAFE = re.compile(r"^\s*(?:\w+\s+){0,3}?(?:with|together|at the same time|within|on an empty|and (?:your|the)\s+\w+ together|"
                              r"without|unless|until (?:you|your|we|dr|the)|before|after)\b", re.I)
_CHANGE = re.compile(
    r"\b(?:double|triple|halve)(?!\s*-?\s*check)(?:\s+up)?\b"
    r"|\b(?:increase|raise|bump up|bump|go up on|up|decrease|lower|reduce|cut back on|cut down on|cut back|cut down)\s+"
    r"(?:your\s+|the\s+|this\s+|that\s+)?(?:(?:\w+\s+)?(?:dose|doses|dosage)\b|DRUG|it\b|them\b|units?\b|puffs?\b|pills?\b|tablets?\b|insulin\b)"
    r"|\bcut\s+(?:your\s+|the\s+)?(?:DRUG|it|them|dose|pill|tablet|pills|tablets)\s+(?:\w+\s+)?in half\b"
    r"|\b(?:take|use|inject|have|give yourself)\s+(?:an?|one|1|two|2|AMT)?\s*(?:extra|additional|second|double|more|another|bigger|larger|higher)\s+"
    r"(?:dose|doses|pill|pills|tablet|tablets|capsule|one|puffs?|units?|shot|injection|AMT|DRUG)\b"
    r"|\b(?:an?\s+)?(?:extra|additional|another|second|double)\s+(?:dose|pill|tablet|capsule|puff|shot|injection|AMT|DRUG)\s+(?:of\s+)?"
    r"|\b(?:take|use)\s+(?:it|them|(?:your\s+|the\s+)?DRUG)\s+(?:twice|again|two times|more often)\b(?!\s+(?:a|per|each|every|daily))"
    r"|\bmore\s+(?:DRUG|insulin|units|puffs)\b"
    r"|\b(?:a\s+)?half\s+(?:(?:of\s+)?(?:a|your|the)\s+)?(?:dose|doses|usual dose)\b"
    r"|\b(?:take|use|give yourself)\s+(?:only\s+|just\s+)?half\s+(?:of\s+)?(?:your\s+|the\s+)?DRUG\b", re.I)
_CHANGE_NEGATED = re.compile(r"\b(?:don't|do not|dont|never|not|no need to|shouldn't|should not|avoid|without|won't|can't|cannot|"
                             r"please don't|make sure you don't|try not to|no)\s+(?:\w+\s+){0,3}$", re.I)
_ATTRIBUTED = re.compile(r"\b(?:dr\.?\s*\w+|doctor|they|the clinic|your care team|care team|your provider|prescriber|pharmacist|"
                         r"the team|your cardiologist|nurse practitioner|your nurse|the nurse|we)\s+(?:may|might|will|could|can|would|"
                         r"wants? to|want you to|needs? to|decided to|is going to|are going to|plans? to|may want to|'ll)\b"
                         r"|\b(?:ask|check with|talk (?:to|with))\s+(?:your|the|dr|doctor)[^.]*\b(?:about|whether|if)\b"
                         r"|\bwhether\b|\bif (?:you should|it's ok|it is ok)\b|\b(?:i'll|i will|let me|i can)\s+(?:ask|check|pass|let|send|tell|flag)", re.I)


_ALLERGY_AFTER = re.compile(r"^\s*(?:-\s*)?(?:allerg\w*|sensitiv\w*|intoleran\w*|reactions?|exacerbated|induced|hypersensitivity)\b", re.I)
_ALLERGY_BEFORE = re.compile(r"\b(?:allergic|allergy|allergies|sensitive|intolerant|reaction)\s+(?:to|with|from)\s+(?:\w+\s+){0,2}$", re.I)


_NOT_LISTED = re.compile(r"\b(?:don't|do not|doesn't|does not|didn't|can't|cannot|not|isn't|aren't|no longer|never)\b", re.I)


@dataclass(frozen=True)
class DrugFraming:
    theirs: bool  # presented as the patient's own
    permitted: bool  # advised / allowed to take (not negated, not hedged)
    avoided: bool  # named as something not to take, or warned about
    stopped: bool  # told to stop, skip or hold (not negated)
    changed: bool  # told to change the amount (double, extra, increase...)
    question: bool


_LIST_ITEM = re.compile(r"^(?:\s*(?:,|and|or|as well as|plus|&|also)?\s*(?:DRUG|AMT)(?:\s+(?:AMT|DRUG|tablets?|pills?|capsules?|"
                        r"once (?:a|per) day|twice (?:a|per) day|daily|at (?:night|bedtime)|in the (?:morning|evening)|"
                        r"every (?:morning|evening|night|day)))*)+\s*(?:,|and|or|as well as|plus|&)?\s*$", re.I)


def _masked_clause(sentence: str, refs: Sequence[DrugRef], amounts: Sequence[Amount], ref: DrugRef) -> tuple[str, str]:
    """(text before, text after) ``ref`` inside its clause, other drugs as DRUG and amounts as AMT. A list
    of drugs before it ("your lisinopril and metformin", "your medicines: losartan, glipizide and
    metformin") is skipped, across commas, so "your" reaches every item."""
    spans = sorted([(r.start, r.end, "DRUG") for r in refs if r is not ref] + [(a.start, a.end, "AMT") for a in amounts])

    def mask(lo: int, hi: int) -> str:
        out, pos = [], lo
        for s, e, tag in spans:
            if e <= lo or s >= hi:
                continue
            out.append(sentence[pos:max(s, pos)])
            out.append(tag)
            pos = max(pos, e)
        out.append(sentence[pos:hi])
        return "".join(out)

    cs, ce = clause_bounds(sentence, ref.start)
    before = mask(cs, ref.start)
    # drop list items right before the drug in its own clause
    while True:
        stripped = re.sub(r"(?:\b(?:DRUG|AMT)\b(?:\s+(?:AMT|DRUG))*\s*(?:,\s*|[-/]\s*)?(?:and|or|as well as|plus|&)?\s*)$", "", before)
        if stripped == before:
            break
        before = stripped
    if re.fullmatch(r"\s*(?:and|or|as well as|plus|&|also|and also)?\s*", before, re.I):
        before = ""
    # walk back over earlier clauses that are only list items ("losartan, glipizide, and ...")
    while not before.strip() and cs > 0:
        prev_start, _ = clause_bounds(sentence, max(0, cs - 1))
        if prev_start >= cs:
            break
        prev = mask(prev_start, cs)
        body = re.sub(r"[\s,;:]+$", "", prev)
        if _LIST_ITEM.match(body) or not body.strip():
            cs = prev_start
            continue
        before = re.sub(r"(?:\s*(?:,|and|or)?\s*\b(?:DRUG|AMT)\b)+\s*$", " ", body) + " "
        if sentence[prev_start:cs].rstrip().endswith(":"):
            before = before.rstrip() + ": "
        break
    after = mask(ref.end, ce)
    return before, after


# "Your Imdur and Viagra don't mix": a warning about the pair, not Viagra presented as the patient's.
_TOGETHER_WARNING = re.compile(
    r"^\s*(?:(?:don't|do not|shouldn't|should not|can't|cannot|must not|never|mustn't)\s+(?:be\s+)?"
    r"(?:mix|go together|combine|be (?:taken|mixed|combined|used) together|(?:taken|mixed|combined|used) together)"
    r"|(?:are|is)\s+(?:not\s+safe|unsafe|dangerous|a dangerous (?:mix|combination))(?:\s+together)?"
    r"|(?:can|could|may|might|will|would|do|does)\s+(?:\w+\s+)?interact)\b", re.I)
# Questions and remarks about how a drug is working for the patient ("How has the Wellbutrin been
# working for you?", "Is the Zoloft helping?", "Any side effects from the Lipitor?") treat it as theirs.
_EFFECT_AFTER = re.compile(
    r"^\s*(?:(?:has|have|is|are|'s|was|were)\s+)?(?:still\s+|really\s+|actually\s+|been\s+)*"
    r"(?:working|helping|helped|help|work|treating you|agreeing with you|sitting (?:well|ok|okay|right) with you|"
    r"doing (?:its|the) job|doing (?:anything|much|any good|the trick|okay|ok|well)|(?:made|making|make) (?:a|any) difference|"
    r"going|giving you|causing you|bothering you|upsetting your|keeping (?:your|you|it|things))\b", re.I)
_EFFECT_BEFORE = re.compile(
    r"(?:\b(?:side[- ]effects?|problems?|trouble|issues?|reactions?|upset stomach|stomach upset|dizziness|nausea|"
    r"bruising|bleeding|cough|swelling|muscle aches?)\s+(?:from|with|on|since (?:starting|you started))\s+"
    r"|\bhow (?:are|have|were) you (?:been\s+)?(?:doing|feeling|getting on|getting along|managing|finding|tolerating|"
    r"coping)\s+(?:on|with)?\s*"
    r"|\bhow(?:'s| is| are| has| was)\s+(?:it|things|everything)\s+(?:been\s+)?(?:going\s+)?(?:with|on)\s+"
    r"|\bsince (?:you )?(?:started|starting|began|beginning|switched to|switching to)\s+(?:on\s+|taking\s+)?"
    r"|\b(?:are|have) you (?:been\s+)?(?:tolerating|doing (?:ok|okay|well|alright) (?:on|with))\s+"
    r"|^\s*(?:(?:and|so|also|now|okay|ok)[, ]+)?how(?:'s| is| has| was)\s+"
    r"|^\s*(?:(?:and|so|also|now|okay|ok)[, ]+)?(?:is|has|did|does|was|with|on)\s+(?=(?:the|that|this|your)\s))"
    r"(?:the\s+|that\s+|this\s+|your\s+|new\s+)*$", re.I)
_EVER = re.compile(r"\b(?:ever|in the past|before|previously|used to)\b", re.I)


_SINCE_STARTING = re.compile(r"\bsince (?:you )?(?:started|starting|began|beginning|switched to|switching to)\s+"
                             r"(?:on\s+|taking\s+)?(?:the\s+|that\s+|your\s+|new\s+)*$", re.I)


def _effect_framed(sentence: Sentence, ref: DrugRef, before: str, after: str) -> bool:
    """Is the drug talked about as one the patient is on (how it works for them, its side effects)?"""
    if _EVER.search(before) or _CONDITIONAL.match(before):
        return False
    aimed = sentence.question or re.search(r"\byou\b", before + after[:40], re.I)
    if not aimed:
        return False
    if _EFFECT_BEFORE.search(before) or _SINCE_STARTING.search(sentence.text[:ref.start]):
        return True
    return bool(_EFFECT_AFTER.match(after)) and re.search(r"\b(?:how|is|has|have|did|does|was|any)\b|^\s*(?:the\s+)?$|\bthe\s+$",
                                                          before, re.I) is not None


_ASKS_WHETHER = re.compile(r"\b(?:do|did|does|are|were|have|had|would|will|can|could)\s+you\s+(?:(?!still\b|currently\b|usually\b"
                           r"|always\b)\w+\s+){0,2}?"
                           r"(?:take|use|inject|taking|using|on|tried|try|need)\s+(?:any\s+|some\s+)?$", re.I)


def drug_framing(sentence: Sentence, refs: Sequence[DrugRef], amounts: Sequence[Amount], ref: DrugRef) -> DrugFraming:
    before, after = _masked_clause(sentence.text, refs, amounts, ref)
    low_before = before.lower()
    theirs = bool(_POSSESSIVE_BEFORE.search(before) or (_POSSESSIVE_AFTER.match(after) and not _NOT_LISTED.search(
        before + " " + after[:30])))
    if theirs and sentence.question and _ASKS_WHETHER.search(before):
        theirs = False  # "Do you take Tylenol?" asks; "Do you take the Wellbutrin with food?" presumes
    if theirs and _TOGETHER_WARNING.match(after) and ref.start > 0 and any(r.end <= ref.start for r in refs):
        theirs = False  # "your Imdur and Viagra don't mix": "your" is the plan drug's
    if not theirs and _effect_framed(sentence, ref, before, after):
        theirs = True
    if theirs and re.search(r"\b(?:has|have|did|does|if|whether)\s+(?:your\s+|the\s+)?(?:dr\.?\s+\w+|doctor|provider|"
                            r"cardiologist|prescriber|care team|they)\s+(?:\w+\s+)?(?:started|added|prescribed|ordered|put you on)\b",
                            before, re.I):
        theirs = False  # "has your doctor prescribed Wellbutrin?" asks
    if _ALLERGY_AFTER.match(after) or _ALLERGY_BEFORE.search(before):
        theirs = False  # "your aspirin allergy", "you're allergic to penicillin": an allergy, not a drug taken
    # "your doctor said to avoid ibuprofen": "your" belongs to the doctor, not the drug
    avoided = bool(_AVOID_BEFORE.search(low_before) or _NEGATIVE_AFTER.match(after))
    hedged = bool(_HEDGE.search(sentence.text))
    permitted = bool(_PERMIT_BEFORE.search(before) or _PERMIT_AFTER.match(after)
                     or (_RECOMMEND_AFTER.match(after) and not re.search(r"\byour\b", before, re.I))) and not avoided and not hedged
    stop_m = _STOP_BEFORE.search(before)
    stopped = bool(stop_m) and not _STOP_NEGATED.search(low_before) and not _STOP_AFTER_SAFE.match(after) \
        and not _ATTRIBUTED.search(low_before)
    if not stopped and (it := _STOP_IT_AFTER.match(sentence.text, ref.end)) is not None and not any(
            ref.end <= r.start < it.end() for r in refs if r is not ref) and not _ATTRIBUTED.search(sentence.text[:it.end()].lower()):
        stopped = True  # "the aspirin was just for the hospital stay, so you can stop it now"
    if stop_m and re.search(r"\b(?:don't|do not|dont|shouldn't|should not)\s+(?:take|use)", stop_m.group(), re.I):
        # "don't take your losartan" is a hold; "don't take ibuprofen" is avoidance (handled by the caller)
        stopped = stopped and theirs_or_plan_marker(before)
    changed = False
    cs, ce = clause_bounds(sentence.text, ref.start)
    clause = _mask_drugs(sentence.text[cs:ce], [r for r in refs if cs <= r.start < ce], cs, amounts)
    for m in _CHANGE.finditer(clause):
        if _CHANGE_NEGATED.search(clause[:m.start()]) or _ATTRIBUTED.search(clause[:m.start()]):
            continue
        if re.search(r"\b(?:don't|do not|never|not)\b", clause[:m.start()], re.I):
            continue
        changed = True
    return DrugFraming(theirs, permitted, avoided and not theirs, stopped, changed, sentence.question)


def theirs_or_plan_marker(before: str) -> bool:
    return bool(re.search(r"\byour\s+(?:\w+\s+){0,2}$|\b(?:the|tonight's|today's)\s+$", before, re.I))


def _mask_drugs(clause: str, refs: Sequence[DrugRef], offset: int, amounts: Sequence[Amount]) -> str:
    spans = sorted([(r.start - offset, r.end - offset, "DRUG") for r in refs] +
                   [(a.start - offset, a.end - offset, "AMT") for a in amounts if 0 <= a.start - offset < len(clause)])
    out, pos = [], 0
    for s, e, tag in spans:
        if s < pos or s >= len(clause):
            continue
        out.append(clause[pos:s])
        out.append(tag)
        pos = e
    out.append(clause[pos:])
    return "".join(out)


# Instructions that name no drug: "double your dose", "skip your pills tonight", "stop your medicines".
_GENERIC_CHANGE = re.compile(
    r"\b(?:double|triple)\s+(?:up\b|your\s+(?:\w+\s+)?(?:dose|doses|medicine|medication|pills?|tablets?|insulin)\b|it\b|the dose\b)"
    r"|\b(?:take|have)\s+(?:an?\s+)?(?:extra|additional|double|second|another)\s+(?:dose|pill|tablet|capsule|one)\b"
    r"|\b(?:increase|raise|bump up|decrease|lower|reduce|cut back on|halve)\s+(?:your|the)\s+(?:\w+\s+)?(?:dose|doses|dosage|medicine|medication|pills)\b"
    r"|\b(?:stop|quit|skip|hold|discontinue|pause)\s+(?:taking\s+)?(?:all\s+)?(?:your|the|tonight's|today's|this morning's)\s+"
    r"(?:\w+\s+)?(?:dose|doses|medicine|medicines|medication|medications|meds|pills|tablets|insulin|shot|injection)\b"
    r"|\b(?:you can|go ahead and|it's (?:fine|ok|okay) to)\s+(?:stop|skip|quit|hold)\b", re.I)


def generic_changes(sentence: Sentence) -> list[str]:
    out = []
    for m in _GENERIC_CHANGE.finditer(sentence.text):
        before = sentence.text[:m.start()]
        cs, _ = clause_bounds(sentence.text, m.start())
        clause_before = before[cs:]
        if re.search(r"\b(?:don't|do not|dont|never|not|no need to|shouldn't|should not|without|won't|avoid|try not to)\b",
                     clause_before, re.I) or _ATTRIBUTED.search(clause_before):
            continue
        out.append(m.group())
    return out


# --------------------------------------------------------------------------------------------------
# Labs and vitals
# --------------------------------------------------------------------------------------------------

_ANALYTE_PATTERNS: dict[str, str] = {
    "hba1c": r"\b(?:hemoglobin\s+|haemoglobin\s+)?a\s?-?1\s?-?c\b|\bhba1c\b|\ba[- ]one[- ]c\b|\bglycated hemoglobin\b|\bthree[- ]month (?:sugar|average)\b",
    "glucose": r"\b(?:blood\s+|fasting\s+|finger[- ]?stick\s+|morning\s+|bedtime\s+)?(?:sugars?|glucose)(?:\s+(?:level|reading)s?)?\b(?!\s+pills?)|\bfinger[- ]?sticks?\b",
    "bp": r"\bblood pressures?\b|\bbp\b|\bpressure\b",
    "systolic_bp": r"\bsystolic\b|\btop number\b|\bupper number\b",
    "diastolic_bp": r"\bdiastolic\b|\bbottom number\b|\blower number\b",
    "potassium": r"\bpotassium(?:\s+level)?\b(?!\s+(?:pills?|supplements?|chloride))|\bk level\b",
    "sodium": r"\bsodium(?:\s+level)?\b(?!\s+(?:intake|limit|diet|restriction))",
    "creatinine": r"\bcreatinine\b|\bkidney number\b",
    "egfr": r"\be?gfr\b|\bkidney function\b|\bfiltration rate\b",
    "bun": r"\bbun\b|\burea nitrogen\b",
    "inr": r"\binr\b|\bprotime\b|\bclotting (?:number|level|time)\b|\bcoumadin level\b|\bwarfarin level\b",
    "hemoglobin": r"\b(?:hemoglobin|haemoglobin|hgb)\b(?!\s+a\s?1\s?c)|\bblood count\b",
    "platelets": r"\bplatelets?(?:\s+count)?\b",
    "wbc": r"\bwhite (?:blood )?(?:cell )?count\b|\bwbc\b|\bwhite blood cells?\b",
    "tsh": r"\btsh\b|\bthyroid (?:level|number|test)\b",
    "ldl": r"\bldl\b|\bbad cholesterol\b|\bcholesterol\b",
    "alt": r"\balt\b|\bliver enzymes?\b|\bsgpt\b",
    "ast": r"\bast\b|\bsgot\b",
    "magnesium": r"\bmagnesium(?:\s+level)?\b(?!\s+(?:pills?|supplements?|oxide|citrate|hydroxide))",
    "bnp": r"\bbnp\b|\bnt-?pro-?bnp\b",
    "heart_rate": r"\bheart ?rate\b|\bpulse\b(?!\s+ox)|\bheart ?beat\b",
    "temperature": r"(?<!room )\btemperature\b(?![^.]*\b(?:fridge|refrigerat|store|storage|room)\w*)|\btemp\b|\bfever\b",
    "spo2": r"\boxygen(?:\s+(?:level|saturation|sat|reading))?s?\b|\bo2(?:\s+sats?)?\b|\bsats\b|\bsaturation\b|\bpulse ox\b",
    "respiratory_rate": r"\b(?:breathing|respiratory) rate\b|\bbreaths (?:a|per) minute\b",
    "weight": r"\bweight\b|\bweigh(?:ed|s|ing)?\b|\bscale\b",
}
_ANALYTE_RX = {k: re.compile(v, re.I) for k, v in _ANALYTE_PATTERNS.items()}
_ANY_ANALYTE = re.compile("|".join(f"(?:{v})" for v in _ANALYTE_PATTERNS.values()), re.I)
_VALUE_UNIT = {
    "weight": re.compile(r"^\s*(?:pounds?|lbs?|kilos?|kilograms?|kg)\b", re.I),
    "temperature": re.compile(r"^\s*(?:degrees?|°|f\b|fahrenheit|c\b|celsius)", re.I),
    "heart_rate": re.compile(r"^\s*(?:beats|bpm)\b", re.I),
}
_KG = re.compile(r"^\s*(?:kilos?|kilograms?|kg)\b", re.I)
_CELSIUS = re.compile(r"^\s*(?:degrees?\s+)?(?:c\b|celsius|centigrade)", re.I)
_BP_PAIR = re.compile(r"(?<![\d.])(\d{2,3})\s*(?:/|over)\s*(\d{2,3})(?!\d|\.\d)", re.I)
_GOAL_CUE = re.compile(r"\b(?:goal|goals|target|targets|aim|range|limit|cutoff|cut-off|threshold|should (?:be|stay)|want (?:it|them|that|your \w+(?: \w+)?) to (?:be|stay)|"
                       r"keep (?:it|them|that|your \w+(?: \w+)?)|ideally)\b", re.I)
_READING = re.compile(r"\b(?:reading|readings|number|level|result|measurement)\b", re.I)
_NORMAL_CUE = re.compile(r"\b(?:normal|typical|healthy|usual range|most people|in general|generally|for adults|reference)\b", re.I)
_QUAL_BEFORE = re.compile(r"(?:\b(under|below|less than|lower than|at most|no more than|no higher than|up to|over|above|more than|"
                          r"higher than|greater than|at least|no less than|between|from|about|around|roughly|nearly|almost|"
                          r"approximately|close to|just under|just over|just below|just above)\s+|(<|>|≤|≥)\s*)$", re.I)
_RANGE_AFTER = re.compile(r"^\s*(?:to|-|–|and)\s*", re.I)
_DIRECTION = re.compile(
    r"\b(?P<high>above|over|higher than|greater than|out of|outside|too high|high|elevated|up)\s+(?:your\s+|the\s+)?(?:\w+\s+)?(?:goal|target|range)\b"
    r"|\b(?P<low>below|under|lower than|less than|too low)\s+(?:your\s+|the\s+)?(?:\w+\s+)?(?:goal|target|range)\b"
    r"|\b(?P<within>within|in|inside|at|on|meets?|meeting|hitting|hit|right at)\s+(?:your\s+|the\s+)?(?:\w+\s+)?(?:goal|target|range)\b"
    r"|\b(?P<normal>normal|right where (?:it|they) should be|looks? (?:good|great|fine)|in a good range|in the normal range|just right)\b"
    r"|\b(?P<toohigh>too high|a bit high|a little high|on the high side|higher than (?:we|you|I) (?:want|like)|elevated)\b"
    r"|\b(?P<toolow>too low|a bit low|a little low|on the low side|lower than (?:we|you|I) (?:want|like))\b", re.I)
_PAST_LAB_VERB = re.compile(r"\b(?:was|were|is|are|came back|showed|shows|measured|read|reads|reading|registered|of|at|:|=|"
                            r"levels?|results?|value|number|last|latest|recent|most recent|checked|tested|drawn)\b", re.I)
_THRESHOLD_VERB = re.compile(r"\b(?:goes?|gets?|going|getting|drops?|dropping|falls?|rises?|rising|climbs?|reaches|hits?|"
                             r"stays?|creeps?|jumps?|spikes?)\s+(?:up\s+|down\s+)?(?:to\s+|above\s+|below\s+|over\s+|under\s+)?$", re.I)


@dataclass(frozen=True)
class LabValueClaim:
    analyte: str
    value: float
    qualifier: str | None  # "about", "over", "under", None
    month: int | None
    day: int | None
    sentence: str


@dataclass(frozen=True)
class GoalClaim:
    analyte: str
    low: float | None
    high: float | None
    sentence: str
    point: float | None = None  # "a goal of 7" without saying which limit


@dataclass(frozen=True)
class DirectionClaim:
    analyte: str
    value: float
    direction: str  # "high", "low", "within"
    sentence: str


# Values a reading of each analyte can take in canonical units (weight lb, temperature degF); anything
# else next to its name is a change, a count or a threshold.
_PLAUSIBLE: dict[str, tuple[float, float]] = {
    "weight": (50, 800), "temperature": (90, 110), "glucose": (15, 900), "hba1c": (3, 20), "heart_rate": (25, 250),
    "spo2": (50, 100), "potassium": (1.5, 9), "sodium": (100, 180), "inr": (0.5, 15), "creatinine": (0.1, 20),
    "egfr": (1, 150), "bun": (1, 250), "hemoglobin": (3, 25), "platelets": (5, 2000), "wbc": (0.1, 200),
    "tsh": (0.001, 150), "ldl": (10, 500), "alt": (1, 10000), "ast": (1, 10000), "magnesium": (0.5, 6),
    "bnp": (1, 100000), "respiratory_rate": (4, 70), "systolic_bp": (50, 300), "diastolic_bp": (20, 200),
}


def find_analytes(text: str) -> list[tuple[str, int, int]]:
    """(analyte, start, end) for every lab or vital named in the text; "bp" for a blood-pressure pair."""
    if not _ANY_ANALYTE.search(text):
        return []
    out = []
    for key, rx in _ANALYTE_RX.items():
        for m in rx.finditer(text):
            out.append((key, m.start(), m.end()))
    out.sort(key=lambda t: (t[1], -(t[2] - t[1])))
    kept: list[tuple[str, int, int]] = []
    for item in out:
        if kept and item[1] < kept[-1][2]:
            continue  # overlapping: the longer / earlier wins ("hemoglobin a1c" over "hemoglobin")
        kept.append(item)
    return kept


def _in_spans(pos: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


def lab_claims(sentence: Sentence, *, analyte_hint: str | None = None
               ) -> tuple[list[LabValueClaim], list[GoalClaim], list[DirectionClaim]]:
    """Values, goals and above/below-goal statements about the patient's labs and vitals."""
    text = sentence.text
    if _CONDITIONAL.match(text) and not re.search(r"\byour\b[^.]*\b(?:was|were|came back)\b", text, re.I):
        return [], [], []
    analytes = find_analytes(text)
    if not analytes and analyte_hint is None and not bp_pairs(text):
        return [], [], []
    dates = find_dates(text)
    times = find_times(text)
    skip = [(d.start, d.end) for d in dates] + [(t.start, t.end) for t in times]
    numbers = [n for n in find_numbers(text) if not _in_spans(n.start, skip) and not n.ordinal]
    drug_units = {(a.start, a.end) for a in find_amounts(text, numbers)}
    numbers = [n for n in numbers if not _in_spans(n.start, drug_units)]
    months = [d for d in dates if d.month is not None or d.day is not None]
    month = months[0].month if months else None
    day = months[0].day if months else None
    values: list[LabValueClaim] = []
    goals: list[GoalClaim] = []
    directions: list[DirectionClaim] = []
    used: set[int] = set()
    normal_ctx = bool(_NORMAL_CUE.search(text)) and not re.search(r"\byours?\b", text, re.I)
    # Blood pressure pairs: "138 over 84", "138/84", "one fifty-two over ninety-six"
    for m in bp_pairs(text, numbers):
        sys_v, dia_v = m.systolic, m.diastolic
        used.update(n.start for n in numbers if m.start() <= n.start < m.end())
        if _is_goal_position(text, m.start()):
            qual = _qualifier(text, m.start())
            bound = "high" if qual in {"under", "below", "less than", "lower than", "at most", "no more than",
                                       "no higher than", "<", "≤", "up to"} else None
            if bound:
                goals.append(GoalClaim("systolic_bp", None, sys_v, text))
                goals.append(GoalClaim("diastolic_bp", None, dia_v, text))
            continue
        if normal_ctx or _hypothetical_value(text, m.start(), m.end()) or (
                _COMPARATOR.search(text[:m.start()]) and _GENERIC_ANALYTE.search(text[max(0, m.start() - 40):m.start()])):
            continue
        qual = _qualifier(text, m.start())
        values.append(LabValueClaim("systolic_bp", sys_v, qual, month, day, text))
        values.append(LabValueClaim("diastolic_bp", dia_v, qual, month, day, text))
        directions.extend(_directions(text, m.end(), "systolic_bp", sys_v))
    for key, a_start, a_end in analytes:
        if key == "bp":
            continue
        nxt = [n for n in numbers if n.start >= a_end and n.start not in used]
        nxt = [n for n in nxt if not any(o[1] < n.start and o[1] >= a_end and o[0] != key for o in analytes)]
        # a value named before the analyte: "you weighed 197 pounds", "a 7.9 A1c"
        prev = [n for n in numbers if n.end <= a_start and n.start not in used and a_start - n.end <= 3]
        cand = None
        if nxt and _gap_ok(text[a_end:nxt[0].start]):
            cand = nxt[0]
        elif prev and key in {"hba1c", "weight"}:
            cand = prev[-1]
        if cand is None:
            continue
        used.add(cand.start)
        value = _convert(key, cand.value, text[cand.end:cand.end + 16])
        lo, hi = _PLAUSIBLE.get(key, (float("-inf"), float("inf")))
        if not lo <= value <= hi:
            continue  # "a gain of 3 pounds", "up 2 points": a change, not a reading
        if _is_goal_position(text, cand.start):
            goals.extend(_goal(text, key, cand, numbers, used))
            continue
        if normal_ctx or _hypothetical_value(text, cand.start, cand.end) or (
                _COMPARATOR.search(text[:cand.start]) and _GENERIC_ANALYTE.search(text[max(0, a_start - 30):a_start])):
            continue
        values.append(LabValueClaim(key, value, _qualifier(text, cand.start), month, day, text))
        directions.extend(_directions(text, cand.end, key, value))
    # Goal numbers after a value: "your A1c was 7.9, above your target of 7" (the analyte named before)
    for n in numbers:
        if n.start in used or not _is_goal_position(text, n.start):
            continue
        before = [a for a in analytes if a[2] <= n.start]
        named = before[-1][0] if before else None
        if named == "bp":
            named = "systolic_bp"
        if named:
            used.add(n.start)
            goals.extend(_goal(text, named, n, numbers, used))
    # "A reading of 205", "that number, 205": the analyte the patient just talked about
    if analyte_hint and not analytes and not values and _READING.search(text):
        for n in numbers:
            if n.start in used or _is_goal_position(text, n.start) or _hypothetical_value(text, n.start, n.end):
                continue
            used.add(n.start)
            value = _convert(analyte_hint, n.value, text[n.end:n.end + 16])
            values.append(LabValueClaim(analyte_hint, value, _qualifier(text, n.start), month, day, text))
            directions.extend(_directions(text, n.end, analyte_hint, value))
            break
    # Goals whose analyte was named earlier: "your goal is under 130" after talking about blood pressure
    if analyte_hint and not analytes:
        for n in numbers:
            if n.start in used or not _is_goal_position(text, n.start):
                continue
            goals.extend(_goal(text, analyte_hint, n, numbers, used))
    return values, goals, directions


@dataclass(frozen=True)
class _Pair:
    systolic: float
    diastolic: float
    _start: int
    _end: int

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self) -> str:
        return f"{self.systolic:g}/{self.diastolic:g}"


_OVER = re.compile(r"^\s*(?:/|over)\s*$", re.I)


def bp_pairs(text: str, numbers: Sequence[NumberSpan] | None = None) -> list[_Pair]:
    """Blood-pressure pairs written or spoken: "138/84", "138 over 84", "one fifty-two over ninety-six"."""
    nums = find_numbers(text) if numbers is None else numbers
    out = []
    for a, b in zip(nums, nums[1:], strict=False):
        if a.ordinal or b.ordinal or not _OVER.match(text[a.end:b.start]):
            continue
        if 60 <= a.value <= 300 and 30 <= b.value <= 200 and a.value > b.value:
            out.append(_Pair(a.value, b.value, a.start, b.end))
    return out


_IF_BEFORE = re.compile(r"\b(?:if|unless|in case|whenever|should|once|anytime|any time)\s*$", re.I)
_IF_IN_CLAUSE = re.compile(r"^\s*(?:if|unless|in case|whenever|should|once|anytime|any time)\b", re.I)


_OR_MORE = re.compile(r"^\s*(?:[a-z%°/]+\s+){0,2}?(?:or|and)\s+(?:higher|more|above|greater|over|up|lower|less|below|under|down)\b"
                      r"|^\s*\+", re.I)
_COMPARATOR = re.compile(r"\b(?:over|above|under|below|more than|less than|greater than|higher than|lower than)\s*$", re.I)
_GENERIC_ANALYTE = re.compile(r"(?:^|[^\w\s]\s*|\b(?:of|with|for|means|is)\s+)(?:an?|any|anything|every|each)\s+(?:\w+\s+){0,3}$", re.I)


def _hypothetical_value(text: str, pos: int, end: int | None = None) -> bool:
    """A threshold, not a reading: "if your sugar is over 300", "call if it goes above 180", "101 or higher",
    "a sugar over 300 needs attention"."""
    if _THRESHOLD_VERB.search(text[:pos]):
        return True
    after = text[end:end + 30] if end is not None else ""
    if after and _OR_MORE.match(after):
        return True
    if _COMPARATOR.search(text[max(0, pos - 25):pos]) and re.search(
            r"\b(?:anything|any reading|any number|a reading|a number)\s+(?:\w+\s+){0,2}$", text[max(0, pos - 40):pos], re.I):
        return True
    cs, _ = clause_bounds(text, pos)
    return bool(_IF_BEFORE.search(text[:cs]) or _IF_IN_CLAUSE.match(text[cs:pos]))


def _gap_ok(gap: str) -> bool:
    words = re.findall(r"[A-Za-z']+", gap)
    if len(words) > 8:
        return False
    return not re.search(r"\b(?:and|but|while|your|because)\b", gap, re.I) or len(words) <= 3


def _qualifier(text: str, pos: int) -> str | None:
    m = _QUAL_BEFORE.search(text[:pos])
    if not m:
        return None
    return (m.group(1) or m.group(2) or "").lower()


def _is_goal_position(text: str, pos: int) -> bool:
    if _qualifier(text, pos) == "between":
        return True
    cs, _ = clause_bounds(text, pos)
    before = text[max(0, cs - 40):pos]
    return bool(_GOAL_CUE.search(before))


def _goal(text: str, key: str, n: NumberSpan, numbers: Sequence[NumberSpan], used: set[int]) -> list[GoalClaim]:
    qual = _qualifier(text, n.start)
    after = text[n.end:]
    rng = _RANGE_AFTER.match(after)
    if rng:
        second = next((m for m in numbers if m.start == n.end + rng.end()), None)
        if second is not None:
            used.add(second.start)
            return [GoalClaim(key, n.value, second.value, text)]
    if qual in {"under", "below", "less than", "lower than", "at most", "no more than", "no higher than", "<", "≤", "up to",
                "just under", "just below"}:
        return [GoalClaim(key, None, n.value, text)]
    if qual in {"over", "above", "more than", "higher than", "greater than", "at least", "no less than", ">", "≥"}:
        return [GoalClaim(key, n.value, None, text)]
    tail = re.match(r"^\s*(?:%|percent|mg/dl|mmhg|degrees)?\s*(?:or|and)\s+(higher|more|above|greater|over|up|lower|less|below|under)\b",
                    after, re.I)
    if tail:
        up = tail.group(1).lower() in {"higher", "more", "above", "greater", "over", "up"}
        return [GoalClaim(key, n.value if up else None, None if up else n.value, text)]
    if qual is None and re.search(r"\b(?:goal|target|limit|cutoff|cut-off|threshold)\s+(?:\w+\s+){0,3}(?:of|is|at|:)\s*$",
                                  text[max(0, n.start - 40):n.start], re.I):
        return [GoalClaim(key, None, None, text, point=n.value)]  # "your target of 7": one of the limits
    return []


def _convert(key: str, value: float, after: str) -> float:
    if key == "weight" and _KG.match(after):
        return round(value * 2.20462, 1)
    if key == "temperature" and (_CELSIUS.match(after) or value < 45):
        return round(value * 9 / 5 + 32, 1)
    return value


def _directions(text: str, pos: int, key: str, value: float) -> list[DirectionClaim]:
    window = text[pos:min(len(text), pos + 80)]
    # stop at the next lab or vital named ("eGFR 24, and your potassium ... is within your goal")
    nxt = find_analytes(window)
    if nxt:
        window = window[:nxt[0][1]]
    m = _DIRECTION.search(window)
    if not m:
        return []
    if re.search(r"\b(?:not|n't|isn't|never)\b", window[:m.start()], re.I):
        return []
    kind = m.lastgroup
    direction = {"high": "high", "toohigh": "high", "low": "low", "toolow": "low", "within": "within", "normal": "within"}[kind or ""]
    return [DirectionClaim(key, value, direction, text)]


_THAT = re.compile(r"^\s*(?:(?:well|okay|ok|thanks|thank you|so|and|hmm|great|good)[,.!]?\s+)*(?:that|this|it|those|these)\b"
                   r"|\b(?:that|this|your|the|those) (?:reading|number|level|value|result|sugar|blood pressure|pressure)s?\b", re.I)


def referred_direction(sentence: Sentence, previous: str) -> DirectionClaim | None:
    """"That's higher than your goal" about the value the patient just gave (``previous``)."""
    text = sentence.text
    if find_numbers(text) or not _THAT.search(text):
        return None
    analyte = analyte_of(previous)
    if analyte is None:
        return None
    pairs = bp_pairs(previous)
    if analyte == "systolic_bp" and pairs:
        value = pairs[0].systolic
    else:
        nums = [n for n in find_numbers(previous) if not n.ordinal]
        if not nums:
            return None
        value = _convert(analyte, nums[0].value, previous[nums[0].end:nums[0].end + 16])
    found = _directions(text, 0, analyte, value)
    return found[0] if found else None


def analyte_of(text: str) -> str | None:
    """The lab or vital a text talks about (the first one named), for "that reading" in the next turn."""
    found = find_analytes(text)
    if not found:
        return "systolic_bp" if bp_pairs(text) else None
    return "systolic_bp" if found[0][0] == "bp" else found[0][0]


# --------------------------------------------------------------------------------------------------
# Appointments
# --------------------------------------------------------------------------------------------------

_APPT_CUE = re.compile(r"\b(?:appointments?|appt|visits?|pt|follow[- ]?ups?|check[- ]?ups?|checkups?|see(?:s|ing)? (?:you|dr|doctor|him|her|them)|"
                       r"sees? you|scheduled|booked|due (?:for|on|back)|blood draw|lab draw|lab (?:appointment|visit|work)|"
                       r"blood work|bloodwork|(?:inr|wound|staple|stitch) (?:check|removal)|physical therapy|therapy session|"
                       r"session|consult|come in|coming in|clinic|(?:you(?:'re| are)|you'll be) seeing|"
                       r"(?:staples?|stitches|sutures|drain) (?:come|comes|coming|will come|get|gets|will be|are|is) (?:out|removed)|"
                       r"blood tests?|lab tests?|inr (?:test|draw)|labs (?:are|is) (?:due|on|scheduled)|"
                       # a visit named by what is done there ("your swallowing evaluation is Thursday")
                       r"evaluation|assessment|scan|x-?ray|ultrasound|echocardiogram|stress test|mri|colonoscopy|"
                       r"(?:has|have) you (?:down|booked|penciled in|pencilled in|scheduled)|you(?:'re| are) (?:down|booked|penciled in) for)\b",
                       re.I)
_STRONG_APPT_CUE = re.compile(r"\b(?:appointments?|appt|visit|follow[- ]?up|scheduled|booked|see(?:ing)? (?:you|dr|doctor)|sees you|"
                              r"(?:has|have) you down)\b", re.I)
# A named place in an appointment sentence: "at the Lakeside clinic", "Northgate Physical Therapy".
_NAMED_PLACE = re.compile(r"\b((?:[A-Z][a-z]+\s+){1,3})(?:[Cc]linic|[Cc]enter|[Cc]entre|[Ll]ab|[Ll]aboratory|[Hh]ospital|"
                          r"[Oo]ffice|[Pp]hysical [Tt]herapy|[Oo]rthopedics|[Cc]ardiology|[Ii]maging)\b")
_PLACE_GENERIC = frozenset("""your the this that our my their his her a an heart failure anticoagulation coumadin warfarin inr
diabetes kidney lung wound physical therapy orthopedic orthopedics cardiology nephrology pulmonology endocrinology
lab blood draw main medical health care clinic center hospital urgent family primary sleep pain cancer
the at on in with and""".split())


def place_names(text: str) -> list[str]:
    """Distinctive words of named places in a text ("Lakeside" of "the Lakeside clinic")."""
    out = []
    for m in _NAMED_PLACE.finditer(text):
        words = [w for w in m.group(1).split() if w.lower() not in _PLACE_GENERIC]
        if words:
            out.append(" ".join(words))
    return out
_DOCTOR = re.compile(r"\b(?:dr\.?|doctor)\s+((?:[A-Z][a-zA-Z'\-]+)(?:\s+[A-Z][a-zA-Z'\-]+)?)")
_DOCTOR_ANYCASE = re.compile(r"\b(?:dr\.?|doctor)\s+([a-z][a-z'\-]+)", re.I)
_NOT_NAMES = frozenset({"will", "would", "said", "says", "wants", "has", "had", "is", "was", "can", "may", "might", "to",
                        "and", "or", "about", "at", "on", "in", "for", "s", "office", "visit", "appointment", "the", "your",
                        "know", "soon", "today", "tomorrow", "team", "who", "that", "if", "asap", "right", "again"})


@dataclass(frozen=True)
class AppointmentClaim:
    dates: tuple[DateMention, ...]
    times: tuple[TimeMention, ...]
    clinicians: tuple[str, ...]  # names as said ("Kwame Mensah", "Morris")
    places: tuple[str, ...]  # plan places named
    sentence: str
    # The same elements split where the sentence moves to another appointment ("... at 8, then you see
    # Dr. Natarajan Thursday"): each group must fit one appointment when the whole does not.
    groups: tuple[tuple[tuple[DateMention, ...], tuple[TimeMention, ...], tuple[str, ...]], ...] = ()


def clinician_names(text: str) -> list[str]:
    names = []
    for m in _DOCTOR.finditer(text):
        words = [re.sub(r"['\u2019]s$", "", w) for w in m.group(1).split() if w.lower() not in _NOT_NAMES]
        if words:
            names.append(" ".join(words))
    if not names:
        for m in _DOCTOR_ANYCASE.finditer(text):
            if m.group(1).lower() not in _NOT_NAMES:
                names.append(m.group(1))
    return names


def appointment_claim(sentence: Sentence, vocab: PlanVocabulary, *, has_lab: bool) -> AppointmentClaim | None:
    text = sentence.text
    cue = _APPT_CUE.search(text)
    if not cue:
        return None
    if has_lab and not _STRONG_APPT_CUE.search(text):
        return None
    if re.match(r"^\s*(?:if|unless|in case|should)\b", text, re.I):
        return None  # "if you can't make your December 11 visit, call us" (a "when you see Dr. X on ..." still claims)
    dates = tuple(d for d in find_dates(text) if d.month or d.day or d.weekday is not None or d.relative in {"today", "tomorrow"})
    times = tuple(find_times(text))
    doctors = tuple(clinician_names(text))
    low = text.lower()
    places = tuple(p for p in vocab.places if p.lower() in low)
    if not (dates or times or doctors):
        return None
    # past events ("at your visit in October your A1c was...") are not appointment claims
    if re.search(r"\b(?:was|were|had|last|previous|recent)\b[^.]*\b(?:visit|appointment)\b|\b(?:visit|appointment)\b[^.]*\b(?:was|were)\b",
                 low) and not re.search(r"\b(?:next|upcoming|coming|will|'ll|scheduled|booked)\b", low):
        return None
    groups = []
    for gs, ge in _appointment_segments(text):
        g_dates = tuple(d for d in dates if gs <= d.start < ge)
        g_times = tuple(t for t in times if gs <= t.start < ge)
        g_docs = tuple(clinician_names(text[gs:ge]))
        if g_dates or g_times or g_docs:
            groups.append((g_dates, g_times, g_docs))
    return AppointmentClaim(dates, times, doctors, places, text, tuple(groups))


# Where a sentence moves on to another appointment: "..., then", "; ", "and the/your/Dr ...", "and December 17 ..."
# (a second date: "the December 14 urology and December 17 primary care visits").
_NEXT_APPOINTMENT = re.compile(r"\bthen\b|;|\band (?=(?:you|your|then|after that|the|a|another|dr|doctor|on|"
                               r"jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|"
                               r"july|august|september|october|november|december|monday|tuesday|wednesday|thursday|"
                               r"friday|saturday|sunday)\b)|\balso\b|\bafter that\b", re.I)


def _appointment_segments(text: str) -> list[tuple[int, int]]:
    cuts = [0] + [m.start() for m in _NEXT_APPOINTMENT.finditer(text)] + [len(text)]
    return [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]


# --------------------------------------------------------------------------------------------------
# Conditions (diagnoses)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConditionConcept:
    id: str
    speech: re.Pattern[str]
    plan: re.Pattern[str]
    satisfied_by: tuple[str, ...] = ()
    drug_classes: tuple[str, ...] = ()  # plan drugs of these classes imply the condition


def _c(id_: str, speech: str, plan: str | None = None, satisfied_by: tuple[str, ...] = (),
       drug_classes: tuple[str, ...] = ()) -> ConditionConcept:
    return ConditionConcept(id_, re.compile(speech, re.I), re.compile(plan or speech, re.I), satisfied_by, drug_classes)


# Everyday and clinical names of common chronic conditions. Plan text is matched with the same words
# (condition names, codes' display text, the plan summary and medication purposes).
CONCEPTS: tuple[ConditionConcept, ...] = (
    _c("diabetes_type1", r"\btype\s*(?:1|one|i)\s+diabet(?:es|ic)\b|\bt1dm?\b|\bjuvenile diabetes\b",
       r"\btype\s*(?:1|one|i)\s+diabet|\bdiabet\w*(?:\s+mellitus)?,?\s+type\s*(?:1|one|i)\b|\bt1dm?\b|\bdm\s*(?:1|i)\b"
       r"|\b(?<!non-)(?<!non )insulin[- ]dependent\b|\bjuvenile diabetes\b"),
    _c("diabetes_type2", r"\btype\s*(?:2|two|ii)\s+diabet(?:es|ic)\b|\bt2dm?\b|\bdm\s*(?:2|ii)\b",
       r"\btype\s*(?:2|two|ii)\s+diabet|\bdiabet\w*(?:\s+mellitus)?,?\s+type\s*(?:2|two|ii)\b|\bt2dm?\b|\bdm\s*(?:2|ii)\b"
       r"|\bnon[- ]insulin[- ]dependent\b"),
    _c("prediabetes", r"\bpre-?diabet(?:es|ic)\b"),
    _c("diabetes", r"\b(?<!pre-)(?<!pre)diabet(?:es|ic)\b(?!\s+(?:educator|supplies|testing|diet|team|clinic|doctor|visit|meter|medicine|pills?))"
                   r"|\bsugar diabetes\b",
       r"\b(?<!pre-)(?<!pre)diabet(?:es|ic)\b|\bt[12]dm\b|\bdm\s*(?:1|2|i|ii)\b", ("diabetes_type1", "diabetes_type2"),
       ("antidiabetic",)),
    _c("hypertension", r"\bhypertension\b(?<!pulmonary hypertension)|\bhigh blood pressure\b|\bhtn\b",
       r"\b(?<!pulmonary )hypertension\b|\bhigh blood pressure\b|\bhtn\b"),
    _c("pulmonary_hypertension", r"\bpulmonary hypertension\b"),
    _c("heart_failure", r"\bheart failure\b|\bchf\b|\bcongestive heart\b|\bweak heart\b|\bcardiomyopathy\b|\bhf(?:ref|pef|mref)?\b",
       r"\bheart failure\b|\bchf\b|\bcongestive heart\b|\bcardiomyopathy\b|\bhf(?:ref|pef|mref)\b|\bcardiac failure\b|\bejection fraction\b"),
    _c("ckd", r"\b(?:chronic\s+)?kidney (?:disease|failure|problems?|condition|issues?|damage|trouble|insufficiency)\b|\bckd\b"
              r"|\brenal (?:disease|failure|insufficiency|impairment)\b|\bbad kidneys\b|\bweak kidneys\b",
       r"\bkidney (?:disease|failure)\b|\bckd\b|\brenal (?:disease|failure|insufficiency|impairment)\b|\besrd\b|\bdialysis\b|\bnephropathy\b"),
    _c("kidney_stones", r"\bkidney stones?\b|\bnephrolithiasis\b"),
    _c("copd", r"\bcopd\b|\bemphysema\b|\bchronic bronchitis\b|\bchronic obstructive\b"),
    _c("asthma", r"\basthma(?:tic)?\b|\breactive airway"),
    _c("lung_generic", r"\blung (?:disease|condition|problems?|issues?)\b|\bbreathing (?:condition|problems?|disorder)\b",
       r"\blung disease\b|\binterstitial\b|\bpulmonary fibrosis\b", ("copd", "asthma", "pulmonary_hypertension")),
    _c("afib", r"\batrial fibrillation\b|\ba-?fib\b|\birregular (?:heart ?beat|heart rhythm|rhythm)\b|\batrial flutter\b|\barrhythmia\b"),
    _c("cad", r"\bcoronary (?:artery|heart) disease\b|\bcad\b|\bblocked arteries\b|\bangina\b|\bclogged arteries\b|\bischemic heart\b"),
    _c("mi", r"\bheart attacks?\b|\bmyocardial infarction\b|\bn?stemi\b", None),
    _c("heart_generic", r"\bheart (?:condition|problems?|disease|issues?|trouble)\b|\bcardiac (?:condition|disease)\b",
       r"\bheart disease\b|\bcardiac disease\b", ("heart_failure", "afib", "cad", "mi", "valve")),
    _c("valve", r"\b(?:valve (?:disease|problem|replacement)|aortic stenosis|mitral (?:regurgitation|valve))\b"),
    _c("stroke", r"\bstrokes?\b|\bcva\b|\btia\b|\bmini[- ]strokes?\b|\btransient ischemic\b|\bcerebral infarct"),
    _c("gout", r"\bgout(?:y)?\b"),
    _c("arthritis", r"\b(?:osteo)?arthritis\b|\bdegenerative joint\b|\barthritic\b",
       r"\barthritis\b|\bosteoarthritis\b|\bdegenerative joint\b|\bgout\b|\barthroplasty\b", ("rheumatoid", "gout")),
    _c("rheumatoid", r"\brheumatoid\b"),
    _c("hypothyroidism", r"\bhypothyroid(?:ism)?\b|\bunderactive thyroid\b|\blow thyroid\b|\bhashimoto", None, (), ("thyroid_hormone",)),
    _c("hyperthyroidism", r"\bhyperthyroid(?:ism)?\b|\boveractive thyroid\b|\bgraves'? disease\b"),
    _c("thyroid_generic", r"\bthyroid (?:condition|problems?|disease|issues?|disorder)\b", r"\bthyroid disease\b",
       ("hypothyroidism", "hyperthyroidism")),
    _c("depression", r"\bdepression\b|\bdepressive\b|\bmdd\b"),
    _c("anxiety", r"\banxiety(?:\s+disorder)?\b|\bpanic disorder\b|\bgad\b"),
    _c("bipolar", r"\bbipolar\b"),
    _c("ptsd", r"\bptsd\b|\bpost[- ]traumatic stress\b"),
    _c("schizophrenia", r"\bschizophreni"),
    _c("dementia", r"\bdementia\b|\balzheimer'?s?\b"),
    _c("cancer", r"\bcancer\b|\btumou?rs?\b|\bleukemia\b|\blymphoma\b|\bmelanoma\b|\bcarcinoma\b|\bmalignan"),
    _c("hyperlipidemia", r"\bhigh cholesterol\b|\bhyperlipidemia\b|\bdyslipidemia\b|\bhypercholesterolemia\b|\bhigh triglycerides\b",
       r"\bcholesterol\b|\bhyperlipidemia\b|\bdyslipidemia\b|\bhypercholesterolemia\b|\blipid", (), ("lipid_lowering",)),
    _c("obesity", r"\bobes(?:e|ity)\b|\bmorbidly\b"),
    _c("sleep_apnea", r"\bsleep apnea\b|\bosa\b"),
    _c("gerd", r"\bgerd\b|\bacid reflux\b|\breflux disease\b|\bgastroesophageal reflux\b"),
    _c("osteoporosis", r"\bosteoporosis\b|\bosteopenia\b|\bthin(?:ning)? bones\b"),
    _c("anemia", r"\ban(?:a)?emi(?:a|c)\b"),
    _c("epilepsy", r"\bepilepsy\b|\bseizure disorder\b"),
    _c("parkinsons", r"\bparkinson'?s?\b"),
    _c("clot", r"\bdvt\b|\bdeep vein thrombosis\b|\bblood clots?\b|\bpulmonary embol(?:ism|us)\b",
       r"\bdvt\b|\bdeep vein thrombosis\b|\bthrombosis\b|\bpulmonary embol(?:ism|us)\b|\bblood clot"),
    _c("liver", r"\bcirrhosis\b|\bliver (?:disease|failure|damage|problems?)\b|\bfatty liver\b|\bhepatitis\b"),
    _c("hiv", r"\bhiv\b"),
    _c("bph", r"\bbph\b|\benlarged prostate\b|\bbenign prostatic\b|\bprostate (?:enlargement|problems?)\b"),
    _c("glaucoma", r"\bglaucoma\b"),
    _c("migraine", r"\bmigraines?\b"),
    _c("neuropathy", r"\bneuropathy\b"),
    _c("ulcer", r"\b(?:stomach|peptic|gastric|duodenal|bleeding) ulcers?\b|\bgi bleed\b|\bulcer disease\b",
       r"\b(?:stomach|peptic|gastric|duodenal|bleeding) ulcers?\b|\bgi bleed|\bgastrointestinal (?:bleed|hemorrhage)|\bulcer disease\b"),
    _c("aerd", r"\baerd\b|\baspirin[- ](?:exacerbated|sensitive|induced|sensitivity)\b|\bsamter"),
    _c("pad", r"\bperipheral (?:artery|arterial|vascular) disease\b|\bpad\b(?=[^.]*\b(?:legs?|arteries|circulation|walk))|\bpvd\b",
       r"\bperipheral (?:artery|arterial|vascular) disease\b|\bpad\b|\bpvd\b|\bclaudication\b"),
    _c("insomnia", r"\binsomnia\b"),
    _c("pneumonia", r"\bpneumonia\b"),
    _c("uti", r"\burinary tract infection\b|\buti\b|\bbladder infection\b"),
    _c("cellulitis", r"\bcellulitis\b"),
    _c("lupus", r"\blupus\b|\bsle\b"),
    _c("multiple_sclerosis", r"\bmultiple sclerosis\b"),
    _c("psoriasis", r"\bpsoria(?:sis|tic)\b"),
    _c("ibd", r"\bcrohn'?s\b|\bulcerative colitis\b|\binflammatory bowel\b|\bibd\b"),
    _c("ibs", r"\birritable bowel\b|\bibs\b"),
    _c("macular", r"\bmacular degeneration\b"),
    _c("joint_replacement", r"\b(?:knee|hip|shoulder) replacement\b|\barthroplasty\b|\breplaced (?:knee|hip|shoulder)\b"
       r"|\b(?:knee|hip|shoulder) (?:was |got |has been )?replaced\b",
       r"\barthroplasty\b|\b(?:knee|hip|shoulder) replacement\b"),
    _c("surgery", r"\b(?:surgery|operation|procedure)\b",
       r"\bsurgery\b|\bpost[- ]?op|\barthroplasty\b|\breplacement\b|ectomy\b|\bstatus post\b|\bs/p\b|\boperation\b", ("joint_replacement",)),
    # less common conditions a draft may still pin on the patient
    _c("sciatica", r"\bsciatica\b"),
    _c("vertigo", r"\bvertigo\b|\bbppv\b"),
    _c("hernia", r"\bhernias?\b"),
    _c("cataract", r"\bcataracts?\b"),
    _c("fibromyalgia", r"\bfibromyalgia\b"),
    _c("carpal_tunnel", r"\bcarpal tunnel\b"),
    _c("eczema", r"\beczema\b|\batopic dermatitis\b"),
    _c("shingles", r"\bshingles\b|\bherpes zoster\b"),
    _c("diverticular", r"\bdiverticul(?:itis|osis|ar disease)\b"),
    _c("pancreatitis", r"\bpancreatitis\b"),
    _c("celiac", r"\bceliac\b"),
    _c("sinusitis", r"\bsinusitis\b|\bsinus infections?\b"),
    _c("bronchitis", r"\bbronchitis\b", None, ("copd",)),
    _c("restless_legs", r"\brestless legs?(?: syndrome)?\b"),
    _c("tendinitis", r"\btend[io]nitis\b|\bbursitis\b|\bplantar fasciitis\b"),
    _c("overactive_bladder", r"\boveractive bladder\b|\burinary incontinence\b"),
)
_CONCEPT_BY_ID = {c.id: c for c in CONCEPTS}
_COND_MODIFIER = (r"(?:type\s*(?:1|2|one|two|i|ii)|chronic|mild|moderate|severe|persistent|recent|new|ongoing|current|knee|hip|"
                  r"shoulder|left|right|congestive|diastolic|systolic|stage\s*\w+|kidney|heart|lung|thyroid|diabetic|high|"
                  r"underlying|existing|known|history of|the|a|an|recent|lower|upper|back|of|post|acid|sleep|blood|atrial|coronary)")
_COND_THEIRS_BEFORE = re.compile(
    rf"(?:\byour\s+(?:{_COND_MODIFIER}\s+){{0,3}}"
    r"|\byou(?:'ve| have|'re| are| were| was)?\s+(?:got\s+|had\s+|been diagnosed with\s+|diagnosed with\s+|developed\s+|living with\s+|dealing with\s+|"
    r"managing\s+|suffer(?:ing)? from\s+|have\s+|has\s+)(?:an?\s+|some\s+|the\s+)?(?:" + _COND_MODIFIER + r"\s+){0,2}"
    r"|\byou\s+have\s+(?:an?\s+)?(?:" + _COND_MODIFIER + r"\s+){0,2}"
    r"|\b(?:someone|people|patients|a person|anyone) with\s+(?:" + _COND_MODIFIER + r"\s+){0,2}(?=[^.]*\blike (?:you|yours)\b)"
    r"|\bas (?:someone|a person|a patient|somebody) with\s+(?:" + _COND_MODIFIER + r"\s+){0,2}"
    r"|\bas an?\s+"
    r"|\byou(?:'re| are)\s+(?:a\s+)?)$", re.I)
_COND_THEIRS_AFTER = re.compile(r"^\s*(?:that|which)\s+you\s+(?:have|had|were diagnosed)\b|^\s*diagnosis\b", re.I)
_COND_NOT_THEIRS_AFTER = re.compile(r"^\s*(?:risk|risks|prevention|screening|tests?|warning signs|signs|symptoms|education|"
                                    r"awareness|precautions)\b", re.I)
_COND_NOT_THEIRS = re.compile(r"\b(?:risk|risks|chance|odds|signs?|symptoms? of|warning signs|prevent|preventing|protect|family|"
                              r"mother|father|mom|dad|sister|brother|wife|husband|cousin|friend|someone|son|daughter|"
                              r"screen(?:ing)?|test(?:ing)? for|rule out|check(?:ing)? for|worried about|avoid|lower(?:ing)?|reduce|"
                              r"cause|causes|lead to|leads to|trigger|if|whether)\b[^.,;]*$", re.I)


_TAG_QUESTION = re.compile(r",\s*(?:right|correct|is that right|is that correct|isn't (?:it|that)|didn't you|don't you|haven't you|"
                           r"aren't you|wasn't it|true|yes)\s*\?\s*$", re.I)


@dataclass(frozen=True)
class DiagnosisClaim:
    concept: str
    surface: str
    sentence: str
    side: str | None = None  # "left"/"right" for a joint
    stage: str | None = None  # CKD stage said ("3", "3b", "4")


_STAGE = re.compile(r"\bstage\s*-?\s*(\d[ab]?|iv|v|iii[ab]?|ii|i|one|two|three|four|five)\b", re.I)
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iiia": "3a", "iiib": "3b", "iv": "4", "v": "5", "one": "1", "two": "2",
          "three": "3", "four": "4", "five": "5"}


def _stage(raw: str) -> str:
    raw = raw.lower()
    return _ROMAN.get(raw, raw)


def stage_of(text: str) -> str | None:
    m = _STAGE.search(text)
    return _stage(m.group(1)) if m else None


_ANY_CONDITION = re.compile("|".join(f"(?:{c.speech.pattern})" for c in CONCEPTS), re.I)


def find_conditions(text: str) -> list[tuple[str, int, int]]:
    """(concept id, start, end) of every condition named in the text (most specific first on overlap)."""
    if not _ANY_CONDITION.search(text):
        return []
    found = []
    for c in CONCEPTS:
        for m in c.speech.finditer(text):
            found.append((c.id, m.start(), m.end()))
    found.sort(key=lambda t: (t[1], -(t[2] - t[1])))
    kept: list[tuple[str, int, int]] = []
    for item in found:
        if kept and item[1] < kept[-1][2]:
            continue
        kept.append(item)
    return kept


def diagnosis_claims(sentence: Sentence) -> list[DiagnosisClaim]:
    text = sentence.text
    out = []
    for cid, start, end in find_conditions(text):
        if cid == "surgery" and not re.search(r"\byour\s+(?:recent\s+|knee\s+|hip\s+)?(?:surgery|operation|procedure)\b", text[max(0, start - 20):end], re.I):
            continue
        cs, ce = clause_bounds(text, start)
        before = text[cs:start]
        after = text[end:ce]
        theirs = bool(_COND_THEIRS_BEFORE.search(before) or _COND_THEIRS_AFTER.match(after))
        if not theirs or _COND_NOT_THEIRS_AFTER.match(after):
            continue
        if re.search(r"\byou(?:'re| are)\s+(?:a\s+)?$", before, re.I) and not re.search(r"\b(?:diabetic|asthmatic|arthritic|anemic)\b",
                                                                                      text[start:end], re.I):
            continue
        if _COND_NOT_THEIRS.search(before):
            continue
        if sentence.question and not re.search(r"\byour\b", before, re.I) and not _TAG_QUESTION.search(text):
            continue  # "do you have diabetes?" asks, it does not claim ("you had a stroke, right?" does)
        if _CONDITIONAL.match(text[cs:]) or re.search(r"\b(?:if|whether|in case)\b", before, re.I):
            continue
        side_m = re.search(r"\b(left|right)\s+(?:knee|hip|shoulder)\b", text[max(0, start - 15):end + 10], re.I)
        stage_m = _STAGE.search(text[max(0, start - 12):min(len(text), end + 14)]) if cid == "ckd" else None
        out.append(DiagnosisClaim(cid, text[start:end], text, side_m.group(1).lower() if side_m else None,
                                  _stage(stage_m.group(1)) if stage_m else None))
    return out


_NOT_A_DIAGNOSIS_BEFORE = re.compile(r"\b(?:prevent\w*|risk of|reduce\w*|lower\w*|avoid\w*|protect\w*|against|screen\w*|"
                                     r"rule out|no|without|family history of)\s+(?:\w+\s+){0,2}$", re.I)


def plan_concepts(texts: Iterable[str]) -> set[str]:
    """Condition concepts a care plan's texts name ("prevent stroke" in a purpose is not a stroke)."""
    out: set[str] = set()
    for t in texts:
        for c in CONCEPTS:
            for m in c.plan.finditer(t):
                if not _NOT_A_DIAGNOSIS_BEFORE.search(t[max(0, m.start() - 40):m.start()]):
                    out.add(c.id)
                    break
    return out


def concept(cid: str) -> ConditionConcept:
    return _CONCEPT_BY_ID[cid]


# --------------------------------------------------------------------------------------------------
# Health information (for privacy): does a draft reveal any?
# --------------------------------------------------------------------------------------------------

_SERVICE = re.compile(
    r"\b(?:cardiolog\w*|heart (?:failure )?(?:clinic|center|centre|doctor|specialist|team|program)|anticoagulation|coumadin clinic|"
    r"warfarin clinic|inr clinic|pulmonolog\w*|lung (?:doctor|specialist|clinic)|endocrinolog\w*|diabetes (?:clinic|educator|center|team|program|doctor)|"
    r"oncolog\w*|cancer (?:center|clinic|doctor)|dialysis|nephrolog\w*|kidney (?:doctor|specialist|clinic)|orthopedic\w*|orthopaedic\w*|"
    r"physical therap\w*|wound (?:care|check|clinic)|staple removal|surgeon|surgery|surgical|post[- ]?op\w*|psychiatr\w*|mental health|"
    r"behavioral health|counsel(?:ing|or)|neurolog\w*|rheumatolog\w*|urolog\w*|gastroenterolog\w*|hepatolog\w*|infectious disease|"
    r"hiv clinic|pain (?:clinic|management)|sleep (?:clinic|study)|rehab\w*|hospice|palliative|home health|"
    r"diagnos\w*|discharge\w*|hospital stay|hospitali[sz]ation|admission|admitted|er visit|emergency room visit)\b", re.I)
# Specific health topics of the patient's own (generic words such as "your medications" or "lab results"
# reveal nothing, and a refusal to discuss them before verification must stay possible).
_HEALTH_TOPIC = re.compile(r"\byour\s+(?:(?:recent|last|latest|home|daily|morning)\s+)?(?:sugars?|incision|wound|stitches|staples|"
                           r"breathing|inhalers?|injections?|insulin|shots?|swelling|mood|anxiety|dialysis|chemo\w*|"
                           r"blood work|bloodwork|blood draw|lab draw|refills?)\b", re.I)


# Symptoms, body parts, readings and procedures that reveal a patient's condition when a greeting asks
# about them ("how's the new knee doing?", "is the swelling better?", "how's your sugar been?"). A topic
# counts when the plan makes it the patient's (a condition, a drug class or the plan's own words), or
# always for the few that need no plan to reveal something (surgery, an incision, an inhaler).
@dataclass(frozen=True)
class HealthTopic:
    id: str
    draft: re.Pattern[str]
    concepts: frozenset[str] = frozenset()
    classes: frozenset[str] = frozenset()
    plan: re.Pattern[str] | None = None
    always: bool = False


def _topic(tid: str, draft: str, concepts: str = "", classes: str = "", plan: str | None = None,
           always: bool = False) -> HealthTopic:
    return HealthTopic(tid, re.compile(rf"\b(?:{draft})\b", re.I), frozenset(concepts.split()), frozenset(classes.split()),
                       re.compile(rf"\b(?:{plan})", re.I) if plan else None, always)


_HEART = "heart_failure afib cad mi heart_generic valve"
_DIABETES = "diabetes diabetes_type1 diabetes_type2"
HEALTH_TOPICS: tuple[HealthTopic, ...] = (
    _topic("surgery", r"surgery|surgical|operation|procedure|incisions?|stitches|sutures|staples|wounds?|dressings?|scar|"
                      r"healing|heal|recovery|recovering|(?:new|replaced|artificial)\s+(?:knee|hip|shoulder|joint)", always=True),
    _topic("inhaler", r"inhalers?|puffers?|nebuli[sz]ers?|cpap", always=True),
    _topic("breathing", r"breathing|breath|short(?:ness)? of breath|wheez\w*|cough\w*|chest tightness|lungs?|oxygen",
           "asthma copd lung_generic heart_failure pneumonia sleep_apnea aerd", "saba laba lama inhaled_corticosteroid bronchodilator",
           r"breath|wheez|cough|oxygen|inhal"),
    _topic("swelling", r"swelling|swollen|puff(?:y|iness)|edema|fluid|ankles?|legs|feet",
           "heart_failure ckd joint_replacement surgery clot", "loop_diuretic thiazide_diuretic", r"swell|edema|fluid"),
    _topic("sugar", r"sugars?|glucose|lows|highs|finger ?sticks?|meter", _DIABETES, "insulin antidiabetic oral_antidiabetic",
           r"sugar|glucose|diabet"),
    _topic("readings", r"readings?|numbers|log", f"{_DIABETES} hypertension heart_failure",
           "insulin antidiabetic antihypertensive anticoagulant_vka", r"reading|log|home (?:blood|bp|sugar)"),
    _topic("weight", r"weigh(?:ing|ed)?\s+yourself|weights?|scale|weigh-?ins?", "heart_failure", "", r"weigh"),
    _topic("pain", r"pain|aches?|aching|sore(?:ness)?|hurting|flare[- ]?ups?|flares?|stiff(?:ness)?|discomfort",
           "surgery joint_replacement arthritis gout rheumatoid migraine neuropathy cancer",
           "opioid non_opioid_analgesic antigout xanthine_oxidase_inhibitor", r"pain|flare"),
    _topic("bleeding", r"bleed\w*|bruis\w*|nosebleeds?|black stools?", "ulcer",
           "anticoagulant antiplatelet doac anticoagulant_vka heparin_anticoagulant", r"bleed|bruis"),
    _topic("blood_test", r"blood (?:tests?|checks?|checked|draws?|work|levels?)|bloodwork|lab work|labs|inr|levels", "",
           "anticoagulant_vka", r"\binr\b|blood (?:work|draw|test)|lab"),
    _topic("mood", r"mood|spirits|anxious|anxiety|nerves|depress\w*|feeling down|low mood|panic\w*",
           "depression anxiety bipolar ptsd schizophrenia", "ssri snri antidepressant anxiolytic benzodiazepine",
           r"mood|anxi|depress|phq|panic"),
    _topic("sleep_propped", r"sleep(?:ing)? (?:propped|sitting up|in a (?:chair|recliner))|propped up|(?:extra|more) pillows",
           "heart_failure", "", r"propped|pillow"),
    _topic("bowels", r"bowels?|bowel movements?|constipat\w*|stools?", "ibd ibs", "opioid stool_softener laxative",
           r"bowel|constipat|stool"),
    _topic("fever", r"fevers?|chills", "surgery joint_replacement pneumonia uti cellulitis", "", r"fever|chill"),
    _topic("urination", r"urinat\w*|peeing|bladder|prostate", "bph", "alpha_blocker five_alpha_reductase_inhibitor",
           r"urin|prostat|bladder"),
    _topic("dizziness", r"dizz\w*|light[- ]?headed\w*", "", "", r"dizz|light[- ]?head"),
    _topic("mobility", r"walker|crutches|cane|brace|exercises|getting around|range of motion|therapy",
           "joint_replacement surgery", "", r"therap|exercise|walker|crutch"),
)
_BODY_PARTS = ("knee", "hip", "shoulder", "neck", "wrist", "elbow", "ankle", "foot", "toe", "leg", "calf", "chest", "heart",
               "lung", "kidney", "eye", "skin", "joint", "stomach", "back")
_PART_RX = re.compile(r"\b(knees?|hips?|shoulders?|neck|wrists?|elbows?|ankles?|foot|feet|toes?|legs?|calf|calves|chest|heart|"
                      r"lungs?|kidneys?|eyes?|skin|joints?|stomach|back)\b", re.I)
_PART_OF = {"feet": "foot", "calves": "calf"}
# Body parts a condition implies even when the plan does not name them.
_PARTS_OF_CONCEPT = {
    "gout": "toe foot joint", "arthritis": "joint", "rheumatoid": "joint", "heart_failure": "heart ankle leg foot",
    "afib": "heart", "cad": "heart chest", "mi": "heart chest", "heart_generic": "heart", "valve": "heart",
    "ckd": "kidney", "copd": "lung chest", "asthma": "lung chest", "glaucoma": "eye", "macular": "eye", "psoriasis": "skin",
    "gerd": "stomach", "ulcer": "stomach", "clot": "leg calf", "joint_replacement": "joint",
}
# The topic is the patient's: "your ...", "the new knee", "any swelling", "after surgery", "how's the ...".
_TOPIC_FRAME = re.compile(r"(?:\b(?:your|yours|the|that|this|those|these|any|more|less|some|after|since|from|with|new|"
                          r"how(?:'s| is| are| has| have| was| did| does)?)\s+(?:[\w'-]+\s+){0,2}$)", re.I)
_TOPIC_FEELING = re.compile(r"\b(?:hope|hoping|glad|sorry|heard)\b", re.I)
# Sentences that reveal nothing whatever they name: safety boilerplate ("if you have chest pain, call
# 911"), and a refusal to discuss something before verification.
_TOPIC_SAFE_SENTENCE = re.compile(
    r"^\s*(?:and\s+|but\s+|also\s+)?(?:if|in case|should you|whenever|any time|anytime)\b|\b911\b|\bemergency\b"
    r"|\b(?:can't|cannot|can not|unable to|not able to|won't)\s+(?:\w+\s+){0,2}(?:discuss|share|talk about|go over|get into|review)\b",
    re.I)


_ALWAYS_TOPICS = frozenset(t.id for t in HEALTH_TOPICS if t.always)


def plan_topics(concepts: Iterable[str], drug_classes: Iterable[str], plan_text: str) -> frozenset[str]:
    """Health topics and body parts (``part:knee``) that are the patient's by this plan."""
    concepts, classes = set(concepts), set(drug_classes)
    out = {t.id for t in HEALTH_TOPICS if t.always or concepts & t.concepts or classes & t.classes
           or (t.plan is not None and t.plan.search(plan_text))}
    out.update(_part_id(m.group(1)) for m in _PART_RX.finditer(plan_text))
    for c in concepts:
        out.update("part:" + p for p in _PARTS_OF_CONCEPT.get(c, "").split())
    return frozenset(out)


def _part_id(word: str) -> str:
    w = word.lower()
    w = _PART_OF.get(w, w[:-1] if w.endswith("s") and w[:-1] in _BODY_PARTS else w)
    return "part:" + w


def topic_mentions(text: str, topics: frozenset[str]) -> list[str]:
    """Phrases of a draft that ask or talk about one of the patient's health topics (by ``plan_topics``)."""
    out: list[str] = []
    for sentence in split_sentences(text):
        st = sentence.text
        if _TOPIC_SAFE_SENTENCE.search(st):
            continue
        aimed = sentence.question and re.search(r"\byou\b", st, re.I)
        hits: list[tuple[int, int]] = []
        for t in HEALTH_TOPICS:
            if t.id in topics:
                hits += [(m.start(), m.end()) for m in t.draft.finditer(st)]
        for m in _PART_RX.finditer(st):
            word = m.group(1).lower()
            if word == "back" and not re.search(r"\byour\s+back\b|\bback (?:pain|ache)", st[max(0, m.start() - 6):m.end() + 6], re.I):
                continue  # "call you back", "welcome back"
            if _part_id(word) in topics:
                hits.append((m.start(), m.end()))
        for s_, e_ in hits:
            cs, _ = clause_bounds(st, s_)
            framed = _TOPIC_FRAME.search(st[cs:s_]) or _TOPIC_FEELING.search(st[:s_]) or (aimed and re.search(
                r"\b(?:how|any|is|are|has|have|did|does)\b", st, re.I))
            if framed:
                out.append(st[s_:e_])
    return out


_EVERYDAY_LAST_WORDS = frozenset({"care", "clinic", "center", "centre", "institute", "lab", "laboratory", "line", "team", "health",
                                  "hospital", "practice", "group", "services", "service", "office", "pharmacy", "therapy", "medicine",
                                  "associates", "partners", "building", "unit", "nurse", "nurses"})


def health_information(text: str, vocab: PlanVocabulary, plan: Any = None, topics: frozenset[str] | None = None) -> list[str]:
    """Phrases of ``text`` that reveal health information (empty when the text reveals none); ``topics``
    (``plan_topics``) adds the symptoms, body parts and readings that are the patient's by the plan."""
    out: list[str] = list(topic_mentions(text, topics if topics is not None else _ALWAYS_TOPICS))
    for ref in find_drugs(text, vocab, plan):
        if ref.drugs or ref.description:
            out.append(ref.surface)
    for key, s, e in find_analytes(text):
        phrase = text[s:e]
        if key == "weight" and not re.search(r"\byour\b", text[max(0, s - 12):s], re.I):
            continue
        if key in {"bp", "spo2", "temperature", "heart_rate"} and not re.search(r"\byour\b|\d", text[max(0, s - 14):e + 20], re.I):
            continue
        out.append(phrase)
    for cid, s, e in find_conditions(text):
        if cid == "surgery" and not re.search(r"\byour\b", text[max(0, s - 14):s], re.I):
            continue
        out.append(text[s:e])
    out += [p.group() for p in bp_pairs(text)]
    out += [m.group() for m in _SERVICE.finditer(text)]
    out += [m.group() for m in _HEALTH_TOPIC.finditer(text)]
    low = text.lower()
    for person in vocab.people:
        last = person.split()[-1]
        # A clinic among the people ("Westgate Primary Care") is not named by its last, everyday word ("your care team").
        if person.lower() in low or (len(last) > 2 and last.lower() not in _EVERYDAY_LAST_WORDS
                                     and re.search(rf"\b{re.escape(last.lower())}\b", low)):
            out.append(person)
    for place in vocab.places:
        if place.lower() in low:
            out.append(place)
    amounts = [a for a in find_amounts(text) if a.unit in {"mg", "mcg", "unit", "puff", "ml"}]
    out += [text[a.start:a.end] for a in amounts]
    if re.search(r"\byour\b[^.?!]*\b(?:appointment|visit|follow[- ]?up)\b", text, re.I) and (
            find_dates(text) or find_times(text) or clinician_names(text)):
        out.append("appointment details")
    return out


__all__ = [
    "CONCEPTS", "Amount", "AppointmentClaim", "ConditionConcept", "DiagnosisClaim", "DirectionClaim", "DrugFraming",
    "DrugRef", "Frequency", "GoalClaim", "LabValueClaim", "PlanVocabulary", "Sentence", "analyte_of",
    "appointment_claim", "clause_bounds", "clinician_names", "concept", "describe_fits", "diagnosis_claims",
    "drug_framing", "find_amounts", "find_analytes", "find_conditions", "find_drugs", "find_frequencies",
    "generic_changes", "health_information", "place_names", "plan_topics", "topic_mentions", "lab_claims", "plan_concepts", "split_sentences", "times_of_day",
]
