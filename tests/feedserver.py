"""A real, scriptable HTTP feed server on 127.0.0.1 for tests and benchmarks.

Runs the stdlib ``ThreadingHTTPServer`` (HTTP/1.1, keep-alive) in a daemon thread on an
ephemeral port, so it serves this process and any subprocess a test launches. Each path is
scripted with one ``set_*`` call; unscripted paths answer 404. Every request's headers are
recorded per path, and the number of requests in flight is tracked per Host header.

    with FeedServer() as server:
        server.set_feed("/a.xml", b"<rss>...</rss>")
        url = server.url("/a.xml")              # or server.url("/a.xml", host="localhost")
        ...
        server.requests("/a.xml")[-1]["if-none-match"]

Contains no monitor code: it speaks HTTP only.
"""

from __future__ import annotations

import hashlib
import threading
import time
import zlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

_CHUNK = 64 * 1024
_HANG_LIMIT_SECONDS = 60


@dataclass(frozen=True)
class _Feed:
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class _Fixed:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class _Hang:
    pass


@dataclass(frozen=True)
class _Huge:
    size: int
    gzip_body: bytes | None  # the whole compressed body, or None for plain bytes
    content_length: bool


@dataclass(frozen=True)
class _Redirect:
    location: str
    status: int


_Route = _Feed | _Fixed | _Hang | _Huge | _Redirect


@dataclass
class _Stats:
    requests: dict[str, list[dict[str, str]]] = field(default_factory=lambda: defaultdict(list))
    in_flight: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    max_in_flight: dict[str, int] = field(default_factory=lambda: defaultdict(int))


