"""Turns record the hazard categories they touched (MLCommons / Llama Guard) with the action the call took.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06

Self-contained on purpose (no import of the current models), so it stays valid as they change.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    # Turns stored before this revision touched no recorded category: an empty list, not NULL.
    with op.batch_alter_table("turns") as batch:
        batch.add_column(sa.Column("hazards", JSON, nullable=False, server_default=sa.text("'[]'")))


def downgrade() -> None:
    with op.batch_alter_table("turns") as batch:
        batch.drop_column("hazards")
