"""Drug mentions in what a patient says: names, brands, misspellings, mishearings and descriptions.

``find_drug_mentions(text, plan)`` finds every drug a turn names or describes, as canonical generic
names (CONTRACT.md §2), with the span that named it and how it was recognised:

- ``generic`` / ``synonym`` / ``brand`` / ``combination``: an exact name from the knowledge tables
  (``specialists.knowledge``) or the care plan (longest match first: "Tylenol PM" before "Tylenol",
  "Caltrate 600 plus D" before "Caltrate"); a combination product gives every ingredient;
- ``misspelling``: one word close in spelling and sound to a known name ("ibuprofin", "zertec"),
  with length-aware edit limits and a guard list of ordinary words that sit close to drug names
  ("alive" is not Aleve, "lyric" is not Lyrica);
- ``phonetic``: two to five adjacent words that a speech recogniser split out of one generic or brand
  name ("meth for men", "lie sin a pril", "zo loft", "sir tra leen", "a liquis"), joined and compared by
  spelling and sound (metaphone / NYSIIS), never across punctuation, with guards against ordinary word
  pairs ("lines to", "call in");
- ``plan_sound``: one to four words that sound like a drug on the care plan, by the plan's names only
  (metaphone of the joined words equal to the name's, the same first sound, a length-aware edit limit):
  "lay sicks" / Lasix, "sim balta" / Cymbalta, "nor vask" / Norvasc, "cuma din" / Coumadin. The plan is
  the prior a nurse uses: a misheard name is far more likely the patient's own drug (on 5,000 ordinary
  check-in turns read against all 13 development plans it named one drug that was not said);
- ``description``: "my water pill", "the blood thinner", resolved through the care plan only when
  exactly one plan drug fits;
- ``dictionary``: drugs the knowledge tables lack, from the drug-named-entity-recognition
  dictionary (loaded lazily, ~3.5 s, only when a medication word makes it worth it).

Per-plan work (its names, its description resolutions) is cached by the plan's content hash.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from itertools import chain
from typing import TYPE_CHECKING, Any, Literal

import jellyfish
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from specialists import knowledge as kn
from specialists.text.amounts import canonical_strength_words
from specialists.text.described import find_described

if TYPE_CHECKING:
    from careplans import CarePlan

How = Literal["generic", "synonym", "brand", "combination", "misspelling", "phonetic", "plan_sound", "description", "dictionary"]

__all__ = ["DrugMention", "How", "find_drug_mentions", "plan_drugs", "preload", "tokenize", "Token"]


@dataclass(frozen=True)
class DrugMention:
    """One place in the text that names or describes a drug (several generics for a combination)."""

    drugs: tuple[str, ...]
    start: int
    end: int
    text: str
    how: How
    # Normalised product phrase for strength look-ups ("tylenol extra strength", "advil", "tylenol pm");
    # None for descriptions and drugs named only by generic name.
    product: str | None = None
    # The strength words said with it ("extra strength", "baby", "low dose"), normalised.
    strength_words: str | None = None

    @property
    def drug(self) -> str:
        return self.drugs[0]


# --------------------------------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------------------------------

_TOKEN_RX = re.compile(r"[A-Za-z0-9]+(?:[.'’/][A-Za-z0-9]+)*")


@dataclass(frozen=True)
class Token:
    key: str  # lower case, apostrophes and dots dropped
    start: int
    end: int

    @property
    def alpha(self) -> bool:
        return self.key.isalpha()


def tokenize(text: str) -> list[Token]:
    """Word tokens with character spans; hyphens split ("Klor-Con" -> klor, con), "p.m." stays one."""
    out = []
    for m in _TOKEN_RX.finditer(text):
        key = re.sub(r"[.'’]", "", m.group().lower())
        if key:
            out.append(Token(key, m.start(), m.end()))
    return out


# --------------------------------------------------------------------------------------------------
# Word lists
# --------------------------------------------------------------------------------------------------

# Names in the knowledge tables that are too ambiguous in speech to count on their own: lab or
# other abbreviations, a brand that is an everyday phrase, and substances of daily life.
_BLOCKED_NAMES = frozenset({
    "t3", "t4", "ees", "pce", "sps", "tmp", "smx", "ntg", "simply sleep", "caffeine", "nicotine", "fleet",
    "nitro bid", "plan", "k tab", "ms contin",
})
_EXTRA_NAMES: dict[str, tuple[str, ...]] = {
    "nicotine patch": ("nicotine",), "nicotine gum": ("nicotine",), "nicotine lozenge": ("nicotine",),
    "fleet enema": ("sodium phosphate",), "fleet saline enema": ("sodium phosphate",),
    "fleets enema": ("sodium phosphate",), "ms contin": ("morphine",), "k tab": ("potassium chloride",),
    "nitro patch": ("nitroglycerin",), "nitro spray": ("nitroglycerin",),
}

# Function words and everyday words never taken for a drug by fuzzy, phonetic or dictionary matching.
STOPWORDS = frozenset("""
a about above after again against all almost also am an and any are around as at away back be because
been before being below between both but by can cannot could did do does doing done down during each
either else enough even ever every few for from further get gets getting got had has have having he her
here hers herself him himself his how i if in into is it its itself just least less like made make many
may me might mine more most much must my myself never no nor not now of off often on once one only or
other our ours ourselves out over own perhaps please quite rather really same she should since so some
still such than that the their theirs them themselves then there these they this those though through
thus to too under until up upon us very was we well were what when where whether which while who whom
whose why will with within without would yes yet you your yours yourself yourselves yeah okay ok uh um
hmm oh sure right thing things stuff day days week weeks today tonight yesterday morning night evening
afternoon time times hour hours minute minutes pill pills tablet tablets tab tabs capsule capsules dose
doses medicine medicines medication medications meds med drug drugs take took taking taken use used
using pharmacy doctor nurse refill prescription extra strength regular maximum mg milligram milligrams
""".split())

# Ordinary English words (and names) within the fuzzy or phonetic limits of a drug name; found by
# running the matcher over a general English vocabulary. They are never a misspelt drug.
FUZZY_GUARD = frozenset("""
ability accept accuse accused accuser accuses activate actor actors adrenaline advert advis afric agility
albert alert algebra alive alleg allege alleged alleges allerg allergy ambient amplify approx articulate
aspir aspire aspiring augment augmented autos avert bacteria baker bauer bayern bonnie burns buttons buyer
calam careg catalan celebr chant chanted chanting chants chaotic chester clarity cocaine coding colors
combine cores corey correct corrected correction correctly cortex coward creator creators creditor crest
decade decades demanded demol demoral desire desired desires diabetes diabetic digit digital digits
dolphin dolphins dopamine effect efficient elderly enclosed endot endowed enforce epigen fleets fluent
frail galile goalie granite hearing horizon horizons horizont ideal imran indoctr indra inducing integral
internal interval invoking janet lever lipid loosen lyric lyrics marian marilyn martian maryland meantime
melania methane microbi microwave minion mitigate mobil monet moniker monkey monopol named narendra nonex
olympic ordered palate pamela parade partake partname performing performs pirate prepaid prevail primal
priorit prison pristine profit propri propriet prosec prosper raids ramos ratio referen relate related
relates relation relaxed relayed renal rename renamed restore restored restores restoring reveal revel
roads robin roland rollins romero sequel serpent servant sevent sinclair singular solomon spirit spirits
sprite sprites stalin stall tamil termin tornado translate trilogy ultra ultras unison veteran veterin
victor victoria victory violin voltage warfare
allergies allergic colace palace motion lotion potion station nation ration relax relief relieve
zinc iron magnesium calcium potassium sodium vitamin vitamins supplement supplements probiotic coffee
alcohol beer wine water juice tea soda sugar salt insulin steroid steroids antibiotic antibiotics
inhaler inhalers vicks fish oil garlic ginger honey aloe cannabis marijuana heroin methamphetamine ecstasy
opium opioid opioids narcotic narcotics antidepressant antidepressants serotonin cortisol estrogen leptin
glutamate antibodies buffers cloves hops oats sits caps chrom indicators sunscreen diamonds psychedelic
cannabinoid cannabinoids contraceptives glyphosate sulfur admon armour prepar sensit testim opio
aman ches eisen fargo kendrick palin ukrain allev colin colon comedian notre pixel prior reyes sonia sunni
clean calls stuffed staffed sunny sonny lively lands float multic inspire inspir diluted captain carter
""".split())

# Words that make the dictionary fallback worth loading: talk about taking or getting a medicine.
_MED_CONTEXT = re.compile(
    r"\b(?:take|takes|took|taking|taken|start(?:ed|ing)?|prescri\w*|pills?|tablets?|capsules?|caps|mg|"
    r"milligrams?|medicines?|medications?|meds|drugs?|doses?|refills?|pharmac\w+|gave me|put me on|"
    r"using|use|used|tried|try|inhaler|shots?|injections?|cream|patch|spray|drops|on (?:a|some|the)|"
    r"allergic|otc|over the counter)\b",
    re.IGNORECASE,
)

# Description words that also have a plain meaning; they count only after my/the/your/...
_DESCRIPTION_NEEDS_DETERMINER = frozenset({
    "thinner", "controller", "puffer", "steroid", "steroids", "statin", "antibiotic", "antibiotics",
    "diuretic", "laxative", "laxatives", "anticoagulant", "antidepressant", "antidepressants", "oxy", "oxys", "oxies",
})
_DETERMINERS = frozenset({"my", "the", "your", "his", "her", "our", "their", "that", "this", "those", "these",
                          "a", "an", "some", "any", "new", "old", "daily", "same", "usual", "regular", "other"})

# Descriptions that name one product whatever the plan says (README: potassium pills such as Klor-Con
# are potassium chloride), used when the plan has no drug of that kind.
_DESCRIPTION_FALLBACK = {"potassium_pill": "potassium chloride", "iron_pill": "ferrous sulfate"}

# Plan drugs a patient calls by their first word ("my potassium", "my iron"): an alias only for the plan,
# and never in talk about a lab result ("my potassium was 5.8").
_ION_ALIASES = {"potassium": "potassium", "magnesium": "magnesium", "calcium": "calcium", "ferrous": "iron",
                "iron": "iron", "sodium": "sodium"}
_LAB_TALK = re.compile(r"\b(?:was|is|were|level|levels|came back|result|results|number|numbers|reading|lab|labs|blood ?work|test|high|low|normal)\b")
_MED_TALK = re.compile(r"\b(?:take|takes|took|taking|taken|pills?|tablets?|supplements?|ran out|run out|refill|forgot|skipped|missed|stopped|dose|doses|prescription)\b")

# Strength words said before or after a brand ("extra strength Tylenol", "Tylenol Extra Strength").
_STRENGTH_WORDS = ("extra strength", "regular strength", "maximum strength", "max strength", "ultra strength",
                   "arthritis", "8 hr", "8 hour", "12 hour", "24 hour", "low dose", "baby", "childrens", "junior")


# --------------------------------------------------------------------------------------------------
# The global name index (knowledge tables), built once
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    drugs: tuple[str, ...]
    how: How
    product: str | None


@dataclass
class _Index:
    names: dict[str, _Entry] = field(default_factory=dict)
    max_words: int = 1
    # Fuzzy choices grouped by first-letter class: key -> (name, entry, metaphone, nysiis)
    buckets: dict[str, list[str]] = field(default_factory=dict)
    # name -> (metaphone, nysiis, metaphone with a leading vowel as "a")
    phon: dict[str, tuple[str, str, str]] = field(default_factory=dict)


_FIRST_CLASS = {"k": "c", "q": "c", "x": "s", "z": "s", "y": "i", "e": "a", "o": "a", "u": "a"}


def _first_class(word: str) -> str:
    """Letters a hearer or speller confuses at the start of a word share a bucket (c/k, s/z/x, vowels)."""
    if word.startswith("ph"):
        return "f"
    c = word[:1]
    return _FIRST_CLASS.get(c, c)


def _how_for(key: str, drugs: tuple[str, ...]) -> How:
    if len(drugs) > 1:
        return "combination"
    if key in kn.drug_names():
        return "generic"
    if key in kn.synonyms():
        return "synonym"
    return "brand"


@cache
def _global_index() -> _Index:
    idx = _Index()
    for key, drugs in kn.name_index().items():
        if key in _BLOCKED_NAMES:
            continue
        how = _how_for(key, drugs)
        product = key if how in ("brand", "combination") else None
        idx.names[key] = _Entry(tuple(drugs), how, product)
    for key, drugs in _EXTRA_NAMES.items():
        idx.names[key] = _Entry(drugs, "brand", None)
    # Product phrases of the strength table ("extra strength tylenol", "tylenol 8 hr", "pepto") name their drugs too.
    kb = kn.knowledge()
    for key in [*kb.product_defaults, *kb.products]:
        key = kn.normalize_name(key)
        if key in idx.names or key in _BLOCKED_NAMES:
            continue
        ps = kn.product_strength(key)
        if ps is not None:
            drugs = tuple(i.drug for i in ps.ingredients)
            idx.names[key] = _Entry(drugs, "combination" if len(drugs) > 1 else "brand", key)
    # "Caltrate 600+D" is heard and typed as "Caltrate 600 plus D" or "Caltrate 600 + D" (tokens drop the "+").
    for key, entry in list(idx.names.items()):
        if "+" in key:
            for alias in (key.replace("+", " "), key.replace("+", " plus ")):
                idx.names.setdefault(" ".join(alias.split()), entry)
    _finish(idx)
    return idx


def _finish(idx: _Index) -> None:
    idx.max_words = max((len(k.split()) for k in idx.names), default=1)
    for key in idx.names:
        if " " in key or not key.isalpha() or len(key) < 5:
            continue
        idx.buckets.setdefault(_first_class(key), []).append(key)
        idx.phon[key] = (jellyfish.metaphone(key), jellyfish.nysiis(key), _vowel_sound(key))


@cache
def _descriptions() -> dict[str, str]:
    """Normalised description phrase -> its phrase as written in drugs.yaml (for resolve_description)."""
    out = {}
    for desc in kn.descriptions():
        for phrase in desc.phrases:
            out[kn.normalize_name(phrase)] = phrase
    return out


@cache
def _description_max_words() -> int:
    return max((len(k.split()) for k in _descriptions()), default=1)


# --------------------------------------------------------------------------------------------------
# Per-plan index: plan drug names and brands on top of the global one
# --------------------------------------------------------------------------------------------------


@dataclass
class _PlanIndex:
    index: _Index
    drugs: frozenset[str]
    # Plan drugs taken from an inhaler: "my inhaler" is one of them when it is the only one.
    inhaled: tuple[str, ...] = ()
    # "potassium" -> "potassium chloride" when the plan has exactly one potassium drug.
    aliases: dict[str, str] = field(default_factory=dict)
    description_cache: dict[str, str | None] = field(default_factory=dict)
    # The plan's drug names (generic and brand, one word) with their sound: what plan_sound compares with.
    sounds: tuple[tuple[str, str, _Entry], ...] = ()


_plan_cache: dict[str, _PlanIndex] = {}
_plan_ids: dict[int, tuple[Any, str]] = {}
_cache_lock = threading.Lock()


def plan_drugs(plan: CarePlan | None) -> frozenset[str]:
    """Generic names of every drug on the plan (combination medications "a / b" split)."""
    return _plan_index(plan).drugs if plan is not None else frozenset()


def _plan_hash(plan: CarePlan) -> str:
    # content_hash() serialises the plan; remember it per live object so a call does it once.
    known = _plan_ids.get(id(plan))
    if known is not None and known[0] is plan:
        return known[1]
    digest = plan.content_hash()
    if len(_plan_ids) > 256:
        _plan_ids.clear()
    _plan_ids[id(plan)] = (plan, digest)
    return digest


def _plan_index(plan: CarePlan | None) -> _PlanIndex:
    if plan is None:
        return _PlanIndex(_global_index(), frozenset())
    key = _plan_hash(plan)
    found = _plan_cache.get(key)
    if found is not None:
        return found
    with _cache_lock:
        found = _plan_cache.get(key) or _build_plan_index(plan)
        if len(_plan_cache) > 256:
            _plan_cache.clear()
        _plan_cache[key] = found
    return found


def split_combination(name: str) -> tuple[str, ...]:
    """"lisinopril / hydrochlorothiazide" -> both ingredients (the plan's combination convention); a name
    written with a hyphen is split too when every piece is a known drug ("carbidopa-levodopa")."""
    out: list[str] = []
    for part in (p.strip() for p in re.split(r"\s*/\s*", name) if p.strip()):
        pieces = [x for x in re.split(r"\s*-\s*", part) if x]
        out += pieces if len(pieces) > 1 and all(x in kn.drug_names() for x in pieces) else [part]
    return tuple(out)


def _build_plan_index(plan: CarePlan) -> _PlanIndex:
    base = _global_index()
    extra: dict[str, _Entry] = {}
    drugs: set[str] = set()
    inhaled: list[str] = []
    for med in plan.medications:
        ingredients = split_combination(med.name)
        drugs.update(ingredients)
        if re.search(r"inhal|puff|hfa|diskus|ellipta|respimat", " ".join(filter(None, [med.route, med.display, med.dose_text])), re.I):
            inhaled.extend(i for i in ingredients if i not in inhaled)
        for ing in ingredients:
            key = kn.normalize_name(ing)
            if key and key not in base.names:
                extra[key] = _Entry((ing,), "generic", None)
        if len(ingredients) > 1:
            key = kn.normalize_name(med.name.replace("/", " "))
            extra.setdefault(key, _Entry(ingredients, "combination", None))
        if med.brand:
            key = kn.normalize_name(med.brand)
            if key and key not in base.names and key not in STOPWORDS:
                extra[key] = _Entry(ingredients, "brand" if len(ingredients) == 1 else "combination", key)
    aliases: dict[str, list[str]] = {}
    for d in drugs:
        first = d.split()[0]
        if " " in d and first in _ION_ALIASES:
            aliases.setdefault(_ION_ALIASES[first], []).append(d)
    unique = {k: v[0] for k, v in aliases.items() if len(v) == 1}
    if "potassium" not in aliases:
        unique["potassium"] = "potassium chloride"  # README: potassium pills are potassium chloride
    if not extra:
        pidx = _PlanIndex(base, frozenset(drugs), tuple(inhaled), unique)
    else:
        idx = _Index(names={**base.names, **extra})
        _finish(idx)
        pidx = _PlanIndex(idx, frozenset(drugs), tuple(inhaled), unique)
    pidx.sounds = _plan_sounds(pidx)
    return pidx


# --------------------------------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------------------------------


_MEMO: dict[tuple[int, str], tuple[CarePlan | None, list[DrugMention]]] = {}
_MEMO_MAX = 4096


def find_drug_mentions(text: str, plan: CarePlan | None = None) -> list[DrugMention]:
    """Every drug the text names or describes, in text order (see the module docstring).

    Memoised per (plan, text): the same history lines are read again on every later turn of a call.
    The plan object is kept with the result so a recycled id() can never return another plan's answer.
    """
    key = (id(plan), text)
    hit = _MEMO.get(key)
    if hit is not None and hit[0] is plan:
        return list(hit[1])
    found = _find_drug_mentions(text, plan)
    if len(_MEMO) >= _MEMO_MAX:
        _MEMO.clear()
    _MEMO[key] = (plan, found)
    return list(found)


def _find_drug_mentions(text: str, plan: CarePlan | None = None) -> list[DrugMention]:
    if not text or not text.strip():
        return []
    pidx = _plan_index(plan)
    tokens = tokenize(text)
    used = [False] * len(tokens)
    found: list[DrugMention] = []
    found += _exact(text, tokens, used, pidx)
    found += _fuzzy(text, tokens, used, pidx)
    found += _phonetic(text, tokens, used, pidx)
    found += _plan_sound(text, tokens, used, pidx)
    found += _dictionary(text, tokens, used, pidx)
    # "the little white one for my thyroid": described through what the plan says each drug is for
    for d in find_described(text, plan, [(m.start, m.end) for m in found]):
        found.append(DrugMention(tuple(split_combination(d.drug)), d.start, d.end, text[d.start:d.end], "description"))
    found.sort(key=lambda m: m.start)
    # A description said right before a name modifies the name: "Extra Strength Advil" is Advil, not Tylenol. One
    # that names again a drug named earlier in its sentence is more of that mention ("the Tylenol Arthritis, two in
    # the morning, plus three of the Extra Strength"), so the amounts after it stay the first mention's.
    return [m for k, m in enumerate(found) if not (m.how == "description" and (
        (k + 1 < len(found) and found[k + 1].how != "description" and re.fullmatch(r"[\s-]{0,2}", text[m.end:found[k + 1].start]))
        or any(p.drugs == m.drugs and not _SENTENCE_BREAK.search(text, p.end, m.start) for p in found[:k])))]


_SENTENCE_BREAK = re.compile(r"[.!?;](?=\s|$)")


def _span(text: str, tokens: list[Token], i: int, j: int) -> tuple[int, int, str]:
    start, end = tokens[i].start, tokens[j - 1].end
    return start, end, text[start:end]


def _lookup(key: str, names: Mapping[str, _Entry]) -> tuple[_Entry, str] | None:
    entry = names.get(key)
    if entry is not None:
        return entry, key
    # Plurals and possessives: "two Advils", "Tylenol's" (apostrophes are already dropped).
    if key.endswith("es") and key[:-2] in names and len(key) > 5:
        return names[key[:-2]], key[:-2]
    if key.endswith("s") and key[:-1] in names and len(key) > 4:
        return names[key[:-1]], key[:-1]
    return None


def _exact(text: str, tokens: list[Token], used: list[bool], pidx: _PlanIndex) -> list[DrugMention]:
    """Longest-first exact names and description phrases."""
    names = pidx.index.names
    descs = _descriptions()
    longest = max(pidx.index.max_words, _description_max_words())
    out: list[DrugMention] = []
    i = 0
    n = len(tokens)
    while i < n:
        hit: DrugMention | None = None
        width = 0
        for w in range(min(longest, n - i), 0, -1):
            key = " ".join(t.key for t in tokens[i:i + w])
            looked = _lookup(key, names)
            if looked is not None and not _rejected(tokens, i, w, looked[1]):
                entry, name_key = looked
                hit, width = _name_mention(text, tokens, i, w, entry, name_key), w
                break
            if w == 1 and key in pidx.aliases and _alias_ok(text, tokens, i):
                start, end, surface = _span(text, tokens, i, i + 1)
                hit, width = DrugMention((pidx.aliases[key],), start, end, surface, "description"), w
                break
            if key in ("inhaler", "inhalers") and len(pidx.inhaled) == 1 and i > 0 and tokens[i - 1].key in _DETERMINERS:
                start, end, surface = _span(text, tokens, i, i + w)
                hit, width = DrugMention((pidx.inhaled[0],), start, end, surface, "description"), w
                break
            if key in descs and _description_ok(tokens, i, w):
                resolved = _resolve_description(pidx, descs[key])
                if resolved is not None:
                    start, end, surface = _span(text, tokens, i, i + w)
                    hit, width = DrugMention((resolved,), start, end, surface, "description"), w
                    break
        if hit is None:
            i += 1
            continue
        for k in range(i, i + width):
            used[k] = True
        out.append(hit)
        i += width
    return out


def _rejected(tokens: list[Token], i: int, w: int, key: str) -> bool:
    """Exact names that are something else here ("St. Joseph's hospital", "T4 level")."""
    after = tokens[i + w].key if i + w < len(tokens) else ""
    if key == "st joseph" and after in {"hospital", "medical", "church", "school", "center", "s"}:
        return True
    if key == "nitro" and after in {"cold", "brew"}:
        return True
    return False


def _name_mention(text: str, tokens: list[Token], i: int, w: int, entry: _Entry, key: str) -> DrugMention:
    start, end, surface = _span(text, tokens, i, i + w)
    strength = _strength_words(tokens, i, i + w)
    product = entry.product
    if strength and entry.how in ("brand", "combination", "generic", "synonym"):
        for candidate in (f"{strength} {key}", f"{key} {strength}", f"{key} {strength} arthritis pain"):
            if _known_product(candidate):
                product = candidate
                break
    return DrugMention(entry.drugs, start, end, surface, entry.how, product, strength)


@cache
def _known_product(name: str) -> bool:
    """A product of the strength tables (cached: a miss scans every combination)."""
    return kn.product_strength(name) is not None


def _strength_words(tokens: list[Token], i: int, j: int) -> str | None:
    """Strength words right before or after a name: "extra strength Tylenol", "Tylenol eight hour"."""
    before = _spoken_hours(" ".join(t.key for t in tokens[max(0, i - 2):i]))
    after = _spoken_hours(" ".join(t.key for t in tokens[j:j + 2]))
    for sw in _STRENGTH_WORDS:
        if before.endswith(sw) or after.startswith(sw):
            return canonical_strength_words(sw)
    return None


def _spoken_hours(words: str) -> str:
    return re.sub(r"\b(?:eight|twelve)\b", lambda m: "8" if m.group() == "eight" else "12", words)


# Descriptions that are also the first syllables of a name heard in pieces: "the oxy code own" is oxycodone.
_NAME_OPENINGS = {"oxy": ("cod", "con")}


def _description_ok(tokens: list[Token], i: int, w: int) -> bool:
    key = " ".join(t.key for t in tokens[i:i + w])
    if i >= 2 and tokens[i - 2].key == "not" and tokens[i - 1].key in _DETERMINERS:
        return False  # "the heart one, not the blood thinner": a description ruled out names no drug
    if i >= 1 and tokens[i - 1].key == "not":
        return False
    if key in _NAME_OPENINGS and i + w < len(tokens) and tokens[i + w].key.startswith(_NAME_OPENINGS[key]):
        return False
    if key not in _DESCRIPTION_NEEDS_DETERMINER:
        return True
    return i > 0 and tokens[i - 1].key in _DETERMINERS


def _alias_ok(text: str, tokens: list[Token], i: int) -> bool:
    """"My potassium" is the plan's potassium pill in medication talk, not in lab talk."""
    after = " ".join(t.key for t in tokens[i + 1:i + 4])
    low = text.lower()
    return bool(_MED_TALK.search(low)) and not _LAB_TALK.search(after) and not re.search(r"\d", after)


def _resolve_description(pidx: _PlanIndex, phrase: str) -> str | None:
    if phrase in pidx.description_cache:
        return pidx.description_cache[phrase]
    resolved = kn.resolve_description(phrase, sorted(pidx.drugs)) if pidx.drugs else None
    if resolved is None:
        key = kn.normalize_name(phrase)
        desc = next((d for d in kn.descriptions() if key in {kn.normalize_name(p) for p in d.phrases}), None)
        if desc is not None and desc.id in _DESCRIPTION_FALLBACK:
            fits = [d for d in pidx.drugs if kn.drug_classes(d) & set(desc.classes)]
            if not fits:
                resolved = _DESCRIPTION_FALLBACK[desc.id]
    pidx.description_cache[phrase] = resolved
    return resolved


# -- misspellings -----------------------------------------------------------------------------------


def _allowed_edits(length: int) -> int:
    if length <= 4:
        return 0
    if length <= 6:
        return 1
    if length <= 9:
        return 2
    return 3


def _same_start(word: str, name: str) -> bool:
    """The same first two letters, up to spellings of one sound: "zar elto" / Xarelto, "sin throid" / Synthroid."""
    if word[:2] == name[:2]:
        return True
    second = {word[1:2], name[1:2]}
    return _first_class(word) == _first_class(name) and (len(second) == 1 or second == {"i", "y"})


def _vowel_sound(word: str) -> str:
    """Metaphone with any leading vowel as "a": a hearer cannot tell "a liquis" from "Eliquis"."""
    return jellyfish.metaphone("a" + word[1:] if word[:1] in "aeiouy" else word)


def _close(word: str, name: str, dist: int, phon: tuple[str, str, str], *, joined: bool = False,
           relax: bool = False) -> bool:
    """Spelling and sound both close enough for ``word`` to be ``name`` misspelt or misheard."""
    allowed = _allowed_edits(len(name))
    if abs(len(word) - len(name)) > allowed + (1 if joined else 0):
        return False
    same_meta = jellyfish.metaphone(word) == phon[0]
    same_sound = same_meta or jellyfish.nysiis(word) == phon[1]
    if joined:
        # Split words must start like the name and sound like it. Three or more fragments ("sir tra leen" /
        # sertraline) or a bare opening syllable ("a liquis" / Eliquis) may differ in the vowel of the first
        # syllable when the sound is the same; two ordinary words ("lines to", "call in") may not.
        if relax:
            same_meta = same_meta or _vowel_sound(word) == phon[2]
        if not _same_start(word, name) and not (relax and same_meta and _first_class(word) == _first_class(name)):
            return False
        # one letter off a long name is a split misspelling whatever it sounds like ("neuro tin" / Neurontin)
        return (same_sound and dist <= allowed) or (same_meta and dist <= allowed + 1) or (dist == 1 and len(name) >= 8)
    if same_meta and jellyfish.nysiis(word) == phon[1]:
        return dist <= allowed + 1
    if same_sound:
        return dist <= allowed
    if dist == 1:
        return len(name) >= 6
    return dist <= 2 and len(name) >= 10


def _best(word: str, idx: _Index, *, joined: bool = False, relax: bool = False) -> tuple[str, int] | None:
    """The one known name ``word`` is closest to, within the limits; None when none or a tie."""
    bucket = idx.buckets.get(_first_class(word))
    if not bucket:
        return None
    hits = process.extract(word, bucket, scorer=DamerauLevenshtein.distance, score_cutoff=4, limit=8)
    good = [(name, int(dist)) for name, dist, _ in hits if _close(word, name, int(dist), idx.phon[name], joined=joined, relax=relax)]
    if not good:
        return None
    best = min(d for _, d in good)
    top = {idx.names[name].drugs for name, d in good if d == best}
    if len(top) > 1:
        return None
    return next((name, d) for name, d in good if d == best)


def _candidate(tok: Token) -> bool:
    return tok.alpha and len(tok.key) >= 5 and tok.key not in STOPWORDS and tok.key not in FUZZY_GUARD


def _fuzzy(text: str, tokens: list[Token], used: list[bool], pidx: _PlanIndex) -> list[DrugMention]:
    out = []
    for i, tok in enumerate(tokens):
        if used[i] or not _candidate(tok):
            continue
        best = _best(tok.key, pidx.index)
        if best is None:
            continue
        entry = pidx.index.names[best[0]]
        used[i] = True
        start, end, surface = _span(text, tokens, i, i + 1)
        product = entry.product
        out.append(DrugMention(entry.drugs, start, end, surface, "misspelling", product, _strength_words(tokens, i, i + 1)))
    return out


# -- speech-recogniser splits -----------------------------------------------------------------------

# A last "word" that is only the name's closing syllable ("pen a sill in", "a mocks a sill in").
_LAST_SYLLABLES = frozenset({"in", "an", "on"})
# A first "word" that is only the name's opening syllable: "a liquis" (Eliquis), "a tor va statin", "am lo di pine".
_LEAD_SYLLABLES = frozenset({"a", "an", "am", "in", "on", "uh", "oh", "eh", "ah"})


def _claim(text: str, tokens: list[Token], used: list[bool], i: int, j: int, entry: _Entry, how: How) -> DrugMention:
    """Tokens i..j name ``entry``: mark them used (no later reader takes them) and make the mention."""
    for k in range(i, j):
        used[k] = True
    start, end, surface = _span(text, tokens, i, j)
    return DrugMention(entry.drugs, start, end, surface, how, entry.product)


def _phonetic(text: str, tokens: list[Token], used: list[bool], pidx: _PlanIndex) -> list[DrugMention]:
    """Two to five adjacent short words heard for one name ("lie sin a pril", "zo loft", "sir tra leen", "es cit a lo pram")."""
    out = []
    n = len(tokens)
    i = 0
    while i < n:
        hit = None
        lead = tokens[i].key in _LEAD_SYLLABLES
        for w in (5, 4, 3, 2):
            j = i + w
            if j > n or any(used[i:j]):
                continue
            window = tokens[i:j]
            if not all(t.alpha for t in window) or (window[0].key in STOPWORDS and not lead):
                continue
            if any(text[a.end:b.start].strip(" -") for a, b in zip(window, window[1:], strict=False)):
                continue  # one name is not heard across a comma or a full stop
            if lead and all(t.key in STOPWORDS for t in window[1:]):
                continue
            joined = "".join(t.key for t in window)
            if not 5 <= len(joined) <= 24 or joined in FUZZY_GUARD or joined in STOPWORDS:
                continue
            entry = pidx.index.names.get(joined)
            # "zo cor": a five-letter name only from two fragments that are not function words
            if entry is not None and (len(joined) >= 6 or not any(t.key in STOPWORDS for t in window)):
                hit = (w, entry)
                break
            if len(joined) < 6:
                continue
            # A name heard in pieces does not end on a function word ("lines to a" is no Lunesta).
            relax = lead or (w >= 3 and window[-1].key not in STOPWORDS and sum(t.key in STOPWORDS for t in window) <= 1)
            best = _best(joined, pidx.index, joined=True, relax=relax)
            if best is not None and _joined_ok(joined, best[0], pidx.index, lead):
                hit = (w, pidx.index.names[best[0]])
                break
        if hit is None:
            i += 1
            continue
        w, entry = hit
        if w == 2 and not set(entry.drugs) & pidx.drugs and not _split_name_talk(text, tokens[i].start):
            i += 1  # two whole words heard as a drug off the plan only in talk of medicines (see _plan_sound)
            continue
        out.append(_claim(text, tokens, used, i, i + w, entry, "phonetic"))
        i += w
    return out


# Talk of taking or buying a medicine, for a name heard as two words off the plan ("some nigh quill").
_SPLIT_NAME_TALK = re.compile(
    r"\b(?:take|takes|took|taking|taken|pills?|tablets?|caps(?:ules)?|capsules?|gel ?caps|doses?|mg|milligrams?|"
    r"medicines?|medications?|meds|drugs?|prescri\w*|refills?|pharmac\w+|drugstore|store|counter|bought|buy|got|get|"
    r"picked up|gave|give|giving|had|have|has|having|used|use|using|tried|try|drank|drink|swallowed|popped|started|"
    r"stopped|on (?:some|that|this)|bottle|box|syrup|liquid|spray|drops|cough|cold|flu|sleep|pain|allergic|allergy|"
    r"twice|once|a day|daily|every|at (?:night|bedtime)|in the (?:morning|evening)|for (?:my|his|her) \w+)\b", re.I)
# "my lip itor", "his zar elto": a name said as one's own medicine
_OWNED = re.compile(r"\b(?:my|his|her|your|their)\s+$", re.I)


def _split_name_talk(text: str, at: int) -> bool:
    return bool(_OWNED.search(text[max(0, at - 8):at]) or _SPLIT_NAME_TALK.search(_sentence_of(text, at)))


def _sentence_of(text: str, at: int) -> str:
    lo = max((m.end() for m in re.finditer(r"[.?!;]\s", text[:at])), default=0)
    hi = next((m.start() for m in re.finditer(r"[.?!;](?:\s|$)", text[at:])), len(text) - at) + at
    return text[lo:hi]


_NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
                          "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred".split())


