"""Digests owed from downtime: when a scheduled digest passed while the service was down, the
service sends one digest with everything owed as soon as it is back (not one per missed
period); when none was missed, it waits for the schedule."""

from __future__ import annotations

import time
from pathlib import Path

from clirun import ok, start
from feedgen import rss, story
from feedserver import FeedServer
from fleetrun import Replica, fleet_config
from smtpstub import SmtpStub
from sqlalchemy import create_engine, text


def _config(tmp: Path, db_url: str, feed_server: FeedServer, smtp: SmtpStub) -> Path:
    feed_server.set_feed("/a.xml", rss([story(i, f"Clearview AI story {i}") for i in (1, 2, 3)]))
    extra = (
        "notifiers:\n"
        f"  - {{name: mail, type: email, host: 127.0.0.1, port: {smtp.port}, tls: none,\n"
        "     sender: m@example.org, recipients: [desk@example.org]}\n"
        "routes:\n"
        "  - {topic: clearview, notifiers: [mail], mode: digest, schedule: '0 8 * * *'}\n"
    )
    return fleet_config(tmp, db_url, {"wire": feed_server.url("/a.xml")}, extra=extra)


def _age_deliveries(db_url: str, days: int) -> None:
    engine = create_engine(db_url)
    old = f"datetime('now', '-{days} days')"
    if engine.dialect.name == "postgresql":
        old = f"(now() AT TIME ZONE 'UTC') - INTERVAL '{days} days'"
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE deliveries SET created_at = {old}"))
    engine.dispose()


def test_a_digest_missed_while_down_is_sent_once_on_start(
    db_url: str, feed_server: FeedServer, tmp_path: Path
) -> None:
    with SmtpStub() as smtp:
        config = _config(tmp_path, db_url, feed_server, smtp)
        ok("db", "upgrade", "--config", str(config))
        ok("poll", "--once", "--config", str(config))  # three stories owed to the digest
        assert smtp.messages == []
        _age_deliveries(db_url, days=3)  # owed since before three 8 o'clock digests
        replica = Replica(*start("run", "--config", str(config)))
        try:
            replica.stderr.wait_for("missed while down", timeout=60)
            deadline = time.monotonic() + 60
            while not smtp.messages and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(1)  # a second digest, if any, would be on its way
            assert replica.stop() == 0, replica.stderr.text()
        finally:
            replica.proc.kill()
        assert len(smtp.messages) == 1, replica.stderr.text()  # one, not one per missed day
        (_, message) = smtp.messages[0]
        assert "3 new stories" in message["Subject"]


def test_no_digest_is_sent_on_start_when_none_was_missed(
    db_url: str, feed_server: FeedServer, tmp_path: Path
) -> None:
    with SmtpStub() as smtp:
        config = _config(tmp_path, db_url, feed_server, smtp)
        ok("db", "upgrade", "--config", str(config))
        ok("poll", "--once", "--config", str(config))  # owed since now: the next 8 o'clock
        replica = Replica(*start("run", "--config", str(config)))
        try:
            replica.stderr.wait_for("monitor running", timeout=60)
            time.sleep(3)
            assert replica.stop() == 0, replica.stderr.text()
        finally:
            replica.proc.kill()
        assert smtp.messages == []
        assert "missed while down" not in replica.stderr.text()
