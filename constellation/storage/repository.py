"""Small typed functions over the schema, for the rest of the code.

Every function takes an SQLAlchemy `Session` and works inside the caller's transaction: it adds
and flushes (so ids are set) but never commits. Use `Database.transaction()` to get a session
that commits on success and rolls back on error::

    with db.transaction() as s:
        plan = save_care_plan(s, care_plan)
        call = create_session(s, plan, engine={"primary": "scripted"})
    with db.transaction() as s:
        add_turn(s, call.id, TurnData(patient_text="hi", final_text="Hello!", verdict="approved"))

`add_turn` writes a turn with its drafts, findings and escalations in one savepoint: either all
of it is stored or, when anything fails, none of it (and the error propagates).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from careplans.model import CarePlan
from constellation.storage.models import (
    CallSession,
    CarePlanRecord,
    Draft,
    Escalation,
    Finding,
    Rater,
    Rating,
    RatingForm,
    Turn,
    utcnow,
)

# --------------------------------------------------------------------------------------------
# Input records


@dataclass
class FindingData:
    """A specialist finding to store; `keys` are its CONTRACT.md §3 keys (e.g. ``{"drug": ...}``)."""

    specialist: str
    kind: str
    keys: dict[str, Any] = field(default_factory=dict)
    message: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass
class DraftData:
    """A draft reply and the verification gate's verdict on it; `findings` were raised on it."""

    attempt: int
    text: str
    verdict: str
    failures: list[Any] = field(default_factory=list)
    findings: list[FindingData] = field(default_factory=list)


@dataclass
class EscalationData:
    level: str
    reason: str
    brief: dict[str, Any] = field(default_factory=dict)
    status: str = "open"


@dataclass
class TurnData:
    """Everything one turn produced. `index` None means the next index of the call.

    `findings` are those raised on the patient's words; draft findings go in `DraftData`.
    """

    final_text: str
    verdict: str
    patient_text: str | None = None
    index: int | None = None
    escalation_level: str = "none"
    timings: dict[str, float] = field(default_factory=dict)
    findings: list[FindingData] = field(default_factory=list)
    drafts: list[DraftData] = field(default_factory=list)
    escalations: list[EscalationData] = field(default_factory=list)
    patient_audio_path: str | None = None
    agent_audio_path: str | None = None
    hazards: list[dict[str, Any]] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Care plans


def save_care_plan(session: Session, plan: CarePlan) -> CarePlanRecord:
    """Store `plan`: the stored version with the same content if there is one, else a new version."""
    digest = plan.content_hash()
    existing = _plan_by_hash(session, plan.id, digest)
    if existing is not None:
        return existing
    latest = session.scalar(select(func.max(CarePlanRecord.version)).where(CarePlanRecord.plan_key == plan.id))
    record = CarePlanRecord(
        plan_key=plan.id,
        version=(latest or 0) + 1,
        content_hash=digest,
        content=plan.model_dump(mode="json"),
        title=plan.title,
        patient_name=plan.patient.name,
    )
    try:
        with session.begin_nested():
            session.add(record)
    except IntegrityError:
        # Someone else stored this content (or this version number) meanwhile.
        existing = _plan_by_hash(session, plan.id, digest)
        if existing is None:
            raise
        return existing
    return record


def _plan_by_hash(session: Session, plan_key: str, digest: str) -> CarePlanRecord | None:
    return session.scalar(
        select(CarePlanRecord).where(CarePlanRecord.plan_key == plan_key, CarePlanRecord.content_hash == digest)
    )


def get_care_plan(session: Session, plan_key: str, version: int | None = None) -> CarePlanRecord | None:
    """A stored care plan: the given version, else the latest; None when there is none."""
    query = select(CarePlanRecord).where(CarePlanRecord.plan_key == plan_key)
    if version is not None:
        return session.scalar(query.where(CarePlanRecord.version == version))
    return session.scalar(query.order_by(CarePlanRecord.version.desc()).limit(1))


def list_care_plans(session: Session, *, latest_only: bool = True) -> list[CarePlanRecord]:
    """Stored care plans by plan key (the latest version of each, or every version)."""
    query = select(CarePlanRecord)
    if latest_only:
        newest = (
            select(CarePlanRecord.plan_key, func.max(CarePlanRecord.version).label("version"))
            .group_by(CarePlanRecord.plan_key)
            .subquery()
        )
        query = query.join(
            newest, (CarePlanRecord.plan_key == newest.c.plan_key) & (CarePlanRecord.version == newest.c.version)
        )
    return list(session.scalars(query.order_by(CarePlanRecord.plan_key, CarePlanRecord.version)))


# --------------------------------------------------------------------------------------------
# Calls and turns


