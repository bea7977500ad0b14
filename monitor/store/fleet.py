"""What replicas of ``monitor run`` on one database share beyond leases: who is alive (to
split the due sources fairly), reserved send slots (so a channel's pace holds for the whole
fleet) and fleet-wide job runs (a daily job runs once a day, on one replica).

Every function takes a Connection in a transaction and is safe when replicas call it at the
same moment: rows are inserted or ignored, then updated under the row's lock. Holds no
business rules (the service decides shares, paces and periods).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, delete, func, select, text, update

from monitor.store.records import insert_ignore_many
from monitor.store.schema import job_runs, replicas, send_slots, sources
from monitor.store.sources import free_sources, named


def heartbeat(conn: Connection, owner: str, now: datetime) -> None:
    """Record that replica ``owner`` is alive at ``now``."""
    row = {"owner": owner, "started_at": now, "seen_at": now}
    insert_ignore_many(conn, replicas, [row], ["owner"], ["owner"])
    conn.execute(update(replicas).where(replicas.c.owner == owner).values(seen_at=now))


def leave(conn: Connection, owner: str) -> None:
    """Forget replica ``owner`` (it stops): the others' shares grow at once."""
    conn.execute(delete(replicas).where(replicas.c.owner == owner))


def waiting_replicas(
    conn: Connection, owner: str, since: datetime, now: datetime, alive: timedelta
) -> int:
    """Other live replicas (seen within ``alive`` of ``now``) that have not ticked since
    ``since``: they have yet to take their share of what became due then."""
    query = (
        select(func.count())
        .select_from(replicas)
        .where(
            replicas.c.owner != owner,
            replicas.c.seen_at >= now - alive,
            replicas.c.seen_at < since,
        )
    )
    return int(conn.scalar(query) or 0)


def due_sources(
    conn: Connection, now: datetime, names: Sequence[str] | None = None
) -> tuple[int, datetime | None]:
    """How many active, unpaused sources are due and free of a live lease, and since when
    the longest-waiting of them is due (a new source: since it was registered)."""
    since = func.coalesce(sources.c.next_due_at, sources.c.created_at)
    only, params = named(conn, names)
    query = select(func.count(), func.min(since)).where(*free_sources(now), *only)
    count, oldest = conn.execute(query, params).one()
    return int(count or 0), _aware(oldest)


def fair_share(due: int, waiting: int, room: int) -> int:
    """How many due sources one replica claims in a tick: an even split of what is due
    between itself and the ``waiting`` replicas that have not ticked since it became due
    (so the first to tick takes 1/N of a burst, the next 1/(N-1) of the rest, and the last
    everything left), rounded up, and never more than its ``room``."""
    return max(0, min(room, math.ceil(due / (1 + max(0, waiting)))))


def reserve_slot(conn: Connection, channel: str, pace: timedelta, now: datetime) -> float:
    """Reserve the next send slot of ``channel``: the later of ``now`` and the slot after
    the last one reserved; the following slot is ``pace`` after it. Returns how many
    seconds to wait for the reserved slot. On PostgreSQL the database's clock is used, so
    replicas whose clocks differ still space their messages ``pace`` apart."""
    clock = _database_now(conn) or now
    first = {"channel": channel, "next_at": clock}
    insert_ignore_many(conn, send_slots, [first], ["channel"], ["channel"])
    row = select(send_slots.c.next_at).where(send_slots.c.channel == channel).with_for_update()
    slot = max(conn.scalar(row) or clock, clock)
    conn.execute(
        update(send_slots).where(send_slots.c.channel == channel).values(next_at=slot + pace)
    )
    return (slot - clock).total_seconds()


def claim_job(conn: Connection, name: str, now: datetime, every: timedelta) -> bool:
    """Whether this caller runs job ``name`` now: True (and the run recorded) when it never
    ran or last ran ``every`` or longer ago; False when another replica ran it since."""
    first = insert_ignore_many(
        conn, job_runs, [{"name": name, "last_run_at": now}], ["name"], ["name"]
    )
    if first:
        return True
    result = conn.execute(
        update(job_runs)
        .where(job_runs.c.name == name, job_runs.c.last_run_at <= now - every)
        .values(last_run_at=now)
    )
    return bool(result.rowcount)


def _aware(value: datetime | None) -> datetime | None:
    """An aggregate over a UTC column comes back naive on SQLite and PostgreSQL alike (the
    column type is not applied to it): it is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _database_now(conn: Connection) -> datetime | None:
    if conn.dialect.name != "postgresql":
        return None  # SQLite serves one process: its clock is ours
    value = conn.scalar(text("SELECT clock_timestamp()"))
    return value if isinstance(value, datetime) else None
