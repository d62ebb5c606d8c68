"""The database schema, as SQLAlchemy 2.x typed ORM classes.

Portable between SQLite (the embedded default) and PostgreSQL (the deployment target):
- JSON columns use the generic ``JSON`` type (JSONB on PostgreSQL);
- timestamps are timezone-aware UTC on both (SQLite has no time zones, so `UTCDateTime` stores
  UTC and hands back aware datetimes);
- enumerations are short strings guarded by named CHECK constraints (no native ENUM types, so
  migrations stay simple on both databases);
- every constraint and index has a deterministic name (`NAMING_CONVENTION`), which Alembic needs
  to alter tables on SQLite (batch mode).

The schema itself is created and changed only by the Alembic migrations in ``migrations/``;
``tests/storage`` checks that the two agree.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

if TYPE_CHECKING:
    from careplans.model import CarePlan

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: A JSON document: plain JSON on SQLite, JSONB on PostgreSQL.
JSONDocument = JSON().with_variant(JSONB(), "postgresql")

# Allowed values of the enumerated columns (kept as plain strings in the database).
SESSION_STATUSES = ("active", "ended", "failed")
SESSION_KINDS = ("ai", "human", "replay")
VERDICTS = ("approved", "revised", "blocked")
ESCALATION_LEVELS = ("emergency", "urgent", "routine")  # most to least severe
TURN_ESCALATION_LEVELS = ("none", *ESCALATION_LEVELS)
ESCALATION_STATUSES = ("open", "acknowledged", "resolved")
RATER_ROLES = ("admin", "rater")
RATING_STATUSES = ("draft", "submitted")


def utcnow() -> dt.datetime:
    """The current time, timezone-aware, in UTC."""
    return dt.datetime.now(dt.UTC)


def new_id() -> str:
    """A fresh random UUID as a string (used for call-session ids)."""
    return str(uuid.uuid4())


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC timestamp on every backend.

    Aware values are converted to UTC on the way in; naive values are taken to be UTC already.
    Values read back are always aware (SQLite returns naive datetimes, so UTC is attached).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        value = value.astimezone(dt.UTC)
        # SQLite would store the offset as text; store plain UTC there.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def _one_of(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    allowed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        dict[str, Any]: JSONDocument,
        list[Any]: JSONDocument,
        dt.datetime: UTCDateTime(),
    }


class CarePlanRecord(Base):
    """One version of a care plan; versions of a plan share `plan_key` (the CarePlan.id)."""

    __tablename__ = "care_plans"
    __table_args__ = (
        UniqueConstraint("plan_key", "version"),
        UniqueConstraint("plan_key", "content_hash"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_key: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    content: Mapped[dict[str, Any]]
    title: Mapped[str | None] = mapped_column(String(500))
    patient_name: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    sessions: Mapped[list[CallSession]] = relationship(back_populates="care_plan")

    def to_plan(self) -> CarePlan:
        """The stored content as a `careplans.model.CarePlan`."""
        from careplans.model import CarePlan

        return CarePlan.model_validate(self.content)

    def __repr__(self) -> str:
        return f"CarePlanRecord(id={self.id!r}, plan_key={self.plan_key!r}, version={self.version!r})"


class CallSession(Base):
    """One call (AI, human or a replayed transcript) against one care-plan version."""

    __tablename__ = "call_sessions"
    __table_args__ = (
        _one_of("status", SESSION_STATUSES, "status"),
        _one_of("kind", SESSION_KINDS, "kind"),
        Index(None, "care_plan_id"),
        Index(None, "started_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    care_plan_id: Mapped[int] = mapped_column(ForeignKey("care_plans.id"))
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[dt.datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="active")
    #: primary agent, specialists, model used on this call.
    engine: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: identity status, checklist progress, meds discussed, open escalations.
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    kind: Mapped[str] = mapped_column(String(16), default="ai")
    audio_path: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)

    care_plan: Mapped[CarePlanRecord] = relationship(back_populates="sessions")
    turns: Mapped[list[Turn]] = relationship(
        back_populates="session", order_by="Turn.index", cascade="all, delete-orphan", passive_deletes=True
    )
    escalations: Mapped[list[Escalation]] = relationship(
        back_populates="session", cascade="all, delete-orphan", passive_deletes=True
    )


class Turn(Base):
    """One exchange: what the patient said and what the agent finally said."""

    __tablename__ = "turns"
    __table_args__ = (
        UniqueConstraint("session_id", "index"),
        _one_of("verdict", VERDICTS, "verdict"),
        _one_of("escalation_level", TURN_ESCALATION_LEVELS, "escalation_level"),
        CheckConstraint('"index" >= 0', name="index_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("call_sessions.id", ondelete="CASCADE"))
    index: Mapped[int] = mapped_column(Integer)
    patient_text: Mapped[str | None] = mapped_column(Text)
    final_text: Mapped[str] = mapped_column(Text)
    verdict: Mapped[str] = mapped_column(String(16))
    escalation_level: Mapped[str] = mapped_column(String(16), default="none")
    #: milliseconds per stage, e.g. {"specialists": 1.2, "primary": 0.4, "verify": 0.9, "total": 2.8}.
    timings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: hazard categories the patient turn touched (MLCommons / Llama Guard), each with the action the call took.
    hazards: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    patient_audio_path: Mapped[str | None] = mapped_column(Text)
    agent_audio_path: Mapped[str | None] = mapped_column(Text)

    session: Mapped[CallSession] = relationship(back_populates="turns")
    drafts: Mapped[list[Draft]] = relationship(
        back_populates="turn", order_by="Draft.attempt", cascade="all, delete-orphan", passive_deletes=True
    )
    findings: Mapped[list[Finding]] = relationship(
        back_populates="turn", order_by="Finding.id", cascade="all, delete-orphan", passive_deletes=True
    )


class Draft(Base):
    """A reply the primary agent drafted, and what the verification gate made of it."""

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("turn_id", "attempt"), CheckConstraint("attempt >= 0", name="attempt_not_negative"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey("turns.id", ondelete="CASCADE"))
    attempt: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    verdict: Mapped[str] = mapped_column(String(32))
    failures: Mapped[list[Any]] = mapped_column(default=list)

    turn: Mapped[Turn] = relationship(back_populates="drafts")
    findings: Mapped[list[Finding]] = relationship(back_populates="draft", passive_deletes=True)


class Finding(Base):
    """A specialist finding (CONTRACT.md §3) on the patient turn (`draft_id` null) or on a draft."""

    __tablename__ = "findings"
    __table_args__ = (Index(None, "turn_id"), Index(None, "draft_id"), Index(None, "kind"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey("turns.id", ondelete="CASCADE"))
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"))
    specialist: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(64))
    #: the contract keys of the finding, e.g. {"drug": "ibuprofen"}.
    keys: Mapped[dict[str, Any]] = mapped_column(default=dict)
    message: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)

    turn: Mapped[Turn] = relationship(back_populates="findings")
    draft: Mapped[Draft | None] = relationship(back_populates="findings")

    def as_contract(self) -> dict[str, Any]:
        """The finding as CONTRACT.md §3 writes it: ``{"kind": ..., **keys}``."""
        return {"kind": self.kind, **self.keys}


class Escalation(Base):
    """A hand-off to a human clinician, with the brief they need."""

    __tablename__ = "escalations"
    __table_args__ = (
        _one_of("level", ESCALATION_LEVELS, "level"),
        _one_of("status", ESCALATION_STATUSES, "status"),
        Index(None, "session_id"),
        Index(None, "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("call_sessions.id", ondelete="CASCADE"))
    turn_id: Mapped[int | None] = mapped_column(ForeignKey("turns.id", ondelete="SET NULL"))
    level: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    brief: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    session: Mapped[CallSession] = relationship(back_populates="escalations")
    turn: Mapped[Turn | None] = relationship()


class Rater(Base):
    """A clinician (or admin) of the evaluation portal."""

    __tablename__ = "raters"
    __table_args__ = (_one_of("role", RATER_ROLES, "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(150), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="rater")
    clinical_role: Mapped[str | None] = mapped_column(String(100))
    specialty: Mapped[str | None] = mapped_column(String(100))
    years_experience: Mapped[float | None] = mapped_column(Float)
    demographics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    consent_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    ratings: Mapped[list[Rating]] = relationship(back_populates="rater")


class RatingForm(Base):
    """A versioned questionnaire definition."""

    __tablename__ = "rating_forms"
    __table_args__ = (UniqueConstraint("form_key", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_key: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    definition: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Rating(Base):
    """One answer: rater x item x question (long format, CONTRACT.md §5).

    `item_id` is a call-session id or a turn id, as a string. Uniqueness covers
    (rater, item, question, form); a second, partial unique index covers the rows without a form,
    since NULLs never collide in a plain unique constraint.
    """

    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("rater_id", "item_id", "question", "form_id"),
        Index(
            "uq_ratings_rater_id_item_id_question_no_form",
            "rater_id",
            "item_id",
            "question",
            unique=True,
            sqlite_where=text("form_id IS NULL"),
            postgresql_where=text("form_id IS NULL"),
        ),
        Index(None, "item_id", "question"),
        Index(None, "question"),
        _one_of("status", RATING_STATUSES, "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rater_id: Mapped[int] = mapped_column(ForeignKey("raters.id"))
    item_id: Mapped[str] = mapped_column(String(64))
    form_id: Mapped[int | None] = mapped_column(ForeignKey("rating_forms.id"))
    question: Mapped[str] = mapped_column(String(100))
    value: Mapped[float | None] = mapped_column(Float)
    text_value: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    rater: Mapped[Rater] = relationship(back_populates="ratings")
    form: Mapped[RatingForm | None] = relationship()


class Assignment(Base):
    """A call given to a rater to rate, with what the rater may see."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("session_id", "rater_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("call_sessions.id", ondelete="CASCADE"), index=True)
    rater_id: Mapped[int] = mapped_column(ForeignKey("raters.id", ondelete="CASCADE"), index=True)
    form_id: Mapped[int | None] = mapped_column(ForeignKey("rating_forms.id"))
    # Blinding: hide the specialists' annotations; hide whether the call was the AI or a human nurse.
    hide_annotations: Mapped[bool] = mapped_column(Boolean, default=True)
    hide_source: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    session: Mapped[CallSession] = relationship()
    rater: Mapped[Rater] = relationship()
    form: Mapped[RatingForm | None] = relationship()


