"""Escalation specialist: red-flag symptoms and the escalation thresholds of CONTRACT.md §2.

Per patient turn it returns at most one ``Finding(kind="escalation")`` whose level is the highest
the turn warrants on its own grounds (the panel then takes the maximum over every specialist):

- ``emergency``: the red flags of specialists/knowledge/red_flags.yaml at that level (chest pain or
  pressure with cardiac features, stroke signs, severe trouble breathing, severe hypoglycaemia,
  fainting, vomiting blood, heavy bleeding), and a glucose below 54 mg/dL with confusion or
  inability to treat it;
- ``urgent``: black or bloody stools, fever with wound signs, heart-failure weight gain (>= 3 lb in
  a day, >= 5 lb in a week), post-operative fever >= 101 F, a glucose below 54 treated and alert;
- ``routine``: a mild side effect, a refill need, a near-faint.

Suicidal, self-harm and overdose language belongs to the crisis specialist (specialists/crisis.py).

Every phrase is scoped with specialists.text.context: negated, hypothetical, educational, someone
else's and long-past mentions do not count ("no chest pain but I passed out" still does).

Decisions the policy leaves open (documented here, tested in tests/specialists/test_escalation.py):
- Plain chest pain (no cardiac feature, not musculoskeletal): ``emergency`` when the plan has a
  cardiac condition (coronary disease, heart failure, cardiomyopathy ...: the known heart disease is
  the cardiac feature), else ``urgent`` (a clinician must assess it today; "none" would be unsafe).
- Chest tightness with wheeze or cough in a patient with asthma or COPD, and no other cardiac
  feature, is the lung disease: ``routine`` (severe breathing signs still give ``emergency``).
- A near-faint ("I almost passed out") is ``routine``, not fainting.
- Weight against the plan's last recorded weight: >= 3 lb when that weight is at most 1 day old,
  >= 5 lb when at most 14 days old or undated (a discharge "dry weight" is the usual reference).
- Fever words without a number on a post-operative plan ("I've been running a fever") are
  ``urgent``; "a low-grade fever" is not.
- Blood pressure >= 180/110 with a symptom of organ damage (chest pain, breathlessness, numbness or
  weakness, vision change, trouble speaking, confusion, a severe headache: AHA hypertensive crisis)
  is ``emergency``; without one the labs specialist's ``urgent`` stands.
- A red flag said in an earlier turn is not this turn's; it counts only when the turn completes it
  (chest pain said before + "it goes down my arm" now), or when the turn says yes to the agent's
  question about it ("Have you passed out?" - "Yes, twice").
- Mentions from months or years ago ("back in 2019", "two weeks ago", "used to") are history, unless
  the sentence says it goes on ("started two weeks ago", "since", "still").
- A caregiver speaking for the patient ("This is her husband", "I'm calling for my mother", in this
  turn or earlier; specialists.text.context.speaking_for) makes "she", "her sugar", "my mother" the
  patient; another person they name ("my neighbour had a stroke") and their own ("my own", "myself")
  stay someone else's. A declared relation that does not fit the plan's patient's sex is not a proxy.
- A fever of 101 F or more is urgent on a post-operative plan and also when the call tells of a recent
  operation or of wound redness or drainage.
- Bleeding for 20 minutes or more, or that will not stop, is heavy bleeding (MedlinePlus: nosebleeds
  lasting more than 20 minutes need care).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from careplans import CarePlan
from specialists import knowledge as kn
from specialists import red_flag_net
from specialists.base import SpecialistResult, TurnContext, Utterance
from specialists.findings import Finding, Level, level_rank
from specialists.text.context import Proxy, Scope, answer_polarity, normalize, proxy_for_turn, scope
from specialists.text.dates import days_back_to
from specialists.text.drugs import find_drug_mentions, plan_drugs
from specialists.text.numbers import UNITS
from specialists.text.spoken import standard_speech

GUIDANCE: dict[str, str] = {
    "emergency": "Tell the patient to call 911 now (or have someone call), stay on the line, do not continue the checklist",
    "urgent": "A nurse must call the patient today; tell them so",
    "routine": "Note it for the care team",
}


@dataclass(frozen=True)
class Hit:
    id: str
    level: Level
    evidence: str
    where: Literal["turn", "history", "answer", "topic", "value", "meaning"] = "turn"


# --------------------------------------------------------------------------------------------------
# Plan facts (cached per plan)
# --------------------------------------------------------------------------------------------------

_CARDIAC_RX = re.compile(
    r"\b(?:coronary|cad\b|ascvd|ischemic heart|ischaemic heart|myocardial infarction|heart attack|\bmi\b|nstemi|stemi|"
    r"angina|acute coronary|acs\b|stent|pci\b|cabg|bypass graft|coronary bypass|cardiomyopathy|heart failure|chf\b|"
    r"hfref|hfpef|hfmref|cardiac failure|aortic stenosis|heart disease)",
    re.I,
)
_LUNG_RX = re.compile(r"\b(?:asthma|copd|chronic obstructive|emphysema|chronic bronchitis|reactive airway)", re.I)


@dataclass(frozen=True)
class _PlanFacts:
    heart_failure: bool
    cardiac: bool
    lung: bool
    post_op: bool
    weight: float | None
    weight_date: dt.date | None
    drug_words: re.Pattern[str] | None


def _plan_facts_uncached(plan: CarePlan, today: dt.date) -> _PlanFacts:
    classes = kn.plan_condition_classes(plan, on=today)
    cond_text = " ; ".join(
        " ".join(filter(None, [c.name, c.note, *[x.display or "" for x in c.codes]]))
        for c in plan.conditions if c.status in {"active", "recurrence", "relapse"} or _CARDIAC_RX.search(c.name))
    heart_failure = "heart_failure" in classes
    latest = plan.latest("weight")
    wdate = latest.date.date() if latest is not None and isinstance(latest.date, dt.datetime) else (
        latest.date if latest is not None else None)
    words: set[str] = set()
    for m in plan.medications:
        for name in [m.name, m.brand, *(m.name.split("/"))]:
            if name and len(name.strip()) > 3:
                words.add(name.strip().lower())
        if m.display:
            first = m.display.split()[0].lower()
            if len(first) > 3 and first.isalpha():
                words.add(first)
    drug_rx = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")\b", re.I) \
        if words else None
    return _PlanFacts(
        heart_failure=heart_failure,
        cardiac=heart_failure or bool(_CARDIAC_RX.search(cond_text)),
        lung=bool(_LUNG_RX.search(cond_text)),
        post_op=_post_op(plan, today),
        weight=latest.value if latest is not None else None,
        weight_date=wdate,
        drug_words=drug_rx,
    )


def _post_op(plan: CarePlan, today: dt.date) -> bool:
    try:  # the labs specialist owns the definition of "post-operative"
        from specialists.labs import plan_is_post_operative
    except ImportError:
        return False
    return plan_is_post_operative(plan, today)


# --------------------------------------------------------------------------------------------------
# Red flags
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Patterns:
    """A flag's or feature's compiled patterns, plus all of them as one regex for a cheap first test."""

    each: tuple[re.Pattern[str], ...]
    any: re.Pattern[str]

    def __iter__(self) -> Iterator[re.Pattern[str]]:
        return iter(self.each)


_PATTERNS: dict[int, tuple[Any, _Patterns]] = {}


def _regexes(obj: Any) -> _Patterns:
    """The compiled patterns of a knowledge RedFlag / RedFlagFeature (macros already expanded)."""
    hit = _PATTERNS.get(id(obj))
    if hit is not None and hit[0] is obj:
        return hit[1]
    each = tuple(getattr(obj, "_rx", ()))
    combined = re.compile("|".join(f"(?:{rx.pattern})" for rx in each) or r"(?!x)x", re.I)
    _PATTERNS[id(obj)] = (obj, _Patterns(each, combined))
    return _PATTERNS[id(obj)][1]


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    text: str


def _affirmed(text: str, patterns: Iterable[re.Pattern[str]], today: dt.date, *, intent: bool = False,
              accept: Any = None, proxy: Proxy | None = None) -> _Found | None:
    """The first match of any pattern that is about the speaker, now, and affirmed."""
    if isinstance(patterns, _Patterns) and patterns.any.search(text) is None:
        return None
    for rx in patterns:
        for m in rx.finditer(text):
            if m.end() == m.start():
                continue
            if accept is not None and not accept(text, m):
                continue
            sc: Scope = scope(text, m.start(), m.end(), pattern=rx, today=today, intent=intent, proxy=proxy)
            if sc.affirmed:
                return _Found(m.start(), m.end(), m.group())
    return None


_NEAR_FAINT = re.compile(
    r"(?:\b(?:almost|nearly|about to|close to|(?:i'?m|i am|i was|i were) (?:going to|gonna|about to)|like i (?:might|would|could)|"
    r"thought i (?:was going to|would|might)|felt like i'?d)\s+(?:\w+\s+)?)$",
    re.I,
)
_MSK_CHEST = re.compile(
    r"\b(?:when i (?:cough|press|push|breathe in|take a deep breath|move|twist|turn|lift|laugh|sneeze|lie|touch)|"
    r"(?:from|after) (?:all )?(?:the )?(?:coughing|cough|lifting|fall|falling|surgery|exercise|working out|workout|shingles)|"
    r"pulled (?:a )?muscle|(?:is|feels) (?:a little |a bit )?sore from|bruised|(?<!around my )(?<!round my )(?<!across my )(?<!around his )(?<!around her )\bribs?\b|tender|to the touch|heartburn|"
    r"indigestion|acid reflux|congest(?:ed|ion)|chest cold)\b",
    re.I,
)
_MECHANICAL = re.compile(
    r"\b(?:when i (?:cough|press|push|move|twist|turn|lift|reach|chew|bend)|(?:from|after) (?:all )?(?:the |my )?(?:coughing|lifting|fall|falling|"
    r"surgery|exercise|exercises|working out|workout|gardening|shovel\w*|carrying|painting|physio|therapy|dentist|tooth|teeth)|pulled (?:a )?muscle|"
    r"(?:is|feels) (?:a little |a bit )?sore from|bruised|tender|to the touch|slept on it|sleeping on it|arthritis|(?<!like a )(?<!like )toothache|(?<!like a )tooth)\b",
    re.I,
)
_RESPIRATORY = re.compile(r"\b(?:wheez\w*|cough\w*|asthma|inhaler|albuterol|puffer|phlegm|mucus|congest\w*)\b", re.I)
_MILD_TIGHTNESS = re.compile(r"\b(?:a (?:bit|little|touch|wee bit)|slightly|kind of|kinda|sort of|bit|little) tight\w*|\btighter\b", re.I)
_STRONG_CARDIAC = re.compile(
    r"\b(?:arm|arms|jaw|neck|shoulder|back|sweat\w*|clammy|nause\w*|sick to my stomach|vomit\w*|throw(?:ing)? up|"
    r"crush\w*|pressure|squeez\w*|elephant|heavy|heaviness|light-?headed|dizzy|faint)\b",
    re.I,
)


def _first_person(text: str) -> str:
    """An agent question in the patient's words ("have you passed out?" -> "have I passed out?")."""
    for rx, repl in _PRONOUN_SWAP:
        text = rx.sub(repl, text)
    return text


