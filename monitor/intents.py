"""What a poll means to write for its entries: pure data, decided by ``monitor.decide`` and
``monitor.stories`` and written by ``monitor.store.records``. Apart from the store so that a
worker process that only parses (SQLite) never imports SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from monitor.cluster import Fingerprint
from monitor.entry import Entry, Match


@dataclass(frozen=True)
class HitIntent:
    """A topic matched; ``suppressed`` names why no alert is owed (None: alert)."""

    match: Match
    suppressed: str | None = None


@dataclass(frozen=True)
class EntryIntent:
    key: str
    entry: Entry
    canonical_url: str | None
    hits: tuple[HitIntent, ...] = ()
    # deliveries with the same thread key thread under the first one sent (a court case:
    # "case:ilnd:1:21-cv-00135"); None threads by story ("story:<id>")
    thread_key: str | None = None
    content_hash: str | None = None
    fingerprint: Fingerprint | None = None  # set for entries to cluster (see monitor.cluster)
    # the story to join (None: a new story of its own), and why; ``new_story``: that story was
    # created for this entry and goes again if the entry turns out known (another poller)
    story_id: int | None = None
    new_story: bool = False
    story_reason: str | None = None
    story_update: str | None = None  # "also reported by …": recorded when the entry is new


@dataclass(frozen=True)
class KnownEntry:
    """A stored entry that a feed item may be (by key, or by canonical link in its source)."""

    id: int
    key: str
    canonical_url: str | None
    story_id: int | None
    title: str
    content_hash: str | None
    extra: dict[str, Any] | None = None  # read for docket sources only (``with_extra``)


@dataclass(frozen=True)
class EntryEdit:
    """A known entry seen with a new title or summary; ``detail`` (a changed headline) is
    recorded as a "headline_updated" story update."""

    entry_id: int
    story_id: int | None
    entry: Entry
    content_hash: str
    detail: str | None = None
