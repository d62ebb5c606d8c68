"""Assignments of calls to raters (with blinding) and the audit of rating edits after submission.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

Write migrations that run on both SQLite and PostgreSQL: alter tables inside
``with op.batch_alter_table("name") as batch:`` (SQLite rebuilds the table) and name every
constraint (see NAMING_CONVENTION in constellation/storage/models.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.String(length=36), nullable=False),
    sa.Column('rater_id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=True),
    sa.Column('hide_annotations', sa.Boolean(), nullable=False),
    sa.Column('hide_source', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['form_id'], ['rating_forms.id'], name=op.f('fk_assignments_form_id_rating_forms')),
    sa.ForeignKeyConstraint(['rater_id'], ['raters.id'], name=op.f('fk_assignments_rater_id_raters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['call_sessions.id'], name=op.f('fk_assignments_session_id_call_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignments')),
    sa.UniqueConstraint('session_id', 'rater_id', name=op.f('uq_assignments_session_id_rater_id'))
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignments_rater_id'), ['rater_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignments_session_id'), ['session_id'], unique=False)

    op.create_table('rating_audit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rating_id', sa.Integer(), nullable=False),
    sa.Column('changed_by', sa.Integer(), nullable=False),
    sa.Column('old_value', sa.Float(), nullable=True),
    sa.Column('new_value', sa.Float(), nullable=True),
    sa.Column('old_text', sa.Text(), nullable=True),
    sa.Column('new_text', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['changed_by'], ['raters.id'], name=op.f('fk_rating_audit_changed_by_raters')),
    sa.ForeignKeyConstraint(['rating_id'], ['ratings.id'], name=op.f('fk_rating_audit_rating_id_ratings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating_audit'))
    )
    with op.batch_alter_table('rating_audit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_audit_rating_id'), ['rating_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('rating_audit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rating_audit_rating_id'))

    op.drop_table('rating_audit')
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignments_session_id'))
        batch_op.drop_index(batch_op.f('ix_assignments_rater_id'))

    op.drop_table('assignments')
