"""Entries, stories, hits and their outbox rows, written together in one transaction.

"New" is decided here by the database: every insert is insert-or-ignore on a unique key, and
only rows that were really inserted lead to further rows. Holds no business rules: what to
write (keys, matches, suppression) is decided by the pipeline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, select, update
from sqlalchemy.dialects import postgresql, sqlite

from monitor.entry import Entry, Match
from monitor.store.schema import deliveries, entries, hits, sources, stories


@dataclass(frozen=True)
class HitIntent:
    """A topic matched; ``suppressed`` names why no alert is owed (None: alert)."""

    match: Match
    suppressed: str | None = None


@dataclass(frozen=True)
class EntryIntent:
    key: str
    entry: Entry
    canonical_url: str | None
    hits: tuple[HitIntent, ...] = ()


@dataclass
class RecordResult:
    new_entries: int = 0
    new_hits: int = 0
    alerts: int = 0  # outbox rows created
    delivery_ids: list[int] = field(default_factory=list)


def insert_ignore(
    conn: Connection, table: Table, values: Mapping[str, Any], conflict: Sequence[str]
) -> int | None:
    """Insert a row unless it collides on ``conflict``; return its id, or None if ignored."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        stmt: Any = (
            postgresql.insert(table)
            .values(**values)
            .on_conflict_do_nothing(index_elements=list(conflict))
        )
    elif dialect == "sqlite":
        stmt = (
            sqlite.insert(table)
            .values(**values)
            .on_conflict_do_nothing(index_elements=list(conflict))
        )
    else:  # pragma: no cover - only the two supported backends reach here
        raise NotImplementedError(dialect)
    return conn.execute(stmt.returning(table.c.id)).scalar_one_or_none()


def known_keys(conn: Connection, keys: Sequence[str]) -> set[str]:
    """The subset of ``keys`` already stored (a cheap pre-check; inserts still decide)."""
    found: set[str] = set()
    for i in range(0, len(keys), 500):
        chunk = keys[i : i + 500]
        found.update(conn.scalars(select(entries.c.key).where(entries.c.key.in_(chunk))))
    return found


def _entry_values(intent: EntryIntent, source_id: int, now: datetime) -> dict[str, Any]:
    e = intent.entry
    return {
        "key": intent.key,
        "source_id": source_id,
        "guid": e.guid,
        "link": e.link,
        "canonical_url": intent.canonical_url,
        "title": e.title,
        "summary": e.summary,
        "published_at": e.published,
        "updated_at": e.updated,
        "authors": list(e.authors),
        "extra": e.extra,
        "first_seen_at": now,
    }


def record_entries(
    conn: Connection,
    source_id: int,
    intents: Sequence[EntryIntent],
    routes: Mapping[str, Sequence[str]],
    now: datetime,
) -> RecordResult:
    """Insert new entries (each its own story for now), their hits, and one outbox row per
    hit and routed notifier. Known entries and known (topic, story) hits are ignored."""
    result = RecordResult()
    for intent in intents:
        entry_id = insert_ignore(conn, entries, _entry_values(intent, source_id, now), ["key"])
        if entry_id is None:
            continue
        result.new_entries += 1
        story_id = conn.execute(
            stories.insert()
            .values(title=intent.entry.title, created_at=now)
            .returning(stories.c.id)
        ).scalar_one()
        conn.execute(update(entries).where(entries.c.id == entry_id).values(story_id=story_id))
        for hit in intent.hits:
            _record_hit(conn, hit, story_id, entry_id, routes, now, result)
    return result


def _record_hit(
    conn: Connection,
    hit: HitIntent,
    story_id: int,
    entry_id: int,
    routes: Mapping[str, Sequence[str]],
    now: datetime,
    result: RecordResult,
) -> None:
    hit_id = insert_ignore(
        conn,
        hits,
        {
            "topic": hit.match.topic,
            "story_id": story_id,
            "entry_id": entry_id,
            "terms": list(hit.match.terms),
            "snippet": hit.match.snippet,
            "suppressed": hit.suppressed,
            "created_at": now,
        },
        ["topic", "story_id"],
    )
    if hit_id is None:
        return
    result.new_hits += 1
    if hit.suppressed is not None:
        return
    for notifier in routes.get(hit.match.topic, ()):
        delivery_id = insert_ignore(
            conn,
            deliveries,
            {
                "hit_id": hit_id,
                "notifier": notifier,
                "state": "pending",
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            },
            ["hit_id", "notifier"],
        )
        if delivery_id is not None:
            result.alerts += 1
            result.delivery_ids.append(delivery_id)


@dataclass(frozen=True)
class HitRow:
    id: int
    topic: str
    source: str
    title: str
    link: str | None
    published: datetime | None
    terms: list[str]
    snippet: str
    suppressed: str | None
    created_at: datetime


def list_hits(
    conn: Connection, *, topic: str | None = None, since: datetime | None = None, limit: int = 1000
) -> list[HitRow]:
    """Recorded hits, newest first, optionally for one topic and since a time."""
    query = (
        select(
            hits.c.id,
            hits.c.topic,
            sources.c.name.label("source"),
            entries.c.title,
            entries.c.link,
            entries.c.published_at.label("published"),
            hits.c.terms,
            hits.c.snippet,
            hits.c.suppressed,
            hits.c.created_at,
        )
        .join(entries, entries.c.id == hits.c.entry_id)
        .join(sources, sources.c.id == entries.c.source_id)
        .order_by(hits.c.created_at.desc(), hits.c.id.desc())
        .limit(limit)
    )
    if topic is not None:
        query = query.where(hits.c.topic == topic)
    if since is not None:
        query = query.where(hits.c.created_at >= since)
    return [HitRow(**r._asdict()) for r in conn.execute(query)]
