"""Times in ``settings.timezone`` wherever a person reads them (console alerts, email and
digests, ``hits`` and ``cases`` tables), ISO 8601 UTC in JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from clirun import ok
from feedgen import rss, story, write_config
from feedserver import FeedServer
from test_slack_blocks import make_alert

from monitor.cli.cases import _print_case
from monitor.config import EmailNotifier as EmailConfig
from monitor.notify.console import render_alert
from monitor.notify.email import EmailNotifier
from monitor.store.dockets import CaseEntry
from monitor.timefmt import local_time

NOON_UTC = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_local_time_names_the_zone() -> None:
    assert local_time(NOON_UTC, "America/Chicago") == "2026-11-20 06:00 CST"
    assert local_time(NOON_UTC, "Europe/Paris") == "2026-11-20 13:00 CET"
    assert local_time(NOON_UTC, "UTC") == "2026-11-20 12:00 UTC"
    assert local_time(None, "UTC") == "undated"


def test_console_alerts_show_the_configured_zone() -> None:
    assert "wire · 2026-11-20 13:00 CET" in render_alert(make_alert(), "Europe/Paris")


def _body(message: EmailMessage) -> str:
    parts = [p.get_content() for p in message.walk() if p.get_content_type() == "text/plain"]
    return "\n".join(parts)


def test_emails_and_digests_show_the_configured_zone() -> None:
    config = EmailConfig.model_validate(
        {"name": "m", "type": "email", "host": "127.0.0.1", "sender": "a@b.c",
         "recipients": ["d@e.f"]}
    )  # fmt: skip
    mail = EmailNotifier(config, timezone="Asia/Tokyo")
    assert "2026-11-20 21:00 JST" in _body(mail.alert_message(make_alert()))
    digest = mail.digest_message([make_alert(), make_alert(delivery_id=2, title="Two")])
    assert digest is not None and "2026-11-20 21:00 JST" in _body(digest)


def test_cases_show_the_configured_zone(capsys: pytest.CaptureFixture[str]) -> None:
    entry = CaseEntry("court", "Docket 41", NOON_UTC, NOON_UTC, {"document_number": "41"})
    _print_case("clearview", "ilnd", "1:21-cv-00135", 1, [entry], "America/New_York")
    assert "2026-11-20 07:00 EST" in capsys.readouterr().out


def test_poll_and_hits_show_local_times_and_json_csv_keep_utc(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    feed_server.set_feed("/a.xml", rss([story(1, "Clearview AI fined")]))
    config = write_config(tmp_path, {"wire": feed_server.url("/a.xml")})
    config.write_text(
        config.read_text().replace("settings:\n", "settings:\n  timezone: Asia/Tokyo\n")
    )
    ok("db", "upgrade", "--config", str(config))
    polled = ok("poll", "--once", "--config", str(config))
    assert " JST" in polled.stdout and " UTC" not in polled.stdout
    table = ok("hits", "--config", str(config)).stdout
    assert " JST" in table
    [record] = json.loads(ok("hits", "--config", str(config), "--format", "json").stdout)
    assert record["published"].endswith("+00:00") and record["created_at"].endswith("+00:00")
    rows = list(
        csv.DictReader(io.StringIO(ok("hits", "--config", str(config), "--format", "csv").stdout))
    )
    assert rows[0]["published"].endswith("+00:00")
