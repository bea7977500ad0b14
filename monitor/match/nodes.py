"""Compiled query nodes: how each operator tests a ``Document``.

Contains no business logic. Positional nodes (terms, OR-groups of them, NEAR) also report
*where* they occur, as ``(field, first word, one past the last word)``, which NEAR, the
matched terms and the snippet use. ``evidence`` lists the occurrences that made a true node
true (nothing under NOT), for highlighting. Each node's work on an entry is linear in the
entry's length (the searches live in ``positions``); results are cached on the Document.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitor.match.document import Document, FieldText, Occurrence
from monitor.match.positions import Span, near_reach, near_spans, phrase_starts

# Spans of pairs a NEAR hands to an enclosing NEAR (``a NEAR/5 b NEAR/5 c``) or to explain,
# per entry. Text has this many pairs only when it repeats the words hundreds of times.
MAX_JOINED_SPANS = 1_000


@dataclass(frozen=True, eq=False)
class TermNode:
    """A word or phrase; ``variants`` are its word sequences (Ton-That → ton that, tonthat)."""

    label: str
    variants: tuple[tuple[str, ...], ...]
    prefix: bool
    case_sensitive: bool
    fields: tuple[str, ...]
    literal: str  # folded longest word: occurs in the folded text whenever the term does

    def occurs(self, doc: Document) -> list[Occurrence]:
        if doc.hits is not None and self.literal not in doc.hits:
            return []
        found = doc.occurrences.get(id(self))
        if found is None:
            found = doc.occurrences[id(self)] = [
                (name, start, start + len(words))
                for name in self.fields
                for words in self.variants
                for start in self._starts(doc.field(name), words)
            ]
        return found

    def _starts(self, text: FieldText, words: tuple[str, ...]) -> list[int]:
        """Ascending positions where ``words`` (one variant) starts in ``text``."""
        if len(words) == 1 and self.prefix:
            return text.prefixed(words[0], cased=self.case_sensitive)
        index = text.cased_index if self.case_sensitive else text.index
        starts = index.get(words[0], [])
        if len(words) == 1:
            return starts
        tokens = text.cased if self.case_sensitive else text.words
        return phrase_starts(tokens, starts, words, self.prefix)

    def test(self, doc: Document) -> bool:
        hits = doc.hits
        return (hits is None or self.literal in hits) and bool(self.occurs(doc))

    def evidence(self, doc: Document) -> list[Occurrence]:
        return self.occurs(doc)


@dataclass(frozen=True, eq=False)
class AndNode:
    label: str
    items: tuple[Node, ...]

    def test(self, doc: Document) -> bool:
        return all(item.test(doc) for item in self.items)

    def evidence(self, doc: Document) -> list[Occurrence]:
        return [occ for item in self.items for occ in item.evidence(doc)]


@dataclass(frozen=True, eq=False)
class OrNode:
    label: str
    items: tuple[Node, ...]

    def test(self, doc: Document) -> bool:
        return any(item.test(doc) for item in self.items)

    def occurs(self, doc: Document) -> list[Occurrence]:
        return [occ for item in self.items for occ in _occurs(item, doc)]

    def evidence(self, doc: Document) -> list[Occurrence]:
        return [occ for item in self.items if item.test(doc) for occ in item.evidence(doc)]


@dataclass(frozen=True, eq=False)
class NotNode:
    label: str
    item: Node

    def test(self, doc: Document) -> bool:
        return not self.item.test(doc)

    def evidence(self, doc: Document) -> list[Occurrence]:
        return []


@dataclass(frozen=True, eq=False)
class NearNode:
    """At most ``distance`` words between ``left`` and ``right`` (``ordered``: left first).

    Evidence: the occurrences of either side that have a partner on the other, found by
    linear merges (``positions.near_reach``). Occurrences: one span per pair of partners,
    from the first word to the last, which an enclosing NEAR matches against; there can be
    about ``distance`` times more pairs than words, so at most ``MAX_JOINED_SPANS`` are kept.
    """

    label: str
    left: Node
    right: Node
    distance: int
    ordered: bool

    def occurs(self, doc: Document) -> list[Occurrence]:
        found = doc.joined.get(id(self))
        if found is None:
            found = doc.joined[id(self)] = self._joined(doc)
        return found

    def _joined(self, doc: Document) -> list[Occurrence]:
        if not self.test(doc):
            return []
        found: list[Occurrence] = []
        for name, lefts, rights in self._sides(doc):
            room = MAX_JOINED_SPANS - len(found)
            spans = near_spans(lefts, rights, self.distance, self.ordered, room)
            found += [(name, start, end) for start, end in spans]
            if len(found) >= MAX_JOINED_SPANS:
                break
        return found

    def test(self, doc: Document) -> bool:
        return bool(self.evidence(doc))

    def evidence(self, doc: Document) -> list[Occurrence]:
        found = doc.occurrences.get(id(self))
        if found is None:
            found = doc.occurrences[id(self)] = [
                (name, start, end)
                for name, lefts, rights in self._sides(doc)
                for side in near_reach(lefts, rights, self.distance, self.ordered)
                for start, end in side
            ]
        return found

    def _sides(self, doc: Document) -> list[tuple[str, set[Span], set[Span]]]:
        """Per field holding both sides: the distinct spans of the left and of the right."""
        rights = _by_field(_occurs(self.right, doc))
        if not rights:
            return []
        lefts = _by_field(_occurs(self.left, doc))
        return [(name, spans, rights[name]) for name, spans in lefts.items() if name in rights]


Node = TermNode | AndNode | OrNode | NotNode | NearNode


def _by_field(occurrences: list[Occurrence]) -> dict[str, set[Span]]:
    """The distinct spans of ``occurrences`` per field, fields in order of first appearance."""
    fields: dict[str, set[Span]] = {}
    for name, start, end in occurrences:
        fields.setdefault(name, set()).add((start, end))
    return fields


def _occurs(node: Node, doc: Document) -> list[Occurrence]:
    if isinstance(node, AndNode | NotNode):  # the parser keeps these out of NEAR
        raise TypeError(f"{node.label} has no position")
    return node.occurs(doc)
