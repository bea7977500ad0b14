"""A Slack stand-in on 127.0.0.1: the incoming-webhook endpoint and ``chat.postMessage``.

Speaks the wire protocol the real slack-sdk clients use, in a daemon thread on an ephemeral
port, so it serves this process and any subprocess a test launches. Every accepted message is
recorded; each request first takes the next scripted answer, if any:

    with SlackStub() as slack:
        slack.script(Answer.rate_limited(2), Answer.error("channel_not_found"), HANG)
        slack.webhook_url      # POST here: an incoming webhook
        slack.api_base_url     # AsyncWebClient(base_url=...): chat.postMessage
        slack.messages         # accepted messages, in order (dicts of the posted fields)
        slack.channel_messages # those the channel shows: not thread replies, unless broadcast

``Answer.rate_limited`` is HTTP 429 with Retry-After (a number of seconds, or any text such as
``inf`` or ``soon`` to test a client's defences); ``Answer.error(code)`` is Slack's error
(HTTP 200 + ``ok: false`` on the Web API; 400/404/403 + the code as text on a webhook);
``Answer.server_error()`` is HTTP 500; ``HANG`` accepts (records) the message and then never
answers. Contains no monitor code.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

_WEBHOOK_PATH = "/services/T0000/B0000/stubsecret"
_WEBHOOK_STATUS = {
    "invalid_payload": 400,
    "no_text": 400,
    "channel_not_found": 404,
    "action_prohibited": 403,
    "invalid_token": 403,
}
_HANG_SECONDS = 30


@dataclass(frozen=True)
class Answer:
    status: int
    code: str | None = None
    retry_after: int | str | None = None
    hang: bool = False

    @classmethod
    def rate_limited(cls, retry_after: int | str = 1) -> Answer:
        return cls(429, "ratelimited", retry_after)

    @classmethod
    def error(cls, code: str) -> Answer:
        return cls(200, code)

    @classmethod
    def server_error(cls) -> Answer:
        return cls(500, "internal_error")


HANG = Answer(200, hang=True)


class SlackStub:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._script: deque[Answer] = deque()
        self._messages: list[dict[str, Any]] = []
        self._requests = 0
        self._ts = 0
        self._release = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def webhook_url(self) -> str:
        return self.base_url + _WEBHOOK_PATH

    @property
    def api_base_url(self) -> str:
        return self.base_url + "/api/"

    @property
    def messages(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._messages)

    @property
    def channel_messages(self) -> list[dict[str, Any]]:
        """Accepted messages a channel member sees without opening a thread: Slack shows a
        thread reply (``thread_ts``) in the channel only when ``reply_broadcast`` is true."""
        return [
            m for m in self.messages if not m.get("thread_ts") or m.get("reply_broadcast") is True
        ]

    @property
    def requests(self) -> int:
        with self._lock:
            return self._requests

    def script(self, *answers: Answer) -> None:
        """Answer the next requests with these, in order (then accept as usual)."""
        with self._lock:
            self._script.extend(answers)

    def wait_for(self, count: int, timeout: float = 60) -> list[dict[str, Any]]:
        """Wait until at least ``count`` messages were accepted; return them all."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages

    def __enter__(self) -> SlackStub:
        self._thread.start()
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def _next(self) -> Answer | None:
        with self._lock:
            self._requests += 1
            return self._script.popleft() if self._script else None

    def _accept(self, endpoint: str, fields: dict[str, Any]) -> str:
        with self._lock:
            self._ts += 1
            ts = f"1700000000.{self._ts:06d}"
            # "at": when it arrived (time.monotonic), for tests of pacing
            self._messages.append(
                {"endpoint": endpoint, "ts": ts, "at": time.monotonic(), **fields}
            )
            return ts

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return None

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                fields = _decode(raw, self.headers.get("Content-Type") or "")
                if self.path == _WEBHOOK_PATH:
                    self._webhook(fields)
                elif self.path == "/api/chat.postMessage":
                    self._post_message(fields)
                else:
                    self._send(404, "text/plain", b"no such endpoint")

            def _webhook(self, fields: dict[str, Any]) -> None:
                answer = stub._next()
                if answer is not None and not answer.hang:
                    status = answer.status if answer.status != 200 else 0
                    status = status or _WEBHOOK_STATUS.get(answer.code or "", 400)
                    self._send(status, "text/plain", (answer.code or "").encode(), answer)
                    return
                if not (fields.get("text") or fields.get("blocks")):
                    self._send(400, "text/plain", b"no_text")
                    return
                stub._accept("webhook", fields)
                if answer is not None:
                    stub._release.wait(_HANG_SECONDS)
                self._send(200, "text/plain", b"ok")

            def _post_message(self, fields: dict[str, Any]) -> None:
                answer = stub._next()
                if not self.headers.get("Authorization", "").startswith("Bearer "):
                    answer = Answer.error("not_authed")
                if answer is not None and not answer.hang:
                    body = {"ok": False, "error": answer.code}
                    self._send(answer.status, "application/json", json.dumps(body).encode(), answer)
                    return
                if not (fields.get("text") or fields.get("blocks")):
                    self._json({"ok": False, "error": "no_text"})
                    return
                ts = stub._accept("chat.postMessage", fields)
                if answer is not None:
                    stub._release.wait(_HANG_SECONDS)
                self._json({"ok": True, "channel": fields.get("channel"), "ts": ts})

            def _json(self, body: dict[str, Any]) -> None:
                self._send(200, "application/json", json.dumps(body).encode())

            def _send(
                self, status: int, kind: str, body: bytes, answer: Answer | None = None
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                if answer is not None and answer.retry_after is not None:
                    self.send_header("Retry-After", str(answer.retry_after))
                self.end_headers()
                # the client may have given up (a time-out test): nothing to answer then
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

        return Handler


def _decode(raw: bytes, content_type: str) -> dict[str, Any]:
    if "json" in content_type:
        data = json.loads(raw or b"{}")
        return data if isinstance(data, dict) else {}
    fields: dict[str, Any] = dict(parse_qsl(raw.decode()))
    if isinstance(fields.get("blocks"), str):
        fields["blocks"] = json.loads(fields["blocks"])
    return fields
