"""One poll of one source, end to end: fetch → parse → decide → store.

The one place that wires the edges (fetcher, worker pool, store) to the pure core (parse,
match, dedupe, decide). A changed body is parsed, matched and recorded in one transaction
(``monitor.worker.Ingester``): in this process when the fast reader takes it and it is no
bigger than ``settings.inline_parse_max_bytes`` (its cost is linear, so bounded by that size),
else in a worker process under the CPU budget and deadline (``monitor.pool``), which starts
only when a body needs it; 304s and failures are recorded from here. The scheduler only
decides *when* to call it; the CLI and the service call the same ``Poller``. A failing
source becomes a ``PollReport`` with its error, recorded on the source with its backoff; it
never stops the others.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, TypeVar

from sqlalchemy import Connection

from monitor.config import Config, Source
from monitor.decide import AlertRules, next_due
from monitor.docket_keys import Gap
from monitor.entry import Alert
from monitor.errors import FetchError, FetchStatusError, ParseError, StoreError, WorkerError
from monitor.fetch import Fetcher, FetchResult, Validators
from monitor.hostshare import Quota
from monitor.ingest import FeedWrite, Recorded
from monitor.lanes import Lanes
from monitor.outcomes import GroupCommit, OutcomeWriter
from monitor.parse import FeedparserNeeded
from monitor.pool import WorkerPool
from monitor.prepare import PreparedFeed, SourceKind, prepare_in_worker
from monitor.store import Store, fleet
from monitor.store import sources as src
from monitor.worker import Ingester, ingest_feed

log = logging.getLogger(__name__)
T = TypeVar("T")

# Polls allowed between fetching and recording beyond the fetches in flight: in a burst of
# cold feeds, fetching outpaces parsing, and every body waiting is memory (~50 KB each).
MAX_BODIES_IN_HAND = 64
# Polls at once, from their fetch to their record, of sources with no validators (a first
# poll, a server that sends none), which take these slots instead of the ones above: only a
# whole body can answer them, so they are bodies in hand from the start. In a cold burst
# parsing is the bound, and more would only wait in memory (with 256 fetches in flight, the
# cold poll of 2,000 feeds held 14 MiB more at its peak than with this bound, no faster).
MAX_BODIES_EXPECTED = 64
# Feeds a worker may have prepared for this process to record (SQLite) beyond the one being
# recorded: the worker parses the next feeds while this process records, within memory.
PREPARED_AHEAD = 4
RECORD_BATCH = 16  # prepared feeds recorded in one transaction, at most

Outcome = Literal["updated", "unchanged", "not_modified", "failed"]


def utcnow() -> datetime:
    return datetime.now(UTC)


def _done(recorded: Recorded) -> asyncio.Future[Recorded]:
    """``recorded`` as an awaitable (a future already done: nothing to forget to await)."""
    done: asyncio.Future[Recorded] = asyncio.get_running_loop().create_future()
    done.set_result(recorded)
    return done


@dataclass(frozen=True)
class PollReport:
    """What one poll of one source did."""

    source: str
    outcome: Outcome
    error: str | None = None
    entries: int = 0  # items in the feed
    new_entries: int = 0
    new_hits: int = 0
    alerts: int = 0
    previews: tuple[Alert, ...] = field(default=(), compare=False)  # dry runs only
    gap: Gap | None = None  # docket sources: this poll shares no entry with the last
    warning: str | None = None  # a problem that did not fail the poll (items not kept)


class Poller:
    """Polls sources of one config through a fetcher, an ``ingester`` for bodies read in this
    process, a worker pool (``parse_pool``, whose processes run
    ``monitor.worker.ingest_feed``) for the others, and a store."""

    def __init__(
        self,
        config: Config,
        store: Store,
        fetcher: Fetcher,
        *,
        parse_pool: WorkerPool,
        ingester: Ingester,
        owner: str,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.config = config
        self.store = store
        self.fetcher = fetcher
        self.owner = owner
        self._pool = parse_pool
        self._ingester = ingester
        # SQLite has one writer: workers parse, and this process records what they prepared
        # (two processes writing would wait on each other's lock, sleeping in busy_timeout)
        self._record_here = store.one_writer
        # a slot per poll from its fetch until its body is recorded, and a smaller bound on
        # polls that can only bring a body (see ``_poll``); ``capacity``: the polls worth
        # having going at once (more only wait for a slot)
        self.capacity = config.settings.http.max_connections + MAX_BODIES_IN_HAND
        self._in_hand = asyncio.Semaphore(self.capacity)
        self._bodies_expected = asyncio.Semaphore(MAX_BODIES_EXPECTED)
        # small bodies the fast reader takes: this process, or a worker when they pile up
        # a lane's job ends with an awaitable of the feed's record: a pool lane's is recorded
        # by this process while the lane's worker takes the next feed
        self._lanes: Lanes[Awaitable[Recorded]] = Lanes(
            self._ingested_here,
            self._prepared_in_worker,
            parse_pool.size,
            inline_yields=self._record_here,
        )
        self._prepared_room = asyncio.Semaphore(PREPARED_AHEAD)
        self._clock = clock
        self._sources = {s.name: s for s in config.sources}
        self._outcomes = OutcomeWriter(store)
        # what the workers prepared, recorded here several feeds to a transaction (SQLite)
        self._records: GroupCommit[tuple[PreparedFeed, FeedWrite], Recorded] = GroupCommit(
            self._record_batch, limit=RECORD_BATCH
        )
        self._max_age = alert_ages(config)
        self._routes = config.routes_by_topic()
        # routes may take only some source kinds (news, dockets)
        self._kind_routes: dict[str, dict[str, list[str]]] = {
            s.kind: config.routes_by_topic(s.kind) for s in config.sources
        }
        # sources whose outcome the database could not take: leases handed back when it can
        self._unrecorded: set[int] = set()
        # per news source, the texts its last recorded poll held: a poll that repeats them
        # matches and fingerprints only entries the store lacks (``decide.candidates``); 8
        # bytes per item
        self._seen: dict[int, bytes] = {}

    async def sync_sources(self) -> None:
        """Bring the sources table in line with the config, and free the sources that a
        process of this host which is gone (killed, or a restarted container) had leased."""
        specs = [src.SourceSpec(s.name, s.url, s.kind) for s in self.config.sources]
        await self.store.run(self._in_tx, src.sync_sources, specs, self._clock())
        owners = await self.store.run(self._in_tx, src.lease_owners, self._clock())
        for owner in owners:
            if is_orphan(owner, self.owner):
                log.info("releasing the sources leased by %s, a process that is gone", owner)
                await self.store.run(self._in_tx, src.release_sources, owner)

    async def claim(self, *, due_only: bool = True, limit: int = 100) -> list[src.SourceState]:
        """Lease sources to poll: the due ones, or all of them. Raises StoreError when the
        database does not answer. Sources whose poll could not be recorded (the database was
        away) are released first, so they are polled again as soon as it is back."""
        await self._release_unrecorded()
        return await self.store.run(
            self._in_tx,
            src.claim_sources,
            self.owner,
            self._clock(),
            self.config.settings.source_lease,
            limit=limit,
            due_only=due_only,
            names=list(self._sources),
        )

    async def claim_share(
        self, room: int, alive: timedelta, quota: Quota | None = None
    ) -> list[src.SourceState]:
        """Lease this replica's fair share of the due sources (``fleet.fair_share``: what is
        due split with the live replicas, seen within ``alive``, that have not ticked since
        it became due; at most ``room``; with a ``quota``, only as many of a host's sources
        as it has room for), and record that this one is alive and ticked. Raises
        StoreError when the database does not answer."""
        await self._release_unrecorded()
        return await self.store.run(self._in_tx, self._claim_share, room, alive, quota)

    def _claim_share(
        self, conn: Connection, room: int, alive: timedelta, quota: Quota | None
    ) -> list[src.SourceState]:
        now = self._clock()
        names = list(self._sources) if quota is None else quota.open_names()
        due, since = fleet.due_sources(conn, now, names)
        waiting = fleet.waiting_replicas(conn, self.owner, since, now, alive) if since else 0
        fleet.heartbeat(conn, self.owner, now)
        share = fleet.fair_share(due, waiting, room)
        if share == 0:
            return []
        lease = self.config.settings.source_lease
        pick = None if quota is None else quota.pick
        return src.claim_sources(conn, self.owner, now, lease, limit=share, names=names, pick=pick)

    async def leave_fleet(self) -> None:
        """Hand back every lease and leave the fleet (graceful shutdown)."""
        await self.store.run(self._in_tx, src.release_sources, self.owner)
        await self.store.run(self._in_tx, fleet.leave, self.owner)

    async def end_dry_run(self) -> None:
        """Roll back what a dry run recorded (see ``monitor.worker.DryRun``)."""
        await self.store.run(self._ingester.dry_run.end)

    async def release(self) -> None:
        await self.store.run(self._in_tx, src.release_sources, self.owner)

    async def _release_unrecorded(self) -> None:
        if self._unrecorded:
            ids = sorted(self._unrecorded)
            await self.store.run(self._in_tx, src.release_sources, self.owner, ids)
            self._unrecorded.difference_update(ids)

    async def poll(self, state: src.SourceState, *, dry_run: bool = False) -> PollReport:
        """Poll one leased source and record the outcome (rolled back when ``dry_run``).

        Never raises: whatever goes wrong with this source (fetch, parse, a worker that
        died, hung or overran its budget, a bug) is its recorded failure, with backoff. When
        the database itself is away, nothing can be recorded: the report says so and the
        lease is handed back once the database answers (see ``claim``).
        """
        source = self._sources[state.name]
        try:
            return await self._poll(source, state, dry_run)
        except StoreError as exc:
            self._unrecorded.add(state.id)
            log.warning(
                "%s: poll not recorded, the database is unavailable: %s",
                source.name,
                exc,
                extra={"source": source.name},
            )
            return PollReport(source.name, "failed", f"not recorded: {exc}")

    async def _poll(self, source: Source, state: src.SourceState, dry_run: bool) -> PollReport:
        # A slot from its fetch until its body is recorded: fetches in flight plus changed
        # bodies waiting for parsing stay under the semaphore's count, so memory stays flat
        # in a burst. A poll without validators takes one of the fewer slots for polls that
        # can only bring a body (MAX_BODIES_EXPECTED), so conditional polls keep every fetch
        # in flight. The slot is taken once the poll's host has its turn (see Fetcher.fetch):
        # polls queued for one busy host never hold the slots others wait for. A freed slot
        # wakes one waiting poll (an Event woke all of them: with 2,000 polls queued that
        # was 1.4 million wake-ups, seconds of CPU, per cold cycle).
        no_validators = state.etag is None and state.last_modified is None
        slots = self._bodies_expected if no_validators else self._in_hand
        admitted = False

        async def admit() -> None:
            nonlocal admitted
            await slots.acquire()
            admitted = True

        try:
            return await self._fetched(source, state, dry_run, admit)
        finally:
            if admitted:
                slots.release()

    async def _fetched(
        self,
        source: Source,
        state: src.SourceState,
        dry_run: bool,
        admit: Callable[[], Awaitable[None]],
    ) -> PollReport:
        try:
            fetched = await self.fetcher.fetch(
                state.url, Validators(state.etag, state.last_modified), admit=admit
            )
        except FetchError as exc:
            retry_after = exc.retry_after if isinstance(exc, FetchStatusError) else None
            return await self._failed(source, state, str(exc), retry_after, dry_run)
        except Exception as exc:
            return await self._failed(source, state, _internal(source, exc), None, dry_run)
        if fetched.body is None:
            return await self._unchanged(source, state, fetched, "not_modified", dry_run)
        return await self._changed(source, state, fetched, dry_run)

    async def _changed(
        self, source: Source, state: src.SourceState, fetched: FetchResult, dry_run: bool
    ) -> PollReport:
        assert fetched.body is not None
        body_hash = hashlib.sha256(fetched.body).hexdigest()
        if body_hash == state.body_hash:
            return await self._unchanged(source, state, fetched, "unchanged", dry_run)
        try:
            recorded = await self._ingest(source, state, fetched, body_hash, dry_run)
        except (ParseError, WorkerError, StoreError) as exc:
            return await self._failed(source, state, str(exc), None, dry_run)
        except Exception as exc:
            return await self._failed(source, state, _internal(source, exc), None, dry_run)
        if not dry_run:
            self._seen[state.id] = recorded.seen
        return self._updated(source, recorded)

    def _updated(self, source: Source, recorded: Recorded) -> PollReport:
        ids = {"source": source.name}
        if recorded.bozo:
            log.info(
                "%s: feed is malformed but readable: %s", source.name, recorded.bozo, extra=ids
            )
        if recorded.gap is not None:
            log.warning("%s: %s", source.name, recorded.gap.describe(), extra=ids)
        if recorded.warning is not None:
            log.warning("%s: %s", source.name, recorded.warning, extra=ids)
        result = recorded.result
        return PollReport(
            source.name,
            "updated",
            None,
            recorded.entries,
            result.new_entries,
            result.new_hits,
            result.alerts,
            recorded.previews,
            recorded.gap,
            recorded.warning,
        )

    async def _ingest(
        self,
        source: Source,
        state: src.SourceState,
        fetched: FetchResult,
        body_hash: str,
        dry_run: bool,
    ) -> Recorded:
        """Parse, match and record the body in one transaction: in the store's thread when it
        is small and the fast reader takes it (the loop stays free), else in the worker
        pool. Small bodies queue for whichever is free first (``monitor.lanes``): in a burst
        every core works, and workers start only then."""
        assert fetched.body is not None
        now = self._clock()
        write = FeedWrite(
            state.id,
            source,
            AlertRules(
                first_poll=state.first_polled_at is None,
                backfill=self.config.backfill_for(source),
                max_age=self._max_age,
                topics=frozenset(source.topics) if source.topics is not None else None,
            ),
            self._kind_routes.get(source.kind, self._routes),
            (fetched.validators.etag, fetched.validators.last_modified, body_hash),
            next_due(now, self.config.interval_for(source)),
            now,
            dry_run,
            self._seen.get(state.id, b""),
        )
        body, headers, url = fetched.body, fetched.headers, fetched.url
        if len(body) <= self.config.settings.inline_parse_max_bytes:
            try:
                return await (await self._lanes.run(body, headers, url, write))
            except FeedparserNeeded as exc:
                log.debug("%s: read by feedparser in a worker: %s", source.name, exc)
        return await (await self._prepared_in_worker(body, headers, url, write))

    async def _ingested_here(
        self, body: bytes, headers: Mapping[str, str], url: str, write: FeedWrite
    ) -> Awaitable[Recorded]:
        """The inline lane's job: parse and record here (the lane is busy until recorded)."""
        recorded = await self.store.run(self._ingester.ingest_inline, body, headers, url, write)
        return _done(recorded)

    async def _prepared_in_worker(
        self, body: bytes, headers: Mapping[str, str], url: str, write: FeedWrite
    ) -> Awaitable[Recorded]:
        """A worker's part of a feed (a pool lane's job, or a body the fast reader does not
        take). When this process records (SQLite; a dry run, in its one transaction), the
        record is started and handed back, so a lane takes its next feed while it runs, at
        most ``PREPARED_AHEAD`` feeds ahead of the recording: one worker and this process
        then work at once (waiting for each other, each idled half the time of a burst)."""
        if not (self._record_here or write.dry_run):
            return _done(await self._pool.run(ingest_feed, body, headers, url, write))
        await self._prepared_room.acquire()
        try:
            prepared = await self._pool.run(
                prepare_in_worker, body, headers, url, SourceKind.of(write.source), write.seen
            )
        except BaseException:
            self._prepared_room.release()
            raise
        return asyncio.ensure_future(self._record_prepared(prepared, write))

    async def _record_prepared(self, prepared: PreparedFeed, write: FeedWrite) -> Recorded:
        try:
            if write.dry_run:
                return await self.store.run(self._ingester.record, prepared, write)
            return await self._records.submit((prepared, write))
        finally:
            self._prepared_room.release()

    async def _record_batch(
        self, jobs: list[tuple[PreparedFeed, FeedWrite]]
    ) -> list[Recorded | Exception]:
        return await self.store.run(self._ingester.record_many, jobs)

    async def _unchanged(
        self,
        source: Source,
        state: src.SourceState,
        fetched: FetchResult,
        outcome: Outcome,
        dry_run: bool,
    ) -> PollReport:
        now = self._clock()
        due = next_due(now, self.config.interval_for(source))
        await self._record(
            src.Outcome(
                state.id,
                now,
                due,
                etag=fetched.validators.etag,
                last_modified=fetched.validators.last_modified,
                body_hash=state.body_hash,
                warning=state.last_warning,  # the body did not change, nor what it holds
            ),
            dry_run,
        )
        return PollReport(source.name, outcome)

    async def _failed(
        self,
        source: Source,
        state: src.SourceState,
        error: str,
        retry_after: float | None,
        dry_run: bool,
    ) -> PollReport:
        now = self._clock()
        due = next_due(
            now,
            self.config.interval_for(source),
            failures=state.consecutive_failures + 1,
            max_backoff=self.config.settings.max_backoff,
            retry_after=retry_after,
        )
        log.warning(
            "%s: poll failed (%d in a row): %s; GET %s; next try in %s (at %s)",
            source.name,
            state.consecutive_failures + 1,
            error,
            state.url,
            _span(due - now),
            f"{due:%Y-%m-%d %H:%M:%S} UTC",
            extra={"source": source.name},
        )
        await self._record(src.Outcome(state.id, now, due, success=False, error=error), dry_run)
        return PollReport(source.name, "failed", error)

    async def _record(self, outcome: src.Outcome, dry_run: bool) -> None:
        """Commit an outcome that carries no entries (group-committed); a dry run writes none."""
        if not dry_run:
            await self._outcomes.record(outcome)

    def _in_tx(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with self.store.begin() as conn:
            return fn(conn, *args, **kwargs)


def alert_ages(config: Config) -> dict[str, timedelta | None]:
    """Per topic, how old a published entry may be and still alert: the topic's
    ``max_age``, and never older than ``settings.retention.entries`` (an entry that old may
    be one already pruned: alerting again would be a repeat)."""
    kept = config.settings.retention.entries
    ages: dict[str, timedelta | None] = {}
    for topic in config.topics:
        limits = [age for age in (topic.max_age, kept) if age is not None]
        ages[topic.name] = min(limits) if limits else None
    return ages


def process_owner() -> str:
    """A lease owner id unique to this process: host, pid and a random suffix."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def is_orphan(owner: str, me: str) -> bool:
    """Whether lease ``owner`` (see ``process_owner``) was a process of this host that is
    gone: its pid runs nothing, or runs us (a restarted container's process is pid 1 again).
    Owners on other hosts are never judged: their leases expire."""
    host, pid = owner.split(":")[:2] if owner.count(":") >= 2 else ("", "")
    if owner == me or host != me.split(":")[0] or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError):
        return False
    return False


def _internal(source: Source, exc: Exception) -> str:
    """A bug met while polling ``source``: logged with its traceback (the worker's, when it
    happened there), and the short reason recorded on the source."""
    trace = getattr(exc, "worker_traceback", None)
    ids = {"source": source.name}
    if trace:
        log.error("%s: internal error while polling:\n%s", source.name, trace, extra=ids)
    else:
        log.error("%s: internal error while polling", source.name, exc_info=exc, extra=ids)
    return f"internal error: {type(exc).__name__}: {exc}"[:500]


def _span(delta: timedelta) -> str:
    """A wait in words a person reads at a glance: 45s, 8m, 2h5m."""
    seconds = max(0, round(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds}s"
    minutes, _ = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes}m" if minutes else f"{hours}h"
