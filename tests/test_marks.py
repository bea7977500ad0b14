"""Snippet marks (monitor.notify.marks): the matched terms' ``**`` told apart from the feed
text's own asterisks, whatever the feed wrote."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.match.snippet import mark_snippet
from monitor.notify.marks import plain_snippet, split_marks

TERMS = ("Clearview AI", "facial recognition", "recognition technology")


@pytest.mark.parametrize(
    ("snippet", "runs"),
    [
        ("fined **Clearview AI** today",
         [("fined ", False), ("Clearview AI", True), (" today", False)]),
        ("a **bold** claim about **Clearview AI**",
         [("a **bold** claim about ", False), ("Clearview AI", True)]),
        ("said ****Clearview AI**** loudly",
         [("said **", False), ("Clearview AI", True), ("** loudly", False)]),
        ("**CLEARVIEW  AI** and ** lone", [("CLEARVIEW  AI", True), (" and ** lone", False)]),
        ("*x* _y_ ~z~ `w` **", [("*x* _y_ ~z~ `w` **", False)]),
        ("its **facial recognition technology**",  # overlapping terms merged in one span
         [("its ", False), ("facial recognition technology", True)]),
        ("**Clearview AI **", [("**Clearview AI **", False)]),
    ],
)  # fmt: skip
def test_only_marks_around_terms_are_marks(snippet: str, runs: list[tuple[str, bool]]) -> None:
    assert split_marks(snippet, TERMS) == runs


def test_a_snippet_without_terms_has_no_marks() -> None:
    assert split_marks("a **b** c", ()) == [("a **b** c", False)]


def test_a_thousand_asterisks_are_cheap_and_kept() -> None:
    text = "*" * 5000 + " **Clearview AI** " + "**a" * 3000
    assert plain_snippet(text, TERMS) == "*" * 5000 + " Clearview AI " + "**a" * 3000


@given(st.text(alphabet="ab *_~\u00e9", max_size=60))
def test_feed_text_around_a_marked_term_comes_back_as_written(text: str) -> None:
    body = f"{text} Clearview AI {text}"
    start = body.index("Clearview AI")
    snippet = mark_snippet(body, [(start, start + len("Clearview AI"))], width=10_000)
    assert plain_snippet(snippet, TERMS) == " ".join(body.split())
    assert ("Clearview AI", True) in split_marks(snippet, TERMS)
