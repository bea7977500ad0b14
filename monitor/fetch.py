"""Fetch a feed URL over HTTP: bytes and validators out, never parsed.

Does: one shared ``httpx.AsyncClient`` per ``Fetcher``, over aiohttp's connection pool (see
``_session``); bounded concurrency overall
(``max_connections``) and per host (``per_host``); conditional GET from stored validators
(304 gives no body); connect and read timeouts plus one overall deadline covering the body;
a cap on the decompressed body; http/https only, also after each of at most five redirects;
``Retry-After`` on 429/503; and the translation of every httpx error into a ``FetchError``
with one short, user-readable message (``_translate_error`` is the only place that does it).

Does not: parse (``monitor.parse`` gets the bytes), retry or back off (the scheduler decides
from the ``FetchError`` and its ``retry_after``), store validators (the caller does), or cache.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import ssl
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from http.cookiejar import CookieJar
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

from monitor import __version__
from monitor.config import HttpSettings
from monitor.errors import FetchError, FetchStatusError, FetchTimeoutError, FetchTooLargeError

DEFAULT_USER_AGENT = f"monitor/{__version__} (media-monitoring feed poller)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1"
)
MAX_REDIRECTS = 5
_PROXY_VARIABLES = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
)
KEEPALIVE_SECONDS = 30.0  # an idle connection is kept this long for the next poll of its host
_ALLOWED_SCHEMES = frozenset({"http", "https"})
_RETRY_AFTER_STATUSES = frozenset({429, 503})
MAX_RETRY_AFTER = 7 * 86400.0  # seconds; a server asking for more gets this
# Only codings _Inflater can bound; deflate accepts the zlib wrapper (RFC 9110) or gzip.
_WBITS = {
    "gzip": 16 + zlib.MAX_WBITS,
    "x-gzip": 16 + zlib.MAX_WBITS,
    "deflate": 32 + zlib.MAX_WBITS,
}


@dataclass(frozen=True)
class Validators:
    """Cache validators stored per source and sent back as a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None

    def request_headers(self) -> dict[str, str]:
        """The ``If-None-Match`` / ``If-Modified-Since`` headers for the values present."""
        headers: dict[str, str] = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True)
class FetchResult:
    """One successful fetch.

    ``status`` is the 2xx status with ``body`` present, or 304 with ``body`` None.
    ``headers`` has lower-case names. ``validators`` is what to store for next time: those of
    the response, or for a 304 the ones sent, updated by any the server repeated.
    """

    url: str
    status: int
    body: bytes | None
    headers: dict[str, str]
    validators: Validators


