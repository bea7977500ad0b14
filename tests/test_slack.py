"""The Slack notifier through the real slack-sdk clients against the stand-in on 127.0.0.1:
both modes, threads, pacing, every kind of failure translated for the outbox (absurd
Retry-After values bounded, no error quoting the webhook URL), and webhook URL validation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError
from slackstub import _WEBHOOK_PATH as SECRET_PATH
from slackstub import HANG, Answer, SlackStub
from test_slack_blocks import HOSTILE, make_alert

from monitor.config import SlackNotifier as SlackConfig
from monitor.errors import NotifyError
from monitor.notify.slack import DEFAULT_RETRY_AFTER, MAX_RETRY_AFTER, Pacer, SlackNotifier


@pytest.fixture
def slack() -> Iterator[SlackStub]:
    with SlackStub() as stub:
        yield stub


def webhook(stub: SlackStub, **extra: Any) -> SlackNotifier:
    config = {"name": "desk", "type": "slack", "webhook_url": stub.webhook_url, "pace": "0.01s"}
    return SlackNotifier(SlackConfig.model_validate({**config, **extra}))


def bot(stub: SlackStub, **extra: Any) -> SlackNotifier:
    config = {
        "name": "desk",
        "type": "slack",
        "token": "xoxb-test",
        "channel": "C123",
        "api_base_url": stub.api_base_url,
        "pace": "0.01s",
    }
    return SlackNotifier(SlackConfig.model_validate({**config, **extra}))


async def test_webhook_posts_blocks_with_a_fallback_and_unfurling_off(slack: SlackStub) -> None:
    assert await webhook(slack).send(make_alert(title=HOSTILE)) is None
    [message] = slack.messages
    assert message["endpoint"] == "webhook"
    assert message["unfurl_links"] is False and message["unfurl_media"] is False
    assert "&lt;!channel&gt;" in message["text"] and "<!channel>" not in str(message)
    assert message["blocks"]


async def test_bot_mode_returns_ts_and_threads_under_it(slack: SlackStub) -> None:
    notifier = bot(slack)
    ts = await notifier.send(make_alert())
    follow = make_alert(slot="update:1", update_kind="also_reported", thread_id=ts)
    reply_ts = await notifier.send(follow)
    first, reply = slack.messages
    assert ts == first["ts"] and reply_ts == reply["ts"]
    assert first["channel"] == "C123" and "thread_ts" not in first
    assert reply["thread_ts"] == ts


async def test_webhook_follow_ups_are_short_messages_or_nothing(slack: SlackStub) -> None:
    follow = make_alert(slot="update:1", update_detail="headline updated", thread_id="1.2")
    await webhook(slack).send(follow)
    assert len(slack.messages) == 1 and "thread_ts" not in slack.messages[0]
    assert await webhook(slack, follow_ups="none").send(follow) is None
    assert len(slack.messages) == 1


@pytest.mark.parametrize("make", [webhook, bot], ids=["webhook", "bot"])
async def test_429_becomes_retry_after_without_a_retry(slack: SlackStub, make: Any) -> None:
    slack.script(Answer.rate_limited(7))
    with pytest.raises(NotifyError) as caught:
        await make(slack).send(make_alert())
    assert caught.value.retryable and caught.value.retry_after == 7
    assert slack.requests == 1 and slack.messages == []


@pytest.mark.parametrize("make", [webhook, bot], ids=["webhook", "bot"])
async def test_a_server_error_is_retryable_and_not_retried_by_the_sdk(
    slack: SlackStub, make: Any
) -> None:
    slack.script(Answer.server_error())
    with pytest.raises(NotifyError) as caught:
        await make(slack).send(make_alert())
    assert caught.value.retryable and caught.value.retry_after is None
    assert slack.requests == 1


@pytest.mark.parametrize("make", [webhook, bot], ids=["webhook", "bot"])
@pytest.mark.parametrize(
    "code", ["invalid_payload", "channel_not_found", "invalid_token", "action_prohibited"]
)
async def test_permanent_refusals_are_not_retryable(slack: SlackStub, make: Any, code: str) -> None:
    slack.script(Answer.error(code))
    with pytest.raises(NotifyError, match=code) as caught:
        await make(slack).send(make_alert())
    assert not caught.value.retryable


async def test_accepted_then_hung_times_out_as_retryable(slack: SlackStub) -> None:
    slack.script(HANG)
    with pytest.raises(NotifyError, match="Timeout") as caught:
        await bot(slack, timeout="1s").send(make_alert())
    assert caught.value.retryable
    assert len(slack.messages) == 1  # accepted: the one window for a repeat


async def test_a_dead_port_is_a_retryable_connection_error() -> None:
    config = {"name": "d", "type": "slack", "webhook_url": "http://127.0.0.1:9/hook"}
    with pytest.raises(NotifyError) as caught:
        await SlackNotifier(SlackConfig.model_validate(config)).send(make_alert())
    assert caught.value.retryable


def test_config_keeps_secrets_out_of_reprs_and_needs_one_mode() -> None:
    config = SlackConfig.model_validate(
        {"name": "d", "type": "slack", "token": "xoxb-secret", "channel": "C1"}
    )
    assert "xoxb-secret" not in repr(config)
    with pytest.raises(ValueError, match="either webhook_url or token"):
        SlackConfig.model_validate({"name": "d", "type": "slack"})
    with pytest.raises(ValueError, match="needs a channel"):
        SlackConfig.model_validate({"name": "d", "type": "slack", "token": "xoxb-1"})


async def test_the_pacer_spaces_messages_per_channel_and_queues_a_burst() -> None:
    now = [0.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(1.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(300):
        await pacer.wait("C1")
    await pacer.wait("C2")  # another channel does not wait for C1
    assert len(slept) == 299 and now[0] == pytest.approx(299.0)
    assert timedelta(seconds=now[0]) >= timedelta(seconds=299)


@pytest.mark.parametrize("make", [webhook, bot], ids=["webhook", "bot"])
@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("inf", MAX_RETRY_AFTER),
        ("1e12", MAX_RETRY_AFTER),
        ("99999999999999999999", MAX_RETRY_AFTER),
        ("nan", DEFAULT_RETRY_AFTER),
        ("-5", DEFAULT_RETRY_AFTER),
        ("soon", DEFAULT_RETRY_AFTER),
        ("Wed, 21 Oct 2015 07:28:00 GMT", DEFAULT_RETRY_AFTER),
        ("12.5", 12.5),
    ],
)
async def test_an_absurd_retry_after_is_clamped_or_defaulted(
    slack: SlackStub, make: Any, header: str, expected: float
) -> None:
    slack.script(Answer.rate_limited(header))
    with pytest.raises(NotifyError) as caught:
        await make(slack).send(make_alert())
    assert caught.value.retryable and caught.value.retry_after == expected
    assert "retry after" in str(caught.value) and "inf" not in str(caught.value)


async def test_a_webhook_error_never_quotes_the_webhook_url(slack: SlackStub) -> None:
    # a proxy's error page that echoes the request URL, path and all
    slack.script(Answer(502, f"upstream failed for {slack.webhook_url} ({SECRET_PATH})"))
    with pytest.raises(NotifyError) as caught:
        await webhook(slack).send(make_alert())
    assert caught.value.retryable
    assert SECRET_PATH not in str(caught.value) and "HTTP 502" in str(caught.value)


@pytest.mark.parametrize("port", ["99999", "abc"])
async def test_an_unusable_webhook_url_fails_permanently_without_quoting_it(port: str) -> None:
    # config validation refuses these (test_config); a notifier built around it still must
    # not put the URL in its error
    url = f"https://hooks.slack.example:{port}{SECRET_PATH}"
    config = SlackConfig.model_construct(
        name="d",
        type="slack",
        webhook_url=SecretStr(url),
        token=None,
        channel=None,
        api_base_url="https://slack.com/api/",
        follow_ups="thread",
        unfurl=False,
        pace=timedelta(seconds=0.01),
        timeout=timedelta(seconds=5),
    )
    with pytest.raises(NotifyError) as caught:
        await SlackNotifier(config).send(make_alert())
    assert not caught.value.retryable
    assert SECRET_PATH not in str(caught.value) and "webhook URL" in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.slack.com:99999/services/T1/B1/xyz",
        "https://hooks.slack.com:abc/services/T1/B1/xyz",
        "https://hooks.slack.com:0/services/T1/B1/xyz",
        "http://hooks.slack.com/services/T1/B1/xyz",
        "https://user:pw@hooks.slack.com/services/T1/B1/xyz",
        "https://hooks slack.com/services/T1/B1/xyz",
        "https://hooks.slack.com/services/T1/B1/xyz\n",
        "https:///services/T1/B1/xyz",
        "hooks.slack.com/services/T1/B1/xyz",
    ],
)
def test_a_bad_webhook_url_is_refused_at_config_time_without_echo(url: str) -> None:
    with pytest.raises(ValidationError) as caught:
        SlackConfig.model_validate({"name": "d", "type": "slack", "webhook_url": url})
    [error] = caught.value.errors(include_input=False)
    assert error["loc"] == ("webhook_url",) and "https://" in error["msg"]
    assert "/services/T1/B1/xyz" not in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.slack.com/services/T1/B1/xyz",
        "https://hooks.slack.com:443/services/T1/B1/xyz",
        "http://127.0.0.1:8080/hook",
        "http://[::1]:8080/hook",
        "http://localhost/hook",
    ],
)
def test_good_webhook_urls_pass(url: str) -> None:
    config = SlackConfig.model_validate({"name": "d", "type": "slack", "webhook_url": url})
    assert config.webhook_url is not None


CASE = {
    "docket": True,
    "court": "ilnd",
    "case_number": "1:21-cv-00135",
    "case_name": "In re Clearview AI",
    "text": "Motion to Dismiss",
    "document_number": "612",
}


def filing(number: str, thread_id: str | None = None) -> Any:
    extra = {**CASE, "document_number": number}
    return make_alert(source_kind="pacer", extra=extra, thread_id=thread_id, slot="alert")


async def test_a_later_filing_is_broadcast_to_the_channel_and_story_follow_ups_are_not(
    slack: SlackStub,
) -> None:
    notifier = bot(slack)
    first_ts = await notifier.send(filing("612"))
    await notifier.send(filing("613", thread_id=first_ts))  # a later filing of that case
    story_ts = await notifier.send(make_alert())
    for kind in ("also_reported", "headline_updated"):
        await notifier.send(make_alert(slot=f"update:{kind}", update_kind=kind, thread_id=story_ts))
    first, later, story, also, headline = slack.messages
    assert "thread_ts" not in first and "reply_broadcast" not in first
    assert later["thread_ts"] == first_ts and later["reply_broadcast"] is True
    assert also["thread_ts"] == headline["thread_ts"] == story_ts
    assert also["reply_broadcast"] is False and headline["reply_broadcast"] is False
    assert slack.channel_messages == [first, later, story]  # what the channel shows


@pytest.mark.parametrize(
    ("mode", "threaded", "in_channel"),
    [("broadcast", True, True), ("thread", True, False), ("message", False, True)],
)
async def test_docket_followups_chooses_how_a_later_filing_is_posted(
    slack: SlackStub, mode: str, threaded: bool, in_channel: bool
) -> None:
    notifier = bot(slack, docket_followups=mode)
    first_ts = await notifier.send(filing("612"))
    await notifier.send(filing("613", thread_id=first_ts))
    later = slack.messages[-1]
    assert (later.get("thread_ts") == first_ts) is threaded
    assert (later in slack.channel_messages) is in_channel
    story_ts = await notifier.send(make_alert())
    await notifier.send(
        make_alert(slot="update:1", update_kind="also_reported", thread_id=story_ts)
    )
    assert slack.messages[-1]["thread_ts"] == story_ts  # news follow-ups: always the thread
    assert slack.messages[-1] not in slack.channel_messages
