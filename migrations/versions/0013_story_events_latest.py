"""story_events: an index to read a key's latest stories down to the cap

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        op.f("ix_story_events_key_seen_at_story_id"),
        "story_events",
        ["key", "seen_at", "story_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_story_events_key_seen_at_story_id"), table_name="story_events")
