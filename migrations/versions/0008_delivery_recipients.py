"""delivery recipients: per-recipient outcome of a partly refused email delivery

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "delivery_recipients",
        sa.Column("delivery_id", _ID, nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["deliveries.id"],
            name=op.f("fk_delivery_recipients_delivery_id_deliveries"),
        ),
        sa.PrimaryKeyConstraint("delivery_id", "recipient", name=op.f("pk_delivery_recipients")),
    )


def downgrade() -> None:
    op.drop_table("delivery_recipients")
