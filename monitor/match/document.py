"""One entry's text prepared for matching, shared by every topic evaluated on it.

Contains no business logic. ``Document`` folds the whole entry once for the prefilter and
splits a field into words only when a topic first asks for that field; word lists, the
word → positions index, the sorted vocabulary and each positional node's result are cached,
so adding topics adds little.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

from monitor.entry import Entry
from monitor.match.normalize import fold, fold_cased, strip_html, word_spans
from monitor.match.positions import prefix_range

Occurrence = tuple[str, int, int]  # field, first word, one past the last word


class FieldText:
    """A field's original text, its word spans and folded words (and cased words on demand)."""

    __slots__ = ("_cased", "_cased_index", "_index", "_vocabulary", "spans", "text", "words")

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans = word_spans(text)
        if text.isascii():
            lower = text.lower()
            self.words = [lower[s:e] for s, e in self.spans]
        else:
            self.words = [fold(text[s:e]) for s, e in self.spans]
        self._index: dict[str, list[int]] | None = None
        self._cased: list[str] | None = None
        self._cased_index: dict[str, list[int]] | None = None
        self._vocabulary: dict[bool, list[str]] = {}

    @property
    def index(self) -> dict[str, list[int]]:
        """Folded word → its positions, in order."""
        if self._index is None:
            self._index = _positions(self.words)
        return self._index

    @property
    def cased(self) -> list[str]:
        """Words with accents folded but letter case kept, for case-sensitive terms."""
        if self._cased is None:
            self._cased = [fold_cased(self.text[s:e]) for s, e in self.spans]
        return self._cased

    @property
    def cased_index(self) -> dict[str, list[int]]:
        """Cased word → its positions, in order."""
        if self._cased_index is None:
            self._cased_index = _positions(self.cased)
        return self._cased_index

    def prefixed(self, prefix: str, *, cased: bool = False) -> list[int]:
        """Ascending positions of the words starting with ``prefix`` (folded, or only
        accent-folded when ``cased``): found in the sorted vocabulary, not by a scan."""
        index = self.cased_index if cased else self.index
        vocabulary = self._vocabulary.get(cased)
        if vocabulary is None:
            vocabulary = self._vocabulary[cased] = sorted(index)
        found = [index[word] for word in prefix_range(vocabulary, prefix)]
        return found[0] if len(found) == 1 else sorted(chain.from_iterable(found))


def _positions(words: list[str]) -> dict[str, list[int]]:
    """Each word → its positions, ascending."""
    index: dict[str, list[int]] = {}
    for pos, word in enumerate(words):
        index.setdefault(word, []).append(pos)
    return index


def entry_fields(entry: Entry, source: str, *, html: bool = False) -> dict[str, str]:
    """The text of each field scope for ``entry``; ``html``: strip markup first."""
    extra: dict[str, Any] = entry.extra or {}
    fields = {
        "title": entry.title or "",
        "summary": entry.summary or "",
        "source": source,
        "author": "\n".join(entry.authors),
        "case": str(extra.get("case_number") or ""),
        "court": str(extra.get("court") or ""),
        "party": _parties(extra),
    }
    if html:
        fields = {name: strip_html(text) for name, text in fields.items()}
    return fields


def _parties(extra: dict[str, Any]) -> str:
    """A docket entry's case name, and each defendant's where per-defendant copies of the
    filing were merged (``[number, case name]`` pairs): ``party:`` sees them all."""
    names = [str(extra.get("case_name") or "")]
    names += [str(d[1]) for d in extra.get("defendants") or () if len(d) > 1 and d[1]]
    return "\n".join(dict.fromkeys(n for n in names if n))


class Document:
    """An entry being matched: lazily split fields and a cache of positional results."""

    __slots__ = ("_fields", "_prefilter", "hits", "joined", "occurrences", "raw")

    def __init__(self, entry: Entry, source: str = "", *, html: bool = False) -> None:
        self.raw = entry_fields(entry, source, html=html)
        self._fields: dict[str, FieldText] = {}
        self._prefilter: str | None = None
        # Keyed by id(compiled node): a term's occurrences, a NEAR's evidence; and a NEAR's
        # joined spans (what an enclosing NEAR sees of it).
        self.occurrences: dict[int, list[Occurrence]] = {}
        self.joined: dict[int, list[Occurrence]] = {}
        # Prefilter literals found in the folded text, when a prefilter ran: a term whose
        # literal is missing cannot occur, so it is not looked for.
        self.hits: set[str] | None = None

    @property
    def prefilter_text(self) -> str:
        """Every field folded and joined: contains the fold of each word of the entry."""
        if self._prefilter is None:
            self._prefilter = fold("\n".join(self.raw.values()))
        return self._prefilter

    def field(self, name: str) -> FieldText:
        found = self._fields.get(name)
        if found is None:
            found = self._fields[name] = FieldText(self.raw[name])
        return found
