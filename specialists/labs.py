"""Labs & vitals specialist: reads the values a patient says and judges them against the care plan.

``read_measurements`` turns what people say on the phone ("one eighty over ninety five", "my sugar was
sixty-one before lunch", "a1c came back at 8.2", "38.6 C") into :class:`Reading` objects in the
analyte's canonical unit (careplans/analytes.yaml). Numbers that are not the patient's own current
reading are flagged (someone else's, a goal, a question, negated, hypothetical) and left out by
default; doses, times, dates, ages and counts are never read as values. Weight changes ("gained 4
pounds since yesterday") are a separate thing: :func:`read_weight_change`. A value with neither name nor
unit is read by its verb: "I was running a hundred and two" is a temperature, "I was two-twelve
yesterday" a weight; "..., it was 248" is the value of what the sentence named before. A caregiver's
"her sugar" is the patient's when the call says they speak for the patient (``proxy``).

``LabsSpecialist`` judges each reading against the plan's Target for the analyte (it overrides the
reference range), else the adult reference range (shared/samples/README.md), and raises
``value_out_of_range`` (+ ``medication_effect`` for each plan drug that is a well-known cause), with the
urgency of CONTRACT.md §2: critical values, BP >= 180/110 and post-operative fever >= 101 F are urgent,
other out-of-range values routine.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Literal, TypedDict

from careplans import CarePlan, Medication
from careplans.analytes import ANALYTES
from careplans.units import UnitError, convert_analyte
from specialists import knowledge as kn
from specialists.base import SpecialistResult, TurnContext
from specialists.findings import Finding, Level, max_level
from specialists.text.claims import split_sentences
from specialists.text.context import Proxy, proxy_for_turn
from specialists.text.dates import days_back_to
from specialists.text.numbers import PHONE_NUMBER, find_numbers

Direction = Literal["low", "high"]
Qualifier = Literal["<", ">"]

__all__ = [
    "Bounds", "Judgement", "LabsSpecialist", "Reading", "WeightChange", "bounds_for", "judge",
    "plan_is_post_operative", "post_op_talk", "read_measurements", "read_weight_change", "read_weight_changes",
]


# ------------------------------------------------------------------------------------------------
# Public data
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """One value the patient said, in the analyte's canonical unit."""

    analyte: str
    value: float                      # canonical unit (ANALYTES[analyte].unit)
    unit: str                         # the canonical unit
    original_value: float             # as said
    original_unit: str | None         # unit text as said ("C", "mmol", "kilos"), None when absent
    start: int                        # character span of the value in the text given
    end: int
    text: str                         # the value as said ("one fifty-two")
    qualifier: Qualifier | None = None  # "over 300" -> ">", "under 50" -> "<"
    assumed_unit: str | None = None   # unit inferred when none was said ("38.6" -> "Cel", "5.6" sugar -> "mmol/L")
    negated: bool = False
    hypothetical: bool = False
    other_person: bool = False
    target: bool = False              # a goal ("the doctor wants it under 130")
    question: bool = False            # asked about, not reported ("is 150 too high?")
    earlier: bool = False             # the value before a change ("went from 9 to 7.4")

    @property
    def current(self) -> bool:
        """The patient's own current value (not negated, hypothetical, someone else's, a goal, a question
        or the old value of a change)."""
        return not (self.negated or self.hypothetical or self.other_person or self.target or self.question or self.earlier)


@dataclass(frozen=True)
class WeightChange:
    """A reported change of the patient's weight: ``pounds`` > 0 is a gain, < 0 a loss."""

    pounds: float
    days: float | None                # over how many days, when said
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Bounds:
    """The limits a value is judged against; a goal with one side takes the other from the reference range."""

    low: float | None
    high: float | None
    high_exclusive: bool
    source: Literal["goal", "reference"]
    goal_low: float | None = None     # the care plan's own limits, when it has a goal
    goal_high: float | None = None

    def side_source(self, direction: Direction) -> Literal["goal", "reference"]:
        own = self.goal_low if direction == "low" else self.goal_high
        return "goal" if self.source == "goal" and own is not None else "reference"

    def describe(self, unit: str, direction: Direction | None = None) -> str:
        """ "the care-plan goal 80-180 mg/dL" / "the adult reference range 60-89 mmHg"."""
        if direction is not None and self.side_source(direction) == "goal" or direction is None and self.source == "goal":
            lo, hi, where, excl = self.goal_low, self.goal_high, "care-plan goal", False
        else:
            lo, hi, where, excl = self.low, self.high, "adult reference range", self.high_exclusive
            if self.source == "goal":
                lo = self.low if self.goal_low is None else None
                hi = self.high if self.goal_high is None else None
        u = f" {unit}" if unit else ""
        if lo is not None and hi is not None:
            rng = f"{_fmt(lo)}-{_fmt(hi)}{u}"
        elif hi is not None:
            rng = f"below {_fmt(hi)}{u}" if excl or where == "care-plan goal" else f"up to {_fmt(hi)}{u}"
        elif lo is not None:
            rng = f"{_fmt(lo)}{u} or above"
        else:
            return f"the {where}"
        return f"the {where} ({rng})"


@dataclass(frozen=True)
class Judgement:
    reading: Reading
    direction: Direction | None
    bounds: Bounds | None
    urgency: Level
    reason: str | None = None         # why it is urgent: "critical", "severe_hypertension", "postop_fever"


# ------------------------------------------------------------------------------------------------
# Vocabulary
# ------------------------------------------------------------------------------------------------

# Spoken names per analyte, beyond careplans/analytes.yaml. Patterns on lower-cased text whose
# spoken numbers are digits ("a one c" -> "a 1 c"). "bp" = blood pressure without saying which number.
_EXTRA_NAMES: dict[str, list[str]] = {
    "glucose": [r"blood sugars?", r"sugars?", r"(?:blood )?glucose", r"bgs?", r"finger ?sticks?", r"glucometer",
                r"(?:sugar |glucose )?meter", r"fasting(?: (?:sugar|number|reading|level|glucose|blood sugar))?",
                r"cgm", r"dexcom", r"libre", r"sugar levels?", r"bs", r"(?:glucose |sugar )?sensor"],
    "hba1c": [r"a\s*-?\s*1\s*-?\s*cs?", r"hb\s*a\s*1\s*cs?", r"hemoglobin a\s*1\s*c", r"three[- ]month sugar",
              r"3[- ]month sugar", r"glycated hemoglobin"],
    "potassium": [r"potassium(?: levels?)?", r"(?:(?<=my )|(?<=the ))k(?: levels?)?", r"k levels?",
                  # as speech recognition splits it: "pot assium", "po tassium", "potass ium"
                  r"pot+\s+ass?ium", r"po\s+tass?ium", r"potass?\s+ium"],
    "sodium": [r"sodium levels?", r"sodium", r"salt levels?"],
    "creatinine": [r"creatinine", r"creatine", r"kidney numbers?"],
    "egfr": [r"e\s*-?gfr", r"gfr", r"kidney function", r"filtration rate"],
    "bun": [r"bun", r"b u n", r"urea(?: nitrogen)?"],
    "inr": [r"inr", r"i n r", r"pt\s*/?\s*inr", r"protime", r"pro time", r"(?:blood thinner|coumadin|warfarin|clotting) (?:level|number|test|time)s?"],
    "hemoglobin": [r"ha?emoglobin(?! a\s*1)", r"hgb", r"blood count", r"h and h"],
    "platelets": [r"platelets?(?: count)?"],
    "wbc": [r"white (?:blood )?(?:cell )?count", r"white (?:blood )?cells?", r"wbc", r"white count"],
    "tsh": [r"tsh", r"thyroid (?:level|number|test|stimulating hormone)s?"],
    "ldl": [r"ldl(?: cholesterol)?", r"bad cholesterol", r"(?<!total )(?<!good )cholesterol(?! total)"],
    "alt": [r"alt", r"sgpt", r"liver enzymes?", r"liver (?:numbers?|tests?|function)"],
    "ast": [r"ast", r"sgot"],
    "magnesium": [r"magnesium(?: levels?)?", r"mag levels?"],
    "bnp": [r"(?:nt[- ]?)?(?:pro[- ]?)?bnp", r"b n p", r"heart failure (?:test|number|blood test)"],
    "systolic_bp": [r"systolic", r"top (?:number|one|reading)", r"upper (?:number|one)", r"first number",
                    r"(?<!on )top(?=\s+(?:was|is|were|at|about|around|like|\d))"],
    "diastolic_bp": [r"diastolic", r"bottom (?:number|one|reading)", r"lower (?:number|one)", r"second number",
                     r"(?<!the )bottom(?=\s+(?:was|is|were|at|about|around|like|\d))"],
    "bp": [r"blood pressures?", r"bps?", r"b\.? ?p\.?(?= )", r"pressures?", r"blood pressure cuff", r"cuff"],
    "heart_rate": [r"hr", r"heart ?rate", r"pulse(?! ?ox)(?: rate)?", r"heart ?beat", r"heart(?! (?:failure|attack|disease|doctor|clinic|center|surgery|medicines?|pills?|problems?|condition|valve|cath|specialist))"],
    "temperature": [r"temperatures?", r"temps?", r"thermometer", r"fever"],
    "spo2": [r"oxygen(?: (?:levels?|saturation|sats?|readings?|numbers?))?", r"o\s*2(?: (?:sats?|saturation|levels?))?",
             r"sp\s*o\s*2", r"sats?", r"saturations?", r"pulse ?ox(?:imeter)?", r"oximeter", r"room air",
             # the clip on the finger, as people call it ("the finger thing says 81")
             r"finger (?:thing|thingy|monitor|clip|gadget|probe|sensor|reader|machine)"],
    "respiratory_rate": [r"respiratory rate", r"breathing rate", r"resp(?:iratory)? rate", r"respirations?", r"breaths", r"breathing"],
    "weight": [r"weight", r"weigh(?:s|ed|ing|t|ts)?", r"scale"],
    # Words that point at the value of whatever was named before them.
    "generic": [r"readings?", r"numbers?", r"levels?", r"results?", r"counts?"],
    # Values that are not any of our analytes: a number next to these is theirs.
    "block": [r"ejection fraction", r"ef", r"hdl", r"good cholesterol", r"total cholesterol", r"cholesterol total",
              r"triglycerides?", r"vitamin [a-z]\s*\d*", r"b\s*12", r"iron", r"ferritin", r"calcium", r"uric acid",
              r"psa", r"phosphorus", r"albumin", r"microalbumin", r"protein", r"hematocrit", r"hct", r"bmi",
              r"pain(?: level| score)?", r"dry weight", r"goal weight", r"target weight", r"phone number",
              r"(?:on a |on the )?scale of", r"out of", r"cd\s*4", r"viral load", r"ketones?", r"lactate", r"d[- ]dimer",
              r"troponin", r"lipase", r"ammonia", r"lithium level", r"digoxin level", r"vancomycin", r"age",
              r"calories", r"carbs?", r"steps", r"blood alcohol", r"battery", r"chance",
              # the potassium the plan prescribes, named in the assistant's medicine question, is no potassium level
              r"potassium (?:chloride|citrate|bicarbonate|supplements?)", r"klor[- ]?con", r"k[- ]?dur",
              # "my blood pressure pill is 50": the number belongs to the medicine
              r"(?:blood pressure|bp|sugar|diabetes|water|thyroid|cholesterol|heart|potassium|blood thinner|fever|oxygen)"
              r" (?:pills?|meds?|medicines?|medications?|tablets?|shots?|doses?|reducers?)"],
}

# Spoken names of careplans/analytes.yaml; "reading" there means glucose only when nothing else fits.
for _key, _a in ANALYTES.items():
    _names = _EXTRA_NAMES.setdefault(_key, [])
    for _s in _a.spoken:
        if _s in {"reading", "fever", "weigh", "weighed", "scale", "sugar", "sugars", "temp", "a1c", "a one c"}:
            continue
        _names.append(re.escape(_s).replace(r"\ ", r"\s+"))

# Weak names: only a value right after them counts ("heart 130", "fever of 101").
_WEAK = {("heart_rate", "heart"), ("temperature", "fever"), ("bp", "cuff"), ("weight", "scale"),
         ("glucose", "meter"), ("spo2", "room air"), ("respiratory_rate", "breathing"), ("systolic_bp", "top"),
         ("diastolic_bp", "bottom"), ("heart_rate", "hr"), ("glucose", "bs")}


