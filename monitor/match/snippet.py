"""Turn the occurrences that made a topic match into a ``Match``: terms and a marked snippet.

Contains no business logic. Terms are quoted from the original text (original case, accents,
hyphens), in reading order, without repeats. The snippet is about ``SNIPPET_CHARS`` characters
of the original text around the first match, preferring the body (summary) over the title
because the title is shown anyway, with every match inside it marked ``**like this**`` (the
notifiers turn that marking into their channel's bold); whitespace is collapsed and cuts are
shown with ``…``. A match lists at most ``MAX_TERMS`` distinct terms (the first, in reading
order): an entry repeating a term in a thousand spellings would otherwise carry them all.
"""

from __future__ import annotations

from itertools import islice

from monitor.entry import Match
from monitor.match.document import Document, Occurrence

SNIPPET_CHARS = 200
MAX_TERMS = 50
_FIELD_ORDER = ("title", "summary", "party", "case", "court", "author", "source")
_PREFERRED = ("summary", "title", "party", "case", "court", "author", "source")

Span = tuple[int, int]


def build_match(topic: str, doc: Document, occurrences: list[Occurrence]) -> Match:
    """A Match for ``topic`` quoting ``occurrences`` (field, first word, end word) in ``doc``."""
    spans = _char_spans(doc, occurrences)
    order = sorted(spans, key=lambda key: _FIELD_ORDER.index(key))
    terms = [doc.raw[name][s:e] for name in order for s, e in spans[name]]
    field = next((name for name in _PREFERRED if name in spans), None)
    snippet = mark_snippet(doc.raw[field], spans[field]) if field else ""
    distinct = dict.fromkeys(" ".join(t.split()) for t in terms)
    return Match(topic, tuple(islice(distinct, MAX_TERMS)), snippet)


def _char_spans(doc: Document, occurrences: list[Occurrence]) -> dict[str, list[Span]]:
    """Character spans per field, sorted and merged where they overlap."""
    words: dict[str, set[tuple[int, int]]] = {}
    for name, first, end in occurrences:
        words.setdefault(name, set()).add((first, end))
    spans: dict[str, list[Span]] = {}
    for name, found in words.items():
        chars = doc.field(name).spans
        spans[name] = _merge([(chars[first][0], chars[end - 1][1]) for first, end in found])
    return spans


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(set(spans)):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mark_snippet(text: str, spans: list[Span], width: int = SNIPPET_CHARS) -> str:
    """About ``width`` characters of ``text`` around ``spans[0]``, spans marked ``**…**``."""
    spans = _merge(spans)
    lo, hi = _window(text, spans[0], width)
    pieces: list[str] = []
    cursor = lo
    for start, end in spans:
        if start < lo or end > hi:
            continue
        pieces += [text[cursor:start], "**", text[start:end], "**"]
        cursor = end
    pieces.append(text[cursor:hi])
    body = " ".join("".join(pieces).split())
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(text) else "")


def _window(text: str, span: Span, width: int) -> Span:
    """A window of about ``width`` characters holding ``span``, cut at spaces."""
    room = max(0, width - (span[1] - span[0]))
    lo = max(0, span[0] - room // 3)
    hi = min(len(text), span[1] + room - (span[0] - lo))
    lo = max(0, span[0] - (width - (hi - span[0]))) if hi == len(text) else lo
    if lo > 0:
        space = text.find(" ", lo, span[0])
        lo = space + 1 if space >= 0 else lo
    if hi < len(text):
        space = text.rfind(" ", span[1], hi)
        hi = space if space >= 0 else hi
    return lo, hi
