"""The store queries behind the web pages, on SQLite and PostgreSQL, with rows written by
the store's own functions: a page of stories with each filter and keyset pagination, the
alert state, source activity, paused sources that the poller's claim skips, a case
timeline read through its index, and read-only transactions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from monitor.entry import Entry, Match
from monitor.intents import EntryIntent, HitIntent
from monitor.store import Store, dockets, outbox
from monitor.store import records as rec
from monitor.store import sources as src
from monitor.store.db import upgrade
from monitor.store.schema import deliveries, entries, json_text, stories
from monitor.store.story_list import StoryFilter, list_stories

DAY1 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)
MDL = {"docket": True, "court": "ilnd", "case_key": "1:21-cv-00135", "case_name": "In re"}


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(db_url)
    upgrade(s.engine)
    with s.begin() as conn:
        specs = [
            src.SourceSpec("wire", "http://127.0.0.1/wire", "news"),
            src.SourceSpec("court", "http://127.0.0.1/court", "pacer"),
        ]
        src.sync_sources(conn, specs, DAY1)
    yield s
    s.close()


def _ids(store: Store) -> dict[str, int]:
    with store.begin() as conn:
        return {s.name: s.id for s in src.list_sources(conn)}


def _intent(key: str, title: str, topic: str, extra: dict[str, object] | None = None):  # type: ignore[no-untyped-def]
    entry = Entry(guid=key, link=f"https://example.com/{key}", title=title, summary="text")
    if extra is not None:
        entry = Entry(guid=key, link=None, title=title, summary="docket", extra=dict(extra))
    hit = HitIntent(Match(topic, ("Clearview",), "**Clearview** text"))
    return EntryIntent(f"1:t:{key}", entry, entry.link, (hit,))


def _fill(store: Store) -> None:
    """60 news stories over three days (topics a and b alternate), 5 docket stories."""
    ids = _ids(store)
    routes = {"a": ["desk"], "b": ["desk"]}
    with store.begin() as conn:
        for n in range(60):
            day = DAY1 + timedelta(days=n // 20)
            topic = "a" if n % 2 else "b"
            intent = _intent(f"n{n}", _title(n), topic)
            rec.record_entries(conn, ids["wire"], [intent], routes, day)
        for n in range(5):
            filing = {**MDL, "document_number": str(600 + n), "text": f"Motion {n}"}
            intent = _intent(f"d{n}", f"In re Clearview #{600 + n}", "a", filing)
            rec.record_entries(conn, ids["court"], [intent], routes, DAY1 + timedelta(hours=n))


def _title(n: int) -> str:
    return f"Clearview story {n}" + (" about Illinois" if n % 10 == 0 else "")


def _titles(rows: list) -> list[str]:  # type: ignore[type-arg]
    return [r.title for r in rows]


def test_pages_run_newest_first_and_keyset_pagination_sees_each_story_once(store: Store) -> None:
    _fill(store)
    seen: list[int] = []
    before = None
    with store.read() as conn:
        while page := list_stories(conn, StoryFilter(), before=before, limit=7):
            seen += [r.id for r in page]
            before = page[-1].id
    assert len(seen) == 65 == len(set(seen))
    assert seen == sorted(seen, reverse=True)


def test_each_filter(store: Store) -> None:
    _fill(store)
    with store.read() as conn:
        topic_b = list_stories(conn, StoryFilter(topic="b"), limit=100)
        dockets_only = list_stories(conn, StoryFilter(kinds=("pacer", "courtlistener")))
        words = list_stories(conn, StoryFilter(text="ILLINOIS"), limit=100)
        day2 = list_stories(
            conn, StoryFilter(since=DAY1 + timedelta(days=1), until=DAY1 + timedelta(days=2))
        )
        none = list_stories(conn, StoryFilter(since=DAY1 + timedelta(days=30)))
        # the docket stories have the highest ids but were first seen on day 1, hours in
        after_first_filing = list_stories(
            conn, StoryFilter(since=DAY1 + timedelta(hours=1)), limit=100
        )
        b_on_day2 = list_stories(
            conn,
            StoryFilter(topic="b", since=DAY1 + timedelta(days=1), until=DAY1 + timedelta(days=2)),
        )
    assert len(topic_b) == 30 and all(r.topics == ("b",) for r in topic_b)
    assert _titles(dockets_only) == [f"In re Clearview #{600 + n}" for n in reversed(range(5))]
    assert all(r.source_kind == "pacer" and r.publisher == "court" for r in dockets_only)
    assert _titles(words) == [
        f"Clearview story {n} about Illinois" for n in (50, 40, 30, 20, 10, 0)
    ]
    assert _titles(day2) == [_title(n) for n in reversed(range(20, 40))]
    assert none == []
    assert len(after_first_filing) == 4 + 40
    assert len(b_on_day2) == 10


def test_alert_state_follows_the_alert_deliveries(store: Store) -> None:
    _fill(store)
    with store.begin() as conn:
        newest = conn.scalar(select(stories.c.id).order_by(stories.c.id.desc()).limit(1))
        conn.execute(update(deliveries).values(state="sent"))
        dead = conn.scalar(select(deliveries.c.id).order_by(deliveries.c.id.desc()).limit(1))
        conn.execute(update(deliveries).where(deliveries.c.id == dead).values(state="dead"))
    with store.read() as conn:
        rows = list_stories(conn, StoryFilter(), limit=2)
        listed = outbox.list_deliveries(conn, states=["dead"])
    assert [(r.id, r.alert) for r in rows] == [(newest, "dead"), (newest - 1, "sent")]
    assert [(d.id, d.story_id) for d in listed] == [(dead, newest)]


def test_source_activity_and_paused_sources_are_not_claimed(store: Store) -> None:
    _fill(store)
    with store.begin() as conn:
        activity = {a.state.name: a for a in src.source_activity(conn, DAY1 + timedelta(days=2))}
        assert src.set_paused(conn, "wire", True) and not src.set_paused(conn, "nope", True)
        claimed = src.claim_sources(conn, "me", DAY1, LEASE, limit=10, due_only=False)
        src.sync_sources(conn, [src.SourceSpec("wire", "http://127.0.0.1/wire", "news")], DAY1)
        still = src.list_sources(conn)
    assert activity["wire"].last_new_at == DAY1 + timedelta(days=2)
    assert (activity["wire"].recent_entries, activity["court"].recent_entries) == (20, 0)
    assert [s.name for s in claimed] == ["court"]
    assert [(s.name, s.paused) for s in still] == [("wire", True)]


def test_a_case_timeline_pages_by_filing_time(store: Store) -> None:
    _fill(store)
    with store.read() as conn:
        total, first = dockets.case_entries(conn, "ilnd", "1:21-cv-00135", limit=3)
        last = first[-1]
        _, rest = dockets.case_entries(
            conn, "ilnd", "1:21-cv-00135", limit=3, before=(last.filed_at, last.id)
        )
    assert total == 5
    numbers = [e.extra["document_number"] for e in first + rest]
    assert numbers == ["604", "603", "602", "601", "600"]


def test_the_case_timeline_is_read_through_its_index(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'monitor.db'}")
    upgrade(store.engine)
    statement = select(entries.c.id).where(
        json_text(entries.c.extra, "court") == "ilnd",
        json_text(entries.c.extra, "case_key") == "1:21-cv-00135",
    )
    with store.read() as conn:
        compiled = statement.compile(conn, compile_kwargs={"literal_binds": True})
        plan = " ".join(str(r[-1]) for r in conn.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
    store.close()
    assert "USING INDEX ix_entries_docket_case" in plan


@pytest.mark.postgres
def test_read_transactions_refuse_writes_on_postgresql(pg_url: str) -> None:
    store = Store(pg_url)
    upgrade(store.engine)
    try:
        with pytest.raises(DBAPIError, match="read-only transaction"), store.read() as conn:
            conn.execute(stories.insert().values(title="x", created_at=DAY1))
    finally:
        store.close()
