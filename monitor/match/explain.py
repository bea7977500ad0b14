"""Why a topic did or did not match an entry: a tree of clauses with their truth values.

Contains no business logic beyond re-running the matcher: ``explain`` evaluates every clause
(no short cut), records what each found, and which exclusion, if any, vetoed the match.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitor.entry import Entry, Match
from monitor.match.document import Document
from monitor.match.engine import CompiledTopic, evaluate
from monitor.match.nodes import AndNode, NearNode, Node, NotNode, TermNode


@dataclass(frozen=True)
class Clause:
    """One node of the query: its label, whether it held, what it found, its sub-clauses."""

    label: str
    value: bool
    found: tuple[str, ...] = ()
    children: tuple[Clause, ...] = ()

    def lines(self, depth: int = 0) -> list[str]:
        mark = "yes" if self.value else "no "
        found = f"  found: {', '.join(repr(f) for f in self.found)}" if self.found else ""
        own = f"{'  ' * depth}[{mark}] {self.label}{found}"
        return [own, *(line for child in self.children for line in child.lines(depth + 1))]


@dataclass(frozen=True)
class Explanation:
    """The verdict for one topic on one entry, the include tree and each exclusion's tree."""

    topic: str
    matched: bool
    include: Clause
    exclusions: tuple[Clause, ...]
    fired: tuple[str, ...]  # labels of the exclusions that held (any one vetoes)
    match: Match | None

    def render(self) -> str:
        """Indented plain text: verdict, then the query tree, then the exclusions."""
        verdict = "MATCHES" if self.matched else "does not match"
        lines = [f"topic {self.topic}: {verdict}", "query:", *self.include.lines(1)]
        if self.exclusions:
            lines.append("exclusions:")
            lines += [line for clause in self.exclusions for line in clause.lines(1)]
        if self.fired:
            lines.append(f"vetoed by: {'; '.join(self.fired)}")
        if self.match is not None:
            lines += [f"terms: {', '.join(self.match.terms)}", f"snippet: {self.match.snippet}"]
        return "\n".join(lines)


def explain(
    topic: CompiledTopic, entry: Entry, source: str = "", *, html: bool = False
) -> Explanation:
    """Explain ``topic`` on ``entry``; ``html``: the fields are raw HTML, strip them first."""
    doc = Document(entry, source, html=html)
    include = _clause(topic.include, doc)
    exclusions = tuple(
        _clause(node, doc, label)
        for node, label in zip(topic.excludes, topic.exclude_labels, strict=True)
    )
    fired = tuple(f"exclude[{i}]: {c.label}" for i, c in enumerate(exclusions) if c.value)
    match = evaluate(topic, doc)
    return Explanation(topic.name, match is not None, include, exclusions, fired, match)


def _clause(node: Node, doc: Document, label: str | None = None) -> Clause:
    label = label or node.label
    if isinstance(node, TermNode):
        found = tuple(_quote(doc, occ) for occ in node.occurs(doc))
        return Clause(label, bool(found), tuple(dict.fromkeys(found)))
    if isinstance(node, NotNode):
        return Clause(label, node.test(doc), (), (_clause(node.item, doc),))
    if isinstance(node, NearNode):
        children = (_clause(node.left, doc), _clause(node.right, doc))
        pairs = tuple(dict.fromkeys(_quote(doc, occ) for occ in node.occurs(doc)))
        return Clause(label, node.test(doc), pairs, children)
    kids = tuple(_clause(item, doc) for item in node.items)
    value = all(k.value for k in kids) if isinstance(node, AndNode) else any(k.value for k in kids)
    return Clause(label, value, (), kids)


def _quote(doc: Document, occurrence: tuple[str, int, int]) -> str:
    name, first, end = occurrence
    text = doc.field(name)
    quoted = " ".join(doc.raw[name][text.spans[first][0] : text.spans[end - 1][1]].split())
    return f"{name}: {quoted}"
