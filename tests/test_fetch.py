"""monitor.fetch against the real FeedServer on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
import time
import zlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
from feedserver import FeedServer

from monitor import __version__
from monitor.config import HttpSettings
from monitor.errors import FetchError, FetchStatusError, FetchTimeoutError, FetchTooLargeError
from monitor.fetch import Fetcher, FetchResult, Validators, parse_retry_after

RSS = b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title></channel></rss>"
RSS2 = RSS.replace(b"<title>t</title>", b"<title>t2</title>")


def settings(**overrides: Any) -> HttpSettings:
    return HttpSettings(**overrides)


async def fetch(url: str, validators: Validators | None = None, **overrides: Any) -> FetchResult:
    async with Fetcher(settings(**overrides)) as fetcher:
        return await fetcher.fetch(url, validators or Validators())


# conditional GET ----------------------------------------------------------------------------


async def test_200_then_304_round_trips_validators(feed_server: FeedServer) -> None:
    feed_server.set_feed("/feed.xml", RSS)
    async with Fetcher(settings()) as fetcher:
        first = await fetcher.fetch(feed_server.url("/feed.xml"))
        second = await fetcher.fetch(feed_server.url("/feed.xml"), first.validators)

    assert (first.status, first.body) == (200, RSS)
    assert first.validators.etag and first.validators.last_modified
    assert first.headers["content-type"] == "application/rss+xml"
    assert (second.status, second.body) == (304, None)
    assert second.validators == first.validators
    sent = feed_server.requests("/feed.xml")
    assert "if-none-match" not in sent[0] and "if-modified-since" not in sent[0]
    assert sent[1]["if-none-match"] == first.validators.etag
    assert sent[1]["if-modified-since"] == first.validators.last_modified


async def test_changed_feed_returns_200_with_new_validators(feed_server: FeedServer) -> None:
    feed_server.set_feed("/feed.xml", RSS)
    first = await fetch(feed_server.url("/feed.xml"))
    feed_server.set_feed("/feed.xml", RSS2)
    second = await fetch(feed_server.url("/feed.xml"), first.validators)

    assert (second.status, second.body) == (200, RSS2)
    assert second.validators.etag != first.validators.etag
    assert second.validators.last_modified != first.validators.last_modified


async def test_last_modified_alone_gives_304(feed_server: FeedServer) -> None:
    feed_server.set_feed("/feed.xml", RSS, etag=False)
    first = await fetch(feed_server.url("/feed.xml"))
    second = await fetch(feed_server.url("/feed.xml"), first.validators)

    assert first.validators.etag is None
    assert (second.status, second.body) == (304, None)
    assert "if-none-match" not in feed_server.requests("/feed.xml")[1]


async def test_no_validators_means_plain_get_every_time(feed_server: FeedServer) -> None:
    feed_server.set_feed("/feed.xml", RSS, etag=False, last_modified=False)
    first = await fetch(feed_server.url("/feed.xml"))
    second = await fetch(feed_server.url("/feed.xml"), first.validators)

    assert first.validators == Validators()
    assert (second.status, second.body) == (200, RSS)


# status errors ------------------------------------------------------------------------------


async def test_server_error_raises_status_error(feed_server: FeedServer) -> None:
    feed_server.set_error("/feed.xml", 500)
    with pytest.raises(FetchStatusError) as caught:
        await fetch(feed_server.url("/feed.xml"))

    assert caught.value.status == 500
    assert str(caught.value) == "HTTP 500 Internal Server Error"
    assert caught.value.retry_after is None


async def test_missing_feed_raises_404(feed_server: FeedServer) -> None:
    with pytest.raises(FetchStatusError) as caught:
        await fetch(feed_server.url("/nothing.xml"))

    assert caught.value.status == 404


async def test_429_carries_retry_after_seconds(feed_server: FeedServer) -> None:
    feed_server.set_error("/feed.xml", 429, {"Retry-After": "120"})
    with pytest.raises(FetchStatusError) as caught:
        await fetch(feed_server.url("/feed.xml"))

    assert (caught.value.status, caught.value.retry_after) == (429, 120.0)
    assert str(caught.value).startswith("HTTP 429 Too Many Requests")


async def test_503_carries_retry_after_date(feed_server: FeedServer) -> None:
    later = datetime.now(UTC) + timedelta(minutes=10)
    feed_server.set_error("/feed.xml", 503, {"Retry-After": format_datetime(later, usegmt=True)})
    with pytest.raises(FetchStatusError) as caught:
        await fetch(feed_server.url("/feed.xml"))

    assert caught.value.retry_after is not None
    assert 500 < caught.value.retry_after <= 600


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("0", 0.0),
        (" 30 ", 30.0),
        ("soon", None),
        ("-5", None),
        ("Wed, 01 Jan 2025 00:01:00 GMT", 60.0),
        ("Tue, 31 Dec 2024 00:00:00 GMT", 0.0),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    assert parse_retry_after(value, now=now) == expected


# deadline and body cap ----------------------------------------------------------------------


async def test_dripping_server_hits_the_deadline(feed_server: FeedServer) -> None:
    feed_server.set_hang("/slow.xml")
    started = time.monotonic()
    with pytest.raises(FetchTimeoutError, match=r"^timed out after 1s$"):
        await fetch(feed_server.url("/slow.xml"), deadline=timedelta(seconds=1))

    assert time.monotonic() - started < 20  # generous: only proves it did not hang


async def test_declared_oversize_body_rejected_from_headers(feed_server: FeedServer) -> None:
    feed_server.set_huge("/big.xml", 5_000_000)
    with pytest.raises(FetchTooLargeError, match="5000000 bytes"):
        await fetch(feed_server.url("/big.xml"), max_body_bytes=1_000_000)


async def test_undeclared_oversize_body_stops_at_the_cap(feed_server: FeedServer) -> None:
    feed_server.set_huge("/big.xml", 5_000_000, content_length=False)
    with pytest.raises(FetchTooLargeError, match="1000000-byte limit"):
        await fetch(feed_server.url("/big.xml"), max_body_bytes=1_000_000)


async def test_gzip_bomb_counted_after_decompression(feed_server: FeedServer) -> None:
    feed_server.set_huge("/bomb.xml", 50_000_000, gzip=True)
    with pytest.raises(FetchTooLargeError):
        await fetch(feed_server.url("/bomb.xml"), max_body_bytes=1_000_000)


async def test_body_at_the_cap_is_accepted(feed_server: FeedServer) -> None:
    feed_server.set_huge("/exact.xml", 100_000, gzip=True)
    result = await fetch(feed_server.url("/exact.xml"), max_body_bytes=100_000)

    assert result.body == bytes(100_000)


async def test_deflate_body_is_decoded(feed_server: FeedServer) -> None:
    feed_server.set_response("/feed.xml", 200, zlib.compress(RSS), {"Content-Encoding": "deflate"})
    result = await fetch(feed_server.url("/feed.xml"))

    assert result.body == RSS
    assert feed_server.requests("/feed.xml")[0]["accept-encoding"] == "gzip, deflate"


async def test_corrupt_gzip_is_a_fetch_error(feed_server: FeedServer) -> None:
    feed_server.set_response("/feed.xml", 200, b"not gzip at all", {"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match=r"^could not decode the response body$"):
        await fetch(feed_server.url("/feed.xml"))


async def test_unrequested_content_encoding_is_a_fetch_error(feed_server: FeedServer) -> None:
    feed_server.set_response("/feed.xml", 200, b"\x0b\x02\x80", {"Content-Encoding": "br"})
    with pytest.raises(FetchError, match="unsupported content encoding 'br'"):
        await fetch(feed_server.url("/feed.xml"))


# URLs and redirects -------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["ftp://example.com/feed.xml", "file:///etc/passwd", "http://"])
async def test_non_http_urls_rejected(url: str) -> None:
    with pytest.raises(FetchError):
        await fetch(url)


async def test_redirect_followed_and_final_url_reported(feed_server: FeedServer) -> None:
    feed_server.set_feed("/new.xml", RSS)
    feed_server.set_redirect("/old.xml", "/moved.xml", status=301)
    feed_server.set_redirect("/moved.xml", feed_server.url("/new.xml"))
    result = await fetch(feed_server.url("/old.xml"))

    assert (result.status, result.body) == (200, RSS)
    assert result.url == feed_server.url("/new.xml")


async def test_redirect_to_non_http_scheme_rejected(feed_server: FeedServer) -> None:
    feed_server.set_redirect("/feed.xml", "file:///etc/passwd")
    with pytest.raises(FetchError, match="unsupported URL scheme 'file'"):
        await fetch(feed_server.url("/feed.xml"))


async def test_redirect_loop_stops_after_five_redirects(feed_server: FeedServer) -> None:
    feed_server.set_redirect("/loop.xml", "/loop.xml")
    with pytest.raises(FetchError, match=r"^too many redirects$"):
        await fetch(feed_server.url("/loop.xml"))

    assert feed_server.hits("/loop.xml") == 6  # the request and five redirects


# connection failures ------------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_connection_refused_has_a_clear_message() -> None:
    with pytest.raises(FetchError, match=r"^connection refused: 127\.0\.0\.1$") as caught:
        await fetch(f"http://127.0.0.1:{closed_port()}/feed.xml")

    # the transport's own error stays chained, for logs and debugging
    assert "127.0.0.1" in str(caught.value.__cause__)


async def test_tls_to_a_plain_http_server_is_a_tls_error(feed_server: FeedServer) -> None:
    feed_server.set_feed("/feed.xml", RSS)
    with pytest.raises(FetchError, match=r"^TLS error: .* \(127\.0\.0\.1\)$"):
        await fetch(feed_server.url("/feed.xml").replace("http://", "https://"))


# headers ------------------------------------------------------------------------------------


async def test_user_agent_names_monitor_and_accept_prefers_feeds(feed_server: FeedServer) -> None:
    feed_server.set_feed("/feed.xml", RSS)
    await fetch(feed_server.url("/feed.xml"))

    sent = feed_server.requests("/feed.xml")[0]
    assert sent["user-agent"].startswith(f"monitor/{__version__} ")
    assert sent["accept"].startswith("application/rss+xml, application/atom+xml")


async def test_user_agent_setting_overrides_default(feed_server: FeedServer) -> None:
    feed_server.set_feed("/feed.xml", RSS)
    await fetch(feed_server.url("/feed.xml"), user_agent="newsroom-bot/2 (ops@example.org)")

    assert feed_server.requests("/feed.xml")[0]["user-agent"] == "newsroom-bot/2 (ops@example.org)"


# concurrency --------------------------------------------------------------------------------


async def test_per_host_limit_serialises_one_host_but_not_two(feed_server: FeedServer) -> None:
    feed_server.set_feed("/feed.xml", RSS)
    feed_server.latency = 0.2
    urls = [feed_server.url("/feed.xml", host=h) for h in ("127.0.0.1", "localhost")] * 3
    async with Fetcher(settings(per_host=1)) as fetcher:
        results = await asyncio.gather(*(fetcher.fetch(u) for u in urls))

    assert [r.status for r in results] == [200] * 6
    assert feed_server.max_in_flight("127.0.0.1") == 1
    assert feed_server.max_in_flight("localhost") == 1
    assert feed_server.max_in_flight() == 2


async def test_max_connections_bounds_all_hosts(feed_server: FeedServer) -> None:
    feed_server.set_feed("/feed.xml", RSS)
    feed_server.latency = 0.1
    urls = [feed_server.url("/feed.xml", host=h) for h in ("127.0.0.1", "localhost")] * 4
    async with Fetcher(settings(max_connections=2, per_host=10)) as fetcher:
        await asyncio.gather(*(fetcher.fetch(u) for u in urls))

    assert feed_server.max_in_flight() <= 2
    assert feed_server.hits("/feed.xml") == 8


# the transport seam -------------------------------------------------------------------------


async def test_transport_replaces_the_network() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=RSS, headers={"ETag": '"x"'})

    async with Fetcher(settings(), transport=httpx.MockTransport(handler)) as fetcher:
        result = await fetcher.fetch("https://feeds.example.org/rss")

    assert (result.status, result.body, result.validators.etag) == (200, RSS, '"x"')


async def test_a_proxy_set_in_the_environment_is_used(
    feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The feed server stands in for the proxy: it gets the absolute URL as the request target
    # and answers by its path. The feed's own host does not resolve, so only the proxy works.
    feed_server.set_feed("/feed.xml", RSS)
    monkeypatch.setenv("HTTP_PROXY", feed_server.url("/"))
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)

    result = await fetch("http://feeds.example.invalid/feed.xml")

    assert result.body == RSS
    assert feed_server.hits("/feed.xml") == 1
