"""Matching one hostile entry costs work in proportion to its length, whatever the query.

Work is counted, not timed: ``steps`` counts the Python lines the matcher executes (a
``sys.settrace`` line counter restricted to ``monitor/match``), which is deterministic.
Doubling a hostile entry must about double the steps (a quadratic matcher quadruples them).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

import monitor.match
from monitor.config import Topic
from monitor.configfile import load_config
from monitor.entry import Entry
from monitor.match import TopicSet, compile_topics, explain
from monitor.match.snippet import MAX_TERMS

SHIPPED = Path(__file__).parent.parent / "feeds.yaml"
MATCH_CODE = str(Path(monitor.match.__file__).parent)
SUMMARY_CHARS = 20_000  # the parse cap on a summary

# Linear work doubles when the entry doubles; fixed costs make it a little less. Quadratic
# work would be about 4.
LINEAR = 2.3

Tracer = Callable[[FrameType, str, Any], Any]


def steps(call: Callable[[], object]) -> int:
    """Python lines executed in monitor/match while running ``call``."""
    count = 0

    def on_line(frame: FrameType, event: str, arg: Any) -> Tracer:
        nonlocal count
        count += event == "line"
        return on_line

    def on_call(frame: FrameType, event: str, arg: Any) -> Tracer | None:
        return on_line if frame.f_code.co_filename.startswith(MATCH_CODE) else None

    previous = sys.gettrace()
    sys.settrace(on_call)
    try:
        call()
    finally:
        sys.settrace(previous)
    return count


def repeated(text: str, chars: int) -> str:
    return (text * (chars // len(text) + 1))[:chars]


def hostile(chars: int, text: str = "Clearview police ") -> Entry:
    return Entry("g", None, "Breaking", repeated(text, chars))


@pytest.fixture(scope="module")
def shipped() -> TopicSet:
    return compile_topics(load_config(SHIPPED, {}).topics)


def growth(topics: TopicSet, make: Callable[[int], Entry], chars: int = 5_000) -> float:
    """How many times more steps matching takes on an entry twice as long."""
    small, large = make(chars), make(2 * chars)
    return steps(lambda: topics.match(large, "wire")) / steps(lambda: topics.match(small, "wire"))


def test_shipped_topic_on_a_summary_repeating_its_near_words(shipped: TopicSet) -> None:
    [found] = shipped.match(hostile(SUMMARY_CHARS), "wire")
    assert found.topic == "clearview"
    assert found.terms == ("Clearview", "police")
    assert found.snippet.startswith("**Clearview** **police** **Clearview** **police**")
    assert growth(shipped, hostile) < LINEAR


QUERIES = {
    "near of an alias and an OR-group with wildcards and a phrase": (
        '@company NEAR/50 (police OR pol* OR "police clearview" OR clear*)'
    ),
    "ordered near, largest distance": "Clearview ONEAR/999 police",
    "near chain": "Clearview NEAR/999 police NEAR/999 Clearview NEAR/999 police",
    "near of near groups": "(Clearview NEAR/20 police) NEAR/30 (police ONEAR/10 Clearview)",
    "case-sensitive near": "=Clearview NEAR/15 (=police OR =Police*)",
}


@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
def test_any_near_query_grows_linearly_on_hostile_text(query: str) -> None:
    aliases = {"company": ["Clearview AI", "Clearview", "ClearviewAI"]}
    topics = compile_topics([Topic(name="t", query=query, aliases=aliases)])
    [found] = topics.match(hostile(SUMMARY_CHARS), "wire")
    assert "**Clearview**" in found.snippet or "**Clearview police" in found.snippet
    assert growth(topics, hostile) < LINEAR


def test_a_hostile_entry_lists_a_bounded_number_of_terms() -> None:
    spellings = [
        "".join(c.upper() if mask >> i & 1 else c for i, c in enumerate("police"))
        for mask in range(64)
    ]
    entry = Entry("g", None, "Clearview", " ".join(f"Clearview {w}" for w in spellings))
    topics = compile_topics([Topic(name="t", query="Clearview NEAR/3 police")])
    [found] = topics.match(entry, "wire")
    assert len(found.terms) == MAX_TERMS
    assert found.terms[:3] == ("Clearview", "police", "Police")


def test_phrase_work_does_not_grow_with_the_phrase_length() -> None:
    """A phrase of repeated words in a text of that word: each start is a candidate."""
    entry = Entry("g", None, "Clearview", repeated("police ", SUMMARY_CHARS))

    def cost(words: int) -> int:
        phrase = " ".join(["police"] * words + ["clearview"])
        topics = compile_topics([Topic(name="t", terms=[phrase])])
        assert topics.match(entry, "wire") == []
        return steps(lambda: topics.match(entry, "wire"))

    assert cost(40) < 1.3 * cost(20)


def test_wildcard_terms_cost_what_they_find_not_a_scan_each() -> None:
    """Forty prefix terms, each found once in a long entry, cost little more than one."""
    names = [f"zq{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(40)]
    entry = hostile(SUMMARY_CHARS, "Clearview police ")
    entry = Entry("g", None, " ".join(f"{name}x" for name in names), entry.summary)

    def cost(count: int) -> int:
        query = f"Clearview ({' OR '.join(f'{name}*' for name in names[:count])})"
        topics = compile_topics([Topic(name="t", query=query)])
        [found] = topics.match(entry, "wire")
        assert len(found.terms) == count + 1
        return steps(lambda: topics.match(entry, "wire"))

    assert cost(40) < 1.5 * cost(1)


def test_explain_on_a_hostile_entry_grows_linearly(shipped: TopicSet) -> None:
    topic = shipped["clearview"]
    small, large = hostile(5_000), hostile(10_000)
    assert explain(topic, large).matched
    ratio = steps(lambda: explain(topic, large)) / steps(lambda: explain(topic, small))
    assert ratio < LINEAR
