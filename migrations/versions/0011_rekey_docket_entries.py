"""rekey docket entries: one key per filing, whatever the order, types or defendant of its items

Docket keys used to hash an item's guid, time and entry type where it had no document or
sequence number (EDNY, appellate "Document" links), and a per-defendant copy's own sequence
number: a filing re-polled with its items in another order, or split across polls, got a
second key and alerted again. The keys are now the filing's identity
(``monitor.docket_entry.filing_identity``); this re-keys the entries already stored so that
the next poll finds them (else every filing still in a court's window would alert again).
Entries of one filing stored apart (EDNY's types, per-defendant copies) keep their old key
but the first: the next poll finds that one and joins the rest to it quietly.

Uses the key scheme of this code (a later scheme change comes with its own migration).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from monitor.docket_entry import upgrade_extra
from monitor.docket_keys import docket_key
from monitor.entry import Entry

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_entries = sa.table(
    "entries",
    sa.column("id", sa.BigInteger()),
    sa.column("key", sa.String(80)),
    sa.column("extra", sa.JSON()),
)


def upgrade() -> None:
    conn = op.get_bind()
    docket = _entries.c.key.like("1:d%")  # 1:dn, 1:ds, 1:dg: news keys are g, s, u, t
    rows = conn.execute(
        sa.select(_entries.c.id, _entries.c.key, _entries.c.extra)
        .where(docket)
        .order_by(_entries.c.id)
    ).all()
    taken = {row.key for row in rows}
    for row in rows:
        if not isinstance(row.extra, dict) or not row.extra.get("docket"):
            continue
        key = docket_key(Entry(None, None, "", "", extra=upgrade_extra(row.extra)))
        if key in taken:  # unchanged, or another item of the same filing has it
            continue
        conn.execute(sa.update(_entries).where(_entries.c.id == row.id).values(key=key))
        taken.discard(row.key)
        taken.add(key)


def downgrade() -> None:
    # The earlier keys hashed per-item fields that the joined entries no longer hold;
    # an entry keeps its current key (the earlier code would alert a re-polled filing again).
    pass
