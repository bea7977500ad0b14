"""story updates and threaded deliveries

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('story_updates',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('story_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('entry_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['entries.id'], name=op.f('fk_story_updates_entry_id_entries')),
    sa.ForeignKeyConstraint(['story_id'], ['stories.id'], name=op.f('fk_story_updates_story_id_stories')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_story_updates')),
    sa.UniqueConstraint('story_id', 'entry_id', 'kind', name=op.f('uq_story_updates_story_id_entry_id_kind'))
    )
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('slot', sa.String(length=60), server_default='alert', nullable=False))
        batch_op.add_column(sa.Column('thread_key', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('update_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_deliveries_hit_id_notifier'), type_='unique')
        batch_op.create_index('ix_deliveries_notifier_thread_key', ['notifier', 'thread_key'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_deliveries_hit_id_notifier_slot'), ['hit_id', 'notifier', 'slot'])
        batch_op.create_foreign_key(batch_op.f('fk_deliveries_update_id_story_updates'), 'story_updates', ['update_id'], ['id'])

    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('story_reason', sa.Text(), nullable=True))




def downgrade() -> None:

    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.drop_column('story_reason')

    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_deliveries_update_id_story_updates'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_deliveries_hit_id_notifier_slot'), type_='unique')
        batch_op.drop_index('ix_deliveries_notifier_thread_key')
        batch_op.create_unique_constraint(batch_op.f('uq_deliveries_hit_id_notifier'), ['hit_id', 'notifier'])
        batch_op.drop_column('update_id')
        batch_op.drop_column('thread_key')
        batch_op.drop_column('slot')

    op.drop_table('story_updates')