# Devices a number is read on. Those named as people name them are weak names too ("my pulse on that finger gadget
# was 52" is the pulse); a device after a full analyte name in the same sentence is where the number was read.
_DEVICE_ONLY = re.compile(r"finger \w+|(?:glucose |sugar )?sensor")
_DEVICE = re.compile(_DEVICE_ONLY.pattern + r"|cuff|(?:sugar |glucose )?meter|scale")


def _mention_rx() -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for key, pats in _EXTRA_NAMES.items():
        alts = sorted(set(pats), key=len, reverse=True)
        out.append((key, re.compile(r"(?<![\w])(?:" + "|".join(alts) + r")(?![\w])")))
    return out


_MENTIONS = _mention_rx()

# Units after a number (anchored). Groups name what the unit says.
_UNIT_RX = re.compile(r"""^\s*(?:
   (?P<mgdl>mgs?\s*/\s*dl|mgs?\s*(?:per|a)\s*(?:dl|deciliter)|milligrams?\s*(?:per|a|/)\s*deciliter)
  |(?P<mmol>mmol\s*/\s*mol)
  |(?P<mmoll>mmols?(?:\s*/\s*l)?|millimoles?(?:\s*(?:per|a)\s*lit(?:er|re))?|millimolar)
  |(?P<meq>meq(?:\s*/\s*l)?|milliequivalents?)
  |(?P<pct>%|percent|per\s*cent)
  |(?P<degf>°\s*f\b|degrees?\s*(?:f\b|fahrenheit)|fahrenheit|f\b)
  |(?P<degc>°\s*c\b|degrees?\s*(?:c\b|celsius|centigrade)|celsius|centigrade|c\b)
  |(?P<deg>°|degrees?)
  |(?P<lb>pounds?|lbs?\b)
  |(?P<kg>kilos?\b|kilograms?|kgs?\b)
  |(?P<bpm>bpm|beats?\s*(?:per|a|an|each|/)\s*min(?:ute)?|beats?\b)
  |(?P<rpm>breaths?\s*(?:per|a|an|each|/)\s*min(?:ute)?|breaths?\b)
  |(?P<tpm>times\s*(?:per|a|an|each|/)\s*min(?:ute)?)
  |(?P<mmhg>mm\s*(?:of\s*)?hg|millimeters?(?:\s*of\s*mercury)?)
  |(?P<pgml>pg\s*/\s*ml|picograms?)
  |(?P<thou>k\b|thousand\b)
  |(?P<ul>u\s*/\s*l\b|units?\s*per\s*lit(?:er|re)|iu\s*/\s*l\b)
)""", re.X)

_UNIT_ANALYTES: dict[str, tuple[frozenset[str], str | None, str | None]] = {
    # group -> (analytes it fits, default analyte, unit text for conversion)
    "mgdl": (frozenset({"glucose", "creatinine", "bun", "ldl", "magnesium"}), "glucose", "mg/dL"),
    "mmol": (frozenset({"hba1c"}), "hba1c", "mmol/mol"),
    "mmoll": (frozenset({"glucose", "potassium", "sodium", "magnesium", "creatinine", "ldl"}), None, "mmol/L"),
    "meq": (frozenset({"potassium", "sodium", "magnesium"}), None, "meq/L"),
    "pct": (frozenset({"spo2", "hba1c", "egfr"}), None, "%"),
    "degf": (frozenset({"temperature"}), "temperature", "[degF]"),
    "degc": (frozenset({"temperature"}), "temperature", "Cel"),
    "deg": (frozenset({"temperature"}), "temperature", None),
    "lb": (frozenset({"weight"}), "weight", "lb"),
    "kg": (frozenset({"weight"}), "weight", "kg"),
    "bpm": (frozenset({"heart_rate"}), "heart_rate", "/min"),
    "rpm": (frozenset({"respiratory_rate"}), "respiratory_rate", "/min"),
    "tpm": (frozenset({"heart_rate", "respiratory_rate"}), None, "/min"),
    "mmhg": (frozenset({"systolic_bp", "diastolic_bp", "bp"}), "bp", "mm[Hg]"),
    "pgml": (frozenset({"bnp"}), "bnp", "pg/mL"),
    "thou": (frozenset({"platelets", "wbc"}), None, None),
    "ul": (frozenset({"alt", "ast"}), None, "U/L"),
}

# After a number: doses, times, counts -> not a reading.
# "80 percent better", "a hundred percent sure": a share, not a saturation (checked before units).
_SHARE_AFTER = re.compile(r"^\s*(?:%|percent|per\s*cent)\s+(?:of|chance|better|worse|more|less|sure|certain|improved|"
                          r"recovered|healed|done|back|there|normal|fine|good|okay|ok|charged|full|effective|off|discount|"
                          r"likely|right|correct|true|positive|confident|blocked|blockage|function(?:ing)?\s+of)\b")
_NOT_VALUE_AFTER = re.compile(r"""^\s*(?:-\s*)?(?:
   mgs?\b|milligrams?|mcgs?\b|micrograms?|grams?\b|g\b|gm\b|mls?\b|milliliters?|cc\b|cc's|units?\b|iu\b
  |tabs?\b|tablets?|pills?|caps?\b|capsules?|puffs?|drops?|sprays?|patch(?:es)?|doses?\b|shots?\b|injections?
  |liters?|litres?|l\b|lpm\b|teaspoons?|tablespoons?|tsp\b|tbsp\b
  |seconds?|secs?\b|minutes?|mins?\b|hours?|hrs?\b|days?\b|nights?\b|weeks?|wks?\b|months?|years?|yrs?\b|y/?o\b
  |am\b|pm\b|a\.\s?m\b|p\.\s?m\b|o'?clock|noon\b|in\s+the\s+(?:morning|evening|afternoon)\s+(?:i|we)\b
  |times?\b|x\b|out\s+of\b|of\s+(?:them|those|these|my|the|each)\b|:\s*\d|/\s*\d|st\b|nd\b|rd\b|th\b
  |steps|miles?|blocks?|stairs|flights?|feet|foot|ft\b|inch(?:es)?|oz\b|ounces?|cups?|glass(?:es)?|bottles?|cans?
  |slices?|pieces?|bites?|carbs?|calories|servings?|meals|people|kids|grandkids|dollars?|bucks|cents?|refills?
  |more\s+(?:pills|tablets|doses|days|times)|year\s+old|years?\s+old
  |one\b(?!\s+(?:day|time|morning|night|evening|week|reading|minute))|ones\b
)""", re.X)

# Before a number (anchored at the end): the number is not a reading.
_NOT_VALUE_BEFORE = re.compile(r"""(?:
   [$#]\s*
  |\b(?:every|each|per)\s+
  |\b(?:stage|type|grade|class|step|room|page|day|week|tier|phase|gen|generation|version|chapter|exit|route|highway|channel|apt|apartment|suite|floor|bed|ward|ext|extension|number\s+of|no\.)\s*
  |\b(?:take|takes|took|taking|inject|injects|injected|injecting|use|uses|used|using|give|gives|gave|giving|dosed?|prescribed|doubled|tripled|double|triple|swallowed|popped|chewed)\s+(?:(?:about|around|like|only|just|another|an|extra|maybe|me|him|her|it|up|to)\s+)*
  |\b(?:bumped|increased|decreased|raised|lowered|upped|cut|changed|switched|reduced)\s+(?:\w+\s+){0,3}(?:to|by)\s+
  |\d\s*/\s*|\d\s*:\s*
)$""", re.X)
_YEAR_BEFORE = re.compile(r"\b(?:in|since|of|from|year|back\s+in|until|till|by|before|after|during|summer|winter|spring|fall)\s+$")
_STRONG_TIME_AFTER = re.compile(r"^\s*(?:am\b|pm\b|a\.m|p\.m|o'?clock|:|\d\d\b|thirty\b|fifteen\b|forty[- ]five\b)")
_COPULA_BEFORE = re.compile(r"\b(?:was|is|were|been|it's|its|'s|back|still|sitting|running|reading|read|showed|down|up)\s+(?:at|around|about)\s+$|\b(?:was|is|were|been|it's)\s+$")

_AGE_BEFORE = re.compile(r"\b(?:i'?m|i\s+am|i'?ll\s+be|i\s+will\s+be|i\s+turned|turned|turning|aged?|he'?s|she'?s)\s+(?:(?:about|almost|nearly|going\s+to\s+be|gonna\s+be)\s+)?$")
_TIME_BEFORE = re.compile(r"\b(?:at|around|about|by|before|after|until|till|since|from|between|it's|its)\s+$")
_TIME_AFTER = re.compile(r"^\s*(?:am\b|pm\b|a\.m|p\.m|o'?clock|in\s+the\s+(?:morning|evening|afternoon)|this\s+(?:morning|evening|afternoon)|tonight|at\s+night|last\s+night|:|\d\d\b|thirty\b|fifteen\b|forty[- ]five\b|and\s+\d+\s+(?:am|pm|o'?clock))")
_MONTH = r"(?:january|february|march|april|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?"
_MONTH_BEFORE = re.compile(r"\b" + _MONTH + r"\s+(?:the\s+)?$")
_MONTH_AFTER = re.compile(r"^\s*(?:st|nd|rd|th)?\s*(?:of\s+)?" + _MONTH + r"(?!\w)")
_CHANGE_BEFORE = re.compile(
    r"\b(?:gained|gain|gaining|gains|put\s+on|putting\s+on|packed\s+on|lost|lose|losing|loses|dropped|shed|"
    r"up|down|up\s+by|down\s+by|went\s+up|gone\s+up|went\s+down|gone\s+down|increase\s+of|decrease\s+of|"
    r"heavier\s+by|lighter\s+by|extra)\s+(?:(?:about|around|like|almost|nearly|over|roughly|maybe|another|an|a|"
    r"good|solid|at\s+least|more\s+than|close\s+to|already|just|only|probably)\s+)*$")
_CHANGE_AFTER = re.compile(r"^\s*(?:pounds?|lbs?|kilos?|kgs?)?\s*(?:heavier|lighter|more\s+than|less\s+than|up\b|down\b|over\s+(?:my\s+)?(?:dry|usual|normal|regular|target|goal))")

_QUAL_GT = re.compile(r"(?:\bover|\babove|\bmore\s+than|\bhigher\s+than|\bgreater\s+than|\bat\s+least|\bupwards\s+of|\bnorth\s+of|\bpast|>)\s+(?:like\s+|about\s+)?$")
_QUAL_LT = re.compile(r"(?:\bunder|\bbelow|\bless\s+than|\blower\s+than|\bbeneath|\balmost|\bnearly|\bclose\s+to|\bjust\s+shy\s+of|<)\s+(?:like\s+|about\s+)?$")
_DECADE_BEFORE = re.compile(r"\b(high|mid|middle|low|upper|lower)\s+$")

_BP_JOIN = re.compile(r"^s?\s*(?:/|over|on\s+top\s+of)\s*$")

# Cues, checked on the clause before the value.
_NEG_WORDS = frozenset({"not", "never", "no", "none", "without", "neither", "nor", "nowhere", "nothing", "hardly", "barely"})
_HYPO_RX = re.compile(
    r"\b(?:if|unless|whenever|in\s+case|what\s+if|suppose|supposing|say\s+it|once\s+it\s+(?:gets|goes|hits)|"
    r"any\s*time|anything\s+(?:over|above|under|below|higher|lower|less|more)|"
    r"when\s+(?:it|it's|its|my\s+\w+(?:\s+\w+)?|the\s+\w+(?:\s+\w+)?|they|you|your\s+\w+)\s+(?:is|are|gets?|goes|go|drops?|falls?|reach(?:es)?|hits?|climbs?|runs?|spikes?|starts?|comes?|reads?)|"
    r"used\s+to|supposed\s+to\s+call|should\s+(?:i|we)\s+call|call\s+(?:you|them|him|her|the\s+\w+)\s+(?:if|when))\b")
