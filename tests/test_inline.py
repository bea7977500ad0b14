"""Where a changed body is parsed and recorded (monitor.pipeline): small bodies the fast reader
takes in the poller's own process, without starting a worker; anything else (a body that
needs feedparser, a big body, or everything when inline_parse_max_bytes is 0) in a worker
process under the CPU budget. The entries stored are the same either way."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from feedgen import rss, story
from feedserver import FeedServer

from monitor import decide
from monitor.app import open_app
from monitor.config import Config, HttpSettings, Settings, Source, Topic
from monitor.match import TopicSet
from monitor.pipeline import MAX_BODIES_EXPECTED, MAX_BODIES_IN_HAND
from monitor.store.db import make_engine, upgrade

FIRST = "Clearview AI sued by Illinois residents over face scraping"


def config_for(tmp_path: Path, urls: dict[str, str], **settings: object) -> Config:
    url = f"sqlite:///{tmp_path / 'monitor.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return Config(
        settings=Settings(database_url=url, workers=1, **settings),  # type: ignore[arg-type]
        sources=[Source(name=name, url=u) for name, u in urls.items()],
        topics=[Topic(name="clearview", terms=["Clearview AI"])],
    )


async def poll_all(config: Config, limit: int = 10) -> tuple[dict[str, tuple[str, int, int]], int]:
    """Poll every source once: (outcome, entries, new hits) per source, workers started."""
    async with open_app(config) as app:
        await app.poller.sync_sources()
        states = await app.poller.claim(due_only=False, limit=limit)
        reports = await asyncio.gather(*(app.poller.poll(s) for s in states))
        return {r.source: (r.outcome, r.new_entries, r.new_hits) for r in reports}, app.pool.started


def test_a_small_common_feed_is_ingested_without_starting_a_worker(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    feed_server.set_feed("/a.xml", rss([story(1, FIRST), story(2, "Weather")]))
    config = config_for(tmp_path, {"wire": feed_server.url("/a.xml")})
    reports, started = asyncio.run(poll_all(config))
    assert reports == {"wire": ("updated", 2, 1)}
    assert started == 0


def test_bodies_that_need_feedparser_or_are_big_go_to_a_worker(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    malformed = rss([story(1, FIRST)]).replace(b"</channel>", b"<br></channel>")  # not XML
    feed_server.set_feed("/malformed.xml", malformed)
    feed_server.set_feed("/big.xml", rss([story(n, f"Weather report {n}") for n in range(2, 40)]))
    config = config_for(
        tmp_path,
        {"malformed": feed_server.url("/malformed.xml"), "big": feed_server.url("/big.xml")},
        inline_parse_max_bytes=4000,
    )
    reports, started = asyncio.run(poll_all(config))
    assert reports == {"malformed": ("updated", 1, 1), "big": ("updated", 38, 0)}
    assert started == 1  # one worker (workers: 1) took both, one after the other


def test_zero_sends_every_body_to_a_worker_with_the_same_result(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    feed_server.set_feed("/a.xml", rss([story(1, FIRST), story(2, "Weather")]))
    inline = tmp_path / "inline"
    workers = tmp_path / "workers"
    inline.mkdir()
    workers.mkdir()
    url = {"wire": feed_server.url("/a.xml")}
    in_process, none_started = asyncio.run(poll_all(config_for(inline, url)))
    in_worker, one_started = asyncio.run(
        poll_all(config_for(workers, url, inline_parse_max_bytes=0))
    )
    assert in_process == in_worker == {"wire": ("updated", 2, 1)}
    assert (none_started, one_started) == (0, 1)


def test_a_burst_shared_with_a_worker_records_every_feed_once(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    # 30 small feeds at once: this process and one worker share them (monitor.lanes); on
    # SQLite the worker prepares the next feeds while this process records the ones it
    # prepared (each prepared feed recorded once, none lost, whatever the order)
    urls = {}
    for n in range(30):
        path = f"/feed{n}.xml"
        items = [story(3 * n + 1, f"{FIRST} ({n})"), story(3 * n + 2, f"Weather {n}"),
                 story(3 * n + 3, f"Sport {n}")]  # fmt: skip
        feed_server.set_feed(path, rss(items))
        urls[f"feed{n}"] = feed_server.url(path)
    config = config_for(tmp_path, urls)
    reports, started = asyncio.run(poll_all(config, limit=30))
    assert {name: report[:2] for name, report in reports.items()} == {
        name: ("updated", 3) for name in urls
    }
    assert started == 1  # the burst reached the pool lane
    engine = make_engine(config.settings.database_url)
    with engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT count(*), count(DISTINCT key) FROM entries").one()
        in_stories = conn.exec_driver_sql(
            "SELECT count(*) FROM entries WHERE story_id IS NOT NULL"
        ).scalar()
    engine.dispose()
    assert tuple(stored) == (90, 90)
    assert in_stories == 30  # every matching entry clustered, whichever story it joined


def test_first_polls_hold_a_bounded_number_of_bodies_and_conditional_polls_every_fetch(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    # A poll without validators (a first poll) can only be answered with a whole body, and in
    # a cold burst every body fetched waits for parsing in memory: at most
    # MAX_BODIES_EXPECTED such polls run at once. Polls with validators, which a 304 answers,
    # still use every connection allowed.
    count = MAX_BODIES_EXPECTED + 36
    urls = {}
    for n in range(count):
        feed_server.set_feed(f"/feed{n}.xml", rss([story(n, f"Weather {n}")]))
        urls[f"feed{n}"] = feed_server.url(f"/feed{n}.xml")
    feed_server.latency = 0.3  # every request stays in flight a while
    http = HttpSettings(max_connections=count, per_host=count)
    config = config_for(tmp_path, urls, http=http)

    first, _ = asyncio.run(poll_all(config, limit=count))
    assert {report[0] for report in first.values()} == {"updated"}
    assert feed_server.max_in_flight() <= MAX_BODIES_EXPECTED

    feed_server.reset_stats()
    again, _ = asyncio.run(poll_all(config, limit=count))
    assert {report[0] for report in again.values()} == {"not_modified"}
    assert feed_server.max_in_flight() > MAX_BODIES_EXPECTED


@pytest.mark.parametrize("conditional", [False, True], ids=["first polls", "conditional polls"])
def test_polls_queued_for_one_busy_host_do_not_hold_up_another_host(
    feed_server: FeedServer, tmp_path: Path, conditional: bool
) -> None:
    # More polls than there are slots for them (MAX_BODIES_EXPECTED first polls; fetches in
    # flight plus MAX_BODIES_IN_HAND conditional ones) wait for one host's only connection,
    # taken by a feed that hangs: a poll of another host still runs at once. A poll takes its
    # slot once its host has its turn, so the queue of one host never holds them.
    busy = (MAX_BODIES_IN_HAND if conditional else MAX_BODIES_EXPECTED) + 8
    urls = {}
    for n in range(busy):
        feed_server.set_feed(f"/busy{n}.xml", rss([story(n, f"Weather {n}")]))
        urls[f"busy-{n}"] = feed_server.url(f"/busy{n}.xml")
    feed_server.set_feed("/other.xml", rss([story(500, FIRST)]))
    urls["other"] = feed_server.url("/other.xml", host="localhost")
    http = HttpSettings(max_connections=4, per_host=1, deadline=timedelta(seconds=6))
    config = config_for(tmp_path, urls, http=http)
    if conditional:  # a first poll stores every feed's validators
        asyncio.run(poll_all(config, limit=len(urls)))
    feed_server.set_hang("/busy0.xml")

    async def scenario() -> tuple[str, list[str]]:
        async with open_app(config) as app:
            await app.poller.sync_sources()
            states = await app.poller.claim(due_only=False, limit=len(urls))
            by_name = {s.name: s for s in states}
            hanging = asyncio.create_task(app.poller.poll(by_name.pop("busy-0")))
            await asyncio.sleep(0.5)  # the hanging fetch holds the busy host's connection
            other = by_name.pop("other")
            queued = [asyncio.create_task(app.poller.poll(s)) for s in by_name.values()]
            await asyncio.sleep(0.5)  # every other busy-host poll is queued for its turn
            # well before the hang's 6 s deadline frees the busy host
            report = await asyncio.wait_for(app.poller.poll(other), timeout=3)
            rest = await asyncio.gather(hanging, *queued)
            return report.outcome, [r.outcome for r in rest]

    other, busy_outcomes = asyncio.run(scenario())
    assert other == ("not_modified" if conditional else "updated")
    assert busy_outcomes[0] == "failed"  # the hang, at its deadline
    assert set(busy_outcomes[1:]) == {"not_modified" if conditional else "updated"}


def test_a_repoll_matches_and_reads_the_events_of_its_new_items_only(
    feed_server: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search feed changes at every poll yet repeats most of its items: the poller keeps
    the texts of each source's last recorded poll, and matches and reads the event (the
    story fingerprint) only of items that are new to it; the new item still joins its
    story."""
    items = [
        story(1, FIRST),
        story(2, "Clearview AI names a new chief executive"),
        story(3, "Italian regulator fines Clearview AI 20 million euros"),
    ]
    copy = "Clearview AI sued by Illinois residents over face-scraping"
    feed_server.set_feed("/search.xml", rss(items))
    config = config_for(tmp_path, {"search": feed_server.url("/search.xml")})
    read: list[str] = []
    real = decide.fingerprint
    monkeypatch.setattr(decide, "fingerprint", lambda *a, **k: read.append(a[0]) or real(*a, **k))
    matched: list[str] = []
    real_match = TopicSet.match
    monkeypatch.setattr(
        TopicSet, "match", lambda s, e, *a: matched.append(e.title) or real_match(s, e, *a)
    )

    async def two_polls() -> list[tuple[str, int, int, int]]:
        async with open_app(config) as app:
            await app.poller.sync_sources()
            reports = []
            for body in (rss(items), rss([story(4, copy), *items])):
                feed_server.set_feed("/search.xml", body)
                (state,) = await app.poller.claim(due_only=False)
                r = await app.poller.poll(state)
                reports.append((r.outcome, r.new_entries, r.new_hits, r.alerts))
            return reports

    # the copy is a new entry of the first story: no hit of its own (hits are per story)
    assert asyncio.run(two_polls()) == [("updated", 3, 3, 3), ("updated", 1, 0, 0)]
    titles = [FIRST, items[1]["title"], items[2]["title"]]
    assert read == [*titles, copy]  # the events read: the first poll's, then the new item's
    assert matched == [*titles, copy]
