"""A page of stories, newest first, with filters (topic, source kind, first-seen dates,
headline words): the web Stories page.

Holds no business rules. Pages are keyset-paginated on the story id (ids grow with
first-seen time); a date range also bounds the ids, read from the index
``ix_stories_created_at_id``; a topic drives the query from the hits index (topic,
story_id), and a source kind alone from the partial index (source_id, story_id), so a page
costs about the same on the millionth entry as on the first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, and_, exists, func, select, union_all

from monitor.store.schema import deliveries, entries, hits, sources, stories


@dataclass(frozen=True)
class StoryFilter:
    """Which stories a page lists; every field is optional. ``kinds``: source kinds (news,
    pacer, courtlistener) of which at least one entry must come; ``since``/``until``: the
    story was first seen in [since, until); ``text``: words in the story's headline (its
    first entry's title), case-insensitive."""

    topic: str | None = None
    kinds: tuple[str, ...] | None = None
    since: datetime | None = None
    until: datetime | None = None
    text: str | None = None


@dataclass(frozen=True)
class StoryRow:
    """A line of the stories page. ``alert``: sent, owed, dead, suppressed (with the reason
    in ``suppressed``) or none (no delivery was owed)."""

    id: int
    title: str
    created_at: datetime
    publisher: str
    source_kind: str
    entries: int
    outlets: int
    topics: tuple[str, ...]
    alert: str
    suppressed: str | None = None
    states: dict[str, int] = field(default_factory=dict)


def list_stories(
    conn: Connection, filt: StoryFilter, *, before: int | None = None, limit: int = 50
) -> list[StoryRow]:
    """Up to ``limit`` stories matching ``filt``, newest first, with ids below ``before``
    (the last id of the previous page)."""
    bounds = _id_bounds(conn, filt.since, filt.until)
    if bounds is None:
        return []
    low, high = bounds
    if before is not None:
        high = before - 1 if high is None else min(high, before - 1)
    if filt.kinds and not filt.topic and not (filt.text and filt.text.strip()):
        heads = _kind_page(conn, filt, low, high, limit)
    else:
        query = _page_query(filt, low, high).limit(limit)
        heads = [(r.id, r.title, r.created_at) for r in conn.execute(query)]
    return _with_details(conn, heads)


_BRANCHES = 400  # SQLite allows 500 members in a compound SELECT


def _kind_page(
    conn: Connection, filt: StoryFilter, low: int | None, high: int | None, limit: int
) -> list[tuple[int, str, datetime]]:
    """A page of stories with an entry from a source of ``filt.kinds`` (and no other
    filter but dates): the newest story ids of each such source, one seek each in the
    partial index (source_id, story_id), merged; a rare kind costs no scan of the rest."""
    assert filt.kinds
    source_ids = list(conn.scalars(select(sources.c.id).where(sources.c.kind.in_(filt.kinds))))
    found: list[tuple[int, str, datetime]] = []
    while len(found) < limit:
        ids = _newest_story_ids(conn, source_ids, low, high, limit)
        if not ids:
            break
        query = select(stories.c.id, stories.c.title, stories.c.created_at).where(
            stories.c.id.in_(ids)
        )
        if filt.since is not None:
            query = query.where(stories.c.created_at >= filt.since)
        if filt.until is not None:
            query = query.where(stories.c.created_at < filt.until)
        found += [(r.id, r.title, r.created_at) for r in conn.execute(query)]
        if len(ids) < limit:
            break
        high = min(ids) - 1
    return sorted(found, reverse=True)[:limit]


def _newest_story_ids(
    conn: Connection, source_ids: Sequence[int], low: int | None, high: int | None, limit: int
) -> list[int]:
    """The ``limit`` highest story ids in [low, high] of entries from ``source_ids``."""
    ids: set[int] = set()
    for i in range(0, len(source_ids), _BRANCHES):
        branches = []
        for source_id in source_ids[i : i + _BRANCHES]:
            branch = select(entries.c.story_id).where(
                entries.c.source_id == source_id, entries.c.story_id.is_not(None)
            )
            if low is not None:
                branch = branch.where(entries.c.story_id >= low)
            if high is not None:
                branch = branch.where(entries.c.story_id <= high)
            inner = branch.order_by(entries.c.story_id.desc()).limit(limit).subquery()
            branches.append(select(inner.c.story_id))
        if branches:
            ids.update(conn.scalars(union_all(*branches)))
    return sorted(ids, reverse=True)[:limit]


