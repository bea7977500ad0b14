"""End to end through the real ``monitor`` command against feeds on 127.0.0.1.

Every ``monitor`` invocation is a fresh process, so a second poll is also a restart.
"""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest
from clirun import monitor, ok, start
from feedgen import rss, story, write_config
from feedserver import FeedServer

MATCHING = "Clearview AI sued by Illinois residents over face scraping"
OTHER_MATCH = "Regulator fines Clearview AI €20m; Hoan Ton-That responds"
NAMESAKE = "ClearView Energy Partners: Clearview AI-style analysis of power markets"
UNRELATED = "City council approves new bike lanes"


@pytest.fixture
def news(feed_server: FeedServer, tmp_path: Path) -> Path:
    """Two feeds, one with two matching stories, a namesake and an unrelated story."""
    feed_server.set_feed(
        "/a.xml", rss([story(1, MATCHING), story(2, NAMESAKE), story(3, UNRELATED)])
    )
    feed_server.set_feed("/b.xml", rss([story(4, OTHER_MATCH)]))
    config = write_config(
        tmp_path, {"wire": feed_server.url("/a.xml"), "press": feed_server.url("/b.xml")}
    )
    ok("db", "upgrade", "--config", str(config))
    return config


def test_first_poll_alerts_matching_entries_only_and_never_again(news: Path) -> None:
    first = ok("poll", "--once", "--config", str(news))
    assert MATCHING in first.stdout and OTHER_MATCH in first.stdout
    assert NAMESAKE not in first.stdout and UNRELATED not in first.stdout
    assert "Polled 2 sources: 2 updated, 0 not modified, 0 failed" in first.stdout
    assert "New entries: 4, new hits: 2, alerts sent: 2" in first.stdout

    second = ok("poll", "--once", "--config", str(news))
    assert MATCHING not in second.stdout
    assert "2 not modified" in second.stdout
    assert "New entries: 0, new hits: 0, alerts sent: 0" in second.stdout


def test_a_changed_feed_alerts_only_its_new_matching_entry(
    news: Path, feed_server: FeedServer
) -> None:
    ok("poll", "--once", "--config", str(news))
    new_title = "Appeals court hears Clearview AI biometric privacy case"
    feed_server.set_feed(
        "/a.xml",
        rss(
            [
                story(5, new_title),
                story(6, "Weather today"),
                story(1, MATCHING),
                story(2, NAMESAKE),
                story(3, UNRELATED),
            ]
        ),
    )
    result = ok("poll", "--once", "--config", str(news))
    assert new_title in result.stdout
    assert MATCHING not in result.stdout
    assert "New entries: 2, new hits: 1, alerts sent: 1" in result.stdout


def test_a_broken_feed_is_reported_while_the_others_alert(
    news: Path, feed_server: FeedServer, tmp_path: Path
) -> None:
    feed_server.set_error("/broken.xml", 500)
    feed_server.set_hang("/slow.xml")
    config = write_config(
        tmp_path,
        {
            "wire": feed_server.url("/a.xml"),
            "broken": feed_server.url("/broken.xml"),
            "slow": feed_server.url("/slow.xml"),
        },
    )
    result = monitor("poll", "--once", "--config", str(config))
    assert result.returncode == 1  # some sources failed: scripts and cron can tell
    assert MATCHING in result.stdout
    assert "2 failed" in result.stdout
    assert "failed: broken: HTTP 500" in result.stdout
    assert "failed: slow: timed out" in result.stdout
    assert "broken: poll failed (1 in a row): HTTP 500" in result.stderr


def test_dry_run_prints_alerts_and_changes_nothing(news: Path) -> None:
    dry = ok("poll", "--once", "--dry-run", "--config", str(news))
    assert MATCHING in dry.stdout
    assert "alerts that would be sent: 2 (dry run)" in dry.stdout
    real = ok("poll", "--once", "--config", str(news))
    assert "New entries: 4, new hits: 2, alerts sent: 2" in real.stdout