_TARGET_RX = re.compile(
    r"\b(?:goal|goals|target|targets|aim|aiming|shoot\s+for|ideal|ideally|normal\s+(?:is|range|for)|range\s+(?:is|of|should)|"
    r"supposed\s+to\s+(?:be|stay|keep|get)|should\s+(?:be|stay|get|keep|run)|ought\s+to\s+be|needs?\s+to\s+(?:be|stay|get)|has\s+to\s+(?:be|stay)|have\s+to\s+(?:be|stay|keep|get)|"
    r"wants?\s+(?:it|me|them|my\s+\w+(?:\s+\w+)?|that|us)|wanted\s+(?:it|me|them|my\s+\w+(?:\s+\w+)?)|"
    r"keep(?:ing)?\s+(?:it|them|my\s+\w+(?:\s+\w+)?|that|things)|get\s+(?:it|them|my\s+\w+(?:\s+\w+)?)\s+(?:down|up|under|below|above|over|back|to|between)|"
    r"try(?:ing)?\s+to\s+(?:get|keep|stay)|told\s+me\s+to\s+(?:keep|stay|aim|get)|stay\s+(?:under|below|above|over|between)|"
    r"dry\s+weight|goal\s+weight|target\s+weight)\b")
_TARGET_AFTER_RX = re.compile(r"^[^.;!?]{0,30}?\b(?:is|was|being|as|would\s+be)\s+(?:my|the|our|his|her|their|a|your)\s+(?:goal|target|limit|cutoff|cut-off)\b|^[^.;!?]{0,30}?\bis\s+what\s+(?:he|she|they|the\s+\w+|my\s+\w+)\s+wants?")
_QUESTION_START = frozenset({"what", "what's", "whats", "is", "isn't", "are", "aren't", "should", "shouldn't", "would", "could", "can",
                             "does", "do", "how", "how's", "why", "which", "will", "was", "were", "am", "where", "who", "did"})
_QUESTION_STRONG = frozenset({"what", "what's", "whats", "is", "are", "should", "would", "could", "can", "does", "do", "how", "why", "which", "will", "isn't"})
_DISCOURSE = frozenset({"so", "and", "but", "um", "uh", "umm", "well", "okay", "ok", "oh", "also", "hey", "then", "like", "now", "yeah", "yes", "right", "hmm", "also,"})
_REPORT_RX = re.compile(r"\b(?:my|mine|it|i)\b[^,;]*\b(?:was|were|came\s+back|read|showed|got|went|dropped|hit|spiked|jumped|fell|measured|registered|been)\b|\b(?:was|were)\s+(?:my|mine)\b")

_OTHER_PERSON = tuple(p for p in kn.red_flag_modifiers().other_person if p not in {"somebody", "someone"})
_OTHER_RX = re.compile(
    r"\b(?:" + "|".join(re.escape(p) for p in _OTHER_PERSON) + r"|(?:husband|wife|son|daughter|mother|mom|father|dad|brother|sister|"
    r"cousin|friend|neighbou?r|aunt|uncle|grandson|granddaughter|partner|boyfriend|girlfriend|roommate|grandma|grandpa|"
    r"grandmother|grandfather|kid|child|baby|niece|nephew|patient|dog|cat)'s|his|her|their|he|she)\b")
_SELF_RX = re.compile(r"\b(?:my|mine|i|i'm|i've|i'd|me|myself|our)\b")
_OTHER_NOUN_AFTER_MY = re.compile(r"^\s*(?:husband|wife|son|daughter|mother|mom|father|dad|brother|sister|cousin|friend|neighbou?r|"
                                  r"aunt|uncle|grandson|granddaughter|partner|boyfriend|girlfriend|roommate|grandma|grandpa|grandmother|"
                                  r"grandfather|kid|kids|child|baby|niece|nephew|dog|cat)\b")
# Subject pronouns that report what a clinician said are not owners ("she said it was 150").
_PRONOUN_OWNS = re.compile(r"^(?:'s|'re|\s+(?:was|is|were|are|had|has|got|ran|runs|came|hit|checked\s+in))\b")
_REPORTING_PRONOUN = re.compile(r"^\s*(?:said|says|told|tells|thinks|thought|called|mentioned|wrote|checked|took|measured|read|saw)\b")

# Words that may sit between a named analyte and its value across a clause boundary ("my sugar, it was 61").
_FILLER = frozenset("""
a an the it it's its itself that that's this these those which was is were are been be being has had have 's s i i've i'd i'm me my
mine our got get gets getting came come comes back read reads reading readings showed shows show said says say saying measured registered
hit hits went go goes going gone dropped drop drops fell fall falls climbed rose spiked jumped shot up down to at of on in for about around like
roughly approximately approx almost nearly just only over under above below right exactly maybe probably think thought guess believe so um
uh umm er well oh and then also again still even too now currently today tonight yesterday morning evening afternoon night last first
second thing when after before breakfast lunch dinner supper bed bedtime meal eating ate waking woke wake up checked check checking tested
test testing took take measure monitor machine cuff meter home number numbers level levels result results highest lowest high low best
worst average usually normally typically always sometimes all way as much later earlier ago minutes minute hours hour fasting plus or
somewhere between range ranging running ran runs staying stayed sitting sat hovering hovered from til till until by with doctor doctors
nurse clinic lab labs labwork bloodwork blood work draw drawn office they told tell called call she he her his you came ones one new latest
recent recently most more than less whole week day days couple few since sugar pressure says reads showing showed today's morning's
little bit kind sort pretty real really very quite when's once came it'll gonna going went came says racing pounding beating
fluttering running got've i'd but okay ok fine good alright normal great bad terrible awful decent better worse
not too so-so stable steady same
""".split())


# ------------------------------------------------------------------------------------------------
# Text preparation: spoken numbers as digits, with a map back to the original offsets
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Num:
    value: float
    start: int          # in the normalised text
    end: int
    ostart: int         # in the original text
    oend: int
    spoken: bool        # said in words
    bare_one: bool      # the single word "one" / "a": a pronoun or article more often than a value
    ordinal: bool
    decimals: bool


@dataclass(frozen=True)
class _Mention:
    key: str            # analyte key, "bp", "generic" or "block"
    start: int
    end: int
    weak: bool


_APOS = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2013": "-", "\u2014": "-"})
_WORD_RX = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[^\sa-z0-9]")
_BOUNDARY_PUNCT = frozenset(".;!?,:()")
_BOUNDARY_WORDS = frozenset({"but", "though", "although", "because", "cause", "cuz", "until", "till", "except", "whereas", "and",
                             "so", "however", "plus", "also", "while", "meanwhile", "anyway"})
_SENTENCE_PUNCT = frozenset(".!?;")


@dataclass
class _Doc:
    original: str
    norm: str
    low: str
    nums: list[_Num]
    seg_norm: list[int] = field(default_factory=list)
    segs: list[tuple[int, int, int, int]] = field(default_factory=list)  # (nstart, nend, ostart, oend)
    words: list[tuple[int, int, str]] = field(default_factory=list)
    word_starts: list[int] = field(default_factory=list)
    clause_cuts: list[int] = field(default_factory=list)       # positions of clause boundaries (sorted)
    sentence_cuts: list[int] = field(default_factory=list)
    mentions: list[_Mention] = field(default_factory=list)
    proxy: Proxy | None = None      # the speaker speaks for the patient: "her sugar" is the patient's

    def orig(self, pos: int) -> int:
        i = bisect.bisect_right(self.seg_norm, pos) - 1
        if i < 0:
            return pos
        ns, ne, os_, oe = self.segs[i]
        if pos < ne:
            return os_
        return oe + (pos - ne)

    def clause_of(self, pos: int) -> int:
        return bisect.bisect_right(self.clause_cuts, pos)

    def sentence_of(self, pos: int) -> int:
        return bisect.bisect_right(self.sentence_cuts, pos)

    def clause_start(self, pos: int) -> int:
        i = bisect.bisect_right(self.clause_cuts, pos) - 1
        return self.clause_cuts[i] if i >= 0 else 0

    def clause_end(self, pos: int) -> int:
        i = bisect.bisect_right(self.clause_cuts, pos)
        return self.clause_cuts[i] if i < len(self.clause_cuts) else len(self.low)

    def sentence_bounds(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.sentence_cuts, pos)
        start = self.sentence_cuts[i - 1] if i > 0 else 0
        end = self.sentence_cuts[i] if i < len(self.sentence_cuts) else len(self.low)
        return start, end

    def spans_between(self, a: int, b: int) -> list[tuple[int, int, str]]:
        """Word tokens (not punctuation) wholly inside [a, b)."""
        i = bisect.bisect_left(self.word_starts, a)
        out = []
        while i < len(self.words) and self.words[i][0] < b:
            w = self.words[i]
            if w[1] <= b and w[2][0].isalnum():
                out.append(w)
            i += 1
        return out

    def words_between(self, a: int, b: int) -> list[str]:
        return [w[2] for w in self.spans_between(a, b)]

    def token_distance(self, a: int, b: int) -> int:
        return len(self.spans_between(a, b))


def _prepare(text: str, proxy: Proxy | None = None) -> _Doc:
    """The prepared text: built once per text (the labs and escalation specialists both read every
    turn, and history turns again), never changed after, so copies share its lists."""
    return replace(_built(text), proxy=proxy)


# A telephone number is no value of anything: blanked before numbers are read.


@lru_cache(maxsize=1024)
def _built(text: str) -> _Doc:
    text = PHONE_NUMBER.sub(lambda m: " " * len(m.group()), text.translate(_APOS))
    parts: list[str] = []
    nums: list[_Num] = []
    segs: list[tuple[int, int, int, int]] = []
    last = 0
    npos = 0
    for span in find_numbers(text):
        start, end = span.start, span.end
        original = text[start:end]
        spoken = not original[:1].isdigit()
        if not spoken and original.endswith(","):  # "48, I had juice": the comma ends a clause, not a digit group
            original = original.rstrip(",")
            end = start + len(original)
        chunk = text[last:start]
        parts.append(chunk)
        npos += len(chunk)
        rendered = span.text if spoken else original.replace(",", "")
        parts.append(rendered)
        nums.append(_Num(
            value=span.value, start=npos, end=npos + len(rendered), ostart=start, oend=end,
            spoken=spoken, bare_one=spoken and original.lower() in {"one", "a"}, ordinal=span.ordinal,
            decimals=not float(span.value).is_integer()))
        if rendered != original:
            segs.append((npos, npos + len(rendered), start, end))
        npos += len(rendered)
        last = end
    parts.append(text[last:])
    norm = "".join(parts)
    low = norm.lower()
    doc = _Doc(original=text, norm=norm, low=low, nums=nums, segs=segs, seg_norm=[s[0] for s in segs])
    doc.words = [(m.start(), m.end(), m.group()) for m in _WORD_RX.finditer(low)]
    doc.word_starts = [w[0] for w in doc.words]
    _cut(doc)
    doc.mentions = _find_mentions(doc)
    return doc


def _cut(doc: _Doc) -> None:
    """Clause and sentence boundaries (punctuation, and conjunctions that start a new clause)."""
    num_spans = [(n.start, n.end) for n in doc.nums]
    starts = [s for s, _ in num_spans]

    def in_number(pos: int) -> bool:
        i = bisect.bisect_right(starts, pos) - 1
        return i >= 0 and num_spans[i][0] <= pos < num_spans[i][1]

    clause, sentence = [], []
    words = doc.words
    for idx, (s, e, w) in enumerate(words):
        if w in _BOUNDARY_PUNCT:
            if in_number(s):
                continue
            # "7:30", "1,200", "3.1": inside a number, not a boundary.
            if w in ".,:" and s > 0 and e < len(doc.low) and doc.low[s - 1].isdigit() and doc.low[e:e + 1].isdigit():
                continue
            clause.append(s)
            if w in _SENTENCE_PUNCT:
                sentence.append(e)
        elif w in _BOUNDARY_WORDS:
            prev_num = idx > 0 and words[idx - 1][2][0].isdigit()
            next_num = idx + 1 < len(words) and words[idx + 1][2][0].isdigit()
            if w == "and" and prev_num and next_num:
                continue  # "between 80 and 180"
            clause.append(s)
    doc.clause_cuts = sorted(set(clause))
    doc.sentence_cuts = sorted(set(sentence))


def _find_mentions(doc: _Doc) -> list[_Mention]:
    found: list[_Mention] = []
    for key, rx in _MENTIONS:
        for hit in rx.finditer(doc.low):
            weak = (key, hit.group().strip()) in _WEAK or bool(_DEVICE_ONLY.fullmatch(hit.group().strip()))
            found.append(_Mention(key, hit.start(), hit.end(), weak))
    # Longest first; drop overlaps ("pulse ox" over "pulse", "blood sugar" over "sugar").
    found.sort(key=lambda x: (-(x.end - x.start), x.start))
    kept: list[_Mention] = []
    for cand in found:
        if any(cand.start < k.end and k.start < cand.end for k in kept):
            continue
        kept.append(cand)
    kept.sort(key=lambda x: x.start)
    return kept


