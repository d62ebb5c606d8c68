"""Hallucination specialist: does an agent draft say anything the care plan and the call do not support?

Each claim of the draft (specialists.text.claims) is checked against the care plan and against what
the patient said earlier in the call (facts the patient gave are supported). One
``unsupported_claim`` finding per claim type that fails (CONTRACT §3): ``dose``, ``lab_value``,
``appointment``, ``medication``, ``diagnosis``, ``instruction``. Accurate restatements of the plan
are supported whether or not the agent said them before. Urgency is none: a wrong draft is revised
or blocked before it is spoken, it is not a clinical event.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from careplans import Appointment, CarePlan, Medication
from specialists import knowledge as kb
from specialists.answer_bank import is_vetted
from specialists.base import SpecialistResult, TurnContext, Utterance
from specialists.findings import ClaimType, Finding
from specialists.text import claims as cl
from specialists.text.dates import DateMention, TimeMention, find_dates
from specialists.text.numbers import find_numbers

_EPS = 1e-6
_MASS = {"mg": 1.0, "mcg": 0.001, "g": 1000.0}
_COUNT_RX = re.compile(r"\b(\d+(?:\.\d+)?|one|two|three|four|half|one-half|a half)\s*(?:(?:to|-|or)\s*(\d+(?:\.\d+)?|two|three|four)\s*)?"
                       r"(tablets?|capsules?|caps?|pills?|puffs?|inhalations?|sprays?|units?|ml|mL)\b", re.I)
_WORD_NUM = {"one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "half": 0.5, "one-half": 0.5, "a half": 0.5}
_STOP_SUPPORT = re.compile(r"\b(?:hold|skip|stop|discontinue|while|until|as needed|if (?:your|you|blood|sugar|sbp|bp))\b", re.I)
# "do not stop unless the cardiologist says so", "never skip it": the plan forbids the stop, with its one exception
_NEVER_STOP = re.compile(r"\b(?:do not|don't|never|not to|must not|should not|shouldn't)\s+(?:\w+\s+)?(?:stop|skip|hold|discontinue)\b"
                         r"[^.;()]*", re.I)
_CHANGE_SUPPORT = re.compile(r"\b(?:increase|decrease|titrat\w*|adjust\w*|sliding scale|correction|extra|additional|may repeat|repeat)\b", re.I)
_FLUID_LIMIT = re.compile(r"\bfluid (?:limit|restriction)s?\b|\blimit (?:your )?fluids?\b|\b\d+(?:\.\d+)? ?(?:liter|litre|l)\b[^.]*\bfluid|\bfluid\b[^.]*\blimits?\b", re.I)
_MORE_FLUID = re.compile(r"\b(?:drink (?:plenty|lots|a lot|more|extra|as much)|push fluids|stay (?:well )?hydrated|drink at least|"
                         r"extra (?:water|fluids))\b", re.I)
_SALT_LIMIT = re.compile(r"\b(?:salt|sodium)\b[^.]*\blimits?\b|\blow[- ](?:salt|sodium)\b|\blimit (?:your )?(?:salt|sodium)\b", re.I)
_MORE_SALT = re.compile(r"\b(?:(?:a little |some )?(?:extra|more) salt is (?:fine|ok|okay)|(?:you can|it's (?:fine|ok|okay) to) (?:add|have|eat) "
                        r"(?:more |extra )?salt|(?:don't|do not|no need to)\s+(?:need to\s+)?worry (?:about|with) (?:the |your )?salt)\b", re.I)
_SKIP_APPT = re.compile(r"\b(?:skip|cancel|miss)\s+(?:your|the)\s+(?:\w+\s+){0,2}(?:appointment|visit|blood draw|lab|check|follow[- ]?up)\b"
                        r"|\b(?:no need|don't need|do not need|you don't have)\s+to\s+(?:go|come|keep|attend|make)\b[^.]*\b(?:appointment|visit|draw|check|follow[- ]?up)\b", re.I)
_DAY_TOTAL = re.compile(r"^[^.;]*?\b(?:a|per|each|every) day\b|^[^.;]*?\b(?:daily|in total|total|altogether|in a day)\b", re.I)
_VAGUE = frozenset({"heart_pill", "pain_pill", "cough_medicine", "stomach_pill", "antibiotic", "steroid", "laxative"})
_REMINDER = re.compile(r"\b(?:keep|continue|remember|don't forget|make sure|stay on)\b", re.I)
# "You can use your albuterol every hour": advice about the plan drug, not a restatement of its order.
_ADVICE = re.compile(r"\b(?:you\s+(?:can|could|may|should|might want to)|feel free to|go ahead and|it's (?:fine|ok|okay|safe) to)\s+"
                     r"(?:also\s+|still\s+|just\s+)?(?:take|use|inject|have|try|give yourself)\b", re.I)
_NAMED_DOCTOR = re.compile(r"\b(?:Dr\.?|Doctor)\s+([A-Z][a-zA-Z'\-]+(?:\s+[A-Z][a-zA-Z'\-]+)?)")
_IMPERATIVE_START = re.compile(r"^\s*(?:please\s+|just\s+|so\s+|now\s+|then\s+|and\s+)?(?:take|use|inject|try|start)\b", re.I)


# --------------------------------------------------------------------------------------------------
# Per-plan facts, cached
# --------------------------------------------------------------------------------------------------


@dataclass
class MedFacts:
    med: Medication
    masses: set[float] = field(default_factory=set)  # acceptable single amounts in mg
    daily_masses: set[float] = field(default_factory=set)
    counts: dict[str, set[float]] = field(default_factory=dict)  # unit -> acceptable counts per dose
    per_day: tuple[float, float] | None = None
    times: set[str] = field(default_factory=set)
    stop_supported: bool = False
    change_supported: bool = False
    durations: set[float] = field(default_factory=set)  # course lengths the order gives, in days ("for 14 days")


@dataclass
class PlanFacts:
    plan: CarePlan
    digest: str
    vocab: cl.PlanVocabulary
    meds: dict[str, MedFacts]  # by ingredient name
    concepts: set[str]
    plan_text: str
    fluid_limit: bool
    salt_limit: bool
    condition_classes: frozenset[str] = frozenset()
    allergy_classes: frozenset[str] = frozenset()
    forbidden: frozenset[str] = frozenset()  # drugs the plan's own words rule out ("no ibuprofen")
    forbidden_classes: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()  # health topics that are the patient's (claims.plan_topics), for privacy
    known_names: tuple[str, ...] = ()  # clinicians the plan's free texts name ("Dr. Morris's patient")
    place_text: str = ""  # lower-case text of every plan place, clinician and contact, for named places
    fluid_ml: frozenset[float] = frozenset()  # daily fluid limits the plan states, in mL
    salt_mg: frozenset[float] = frozenset()  # daily salt / sodium limits the plan states, in mg


def _mass_mg(value: float, unit: str) -> float | None:
    factor = _MASS.get(unit.lower().replace("µg", "mcg").replace("ug", "mcg").rstrip("s")) if unit else None
    if factor is None:
        u = unit.lower()
        factor = 1.0 if u.startswith("milligram") else 0.001 if u.startswith("microgram") else 1000.0 if u.startswith("gram") else None
    return None if factor is None else value * factor


def _unit_kind(unit: str) -> str | None:
    u = unit.lower()
    if u.startswith(("tab", "cap", "pill")):
        return "tablet"
    if u.startswith(("puff", "inhal", "spray", "actuation")):
        return "puff"
    if u.startswith(("unit", "[iu]", "iu")) or u == "u":
        return "unit"
    if u in {"ml", "milliliter", "milliliters", "cc"}:
        return "ml"
    return None


def _med_facts(med: Medication) -> MedFacts:
    f = MedFacts(med)
    text = " ".join(filter(None, [med.dose_text, med.frequency, med.instructions, med.display]))
    strength = _mass_mg(med.strength.value, med.strength.unit) if med.strength else None
    dose_mass = _mass_mg(med.dose.value, med.dose.unit) if med.dose else None
    if strength:
        f.masses.add(strength)
    if dose_mass:
        f.masses.add(dose_mass)
    if med.dose is not None:
        kind = _unit_kind(med.dose.unit)
        if kind:
            f.counts.setdefault(kind, set()).add(med.dose.value)
            if kind in {"tablet", "puff"} and strength:
                f.masses.add(strength * med.dose.value)
    for m in _COUNT_RX.finditer(med.dose_text or ""):
        lo = _WORD_NUM.get(m.group(1).lower(), None) if not m.group(1)[0].isdigit() else float(m.group(1))
        hi = m.group(2)
        hi_v = (_WORD_NUM.get(hi.lower()) if hi and not hi[0].isdigit() else float(hi) if hi else None)
        kind = _unit_kind(m.group(3))
        if lo is None or kind is None:
            continue
        values = {lo} if hi_v is None else {float(v) for v in range(int(lo), int(hi_v) + 1)} | {lo, hi_v}
        f.counts.setdefault(kind, set()).update(values)
        if strength and kind in {"tablet", "puff"}:
            f.masses.update(strength * v for v in values)
    if strength and dose_mass and "tablet" not in f.counts and dose_mass / strength in {0.5, 1.0, 1.5, 2.0, 3.0, 4.0}:
        f.counts["tablet"] = {dose_mass / strength}
    # doses per day: the order's count and every frequency its texts state
    lows, highs = [], []
    if med.times_per_day:
        lows.append(med.times_per_day)
        highs.append(med.times_per_day)
    for fr in cl.find_frequencies(" ".join(filter(None, [med.frequency, med.dose_text]))):
        if fr.explicit:
            lows.append(fr.low)
            highs.append(fr.high)
    if lows:
        f.per_day = (0.0 if med.as_needed else min(lows), max(highs))
    per_dose = {mg for mg in f.masses if not strength or mg != strength or dose_mass == strength}
    if f.per_day:
        for mg in per_dose or f.masses:
            f.daily_masses.add(mg * f.per_day[1])
            if med.as_needed:
                f.daily_masses.update(mg * k for k in range(1, int(f.per_day[1]) + 1))
    if med.max_daily:
        mx = _mass_mg(med.max_daily.value, med.max_daily.unit)
        if mx:
            f.daily_masses.add(mx)
    f.times = cl.times_of_day(" ".join(filter(None, [med.frequency, med.dose_text])))
    f.durations = set(_durations(text))
    f.stop_supported = bool(med.as_needed or _STOP_SUPPORT.search(_NEVER_STOP.sub(" ", text)))
    f.change_supported = bool(_CHANGE_SUPPORT.search(text))
    return f


_DURATION = re.compile(r"\bfor\s+(?:another\s+|a total of\s+|the next\s+|(?:a|one)\s+(?=week|month))?"
                       r"(\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|ten|twelve|fourteen|thirty|a|another)?\s*"
                       r"(?:more\s+)?(days?|weeks?|months?)\b|\b(\d+)[- ](day|week|month)\s+(?:course|supply|total)", re.I)
_DURATION_WORDS = {"one": 1, "a": 1, "another": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                   "eight": 8, "ten": 10, "twelve": 12, "fourteen": 14, "thirty": 30}
_DAYS = {"day": 1.0, "week": 7.0, "month": 30.0}


def _durations(text: str) -> list[float]:
    """Course lengths in days: "for 14 days", "for two weeks", "a 10-day course"."""
    out = []
    for m in _DURATION.finditer(text):
        raw, unit = (m.group(1), m.group(2)) if m.group(2) else (m.group(3), m.group(4))
        if raw is None:
            continue
        n = float(raw) if raw[0].isdigit() else float(_DURATION_WORDS.get(raw.lower(), 0))
        if n:
            out.append(n * _DAYS[unit.lower().rstrip("s")])
    return out


def _plan_vocab(plan: CarePlan) -> cl.PlanVocabulary:
    names: dict[str, tuple[str, ...]] = {}
    ingredients: set[str] = set()
    for med in plan.medications:
        parts = tuple(p.strip() for p in med.name.split("/") if p.strip())
        ingredients.update(parts)
        names[kb.normalize_name(med.name)] = parts
        for p in parts:
            names.setdefault(kb.normalize_name(p), (p,))
        if med.brand:
            names[kb.normalize_name(med.brand)] = parts
    people: list[str] = []
    places: list[str] = []
    for appt in plan.appointments:
        for who in filter(None, [appt.with_whom, appt.location]):
            (people if _is_person(who) else places).append(who)
    for med in plan.medications:
        if med.prescriber:
            people.append(med.prescriber)
    for contact in plan.escalation_contacts:
        (people if _is_person(contact.name) else places).append(contact.name)
    clean_people = tuple(dict.fromkeys(
        re.sub(r"(?i)^(?:dr\.?|doctor)\s+|,?\s+\b(?:md|do|np|pa|pa-c|rn|aprn|fnp|dnp|phd|pharmd)\b\.?$", "", p).strip() for p in people))
    return cl.PlanVocabulary(frozenset(m.name for m in plan.medications), frozenset(ingredients), names, clean_people,
                             tuple(dict.fromkeys(places)))


_PLACE_WORDS = re.compile(r"(?i)\b(?:clinic|center|centre|lab|laboratory|therapy|hospital|pharmacy|line|office|department|"
                          r"services?|health|medical|orthopedics|cardiology|imaging|radiology|group|associates|team|unit)\b")


def _is_person(name: str) -> bool:
    """"Dr. Helena Morris", "Kwame Mensah, MD" are people; "Lakeside lab" or "Northgate Physical Therapy" are places."""
    if re.match(r"(?i)dr\.?\s|doctor\s", name) or re.search(r"(?i),?\s\b(?:md|do|np|pa|pa-c|rn|aprn|fnp|dnp|pharmd)\b\.?$", name):
        return True
    return not _PLACE_WORDS.search(name) and bool(re.fullmatch(r"[A-Z][a-z'\-]+(?:\s+[A-Z]\.?)?(?:\s+[A-Z][a-z'\-]+){1,2}", name))


def _plan_texts(plan: CarePlan) -> list[str]:
    texts = [plan.title or "", plan.summary or ""]
    for c in plan.conditions:
        texts += [c.name, c.note or ""] + [code.display or "" for code in c.codes]
    texts += [m.purpose or "" for m in plan.medications]
    return [t for t in texts if t]


_CACHE: OrderedDict[tuple[int, dt.date], tuple[CarePlan, PlanFacts]] = OrderedDict()
_HASHED: OrderedDict[str, PlanFacts] = OrderedDict()


def plan_facts(plan: CarePlan, today: dt.date | None = None) -> PlanFacts:
    """Everything the checks need from a plan, built once per plan (by identity, then by content hash)."""
    today = today or dt.date.today()
    key = (id(plan), today)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is plan:
        return hit[1]
    digest = plan.content_hash() + today.isoformat()
    facts = _HASHED.get(digest)
    if facts is None:
        facts = _build_facts(plan, today, digest)
        _HASHED[digest] = facts
        if len(_HASHED) > 64:
            _HASHED.popitem(last=False)
    _CACHE[key] = (plan, facts)
    if len(_CACHE) > 64:
        _CACHE.popitem(last=False)
    return facts


_FORBID = re.compile(r"\b(?:no|avoid|avoiding|do not (?:take|use)|don't (?:take|use)|not to (?:take|use)|never (?:take|use)|"
                     r"instead of|stay away from)\b([^.;)]*)", re.I)
_CLASS_OF_WORD = {"nsaid": "nsaid", "nsaids": "nsaid", "anti inflammatory": "nsaid", "anti inflammatories": "nsaid",
                  "anti inflammatory pain relievers": "nsaid", "decongestant": "oral_decongestant", "decongestants": "oral_decongestant"}


def _forbidden(plan: CarePlan, vocab: cl.PlanVocabulary) -> tuple[frozenset[str], frozenset[str]]:
    """Drugs and classes the plan's own texts rule out: "Remind: no aspirin, ibuprofen or naproxen",
    "instead of anti-inflammatory pain relievers"."""
    texts = [i.text for i in plan.checklist] + [m.instructions or "" for m in plan.medications] + \
            [m.purpose or "" for m in plan.medications] + [plan.summary or ""]
    drugs: set[str] = set()
    classes: set[str] = set()
    for t in texts:
        for m in _FORBID.finditer(t):
            for ref in cl.find_drugs(m.group(1), vocab):
                if ref.class_word:
                    key = kb.normalize_name(ref.surface)
                    classes.add(_CLASS_OF_WORD.get(key, "nsaid"))
                elif ref.description and ref.description.startswith("class:"):
                    classes.add(ref.description[6:])  # "never take Viagra with nitrates"
                elif not ref.description:
                    drugs.update(d for d in ref.drugs if d not in vocab.ingredients)
    return frozenset(drugs), frozenset(classes)


def _build_facts(plan: CarePlan, today: dt.date, digest: str) -> PlanFacts:
    vocab = _plan_vocab(plan)
    meds: dict[str, MedFacts] = {}
    for med in plan.medications:
        facts = _med_facts(med)
        for part in (p.strip() for p in med.name.split("/")):
            meds[part] = facts
    texts = _plan_texts(plan)
    concepts = cl.plan_concepts(texts)
    classes: set[str] = set()
    for d in vocab.ingredients:
        classes |= kb.drug_classes(d)
    for c in cl.CONCEPTS:
        if c.drug_classes and classes & set(c.drug_classes):
            concepts.add(c.id)
    whole = " ".join(texts + [i.text for i in plan.checklist] + [m.instructions or "" for m in plan.medications])
    forbidden, forbidden_classes = _forbidden(plan, vocab)
    topic_text = " ".join([whole] + [m.dose_text or "" for m in plan.medications] +
                          [" ".join(filter(None, [a.purpose, a.location])) for a in plan.appointments])
    return PlanFacts(
        forbidden=forbidden, forbidden_classes=forbidden_classes, topics=cl.plan_topics(concepts, classes, topic_text),
        plan=plan, digest=digest, vocab=vocab, meds=meds, concepts=concepts, plan_text=whole,
        fluid_limit=bool(_FLUID_LIMIT.search(whole)), salt_limit=bool(_SALT_LIMIT.search(whole)),
        known_names=tuple(cl.clinician_names(topic_text)),
        place_text=" ".join(list(vocab.places) + list(vocab.people) + [topic_text, plan.title or "", plan.summary or ""] +
                            [c.name for c in plan.escalation_contacts]).lower(),
        fluid_ml=frozenset(_limit_amounts(whole, "fluid")), salt_mg=frozenset(_limit_amounts(whole, "salt")),
        condition_classes=kb.plan_condition_classes(plan, on=today), allergy_classes=kb.plan_allergy_classes(plan),
    )


# --------------------------------------------------------------------------------------------------
# What the patient said earlier
# --------------------------------------------------------------------------------------------------


@dataclass
class Said:
    drugs: set[str]
    descriptions: set[str]
    numbers: list[float]
    concepts: set[str]
    dates: list[DateMention]
    last_patient: str
    last_patient_drugs: list[str]
    # (drug, amount or doses per day) the patient stated together: "I take 100 of losartan twice a day"
    regimen: set[tuple[str, float]] = field(default_factory=set)
    # drugs the patient turn's findings call unsafe for them (over the maximum, contraindicated, interacting)
    unsafe: set[str] = field(default_factory=set)
    text: str = ""  # everything the patient said, for names they gave


_UNSAFE_KINDS = frozenset({"dose_exceeds_max", "contraindicated", "interaction"})
_ALL_HOWS = frozenset({"generic", "synonym", "brand", "combination", "dictionary", "misspelling", "phonetic"})


@dataclass(frozen=True)
class _Utterance:
    drugs: tuple[str, ...]
    descriptions: tuple[str, ...]
    numbers: tuple[float, ...]
    concepts: tuple[str, ...]
    dates: tuple[DateMention, ...]
    regimen_values: tuple[float, ...] = ()


_UTTERANCES: OrderedDict[tuple[str, str], _Utterance] = OrderedDict()


def _read_patient(text: str, facts: PlanFacts) -> _Utterance:
    """What one patient utterance states (cached: the same history is re-read on every agent turn)."""
    key = (facts.digest, text)
    hit = _UTTERANCES.get(key)
    if hit is not None:
        return hit
    refs = cl.find_drugs(text, facts.vocab, facts.plan, _ALL_HOWS)
    numbers = tuple(n.value for n in find_numbers(text))
    per_day = tuple(v for f in cl.find_frequencies(text) if f.explicit for v in (f.low, f.high))
    out = _Utterance(tuple(d for r in refs for d in r.drugs), tuple(r.description for r in refs if r.description),
                     numbers, tuple(c for c, _, _ in cl.find_conditions(text)), tuple(find_dates(text)), numbers + per_day)
    _UTTERANCES[key] = out
    if len(_UTTERANCES) > 2048:
        _UTTERANCES.popitem(last=False)
    return out


def _said(history: Sequence[Utterance], facts: PlanFacts) -> Said:
    said = Said(set(), set(), [], set(), [], "", [])
    topic: list[str] = []
    for u in history:
        if u.speaker != "patient":
            # "How much losartan do you take?" sets the topic of the answer "I take 100"
            asked = [d for ref in cl.find_drugs(u.text, facts.vocab) for d in ref.drugs if d in facts.meds]
            topic = asked or topic
            continue
        r = _read_patient(u.text, facts)
        said.drugs.update(r.drugs)
        said.descriptions.update(r.descriptions)
        said.numbers.extend(r.numbers)
        said.concepts.update(r.concepts)
        said.dates.extend(r.dates)
        topic = list(r.drugs) or topic or said.last_patient_drugs
        said.regimen.update((d, v) for d in topic for v in r.regimen_values)
        said.last_patient = u.text
        said.text += " " + u.text
        said.last_patient_drugs = list(r.drugs) or said.last_patient_drugs
    return said


# --------------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------------


@dataclass
class Verdicts:
    failed: dict[ClaimType, tuple[str, str]] = field(default_factory=dict)  # claim type -> (claim, evidence)

    def fail(self, claim_type: ClaimType, claim: str, evidence: str) -> None:
        self.failed.setdefault(claim_type, (claim, evidence))


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= max(1e-6, 1e-3 * max(abs(a), abs(b)))


def _rounding_tolerance(value: float) -> float:
    text = f"{value:g}"
    decimals = len(text.split(".")[1]) if "." in text else 0
    return 0.5 * 10 ** (-decimals) + 1e-9


def _ruled_out(drug: str, facts: PlanFacts) -> str | None:
    """Why the plan rules ``drug`` out (a condition or allergy rule, a dangerous interaction with a plan
    drug, or the plan's own words "no ibuprofen"), None when nothing does."""
    if drug in facts.forbidden or kb.drug_classes(drug) & facts.forbidden_classes:
        return "the care plan says not to take it"
    rules = kb.contraindications_for(drug, facts.condition_classes, facts.allergy_classes, tiers=("core",))
    if rules:
        return rules[0].why
    for plan_drug in facts.vocab.ingredients:
        found = kb.interactions_between(drug, plan_drug)
        if found:
            return f"interacts with {plan_drug}: {found[0].effect}"
    return None


def _amount_ok(mf: MedFacts, amt: cl.Amount, *, per_day: bool) -> bool | None:
    """Is a stated amount one the plan gives for this drug? None when the plan cannot tell.
    ``per_day``: the amount is a daily total ("80 mg a day"), not one dose."""
    if amt.unit == "bare":
        # "Lasix 80", "Synthroid 75": the plan's strength or dose in its own unit (mg, mcg or units)
        if not mf.masses and not mf.counts:
            return None
        masses = mf.daily_masses | (mf.masses if mf.per_day is None or mf.per_day[1] <= 1 else set()) if per_day else mf.masses
        return any(_close(amt.value, m) or _close(amt.value * 0.001, m) for m in masses) or \
            any(_close(amt.value, c) for cs in mf.counts.values() for c in cs)
    if amt.unit in _MASS:
        mg = amt.value * _MASS[amt.unit]
        if not mf.masses and not mf.daily_masses:
            return None
        if per_day:
            return any(_close(mg, p) for p in mf.daily_masses) or (mf.per_day is not None and mf.per_day[1] <= 1
                                                                   and any(_close(mg, p) for p in mf.masses))
        return any(_close(mg, p) for p in mf.masses)
    if amt.unit in {"tablet", "puff", "unit", "ml"}:
        counts = mf.counts.get(amt.unit)
        if counts is None:
            if amt.unit == "unit" and mf.masses and "insulin" in mf.med.name:
                return None
            return None
        if per_day and mf.per_day:
            return any(_close(amt.value, c * k) for c in counts for k in range(1, int(mf.per_day[1]) + 1))
        return any(_close(amt.value, c) for c in counts)
    return None


def _freq_ok(mf: MedFacts, fr: cl.Frequency) -> bool | None:
    if not fr.explicit or mf.per_day is None:
        return None
    lo, hi = mf.per_day
    return fr.low >= lo - 0.01 and fr.high <= hi + 0.01 or (fr.low <= hi + 0.01 and fr.high >= lo - 0.01 and fr.low != fr.high)


def _assign(sentence: cl.Sentence, refs: list[cl.DrugRef], spans: Iterable[tuple[int, int]]) -> list[int | None]:
    """Index of the drug each span (amount / frequency) belongs to: the drug named before it in the sentence,
    or the one it introduces ("50 mg of losartan")."""
    out: list[int | None] = []
    for start, end in spans:
        following = next((i for i, r in enumerate(refs) if r.start >= end), None)
        if following is not None and re.match(r"^\s*(?:-\s*)?(?:(?:tablets?|pills?|capsules?|doses?|puffs?|units?|shots?)\s+)?"
                                              r"(?:of\s+)?(?:your\s+|the\s+)?$", sentence.text[end:refs[following].start], re.I) \
                and sentence.text[end:refs[following].start].strip():
            out.append(following)
            continue
        before = [i for i, r in enumerate(refs) if r.end <= start]
        if before:
            out.append(before[-1])
        elif following is not None:
            out.append(following)
        else:
            out.append(None)
    return out


class HallucinationSpecialist:
    name = "hallucination"
    speakers = frozenset({"agent"})

    def check(self, ctx: TurnContext) -> SpecialistResult:
        facts = plan_facts(ctx.plan, ctx.today)
        said = _said(ctx.history, facts)
        # What the specialists found on the patient turn this draft answers: drugs the patient brought
        # up, and drugs found unsafe for them (too much, ruled out, interacting), which the draft may
        # tell them to stop or hold.
        said.drugs.update(f.drug for f in ctx.patient_findings if f.drug)
        said.unsafe.update(f.drug for f in ctx.patient_findings if f.drug and f.kind in _UNSAFE_KINDS)
        verdicts = Verdicts()
        text = ctx.text
        sentences = cl.split_sentences(text)
        last_drug: str | None = None
        if said.last_patient_drugs:
            plan_last = [d for d in said.last_patient_drugs if d in facts.meds]
            last_drug = plan_last[-1] if len(set(plan_last)) == 1 else None
        analyte_hint = cl.analyte_of(said.last_patient) if said.last_patient else None
        mentions = cl.recogniser_mentions(text, ctx.plan)
        for sentence in sentences:
            if is_vetted(sentence.text):  # a sentence of the sourced answer bank, said as written
                continue
            refs = cl.find_drugs(sentence.text, facts.vocab, mentions=mentions, offset=sentence.start)
            last_drug = self._drugs(sentence, refs, facts, said, verdicts, last_drug)
            has_lab = self._labs(sentence, facts, said, verdicts, analyte_hint, ctx)
            hint = cl.analyte_of(sentence.text)
            if hint:
                analyte_hint = hint
            self._appointment(sentence, facts, said, verdicts, ctx.today, has_lab)
            self._clinicians(sentence, facts, said, verdicts)
            self._diagnoses(sentence, facts, said, verdicts)
            self._other_instructions(sentence, facts, verdicts)
        findings = [
            Finding(kind="unsupported_claim", claim_type=ct, message=f"Unsupported {ct.replace('_', ' ')} claim: {claim}",
                    evidence=evidence, specialist=self.name, confidence=0.9)
            for ct, (claim, evidence) in verdicts.failed.items()
        ]
        guidance = [f"Revise the draft: remove or correct the unsupported {ct.replace('_', ' ')} claim ({ev})"
                    for ct, (_, ev) in verdicts.failed.items()]
        return SpecialistResult(findings=findings, guidance=guidance)

    # -- medications, doses and instructions -------------------------------------------------------
    def _drugs(self, sentence: cl.Sentence, refs: list[cl.DrugRef], facts: PlanFacts, said: Said, verdicts: Verdicts,
               last_drug: str | None) -> str | None:
        amounts = [a for a in cl.find_amounts(sentence.text, drugs=refs) if a.unit != "dose"]
        freqs = cl.find_frequencies(sentence.text)
        conditional = bool(cl._CONDITIONAL.match(sentence.text))
        for g in cl.generic_changes(sentence):
            if not refs and not _any_change_support(facts):
                verdicts.fail("instruction", sentence.text, f"the care plan gives no instruction to {g!r}")
        plan_refs: list[tuple[int, str]] = []
        for i, ref in enumerate(refs):
            framing = cl.drug_framing(sentence, refs, amounts, ref)
            on_plan = [d for d in ref.drugs if d in facts.meds]
            off_plan = [d for d in ref.drugs if d not in facts.meds]
            if on_plan and off_plan and not ref.description:
                on_plan = []  # a combination product with an ingredient the plan lacks (Norco on plain acetaminophen)
            if ref.description and not ref.drugs:
                # "your water pill" when the plan has no diuretic (vague ones such as "your heart pill" are not checked)
                if framing.theirs and ref.description not in said.descriptions and ref.description not in _VAGUE:
                    verdicts.fail("medication", sentence.text,
                                  f"no drug on the care plan is a {ref.surface!r}; plan drugs: {', '.join(sorted(facts.meds))}")
                continue
            if on_plan:
                if len(set(on_plan)) == 1:
                    plan_refs.append((i, on_plan[0]))
                self._plan_drug_instruction(sentence, facts, verdicts, on_plan[0], framing, said)
                if len(set(on_plan)) == 1 and not ref.description:
                    conflict = _regimen_conflict(facts.meds[on_plan[0]], sentence.text, refs, i)
                    if conflict:
                        verdicts.fail("instruction", sentence.text, conflict)
                continue
            # not on the plan
            mentioned = bool(set(ref.drugs) & said.drugs)
            if framing.theirs and not mentioned and not ref.class_word:
                verdicts.fail("medication", sentence.text,
                              f"{ref.surface} ({', '.join(ref.drugs)}) is not on the care plan's medication list")
                continue
            if framing.permitted and not framing.question:
                reason = next((r for d in ref.drugs if (r := _ruled_out(d, facts))), None)
                if reason:
                    verdicts.fail("instruction", sentence.text, f"the care plan rules out {ref.surface}: {reason}")
                elif not mentioned and (_has_regimen(sentence.text, amounts, freqs, ref) or not any(_is_otc(d) for d in ref.drugs)):
                    verdicts.fail("instruction", sentence.text,
                                  f"the care plan gives no instructions for {ref.surface} ({', '.join(ref.drugs)})")
        self._doses(sentence, facts, said, verdicts, refs, plan_refs, amounts, freqs, last_drug, conditional)
        if plan_refs:
            return plan_refs[-1][1]
        return last_drug

    def _plan_drug_instruction(self, sentence: cl.Sentence, facts: PlanFacts, verdicts: Verdicts, drug: str,
                               framing: cl.DrugFraming, said: Said) -> None:
        mf = facts.meds[drug]
        if framing.question:
            return
        if framing.stopped and not mf.stop_supported and drug not in said.unsafe:
            verdicts.fail("instruction", sentence.text,
                          f"the care plan does not say to stop or skip {drug} (order: {mf.med.dose_text or mf.med.frequency or drug})")
        if framing.changed and not (mf.change_supported or (mf.med.as_needed and not re.search(
                r"\b(?:double|triple|increase|raise|bump)\b", sentence.text, re.I))):
            verdicts.fail("instruction", sentence.text,
                          f"the care plan gives no dose change for {drug} (order: {mf.med.dose_text or drug})")

    def _doses(self, sentence: cl.Sentence, facts: PlanFacts, said: Said, verdicts: Verdicts, refs: list[cl.DrugRef],
               plan_refs: list[tuple[int, str]], amounts: list[cl.Amount], freqs: list[cl.Frequency],
               last_drug: str | None, conditional: bool) -> None:
        if not amounts and not freqs and not cl.times_of_day(sentence.text) and not _DURATION.search(sentence.text):
            return
        owner_of: dict[int, str] = dict(plan_refs)
        if refs:
            amount_owner = _assign(sentence, refs, [(a.start, a.end) for a in amounts])
            freq_owner = _assign(sentence, refs, [(f.start, f.end) for f in freqs])
        else:
            # "You're on 100 mg once a day." answering "How much losartan am I on?"
            if last_drug is None or not amounts or _non_drug_amount_context(sentence.text):
                return
            owner_of = {-1: last_drug}
            amount_owner = [-1] * len(amounts)
            freq_owner = [-1] * len(freqs)
        for idx, drug in owner_of.items():
            mf = facts.meds[drug]
            framing = cl.drug_framing(sentence, refs, amounts, refs[idx]) if idx >= 0 else None
            if framing and (framing.avoided or framing.question and not framing.theirs):
                continue
            instruction = self._instruction_mode(sentence, framing)
            mine_amounts = [a for a, o in zip(amounts, amount_owner, strict=True) if o == idx]
            mine_freqs = [f for f, o in zip(freqs, freq_owner, strict=True) if o == idx]
            # whether an amount is one dose or a day's total is the sentence's grammar ("1 tablet (5 mg) twice daily"), read
            # before the values the patient said are set aside ("is that morning and night, or just the once?")
            said_often = any(f.explicit for f in mine_freqs)
            stated = {v for d, v in said.regimen if d == drug}
            mine_amounts = [a for a in mine_amounts if not any(_close(a.value, v) for v in stated)]
            mine_freqs = [f for f in mine_freqs if not any(_close(f.high, v) or _close(f.low, v) for v in stated)]
            for amt in mine_amounts:
                if amt.per_day is False and mine_freqs == [] and re.match(r"\s*(?:a|per|each)\s+(?:week|month)", sentence.text[amt.end:]):
                    continue
                per_day = amt.per_day or (not said_often and _DAY_TOTAL.search(sentence.text[amt.end:]) is not None)
                ok = _amount_ok(mf, amt, per_day=per_day)
                if ok is False:
                    verdicts.fail(_mode(instruction), sentence.text,
                                  f"care plan: {drug} {mf.med.dose_text or _dose_str(mf.med)}")
            for fr in mine_freqs:
                ok = _freq_ok(mf, fr)
                if ok is False:
                    verdicts.fail(_mode(instruction), sentence.text,
                                  f"care plan: {drug} {mf.med.frequency or mf.med.dose_text}")
            if instruction and mine_amounts and mine_freqs and mf.daily_masses:
                self._daily_total(sentence, drug, mf, mine_amounts, mine_freqs, verdicts)
            if idx >= 0 and mf.durations and not conditional:
                claimed_days = _durations(_segment(sentence.text, refs, idx))
                if claimed_days and not any(_near(c, d, 0.1) for c in claimed_days for d in mf.durations):
                    verdicts.fail(_mode(instruction), sentence.text, f"care plan: {drug} {mf.med.dose_text or ''}")
            if idx >= 0 and mf.times and (mf.per_day is None or mf.per_day[1] <= 1) and not conditional:
                segment = _segment(sentence.text, refs, idx)
                claimed = cl.times_of_day(segment)
                if claimed and not (claimed & mf.times):
                    verdicts.fail(_mode(instruction), sentence.text,
                                  f"care plan: {drug} {mf.med.frequency or mf.med.dose_text}")

    @staticmethod
    def _instruction_mode(sentence: cl.Sentence, framing: cl.DrugFraming | None) -> bool:
        if framing is None:
            return bool(_IMPERATIVE_START.match(sentence.text)) and not re.search(r"\byour\b", sentence.text, re.I)
        if framing.changed:
            return True
        # "Keep taking your losartan 100 mg" restates the regimen (a dose claim); "Take your oxycodone
        # every four hours" or "you can take two" advises (an instruction).
        if _REMINDER.search(sentence.text):
            return False
        return framing.permitted or bool(_IMPERATIVE_START.match(sentence.text) or _ADVICE.search(sentence.text))

    @staticmethod
    def _daily_total(sentence: cl.Sentence, drug: str, mf: MedFacts, amounts: list[cl.Amount],
                     freqs: list[cl.Frequency], verdicts: Verdicts) -> None:
        strength = _mass_mg(mf.med.strength.value, mf.med.strength.unit) if mf.med.strength else None
        per_day = max(f.high for f in freqs)
        for amt in amounts:
            mg = amt.value * _MASS[amt.unit] if amt.unit in _MASS else (amt.value * strength if amt.unit == "tablet" and strength else None)
            if mg is None or amt.per_day:
                continue
            if mg * per_day > max(mf.daily_masses) + _EPS:
                verdicts.fail("instruction", sentence.text, f"{mg * per_day:g} mg a day exceeds the care plan's {max(mf.daily_masses):g} mg")

    # -- labs and vitals ---------------------------------------------------------------------------
    def _labs(self, sentence: cl.Sentence, facts: PlanFacts, said: Said, verdicts: Verdicts,
              analyte_hint: str | None, ctx: TurnContext) -> bool:
        values, goals, directions = cl.lab_claims(sentence, analyte_hint=analyte_hint)
        if not values and not directions and said.last_patient:
            referred = cl.referred_direction(sentence, said.last_patient)
            if referred is not None:
                directions = [referred]
        plan = facts.plan
        for v in values:
            if _said_number(said, v.value, v.qualifier):
                continue
            measured = [m for m in plan.labs if m.analyte == v.analyte]
            matches = [m for m in measured if _value_matches(v.value, m.value, v.qualifier, m.original_value)]
            if matches and (v.month is not None or v.day is not None):
                matches = [m for m in matches if m.date is not None and (v.month is None or m.date.month == v.month)
                           and (v.day is None or m.date.day == v.day)]
            if not matches:
                have = ", ".join(f"{m.value:g} on {str(m.date)[:10]}" for m in measured) or "no result"
                verdicts.fail("lab_value", sentence.text, f"care plan {v.analyte}: {have}")
        for g in goals:
            target = plan.target(g.analyte)
            if target is None:
                continue
            bad = (g.high is not None and (target.high is None or not _close(g.high, target.high))) or \
                  (g.low is not None and (target.low is None or not _close(g.low, target.low))) or \
                  (g.point is not None and not any(b is not None and _close(g.point, b) for b in (target.low, target.high)))
            if bad:
                verdicts.fail("lab_value", sentence.text,
                              f"care plan goal for {g.analyte}: {target.low if target.low is not None else ''}-"
                              f"{target.high if target.high is not None else ''}")
        for d in directions:
            low, high = _limits(plan, d.analyte)
            if low is None and high is None:
                continue
            wrong = False
            # "below your goal" means under the lower limit when the goal has one (INR 2-3), and under
            # the ceiling when the goal is only a ceiling (systolic under 130); "above" likewise.
            if d.direction == "high":
                wrong = not (d.value > high) if high is not None else not (low is not None and d.value > low)
            elif d.direction == "low":
                wrong = not (d.value < low) if low is not None else not (high is not None and d.value < high)
            elif d.direction == "within":
                wrong = (low is not None and d.value < low) or (high is not None and d.value > high)
            if wrong:
                verdicts.fail("lab_value", sentence.text, f"{d.analyte} {d.value:g} against goal {low}-{high}")
        return bool(values or goals)

    # -- appointments ------------------------------------------------------------------------------
    def _appointment(self, sentence: cl.Sentence, facts: PlanFacts, said: Said, verdicts: Verdicts,
                     today: dt.date, has_lab: bool) -> None:
        claim = cl.appointment_claim(sentence, facts.vocab, has_lab=has_lab)
        if claim is None or sentence.question and not re.search(r"\byour\b", sentence.text, re.I):
            return
        said_days: set[tuple[int | None, int | None]] = {(d.month, d.day) for d in said.dates if d.day}
        fits = _fitting(facts, claim.dates, claim.times, claim.clinicians, said_days, today, claim.places)
        if not fits and len(claim.groups) > 1:
            fits = all(_fitting(facts, ds, ts, cs, said_days, today) for ds, ts, cs in claim.groups)
        if not fits:
            listed = "; ".join(f"{_when_str(a.when)} with {a.with_whom or '?'}" for a in facts.plan.appointments) or "none"
            verdicts.fail("appointment", sentence.text, f"care plan appointments: {listed}")
            return
        known = facts.place_text
        for place in cl.place_names(sentence.text):
            if not all(re.search(rf"\b{re.escape(w.lower())}\b", known) for w in place.split()) and \
                    place.lower() not in said.text.lower():
                verdicts.fail("appointment", sentence.text, f"{place!r} is not a place on the care plan")

    def _clinicians(self, sentence: cl.Sentence, facts: PlanFacts, said: Said, verdicts: Verdicts) -> None:
        """"I'll let Dr. Patel know" when no Dr. Patel is on the plan (nor named by the patient)."""
        for m in _NAMED_DOCTOR.finditer(sentence.text):
            name = m.group(1)
            if name.lower() in cl._NOT_NAMES:
                continue
            known = " ".join(facts.vocab.people + facts.known_names)
            first = name.split()[0]  # "Dr. Natarajan Thursday at 10:30": the next capitalised word is not the name
            if any(_person_fits(n, known) or _person_fits(n, said.text) for n in (name, first)):
                continue
            if re.search(r"\b(?:your|my|his|her|their)\s+(?:wife|husband|son|daughter|sister|brother|friend|mother|father|mom|dad)\b",
                         sentence.text, re.I):
                continue  # someone else's doctor
            verdicts.fail("appointment", sentence.text,
                          f"Dr. {name} is not among the care plan's clinicians ({', '.join(facts.vocab.people) or 'none'})")

    # -- diagnoses ---------------------------------------------------------------------------------
    def _diagnoses(self, sentence: cl.Sentence, facts: PlanFacts, said: Said, verdicts: Verdicts) -> None:
        for claim in cl.diagnosis_claims(sentence):
            c = cl.concept(claim.concept)
            known = facts.concepts | said.concepts
            other_type = {"diabetes_type1": "diabetes_type2", "diabetes_type2": "diabetes_type1"}.get(claim.concept)
            if other_type and "diabetes" in known and other_type not in known:
                continue  # "your type 2 diabetes" when the plan just says "diabetes mellitus"
            if claim.concept in known or set(c.satisfied_by) & known:
                low = facts.plan_text.lower()
                if claim.side and claim.concept in {"joint_replacement", "arthritis"}:
                    other = "left" if claim.side == "right" else "right"
                    if other in low and claim.side not in low:
                        verdicts.fail("diagnosis", sentence.text, f"care plan: {other} side, not {claim.side}")
                if claim.stage and claim.concept == "ckd":
                    plan_stage = cl.stage_of(" ".join(cd.name for cd in facts.plan.conditions if re.search(
                        r"(?i)kidney|renal|ckd", cd.name)))
                    if plan_stage and claim.stage[0] != plan_stage[0] or (
                            plan_stage and len(claim.stage) > 1 and len(plan_stage) > 1 and claim.stage != plan_stage):
                        verdicts.fail("diagnosis", sentence.text, f"care plan: CKD stage {plan_stage}, not {claim.stage}")
                joint = re.search(r"\b(knee|hip|shoulder)", claim.surface, re.I)
                if claim.concept == "joint_replacement" and joint and joint.group(1).lower() not in low:
                    verdicts.fail("diagnosis", sentence.text, f"the care plan names no {joint.group(1).lower()} replacement")
                continue
            conditions = ", ".join(cd.name for cd in facts.plan.conditions) or "none"
            verdicts.fail("diagnosis", sentence.text, f"{claim.surface!r} is not among the care plan's conditions ({conditions})")

    # -- other instructions ------------------------------------------------------------------------
    def _other_instructions(self, sentence: cl.Sentence, facts: PlanFacts, verdicts: Verdicts) -> None:
        text = sentence.text
        if facts.fluid_limit and _MORE_FLUID.search(text) and not re.search(r"\b(?:don't|do not|not|avoid|limit)\b", text, re.I):
            verdicts.fail("instruction", text, "the care plan limits fluids")
        if facts.salt_limit and _MORE_SALT.search(text):
            verdicts.fail("instruction", text, "the care plan limits salt")
        for kind, limits in (("fluid", facts.fluid_ml), ("salt", facts.salt_mg)):
            stated = _limit_amounts(text, kind) if limits else []
            if stated and not any(_near(v, lim, 0.1) for v in stated for lim in limits):
                verdicts.fail("instruction", text, f"the care plan's {kind} limit is "
                              + " or ".join(f"{lim:g} {'mL' if kind == 'fluid' else 'mg'}" for lim in sorted(limits)))
        m = _STOP_MONITOR.search(text)
        if m and not cl._CONDITIONAL.match(text) and not re.match(r"\s*(?:\w+\s+){0,2}(?:more than|more often|as often|so often|that often|"
                                                                r"twice|every time|each time)", text[m.end():], re.I) and _MONITOR_TOPIC[_monitor_kind(m.group("what"))].search(facts.plan_text):
            verdicts.fail("instruction", text, f"the care plan keeps this monitoring ({m.group('what')})")
        m = _SKIP_APPT.search(text)
        if m and not re.search(r"\b(?:don't|do not|never|please don't|try not to)\s+(?:\w+\s+)?(?:skip|cancel|miss)\b", text, re.I):
            verdicts.fail("instruction", text, "the care plan keeps this appointment")


_TO_ML = {"l": 1000.0, "liter": 1000.0, "litre": 1000.0, "ml": 1.0, "milliliter": 1.0, "millilitre": 1.0, "cc": 1.0,
          "ounce": 29.57, "oz": 29.57, "fluid ounce": 29.57, "cup": 236.6, "quart": 946.4}
_TO_MG = {"g": 1000.0, "gram": 1000.0, "gm": 1000.0, "mg": 1.0, "milligram": 1.0}
_LIMIT_UNIT = re.compile(r"\s*-?\s*(fluid ounces?|liters?|litres?|l|ml|milliliters?|millilitres?|cc|ounces?|oz|cups?|quarts?|"
                         r"grams?|gm|g|mg|milligrams?)\b", re.I)
_LIMIT_TOPIC = {"fluid": re.compile(r"\b(?:fluids?|liquids?|water|drink\w*)\b", re.I),
                "salt": re.compile(r"\b(?:salt|sodium)\b", re.I)}


def _limit_amounts(text: str, kind: str) -> list[float]:
    """Daily fluid (mL) or salt (mg) amounts a text states: "a 2 liter fluid limit", "under 2,000 mg of sodium"."""
    topic = _LIMIT_TOPIC[kind]
    if not topic.search(text):
        return []
    table = _TO_ML if kind == "fluid" else _TO_MG
    out = []
    for sentence in re.split(r"(?<=[.;!?])\s+", text):
        if not topic.search(sentence):
            continue
        for n in find_numbers(sentence):
            m = _LIMIT_UNIT.match(sentence, n.end)
            if not m:
                continue
            unit = m.group(1).lower().rstrip("s") if m.group(1).lower() not in {"ounces", "fluid ounces"} else m.group(1).lower()[:-1]
            factor = table.get(unit)
            # the unit must sit next to the right topic ("2 grams of salt", not "40 mg of furosemide")
            if factor is None or not topic.search(sentence[max(0, n.start - 40):m.end() + 30]):
                continue
            out.append(n.value * factor)
    return out


def _near(a: float, b: float, rel: float) -> bool:
    return abs(a - b) <= rel * max(abs(a), abs(b))


# Stopping home monitoring the plan asks for: "you don't need to weigh yourself anymore".
_STOP_MONITOR = re.compile(
    r"\b(?:(?:you\s+)?(?:don't|do not|no longer)\s+(?:really\s+)?(?:need|have)\s+to|no need to|you can stop|it's (?:fine|ok|okay) to "
    r"(?:stop|skip)|you can skip|feel free to (?:stop|skip))\s+(?:keep\s+)?(?:checking|check|taking|measuring|measure|testing|test|"
    r"monitoring|monitor|tracking|track|logging|log|doing)?\s*(?P<what>weigh(?:ing)?\s+yourself|your (?:daily )?(?:weight|weigh-?ins?|"
    r"weights)|(?:your\s+)?(?:blood\s+)?sugars?|(?:your\s+)?glucose|(?:your\s+)?blood pressure|(?:your\s+)?bp|(?:your\s+)?inr)", re.I)
_MONITOR_TOPIC = {"weight": re.compile(r"\bweigh", re.I), "sugar": re.compile(r"\bsugar|\bglucose", re.I),
                  "bp": re.compile(r"\bblood pressure\b|\bbp\b", re.I), "inr": re.compile(r"\binr\b", re.I)}


def _monitor_kind(what: str) -> str:
    w = what.lower()
    return "weight" if "weigh" in w else "sugar" if "sugar" in w or "glucose" in w else "inr" if "inr" in w else "bp"


_WITH_FOOD = re.compile(r"\b(?:with|after)\s+(?:a\s+|your\s+)?(?:food|breakfast|lunch|dinner|supper|meals?|a snack|snack|eating|milk)\b", re.I)
_EMPTY_STOMACH = re.compile(r"\b(?:on an empty stomach|without food)\b", re.I)
_AFTER_MEALS = re.compile(r"\bafter\s+(?:your\s+)?(?:meals?|eating|breakfast|lunch|dinner|supper|you eat)\b", re.I)
_BEFORE_MEALS = re.compile(r"\bbefore\s+(?:your\s+)?(?:meals?|eating|breakfast|lunch|dinner|supper|you eat)\b", re.I)
_ONLY_WHEN = re.compile(r"\b(?:only\s+(?:when|if|during|on days)|as needed|when(?:ever)? you (?:need|feel like) it|if you need it|"
                        r"only as needed|just when)\b", re.I)
_NEGATED_REGIMEN = re.compile(r"\b(?:don't|do not|never|not|avoid|shouldn't|should not)\b", re.I)


def _regimen_conflict(mf: MedFacts, text: str, refs: Sequence[cl.DrugRef], idx: int) -> str | None:
    """Food, meal timing or "only when needed" said of a plan drug against its order ("take your
    levothyroxine with breakfast" when the plan says an empty stomach)."""
    segment = _segment(text, refs, idx)
    cs, _ = cl.clause_bounds(text, refs[idx].start)
    if _NEGATED_REGIMEN.search(text[cs:refs[idx].start]) or _NEGATED_REGIMEN.search(segment[:25]) or cl._CONDITIONAL.match(text):
        return None
    order = " ".join(filter(None, [mf.med.dose_text, mf.med.frequency, mf.med.instructions]))
    order_text = f"care plan: {mf.med.name} {mf.med.dose_text or mf.med.frequency or ''}".strip()
    if _EMPTY_STOMACH.search(order) and _WITH_FOOD.search(segment) and not _WITH_FOOD.search(order):
        return order_text
    if _WITH_FOOD.search(order) and re.search(r"\b(?:on an empty stomach|without food)\b", segment, re.I):
        return order_text
    if _BEFORE_MEALS.search(order) and _AFTER_MEALS.search(segment) and not _AFTER_MEALS.search(order):
        return order_text
    if _AFTER_MEALS.search(order) and _BEFORE_MEALS.search(segment) and not _BEFORE_MEALS.search(order):
        return order_text
    if not mf.med.as_needed and _ONLY_WHEN.search(segment) and not re.search(r"\bas needed|\bprn\b|\bif needed\b", order, re.I):
        return order_text
    return None


def _fitting(facts: PlanFacts, dates: Sequence[DateMention], times: Sequence[TimeMention], clinicians: Sequence[str],
             said_days: set[tuple[int | None, int | None]], today: dt.date, places: Sequence[str] = ()) -> bool:
    """Is there one plan appointment that every stated part (date, weekday, time, clinician, place) fits?"""
    candidates = list(facts.plan.appointments)
    def described(a: Appointment) -> str:
        return " ".join(filter(None, [a.with_whom, a.location, a.purpose]))

    for place in places:  # "the swallowing evaluation at Lakeshore Speech Therapy is December 3rd": that appointment's date
        named = [a for a in candidates if place.lower() in described(a).lower()]
        candidates = named or candidates  # a place of the plan's that no appointment names (a clinic's building) says nothing
    for d in dates:
        if d.day is not None and (d.month, d.day) in said_days:
            continue
        candidates = [a for a in candidates if _date_fits(a.when, d, today)]
    for t in times:
        candidates = [a for a in candidates if isinstance(a.when, dt.datetime) and t.matches(a.when.hour, a.when.minute)]
    for name in clinicians:
        candidates = [a for a in candidates if _person_fits(name, described(a))]
    return bool(candidates)


def _mode(instruction: bool) -> ClaimType:
    return "instruction" if instruction else "dose"


def _any_change_support(facts: PlanFacts) -> bool:
    return any(mf.change_supported for mf in facts.meds.values())


def _is_otc(drug: str) -> bool:
    """Sold over the counter (an OTC label limit or product is on file): advice about it is softer than
    recommending a prescription drug the plan does not list."""
    return drug in _OTC or kb.max_daily_mg(drug, "otc_label") is not None or kb.product_strength(drug) is not None


# Sold over the counter in the US (FDA OTC monographs / Drug Facts labels) but without an OTC dose
# limit in the knowledge tables.
_OTC = frozenset({
    "docusate", "melatonin", "calcium carbonate", "calcium citrate", "polyethylene glycol 3350", "sennosides", "bisacodyl",
    "psyllium", "methylcellulose", "simethicone", "magnesium hydroxide", "magnesium citrate", "magnesium oxide",
    "aluminum hydroxide", "cholecalciferol", "ergocalciferol", "cyanocobalamin", "folic acid", "ferrous sulfate",
    "omeprazole", "lansoprazole", "esomeprazole", "famotidine", "cimetidine", "loratadine", "cetirizine", "fexofenadine",
    "levocetirizine", "oxymetazoline", "meclizine", "dimenhydrinate", "doxylamine", "nicotine", "bismuth subsalicylate",
    "guaifenesin", "dextromethorphan", "chlorpheniramine", "lidocaine", "caffeine",
})


def _has_regimen(text: str, amounts: Sequence[cl.Amount], freqs: Sequence[cl.Frequency], ref: cl.DrugRef) -> bool:
    return bool(amounts or [f for f in freqs if f.explicit])


def _non_drug_amount_context(text: str) -> bool:
    return bool(re.search(r"\b(?:salt|sodium|fluid|fluids|water|liters?|carbs?|carbohydrates?|sugar|protein|fat|calories|caffeine|"
                          r"alcohol|potassium in|grams of)\b", text, re.I))


def _segment(text: str, refs: Sequence[cl.DrugRef], idx: int) -> str:
    end = refs[idx + 1].start if idx + 1 < len(refs) else len(text)
    start = refs[idx].end
    return text[start:end]


def _dose_str(med: Medication) -> str:
    return " ".join(filter(None, [str(med.dose) if med.dose else None, med.frequency]))


def _said_number(said: Said, value: float, qualifier: str | None) -> bool:
    return any(_value_matches(value, n, qualifier, None) for n in said.numbers)


def _value_matches(claimed: float, actual: float, qualifier: str | None, original: float | None) -> bool:
    tol = _rounding_tolerance(claimed)
    for a in filter(lambda x: x is not None, (actual, original)):
        assert a is not None
        if qualifier in {"over", "above", "more than", "higher than", "greater than", "at least", ">", "≥", "just over", "just above"}:
            if a >= claimed - tol:
                return True
        elif qualifier in {"under", "below", "less than", "lower than", "at most", "<", "≤", "just under", "just below"}:
            if a <= claimed + tol:
                return True
        elif qualifier in {"about", "around", "roughly", "nearly", "almost", "approximately", "close to"}:
            if abs(a - claimed) <= max(tol, 0.05 * abs(a)):
                return True
        elif abs(a - claimed) <= tol:
            return True
    return False


def _limits(plan: CarePlan, analyte: str) -> tuple[float | None, float | None]:
    t = plan.target(analyte)
    if t is not None:
        return t.low, t.high
    ref = kb.reference_range(analyte, plan.patient.sex if plan.patient.sex in {"male", "female"} else None)
    if ref is None:
        return None, None
    return ref.low, ref.high


def _date_fits(when: dt.datetime | dt.date, d: DateMention, today: dt.date) -> bool:
    day = when.date() if isinstance(when, dt.datetime) else when
    # a day's slack: a case's "today" and the clock may differ by a day
    if d.relative == "today":
        return abs((day - today).days) <= 1
    if d.relative == "tomorrow":
        return abs((day - today - dt.timedelta(days=1)).days) <= 1
    if d.month is not None and day.month != d.month:
        return False
    if d.day is not None and day.day != d.day:
        return False
    if d.year is not None and d.year_digits == 4 and day.year != d.year:
        return False
    if d.weekday is not None and day.weekday() != d.weekday:
        return False
    return True


def _person_fits(name: str, who: str) -> bool:
    words = [w.lower().strip(".'") for w in name.split() if len(w) > 1]
    target = re.findall(r"[a-z']+", who.lower())
    if not words:
        return True
    from rapidfuzz.fuzz import ratio

    last = words[-1]
    if any(ratio(last, t) >= 85 for t in target):
        return not (len(words) > 1 and not any(ratio(words[0], t) >= 80 for t in target))
    return False


def _when_str(when: dt.datetime | dt.date) -> str:
    if isinstance(when, dt.datetime):
        return when.strftime("%A %B %d %Y at %H:%M").replace(" 0", " ")
    return when.strftime("%A %B %d %Y")


__all__ = ["HallucinationSpecialist", "PlanFacts", "plan_facts"]
