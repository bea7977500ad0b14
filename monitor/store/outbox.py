"""The delivery outbox: claim owed deliveries under a lease, and record each attempt.

States: pending → sending → sent; or failed (retried at next_attempt_at) → dead. A row left
in ``sending`` by a process that died is claimable again once its lease expires: that is the
one window in which a message can be sent twice. A message some recipients refused for now
(email) keeps one ``delivery_recipients`` row per recipient, and its retries go to the owed
ones only. Holds no business rules (the deliver module decides backoff and dead-lettering).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
    and_,
    delete,
    exists,
    false,
    func,
    insert,
    or_,
    select,
    update,
)

from monitor.entry import Alert
from monitor.store.schema import (
    deliveries,
    delivery_recipients,
    entries,
    hits,
    sources,
    story_updates,
)

_OWED = deliveries.c.state.in_(("pending", "failed", "sending"))


def _due(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(deliveries.c.state.in_(("pending", "failed")), deliveries.c.next_attempt_at <= now),
        and_(deliveries.c.state == "sending", deliveries.c.lease_expires_at < now),
    )


def _waiting_for_alert() -> ColumnElement[bool]:
    """A follow-up whose story's own alert (same hit and notifier) is still owed: it waits,
    so that it can thread under that alert."""
    parent = deliveries.alias("parent")
    return and_(
        deliveries.c.slot != "alert",
        exists().where(
            parent.c.hit_id == deliveries.c.hit_id,
            parent.c.notifier == deliveries.c.notifier,
            parent.c.slot == "alert",
            parent.c.state.in_(("pending", "failed", "sending")),
        ),
    )


def _thread_id() -> Any:
    """The external id of the first message sent on this row's thread (another row)."""
    first = deliveries.alias("first")
    return (
        select(first.c.external_id)
        .where(
            first.c.notifier == deliveries.c.notifier,
            first.c.thread_key == deliveries.c.thread_key,
            first.c.state == "sent",
            first.c.external_id.is_not(None),
            first.c.id != deliveries.c.id,
        )
        .order_by(first.c.sent_at, first.c.id)
        .limit(1)
        .scalar_subquery()
        .label("thread_id")
    )


def _pairs(pairs: Collection[tuple[str, str]]) -> ColumnElement[bool]:
    """Rows whose (topic, notifier) is one of ``pairs``."""
    if not pairs:
        return false()
    return or_(*(and_(hits.c.topic == t, deliveries.c.notifier == n) for t, n in sorted(pairs)))


def _alert_query() -> Select[Any]:
    return (
        select(
            deliveries.c.id.label("delivery_id"),
            deliveries.c.notifier,
            hits.c.topic,
            hits.c.story_id,
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
            _thread_id(),
        )
        .join(hits, hits.c.id == deliveries.c.hit_id)
        .outerjoin(story_updates, story_updates.c.id == deliveries.c.update_id)
        .join(entries, entries.c.id == hits.c.entry_id)
        .join(sources, sources.c.id == entries.c.source_id)
    )


def _to_alert(row: Row[Any], owed: dict[int, tuple[str, ...]]) -> Alert:
    data = row._asdict()
    data["terms"] = tuple(data["terms"])
    return Alert(**data, recipients=owed.get(data["delivery_id"]))


def _alerts(conn: Connection, ids: Sequence[int]) -> list[Alert]:
    rows = conn.execute(_alert_query().where(deliveries.c.id.in_(ids)).order_by(deliveries.c.id))
    owed = owed_recipients(conn, ids)
    return [_to_alert(r, owed) for r in rows]


