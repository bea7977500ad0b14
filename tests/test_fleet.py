"""Replicas on one PostgreSQL database: real ``monitor run`` processes started together
share the work, come up together (migrations and source registration race-free), and pace a
Slack channel for the whole fleet."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from clirun import ok
from feedgen import rss, story
from feedserver import FeedServer
from fleetrun import Fleet, fleet_config
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.postgres


def _sources(feed_server: FeedServer, count: int) -> dict[str, str]:
    for i in range(count):
        feed_server.set_feed(f"/f{i}.xml", rss([story(i, f"Clearview AI story number {i}")]))
    return {f"feed-{i}": feed_server.url(f"/f{i}.xml") for i in range(count)}


def test_three_replicas_started_at_once_with_migrate_on_a_fresh_database_all_come_up(
    pg_url: str, feed_server: FeedServer, tmp_path: Path
) -> None:
    config = fleet_config(tmp_path, pg_url, _sources(feed_server, 5))
    with Fleet(3, "--migrate", "--config", str(config)) as fleet:
        fleet.wait_running()
        codes = fleet.stop()
    assert codes == [0, 0, 0], fleet.logs()
    assert "Traceback" not in fleet.logs()


def test_three_replicas_started_at_once_register_the_configured_sources_once(
    pg_url: str, feed_server: FeedServer, tmp_path: Path
) -> None:
    config = fleet_config(tmp_path, pg_url, _sources(feed_server, 20))
    ok("db", "upgrade", "--config", str(config))  # migrated, but no source registered yet
    with Fleet(3, "--config", str(config)) as fleet:
        fleet.wait_running()
        codes = fleet.stop()
    assert codes == [0, 0, 0], fleet.logs()
    listed = ok("sources", "--config", str(config)).stdout
    assert all(f"feed-{i}\t" in listed for i in range(20)), listed


def _polls(text: str) -> int:
    return sum(1 for line in text.splitlines() if "monitor.service: polled " in line)


def test_two_replicas_share_a_burst_of_due_sources_and_send_every_story_once(
    pg_url: str, feed_server: FeedServer, tmp_path: Path
) -> None:
    count = 30
    config = fleet_config(tmp_path, pg_url, _sources(feed_server, count), extra=CONSOLE)
    ok("db", "upgrade", "--config", str(config))
    ok("poll", "--once", "--config", str(config))  # every source known, next due in an hour
    for i in range(count):  # each feed has a new story since
        feed_server.set_feed(f"/f{i}.xml", rss([story(100 + i, f"Clearview AI update {i}")]))
    feed_server.latency = 0.3  # latency-bound: each replica fetches 2 at a time from a host
    with Fleet(2, "--config", str(config)) as fleet:
        fleet.wait_running()
        time.sleep(3)  # both have ticked once: the fleet knows them
        _make_all_due(pg_url)  # a burst: every source due at the same moment
        deadline = time.monotonic() + 90
        while sum(_polls(r.stderr.text()) for r in fleet.replicas) < count:
            assert time.monotonic() < deadline, fleet.logs()
            time.sleep(0.2)
        time.sleep(2)  # deliveries of the last polls
        codes = fleet.stop()
    assert codes == [0, 0], fleet.logs()
    polls = [_polls(r.stderr.text()) for r in fleet.replicas]
    assert sum(polls) == count, fleet.logs()
    assert min(polls) >= count // 3, f"lopsided polling: {polls}"
    printed = "".join(r.stdout.text() for r in fleet.replicas)
    for i in range(count):
        assert printed.count(f"Clearview AI update {i}\n") == 1, printed


CONSOLE = "notifiers:\n  - name: console\n    type: console\n"


def _make_all_due(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE sources SET next_due_at = now() AT TIME ZONE 'UTC'"))
    engine.dispose()
