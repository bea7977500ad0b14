"""Story fingerprints and clustering decisions: is this entry another copy of a known story?

Pure: text in, fingerprints and decisions out; no I/O. The store keeps each story's
``buckets`` (locality-sensitive hashes of its members) under a unique constraint, finds
candidate stories for a new entry by an indexed lookup of the entry's buckets, and hands the
candidates' members back here for the decision (``choose_story``).

Method (measured on ``tests/data/stories``, see the README's "Deduplication"):

- ``normalize_title`` folds case, accents-compatible forms and punctuation and removes wire
  prefixes ("UPDATE 1-", "EXCLUSIVE-") and publisher suffixes (" - Reuters", " | Law360");
- two entries are copies of one story when the Jaccard similarity of their normalized
  titles' word sets reaches ``TITLE_THRESHOLD`` (titles of five words or more), or that of
  word 3-shingles of their opening text (the first ``OPENING_WORDS`` words of the summary
  after the title) reaches ``TEXT_THRESHOLD``; or when they link to the same canonical URL;
- an entry joins the story of the most similar member among the candidates;
- candidates come from MinHash LSH over title and opening shingles (``BANDS`` bands of
  ``ROWS`` rows; one-permutation hashing with densification, which costs one hash per
  shingle instead of one per shingle and row), an exact normalized-title bucket and a
  canonical-link bucket.

When no near-copy rule holds, an entry joins the story of a candidate that reports the same
event in other words (``monitor.events``: same action, agreeing particulars, within days),
provided no entry of that story disagrees with it.

A missed merge costs a repeat alert; a wrong merge silently loses one. Thresholds lean to
precision.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from monitor.event import Event, event_of
from monitor.events import conflict, event_keys, judge, same_event

FINGERPRINT_VERSION = "1"
TITLE_THRESHOLD = 0.85  # word-set Jaccard of normalized titles
TEXT_THRESHOLD = 0.5  # Jaccard of opening-text word 3-shingles
MIN_TITLE_WORDS = 5  # shorter titles ("Clearview AI", "Court ruling") decide nothing alone
MIN_OPENING_WORDS = 12  # shorter openings (an aggregator's "Title  Publisher") decide nothing
OPENING_WORDS = 60
BANDS = 10
ROWS = 2

_WIRE_PREFIX = re.compile(
    r"^(?:(?:update|refile|corrected|correction|rpt|wrapup|exclusive|analysis|breaking|"
    r"factbox|focus|insight|brief|urgent|newsalert|explainer|timeline|live)"
    r"(?:\s*\d+)?\s*(?:-|:|—|–)\s*)+",
    re.IGNORECASE,
)
_PUBLISHER_SUFFIX = re.compile(r"\s+(?:-|\||—|–|::)\s+([^-|—–]{1,60})$")
_NON_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Fingerprint:
    """What clustering compares: normalized title words, opening-text shingles, and the
    buckets under which the store files (and looks up) the entry's story."""

    title: str
    title_words: frozenset[str]
    shingles: frozenset[str]
    buckets: tuple[str, ...]
    event: Event | None = None  # what the entry reports (None: not read; see ``fingerprint``)

    @functools.cached_property
    def event_keys(self) -> tuple[str, ...]:
        """Keys under which the entry's story is filed for event identity (none when the
        entry reports no one event). Computed once: a poll asks for them to lock, to look
        up and to file."""
        return event_keys(self.event) if self.event is not None else ()


@dataclass(frozen=True)
class Member:
    """A stored entry of a candidate story, as the store hands it back."""

    story_id: int
    entry_id: int | None  # None: an entry of this poll, not stored yet
    fingerprint: Fingerprint
    canonical_link: str | None = None
    times: tuple[datetime | None, datetime | None] = (None, None)  # published, first seen


@dataclass(frozen=True)
class StoryMatch:
    """The story an entry joins, the member it resembles most, and why (for ``story_reason``)."""

    story_id: int
    entry_id: int | None
    score: float
    reason: str


