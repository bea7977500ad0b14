"""Deleting old rows in small batches (``settings.retention``): dead deliveries, hits whose
alerts are all settled, entries nothing refers to any more, and stories left empty.

Each function deletes at most ``batch`` rows of its kind (children first: delivery
recipients before deliveries, deliveries before hits, story updates before entries, a
story's buckets and event keys before the story) in the caller's transaction and returns
how many it deleted, so the caller commits after each batch and no lock is held for long.
Nothing owed is ever deleted: a hit with a pending, sending or failed delivery stays, and so
does everything it refers to. Holds no business rules (the settings say how old is old).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, delete, exists, select

from monitor.store.schema import (
    deliveries,
    delivery_recipients,
    entries,
    hits,
    stories,
    story_buckets,
    story_events,
    story_updates,
)

OWED = ("pending", "sending", "failed")


def prune_dead_deliveries(conn: Connection, cutoff: datetime, batch: int) -> int:
    """Dead deliveries created before ``cutoff`` (and their recipients' rows)."""
    query = (
        select(deliveries.c.id)
        .where(deliveries.c.state == "dead", deliveries.c.created_at < cutoff)
        .order_by(deliveries.c.id)
        .limit(batch)
    )
    ids = list(conn.scalars(query))
    _delete_deliveries(conn, ids)
    return len(ids)


def prune_hits(conn: Connection, cutoff: datetime, batch: int) -> int:
    """Hits recorded before ``cutoff`` whose deliveries are all sent or dead (with them)."""
    owed = exists().where(deliveries.c.hit_id == hits.c.id, deliveries.c.state.in_(OWED))
    query = (
        select(hits.c.id).where(hits.c.created_at < cutoff, ~owed).order_by(hits.c.id).limit(batch)
    )
    ids = list(conn.scalars(query))
    if ids:
        owned = select(deliveries.c.id).where(deliveries.c.hit_id.in_(ids))
        _delete_deliveries(conn, list(conn.scalars(owned)))
        conn.execute(delete(hits).where(hits.c.id.in_(ids)))
    return len(ids)


def prune_entries(conn: Connection, cutoff: datetime, batch: int) -> int:
    """Entries first seen before ``cutoff`` that no hit refers to, nor any delivery through
    a story update (their story updates go with them)."""
    by_hit = exists().where(hits.c.entry_id == entries.c.id)
    by_delivery = exists().where(
        story_updates.c.entry_id == entries.c.id, deliveries.c.update_id == story_updates.c.id
    )
    query = (
        select(entries.c.id)
        .where(entries.c.first_seen_at < cutoff, ~by_hit, ~by_delivery)
        .order_by(entries.c.id)
        .limit(batch)
    )
    ids = list(conn.scalars(query))
    if ids:
        conn.execute(delete(story_updates).where(story_updates.c.entry_id.in_(ids)))
        conn.execute(delete(entries).where(entries.c.id.in_(ids)))
    return len(ids)


def prune_stories(conn: Connection, cutoff: datetime, batch: int) -> int:
    """Stories created before ``cutoff`` left with no entry and no hit."""
    query = (
        select(stories.c.id)
        .where(
            stories.c.created_at < cutoff,
            ~exists().where(entries.c.story_id == stories.c.id),
            ~exists().where(hits.c.story_id == stories.c.id),
            ~exists().where(
                story_updates.c.story_id == stories.c.id,
                deliveries.c.update_id == story_updates.c.id,
            ),
        )
        .order_by(stories.c.id)
        .limit(batch)
    )
    ids = list(conn.scalars(query))
    if ids:
        conn.execute(delete(story_updates).where(story_updates.c.story_id.in_(ids)))
        conn.execute(delete(story_buckets).where(story_buckets.c.story_id.in_(ids)))
        conn.execute(delete(story_events).where(story_events.c.story_id.in_(ids)))
        conn.execute(delete(stories).where(stories.c.id.in_(ids)))
    return len(ids)


def _delete_deliveries(conn: Connection, ids: Sequence[int]) -> None:
    if ids:
        conn.execute(delete(delivery_recipients).where(delivery_recipients.c.delivery_id.in_(ids)))
        conn.execute(delete(deliveries).where(deliveries.c.id.in_(ids)))