_PRONOUN_SWAP = [(re.compile(p, re.I), r) for p, r in (
    (r"\byou'?re\b", "I'm"), (r"\byou'?ve\b", "I've"), (r"\byou'?ll\b", "I'll"), (r"\byou'?d\b", "I'd"),
    (r"\byourself\b", "myself"), (r"\byours\b", "mine"), (r"\byour\b", "my"), (r"\bare you\b", "am I"),
    (r"\bwere you\b", "was I"), (r"\byou are\b", "I am"), (r"\byou were\b", "I was"), (r"\byou\b", "I"),
)]
_QUESTION_SENTENCE = re.compile(r"[^.?!]*\?")
_QUESTION_FORM = re.compile(
    r"^\W*(?:and |so |okay,? |also,? )?(?:(?:is|was) there|are there|has there been|have there been|have i (?:had|noticed|felt|got)|"
    r"did i (?:have|notice|feel|get)|do i (?:have|feel|notice|get)|am i|have i|did i|any)\s+(?:any |some |a )?", re.I)


def _as_statement(question: str) -> str:
    """What a yes affirms: "Is there any sweating, or pain in my arm?" -> "sweating, or pain in my arm"."""
    return " ".join(_QUESTION_FORM.sub("", q).rstrip(" ?") + "." for q in re.findall(r"[^?]+\?", question)) or question
_SYMPTOM_WORDS = re.compile(
    r"\b(?:breath\w*|pain|pains|chest|dizz\w*|light-?headed|nause\w*|stool\w*|blood\w*|bleed\w*|sugar|headache|tired|"
    r"swell\w*|cough\w*|fever\w*|vomit\w*|faint\w*|numb\w*|weak\w*|rash|itch\w*|sweat\w*)\b",
    re.I,
)


