"""Record one parsed feed: everything it changes, in one transaction.

Which of the feed's candidates are new or edits of known entries (the database decides),
their stories, hits and outbox rows, docket coverage, and the source's outcome. Runs in a
parse worker process, right after the feed is parsed (see ``monitor.worker.ingest_feed``), so
that the event-loop process only fetches; it holds no state and does not log (the poller
logs what ``record_feed`` returns).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from monitor.config import Source
from monitor.decide import (
    AlertRules,
    Candidate,
    completed,
    docket_edit,
    identify,
    plan_entries,
)
from monitor.docket import DOCKET_KINDS
from monitor.docket_keys import Gap, find_gap, poll_window
from monitor.entry import Alert, Entry, Match
from monitor.store import dockets as cov
from monitor.store import records as rec
from monitor.store import sources as src
from monitor.store.outbox import pending_alerts
from monitor.stories import attach_stories


@dataclass(frozen=True)
class FeedWrite:
    """What recording one parsed feed of a source needs besides its candidates."""

    source_id: int
    source: Source
    rules: AlertRules
    routes: Mapping[str, list[str]]  # topic → notifiers, for this source's kind
    validators: tuple[str | None, str | None, str]  # ETag, Last-Modified, body hash
    due: datetime
    now: datetime
    dry_run: bool = False  # rolled back; the alerts it would send come back as previews
    seen: bytes = b""  # the last recorded poll's texts (``decide.seen_digests``)


@dataclass(frozen=True)
class Recorded:
    """What recording one feed did."""

    entries: int  # items in the feed
    result: rec.RecordResult
    previews: tuple[Alert, ...]  # dry runs only
    gap: Gap | None  # docket sources: this poll shares no entry with the last
    bozo: str | None  # the feed was malformed but readable
    warning: str | None = None  # e.g. items beyond the per-poll cap were skipped
    seen: bytes = b""  # this poll's texts, for the next poll's ``FeedWrite.seen``


def record_feed(
    conn: Connection,
    w: FeedWrite,
    found: Sequence[Candidate],
    warning: str | None = None,
    match: Callable[[Entry], Sequence[Match]] | None = None,
) -> tuple[rec.RecordResult, list[Alert], Gap | None]:
    """Write ``found`` (the feed's candidates) for ``w.source`` within ``conn``'s transaction,
    with the poll's ``warning`` on the source; returns what was recorded, the alerts owed
    (read back only for a dry run) and a gap. ``match``: the source's topic matcher, for
    the deferred candidates (``decide.candidates``) that turn out to be new."""
    keys = [c.key for c in found]
    links = [c.canonical_url for c in found if c.canonical_url]
    docket = w.source.kind in DOCKET_KINDS
    known = rec.known_entries(conn, w.source_id, keys, links, with_extra=docket)
    new, edits = identify(found, known, docket_edit if docket else None)
    if match is not None:
        new = [completed(c, match) for c in new]
    coverage = _coverage(conn, w, found, overlap=len(found) - len(new))
    intents = attach_stories(conn, plan_entries(new, w.rules, w.now), w.source.name, w.now)
    result = rec.record_entries(conn, w.source_id, intents, w.routes, w.now)
    if coverage is not None:
        cov.record_coverage(conn, w.source_id, coverage)
    edited = rec.record_edits(conn, edits, w.routes, w.now)
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
        warning=warning,
    )
    previews = pending_alerts(conn, result.delivery_ids) if w.dry_run else []
    return result, previews, coverage.gap if coverage else None


def _coverage(
    conn: Connection, w: FeedWrite, found: Sequence[Candidate], *, overlap: int
) -> cov.Coverage | None:
    """Docket sources: this poll's window, and a possible gap when none of its entries
    (``overlap`` of them were known) was in the previous poll."""
    if w.source.kind not in DOCKET_KINDS:
        return None
    previous = cov.previous_window(conn, w.source_id)
    window = poll_window([c.entry for c in found], w.now)
    gap = find_gap(previous, window, overlap, source=w.source.name, court=w.source.court)
    return cov.Coverage(window, gap)
