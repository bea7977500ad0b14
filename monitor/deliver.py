"""The outbox worker: send what is owed, record every attempt.

Claims due deliveries under a lease, hands each to its notifier, and marks it sent, failed
(retried later with exponential backoff and jitter) or dead (a permanent refusal, or too many
attempts). Never sleeps a worker for a retry: the delay lives in the row's ``next_attempt_at``.
When a channel rate-limits (``retry_after``), the row and the rest of that notifier's batch
wait exactly that long and the attempt is given back: a 429 storm delays, it never kills.

Messages to one notifier go in order, one at a time, and a row threads under the first
message sent on its thread key (from the database, or earlier in the same batch); different
notifiers proceed side by side, each with its own batch, so a slow or failing channel blocks
no other. A message some recipients refused for now (an SMTP 4xx while others accepted) is
retried like a failure, for those recipients only. Routes decide what waits: digest routes
are left to ``deliver_digest`` and routes in their quiet hours are held (not dropped) until
the hours end.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial

from apscheduler.triggers.cron import CronTrigger

from monitor.config import Config, Route
from monitor.digest import DigestPlan
from monitor.entry import Alert
from monitor.errors import NotifyError
from monitor.notify import DigestNotifier, Notifier, Receipt
from monitor.pipeline import utcnow
from monitor.redact import redact
from monitor.store import Store, outbox
from monitor.store.sources import SourceState

log = logging.getLogger(__name__)

DELIVERY_LEASE = timedelta(minutes=5)
DIGEST_LIMIT = 5000  # rows one digest email may carry
# a channel's requested wait is held to these: none is too short to hammer it in a loop,
# none so long (inf, 1e12) that it overflows a datetime or parks the row for ever
MIN_CHANNEL_WAIT = timedelta(seconds=1)
MAX_CHANNEL_WAIT = timedelta(hours=1)


def retry_delay(attempts: int, rng: random.Random | None = None) -> timedelta:
    """Backoff after the ``attempts``-th failure: 30 s doubling to at most 1 h, jittered."""
    base = min(30 * 2 ** min(attempts - 1, 16), 3600)
    return timedelta(seconds=base * (rng or random).uniform(0.5, 1.0))


def channel_wait(seconds: float) -> timedelta:
    """A channel's ``retry_after`` as a delay within [MIN_CHANNEL_WAIT, MAX_CHANNEL_WAIT]
    (NaN waits the most). Never raises, whatever the number."""
    if seconds != seconds or seconds >= MAX_CHANNEL_WAIT.total_seconds():  # NaN ≠ itself
        return MAX_CHANNEL_WAIT
    if seconds <= MIN_CHANNEL_WAIT.total_seconds():
        return MIN_CHANNEL_WAIT
    return timedelta(seconds=seconds)


@dataclass(frozen=True)
class RoutePolicy:
    """What the routes say about sending now: digest pairs and quiet hours, per (topic,
    notifier). The first route naming a topic and a notifier decides for that pair."""

    digest_pairs: frozenset[tuple[str, str]] = frozenset()
    quiet: tuple[tuple[tuple[str, str], Route], ...] = ()
    timezone: str = "UTC"

    @classmethod
    def from_config(cls, config: Config) -> RoutePolicy:
        first: dict[tuple[str, str], Route] = {}
        for route in config.effective_routes():
            for notifier in route.notifiers:
                first.setdefault((route.topic, notifier), route)
        return cls(
            frozenset(p for p, r in first.items() if r.mode == "digest"),
            tuple((p, r) for p, r in first.items() if r.quiet_hours is not None),
            config.settings.timezone,
        )

    def held(self, now: datetime) -> frozenset[tuple[str, str]]:
        """Pairs that immediate delivery must leave alone at ``now``."""
        quiet = {pair for pair, route in self.quiet if route.is_quiet(now, self.timezone)}
        return self.digest_pairs | quiet


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    dead: int = 0
    deferred: int = 0  # handed back untried because the channel asked to wait


class Deliverer:
    """Sends owed deliveries through the configured notifiers."""

    def __init__(
        self,
        store: Store,
        notifiers: Mapping[str, Notifier],
        owner: str,
        *,
        max_attempts: int = 8,
        lease: timedelta = DELIVERY_LEASE,
        policy: RoutePolicy | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.notifiers = notifiers
        self.owner = owner
        self.max_attempts = max_attempts
        self.lease = lease
        self.policy = policy or RoutePolicy()
        self._clock = clock

    @classmethod
    def for_config(
        cls, config: Config, store: Store, notifiers: Mapping[str, Notifier], owner: str
    ) -> Deliverer:
        """A deliverer with the config's attempts, lease and route policy."""
        delivery = config.settings.delivery
        return cls(
            store,
            notifiers,
            owner,
            max_attempts=delivery.max_attempts,
            lease=delivery.lease,
            policy=RoutePolicy.from_config(config),
        )

    async def drain(self) -> DeliveryReport:
        """Attempt everything due now, pass after pass, until a pass finds nothing to do
        (rescheduled retries wait for their time)."""
        total = DeliveryReport()
        while True:
            report = await self.deliver_due()
            if not (report.sent or report.failed or report.dead):
                return total
            total.sent += report.sent
            total.failed += report.failed
            total.dead += report.dead

    async def deliver_due(self, limit: int = 20) -> DeliveryReport:
        """Claim up to ``limit`` due deliveries per notifier and attempt each once."""
        batches = await self.store.run(self._claim, limit)
        report = DeliveryReport()
        await asyncio.gather(*(self._send_all(b, report) for b in batches if b))
        return report

    async def deliver_digest(
        self, plan: DigestPlan, *, retries_only: bool = False
    ) -> DeliveryReport:
        """Send one digest of everything ``plan`` owes (nothing when nothing is owed).
        ``retries_only``: only rows whose earlier digest failed (the delivery tick)."""
        report = DeliveryReport()
        notifier = self.notifiers.get(plan.notifier)
        if not isinstance(notifier, DigestNotifier):
            log.error("notifier %s cannot send digests", plan.notifier)
            return report
        alerts = await self.store.run(self._claim_digest, plan, retries_only)
        # rows some recipients already got go only to the others: one digest per audience
        audiences: dict[tuple[str, ...] | None, list[Alert]] = {}
        for alert in alerts:
            audiences.setdefault(alert.recipients, []).append(alert)
        for group in audiences.values():
            await self._send_digest(notifier, group, report)
        return report

    async def missed_digest(self, plan: DigestPlan, trigger: CronTrigger) -> bool:
        """Whether a scheduled run of ``plan`` passed while it owed something (the service
        was down then): the next run of ``trigger`` after its oldest owed row is past."""
        oldest = await self.store.run(self._oldest_owed, plan)
        if oldest is None:
            return False
        due = trigger.get_next_fire_time(None, oldest)
        return due is not None and due <= self._clock()

    def _oldest_owed(self, plan: DigestPlan) -> datetime | None:
        with self.store.begin(commit=False) as conn:
            return outbox.oldest_owed(conn, plan.pairs)

    async def _send_digest(
        self, notifier: DigestNotifier, alerts: Sequence[Alert], report: DeliveryReport
    ) -> None:
        try:
            receipt = await _attempt(alerts[0].notifier, lambda: notifier.send_digest(alerts))
        except NotifyError as exc:
            await self._fail(alerts, exc, report)
            return
        if receipt.owed:
            await self._owe_rest(alerts, receipt, report)
            return
        await self.store.run(self._mark_sent, [a.delivery_id for a in alerts], receipt)
        report.sent += len(alerts)

    async def release(self) -> None:
        """Hand back claimed-but-untried rows (graceful shutdown)."""
        await self.store.run(self._release)

    async def _send_all(self, alerts: Sequence[Alert], report: DeliveryReport) -> None:
        threads: dict[str, str] = {}  # thread key → first message id sent in this batch
        for i, alert in enumerate(alerts):
            key = alert.thread_key
            if alert.thread_id is None and key in threads:
                alert = replace(alert, thread_id=threads[key])
            notifier = self.notifiers[alert.notifier]
            try:
                receipt = await _attempt(alert.notifier, partial(notifier.send, alert))
            except NotifyError as exc:
                await self._fail([alert], exc, report)
                if exc.retry_after is not None:
                    await self._defer(alerts[i + 1 :], exc.retry_after, report)
                    return
                continue
            if receipt.owed:
                await self._owe_rest([alert], receipt, report)
                continue
            # The only window for a repeat: the channel accepted, the row is not yet marked
            # sent. It is one small UPDATE, written before anything else happens.
            await self.store.run(self._mark_sent, [alert.delivery_id], receipt)
            report.sent += 1
            log.info(
                "delivery %d sent to %s: %s",
                alert.delivery_id,
                alert.notifier,
                alert.title[:120],
                extra=log_ids(alert),
            )
            if key is not None and (alert.thread_id or receipt.external_id):
                threads.setdefault(key, alert.thread_id or receipt.external_id or "")

    async def _owe_rest(
        self, alerts: Sequence[Alert], receipt: Receipt, report: DeliveryReport
    ) -> None:
        """Some recipients got the message and some refused it for now (SMTP 4xx): record
        each recipient's outcome, then fail the rows as usual (backoff, attempts, dead), so
        that the retries go to the owed recipients only."""
        await self.store.run(self._mark_recipients, [a.delivery_id for a in alerts], receipt)
        owed = ", ".join(receipt.owed)
        error = NotifyError(alerts[0].notifier, f"still owed to {owed} ({receipt.note or '?'})")
        await self._fail(alerts, error, report)

    async def _fail(
        self, alerts: Sequence[Alert], exc: NotifyError, report: DeliveryReport
    ) -> None:
        for alert in alerts:
            dead = await self.store.run(self._record_failure, alert, exc)
            report.dead += dead
            report.failed += not dead

    async def _defer(self, alerts: Sequence[Alert], seconds: float, report: DeliveryReport) -> None:
        if alerts:
            until = self._clock() + channel_wait(seconds)
            await self.store.run(
                self._in_tx, outbox.defer_deliveries, [a.delivery_id for a in alerts], until
            )
            report.deferred += len(alerts)

    def _claim(self, limit: int) -> list[list[Alert]]:
        now = self._clock()
        held = self.policy.held(now)
        with self.store.begin() as conn:
            return [
                outbox.claim_deliveries(
                    conn,
                    self.owner,
                    now,
                    self.lease,
                    limit=limit,
                    notifiers=[name],
                    exclude_pairs=held,
                )
                for name in self.notifiers
            ]

    def _claim_digest(self, plan: DigestPlan, retries_only: bool) -> list[Alert]:
        with self.store.begin() as conn:
            return outbox.claim_deliveries(
                conn,
                self.owner,
                self._clock(),
                self.lease,
                limit=DIGEST_LIMIT,
                notifiers=[plan.notifier],
                only_pairs=plan.pairs,
                retries_only=retries_only,
            )

    def _mark_sent(self, delivery_ids: Sequence[int], receipt: Receipt) -> None:
        now = self._clock()
        note = receipt.note
        with self.store.begin() as conn:
            for delivery_id in delivery_ids:
                if receipt.recipients:  # the note covers earlier attempts' refusals too
                    note = outbox.record_recipients(conn, delivery_id, receipt.recipients, now)
                outbox.mark_sent(conn, delivery_id, now, receipt.external_id, note)
        if note:
            log.warning("deliveries %s sent, with a note: %s", list(delivery_ids), note)

    def _mark_recipients(self, delivery_ids: Sequence[int], receipt: Receipt) -> None:
        now = self._clock()
        with self.store.begin() as conn:
            for delivery_id in delivery_ids:
                outbox.record_recipients(conn, delivery_id, receipt.recipients, now)

    def _record_failure(self, alert: Alert, exc: NotifyError) -> bool:
        """Record the failed attempt; returns whether the row is now dead."""
        now = self._clock()
        limited = exc.retry_after is not None
        dead = not exc.retryable or (not limited and alert.attempts >= self.max_attempts)
        # a rate limit says exactly when; anything else backs off
        delay = channel_wait(exc.retry_after or 0) if limited else retry_delay(alert.attempts)
        log.warning(
            "delivery %d to %s %s: %s",
            alert.delivery_id,
            alert.notifier,
            "dead-lettered" if dead else f"retry in {delay.total_seconds():.0f}s",
            exc,
            extra=log_ids(alert),
        )
        with self.store.begin() as conn:
            outbox.mark_failed(
                conn,
                alert.delivery_id,
                redact(str(exc)),
                next_attempt_at=now + delay,
                dead=dead,
                count_attempt=not limited,
            )
        return dead

    def _release(self) -> None:
        with self.store.begin() as conn:
            outbox.release_deliveries(conn, self.owner)

    def _in_tx(self, fn: Callable[..., object], *args: object) -> None:
        with self.store.begin() as conn:
            fn(conn, *args)