@dataclass
class _Texts:
    """What the red flags are read in: the turn, plus context that may complete a flag."""

    turn: str
    recent: list[str]          # the patient's last utterances (features and chest pain said before)
    answered: str | None       # the agent's question the turn says "yes" to, in first person
    proxy: Proxy | None = None  # the speaker speaks for the patient ("This is her husband")
    topic: str | None = None   # the agent's question the turn answers (not with "no"), in first person


_RECAP = re.compile(r"\byou (?:said|mentioned|told me|were saying)(?: that| earlier| before)?,? (?P<said>[^.?!]+)", re.I)


def _texts(ctx: TurnContext) -> _Texts:
    turn = standard_speech(normalize(ctx.text))
    history: Sequence[Utterance] = ctx.history
    recent = [standard_speech(normalize(u.text)) for u in history if u.speaker == "patient"][-2:]
    # "You said your chest felt tight. Does it go anywhere?": the agent's recap is the patient's own report.
    recent += [_first_person(m.group("said")) for u in history[-1:] if u.speaker == "agent"
               for m in _RECAP.finditer(normalize(u.text))]
    answered = topic = None
    last_agent = next((u for u in reversed(history) if u.speaker == "agent"), None)
    polarity = answer_polarity(turn)
    if last_agent is not None and polarity != "no":
        questions = " ".join(m.group().strip() for m in _QUESTION_SENTENCE.finditer(normalize(last_agent.text)))
        if questions:
            topic = _first_person(questions)
            answered = _as_statement(topic) if polarity == "yes" else None
    return _Texts(turn, recent, answered, proxy_for_turn(ctx), topic)


def _feature_found(feature: Any, texts: Sequence[str], today: dt.date, skip: re.Pattern[str] | None = None,
                   proxy: Proxy | None = None) -> _Found | None:
    for t in texts:
        accept = (lambda s, m: not skip.search(m.group())) if skip is not None else None
        if (f := _affirmed(t, _regexes(feature), today, accept=accept, proxy=proxy)) is not None:
            return f
    return None


def _red_flag_hits(tx: _Texts, facts: _PlanFacts, today: dt.date, glucose_low: bool) -> list[Hit]:
    kb = kn.knowledge()
    hits: list[Hit] = []
    for flag in kb.red_flags:
        own = _affirmed(tx.turn, _regexes(flag), today,
                        accept=_near_faint_filter(hits) if flag.id == "fainting" else None, proxy=tx.proxy)
        where: Literal["turn", "history", "answer", "topic"] = "turn"
        if own is None and tx.answered is not None:
            own = _affirmed(tx.answered, _regexes(flag), today, proxy=tx.proxy)
            where = "answer"
            # "any chest pain, trouble breathing or fainting?" - "yes, some trouble breathing": the
            # answer is about the symptom it names (or a feature of this flag), not the others asked.
            if own is not None and _names_other_symptom(tx.turn, own.text + " " + _feature_words(flag, tx.turn)):
                own = None
        if own is None and tx.topic is not None and flag.frames:
            own = _completes_topic(flag, tx, today)
            where = "topic"
        if own is None and flag.requires:
            for past in tx.recent:
                if (own := _affirmed(past, _regexes(flag), today, proxy=tx.proxy)) is not None:
                    where = "history"
                    break
        if own is None:
            continue
        if flag.id == "severe_hypoglycemia" and glucose_low and where == "turn":
            hits.append(Hit(flag.id, flag.level, own.text))
            continue
        level = _check_requires(flag, own, where, tx, facts, today)
        if level is None:
            continue
        if flag.raised_by is not None and level_rank(flag.raised_level) > level_rank(level) and _feature_found(
                kb.red_flag_features[flag.raised_by], [tx.turn], today, proxy=tx.proxy) is not None:
            level = flag.raised_level
        hits.append(Hit(flag.id, level, own.text, where))
    return hits


# Places on the body an answer may name itself ("Any chest pain?" - "No, but my legs feel heavy": the
# heaviness is the legs', not the chest's).
_BODY_PLACE = re.compile(
    r"\b(?:legs?|feet|foot|ankles?|knees?|hips?|head|stomach|belly|tummy|arms?|hands?|neck|jaw|throat|eyes?|ears?|teeth|"
    r"tooth|skin|toes?|fingers?|shoulders?|wrists?|elbows?|calf|calves|thighs?|bottom|bum|ribs?|lungs?|chest|nose|mouth|"
    # "back" and "side" only as places on the body: not "it's come back now", "on the safe side"
    r"(?:my|his|her|their|the|lower|upper|low|left|right) (?:back|side))\b", re.I)


_BP_AFTER = re.compile(r"(?:'s|s)?\s*(?:is|was|has been|been|reading|readings|numbers?|cuff|machine|log)?\s*(?:still |a bit |a little |"
                       r"really |too |way |kind of |pretty |running |at |of )*(?:high|low|good|fine|ok|okay|normal|\d|one|two|"
                       r"a hundred|over)\b", re.I)  # not "worse", "better", "up": a chest pressure can be said to change
_BP_READING = re.compile(r"\bover (?:\d|fifty|sixty|seventy|eighty|ninety|a hundred|one hundred)", re.I)


def _not_blood_pressure(text: str, m: re.Match[str]) -> bool:
    """A "pressure" that is the blood pressure ("the pressure's still high", "blood pressure 150 over 92") does not
    complete a question about chest pain ("Any chest pain?" - "No, but the pressure's still high: one fifty over
    ninety-two")."""
    if not m.group().lower().endswith("pressure"):
        return True
    before, after = text[max(0, m.start() - 6):m.start()].lower(), text[m.end():m.end() + 40]
    return not (before.endswith("blood ") or _BP_AFTER.match(after) or _BP_READING.search(text[m.end():m.end() + 60]))


def _completes_topic(flag: Any, tx: _Texts, today: dt.date) -> _Found | None:
    """An answer that says one part of a frame while the question said the other ("How has your chest
    been?" - "It's like a fist squeezing and it won't let go"; "Any sweating, or pain in your arm or
    jaw?" - "My jaw and my upper back, and I'm soaked"). A quality said with a body place of its own
    belongs to that place, not to the one asked about."""
    assert tx.topic is not None
    for a, b in flag.frames:
        for asked, said in ((a, b), (b, a)):
            if asked.search(tx.topic) is None:
                continue
            found = _affirmed(tx.turn, [said], today, proxy=tx.proxy, accept=_not_blood_pressure)
            if found is None:
                continue
            places = {m.group().lower() for m in _BODY_PLACE.finditer(tx.turn)}
            if places and not _BODY_PLACE.search(found.text):
                continue
            return found
    return None


