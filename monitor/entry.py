"""Values that flow through the pure middle of the pipeline.

Contains no business logic: only the frozen dataclasses that parse produces and match,
dedupe and store consume.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Entry:
    """One normalized feed item.

    Text fields are plain text (HTML stripped, entities decoded once). Datetimes are
    timezone-aware UTC or None. ``extra`` carries kind-specific fields (docket data) as
    JSON-compatible values.
    """

    guid: str | None
    link: str | None
    title: str
    summary: str
    published: datetime | None = None
    updated: datetime | None = None
    authors: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class ParsedFeed:
    """What parse returns for one body: feed-level facts plus its entries."""

    title: str
    entries: tuple[Entry, ...]
    bozo: str | None = None  # why feedparser thought the XML was malformed, if it did
    build_date: datetime | None = None
    dropped: int = 0  # items beyond parse.MAX_ENTRIES that were not kept (the oldest)


@dataclass(frozen=True)
class Match:
    """A topic matched an entry: which terms, and a snippet around the first match."""

    topic: str
    terms: tuple[str, ...]
    snippet: str


@dataclass(frozen=True)
class Alert:
    """One owed message: a hit rendered for one notifier (read from the outbox)."""

    delivery_id: int
    notifier: str
    topic: str
    source: str
    source_kind: str
    title: str
    link: str | None
    published: datetime | None
    terms: tuple[str, ...]
    snippet: str
    attempts: int = 0
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    slot: str = "alert"  # "alert": the first message; "update:<id>": a follow-up
    thread_key: str | None = None  # alerts sharing it thread under the first one sent
    update_kind: str | None = None  # for follow-ups: "also_reported", "headline_updated"…
    update_detail: str | None = None  # for follow-ups: what changed, in words
    # the channel's id of the first message sent on this thread (Slack ts), if any yet
    thread_id: str | None = None
    # who is still owed this message when only some recipients got it (email); None: all
    recipients: tuple[str, ...] | None = None
    story_id: int | None = None  # the story alerted on (logs name it)

    @property
    def outlet(self) -> str:
        """Who published the item, beside the configured feed that carried it: "Reuters via
        google-news" when the item names its publisher (``extra["publisher"]``, see
        ``monitor.parse.headline_and_publisher``), else the feed's name alone."""
        return outlet(self.source, self.extra)


def outlet(source: str, extra: dict[str, Any]) -> str:
    """``source`` with the item's publisher in front ("Reuters via google-news") when the
    item names one other than the feed itself."""
    publisher = extra.get("publisher")
    if not isinstance(publisher, str) or not publisher.strip():
        return source
    if publisher.strip().casefold() == source.casefold():
        return source
    return f"{publisher.strip()} via {source}"
