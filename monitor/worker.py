"""The CPU-heavy part of a poll: parse, match, key and record one fetched body.

An ``Ingester`` holds what that needs once per process: the compiled topics, the tracked
cases and a store. ``prepare_feed`` turns fetched bytes into keyed, matched candidates
(pure); ``Ingester.ingest`` then records them (``monitor.ingest``) in one transaction.

It runs in two places. A worker process of the parse pool builds its own (``init_worker``,
the pool initializer) and serves ``ingest_feed``, under the pool's CPU budget and deadline.
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
from dataclasses import dataclass, field, replace
from multiprocessing.util import Finalize
from typing import TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from monitor.config import Source, Topic
from monitor.decide import Candidate, candidates, docket_candidates
from monitor.docket import DOCKET_KINDS, normalize_case_number, read_docket_feed
from monitor.docket_keys import entry_case, tracked_case_term
from monitor.entry import Alert, Entry, Match, ParsedFeed
from monitor.errors import StoreError
from monitor.ingest import FeedWrite, Recorded, record_feed
from monitor.match import TopicSet, compile_topics
from monitor.parse import cap_warning, fast_reader_only, parse_feed
from monitor.redact import install_log_redaction, register_secrets
from monitor.store import Store
from monitor.store import dockets as cov
from monitor.store import records as rec
from monitor.store.db import redact_url

# (court, normalised case number) → (topic, case number as configured) for each tracking topic
TrackedCases = Mapping[tuple[str, str], tuple[tuple[str, str], ...]]

_ingester: Ingester | None = None  # a worker process's own (see init_worker)
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
        """Parse, key and match ``body`` (see ``prepare_feed``), then record it for
        ``write.source`` in one transaction, rolled back for a dry run. Raises ParseError
        (nothing written) or StoreError."""
        return self.record(self.prepare(body, headers, url, write.source), write)

    def prepare(
        self, body: bytes, headers: Mapping[str, str], url: str, source: Source
    ) -> PreparedFeed:
        """``prepare_feed`` with this ingester's topics and tracked cases."""
        return prepare_feed(
            body,
            headers,
            url,
            source.name,
            self.topics,
            kind=source.kind,
            court=source.court,
            tracked=self.tracked,
        )

    def record(self, prepared: PreparedFeed, write: FeedWrite) -> Recorded:
        """Record a prepared feed for ``write.source`` in one transaction, or for a dry run
        in the dry run's shared one (``DryRun``). Raises StoreError."""
        feed = prepared.feed
        warning = cap_warning(feed)

        def write_feed(conn: Connection) -> tuple[rec.RecordResult, list[Alert], cov.Gap | None]:
            return record_feed(conn, write, prepared.candidates, warning)

        if write.dry_run:
            result, previews, gap = self.dry_run.record(write_feed)
        else:
            with self.store.begin() as conn:
                result, previews, gap = write_feed(conn)
        return Recorded(len(prepared.candidates), result, tuple(previews), gap, feed.bozo, warning)

    def ingest_inline(
        self, body: bytes, headers: Mapping[str, str], url: str, write: FeedWrite
    ) -> Recorded:
        """``ingest`` with the fast reader only: raises ``parse.FeedparserNeeded`` (nothing
        written) when the body needs feedparser, which runs in a worker under its budget."""
        with fast_reader_only():
            return self.ingest(body, headers, url, write)


def init_worker(topics: Sequence[Topic], database_url: str, secrets: Sequence[str] = ()) -> None:
    """Pool initializer: compile the topics (and their tracked cases) once per process, open
    the store at ``database_url`` for ``ingest_feed``, and mask ``secrets`` in anything this
    process logs (it starts with no logging set up: Python's last-resort handler)."""
    global _ingester
    register_secrets(secrets)
    install_log_redaction()
    store = Store(database_url)
    _ingester = Ingester.for_topics(topics, store)
    # a pool worker leaves through os._exit, which skips atexit; this runs before it
    Finalize(store, store.close, exitpriority=10)


def ingest_feed(body: bytes, headers: Mapping[str, str], url: str, write: FeedWrite) -> Recorded:
    """The worker's task: ``Ingester.ingest`` with the worker's own ingester."""
    if _ingester is None:
        raise RuntimeError("ingest_feed needs a store: call init_worker first")
    return _ingester.ingest(body, headers, url, write)


def prepare_in_worker(
    body: bytes, headers: Mapping[str, str], url: str, source: Source
) -> PreparedFeed:
    """The worker's task when the poller records the result itself (SQLite: one writing
    process, so that no two wait on each other's lock): parse, key and match only."""
    if _ingester is None:
        raise RuntimeError("prepare_in_worker needs topics: call init_worker first")
    return _ingester.prepare(body, headers, url, source)


def tracked_cases(topics: Sequence[Topic]) -> TrackedCases:
    """Index the ``cases:`` of every topic by court and normalised case number."""
    index: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for topic in topics:
        for case in topic.cases:
            key = (case.court, normalize_case_number(case.number))
            index.setdefault(key, []).append((topic.name, case.number))
    return {key: tuple(found) for key, found in index.items()}


def match_cases(entry: Entry, tracked: TrackedCases) -> list[Match]:
    """A match per topic tracking the case of docket ``entry``, whatever its text; the term
    is ``case <number>`` and the snippet the docket line."""
    case = entry_case(entry)
    if case is None:
        return []
    return [
        Match(topic, (tracked_case_term(number),), entry.title)
        for topic, number in tracked.get(case, ())
    ]


def merge_matches(found: Sequence[Match], extra: Sequence[Match]) -> list[Match]:
    """``found`` with ``extra`` folded in: one match per topic, terms of both."""
    by_topic = {m.topic: m for m in found}
    for m in extra:
        old = by_topic.get(m.topic)
        terms = m.terms if old is None else (*old.terms, *m.terms)
        by_topic[m.topic] = Match(m.topic, terms, old.snippet if old else m.snippet)
    return list(by_topic.values())


@dataclass(frozen=True)
class PreparedFeed:
    feed: ParsedFeed  # feed-level facts only: its entries travel once, in ``candidates``
    candidates: tuple[Candidate, ...]


def prepare_feed(
    body: bytes,
    headers: Mapping[str, str],
    url: str,
    source: str,
    topics: TopicSet | None = None,
    *,
    kind: str = "news",
    court: str | None = None,
    tracked: TrackedCases | None = None,
) -> PreparedFeed:
    """Parse ``body`` and key, canonicalize and match its entries. Raises ParseError.

    ``topics`` and ``tracked`` default to the worker's (see ``init_worker``). ``kind`` is the
    source kind: ``pacer`` and ``courtlistener`` bodies are read as docket entries (of
    ``court``), matched by topic and by tracked case, and keyed by ``docket.docket_key``.
    """
    topic_set = topics or (_ingester.topics if _ingester else None)
    if topic_set is None:
        raise RuntimeError("prepare_feed needs topics: call init_worker first")
    if kind in DOCKET_KINDS:
        cases = tracked if tracked is not None else (_ingester.tracked if _ingester else {})
        parsed = read_docket_feed(body, headers, url, kind=kind, court=court)
        found = docket_candidates(
            parsed.entries,
            lambda e: merge_matches(topic_set.match(e, source), match_cases(e, cases)),
        )
    else:
        parsed = parse_feed(body, headers, url)
        found = candidates(parsed.entries, source, lambda e: topic_set.match(e, source))
    return PreparedFeed(replace(parsed, entries=()), tuple(found))
