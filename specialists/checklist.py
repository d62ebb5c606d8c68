"""Checklist specialist: which care-plan checklist items a turn covered, and which remain.

An item is covered when the agent asks or reminds about it, or the patient reports on it. Each item's
text is read into topics ("Ask for today's weight and compare with the dry weight" -> weight;
"Review medication adherence including the water pill" -> medicines, adherence, the plan's
diuretic), each topic with the words people use for it ("What did you weigh this morning?"). A
topic shared by several items counts for each in part, so "how are your medicines?" does not tick
"ask about new medicines and supplements". No contract findings: the state and a reminder only.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass

from careplans import CarePlan
from specialists import knowledge as kb
from specialists.base import SpecialistResult, TurnContext
from specialists.text.claims import describe_fits

# Topic -> (words in an item that name it, words in a turn that cover it). Multi-word item phrases first.
_TOPICS: dict[str, tuple[str, str]] = {
    "hypoglycemia": (r"\blow blood sugars?\b|\blows\b|\bhypoglycemi\w*|\blow sugars?\b",
                     r"\blows?\b|\blow (?:blood )?sugars?\b|\bhypo\w*|\bshak\w*|\bsweat\w*|\bjitter\w*|\bdropp?(?:ed|ing)? (?:low|below)"),
    "orthopnea": (r"\bpropped up\b|\bsleeping (?:propped|upright|in a chair)\b|\bpillows?\b",
                  r"\bpropped\b|\bpillows?\b|\brecliner\b|\bsleep\w* (?:sitting|upright|in a chair)|\blie flat|\blying flat|\bat night\b"),
    "breath": (r"\bshortness of breath\b|\bbreath\w*\b|\bwinded\b",
               r"\bshort(?:ness)? of breath\b|\bbreath\w*|\bwinded\b|\bbreathless|\bwheez\w*"),
    "wound_check": (r"\bwound check\b|\bstaple removal\b", r"\bwound check\b|\bstaples? (?:out|removal|removed|come out)|\bappointment\b|\bvisit\b"),
    "rescue": (r"\brescue inhaler\b|\bquick[- ]relief\b", r"\brescue\b|\bquick[- ]relief\b"),
    "controller": (r"\bcontroller(?: inhaler)?\b|\bmaintenance inhaler\b|\bdaily inhaler\b",
                   r"\bcontroller\b|\bdaily inhaler\b|\bmaintenance\b|\bpreventer\b|\bsteroid inhaler\b"),
    "inhaler": (r"\binhalers?\b", r"\binhalers?\b|\bpuffs?\b|\bpuffer\b"),
    "adherence": (r"\badherence\b|\bmissed\b|\bdouble doses\b|\bdoses\b|\bas prescribed\b",
                  r"\bmissed\b|\bmiss(?:ing)?\b|\bskipp?\w*|\bforg[eo]t\w*|\bas prescribed\b|"
                  r"\bdoses?\b|\bdouble\b|\bevery (?:day|evening|morning|night)\b|\bran out\b|\brefill"),
    "medication": (r"\bmedications?\b|\bmedicines?\b|\bmeds\b|\bpills?\b",
                   r"\bmedications?\b|\bmedicines?\b|\bmeds\b|\bpills?\b|\bprescriptions?\b|\btablets?\b"),
    "new": (r"\bnew\b|\bover[- ]the[- ]counter\b|\botc\b", r"\bnew\b|\bstart(?:ed|ing)\b|\bover[- ]the[- ]counter\b|\botc\b|\banything else\b|\bother\b"),
    "vitamin_k": (r"\bvitamin k\b", r"\bvitamin k\b|\bgreens\b|\bspinach\b|\bkale\b|\bbroccoli\b|\bcollards?\b"),
    "supplements": (r"\bsupplements?\b|\bvitamins?\b|\bherbal\w*", r"\bsupplements?\b|\bvitamins?\b|\bherb\w*|\bfish oil\b|\bover[- ]the[- ]counter\b"),
    "pain_relievers": (r"\bpain relievers?\b|\bpain killers?\b|\bnsaids?\b",
                       r"\bpain (?:relievers?|killers?|pills?|medicines?|medication)\b|\bibuprofen\b|\badvil\b|\bmotrin\b|\baleve\b|"
                       r"\bnaproxen\b|\baspirin\b|\btylenol\b|\bacetaminophen\b|\bnsaids?\b|\banti-?inflammator\w*"),
    "weight": (r"\bweigh\w*|\bweight\b", r"\bweigh\w*|\bweight\b|\bscale\b|\bpounds\b|\blbs?\b|\bkilos?\b"),
    "swelling": (r"\bswell\w*|\bedema\b", r"\bswell\w*|\bswollen\b|\bpuffy\b|\bedema\b|\bankles?\b|\bfluid (?:build|retention)|\bsocks\b"),
    "sugar": (r"\bblood sugars?\b|\bglucose\b|\bsugars?\b", r"\bsugars?\b|\bglucose\b|\bfinger ?sticks?\b|\bmeter\b|\bglucometer\b"),
    "blood_pressure": (r"\bblood pressure\b|\bbp\b", r"\bblood pressure\b|\bbp\b|\bpressure\b|\b\d{2,3}\s*(?:/|over)\s*\d{2,3}\b"),
    "readings": (r"\breadings?\b", r"\breadings?\b|\bnumbers\b|\bchecked\b|\blog\b"),
    "salt": (r"\bsalt\b|\bsodium\b", r"\bsalt\w*|\bsodium\b|\bcanned\b|\bchips\b|\bprocessed\b"),
    "fluid": (r"\bfluids?\b|\bliters?\b", r"\bfluids?\b|\bdrink\w*|\bliters?\b|\bwater\b(?! pill)|\bcups?\b|\bounces\b"),
    "labs": (r"\bblood draw\b|\blab\w*\b|\bblood work\b|\bblood test\b",
             r"\bblood (?:draw|work|test)s?\b|\blabs?\b|\blab (?:work|draw|appointment|visit)\b|\bbloodwork\b|\bdraw\b"),
    "bleeding": (r"\bbleed\w*|\bbruis\w*|\bgums\b|\bnosebleeds?\b|\bblack stools\b",
                 r"\bbleed\w*|\bbruis\w*|\bblood in\b|\bgums?\b|\bnose ?bleeds?\b|\bblack (?:stools?|poop)|\bbloody\b|\b(?:red|pink|dark) urine\b"),
    "diet": (r"\bdiet\b|\bfood\b|\beating\b", r"\bdiet\b|\beat\w*|\bfoods?\b|\bmeals?\b|\bgreens\b|\bvegetables?\b|\bsalads?\b"),
    "alcohol": (r"\balcohol\b", r"\balcohol\b|\bdrinking\b|\bbeers?\b|\bwine\b|\bliquor\b|\bcocktails?\b|\bdrinks\b"),
    "falls": (r"\bfalls?\b|\bhead injur\w*", r"\bfall\w*|\bfell\b|\btripp?\w*|\bslipp?\w*|\bhead injur\w*|\bhit (?:your|my) head\b"),
    "inr": (r"\binr\b", r"\binr\b|\bprotime\b|\bfinger ?stick\b|\banticoagulation clinic\b|\bcoumadin clinic\b|\bblood test\b"),
    "pain": (r"\bpain\b", r"\bpain\w*|\bhurt\w*|\bsore\w*|\bach\w*|\bout of (?:10|ten)\b|\bscale\b"),
    "incision": (r"\bincision\b|\bwound\b", r"\bincision\b|\bwound\b|\bcut\b|\bstaples?\b|\bstitch\w*|\bdressing\b|\bbandage\b|\bscar\b"),
    "wound_signs": (r"\bredness\b|\bwarmth\b|\bdrainage\b|\bopening\b",
                    r"\bred(?:ness)?\b|\bwarm(?:th)?\b|\bhot\b|\bdrain\w*|\booz\w*|\bpus\b|\bopen(?:ing)?\b|\bleak\w*"),
    "fever": (r"\bfever\b|\bchills\b", r"\bfever\w*|\btemperature\b|\bchills?\b|\btemp\b|\bsweats\b"),
    "calf": (r"\bcalf\b|\bclot\w*", r"\bcalf\b|\bcalves\b|\bleg (?:pain|swelling)\b|\bclots?\b|\bdvt\b|\blegs?\b"),
    "injections": (r"\binjections?\b|\bshots?\b", r"\binjections?\b|\bshots?\b|\binject\w*|\bsyringes?\b"),
    "bowels": (r"\bbowel\w*|\bconstipation\b|\bstools?\b",
               r"\bbowel\w*|\bstools?\b|\bconstipat\w*|\bpoop\w*|\bbm\b|\bbathroom\b|\bmoving your bowels\b"),
    "therapy": (r"\bphysical therapy\b|\bexercises?\b|\btherapy\b", r"\bphysical therapy\b|\bpt\b|\btherap\w*|\bexercis\w*|\bstretch\w*|\bwalk\w*"),
    "mood": (r"\bmood\b|\bdepress\w*", r"\bmood\b|\bspirits\b|\bfeeling (?:down|low|blue|sad)\b|\bdepress\w*|\bsad\b|\bhopeless\b|\bdown\b"),
    "anxiety": (r"\banxiety\b|\banxious\b", r"\banxi\w*|\bnervous\b|\bworr\w*|\bpanic\w*|\bstress\w*|\bon edge\b"),
    "gout": (r"\bgout\b|\bflares?\b", r"\bgout\b|\bflares?\b|\bjoints?\b|\btoes?\b|\bbig toe\b"),
    "appointment": (r"\bappointments?\b|\bfollow[- ]?up\b|\bvisit\b",
                    r"\bappointments?\b|\bfollow[- ]?ups?\b|\bvisits?\b|\bsee(?:ing)? (?:dr|doctor|the doctor)\b|\bscheduled\b"),
    "symptoms": (r"\bsymptoms?\b", r"\bsymptoms?\b|\bfeel(?:ing)?\b"),
    "smoking": (r"\bsmok\w*|\btobacco\b", r"\bsmok\w*|\bcigarettes?\b|\btobacco\b|\bvap\w*"),
    "chest_pain": (r"\bchest pain\b", r"\bchest\b|\bangina\b|\bpressure in\b"),
    "dizziness": (r"\bdizz\w*|\blightheaded\w*", r"\bdizz\w*|\blight-?headed\w*|\bwoozy\b|\bfaint\w*"),
}
_ITEM_RX = {k: re.compile(v[0], re.I) for k, v in _TOPICS.items()}
_TURN_RX = {k: re.compile(v[1], re.I) for k, v in _TOPICS.items()}
_STOP = frozenset("""ask asks about review confirm remind reminder check for the a an and or any how often is are being was were
including with compare today today's daily every evening next taken needed use using their your his her of on in to at
no not if it its that this those these big changes change level levels home s signs status whether patient patient's
from by as be what when who which new disease limit limits gram grams liter liters litre litres
january february march april may june july august september october november december""".split())
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]+")


@dataclass(frozen=True)
class _Item:
    id: str
    text: str
    required: bool
    topics: tuple[str, ...]


@dataclass(frozen=True)
class _Compiled:
    items: tuple[_Item, ...]
    turn_rx: dict[str, re.Pattern[str]]
    weight: dict[str, float]  # topic -> share of credit (1 / items naming it)


def _drug_pattern(names: set[str], plan_drugs: list[str] | None = None) -> str:
    """Names, brands and (given the plan) plain descriptions of the drugs ("the water pill")."""
    words: set[str] = set()
    for desc in kb.descriptions() if plan_drugs else ():
        if set(describe_fits(desc.id, plan_drugs or [])) & names:
            words.update(p for p in desc.phrases if len(p) > 5)
    for generic in names:
        words.add(generic)
        d = kb.drug(generic)
        if d is not None:
            words.update(d.brands)
            words.update(d.synonyms)
    alts = sorted((re.escape(kb.normalize_name(w)).replace(r"\ ", r"[\s-]+") for w in words if len(w) > 2), key=len, reverse=True)
    return r"\b(?:" + "|".join(alts) + r")\b" if alts else r"(?!)"


def _compile(plan: CarePlan) -> _Compiled:
    plan_drugs = [m.name for m in plan.medications]
    ingredients = {p.strip() for m in plan.medications for p in m.name.split("/")}
    turn_rx = dict(_TURN_RX)
    items = []
    for item in plan.checklist:
        text = item.text
        low = text.lower()
        topics: list[str] = []
        rest = low
        where: dict[str, int] = {}
        # drugs named in the item, by name or description ("the water pill", "blood-thinner injections")
        drugs: set[str] = set()
        for generic in ingredients | set(kb.drug_names()):
            if re.search(rf"\b{re.escape(generic)}\b", low):
                drugs.add(generic)
        for desc in kb.descriptions():
            for phrase in desc.phrases:
                rx = re.compile(r"\b" + re.escape(phrase.lower()).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]+") + r"\b")
                if len(phrase) > 5 and rx.search(low):
                    fits = describe_fits(desc.id, plan_drugs)
                    drugs.update(fits)
                    if fits:
                        for hit in rx.finditer(low):
                            where.setdefault(f"drug:{sorted(fits)[0]}", hit.start())
                        rest = rx.sub(lambda x: " " * len(x.group()), rest)
        for d in sorted(drugs):
            key = f"drug:{d}"
            turn_rx[key] = re.compile(_drug_pattern({d}, plan_drugs), re.I)
            topics.append(key)
            found = re.search(rf"\b{re.escape(d)}\b", low)
            where[key] = found.start() if found else len(low)
            rest = re.sub(rf"\b{re.escape(d)}\b", lambda x: " " * len(x.group()), rest)
        for topic, rx in _ITEM_RX.items():
            named = rx.search(rest)
            if named:
                topics.append(topic)
                where[topic] = named.start()
                rest = rx.sub(lambda x: " " * len(x.group()), rest)
        # words no topic took become their own topic ("gums", "vitamin")
        for w in _WORD.findall(re.sub(r"\d+", " ", rest)):
            lw = w.lower().strip("'-")
            if lw in _STOP or len(lw) < 4 or lw in {"medication", "medicine"}:
                continue
            stem = lw[:max(4, len(lw) - 2)]
            key = f"word:{stem}"
            turn_rx.setdefault(key, re.compile(rf"\b{re.escape(stem)}\w*", re.I))
            topics.append(key)
            where.setdefault(key, low.find(lw) if lw in low else len(low))
        ordered = sorted(dict.fromkeys(topics), key=lambda t: where.get(t, len(low)))
        items.append(_Item(item.id, text, item.required, tuple(ordered)))
    counts: dict[str, int] = {}
    for it in items:
        for t in it.topics:
            counts[t] = counts.get(t, 0) + 1
    # a plan drug named in a turn also counts as talking about medicines
    if plan_drugs:
        turn_rx["medication"] = re.compile(_TOPICS["medication"][1] + "|" + _drug_pattern(ingredients), re.I)
    return _Compiled(tuple(items), turn_rx, {t: 1.0 / c for t, c in counts.items()})


_CACHE: OrderedDict[str, _Compiled] = OrderedDict()
_BY_ID: dict[int, tuple[CarePlan, _Compiled]] = {}


def _compiled(plan: CarePlan) -> _Compiled:
    hit = _BY_ID.get(id(plan))
    if hit is not None and hit[0] is plan:
        return hit[1]
    key = plan.content_hash()
    comp = _CACHE.get(key)
    if comp is None:
        comp = _compile(plan)
        _CACHE[key] = comp
        if len(_CACHE) > 64:
            _CACHE.popitem(last=False)
    if len(_BY_ID) > 64:
        _BY_ID.clear()
    _BY_ID[id(plan)] = (plan, comp)
    return comp


# Topics too general to tick an item on their own ("are you taking your medicines?" is not "ask about
# new medicines"), unless the item has nothing more specific.
_WEAK = frozenset({"medication", "new", "symptoms", "readings"})


def _credit(comp: _Compiled, item: _Item, topic: str) -> float:
    """A topic's share of an item: split among the items naming it, halved for general topics, doubled
    for the item's main subject (the first it names: "calf" in "ask about calf pain or swelling")."""
    credit = comp.weight[topic]
    if topic in _WEAK and any(t not in _WEAK for t in item.topics):
        credit *= 0.5
    if item.topics and topic == item.topics[0] and topic not in _WEAK:
        credit *= 2
    return credit


