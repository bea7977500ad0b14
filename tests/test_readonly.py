"""Read-only commands (explain, backtest, hits, story, cases) need no notifier secrets: they
send nothing, so a config whose Slack or email secrets are not set here still answers;
commands that send still refuse it, naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest
from clirun import monitor, ok
from feedgen import write_config

SLACK = (
    "notifiers:\n"
    "  - {name: desk, type: slack, webhook_url: '${SLACK_WEBHOOK_URL}'}\n"
    "routes:\n  - {topic: clearview, notifiers: [desk]}\n"
    "ops:\n  notifiers: [desk]\n"
)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = write_config(tmp_path, {"wire": "http://127.0.0.1:9/a.xml"}, extra=SLACK)
    upgraded = monitor(
        "db",
        "upgrade",
        "--config",
        str(path),
        env={"SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T/B/x"},
    )
    assert upgraded.returncode == 0, upgraded.stderr
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["explain", "--topic", "clearview", "Clearview AI sued again"],
        ["backtest", "--topic", "clearview"],
        ["hits"],
        ["cases"],
    ],
)
def test_read_only_commands_run_without_notifier_secrets(config: Path, args: list[str]) -> None:
    result = ok(*args, "--config", str(config))
    assert "SLACK_WEBHOOK_URL" not in result.stderr


def test_story_runs_without_notifier_secrets(config: Path) -> None:
    result = monitor("story", "1", "--config", str(config))
    assert "SLACK_WEBHOOK_URL" not in result.stderr
    assert "no story" in (result.stdout + result.stderr).lower()


def test_commands_that_send_still_need_the_secrets(config: Path) -> None:
    result = monitor("poll", "--once", "--config", str(config))
    assert result.returncode == 2
    assert "environment variable SLACK_WEBHOOK_URL is not set" in result.stderr
