"""The long-running service: APScheduler ticks that poll due sources and drain the outbox.

The scheduler only decides *when*; the work is ``Poller.poll`` and ``Deliverer.deliver_due``.
The poll tick claims due sources (a database lease, so replicas share the work) and starts
one task per source, up to a concurrency cap; the delivery tick starts a delivery pass when
none is running, and a poll that created alerts starts one at once. Shutdown is graceful:
no new work is claimed, in-flight polls and sends finish (each writes in one transaction, so
nothing is half-written), and leases on untouched work are handed back.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from monitor.app import App
from monitor.digest import DigestPlan, digest_plans
from monitor.errors import StoreError
from monitor.health import HealthCheck, HealthServer, Metrics
from monitor.hostshare import POLLS_PER_CONNECTION, HostShare
from monitor.ops import OpsWatch
from monitor.pipeline import utcnow
from monitor.retention import prune, steps
from monitor.store import fleet
from monitor.store import sources as src
from monitor.web.server import WebServer

log = logging.getLogger(__name__)

OPS_EVERY = timedelta(seconds=30)  # how often sources are checked for the ops route
RETENTION_EVERY = timedelta(days=1)  # settings.retention is applied this often (fleet-wide)
RETENTION_CHECK = timedelta(hours=1)  # how often a replica asks whether the day's run is due
RETENTION_FIRST = timedelta(seconds=10)  # after start: not in the way of the first polls


class Service:
    """Runs ``app`` until ``stop()`` is called or SIGTERM/SIGINT arrives."""

    def __init__(
        self,
        app: App,
        *,
        # a source is polled within a tick of its due time: an item reaches its channel
        # within the source's interval + 1 s + the poll (bench/latency.py)
        poll_every: timedelta = timedelta(seconds=1),
        deliver_every: timedelta = timedelta(seconds=2),
        max_polls: int | None = None,
        drain_timeout: timedelta = timedelta(seconds=60),
    ) -> None:
        self.app = app
        # a source polled every 2s needs a tick at least that often
        shortest = min((app.config.interval_for(s) for s in app.config.sources), default=poll_every)
        self.poll_every = max(min(poll_every, shortest), timedelta(seconds=1))
        # a replica that has not ticked for this long no longer counts in the fair shares
        self.alive = max(3 * self.poll_every, timedelta(seconds=30))
        self.deliver_every = deliver_every
        # polls going at once, claimed at each tick: by default as many as the poller keeps
        # in hand (a fixed 50 capped the service at about 50 polls a second, whatever the
        # host could do: 2,000 due sources took 41 s where `poll --once` took 20)
        self.max_polls = max_polls or app.poller.capacity
        # no host's backlog takes all of that room (see monitor.hostshare): a host keeps at
        # least POLLS_PER_CONNECTION per connection it may have going, at most half the room
        self._hosts = HostShare(
            ((s.name, s.url) for s in app.config.sources),
            floor=POLLS_PER_CONNECTION * app.config.settings.http.per_host,
            ceiling=max(1, self.max_polls // 2),
        )
        self.drain_timeout = drain_timeout
        self._stop = asyncio.Event()
        self._polls: set[asyncio.Task[None]] = set()
        self._delivery: asyncio.Task[None] | None = None
        self._digests: set[asyncio.Task[None]] = set()
        self._jobs: dict[str, asyncio.Task[None]] = {}  # claim, ops, retention: one each
        self._plans = digest_plans(app.config)
        self._scheduler: AsyncIOScheduler | None = None
        self.check = HealthCheck(
            app.config.settings.database_url, app.pool.health, scheduler_running=self.ticking
        )
        self.metrics = Metrics(self.check)
        self.health: HealthServer | None = None
        self._outage = Outage()
        ops = app.config.ops
        self._ops = OpsWatch(app.store, ops, app.deliverer.notifiers) if ops else None
        self.web: WebServer | None = None

    def stop(self) -> None:
        self._stop.set()

    def ticking(self) -> bool:
        """Whether the scheduler runs and the service is not stopping (for /readyz)."""
        return self._scheduler is not None and self._scheduler.running and not self._stop.is_set()

    async def run(self) -> None:
        """Sync sources, tick until stopped, then drain and release."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop)
        await self.app.poller.sync_sources()
        self._serve_health()
        self._serve_web()
        scheduler = self._scheduler = AsyncIOScheduler(timezone=self.app.config.settings.timezone)
        scheduler.add_job(
            self._poll_tick,
            "interval",
            seconds=self.poll_every.total_seconds(),
            id="poll",
            max_instances=1,
            coalesce=True,
            next_run_time=utcnow(),
        )
        scheduler.add_job(
            self._deliver_tick,
            "interval",
            seconds=self.deliver_every.total_seconds(),
            id="deliver",
            max_instances=1,
            coalesce=True,
            next_run_time=utcnow(),
        )
        if self._ops is not None:
            scheduler.add_job(
                self._ops_tick,
                "interval",
                seconds=min(OPS_EVERY, self.poll_every).total_seconds(),
                id="ops",
                max_instances=1,
                coalesce=True,
            )
        if steps(self.app.config.settings.retention):
            scheduler.add_job(
                self._retention_tick,
                "interval",
                seconds=RETENTION_CHECK.total_seconds(),
                id="retention",
                max_instances=1,
                coalesce=True,
                next_run_time=utcnow() + RETENTION_FIRST,
            )
        for plan in self._plans:  # one digest email per notifier, schedule and time zone
            scheduler.add_job(
                self._digest_tick,
                CronTrigger.from_crontab(plan.schedule, timezone=plan.timezone),
                args=[plan],
                id=f"digest {plan.notifier} {plan.schedule} {plan.timezone}",
                max_instances=1,
                coalesce=True,
                misfire_grace_time=3600,
            )
        scheduler.start()
        for plan in self._plans:  # digests owed from downtime: one now, not one per period
            self._track(asyncio.create_task(self._catch_up(plan), name=f"catch-up {plan.notifier}"))
        log.info(
            "monitor running: %d sources, %d topics",
            len(self.app.config.sources),
            len(self.app.config.topics),
        )
        try:
            await self._stop.wait()
        finally:
            scheduler.shutdown(wait=False)
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(sig)
            await self._drain()

    def _start_job(self, name: str, work: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Run ``work`` as a task of its own, unless the last one of ``name`` still runs.
        Scheduler jobs only start these: a stop cancels scheduler jobs in flight, while
        these finish (``_drain`` waits for them), so no claim is cut off half-way."""
        running = self._jobs.get(name)
        if self._stop.is_set() or (running is not None and not running.done()):
            return
        self._jobs[name] = asyncio.create_task(work(), name=name)

    async def _poll_tick(self) -> None:
        if self.max_polls - len(self._polls) > 0:
            self._start_job("claim", self._claim_polls)

    async def _claim_polls(self) -> None:
        room = self.max_polls - len(self._polls)
        try:
            claimed = await self.app.poller.claim_share(room, self.alive, self._hosts.quota())
        except StoreError as exc:
            self._outage.down(exc)
            return
        self._outage.up()
        if self._stop.is_set():
            return  # stopping: the leases just taken are handed back by _drain
        for state in claimed:
            self._hosts.started(state.name)
            task = asyncio.create_task(self._poll_one(state), name=f"poll {state.name}")
            self._polls.add(task)
            task.add_done_callback(self._polls.discard)

    def _serve_health(self) -> None:
        """Start /healthz and /metrics when configured; a busy port is logged, not fatal."""
        settings = self.app.config.settings.health
        if settings.port is None:
            log.info("health: not served (set settings.health.port or MONITOR_HEALTH_PORT)")
            return
        try:
            self.health = HealthServer(self.check, self.metrics, settings.host, settings.port)
        except OSError as exc:
            log.error("health: cannot serve on %s:%s: %s", settings.host, settings.port, exc)
            return
        self.health.start()
        log.info(
            "health and metrics on http://%s:%d/healthz (and /readyz, /metrics)",
            settings.host,
            self.health.port,
        )

    def _serve_web(self) -> None:
        """Start the web pages when settings.web.port is set; a busy port is logged."""
        settings = self.app.config.settings.web
        if settings.port is None:
            return
        try:
            self.web = WebServer(self.app.config, settings.host, settings.port)
        except OSError as exc:
            log.error("web: cannot serve on %s:%s: %s", settings.host, settings.port, exc)
            return
        self.web.start()
        log.info("web pages on %s", self.web.url)

    async def _poll_one(self, state: src.SourceState) -> None:
        try:
            report = await self.app.poller.poll(state)
        finally:
            self._hosts.finished(state.name)
        self.metrics.polls.labels(report.outcome).inc()
        log.info(
            "polled %s: %s%s, %d new entries, %d new hits",
            report.source,
            report.outcome,
            f" ({report.error})" if report.error else "",
            report.new_entries,
            report.new_hits,
            extra={"source": report.source},
        )
        if report.alerts:
            await self._deliver_tick()

    async def _ops_tick(self) -> None:
        self._start_job("ops", self._check_ops)

    async def _check_ops(self) -> None:
        if self._ops is None:
            return
        try:
            await self._ops.check()
        except StoreError as exc:
            self._outage.down(exc)

    async def _retention_tick(self) -> None:
        self._start_job("retention", self._apply_retention)

    async def _apply_retention(self) -> None:
        """Prune once a day, on one replica of the fleet (the first to claim the day)."""
        try:
            if not await self.app.store.run(self._claim_retention):
                return
            report = await prune(self.app.store, self.app.config.settings.retention, utcnow())
        except StoreError as exc:
            self._outage.down(exc)
            return
        log.info("retention: %s", report.describe())

    def _claim_retention(self) -> bool:
        with self.app.store.begin() as conn:
            return fleet.claim_job(conn, "retention", utcnow(), RETENTION_EVERY)

    async def _deliver_tick(self) -> None:
        if self._stop.is_set() or (self._delivery is not None and not self._delivery.done()):
            return
        self._delivery = asyncio.create_task(self._deliver(), name="deliver")

    async def _deliver(self) -> None:
        try:
            await self._deliver_owed()
        except StoreError as exc:  # the next tick tries again
            self._outage.down(exc)

    async def _deliver_owed(self) -> None:
        while not self._stop.is_set():
            report = await self.app.deliverer.deliver_due()
            self.metrics.sent.inc(report.sent)
            if not (report.sent or report.failed or report.dead):
                break
        for plan in self._plans:  # digests whose email failed retry with backoff, as digests
            if not self._stop.is_set():
                await self.app.deliverer.deliver_digest(plan, retries_only=True)

    async def _digest_tick(self, plan: DigestPlan) -> None:
        if self._stop.is_set():
            return
        self._track(asyncio.create_task(self._digest(plan), name=f"digest {plan.notifier}"))

    async def _catch_up(self, plan: DigestPlan) -> None:
        """Send ``plan``'s digest now if a scheduled one was missed while this service (every
        replica) was down; replicas starting together send it once (rows are leased)."""
        trigger = CronTrigger.from_crontab(plan.schedule, timezone=plan.timezone)
        try:
            if not await self.app.deliverer.missed_digest(plan, trigger):
                return
        except StoreError as exc:
            self._outage.down(exc)
            return
        log.info(
            "digest for %s: a scheduled digest was missed while down: sending it now", plan.notifier
        )
        await self._digest(plan)

    def _track(self, task: asyncio.Task[None]) -> None:
        self._digests.add(task)
        task.add_done_callback(self._digests.discard)

    async def _digest(self, plan: DigestPlan) -> None:
        try:
            report = await self.app.deliverer.deliver_digest(plan)
        except StoreError as exc:  # owed rows stay owed: the delivery tick retries them
            self._outage.down(exc)
            return
        log.info(
            "digest for %s: %d deliveries sent, %d failed, %d dead",
            plan.notifier,
            report.sent,
            report.failed,
            report.dead,
        )

    async def _drain(self) -> None:
        """Let in-flight work finish (bounded), then hand back every lease we hold."""
        jobs = [t for t in self._jobs.values() if not t.done()]
        if jobs:  # a claim in flight ends first: it starts no poll once stopping
            await asyncio.wait(jobs, timeout=self.drain_timeout.total_seconds())
        pending = [*self._polls, *self._digests, *([self._delivery] if self._delivery else [])]
        if pending:
            log.info("stopping: waiting for %d in-flight tasks", len(pending))
            _, late = await asyncio.wait(pending, timeout=self.drain_timeout.total_seconds())
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        await self.app.poller.leave_fleet()
        await self.app.deliverer.release()
        if self.health is not None:
            self.health.stop()
        self.check.close()
        if self.web is not None:
            self.web.stop()
        log.info("monitor stopped")


class Outage:
    """Logs a database outage once when it starts and once when it ends, not on every tick
    (each tick retries; tracebacks would fill the log)."""

    def __init__(self) -> None:
        self._since: datetime | None = None

    def down(self, exc: StoreError) -> None:
        if self._since is None:
            self._since = utcnow()
            log.error("database unavailable, retrying on every tick: %s", exc)

    def up(self) -> None:
        if self._since is not None:
            log.warning("database available again after %s", utcnow() - self._since)
            self._since = None
