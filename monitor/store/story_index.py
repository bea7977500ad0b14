"""Where stories are filed so later entries find them: near-copy buckets and event keys.

Holds no business rules (which buckets and keys an entry has is ``monitor.cluster`` and
``monitor.events``; what to do with candidates is ``monitor.stories``). Two mechanisms let
the database decide between two pollers:

- ``story_buckets``: one story per bucket. A poller that files a new story under a bucket
  another story holds (seen within the window) loses it and looks again (``claim_buckets``).
- ``story_events``: any number of stories per event key (two different events may share a
  particular), so a key held by one story never hides another. Transactions that share a
  key take turns instead: ``lock_keys`` takes a PostgreSQL transaction-level advisory lock
  per key before the candidates are read, so the second poller reads the first one's story
  once it has committed. SQLite needs no lock: its write transactions already run one at a
  time (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    Insert,
    Select,
    Table,
    Update,
    bindparam,
    func,
    select,
    text,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import ReturningInsert
from sqlalchemy.sql.elements import ColumnElement

from monitor.store.schema import (
    bound_list,
    bound_rows,
    entries,
    one_of,
    story_buckets,
    story_events,
)

LOCKS_PER_STATEMENT = 50
OPENING = 1000  # characters of a member's summary read: its opening is what is compared
# Stories read per event key, the most recently seen first. A key most of a topic's stories
# share (a name in every headline of a busy topic) would otherwise make each new entry weigh
# every story of the window, and a burst's cost grow with the square of its size. A story
# past the cap is not barred or joined through that key alone: at worst a report alerts
# again, never a wrong merge (each candidate story is read with all its members).
STORIES_PER_KEY = 40


class StoryMember(NamedTuple):
    """An entry of a story that a new entry may join (for the clustering decision). A named
    tuple, as are ``MemberEvent`` rows: a poll reads hundreds of them, and a tuple is
    built from a row at a third of a frozen dataclass's cost."""

    story_id: int
    entry_id: int
    title: str
    summary: str  # the opening only
    canonical_url: str | None
    event: str | None  # monitor.events.to_json, as read when the entry was clustered
    published_at: datetime | None
    first_seen_at: datetime


class MemberEvent(NamedTuple):
    """An entry of a story found only by an event key: what the event rule compares (the
    event as read when the entry was clustered, ``monitor.events.to_json``, and its
    times), without its words."""

    story_id: int
    entry_id: int
    event: str
    published_at: datetime | None
    first_seen_at: datetime


def filed_under(
    conn: Connection, buckets: Sequence[str], keys: Sequence[str], since: datetime
) -> tuple[dict[str, int], dict[str, set[int]]]:
    """The story filed under each of ``buckets`` and the stories filed under each event
    key of ``keys`` (the ``STORIES_PER_KEY`` last seen), seen since ``since`` (both indexed
    lookups)."""
    by_bucket: dict[str, int] = {}
    by_key: dict[str, set[int]] = {}
    queries = _queries(conn.dialect.name)
    if buckets:
        rows = conn.execute(queries.buckets, {"buckets": sorted(set(buckets)), "since": since})
        by_bucket = {bucket: story for bucket, story in rows}
    if keys:
        rows = conn.execute(queries.keys, {"keys": sorted(set(keys)), "since": since})
        for key, story in rows:
            by_key.setdefault(key, set()).add(story)
    return by_bucket, by_key


def story_members(conn: Connection, story_ids: Sequence[int]) -> list[StoryMember]:
    """The entries of ``story_ids``, by story and entry id; summaries cut to ``OPENING``
    characters."""
    if not story_ids:
        return []
    rows = conn.execute(_queries(conn.dialect.name).members, {"stories": sorted(set(story_ids))})
    return [StoryMember._make(r) for r in rows]


def latest_story_members(
    conn: Connection, story_ids: Sequence[int], latest: int
) -> tuple[list[StoryMember], set[int]]:
    """The last ``latest`` entries of each of ``story_ids`` (all of a smaller story), as
    ``story_members`` gives them, and the stories that have more entries than that."""
    if not story_ids:
        return [], set()
    params = {"stories": sorted(set(story_ids)), "latest": latest}
    rows = conn.execute(_queries(conn.dialect.name).latest_members, params).all()
    more = {r.story_id for r in rows if r.total > latest}
    return [StoryMember._make(r[:-1]) for r in rows], more