def fold(text: str) -> str:
    """NFKC, case-folded, punctuation to spaces, whitespace collapsed."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NON_WORD.sub(" ", folded).split())


def normalize_title(title: str) -> str:
    """The title without wire prefixes and a trailing publisher name, folded (``fold``).

    A suffix after " - ", " | ", " — " is removed only when it is short (four words at
    most) and at least four words remain, so "Clearview AI - what regulators want next"
    keeps its words but "Judge approves Clearview AI settlement - Reuters" loses "Reuters".
    """
    text = unicodedata.normalize("NFKC", title).strip()
    text = _WIRE_PREFIX.sub("", text)
    for _ in range(2):  # "Title - Publisher | Aggregator"
        suffix = _PUBLISHER_SUFFIX.search(text)
        if not suffix or len(suffix.group(1).split()) > 4:
            break
        head = text[: suffix.start()]
        if len(fold(head).split()) < 4:
            break
        text = head
    return fold(text)


def opening_words(title: str, summary: str) -> list[str]:
    """The first ``OPENING_WORDS`` folded words of ``summary`` that are not its repeated title
    (aggregators start the summary with the headline)."""
    words = fold(summary).split()
    head = normalize_title(title).split()
    if head and words[: len(head)] == head:
        words = words[len(head) :]
    return words[:OPENING_WORDS]


def fingerprint(
    title: str,
    summary: str,
    canonical_link: str | None = None,
    ignore: Iterable[str] | None = None,
    topics: Iterable[str] = (),
    *,
    filed: bool = True,
) -> Fingerprint:
    """The entry's fingerprint; ``canonical_link`` adds a bucket shared by every copy that
    links to the same article. With ``ignore`` (the topic terms the entry matched and its
    publisher, which never count as evidence), the event it reports is read too
    (``monitor.events``), about ``topics`` (those it matched). ``filed=False`` leaves the
    buckets out (a stored entry compared with a new one: only its words count)."""
    norm = normalize_title(title)
    words = norm.split()
    opening = opening_words(title, summary)
    shingles = frozenset(_shingles(opening)) if len(opening) >= MIN_OPENING_WORDS else frozenset()
    buckets = _buckets(norm, words, shingles, canonical_link) if filed else ()
    event = event_of(title, summary, ignore, topics) if ignore is not None else None
    return Fingerprint(norm, frozenset(words), shingles, buckets, event)


def _buckets(
    norm: str, words: Sequence[str], shingles: frozenset[str], canonical_link: str | None
) -> tuple[str, ...]:
    buckets = []
    if len(words) >= MIN_TITLE_WORDS:
        buckets.append(_bucket("t", norm))
    lsh_input = set(_shingles(words, 2)) | shingles
    if len(lsh_input) >= 4:
        buckets += _lsh_buckets(lsh_input)
    if canonical_link:
        buckets.append(_bucket("u", canonical_link))
    return tuple(buckets)


def similarity(a: Fingerprint, b: Fingerprint) -> tuple[float, float]:
    """(title, text) similarity of two entries, each 0..1: Jaccard of the normalized titles'
    word sets (0 when either title is shorter than ``MIN_TITLE_WORDS``) and of the opening
    texts' word 3-shingles (0 when either opening is shorter than ``MIN_OPENING_WORDS``)."""
    title = 0.0
    if min(len(a.title_words), len(b.title_words)) >= MIN_TITLE_WORDS:
        title = _jaccard(a.title_words, b.title_words)
    text = _jaccard(a.shingles, b.shingles) if a.shingles and b.shingles else 0.0
    return title, text


def same_story(a: Fingerprint, b: Fingerprint) -> tuple[float, str] | None:
    """(score, "title" | "text") when ``a`` and ``b`` are copies of one story, else None:
    titles at ``TITLE_THRESHOLD`` or openings at ``TEXT_THRESHOLD``; the higher margin wins."""
    title, text = similarity(a, b)
    passed = [
        (s, part)
        for s, part, t in ((title, "title", TITLE_THRESHOLD), (text, "text", TEXT_THRESHOLD))
        if s >= t
    ]
    return max(passed) if passed else None


def choose_story(
    entry: Fingerprint,
    members: Sequence[Member],
    canonical_link: str | None = None,
    times: tuple[datetime | None, datetime | None] = (None, None),
) -> StoryMatch | None:
    """The story ``entry`` joins among the candidates' ``members``, or None (a new story):
    the copy it is (``choose_copy``), else the member reporting the same event in other
    words (``choose_event``; ``times``: the entry's published and first-seen times). Ties
    go to the older story (lower id), so concurrent decisions converge.
    """
    copy = choose_copy(entry, members, canonical_link)
    if copy is not None or entry.event is None:
        return copy
    return choose_event(entry.event, members, times)


def choose_copy(
    entry: Fingerprint, members: Sequence[Member], canonical_link: str | None = None
) -> StoryMatch | None:
    """The story of which ``entry`` is a copy, or None: a member linking to the same
    canonical article decides first (score 1); then the member most like ``entry``
    (``same_story``). Ties go to the older story (lower id)."""
    same_link = [m for m in members if canonical_link and m.canonical_link == canonical_link]
    if same_link:
        m = min(same_link, key=lambda m: (m.story_id, m.entry_id or 0))
        reason = f"same canonical link as {_entry_name(m.entry_id)}"
        return StoryMatch(m.story_id, m.entry_id, 1.0, reason)
    best: tuple[tuple[float, int, int], StoryMatch] | None = None
    for member in members:
        found = same_story(entry, member.fingerprint)
        if found is None:
            continue
        score, part = found
        rank = (-score, member.story_id, member.entry_id or 0)
        if best is None or rank < best[0]:
            reason = f"similar {part} ({score:.2f}) to {_entry_name(member.entry_id)}"
            best = rank, StoryMatch(member.story_id, member.entry_id, round(score, 4), reason)
    return best[1] if best is not None else None