def create_session(
    session: Session,
    care_plan: CarePlanRecord | int,
    *,
    kind: str = "ai",
    engine: Mapping[str, Any] | None = None,
    state: Mapping[str, Any] | None = None,
    audio_path: str | None = None,
    started_at: dt.datetime | None = None,
) -> CallSession:
    """Start a call against a stored care-plan version."""
    plan_id = care_plan if isinstance(care_plan, int) else care_plan.id
    call = CallSession(
        care_plan_id=plan_id,
        kind=kind,
        status="active",
        engine=dict(engine or {}),
        state=dict(state or {}),
        audio_path=audio_path,
        started_at=started_at or utcnow(),
    )
    session.add(call)
    session.flush()
    return call


def get_session(session: Session, call_id: str) -> CallSession | None:
    return session.get(CallSession, call_id)


def _existing_call(session: Session, call_id: str) -> CallSession:
    call = session.get(CallSession, call_id)
    if call is None:
        raise LookupError(f"no call session {call_id!r}")
    return call


def add_turn(
    session: Session, call_id: str, turn: TurnData, *, state: Mapping[str, Any] | None = None
) -> Turn:
    """Store one turn with its drafts, findings and escalations (and, given `state`, the call's
    new state) all together: on any error nothing of it remains and the error propagates."""
    with session.begin_nested():
        call = _existing_call(session, call_id)
        index = turn.index
        if index is None:
            last = session.scalar(select(func.max(Turn.index)).where(Turn.session_id == call_id))
            index = 0 if last is None else last + 1
        row = Turn(
            session_id=call_id,
            index=index,
            patient_text=turn.patient_text,
            final_text=turn.final_text,
            verdict=turn.verdict,
            escalation_level=turn.escalation_level,
            timings=dict(turn.timings),
            hazards=[dict(h) for h in turn.hazards],
            patient_audio_path=turn.patient_audio_path,
            agent_audio_path=turn.agent_audio_path,
        )
        # Added one by one so rows are inserted (and numbered) in the order given: patient
        # findings first, then each draft followed by its findings.
        session.add(row)
        for f in turn.findings:
            row.findings.append(_finding(f))
        for d in turn.drafts:
            draft = Draft(attempt=d.attempt, text=d.text, verdict=d.verdict, failures=list(d.failures))
            row.drafts.append(draft)
            for f in d.findings:
                finding = _finding(f)
                finding.draft = draft
                row.findings.append(finding)
        for e in turn.escalations:
            session.add(
                Escalation(
                    session_id=call_id, turn=row, level=e.level, reason=e.reason, brief=dict(e.brief), status=e.status
                )
            )
        if state is not None:
            call.state = dict(state)
    return row


def set_turn_audio(session: Session, call_id: str, index: int, *, agent_audio_path: str | None = None,
                   patient_audio_path: str | None = None) -> Turn:
    """Attach audio files to a stored turn (the reply is synthesised after the turn is committed)."""
    row = session.scalar(select(Turn).where(Turn.session_id == call_id, Turn.index == index))
    if row is None:
        raise LookupError(f"no turn {index} in call {call_id!r}")
    if agent_audio_path is not None:
        row.agent_audio_path = agent_audio_path
    if patient_audio_path is not None:
        row.patient_audio_path = patient_audio_path
    session.flush()
    return row


def set_call_audio(session: Session, call_id: str, audio_path: str) -> None:
    call = _existing_call(session, call_id)
    call.audio_path = audio_path
    session.flush()


def _finding(f: FindingData) -> Finding:
    return Finding(specialist=f.specialist, kind=f.kind, keys=dict(f.keys), message=f.message, evidence=dict(f.evidence))


def end_session(
    session: Session,
    call_id: str,
    *,
    status: str = "ended",
    summary: str | None = None,
    state: Mapping[str, Any] | None = None,
) -> CallSession:
    """Close a call (`status` "ended", or "failed")."""
    call = _existing_call(session, call_id)
    call.status = status
    call.ended_at = utcnow()
    if summary is not None:
        call.summary = summary
    if state is not None:
        call.state = dict(state)
    session.flush()
    return call


def idle_calls(session: Session, *, quiet_since: dt.datetime) -> list[CallSession]:
    """Active calls with no turn (or start) after `quiet_since`: closed browsers, dropped lines."""
    last_turn = (select(Turn.session_id, func.max(Turn.created_at).label("last")).group_by(Turn.session_id).subquery())
    query = (select(CallSession).outerjoin(last_turn, last_turn.c.session_id == CallSession.id)
             .where(CallSession.status == "active",
                    func.coalesce(last_turn.c.last, CallSession.started_at) < quiet_since))
    return list(session.scalars(query))


# --------------------------------------------------------------------------------------------
# Escalations


