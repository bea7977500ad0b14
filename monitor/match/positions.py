"""Linear-time searches over word positions: phrases, prefixes and NEAR.

Contains no business logic: lists of words and ``(first word, one past the last word)``
spans in, positions and spans out. Every function here does work proportional to its
inputs plus its output (after sorting, which for the already-sorted runs these lists are
made of is close to linear too), never to their product: a hostile entry that repeats one
word thousands of times costs thousands of steps, not millions.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Collection, Iterator, Sequence
from operator import itemgetter

Span = tuple[int, int]  # first word, one past the last word

_end = itemgetter(1)


def phrase_starts(
    tokens: Sequence[str], candidates: Sequence[int], words: Sequence[str], prefix: bool
) -> list[int]:
    """Ascending positions ``i`` where ``tokens[i:]`` begins with ``words``.

    ``candidates``: ascending positions of ``words[0]`` (a superset is fine). ``prefix``: the
    last token need only start with the last word. ``words`` has at least two words. Checking
    each candidate costs up to ``len(words)`` steps, so when that could exceed one pass over
    ``tokens`` (a phrase of repeated words in a text of the same word), a Knuth-Morris-Pratt
    scan does it in ``len(tokens) + len(words)`` steps instead.
    """
    exact = list(words[:-1] if prefix else words)
    size = len(exact)
    if len(candidates) * size <= len(tokens):
        found = [i for i in candidates if tokens[i : i + size] == exact]
    else:
        found = list(_kmp(tokens, exact))
    if not prefix:
        return found
    last, limit = words[-1], len(tokens) - size
    return [i for i in found if i < limit and tokens[i + size].startswith(last)]


def _kmp(tokens: Sequence[str], pattern: list[str]) -> Iterator[int]:
    """Start of every (possibly overlapping) occurrence of ``pattern`` in ``tokens``."""
    fallback = [0] * len(pattern)  # longest proper border of pattern[: k + 1]
    k = 0
    for i in range(1, len(pattern)):
        while k and pattern[i] != pattern[k]:
            k = fallback[k - 1]
        if pattern[i] == pattern[k]:
            k += 1
        fallback[i] = k
    k = 0
    for i, token in enumerate(tokens):
        while k and token != pattern[k]:
            k = fallback[k - 1]
        if token == pattern[k]:
            k += 1
        if k == len(pattern):
            yield i - k + 1
            k = fallback[k - 1]


def prefix_range(vocabulary: Sequence[str], prefix: str) -> Sequence[str]:
    """The words of ``vocabulary`` (sorted, distinct) that start with ``prefix``.

    They sit side by side in sorted order, so two binary searches find them whatever the
    size of the vocabulary.
    """
    lo = bisect_left(vocabulary, prefix)
    # Every word starting with ``prefix`` sorts before ``prefix`` followed by the highest
    # code point, which no word contains (it is no letter or digit); nothing else between.
    hi = bisect_left(vocabulary, prefix + "\U0010ffff", lo)
    return vocabulary[lo:hi]


def near_reach(
    lefts: Collection[Span], rights: Collection[Span], distance: int, ordered: bool
) -> tuple[set[Span], set[Span]]:
    """The lefts and the rights that have a partner on the other side.

    A left ``a`` and a right ``b`` are partners when ``b`` starts at most ``distance`` words
    after ``a`` ends (``0 <= b[0] - a[1] <= distance``) or, unless ``ordered``, ``a`` starts at
    most ``distance`` words after ``b`` ends. Overlapping spans are never partners. Inputs:
    distinct spans in any order. Linear merges of the sorted lists, whatever ``distance``.
    """
    found_lefts, found_rights = _reach_following(lefts, rights, distance)
    if not ordered:
        more_rights, more_lefts = _reach_following(rights, lefts, distance)
        found_lefts |= more_lefts
        found_rights |= more_rights
    return found_lefts, found_rights


def _reach_following(
    firsts: Collection[Span], seconds: Collection[Span], distance: int
) -> tuple[set[Span], set[Span]]:
    """Firsts followed by a second within ``distance`` words, and seconds so preceded."""
    firsts_by_end = sorted(firsts, key=_end)
    seconds_by_start = sorted(seconds)
    ends = [end for _, end in firsts_by_end]
    starts = [start for start, _ in seconds_by_start]
    found_firsts = _reaching(firsts_by_end, ends, starts, 0, distance)
    found_seconds = _reaching(seconds_by_start, starts, ends, -distance, 0)
    return set(found_firsts), set(found_seconds)


def _reaching(
    items: list[Span], points: list[int], keys: list[int], low: int, high: int
) -> list[Span]:
    """The ``items[i]`` for which some key lies in ``[points[i] + low, points[i] + high]``.

    ``points`` and ``keys`` ascending: one pointer walks ``keys`` once for all the items.
    """
    found: list[Span] = []
    j, count = 0, len(keys)
    for item, point in zip(items, points, strict=True):
        while j < count and keys[j] < point + low:
            j += 1
        if j < count and keys[j] <= point + high:
            found.append(item)
    return found


def near_spans(
    lefts: Collection[Span], rights: Collection[Span], distance: int, ordered: bool, limit: int
) -> list[Span]:
    """The span from the first word to the last of each pair of partners (see ``near_reach``),
    distinct and ascending, at most ``limit`` of them.

    There may be about ``len(lefts) * distance`` pairs, so this stops at ``limit``; the pairs
    are taken in reading order of the earlier partner's last word.
    """
    if limit <= 0:
        return []
    streams = [_following(lefts, rights, distance)]
    if not ordered:
        streams.append(_following(rights, lefts, distance))
    found: dict[Span, None] = {}
    for _, span in heapq.merge(*streams, key=itemgetter(0)):
        found[span] = None
        if len(found) >= limit:
            break
    return sorted(found)


def _following(
    firsts: Collection[Span], seconds: Collection[Span], distance: int
) -> Iterator[tuple[int, Span]]:
    """``(end of first, joined span)`` for each first and each second starting at most
    ``distance`` words after it ends, by ascending end of the first."""
    seconds_by_start = sorted(seconds)
    count, j = len(seconds_by_start), 0
    for start, end in sorted(firsts, key=_end):
        while j < count and seconds_by_start[j][0] < end:
            j += 1
        k = j
        while k < count and seconds_by_start[k][0] <= end + distance:
            yield end, (start, seconds_by_start[k][1])
            k += 1
