"""The outbox worker with a real store (SQLite, PostgreSQL when configured) and real channels
on 127.0.0.1: pacing, rate limits, dead letters, threads, quiet hours, digests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slackstub import Answer, SlackStub
from smtpstub import SmtpStub
from sqlalchemy import select

from monitor.config import Config
from monitor.config import EmailNotifier as EmailConfig
from monitor.config import SlackNotifier as SlackConfig
from monitor.deliver import Deliverer, RoutePolicy
from monitor.digest import digest_plans
from monitor.entry import Entry, Match
from monitor.intents import EntryIntent, HitIntent
from monitor.notify import Notifier
from monitor.notify.email import EmailNotifier
from monitor.notify.slack import SlackNotifier
from monitor.store import Store, outbox
from monitor.store import records as rec
from monitor.store import sources as src
from monitor.store.db import upgrade
from monitor.store.schema import sources

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(db_url)
    upgrade(s.engine)
    yield s
    s.close()


@pytest.fixture
def slack() -> Iterator[SlackStub]:
    with SlackStub() as stub:
        yield stub


def webhook(stub: SlackStub, name: str = "desk") -> SlackNotifier:
    config = {"name": name, "type": "slack", "webhook_url": stub.webhook_url, "pace": "0.001s"}
    return SlackNotifier(SlackConfig.model_validate(config))


def bot(stub: SlackStub, name: str = "desk") -> SlackNotifier:
    config = {
        "name": name,
        "type": "slack",
        "token": "xoxb-test",
        "channel": "C1",
        "api_base_url": stub.api_base_url,
        "pace": "0.001s",
    }
    return SlackNotifier(SlackConfig.model_validate(config))


def record(
    store: Store,
    titles: list[str],
    routes: dict[str, list[str]],
    *,
    topic: str = "clearview",
    thread_key: str | None = None,
    kind: str = "news",
    first: int = 0,
) -> list[int]:
    with store.begin() as conn:
        src.sync_sources(conn, [src.SourceSpec("feed", "http://127.0.0.1/f", kind)], NOW)
        source_id = conn.scalar(select(sources.c.id).where(sources.c.name == "feed"))
        assert source_id is not None
        intents = []
        for n, title in enumerate(titles, start=first):
            entry = Entry(f"g{n}", f"https://example.com/{n}", title, "text", published=NOW)
            hit = HitIntent(Match(topic, ("Clearview AI",), f"**Clearview AI** {n}"))
            intents.append(EntryIntent(f"1:g:{n}", entry, entry.link, (hit,), thread_key))
        return rec.record_entries(conn, source_id, intents, routes, NOW).delivery_ids


def rows(store: Store, state: str | None = None) -> list[outbox.DeliveryRow]:
    with store.begin() as conn:
        return sorted(outbox.list_deliveries(conn, state=state, limit=10_000), key=lambda r: r.id)


def deliverer(store: Store, notifiers: list[Notifier], clock: Clock, **kw: Any) -> Deliverer:
    return Deliverer(store, {n.name: n for n in notifiers}, "test", clock=clock, **kw)


async def test_a_burst_of_300_is_queued_and_sent_once_each_in_order(
    store: Store, slack: SlackStub
) -> None:
    titles = [f"Clearview AI story {n}" for n in range(300)]
    record(store, titles, {"clearview": ["desk"]})
    report = await deliverer(store, [webhook(slack)], Clock()).drain()
    assert report.sent == 300
    sent = [m["text"].split("] ", 1)[1].split(" — ")[0] for m in slack.messages]
    assert sent == titles
    assert {r.state for r in rows(store)} == {"sent"}


async def test_a_429_reschedules_the_batch_without_spending_attempts(
    store: Store, slack: SlackStub
) -> None:
    record(store, [f"story {n}" for n in range(5)], {"clearview": ["desk"]})
    slack.script(Answer.rate_limited(30), Answer.rate_limited(30))
    clock = Clock()
    d = deliverer(store, [webhook(slack)], clock, max_attempts=1)
    report = await d.deliver_due()
    assert (report.sent, report.failed, report.deferred) == (0, 1, 4)
    assert slack.requests == 1
    assert all(
        r.attempts == 0 and r.next_attempt_at == NOW + timedelta(seconds=30) for r in rows(store)
    )
    assert (await d.deliver_due()).sent == 0  # not before Retry-After
    clock.now += timedelta(seconds=30)
    await d.deliver_due()  # a second 429: still not dead, though max_attempts is 1
    clock.now += timedelta(seconds=30)
    assert (await d.drain()).sent == 5
    assert len(slack.messages) == 5 and rows(store, "dead") == []


async def test_a_permanent_refusal_dead_letters_at_once_and_the_rest_go_on(
    store: Store, slack: SlackStub
) -> None:
    record(store, ["first", "second"], {"clearview": ["desk"]})
    slack.script(Answer.error("channel_not_found"))
    report = await deliverer(store, [bot(slack)], Clock()).deliver_due()
    assert (report.dead, report.sent) == (1, 1)
    [dead] = rows(store, "dead")
    assert dead.attempts == 1 and dead.last_error and "channel_not_found" in dead.last_error


async def test_transient_failures_back_off_then_die_after_max_attempts(
    store: Store, slack: SlackStub
) -> None:
    record(store, ["only"], {"clearview": ["desk"]})
    slack.script(Answer.server_error(), Answer.server_error())
    clock = Clock()
    d = deliverer(store, [webhook(slack)], clock, max_attempts=2)
    assert (await d.deliver_due()).failed == 1
    [row] = rows(store)
    assert row.state == "failed" and NOW + timedelta(seconds=15) <= row.next_attempt_at
    assert (await d.deliver_due()).failed == 0  # backing off
    clock.now += timedelta(hours=2)
    assert (await d.deliver_due()).dead == 1
    assert rows(store)[0].last_error == "desk: HTTP 500: internal_error"


async def test_a_follow_up_waits_for_its_story_and_threads_under_it(
    store: Store, slack: SlackStub
) -> None:
    routes = {"clearview": ["desk"]}
    record(store, ["Clearview AI story"], routes)
    record(store, ["copy"], {}, first=1)  # another outlet's copy, owed nothing itself
    with store.begin() as conn:
        rec.record_story_update(conn, 1, 2, "also_reported", "also reported by Wire", routes, NOW)
    report = await deliverer(store, [bot(slack)], Clock()).drain()
    assert report.sent == 2
    first, reply = slack.messages
    assert "thread_ts" not in first and reply["thread_ts"] == first["ts"]
    assert "also reported by Wire" in reply["text"]


async def test_entries_of_one_court_case_thread_under_the_first_even_in_one_batch(
    store: Store, slack: SlackStub
) -> None:
    key = "case:ilnd:1:21-cv-00135"
    record(store, ["entry 41", "entry 42", "entry 43"], {"clearview": ["desk"]}, thread_key=key)
    await deliverer(store, [bot(slack)], Clock()).drain()
    first, *replies = slack.messages
    assert [r["thread_ts"] for r in replies] == [first["ts"]] * 2
    record(store, ["entry 44"], {"clearview": ["desk"]}, thread_key=key, first=3)
    await deliverer(store, [bot(slack)], Clock()).drain()
    assert slack.messages[-1]["thread_ts"] == first["ts"]


def _config(**route: Any) -> Config:
    return Config.model_validate(
        {
            "topics": [{"name": "clearview", "terms": ["Clearview AI"]}],
            "notifiers": [{"name": "desk", "type": "console"}],
            "routes": [{"topic": "clearview", "notifiers": ["desk"], **route}],
        }
    )


async def test_quiet_hours_hold_alerts_and_send_them_after(store: Store, slack: SlackStub) -> None:
    policy = RoutePolicy.from_config(_config(quiet_hours={"start": "22:00", "end": "07:00"}))
    record(store, ["late story"], {"clearview": ["desk"]})
    clock = Clock(datetime(2026, 11, 20, 23, 30, tzinfo=UTC))
    d = deliverer(store, [webhook(slack)], clock, policy=policy)
    assert (await d.drain()).sent == 0 and rows(store, "pending")
    clock.now = datetime(2026, 11, 21, 7, 0, tzinfo=UTC)
    assert (await d.drain()).sent == 1


def test_routes_can_take_only_some_source_kinds() -> None:
    config = _config(source_kinds=["dockets"])
    assert config.routes_by_topic("pacer") == {"clearview": ["desk"]}
    assert config.routes_by_topic("courtlistener") == {"clearview": ["desk"]}
    assert config.routes_by_topic("news") == {}


def _mail(smtp: SmtpStub) -> EmailNotifier:
    """An email notifier sending in clear to the stub (tls: none)."""
    return EmailNotifier(
        EmailConfig.model_validate(
            {
                "name": "desk",
                "type": "email",
                "host": "127.0.0.1",
                "port": smtp.port,
                "tls": "none",
                "sender": "m@example.org",
                "recipients": ["a@example.org"],
            }
        )
    )


async def test_a_digest_route_sends_one_email_per_period_and_none_when_nothing_is_new(
    store: Store,
) -> None:
    config = _config(mode="digest", schedule="0 8 * * mon-fri", timezone="America/Chicago")
    [plan] = digest_plans(config)
    assert plan.timezone == "America/Chicago" and plan.topics == {"clearview"}
    with SmtpStub() as smtp:
        mail = _mail(smtp)
        record(store, ["one", "two", "three"], {"clearview": ["desk"]})
        d = deliverer(store, [mail], Clock(), policy=RoutePolicy.from_config(config))
        assert (await d.drain()).sent == 0  # immediate delivery leaves digest rows alone
        assert (await d.deliver_digest(plan)).sent == 3
        assert (await d.deliver_digest(plan)).sent == 0
        [(_, message)] = smtp.messages
        assert "3 new stories" in message["Subject"]
        assert {r.external_id for r in rows(store)} == {message["Message-ID"]}


async def test_a_failed_digest_is_retried_as_a_digest(store: Store) -> None:
    config = _config(mode="digest", schedule="0 8 * * *")
    [plan] = digest_plans(config)
    with SmtpStub() as smtp:
        smtp.fail("data", "451 4.3.0 try later")
        mail = _mail(smtp)
        record(store, ["one", "two"], {"clearview": ["desk"]})
        clock = Clock()
        d = deliverer(store, [mail], clock, policy=RoutePolicy.from_config(config))
        assert (await d.deliver_digest(plan)).failed == 2
        clock.now += timedelta(hours=2)
        assert (await d.deliver_digest(plan, retries_only=True)).sent == 2
        assert len(smtp.messages) == 1


async def test_dead_deliveries_can_be_owed_again(store: Store, slack: SlackStub) -> None:
    record(store, ["a", "b"], {"clearview": ["desk"]})
    slack.script(Answer.error("invalid_payload"), Answer.error("invalid_payload"))
    d = deliverer(store, [webhook(slack)], Clock())
    assert (await d.deliver_due()).dead == 2
    with store.begin() as conn:
        assert outbox.retry_deliveries(conn, NOW, all_dead=True) == 2
        assert outbox.retry_deliveries(conn, NOW, ids=[1]) == 0  # owed already, not dead
    assert (await d.drain()).sent == 2
    with store.begin() as conn:
        assert outbox.retry_deliveries(conn, NOW, ids=[1, 2]) == 0  # sent stays sent
