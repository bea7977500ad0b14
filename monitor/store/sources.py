"""Source rows: syncing them from the config, claiming due ones under a lease, recording
the outcome of a poll that stored nothing. Holds no business rules (the pipeline decides
due times and backoff)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, or_, select, update

from monitor.store.schema import sources


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


@dataclass(frozen=True)
class SourceSpec:
    name: str
    url: str
    kind: str


_STATE_COLUMNS = [sources.c[f] for f in SourceState.__dataclass_fields__]


def sync_sources(conn: Connection, specs: Sequence[SourceSpec], now: datetime) -> None:
    """Make the sources table agree with the config: insert new names, update changed URLs
    (forgetting validators that belonged to the old URL), deactivate names no longer listed."""
    known = {r.name: r for r in conn.execute(select(sources.c.name, sources.c.url, sources.c.kind))}
    for spec in specs:
        row = known.get(spec.name)
        if row is None:
            conn.execute(
                sources.insert().values(
                    name=spec.name,
                    url=spec.url,
                    kind=spec.kind,
                    active=True,
                    consecutive_failures=0,
                    created_at=now,
                )
            )
        else:
            values: dict[str, object] = {"active": True, "kind": spec.kind}
            if row.url != spec.url:
                values.update(
                    url=spec.url, etag=None, last_modified=None, body_hash=None, next_due_at=None
                )
            conn.execute(update(sources).where(sources.c.name == spec.name).values(**values))
    names = [s.name for s in specs]
    conn.execute(update(sources).where(sources.c.name.not_in(names)).values(active=False))


def claim_sources(
    conn: Connection,
    owner: str,
    now: datetime,
    lease: timedelta,
    *,
    limit: int,
    due_only: bool = True,
    names: Sequence[str] | None = None,
) -> list[SourceState]:
    """Lease up to ``limit`` active sources (due ones only, unless ``due_only`` is False) that
    no live lease holds. On PostgreSQL, rows locked by another replica are skipped."""
    query = select(sources.c.id).where(
        sources.c.active.is_(True),
        or_(sources.c.lease_expires_at.is_(None), sources.c.lease_expires_at < now),
    )
    if due_only:
        query = query.where(or_(sources.c.next_due_at.is_(None), sources.c.next_due_at <= now))
    if names is not None:
        query = query.where(sources.c.name.in_(names))
    query = query.order_by(sources.c.next_due_at.nulls_first(), sources.c.id).limit(limit)
    ids = list(conn.scalars(query.with_for_update(skip_locked=True)))
    if not ids:
        return []
    conn.execute(
        update(sources)
        .where(sources.c.id.in_(ids))
        .values(lease_owner=owner, lease_expires_at=now + lease)
    )
    rows = conn.execute(select(*_STATE_COLUMNS).where(sources.c.id.in_(ids)).order_by(sources.c.id))
    return [SourceState(**r._asdict()) for r in rows]


def release_sources(conn: Connection, owner: str) -> None:
    """Drop every lease ``owner`` holds (graceful shutdown)."""
    conn.execute(
        update(sources)
        .where(sources.c.lease_owner == owner)
        .values(lease_owner=None, lease_expires_at=None)
    )


def record_source_outcome(
    conn: Connection,
    source_id: int,
    now: datetime,
    *,
    next_due_at: datetime,
    error: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    body_hash: str | None = None,
    success: bool = True,
) -> None:
    """Write a poll's outcome on its source and release the lease. ``success`` False records
    ``error`` and counts a consecutive failure; True clears them and stores validators."""
    values: dict[str, object] = {
        "last_polled_at": now,
        "next_due_at": next_due_at,
        "lease_owner": None,
        "lease_expires_at": None,
    }
    if success:
        values.update(
            last_success_at=now,
            consecutive_failures=0,
            last_error=None,
            etag=etag,
            last_modified=last_modified,
            body_hash=body_hash,
        )
        conn.execute(
            update(sources)
            .where(sources.c.id == source_id, sources.c.first_polled_at.is_(None))
            .values(first_polled_at=now)
        )
    else:
        values.update(last_error=error, consecutive_failures=sources.c.consecutive_failures + 1)
    conn.execute(update(sources).where(sources.c.id == source_id).values(**values))


def list_sources(conn: Connection) -> list[SourceState]:
    rows = conn.execute(
        select(*_STATE_COLUMNS).where(sources.c.active.is_(True)).order_by(sources.c.name)
    )
    return [SourceState(**r._asdict()) for r in rows]
