"""Story clustering through the store (``monitor.stories`` + ``monitor.store.records``), on
SQLite and PostgreSQL: later copies join the story by indexed bucket lookup, and two
pollers recording the same syndicated story at the same time make one story and one alert.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from monitor.config import Backfill
from monitor.decide import AlertRules, candidates, plan_entries
from monitor.entry import Entry, Match
from monitor.intents import EntryIntent
from monitor.store import Store
from monitor.store import records as rec
from monitor.store import sources as src
from monitor.store.db import upgrade
from monitor.store.schema import deliveries, entries, hits, stories, story_updates
from monitor.store.stories import story_membership
from monitor.stories import WINDOW, attach_stories

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ROUTES = {"clearview": ["console"]}
TEXT = (
    "A federal judge in Chicago on Thursday granted final approval to Clearview AI's novel "
    "settlement of a privacy lawsuit, giving a class of Americans whose faces were scraped "
    "from the internet a 23% stake in the facial recognition company."
)
RULES = AlertRules(False, Backfill(), {}, None)


def _intents(source: str, title: str, link: str) -> list[EntryIntent]:
    entry = Entry(guid=None, link=link, title=title, summary=TEXT, published=NOW)
    found = candidates([entry], source, lambda e: [Match("clearview", ("Clearview AI",), "s")])
    return plan_entries(found, RULES, NOW)


def _sources(store: Store, *names: str) -> dict[str, int]:
    with store.begin() as conn:
        specs = [src.SourceSpec(n, f"http://127.0.0.1/{n}", "news") for n in names]
        src.sync_sources(conn, specs, NOW)
        states = src.claim_sources(conn, "t", NOW, timedelta(minutes=5), limit=10)
    return {s.name: s.id for s in states}


def _record(store: Store, source_id: int, name: str, title: str, link: str, now: datetime) -> None:
    with store.begin() as conn:
        intents = attach_stories(conn, _intents(name, title, link), name, now)
        rec.record_entries(conn, source_id, intents, ROUTES, now)


def _totals(store: Store) -> tuple[int, int, int]:
    with store.begin() as conn:
        stories = conn.scalar(select(func.count(func.distinct(hits.c.story_id))))
        alerts = conn.scalar(select(func.count()).where(deliveries.c.slot == "alert"))
        updates = conn.scalar(select(func.count()).select_from(story_updates))
    return stories or 0, alerts or 0, updates or 0


def test_a_copy_joins_within_the_window_and_starts_a_new_story_after_it(db_url: str) -> None:
    store = Store(db_url)
    upgrade(store.engine)
    ids = _sources(store, "reuters", "yahoo", "later")
    title = "Judge approves Clearview AI settlement giving class stake in company"
    _record(store, ids["reuters"], "reuters", f"UPDATE 1-{title}", "https://r.com/a", NOW)
    _record(store, ids["yahoo"], "yahoo", f"{title} - Yahoo", "https://y.com/b", NOW)
    assert _totals(store) == (1, 1, 1)
    with store.begin() as conn:
        said = story_membership(conn, 2)
    assert said.startswith("entry 2 is in story 1 ('UPDATE 1-Judge approves")
    assert "with 1 other entry: similar title (1.00) to entry 1." in said
    later = NOW + WINDOW + timedelta(hours=1)
    _record(store, ids["later"], "later", title, "https://l.com/c", later)
    assert _totals(store) == (2, 2, 1)
    store.close()


def test_two_concurrent_pollers_record_one_story_and_one_alert(pg_url: str) -> None:
    store = Store(pg_url)
    upgrade(store.engine)
    ids = _sources(store, "reuters", "yahoo")
    title = "Judge approves Clearview AI settlement giving class stake in company"
    written = threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with store.begin() as conn:  # holds its story's buckets uncommitted for a while
                intents = attach_stories(
                    conn, _intents("reuters", title, "https://r.com/a"), "reuters", NOW
                )
                rec.record_entries(conn, ids["reuters"], intents, ROUTES, NOW)
                written.set()
                time.sleep(0.5)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
            written.set()

    def second() -> None:
        try:
            written.wait()
            # looks up before the first commits (sees nothing), then its bucket claim waits
            # for the first and loses: it joins the first poller's story instead
            _record(store, ids["yahoo"], "yahoo", f"{title} - Yahoo", "https://y.com/b", NOW)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _totals(store) == (1, 1, 1)
    with store.begin() as conn:
        reasons = sorted(conn.scalars(select(entries.c.story_reason)))
        created = conn.scalar(select(func.count()).select_from(stories))
    assert reasons == ["new story", "similar title (1.00) to entry 1"]
    assert created == 1  # the second poller's own story was dropped when it lost the race
    store.close()
