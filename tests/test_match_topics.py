"""Compiling topics, the shared prefilter, hits (terms and snippet) and explain."""

from __future__ import annotations

from typing import Any

import pytest

from monitor.config import Topic
from monitor.entry import Entry
from monitor.match import (
    QuerySyntaxError,
    compile_topic,
    compile_topics,
    explain,
    match_entry,
)
from monitor.match.snippet import mark_snippet


def entry(title: str, summary: str = "", **extra: Any) -> Entry:
    return Entry("g", None, title, summary, extra=extra)


def topic(**fields: Any) -> Topic:
    return Topic(name=fields.pop("name", "t"), **fields)


def test_terms_topic_is_an_or_of_literal_phrases() -> None:
    compiled = compile_topic(topic(terms=["Clearview AI", "NOT really", "facial*"]))
    assert match_entry(compiled, entry("Clearview AI fined"))
    assert match_entry(compiled, entry("it is NOT really"))
    assert not match_entry(compiled, entry("it is not"))  # NOT is a word here, not an operator
    assert not match_entry(compiled, entry("facially"))  # no wildcard in terms


def test_terms_topic_exclusions_are_literal_phrases() -> None:
    compiled = compile_topic(topic(terms=["Clearview"], exclude=["Clearview Golf", "a OR b"]))
    assert match_entry(compiled, entry("Clearview fined"))
    assert not match_entry(compiled, entry("Clearview Golf Club"))
    assert match_entry(compiled, entry("Clearview and a"))  # "a OR b" is one phrase
    assert not match_entry(compiled, entry("Clearview: a or b"))


def test_query_topic_exclusions_are_queries() -> None:
    compiled = compile_topic(
        topic(query="clearview", exclude=['"ClearView Energy" -"Clearview AI"', "golf OR club"])
    )
    assert not match_entry(compiled, entry("ClearView Energy Partners says"))
    assert match_entry(compiled, entry("ClearView Energy analyst on Clearview AI"))
    assert not match_entry(compiled, entry("Clearview club"))


def test_aliases_expand_to_literal_phrases() -> None:
    aliases = {"ton-that": ["Hoan Ton-That", "Ton That"], "x": ["a OR b"]}
    compiled = compile_topic(topic(query="@ton-that OR title:@x", aliases=aliases))
    assert match_entry(compiled, entry("x", "said Hoan TonThat"))
    assert match_entry(compiled, entry("x", "Ton That"))
    assert match_entry(compiled, entry("a or b"))
    assert not match_entry(compiled, entry("a"))


ERRORS = [
    (dict(query="a OR (b"), "query", 5),
    (dict(query="a", exclude=["ok", 'bad "x']), "exclude[1]", 4),
    (dict(query="@nope"), "query", 0),
    (dict(query="a OR @empty", aliases={"empty": []}), "query", 5),
    (dict(query="NOT a"), "query", 0),
    (dict(terms=["ok", "!!"]), "terms[1]", 0),
    (dict(query="@x", aliases={"x": ["ok", "--"]}), "aliases.x", 0),
]


@pytest.mark.parametrize(("fields", "where", "column"), ERRORS)
def test_compile_errors_name_the_key_and_column(
    fields: dict[str, Any], where: str, column: int
) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        compile_topic(topic(**fields))
    assert info.value.where == where
    assert info.value.column == column


def test_match_terms_keep_the_original_spelling_in_reading_order() -> None:
    compiled = compile_topic(topic(query='Clearview OR "Hoan Ton-That" OR fine*'))
    found = match_entry(compiled, entry("CLEARVIEW fined", "Hoan TonThat, Clearview’s CEO"))
    assert found is not None
    assert found.topic == "t"
    assert found.terms == ("CLEARVIEW", "fined", "Hoan TonThat", "Clearview")


def test_terms_under_not_or_false_branches_are_not_reported() -> None:
    compiled = compile_topic(topic(query="(clearview fined) OR (golf NOT club) OR ai"))
    found = match_entry(compiled, entry("Clearview AI", "golf club? no"))
    assert found is not None
    assert found.terms == ("AI",)


def test_snippet_prefers_the_body_and_marks_every_match() -> None:
    body = "x " * 200 + "Regulators fined Clearview AI, and Clearview appealed. " + "y " * 200
    compiled = compile_topic(topic(query="clearview"))
    found = match_entry(compiled, entry("Clearview news", body))
    assert found is not None
    assert "fined **Clearview** AI, and **Clearview** appealed." in found.snippet
    assert found.snippet.startswith("…") and found.snippet.endswith("…")
    assert 150 <= len(found.snippet) <= 230


def test_snippet_falls_back_to_the_title() -> None:
    compiled = compile_topic(topic(query="clearview"))
    found = match_entry(compiled, entry("Clearview fined", "A regulator acted."))
    assert found is not None
    assert found.snippet == "**Clearview** fined"


def test_mark_snippet_merges_overlaps_and_keeps_short_text_whole() -> None:
    assert mark_snippet("a Clearview AI b", [(2, 11), (2, 14)]) == "a **Clearview AI** b"
    assert mark_snippet("one\n two", [(0, 3)]) == "**one** two"


def test_topic_set_evaluates_only_topics_whose_literals_occur() -> None:
    topics = [
        topic(name="cv", query="clearview NEAR/5 fined"),
        topic(name="golf", terms=["golf"]),
        topic(name="dockets", query="party:clearview court:ilnd"),
    ]
    topic_set = compile_topics(topics)
    news = entry("Clearview was fined", "at the golf club")
    assert [m.topic for m in topic_set.match(news, "wire")] == ["cv", "golf"]
    docket = entry("Order", court="ilnd", case_name="In re Clearview AI", case_number="1:21")
    assert [m.topic for m in topic_set.match(docket, "pacer")] == ["dockets"]
    assert topic_set.match(entry("nothing to see"), "wire") == []
    assert topic_set["golf"].name == "golf"


def test_topic_set_agrees_with_match_entry() -> None:
    topics = [topic(name=f"t{i}", query=q) for i, q in enumerate(["a* b", "c OR d", "=E f"])]
    topic_set = compile_topics(topics)
    texts = ["ab b", "apple b", "c", "d e", "E f", "e f", "x"]
    for text in texts:
        expected = [match_entry(t, entry(text)) for t in topic_set.topics]
        assert topic_set.match(entry(text)) == [m for m in expected if m is not None]


def test_empty_topic_set_matches_nothing() -> None:
    assert compile_topics([]).match(entry("anything")) == []


def test_explain_shows_clauses_and_the_exclusion_that_fired() -> None:
    compiled = compile_topic(
        topic(query="clearview (fined OR sued)", exclude=["golf", '"ClearView Energy"'])
    )
    result = explain(compiled, entry("ClearView Energy: Clearview fined"))
    assert not result.matched
    assert result.fired == ('exclude[1]: "ClearView Energy"',)
    assert result.include.value is True
    text = result.render()
    assert "does not match" in text
    assert "[yes] fined  found: 'title: fined'" in text
    assert "    [no ] sued" in text
    assert "vetoed by: exclude[1]" in text


def test_explain_strips_html_when_asked() -> None:
    compiled = compile_topic(topic(query='"Clearview AI"'))
    raw = entry("<b>Clearview</b> AI &amp; police")
    assert explain(compiled, raw, html=True).matched
    assert "MATCHES" in explain(compiled, raw, html=True).render()
    assert not explain(compiled, raw).matched
