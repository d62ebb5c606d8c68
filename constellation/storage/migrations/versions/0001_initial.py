"""Initial schema: care plans, call sessions, turns, drafts, findings, escalations, raters,
rating forms and ratings (long format).

Revision ID: 0001
Revises:
Create Date: 2026-11-27

Self-contained on purpose (no import of the current models), so it stays valid as they change.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _ts(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _one_of(column: str, values: Sequence[str], name: str) -> sa.CheckConstraint:
    allowed = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=op.f(name))


def upgrade() -> None:
    op.create_table(
        "care_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_key", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("content", JSON, nullable=False),
        sa.Column("title", sa.String(length=500), nullable=True),
        sa.Column("patient_name", sa.String(length=300), nullable=False),
        _ts("created_at"),
        sa.CheckConstraint("version >= 1", name=op.f("ck_care_plans_version_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_plans")),
        sa.UniqueConstraint("plan_key", "content_hash", name=op.f("uq_care_plans_plan_key_content_hash")),
        sa.UniqueConstraint("plan_key", "version", name=op.f("uq_care_plans_plan_key_version")),
    )
    op.create_table(
        "raters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=150), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("clinical_role", sa.String(length=100), nullable=True),
        sa.Column("specialty", sa.String(length=100), nullable=True),
        sa.Column("years_experience", sa.Float(), nullable=True),
        sa.Column("demographics", JSON, nullable=False),
        _ts("consent_at", nullable=True),
        _ts("created_at"),
        sa.Column("active", sa.Boolean(), nullable=False),
        _one_of("role", ("admin", "rater"), "ck_raters_role"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_raters")),
        sa.UniqueConstraint("username", name=op.f("uq_raters_username")),
    )
    op.create_table(
        "rating_forms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("form_key", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("definition", JSON, nullable=False),
        _ts("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rating_forms")),
        sa.UniqueConstraint("form_key", "version", name=op.f("uq_rating_forms_form_key_version")),
    )
    op.create_table(
        "call_sessions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("care_plan_id", sa.Integer(), nullable=False),
        _ts("started_at"),
        _ts("ended_at", nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("engine", JSON, nullable=False),
        sa.Column("state", JSON, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("audio_path", sa.Text(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        _one_of("kind", ("ai", "human", "replay"), "ck_call_sessions_kind"),
        _one_of("status", ("active", "ended", "failed"), "ck_call_sessions_status"),
        sa.ForeignKeyConstraint(["care_plan_id"], ["care_plans.id"], name=op.f("fk_call_sessions_care_plan_id_care_plans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_sessions")),
    )
    op.create_index(op.f("ix_call_sessions_care_plan_id"), "call_sessions", ["care_plan_id"])
    op.create_index(op.f("ix_call_sessions_started_at"), "call_sessions", ["started_at"])

    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rater_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("form_id", sa.Integer(), nullable=True),
        sa.Column("question", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("text_value", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        _one_of("status", ("draft", "submitted"), "ck_ratings_status"),
        sa.ForeignKeyConstraint(["form_id"], ["rating_forms.id"], name=op.f("fk_ratings_form_id_rating_forms")),
        sa.ForeignKeyConstraint(["rater_id"], ["raters.id"], name=op.f("fk_ratings_rater_id_raters")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ratings")),
        sa.UniqueConstraint(
            "rater_id", "item_id", "question", "form_id", name=op.f("uq_ratings_rater_id_item_id_question_form_id")
        ),
    )
    op.create_index(op.f("ix_ratings_item_id_question"), "ratings", ["item_id", "question"])
    op.create_index(op.f("ix_ratings_question"), "ratings", ["question"])
    # NULL form ids never collide in the unique constraint above; this partial index covers them.
    op.create_index(
        "uq_ratings_rater_id_item_id_question_no_form",
        "ratings",
        ["rater_id", "item_id", "question"],
        unique=True,
        sqlite_where=sa.text("form_id IS NULL"),
        postgresql_where=sa.text("form_id IS NULL"),
    )

    op.create_table(
        "turns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("index", sa.Integer(), nullable=False),
        sa.Column("patient_text", sa.Text(), nullable=True),
        sa.Column("final_text", sa.Text(), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("escalation_level", sa.String(length=16), nullable=False),
        sa.Column("timings", JSON, nullable=False),
        _ts("created_at"),
        sa.Column("patient_audio_path", sa.Text(), nullable=True),
        sa.Column("agent_audio_path", sa.Text(), nullable=True),
        _one_of("escalation_level", ("none", "emergency", "urgent", "routine"), "ck_turns_escalation_level"),
        _one_of("verdict", ("approved", "revised", "blocked"), "ck_turns_verdict"),
        sa.CheckConstraint('"index" >= 0', name=op.f("ck_turns_index_not_negative")),
        sa.ForeignKeyConstraint(
            ["session_id"], ["call_sessions.id"], name=op.f("fk_turns_session_id_call_sessions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_turns")),
        # also the index of turns by session
        sa.UniqueConstraint("session_id", "index", name=op.f("uq_turns_session_id_index")),
    )
    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("turn_id", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("verdict", sa.String(length=32), nullable=False),
        sa.Column("failures", JSON, nullable=False),
        sa.CheckConstraint("attempt >= 0", name=op.f("ck_drafts_attempt_not_negative")),
        sa.ForeignKeyConstraint(["turn_id"], ["turns.id"], name=op.f("fk_drafts_turn_id_turns"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drafts")),
        sa.UniqueConstraint("turn_id", "attempt", name=op.f("uq_drafts_turn_id_attempt")),
    )
    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("turn_id", sa.Integer(), nullable=True),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("brief", JSON, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        _ts("created_at"),
        _one_of("level", ("emergency", "urgent", "routine"), "ck_escalations_level"),
        _one_of("status", ("open", "acknowledged", "resolved"), "ck_escalations_status"),
        sa.ForeignKeyConstraint(
            ["session_id"], ["call_sessions.id"], name=op.f("fk_escalations_session_id_call_sessions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["turn_id"], ["turns.id"], name=op.f("fk_escalations_turn_id_turns"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalations")),
    )
    op.create_index(op.f("ix_escalations_session_id"), "escalations", ["session_id"])
    op.create_index(op.f("ix_escalations_status_created_at"), "escalations", ["status", "created_at"])

    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("turn_id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=True),
        sa.Column("specialist", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("keys", JSON, nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("evidence", JSON, nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], name=op.f("fk_findings_draft_id_drafts"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["turn_id"], ["turns.id"], name=op.f("fk_findings_turn_id_turns"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
    )
    op.create_index(op.f("ix_findings_turn_id"), "findings", ["turn_id"])
    op.create_index(op.f("ix_findings_draft_id"), "findings", ["draft_id"])
    op.create_index(op.f("ix_findings_kind"), "findings", ["kind"])


def downgrade() -> None:
    # Dropping a table drops its indexes; children before parents.
    for table in (
        "findings", "escalations", "drafts", "turns", "ratings", "call_sessions",
        "rating_forms", "raters", "care_plans",
    ):
        op.drop_table(table)