class RatingAudit(Base):
    """Every change to a rating after it was submitted: who, when, from what to what, and why."""

    __tablename__ = "rating_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("ratings.id", ondelete="CASCADE"), index=True)
    changed_by: Mapped[int] = mapped_column(ForeignKey("raters.id"))
    old_value: Mapped[float | None] = mapped_column(Float)
    new_value: Mapped[float | None] = mapped_column(Float)
    old_text: Mapped[str | None] = mapped_column(Text)
    new_text: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ReplayRun(Base):
    """One configuration run over one set of replay cases; its results are stored case by case so an
    interrupted run resumes where it stopped. `run_key` is a digest of the configuration and the cases."""

    __tablename__ = "replay_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_key: Mapped[str] = mapped_column(String(64), unique=True)
    config_name: Mapped[str] = mapped_column(String(200))
    config: Mapped[dict[str, Any]]
    source: Mapped[str] = mapped_column(Text)  # what was replayed: a file path or "stored calls ..."
    source_digest: Mapped[str] = mapped_column(String(64), index=True)
    base_dir: Mapped[str] = mapped_column(Text)  # care-plan paths in cases are relative to this
    n_cases: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]

    results: Mapped[list[ReplayResult]] = relationship(
        back_populates="run", cascade="all, delete-orphan", passive_deletes=True, order_by="ReplayResult.position")


class ReplayResult(Base):
    """One case of a replay run: the case as replayed and what the configuration found."""

    __tablename__ = "replay_results"
    __table_args__ = (UniqueConstraint("run_id", "case_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("replay_runs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    case_id: Mapped[str] = mapped_column(String(300))
    conversation: Mapped[str] = mapped_column(Text)
    case: Mapped[dict[str, Any]]
    entry: Mapped[dict[str, Any]]  # the report's case entry: findings, latency, error

    run: Mapped[ReplayRun] = relationship(back_populates="results")


__all__ = [
    "ESCALATION_LEVELS", "ESCALATION_STATUSES", "NAMING_CONVENTION", "RATER_ROLES", "RATING_STATUSES",
    "SESSION_KINDS", "SESSION_STATUSES", "TURN_ESCALATION_LEVELS", "VERDICTS",
    "Assignment", "Base", "CallSession", "CarePlanRecord", "Draft", "Escalation", "Finding", "JSONDocument", "Rater",
    "Rating", "RatingAudit", "RatingForm", "ReplayResult", "ReplayRun", "Turn", "UTCDateTime", "new_id", "utcnow",
]
