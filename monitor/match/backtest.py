"""Backtesting one topic: what it would match on stored entries, against the hits recorded.

Pure: stored entries (with whether a hit for the topic is recorded) in, differences out; the
caller reads the entries in batches and feeds them here. Matching goes through the same
``TopicSet`` the pipeline uses, prefilter included, so a backtest agrees with a poll.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from monitor.entry import Entry, Match
from monitor.match.engine import CompiledTopic
from monitor.match.topicset import TopicSet, build_topic_set


@dataclass(frozen=True)
class StoredEntry:
    """An entry read back from the store, with the recorded state of the topic under test.

    ``hit``: a recorded hit for the topic points at this entry. ``story_hit``: the entry's
    story has a recorded hit for the topic (through this entry or another copy).
    ``applies``: the topic applies to the entry's source (``sources[].topics``).
    """

    id: int
    entry: Entry
    source: str
    hit: bool
    story_hit: bool
    applies: bool = True


@dataclass(frozen=True)
class Change:
    """One entry whose outcome differs: ``match`` is set when it would newly match."""

    stored: StoredEntry
    match: Match | None


@dataclass
class Backtest:
    """Accumulates a backtest of ``topic`` over batches of stored entries.

    ``newly``: entries the topic matches whose story has no recorded hit for it.
    ``stopped``: entries a recorded hit points at that the topic no longer matches.
    """

    topic: CompiledTopic
    checked: int = 0
    matched: int = 0
    newly: list[Change] = field(default_factory=list)
    stopped: list[Change] = field(default_factory=list)
    _topics: TopicSet = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._topics = build_topic_set([self.topic])

    def add(self, batch: Iterable[StoredEntry]) -> None:
        """Match every entry of ``batch`` and record those whose outcome would change."""
        for stored in batch:
            self.checked += 1
            found = self._topics.match(stored.entry, stored.source) if stored.applies else []
            match = found[0] if found else None
            self.matched += match is not None
            if match is not None and not stored.story_hit:
                self.newly.append(Change(stored, match))
            elif match is None and stored.hit:
                self.stopped.append(Change(stored, None))