def member_events(conn: Connection, story_ids: Sequence[int]) -> list[MemberEvent]:
    """The entries of ``story_ids`` that have a stored event, by story and entry id (a
    story's candidates by event key need no text: a few short columns per row instead of
    the title and opening)."""
    if not story_ids:
        return []
    rows = conn.execute(_queries(conn.dialect.name).events, {"stories": sorted(set(story_ids))})
    return [MemberEvent._make(r) for r in rows]


def claim_buckets(
    conn: Connection, claims: Sequence[tuple[str, int]], now: datetime, since: datetime
) -> set[str]:
    """File stories under buckets: each (bucket, story) is inserted, refreshed when the story
    already holds it, or taken over when its holder was not seen since ``since``. Returns
    the buckets held by another story seen since then (the database decides between two
    pollers; rows go in bucket order so concurrent claims lock in the same order)."""
    rows = sorted({b: s for b, s in claims}.items())
    if not rows:
        return set()
    params = {"rows": rows, "now": now, "since": since}
    claimed = set(conn.scalars(_queries(conn.dialect.name).claim, params))
    return {b for b, _ in rows} - claimed


def refresh_buckets(conn: Connection, held: Sequence[tuple[str, int]], now: datetime) -> None:
    """Mark each (bucket, story) of ``held`` seen at ``now``: buckets that their story held,
    seen since the window began, when the candidates were read, so still holds (a bucket is
    taken over only once unseen for the window). An update of ``seen_at`` alone: no insert
    to attempt, no holder to weigh."""
    if not held:
        return
    conn.execute(
        _queries(conn.dialect.name).refresh,
        {
            "buckets": sorted({b for b, _ in held}),
            "stories": sorted({s for _, s in held}),
            "now": now,
        },
    )


def file_events(conn: Connection, claims: Sequence[tuple[str, int]], now: datetime) -> None:
    """File each story under its event keys ((key, story) pairs), or mark it seen again."""
    rows = sorted(set(claims))
    if not rows:
        return
    conn.execute(_queries(conn.dialect.name).file, {"rows": rows, "now": now})


def lock_keys(conn: Connection, keys: Sequence[str]) -> None:
    """Wait for, then hold until the transaction ends, a lock on each event key (PostgreSQL
    advisory locks, taken in one order by every poller so that none waits in a cycle). Call
    before reading candidates and before writing anything. SQLite: nothing to do."""
    if conn.dialect.name != "postgresql" or not keys:
        return
    ids = sorted({_lock_id(k) for k in keys})
    for i in range(0, len(ids), LOCKS_PER_STATEMENT):
        chunk = ids[i : i + LOCKS_PER_STATEMENT]
        columns = ", ".join(f"pg_advisory_xact_lock(:k{n})" for n in range(len(chunk)))
        conn.execute(text(f"SELECT {columns}"), {f"k{n}": k for n, k in enumerate(chunk)})