def log_ids(alert: Alert) -> dict[str, object]:
    """The ids a log line about ``alert`` carries (fields of a JSON log line)."""
    return {
        "delivery": alert.delivery_id,
        "notifier": alert.notifier,
        "topic": alert.topic,
        "story": alert.story_id,
        "source": alert.source,
    }


async def _attempt(notifier: str, send: Callable[[], Awaitable[str | Receipt | None]]) -> Receipt:
    """Run one send; a notifier bug becomes a retryable NotifyError (it must not wedge the
    outbox), logged with its traceback."""
    try:
        result = await send()
    except NotifyError:
        raise
    except Exception as exc:
        log.exception("notifier %s raised an unexpected error", notifier)
        raise NotifyError(notifier, f"internal error: {type(exc).__name__}: {exc}") from exc
    return result if isinstance(result, Receipt) else Receipt(result)


async def send_test(notifier: Notifier, now: datetime | None = None) -> Receipt:
    """Send one clearly marked test message through ``notifier`` (no outbox involved).
    Raises NotifyError when the channel refuses or fails it."""
    when = now or utcnow()
    alert = Alert(
        delivery_id=0,
        notifier=notifier.name,
        topic="monitor test",
        source="monitor test-notify",
        source_kind="news",
        title=f"[TEST] monitor test message for {notifier.name}; please ignore",
        link=None,
        published=when,
        terms=("test",),  # the snippet marks it: bold where the channel can
        snippet=f"A **test** sent by `monitor test-notify` at {when:%Y-%m-%d %H:%M:%S} UTC.",
        thread_key=f"test:{when.timestamp()}",
    )
    return await _attempt(notifier.name, lambda: notifier.send(alert))


async def send_ops(notifier: Notifier, title: str, detail: str, source: SourceState) -> Receipt:
    """Send one ops message about ``source`` through ``notifier`` (no outbox: ``ops`` state
    on the source makes it once). Raises NotifyError when the channel refuses or fails it."""
    when = utcnow()
    alert = Alert(
        delivery_id=0,
        notifier=notifier.name,
        topic="ops",
        source=source.name,
        source_kind=source.kind,
        title=title,
        link=source.url,
        published=when,
        terms=(),
        snippet=detail,
        thread_key=f"ops:{source.name}",
    )
    return await _attempt(notifier.name, lambda: notifier.send(alert))
