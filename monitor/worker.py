"""The CPU-heavy, pure part of a poll, run in the parse process pool.

A worker process compiles the config's topics once (``init_worker``, the pool initializer)
and then turns fetched bytes into keyed, matched candidates (``prepare_feed``), so that the
event-loop process only fetches and writes. Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from monitor.config import Topic
from monitor.decide import Candidate, candidates
from monitor.entry import ParsedFeed
from monitor.match import TopicSet, compile_topics
from monitor.parse import parse_feed

_topics: TopicSet | None = None


def init_worker(topics: Sequence[Topic]) -> None:
    """Pool initializer: compile the topics once per worker process."""
    global _topics
    _topics = compile_topics(topics)


@dataclass(frozen=True)
class PreparedFeed:
    feed: ParsedFeed  # feed-level facts only: its entries travel once, in ``candidates``
    candidates: tuple[Candidate, ...]


def prepare_feed(
    body: bytes, headers: Mapping[str, str], url: str, source: str, topics: TopicSet | None = None
) -> PreparedFeed:
    """Parse ``body`` and key, canonicalize and match its entries. Raises ParseError.

    ``topics`` defaults to the worker's compiled topics (see ``init_worker``).
    """
    topic_set = topics or _topics
    if topic_set is None:
        raise RuntimeError("prepare_feed needs topics: call init_worker first")
    parsed = parse_feed(body, headers, url)
    found = candidates(parsed.entries, source, lambda e: topic_set.match(e, source))
    return PreparedFeed(replace(parsed, entries=()), tuple(found))
