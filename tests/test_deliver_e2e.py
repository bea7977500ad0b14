"""End to end through the real ``monitor`` command, feeds, Slack and SMTP on 127.0.0.1: each
story arrives once per route, a 429 storm delays but loses nothing, a process killed
mid-delivery owes everything after a restart, hostile titles arrive escaped (and add no
email header); a recipient refused for now gets the email later, alone; the deliveries
commands."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from feedgen import rss, story
from feedserver import FeedServer
from slackstub import HANG, Answer, SlackStub
from smtpstub import SmtpStub
from test_cli_e2e import monitor, ok

HOSTILE = "Clearview AI: <!channel> <https://evil.example|click here> & more"
TITLES = [f"Clearview AI story number {n}" for n in range(8)]


@pytest.fixture
def slack() -> Iterator[SlackStub]:
    with SlackStub() as stub:
        yield stub


def write(tmp: Path, feed_url: str, slack: SlackStub, *, lease: str = "5m") -> Path:
    path = tmp / "feeds.yaml"
    path.write_text(
        f"""
settings:
  database_url: sqlite:///{tmp / "monitor.db"}
  delivery: {{max_attempts: 8, lease: {lease}}}
sources:
  - {{name: wire, url: "{feed_url}"}}
topics:
  - {{name: clearview, terms: ["Clearview AI"]}}
notifiers:
  - name: desk
    type: slack
    webhook_url: ${{TEST_SLACK_WEBHOOK}}
    pace: 0.01s
    timeout: 20s
  - name: bot
    type: slack
    token: ${{TEST_SLACK_TOKEN}}
    channel: C1
    api_base_url: {slack.api_base_url}
    pace: 0.01s
    timeout: 20s
routes:
  - topic: clearview
    notifiers: [desk, bot]
"""
    )
    ok("db", "upgrade", "--config", str(path))
    return path


@pytest.fixture
def env(slack: SlackStub) -> Iterator[None]:
    old = dict(os.environ)
    os.environ.update(TEST_SLACK_WEBHOOK=slack.webhook_url, TEST_SLACK_TOKEN="xoxb-e2e")
    yield
    os.environ.clear()
    os.environ.update(old)


def titles_by_endpoint(slack: SlackStub) -> dict[str, Counter[str]]:
    found: dict[str, Counter[str]] = {"webhook": Counter(), "chat.postMessage": Counter()}
    for m in slack.messages:
        found[m["endpoint"]][m["text"].split("] ", 1)[1].rsplit(" — ", 1)[0]] += 1
    return found


def start(config: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "monitor", "run", "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
    )


def stop(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    finally:
        proc.kill()


@pytest.mark.usefixtures("env")
def test_every_story_arrives_once_per_route_and_hostile_text_escaped(
    feed_server: FeedServer, slack: SlackStub, tmp_path: Path
) -> None:
    items = [story(n, t) for n, t in enumerate([*TITLES[:3], HOSTILE])]
    feed_server.set_feed("/a.xml", rss([*items, story(9, "Weather today")]))
    config = write(tmp_path, feed_server.url("/a.xml"), slack)
    first = ok("poll", "--once", "--config", str(config))
    assert "alerts sent: 8, failed: 0, dead: 0" in first.stdout
    escaped = "Clearview AI: &lt;!channel&gt; &lt;https://evil.example|click here&gt; &amp; more"
    expected = Counter([*TITLES[:3], escaped])
    assert titles_by_endpoint(slack) == {"webhook": expected, "chat.postMessage": expected}
    assert "<!channel>" not in str(slack.messages)
    again = ok("poll", "--once", "--config", str(config))
    assert "alerts sent: 0" in again.stdout and len(slack.messages) == 8


@pytest.mark.usefixtures("env")
def test_a_429_storm_delays_but_loses_nothing(
    feed_server: FeedServer, slack: SlackStub, tmp_path: Path
) -> None:
    feed_server.set_feed("/a.xml", rss([story(n, t) for n, t in enumerate(TITLES)]))
    config = write(tmp_path, feed_server.url("/a.xml"), slack)
    slack.script(*[Answer.rate_limited(1)] * 12)
    proc = start(config)
    try:
        slack.wait_for(16, timeout=90)
    finally:
        stop(proc)
    expected = Counter(TITLES)
    assert titles_by_endpoint(slack) == {"webhook": expected, "chat.postMessage": expected}
    assert slack.requests >= 16 + 12


@pytest.mark.usefixtures("env")
def test_a_process_killed_mid_delivery_sends_everything_owed_after_restart(
    feed_server: FeedServer, slack: SlackStub, tmp_path: Path
) -> None:
    feed_server.set_feed("/a.xml", rss([story(n, t) for n, t in enumerate(TITLES)]))
    config = write(tmp_path, feed_server.url("/a.xml"), slack, lease="2s")
    slack.script(HANG)  # the first message is accepted, then its answer never comes
    proc = start(config)
    try:
        slack.wait_for(1, timeout=60)
        time.sleep(0.5)
        proc.kill()  # SIGKILL: no drain, no lease handed back
        proc.wait(timeout=10)
    finally:
        proc.kill()
    restarted = start(config)
    try:
        slack.wait_for(17, timeout=90)
    finally:
        stop(restarted)
    found = titles_by_endpoint(slack)
    for counts in found.values():
        assert set(counts) == set(TITLES)
    repeats = sum(c - 1 for counts in found.values() for c in counts.values())
    assert repeats == 1  # the one accepted before the kill: the documented repeat window
    listing = ok("deliveries", "--state", "sent", "--config", str(config))
    assert len(listing.stdout.splitlines()) == 16


@pytest.mark.usefixtures("env")
def test_dead_deliveries_are_listed_retried_and_test_notify_sends_a_marked_message(
    feed_server: FeedServer, slack: SlackStub, tmp_path: Path
) -> None:
    feed_server.set_feed("/a.xml", rss([story(1, TITLES[0])]))
    config = write(tmp_path, feed_server.url("/a.xml"), slack)
    slack.script(Answer.error("channel_not_found"))
    first = ok("poll", "--once", "--config", str(config))
    assert "alerts sent: 1, failed: 0, dead: 1" in first.stdout
    dead = ok("deliveries", "--state", "dead", "--config", str(config))
    [line] = dead.stdout.splitlines()
    # the two channels send concurrently: the scripted refusal goes to whichever asks first
    assert "\tdead\tdesk\t" in line or "\tdead\tbot\t" in line
    assert "channel_not_found" in line
    retried = ok("deliveries", "retry", "--all-dead", "--config", str(config))
    assert "1 deliveries owed again" in retried.stdout
    again = ok("poll", "--once", "--config", str(config))
    assert "alerts sent: 1" in again.stdout
    assert ok("deliveries", "--state", "dead", "--config", str(config)).stdout == ""

    result = ok("test-notify", "bot", "--config", str(config))
    assert "test message sent through bot (1700000000." in result.stdout
    assert "[TEST]" in slack.messages[-1]["text"]
    refused = monitor("test-notify", "nobody", "--config", str(config))
    assert refused.returncode != 0 and "no notifier named" in refused.stderr


INJECTING = "Clearview AI =?utf-8?q?=0D=0AReply-To:_x@evil.example?= fined"
MAILBOXES = ["desk@example.com", "legal@example.com", "ops@example.com"]


def write_email(tmp: Path, feed_url: str, smtp: SmtpStub) -> Path:
    path = tmp / "feeds.yaml"
    path.write_text(
        f"""