# ------------------------------------------------------------------------------------------------
# Reading values
# ------------------------------------------------------------------------------------------------

# Plausible values in the canonical unit: outside these, the number is something else.
_PLAUSIBLE: dict[str, tuple[float, float]] = {
    "potassium": (1.5, 9.5), "sodium": (100, 180), "glucose": (20, 900), "hba1c": (3.5, 20), "creatinine": (0.2, 15),
    "egfr": (3, 150), "bun": (2, 200), "inr": (0.5, 15), "hemoglobin": (3, 25), "platelets": (5, 1500), "wbc": (0.3, 100),
    "tsh": (0.005, 150), "ldl": (20, 400), "alt": (3, 5000), "ast": (3, 5000), "magnesium": (0.5, 6), "bnp": (5, 35000),
    "systolic_bp": (50, 300), "diastolic_bp": (25, 200), "heart_rate": (20, 250), "temperature": (90, 110),
    "spo2": (50, 100), "respiratory_rate": (4, 70), "weight": (70, 800),
}
_BP_KEYS = frozenset({"bp", "systolic_bp", "diastolic_bp"})


@dataclass
class _Candidate:
    num: _Num
    unit_group: str | None = None
    unit_text: str | None = None
    qualifier: Qualifier | None = None
    bump: float = 0.0               # "in the 200s" -> +50


def read_measurements(text: str, plan: CarePlan | None = None, *, context: str | Sequence[str] = "",
                      include_flagged: bool = False, proxy: Proxy | None = None) -> list[Reading]:
    """The lab and vital values said in ``text``, in canonical units, in the order said.

    ``context``: what was said just before (e.g. the agent's question "How have your sugars been?"),
    used to name a bare value ("Sixty-one before lunch."). By default only the patient's own current
    readings are returned; with ``include_flagged`` also negated, hypothetical, someone else's, goal
    and question values, with their flags set. ``proxy``: the speaker speaks for the patient
    (specialists.text.context.speaking_for), so "her sugar" is the patient's value.
    """
    if not text or not text.strip():
        return []
    doc = _prepare(text, proxy)
    ctx_keys = _context_keys([*_context_texts(context), *_own_topics(text)])
    units = _plan_units(plan) if plan is not None else {}
    finger_is_inr = plan is not None and _finger_stick_is_inr(plan)
    if any(_KILO_SCALE.search(t.lower()) for t in (text, *_context_texts(context)) if t):
        units["weight"] = ("kg", None)  # "the bathroom scale's in kilos. He was ninety-six on Monday": bare weights in kg
    readings: list[Reading] = []
    used: set[int] = set()
    pairs = _bp_pairs(doc)
    for pair in pairs:
        readings.extend(_bp_readings(doc, pair))
        used.update(id(n) for n in pair)
    if pairs and len(ctx_keys) > 1:
        ctx_keys = tuple(k for k in ctx_keys if k != "bp")  # "Yes, 150 over 90 and 203": the pressure is read
    for num in doc.nums:
        if id(num) in used:
            continue
        cand = _candidate(doc, num)
        if cand is None:
            continue
        reading = _assign(doc, cand, ctx_keys, units, finger_is_inr=finger_is_inr)
        if reading is not None:
            readings.append(reading)
    readings.sort(key=lambda r: r.start)
    return readings if include_flagged else [r for r in readings if r.current]


def _own_topics(text: str) -> list[str]:
    """Sentences of the turn that name a measure and say no number ("Okay now the weights, I write 'em on the calendar.
    Sunday two-eleven, Monday two-twelve ..."): they name the bare numbers that follow, as the assistant's question would."""
    sentences = [s.text for s in split_sentences(text)]
    return [s for s in sentences[:-1] if not _built(s).nums and _keys_named(s)]


def _context_texts(context: str | Sequence[str]) -> list[str]:
    return [context] if isinstance(context, str) else list(context)


def _context_keys(context: str | Sequence[str]) -> tuple[str, ...]:
    """The analytes the previous utterances asked or spoke about (the nearest one that names any)."""
    texts = _context_texts(context)
    for t in reversed(texts):
        keys = _keys_named(t) if t else ()
        if keys:
            return keys
    # "Any lows this week?", "How low was it?" after "a bad low in the night": in diabetes talk a low
    # is a low sugar; read so only in what was said before, never in the turn itself.
    if any(_SUGAR_LOW_TALK.search(t) for t in texts[-2:] if t):
        return ("glucose",)
    return ()


_SUGAR_LOW_TALK = re.compile(r"\b(?:any lows|a (?:bad |big |little |scary )?low\b|how low|lows? (?:this|last) (?:week|night)|hypos?\b|going low|went low)",
                             re.I)


def analytes_named(text: str) -> tuple[str, ...]:
    """The analytes ``text`` names, in the order named ("bp" for blood pressure without saying which number)."""
    return _keys_named(text)


@lru_cache(maxsize=1024)
def _keys_named(text: str) -> tuple[str, ...]:
    # Cached: the agent's question is read again for every reading of the turn that answers it.
    keys: list[str] = []
    for m in _prepare(text).mentions:
        if m.key in {"generic", "block"}:
            continue
        key = "bp" if m.key in _BP_KEYS else m.key
        if key not in keys:
            keys.append(key)
    return tuple(keys)


def _bp_pairs(doc: _Doc) -> list[tuple[_Num, _Num]]:
    pairs = []
    nums = [n for n in doc.nums if not n.ordinal]
    for a, b in zip(nums, nums[1:], strict=False):
        if not (60 <= a.value <= 300 and 30 <= b.value <= 200 and a.value > b.value):
            continue
        if not _BP_JOIN.match(doc.low[a.end:b.start]):
            continue
        after = doc.low[b.end:b.end + 12]
        if re.match(r"^s?\s*(?:mg|mcg|ug|units?|days?|hours?|pounds?|lbs?|%|percent|puffs?|inhal)", after) or _drug_before(doc, a):
            continue
        pairs.append((a, b))
    return pairs


def _bp_readings(doc: _Doc, pair: tuple[_Num, _Num]) -> list[Reading]:
    sys_n, dia_n = pair
    flags = _flags(doc, sys_n, _nearest_mention_before(doc, sys_n.start, _BP_KEYS))
    pre = doc.low[max(0, sys_n.start - 30):sys_n.start]
    qual: Qualifier | None = ">" if _QUAL_GT.search(pre) else "<" if _QUAL_LT.search(pre) else None
    out = []
    for key, n in (("systolic_bp", sys_n), ("diastolic_bp", dia_n)):
        bump = _decade_bump(n.value, doc.low[max(0, n.start - 12):n.start]) if doc.low[n.end:n.end + 1] == "s" else 0.0
        out.append(Reading(analyte=key, value=float(n.value) + bump, unit=ANALYTES[key].unit, original_value=n.value,
                           original_unit=None, start=n.ostart, end=n.oend, text=doc.original[n.ostart:n.oend],
                           qualifier=qual, **flags))
    return out


def _candidate(doc: _Doc, num: _Num) -> _Candidate | None:
    """The number with its unit and qualifier, or None when it is a dose, time, date, age or count."""
    if num.ordinal or num.bare_one:
        return None
    if any(m.start <= num.start < m.end for m in doc.mentions):
        return None  # the "1" of "a1c", the "2" of "o2 sat"
    after = doc.low[num.end:num.end + 40]
    before = doc.low[max(0, num.start - 48):num.start]
    if doc.low[num.end:num.end + 1] == "s" and not doc.low[num.end + 1:num.end + 2].isalpha():
        bump = _decade_bump(num.value, before)  # "in the 250s", "high 90s"
        after = after[1:]
    else:
        bump = 0.0
    if _SHARE_AFTER.match(after):
        return None
    unit = _UNIT_RX.match(after)
    if unit is None and _NOT_VALUE_AFTER.match(after):
        return None
    if _NOT_VALUE_BEFORE.search(before):
        return None
    if _MONTH_BEFORE.search(doc.norm[max(0, num.start - 16):num.start].lower()) and _is_month_context(doc, num):
        return None
    if _MONTH_AFTER.match(after):
        return None
    if num.value <= 12 and float(num.value).is_integer() and _TIME_BEFORE.search(before) and _TIME_AFTER.match(after):
        # "at 7 this morning" is a time; "was at 6 this morning" (a potassium) is a value.
        if _STRONG_TIME_AFTER.match(after) or not _COPULA_BEFORE.search(before):
            return None
    if 1900 <= num.value <= 2100 and float(num.value).is_integer() and _YEAR_BEFORE.search(before):
        return None
    if _TIME_AFTER.match(after) and re.match(r"^\s*(?:am|pm|a\.m|p\.m|o'?clock)\b", after):
        return None
    if num.value < 110 and _AGE_BEFORE.search(before) and not re.match(r"^\s*(?:pounds?|lbs?|kilos?|kgs?|percent|%|degrees?)\b", after):
        return None
    if _is_weight_change(doc, num, before, after):
        return None
    if _CHANGE_AFTER.match(after) and _is_weight_unit(after):
        return None
    if _drug_before(doc, num):
        return None
    if unit is None and _plural_noun_after(after):
        return None
    group = unit.lastgroup if unit else None
    unit_text = unit.group(0).strip() if unit else None
    qual: Qualifier | None = ">" if _QUAL_GT.search(before) else "<" if _QUAL_LT.search(before) else None
    return _Candidate(num, group, unit_text, qual, bump)


def _decade_bump(value: float, before: str) -> float:
    if value % 100 == 0 and value >= 100:
        size = 100.0
    elif value % 10 == 0:
        size = 10.0
    else:
        return 0.0
    m = _DECADE_BEFORE.search(before)
    where = m.group(1) if m else "mid"
    return {"high": 0.7, "upper": 0.7, "low": 0.2, "lower": 0.2}.get(where, 0.5) * size


def _is_month_context(doc: _Doc, num: _Num) -> bool:
    # "May 5" yes; "it may be 150" no: a capitalised month name or an abbreviation with a dot.
    before = doc.norm[max(0, num.start - 16):num.start]
    m = re.search(r"(\w+)\.?\s+(?:the\s+)?$", before)
    if not m:
        return False
    word = m.group(1)
    return word.lower() != "may" or word == "May"


def _is_weight_unit(after: str) -> bool:
    return bool(re.match(r"^\s*(?:-\s*)?(?:pounds?|lbs?|kilos?|kilograms?|kgs?)\b", after))


def _is_weight_change(doc: _Doc, num: _Num, before: str, after: str) -> bool:
    """"gained 4 pounds", "up 3 since yesterday": a change of weight, not a weight."""
    m = _CHANGE_BEFORE.search(before)
    if m is None or re.search(r"\b(?:up|down)\s+to\s+$", before):
        return False
    if _is_weight_unit(after):
        return True
    if num.value >= 40:
        return False
    verb = m.group(0).split()[0]
    if verb in {"gained", "gain", "gaining", "gains", "put", "putting", "packed", "lost", "lose", "losing", "loses", "shed", "heavier", "lighter"}:
        return True
    clause = doc.low[doc.clause_start(num.start):doc.clause_end(num.end)]
    return bool(re.search(r"\bweigh|\bscale\b|\bpounds?\b|\blbs?\b", clause))


def _drug_before(doc: _Doc, num: _Num) -> bool:
    """A drug name right before the number ("Lasix 40", "metformin 500"): a dose, not a value."""
    if any(m.end <= num.start and num.start - m.end <= 2 and m.key not in {"generic", "block"} for m in doc.mentions):
        return False
    words = doc.words_between(max(0, num.start - 40), num.start)
    words = [w for w in words if w[0].isalnum()]
    for n in (1, 2, 3):
        if len(words) >= n and _is_drug(" ".join(words[-n:])):
            return True
    return False


@lru_cache(maxsize=4096)
def _is_drug(term: str) -> bool:
    if term in {"sugar", "oxygen", "potassium", "sodium", "magnesium", "iron", "calcium", "salt", "k", "o2", "heart"}:
        return False
    return kn.lookup(term) is not None


