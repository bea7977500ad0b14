"""fleet: replicas, send slots, job runs; failing_since and ops_state on sources

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failing_since", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("ops_state", sa.String(length=10), nullable=True))
    # sources failing now: since their last success (or their creation), the best we know
    op.execute(
        "UPDATE sources SET failing_since = COALESCE(last_success_at, created_at) "
        "WHERE consecutive_failures > 0"
    )
    op.create_table(
        "replicas",
        sa.Column("owner", sa.String(length=80), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("owner", name=op.f("pk_replicas")),
    )
    op.create_table(
        "send_slots",
        sa.Column("channel", sa.String(length=200), nullable=False),
        sa.Column("next_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("channel", name=op.f("pk_send_slots")),
    )
    op.create_table(
        "job_runs",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("last_run_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_runs")),
    )


def downgrade() -> None:
    op.drop_table("job_runs")
    op.drop_table("send_slots")
    op.drop_table("replicas")
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("ops_state")
        batch_op.drop_column("failing_since")
