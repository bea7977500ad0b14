"""Court-docket queries: the coverage of docket sources (what each updated poll saw, in
``source_windows``, and the possible gaps found between polls, in ``coverage_gaps``) and the
stored entries of a case.

Holds no business rules: whether a poll leaves a gap is decided by ``docket.find_gap``; this
module reads the previous window and writes the new one (and the gap) in the poll's
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, func, or_, select

from monitor.docket_keys import Gap, PollWindow
from monitor.store.schema import coverage_gaps, entries, json_text, source_windows, sources


@dataclass(frozen=True)
class Coverage:
    """What to write for one updated poll of a docket source."""

    window: PollWindow
    gap: Gap | None = None


def previous_window(conn: Connection, source_id: int) -> PollWindow | None:
    """The window of the source's last updated poll, or None before its first."""
    row = conn.execute(
        select(
            source_windows.c.entries,
            source_windows.c.oldest_at,
            source_windows.c.newest_at,
            source_windows.c.polled_at,
        ).where(source_windows.c.source_id == source_id)
    ).first()
    return PollWindow(**row._asdict()) if row else None


def record_coverage(conn: Connection, source_id: int, coverage: Coverage) -> None:
    """Replace the source's window with this poll's and store its gap, if any."""
    w = coverage.window
    conn.execute(delete(source_windows).where(source_windows.c.source_id == source_id))
    conn.execute(
        source_windows.insert().values(
            source_id=source_id,
            entries=w.entries,
            oldest_at=w.oldest_at,
            newest_at=w.newest_at,
            polled_at=w.polled_at,
        )
    )
    gap = coverage.gap
    if gap is not None:
        conn.execute(
            coverage_gaps.insert().values(
                source_id=source_id,
                court=gap.court,
                window_start=gap.start,
                window_end=gap.end,
                previous_entries=gap.previous_entries,
                entries=gap.entries,
                detected_at=gap.detected_at,
            )
        )


def list_gaps(
    conn: Connection,
    *,
    source: str | None = None,
    since: datetime | None = None,
    limit: int = 100,
    court: str | None = None,
) -> list[Gap]:
    """Recorded gaps, newest first, optionally of one source (or court) and since a time."""
    query = (
        select(
            sources.c.name.label("source"),
            coverage_gaps.c.court,
            coverage_gaps.c.window_start.label("start"),
            coverage_gaps.c.window_end.label("end"),
            coverage_gaps.c.previous_entries,
            coverage_gaps.c.entries,
            coverage_gaps.c.detected_at,
        )
        .join(sources, sources.c.id == coverage_gaps.c.source_id)
        .order_by(coverage_gaps.c.detected_at.desc(), coverage_gaps.c.id.desc())
        .limit(limit)
    )
    if source is not None:
        query = query.where(sources.c.name == source)
    if court is not None:
        query = query.where(coverage_gaps.c.court == court)
    if since is not None:
        query = query.where(coverage_gaps.c.detected_at >= since)
    return [Gap(**r._asdict()) for r in conn.execute(query)]


@dataclass(frozen=True)
class CaseEntry:
    source: str
    title: str
    published: datetime | None
    first_seen_at: datetime
    extra: dict[str, Any]
    id: int = 0
    link: str | None = None

    @property
    def filed_at(self) -> datetime:
        """When the entry was filed (its entry time), else when it was first seen."""
        return self.published or self.first_seen_at


def case_entries(
    conn: Connection,
    court: str,
    case_key: str,
    *,
    limit: int = 5,
    before: tuple[datetime, int] | None = None,
) -> tuple[int, list[CaseEntry]]:
    """(how many entries are stored for the case, its ``limit`` latest by filing time),
    matched on the docket fields ``court`` and ``case_key`` (the normalised number) of
    ``entries.extra`` through the index ``ix_entries_docket_case``. ``before``: the
    (``filed_at``, id) of the last entry of the previous page."""
    where = (
        json_text(entries.c.extra, "court") == court,
        json_text(entries.c.extra, "case_key") == case_key,
    )
    total = conn.scalar(select(func.count()).select_from(entries).where(*where)) or 0
    filed = func.coalesce(entries.c.published_at, entries.c.first_seen_at)
    query = (
        select(
            sources.c.name.label("source"),
            entries.c.title,
            entries.c.published_at.label("published"),
            entries.c.first_seen_at,
            entries.c.extra,
            entries.c.id,
            entries.c.link,
        )
        .join(sources, sources.c.id == entries.c.source_id)
        .where(*where)
        .order_by(filed.desc(), entries.c.id.desc())
        .limit(limit)
    )
    if before is not None:
        at, entry_id = before
        query = query.where(or_(filed < at, and_(filed == at, entries.c.id < entry_id)))
    return total, [CaseEntry(**r._asdict()) for r in conn.execute(query)]