_PLURAL_OK = frozenset({"this", "was", "is", "has", "his", "hers", "its", "as", "us", "plus", "less", "thanks", "yes", "always", "sometimes",
                        "perhaps", "unless", "across", "afterwards", "towards", "nowadays", "does", "goes", "says", "reads", "shows",
                        "seems", "looks", "gets", "keeps", "stays", "sits", "hovers", "runs", "comes", "tops", "bpms", "lbs", "percents",
                        "beats", "breaths", "pounds", "kilos", "kgs", "mmols", "degrees", "readings", "numbers", "levels", "results",
                        "sugars", "pressures", "sats", "temps", "whereas", "mmhg", "mgs", "times", "thousands", "units"})


def _plural_noun_after(after: str) -> bool:
    """"2 crackers", "3 cookies": a count of things, not a value."""
    m = re.match(r"^\s*(?:more\s+|extra\s+|big\s+|small\s+|little\s+|whole\s+|full\s+|of\s+the\s+)?([a-z]+)\b", after)
    if not m:
        return False
    w = m.group(1)
    return len(w) >= 4 and w.endswith("s") and not w.endswith("ss") and w not in _PLURAL_OK


def _nearest_mention_before(doc: _Doc, pos: int, keys: frozenset[str] | None = None) -> _Mention | None:
    best = None
    for m in doc.mentions:
        if m.end <= pos and (keys is None or m.key in keys):
            best = m
    return best


def _plan_units(plan: CarePlan) -> dict[str, tuple[str, float | None]]:
    """Per analyte, the unit the plan's own records use when it is not the canonical one, with a value in
    that unit ("weight": ("kg", 89.4)): a bare "92" from this patient is then 92 kg."""
    out: dict[str, tuple[str, float | None]] = {}
    for m in plan.labs:
        if m.original_unit and m.original_value is not None and m.analyte in {"weight", "glucose"}:
            out[m.analyte] = (m.original_unit, m.original_value)
    return out


def _finger_stick_is_inr(plan: CarePlan) -> bool:
    """The plan monitors INR (warfarin, an INR goal or result) and no blood sugar (no diabetes, glucose goal or result): a
    finger-stick or finger-prick number from this patient is their INR ("the home health nurse did her finger stick and it
    said five point eight")."""
    inr = plan.target("inr") is not None or any(m.analyte == "inr" for m in plan.labs) or any(
        m.name == "warfarin" for m in plan.medications)
    sugar = plan.target("glucose") is not None or plan.target("hba1c") is not None or any(
        m.analyte in {"glucose", "hba1c"} for m in plan.labs) or any("diabet" in c.name.lower() for c in plan.conditions)
    return inr and not sugar


def _assign(doc: _Doc, cand: _Candidate, ctx_keys: tuple[str, ...], units: dict[str, tuple[str, float | None]], *,
            finger_is_inr: bool = False) -> Reading | None:
    num = cand.num
    fits, default, conv_unit = _UNIT_ANALYTES.get(cand.unit_group or "", (None, None, None))
    mention = _pick_mention(doc, num, fits)
    key: str | None = None
    if mention is not None:
        if mention.key == "block":
            return None
        key = mention.key
        if key == "glucose" and finger_is_inr and doc.low[mention.start:mention.end].startswith("finger"):
            key = "inr"
        if key == "generic":
            key = _generic_key(doc, mention, ctx_keys)
    if key is None:
        if default is not None and _default_ok(doc, num, cand, default, ctx_keys):
            key = default
        elif ctx_keys:
            key = _context_pick(ctx_keys, cand, fits)
    if key is None and mention is None and cand.unit_group is None and (not ctx_keys or set(ctx_keys) & {"weight", "temperature"}):
        key = _unnamed_key(doc, num)
    if key is None:
        return None
    if fits is not None and key not in fits and not (key in _BP_KEYS and "bp" in fits):
        if mention is not None and default is not None:
            key = default  # "61 on my weight... 98.6 degrees": the unit wins over a distant name
        else:
            return None
    if key == "bp":
        key = "systolic_bp"
    if conv_unit is None and key in units:
        conv_unit = _plan_unit_for(key, num.value, *units[key])
    value, unit_used = _to_canonical(key, num, cand, conv_unit)
    if value is None:
        return None
    lo, hi = _PLAUSIBLE[key]
    if not lo <= value <= hi:
        return None
    owner_mention = mention if mention is not None and mention.key not in {"generic", "block"} else None
    flags = _flags(doc, num, owner_mention)
    return Reading(analyte=key, value=round(value, 4), unit=ANALYTES[key].unit, original_value=num.value,
                   original_unit=cand.unit_text or None, start=num.ostart, end=num.oend,
                   text=doc.original[num.ostart:num.oend], qualifier=cand.qualifier,
                   assumed_unit=None if cand.unit_text else unit_used, **flags)


# A scale said to read in kilograms: "the bathroom scale's in kilos", "one of those metric scales".
_KILO_SCALE = re.compile(r"\b(?:scales?|weights?)(?:'s| is| are| was| reads?| says?)? (?:\w+ ){0,2}(?:in |on )(?:kilos?|kilograms?|kgs?|metric)\b|"
                         r"\bmetric scales?\b")


def _plan_unit_for(key: str, value: float, unit: str, reference: float | None) -> str | None:
    """The plan's unit for a bare value when the value is in that unit's usual scale (no reference: any adult
    weight in kilograms, 30 to 250, for a scale said to read in kilos)."""
    u = unit.lower().replace(" ", "")
    if key == "weight" and u in {"kg", "kgs", "kilogram", "kilograms"} and (
            (30 <= value <= 250) if reference is None else 0.75 * reference <= value <= 1.25 * reference):
        return "kg"
    if key == "glucose" and u.startswith("mmol") and value < 35:
        return "mmol/L"
    return None


# A value said with no name or unit, known by its verb: "I was running a hundred and two", "I had 101.8
# last night" (a temperature); "I was two-twelve yesterday", "I'm 216 this morning" (a weight).
_FEVER_VERB = re.compile(r"\b(?:running|ran|run|spiked|spiking|spike|had|have|got|got\s+up\s+to|went\s+up\s+to|was\s+up\s+to|hit|reached|"
                         r"burning\s+up\s+at)\s+(?:(?:a|about|around|like|almost|nearly|over|up\s+to|to|at|just)\s+)*$")
_FEVER_TALK = re.compile(r"\b(?:fever|feverish|febrile|burning\s+up|chills|shivering|sweats|thermometer)\b")
_WEIGHT_SUBJECT = re.compile(r"\bi(?:'m|\s+am|\s+was|'ve\s+been|\s+have\s+been|\s+weighed|\s+weigh|\s+came\s+in\s+at)\s+"
                             r"(?:(?:about|around|like|at|up\s+to|down\s+to|only|just|now|still|back\s+to|back\s+up\s+to)\s+)*$")


def _unnamed_key(doc: _Doc, num: _Num) -> str | None:
    before = doc.low[max(0, num.start - 40):num.start]
    s, e = doc.sentence_bounds(num.start)
    if any(s <= m.start < e and m.key not in {"generic", "block", "weight", "temperature"} for m in doc.mentions):
        return None  # "My sugar's been fine, I was 203 this morning": another analyte is being talked about
    sentence = doc.low[s:e]
    # "I had 101.8" names a temperature even with "my knee incision" about; a fever word elsewhere in the
    # sentence does not when it talks of bending a joint or the weather.
    verb = bool(_FEVER_VERB.search(before)) and not _NOT_BODY_PLACE.search(sentence)
    if verb or _FEVER_TALK.search(sentence) and not _NOT_BODY_TEMP.search(sentence):
        if 99.0 <= num.value <= 106.5 and (num.decimals or num.value >= 100):
            return "temperature"
        if 37.5 <= num.value <= 42 and num.decimals:
            return "temperature"
    # a low and its treatment told without naming the sugar: "by eleven she was forty-eight. Juice fixed her right up",
    # "I woke up sweaty at three, it was forty-five, ate a granola bar, rechecked and it was ninety-two"
    if _SUGAR_SUBJECT.search(before) and _LOW_TREATED.search(doc.low) and 20 <= num.value <= 600 and num.value.is_integer():
        return "glucose"
    if _WEIGHT_SUBJECT.search(before):
        if 110 <= num.value <= 600 and (num.value * 2).is_integer():
            return "weight"
        if 99.0 <= num.value <= 106.5 and num.decimals and not _NOT_BODY_PLACE.search(sentence):
            return "temperature"  # "I'm at 101.6"
    return None


_SUGAR_SUBJECT = re.compile(r"\b(?:it|she|he|i|i'?m|she'?s|he'?s|it'?s)\s+(?:was|were|is|went|dropped|got|came)?\s*(?:down\s+|up\s+|back\s+up\s+)?"
                            r"(?:to\s+|at\s+)?(?:only\s+|just\s+|about\s+|like\s+)?$")
_LOW_TREATED = re.compile(r"\b(?:juice|glucose (?:tabs?|tablets?|gel)|granola bar|hard candy|candy|crackers|glucagon|rechecked|re-checked|"
                          r"checked (?:it )?again)\b")
_NOT_BODY_PLACE = re.compile(r"\b(?:outside|out\s+there|weather|thermostat|house|room|oven|water|bath|shower|freezer|fridge|pool|forecast|"
                             r"hot\s+out|car|degrees\s+out)\w*")
_NOT_BODY_TEMP = re.compile(r"\b(?:bend|bent|bending|flex|flexion|straighten|extension|angle|knee|leg|arm|rotate|turn|outside|out\s+there|"
                            r"weather|thermostat|house|room|heat|oven|water|bath|shower|freezer|fridge|pool|forecast|sun|hot\s+out)\w*")


def _default_ok(doc: _Doc, num: _Num, cand: _Candidate, default: str, ctx_keys: tuple[str, ...]) -> bool:
    """A unit alone names the analyte ("101.4 degrees", "212 pounds") unless the sentence says otherwise:
    "I can bend my knee 90 degrees", "it's 95 degrees outside"."""
    if default != "temperature" or "temperature" in ctx_keys:
        return True
    s, e = doc.sentence_bounds(num.start)
    if _NOT_BODY_TEMP.search(doc.low[s:e]):
        return False
    return num.decimals or cand.unit_group in {"degf", "degc"} or 97 <= num.value <= 106 or 35 <= num.value <= 42


# Values a bare answer ("About 90.") is read as only when they are typical for the analyte asked about
# (glucose from 20 mg/dL: the lower limit of home meters, e.g. the Accu-Chek and OneTouch 510(k) summaries).
_TYPICAL: dict[str, tuple[float, float]] = {
    "systolic_bp": (70, 250), "diastolic_bp": (40, 140), "heart_rate": (35, 200), "glucose": (20, 600), "spo2": (70, 100),
    "temperature": (95, 106), "weight": (80, 500), "potassium": (2, 8), "sodium": (115, 165), "inr": (0.8, 10),
    "hba1c": (4, 16), "respiratory_rate": (6, 50),
}


def _to_canonical(key: str, num: _Num, cand: _Candidate, conv_unit: str | None) -> tuple[float | None, str | None]:
    value = float(num.value) + cand.bump
    unit = conv_unit
    if cand.unit_group == "deg" or (key == "temperature" and unit is None):
        unit = "Cel" if value < 45 else "[degF]"
    if key == "glucose" and unit is None and value < 30 and num.decimals:
        unit = "mmol/L"  # "my sugar was 5.6": a meter set to mmol/L
    if key == "glucose" and unit is None and value < 20:
        return None, None
    if key in {"platelets", "wbc"} and (cand.unit_group == "thou" or value >= 1000):
        value = value / 1000 if value >= 1000 else value
        unit = None
    if cand.unit_group == "pct" and key == "egfr":
        unit = None  # "kidney function is at 42 percent": patients say eGFR as a percentage
    elif cand.unit_group == "pct" and key not in {"spo2", "hba1c"}:
        return None, None
    if key in {"systolic_bp", "diastolic_bp"}:
        unit = None
    if unit is None:
        return value, None
    try:
        return convert_analyte(key, value, unit), unit
    except (UnitError, KeyError):
        return None, None


