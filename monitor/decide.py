"""Pure decisions of a poll: which entries to write, which hits owe an alert, when next.

Data in, data out: no session, client, clock or config global. The pipeline gives it the
parsed entries, what the store already knows and the time, and writes what it returns.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from monitor.config import Backfill
from monitor.dedupe import canonical_url, entry_key
from monitor.entry import Entry, Match
from monitor.store.records import EntryIntent, HitIntent


@dataclass(frozen=True)
class Candidate:
    """A parsed entry with its dedupe key, canonical URL and the topics that matched it:
    everything about an entry that does not depend on the database."""

    key: str
    entry: Entry
    canonical_url: str | None
    matches: tuple[Match, ...]


@dataclass(frozen=True)
class AlertRules:
    """What decides whether a hit alerts, for one source and poll."""

    first_poll: bool
    backfill: Backfill
    max_age: Mapping[str, timedelta | None]  # per topic
    topics: frozenset[str] | None  # topics that apply to the source; None: all


def keyed_entries(entries: Iterable[Entry], source: str) -> dict[str, Entry]:
    """Entries by dedupe key, first occurrence kept (a feed may repeat an item)."""
    keyed: dict[str, Entry] = {}
    for entry in entries:
        keyed.setdefault(entry_key(entry, source), entry)
    return keyed


def suppression(entry: Entry, topic: str, rules: AlertRules, now: datetime) -> str | None:
    """Why a hit on ``entry`` owes no alert ("backfill", "max_age"), or None if it alerts.

    First poll: the backfill setting decides (undated entries count as recent). Later polls:
    every new entry alerts, however old, unless the topic sets a maximum age.
    """
    published = entry.published
    if rules.first_poll:
        mode = rules.backfill.mode
        if mode == "none":
            return "backfill"
        if mode == "days" and published is not None and published < now - rules.backfill.days:
            return "backfill"
        return None
    max_age = rules.max_age.get(topic)
    if max_age is not None and published is not None and published < now - max_age:
        return "max_age"
    return None


def candidates(
    entries: Iterable[Entry], source: str, match: Callable[[Entry], Sequence[Match]]
) -> list[Candidate]:
    """Key, canonicalize and match a feed's entries (the CPU-heavy part, run beside parsing)."""
    return [
        Candidate(
            key, entry, canonical_url(entry.link) if entry.link else None, tuple(match(entry))
        )
        for key, entry in keyed_entries(entries, source).items()
    ]


def plan_entries(new: Iterable[Candidate], rules: AlertRules, now: datetime) -> list[EntryIntent]:
    """The rows to write for entries not yet stored: each with its hits and their fate."""
    intents = []
    for c in new:
        matches = [m for m in c.matches if rules.topics is None or m.topic in rules.topics]
        hits = tuple(HitIntent(m, suppression(c.entry, m.topic, rules, now)) for m in matches)
        intents.append(EntryIntent(c.key, c.entry, c.canonical_url, hits))
    return intents


def next_due(
    now: datetime,
    interval: timedelta,
    *,
    failures: int = 0,
    max_backoff: timedelta = timedelta(hours=6),
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> datetime:
    """When to poll again: after ``interval`` on success; after failures, exponential backoff
    (interval × 2^(failures-1), capped at ``max_backoff``, with jitter down to 80%), never
    sooner than a server's Retry-After."""
    if failures <= 0:
        delay = interval
    else:
        base = min(interval * (2 ** min(failures - 1, 20)), max_backoff)
        delay = base * (rng or random).uniform(0.8, 1.0)
    if retry_after is not None:
        delay = max(delay, timedelta(seconds=retry_after))
    return now + delay