def add_escalation(
    session: Session,
    call_id: str,
    *,
    level: str,
    reason: str,
    brief: Mapping[str, Any] | None = None,
    turn_id: int | None = None,
) -> Escalation:
    """Open an escalation for a human on a call (optionally tied to one turn)."""
    row = Escalation(session_id=call_id, turn_id=turn_id, level=level, reason=reason, brief=dict(brief or {}))
    session.add(row)
    session.flush()
    return row


def list_escalations(
    session: Session, status: str | None = None, *, call_id: str | None = None
) -> list[Escalation]:
    """Escalations, newest first, optionally of one status and/or one call."""
    query = select(Escalation)
    if status is not None:
        query = query.where(Escalation.status == status)
    if call_id is not None:
        query = query.where(Escalation.session_id == call_id)
    return list(session.scalars(query.order_by(Escalation.created_at.desc(), Escalation.id.desc())))


def set_escalation_status(session: Session, escalation_id: int, status: str) -> Escalation:
    """Move an escalation to "acknowledged" or "resolved"."""
    row = session.get(Escalation, escalation_id)
    if row is None:
        raise LookupError(f"no escalation {escalation_id}")
    row.status = status
    session.flush()
    return row


# --------------------------------------------------------------------------------------------
# Raters, forms and ratings

_RATER_FIELDS = ("password_hash", "role", "clinical_role", "specialty", "years_experience", "demographics",
                 "consent_at", "active")


def upsert_rater(session: Session, username: str, **fields: Any) -> Rater:
    """Create the rater `username` or update the given fields of it.

    Fields: password_hash (required for a new rater), role, clinical_role, specialty,
    years_experience, demographics, consent_at, active.
    """
    unknown = set(fields) - set(_RATER_FIELDS)
    if unknown:
        raise TypeError(f"unknown rater field(s): {', '.join(sorted(unknown))}")
    rater = session.scalar(select(Rater).where(Rater.username == username))
    if rater is None:
        if not fields.get("password_hash"):
            raise ValueError(f"a new rater ({username!r}) needs a password_hash")
        rater = Rater(username=username, **fields)
        session.add(rater)
    else:
        for name, value in fields.items():
            setattr(rater, name, value)
    session.flush()
    return rater


def get_rater(session: Session, username: str) -> Rater | None:
    return session.scalar(select(Rater).where(Rater.username == username))


def save_rating_form(session: Session, form_key: str, definition: Mapping[str, Any]) -> RatingForm:
    """Store a form definition: the latest version if it is unchanged, else a new version."""
    latest = session.scalar(
        select(RatingForm).where(RatingForm.form_key == form_key).order_by(RatingForm.version.desc()).limit(1)
    )
    if latest is not None and latest.definition == dict(definition):
        return latest
    form = RatingForm(form_key=form_key, version=(latest.version + 1) if latest else 1, definition=dict(definition))
    session.add(form)
    session.flush()
    return form


def save_rating(
    session: Session,
    rater_id: int,
    item_id: str,
    question: str,
    value: float | None = None,
    *,
    text_value: str | None = None,
    form_id: int | None = None,
    status: str = "draft",
) -> Rating:
    """Set one answer (one long-format row: rater x item x question [x form]); a second call
    for the same key updates the row."""
    row = session.scalar(
        select(Rating).where(
            Rating.rater_id == rater_id,
            Rating.item_id == item_id,
            Rating.question == question,
            Rating.form_id.is_(None) if form_id is None else Rating.form_id == form_id,
        )
    )
    if row is None:
        row = Rating(rater_id=rater_id, item_id=item_id, question=question, form_id=form_id)
        session.add(row)
    row.value = value
    row.text_value = text_value
    row.status = status
    session.flush()
    return row


def list_ratings(
    session: Session, *, item_id: str | None = None, question: str | None = None, rater_id: int | None = None,
    statuses: Sequence[str] = ("draft", "submitted"),
) -> list[Rating]:
    """Ratings (long rows) filtered by item, question and/or rater."""
    query = select(Rating).where(Rating.status.in_(list(statuses)))
    if item_id is not None:
        query = query.where(Rating.item_id == item_id)
    if question is not None:
        query = query.where(Rating.question == question)
    if rater_id is not None:
        query = query.where(Rating.rater_id == rater_id)
    return list(session.scalars(query.order_by(Rating.item_id, Rating.question, Rating.rater_id)))


__all__ = [
    "DraftData", "EscalationData", "FindingData", "TurnData",
    "add_escalation", "add_turn", "create_session", "end_session", "get_care_plan", "get_rater", "get_session", "idle_calls",
    "list_care_plans", "list_escalations", "list_ratings", "save_care_plan", "save_rating", "save_rating_form",
    "set_escalation_status", "upsert_rater",
]
