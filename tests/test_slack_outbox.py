"""Slack's Retry-After through the outbox, with a real store and the Slack stand-in: however
absurd the header (``inf``, ``1e12``, a 14-digit number), the delivery pass finishes, the row
is recorded as failed and the rest of the batch waits a bounded time; nothing is left in
``sending`` for the lease."""

from __future__ import annotations

from datetime import timedelta

import pytest
from slackstub import Answer, SlackStub
from test_deliver import NOW, Clock, deliverer, record, rows, slack, store, webhook  # noqa: F401

from monitor.deliver import MAX_CHANNEL_WAIT, MIN_CHANNEL_WAIT, channel_wait
from monitor.notify.slack import MAX_RETRY_AFTER
from monitor.store import Store


@pytest.mark.parametrize("header", ["inf", "1e12", "99999999999999"])
async def test_an_absurd_retry_after_defers_the_batch_by_the_cap(
    store: Store,  # noqa: F811
    slack: SlackStub,  # noqa: F811
    header: str,
) -> None:
    record(store, ["first", "second", "third"], {"clearview": ["desk"]})
    slack.script(Answer.rate_limited(header))
    d = deliverer(store, [webhook(slack)], Clock())
    report = await d.deliver_due()
    assert (report.failed, report.deferred, report.sent) == (1, 2, 0)
    first, *rest = rows(store)
    assert first.state == "failed" and first.last_error is not None
    assert "retry after 3600s" in first.last_error
    assert [r.state for r in rest] == ["pending", "pending"]
    cap = NOW + timedelta(seconds=MAX_RETRY_AFTER)
    assert all(r.next_attempt_at == cap and r.attempts == 0 for r in rows(store))
    assert (await d.drain()).sent == 0  # not due before the cap


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (float("inf"), MAX_CHANNEL_WAIT),
        (float("nan"), MAX_CHANNEL_WAIT),
        (1e12, MAX_CHANNEL_WAIT),
        pytest.param(10**400, MAX_CHANNEL_WAIT, id="10**400"),
        (float("-inf"), MIN_CHANNEL_WAIT),
        (-5, MIN_CHANNEL_WAIT),
        (0, MIN_CHANNEL_WAIT),
        (30, timedelta(seconds=30)),
    ],
)
def test_any_channel_wait_is_bounded_and_never_raises(seconds: float, expected: timedelta) -> None:
    assert channel_wait(seconds) == expected
