"""What ``monitor`` logs, seen from outside: JSON lines (``--log-format json`` or
``MONITOR_LOG_FORMAT``) that parse one by one and carry the ids of what they are about, with
secrets masked; global options after the command; quiet Alembic; failed fetches that say
which host, which URL, and when the next try is."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from clirun import monitor, ok
from feedgen import rss, story, write_config
from feedserver import FeedServer

MATCHING = "Clearview AI sued by Illinois residents"


def _json_lines(text: str) -> list[dict[str, Any]]:
    """Every line of ``text`` as a JSON object (a line that does not parse fails the test)."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _news(feed_server: FeedServer, tmp_path: Path, token: str = "") -> Path:
    feed_server.set_feed("/a.xml", rss([story(1, MATCHING)]))
    feed_server.set_error("/broken.xml", 500)
    broken = feed_server.url("/broken.xml") + (f"?token={token}" if token else "")
    config = write_config(tmp_path, {"wire": feed_server.url("/a.xml"), "broken": broken})
    upgraded = monitor("db", "upgrade", "--config", str(config), env={"FEED_TOKEN": "x" * 8})
    assert upgraded.returncode == 0, upgraded.stderr
    return config


def test_json_logs_parse_line_by_line_and_name_source_topic_story_and_delivery(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    config = _news(feed_server, tmp_path)
    # the global option after the command, as people type it
    result = monitor("poll", "--once", "--config", str(config), "--log-format", "json")
    assert result.returncode == 1, result.stderr  # one source failed
    lines = _json_lines(result.stderr)
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    failed = [line for line in lines if line.get("source") == "broken"]
    assert failed and failed[0]["level"] == "WARNING" and "HTTP 500" in failed[0]["message"]
    sent = [line for line in lines if "delivery" in line]
    assert len(sent) == 1, lines
    assert sent[0]["topic"] == "clearview" and sent[0]["source"] == "wire"
    assert isinstance(sent[0]["delivery"], int) and isinstance(sent[0]["story"], int)
    assert sent[0]["time"].endswith("+00:00")  # ISO 8601, UTC


def test_monitor_log_format_env_selects_json_and_secrets_stay_masked(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    # a secret JSON escaping would alter (quote, backslash): masked before it is escaped
    secret = 'tok"en\\Secret-4242'
    config = _news(feed_server, tmp_path, token="${FEED_TOKEN}")
    result = monitor(
        "poll",
        "--once",
        "--config",
        str(config),
        env={"MONITOR_LOG_FORMAT": "json", "FEED_TOKEN": secret},
    )
    lines = _json_lines(result.stderr)
    failed = [line for line in lines if line.get("source") == "broken"]
    assert failed and "token=***" in failed[0]["message"], failed
    assert "Secret-4242" not in result.stderr and "Secret-4242" not in result.stdout


def test_log_level_after_the_command_is_obeyed(feed_server: FeedServer, tmp_path: Path) -> None:
    config = _news(feed_server, tmp_path)
    result = monitor("poll", "--once", "--config", str(config), "--log-level", "ERROR")
    assert result.returncode == 1
    assert "poll failed" not in result.stderr  # a WARNING, below the threshold
    assert MATCHING in result.stdout


def test_alembic_speaks_only_while_migrating(tmp_path: Path, feed_server: FeedServer) -> None:
    config = write_config(tmp_path, {"wire": feed_server.url("/a.xml")})
    upgrade = ok("db", "upgrade", "--config", str(config))
    assert "Running upgrade" in upgrade.stderr  # what a migration did is worth seeing
    current = ok("db", "current", "--config", str(config))
    assert "alembic" not in current.stderr and "Context impl" not in current.stderr
    checked = ok("hits", "--config", str(config))
    assert "alembic" not in checked.stderr


def test_a_fetch_that_cannot_resolve_names_host_url_and_next_try(tmp_path: Path) -> None:
    url = "http://no-such-host.invalid/feed.xml"
    config = write_config(tmp_path, {"offline": url})
    ok("db", "upgrade", "--config", str(config))
    result = monitor("poll", "--once", "--config", str(config))
    assert result.returncode == 1
    assert "host not found: no-such-host.invalid" in result.stderr
    assert f"GET {url}" in result.stderr
    assert "next try in " in result.stderr
    assert "failed: offline: host not found: no-such-host.invalid" in result.stdout
