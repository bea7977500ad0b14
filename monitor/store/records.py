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

from sqlalchemy import Connection, Row, Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from monitor.entry import Entry, Match
from monitor.store.schema import deliveries, entries, hits, sources, stories, story_updates


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
    # deliveries with the same thread key thread under the first one sent (a court case:
    # "case:ilnd:1:21-cv-00135"); None threads by story ("story:<id>")
    thread_key: str | None = None


@dataclass
class RecordResult:
    new_entries: int = 0
    new_hits: int = 0
    alerts: int = 0  # outbox rows created
    delivery_ids: list[int] = field(default_factory=list)


def _insert_ignore(conn: Connection, table: Table, conflict: Sequence[str]) -> Any:
    """An INSERT … ON CONFLICT DO NOTHING statement for this connection's dialect."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=list(conflict))
    if dialect == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing(index_elements=list(conflict))
    raise NotImplementedError(dialect)  # pragma: no cover - only the supported backends


def insert_ignore_many(
    conn: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    conflict: Sequence[str],
    returning: Sequence[str],
) -> list[Row[Any]]:
    """Insert ``rows`` unless they collide on ``conflict``, in one batched statement; return
    ``returning`` columns of the rows really inserted (ignored rows return nothing)."""
    if not rows:
        return []
    stmt = _insert_ignore(conn, table, conflict).returning(*(table.c[c] for c in returning))
    return list(conn.execute(stmt, list(rows)))


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
    hit and routed notifier. Known entries and known (topic, story) hits are ignored. Each
    table gets one batched statement, so a feed costs a handful of round trips."""
    result = RecordResult()
    if not intents:
        return result
    # Stories first, so each entry row is written once, already in its story. Stories of
    # entries that turn out to be known (a race with another poller) are removed again.
    story_ids = conn.scalars(
        stories.insert().returning(stories.c.id, sort_by_parameter_order=True),
        [{"title": i.entry.title, "created_at": now} for i in intents],
    ).all()
    rows = [
        {**_entry_values(i, source_id, now), "story_id": story}
        for i, story in zip(intents, story_ids, strict=True)
    ]
    inserted = {
        r.key: r.id for r in insert_ignore_many(conn, entries, rows, ["key"], ["id", "key"])
    }
    new = [(i, s) for i, s in zip(intents, story_ids, strict=True) if i.key in inserted]
    if len(new) < len(intents):
        orphans = [s for i, s in zip(intents, story_ids, strict=True) if i.key not in inserted]
        conn.execute(delete(stories).where(stories.c.id.in_(orphans)))
    result.new_entries = len(new)
    hit_rows, alerting, threads = [], set(), {}
    for intent, story_id in new:
        threads[story_id] = intent.thread_key or f"story:{story_id}"
        for hit in intent.hits:
            hit_rows.append(
                {
                    "topic": hit.match.topic,
                    "story_id": story_id,
                    "entry_id": inserted[intent.key],
                    "terms": list(hit.match.terms),
                    "snippet": hit.match.snippet,
                    "suppressed": hit.suppressed,
                    "created_at": now,
                }
            )
            if hit.suppressed is None:
                alerting.add((hit.match.topic, story_id))
    new_hits = insert_ignore_many(
        conn, hits, hit_rows, ["topic", "story_id"], ["id", "topic", "story_id"]
    )
    result.new_hits = len(new_hits)
    outbox_rows = [
        {
            "hit_id": h.id,
            "notifier": n,
            "slot": "alert",
            "thread_key": threads[h.story_id],
            "state": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for h in new_hits
        if (h.topic, h.story_id) in alerting
        for n in routes.get(h.topic, ())
    ]
    result.delivery_ids = [
        r.id
        for r in insert_ignore_many(
            conn, deliveries, outbox_rows, ["hit_id", "notifier", "slot"], ["id"]
        )
    ]
    result.alerts = len(result.delivery_ids)
    return result


def record_story_update(
    conn: Connection,
    story_id: int,
    entry_id: int,
    kind: str,
    detail: str,
    routes: Mapping[str, Sequence[str]],
    now: datetime,
) -> list[int]:
    """Record that ``entry`` updates an existing story (``kind``: "also_reported",
    "headline_updated", …) and owe one follow-up per alerted hit of the story and routed
    notifier, threaded with the story's alert. Returns the new delivery ids; a known update
    (same story, entry and kind) adds nothing."""
    inserted = insert_ignore_many(
        conn,
        story_updates,
        [
            {
                "story_id": story_id,
                "entry_id": entry_id,
                "kind": kind,
                "detail": detail,
                "created_at": now,
            }
        ],
        ["story_id", "entry_id", "kind"],
        ["id"],
    )
    if not inserted:
        return []
    update_id = inserted[0].id
    alerted = conn.execute(
        select(hits.c.id, hits.c.topic, deliveries.c.notifier, deliveries.c.thread_key)
        .join(deliveries, (deliveries.c.hit_id == hits.c.id) & (deliveries.c.slot == "alert"))
        .where(hits.c.story_id == story_id, hits.c.suppressed.is_(None))
    ).all()
    rows = [
        {
            "hit_id": a.id,
            "notifier": a.notifier,
            "slot": f"update:{update_id}",
            "thread_key": a.thread_key,
            "update_id": update_id,
            "state": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for a in alerted
        if a.notifier in routes.get(a.topic, ())
    ]
    return [
        r.id
        for r in insert_ignore_many(conn, deliveries, rows, ["hit_id", "notifier", "slot"], ["id"])
    ]


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
