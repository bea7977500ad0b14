"""The delivery outbox: claim owed deliveries under a lease, and record each attempt.

States: pending → sending → sent; or failed (retried at next_attempt_at) → dead. A row left
in ``sending`` by a process that died is claimable again once its lease expires: that is the
one window in which a message can be sent twice. Holds no business rules (the deliver module
decides backoff and dead-lettering).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, Select, and_, func, or_, select, update

from monitor.entry import Alert
from monitor.store.schema import deliveries, entries, hits, sources, story_updates

_OWED = deliveries.c.state.in_(("pending", "failed", "sending"))


def _due(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(deliveries.c.state.in_(("pending", "failed")), deliveries.c.next_attempt_at <= now),
        and_(deliveries.c.state == "sending", deliveries.c.lease_expires_at < now),
    )


def _alert_query() -> Select[Any]:
    return (
        select(
            deliveries.c.id.label("delivery_id"),
            deliveries.c.notifier,
            hits.c.topic,
            sources.c.name.label("source"),
            sources.c.kind.label("source_kind"),
            entries.c.title,
            entries.c.link,
            entries.c.published_at.label("published"),
            hits.c.terms,
            hits.c.snippet,
            deliveries.c.attempts,
            entries.c.extra,
            deliveries.c.slot,
            deliveries.c.thread_key,
            story_updates.c.kind.label("update_kind"),
            story_updates.c.detail.label("update_detail"),
        )
        .join(hits, hits.c.id == deliveries.c.hit_id)
        .outerjoin(story_updates, story_updates.c.id == deliveries.c.update_id)
        .join(entries, entries.c.id == hits.c.entry_id)
        .join(sources, sources.c.id == entries.c.source_id)
    )


def _to_alert(row: Row[Any]) -> Alert:
    data = row._asdict()
    data["terms"] = tuple(data["terms"])
    return Alert(**data)


def claim_deliveries(
    conn: Connection,
    owner: str,
    now: datetime,
    lease: timedelta,
    *,
    limit: int,
    notifiers: list[str] | None = None,
) -> list[Alert]:
    """Lease up to ``limit`` due deliveries (state → sending, attempts + 1) and return them."""
    query = select(deliveries.c.id).where(_due(now))
    if notifiers is not None:
        query = query.where(deliveries.c.notifier.in_(notifiers))
    query = query.order_by(deliveries.c.next_attempt_at, deliveries.c.id).limit(limit)
    ids = list(conn.scalars(query.with_for_update(skip_locked=True)))
    if not ids:
        return []
    conn.execute(
        update(deliveries)
        .where(deliveries.c.id.in_(ids))
        .values(
            state="sending",
            lease_owner=owner,
            lease_expires_at=now + lease,
            attempts=deliveries.c.attempts + 1,
        )
    )
    rows = conn.execute(_alert_query().where(deliveries.c.id.in_(ids)).order_by(deliveries.c.id))
    return [_to_alert(r) for r in rows]


def pending_alerts(conn: Connection, delivery_ids: list[int]) -> list[Alert]:
    """Read alerts by delivery id without claiming them (dry runs and previews)."""
    rows = conn.execute(
        _alert_query().where(deliveries.c.id.in_(delivery_ids)).order_by(deliveries.c.id)
    )
    return [_to_alert(r) for r in rows]


def mark_sent(
    conn: Connection, delivery_id: int, now: datetime, external_id: str | None = None
) -> None:
    conn.execute(
        update(deliveries)
        .where(deliveries.c.id == delivery_id)
        .values(
            state="sent",
            sent_at=now,
            external_id=external_id,
            last_error=None,
            lease_owner=None,
            lease_expires_at=None,
        )
    )


def mark_failed(
    conn: Connection, delivery_id: int, error: str, *, next_attempt_at: datetime, dead: bool
) -> None:
    """Record a failed attempt: retry at ``next_attempt_at``, or dead-letter it."""
    conn.execute(
        update(deliveries)
        .where(deliveries.c.id == delivery_id)
        .values(
            state="dead" if dead else "failed",
            last_error=error[:2000],
            next_attempt_at=next_attempt_at,
            lease_owner=None,
            lease_expires_at=None,
        )
    )


def release_deliveries(conn: Connection, owner: str) -> None:
    """Hand back rows ``owner`` claimed but did not try (graceful shutdown)."""
    conn.execute(
        update(deliveries)
        .where(deliveries.c.lease_owner == owner, deliveries.c.state == "sending")
        .values(
            state="pending",
            lease_owner=None,
            lease_expires_at=None,
            attempts=deliveries.c.attempts - 1,
        )
    )


def count_owed(conn: Connection) -> int:
    """Deliveries not yet sent or dead."""
    return conn.scalar(select(func.count()).select_from(deliveries).where(_OWED)) or 0