def test_first_poll_backfill_skips_old_entries_but_later_old_entries_alert(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    old = "Clearview AI settlement approved (archive)"
    feed_server.set_feed("/a.xml", rss([story(1, MATCHING), story(2, old, days_ago=30)]))
    config = write_config(tmp_path, {"wire": feed_server.url("/a.xml")}, backfill="7d")
    ok("db", "upgrade", "--config", str(config))
    first = ok("poll", "--once", "--config", str(config))
    assert MATCHING in first.stdout and old not in first.stdout
    assert "new hits: 2, alerts sent: 1" in first.stdout

    resurfaced = "Clearview AI founder interview from last year"
    feed_server.set_feed(
        "/a.xml",
        rss([story(3, resurfaced, days_ago=300), story(1, MATCHING), story(2, old, days_ago=30)]),
    )
    later = ok("poll", "--once", "--config", str(config))
    assert resurfaced in later.stdout


def test_hits_lists_recorded_hits_in_each_format(news: Path) -> None:
    ok("poll", "--once", "--config", str(news))
    as_json = json.loads(ok("hits", "--format", "json", "--config", str(news)).stdout)
    assert sorted(h["title"] for h in as_json) == sorted([MATCHING, OTHER_MATCH])
    first = next(h for h in as_json if h["title"] == MATCHING)
    assert first["source"] == "wire" and first["topic"] == "clearview"
    assert first["terms"] == ["Clearview AI"]
    assert first["link"] == "https://news.example.com/story/1"
    assert first["published"] is not None
    story = ok("story", str(first["story_id"]), "--config", str(news)).stdout
    assert MATCHING in story
    as_csv = ok("hits", "--format", "csv", "--topic", "clearview", "--config", str(news)).stdout
    assert as_csv.splitlines()[0].startswith("id,created_at,topic,source,title,link")
    assert len(as_csv.splitlines()) == 3
    table = ok("hits", "--since", "1d", "--config", str(news)).stdout
    assert "2 hits" in table
    none = ok("hits", "--topic", "other", "--format", "json", "--config", str(news)).stdout
    assert json.loads(none) == []


def test_a_bad_config_exits_non_zero_naming_line_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "feeds.yaml"
    bad.write_text(
        "sources:\n  - name: wire\n    url: ftp://example.com/feed\n    colour: blue\ntopics: []\n"
    )
    for command in (["check-config"], ["poll", "--once"], ["run"]):
        result = monitor(*command, "--config", str(bad))
        assert result.returncode != 0
        assert f"{bad}:3" in result.stderr and "url" in result.stderr
        assert f"{bad}:4" in result.stderr and "colour" in result.stderr


def test_check_config_accepts_the_shipped_config() -> None:
    result = ok("check-config", "--config", str(Path(__file__).parents[1] / "feeds.yaml"))
    assert "OK" in result.stdout


def test_run_refuses_an_out_of_date_schema(feed_server: FeedServer, tmp_path: Path) -> None:
    config = write_config(tmp_path, {"wire": feed_server.url("/a.xml")})
    for command in (["run"], ["poll", "--once"]):
        result = monitor(*command, "--config", str(config))
        assert result.returncode != 0
        assert "monitor db upgrade" in result.stderr


def test_run_polls_alerts_and_stops_gracefully_on_sigterm(news: Path) -> None:
    proc, stdout, stderr = start("run", "--config", str(news))
    try:
        stdout.wait_for(OTHER_MATCH, timeout=60)
        stdout.wait_for(MATCHING, timeout=60)  # the two feeds are recorded by two workers
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        stderr.wait_for("monitor stopped", timeout=10)
    finally:
        proc.kill()
    assert proc.returncode == 0, stderr.text()
    assert MATCHING in stdout.text()
    again = ok("poll", "--once", "--config", str(news))
    assert "new hits: 0, alerts sent: 0" in again.stdout
