"""court dockets: per-source poll windows and coverage gaps

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "source_windows",
        sa.Column("source_id", _ID, nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("oldest_at", sa.DateTime(), nullable=True),
        sa.Column("newest_at", sa.DateTime(), nullable=True),
        sa.Column("polled_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_source_windows_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("source_id", name=op.f("pk_source_windows")),
    )
    op.create_table(
        "coverage_gaps",
        sa.Column("id", _ID, nullable=False),
        sa.Column("source_id", _ID, nullable=False),
        sa.Column("court", sa.String(length=40), nullable=True),
        sa.Column("window_start", sa.DateTime(), nullable=True),
        sa.Column("window_end", sa.DateTime(), nullable=True),
        sa.Column("previous_entries", sa.Integer(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_coverage_gaps_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coverage_gaps")),
    )
    op.create_index(
        op.f("ix_coverage_gaps_source_id"), "coverage_gaps", ["source_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_coverage_gaps_source_id"), table_name="coverage_gaps")
    op.drop_table("coverage_gaps")
    op.drop_table("source_windows")