def _pick_mention(doc: _Doc, num: _Num, fits: frozenset[str] | None) -> _Mention | None:
    """The analyte name this value belongs to: the nearest before it that the wording allows, or one right after."""
    cands: list[tuple[float, _Mention]] = []
    n_sentence = doc.sentence_of(num.start)
    n_clause = doc.clause_of(num.start)
    # "..., I was 203": the patient is the subject (a weight, an age), not the analyte of the clause before.
    self_subject = bool(_SELF_SUBJECT.search(doc.low[doc.clause_start(num.start):num.start]))
    backref = _back_reference(doc, num)
    for m in doc.mentions:
        if m.end <= num.start:
            dist = doc.token_distance(m.end, num.start)
            same_clause = doc.clause_of(m.start) == n_clause
            # a weak name counts right before its value, or for a value that points back to it in the
            # same sentence ("the scale said 216 this morning, it was 212 yesterday")
            weak_back = backref and dist <= 20 and doc.sentence_of(m.start) == n_sentence
            if m.weak and not weak_back and (dist > 4 or not (same_clause or _filler_between(doc, m.end, num.start))):
                continue
            if same_clause:
                if dist > 12:
                    continue
            else:
                if dist > 16 or doc.sentence_of(m.start) < n_sentence - 1 or self_subject:
                    continue
                # "my weight was 210 on Saturday and this morning it's 217": a value pointing back from now takes the last
                # name said, through earlier values of that name
                if not (_filler_between(doc, m.end, num.start) or backref and not _other_number_between(doc, m.end, num.start)
                        or backref and _NOW_CLAUSE.search(doc.low[doc.clause_start(num.start):num.start])
                        and not _other_mention_between(doc, m.end, num.start)):
                    continue
            cands.append((dist, m))
        elif m.start >= num.end:
            if doc.clause_of(m.start) != n_clause:
                continue
            dist = doc.token_distance(num.end, m.start)
            if dist > 3 or _other_number_between(doc, num.end, m.start):
                continue
            cands.append((dist + 1.5, m))
    cands.sort(key=lambda c: c[0])
    # "my pulse on the wrist cuff said 45", "her sugar on the meter was 62": the device the number was read on is
    # not what it measures when a full analyte name comes before it in the same sentence.
    named = [m for _, m in cands if not m.weak and m.end <= num.start and doc.sentence_of(m.start) == n_sentence]
    if named:
        cands = [(d, m) for d, m in cands if not (m.weak and _DEVICE.fullmatch(doc.low[m.start:m.end].strip())
                                                  and m.start > named[0].start and m.end <= num.start)]
    for _, m in cands:
        if m.key in {"block", "generic"}:
            if m.key == "generic" and _analyte_right_before(doc, m):
                continue  # "sugar reading": the analyte name is the better candidate
            return m
        if fits is None or m.key in fits or (m.key in _BP_KEYS and fits & _BP_KEYS):
            return m
    return None


_SELF_SUBJECT = re.compile(r"\bi(?:'m|\s+am|\s+was|'ve\s+been|\s+weighed|\s+weigh)\s+(?:(?:about|around|like|at|up\s+to|down\s+to|only|just)\s+)*$")


_BACK_WORDS = frozenset({"it", "it's", "that", "that's", "which", "this", "they"})


def _back_reference(doc: _Doc, num: _Num) -> bool:
    """The value's own clause only points back ("..., it was 248", "and it came back at 5.9"): the value is
    the thing named in the clause before, whatever was said in between ("my sugar at the pharmacy")."""
    words = doc.words_between(doc.clause_start(num.start), num.start)
    return any(w in _BACK_WORDS for w in words) and all(w in _FILLER or w[0].isdigit() for w in words)


def _analyte_right_before(doc: _Doc, generic: _Mention) -> bool:
    return any(m.end <= generic.start and doc.token_distance(m.end, generic.start) <= 2 and m.key not in {"generic", "block"}
               for m in doc.mentions)


_NOW_CLAUSE = re.compile(r"\b(?:now|today|this morning|this evening|tonight|currently)\b")


def _other_mention_between(doc: _Doc, a: int, b: int) -> bool:
    return any(a <= m.start < b for m in doc.mentions)


def _other_number_between(doc: _Doc, a: int, b: int) -> bool:
    return any(a <= n.start < b for n in doc.nums)


def _filler_between(doc: _Doc, a: int, b: int) -> bool:
    """Only connecting words ("it was", "which came back at") between a name and a value."""
    for s, _, w in doc.spans_between(a, b):
        if w[0].isdigit() or w in _FILLER or _in_mention(doc, s):
            continue
        return False
    return True


def _in_mention(doc: _Doc, pos: int) -> bool:
    return any(m.start <= pos < m.end for m in doc.mentions)


def _generic_key(doc: _Doc, mention: _Mention, ctx_keys: tuple[str, ...]) -> str | None:
    """ "the reading was 61": what the conversation is about, else glucose for a bare "reading"."""
    named = [m for m in doc.mentions if m.key not in {"generic", "block"}]
    if len({("bp" if m.key in _BP_KEYS else m.key) for m in named}) == 1:
        return named[0].key
    if len(ctx_keys) == 1:
        return ctx_keys[0]
    if not named and not ctx_keys and doc.low[mention.start:mention.end].startswith("reading"):
        return "glucose"
    return None


def _context_pick(ctx_keys: tuple[str, ...], cand: _Candidate, fits: frozenset[str] | None) -> str | None:
    """A bare value answering a question: the asked-about analyte it is plausible for."""
    ok = []
    for key in ctx_keys:
        real = "systolic_bp" if key == "bp" else key
        if fits is not None and real not in fits and key not in fits:
            continue
        value, _ = _to_canonical(real, cand.num, cand, None)
        lo, hi = _TYPICAL.get(real, _PLAUSIBLE[real])
        if value is not None and lo <= value <= hi:
            ok.append(key)
    return ok[0] if len(ok) == 1 else None


# ------------------------------------------------------------------------------------------------
# Whose value, and is it a reading at all
# ------------------------------------------------------------------------------------------------


class _Flags(TypedDict):
    negated: bool
    hypothetical: bool
    other_person: bool
    target: bool
    question: bool
    earlier: bool


def _flags(doc: _Doc, num: _Num, mention: _Mention | None) -> _Flags:
    cstart = doc.clause_start(num.start)
    prefix = doc.low[cstart:num.start]
    sstart, send = doc.sentence_bounds(num.start)
    return {
        "negated": _negated(doc, cstart, num.start),
        "hypothetical": _hypothetical(prefix),
        "other_person": _other_person(doc, num, mention),
        "target": bool(_TARGET_RX.search(prefix)) or bool(_TARGET_AFTER_RX.match(doc.low[num.end:doc.clause_end(num.end) + 40])),
        "question": _question(doc, cstart, num.start, sstart, send),
        "earlier": bool(_EARLIER_RX.search(prefix)),
    }


# "went from 9 to 7.4", "down from 250": the value before the change, not the current one.
_EARLIER_RX = re.compile(r"\bfrom\s+(?:about\s+|around\s+|like\s+|a\s+|an\s+|over\s+|almost\s+|nearly\s+)*$")


_WHETHER_VERBS = frozenset({"sure", "know", "knew", "wonder", "wondering", "wondered", "ask", "asking", "asked", "see", "check",
                            "checking", "tell", "unsure", "curious", "whether", "matters", "matter", "idea", "certain"})


def _hypothetical(prefix: str) -> bool:
    """A condition ("if it goes over 300", "when it drops", "in case"), not an embedded question
    ("not sure if my sugar of 61 is too low" reports 61)."""
    for m in _HYPO_RX.finditer(prefix):
        if m.group().startswith("if"):
            prev = prefix[:m.start()].split()
            if prev and prev[-1].strip(",") in _WHETHER_VERBS:
                continue
        return True
    return False


def _negated(doc: _Doc, a: int, b: int) -> bool:
    """A negation that governs the value: only connecting words between them ("hasn't been over 200")."""
    spans = doc.spans_between(a, b)
    words = [w[2] for w in spans]
    for i, w in enumerate(words):
        if w in _NEG_WORDS or w.endswith("n't"):
            if w == "no" and (i == 0 or words[i - 1] in _DISCOURSE) and i + 1 < len(words) and words[i + 1] in {"my", "it", "it's", "i", "the", "that", "that's", "mine"}:
                continue  # "No, my pressure was 150": an answer, not a negation
            rest = spans[i + 1:]
            if len(rest) <= 7 and all(x[2] in _FILLER or x[2][0].isdigit() or x[2] in _NEG_FILLER or _in_mention(doc, x[0]) for x in rest):
                return True
    return False


_NEG_FILLER = frozenset({"know", "remember", "recall", "sure", "any", "ever", "go", "gone", "higher", "lower", "greater", "bigger"})


def _other_person(doc: _Doc, num: _Num, mention: _Mention | None) -> bool:
    """Someone else's value: the last owner word before the value (or its name) is another person."""
    verdict = _owner(doc, doc.clause_start(num.start), num.start)
    if verdict is None and mention is not None:
        verdict = _owner(doc, doc.clause_start(mention.start), mention.end)
    return verdict == "other"


def _owner(doc: _Doc, a: int, b: int) -> str | None:
    text = doc.low[a:b]
    last: tuple[int, str] | None = None
    proxy = doc.proxy
    if proxy is not None and _OWN_RX.search(text):
        return "other"  # a caregiver's own value ("my own sugar was 250")
    for m in _SELF_RX.finditer(text):
        if m.group() in {"my", "our"} and _OTHER_NOUN_AFTER_MY.match(text[m.end():]):
            continue
        last = max(last or (-1, ""), (m.start(), "self"))
    for m in _OTHER_RX.finditer(text):
        rest = text[m.end():]
        # A subject pronoun owns the value only as "he was 300" / "she's at 90", not "she said it was 150".
        if m.group() in {"he", "she"} and (not _PRONOUN_OWNS.match(rest) or _REPORTING_PRONOUN.match(rest)):
            continue
        # "her sugar", "his blood pressure" are someone else's; "her machine said" (the nurse's) is not.
        if m.group() in {"his", "her", "their"} and not _names_value_soon(doc, a + m.end()):
            continue
        # A caregiver's "her sugar", "my mother's pressure" is the patient's.
        who = "self" if proxy is not None and proxy.refers_to_patient(doc.low, a + m.start(), m.group()) else "other"
        if last is None or m.start() >= last[0]:
            last = (m.start(), who)
    return last[1] if last else None


_OWN_RX = re.compile(r"\b(?:my own|i myself)\b")


def _names_value_soon(doc: _Doc, pos: int) -> bool:
    """An analyte name (or "reading", "numbers") within two words after ``pos``."""
    return any(m.start >= pos and m.key != "block" and doc.token_distance(pos, m.start) <= 2 for m in doc.mentions)


def _question(doc: _Doc, cstart: int, pos: int, sstart: int, send: int) -> bool:
    words = [w for w in doc.words_between(cstart, pos) if w[0].isalnum()]
    while words and words[0] in _DISCOURSE:
        words = words[1:]
    if not words:
        return False
    asked = doc.low[send - 1:send] == "?" or doc.low[sstart:send].rstrip().endswith("?")
    first = words[0]
    if not ((asked and first in _QUESTION_START) or first in _QUESTION_STRONG):
        return False
    return not _REPORT_RX.search(" ".join(words[1:]))


# ------------------------------------------------------------------------------------------------
# Weight change
# ------------------------------------------------------------------------------------------------

_GAIN = r"(?P<gain>gained|gain|gaining|gains|put\s+on|putting\s+on|packed\s+on|went\s+up|gone\s+up|go\s+up|up|increased|jumped|heavier\s+by|up\s+by)"
_LOSS = r"(?P<loss>lost|lose|losing|loses|dropped|shed|went\s+down|gone\s+down|down|decreased|lighter\s+by|down\s+by)"
_QUAL = r"(?:(?:about|around|like|almost|nearly|over|roughly|maybe|another|an|a|good|solid|at\s+least|more\s+than|close\s+to|already|just|only|probably|extra)\s+)*"
_WUNIT = r"(?:\s*-?\s*(?P<unit>pounds?|lbs?|kilos?|kilograms?|kgs?)\b)"
_CHANGE_RX = re.compile(r"\b(?:" + _GAIN + "|" + _LOSS + r")\s+" + _QUAL + r"(?P<n>\d+(?:\.\d+)?)" + _WUNIT + "?")
_CHANGE_AFTER_RX = re.compile(r"\b(?P<n>\d+(?:\.\d+)?)" + _WUNIT + r"\s+(?:(?P<more>heavier|more|up|over\s+(?:my\s+)?(?:dry|usual|normal|regular|target|goal)\s+weight)|(?P<less>lighter|less|down))\b")
_FROM_TO_RX = re.compile(r"\bfrom\s+(?:about\s+|like\s+)?(?P<a>\d{2,3}(?:\.\d+)?)" + _WUNIT.replace("unit", "u1") + r"?\s+(?:up\s+|down\s+)?to\s+(?:about\s+|like\s+)?(?P<b>\d{2,3}(?:\.\d+)?)")
_SELF_FROM = re.compile(r"\bi(?:'ve|\s+have)?\s+(?:went|gone|jumped|climbed|crept|come|came|dropped|fallen|fell|bounced)\s+(?:up\s+|down\s+)?from\b")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SMALL = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "couple": 2, "few": 3}