def _names_other_symptom(answer: str, asked: str) -> bool:
    def stems(t: str) -> set[str]:
        return {w.lower()[:5] for w in _SYMPTOM_WORDS.findall(_FAINT_WORDS.sub("faint", t))}
    return bool(stems(answer) - stems(asked))


def _feature_words(flag: Any, text: str) -> str:
    feats = kn.knowledge().red_flag_features
    return " ".join(m.group() for fid in flag.requires for rx in _regexes(feats[fid]) for m in rx.finditer(text))


_FAINT_WORDS = re.compile(r"\b(?:pass(?:ed|ing)?|black(?:ed|ing)?) out\b", re.I)


def _near_faint_filter(hits: list[Hit]) -> Any:
    def accept(text: str, m: re.Match[str]) -> bool:
        if _NEAR_FAINT.search(text[max(0, m.start() - 45):m.start()]):
            hits.append(Hit("near_fainting", "routine", text[max(0, m.start() - 12):m.end()].strip()))
            return False
        return True
    return accept


def _check_requires(flag: Any, own: _Found, where: str, tx: _Texts, facts: _PlanFacts, today: dt.date) -> Level | None:
    """The flag's level when its required features are present (in the turn or, when the turn adds
    one, in context), or a lower level for the documented special cases; None when it does not fire."""
    kb = kn.knowledge()
    if flag.id in {"chest_pain_cardiac", "chest_pain_with_cardiac_features"} and _asthma_tightness(own, tx.turn, facts):
        return "routine"
    if not flag.requires:
        return flag.level
    own_text = {"turn": tx.turn, "answer": tx.answered or "", "topic": tx.topic or ""}.get(where, "")
    if flag.id == "chest_pain_with_cardiac_features" and where == "turn" and _MSK_CHEST.search(_explaining(tx.turn, own)):
        return None
    # Arm, jaw or upper-belly pain a strain explains ("my shoulder aches from lifting"); "like
    # indigestion" is not such a cause (AHA: a heart attack can feel like indigestion).
    if flag.id in {"cardiac_referred_pain", "cardiac_spreading_discomfort"} and where == "turn" \
            and _MECHANICAL.search(_explaining(tx.turn, own)):
        return None
    # In a lung patient, breathlessness alone is the lung disease, not a cardiac feature.
    skip = re.compile(r"breath|winded", re.I) \
        if flag.id in {"chest_pain_with_cardiac_features", "cardiac_spreading_discomfort"} and facts.lung else None
    context = [t for t in (tx.answered, *tx.recent) if t]
    turn_feature = False
    for fid in flag.requires:
        feature = kb.red_flag_features[fid]
        in_turn = _feature_found(feature, [tx.turn], today, skip, tx.proxy)
        if in_turn is not None:
            turn_feature = True
            continue
        if _feature_found(feature, [own_text, *context] if own_text else context, today, skip, tx.proxy) is None:
            return _without_features(flag, facts) if where in {"turn", "answer", "topic"} else None
    if where == "history" and not turn_feature:
        return None
    return flag.level


def _without_features(flag: Any, facts: _PlanFacts) -> Level | None:
    """Plain chest pain: emergency for a cardiac patient, else urgent (see the module docstring)."""
    if flag.id != "chest_pain_with_cardiac_features":
        return None
    return "emergency" if facts.cardiac else "urgent"


def _clause(text: str, found: _Found, *, and_next: bool = False) -> str:
    """The sentence (up to ".?!;") ``found`` is in; ``and_next``: and the one after it, where people often name
    a cause ("... I suppose it's the Eliquis")."""
    lo = _clause_start(text, found) - 1
    hi = min([i for i in (text.find(c, found.end) for c in ".?!;") if i >= 0], default=len(text))
    if and_next and hi < len(text):
        hi = min([i for i in (text.find(c, hi + 1) for c in ".?!;") if i >= 0], default=len(text))
    return text[lo + 1:hi]


def _clause_start(text: str, found: _Found) -> int:
    """Where the sentence (after ".?!;") holding ``found`` starts."""
    return max(text.rfind(c, 0, found.start) for c in ".?!;") + 1


_CONTRAST = re.compile(r"\b(?:but|yet|though|except)\b", re.I)


def _explaining(text: str, found: _Found) -> str:
    """The clause that may explain a symptom away, from its last contrast before the symptom on: "he says it's
    just the heartburn, but he's gone grey, rubbing at his chest" sets the speaker's own account against the
    explanation, which then explains nothing."""
    clause = _clause(text, found)
    cuts = [m.end() for m in _CONTRAST.finditer(clause, 0, found.start - _clause_start(text, found))]
    return clause[cuts[-1]:] if cuts else clause


def _asthma_tightness(own: _Found, turn: str, facts: _PlanFacts) -> bool:
    if not facts.lung or not re.search(r"tight", own.text, re.I):
        return False
    sentence = _clause(turn, own)
    # "the chest's a bit tighter" in a lung patient is the lungs' usual tightness unless a cardiac feature is said
    return bool(_RESPIRATORY.search(sentence) or _MILD_TIGHTNESS.search(sentence)) and not _STRONG_CARDIAC.search(sentence)


# --------------------------------------------------------------------------------------------------
# Values: glucose, temperature, weight
# --------------------------------------------------------------------------------------------------

def _labs() -> Any:
    try:
        from specialists import labs
    except ImportError:  # the labs specialist is not there: values are left to it
        return None
    return labs


_ANY_NUMBER = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
                         r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
                         r"eighty|ninety|hundred|a couple|a few)\b", re.I)


def _readings(text: str, plan: CarePlan, context: Sequence[str], proxy: Proxy | None = None) -> list[Any]:
    labs = _labs()
    if labs is None or not _ANY_NUMBER.search(text):
        return []
    return list(labs.read_measurements(text, plan, context=list(context), include_flagged=True, proxy=proxy))


def _glucose_low_before(ctx: TurnContext, proxy: Proxy | None) -> bool:
    """The patient's last answer gave a glucose below 54 ("What was her sugar?" - "Forty-something"), so
    confusion said now is that low's."""
    history = list(ctx.history)
    k = next((i for i in range(len(history) - 1, -1, -1) if history[i].speaker == "patient"), None)
    if k is None or k < len(history) - 2 or not _ANY_NUMBER.search(history[k].text):
        return False
    context = [h.text for h in history[max(0, k - 2):k]]
    return any(r.analyte == "glucose" and r.value < 54 and r.current and _own(r)
               for r in _readings(history[k].text, ctx.plan, context, proxy))


