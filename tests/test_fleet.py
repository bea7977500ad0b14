"""Replicas on one PostgreSQL database: real ``monitor run`` processes started together
share the work, come up together (migrations and source registration race-free), and pace a
Slack channel for the whole fleet."""

from __future__ import annotations

from pathlib import Path

import pytest
from clirun import ok
from feedgen import rss, story
from feedserver import FeedServer
from fleetrun import Fleet, fleet_config

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
