"""The Slack notifier: one alert → one message, through an incoming webhook or a bot token.

Rendering lives in ``slack_blocks``; this module sends, paces and translates errors. It never
retries or sleeps on a failure: slack-sdk's retry handlers are switched off (a retried POST
may already have been accepted) and every error becomes a ``NotifyError`` the outbox acts on:
429 → ``retry_after`` (read defensively: at most ``MAX_RETRY_AFTER``); 5xx, connection
errors and time-outs → retryable; refusals such as ``invalid_payload`` or ``channel_not_found``
→ permanent (dead-lettered with the reason). A webhook's URL is its secret and the token is
one too: no error built here quotes either, whatever the library's exception said.

Bot mode threads: a follow-up, or a later entry of the same court case, is posted under the
first message of its thread (``Alert.thread_id``, the ``ts`` the outbox kept). A later filing
is news the whole channel must see, so by default it is also broadcast to the channel
(``reply_broadcast``; ``docket_followups``: broadcast | thread | message); story follow-ups
stay in their thread. Webhook mode cannot thread; follow-ups go as short messages of their
own or not at all (``follow_ups``).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Protocol
from urllib.parse import urlsplit

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from monitor.config import SlackNotifier as SlackConfig
from monitor.digest import is_docket
from monitor.entry import Alert
from monitor.errors import NotifyError
from monitor.notify.slack_blocks import SlackMessage, render_alert, render_follow_up

# Error codes that may succeed later; any other refusal is permanent.
TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
DEFAULT_RETRY_AFTER = 30.0  # seconds, when a 429 says nothing readable
MAX_RETRY_AFTER = 3600.0  # the longest a Retry-After can hold a channel (inf, 1e12: this)


class Pace(Protocol):
    """Waits until a message to channel ``key`` may go (``Pacer`` here, or the fleet-wide
    ``monitor.pace.FleetPacer`` that reserves slots in the database)."""

    interval: float

    async def wait(self, key: str) -> None: ...


class Pacer:
    """At most one message per ``interval`` seconds per key (a channel), in this process.
    Waiting here is pacing, bounded by ``interval``; failures never wait (the outbox
    reschedules them)."""

    def __init__(
        self,
        interval: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._next: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def wait(self, key: str) -> None:
        async with self._locks.setdefault(key, asyncio.Lock()):
            delay = self._next.get(key, 0.0) - self._clock()
            if delay > 0:
                await self._sleep(delay)
            self._next[key] = self._clock() + self.interval


class SlackNotifier:
    """Posts alerts to one Slack channel (a webhook's, or ``channel`` with a bot token)."""

    def __init__(self, config: SlackConfig, *, timezone: str = "UTC") -> None:
        # ``timezone`` is unused: Slack shows each reader a message's time in their own zone
        self.name = config.name
        self._config = config
        timeout = max(1, math.ceil(config.timeout.total_seconds()))
        self._webhook: AsyncWebhookClient | None = None
        self._web: AsyncWebClient | None = None
        if config.webhook_url is not None:
            url = config.webhook_url.get_secret_value()
            self._webhook = AsyncWebhookClient(url=url, timeout=timeout, retry_handlers=[])
            self._channel = f"webhook:{config.name}"
            self._secrets = _url_secrets(url)
        else:
            assert config.token is not None and config.channel
            self._secrets = (config.token.get_secret_value(),)
            self._web = AsyncWebClient(
                token=config.token.get_secret_value(),
                base_url=config.api_base_url,
                timeout=timeout,
                retry_handlers=[],
            )
            self._channel = config.channel
        self._pacer: Pace = Pacer(config.pace.total_seconds())

    def pace_with(self, pacer: Pace) -> None:
        """Pace this channel with ``pacer`` (with ``pacer.interval``: the configured pace)
        instead of this process's own pacer: replicas share one pace."""
        self._pacer = pacer

    @property
    def pace(self) -> float:
        """The configured least time between two messages to the channel, in seconds."""
        return self._pacer.interval

    async def send(self, alert: Alert) -> str | None:
        """Post ``alert``; return the message ``ts`` (bot mode) or None. Raises NotifyError."""
        planned = self._plan(alert)
        if planned is None:
            return None  # follow-ups are off for this notifier: nothing to post, nothing owed
        message, thread_ts = planned
        await self._pacer.wait(self._channel)
        try:
            if self._webhook is not None:
                await self._post_webhook(self._webhook, message)
                return None
            assert self._web is not None
            broadcast = self._broadcast(alert) if thread_ts else None
            return await self._post_bot(self._web, message, thread_ts, broadcast)
        except SlackApiError as exc:
            raise api_error(self.name, exc) from exc
        except aiohttp.InvalidURL as exc:  # config validation keeps these out; never retried
            raise NotifyError(self.name, "the webhook URL is unusable", retryable=False) from exc
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            detail = scrub(str(exc), self._secrets) or "timed out"
            raise NotifyError(self.name, f"{type(exc).__name__}: {detail}") from exc

    def _plan(self, alert: Alert) -> tuple[SlackMessage, str | None] | None:
        """What to post and under which thread (None: post nothing)."""
        bot = self._web is not None
        if alert.slot == "alert":
            own = self._config.docket_followups == "message" and is_docket(alert)
            return render_alert(alert), (alert.thread_id if bot and not own else None)
        mode = self._config.follow_ups
        if mode == "none":
            return None
        thread = alert.thread_id if bot and mode == "thread" else None
        return render_follow_up(alert), thread

    def _broadcast(self, alert: Alert) -> bool:
        """Whether a threaded reply also shows in the channel: a later filing of a court case
        does unless ``docket_followups: thread``; story follow-ups never do."""
        return (
            alert.slot == "alert"
            and is_docket(alert)
            and self._config.docket_followups == "broadcast"
        )

    async def _post_webhook(self, client: AsyncWebhookClient, message: SlackMessage) -> None:
        unfurl = self._config.unfurl
        response = await client.send(
            text=message.text, blocks=message.blocks, unfurl_links=unfurl, unfurl_media=unfurl
        )
        if response.status_code != 200:
            body = scrub(response.body, self._secrets)
            raise classify(self.name, response.status_code, body, response.headers)

    async def _post_bot(
        self,
        client: AsyncWebClient,
        message: SlackMessage,
        thread_ts: str | None,
        broadcast: bool | None = None,
    ) -> str | None:
        """``broadcast`` (a reply only): also show it in the channel (None: not sent)."""
        unfurl = self._config.unfurl
        response = await client.chat_postMessage(
            channel=self._config.channel or "",
            text=message.text,
            blocks=message.blocks,
            thread_ts=thread_ts,
            reply_broadcast=broadcast,
            unfurl_links=unfurl,
            unfurl_media=unfurl,
        )
        ts = response.get("ts")
        return str(ts) if ts else None

    async def aclose(self) -> None:
        return None  # slack-sdk opens and closes an HTTP session per request


def api_error(notifier: str, exc: SlackApiError) -> NotifyError:
    """Translate a Web API failure (whatever object slack-sdk hung on it)."""
    response = exc.response
    status: int = getattr(response, "status_code", None) or getattr(response, "status", None) or 0
    data = getattr(response, "data", None)
    code = str(data.get("error") or "") if isinstance(data, dict) else ""
    headers = getattr(response, "headers", None) or {}
    return classify(notifier, status, code, headers)


def classify(notifier: str, status: int, code: str, headers: Mapping[str, Any]) -> NotifyError:
    """An HTTP status and Slack error code → what the outbox should do with the delivery."""
    code = code.strip()[:200]
    if status == 429 or code == "ratelimited":
        after = retry_after(headers)
        return NotifyError(notifier, f"rate limited; retry after {after:g}s", retry_after=after)
    if status >= 500 or code in TRANSIENT_ERRORS:
        return NotifyError(notifier, f"HTTP {status}: {code or 'server error'}")
    return NotifyError(
        notifier, f"refused (HTTP {status}): {code or 'no reason given'}", retryable=False
    )


def retry_after(headers: Mapping[str, Any]) -> float:
    """Seconds a Retry-After header (any case) asks for, between 0 and ``MAX_RETRY_AFTER``
    (``inf`` or ``1e12`` wait the cap); ``DEFAULT_RETRY_AFTER`` when it is missing, negative,
    NaN or not a number. Never raises."""
    for key, value in headers.items():
        if str(key).lower() == "retry-after":
            return _seconds(value)
    return DEFAULT_RETRY_AFTER


def _seconds(value: Any) -> float:
    try:
        seconds = float(str(value).strip()[:100])
    except ValueError:
        return DEFAULT_RETRY_AFTER
    if math.isnan(seconds) or seconds < 0:
        return DEFAULT_RETRY_AFTER
    return min(seconds, MAX_RETRY_AFTER)


def scrub(text: str, secrets: Sequence[str]) -> str:
    """``text`` with each of ``secrets`` masked (a library's message may quote the URL)."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def _url_secrets(url: str) -> tuple[str, ...]:
    """A webhook URL and its path (a message may show the path alone), longest first."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return (url,)
    return (url, path) if len(path) > 1 else (url,)
