"""event identity: the event each entry reports, stories filed by event keys

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "story_events",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("story_id", _ID, nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["story_id"], ["stories.id"], name=op.f("fk_story_events_story_id_stories")
        ),
        sa.PrimaryKeyConstraint("key", "story_id", name=op.f("pk_story_events")),
    )
    op.create_index(op.f("ix_story_events_story_id"), "story_events", ["story_id"], unique=False)
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("event", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_column("event")
    op.drop_index(op.f("ix_story_events_story_id"), table_name="story_events")
    op.drop_table("story_events")
