"""The service's poll tick: a due source waits at most a second for its poll, so that an
item reaches its channel within the source's interval and about a second (bench/latency.py
measures it end to end)."""

from __future__ import annotations

import signal
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from clirun import ok, start
from feedgen import rss, story, write_config
from feedserver import FeedServer
from probe import wait_for

from monitor.app import open_app
from monitor.config import Config, Settings, Source, Topic
from monitor.service import Service
from monitor.store.db import make_engine, upgrade


async def test_the_poll_tick_is_a_second_whatever_the_intervals(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'monitor.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    config = Config(
        settings=Settings(database_url=url, default_interval=timedelta(minutes=15)),
        sources=[Source(name="wire", url="http://127.0.0.1:9/feed.xml")],
        topics=[Topic(name="clearview", terms=["Clearview AI"])],
    )
    async with open_app(config) as app:
        assert Service(app).poll_every == timedelta(seconds=1)


def test_the_service_keeps_more_than_fifty_polls_going(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    # The service claimed at most 50 sources at each one-second tick, so it polled at most
    # about 50 a second whatever the host could do: 2,000 due sources took 41 s where
    # `monitor poll --once` took 20. It now keeps as many polls going as the poller holds
    # slots for (fetches in flight plus the bodies waiting). Here 120 sources answer after
    # 3 s each: all of them are in flight at once (those the first poll left due a little
    # later are claimed at the next tick, while the others are still in flight).
    count = 120
    config = write_config(tmp_path, _weather_feeds(feed_server, "feed", count))
    text = config.read_text().replace(
        "  http:\n", "  default_interval: 1s\n  http:\n    per_host: 200\n"
    )
    config.write_text(text)
    ok("db", "upgrade", "--config", str(config))
    ok("poll", "--once", "--config", str(config))  # validators stored: conditional polls next
    feed_server.reset_stats()
    feed_server.latency = 3.0
    _run_until(config, lambda: all(feed_server.hits(f"/feed{n}.xml") >= 2 for n in range(count)))
    assert feed_server.max_in_flight() > 100


def test_one_hosts_backlog_does_not_hold_up_another_hosts_sources(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    # The service claimed due sources in due order, as many as it had room for: the due
    # sources of one host (hundreds of search feeds on one news site) could take all of it,
    # queued for that host's two connections, and a court feed on another host, due after
    # them, waited until the backlog drained. Here 150 sources of a host answering in half
    # a second (4 polls a second) and room for 68 polls: the court feed's first poll came
    # after about 80 of theirs (20 s). Each host now takes a share of the room.
    busy = 150
    sources = _weather_feeds(feed_server, "busy", busy)
    feed_server.set_feed("/court.xml", rss([story(500, "Docket entry")]))
    sources["court"] = feed_server.url("/court.xml", host="localhost")  # due last
    config = write_config(tmp_path, sources)
    text = config.read_text().replace("  http:\n", "  http:\n    max_connections: 4\n")
    config.write_text(text)
    ok("db", "upgrade", "--config", str(config))
    feed_server.latency = 0.5
    _run_until(config, lambda: feed_server.hits("/court.xml") >= 1)
    busy_before = sum(feed_server.hits(f"/busy{n}.xml") for n in range(busy))
    assert busy_before < 40


def _weather_feeds(feed_server: FeedServer, prefix: str, count: int) -> dict[str, str]:
    """``count`` feeds of one unmatched story each, served as /{prefix}N.xml: name → URL."""
    sources = {}
    for n in range(count):
        feed_server.set_feed(f"/{prefix}{n}.xml", rss([story(n, f"Weather {n}")]))
        sources[f"{prefix}{n}"] = feed_server.url(f"/{prefix}{n}.xml")
    return sources


def _run_until(config: Path, done: Callable[[], object]) -> None:
    """``monitor run`` on ``config`` until ``done()`` holds, then stopped with SIGTERM."""
    proc, _, _ = start("run", "--config", str(config))
    try:
        wait_for(done)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
