"""Compiled query nodes: how each operator tests a ``Document``.

Contains no business logic. Positional nodes (terms, OR-groups of them, NEAR) also report
*where* they occur, as ``(field, first word, one past the last word)``, which NEAR, the
matched terms and the snippet use. ``evidence`` lists the occurrences that made a true node
true (nothing under NOT), for highlighting.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitor.match.document import Document, FieldText, Occurrence


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
        tokens = text.cased if self.case_sensitive else text.words
        last = len(words) - 1
        if last == 0 and self.prefix:
            return [i for i, token in enumerate(tokens) if token.startswith(words[0])]
        starts = text.index.get(words[0].casefold() if self.case_sensitive else words[0], [])
        return [i for i in starts if self._fits(tokens, i, words, last)]

    def _fits(self, tokens: list[str], start: int, words: tuple[str, ...], last: int) -> bool:
        if start + last >= len(tokens):
            return False
        for offset, word in enumerate(words):
            token = tokens[start + offset]
            if not (token.startswith(word) if offset == last and self.prefix else token == word):
                return False
        return True

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
    """At most ``distance`` words between ``left`` and ``right`` (``ordered``: left first)."""

    label: str
    left: Node
    right: Node
    distance: int
    ordered: bool

    def pairs(self, doc: Document) -> list[tuple[Occurrence, Occurrence]]:
        rights = _occurs(self.right, doc)
        if not rights:
            return []
        return [(a, b) for a in _occurs(self.left, doc) for b in rights if self._close(a, b)]

    def _close(self, a: Occurrence, b: Occurrence) -> bool:
        if a[0] != b[0]:
            return False
        if 0 <= b[1] - a[2] <= self.distance:
            return True
        return not self.ordered and 0 <= a[1] - b[2] <= self.distance

    def occurs(self, doc: Document) -> list[Occurrence]:
        return [(a[0], min(a[1], b[1]), max(a[2], b[2])) for a, b in self.pairs(doc)]

    def test(self, doc: Document) -> bool:
        return bool(self.pairs(doc))

    def evidence(self, doc: Document) -> list[Occurrence]:
        return [occ for pair in self.pairs(doc) for occ in pair]


Node = TermNode | AndNode | OrNode | NotNode | NearNode


def _occurs(node: Node, doc: Document) -> list[Occurrence]:
    if isinstance(node, AndNode | NotNode):  # the parser keeps these out of NEAR
        raise TypeError(f"{node.label} has no position")
    return node.occurs(doc)
