"""The outbox worker: send what is owed, record every attempt.

Claims due deliveries under a lease, hands each to its notifier, and marks it sent, failed
(retried later with exponential backoff and jitter, or after the channel's Retry-After) or
dead (a permanent refusal, or too many attempts). Never sleeps a worker for a retry: the
delay lives in the row's ``next_attempt_at``. Messages to one notifier go in order, one at a
time; different notifiers proceed independently, so a failing channel blocks no other.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from monitor.entry import Alert
from monitor.errors import NotifyError
from monitor.notify import Notifier
from monitor.pipeline import utcnow
from monitor.store import Store, outbox

log = logging.getLogger(__name__)

DELIVERY_LEASE = timedelta(minutes=5)


def retry_delay(attempts: int, rng: random.Random | None = None) -> timedelta:
    """Backoff after the ``attempts``-th failure: 30 s doubling to at most 1 h, jittered."""
    base = min(30 * 2 ** min(attempts - 1, 16), 3600)
    return timedelta(seconds=base * (rng or random).uniform(0.5, 1.0))


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    dead: int = 0


class Deliverer:
    """Sends owed deliveries through the configured notifiers."""

    def __init__(
        self,
        store: Store,
        notifiers: Mapping[str, Notifier],
        owner: str,
        *,
        max_attempts: int = 8,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.notifiers = notifiers
        self.owner = owner
        self.max_attempts = max_attempts
        self._clock = clock

    async def deliver_due(self, limit: int = 100) -> DeliveryReport:
        """Claim up to ``limit`` due deliveries and attempt each once."""
        alerts = await self.store.run(self._claim, limit)
        report = DeliveryReport()
        by_notifier: dict[str, list[Alert]] = {}
        for alert in alerts:
            by_notifier.setdefault(alert.notifier, []).append(alert)
        await asyncio.gather(*(self._send_all(a, report) for a in by_notifier.values()))
        return report

    async def release(self) -> None:
        """Hand back claimed-but-untried rows (graceful shutdown)."""
        await self.store.run(self._release)

    async def _send_all(self, alerts: list[Alert], report: DeliveryReport) -> None:
        for alert in alerts:
            await self._send_one(alert, report)

    async def _send_one(self, alert: Alert, report: DeliveryReport) -> None:
        notifier = self.notifiers[alert.notifier]
        try:
            external_id = await notifier.send(alert)
        except Exception as exc:  # a notifier bug must not wedge the outbox: record, retry
            error = exc if isinstance(exc, NotifyError) else _internal_error(alert, exc)
            await self.store.run(self._record_failure, alert, error)
            exc = error
            dead = not exc.retryable or alert.attempts >= self.max_attempts
            report.dead += dead
            report.failed += not dead
            return
        # The only window for a repeat: the channel accepted, the row is not yet marked sent.
        await self.store.run(self._mark_sent, alert.delivery_id, external_id)
        report.sent += 1

    def _claim(self, limit: int) -> list[Alert]:
        with self.store.begin() as conn:
            return outbox.claim_deliveries(
                conn,
                self.owner,
                self._clock(),
                DELIVERY_LEASE,
                limit=limit,
                notifiers=list(self.notifiers),
            )

    def _mark_sent(self, delivery_id: int, external_id: str | None) -> None:
        with self.store.begin() as conn:
            outbox.mark_sent(conn, delivery_id, self._clock(), external_id)

    def _record_failure(self, alert: Alert, exc: NotifyError) -> None:
        now = self._clock()
        dead = not exc.retryable or alert.attempts >= self.max_attempts
        delay = retry_delay(alert.attempts)
        if exc.retry_after is not None:
            delay = max(delay, timedelta(seconds=exc.retry_after))
        log.warning(
            "delivery %d to %s %s: %s",
            alert.delivery_id,
            alert.notifier,
            "dead-lettered" if dead else f"retry in {delay.total_seconds():.0f}s",
            exc,
        )
        with self.store.begin() as conn:
            outbox.mark_failed(
                conn, alert.delivery_id, str(exc), next_attempt_at=now + delay, dead=dead
            )

    def _release(self) -> None:
        with self.store.begin() as conn:
            outbox.release_deliveries(conn, self.owner)


def _internal_error(alert: Alert, exc: Exception) -> NotifyError:
    log.exception("notifier %s raised an unexpected error", alert.notifier, exc_info=exc)
    return NotifyError(alert.notifier, f"internal error: {type(exc).__name__}: {exc}")