settings:
  database_url: sqlite:///{tmp / "monitor.db"}
sources:
  - {{name: wire, url: "{feed_url}"}}
topics:
  - {{name: clearview, terms: ["Clearview AI"]}}
notifiers:
  - name: mail
    type: email
    host: 127.0.0.1
    port: {smtp.port}
    tls: none
    sender: monitor@alerts.example.org
    recipients: [{", ".join(MAILBOXES)}]
routes:
  - topic: clearview
    notifiers: [mail]
"""
    )
    ok("db", "upgrade", "--config", str(path))
    return path


def test_a_recipient_refused_for_now_gets_each_email_once_after_a_restart(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    feed_server.set_feed("/a.xml", rss([story(1, INJECTING), story(2, TITLES[1])]))
    with SmtpStub() as smtp:
        config = write_email(tmp_path, feed_server.url("/a.xml"), smtp)
        smtp.fail("rcpt", "451 4.7.1 greylisted, try later", recipient=MAILBOXES[1], times=2)
        first = ok("poll", "--once", "--config", str(config))
        assert "alerts sent: 0, failed: 2, dead: 0" in first.stdout
        owed = ok("deliveries", "--state", "failed", "--config", str(config)).stdout
        lines = owed.splitlines()
        assert len(lines) == 2 and all("\towed=legal@example.com\t" in line for line in lines)
        assert all("451 4.7.1 greylisted" in line for line in lines)
        ids = [line.split("\t", 1)[0] for line in lines]
        assert (
            "2 deliveries owed again"
            in ok("deliveries", "retry", *ids, "--config", str(config)).stdout
        )
        second = ok("poll", "--once", "--config", str(config))  # a new process
        assert "alerts sent: 2, failed: 0, dead: 0" in second.stdout
        third = ok("poll", "--once", "--config", str(config))
        assert "alerts sent: 0" in third.stdout
        boxes = {rcpt: smtp.mailbox(rcpt) for rcpt in MAILBOXES}
    by_id = {rcpt: Counter(str(m["Message-ID"]) for m in box) for rcpt, box in boxes.items()}
    assert by_id["desk@example.com"] == by_id["legal@example.com"] == by_id["ops@example.com"]
    assert sorted(by_id["desk@example.com"].values()) == [1, 1]
    subjects = sorted(str(m["Subject"]) for m in boxes["legal@example.com"])
    assert subjects == [
        "[monitor] clearview: Clearview AI Reply-To: x@evil.example fined",
        f"[monitor] clearview: {TITLES[1]}",
    ]
    for box in boxes.values():
        assert all(m["Reply-To"] is None and str(m["From"]) == "monitor@alerts.example.org"
                   for m in box)  # fmt: skip
