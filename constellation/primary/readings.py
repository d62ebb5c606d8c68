"""Numbers the caller asks about, answered against the care plan: "his sugar is 142, is that good?", "what should
my INR be?".

A reading the caller asks about is judged as the labs specialist judges it (:func:`specialists.labs.judge`) against the
plan's own goal, and the answer says where it falls. Without a goal on the plan it is not judged here (a general figure,
such as a normal blood pressure, is the answer bank's, said as its source says it). A reading the caller reports out of
range is not answered here either: the labs finding's reviewed wording says so and passes it to the care team. A
question about the goal itself gets the plan's goal. Every number said is the caller's own or the plan's, so the hallucination checker can hold the draft to them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from careplans import CarePlan
from careplans.analytes import said_as
from specialists.answer_bank import plan_goal
from specialists.labs import analytes_named, judge, read_measurements
from specialists.text.context import speaking_for

# "is that good?", "good or not good?", "is 150 too high?", "where should it be?": asked of a value
_VALUE_QUESTION = re.compile(
    r"\b(?:good|ok|okay|alright|all right|fine|normal|too (?:high|low)|high|low|bad|in range|on target|where it should be|"
    r"what it should be|where (?:he|she|i|it|they) should be)\b[^.?!]*\?|\bgood or (?:not|bad)\b|"
    r"\b(?:is|was|are|were) (?:that|it|this|those|these|they) (?:a )?(?:good|ok|okay|alright|all right|fine|normal|too high|"
    r"too low|high|low|bad)\b|\bhow(?:'?s| is| does) (?:that|it|this) (?:look|sound|seem)\b|\bshould (?:i|we) (?:be )?worr(?:y|ied)\b",
    re.IGNORECASE)
# "what should my INR be?", "what's my target for sugar?", "what range is he meant to be in?" ("what's a normal X?" asks
# the general figure: the answer bank's, which adds the plan's goal)
_GOAL_QUESTION = re.compile(
    r"\b(?:goal|target|range|aim(?:ing)? for)\b[^.?!]*\?|\bwhat (?:should|ought)\b[^.?!]*\bbe\b|"
    r"\b(?:supposed|meant) to be\b|\bwhere (?:should|ought)\b[^.?!]*\bbe\b",
    re.IGNORECASE)


def _number(value: float) -> str:
    return f"{value:,.1f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"


def goal_answer(text: str, plan: CarePlan) -> str | None:
    """The plan's goal for the measure a question names ("what should my INR be?"), or None."""
    if not _GOAL_QUESTION.search(text):
        return None
    for key in analytes_named(text):
        keys = ("systolic_bp",) if key == "bp" else (key,)
        for analyte in keys:
            if (goal := plan_goal(plan, analyte)) is not None:
                return goal
    return None


def reading_answer(text: str, plan: CarePlan, history: Sequence[tuple[str, str]] = (), *, asked: bool = True) -> str | None:
    """Where a value the caller asks about falls ("142 is within the goal in your care plan, 80 to 180"), or None
    (no value asked about, or one reported out of range: the labs finding speaks for that). ``history``: the call
    so far as (speaker, text), which names a bare value ("Is 95 okay?" after "How have your sugars been?") and
    says whether the caller speaks for the patient ("his sugar" is then the patient's). ``asked=False``: a value told, not
    asked about ("His sugar this morning was 142"), is said against the goal only when every value told is within it."""
    if asked and not _VALUE_QUESTION.search(text):
        return None
    patient = plan.patient
    names = tuple(n for n in (patient.first_name, patient.preferred_name or "") if n)
    proxy = speaking_for([t for speaker, t in history if speaker == "patient"] + [text], sex=patient.sex, names=names)
    context = [t for _, t in history[-2:]]
    readings = [r for r in read_measurements(text, plan, context=context, include_flagged=True, proxy=proxy)
                if not (r.negated or r.other_person or r.target or r.earlier)]
    if not readings:
        return None
    said: list[str] = []
    for r in readings:
        if r.analyte == "diastolic_bp" and any(o.analyte == "systolic_bp" for o in readings):
            continue  # the pressure is judged as a pair below
        pair = [o for o in readings if o.analyte == "diastolic_bp"] if r.analyte == "systolic_bp" else []
        judged = [judge(o, plan) for o in (r, *pair)]
        # Only against the plan's own goal: a general range (blood pressure normal below 120 over 80) is the answer
        # bank's, said as its source says it, not judged here against screening limits.
        if any(j.bounds is None or j.bounds.source != "goal" for j in judged):
            return None
        if any(o.original_unit and abs(o.original_value - o.value) > 1e-6 for o in (r, *pair)):
            return None  # said in another unit than the goal's: not answered in two units
        directions = {j.direction for j in judged}
        value = f"{_number(r.value)} over {_number(pair[0].value)}" if pair else _number(r.value)
        word = "blood pressure" if pair else said_as(r.analyte)
        goal = _goal_span(plan, r.analyte, pair=bool(pair))
        if directions == {None}:
            said.append(f"A {word} of {value} is within the goal in your care plan, {goal}.")
        elif r.current or not asked:
            return None  # reported and out of range: the finding's wording passes it on
        else:
            where = "above" if "high" in directions else "below"
            said.append(f"A {word} of {value} would be {where} the goal in your care plan, {goal}, so it's worth telling "
                        "your care team if you see it.")
    return " ".join(said) or None


def _goal_span(plan: CarePlan, analyte: str, *, pair: bool) -> str:
    """ "70 to 180", "up to 130 over 80": the plan's goal, inclusive as the labs specialist judges it."""
    target = plan.target(analyte)
    assert target is not None
    if pair:
        bottom = plan.target("diastolic_bp")
        if target.high is not None and bottom is not None and bottom.high is not None:
            return f"up to {_number(target.high)} over {_number(bottom.high)}"
    if target.low is not None and target.high is not None:
        return f"{_number(target.low)} to {_number(target.high)}"
    return f"up to {_number(target.high)}" if target.high is not None else f"{_number(target.low or 0)} or higher"
