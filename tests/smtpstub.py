"""An SMTP server on 127.0.0.1 for tests: ``aiosmtpd`` with a scriptable handler.

    with SmtpStub() as smtp:                      # plain SMTP, no STARTTLS offered
    with SmtpStub(tls="starttls", cert=cert):     # STARTTLS offered and required
    with SmtpStub(tls="implicit", cert=cert):     # TLS from the first byte
        smtp.fail("rcpt", "550 5.1.1 no such user", times=1, recipient="b@example.com")
        smtp.messages                             # accepted: (envelope, email.message)
        smtp.raw                                  # accepted: the bytes as received
        smtp.mailbox("b@example.com")             # the messages that recipient was sent

``fail(stage, reply)`` makes the next ``times`` commands of a stage (``ehlo``, ``mail``,
``rcpt`` (optionally for one recipient only) or ``data``) answer ``reply``. Accepted
messages are parsed with the standard library (``policy=default``); the MAIL FROM options
(``BODY=8BITMIME``…) are on each envelope's ``mail_options``. ``make_cert``
writes a self-signed certificate for 127.0.0.1 with the ``openssl`` command (the
``cryptography`` package is not a dependency). Contains no monitor code.
"""

from __future__ import annotations

import email
import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass
from email.message import Message
from email.policy import default as default_policy
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import Envelope, Session

Stage = Literal["ehlo", "mail", "rcpt", "data"]


@dataclass(frozen=True)
class CertFiles:
    cert: Path
    key: Path


def make_cert(directory: Path) -> CertFiles:
    """A self-signed certificate (and key) for 127.0.0.1 and localhost, valid one day."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return CertFiles(cert, key)


@dataclass
class _Failure:
    reply: str
    times: int
    recipient: str | None


class _Handler:
    def __init__(self, stub: SmtpStub) -> None:
        self.stub = stub

    async def handle_EHLO(
        self, server: SMTPServer, session: Session, envelope: Envelope, hostname: str,
        responses: list[str],
    ) -> list[str]:  # fmt: skip
        session.host_name = hostname
        failure = self.stub._take("ehlo")
        return [failure] if failure else responses

    async def handle_MAIL(
        self, server: SMTPServer, session: Session, envelope: Envelope, address: str,
        options: list[str],
    ) -> str:  # fmt: skip
        failure = self.stub._take("mail")
        if failure:
            return failure
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTPServer, session: Session, envelope: Envelope, address: str,
        options: list[str],
    ) -> str:  # fmt: skip
        failure = self.stub._take("rcpt", address)
        if failure:
            return failure
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        failure = self.stub._take("data")
        if failure:
            return failure
        self.stub._accept(envelope, session)
        return "250 Message accepted"


class SmtpStub:
    def __init__(
        self,
        *,
        tls: Literal["none", "starttls", "implicit"] = "none",
        cert: CertFiles | None = None,
    ) -> None:
        self.tls = tls
        self._lock = threading.Lock()
        self._failures: dict[str, list[_Failure]] = {}
        self._messages: list[tuple[Envelope, Message, bool, bytes]] = []
        self.port = _free_port()
        kwargs: dict[str, Any] = {}
        if tls != "none":
            assert cert is not None, "a TLS stub needs a certificate"
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(cert.cert, cert.key)
            if tls == "starttls":
                kwargs.update(tls_context=context, require_starttls=True)
            else:
                kwargs.update(ssl_context=context)
        self._controller = Controller(
            _Handler(self), hostname="127.0.0.1", port=self.port, **kwargs
        )

    @property
    def messages(self) -> list[tuple[Envelope, Message]]:
        with self._lock:
            return [(env, msg) for env, msg, _, _ in self._messages]

    @property
    def secure(self) -> list[bool]:
        """For each accepted message, whether its session was encrypted."""
        with self._lock:
            return [tls for _, _, tls, _ in self._messages]

    @property
    def raw(self) -> list[bytes]:
        """Each accepted message's bytes, exactly as the DATA command carried them."""
        with self._lock:
            return [data for _, _, _, data in self._messages]

    def mailbox(self, recipient: str) -> list[Message]:
        """The accepted messages whose envelope named ``recipient``, in order."""
        with self._lock:
            return [msg for env, msg, _, _ in self._messages if recipient in env.rcpt_tos]

    def fail(
        self, stage: Stage, reply: str, *, times: int = 1, recipient: str | None = None
    ) -> None:
        with self._lock:
            self._failures.setdefault(stage, []).append(_Failure(reply, times, recipient))

    def __enter__(self) -> SmtpStub:
        self._controller.start()
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._controller.stop()

    def _take(self, stage: str, recipient: str | None = None) -> str | None:
        with self._lock:
            for failure in self._failures.get(stage, []):
                if failure.times > 0 and failure.recipient in (None, recipient):
                    failure.times -= 1
                    return failure.reply
        return None

    def _accept(self, envelope: Envelope, session: Session) -> None:
        raw = envelope.original_content or envelope.content or b""
        data = raw if isinstance(raw, bytes) else raw.encode()
        message = email.message_from_bytes(data, policy=default_policy)
        with self._lock:
            secure = self.tls == "implicit" or session.ssl is not None
            self._messages.append((envelope, message, secure, data))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
