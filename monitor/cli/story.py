"""``monitor story ID``: a story's members, their sources and why each joined, and its updates.

Also ``story_membership(conn, entry_id)``, the paragraph ``monitor explain --entry`` shows
about the entry's story. Read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import click
from sqlalchemy import Connection, func, select

from monitor.cli.base import config_option, load, main, transaction
from monitor.store.schema import entries, hits, sources, stories, story_updates


@dataclass(frozen=True)
class MemberRow:
    id: int
    source: str
    title: str
    link: str | None
    first_seen_at: datetime
    story_reason: str | None


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


@main.command("story")
@config_option
@click.argument("story_id", type=int)
def story_cmd(config_path: str, story_id: int) -> None:
    """Show story STORY_ID: its entries (source, title, link, why each joined) and its
    updates (also reported, headline updated)."""
    config = load(config_path)
    with transaction(config) as conn:
        report = story_report(conn, story_id)
    if report is None:
        raise click.ClickException(f"no story {story_id}")
    click.echo(_render(report))


def _render(report: StoryReport) -> str:
    lines = [
        f"story {report.id}: {report.title}",
        f"  created {report.created_at:%Y-%m-%d %H:%M} UTC; "
        f"topics: {', '.join(report.topics) or 'none'}",
        f"  entries ({len(report.members)}):",
    ]
    for m in report.members:
        lines.append(f"    #{m.id} [{m.source}] {m.title}")
        lines.append(f"        {m.link or '(no link)'}")
        lines.append(f"        why: {m.story_reason or 'new story'}")
    lines.append(f"  updates ({len(report.updates)}):")
    for u in report.updates:
        lines.append(
            f"    {u.created_at:%Y-%m-%d %H:%M} {u.kind} (entry #{u.entry_id}): {u.detail}"
        )
    return "\n".join(lines)
