"""Replay runs and their per-case results, so an interrupted batch replay resumes where it stopped.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

Self-contained on purpose (no import of the current models), so it stays valid as they change.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "replay_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_key", sa.String(length=64), nullable=False),
        sa.Column("config_name", sa.String(length=200), nullable=False),
        sa.Column("config", JSON, nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("source_digest", sa.String(length=64), nullable=False),
        sa.Column("base_dir", sa.Text(), nullable=False),
        sa.Column("n_cases", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replay_runs")),
        sa.UniqueConstraint("run_key", name=op.f("uq_replay_runs_run_key")),
    )
    op.create_index(op.f("ix_replay_runs_source_digest"), "replay_runs", ["source_digest"])
    op.create_table(
        "replay_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=300), nullable=False),
        sa.Column("conversation", sa.Text(), nullable=False),
        sa.Column("case", JSON, nullable=False),
        sa.Column("entry", JSON, nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["replay_runs.id"], name=op.f("fk_replay_results_run_id_replay_runs"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replay_results")),
        sa.UniqueConstraint("run_id", "case_id", name=op.f("uq_replay_results_run_id_case_id")),
    )
    op.create_index(op.f("ix_replay_results_run_id"), "replay_results", ["run_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_replay_results_run_id"), table_name="replay_results")
    op.drop_table("replay_results")
    op.drop_index(op.f("ix_replay_runs_source_digest"), table_name="replay_runs")
    op.drop_table("replay_runs")