def covered_items(plan: CarePlan, text: str) -> list[str]:
    """Ids of the checklist items a turn covers."""
    comp = _compiled(plan)
    matched = {t for t, rx in comp.turn_rx.items() if rx.search(text)}
    scores = {it.id: sum(_credit(comp, it, t) for t in it.topics if t in matched) for it in comp.items}
    best = max(scores.values(), default=0.0)
    leaders = [i for i, s in scores.items() if s == best]
    out = []
    for it in comp.items:
        s = scores[it.id]
        # a clear match, not dwarfed by a much better one ("pain ... in your calf" is the clot item)
        if (s >= 0.99 and s >= best / 2) or (s >= 0.5 and s == best and len(leaders) == 1):
            out.append(it.id)
    return out


class ChecklistSpecialist:
    name = "checklist"
    speakers = frozenset({"patient", "agent"})

    def check(self, ctx: TurnContext) -> SpecialistResult:
        comp = _compiled(ctx.plan)
        if not comp.items:
            return SpecialistResult(state={"covered": sorted(ctx.covered), "remaining": []})
        now = covered_items(ctx.plan, ctx.text)
        covered = set(ctx.covered) | set(now)
        remaining = [it.id for it in comp.items if it.id not in covered]
        guidance = []
        still = [it for it in comp.items if it.id in remaining and it.required]
        if still:
            guidance.append(f"Checklist still open: {still[0].text}")
        return SpecialistResult(guidance=guidance, state={
            "covered": [it.id for it in comp.items if it.id in covered], "remaining": remaining})


__all__ = ["ChecklistSpecialist", "covered_items"]