def read_weight_change(text: str, *, today: dt.date | None = None, context: str | Sequence[str] = "") -> WeightChange | None:
    """The patient's own reported weight change in ``text`` (the first one), or None. ``today`` resolves
    "since Monday"; ``context`` (the question before) names bare weights ("201 yesterday, 204 today")."""
    found = read_weight_changes(text, today=today, context=context)
    return found[0] if found else None


def read_weight_changes(text: str, *, today: dt.date | None = None, context: str | Sequence[str] = "",
                        proxy: Proxy | None = None) -> list[WeightChange]:
    """Every weight change the patient reports of their own weight ("up 3 pounds since yesterday",
    "went from 198 to 203"); negated, hypothetical ("call if you gain 3 pounds") and others' are left out."""
    if not text:
        return []
    doc = _prepare(text, proxy)
    weighty = any(m.key == "weight" for m in doc.mentions) or bool(re.search(r"\b(?:pounds?|lbs?|kilos?|kgs?|heavier|lighter|weight)\b", doc.low))
    # "I went from 210 to 216 this week": the speaker's own number, with no other analyte named, is a weight
    weighty = weighty or bool(_SELF_FROM.search(doc.low)) and not any(
        m.key not in {"generic", "block", "weight"} for m in doc.mentions)
    out: list[WeightChange] = []
    taken: list[tuple[int, int]] = []
    for m in _CHANGE_RX.finditer(doc.low):
        n = float(m.group("n"))
        if not m.group("unit") and not weighty:
            continue
        if m.group("gain") in {"up", "go up", "went up", "gone up", "jumped"} or m.group("loss") in {"down", "dropped", "went down", "gone down"}:
            if n > 40 or (not m.group("unit") and not re.search(r"\bweigh|\bscale|\bpounds?\b|\blbs?\b", doc.low)):
                continue
        if doc.low[m.end():m.end() + 2].strip().startswith("%"):
            continue
        if _change_context_ok(doc, m.start(), m.end()):
            pounds = _lb(n, m.group("unit"))
            out.append(_change(doc, m.start(), m.end(), pounds if m.group("gain") else -pounds, today))
            taken.append((m.start(), m.end()))
    for m in _CHANGE_AFTER_RX.finditer(doc.low):
        if any(a <= m.start() < b for a, b in taken) or not _change_context_ok(doc, m.start(), m.end()):
            continue
        pounds = _lb(float(m.group("n")), m.group("unit"))
        out.append(_change(doc, m.start(), m.end(), pounds if m.group("more") else -pounds, today))
        taken.append((m.start(), m.end()))
    for m in _FROM_TO_RX.finditer(doc.low):
        if not weighty or any(a <= m.start() < b for a, b in taken) or not _change_context_ok(doc, m.start(), m.end()):
            continue
        a, b = float(m.group("a")), float(m.group("b"))
        if not (70 <= a <= 800 and 70 <= b <= 800):
            continue
        out.append(_change(doc, m.start(), m.end(), b - a, today))
        taken.append((m.start(), m.end()))
    if not out:
        dated = _dated_weights(text, context, proxy, today)
        if dated is not None:
            out.append(dated)
    out.sort(key=lambda c: c.start)
    return out


def _lb(n: float, unit: str | None) -> float:
    return round(n * 2.20462, 1) if unit and unit.startswith("k") else n


def _change_context_ok(doc: _Doc, a: int, b: int) -> bool:
    cstart = doc.clause_start(a)
    prefix = doc.low[cstart:a]
    sstart, send = doc.sentence_bounds(a)
    if _HYPO_RX.search(prefix) or _TARGET_RX.search(prefix) or re.search(r"\b(?:not\s+to|don't|do\s+not|shouldn't|never\s+to)\s+$", prefix):
        return False
    if re.search(r"\b(?:if|unless|when|whenever)\b", doc.low[sstart:a]) and re.search(r"\bcall\b", doc.low[sstart:send]):
        return False  # "call the nurse if you gain 3 pounds"
    if _negated(doc, cstart, a + 1) or re.search(r"\b(?:haven't|hasn't|didn't|did\s+not|have\s+not|not|no|never)\s+(?:\w+\s+){0,2}$", prefix):
        return False
    if _owner(doc, cstart, a) == "other":
        return False
    return not _question(doc, cstart, b, sstart, send) or bool(re.search(r"\bi\b|\bmy\b|\bi've\b|\bi'm\b", prefix))


def _change(doc: _Doc, a: int, b: int, pounds: float, today: dt.date | None) -> WeightChange:
    sstart, send = doc.sentence_bounds(a)
    window = doc.low[doc.clause_start(a):min(send, b + 60)]
    days = _days(window, today) or _days(doc.low[sstart:send], today)
    return WeightChange(pounds=round(pounds, 1), days=days, start=doc.orig(a), end=doc.orig(b), text=doc.original[doc.orig(a):doc.orig(b)])


def _days(text: str, today: dt.date | None) -> float | None:
    if re.search(r"\b(?:overnight|since\s+yesterday|from\s+yesterday|than\s+yesterday|since\s+last\s+night|in\s+(?:a|one|1|a\s+single)\s+day|"
                 r"in\s+24\s+hours|in\s+a\s+day|in\s+one\s+day|over\s+(?:a|one|1)\s+day|since\s+this\s+time\s+yesterday|yesterday)\b", text):
        return 1.0
    m = re.search(r"\b(?:in|over|within|the\s+(?:last|past)|for|these\s+last|this\s+past|past|last)\s+(?:the\s+)?(?:(?P<n>\d+|a|one|two|three|four|five|six|seven|couple|few)\s+(?:of\s+)?)?(?P<u>days?|weeks?)\b", text)
    if m:
        raw = m.group("n")
        n = float(raw) if raw and raw[0].isdigit() else float(_SMALL.get(raw or "a", 1))
        return n * (7 if m.group("u").startswith("week") else 1)
    if re.search(r"\b(?:this\s+week|since\s+last\s+week|in\s+a\s+week|over\s+the\s+week|from\s+last\s+week|than\s+last\s+week|a\s+week\s+ago|last\s+week)\b", text):
        return 7.0
    m = re.search(r"\bsince\s+(?:last\s+)?(" + "|".join(_WEEKDAYS) + r")\b", text)
    if m and today is not None:
        return float(days_back_to(m.group(1), today))
    m = re.search(r"\b(\d+)\s+days?\s+ago\b", text)
    if m:
        return float(m.group(1))
    return None


_WHEN_RX = [(re.compile(r"\b(?:today|this\s+morning|now|right\s+now|tonight|this\s+evening)\b"), 0.0),
            (re.compile(r"\b(?:yesterday|last\s+night)\b"), -1.0),
            (re.compile(r"\b(?:last\s+week|a\s+week\s+ago)\b"), -7.0),
            (re.compile(r"\b(\d+)\s+days\s+ago\b"), None)]


def _weekday_offset(part: str, today: dt.date | None) -> float | None:
    """ "on Monday", "last Saturday": days before ``today`` (a week back for today's own weekday)."""
    if today is None or (m := re.search(r"\b(" + "|".join(_WEEKDAYS) + r")\b", part)) is None:
        return None
    return -float(days_back_to(m.group(1), today))


def _dated_weights(text: str, context: str | Sequence[str], proxy: Proxy | None = None,
                   today: dt.date | None = None) -> WeightChange | None:
    """"198 yesterday and 202 this morning", "ninety-six on Monday and ninety-nine this morning": two of the
    patient's weights with days."""
    weights = [r for r in read_measurements(text, context=context, proxy=proxy) if r.analyte == "weight"]
    if len(weights) < 2:
        return None
    dated = []
    low = text.lower()
    for r in weights:
        # The words next to this weight only: up to the next number or clause break on either side.
        after = re.split(r"\d|[,.;]|\band\b|\bbut\b", low[r.end:r.end + 30])[0]
        before = re.split(r"\d|[,.;]|\band\b|\bbut\b", low[max(0, r.start - 30):r.start])[-1]
        day = None
        for part in (after, before):
            hits = [(m.start(), -float(m.group(1)) if off is None else off) for rx, off in _WHEN_RX if (m := rx.search(part))]
            if hits:
                day = min(hits)[1]
                break
            if (weekday := _weekday_offset(part, today)) is not None:
                day = weekday
                break
        if day is not None:
            dated.append((day, r))
    if len(dated) < 2:
        return None
    dated.sort(key=lambda d: d[0])
    (d0, r0), (d1, r1) = dated[0], dated[-1]
    if d0 == d1:
        return None
    return WeightChange(pounds=round(r1.value - r0.value, 1), days=d1 - d0, start=min(r0.start, r1.start),
                        end=max(r0.end, r1.end), text=text[min(r0.start, r1.start):max(r0.end, r1.end)])


# ------------------------------------------------------------------------------------------------
# Judgement
# ------------------------------------------------------------------------------------------------


def bounds_for(analyte: str, plan: CarePlan | None = None) -> Bounds | None:
    """The range a value is judged against: the plan's Target (its missing side from the reference
    range), else the adult reference range for the patient's sex; None for weight."""
    if analyte == "weight":
        return None  # weight has no range: a gain is an escalation matter only (README)
    sex = plan.patient.sex if plan is not None and plan.patient.sex in {"male", "female"} else None
    ref = kn.reference_range(analyte, sex)
    target = plan.target(analyte) if plan is not None else None
    ref_low = ref_high = None
    exclusive = False
    if ref is not None:
        ref_low = ref.screen_low if ref.screen_low is not None else ref.low
        ref_high = ref.screen_high if ref.screen_high is not None else ref.high
        exclusive = ref.high_exclusive and ref.screen_high is None
    if target is not None:
        low = target.low if target.low is not None else ref_low
        high = target.high if target.high is not None else ref_high
        return Bounds(low, high, exclusive if target.high is None else False, "goal", target.low, target.high)
    if ref is None:
        return None
    return Bounds(ref_low, ref_high, exclusive, "reference")


def _direction(value: float, qualifier: Qualifier | None, b: Bounds) -> Direction | None:
    eps = 1e-6
    v_low = value - eps if qualifier == "<" else value
    v_high = value + eps if qualifier == ">" else value
    if b.low is not None and v_low < b.low:
        return "low"
    if b.high is not None and (v_high > b.high or (b.high_exclusive and v_high >= b.high)):
        if qualifier == "<" and value <= b.high:
            return None
        return "high"
    return None


@dataclass(frozen=True)
class _PlanFacts:
    drugs: tuple[str, ...]
    post_op: bool


def judge(reading: Reading, plan: CarePlan | None = None, *, post_op: bool = False) -> Judgement:
    """Direction (against the plan goal or the reference range) and the urgency it warrants on its own."""
    b = bounds_for(reading.analyte, plan)
    direction = _direction(reading.value, reading.qualifier, b) if b is not None else None
    urgency: Level = "routine" if direction else "none"
    reason = None
    crit = kn.critical_limits(reading.analyte)
    if crit is not None and _critical(crit, reading):
        urgency, reason = max_level(urgency, crit.level), "critical"
    for t in kn.escalation_thresholds():
        if t.analyte != reading.analyte or t.op not in {">=", "<"}:
            continue
        hit = reading.value >= t.value if t.op == ">=" else reading.value < t.value
        if t.op == ">=" and reading.qualifier == "<":
            hit = False
        if not hit:
            continue
        if t.context is None:
            urgency, reason = max_level(urgency, t.level), t.id
        elif t.context == "post_operative_or_wound_signs" and post_op:
            urgency, reason = max_level(urgency, t.level), t.id
    return Judgement(reading, direction, b, urgency, reason)


def _critical(crit: kn.CriticalLimits, r: Reading) -> bool:
    if crit.below is not None and r.value < crit.below and r.qualifier != ">":
        return True
    return crit.above is not None and r.value > crit.above and r.qualifier != "<"


