"""Parser and pretty-printer of the topic query language (monitor.match.parser)."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.match import (
    Alias,
    And,
    Near,
    Not,
    Or,
    QuerySyntaxError,
    Term,
    format_query,
    parse_query,
)
from monitor.match.parser import MAX_DEPTH

PARSES = [
    ("clearview", Term("clearview")),
    ('"Clearview AI"', Term("Clearview AI")),
    ("“Clearview AI”", Term("Clearview AI")),
    ("a b", And((Term("a"), Term("b")))),
    ("a AND b", And((Term("a"), Term("b")))),
    ("a and b", And((Term("a"), Term("and"), Term("b")))),
    ("a OR b", Or((Term("a"), Term("b")))),
    ("a OR b c", Or((Term("a"), And((Term("b"), Term("c")))))),
    ("(a OR b) c", And((Or((Term("a"), Term("b"))), Term("c")))),
    ("a b c", And((Term("a"), Term("b"), Term("c")))),
    ("(a b) c", And((Term("a"), Term("b"), Term("c")))),
    ("NOT a", Not(Term("a"))),
    ("-a", Not(Term("a"))),
    ("a -b", And((Term("a"), Not(Term("b"))))),
    ("Ton-That", Term("Ton-That")),
    ("a NEAR/5 b", Near(Term("a"), Term("b"), 5)),
    ("a ONEAR/2 b", Near(Term("a"), Term("b"), 2, ordered=True)),
    ("a NEAR/1 b NEAR/2 c", Near(Near(Term("a"), Term("b"), 1), Term("c"), 2)),
    ("(a OR b) NEAR/3 c", Near(Or((Term("a"), Term("b"))), Term("c"), 3)),
    ("x a NEAR/3 b", And((Term("x"), Near(Term("a"), Term("b"), 3)))),
    ("biometric*", Term("biometric", prefix=True)),
    ('"facial recog*"', Term("facial recog", prefix=True)),
    ("=ClearView", Term("ClearView", case_sensitive=True)),
    ('="Clearview AI"', Term("Clearview AI", case_sensitive=True)),
    ("title:Clearview", Term("Clearview", field="title")),
    ("Title:x", Term("x", field="title")),
    ("summary:=AI", Term("AI", case_sensitive=True, field="summary")),
    ('party:"Clearview AI"', Term("Clearview AI", field="party")),
    ("case:1:21-cv-0135", Term("1:21-cv-0135", field="case")),
    (
        "court:ilnd source:reuters",
        And((Term("ilnd", field="court"), Term("reuters", field="source"))),
    ),
    ("author:(a OR b)", Or((Term("a", field="author"), Term("b", field="author")))),
    ("@ton-that", Alias("ton-that")),
    ("title:@ton-that", Alias("ton-that", field="title")),
    ("10:30", Term("10:30")),
    ("near", Term("near")),
]


@pytest.mark.parametrize(("query", "expected"), PARSES)
def test_parse(query: str, expected: object) -> None:
    assert parse_query(query) == expected


@pytest.mark.parametrize(("query", "expected"), PARSES)
def test_format_round_trip(query: str, expected: object) -> None:
    assert parse_query(format_query(parse_query(query))) == expected


ERRORS = [
    ("", 0, "empty query"),
    ("a OR", 4, "ends too early"),
    ("(a OR b", 0, "never closed"),
    ("a (b (c) d", 2, "never closed"),
    ('a "b c', 2, "unclosed quote"),
    ("a b)", 3, "unexpected ')'"),
    ("foo:bar", 0, "unknown field foo:"),
    ("a NEAR b", 2, "needs a distance"),
    ("a NEAR/x b", 2, "needs a distance"),
    ("(a b) NEAR/3 c", 6, "NEAR joins"),
    ("a NEAR/3 -b", 9, "NEAR joins"),
    ("title:(summary:a)", 6, "do not nest"),
    ("=@x", 1, "expected a word or phrase"),
    ('"!!"', 0, "at least one letter"),
    ("*", 0, "at least one letter"),
    ("a AND OR b", 6, "expected a word or phrase"),
    ("()", 1, "expected a word or phrase"),
    ("@", 0, "alias name"),
    ("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1), MAX_DEPTH, "nested"),
]


@pytest.mark.parametrize(("query", "column", "message"), ERRORS)
def test_syntax_errors_carry_the_column(query: str, column: int, message: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse_query(query)
    assert info.value.column == column
    assert message in info.value.message
    assert info.value.query == query


def test_unknown_alias_is_an_error_when_aliases_are_given() -> None:
    with pytest.raises(QuerySyntaxError, match="unknown alias @tt") as info:
        parse_query("a OR @tt", aliases={"ton-that"})
    assert info.value.column == 5


def test_caret_points_at_the_column_on_its_line() -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse_query('Clearview\nOR (a OR "b')
    assert info.value.caret() == 'OR (a OR "b\n         ^'
    assert info.value.line == 1


def test_error_is_a_monitor_error_and_a_value_error() -> None:
    from monitor.errors import MonitorError

    assert issubclass(QuerySyntaxError, MonitorError)
    assert issubclass(QuerySyntaxError, ValueError)


FORMATS = [
    ("a OR b c", "a OR b c"),
    ("(a OR b) c", "(a OR b) c"),
    ("-a", "NOT a"),
    ("a NEAR/1 (b NEAR/2 c)", "a NEAR/1 (b NEAR/2 c)"),
    ('title:("a b" OR c*)', 'title:"a b" OR title:c*'),
    ("NOT (a OR b)", "NOT (a OR b)"),
    ('"AND"', '"AND"'),
    ('"-a"', '"-a"'),
    ('"title:x"', '"title:x"'),
]


@pytest.mark.parametrize(("query", "expected"), FORMATS)
def test_format_query(query: str, expected: str) -> None:
    assert format_query(parse_query(query)) == expected


QUERY_CHARS = st.sampled_from(
    [*list('ab AZ()"“”-=*@:/'), "AND", "OR", "NOT", "NEAR/3", "ONEAR/1", "title:", "case:", "x9"]
)


@settings(max_examples=400)
@given(st.text())
def test_parser_only_raises_syntax_errors(text: str) -> None:
    with contextlib.suppress(QuerySyntaxError):
        parse_query(text)


@settings(max_examples=600)
@given(st.lists(QUERY_CHARS, max_size=25).map("".join))
def test_parser_only_raises_syntax_errors_on_query_like_text(text: str) -> None:
    with contextlib.suppress(QuerySyntaxError):
        parse_query(text)


@settings(max_examples=600)
@given(st.one_of(st.text(), st.lists(QUERY_CHARS, max_size=25).map("".join)))
def test_format_then_parse_gives_the_same_ast(text: str) -> None:
    try:
        node = parse_query(text)
    except QuerySyntaxError:
        return
    assert parse_query(format_query(node)) == node
