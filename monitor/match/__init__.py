"""Topic matching: compiled topic in, Match (terms + snippet) or None out.

Pure: no storage, no config globals. Build a CompiledTopic once per config load.
This first version treats a topic as a list of literal terms and phrases with an exclusion
list; matching ignores case and accents and respects word boundaries.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from monitor.config import Topic
from monitor.entry import Entry, Match


def fold(text: str) -> str:
    """Lower-case and strip accents, keeping string length stable enough for snippets."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _alternation(terms: list[str]) -> re.Pattern[str] | None:
    if not terms:
        return None
    parts = [r"\s+".join(re.escape(w) for w in fold(t).split()) for t in terms if t.strip()]
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)")


@dataclass(frozen=True)
class CompiledTopic:
    name: str
    include: re.Pattern[str] | None
    exclude: re.Pattern[str] | None


def compile_topic(topic: Topic) -> CompiledTopic:
    """Compile a topic's terms and exclusions into matchers."""
    return CompiledTopic(topic.name, _alternation(topic.terms), _alternation(topic.exclude))


def _snippet(text: str, start: int, end: int, width: int = 80) -> str:
    lo, hi = max(0, start - width), min(len(text), end + width)
    return ("…" if lo else "") + text[lo:hi].strip() + ("…" if hi < len(text) else "")


def match_entry(topic: CompiledTopic, entry: Entry, source_name: str = "") -> Match | None:
    """Return the Match of ``topic`` on ``entry`` (title and summary), or None."""
    if topic.include is None:
        return None
    text = f"{entry.title}\n{entry.summary}"
    folded = fold(text)
    if topic.exclude is not None and topic.exclude.search(folded):
        return None
    found = list(topic.include.finditer(folded))
    if not found:
        return None
    terms = tuple(dict.fromkeys(m.group(0) for m in found))
    first = found[0]
    return Match(topic.name, terms, _snippet(folded, first.start(), first.end()))
