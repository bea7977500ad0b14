"""Secrets never leave, through the real ``monitor`` command: the Slack webhook URL (and its
path, the secret part), the bot token and the database password never appear in DEBUG logs,
in errors stored on deliveries, in ``monitor deliveries``, ``test-notify`` or
``check-config`` output, whatever slack-sdk, aiohttp or a proxy put in their messages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from clirun import monitor
from feedgen import rss, story
from feedserver import FeedServer
from slackstub import _WEBHOOK_PATH as SECRET_PATH
from slackstub import Answer, SlackStub

TOKEN = "xoxb-1111-2222-secrettoken"


@pytest.fixture
def slack() -> Iterator[SlackStub]:
    with SlackStub() as stub:
        yield stub


def write(tmp: Path, slack: SlackStub, feed_url: str = "http://127.0.0.1:9/none.xml") -> Path:
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
  - {{name: desk, type: slack, webhook_url: "${{SLACK_WEBHOOK_URL}}", pace: 0.01s}}
  - name: bot
    type: slack
    token: ${{SLACK_BOT_TOKEN}}
    channel: C1
    api_base_url: {slack.api_base_url}
    pace: 0.01s
"""
    )
    return path


def secrets_env(slack: SlackStub, webhook: str | None = None) -> dict[str, str]:
    return {"SLACK_WEBHOOK_URL": webhook or slack.webhook_url, "SLACK_BOT_TOKEN": TOKEN}


def assert_clean(text: str, *secrets: str) -> None:
    for secret in (SECRET_PATH, TOKEN, *secrets):
        assert secret not in text


@pytest.mark.parametrize("notifier", ["desk", "bot"])
def test_test_notify_at_debug_logs_no_webhook_url_and_no_token(
    slack: SlackStub, tmp_path: Path, notifier: str
) -> None:
    config = write(tmp_path, slack)
    args = ("--log-level", "DEBUG", "test-notify", notifier, "--config", str(config))
    result = monitor(*args, env=secrets_env(slack))
    assert result.returncode == 0, result.stderr
    assert f"test message sent through {notifier}" in result.stdout
    assert "Sending a request" in result.stderr  # slack-sdk did log the request, masked
    assert_clean(result.stdout + result.stderr, slack.webhook_url)
    assert len(slack.messages) == 1


def test_a_failed_test_notify_does_not_quote_the_webhook_url(
    slack: SlackStub, tmp_path: Path
) -> None:
    config = write(tmp_path, slack)
    slack.script(Answer(502, f"bad gateway: {slack.webhook_url}"))
    args = ("--log-level", "DEBUG", "test-notify", "desk", "--config", str(config))
    result = monitor(*args, env=secrets_env(slack))
    assert result.returncode == 1 and "HTTP 502" in result.stderr
    assert_clean(result.stdout + result.stderr, slack.webhook_url)


def test_a_failing_delivery_stores_and_shows_no_secret(
    feed_server: FeedServer, slack: SlackStub, tmp_path: Path
) -> None:
    feed_server.set_feed("/a.xml", rss([story(1, "Clearview AI fined again")]))
    config = write(tmp_path, slack, feed_server.url("/a.xml"))
    env = secrets_env(slack)
    upgraded = monitor("db", "upgrade", "--config", str(config), env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    # a proxy's error page echoing the URL, for the webhook; the same for the bot
    echo = f"upstream error for {slack.webhook_url} with Bearer {TOKEN}"
    slack.script(Answer(502, echo), Answer(502, echo))
    poll = monitor("--log-level", "DEBUG", "poll", "--once", "--config", str(config), env=env)
    assert poll.returncode == 0, poll.stderr
    assert "failed: 2" in poll.stdout and "retry in" in poll.stderr
    listed = monitor("deliveries", "--config", str(config), env=env)
    assert listed.stdout.count("\tfailed\t") == 2 and "HTTP 502" in listed.stdout
    assert_clean(poll.stdout + poll.stderr + listed.stdout + listed.stderr, slack.webhook_url)


@pytest.mark.parametrize("port", ["99999", "abc"])
def test_check_config_refuses_a_bad_port_webhook_naming_the_key_not_the_value(
    slack: SlackStub, tmp_path: Path, port: str
) -> None:
    config = write(tmp_path, slack)
    webhook = f"https://hooks.slack.com:{port}{SECRET_PATH}"
    result = monitor("check-config", "--config", str(config), env=secrets_env(slack, webhook))
    assert result.returncode == 1
    assert "notifiers[0] (desk).webhook_url: must be an https:// URL" in result.stderr
    assert_clean(result.stdout + result.stderr, webhook, f":{port}")


@pytest.mark.parametrize(
    "url", ["hunter2-not-a-url", "postgresql://monitor:hunter2pw@db:abc/monitor"]
)
def test_an_unparsable_database_url_is_named_not_echoed(
    slack: SlackStub, tmp_path: Path, url: str
) -> None:
    config = write(tmp_path, slack)
    env = {**secrets_env(slack), "DATABASE_URL": url}
    for command in ("check-config", "deliveries"):
        result = monitor(command, "--config", str(config), env=env)
        assert result.returncode == 1
        assert "DATABASE_URL: (environment variable) does not parse" in result.stderr
        assert_clean(result.stdout + result.stderr, url, "hunter2")


def test_an_unparsable_database_url_in_the_file_is_named_with_its_line(
    slack: SlackStub, tmp_path: Path
) -> None:
    config = write(tmp_path, slack)
    text = config.read_text().replace("sqlite:///", "postgresql://u:hunter2pw@db:port/")
    config.write_text(text)
    result = monitor("check-config", "--config", str(config), env=secrets_env(slack))
    assert result.returncode == 1
    assert f"{config}:3: settings.database_url: does not parse" in result.stderr
    assert_clean(result.stdout + result.stderr, "hunter2")
