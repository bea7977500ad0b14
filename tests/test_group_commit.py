"""Group commit of feed records (``Ingester.record_many``, ``monitor.outcomes.GroupCommit``):
on SQLite this process records what the workers prepared, several feeds to a transaction.
A feed whose write fails is rolled back alone; a database failure commits nothing of the
batch, so every feed of it is polled again (nothing is lost); a burst polled through the
workers is recorded whole, each story alerting once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from feedgen import rss, story
from feedserver import FeedServer
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from monitor.app import open_app
from monitor.config import Backfill, Config, Settings, Source, Topic
from monitor.decide import AlertRules
from monitor.errors import StoreError
from monitor.ingest import FeedWrite, Recorded
from monitor.store import Store
from monitor.store import sources as src
from monitor.store.db import make_engine, upgrade
from monitor.store.schema import deliveries, entries
from monitor.worker import Ingester

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TOPICS = [Topic(name="clearview", terms=["Clearview AI"])]


@pytest.fixture
def store(db_url: str):  # type: ignore[no-untyped-def]
    s = Store(db_url)
    upgrade(s.engine)
    yield s
    s.close()


def _sources(store: Store, *names: str) -> dict[str, int]:
    with store.begin() as conn:
        specs = [src.SourceSpec(n, f"http://127.0.0.1/{n}", "news") for n in names]
        src.sync_sources(conn, specs, NOW)
        claimed = src.claim_sources(conn, "test", NOW, timedelta(minutes=5), limit=10)
        return {s.name: s.id for s in claimed}


def _job(ingester: Ingester, source_id: int, name: str, titles: list[str]):  # type: ignore[no-untyped-def]
    from monitor.prepare import prepare_source

    source = Source(name=name, url=f"http://127.0.0.1/{name}")
    body = rss([story(hash((name, title)) % 10**9, title) for title in titles])
    prepared = prepare_source(body, {}, source.url, source, ingester.topics, ingester.tracked)
    rules = AlertRules(True, Backfill(mode="all"), {"clearview": None}, None)
    write = FeedWrite(
        source_id, source, rules, {"clearview": ["console"]}, (None, None, name), NOW, NOW
    )
    return prepared, write


def _stored(store: Store) -> tuple[list[str], int]:
    with store.begin() as conn:
        titles = list(conn.scalars(select(entries.c.title).order_by(entries.c.title)))
        owed = conn.scalar(select(func.count()).select_from(deliveries))
    return titles, int(owed or 0)


def test_a_feed_whose_write_fails_is_rolled_back_alone(store: Store) -> None:
    ids = _sources(store, "wire", "paper")
    ingester = Ingester.for_topics(TOPICS, store)
    jobs = [
        _job(ingester, ids["wire"], "wire", ["Clearview AI fined in Italy"]),
        # a source removed from the database since its poll began: its entries cannot refer
        # to it, so its write fails (a foreign key); the feeds beside it are still recorded
        _job(ingester, 999_999, "gone", ["Clearview AI sued in Vermont", "Weather"]),
        _job(ingester, ids["paper"], "paper", ["Clearview AI's CEO steps down", "Sports"]),
    ]
    results = ingester.record_many(jobs)

    assert [type(r) for r in results] == [Recorded, IntegrityError, Recorded]
    wire, _, paper = results
    assert isinstance(wire, Recorded) and isinstance(paper, Recorded)
    assert (wire.result.new_entries, wire.result.alerts) == (1, 1)
    assert (paper.result.new_entries, paper.result.alerts) == (2, 1)
    titles, owed = _stored(store)
    assert titles == ["Clearview AI fined in Italy", "Clearview AI's CEO steps down", "Sports"]
    assert owed == 2


def test_a_database_failure_commits_nothing_of_the_batch(tmp_path: Path) -> None:
    # SQLite: the backend where this process records what the workers prepared
    store = Store(f"sqlite:///{tmp_path / 'monitor.db'}")
    upgrade(store.engine)
    ids = _sources(store, "wire", "paper")
    ingester = Ingester.for_topics(TOPICS, store)
    with store.begin() as conn:  # the outbox cannot be written: the database, not a feed
        conn.execute(text("ALTER TABLE deliveries RENAME TO deliveries_away"))
    jobs = [
        _job(ingester, ids["wire"], "wire", ["Weather"]),  # written, then rolled back
        _job(ingester, ids["paper"], "paper", ["Clearview AI fined in Italy"]),
    ]
    with pytest.raises(StoreError, match="deliveries"):
        ingester.record_many(jobs)
    with store.begin() as conn:
        conn.execute(text("ALTER TABLE deliveries_away RENAME TO deliveries"))
        polled = [s.first_polled_at for s in src.list_sources(conn)]
    assert _stored(store) == ([], 0)
    store.close()
    assert polled == [None, None]  # both feeds are due again, with no validators kept


def test_a_burst_prepared_by_the_workers_is_recorded_whole(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    # every body goes to the two workers, so this process records feeds as fast as they come
    # and several share a transaction; the wire story in every feed is one story, one alert
    wire = "Clearview AI fined 20 million euros by Italian regulator"
    urls = {}
    for n in range(12):
        items = [story(100, wire), story(n + 1, f"Clearview AI local story number {n}")]
        items += [story(200 + n * 10 + k, f"Weather bulletin {n}-{k}") for k in range(5)]
        feed_server.set_feed(f"/f{n}.xml", rss(items))
        urls[f"feed{n}"] = feed_server.url(f"/f{n}.xml")
    url = f"sqlite:///{tmp_path / 'monitor.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    config = Config(
        settings=Settings(database_url=url, workers=2, inline_parse_max_bytes=0),
        sources=[Source(name=name, url=u) for name, u in urls.items()],
        topics=TOPICS,
    )

    async def poll() -> list[tuple[str, str, int]]:
        async with open_app(config) as app:
            await app.poller.sync_sources()
            states = await app.poller.claim(due_only=False, limit=20)
            reports = await asyncio.gather(*(app.poller.poll(s) for s in states))
            return sorted((r.source, r.outcome, r.new_entries) for r in reports)

    reports = asyncio.run(poll())
    assert [outcome for _, outcome, _ in reports] == ["updated"] * 12
    assert sum(new for _, _, new in reports) == 12 * 7 - 11  # the wire story's copies are one
    store = Store(url)
    try:
        titles, owed = _stored(store)
    finally:
        store.close()
    assert len(titles) == 12 * 6 + 1
    assert owed == 13  # the wire story once, each local story once
