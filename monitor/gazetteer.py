"""Places, bodies and roles named in folded text, found with one Aho-Corasick automaton.

Pure and fast: every phrase of ``monitor.lexicon``'s places, bodies and roles is found in
one pass over the text (pyahocorasick, already used by topic matching), on word
boundaries, longest first at each position and left to right. Contains no business logic:
``monitor.particulars`` decides what the matches mean (nationality phrases, datelines,
parties).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import ahocorasick

from monitor import lexicon as lx


@dataclass(frozen=True)
class Found:
    """A phrase of the lexicon in the text: ``kind`` "place" (``value`` a place code),
    "body" (``value`` "kind@place" or a bare kind) or "role"; its span."""

    kind: str
    value: str
    start: int
    end: int


@functools.cache
def _automaton() -> ahocorasick.Automaton:
    entries: dict[str, tuple[str, str]] = {}
    for phrase, (kind, place) in lx.BODIES.items():
        entries.setdefault(phrase, ("body", f"{kind}@{place}" if place else kind))
    for phrase in lx.DPA_WORDS:
        entries.setdefault(phrase, ("body", "dpa"))
    for code, names in lx.COUNTRIES.items():
        for name in with_plurals(names):
            entries.setdefault(name, ("place", code))
    for code, names in lx.US_STATES.items():
        for name in with_plurals(names):
            entries.setdefault(name, ("place", f"US-{code}"))
    for name, code in lx.US_STATE_NICKNAMES.items():
        entries.setdefault(name, ("place", f"US-{code}"))
    for country, provinces in lx.PROVINCES.items():
        for code, names in provinces.items():
            for name in with_plurals(names):
                entries.setdefault(name, ("place", f"{country}-{code}"))
    for city, code in lx.CITIES.items():
        entries.setdefault(city, ("place", f"{code}-{re.sub(r'[^a-z]+', '_', city)}"))
    for phrase, role in lx.ROLES.items():
        entries.setdefault(phrase, ("role", role))
    automaton = ahocorasick.Automaton()
    for phrase, (kind, value) in entries.items():
        automaton.add_word(phrase, (len(phrase), kind, value))
    automaton.make_automaton()
    return automaton


def with_plurals(names: tuple[str, ...]) -> list[str]:
    """A place's names, and the plural of each of its demonyms in "-an" ("texan": "texans",
    "brazilian": "brazilians"); the first name is the place's own ("oman", "japan")."""
    return [*names, *(n + "s" for n in names[1:] if n.endswith("an"))]


def find(folded: str) -> list[Found]:
    """Every lexicon phrase in ``folded`` on word boundaries: at each position the longest,
    left to right, none overlapping another."""
    candidates = []
    for end, (length, kind, value) in _automaton().iter(folded):
        start = end - length + 1
        if _boundary(folded, start - 1) and _boundary(folded, end + 1):
            candidates.append((start, -length, kind, value))
    candidates.sort()
    found: list[Found] = []
    for start, neg, kind, value in candidates:
        if found and start < found[-1].end:
            continue
        found.append(Found(kind, value, start, start - neg))
    return found


def _boundary(text: str, i: int) -> bool:
    """True when position ``i`` is outside ``text`` or not a word character."""
    return i < 0 or i >= len(text) or not (text[i].isalnum() or text[i] == "_")