def choose_event(
    event: Event, members: Sequence[Member], times: tuple[datetime | None, datetime | None]
) -> StoryMatch | None:
    """The story whose member reports ``event`` with the highest score (``same_event``),
    among stories none of whose members disagrees with it (``events.conflict``)."""
    barred: set[int] = set()
    agreeing = []
    for m in members:  # each pair's conflict once: the busiest part of a busy topic's poll
        other = m.fingerprint.event
        if other is None or m.story_id in barred:
            continue
        if conflict(event, other) is not None:
            barred.add(m.story_id)
        else:
            agreeing.append((m, other))
    best: tuple[tuple[float, int, int], StoryMatch] | None = None
    for m, other in agreeing:
        if m.story_id in barred:
            continue
        found = same_event(event, other, times, m.times, agreed=True)
        if found is None:
            continue
        rank = (-found.score, m.story_id, m.entry_id or 0)
        if best is None or rank < best[0]:
            reason = f"same event as {_entry_name(m.entry_id)}: {found.describe(event, other)}"
            best = rank, StoryMatch(m.story_id, m.entry_id, found.score, reason)
    return best[1] if best else None


def judge_candidates(
    entry: Fingerprint,
    members: Sequence[Member],
    canonical_link: str | None = None,
    times: tuple[datetime | None, datetime | None] = (None, None),
) -> list[tuple[int, StoryMatch | None, str]]:
    """For each candidate story among ``members`` (by id): the match ``choose_story`` would
    make with that story alone, or None and why not, in words (for ``monitor explain``)."""
    by_story: dict[int, list[Member]] = {}
    for m in members:
        by_story.setdefault(m.story_id, []).append(m)
    verdicts = []
    for story, group in sorted(by_story.items()):
        match = choose_story(entry, group, canonical_link, times)
        verdicts.append((story, match, match.reason if match else _why_not(entry, group, times)))
    return verdicts


def _why_not(
    entry: Fingerprint, group: Sequence[Member], times: tuple[datetime | None, datetime | None]
) -> str:
    """Why ``entry`` joins no member of ``group``: not a copy, and the event rule's reason
    for the member that disagrees (which bars the story) or else the closest one."""
    event = entry.event
    if event is None:
        return "not a copy (no event read)"
    for m in group:
        other = m.fingerprint.event
        disagree = conflict(event, other) if other is not None else None
        if disagree is not None:
            return f"not a copy; {disagree} from {_entry_name(m.entry_id)}"
    reasons = [
        judge(event, m.fingerprint.event, times, m.times) for m in group if m.fingerprint.event
    ]
    text = [r for r in reasons if isinstance(r, str)]
    return f"not a copy; {text[0]}" if text else "not a copy, and no event read for its entries"


def _entry_name(entry_id: int | None) -> str:
    return f"entry {entry_id}" if entry_id is not None else "an earlier entry"


def _shingles(words: Sequence[str], size: int = 3) -> Iterable[str]:
    if len(words) < size:
        return [" ".join(words)] if words else []
    return (" ".join(words[i : i + size]) for i in range(len(words) - size + 1))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def _hash64(text: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    )


def _lsh_buckets(shingles: Iterable[str]) -> list[str]:
    """One bucket per band of a MinHash signature of ``BANDS`` × ``ROWS`` values, by
    one-permutation hashing: each shingle's hash picks a bin and competes for its minimum;
    an empty bin borrows the next filled bin's minimum with the distance (densification,
    Shrivastava and Li 2014), so two sets agree on a bin about as often as their Jaccard
    similarity."""
    bins = BANDS * ROWS
    lowest: list[int | None] = [None] * bins
    for s in shingles:
        h = _hash64(s)
        b, value = h % bins, h // bins
        current = lowest[b]
        if current is None or value < current:
            lowest[b] = value
    signature = [_densified(lowest, i) for i in range(bins)]
    return [
        _bucket(f"o{band}", *signature[band * ROWS : (band + 1) * ROWS]) for band in range(BANDS)
    ]


def _densified(lowest: list[int | None], i: int) -> str:
    for distance in range(len(lowest)):
        value = lowest[(i + distance) % len(lowest)]
        if value is not None:
            return f"{value}+{distance}" if distance else str(value)
    return ""


def _bucket(kind: str, *parts: str) -> str:
    digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8", "surrogatepass"), digest_size=12)
    return f"{FINGERPRINT_VERSION}{kind}:{digest.hexdigest()}"