def _own(r: Any) -> bool:
    """The patient's own value, current or earlier (not negated, hypothetical, a goal, a question, another's)."""
    return not (r.negated or r.hypothetical or r.other_person or r.target or r.question)


_FEVER_WORDS = re.compile(r"\b(?:running (?:a )?(?:fever|temperature|temp)|(?:have|had|got|with) (?:a |some )?(?:fever|temperature)|"
                          r"feverish|febrile|spiking (?:a )?(?:fever|temp\w*)|fever)\b", re.I)
_LOW_GRADE = re.compile(r"\b(?:low[- ]grade|slight|little|mild|tiny|small)\s+(?:bit of (?:a )?)?(?:fever|temp\w*)", re.I)


def _post_op_talk(ctx: TurnContext, tx: _Texts) -> bool:
    """The call tells of a recent operation or of wound redness or drainage (fever >= 101 F is then
    urgent even when the plan does not say post-operative)."""
    labs = _labs()
    if labs is None:
        return False
    return bool(labs.post_op_talk(tx.turn) or labs.post_op_talk(ctx.said_before("patient")[-600:]))


def _severe_bp(r: Any) -> bool:
    return (r.analyte == "systolic_bp" and r.value >= 180 and r.qualifier != "<") or \
        (r.analyte == "diastolic_bp" and r.value >= 110 and r.qualifier != "<")


def _value_hits(ctx: TurnContext, tx: _Texts, facts: _PlanFacts, readings: list[Any]) -> list[Hit]:
    hits: list[Hit] = []
    today = ctx.today
    confusion = kn.red_flag_features().get("confusion_or_cannot_treat")
    post_op = facts.post_op or _post_op_talk(ctx, tx)
    for r in (r for r in readings if r.current):
        if r.analyte == "glucose" and r.value < 54 and r.qualifier != ">":
            confused = confusion is not None and _feature_found(confusion, [tx.turn], today, proxy=tx.proxy) is not None
            hits.append(Hit("glucose_below_54_confused" if confused else "glucose_below_54_treated",
                            "emergency" if confused else "urgent", f"glucose {r.text}", "value"))
        if r.analyte == "spo2" and r.value < 88 and r.qualifier != ">":
            # below every target range (BTS 2017), with fast or hard breathing, blue lips or confusion: severe trouble
            # breathing ("his oxygen says seventy-eight and he's breathing really fast")
            distress = kn.red_flag_features().get("breathing_distress")
            found = _feature_found(distress, [tx.turn], today, proxy=tx.proxy) if distress is not None else None
            if found is not None:
                hits.append(Hit("low_spo2_with_breathing_distress", "emergency", f"oxygen {r.text} with {found.text!r}", "value"))
        if r.analyte == "temperature" and r.value >= 101.0 and r.qualifier != "<" and post_op:
            hits.append(Hit("postop_fever", "urgent", f"temperature {r.text}", "value"))
        if _severe_bp(r):
            # >= 180/110 is urgent only without symptoms (the labs specialist gives that); with signs of
            # organ damage it is a hypertensive emergency.
            symptom = kn.red_flag_features().get("hypertensive_crisis_symptom")
            found = _feature_found(symptom, [tx.turn], today, proxy=tx.proxy) if symptom is not None else None
            if found is not None:
                hits.append(Hit("hypertensive_crisis_with_symptoms", "emergency", f"{r.text} with {found.text!r}", "value"))
    if facts.post_op and not any(r.analyte == "temperature" and _own(r) for r in readings):
        found = _affirmed(tx.turn, [_FEVER_WORDS], today, proxy=tx.proxy)
        if found is not None and not _LOW_GRADE.search(tx.turn):
            hits.append(Hit("postop_fever", "urgent", found.text))
    if facts.heart_failure:
        hits += _weight_hits(ctx, tx, facts, readings)
    return hits


def _weight_hits(ctx: TurnContext, tx: _Texts, facts: _PlanFacts, readings: list[Any]) -> list[Hit]:
    labs = _labs()
    if labs is None or not _ANY_NUMBER.search(tx.turn):  # every weight change says a number
        return []
    hits = []
    for ch in labs.read_weight_changes(tx.turn, today=ctx.today, proxy=tx.proxy):
        if _weight_gain_urgent(ch.pounds, ch.days):
            hits.append(Hit("hf_weight_gain", "urgent", ch.text, "value"))
    if hits:
        return hits
    weights = [(r, _days_ago(tx.turn, r, ctx.today)) for r in readings if r.analyte == "weight" and _own(r)]
    if not weights:
        return []
    # "I was 196 on Monday and this morning the scale said 202": two of the patient's weights.
    past = [(r, d) for r, d in weights if getattr(r, "earlier", False) or (d is not None and d > 0)]
    now = [(r, d) for r, d in weights if (r, d) not in past]
    if past and now:
        (ref_r, ref_days), (cur, _) = max(past, key=lambda x: x[1] or 0), now[-1]
        if _weight_gain_urgent(cur.value - ref_r.value, ref_days):
            return [Hit("hf_weight_gain", "urgent", f"weight {cur.text} vs {ref_r.text} before", "value")]
        return []
    cur = (now or weights)[-1][0]
    ref, days = _reference_weight(ctx, facts)
    if ref is None:
        return []
    gain = cur.value - ref
    if (days is not None and days <= 1 and gain >= 3) or ((days is None or days <= 14) and gain >= 5):
        return [Hit("hf_weight_gain", "urgent", f"weight {cur.text} vs {ref:g} lb before", "value")]
    return []


_WHEN = re.compile(
    r"\b(?P<today>today|this morning|tonight|now|this am|right now)\b|\b(?P<yday>yesterday|last night)\b|"
    r"\b(?P<week>last week|a week ago)\b|\b(?P<n>\d+|two|three|four|five|six) days ago\b|"
    r"\b(?:on |last |this past )?(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|"
    r"\b(?P<before>at discharge|when i left the hospital|dry weight|used to be|before)\b",
    re.I,
)


_DATES_NEXT = re.compile(r"\b(?:yesterday|last night|last week|(?:on |last )?(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b,? "
                         r"(?:it|i|he|she|the scale)(?: was|'d been| had been| said| read| weighed)\b", re.I)


