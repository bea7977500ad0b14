"""Reading one story back: its entries (and why each joined), its updates, its hits and
every delivery it caused.

Shared by ``monitor story``, ``monitor explain --entry`` and the web story page. Holds no
business rules. A page of stories is ``monitor.store.story_list``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select

from monitor.store.schema import deliveries, entries, hits, sources, stories, story_updates


@dataclass(frozen=True)
class MemberRow:
    id: int
    source: str
    title: str
    link: str | None
    first_seen_at: datetime
    story_reason: str | None
    published: datetime | None = None
    source_kind: str = "news"


@dataclass(frozen=True)
class UpdateRow:
    kind: str
    detail: str
    entry_id: int
    created_at: datetime


@dataclass(frozen=True)
class StoryReport:
    id: int
    title: str
    created_at: datetime
    members: list[MemberRow]
    updates: list[UpdateRow]
    topics: list[str]


def story_report(conn: Connection, story_id: int) -> StoryReport | None:
    """The story with its members (oldest first), updates and hit topics; None if unknown."""
    story = conn.execute(select(stories).where(stories.c.id == story_id)).first()
    if story is None:
        return None
    members = conn.execute(
        select(
            entries.c.id,
            sources.c.name,
            entries.c.title,
            entries.c.link,
            entries.c.first_seen_at,
            entries.c.story_reason,
            entries.c.published_at,
            sources.c.kind,
        )
        .join(sources, sources.c.id == entries.c.source_id)
        .where(entries.c.story_id == story_id)
        .order_by(entries.c.id)
    )
    updates = conn.execute(
        select(
            story_updates.c.kind,
            story_updates.c.detail,
            story_updates.c.entry_id,
            story_updates.c.created_at,
        )
        .where(story_updates.c.story_id == story_id)
        .order_by(story_updates.c.id)
    )
    topics = conn.scalars(select(hits.c.topic).where(hits.c.story_id == story_id))
    return StoryReport(
        story.id,
        story.title,
        story.created_at,
        [MemberRow(*r) for r in members],
        [UpdateRow(*r) for r in updates],
        sorted(topics),
    )


def story_membership(conn: Connection, entry_id: int) -> str:
    """Which story the entry is in, why, and how many entries share it, in one paragraph
    (for ``monitor explain --entry``)."""
    row = conn.execute(
        select(entries.c.story_id, entries.c.story_reason, stories.c.title)
        .join(stories, stories.c.id == entries.c.story_id)
        .where(entries.c.id == entry_id)
    ).first()
    if row is None:
        return f"entry {entry_id}: no story (unknown entry, or stored before stories)"
    size = conn.scalar(select(func.count()).where(entries.c.story_id == row.story_id)) or 0
    others = f", with {size - 1} other entr{'y' if size == 2 else 'ies'}" if size > 1 else ""
    return (
        f"entry {entry_id} is in story {row.story_id} ({row.title!r}){others}: "
        f"{row.story_reason or 'new story'}. See `monitor story {row.story_id}`."
    )


@dataclass(frozen=True)
class StoryDelivery:
    """One outbox row a story caused: its alert or a follow-up, on one notifier."""

    id: int
    topic: str
    notifier: str
    slot: str
    state: str
    attempts: int
    next_attempt_at: datetime
    sent_at: datetime | None
    last_error: str | None


def story_deliveries(conn: Connection, story_id: int) -> list[StoryDelivery]:
    """Every delivery of the story's hits, in the order they were owed."""
    rows = conn.execute(
        select(
            deliveries.c.id,
            hits.c.topic,
            deliveries.c.notifier,
            deliveries.c.slot,
            deliveries.c.state,
            deliveries.c.attempts,
            deliveries.c.next_attempt_at,
            deliveries.c.sent_at,
            deliveries.c.last_error,
        )
        .join(hits, hits.c.id == deliveries.c.hit_id)
        .where(hits.c.story_id == story_id)
        .order_by(deliveries.c.id)
    )
    return [StoryDelivery(*r) for r in rows]


@dataclass(frozen=True)
class StoryHit:
    topic: str
    terms: list[str]
    snippet: str
    suppressed: str | None
    entry_id: int


def story_hits(conn: Connection, story_id: int) -> list[StoryHit]:
    """The topics the story matched, with terms, snippet and why it did not alert (if so)."""
    rows = conn.execute(
        select(hits.c.topic, hits.c.terms, hits.c.snippet, hits.c.suppressed, hits.c.entry_id)
        .where(hits.c.story_id == story_id)
        .order_by(hits.c.topic)
    )
    return [StoryHit(*r) for r in rows]
