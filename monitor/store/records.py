"""Entries, stories, hits and their outbox rows, written together in one transaction.

"New" is decided here by the database: every insert is insert-or-ignore on a unique key, and
only rows that were really inserted lead to further rows. Holds no business rules: what to
write (keys, matches, suppression) is decided by the pipeline.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, Table, bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from monitor.cluster import Fingerprint
from monitor.event import to_json
from monitor.intents import EntryEdit, EntryIntent, KnownEntry
from monitor.store.schema import (
    deliveries,
    entries,
    hits,
    sources,
    stories,
    story_buckets,
    story_events,
    story_updates,
)


@dataclass
class RecordResult:
    new_entries: int = 0
    new_hits: int = 0
    alerts: int = 0  # outbox rows created
    delivery_ids: list[int] = field(default_factory=list)
    updates: int = 0  # story updates recorded (also reported, headline updated)


@functools.cache
def _insert_ignore(
    dialect: str, table: Table, conflict: tuple[str, ...], returning: tuple[str, ...]
) -> Any:
    """An INSERT … ON CONFLICT DO NOTHING RETURNING statement for ``dialect``; built once,
    as building it costs more than executing it on the busiest path (a feed's entries)."""
    stmt: Any
    if dialect == "postgresql":
        stmt = postgresql.insert(table).on_conflict_do_nothing(index_elements=list(conflict))
    elif dialect == "sqlite":
        stmt = sqlite.insert(table).on_conflict_do_nothing(index_elements=list(conflict))
    else:  # pragma: no cover - only the supported backends
        raise NotImplementedError(dialect)
    return stmt.returning(*(table.c[c] for c in returning))


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
    stmt = _insert_ignore(conn.dialect.name, table, tuple(conflict), tuple(returning))
    return list(conn.execute(stmt, list(rows)))


def known_entries(
    conn: Connection,
    source_id: int,
    keys: Sequence[str],
    links: Sequence[str],
    *,
    with_extra: bool = False,
) -> list[KnownEntry]:
    """Stored entries with one of ``keys`` (any source), and entries of ``source_id`` with
    one of the canonical ``links`` (indexed): what a feed's items may already be.
    ``with_extra`` also reads each entry's ``extra`` (docket fields; by key only)."""
    found: dict[int, KnownEntry] = {}
    by_key = _BY_KEY_EXTRA if with_extra else _BY_KEY
    for i in range(0, len(keys), 500):
        for r in conn.execute(by_key, {"keys": keys[i : i + 500]}):
            found[r.id] = KnownEntry(*r)
    for i in range(0, len(links), 500):
        chunk = links[i : i + 500]
        for r in conn.execute(_BY_LINK, {"links": chunk, "source_id": source_id}):
            found.setdefault(r.id, KnownEntry(*r))
    return list(found.values())


# Built once: known_entries runs for every changed feed.
_KNOWN_COLUMNS = (
    entries.c.id,
    entries.c.key,
    entries.c.canonical_url,
    entries.c.story_id,
    entries.c.title,
    entries.c.content_hash,
)
_BY_KEY = select(*_KNOWN_COLUMNS).where(entries.c.key.in_(bindparam("keys", expanding=True)))
_BY_KEY_EXTRA = select(*_KNOWN_COLUMNS, entries.c.extra).where(
    entries.c.key.in_(bindparam("keys", expanding=True))
)
_BY_LINK = (
    select(*_KNOWN_COLUMNS)
    .where(
        entries.c.canonical_url.in_(bindparam("links", expanding=True)),
        entries.c.source_id == bindparam("source_id"),
    )
    .order_by(entries.c.id)
)


def create_stories(conn: Connection, titles: Sequence[str], now: datetime) -> list[int]:
    """New stories, one per title, in order; returns their ids."""
    if not titles:
        return []
    return list(
        conn.scalars(
            stories.insert().returning(stories.c.id, sort_by_parameter_order=True),
            [{"title": t, "created_at": now} for t in titles],
        )
    )


def drop_story(conn: Connection, story_id: int) -> None:
    """Remove a story that holds no entry (created by a decision that was then revised)."""
    conn.execute(delete(story_buckets).where(story_buckets.c.story_id == story_id))
    conn.execute(delete(story_events).where(story_events.c.story_id == story_id))
    conn.execute(delete(stories).where(stories.c.id == story_id))


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
        "content_hash": intent.content_hash,
        "story_reason": intent.story_reason or "new story",
        "event": _event_json(intent.fingerprint),
    }


def _event_json(fp: Fingerprint | None) -> str | None:
    return to_json(fp.event) if fp is not None and fp.event is not None else None