def _lock_id(key: str) -> int:
    """A signed 64-bit id for ``key`` (advisory locks are keyed by bigint)."""
    digest = hashlib.blake2b(b"monitor-event:" + key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@dataclass(frozen=True)
class _Queries:
    """The statements of one dialect, built once. Each binds a list as one parameter
    (``schema.one_of``, ``schema.bound_rows``): a poll's few hundred buckets and keys cost
    no work per value in SQLAlchemy, and the statement's text never changes."""

    buckets: Select[str, int]
    keys: Select[str, int]
    members: Select[int, int, str, str, str | None, str | None, datetime | None, datetime]
    latest_members: Select[Any]
    events: Select[int, int, str, datetime | None, datetime]
    refresh: Update
    claim: ReturningInsert[str]
    file: Insert


def _latest_members(dialect: str) -> Select[Any]:
    # ranked on the story_id index alone (no row read), then only the last entries read
    ranked = (
        select(
            entries.c.id,
            func.row_number()
            .over(partition_by=entries.c.story_id, order_by=entries.c.id.desc())
            .label("rank"),
            func.count().over(partition_by=entries.c.story_id).label("total"),
        )
        .where(one_of(entries.c.story_id, "stories", dialect))
        .subquery()
    )
    return (
        select(*_member_columns(), ranked.c.total)
        .join_from(entries, ranked, entries.c.id == ranked.c.id)
        .where(ranked.c.rank <= bindparam("latest"))
        .order_by(entries.c.story_id, entries.c.id)
    )


def _member_columns() -> tuple[ColumnElement[Any], ...]:
    return (
        entries.c.story_id,
        entries.c.id,
        entries.c.title,
        func.substr(entries.c.summary, 1, OPENING).label("opening"),
        entries.c.canonical_url,
        entries.c.event,
        entries.c.published_at,
        entries.c.first_seen_at,
    )


def _latest_per_key(dialect: str) -> Select[str, int]:
    """For each key bound as ``keys``, the ``STORIES_PER_KEY`` stories filed under it last
    seen since ``since``: each key's own lookup down the (key, seen_at) index, stopped at
    the cap, so its cost does not grow with the stories a busy key has (a window ranking
    every story of the key grew with them)."""
    keys = bound_list("keys", story_events.c.key.type, dialect)
    filed = story_events.alias("filed")
    latest = (
        select(filed.c.story_id)
        .where(filed.c.key == keys.c.value, filed.c.seen_at >= bindparam("since"))
        .order_by(filed.c.seen_at.desc(), filed.c.story_id.desc())
        .limit(STORIES_PER_KEY)
        .correlate(keys)
    )
    if dialect == "postgresql":
        found = latest.lateral()
        return select(keys.c.value, found.c.story_id).select_from(keys).join(found, true())
    # SQLite has no LATERAL: each key's latest story ids, read back by the primary key
    return select(keys.c.value, story_events.c.story_id).where(
        story_events.c.key == keys.c.value,
        story_events.c.story_id.in_(latest.scalar_subquery()),
    )


@functools.cache
def _queries(dialect: str) -> _Queries:
    by_story = one_of(entries.c.story_id, "stories", dialect)
    return _Queries(
        buckets=select(story_buckets.c.bucket, story_buckets.c.story_id).where(
            one_of(story_buckets.c.bucket, "buckets", dialect),
            story_buckets.c.seen_at >= bindparam("since"),
        ),
        keys=_latest_per_key(dialect),
        members=select(*_member_columns())
        .where(by_story)
        .order_by(entries.c.story_id, entries.c.id),
        latest_members=_latest_members(dialect),
        events=select(
            entries.c.story_id,
            entries.c.id,
            entries.c.event,
            entries.c.published_at,
            entries.c.first_seen_at,
        )
        .where(by_story, entries.c.event.is_not(None))
        .order_by(entries.c.story_id, entries.c.id),
        refresh=update(story_buckets)
        .where(
            one_of(story_buckets.c.bucket, "buckets", dialect),
            one_of(story_buckets.c.story_id, "stories", dialect),
        )
        .values(seen_at=bindparam("now")),
        claim=_claim(dialect),
        file=_file(dialect),
    )


def _claim(dialect: str) -> ReturningInsert[str]:
    """``claim_buckets``' insert-or-update of the (bucket, story) pairs bound as ``rows``,
    at ``now``; the window began at ``since``."""
    rows = bound_rows([story_buckets.c.bucket, story_buckets.c.story_id], "rows", dialect)
    stmt = _insert(dialect, story_buckets).from_select(
        ["bucket", "story_id", "seen_at"], _at_now(rows, story_buckets.c.seen_at)
    )
    return stmt.on_conflict_do_update(
        index_elements=["bucket"],
        set_={"story_id": stmt.excluded.story_id, "seen_at": stmt.excluded.seen_at},
        where=(story_buckets.c.seen_at < bindparam("since"))
        | (story_buckets.c.story_id == stmt.excluded.story_id),
    ).returning(story_buckets.c.bucket)


def _file(dialect: str) -> Insert:
    """``file_events``' insert-or-update of the (key, story) pairs bound as ``rows``, at
    ``now``."""
    rows = bound_rows([story_events.c.key, story_events.c.story_id], "rows", dialect)
    stmt = _insert(dialect, story_events).from_select(
        ["key", "story_id", "seen_at"], _at_now(rows, story_events.c.seen_at)
    )
    return stmt.on_conflict_do_update(
        index_elements=["key", "story_id"], set_={"seen_at": stmt.excluded.seen_at}
    )


def _insert(dialect: str, table: Table) -> postgresql.Insert | sqlite.Insert:
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


def _at_now(rows: Select[Any], seen_at: ColumnElement[datetime]) -> Select[Any]:
    """``rows`` with the time bound as ``now``. The "WHERE true" is SQLite's: an INSERT ...
    SELECT needs one before ON CONFLICT, which it would otherwise read as a join's ON."""
    return rows.add_columns(bindparam("now", type_=seen_at.type)).where(true())
