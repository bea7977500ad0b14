"""``monitor poll --once`` keeps as many polls going as the poller has slots for, the hosts
in turn (monitor.pollrun.in_turn): it started every source's poll at once, and each poll
waiting for its host's turn costs memory (20,000 sources: 330 MiB)."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from pathlib import Path

from feedgen import rss, story
from feedserver import FeedServer

from monitor.config import Config, HttpSettings, Settings, Source, Topic
from monitor.pipeline import PollReport
from monitor.pollrun import in_turn, poll_once
from monitor.store.db import make_engine, upgrade
from monitor.store.sources import SourceState


def test_poll_once_keeps_a_bounded_number_of_polls_going_and_takes_hosts_in_turn(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    busy = 150  # sources of one host answering in 0.2 s, two at a time
    sources = []
    for n in range(busy):
        feed_server.set_feed(f"/busy{n}.xml", rss([story(n, f"Weather {n}")]))
        sources.append(Source(name=f"busy-{n}", url=feed_server.url(f"/busy{n}.xml")))
    feed_server.set_feed("/court.xml", rss([story(500, "Docket entry")]))
    sources.append(Source(name="court", url=feed_server.url("/court.xml", host="localhost")))
    url = f"sqlite:///{tmp_path / 'monitor.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    config = Config(
        settings=Settings(database_url=url, http=HttpSettings(deadline=timedelta(seconds=60))),
        sources=sources,
        topics=[Topic(name="clearview", terms=["Clearview AI"])],
    )
    feed_server.latency = 0.2
    going: list[int] = []
    court_after: list[int] = []

    async def scenario() -> list[PollReport]:
        async def watch() -> None:
            while True:
                polls = [t for t in asyncio.all_tasks() if _is_poll(t)]
                going.append(len(polls))
                if not court_after and feed_server.hits("/court.xml"):
                    court_after.append(sum(feed_server.hits(f"/busy{n}.xml") for n in range(busy)))
                await asyncio.sleep(0.05)

        watcher = asyncio.create_task(watch())
        try:
            return (await poll_once(config)).reports
        finally:
            watcher.cancel()

    reports = asyncio.run(scenario())
    assert Counter(r.outcome for r in reports) == {"updated": busy + 1}
    # one host's 8 polls per connection it may use (per_host 2), and the other host's one
    assert 0 < max(going) <= 8 * 2 + 1
    assert court_after and court_after[0] < 40  # the court feed did not wait for the 150


def _is_poll(task: asyncio.Task[object]) -> bool:
    return getattr(task.get_coro(), "__qualname__", "").startswith("poll_once.")


def test_in_turn_holds_both_bounds_and_reports_in_the_order_given() -> None:
    states = [_state(n, f"http://host{n % 4}.example/feed{n}") for n in range(40)]
    going: Counter[str] = Counter()
    most_at_once: Counter[str] = Counter()

    async def poll(state: SourceState) -> PollReport:
        host = state.url.split("/")[2]
        going[host] += 1
        going["*"] += 1
        for key in (host, "*"):
            most_at_once[key] = max(most_at_once[key], going[key])
        await asyncio.sleep(0.001 * (state.id % 3))
        going[host] -= 1
        going["*"] -= 1
        return PollReport(source=state.name, outcome="not_modified")

    reports = asyncio.run(in_turn(states, poll, most=5, per_host=2))
    assert [r.source for r in reports] == [s.name for s in states]
    assert most_at_once["*"] == 5
    assert max(v for k, v in most_at_once.items() if k != "*") == 2


def _state(id_: int, url: str) -> SourceState:
    return SourceState(
        id=id_,
        name=f"feed{id_}",
        url=url,
        kind="news",
        etag=None,
        last_modified=None,
        body_hash=None,
        next_due_at=None,
        first_polled_at=None,
        last_success_at=None,
        last_polled_at=None,
        consecutive_failures=0,
        last_error=None,
        last_warning=None,
    )
