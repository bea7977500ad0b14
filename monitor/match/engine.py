"""Compile a configured topic into matcher nodes, and match one topic against one entry.

Contains no storage or config access: a ``Topic`` in, a ``CompiledTopic`` out, built once per
config load. A ``terms:`` topic is the OR of its terms, each a literal phrase, with literal
``exclude:`` phrases; a ``query:`` topic parses its query and each ``exclude:`` item as queries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import product
from typing import TYPE_CHECKING

from monitor.entry import Entry, Match
from monitor.match.document import Document
from monitor.match.frequent import FREQUENT_WORDS
from monitor.match.nodes import AndNode, NearNode, Node, NotNode, OrNode, TermNode
from monitor.match.normalize import fold, split_words, term_words
from monitor.match.parser import format_query, parse_query
from monitor.match.query import (
    DEFAULT_FIELDS,
    Alias,
    And,
    Not,
    Or,
    Query,
    QuerySyntaxError,
    Term,
)
from monitor.match.snippet import build_match

if TYPE_CHECKING:  # a parse worker runs this without the config models (pydantic)
    from monitor.config import Topic

MAX_JOINED = 5  # hyphenated words closed up in the text (TonThat): at most 16 variants


@dataclass(frozen=True)
class CompiledTopic:
    """A topic ready to match: the include node, exclusion nodes and prefilter literals.

    ``literals``: if none of these occurs in the folded entry text, the topic cannot match.
    """

    name: str
    include: Node
    excludes: tuple[Node, ...]
    exclude_labels: tuple[str, ...]
    literals: frozenset[str]


def compile_topic(topic: Topic) -> CompiledTopic:
    """Compile ``topic``. Raises QuerySyntaxError naming the key (``query``, ``exclude[1]``…)."""
    if topic.query is not None:
        include = _compile_text(topic.query, topic.aliases, "query")
        excludes = [
            _compile_text(text, topic.aliases, f"exclude[{i}]")
            for i, text in enumerate(topic.exclude)
        ]
    else:
        include = _literal_or(topic.terms, "terms")
        excludes = [_literal_or([text], f"exclude[{i}]") for i, text in enumerate(topic.exclude)]
    literals = required_literals(include)
    if not literals:
        query = topic.query or ""
        raise QuerySyntaxError("the query needs a word that must appear", query, 0)
    return CompiledTopic(topic.name, include, tuple(excludes), tuple(topic.exclude), literals)


def _compile_text(text: str, aliases: Mapping[str, list[str]], where: str) -> Node:
    try:
        usable = {name for name, phrases in aliases.items() if phrases}
        return compile_query(parse_query(text, usable), aliases)
    except QuerySyntaxError as exc:
        raise (exc.located(where) if exc.where == "query" else exc) from None


def _literal_or(texts: list[str], where: str) -> Node:
    if not texts:
        raise QuerySyntaxError("a topic needs a query or at least one term", "", 0, where)
    items: list[Node] = []
    for i, text in enumerate(texts):
        if not split_words(text):
            key = f"{where}[{i}]" if where == "terms" else where
            raise QuerySyntaxError("a term needs at least one letter or digit", text, 0, key)
        items.append(compile_term(Term(text)))
    return items[0] if len(items) == 1 else OrNode("OR", tuple(items))


def compile_query(node: Query, aliases: Mapping[str, list[str]] | None = None) -> Node:
    """Matcher nodes for a parsed query; ``@alias`` expands to the OR of its phrases."""
    if isinstance(node, Term):
        return compile_term(node)
    if isinstance(node, Alias):
        return _compile_alias(node, aliases or {})
    if isinstance(node, And):
        return AndNode("AND", tuple(compile_query(item, aliases) for item in node.items))
    if isinstance(node, Or):
        return OrNode("OR", tuple(compile_query(item, aliases) for item in node.items))
    if isinstance(node, Not):
        return NotNode("NOT", compile_query(node.item, aliases))
    left, right = compile_query(node.left, aliases), compile_query(node.right, aliases)
    label = f"{'O' if node.ordered else ''}NEAR/{node.distance}"
    return NearNode(label, left, right, node.distance, node.ordered)


def _compile_alias(alias: Alias, aliases: Mapping[str, list[str]]) -> Node:
    phrases = aliases.get(alias.name)
    if not phrases:  # parse_query already rejects unknown names when given the aliases
        raise QuerySyntaxError(f"alias @{alias.name} is undefined or empty", alias.name, 0)
    label = format_query(alias)
    terms: list[Node] = []
    for phrase in phrases:
        if not split_words(phrase):
            where = f"aliases.{alias.name}"
            raise QuerySyntaxError("a phrase needs at least one letter or digit", phrase, 0, where)
        term = compile_term(Term(phrase, field=alias.field))
        terms.append(TermNode(f"{label}: {term.label}", *_term_parts(term)))
    return OrNode(label, tuple(terms))


def _term_parts(
    term: TermNode,
) -> tuple[tuple[tuple[str, ...], ...], bool, bool, tuple[str, ...], str]:
    return term.variants, term.prefix, term.case_sensitive, term.fields, term.literal


def compile_term(term: Term) -> TermNode:
    """A term node: its word sequences, fields and prefilter literal."""
    words, hyphens = term_words(term.text, cased=term.case_sensitive)
    fields = (term.field,) if term.field else DEFAULT_FIELDS
    literal = pick_literal(words)
    variants = joined_variants(words, hyphens)
    return TermNode(format_query(term), variants, term.prefix, term.case_sensitive, fields, literal)


def pick_literal(words: tuple[str, ...]) -> str:
    """The folded word of a term the prefilter looks for: the longest infrequent one."""
    folded = [fold(word) for word in words]
    return max(folded, key=lambda word: (word not in FREQUENT_WORDS, len(word)))


def joined_variants(
    words: tuple[str, ...], hyphens: tuple[bool, ...]
) -> tuple[tuple[str, ...], ...]:
    """``words`` and every way of closing up hyphenated neighbours: (ton, that) → (tonthat,).

    ``hyphens[i]``: words ``i`` and ``i + 1`` were joined by a hyphen in the query.
    """
    joinable = [i for i, hyphen in enumerate(hyphens) if hyphen][: MAX_JOINED - 1]
    variants = []
    for choice in product((False, True), repeat=len(joinable)):
        closed = {i for i, join in zip(joinable, choice, strict=True) if join}
        parts = [words[0]]
        for i, word in enumerate(words[1:]):
            if i in closed:
                parts[-1] += word
            else:
                parts.append(word)
        variants.append(tuple(parts))
    return tuple(variants)


def required_literals(node: Node) -> frozenset[str]:
    """Literals of which at least one occurs whenever ``node`` is true (empty: unknown)."""
    if isinstance(node, TermNode):
        return frozenset((node.literal,))
    if isinstance(node, OrNode):
        sets = [required_literals(item) for item in node.items]
        return frozenset().union(*sets) if all(sets) else frozenset()
    if isinstance(node, NotNode):
        return frozenset()
    items = node.items if isinstance(node, AndNode) else (node.left, node.right)
    sets = [s for s in (required_literals(item) for item in items) if s]
    return max(sets, key=_selectivity, default=frozenset())


def term_literals(node: Node) -> set[str]:
    """The literal of every term under ``node`` (the prefilter must report them all)."""
    if isinstance(node, TermNode):
        return {node.literal}
    if isinstance(node, NotNode):
        return term_literals(node.item)
    items = (node.left, node.right) if isinstance(node, NearNode) else node.items
    return set().union(*(term_literals(item) for item in items))


def _selectivity(literals: frozenset[str]) -> tuple[int, int]:
    """Prefer sets whose shortest literal is longest (rarer), then smaller sets."""
    return min(len(word) for word in literals), -len(literals)


def evaluate(topic: CompiledTopic, doc: Document) -> Match | None:
    """The Match of ``topic`` on a prepared document, or None."""
    if not topic.include.test(doc):
        return None
    if any(node.test(doc) for node in topic.excludes):
        return None
    return build_match(topic.name, doc, topic.include.evidence(doc))


def match_entry(topic: CompiledTopic, entry: Entry, source: str = "") -> Match | None:
    """The Match of ``topic`` on ``entry`` (plain text fields) from source ``source``, or None."""
    return evaluate(topic, Document(entry, source))
