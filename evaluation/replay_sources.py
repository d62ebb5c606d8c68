"""What a replay runs: benchmark cases (CONTRACT.md §3), whole transcripts, or calls stored in the database.

A transcript is one JSON line holding a whole conversation; every turn becomes a case judged with the
turns before it as history, and a turn's optional `expected` list is its gold:

    {"id": "call-17", "care_plan": "plans/hf.yaml", "today": "2026-03-02",
     "turns": [{"speaker": "agent", "text": "Hi, this is the care team..."},
               {"speaker": "patient", "text": "I gained four pounds since yesterday",
                "expected": [{"kind": "escalation", "level": "urgent"}]}]}

Identity: a turn's own `identity_verified` wins; else the transcript's `identity_verified: true`; else the
caller is verified from the first turn after they gave the plan's name and date of birth (the privacy
specialist's own rule), as in a live call. Case lines and transcript lines may be mixed in one file.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from careplans import CarePlanError
from constellation.errors import UserError
from evaluation.replay import Case, PlanCache, parse_today, read_cases


@dataclass
class ReplaySource:
    cases: list[Case]
    base: Path  # care-plan paths in cases are relative to this folder
    label: str
    errors: list[dict[str, Any]] = field(default_factory=list)

    def digest(self) -> str:
        """The cases' content and every care-plan file they name: a changed plan is a different source."""
        h = hashlib.sha256()
        for case in self.cases:
            h.update(json.dumps([case.id, case.data], sort_keys=True, default=str).encode())
        for ref in sorted({c.data.get("care_plan") for c in self.cases if isinstance(c.data.get("care_plan"), str)}):
            path = (self.base / ref).resolve()
            h.update(ref.encode())
            h.update(hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"missing")
        return h.hexdigest()


def from_cases_file(path: Path) -> ReplaySource:
    """A JSON Lines file of cases and/or transcripts."""
    parsed = read_cases(path)
    base = path.resolve().parent
    plans = PlanCache(base)
    cases: list[Case] = []
    errors = list(parsed.errors)
    for case in parsed.cases:
        if "turns" in case.data:
            expanded, problem = expand_transcript(case, plans)
            cases.extend(expanded)
            if problem:
                errors.append({"line": case.line, "id": case.id, "error": problem})
        else:
            cases.append(case)
    if not cases:
        raise UserError(f"{path}: no usable case or transcript turn in the file")
    _rename_duplicates(cases, errors)
    return ReplaySource(cases, base, str(path), sorted(errors, key=lambda e: e["line"]))


def expand_transcript(transcript: Case, plans: PlanCache) -> tuple[list[Case], str | None]:
    """A transcript's turns as cases (each with the turns before it as history); a problem stops at that turn."""
    from specialists.privacy import verification_state

    data = transcript.data
    turns = data.get("turns")
    if not isinstance(turns, list) or not turns:
        return [], "a transcript needs a non-empty list of turns"
    today = parse_today(data.get("today"))
    try:
        plan = plans.get(data.get("care_plan"))
    except CarePlanError:
        plan = None  # each case reports the plan error itself
    cases: list[Case] = []
    history: list[dict[str, str]] = []
    for n, turn in enumerate(turns, start=1):
        if not isinstance(turn, dict) or turn.get("speaker") not in ("agent", "patient") \
                or not isinstance(turn.get("text"), str):
            return cases, f"turns[{n - 1}] must be an object with speaker 'agent' or 'patient' and a text"
        if "identity_verified" in turn:
            verified = bool(turn["identity_verified"])
        elif data.get("identity_verified") is True:
            verified = True
        else:
            said = [u["text"] for u in history if u["speaker"] == "patient"]
            verified = plan is not None and verification_state(plan, said, today)[0]
        case: dict[str, Any] = {"id": f"{transcript.id}/{n}", "care_plan": data.get("care_plan"),
                                "history": list(history), "turn": {"speaker": turn["speaker"], "text": turn["text"]},
                                "identity_verified": verified, "conversation": transcript.id}
        if data.get("today"):
            case["today"] = data["today"]
        if "expected" in turn:
            case["expected"] = turn["expected"]
        cases.append(Case(case["id"], transcript.line, case))
        history.append({"speaker": turn["speaker"], "text": turn["text"]})
    return cases, None


def from_stored_calls(database: Any, call_ids: list[str] | None = None) -> ReplaySource:
    """Calls stored by the voice demo or `chat`: each patient utterance and each spoken agent turn, with the
    care plan the call used. Stored calls have no gold, so their report has findings and no metrics."""
    from sqlalchemy import select

    from constellation.storage.models import CallSession

    cases: list[Case] = []
    with database.transaction() as s:
        query = select(CallSession).order_by(CallSession.started_at)
        if call_ids:
            query = query.where(CallSession.id.in_(call_ids))
        calls = list(s.scalars(query))
        found = {c.id for c in calls}
        missing = [c for c in call_ids or [] if c not in found]
        if missing:
            raise UserError(f"no stored call with id {', '.join(missing)}")
        for call in calls:
            transcript: list[dict[str, Any]] = []
            for turn in call.turns:
                if turn.patient_text:
                    transcript.append({"speaker": "patient", "text": turn.patient_text})
                transcript.append({"speaker": "agent", "text": turn.final_text})
            if not transcript:
                continue
            data = {"id": call.id, "care_plan": call.care_plan.content, "turns": transcript,
                    "today": call.started_at.date().isoformat()}
            cases.extend(expand_transcript(Case(call.id, 0, data), PlanCache(Path.cwd()))[0])
    if not cases:
        raise UserError("no stored call with any turn to replay" + (f" among {', '.join(call_ids)}" if call_ids else ""))
    label = f"stored calls ({len({c.conversation for c in cases})})"
    return ReplaySource(cases, Path.cwd(), label)


def _rename_duplicates(cases: list[Case], errors: list[dict[str, Any]]) -> None:
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            errors.append({"line": case.line, "id": case.id, "error": f"duplicate case id {case.id!r}"})
            case.id = f"{case.id}#line-{case.line}"
            case.data = {**case.data, "id": case.id}
        seen.add(case.id)


__all__ = ["ReplaySource", "expand_transcript", "from_cases_file", "from_stored_calls"]
