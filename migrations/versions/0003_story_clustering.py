"""story clustering: story buckets, entry content hash

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "story_buckets",
        sa.Column("bucket", sa.String(length=40), nullable=False),
        sa.Column("story_id", _ID, nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["story_id"], ["stories.id"], name=op.f("fk_story_buckets_story_id_stories")
        ),
        sa.PrimaryKeyConstraint("bucket", name=op.f("pk_story_buckets")),
    )
    op.create_index(op.f("ix_story_buckets_story_id"), "story_buckets", ["story_id"], unique=False)
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_hash", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_column("content_hash")
    op.drop_index(op.f("ix_story_buckets_story_id"), table_name="story_buckets")
    op.drop_table("story_buckets")