def _id_bounds(
    conn: Connection, since: datetime | None, until: datetime | None
) -> tuple[int | None, int | None] | None:
    """The lowest and highest id of the stories first seen in [since, until), each None when
    unbounded; None when no story falls in the range. Read from the covering index
    (created_at, id) alone; exact even where ids and first-seen times disagree a little
    (two pollers committing out of order)."""
    if since is None and until is None:
        return None, None
    query = select(func.min(stories.c.id), func.max(stories.c.id))
    if since is not None:
        query = query.where(stories.c.created_at >= since)
    if until is not None:
        query = query.where(stories.c.created_at < until)
    row = conn.execute(query).one()
    if row[0] is None:
        return None
    return int(row[0]), int(row[1])


def _page_query(filt: StoryFilter, low: int | None, high: int | None) -> Select[Any]:
    """Stories newest first; with a topic, driven by the hits index (topic, story_id)."""
    key = hits.c.story_id if filt.topic else stories.c.id
    query = select(stories.c.id, stories.c.title, stories.c.created_at)
    if filt.topic:
        query = query.join(hits, and_(hits.c.story_id == stories.c.id, hits.c.topic == filt.topic))
    if low is not None:
        query = query.where(key >= low)
    if high is not None:
        query = query.where(key <= high)
    if filt.since is not None:  # ids follow first-seen times to within a commit's delay
        query = query.where(stories.c.created_at >= filt.since)
    if filt.until is not None:
        query = query.where(stories.c.created_at < filt.until)
    if filt.kinds:
        kind_sources = select(sources.c.id).where(sources.c.kind.in_(filt.kinds))
        query = query.where(
            exists().where(
                entries.c.story_id == stories.c.id, entries.c.source_id.in_(kind_sources)
            )
        )
    if filt.text and filt.text.strip():
        # ILIKE on PostgreSQL: its planner estimates it better than lower() LIKE, and walks
        # the newest stories first instead of sorting all of them
        query = query.where(stories.c.title.icontains(filt.text.strip(), autoescape=True))
    return query.order_by(key.desc())


def _with_details(conn: Connection, heads: Sequence[tuple[int, str, datetime]]) -> list[StoryRow]:
    """Entries, outlets, publisher, topics and alert state of a page's stories (indexed on
    the story id; one query each for the whole page)."""
    ids = [h[0] for h in heads]
    if not ids:
        return []
    counts = {
        r.story_id: r
        for r in conn.execute(
            select(
                entries.c.story_id,
                func.count().label("entries"),
                func.count(entries.c.source_id.distinct()).label("outlets"),
                func.min(entries.c.id).label("first"),
            )
            .where(entries.c.story_id.in_(ids))
            .group_by(entries.c.story_id)
        )
    }
    firsts = [r.first for r in counts.values()]
    publishers = {
        r.id: (r.name, r.kind)
        for r in conn.execute(
            select(entries.c.id, sources.c.name, sources.c.kind)
            .join(sources, sources.c.id == entries.c.source_id)
            .where(entries.c.id.in_(firsts))
        )
    }
    topics: dict[int, list[str]] = defaultdict(list)
    suppressed: dict[int, str] = {}
    story_of: dict[int, int] = {}  # hit id → story id
    for r in conn.execute(
        select(hits.c.id, hits.c.story_id, hits.c.topic, hits.c.suppressed).where(
            hits.c.story_id.in_(ids)
        )
    ):
        story_of[r.id] = r.story_id
        topics[r.story_id].append(r.topic)
        if r.suppressed:
            suppressed[r.story_id] = r.suppressed
    states: dict[int, dict[str, int]] = defaultdict(dict)
    if story_of:  # by hit id: an index seek each, whatever the planner knows of the tables
        for hit_id, state in conn.execute(
            select(deliveries.c.hit_id, deliveries.c.state).where(
                deliveries.c.hit_id.in_(list(story_of)), deliveries.c.slot == "alert"
            )
        ):
            story = states[story_of[hit_id]]
            story[state] = story.get(state, 0) + 1
    rows = []
    for story_id, title, created_at in heads:
        count = counts.get(story_id)
        publisher, kind = publishers.get(count.first if count else -1, ("", "news"))
        rows.append(
            StoryRow(
                story_id,
                title,
                created_at,
                publisher,
                kind,
                count.entries if count else 0,
                count.outlets if count else 0,
                tuple(sorted(topics[story_id])),
                alert_state(states[story_id], suppressed.get(story_id)),
                suppressed.get(story_id),
                states[story_id],
            )
        )
    return rows


def alert_state(states: dict[str, int], suppressed: str | None) -> str:
    """One word for a story's alert deliveries: dead (any), owed (any not yet sent), sent,
    suppressed (no delivery: backfill or max_age) or none."""
    if states.get("dead"):
        return "dead"
    if any(states.get(s) for s in ("pending", "sending", "failed")):
        return "owed"
    if states.get("sent"):
        return "sent"
    return "suppressed" if suppressed else "none"