# ------------------------------------------------------------------------------------------------
# Post-operative context
# ------------------------------------------------------------------------------------------------

_SURGERY_RX = re.compile(
    r"\b(?:status\s+post|s/p|post[- ]?op(?:erative)?|surgery|surgical|operation|arthroplasty|"
    r"(?<!hormone )(?<!nicotine )(?<!enzyme )(?<!testosterone )(?<!estrogen )(?<!fluid )(?<!electrolyte )(?<!potassium )(?<!vitamin )replacement|"
    r"repair|resection|[a-z]+ectomy|[a-z]+otomy|[a-z]+ostomy|[a-z]+plasty|bypass|cabg|transplant|orif|fixation|fusion|"
    r"incision|staples?\s+removal|wound\s+check)\b")
_SURGERY_TALK_RX = re.compile(r"\b(?:my|the|since|after)\s+(?:\w+\s+)?(?:surgery|operation|procedure)\b|\bincision\b|\bstitches\b|\bstaples\b|\bsurgical\s+site\b")
_WOUND_SIGN_RX = re.compile(
    r"\b(?:wound|incision|cut|stitches|staples|scar|surgical\s+site)\b[^.?!]{0,60}\b(?:red|redness|reddish|drain|drainage|draining|oozing|ooze|pus|leaking|weeping|discharge|warm|hot|swollen)\b"
    r"|\b(?:red|redness|drainage|draining|oozing|pus|leaking|weeping|discharge)\b[^.?!]{0,60}\b(?:wound|incision|cut|stitches|staples|scar|surgical\s+site)\b")
_LONG_AGO_RX = re.compile(r"\b(?:years?|decades?)\s+ago\b|\bin\s+(?:19|20)\d\d\b|\bas\s+a\s+(?:kid|child)\b")
_DATE_IN_TEXT = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")
_POST_OP_DAYS = 42


def plan_is_post_operative(plan: CarePlan, today: dt.date) -> bool:
    """A surgery in the last ~6 weeks (condition onset or a date in its text), or a plan titled post-operative.

    "Recent" is counted from ``today`` and also from the plan's newest dated record (a plan replayed
    months after it was written still describes the weeks after the operation)."""
    anchors = {today}
    dates = [m.date.date() if isinstance(m.date, dt.datetime) else m.date for m in plan.labs if m.date is not None]
    if dates:
        anchors.add(max(dates))

    def recent(day: dt.date | None) -> bool:
        return day is not None and any(0 <= (a - day).days <= _POST_OP_DAYS for a in anchors)

    for cond in plan.conditions:
        text = " ".join(filter(None, [cond.name, cond.note, *[c.display or "" for c in cond.codes]])).lower()
        if not _SURGERY_RX.search(text):
            continue
        dates = [dt.date(int(y), int(m), int(d)) for y, m, d in _DATE_IN_TEXT.findall(text) if _valid_date(y, m, d)]
        if recent(cond.onset) or any(recent(d) for d in dates):
            return True
    about = " ".join(filter(None, [plan.title, plan.summary])).lower()
    if re.search(r"\bpost[- ]?op(?:erative)?\b|\bafter\s+(?:\w+\s+){0,3}(?:surgery|operation|replacement|arthroplasty)\b|\bsurgical\s+follow", about):
        dates = [dt.date(int(y), int(m), int(d)) for y, m, d in _DATE_IN_TEXT.findall(about) if _valid_date(y, m, d)]
        return not dates or any(recent(d) for d in dates)
    for appt in plan.appointments:
        when = appt.when.date() if isinstance(appt.when, dt.datetime) else appt.when
        purpose = (appt.purpose or "").lower()
        if re.search(r"\b(?:wound\s+check|staples?\s+removal|suture\s+removal|post[- ]?op)", purpose) and any(0 <= (when - a).days <= 30 for a in anchors):
            return True
    return False


def _valid_date(y: str, m: str, d: str) -> bool:
    try:
        dt.date(int(y), int(m), int(d))
        return True
    except ValueError:
        return False


def post_op_talk(text: str) -> bool:
    """The conversation says a recent surgery, or wound redness or drainage."""
    low = text.lower().translate(_APOS)
    if _WOUND_SIGN_RX.search(low):
        return True
    return bool(_SURGERY_TALK_RX.search(low)) and not _LONG_AGO_RX.search(low)


# ------------------------------------------------------------------------------------------------
# The specialist
# ------------------------------------------------------------------------------------------------

_LABELS = {
    "potassium": "Potassium", "sodium": "Sodium", "glucose": "Blood sugar", "hba1c": "A1c", "creatinine": "Creatinine",
    "egfr": "eGFR", "bun": "BUN", "inr": "INR", "hemoglobin": "Hemoglobin", "platelets": "Platelets", "wbc": "White count",
    "tsh": "TSH", "ldl": "LDL cholesterol", "alt": "ALT", "ast": "AST", "magnesium": "Magnesium", "bnp": "BNP",
    "systolic_bp": "Systolic blood pressure", "diastolic_bp": "Diastolic blood pressure", "heart_rate": "Heart rate",
    "temperature": "Temperature", "spo2": "Oxygen saturation", "respiratory_rate": "Breathing rate", "weight": "Weight",
}
_UNIT_LABELS = {"mm[Hg]": "mmHg", "[degF]": "F", "[lb_av]": "lb", "1": "", "10*3/uL": "x10^3/uL", "/min": "/min"}


def _lower_label(label: str) -> str:
    return label if label.isupper() or label[:2].isupper() else label[0].lower() + label[1:]


def _fmt(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".") if not float(v).is_integer() else str(int(v))


def _unit_label(analyte: str) -> str:
    u = ANALYTES[analyte].unit
    return _UNIT_LABELS.get(u, u)


def _split_drugs(names: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for name in names:
        for part in name.split("/"):
            part = part.strip().lower()
            if part and part not in out:
                out.append(part)
    return tuple(out)


def _plan_drugs(plan: CarePlan) -> tuple[str, ...]:
    """Plan drugs that can cause a value, combinations split ("sacubitril / valsartan"). Aspirin counts
    only at an analgesic dose: low-dose (81 mg) aspirin, the usual plan aspirin, is not an NSAID-type
    cause of a high potassium or a falling kidney function."""
    low_dose = kn.knowledge().low_dose_aspirin_mg
    out: list[str] = []
    for med in plan.medications:
        for part in _split_drugs([med.name]):
            if part == "aspirin" and not _analgesic_aspirin(med, low_dose):
                continue
            if part not in out:
                out.append(part)
    return tuple(out)


def _analgesic_aspirin(med: Medication, low_dose: float) -> bool:
    amounts = [a.mg() for a in (med.dose, med.strength) if a is not None]
    if any(mg is not None for mg in amounts):
        return any(mg is not None and mg > low_dose for mg in amounts)
    said = re.findall(r"(\d+(?:\.\d+)?)\s*mg", " ".join(filter(None, [med.display, med.dose_text])).lower())
    return any(float(x) > low_dose for x in said)


@lru_cache(maxsize=4096)
def _causes(drug: str, analyte: str, direction: str) -> bool:
    if not kn.is_lab_cause(drug, analyte, direction, tiers=("core",)):  # type: ignore[arg-type]
        return False
    return not any(e.analyte == analyte and e.direction == direction for e in kn.lab_non_effects(drug))


class LabsSpecialist:
    """Reads lab and vital values the patient reports and judges them against the care plan."""

    name = "labs"
    speakers: frozenset[Literal["agent", "patient"]] = frozenset({"patient"})

    def __init__(self) -> None:
        self._facts: dict[tuple[object, ...], tuple[CarePlan, _PlanFacts]] = {}

    def _plan_facts(self, plan: CarePlan, today: dt.date) -> _PlanFacts:
        # Keyed by the plan object (kept alive in the entry, so the id cannot be reused) and the fields the
        # facts come from: content_hash() serialises the whole plan, which costs more than the whole check.
        key = (id(plan), today, tuple((m.name, str(m.dose), str(m.strength), m.display) for m in plan.medications),
               tuple((c.name, c.onset, c.status) for c in plan.conditions), len(plan.labs), plan.title, plan.summary)
        hit = self._facts.get(key)
        if hit is not None and hit[0] is plan:
            return hit[1]
        facts = _PlanFacts(drugs=_plan_drugs(plan), post_op=plan_is_post_operative(plan, today))
        if len(self._facts) > 256:
            self._facts.clear()
        self._facts[key] = (plan, facts)
        return facts

    def check(self, ctx: TurnContext) -> SpecialistResult:
        text = ctx.text
        if not text or not any(ch.isdigit() for ch in text) and not _HAS_NUMBER_WORD.search(text):
            return SpecialistResult()
        history = [u.text for u in ctx.history][-2:]
        readings = read_measurements(text, ctx.plan, context=history, proxy=proxy_for_turn(ctx))
        if not readings:
            return SpecialistResult()
        facts = self._plan_facts(ctx.plan, ctx.today)
        post_op = facts.post_op or post_op_talk(text) or post_op_talk(ctx.said_before("patient")[-600:])
        result = SpecialistResult()
        for r in readings:
            j = judge(r, ctx.plan, post_op=post_op)
            self._report(j, facts, result)
        return result

    def _report(self, j: Judgement, facts: _PlanFacts, result: SpecialistResult) -> None:
        r = j.reading
        label = _LABELS[r.analyte]
        unit = _unit_label(r.analyte)
        value = f"{_fmt(r.value)}{(' ' + unit) if unit else ''}"
        said = f"{label} {value}"
        if j.direction is None:
            if j.urgency != "none":
                msg = f"{said}: {_reason_text(j)}"
                result.findings.append(Finding(kind="escalation", level=j.urgency, urgency=j.urgency, message=msg,
                                               evidence=r.text, specialist=self.name))
                result.guidance.append(f"{msg}: a clinician must call the patient today; do not advise on doses")
            elif j.bounds is not None:
                result.guidance.append(f"{said} is within {j.bounds.describe(unit)}: acknowledge it")
            return
        assert j.bounds is not None
        where = "below" if j.direction == "low" else "above"
        msg = f"{said} is {where} {j.bounds.describe(unit, j.direction)}"
        if j.reason:
            msg += f" ({_reason_text(j)})"
        result.findings.append(Finding(kind="value_out_of_range", analyte=r.analyte, direction=j.direction, urgency=j.urgency,
                                       message=msg, evidence=r.text, specialist=self.name))
        causes = [d for d in facts.drugs if _causes(d, r.analyte, j.direction)]
        for drug in causes:
            result.findings.append(Finding(kind="medication_effect", analyte=r.analyte, drug=drug,
                                           message=f"{drug} is a known cause of a {j.direction} {_lower_label(label)}",
                                           evidence=r.text, specialist=self.name))
        result.guidance.append(_guidance(msg, j, causes))


_HAS_NUMBER_WORD = re.compile(r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
                              r"seventeen|eighteen|nineteen|twenty|thirty|forty|fourty|fifty|sixty|seventy|eighty|ninety|hundred|point)\b", re.I)


def _reason_text(j: Judgement) -> str:
    return {
        "critical": "a critical value",
        "severe_hypertension_systolic": "severely high blood pressure",
        "severe_hypertension_diastolic": "severely high blood pressure",
        "postop_fever": "fever of 101 F or more after surgery",
    }.get(j.reason or "", j.reason or "")


def _guidance(msg: str, j: Judgement, causes: list[str]) -> str:
    med = f"; {', '.join(causes)} on the care plan can cause this" if causes else ""
    a = j.reading.analyte
    if j.reason == "critical" and a == "glucose":
        return (f"{msg}{med}: ask whether they treated it and how they feel now, and whether they are confused or "
                "cannot treat it (then call 911); a clinician must call the patient today; do not advise on doses")
    if j.reason in {"severe_hypertension_systolic", "severe_hypertension_diastolic"}:
        return (f"{msg}{med}: ask about chest pain, shortness of breath, severe headache, vision changes, weakness or "
                "trouble speaking (any of these: call 911); otherwise a clinician must call the patient today")
    if j.reason == "postop_fever":
        return f"{msg}: ask about wound redness, drainage or chills; the surgical team must call the patient today"
    if j.urgency == "urgent":
        return f"{msg}{med}: a clinician must call the patient today; acknowledge, do not advise on doses"
    return f"{msg}{med}: acknowledge, do not advise on doses, flag for the nurse"
