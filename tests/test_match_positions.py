"""The linear position searches (monitor.match.positions) and the NEAR built on them agree
with the obvious pairwise definitions, on random positions, word lists, texts and queries."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.entry import Entry
from monitor.match import compile_query, parse_query
from monitor.match.document import Document, Occurrence
from monitor.match.nodes import MAX_JOINED_SPANS, NearNode, Node, OrNode, TermNode
from monitor.match.positions import (
    Span,
    near_reach,
    near_spans,
    phrase_starts,
    prefix_range,
)
from monitor.match.snippet import build_match

Pair = tuple[Span, Span]

spans = st.sets(
    st.tuples(st.integers(0, 30), st.integers(1, 3)).map(lambda p: (p[0], p[0] + p[1])),
    max_size=12,
)
distances = st.integers(0, 6)


def close(a: Span, b: Span, distance: int, ordered: bool) -> bool:
    """The definition: ``b`` starts at most ``distance`` words after ``a`` ends, or the
    reverse when unordered; overlapping spans are never close."""
    if 0 <= b[0] - a[1] <= distance:
        return True
    return not ordered and 0 <= a[0] - b[1] <= distance


def pairs(lefts: set[Span], rights: set[Span], distance: int, ordered: bool) -> list[Pair]:
    return [(a, b) for a in lefts for b in rights if close(a, b, distance, ordered)]


@given(spans, spans, distances, st.booleans())
def test_near_reach_finds_exactly_the_spans_with_a_partner(
    lefts: set[Span], rights: set[Span], distance: int, ordered: bool
) -> None:
    found = pairs(lefts, rights, distance, ordered)
    expected = ({a for a, _ in found}, {b for _, b in found})
    assert near_reach(lefts, rights, distance, ordered) == expected


@given(spans, spans, distances, st.booleans(), st.integers(0, 20))
def test_near_spans_joins_each_pair_up_to_the_limit(
    lefts: set[Span], rights: set[Span], distance: int, ordered: bool, limit: int
) -> None:
    found = pairs(lefts, rights, distance, ordered)
    joined = {(min(a[0], b[0]), max(a[1], b[1])) for a, b in found}
    assert near_spans(lefts, rights, distance, ordered, 10_000) == sorted(joined)
    kept = near_spans(lefts, rights, distance, ordered, limit)
    assert kept == sorted(kept) and set(kept) <= joined
    assert len(kept) == min(limit, len(joined))


tokens = st.lists(st.sampled_from(["a", "b", "ab", "abc"]), max_size=40)
phrases = st.lists(st.sampled_from(["a", "b", "ab"]), min_size=2, max_size=6)


def naive_starts(tokens: list[str], words: list[str], prefix: bool) -> list[int]:
    def fits(i: int) -> bool:
        if i + len(words) > len(tokens):
            return False
        *head, last = words
        if tokens[i : i + len(head)] != head:
            return False
        token = tokens[i + len(head)]
        return token.startswith(last) if prefix else token == last

    return [i for i in range(len(tokens)) if fits(i)]


@given(tokens, phrases, st.booleans())
def test_phrase_starts_agrees_with_a_check_at_every_position(
    tokens: list[str], words: list[str], prefix: bool
) -> None:
    expected = naive_starts(tokens, words, prefix)
    first = [i for i, token in enumerate(tokens) if token == words[0]]
    assert phrase_starts(tokens, first, words, prefix) == expected
    # Every position as a candidate: more checks than one pass, so the KMP scan runs.
    assert phrase_starts(tokens, range(len(tokens)), words, prefix) == expected


@given(st.sets(st.text("abé", max_size=4)), st.text("abé", max_size=3))
def test_prefix_range_is_every_word_with_the_prefix(words: set[str], prefix: str) -> None:
    found = prefix_range(sorted(words), prefix)
    assert list(found) == sorted(w for w in words if w.startswith(prefix))


# Whole queries on whole documents: the NEAR nodes against the pairwise definition applied
# to naively found term occurrences, and the hit (terms, snippet) built from that evidence.

words = st.sampled_from(["a", "A", "b", "ab", "Ab", "abc", "x"])
texts = st.lists(words, max_size=30).map(" ".join)
leaves = st.sampled_from(["a", "b", '"a b"', "ab*", '"a ab*"', "=A", "=Ab*", "a-b", "x"])


def near_queries(depth: int) -> st.SearchStrategy[str]:
    if depth == 0:
        return leaves
    side = near_queries(depth - 1)
    group = st.lists(side, min_size=2, max_size=3).map(lambda items: f"({' OR '.join(items)})")
    operand = st.one_of(side, group)
    op = st.tuples(st.sampled_from(["NEAR", "ONEAR"]), st.integers(0, 4))
    return st.tuples(operand, op, operand).map(lambda q: f"({q[0]} {q[1][0]}/{q[1][1]} {q[2]})")


def naive_occurs(node: Node, doc: Document) -> list[Occurrence]:
    """Occurrences as first defined: each term checked at every position, each NEAR
    joining every close pair of its sides' occurrences."""
    if isinstance(node, TermNode):
        found = []
        for name in node.fields:
            field = doc.field(name)
            tokens = field.cased if node.case_sensitive else field.words
            for variant in node.variants:
                starts = naive_starts(tokens, list(variant), node.prefix)
                found += [(name, i, i + len(variant)) for i in starts]
        return found
    if isinstance(node, OrNode):
        return [occ for item in node.items for occ in naive_occurs(item, doc)]
    assert isinstance(node, NearNode)
    return [(a[0], min(a[1], b[1]), max(a[2], b[2])) for a, b in naive_pairs(node, doc)]


def naive_pairs(node: NearNode, doc: Document) -> list[tuple[Occurrence, Occurrence]]:
    return [
        (a, b)
        for a in naive_occurs(node.left, doc)
        for b in naive_occurs(node.right, doc)
        if a[0] == b[0] and close(a[1:], b[1:], node.distance, node.ordered)
    ]


@settings(max_examples=300, deadline=None)
@given(near_queries(2), texts, texts)
def test_near_agrees_with_pairwise_matching_on_documents(
    query: str, title: str, summary: str
) -> None:
    node = compile_query(parse_query(query))
    assert isinstance(node, NearNode)
    doc = Document(Entry("g", None, title, summary))
    expected = naive_pairs(node, doc)
    evidence = [occ for pair in expected for occ in pair]
    assert node.test(doc) == bool(expected)
    assert set(node.evidence(doc)) == set(evidence)
    joined = set(naive_occurs(node, doc))
    assert len(joined) < MAX_JOINED_SPANS
    assert set(node.occurs(doc)) == joined
    if expected:
        assert build_match("t", doc, node.evidence(doc)) == build_match("t", doc, evidence)