def _days_ago(text: str, r: Any, today: dt.date) -> float | None:
    """How long ago a weight was, from the time words next to it: 0 today, None unknown."""
    lo = max(0, r.start - 30)
    before, after = text[lo:r.start], text[r.end:r.end + 30]
    # a time word belongs to this weight unless another number stands between them
    after = re.split(r"[.;!?]|\band\b|\bbut\b|\d", after, maxsplit=1)[0]
    # "221 yesterday it was 216": a time word that opens "it was" dates the next weight, not this one
    after = _DATES_NEXT.split(after, maxsplit=1)[0]
    before = re.split(r"[.;!?]|\band\b|\bbut\b|\d", before)[-1]
    for part in (after, before):
        m = _WHEN.search(part)
        if m is None:
            continue
        if m.group("today"):
            return 0.0
        if m.group("yday"):
            return 1.0
        if m.group("week"):
            return 7.0
        if m.group("n"):
            n = m.group("n")
            return float(n) if n.isdigit() else float(UNITS[n.lower()])
        if m.group("wd"):
            return float(days_back_to(m.group("wd").lower(), today))
        return None if m.group("before") is None else 7.0
    return None


def _weight_gain_urgent(pounds: float, days: float | None) -> bool:
    if pounds >= 3 and days is not None and days <= 1:
        return True
    return pounds >= 5 and (days is None or days <= 7)


def _reference_weight(ctx: TurnContext, facts: _PlanFacts) -> tuple[float | None, float | None]:
    """The weight to compare with: one said earlier in the call, else the plan's last recorded one."""
    labs = _labs()
    history = list(ctx.history)
    for k in range(len(history) - 1, -1, -1):
        u = history[k]
        # the question before names a bare weight ("What did you weigh yesterday?" - "I was 212 even")
        before = [h.text for h in history[max(0, k - 2):k]]
        found = [r for r in labs.read_measurements(u.text, ctx.plan, context=before) if r.analyte == "weight"] if labs else []
        if found:
            days = _days_ago(normalize(u.text), found[-1], ctx.today)
            return found[-1].value, days
    if facts.weight is None:
        return None, None
    days = (ctx.today - facts.weight_date).days if facts.weight_date is not None else None
    return facts.weight, (days if days is not None and days >= 0 else None)


# --------------------------------------------------------------------------------------------------
# Routine: mild side effects, refills
# --------------------------------------------------------------------------------------------------

# Common, usually mild medication side effects: routine whenever the patient reports them.
_SIDE_EFFECTS = re.compile(
    r"\b(?:dizzy|dizziness|light-?headed(?:ness)?|woozy|(?:the )?room (?:is |was |keeps )?spinning|vertigo|unsteady on my feet|"
    r"(?:feel|feels|feeling|felt) (?:a little |a bit |kind of |kinda |really |very |so )?faint|(?:going to|gonna|about to) faint|"
    r"nausea|nauseous|nauseated|queasy|sick to my stomach|upset stomach|stomach (?:is |has been |was )?(?:upset|bothering me)|"
    r"stomach ?aches?|tummy ache|heartburn|indigestion|"
    r"(?:threw|throwing|thrown) up|vomit(?:ed|ing)?|diarrh(?:ea|oea)|loose stools?|constipat\w*|"
    r"dry cough|hacking cough|tickle in my throat|(?:a|this|that) (?:nagging |annoying |little )?cough|"
    r"muscle (?:aches?|pains?|cramps?|soreness)|my muscles (?:ache|hurt|are sore|are aching)|leg cramps|achy|"
    r"rash|itchy|itching|hives|bruis(?:e|es|ing) (?:easily|a lot|more)|gums? (?:bleed|bled|bleeding)|"
    r"shaky|jittery|tremors?|trembling|heart (?:is |was |keeps )?racing|palpitations|pounding heart|"
    r"dry mouth|metallic taste|funny taste|peeing (?:a lot|all the time|constantly|more)|"
    r"(?:ankles?|feet|foot|legs?)\b[^.?!]{0,20}\b(?:swollen|swelling|puffy|puffed up)|swelling in my (?:ankles?|feet|legs?))\b",
    re.I,
)
# Symptoms too common to mean a side effect unless the patient ties them to a medicine.
_WEAK_SYMPTOMS = re.compile(
    r"\b(?:(?:dry|tickly|tickling|hacking|nagging|annoying|irritating|scratchy|little|persistent|constant|"
    r"dry,? tickly|dry,? hacking|tickly,? dry)(?:,? (?:little|dry|tickly|hacking|nagging))* cough|coughing (?:a lot|all the time|more)|"
    r"upset(?:s|ting)? my (?:stomach|tummy|belly|gut)|(?:stomach|tummy|belly|gut) (?:is |has been |'s )?(?:a (?:little|bit) )?(?:upset|off)|"
    r"gassy|bloat(?:ed|ing)|cramp(?:s|ing)|flush(?:ed|ing)|hot flashes|the runs|sluggish|foggy|"
    r"mouth (?:is|feels|has been|gets|'s) (?:so |really |very |kind of |a little )?dry|"
    r"(?:pee|peeing|urinat\w*) (?:a lot|all the time|constantly|more|so much|all night|every hour)|"
    r"tired|fatigue[d]?|exhausted|worn out|drowsy|sleepy|groggy|no energy|headaches?|can'?t sleep|trouble sleeping|"
    r"insomnia|weak|a little short of breath|winded|blurr?y vision|hair (?:is )?falling out|low (?:blood )?sugars?)\b",
    re.I,
)
_ATTRIBUTION = re.compile(
    r"\b(?:pills?|medicines?|medications?|meds|tablets?|doses?|shots?|injections?|inhalers?|side effects?|"
    r"since (?:i )?(?:start(?:ed|ing)|began|switch(?:ed|ing)|went up|increas\w+)|ever since|after (?:i )?tak(?:e|ing)|"
    r"when i take|makes? me|made me|because of (?:the|my)|new prescription|water pill)\b",
    re.I,
)
_REFILL = re.compile(
    r"\b(?:need|needs|needed|want|wants|request(?:ing)?|call(?:ing)? in|send(?:ing)?|get|getting|due for|time for|"
    r"ask(?:ing)? (?:for|about)|out of)\b[^.?!]{0,30}\brefill(?:s|ed)?\b|\brefills?\b[^.?!]{0,25}\b(?:please|needed|soon|is due|ran out|run out)\b|"
    r"\b(?:almost|nearly|just about|about|running|getting|pretty) (?:out|low)\b|"
    # what is left: "I'm down to the last few Synthroid", "down to my last two"
    r"\bdown to (?:my |the |his |her |our )?(?:last|final) (?:few|couple|handful|one|two|three|four|five|six|seven|\d+)\b|"
    r"\bonly (?:have |got )?(?:a (?:few|couple)|\d+|one|two|three|four|five|six|seven) (?:more )?"
    r"(?:(?:pills?|tablets?|capsules?|doses?|days?(?: worth)?|shots?|pens?)(?: left)?|left)\b|\blast (?:pill|bottle|pen|vial|inhaler)\b|"
    r"\bneeds? (?:some )?more (?:of )?(?:the |my |his |her |those )\w+|\bneeds? (?:a )?new (?:bottle|prescription|script|supply|box|pen)\b|"
    r"\b(?:sort|put in for|order|phone in) (?:me |him |her |us )?(?:a |the |some )?refills?\b|"
    r"\b(?:a (?:few|couple)|\d+|one|two|three|four|five|six|seven) (?:more )?(?:pills?|tablets?|capsules?|doses?|days?(?: worth)?|"
    r"shots?|pens?)(?: of (?:it|them|those|(?:my|the|his|her) [\w -]{1,20}))? left\b|"
    r"\b(?:a (?:few|couple)|\d+|one|two|three|four|five|six|seven|a week|a week's worth) of (?:the|my|his|her) [\w -]{1,20}? left\b|"
    r"\bdown to (?:about |maybe |just |only |the last |my last |his last |her last )?(?:a (?:few|couple)|\d+|one|two|three|four|five|six|seven) "
    r"(?:days?|pills?|tablets?|capsules?|doses?|shots?|pens?|of (?:the|my|his|her|them|it|those))\b|\bdown to (?:about |the last |a )?week\b|"
    r"\bneeds? (?:the |my |his |her )?[\w-]+(?: [\w-]+)? refilled\b",
    re.I,
)
_REFILL_REQUEST = re.compile(
    r"\b(?:can|could|would|will)\s+(?:you|i|we|they|someone|somebody)\b[^.?!]{0,25}\b(?:send|get|have|order|call(?: in)?|phone(?: in)?|"
    r"put in|sort|fill|renew)\b[^.?!]{0,15}\b(?:refills?|new (?:bottle|prescription|script|supply))\b[^.?!]*\?",
    re.I,
)
_MED_CONTEXT = re.compile(
    r"\b(?:refills?|pills?|meds|medicines?|medications?|prescriptions?|insulin|inhaler|tablets?|capsules?|bottle|pens?|"
    r"vials?|supply|water pills?|blood thinners?|strips|test strips)\b",
    re.I,
)


