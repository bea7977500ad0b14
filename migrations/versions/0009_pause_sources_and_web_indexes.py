"""pause sources (web admin action) and indexes for the web pages

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _case_expressions() -> list[sa.TextClause]:
    """The docket fields court and case_key of entries.extra, written as
    monitor.store.schema.json_text renders them (an expression index must match the query)."""
    if op.get_bind().dialect.name == "postgresql":
        return [sa.text("(extra ->> 'court')"), sa.text("(extra ->> 'case_key')")]
    return [sa.text("json_extract(extra, '$.court')"), sa.text("json_extract(extra, '$.case_key')")]


def upgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("paused", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_index("ix_stories_created_at_id", "stories", ["created_at", "id"], unique=False)
    op.create_index(
        "ix_entries_source_id_first_seen_at", "entries", ["source_id", "first_seen_at"]
    )
    op.create_index("ix_entries_docket_case", "entries", _case_expressions())
    with_story = sa.text("story_id IS NOT NULL")
    op.create_index(
        "ix_entries_source_id_story_id",
        "entries",
        ["source_id", "story_id"],
        sqlite_where=with_story,
        postgresql_where=with_story,
    )
    op.create_index("ix_deliveries_state_id", "deliveries", ["state", "id"], unique=False)
    op.create_index("ix_hits_topic_created_at", "hits", ["topic", "created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_hits_topic_created_at", table_name="hits")
    op.drop_index("ix_deliveries_state_id", table_name="deliveries")
    op.drop_index("ix_entries_source_id_story_id", table_name="entries")
    op.drop_index("ix_entries_docket_case", table_name="entries")
    op.drop_index("ix_entries_source_id_first_seen_at", table_name="entries")
    op.drop_index("ix_stories_created_at_id", table_name="stories")
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("paused")