# Words a recogniser never hears inside a drug's name ("on the road" is no Unithroid).
_NOT_IN_A_NAME = frozenset("the and to of for at my is it you your we he she they with from this that his her im ive id ones".split())


def _soft_c(word: str) -> str:
    """ "cy" and "ci" sound as "s" ("sim balta" / Cymbalta)."""
    return "s" + word[1:] if word[:1] == "c" and word[1:2] in ("e", "i", "y") else word


def _plan_sounds(pidx: _PlanIndex) -> tuple[tuple[str, str, _Entry], ...]:
    return tuple((name, _vowel_sound(name), e) for name, e in pidx.index.names.items()
                 if e.drugs and set(e.drugs) <= pidx.drugs and len(name) >= 5 and " " not in name)


@cache
def _known_sounds() -> dict[str, tuple[tuple[str, str, _Entry], ...]]:
    """Every one-word drug name of the knowledge base, by its sound: what a name heard in pieces off the plan
    ("a leave", "zan ax", "pep sid") is compared with (looked up by sound: there are hundreds)."""
    by_sound: dict[str, list[tuple[str, str, _Entry]]] = {}
    for name, e in _global_index().names.items():
        if e.drugs and len(name) >= 5 and " " not in name:
            sound = _vowel_sound(name)
            by_sound.setdefault(sound, []).append((name, sound, e))
    return {sound: tuple(names) for sound, names in by_sound.items()}


