"""The redaction layer: every secret a config loads (environment values, secret fields, the
database password, a webhook URL's path) is masked in formatted log records — message,
arguments and traceback, whichever logger — in stored delivery errors and in database
errors, in every form it may take (as written, percent-encoded)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from test_deliver import Clock, deliverer, record, rows, store  # noqa: F401

from monitor.configfile import load_config
from monitor.entry import Alert
from monitor.errors import StoreError
from monitor.redact import MASK, RedactingFormatter, forget_secrets, redact, register_secrets
from monitor.store import Store
from monitor.store.db import make_engine, redact_url

WEBHOOK = "https://hooks.slack.com/services/T0001/B0001/webhooksecret"
PASSWORD = "p@ss w0rd!long"
ENV = {
    "SLACK_WEBHOOK_URL": WEBHOOK,
    "SMTP_PASSWORD": "smtp-secret-1234",
    "FEED_KEY": "feedkey-5678",
    "DATABASE_URL": f"postgresql://monitor:{quote(PASSWORD, safe='')}@db:5432/monitor",
}
CONFIG = """
sources:
  - {name: wire, url: "https://feeds.example.com/rss?key=${FEED_KEY}"}
topics:
  - {name: clearview, terms: ["Clearview AI"]}
notifiers:
  - {name: desk, type: slack, webhook_url: "${SLACK_WEBHOOK_URL}"}
  - {name: bot, type: slack, token: xoxb-written-in-the-file, channel: C1}
  - name: legal
    type: email
    host: smtp.example.org
    password: ${SMTP_PASSWORD}
    sender: monitor@example.org
    recipients: [legal@example.org]
"""
SECRETS = [
    WEBHOOK,
    "/services/T0001/B0001/webhooksecret",  # the path alone: the part that is secret
    "smtp-secret-1234",
    "feedkey-5678",
    "xoxb-written-in-the-file",
    PASSWORD,
    quote(PASSWORD, safe=""),  # as it stands in the URL
]


@pytest.fixture(autouse=True)
def no_secrets() -> Iterator[None]:
    forget_secrets()
    yield
    forget_secrets()


def test_every_secret_a_config_loads_is_masked(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text(CONFIG)
    load_config(path, ENV)
    for secret in SECRETS:
        assert redact(f"before {secret} after") == f"before {MASK} after"
    assert redact("the port 5432 and the name desk") == "the port 5432 and the name desk"


def test_secrets_are_learnt_from_a_config_that_does_not_load(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text(CONFIG + "unknown_section: 1\n")
    with pytest.raises(ValueError, match="unknown key"):
        load_config(path, ENV)
    assert redact(f"x {WEBHOOK}") == f"x {MASK}"


@pytest.fixture
def captured(request: pytest.FixtureRequest) -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """The logger named by the test's parameter, writing through a redacting handler only
    (restored afterwards)."""
    logger = logging.getLogger(request.param)
    saved = logger.handlers, logger.propagate, logger.level
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(RedactingFormatter(logging.Formatter("%(name)s %(message)s")))
    logger.handlers, logger.propagate = [handler], False
    logger.setLevel(logging.DEBUG)
    yield logger, out
    logger.handlers, logger.propagate = saved[0], saved[1]
    logger.setLevel(saved[2])


@pytest.mark.parametrize(
    "captured", ["slack_sdk.webhook.async_client", "aiohttp.client", "alembic"], indirect=True
)
def test_log_records_are_masked_in_message_args_and_traceback(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, out = captured
    register_secrets([WEBHOOK, "xoxb-token-9999"])
    logger.debug(f"Sending a request - url: {WEBHOOK}")
    logger.info("token %s, url %r", "xoxb-token-9999", WEBHOOK)
    try:
        raise RuntimeError(f"cannot post to {WEBHOOK}")
    except RuntimeError:
        logger.exception("failed")
    text = out.getvalue()
    assert WEBHOOK not in text and "xoxb-token-9999" not in text
    assert text.count(MASK) == 4 and "Traceback" in text and f"{logger.name} failed" in text


def test_short_values_are_no_secret() -> None:
    register_secrets(["", "  ", "443", "abc"])
    assert redact("port 443, abc") == "port 443, abc"


@pytest.mark.parametrize("url", ["hunter2garbage", "postgresql://u:hunter2@db:abc/monitor"])
def test_an_unparsable_database_url_is_never_echoed(url: str) -> None:
    with pytest.raises(StoreError, match="does not parse") as caught:
        make_engine(url)
    assert "hunter2" not in str(caught.value) and "hunter2" not in redact_url(url)


class Leaky:
    """A notifier whose bug quotes a secret in its exception (our Notifier seam)."""

    name = "leaky"

    async def send(self, alert: Alert) -> str | None:
        raise RuntimeError(f"boom while posting to {WEBHOOK}")

    async def aclose(self) -> None:
        return None


async def test_a_stored_delivery_error_is_masked(store: Store) -> None:  # noqa: F811
    register_secrets([WEBHOOK])
    record(store, ["a story"], {"clearview": ["leaky"]})
    report = await deliverer(store, [Leaky()], Clock()).deliver_due()
    [row] = rows(store)
    assert report.failed == 1 and row.last_error is not None
    assert "boom while posting to ***" in row.last_error and WEBHOOK not in row.last_error