class Fetcher:
    """Fetches URLs through one shared client, within the limits of ``HttpSettings``.

    Use as ``async with Fetcher(settings) as fetcher:`` or call ``aclose()``. ``transport``
    replaces the network layer (tests, proxies); connection limits then belong to it.
    """

    def __init__(
        self, settings: HttpSettings, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._settings = settings
        self._client = _make_client(settings, transport)
        self._slots = asyncio.Semaphore(settings.max_connections)
        self._host_slots: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the shared client and its connections."""
        await self._client.aclose()

    async def fetch(
        self,
        url: str,
        validators: Validators = Validators(),
        *,
        admit: Callable[[], Awaitable[object]] | None = None,
    ) -> FetchResult:
        """GET ``url``, conditionally when ``validators`` hold values.

        Waits for a slot for the URL's host, then for ``admit`` when given (the caller's own
        bound, awaited once the host's turn has come, so that polls queued for one busy host
        never hold it), then for a global slot; the deadline starts once all are held and
        covers redirects and the whole body. Raises ``FetchError`` (or a subclass: timeout,
        status, too large) and nothing else for network or HTTP failures.
        """
        host = checked_host(url)
        async with self._host_slot(host):
            if admit is not None:
                await admit()
            async with self._slots:
                try:
                    async with asyncio.timeout(self._settings.deadline.total_seconds()):
                        return await self._fetch_now(url, validators)
                except (
                    TimeoutError,
                    httpx.HTTPError,
                    httpx.InvalidURL,
                    aiohttp.ClientError,
                    zlib.error,
                ) as exc:
                    raise _translate_error(exc, self._settings, host) from exc

    def _host_slot(self, host: str) -> asyncio.Semaphore:
        slot = self._host_slots.get(host)
        if slot is None:
            slot = self._host_slots[host] = asyncio.Semaphore(self._settings.per_host)
        return slot

    async def _fetch_now(self, url: str, validators: Validators) -> FetchResult:
        async with self._open(url, validators) as response:
            if response.status_code == HTTPStatus.NOT_MODIFIED:
                return _result(response, None, _updated(validators, response))
            if not response.is_success:
                raise _status_error(response)
            body = await _read_capped(response, self._settings.max_body_bytes)
            return _result(response, body, _updated(Validators(), response))

    @contextlib.asynccontextmanager
    async def _open(self, url: str, validators: Validators) -> AsyncIterator[httpx.Response]:
        """Send the GET, following up to MAX_REDIRECTS http(s) redirects; yield the final
        response with its body unread, closing it afterwards. Redirect bodies are never read."""
        headers = validators.request_headers()
        request = self._client.build_request("GET", url, headers=headers)
        for _ in range(MAX_REDIRECTS + 1):
            response = await self._client.send(request, stream=True)
            if response.next_request is None:
                try:
                    yield response
                finally:
                    await response.aclose()
                return
            await response.aclose()
            # a fresh GET: httpx's own next_request carries an empty body stream, which the
            # aiohttp transport would send chunked
            target = response.next_request.url
            checked_host(str(target))
            request = self._client.build_request("GET", target, headers=headers)
        raise FetchError("too many redirects")


def _make_client(
    settings: HttpSettings, transport: httpx.AsyncBaseTransport | None
) -> httpx.AsyncClient:
    read = settings.read_timeout.total_seconds()
    timeout = httpx.Timeout(
        connect=settings.connect_timeout.total_seconds(),
        read=read,
        write=read,
        pool=settings.deadline.total_seconds(),
    )
    headers = {
        "User-Agent": settings.user_agent or DEFAULT_USER_AGENT,
        "Accept": ACCEPT,
        "Accept-Encoding": "gzip, deflate",  # what _Inflater decodes within the cap
    }
    return httpx.AsyncClient(
        cookies=_NoCookies(),
        timeout=timeout,
        headers=headers,
        follow_redirects=False,  # followed by Fetcher._open, which checks each hop's scheme
        transport=transport or _transport(settings),
    )


def _transport(settings: HttpSettings) -> AiohttpTransport:
    # one TLS context (loading the CA bundle costs ~40 ms): the transport would make its own
    tls = httpx.create_ssl_context()
    return AiohttpTransport(verify=tls, client=lambda: _session(settings, tls))


def _session(settings: HttpSettings, tls: ssl.SSLContext) -> aiohttp.ClientSession:
    """The connection pool under the shared client (made on first use, inside the loop).

    aiohttp's pool keeps idle connections per host and enforces ``per_host`` itself; httpcore's
    (httpx's default) scans every pooled connection on every request, which cost ~3 ms of CPU
    per request with 100 keep-alive connections (``bench/poll.py``). The body stays encoded
    (``_Inflater`` decodes it within the cap). Proxies come from the environment as with httpx,
    but only when one is set: aiohttp then looks them up in a thread on every request.
    """
    connector = aiohttp.TCPConnector(
        limit=settings.max_connections,
        limit_per_host=settings.per_host,
        keepalive_timeout=KEEPALIVE_SECONDS,
        ssl=tls,
    )
    return aiohttp.ClientSession(
        connector=connector,
        cookie_jar=aiohttp.DummyCookieJar(),
        auto_decompress=False,
        trust_env=any(os.environ.get(name) for name in _PROXY_VARIABLES),
    )


class _NoCookies(CookieJar):
    """Feeds are fetched anonymously: a cookie one feed sets is never sent to another, and
    parsing Set-Cookie headers would cost CPU on every response of a busy cycle."""

    def extract_cookies(self, response: Any, request: Any) -> None:
        return None

    def set_cookie(self, cookie: Any) -> None:
        return None


def checked_host(url: str) -> str:
    """The lower-case host of an http(s) URL. Raises FetchError for any other URL."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:
        raise FetchError("invalid URL") from exc
    if parts.scheme.lower() not in _ALLOWED_SCHEMES:
        raise FetchError(f"unsupported URL scheme {parts.scheme!r} (only http and https)")
    if not host:
        raise FetchError("invalid URL: no host")
    return host


async def _read_capped(response: httpx.Response, limit: int) -> bytes:
    """The decoded body; FetchTooLargeError as soon as it passes ``limit`` bytes.

    Decodes the raw stream itself rather than through ``aiter_bytes()``: httpx inflates each
    64 KiB network read in one go (up to ~64 MB from a gzip bomb) before a cap could look.
    """
    declared = _declared_length(response)
    if declared is not None and declared > limit:
        raise FetchTooLargeError(f"body is {declared} bytes, over the {limit}-byte limit")
    if response.is_stream_consumed:  # read and decoded already, e.g. by httpx.MockTransport
        return _within(response.content, limit)
    inflater = _Inflater(response.headers.get("content-encoding", ""))
    chunks: list[bytes] = []
    size = 0
    async for raw in response.aiter_raw():
        for chunk in inflater.inflate(raw, room=limit - size):
            size += len(chunk)
            if size > limit:
                raise FetchTooLargeError(f"body is over the {limit}-byte limit")
            chunks.append(chunk)
    return b"".join(chunks)


def _within(body: bytes, limit: int) -> bytes:
    if len(body) > limit:
        raise FetchTooLargeError(f"body is over the {limit}-byte limit")
    return body


class _Inflater:
    """Undoes one Content-Encoding (identity, gzip or deflate), never expanding more than
    one byte past the room left, so a decompression bomb stops before it is inflated."""

    def __init__(self, content_encoding: str) -> None:
        codings = [c.strip().lower() for c in content_encoding.split(",")]
        codings = [c for c in codings if c not in ("", "identity")]
        if len(codings) > 1 or (codings and codings[0] not in _WBITS):
            raise FetchError(f"unsupported content encoding {content_encoding[:40]!r}")
        self._zlib = zlib.decompressobj(_WBITS[codings[0]]) if codings else None

    def inflate(self, data: bytes, *, room: int) -> Iterator[bytes]:
        """Decoded pieces of ``data``; stops once ``room`` bytes are passed. Raises zlib.error
        for a corrupt stream."""
        if self._zlib is None:
            yield data
            return
        while data and room >= 0:
            out = self._zlib.decompress(data, room + 1)
            room -= len(out)
            yield out
            data = self._zlib.unconsumed_tail


def _declared_length(response: httpx.Response) -> int | None:
    """Content-Length when it counts the body as we will see it (no content coding)."""
    if response.headers.get("content-encoding", "identity").strip().lower() != "identity":
        return None
    try:
        return int(response.headers["content-length"])
    except (KeyError, ValueError):
        return None


def _updated(base: Validators, response: httpx.Response) -> Validators:
    """``base`` with any validator the response carries put in its place."""
    etag = response.headers.get("etag")
    last_modified = response.headers.get("last-modified")
    return replace(
        base,
        etag=etag if etag is not None else base.etag,
        last_modified=last_modified if last_modified is not None else base.last_modified,
    )


def _result(response: httpx.Response, body: bytes | None, validators: Validators) -> FetchResult:
    return FetchResult(
        url=str(response.url),
        status=response.status_code,
        body=body,
        headers=dict(response.headers.items()),  # httpx lower-cases names
        validators=validators,
    )


def _status_error(response: httpx.Response) -> FetchStatusError:
    """``HTTP 500 Internal Server Error``; 429/503 also carry ``retry_after``."""
    status = response.status_code
    try:
        message = f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:  # the server's own reason phrase is hostile text; leave it out
        message = f"HTTP {status}"
    retry_after = None
    if status in _RETRY_AFTER_STATUSES:
        retry_after = parse_retry_after(response.headers.get("retry-after"))
    if retry_after is not None:
        message += f" (retry after {_seconds(timedelta(seconds=retry_after))})"
    return FetchStatusError(status, message, retry_after)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: delta-seconds or an HTTP-date.

    None when absent or unreadable; a date in the past gives 0.0; anything longer than
    ``MAX_RETRY_AFTER`` gives that (the scheduler caps it again at ``max_backoff``). ``now``
    defaults to the current UTC time.
    """
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return min(float(value[:20]), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    delay = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(0.0, delay), MAX_RETRY_AFTER)


_PLAIN_MESSAGES: tuple[tuple[type[Exception], str], ...] = (
    (httpx.PoolTimeout, "timed out waiting for a free connection"),
    (httpx.TooManyRedirects, "too many redirects"),
    (httpx.UnsupportedProtocol, "unsupported URL scheme (only http and https)"),
    (httpx.InvalidURL, "invalid URL"),
    (httpx.DecodingError, "could not decode the response body"),
    (zlib.error, "could not decode the response body"),
    (httpx.RemoteProtocolError, "the server broke the HTTP protocol or closed the connection"),
    (httpx.ReadError, "connection lost while reading the response"),
    (httpx.WriteError, "connection lost while sending the request"),
    (httpx.ProxyError, "proxy error"),
)


def _translate_error(exc: Exception, settings: HttpSettings, host: str = "") -> FetchError:
    """The one mapping from httpx, aiohttp (the pool under it), deadline and decoding errors
    to a short FetchError; a failed connection names ``host``."""
    pool_error = next((c for c in _causes(exc) if isinstance(c, aiohttp.ClientError)), None)
    if pool_error is not None:
        return _translate_pool_error(pool_error, exc, settings, host)
    if isinstance(exc, TimeoutError):
        return FetchTimeoutError(f"timed out after {_seconds(settings.deadline)}")
    if isinstance(exc, httpx.ConnectTimeout):
        return FetchTimeoutError(f"connect timed out after {_seconds(settings.connect_timeout)}")
    if isinstance(exc, httpx.ReadTimeout | httpx.WriteTimeout):
        return FetchTimeoutError(f"no data for {_seconds(settings.read_timeout)}")
    if isinstance(exc, httpx.ConnectError):
        return FetchError(_connect_message(exc, host))
    for kind, message in _PLAIN_MESSAGES:
        if isinstance(exc, kind):
            return FetchError(message)
    return FetchError(f"HTTP error ({type(exc).__name__})")


def _translate_pool_error(
    error: aiohttp.ClientError, exc: Exception, settings: HttpSettings, host: str
) -> FetchError:
    """An aiohttp error, which httpx-aiohttp re-raises as a broader httpx error."""
    if isinstance(error, aiohttp.ConnectionTimeoutError):
        return FetchTimeoutError(f"connect timed out after {_seconds(settings.connect_timeout)}")
    if isinstance(error, aiohttp.ServerTimeoutError):
        return FetchTimeoutError(f"no data for {_seconds(settings.read_timeout)}")
    if isinstance(error, aiohttp.ClientProxyConnectionError | aiohttp.ClientHttpProxyError):
        return FetchError("proxy error")
    if isinstance(error, aiohttp.ClientConnectorError):
        return FetchError(_connect_message(exc, host))
    if isinstance(error, aiohttp.ServerDisconnectedError | aiohttp.ClientResponseError):
        return FetchError("the server broke the HTTP protocol or closed the connection")
    if isinstance(error, aiohttp.ClientPayloadError | aiohttp.ClientOSError):
        return FetchError("connection lost while reading the response")
    if isinstance(error, aiohttp.InvalidURL):
        return FetchError("invalid URL")
    return FetchError(f"HTTP error ({type(error).__name__})")


def _connect_message(exc: BaseException, host: str) -> str:
    """Name the cause of a failed connection from the OS / ssl errors chained to it, and
    the host it was to (``host not found: news.example.com``)."""
    reason = _connect_reason(exc)
    if not host:
        return reason
    return f"{reason} ({host})" if reason.startswith("TLS") else f"{reason}: {host}"


def _connect_reason(exc: BaseException) -> str:
    for cause in _causes(exc):
        if isinstance(cause, aiohttp.ClientError):  # wraps (and subclasses) the real error
            continue
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"TLS error: {cause.verify_message or 'certificate verify failed'}"
        if isinstance(cause, ssl.SSLError):
            return f"TLS error: {(cause.reason or 'handshake failed').lower().replace('_', ' ')}"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, socket.gaierror):
            return "host not found"
    if "refused" in str(exc).lower():
        return "connection refused"
    return "could not connect"


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and everything chained to it, including members of exception groups."""
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup):
            stack.extend(current.exceptions)
        stack.extend(e for e in (current.__cause__, current.__context__) if e is not None)


def _seconds(duration: timedelta) -> str:
    return f"{duration.total_seconds():g}s"