def _plan_sound(text: str, tokens: list[Token], used: list[bool], pidx: _PlanIndex) -> list[DrugMention]:
    """One to four adjacent words that sound like one of the plan's drugs (see the module docstring); in talk
    of medicines, two to four that sound like any drug the knowledge base names."""
    off_plan = _known_sounds() if _MED_CONTEXT.search(text) else {}
    if not pidx.sounds and not off_plan:
        return []
    out = []
    n, i = len(tokens), 0
    while i < n:
        hit = None
        for w in (1, 2, 3, 4, 5):
            j = i + w
            if j > n or any(used[i:j]) or (w == 5 and tokens[i].key not in _LEAD_SYLLABLES):
                break  # five pieces only after a bare opening syllable ("a mocks a sill in")
            window = tokens[i:j]
            if not all(t.alpha for t in window) or any(text[a.end:b.start].strip(" -") for a, b in zip(window, window[1:], strict=False)):
                break
            # a name heard in pieces neither opens nor ends on a function word ("boy or" is no Bayer, "so I
            # left" no Zoloft) nor on a number ("one thirty")
            # (unless the name opens with that word: "nor vask" / Norvasc)
            opens_on_word = window[0].key in STOPWORDS and window[0].key not in _LEAD_SYLLABLES
            # ... except the last syllable of a name that ends in it ("a mocks a sill in" / amoxicillin)
            ends_on_word = window[-1].key in STOPWORDS
            if (ends_on_word and not (w >= 3 and window[-1].key in _LAST_SYLLABLES)) or (opens_on_word and w == 1) \
                    or window[0].key in _NUMBER_WORDS or any(t.key in _NOT_IN_A_NAME for t in window):
                continue
            joined = "".join(t.key for t in window)
            if len(joined) < 5 or joined in FUZZY_GUARD or joined in STOPWORDS:
                continue
            sound = _vowel_sound(joined)
            off = off_plan.get(sound, ()) if w >= 2 else ()
            for (name, name_sound, entry), on_plan in chain(((c, True) for c in pidx.sounds), ((c, False) for c in off)):
                if sound != name_sound or _first_class(_soft_c(joined)) != _first_class(_soft_c(name)):
                    continue
                if opens_on_word and not name.startswith(window[0].key):
                    continue  # a name opened by a word must be spelt with it ("day quill" / DayQuil)
                if ends_on_word and not name.endswith(window[-1].key):
                    continue
                if not on_plan and w == 2 and not _split_name_talk(text, window[0].start):
                    continue  # "the car door" is no Cardura: two whole words off the plan only in talk of medicines
                # one more edit for a name spelt apart ("lay sicks" / Lasix); a name opened by a word and off the
                # plan within one letter ("all grey" is no Allegra)
                # (and one more again when the sounds agree on six or more consonants: spelling drifts more than sound
                # over a long name, "mocks a sill" / "moxicill")
                dist = DamerauLevenshtein.distance(joined, name)
                if dist <= max(2, len(name) // 3) + (w >= 2) + (len(sound) >= 6) and (on_plan or not opens_on_word or dist <= 1):
                    hit = (w, entry)
                    break
            if hit is not None:
                break
        if hit is None:
            i += 1
            continue
        w, entry = hit
        out.append(_claim(text, tokens, used, i, i + w, entry, "plan_sound"))
        i += w
    return out


def _joined_ok(joined: str, name: str, idx: _Index, lead: bool) -> bool:
    """Long names only (7+ letters: a short one is too easily two ordinary words); a window opened by a bare
    syllable ("a liquis") only when it sounds the same as the name."""
    if len(name) < 7:
        return False
    return not lead or _vowel_sound(joined) == idx.phon[name][2]


# -- dictionary fallback ----------------------------------------------------------------------------

_dictionary_lock = threading.Lock()
_variants: dict[str, Any] | None = None


def preload() -> None:
    """Load the drug dictionary now (app start-up, test set-up) instead of on first need."""
    _load_dictionary()


def _load_dictionary() -> dict[str, Any]:
    global _variants
    with _dictionary_lock:
        if _variants is None:
            from careplans import drugnames

            drugnames.preload()
            from drug_named_entity_recognition import drugs_finder  # type: ignore[import-untyped]

            _variants = drugs_finder.drug_variant_to_canonical
        return _variants


def _dictionary(text: str, tokens: list[Token], used: list[bool], pidx: _PlanIndex) -> list[DrugMention]:
    candidates = [i for i, t in enumerate(tokens)
                  if not used[i] and t.alpha and len(t.key) >= 4 and t.key not in STOPWORDS and t.key not in FUZZY_GUARD]
    if not candidates or not _MED_CONTEXT.search(text):
        return []
    variants = _load_dictionary()
    out = []
    for i in candidates:
        if used[i]:
            continue
        for w in (2, 1):
            j = i + w
            if j > len(tokens) or any(used[i:j]):
                continue
            key = " ".join(t.key for t in tokens[i:j])
            if key not in variants or key in FUZZY_GUARD:
                continue
            drugs = _dictionary_generics(text[tokens[i].start:tokens[j - 1].end])
            if not drugs:
                continue
            for k in range(i, j):
                used[k] = True
            start, end, surface = _span(text, tokens, i, j)
            out.append(DrugMention(drugs, start, end, surface, "dictionary", key))
            break
    return out


@cache
def _dictionary_generics(surface: str) -> tuple[str, ...]:
    from careplans import drugnames

    names = drugnames.generic_names(surface)
    # Class-like dictionary entries ("calcium supplement", "stool softeners") are not one drug.
    return tuple(n for n in names if not re.search(
        r"\b(?:supplements?|softeners?|agents?|products?|oil|inhibitors?|blockers?|antagonists?|agonists?|derivatives?|"
        r"compounds?|preparations?)\b", n))


def known_names() -> Iterable[str]:
    """Every exact name the matcher knows (for tests and the speech recogniser's vocabulary)."""
    return _global_index().names.keys()