def _routine_hits(tx: _Texts, facts: _PlanFacts, today: dt.date, plan: CarePlan | None) -> list[Hit]:
    hits: list[Hit] = []
    turn = tx.turn
    # Asked about their medicines' side effects, a complaint in the answer is one: the question ties it.
    asked = _asks_about_medicines(tx.topic, facts)
    if (f := _affirmed(turn, [_SIDE_EFFECTS], today, accept=_not_a_purpose, proxy=tx.proxy)) is not None:
        hits.append(Hit("mild_side_effect", "routine", f.text))
    elif (f := _affirmed(turn, [_WEAK_SYMPTOMS], today, proxy=tx.proxy)) is not None:
        sentence = _clause(turn, f)
        if asked or _ATTRIBUTION.search(sentence) or (facts.drug_words is not None and facts.drug_words.search(sentence)) \
                or _names_drug(sentence) or _tied_to_medicine(_clause(turn, f, and_next=True), facts, plan):
            hits.append(Hit("mild_side_effect", "routine", f.text))
    elif (f := _feature_found(kn.red_flag_features()["side_effect_complaint"], [turn], today, proxy=tx.proxy)) is not None \
            and (asked or _tied_to_medicine(_clause(turn, f, and_next=True), facts, plan)
                 or _plan_drug_beside(_clause(turn, f), plan)):
        hits.append(Hit("mild_side_effect", "routine", f.text))
    # A refill need is about the future by nature: "I'll need a refill next week" still counts.
    refill = _affirmed(turn, [_REFILL], today, intent=True, accept=lambda s, m: _med_context(s, m, facts), proxy=tx.proxy)
    if refill is None:  # a refill asked for is the need itself: "can you have them send a refill?"
        m = _REFILL_REQUEST.search(turn)
        refill = _Found(m.start(), m.end(), m.group()) if m and _med_context(turn, m, facts) else None
    if refill is not None:
        hits.append(Hit("refill_need", "routine", refill.text))
    return hits


_PURPOSE = re.compile(r"\b(?:for|to help(?: with)?|against|to stop|to settle)\s+(?:my |the |some |a |this |that |her |his )?$", re.I)


# "the nausea tablet", "my heartburn pills": the symptom names the medicine
_NAMES_A_MEDICINE = re.compile(r"\s*(?:tablets?|pills?|medicines?|medications?|meds|patch(?:es)?|sprays?|drops|liquid|syrup)\b", re.I)


def _not_a_purpose(text: str, m: re.Match[str]) -> bool:
    """ "Can I take Tums for heartburn?", "the nausea tablet": the symptom is what a drug is for, not a reported side
    effect."""
    return _PURPOSE.search(text[max(0, m.start() - 30): m.start()]) is None and not _NAMES_A_MEDICINE.match(text, m.end())


@lru_cache(maxsize=4096)
def _is_drug_word(word: str) -> bool:
    return len(word) > 3 and kn.lookup(word) is not None


# The caller blames a medicine: "it's the Eliquis", "since they upped the Synthroid", "from the blood thinner".
_BLAME = re.compile(r"\b(?:gives?|gave|giving|makes?|made|making|upsets?|upsetting|caus\w+|from|since|after|because of|due to|side effects?|"
                    r"it'?s (?:the|that|my|his|her)|must be (?:the|that|my)|blame|(?:upped|raised|increased|bumped up|doubled|changed)|"
                    r"(?:does|did|do) (?:that|this|it) to|binds?|got (?:me|him|her))\b",
                    re.I)


def _names_drug(sentence: str) -> bool:
    """The sentence ties the symptom to a drug the knowledge knows ("the ibuprofen upsets my stomach"),
    not merely names one ("headaches, but I'm not taking any Tylenol")."""
    return bool(_BLAME.search(sentence)) and any(_is_drug_word(w) for w in re.findall(r"[a-z][a-z-]+", sentence.lower()))


def _tied_to_medicine(sentence: str, facts: _PlanFacts, plan: CarePlan | None) -> bool:
    """A medicine is named or described beside the complaint, and blamed for it."""
    if not _BLAME.search(sentence):
        return False
    if _MED_CONTEXT.search(sentence):
        return True
    named = (facts.drug_words is not None and facts.drug_words.search(sentence)) or find_drug_mentions(sentence, plan)
    return bool(named)


