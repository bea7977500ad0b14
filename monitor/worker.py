"""The CPU-heavy part of a poll, run in the parse process pool.

A worker process compiles the config's topics and opens the store once (``init_worker``, the
pool initializer). ``prepare_feed`` turns fetched bytes into keyed, matched candidates (pure);
``ingest_feed`` then records them (``monitor.ingest``) in one transaction of the worker's own,
so that the event-loop process only fetches and parsing and writing use every core.

A dry run (``monitor poll --once --dry-run``) runs one worker, and that worker records every
feed of the run in one transaction (each feed under a savepoint), so that a feed sees the
stories the feeds before it would have made; ``end_dry_run`` rolls it all back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from multiprocessing.util import Finalize

from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from monitor.config import Topic
from monitor.decide import Candidate, candidates, docket_candidates
from monitor.docket import DOCKET_KINDS, normalize_case_number, read_docket_feed
from monitor.docket_keys import entry_case, tracked_case_term
from monitor.entry import Alert, Entry, Match, ParsedFeed
from monitor.errors import StoreError
from monitor.ingest import FeedWrite, Recorded, record_feed
from monitor.match import TopicSet, compile_topics
from monitor.parse import cap_warning, parse_feed
from monitor.redact import install_log_redaction, register_secrets
from monitor.store import Store
from monitor.store import dockets as cov
from monitor.store import records as rec
from monitor.store.db import redact_url

# (court, normalised case number) → (topic, case number as configured) for each tracking topic
TrackedCases = Mapping[tuple[str, str], tuple[tuple[str, str], ...]]

_topics: TopicSet | None = None
_tracked: TrackedCases = {}
_store: Store | None = None
_dry_run: Connection | None = None  # the transaction every feed of a dry run shares


def init_worker(topics: Sequence[Topic], database_url: str, secrets: Sequence[str] = ()) -> None:
    """Pool initializer: compile the topics (and their tracked cases) once per process, open
    the store at ``database_url`` for ``ingest_feed``, and mask ``secrets`` in anything this
    process logs (it starts with no logging set up: Python's last-resort handler)."""
    global _topics, _tracked, _store
    register_secrets(secrets)
    install_log_redaction()
    _topics = compile_topics(topics)
    _tracked = tracked_cases(topics)
    _store = Store(database_url)
    # a pool worker leaves through os._exit, which skips atexit; this runs before it
    Finalize(_store, _store.close, exitpriority=10)


def ingest_feed(body: bytes, headers: Mapping[str, str], url: str, write: FeedWrite) -> Recorded:
    """Parse, key and match ``body`` (see ``prepare_feed``), then record it for
    ``write.source`` in one transaction, rolled back for a dry run. Raises ParseError (nothing
    written) or StoreError."""
    if _store is None:
        raise RuntimeError("ingest_feed needs a store: call init_worker first")
    source = write.source
    prepared = prepare_feed(body, headers, url, source.name, kind=source.kind, court=source.court)
    feed = prepared.feed
    warning = cap_warning(feed)
    if write.dry_run:
        result, previews, gap = _record_dry(_store, write, prepared.candidates, warning)
    else:
        with _store.begin() as conn:
            result, previews, gap = record_feed(conn, write, prepared.candidates, warning)
    return Recorded(len(prepared.candidates), result, tuple(previews), gap, feed.bozo, warning)


def _record_dry(
    store: Store, write: FeedWrite, found: Sequence[Candidate], warning: str | None
) -> tuple[rec.RecordResult, list[Alert], cov.Gap | None]:
    """Record ``found`` in the dry run's shared transaction (opened on first use), under a
    savepoint so that a feed that fails leaves no trace for the next."""
    global _dry_run
    try:
        if _dry_run is None:
            _dry_run = store.engine.connect()
            _dry_run.begin()
        with _dry_run.begin_nested():
            return record_feed(_dry_run, write, found, warning)
    except OperationalError as exc:
        raise StoreError(f"database {redact_url(store.url)}: {exc.orig}") from exc


def end_dry_run() -> None:
    """Roll back everything this worker recorded for a dry run (``ingest_feed`` with
    ``dry_run``) and close its connection. A no-op when it recorded nothing."""
    global _dry_run
    if _dry_run is not None:
        conn, _dry_run = _dry_run, None
        conn.rollback()
        conn.close()


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
    topic_set = topics or _topics
    if topic_set is None:
        raise RuntimeError("prepare_feed needs topics: call init_worker first")
    if kind in DOCKET_KINDS:
        cases = _tracked if tracked is None else tracked
        parsed = read_docket_feed(body, headers, url, kind=kind, court=court)
        found = docket_candidates(
            parsed.entries,
            lambda e: merge_matches(topic_set.match(e, source), match_cases(e, cases)),
        )
    else:
        parsed = parse_feed(body, headers, url)
        found = candidates(parsed.entries, source, lambda e: topic_set.match(e, source))
    return PreparedFeed(replace(parsed, entries=()), tuple(found))
