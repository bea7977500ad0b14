"""The CPU-heavy part of a poll that needs no database: parse, key and match one fetched
body (``prepare_feed``), and a parse-pool worker's own state for it.

A worker process of the parse pool starts here (``init_worker``, the pool initializer): it
gets the topics the poller compiled and their tracked cases, builds their prefilter once,
and serves ``prepare_in_worker``. Only when the workers record too (PostgreSQL:
``monitor.worker.ingest_feed``) does it open a store; on SQLite this process records what
the workers prepared, and a worker never imports the store or SQLAlchemy (about 17 MiB less
per worker), nor the config models and pydantic: it gets each source as its name, kind and
court (``SourceKind``), about 12 MiB and 70 ms of imports less. Recording is
``monitor.worker``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from monitor.decide import Candidate, candidates, docket_candidates
from monitor.docket import DOCKET_KINDS, normalize_case_number, read_docket_feed
from monitor.docket_keys import entry_case, tracked_case_term
from monitor.entry import Entry, Match, ParsedFeed
from monitor.match import CompiledTopic, TopicSet, build_topic_set
from monitor.parse import parse_feed
from monitor.redact import install_log_redaction, register_secrets

if TYPE_CHECKING:  # the config models (pydantic) stay out of a worker that only parses
    from monitor.config import Source, Topic

# (court, normalised case number) → (topic, case number as configured) for each tracking topic
TrackedCases = Mapping[tuple[str, str], tuple[tuple[str, str], ...]]

# a worker process's own (see init_worker)
_topics: TopicSet | None = None
_tracked: TrackedCases = {}


def init_worker(
    topics: Sequence[CompiledTopic],
    tracked: TrackedCases,
    database_url: str | None = None,
    secrets: Sequence[str] = (),
) -> None:
    """Pool initializer: build the prefilter over the topics the poller compiled, with their
    ``tracked`` cases (``tracked_cases``), once per process; mask ``secrets`` in anything
    this process logs (it starts with no logging set up: Python's last-resort handler); and
    when ``database_url`` is given (the workers record), open the store there for
    ``monitor.worker.ingest_feed``."""
    global _topics, _tracked
    register_secrets(secrets)
    install_log_redaction()
    _topics, _tracked = build_topic_set(topics), tracked
    if database_url is not None:
        from monitor.worker import open_worker_store  # the store: only where workers record

        open_worker_store(database_url, _topics, _tracked)


def prepare_in_worker(
    body: bytes, headers: Mapping[str, str], url: str, source: SourceKind, seen: bytes = b""
) -> PreparedFeed:
    """The worker's task when the poller records the result itself (SQLite: one writing
    process, so that no two wait on each other's lock): parse, key and match only."""
    if _topics is None:
        raise RuntimeError("prepare_in_worker needs topics: call init_worker first")
    return prepare_source(body, headers, url, source, _topics, _tracked, seen)


@dataclass(frozen=True)
class SourceKind:
    """What preparing a feed needs of its configured source (a worker gets this, not the
    config model): its name, kind and court."""

    name: str
    kind: str = "news"
    court: str | None = None

    @classmethod
    def of(cls, source: Source) -> SourceKind:
        return cls(source.name, source.kind, source.court)


def prepare_source(
    body: bytes,
    headers: Mapping[str, str],
    url: str,
    source: Source | SourceKind,
    topics: TopicSet,
    tracked: TrackedCases,
    seen: bytes = b"",
) -> PreparedFeed:
    """``prepare_feed`` for a configured source: its name, kind and court."""
    return prepare_feed(
        body, headers, url, source.name, topics, kind=source.kind, court=source.court,
        tracked=tracked, seen=seen,
    )  # fmt: skip


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
    topics: TopicSet,
    *,
    kind: str = "news",
    court: str | None = None,
    tracked: TrackedCases | None = None,
    seen: bytes = b"",
) -> PreparedFeed:
    """Parse ``body`` and key, canonicalize and match its entries. Raises ParseError.

    ``kind`` is the source kind: ``pacer`` and ``courtlistener`` bodies are read as docket
    entries (of ``court``), matched by ``topics`` and by the ``tracked`` cases, and keyed by
    ``docket.docket_key``. ``seen``: texts of news entries the source's last recorded poll
    held (``decide.seen_digests``), whose matching and fingerprints are left for the record
    step.
    """
    if kind in DOCKET_KINDS:
        cases = tracked if tracked is not None else {}
        parsed = read_docket_feed(body, headers, url, kind=kind, court=court)
        found = docket_candidates(
            parsed.entries,
            lambda e: merge_matches(topics.match(e, source), match_cases(e, cases)),
        )
    else:
        parsed = parse_feed(body, headers, url)
        found = candidates(parsed.entries, source, lambda e: topics.match(e, source), seen)
    return PreparedFeed(replace(parsed, entries=()), tuple(found))
