"""Attach a poll's new entries to stories, inside the poll's write transaction.

The glue between the store (candidate stories found by indexed lookups of near-copy
buckets and event keys, ``monitor.store.story_index``) and the pure decisions of
``monitor.cluster``. The database decides between two pollers: a story is filed under its
buckets with insert-or-update on the bucket's primary key, and a poller that loses a bucket
to a story committed meanwhile looks again and joins it; pollers whose entries share an
event key take turns (``lock_keys``), so the second reads the first one's story. Holds no
thresholds or rules of its own.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import Connection

from monitor import event
from monitor.cluster import (
    Fingerprint,
    Member,
    StoryMatch,
    choose_copy,
    choose_event,
    choose_story,
    fingerprint,
    judge_candidates,
)
from monitor.entry import outlet
from monitor.intents import EntryIntent
from monitor.store import records as rec
from monitor.store import story_index as idx

WINDOW = timedelta(hours=72)  # a story takes new copies while one of its buckets was seen
# A candidate story's entries compared word for word: its last ones. A wire story carried by
# hundreds of feeds would otherwise have each new copy read and compare every copy before
# it (a cost growing with the square of its reach); a copy of the story is a copy of its
# recent entries. The event rule's veto still reads every entry's event (``_with_events``).
MEMBERS_COMPARED = 40


def attach_stories(
    conn: Connection, intents: Sequence[EntryIntent], source: str, now: datetime
) -> list[EntryIntent]:
    """``intents`` with ``story_id`` and ``story_reason`` set for those with a fingerprint:
    joining a story seen within ``WINDOW`` (an "also reported" update when it is another
    entry's story) or a new story filed under the entry's buckets. Others are unchanged."""
    since = now - WINDOW
    todo = [i for i in intents if i.fingerprint is not None]
    if not todo:
        return list(intents)
    keys = sorted({k for i in todo for k in _keys(i)})
    idx.lock_keys(conn, keys)  # before reading: a concurrent poller's story is then visible
    known = _candidates(conn, [b for i in todo for b in _buckets(i)], keys, since)
    copies = {i.key: _copy_of(i, known) for i in todo}
    # a copy of a known story joins it whatever its event says: event candidates are read
    # for the others only
    known = _with_events(conn, known, {k for i in todo if copies[i.key] is None for k in _keys(i)})
    decided, groups = _decide(todo, known, copies, source, now)
    story_of = dict(zip(groups, rec.create_stories(conn, list(groups.values()), now), strict=True))
    decided = {k: _resolve(i, story_of) for k, i in decided.items()}
    # a bucket already held when the candidates were read still is (its holder was seen
    # within the window, so no one took it over): its story's claim only refreshes it, and
    # another story's holder was weighed and declined (no claim, it could only lose). Only
    # a bucket some other poller filed meanwhile can change a decision.
    claims = _claims(decided.values())
    idx.refresh_buckets(conn, [(b, s) for b, s in claims if known.by_bucket.get(b) == s], now)
    new = [(b, s) for b, s in claims if b not in known.by_bucket]
    lost = idx.claim_buckets(conn, new, now, since)
    if lost:
        decided = _rejoin(conn, decided, lost, set(story_of.values()), source, now, since)
    idx.file_events(conn, _event_claims(decided.values()), now)
    return [decided.get(i.key, i) for i in intents]


@dataclass(frozen=True)
class _Candidates:
    """Stories found for a poll's entries: which story holds each bucket, which stories
    each event key, and the members read so far."""

    by_bucket: dict[str, int]
    by_key: dict[str, set[int]]
    members: dict[int, list[Member]]
    partial: frozenset[int] = frozenset()  # stories of which only the last entries are read

    def near(self, fp: Fingerprint) -> list[Member]:
        """Members of the stories sharing a bucket with ``fp`` (near-copy candidates)."""
        return self._of({self.by_bucket[b] for b in fp.buckets if b in self.by_bucket})

    def same(self, fp: Fingerprint) -> list[Member]:
        """Members of the stories sharing an event key with ``fp`` (event candidates)."""
        return self._of({s for k in fp.event_keys for s in self.by_key.get(k, ())})

    def _of(self, stories: set[int]) -> list[Member]:
        return [m for s in sorted(stories) for m in self.members.get(s, ())]


def _candidates(
    conn: Connection,
    buckets: Sequence[str],
    keys: Sequence[str],
    since: datetime,
    *,
    words: bool = False,
) -> _Candidates:
    """The stories filed under ``buckets`` and ``keys`` since ``since``, with the members
    (and their words) of those holding a bucket, their last ``MEMBERS_COMPARED`` (the
    stories with more are ``partial``); with ``words``, every member of every one."""
    by_bucket, by_key = idx.filed_under(conn, buckets, keys, since)
    members: dict[int, list[Member]] = {}
    partial: set[int] = set()
    if words:
        stories = {*by_bucket.values(), *(s for found in by_key.values() for s in found)}
        rows = idx.story_members(conn, sorted(stories))
    else:
        holders = sorted(set(by_bucket.values()))
        rows, partial = idx.latest_story_members(conn, holders, MEMBERS_COMPARED)
    for m in _members(rows):
        members.setdefault(m.story_id, []).append(m)
    return _Candidates(by_bucket, by_key, members, frozenset(partial))


def _with_events(conn: Connection, known: _Candidates, keys: Iterable[str]) -> _Candidates:
    """``known`` with the members of the stories filed under ``keys`` that it lacks, read
    with their events alone: the event rule compares no words, and on a busy topic these
    are most of a poll's candidates."""
    complete = known.members.keys() - known.partial
    wanted = {s for k in keys for s in known.by_key.get(k, ())} - complete
    members = {s: list(found) for s, found in known.members.items()}
    read = {m.entry_id for s in wanted & known.partial for m in members[s]}
    for m in _event_members(conn, sorted(wanted)):
        if m.entry_id not in read:  # the rest of a partly read story
            members.setdefault(m.story_id, []).append(m)
    for s in wanted & known.partial:
        members[s].sort(key=lambda m: m.entry_id or 0)
    return replace(known, members=members, partial=known.partial - wanted)


def _copy_of(intent: EntryIntent, known: _Candidates) -> StoryMatch | None:
    """The known story of which ``intent`` is a copy (``choose_copy``), or None."""
    fp = _fingerprint(intent)
    return choose_copy(fp, known.near(fp), intent.canonical_url)


def _decide(
    todo: Sequence[EntryIntent],
    known: _Candidates,
    copies: dict[str, StoryMatch | None],
    source: str,
    now: datetime,
) -> tuple[dict[str, EntryIntent], dict[int, str]]:
    """Decide in feed order: join the known story of which an entry is a copy (``copies``)
    or that reports its event, else a story new in this poll (placeholder ids -1, -2, …
    with their titles), else start one."""
    decided: dict[str, EntryIntent] = {}
    groups: dict[int, str] = {}
    local: list[Member] = []
    for intent in todo:
        fp = _fingerprint(intent)
        times = (intent.entry.published, now)
        match = copies[intent.key]
        if match is None and fp.event is not None:
            match = choose_event(fp.event, known.same(fp), times)
        if match is not None:
            decided[intent.key] = _joined(intent, match, source)
            continue
        match = choose_story(fp, local, intent.canonical_url, times)
        story = match.story_id if match else -(len(groups) + 1)
        if match is None:
            groups[story] = intent.entry.title
        else:
            match = replace(match, reason=match.reason + " in this poll")
        if match is None:
            decided[intent.key] = replace(intent, story_id=story, story_reason="new story")
        else:
            decided[intent.key] = _joined(intent, match, source)
        local.append(Member(story, None, fp, intent.canonical_url, times))
    return decided, groups


def _resolve(intent: EntryIntent, story_of: dict[int, int]) -> EntryIntent:
    if intent.story_id is None or intent.story_id >= 0:
        return intent
    story = story_of[intent.story_id]
    return replace(intent, story_id=story, new_story=intent.story_reason == "new story")


def _rejoin(
    conn: Connection,
    decided: dict[str, EntryIntent],
    lost: set[str],
    ours: set[int],
    source: str,
    now: datetime,
    since: datetime,
) -> dict[str, EntryIntent]:
    """Another poller filed a story under some of our new stories' buckets meanwhile: each
    of our new stories that matches one of those stories is dropped and joins it instead."""
    by_bucket, _ = idx.filed_under(conn, sorted(lost), (), since)
    found = idx.story_members(conn, sorted(set(by_bucket.values())))
    theirs = [m for m in _members(found) if m.story_id not in ours]
    moved: dict[int, StoryMatch] = {}
    for intent in decided.values():
        if intent.story_id in ours and intent.story_id not in moved:
            times = (intent.entry.published, now)
            match = choose_story(_fingerprint(intent), theirs, intent.canonical_url, times)
            if match is not None:
                assert intent.story_id is not None
                moved[intent.story_id] = match
    for story in moved:
        rec.drop_story(conn, story)
    out = {
        k: _joined(i, moved[i.story_id], source) if i.story_id in moved else i
        for k, i in decided.items()
    }
    rejoined = [out[k] for k, i in decided.items() if i.story_id in moved]
    idx.claim_buckets(conn, _claims(rejoined), now, since)
    return out


def _joined(intent: EntryIntent, match: StoryMatch, source: str) -> EntryIntent:
    link = intent.entry.link or ""
    by = outlet(source, intent.entry.extra)
    detail = f"also reported by {by}: {intent.entry.title} {link}".rstrip()
    return replace(
        intent,
        story_id=match.story_id,
        new_story=False,
        story_reason=match.reason,
        story_update=detail,
    )


def _claims(intents: Iterable[EntryIntent]) -> list[tuple[str, int]]:
    """(bucket, story) to file, the first entry's story winning a bucket two entries share."""
    claims: dict[str, int] = {}
    for i in intents:
        for bucket in _buckets(i):
            if i.story_id is not None:
                claims.setdefault(bucket, i.story_id)
    return list(claims.items())


def _event_claims(intents: Iterable[EntryIntent]) -> list[tuple[str, int]]:
    """(event key, story) to file for each entry with a story."""
    return [
        (key, i.story_id)
        for i in intents
        if i.story_id is not None and i.fingerprint is not None
        for key in i.fingerprint.event_keys
    ]


def _members(rows: Iterable[idx.StoryMember]) -> list[Member]:
    return [
        Member(
            m.story_id,
            m.entry_id,
            _stored_fingerprint(m.title, m.summary, m.canonical_url, m.event),
            m.canonical_url,
            (m.published_at, m.first_seen_at),
        )
        for m in rows
    ]


def _event_members(conn: Connection, story_ids: Sequence[int]) -> list[Member]:
    return [
        Member(
            m.story_id, m.entry_id, _stored_event(m.event), None, (m.published_at, m.first_seen_at)
        )
        for m in idx.member_events(conn, story_ids)
    ]


@functools.lru_cache(maxsize=8192)
def _stored_event(event_json: str) -> Fingerprint:
    """A stored entry's event as the fingerprint of an event candidate, without words or
    buckets (only its event is compared); pure, so cached like ``_stored_fingerprint``."""
    return Fingerprint("", frozenset(), frozenset(), (), event.from_json(event_json))


@functools.lru_cache(maxsize=8192)
def _stored_fingerprint(
    title: str, summary: str, canonical_url: str | None, event_json: str | None
) -> Fingerprint:
    """A stored entry's fingerprint and event, without buckets (only its words are compared;
    pure, so cached: the members of a busy story are read again by every poll that brings a
    candidate for it)."""
    found = fingerprint(title, summary, canonical_url, filed=False)
    return replace(found, event=event.from_json(event_json))


def _fingerprint(intent: EntryIntent) -> Fingerprint:
    assert intent.fingerprint is not None
    return intent.fingerprint


def _keys(intent: EntryIntent) -> tuple[str, ...]:
    return _fingerprint(intent).event_keys


def _buckets(intent: EntryIntent) -> tuple[str, ...]:
    return intent.fingerprint.buckets if intent.fingerprint else ()


@dataclass(frozen=True)
class Clustering:
    """What clustering decides for an entry, as if it arrived now: the story it joins (or
    None: a new story) and, for each candidate story, its match or why not."""

    match: StoryMatch | None
    candidates: list[tuple[int, StoryMatch | None, str]]


def explain_clustering(
    conn: Connection,
    entry_id: int,
    fp: Fingerprint,
    canonical_url: str | None,
    times: tuple[datetime | None, datetime],
) -> Clustering:
    """The decision ``attach_stories`` would make for the stored entry ``entry_id`` (its
    fingerprint ``fp``, link and (published, first seen) ``times``) against the stories
    filed within ``WINDOW`` before it was first seen, the entry itself left out. Reads
    only."""
    since = times[1] - WINDOW
    found = _candidates(conn, fp.buckets, fp.event_keys, since, words=True)
    members = [m for group in found.members.values() for m in group if m.entry_id != entry_id]
    match = choose_story(fp, members, canonical_url, times)
    return Clustering(match, judge_candidates(fp, members, canonical_url, times))
