"""One poll of one source, end to end: fetch → parse → decide → store.

The one place that wires the edges (fetcher, parse pool, store) to the pure core (parse,
match, dedupe, decide). The scheduler only decides *when* to call it; the CLI and the service
call the same ``Poller``. A failing source becomes a ``PollReport`` with its error, recorded on
the source with its backoff; it never stops the others.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, TypeVar

from sqlalchemy import Connection

from monitor.config import Config, Source
from monitor.decide import AlertRules, Candidate, identify, next_due, plan_entries
from monitor.docket import DOCKET_KINDS
from monitor.docket_keys import find_gap, poll_window
from monitor.entry import Alert
from monitor.errors import FetchError, FetchStatusError, ParseError
from monitor.fetch import Fetcher, FetchResult, Validators
from monitor.outcomes import OutcomeWriter
from monitor.store import Store
from monitor.store import dockets as cov
from monitor.store import records as rec
from monitor.store import sources as src
from monitor.store.outbox import pending_alerts
from monitor.stories import attach_stories
from monitor.worker import PreparedFeed, prepare_feed

log = logging.getLogger(__name__)
T = TypeVar("T")

Outcome = Literal["updated", "unchanged", "not_modified", "failed"]
SOURCE_LEASE = timedelta(minutes=10)


def utcnow() -> datetime:
    return datetime.now(UTC)


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
    gap: cov.Gap | None = None  # docket sources: this poll shares no entry with the last


@dataclass(frozen=True)
class _Write:
    """What ``Poller._write`` needs to record one parsed feed."""

    source_id: int
    source: Source
    candidates: Sequence[Candidate]
    rules: AlertRules
    validators: tuple[str | None, str | None, str]  # ETag, Last-Modified, body hash
    due: datetime
    now: datetime


class Poller:
    """Polls sources of one config through a fetcher, a parse pool and a store."""

    def __init__(
        self,
        config: Config,
        store: Store,
        fetcher: Fetcher,
        *,
        parse_pool: Executor,
        owner: str,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.config = config
        self.store = store
        self.fetcher = fetcher
        self.owner = owner
        self._pool = parse_pool
        self._clock = clock
        self._sources = {s.name: s for s in config.sources}
        self._outcomes = OutcomeWriter(store)
        self._max_age = {t.name: t.max_age for t in config.topics}
        self._routes = config.routes_by_topic()
        # routes may take only some source kinds (news, dockets)
        self._kind_routes: dict[str, dict[str, list[str]]] = {
            s.kind: config.routes_by_topic(s.kind) for s in config.sources
        }

    async def sync_sources(self) -> None:
        """Bring the sources table in line with the config."""
        specs = [src.SourceSpec(s.name, s.url, s.kind) for s in self.config.sources]
        await self.store.run(self._in_tx, src.sync_sources, specs, self._clock())

    async def claim(self, *, due_only: bool = True, limit: int = 100) -> list[src.SourceState]:
        """Lease sources to poll: the due ones, or all of them."""
        return await self.store.run(
            self._in_tx,
            src.claim_sources,
            self.owner,
            self._clock(),
            SOURCE_LEASE,
            limit=limit,
            due_only=due_only,
            names=list(self._sources),
        )

    async def release(self) -> None:
        await self.store.run(self._in_tx, src.release_sources, self.owner)

    async def poll(self, state: src.SourceState, *, dry_run: bool = False) -> PollReport:
        """Poll one leased source and record the outcome (rolled back when ``dry_run``)."""
        source = self._sources[state.name]
        try:
            fetched = await self.fetcher.fetch(
                state.url, Validators(state.etag, state.last_modified)
            )
        except FetchError as exc:
            retry_after = exc.retry_after if isinstance(exc, FetchStatusError) else None
            return await self._failed(source, state, str(exc), retry_after, dry_run)
        if fetched.body is None:
            return await self._unchanged(source, state, fetched, "not_modified", dry_run)
        body_hash = hashlib.sha256(fetched.body).hexdigest()
        if body_hash == state.body_hash:
            return await self._unchanged(source, state, fetched, "unchanged", dry_run)
        try:
            prepared = await self._prepare(fetched, source.name)
        except ParseError as exc:
            return await self._failed(source, state, str(exc), None, dry_run)
        return await self._store_prepared(source, state, fetched, prepared, body_hash, dry_run)

    async def _prepare(self, fetched: FetchResult, source: str) -> PreparedFeed:
        """Parse, key and match in the process pool (CPU-heavy; the loop stays free)."""
        assert fetched.body is not None
        spec = self._sources[source]
        job = functools.partial(prepare_feed, kind=spec.kind, court=spec.court)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._pool, job, fetched.body, fetched.headers, fetched.url, source
        )

    async def _store_prepared(
        self,
        source: Source,
        state: src.SourceState,
        fetched: FetchResult,
        prepared: PreparedFeed,
        body_hash: str,
        dry_run: bool,
    ) -> PollReport:
        now = self._clock()
        rules = AlertRules(
            first_poll=state.first_polled_at is None,
            backfill=self.config.backfill_for(source),
            max_age=self._max_age,
            topics=frozenset(source.topics) if source.topics is not None else None,
        )
        validators = (fetched.validators.etag, fetched.validators.last_modified, body_hash)
        due = next_due(now, self.config.interval_for(source))
        write = _Write(state.id, source, prepared.candidates, rules, validators, due, now)
        result, previews, coverage = await self.store.run(self._write, write, dry_run)
        if prepared.feed.bozo:
            log.info("%s: feed is malformed but readable: %s", source.name, prepared.feed.bozo)
        return PollReport(
            source.name,
            "updated",
            None,
            len(prepared.candidates),
            result.new_entries,
            result.new_hits,
            result.alerts,
            tuple(previews),
            coverage.gap if coverage else None,
        )

    def _write(
        self, w: _Write, dry_run: bool
    ) -> tuple[rec.RecordResult, list[Alert], cov.Coverage | None]:
        """Everything a parsed feed changes, in one transaction (rolled back for a dry run):
        which candidates are new or edits of known entries (the database decides), their
        stories, hits and outbox rows, docket coverage, and the source's outcome."""
        routes = self._kind_routes.get(w.source.kind, self._routes)
        found = w.candidates
        with self.store.begin(commit=not dry_run) as conn:
            keys = [c.key for c in found]
            links = [c.canonical_url for c in found if c.canonical_url]
            new, edits = identify(found, rec.known_entries(conn, w.source_id, keys, links))
            coverage = self._coverage(conn, w, len(found) - len(new))
            intents = attach_stories(conn, plan_entries(new, w.rules, w.now), w.source.name, w.now)
            result = rec.record_entries(conn, w.source_id, intents, routes, w.now)
            if coverage is not None:
                cov.record_coverage(conn, w.source_id, coverage)
            edited = rec.record_edits(conn, edits, routes, w.now)
            result.delivery_ids += edited.delivery_ids
            result.updates += edited.updates
            etag, last_modified, body_hash = w.validators
            src.record_source_outcome(
                conn,
                w.source_id,
                w.now,
                next_due_at=w.due,
                etag=etag,
                last_modified=last_modified,
                body_hash=body_hash,
            )
            previews = pending_alerts(conn, result.delivery_ids) if dry_run else []
        return result, previews, coverage

    def _coverage(self, conn: Connection, w: _Write, overlap: int) -> cov.Coverage | None:
        """Docket sources: this poll's window, and a possible gap when none of its entries
        (``overlap`` of them were known) was in the previous poll; logged as a warning."""
        if w.source.kind not in DOCKET_KINDS:
            return None
        previous = cov.previous_window(conn, w.source_id)
        window = poll_window([c.entry for c in w.candidates], w.now)
        gap = find_gap(previous, window, overlap, source=w.source.name, court=w.source.court)
        if gap is not None:
            log.warning("%s: %s", w.source.name, gap.describe())
        return cov.Coverage(window, gap)

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
            "%s: poll failed (%d in a row): %s", source.name, state.consecutive_failures + 1, error
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
