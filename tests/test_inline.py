"""Where a changed body is parsed and recorded (monitor.pipeline): small bodies the fast reader
takes in the poller's own process, without starting a worker; anything else (a body that
needs feedparser, a big body, or everything when inline_parse_max_bytes is 0) in a worker
process under the CPU budget. The entries stored are the same either way."""

from __future__ import annotations

import asyncio
from pathlib import Path

from feedgen import rss, story
from feedserver import FeedServer

from monitor.app import open_app
from monitor.config import Config, Settings, Source, Topic
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


async def poll_all(config: Config) -> tuple[dict[str, tuple[str, int, int]], int]:
    """Poll every source once: (outcome, entries, new hits) per source, workers started."""
    async with open_app(config) as app:
        await app.poller.sync_sources()
        states = await app.poller.claim(due_only=False, limit=10)
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
