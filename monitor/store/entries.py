"""Reading stored entries back as ``Entry`` values: one by id (``monitor explain --entry``),
or every entry first seen since a time, in batches, with a topic's recorded hit state
(``monitor backtest`` and the web Topics page). Holds no business rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, Select, exists, select

from monitor.entry import Entry
from monitor.store.schema import entries, hits, sources

BATCH = 500  # entries read per query by ``entry_batches``


@dataclass(frozen=True)
class StoredRow:
    """A stored entry with its id and source name; ``hit``: a hit of the topic asked about
    points at it, ``story_hit``: its story has one (through it or another copy)."""

    id: int
    entry: Entry
    source: str
    story_id: int | None = None
    hit: bool = False
    story_hit: bool = False


def _entry_query() -> Select[Any]:
    return select(entries, sources.c.name.label("source_name")).join(
        sources, sources.c.id == entries.c.source_id
    )


def _entry(row: Row[Any]) -> Entry:
    return Entry(
        guid=row.guid,
        link=row.link,
        title=row.title,
        summary=row.summary,
        published=row.published_at,
        updated=row.updated_at,
        authors=tuple(row.authors or ()),
        extra=dict(row.extra or {}),
    )


def read_entry(conn: Connection, entry_id: int) -> StoredRow | None:
    """The stored entry ``entry_id``, or None."""
    row = conn.execute(_entry_query().where(entries.c.id == entry_id)).first()
    if row is None:
        return None
    return StoredRow(row.id, _entry(row), row.source_name, row.story_id)


def clustering_facts(
    conn: Connection, entry_id: int
) -> tuple[str | None, datetime | None, datetime]:
    """(canonical URL, published time, first-seen time) of stored entry ``entry_id``."""
    row = conn.execute(
        select(entries.c.canonical_url, entries.c.published_at, entries.c.first_seen_at).where(
            entries.c.id == entry_id
        )
    ).one()
    return row.canonical_url, row.published_at, row.first_seen_at


def entry_batches(
    conn: Connection, topic: str, since: datetime, *, batch: int = BATCH
) -> Iterator[list[StoredRow]]:
    """Entries first seen since ``since``, ``batch`` at a time by id, each with the recorded
    hit state of ``topic``."""
    hit = exists().where(hits.c.topic == topic, hits.c.entry_id == entries.c.id)
    story_hit = exists().where(hits.c.topic == topic, hits.c.story_id == entries.c.story_id)
    query = (
        _entry_query()
        .add_columns(hit.label("has_hit"), story_hit.label("story_has_hit"))
        .where(entries.c.first_seen_at >= since)
        .order_by(entries.c.id)
        .limit(batch)
    )
    last = 0
    while rows := list(conn.execute(query.where(entries.c.id > last))):
        yield [
            StoredRow(
                r.id,
                _entry(r),
                r.source_name,
                r.story_id,
                bool(r.has_hit),
                bool(r.story_has_hit),
            )
            for r in rows
        ]
        last = rows[-1].id