def owed_recipients(conn: Connection, delivery_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """For each of ``delivery_ids`` that some recipients refused (it has per-recipient
    rows), the recipients it is still owed to, sorted; others are absent (owed to all)."""
    r = delivery_recipients.c
    found: dict[int, list[str]] = {}
    ids = list(delivery_ids)
    for start in range(0, len(ids), 500):  # bounded IN lists, whatever the listing's size
        rows = conn.execute(
            select(r.delivery_id, r.recipient, r.state)
            .where(r.delivery_id.in_(ids[start : start + 500]))
            .order_by(r.delivery_id, r.recipient)
        )
        for delivery_id, recipient, state in rows:
            owed = found.setdefault(delivery_id, [])
            if state == "owed":
                owed.append(recipient)
    return {delivery_id: tuple(owed) for delivery_id, owed in found.items()}


def record_recipients(
    conn: Connection,
    delivery_id: int,
    outcomes: Sequence[tuple[str, str, str | None]],
    now: datetime,
) -> str | None:
    """Record each (recipient, state, reply) of an attempt (state ``sent``, ``owed`` or
    ``refused``), replacing what an earlier attempt said of the same recipient. Returns the
    delivery's note: every recipient refused or still owed, with the server's words (None
    when every recipient has it)."""
    r = delivery_recipients.c
    recipients = [recipient for recipient, _, _ in outcomes]
    conn.execute(
        delete(delivery_recipients).where(r.delivery_id == delivery_id, r.recipient.in_(recipients))
    )
    if outcomes:
        conn.execute(
            insert(delivery_recipients),
            [
                {"delivery_id": delivery_id, "recipient": rcpt, "state": state, "reply": reply,
                 "updated_at": now}
                for rcpt, state, reply in outcomes
            ],
        )  # fmt: skip
    rows = conn.execute(
        select(r.recipient, r.state, r.reply)
        .where(r.delivery_id == delivery_id, r.state != "sent")
        .order_by(r.recipient)
    )
    notes = [
        f"{'refused' if state == 'refused' else 'owed, retrying'} {rcpt}: {reply or '?'}"
        for rcpt, state, reply in rows
    ]
    return "; ".join(notes) or None


def claim_deliveries(
    conn: Connection,
    owner: str,
    now: datetime,
    lease: timedelta,
    *,
    limit: int,
    notifiers: list[str] | None = None,
    exclude_pairs: Collection[tuple[str, str]] = (),
    only_pairs: Collection[tuple[str, str]] | None = None,
    retries_only: bool = False,
) -> list[Alert]:
    """Lease up to ``limit`` due deliveries (state → sending, attempts + 1) and return them.

    ``notifiers`` limits the claim to those notifiers; ``exclude_pairs`` skips (topic,
    notifier) pairs (digest routes, quiet hours), ``only_pairs`` takes nothing else (one
    digest); ``retries_only`` skips rows never tried. A follow-up waits while its story's
    alert is owed. Each alert carries its thread's first message id (``thread_id``)."""
    query = (
        select(deliveries.c.id)
        .join(hits, hits.c.id == deliveries.c.hit_id)
        .where(_due(now), ~_waiting_for_alert())
    )
    if notifiers is not None:
        query = query.where(deliveries.c.notifier.in_(notifiers))
    if exclude_pairs:
        query = query.where(~_pairs(exclude_pairs))
    if only_pairs is not None:
        query = query.where(_pairs(only_pairs))
    if retries_only:
        query = query.where(deliveries.c.state != "pending")
    query = query.order_by(deliveries.c.next_attempt_at, deliveries.c.id).limit(limit)
    ids = list(conn.scalars(query.with_for_update(skip_locked=True, of=deliveries)))
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
    return _alerts(conn, ids)


def oldest_owed(conn: Connection, pairs: Collection[tuple[str, str]]) -> datetime | None:
    """When the oldest delivery still owed (pending, sending or failed) of these (topic,
    notifier) pairs was created, or None when none is owed."""
    query = (
        select(deliveries.c.created_at)
        .join(hits, hits.c.id == deliveries.c.hit_id)
        .where(deliveries.c.state.in_(("pending", "sending", "failed")), _pairs(pairs))
        .order_by(deliveries.c.created_at)
        .limit(1)
    )
    return conn.scalar(query)


def pending_alerts(conn: Connection, delivery_ids: list[int]) -> list[Alert]:
    """Read alerts by delivery id without claiming them (dry runs and previews)."""
    return _alerts(conn, delivery_ids)


def mark_sent(
    conn: Connection,
    delivery_id: int,
    now: datetime,
    external_id: str | None = None,
    note: str | None = None,
) -> None:
    """Record that the channel accepted the message (``note``: e.g. a refused recipient)."""
    conn.execute(
        update(deliveries)
        .where(deliveries.c.id == delivery_id)
        .values(
            state="sent",
            sent_at=now,
            external_id=external_id,
            last_error=note[:2000] if note else None,
            lease_owner=None,
            lease_expires_at=None,
        )
    )


def mark_failed(
    conn: Connection,
    delivery_id: int,
    error: str,
    *,
    next_attempt_at: datetime,
    dead: bool,
    count_attempt: bool = True,
) -> None:
    """Record a failed attempt: retry at ``next_attempt_at``, or dead-letter it. A rate
    limit is no fault of the message: ``count_attempt=False`` gives the attempt back."""
    conn.execute(
        update(deliveries)
        .where(deliveries.c.id == delivery_id)
        .values(
            attempts=deliveries.c.attempts - (0 if count_attempt else 1),
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


def defer_deliveries(conn: Connection, delivery_ids: Sequence[int], until: datetime) -> None:
    """Hand back claimed rows untried, due again at ``until`` (their attempt is given back):
    the channel asked everyone to wait, so the rest of a batch waits too."""
    if not delivery_ids:
        return
    conn.execute(
        update(deliveries)
        .where(deliveries.c.id.in_(delivery_ids), deliveries.c.state == "sending")
        .values(
            state="pending",
            next_attempt_at=until,
            attempts=deliveries.c.attempts - 1,
            lease_owner=None,
            lease_expires_at=None,
        )
    )


@dataclass(frozen=True)
class DeliveryRow:
    id: int
    state: str
    notifier: str
    topic: str
    slot: str
    title: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    external_id: str | None
    created_at: datetime
    sent_at: datetime | None
    owed_to: tuple[str, ...] | None = None  # recipients still owed, when only some got it
    story_id: int | None = None


OWED_STATES = ("pending", "sending", "failed")


def list_deliveries(
    conn: Connection,
    *,
    state: str | None = None,
    limit: int = 100,
    states: Sequence[str] | None = None,
    before: int | None = None,
) -> list[DeliveryRow]:
    """Outbox rows, newest first, optionally in one ``state`` (or any of ``states``), with
    ids below ``before`` (the last id of the previous page). The page of ids is chosen
    from the index (state, id) first, then joined. ``owed_to`` names the recipients still
    owed a message that only some recipients got."""
    chosen = select(deliveries.c.id).order_by(deliveries.c.id.desc()).limit(limit)
    if state is not None:
        chosen = chosen.where(deliveries.c.state == state)
    if states is not None:
        chosen = chosen.where(deliveries.c.state.in_(list(states)))
    if before is not None:
        chosen = chosen.where(deliveries.c.id < before)
    query = (
        select(
            deliveries.c.id,
            deliveries.c.state,
            deliveries.c.notifier,
            hits.c.topic,
            deliveries.c.slot,
            entries.c.title,
            deliveries.c.attempts,
            deliveries.c.next_attempt_at,
            deliveries.c.last_error,
            deliveries.c.external_id,
            deliveries.c.created_at,
            deliveries.c.sent_at,
            hits.c.story_id,
        )
        .join(hits, hits.c.id == deliveries.c.hit_id)
        .join(entries, entries.c.id == hits.c.entry_id)
        .where(deliveries.c.id.in_(list(conn.scalars(chosen))))
        .order_by(deliveries.c.id.desc())
    )
    found = [DeliveryRow(**r._asdict()) for r in conn.execute(query)]
    owed = owed_recipients(conn, [row.id for row in found])
    return [replace(row, owed_to=owed.get(row.id)) for row in found]


def retry_deliveries(
    conn: Connection, now: datetime, *, ids: Sequence[int] = (), all_dead: bool = False
) -> int:
    """Owe dead (or failed) rows again from ``now`` with fresh attempts; returns how many.
    Sent rows are never re-sent."""
    query = update(deliveries).where(deliveries.c.state.in_(("dead", "failed")))
    if not all_dead:
        query = query.where(deliveries.c.id.in_(list(ids)))
    else:
        query = query.where(deliveries.c.state == "dead")
    result = conn.execute(query.values(state="pending", attempts=0, next_attempt_at=now))
    return int(result.rowcount or 0)