# The agent's question is about how the medicines sit with the patient: "Any side effects bothering you?",
# "How are you getting on with the prednisone?", "Any trouble with the new pill?"
_MEDICINE_QUESTION = re.compile(
    r"\b(?:(?P<side_effects>side[- ]effects?|reactions? to)|(?:getting on|getting along|doing|managing|coping|agreeing|sitting) with|"
    r"(?:trouble|problems?|issues?|bother\w*) (?:with|from|on)|(?:treating|agreeing with|suiting) (?:me|my|him|her))\b",
    re.I,
)


def _asks_about_medicines(topic: str | None, facts: _PlanFacts) -> bool:
    if not topic or not (m := _MEDICINE_QUESTION.search(topic)):
        return False
    if m["side_effects"]:
        return True
    after = topic[m.end():m.end() + 40]  # "getting on with" what: a medicine
    return bool(_MED_CONTEXT.search(after) or (facts.drug_words is not None and facts.drug_words.search(after)))


def _plan_drug_beside(sentence: str, plan: CarePlan | None) -> bool:
    """A plan medicine named in the complaint's own sentence, not as what the complaint is treated with
    ("That Flomax, when I get up too quick I get swimmy-headed" - not "I take the Flomax for my itch")."""
    if plan is None or re.search(r"\b(?:for (?:my|his|her|the|your|their)|helps?|helped|relie\w+|better|works?|worked)\b",
                                 sentence, re.I):
        return False
    on_plan = plan_drugs(plan)
    return any(set(d.drugs) & on_plan for d in find_drug_mentions(sentence, plan))


def _med_context(text: str, m: re.Match[str], facts: _PlanFacts) -> bool:
    window = text[max(0, m.start() - 60): m.end() + 60]
    if re.search(r"\b(?:patience|time|money|gas|food|milk|options|luck|breath)\b", text[m.end(): m.end() + 20], re.I):
        return False
    if re.search(r"\b(?:just )?(?:got|picked up|received|filled|have plenty of|plenty of)\s+(?:my |the |a |all my )?refills?\b", window, re.I):
        return False
    return bool(_MED_CONTEXT.search(window) or (facts.drug_words is not None and facts.drug_words.search(window)))


# --------------------------------------------------------------------------------------------------
# The specialist
# --------------------------------------------------------------------------------------------------

def _rules_read(turn: str, today: dt.date, proxy: Proxy | None) -> bool:
    """The rules read red-flag words here and set them aside: negated, hypothetical, someone else's or past, or
    explained by a strain ("hurts when I press on it", "from lifting"). Words they read as affirmed but judged
    below a red flag only for a missing feature are still the net's to read: "it's going into my back" without a
    sweat is no rule's emergency, and may be the net's."""
    for flag in kn.knowledge().red_flags:
        if flag.search(turn) is None:
            continue
        for rx in _regexes(flag):
            for m in rx.finditer(turn):
                if m.end() == m.start():
                    continue
                if not scope(turn, m.start(), m.end(), pattern=rx, today=today, proxy=proxy).affirmed:
                    return True
                clause = _clause(turn, _Found(m.start(), m.end(), m.group()))
                if _MSK_CHEST.search(clause) or _MECHANICAL.search(clause):
                    return True
    return False


def _reason(h: Hit) -> str:
    if h.where == "meaning":
        return f"reads as a red-flag emergency that no rule placed (paraphrase net): {h.evidence!r}"
    return f"red flag {h.id}: {h.evidence!r}" + (f" ({h.where})" if h.where not in {"turn", "value"} else "")


class EscalationSpecialist:
    """Red flags and escalation thresholds in what the patient says -> one escalation finding."""

    name = "escalation"
    speakers: frozenset[Literal["agent", "patient"]] = frozenset({"patient"})

    def __init__(self, use_net: bool = True) -> None:
        # use_net=False: the rules alone (the red-flag net's training compares itself with them)
        self.use_net = use_net
        # Keyed by the plan object (kept alive in the entry, so its id cannot be reused) and the day;
        # hashing the plan's content on every turn would cost more than the check itself.
        self._facts: dict[tuple[int, dt.date], tuple[CarePlan, _PlanFacts]] = {}

    def plan_facts(self, plan: CarePlan, today: dt.date) -> _PlanFacts:
        key = (id(plan), today)
        hit = self._facts.get(key)
        if hit is not None and hit[0] is plan:
            return hit[1]
        facts = _plan_facts_uncached(plan, today)
        if len(self._facts) > 256:
            self._facts.clear()
        self._facts[key] = (plan, facts)
        return facts

    def hits(self, ctx: TurnContext) -> list[Hit]:
        """Every escalation reason the turn gives, highest level first."""
        if not ctx.text.strip():
            return []
        facts = self.plan_facts(ctx.plan, ctx.today)
        tx = _texts(ctx)
        context = [u.text for u in ctx.history][-3:]
        readings = _readings(tx.turn, ctx.plan, context, tx.proxy)
        glucose_low = any(r.analyte == "glucose" and r.value < 54 and r.current for r in readings) or _glucose_low_before(ctx, tx.proxy)
        hits = _red_flag_hits(tx, facts, ctx.today, glucose_low)
        hits += _value_hits(ctx, tx, facts, readings)
        hits += _routine_hits(tx, facts, ctx.today, ctx.plan)
        # The net reads what no rule placed: not a turn the rules judged (a mild dizziness is routine) nor one whose
        # red-flag words they read and set aside (negated, hypothetical, someone else's, history, a strain).
        if self.use_net and not hits and not _rules_read(tx.turn, ctx.today, tx.proxy) and red_flag_net.flags(
                ctx.text, speaker_is_patient=proxy_for_turn(ctx, inferred=False) is None):
            hits.append(Hit("paraphrase_net", "emergency", ctx.text.strip()[:160], "meaning"))
        return sorted(hits, key=lambda h: -level_rank(h.level))

    def check(self, ctx: TurnContext) -> SpecialistResult:
        hits = self.hits(ctx)
        if not hits:
            return SpecialistResult()
        level = hits[0].level
        top = list({h.id: h for h in reversed([h for h in hits if h.level == level])}.values())[::-1]
        reasons = "; ".join(_reason(h) for h in top)
        finding = Finding(kind="escalation", level=level, urgency=level, message=f"{level}: {reasons}",
                          evidence=top[0].evidence, specialist=self.name, said_as=kn.red_flag_said_as(top[0].id))
        return SpecialistResult(findings=[finding], guidance=[GUIDANCE[level]])
