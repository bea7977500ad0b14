"""The CPU-heavy part of a poll: parse, match, key and record one fetched body.

An ``Ingester`` holds what that needs once per process: the compiled topics, the tracked
cases and a store. ``monitor.prepare.prepare_feed`` turns fetched bytes into keyed, matched
candidates (pure); ``Ingester.ingest`` then records them (``monitor.ingest``) in one
transaction.

It runs in two places. A worker process of the parse pool that records (PostgreSQL) builds
its own (``open_worker_store``, from the pool initializer ``monitor.prepare.init_worker``)
and serves ``ingest_feed``, under the pool's CPU budget and deadline.
The poller's own process runs ``Ingester.ingest_inline`` for small bodies that the fast
reader takes (``monitor.feedxml``: linear time, so their cost is bounded by their size);
anything else raises ``FeedparserNeeded`` there and goes to a worker.

A dry run (``monitor poll --once --dry-run``) records every feed in the poller's process, in
one transaction (``DryRun``: a savepoint per feed), so that a feed sees the stories the feeds
before it would have made; ``DryRun.end`` rolls it all back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from multiprocessing.util import Finalize
from typing import TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from monitor.config import Topic
from monitor.decide import seen_digests
from monitor.docket import DOCKET_KINDS
from monitor.errors import StoreError
from monitor.ingest import FeedWrite, Recorded, record_feed
from monitor.match import TopicSet, compile_topics
from monitor.parse import cap_warning, fast_reader_only
from monitor.prepare import PreparedFeed, TrackedCases, prepare_source, tracked_cases
from monitor.store import Store
from monitor.store.db import redact_url

_ingester: Ingester | None = None  # a recording worker process's own (open_worker_store)
T = TypeVar("T")


class DryRun:
    """The one transaction every feed of a dry run is recorded in, each feed under a
    savepoint (a feed that fails leaves no trace for the next); opened on first use, rolled
    back by ``end``. Thread-safe: the store's threads take turns."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._conn: Connection | None = None
        self._lock = threading.Lock()

    def record(self, write: Callable[[Connection], T]) -> T:
        """``write(conn)`` inside the dry run's transaction. Raises StoreError."""
        with self._lock:
            try:
                if self._conn is None:
                    self._conn = self._store.engine.connect()
                    self._conn.begin()
                with self._conn.begin_nested():
                    return write(self._conn)
            except OperationalError as exc:
                raise StoreError(f"database {redact_url(self._store.url)}: {exc.orig}") from exc

    def end(self) -> None:
        """Roll back everything recorded, and close the connection (nothing if unused)."""
        with self._lock:
            if self._conn is not None:
                conn, self._conn = self._conn, None
                conn.rollback()
                conn.close()


@dataclass(frozen=True)
class Ingester:
    """Parses, matches and records fetched bodies with ``topics`` into ``store``."""

    topics: TopicSet
    tracked: TrackedCases
    store: Store
    dry_run: DryRun = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "dry_run", DryRun(self.store))

    @classmethod
    def for_topics(cls, topics: Sequence[Topic], store: Store) -> Ingester:
        return cls(compile_topics(topics), tracked_cases(topics), store)

    def ingest(
        self, body: bytes, headers: Mapping[str, str], url: str, write: FeedWrite
    ) -> Recorded:
        """Parse, key and match ``body`` (``monitor.prepare.prepare_source``), then record it
        for ``write.source`` in one transaction, rolled back for a dry run. Raises ParseError
        (nothing written) or StoreError."""
        prepared = prepare_source(
            body, headers, url, write.source, self.topics, self.tracked, write.seen
        )
        return self.record(prepared, write)

    def record(self, prepared: PreparedFeed, write: FeedWrite) -> Recorded:
        """Record a prepared feed for ``write.source`` in one transaction, or for a dry run
        in the dry run's shared one (``DryRun``). Raises StoreError."""
        if write.dry_run:
            return self.dry_run.record(lambda conn: self._write(conn, prepared, write))
        with self.store.begin() as conn:
            return self._write(conn, prepared, write)

    def record_many(
        self, jobs: Sequence[tuple[PreparedFeed, FeedWrite]]
    ) -> list[Recorded | Exception]:
        """Record several prepared feeds (none a dry run) in one transaction, each under a
        savepoint: a feed whose write fails gets its exception back, rolled back alone, and
        the others are committed. Raises StoreError when the database fails (nothing of the
        batch is committed)."""
        results: list[Recorded | Exception] = []
        with self.store.begin() as conn:
            for prepared, write in jobs:
                try:
                    with conn.begin_nested():
                        results.append(self._write(conn, prepared, write))
                except (OperationalError, InterfaceError):  # the database, not this feed
                    raise
                except DBAPIError as exc:
                    if exc.connection_invalidated:
                        raise
                    results.append(exc)
                except Exception as exc:  # this feed's own failure (a bug); the rest commit
                    results.append(exc)
        return results

    def _write(self, conn: Connection, prepared: PreparedFeed, write: FeedWrite) -> Recorded:
        warning = cap_warning(prepared.feed)
        name = write.source.name
        result, previews, gap = record_feed(
            conn, write, prepared.candidates, warning, lambda e: self.topics.match(e, name)
        )
        return Recorded(
            len(prepared.candidates),
            result,
            tuple(previews),
            gap,
            prepared.feed.bozo,
            warning,
            b"" if write.source.kind in DOCKET_KINDS else seen_digests(prepared.candidates),
        )

    def ingest_inline(
        self, body: bytes, headers: Mapping[str, str], url: str, write: FeedWrite
    ) -> Recorded:
        """``ingest`` with the fast reader only: raises ``parse.FeedparserNeeded`` (nothing
        written) when the body needs feedparser, which runs in a worker under its budget."""
        with fast_reader_only():
            return self.ingest(body, headers, url, write)


def open_worker_store(database_url: str, topics: TopicSet, tracked: TrackedCases) -> None:
    """For a worker that records (``monitor.prepare.init_worker`` with a database): open the
    store at ``database_url`` for ``ingest_feed``, with the topics already compiled."""
    global _ingester
    store = Store(database_url)
    _ingester = Ingester(topics, tracked, store)
    # a pool worker leaves through os._exit, which skips atexit; this runs before it
    Finalize(store, store.close, exitpriority=10)


def ingest_feed(body: bytes, headers: Mapping[str, str], url: str, write: FeedWrite) -> Recorded:
    """The worker's task: ``Ingester.ingest`` with the worker's own ingester."""
    if _ingester is None:
        raise RuntimeError("ingest_feed needs a store: call init_worker first")
    return _ingester.ingest(body, headers, url, write)
