"""The event-identity evaluation (tests/eval_events.py over tests/data/events): the set is
what the issue asks for, nothing in it is merged wrongly, and PostgreSQL with two pollers
deciding at once gives the same figures as one poller on SQLite."""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import pytest
from eval_events import PAIR_WINDOW, SCORED, UNRESOLVED, combined, evaluate, load, read_events

from monitor.cluster import fingerprint, same_story
from monitor.events import same_event

PARTS = SCORED


def test_the_set_has_the_size_and_shape_the_issue_asks_for() -> None:
    s = combined([load(p) for p in PARTS])
    reports = Counter(i.event for i in s.items)
    assert len(s.items) >= 300
    assert len({i.feed for i in s.items}) >= 10
    assert all(len(load(p).polls) >= 2 for p in PARTS)
    assert sum(2 <= n <= 6 for n in reports.values()) >= 60
    assert sum(n for e, n in reports.items() if s.siblings.get(e)) >= 100
    styles = {f["style"] for f in s.feeds.values()}
    assert {"wire", "trade press", "local paper", "press releases", "blog", "search feed"} <= styles


def test_reports_of_one_event_are_told_in_different_words() -> None:
    """No two reports of one event are copies by the near-copy rule: what joins them must
    be the event rule. A search feed listing an outlet's own article under its headline
    (heldout13's Bing and Google News items) is that article, not a report of its own."""
    for part in PARTS:
        s = load(part)
        search = {name for name, spec in s.feeds.items() if spec["style"] == "search feed"}
        by_event: dict[str, list[tuple[str, str]]] = {}
        for i in s.items:
            title = i.title.rpartition(" - ")[0] or i.title
            by_event.setdefault(i.event, []).append((i.feed, title))
        for event, reports in by_event.items():
            for (feed_a, a), (feed_b, b) in itertools.combinations(reports, 2):
                if a == b and search & {feed_a, feed_b}:
                    continue
                assert same_story(fingerprint(a, ""), fingerprint(b, "")) is None, (event, a, b)


@pytest.mark.parametrize("part", PARTS)
def test_no_event_is_lost_or_merged_wrongly(part: str) -> None:
    figures = evaluate(part)
    assert (figures.lost, figures.wrong_pairs) == (0, 0), figures.merges
    floors = {"dev": 28, "heldout": 28, "heldout2": 10, "heldout3": 10, "heldout4": 9}
    floors |= {"heldout5": 17, "heldout6": 18, "heldout7": 21, "heldout8": 6, "heldout9": 9}
    floors |= {"heldout10": 6, "heldout11": 13, "heldout12": 5, "heldout13": 8, "heldout14": 6}
    floors |= {"heldout15": 6, "heldout16": 9, "heldout18": 8}
    assert figures.exactly_once >= floors[part], figures.misses


@pytest.mark.xfail(
    strict=True,
    reason="written blind, not fixed yet: heldout17 merges the House of Representatives' "
    "inquiry into the data regulator's probe the same week (a place one names in the "
    "background of its lead, the other as a lawmaker's constituency) and pair by pair would "
    "join a procurement institute's contract to a university's (a city the first names in "
    "its lead's background); heldout19, pair by pair, two Prague contracts of one week on "
    "the city alone",
)
@pytest.mark.parametrize("part", UNRESOLVED)
def test_the_unresolved_parts_merge_nothing_wrongly(part: str) -> None:
    figures = evaluate(part)
    assert (figures.lost, figures.wrong_pairs) == (0, 0), figures.merges
    assert joined_pairs(part) == []


@pytest.mark.parametrize("part", PARTS)
def test_no_two_reports_of_different_events_join_whichever_arrives_first(part: str) -> None:
    """Which report of an event arrives first, and so which of a story's members a new
    report is weighed against, depends on polling order (with two pollers, on a race): a
    report must never be kept from a different event's story only by another member of it.
    So no two reports of different events published within 3 days join, pair by pair."""
    assert joined_pairs(part) == []


def joined_pairs(part: str) -> list[tuple[str, str]]:
    """The events of two reports published within 3 days that the rule joins, pair by pair."""
    s = load(part)
    found = [(i.event, event, at) for i, event, at in read_events(s) if at is not None]
    assert len(found) > len(s.items) / 2
    return [
        (x, y)
        for (x, a, pa), (y, b, pb) in itertools.combinations(found, 2)
        if x != y
        and abs(pa - pb) <= PAIR_WINDOW
        and same_event(a, b, (pa, None), (pb, None)) is not None
    ]


def test_two_pollers_on_postgresql_decide_as_one_poller_on_sqlite(
    pg_url: str, tmp_path: Path
) -> None:
    """Nothing is lost or merged wrongly, and the figures stay within about 1% of one
    poller's: which report of an event arrives first (and so which other reports it can
    vouch for) depends on which poller gets there first. A report recorded before the one
    that bridges it to its story starts a story of its own (heldout7's Sao Paulo injunction:
    "Court order puts Jandaris's biggest contract on hold" shares nothing specific with the
    first report, only with the second); on a loaded machine two pollers gave up to 3
    alerts more than one of ~600, and 2 events fewer alerting once. Racing past each
    other's lock would show as tens."""
    one = evaluate("all", f"sqlite:///{tmp_path / 'eval.db'}")
    two = evaluate("all", pg_url, pollers=2)
    assert (two.entries, two.lost, two.wrong_pairs) == (one.entries, 0, 0), two.merges
    assert abs(two.exactly_once - one.exactly_once) <= max(2, one.multi_events // 100)
    assert abs(two.alerts - one.alerts) <= max(2, one.alerts // 100), (two.misses, one.misses)
