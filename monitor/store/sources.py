"""Source rows: syncing them from the config, claiming due ones under a lease, recording
the outcome of a poll that stored nothing. Holds no business rules (the pipeline decides
due times and backoff)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, func, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from monitor.store.records import insert_ignore_many
from monitor.store.schema import bound_list, entries, one_of, sources


@dataclass(frozen=True)
class SourceState:
    """What the store knows of a source between polls."""

    id: int
    name: str
    url: str
    kind: str
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    next_due_at: datetime | None
    first_polled_at: datetime | None
    last_success_at: datetime | None
    last_polled_at: datetime | None
    consecutive_failures: int
    last_error: str | None
    last_warning: str | None
    paused: bool = False


@dataclass(frozen=True)
class SourceSpec:
    name: str
    url: str
    kind: str


# how many due sources a claim that picks among them reads, per source it may lease
CANDIDATES_PER_CLAIM = 8

_STATE_COLUMNS = [sources.c[f] for f in SourceState.__dataclass_fields__]


def sync_sources(conn: Connection, specs: Sequence[SourceSpec], now: datetime) -> None:
    """Make the sources table agree with the config: insert new names, update changed URLs
    (forgetting validators that belonged to the old URL), deactivate names no longer listed.
    Replicas starting together may all run it at once: new names are inserted or ignored
    (the unique name decides), then every row is brought up to date."""
    insert_ignore_many(
        conn,
        sources,
        [
            {
                "name": s.name,
                "url": s.url,
                "kind": s.kind,
                "active": True,
                "consecutive_failures": 0,
                "created_at": now,
            }
            for s in specs
        ],
        ["name"],
        ["id"],
    )
    columns = select(sources.c.name, sources.c.url, sources.c.kind, sources.c.active)
    known = {r.name: r for r in conn.execute(columns)}
    for spec in specs:
        row = known[spec.name]
        if (row.url, row.kind, row.active) == (spec.url, spec.kind, True):
            continue  # as configured: no write, no row lock for other replicas to wait on
        values: dict[str, object] = {"active": True, "kind": spec.kind}
        if row.url != spec.url:
            values.update(
                url=spec.url, etag=None, last_modified=None, body_hash=None, next_due_at=None
            )
        conn.execute(update(sources).where(sources.c.name == spec.name).values(**values))
    listed = select(bound_list("names", sources.c.name.type, conn.dialect.name).c.value)
    gone = update(sources).where(sources.c.name.not_in(listed), sources.c.active.is_(True))
    conn.execute(gone.values(active=False), {"names": [s.name for s in specs]})


def free_sources(now: datetime, *, due_only: bool = True) -> list[ColumnElement[bool]]:
    """The conditions of a source a poller may lease at ``now``: active, not paused, no live
    lease on it, and (with ``due_only``) due."""
    free = [
        sources.c.active.is_(True),
        sources.c.paused.is_(False),
        or_(sources.c.lease_expires_at.is_(None), sources.c.lease_expires_at < now),
    ]
    if due_only:
        free.append(or_(sources.c.next_due_at.is_(None), sources.c.next_due_at <= now))
    return free


def named(
    conn: Connection, names: Sequence[str] | None
) -> tuple[list[ColumnElement[bool]], dict[str, list[str]]]:
    """The condition that a source is one of ``names`` (none for None) and its parameters:
    the names bound as one parameter however many (see ``one_of``)."""
    if names is None:
        return [], {}
    return [one_of(sources.c.name, "names", conn.dialect.name)], {"names": list(names)}


def claim_sources(
    conn: Connection,
    owner: str,
    now: datetime,
    lease: timedelta,
    *,
    limit: int,
    due_only: bool = True,
    names: Sequence[str] | None = None,
    pick: Callable[[Sequence[tuple[int, str]]], Sequence[int]] | None = None,
) -> list[SourceState]:
    """Lease up to ``limit`` active sources that are not paused (due ones only, unless
    ``due_only`` is False) and that no live lease holds: the first in due order, or those
    ``pick`` chooses among the first ``limit`` × CANDIDATES_PER_CLAIM (given as id and
    name, in due order). On PostgreSQL, rows locked by another replica are skipped."""
    free = (
        select(sources.c.id)
        .where(*free_sources(now, due_only=due_only))
        .order_by(sources.c.next_due_at.nulls_first(), sources.c.id)
    )
    only, params = named(conn, names)
    query = free.where(*only)
    if pick is not None:
        candidates = conn.execute(
            query.add_columns(sources.c.name).limit(limit * CANDIDATES_PER_CLAIM), params
        )
        chosen = list(pick([(id_, name) for id_, name in candidates]))[:limit]
        # the chosen rows, still free (another replica may have taken some since)
        query, params = free.where(sources.c.id.in_(chosen)), {}
    ids = list(conn.scalars(query.limit(limit).with_for_update(skip_locked=True), params))
    if not ids:
        return []
    conn.execute(
        update(sources)
        .where(sources.c.id.in_(ids))
        .values(lease_owner=owner, lease_expires_at=now + lease)
    )
    rows = conn.execute(select(*_STATE_COLUMNS).where(sources.c.id.in_(ids)).order_by(sources.c.id))
    return [SourceState(**r._asdict()) for r in rows]


def release_sources(conn: Connection, owner: str, ids: Sequence[int] | None = None) -> None:
    """Drop the leases ``owner`` holds: all of them (graceful shutdown), or those on
    ``ids``."""
    query = update(sources).where(sources.c.lease_owner == owner)
    if ids is not None:
        query = query.where(sources.c.id.in_(ids))
    conn.execute(query.values(lease_owner=None, lease_expires_at=None))


def lease_owners(conn: Connection, now: datetime) -> list[str]:
    """Owners holding a live lease on some source."""
    query = select(sources.c.lease_owner).where(sources.c.lease_expires_at > now).distinct()
    return [owner for owner in conn.scalars(query) if owner]


@dataclass(frozen=True)
class Outcome:
    """A poll's outcome on its source. ``success`` False records ``error`` and counts a
    consecutive failure; True clears them and stores the validators."""

    source_id: int
    now: datetime
    next_due_at: datetime
    success: bool = True
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    warning: str | None = None  # a successful poll's note (items over the cap), else cleared


_SUCCESS = (
    update(sources)
    .where(sources.c.id == bindparam("sid"))
    .values(
        last_polled_at=bindparam("now"),
        last_success_at=bindparam("now"),
        first_polled_at=func.coalesce(sources.c.first_polled_at, bindparam("now")),
        next_due_at=bindparam("due"),
        consecutive_failures=0,
        failing_since=None,
        last_error=None,
        last_warning=bindparam("warning"),
        etag=bindparam("etag"),
        last_modified=bindparam("lm"),
        body_hash=bindparam("hash"),
        lease_owner=None,
        lease_expires_at=None,
    )
)
_FAILURE = (
    update(sources)
    .where(sources.c.id == bindparam("sid"))
    .values(
        last_polled_at=bindparam("now"),
        next_due_at=bindparam("due"),
        consecutive_failures=sources.c.consecutive_failures + 1,
        failing_since=func.coalesce(sources.c.failing_since, bindparam("now")),
        last_error=bindparam("error"),
        lease_owner=None,
        lease_expires_at=None,
    )
)


def record_outcomes(conn: Connection, outcomes: Sequence[Outcome]) -> None:
    """Write poll outcomes on their sources and release their leases: one batched statement
    for the successes and one for the failures."""
    ok = [o for o in outcomes if o.success]
    failed = [o for o in outcomes if not o.success]
    if ok:
        conn.execute(
            _SUCCESS,
            [
                {
                    "sid": o.source_id,
                    "now": o.now,
                    "due": o.next_due_at,
                    "etag": o.etag,
                    "lm": o.last_modified,
                    "hash": o.body_hash,
                    "warning": o.warning,
                }
                for o in ok
            ],
        )
    if failed:
        conn.execute(
            _FAILURE,
            [
                {"sid": o.source_id, "now": o.now, "due": o.next_due_at, "error": o.error}
                for o in failed
            ],
        )


def record_source_outcome(
    conn: Connection, source_id: int, now: datetime, *, next_due_at: datetime, **values: Any
) -> None:
    """One outcome (see ``Outcome`` for the keyword arguments)."""
    record_outcomes(conn, [Outcome(source_id, now, next_due_at, **values)])


def list_sources(conn: Connection) -> list[SourceState]:
    rows = conn.execute(
        select(*_STATE_COLUMNS).where(sources.c.active.is_(True)).order_by(sources.c.name)
    )
    return [SourceState(**r._asdict()) for r in rows]


def set_paused(conn: Connection, name: str, paused: bool) -> bool:
    """Pause (the poller claims it no more) or resume an active source; False when there
    is no such active source."""
    result = conn.execute(
        update(sources)
        .where(sources.c.name == name, sources.c.active.is_(True))
        .values(paused=paused)
    )
    return bool(result.rowcount)


@dataclass(frozen=True)
class SourceActivity:
    """A source's state with what it brought lately: its newest entry's first-seen time and
    how many entries it brought since a given time."""

    state: SourceState
    last_new_at: datetime | None
    recent_entries: int


def source_activity(conn: Connection, since: datetime) -> list[SourceActivity]:
    """Every active source with its last new entry and its entries first seen since
    ``since``, by name; two index lookups per source (entries by source and first-seen)."""
    last_new = (
        select(func.max(entries.c.first_seen_at))
        .where(entries.c.source_id == sources.c.id)
        .scalar_subquery()
    )
    recent = (
        select(func.count())
        .select_from(entries)
        .where(entries.c.source_id == sources.c.id, entries.c.first_seen_at >= since)
        .scalar_subquery()
    )
    rows = conn.execute(
        select(*_STATE_COLUMNS, last_new.label("last_new_at"), recent.label("recent"))
        .where(sources.c.active.is_(True))
        .order_by(sources.c.name)
    )
    found = []
    for r in rows:
        data = r._asdict()
        last, count = data.pop("last_new_at"), data.pop("recent")
        found.append(SourceActivity(SourceState(**data), last, int(count or 0)))
    return found


def set_ops_state(conn: Connection, source_id: int, old: str | None, new: str | None) -> bool:
    """Move a source's ops state from ``old`` to ``new``; False when another replica moved
    it first (so exactly one replica tells ops about each change)."""
    result = conn.execute(
        update(sources)
        .where(sources.c.id == source_id, sources.c.ops_state.is_not_distinct_from(old))
        .values(ops_state=new)
    )
    return bool(result.rowcount)


def ops_rows(conn: Connection) -> list[tuple[SourceState, datetime | None, str | None]]:
    """Every active, unpaused source with since when it fails and what ops were told."""
    rows = conn.execute(
        select(*_STATE_COLUMNS, sources.c.failing_since, sources.c.ops_state)
        .where(sources.c.active.is_(True), sources.c.paused.is_(False))
        .order_by(sources.c.name)
    )
    found = []
    for r in rows:
        data = r._asdict()
        since, state = data.pop("failing_since"), data.pop("ops_state")
        found.append((SourceState(**data), since, state))
    return found
