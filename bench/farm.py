"""A cheap loopback feed farm for benchmarks: many feeds on many 127.0.0.x hosts.

The benchmark measures the poller, so the farm must cost as little CPU as it can on the same
two cores: one asyncio event loop, one listening socket per host, pre-rendered responses,
HTTP/1.1 keep-alive, and a conditional GET answered 304 from the ETag or Last-Modified the
client sends. A per-request ``latency`` is a timer, not a sleeping thread. It serves GET only
and understands only what a feed poller sends; the test suite's scriptable server is
``tests/feedserver.py``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import formatdate


@dataclass(frozen=True)
class _Feed:
    etag: bytes
    last_modified: bytes
    full: bytes  # the whole 200 response
    not_modified: bytes  # the whole 304 response


def _render(n: int, body: bytes) -> _Feed:
    etag = f'"feed-{n}-{len(body)}"'.encode()
    last_modified = formatdate(1_700_000_000 + n, usegmt=True).encode()
    validators = b"ETag: " + etag + b"\r\nLast-Modified: " + last_modified + b"\r\n"
    full = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml; charset=utf-8\r\n"
        + validators
        + b"Content-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )
    not_modified = b"HTTP/1.1 304 Not Modified\r\n" + validators + b"\r\n"
    return _Feed(etag, last_modified, full, not_modified)


def _path(n: int) -> str:
    return f"/feed/{n}.xml"


_NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
_BAD_REQUEST = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


class _Protocol(asyncio.Protocol):
    """Reads requests off one connection and answers each in order."""

    def __init__(self, feeds: Mapping[bytes, _Feed], latency: float) -> None:
        self._feeds = feeds
        self._latency = latency
        self._buffer = b""
        self._transport: asyncio.Transport | None = None
        self._loop = asyncio.get_running_loop()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while (end := self._buffer.find(b"\r\n\r\n")) >= 0:
            head, self._buffer = self._buffer[:end], self._buffer[end + 4 :]
            self._answer(self._respond(head))

    def _respond(self, head: bytes) -> bytes:
        lines = head.split(b"\r\n")
        parts = lines[0].split(b" ")
        if len(parts) != 3 or parts[0] != b"GET":
            return _BAD_REQUEST
        feed = self._feeds.get(parts[1])
        if feed is None:
            return _NOT_FOUND
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name, value = name.strip().lower(), value.strip()
            if (name == b"if-none-match" and value == feed.etag) or (
                name == b"if-modified-since" and value == feed.last_modified
            ):
                return feed.not_modified
        return feed.full

    def _answer(self, response: bytes) -> None:
        if self._latency:
            self._loop.call_later(self._latency, self._write, response)
        else:
            self._write(response)

    def _write(self, response: bytes) -> None:
        if self._transport is not None:
            self._transport.write(response)
            if response is _BAD_REQUEST:
                self._transport.close()


async def serve(
    bodies: list[bytes], hosts: int, latency: float, ready: Callable[[list[str]], None]
) -> None:
    """Serve ``bodies`` as /feed/<n>.xml, feed n on host 127.0.0.<n % hosts + 1>; call
    ``ready`` with their URLs once every host listens, then serve until cancelled."""
    loop = asyncio.get_running_loop()
    per_host: list[dict[bytes, _Feed]] = [{} for _ in range(hosts)]
    for n, body in enumerate(bodies):
        per_host[n % hosts][_path(n).encode()] = _render(n, body)
    servers = []
    ports = []
    for h in range(hosts):
        feeds = per_host[h]
        server = await loop.create_server(
            lambda feeds=feeds: _Protocol(feeds, latency),  # type: ignore[misc]
            f"127.0.0.{h + 1}",
            0,
            backlog=1024,
        )
        servers.append(server)
        ports.append(server.sockets[0].getsockname()[1])
    urls = [
        f"http://127.0.0.{n % hosts + 1}:{ports[n % hosts]}/feed/{n}.xml"
        for n in range(len(bodies))
    ]
    ready(urls)
    try:
        await asyncio.Event().wait()
    finally:
        for server in servers:
            server.close()
