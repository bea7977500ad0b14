"""Email recipients refused for now (SMTP 4xx) while others accepted: the outbox owes the
message to them alone, across restarts, on SQLite and PostgreSQL; a 5xx stays a note."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from smtpstub import SmtpStub
from test_deliver import NOW, Clock, _config, deliverer, record, rows

from monitor.config import EmailNotifier as EmailConfig
from monitor.deliver import RoutePolicy
from monitor.digest import digest_plans
from monitor.notify.email import EmailNotifier
from monitor.store import Store, outbox
from monitor.store.db import upgrade

DESK, LEGAL, OPS = "desk@example.org", "legal@example.org", "ops@example.org"


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(db_url)
    upgrade(s.engine)
    yield s
    s.close()


@pytest.fixture
def smtp() -> Iterator[SmtpStub]:
    with SmtpStub() as stub:
        yield stub


def mail(smtp: SmtpStub) -> EmailNotifier:
    config = {
        "name": "desk",
        "type": "email",
        "host": "127.0.0.1",
        "port": smtp.port,
        "tls": "none",
        "sender": "m@example.org",
        "recipients": [DESK, LEGAL, OPS],
    }
    return EmailNotifier(EmailConfig.model_validate(config))


def ids(smtp: SmtpStub, recipient: str) -> list[str]:
    """The Message-IDs a mailbox received, in order."""
    return [str(m["Message-ID"]) for m in smtp.mailbox(recipient)]


async def test_a_4xx_recipient_alone_gets_the_retry_after_a_restart(
    db_url: str, smtp: SmtpStub
) -> None:
    first = Store(db_url)
    upgrade(first.engine)
    record(first, ["Clearview AI fined"], {"clearview": ["desk"]})
    smtp.fail("rcpt", "451 4.7.1 greylisted, try later", recipient=LEGAL)
    clock = Clock()
    report = await deliverer(first, [mail(smtp)], clock).drain()
    assert (report.sent, report.failed, report.dead) == (0, 1, 0)
    [row] = rows(first)
    assert row.state == "failed" and row.owed_to == (LEGAL,) and row.next_attempt_at > NOW
    assert row.last_error is not None and "451 4.7.1 greylisted" in row.last_error
    assert (await deliverer(first, [mail(smtp)], clock).drain()).sent == 0  # not due yet
    first.close()

    again = Store(db_url)  # a new process: everything it knows comes from the database
    clock.now += timedelta(hours=1)
    assert (await deliverer(again, [mail(smtp)], clock).drain()).sent == 1
    [row] = rows(again)
    assert row.state == "sent" and row.owed_to == () and row.last_error is None
    message_id = ids(smtp, DESK)
    assert len(message_id) == 1
    assert ids(smtp, LEGAL) == message_id and ids(smtp, OPS) == message_id
    assert smtp.messages[1][0].rcpt_tos == [LEGAL]
    again.close()


async def test_a_5xx_recipient_stays_a_note_while_the_4xx_one_is_retried(
    store: Store, smtp: SmtpStub
) -> None:
    record(store, ["Clearview AI fined"], {"clearview": ["desk"]})
    smtp.fail("rcpt", "451 4.2.0 mailbox busy", recipient=LEGAL)
    smtp.fail("rcpt", "550 5.1.1 no such user", recipient=OPS, times=5)
    clock = Clock()
    d = deliverer(store, [mail(smtp)], clock)
    assert (await d.drain()).failed == 1
    clock.now += timedelta(hours=1)
    assert (await d.drain()).sent == 1
    [row] = rows(store)
    assert row.state == "sent" and row.owed_to == ()
    assert row.last_error == f"refused {OPS}: 550 5.1.1 no such user"
    assert len(ids(smtp, DESK)) == len(ids(smtp, LEGAL)) == 1 and ids(smtp, OPS) == []


async def test_a_recipient_refused_until_attempts_run_out_is_owed_after_a_manual_retry(
    store: Store, smtp: SmtpStub
) -> None:
    record(store, ["Clearview AI fined"], {"clearview": ["desk"]})
    smtp.fail("rcpt", "451 4.7.1 greylisted", recipient=LEGAL, times=3)
    clock = Clock()
    d = deliverer(store, [mail(smtp)], clock, max_attempts=3)
    for _ in range(3):
        await d.drain()
        clock.now += timedelta(hours=2)
    [row] = rows(store)
    assert row.state == "dead" and row.owed_to == (LEGAL,)
    with store.begin() as conn:
        assert outbox.retry_deliveries(conn, clock.now, ids=[row.id]) == 1
    assert (await d.drain()).sent == 1
    assert len(ids(smtp, DESK)) == len(ids(smtp, OPS)) == len(ids(smtp, LEGAL)) == 1


async def test_a_partly_refused_digest_goes_again_to_the_owed_recipient_only(
    store: Store, smtp: SmtpStub
) -> None:
    config = _config(mode="digest", schedule="0 8 * * *")
    [plan] = digest_plans(config)
    record(store, ["one", "two"], {"clearview": ["desk"]})
    smtp.fail("rcpt", "452 4.2.2 over quota", recipient=OPS)
    clock = Clock()
    d = deliverer(store, [mail(smtp)], clock, policy=RoutePolicy.from_config(config))
    assert (await d.deliver_digest(plan)).failed == 2
    assert [r.owed_to for r in rows(store)] == [(OPS,), (OPS,)]
    clock.now += timedelta(hours=2)
    assert (await d.deliver_digest(plan, retries_only=True)).sent == 2
    assert ids(smtp, DESK) == ids(smtp, OPS) == ids(smtp, LEGAL)
    assert len(ids(smtp, DESK)) == 1 and "2 new stories" in str(smtp.messages[1][1]["Subject"])