def record_entries(
    conn: Connection,
    source_id: int,
    intents: Sequence[EntryIntent],
    routes: Mapping[str, Sequence[str]],
    now: datetime,
) -> RecordResult:
    """Insert new entries (those that matched a topic in their story), their hits, and one
    outbox row per hit and routed notifier. Known entries and known (topic, story) hits are
    ignored. Each table gets one batched statement, so a feed costs a few round trips."""
    result = RecordResult()
    if not intents:
        return result
    # Stories first, so each entry row is written once, already in its story. Stories of
    # entries that turn out to be known (a race with another poller) are removed again.
    # Only entries that matched a topic need a story (a story is what alerts); the rest keep
    # none, which saves a row per entry on the busiest path.
    titles = [i.entry.title for i in intents if i.story_id is None and i.hits]
    created = iter(create_stories(conn, titles, now))
    story_ids = [
        i.story_id if i.story_id is not None else (next(created) if i.hits else None)
        for i in intents
    ]
    rows = [
        {**_entry_values(i, source_id, now), "story_id": story}
        for i, story in zip(intents, story_ids, strict=True)
    ]
    inserted = {
        r.key: r.id for r in insert_ignore_many(conn, entries, rows, ["key"], ["id", "key"])
    }
    new = [(i, s) for i, s in zip(intents, story_ids, strict=True) if i.key in inserted]
    if len(new) < len(intents):
        used = {s for _, s in new}
        for i, story in zip(intents, story_ids, strict=True):
            if story is None or story in used or i.key in inserted:
                continue
            if i.story_id is None or i.new_story:
                drop_story(conn, story)
    result.new_entries = len(new)
    hit_rows, alerting, threads = [], set(), {}
    for intent, story_id in new:
        if story_id is None:
            continue
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
    updates = [
        (story_id, inserted[intent.key], "also_reported", intent.story_update)
        for intent, story_id in new
        if intent.story_update is not None and story_id is not None
    ]
    result.delivery_ids += record_story_updates(conn, updates, routes, now)
    result.updates += len(updates)
    return result


def record_edits(
    conn: Connection,
    edits: Sequence[EntryEdit],
    routes: Mapping[str, Sequence[str]],
    now: datetime,
) -> RecordResult:
    """Store new titles, summaries (and docket fields, ``extra``) of known entries; an edit
    with a ``detail`` (a changed headline) becomes a "headline_updated" update of the entry's
    story (threaded follow-ups, never an alert); one without is quiet."""
    result = RecordResult()
    for edit in edits:
        conn.execute(
            update(entries)
            .where(entries.c.id == edit.entry_id)
            .values(
                title=edit.entry.title,
                summary=edit.entry.summary,
                updated_at=edit.entry.updated,
                content_hash=edit.content_hash,
                extra=edit.entry.extra,
            )
        )
        if edit.detail is not None and edit.story_id is not None:
            ids = record_story_update(
                conn, edit.story_id, edit.entry_id, "headline_updated", edit.detail, routes, now
            )
            result.delivery_ids += ids
            result.updates += 1
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
    return record_story_updates(conn, [(story_id, entry_id, kind, detail)], routes, now)


def record_story_updates(
    conn: Connection,
    updates: Sequence[tuple[int, int, str, str]],
    routes: Mapping[str, Sequence[str]],
    now: datetime,
) -> list[int]:
    """``record_story_update`` for each (story, entry, kind, detail) of ``updates``, in
    three statements whatever their number."""
    inserted = insert_ignore_many(
        conn,
        story_updates,
        [
            {"story_id": s, "entry_id": e, "kind": k, "detail": d, "created_at": now}
            for s, e, k, d in updates
        ],
        ["story_id", "entry_id", "kind"],
        ["id", "story_id"],
    )
    if not inserted:
        return []
    alerted: dict[int, list[Any]] = {}
    for a in conn.execute(
        select(
            hits.c.id, hits.c.topic, hits.c.story_id, deliveries.c.notifier, deliveries.c.thread_key
        )
        .join(deliveries, (deliveries.c.hit_id == hits.c.id) & (deliveries.c.slot == "alert"))
        .where(hits.c.story_id.in_(sorted({u.story_id for u in inserted})))
        .where(hits.c.suppressed.is_(None))
    ):
        alerted.setdefault(a.story_id, []).append(a)
    rows = [
        {
            "hit_id": a.id,
            "notifier": a.notifier,
            "slot": f"update:{u.id}",
            "thread_key": a.thread_key,
            "update_id": u.id,
            "state": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for u in inserted
        for a in alerted.get(u.story_id, ())
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
    entry_id: int
    story_id: int


def list_hits(
    conn: Connection,
    *,
    topic: str | None = None,
    since: datetime | None = None,
    limit: int = 1000,
    alerted_only: bool = False,
) -> list[HitRow]:
    """Recorded hits, newest first, optionally for one topic, since a time, and only those
    that alerted (not suppressed). The page of hit ids is chosen first, then joined, so a
    topic with many hits costs no join of them all."""
    order = (hits.c.created_at.desc(), hits.c.id.desc())
    chosen = select(hits.c.id).order_by(*order).limit(limit)
    if topic is not None:
        chosen = chosen.where(hits.c.topic == topic)
    if since is not None:
        chosen = chosen.where(hits.c.created_at >= since)
    if alerted_only:
        chosen = chosen.where(hits.c.suppressed.is_(None))
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
            hits.c.entry_id,
            hits.c.story_id,
        )
        .join(entries, entries.c.id == hits.c.entry_id)
        .join(sources, sources.c.id == entries.c.source_id)
        .where(hits.c.id.in_(list(conn.scalars(chosen))))
        .order_by(*order)
    )
    return [HitRow(**r._asdict()) for r in conn.execute(query)]