class FeedServer:
    """A scriptable feed server; see the module docstring. Thread-safe."""

    def __init__(self, bind: str = "127.0.0.1") -> None:
        self.bind = bind  # any loopback address: benchmarks spread feeds over many hosts
        self.latency: float = 0.0  # seconds to wait before answering every request
        self._routes: dict[str, _Route] = {}
        self._stats = _Stats()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # lifecycle -----------------------------------------------------------------------------

    def start(self) -> FeedServer:
        """Bind ``self.bind`` on a free port and serve in a daemon thread."""
        self._stopping.clear()
        self._httpd = _Server((self.bind, 0), _Handler, self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; hanging responses end within about a second."""
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("FeedServer is not started")
        return int(self._httpd.server_address[1])

    def url(self, path: str, *, host: str | None = None) -> str:
        """Absolute URL of ``path``; ``host="localhost"`` gives a second host name."""
        return f"http://{host or self.bind}:{self.port}{path}"

    # scripting -----------------------------------------------------------------------------

    def set_feed(
        self,
        path: str,
        body: bytes,
        content_type: str = "application/rss+xml",
        *,
        etag: bool = True,
        last_modified: bool = True,
    ) -> None:
        """Serve ``body`` with 200, honouring If-None-Match / If-Modified-Since with 304.

        The ETag is a hash of the body; Last-Modified moves forward (at least a second)
        whenever the body changes, and stays put when the same body is set again.
        """
        with self._lock:
            previous = self._routes.get(path)
            stamp = _next_last_modified(previous, body)
            self._routes[path] = _Feed(
                body=body,
                content_type=content_type,
                etag=f'"{hashlib.sha256(body).hexdigest()[:16]}"' if etag else None,
                last_modified=stamp if last_modified else None,
            )

    def set_response(
        self,
        path: str,
        status: int = 200,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer exactly this: ``status``, ``headers`` and ``body`` (sent as given, e.g.
        already compressed with a matching Content-Encoding header)."""
        self._set(path, _Fixed(status, dict(headers or {}), body))

    def set_error(
        self, path: str, status: int, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> None:
        """Answer ``status`` with ``headers`` (e.g. ``{"Retry-After": "120"}``)."""
        self.set_response(path, status, body or f"error {status}\n".encode(), headers)

    def set_hang(self, path: str) -> None:
        """Send 200 headers, then drip one byte a second (chunked) for up to a minute."""
        self._set(path, _Hang())

    def set_huge(
        self, path: str, size_bytes: int, *, gzip: bool = False, content_length: bool = True
    ) -> None:
        """Serve ``size_bytes`` of body. ``gzip=True`` sends it gzip-encoded (a small wire
        size that decompresses to ``size_bytes``); ``content_length=False`` sends it chunked,
        so a client cannot reject it from the headers."""
        packed = _gzip_zeros(size_bytes) if gzip else None
        self._set(path, _Huge(size_bytes, packed, content_length))

    def set_redirect(self, path: str, location: str, status: int = 302) -> None:
        """Redirect ``path`` to ``location`` (a path on this server or any URL)."""
        self._set(path, _Redirect(location, status))

    def _set(self, path: str, route: _Route) -> None:
        with self._lock:
            self._routes[path] = route

    # inspection ----------------------------------------------------------------------------

    def requests(self, path: str) -> list[dict[str, str]]:
        """Headers (lower-case names) of every request received for ``path``, in order."""
        with self._lock:
            return [dict(h) for h in self._stats.requests.get(path, [])]

    def hits(self, path: str) -> int:
        """How many requests ``path`` received."""
        with self._lock:
            return len(self._stats.requests.get(path, []))

    def max_in_flight(self, host: str | None = None) -> int:
        """Most requests handled at once, for one Host header (``"127.0.0.1:PORT"`` or just
        ``"127.0.0.1"``) or, with None, over all hosts."""
        with self._lock:
            if host is None:
                return self._stats.max_in_flight["*"]
            key = host if ":" in host else f"{host}:{self.port}"
            return self._stats.max_in_flight.get(key, 0)

    def reset_stats(self) -> None:
        """Forget recorded requests and concurrency figures (routes stay)."""
        with self._lock:
            self._stats = _Stats()

    # used by the handler -------------------------------------------------------------------

    def _enter(self, path: str, headers: dict[str, str]) -> _Route | None:
        with self._lock:
            self._stats.requests[path].append(headers)
            for key in ("*", headers.get("host", "")):
                self._stats.in_flight[key] += 1
                self._stats.max_in_flight[key] = max(
                    self._stats.max_in_flight[key], self._stats.in_flight[key]
                )
            return self._routes.get(path)

    def _leave(self, headers: dict[str, str]) -> None:
        with self._lock:
            for key in ("*", headers.get("host", "")):
                self._stats.in_flight[key] -= 1


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # never wait for hanging or idle keep-alive handlers on stop
    request_queue_size = 1024  # benchmarks open hundreds of connections at once

    def __init__(self, address: tuple[str, int], handler: Any, feeds: FeedServer) -> None:
        self.feeds = feeds
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when a client goes away; print anything else (a bug in the server)."""
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out at once, no delayed-ACK stalls
    wbufsize = 64 * 1024  # buffered; handle_one_request flushes after each response
    timeout = 30  # idle keep-alive connections end instead of holding a thread forever
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        feeds = self.server.feeds
        path = urlsplit(self.path).path
        headers = {k.lower(): v for k, v in self.headers.items()}
        route = feeds._enter(path, headers)
        try:
            if feeds.latency and feeds._stopping.wait(feeds.latency):
                return
            self._answer(route, headers)
        finally:
            feeds._leave(headers)

    def _answer(self, route: _Route | None, headers: dict[str, str]) -> None:
        if isinstance(route, _Feed):
            self._feed(route, headers)
        elif isinstance(route, _Fixed):
            self._send(route.status, route.body, route.headers)
        elif isinstance(route, _Hang):
            self._hang()
        elif isinstance(route, _Huge):
            self._huge(route)
        elif isinstance(route, _Redirect):
            self._send(route.status, b"", {"Location": route.location})
        else:
            self._send(404, b"not found\n", {"Content-Type": "text/plain"})

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)

    def _feed(self, feed: _Feed, request: dict[str, str]) -> None:
        headers = {"Content-Type": feed.content_type}
        if feed.etag:
            headers["ETag"] = feed.etag
        if feed.last_modified:
            headers["Last-Modified"] = feed.last_modified
        if _not_modified(feed, request):
            self._send(304, b"", {k: v for k, v in headers.items() if k != "Content-Type"})
        else:
            self._send(200, feed.body, headers)

    def _hang(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()
        stopping = self.server.feeds._stopping
        for _ in range(_HANG_LIMIT_SECONDS):
            if stopping.wait(1.0):
                break
            self.wfile.write(b"1\r\n \r\n")
            self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")

    def _huge(self, huge: _Huge) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        if huge.gzip_body is not None:
            self.send_header("Content-Encoding", "gzip")
        wire_size = len(huge.gzip_body) if huge.gzip_body is not None else huge.size
        if huge.content_length:
            self.send_header("Content-Length", str(wire_size))
        else:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for chunk in _huge_chunks(huge):
            self.wfile.write(chunk if huge.content_length else _chunked(chunk))
        if not huge.content_length:
            self.wfile.write(b"0\r\n\r\n")


def _huge_chunks(huge: _Huge) -> Iterator[bytes]:
    if huge.gzip_body is not None:
        for start in range(0, len(huge.gzip_body), _CHUNK):
            yield huge.gzip_body[start : start + _CHUNK]
        return
    block = b"x" * _CHUNK
    for start in range(0, huge.size, _CHUNK):
        yield block[: min(_CHUNK, huge.size - start)]


def _chunked(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


def _gzip_zeros(size: int) -> bytes:
    """A gzip member that decompresses to ``size`` zero bytes, built without holding them."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(_CHUNK)
    parts = [
        packer.compress(block[: min(_CHUNK, size - start)]) for start in range(0, size, _CHUNK)
    ]
    parts.append(packer.flush())
    return b"".join(parts)


def _next_last_modified(previous: _Route | None, body: bytes) -> str:
    """Now, but at least a second after the previous Last-Modified when the body changed."""
    if isinstance(previous, _Feed) and previous.last_modified:
        before = parsedate_to_datetime(previous.last_modified).timestamp()
        if previous.body == body:
            return previous.last_modified
        return formatdate(max(time.time(), before + 1), usegmt=True)
    return formatdate(time.time(), usegmt=True)


def _not_modified(feed: _Feed, request: dict[str, str]) -> bool:
    """RFC 9110: If-None-Match decides when present; else If-Modified-Since."""
    if "if-none-match" in request:
        tags = [t.strip() for t in request["if-none-match"].split(",")]
        return feed.etag is not None and (feed.etag in tags or "*" in tags)
    since = request.get("if-modified-since")
    if since and feed.last_modified:
        try:
            return parsedate_to_datetime(feed.last_modified) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False
