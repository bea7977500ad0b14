"""The ops route: a source failing past the threshold yields one message, its recovery one
more, never one per failed poll; a docket feed's coverage gap likewise. End to end through
``monitor run`` on each backend, and the pure decision on its own."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from clirun import monitor, ok, start
from feedgen import rss, story
from feedserver import FeedServer
from fleetrun import Replica, fleet_config

from monitor.config import OpsRoute
from monitor.docket_keys import Gap
from monitor.ops import OpsView, ops_changes
from monitor.store.sources import SourceState

OPS = "notifiers:\n  - name: oncall\n    type: console\nops:\n  notifiers: [oncall]\n"


def _wait(condition, replica: Replica, timeout: float = 60) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert replica.proc.poll() is None, replica.stderr.text()
        assert time.monotonic() < deadline, replica.stdout.text() + replica.stderr.text()
        time.sleep(0.2)


def test_a_source_failing_past_the_threshold_is_one_message_and_its_recovery_one_more(
    db_url: str, feed_server: FeedServer, tmp_path: Path
) -> None:
    feed_server.set_feed("/ok.xml", rss([story(1, "Clearview AI news")]))
    feed_server.set_error("/broken.xml", 500)
    config = fleet_config(
        tmp_path,
        db_url,
        {"wire": feed_server.url("/ok.xml"), "broken": feed_server.url("/broken.xml")},
        interval="1s",
        settings=["max_backoff: 1s"],
        extra=OPS + "  failing_for: 3s\n",
    )
    ok("db", "upgrade", "--config", str(config))
    replica = Replica(*start("run", "--config", str(config)))
    try:
        out = replica.stdout
        _wait(lambda: "[ops] broken has been failing for" in out.text(), replica)
        failed_polls = feed_server.hits("/broken.xml")
        _wait(lambda: feed_server.hits("/broken.xml") >= failed_polls + 4, replica)
        assert out.text().count("[ops] ") == 1, out.text()  # not one per failed poll
        feed_server.set_feed("/broken.xml", rss([story(2, "Other news")]))
        _wait(lambda: "[ops] broken works again" in out.text(), replica)
        good_polls = feed_server.hits("/broken.xml")
        _wait(lambda: feed_server.hits("/broken.xml") >= good_polls + 3, replica)
        assert replica.stop() == 0, replica.stderr.text()
    finally:
        replica.proc.kill()
    text = replica.stdout.text()
    assert text.count("[ops] ") == 2, text
    assert "[ops] wire" not in text
    assert "HTTP 500" in text  # the message says what is wrong
    assert feed_server.url("/broken.xml") in text  # and where


def test_ops_notifiers_must_exist(tmp_path: Path) -> None:
    config = fleet_config(
        tmp_path,
        f"sqlite:///{tmp_path / 'm.db'}",
        {"wire": "http://127.0.0.1:9/a.xml"},
        extra="ops:\n  notifiers: [pager]\n",
    )
    result = monitor("check-config", "--config", str(config))
    assert result.returncode != 0
    assert "ops.notifiers[0]: no notifier named 'pager'" in result.stderr


NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
ROUTE = OpsRoute(notifiers=["oncall"], failing_for=timedelta(hours=6))


def _view(
    failures: int = 0,
    since: timedelta | None = None,
    told: str | None = None,
    gap_at: datetime | None = None,
    last_success: datetime | None = NOW - timedelta(hours=1),
) -> OpsView:
    state = SourceState(
        1, "court", "https://ecf.example.gov/rss", "pacer", None, None, None, None, None,
        last_success, None, failures, "HTTP 503" if failures else None, None,
    )  # fmt: skip
    gap = Gap("court", "ilnd", None, None, 20, 20, gap_at) if gap_at else None
    return OpsView(state, NOW - since if since else None, told, gap)


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        (_view(failures=9, since=timedelta(hours=5, minutes=59)), []),  # not yet
        (_view(failures=9, since=timedelta(hours=6)), ["failing"]),
        (_view(failures=40, since=timedelta(hours=9), told="failing"), []),  # told already
        (_view(told="failing"), [None]),  # works again
        (_view(gap_at=NOW - timedelta(hours=1)), ["gap"]),  # the last good poll had a gap
        (_view(gap_at=NOW - timedelta(hours=2), told="gap"), [None]),  # a later poll overlaps
        (_view(gap_at=NOW - timedelta(hours=1), told="gap"), []),
        (_view(), []),
    ],
)
def test_ops_changes_tell_each_change_once(view: OpsView, expected: list[str | None]) -> None:
    assert [c.new for c in ops_changes([view], NOW, ROUTE)] == expected


def test_coverage_gaps_can_be_left_out_of_the_ops_route() -> None:
    route = OpsRoute(notifiers=["oncall"], coverage_gaps=False)
    assert ops_changes([_view(gap_at=NOW - timedelta(hours=1))], NOW, route) == []
