"""Pure decisions of a poll: which entries to write, which hits owe an alert, when next.

Data in, data out: no session, client, clock or config global. The pipeline gives it the
parsed entries, what the store already knows and the time, and writes what it returns.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from monitor.cluster import Fingerprint, fingerprint
from monitor.dedupe import canonical_url, content_hash, entry_key
from monitor.docket_entry import DocketEntry, docket_to_entry, join, upgraded
from monitor.docket_keys import case_thread_key, docket_key
from monitor.entry import Entry, Match
from monitor.intents import EntryEdit, EntryIntent, HitIntent, KnownEntry

if TYPE_CHECKING:  # a parse worker runs this without the config models (pydantic)
    from monitor.config import Backfill


@dataclass(frozen=True)
class Candidate:
    """A parsed entry with its dedupe key, canonical URL and the topics that matched it:
    everything about an entry that does not depend on the database."""

    key: str
    entry: Entry
    canonical_url: str | None
    matches: tuple[Match, ...]
    content_hash: str = ""
    fingerprint: Fingerprint | None = None  # only entries that matched a topic are clustered
    # not matched nor fingerprinted yet (``completed``): the source's last recorded poll held
    # this text, so the entry is almost surely known (and never matched or clustered again)
    deferred: bool = False


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
    entries: Iterable[Entry],
    source: str,
    match: Callable[[Entry], Sequence[Match]],
    seen: bytes = b"",
) -> list[Candidate]:
    """Key, canonicalize, match and fingerprint a feed's entries (the CPU-heavy part, run
    beside parsing). Only entries that matched a topic get a story fingerprint: the others
    can never alert, so clustering them would cost without changing any message.

    ``seen`` (``seen_digests`` of the source's last recorded poll) names texts the source
    already had: an entry with one of them is almost surely known, and a known entry is
    neither matched nor clustered again, so both are deferred (``completed``, which the
    record step runs only for an entry the store does not know). A feed that changed at
    a poll repeats most of its items (a search feed nearly all of them), and matching and
    reading the event are most of what an item costs after parsing."""
    found = []
    had = _unpack(seen)
    for key, entry in keyed_entries(entries, source).items():
        link = canonical_url(entry.link) if entry.link else None
        digest = content_hash(entry)
        if _short(digest) in had:
            found.append(Candidate(key, entry, link, (), digest, None, deferred=True))
            continue
        matches = tuple(match(entry))
        fp = _fingerprint(entry, link, matches) if matches else None
        found.append(Candidate(key, entry, link, matches, digest, fp))
    return found


def completed(c: Candidate, match: Callable[[Entry], Sequence[Match]]) -> Candidate:
    """``c`` matched and fingerprinted, if ``candidates`` deferred that."""
    if not c.deferred:
        return c
    matches = tuple(match(c.entry))
    fp = _fingerprint(c.entry, c.canonical_url, matches) if matches else None
    return replace(c, matches=matches, fingerprint=fp, deferred=False)


def seen_digests(found: Iterable[Candidate]) -> bytes:
    """What the next poll of a news source may defer (``candidates``): 8 bytes of the
    content hash of each of ``found`` (a collision costs nothing but work done later)."""
    return b"".join(_short(c.content_hash) for c in found)


def _short(digest: str) -> bytes:
    return bytes.fromhex(digest[:16])  # 8 bytes of a content hash


def _unpack(seen: bytes) -> Container[bytes]:
    return {seen[i : i + 8] for i in range(0, len(seen), 8)}


def _fingerprint(entry: Entry, link: str | None, matches: Sequence[Match]) -> Fingerprint:
    """A matched entry's story fingerprint and event: the topic terms it matched and its
    publisher are shared by many items, so they never count as evidence of one event."""
    ignore = [t for m in matches for t in m.terms]
    publisher = entry.extra.get("publisher")
    if isinstance(publisher, str):
        ignore.append(publisher)
    return fingerprint(entry.title, entry.summary, link, ignore, [m.topic for m in matches])


def docket_candidates(
    entries: Iterable[Entry], match: Callable[[Entry], Sequence[Match]]
) -> list[Candidate]:
    """Key and match docket entries (``monitor.docket``), first occurrence of a key kept.

    No canonical URL and no story fingerprint: every entry of a case shares its docket link
    and most of its title, yet each docket entry is its own alert (threaded by case through
    ``docket.case_thread_key``, never merged into another entry's story)."""
    keyed: dict[str, Entry] = {}
    for entry in entries:
        keyed.setdefault(docket_key(entry), entry)
    return [Candidate(k, e, None, tuple(match(e)), content_hash(e)) for k, e in keyed.items()]


Edit = Callable[[KnownEntry, Candidate], EntryEdit | None]


def identify(
    found: Sequence[Candidate], known: Sequence[KnownEntry], edit: Edit | None = None
) -> tuple[list[Candidate], list[EntryEdit]]:
    """Split a feed's candidates into new entries and edits of known ones.

    A candidate is a known entry when its key is stored (same GUID, or same canonical link
    for GUID-less feeds) or, failing that, when the source already stored an entry with its
    canonical link (a GUID changed). ``edit`` decides what a known entry seen again changes
    (default: a changed title or summary is an ``EntryEdit``, a changed title also a
    "headline_updated" story update; docket sources pass ``docket_edit``); an unchanged
    entry is dropped. ``known`` is what the store found for these keys and links.
    """
    edit = edit or _edit
    by_key = {k.key: k for k in known}
    by_link = {k.canonical_url: k for k in known if k.canonical_url}
    new, edits, seen = [], [], set()
    for c in found:
        stored = by_key.get(c.key) or (by_link.get(c.canonical_url) if c.canonical_url else None)
        if stored is None:
            new.append(c)
        elif stored.id not in seen:
            seen.add(stored.id)
            change = edit(stored, c)
            if change is not None:
                edits.append(change)
    return new, edits


def _edit(stored: KnownEntry, c: Candidate) -> EntryEdit | None:
    unchanged = stored.content_hash == c.content_hash
    if unchanged or (stored.content_hash is None and stored.title == c.entry.title):
        return None if unchanged else EntryEdit(stored.id, stored.story_id, c.entry, c.content_hash)
    detail = None
    if stored.title != c.entry.title and not _publisher_cut(stored.title, c.entry):
        detail = f"headline updated: {stored.title} → {c.entry.title}"
    return EntryEdit(stored.id, stored.story_id, c.entry, c.content_hash, detail)


def docket_edit(stored: KnownEntry, c: Candidate) -> EntryEdit | None:
    """A known docket entry seen again: the stored entry joined with this poll's view of the
    filing (``docket_entry.join``: every entry type and defendant either holds, the longer
    full text), or None when that changes nothing. Always quiet (no ``detail``): items of a
    filing re-ordered or split between polls are the same filing, a window that lost some
    of them takes nothing away, and CourtListener's full text replacing a short one is no
    news."""
    if stored.content_hash == c.content_hash or not stored.extra:
        return None
    stored_view = upgraded(DocketEntry.from_extra(stored.extra))  # as this version reads it
    joined = join(stored_view, DocketEntry.from_extra(c.entry.extra))
    entry = docket_to_entry(joined)
    digest = content_hash(entry)
    if digest == stored.content_hash and entry.extra == stored.extra:
        return None
    return EntryEdit(stored.id, stored.story_id, entry, digest)


def _publisher_cut(old_title: str, entry: Entry) -> bool:
    """True when ``old_title`` is ``entry``'s headline with its publisher suffix (" - Reuters"),
    stored before the suffix was cut from headlines: the same headline, not an edit."""
    publisher = entry.extra.get("publisher")
    if not isinstance(publisher, str) or not old_title.startswith(entry.title):
        return False
    tail = old_title[len(entry.title) :].strip()
    return tail[:1] in ("-", "–", "—", "|") and tail[1:].strip() == publisher


def plan_entries(new: Iterable[Candidate], rules: AlertRules, now: datetime) -> list[EntryIntent]:
    """The rows to write for entries not yet stored: each with its hits and their fate."""
    intents = []
    for c in new:
        if c.deferred:
            raise ValueError(f"entry {c.key}: match it first (decide.completed)")
        matches = [m for m in c.matches if rules.topics is None or m.topic in rules.topics]
        hits = tuple(HitIntent(m, suppression(c.entry, m.topic, rules, now)) for m in matches)
        intents.append(
            EntryIntent(
                c.key,
                c.entry,
                c.canonical_url,
                hits,
                content_hash=c.content_hash,
                fingerprint=c.fingerprint if hits else None,
                thread_key=case_thread_key(c.entry),  # docket entries thread by case
            )
        )
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
    sooner than a server's Retry-After, itself capped at ``max_backoff``. Any ``retry_after``
    (NaN, infinite, negative, huge) gives a valid time."""
    if failures <= 0:
        seconds = interval.total_seconds()
    else:
        base = min(interval.total_seconds() * 2.0 ** min(failures - 1, 30), _seconds(max_backoff))
        seconds = base * (rng or random).uniform(0.8, 1.0)
    if retry_after is not None and not math.isnan(retry_after):
        seconds = max(seconds, min(max(retry_after, 0.0), _seconds(max_backoff)))
    return now + timedelta(seconds=seconds)


def _seconds(duration: timedelta) -> float:
    return duration.total_seconds()
