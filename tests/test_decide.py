"""The pure decisions of a poll: backfill and max-age rules, backoff, in-feed duplicates."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from monitor.config import Backfill
from monitor.decide import (
    AlertRules,
    candidates,
    keyed_entries,
    next_due,
    plan_entries,
    suppression,
)
from monitor.entry import Entry, Match

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def entry(days_old: float | None, guid: str = "https://x.example/1") -> Entry:
    published = NOW - timedelta(days=days_old) if days_old is not None else None
    return Entry(guid=guid, link=guid, title="Clearview AI", summary="", published=published)


def rules(
    first: bool, mode: str = "days", days: int = 7, max_age: timedelta | None = None
) -> AlertRules:
    return AlertRules(
        first_poll=first,
        backfill=Backfill(mode=mode, days=timedelta(days=days)),
        max_age={"t": max_age},
        topics=None,
    )


@pytest.mark.parametrize(
    ("first", "mode", "days_old", "max_age", "expected"),
    [
        (True, "days", 1, None, None),  # recent on first poll: alerts
        (True, "days", 30, None, "backfill"),  # older than the window: recorded only
        (True, "days", None, None, None),  # undated counts as recent
        (True, "all", 400, None, None),
        (True, "none", 0, None, "backfill"),
        (False, "none", 400, None, None),  # after the first poll, old news still alerts
        (False, "days", 40, 30 * DAY, "max_age"),  # unless the topic caps the age
        (False, "days", 20, 30 * DAY, None),
    ],
)
def test_suppression(
    first: bool, mode: str, days_old: float | None, max_age: timedelta | None, expected: str | None
) -> None:
    assert suppression(entry(days_old), "t", rules(first, mode, max_age=max_age), NOW) == expected


def test_plan_keeps_only_topics_that_apply_to_the_source() -> None:
    both = [Match("t", ("Clearview AI",), "s"), Match("other", ("x",), "s")]
    found = candidates([entry(1)], "src", lambda e: both)
    limited = AlertRules(False, Backfill(), {}, frozenset({"t"}))
    intents = plan_entries(found, limited, NOW)
    assert [h.match.topic for h in intents[0].hits] == ["t"]
    assert intents[0].canonical_url == "https://x.example/1"


def test_a_feed_repeating_an_item_yields_one_entry() -> None:
    assert len(keyed_entries([entry(1), entry(1), entry(2, "https://x.example/2")], "s")) == 2


def test_backoff_grows_is_capped_and_honours_retry_after() -> None:
    rng = random.Random(1)
    interval = timedelta(minutes=10)
    assert next_due(NOW, interval) == NOW + interval
    delays = [next_due(NOW, interval, failures=n, rng=rng) - NOW for n in (1, 2, 3, 12)]
    assert interval * 0.8 <= delays[0] <= interval
    assert interval * 1.6 <= delays[1] <= interval * 2
    assert interval * 3.2 <= delays[2] <= interval * 4
    assert delays[3] <= timedelta(hours=6)
    retry = next_due(NOW, interval, failures=1, retry_after=3600, rng=rng)
    assert retry == NOW + timedelta(hours=1)


@pytest.mark.parametrize("retry_after", [1e12, float("inf"), float("nan"), -5.0, 99999999999999])
def test_any_retry_after_gives_a_due_time_within_max_backoff(retry_after: float) -> None:
    due = next_due(
        NOW,
        timedelta(minutes=10),
        failures=1,
        max_backoff=timedelta(hours=2),
        retry_after=retry_after,
        rng=random.Random(1),
    )
    assert NOW + timedelta(minutes=8) <= due <= NOW + timedelta(hours=2)


def test_backoff_of_a_long_interval_after_many_failures_stays_a_valid_date() -> None:
    long = timedelta(days=3650)
    assert next_due(NOW, long, failures=60, max_backoff=long) <= NOW + long
