"""The email notifier: one alert (or one digest of many) → one multipart message over SMTP.

Rendering is Jinja2 (``templates/``; HTML autoescaped, links only http/https) and header
sanitizing; sending is stdlib ``smtplib`` in a worker thread. STARTTLS is required unless the
config says ``tls: none`` (a server that does not offer it gets nothing in clear);
``tls: implicit`` speaks TLS from the first byte; certificates are always verified (against
``ca_file`` when set). SMTP replies become ``NotifyError``: 4xx and connection loss retry,
5xx are permanent and carry the server's words. A recipient refused while others accepted
is noted on the delivery (``Receipt.note``) and the message is not sent again.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import re
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from monitor.config import EmailNotifier as EmailConfig
from monitor.digest import digest_counts, docket_view, group_alerts, is_docket
from monitor.entry import Alert
from monitor.errors import NotifyError
from monitor.notify import Receipt

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
HEADER_LIMIT = 180


def header_text(text: str, limit: int = HEADER_LIMIT) -> str:
    """Feed text made safe for a header: no CR, LF or other control characters (they would
    let a title add headers), spaces collapsed, at most ``limit`` characters."""
    flat = " ".join(_CONTROL.sub(" ", text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "undated"


def _highlight(snippet: str) -> Markup:
    """Escape the snippet, then make the ``**matched**`` terms bold."""
    return Markup(_BOLD.sub(r"<strong>\1</strong>", str(escape(snippet))))


def _is_http(url: object) -> bool:
    try:
        return isinstance(url, str) and urlsplit(url).scheme.lower() in ("http", "https")
    except ValueError:
        return False


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("monitor.notify", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters.update(when=_when, highlight=_highlight, http=_is_http)
    return env


@functools.cache
def _templates() -> Environment:
    # Built on first use, so that a process without email never needs the template files.
    return _environment()


def render(template: str, **context: Any) -> str:
    return _templates().get_template(template).render(**context)


def message_id(key: str, sender: str) -> str:
    """A Message-ID that is the same on every attempt for the same ``key``."""
    domain = re.sub(r"[^A-Za-z0-9.-]", "", sender.rpartition("@")[2]) or "monitor.invalid"
    return f"<monitor.{hashlib.sha256(key.encode()).hexdigest()[:24]}@{domain}>"


class EmailNotifier:
    """Sends alerts and digests to fixed recipients through one SMTP server."""

    def __init__(self, config: EmailConfig) -> None:
        self.name = config.name
        self._config = config

    async def send(self, alert: Alert) -> Receipt:
        return await asyncio.to_thread(self._deliver, self.alert_message(alert))

    async def send_digest(self, alerts: Sequence[Alert]) -> Receipt | None:
        """One email for the period; None (nothing sent) when no story is in it."""
        message = self.digest_message(alerts)
        if message is None:
            return None
        return await asyncio.to_thread(self._deliver, message)

    async def aclose(self) -> None:
        return None  # one SMTP connection per message: nothing held open

    def alert_message(self, alert: Alert) -> EmailMessage:
        docket = docket_view(alert.extra) if is_docket(alert) else None
        context = {"alert": alert, "docket": docket, "notifier": self.name}
        if alert.slot == "alert":
            subject = f"{alert.topic}: {alert.title or '(no title)'}"
        else:
            subject = f"Re: {alert.title or alert.topic}"
        key = f"{self.name}|{alert.delivery_id}|{alert.slot}|{alert.topic}|{alert.link}"
        message = self._envelope(subject, message_id(key, self._config.sender))
        if alert.thread_id and alert.thread_id.startswith("<"):
            message["In-Reply-To"] = header_text(alert.thread_id)
            message["References"] = header_text(alert.thread_id)
        name = "docket_alert" if docket is not None and alert.slot == "alert" else "alert"
        message.set_content(render(f"{name}.txt.j2", **context))
        message.add_alternative(render(f"{name}.html.j2", **context), subtype="html")
        return message

    def digest_message(self, alerts: Sequence[Alert]) -> EmailMessage | None:
        sections = group_alerts(alerts)
        counts = digest_counts(sections)
        if not counts.total:
            return None
        topics = ", ".join(s.topic for s in sections)
        subject = f"Digest: {counts.describe()} ({topics})"
        ids = ",".join(str(a.delivery_id) for a in sorted(alerts, key=lambda a: a.delivery_id))
        message = self._envelope(subject, message_id(f"{self.name}|digest|{ids}", self._sender))
        context = {"sections": sections, "counts": counts, "notifier": self.name}
        message.set_content(render("digest.txt.j2", **context))
        message.add_alternative(render("digest.html.j2", **context), subtype="html")
        return message

    @property
    def _sender(self) -> str:
        return self._config.sender

    def _envelope(self, subject: str, msgid: str) -> EmailMessage:
        c = self._config
        message = EmailMessage()
        message["Subject"] = header_text(f"{c.subject_prefix} {subject}".strip())
        message["From"] = header_text(c.sender, 320)
        message["To"] = ", ".join(header_text(r, 320) for r in c.recipients)
        message["Date"] = formatdate(usegmt=True)
        message["Message-ID"] = msgid
        message["Auto-Submitted"] = "auto-generated"
        return message

    def _deliver(self, message: EmailMessage) -> Receipt:
        """Connect, secure, authenticate and send (blocking; runs in a thread)."""
        c = self._config
        msgid = str(message["Message-ID"])
        try:
            with self._connect() as smtp:
                refused = smtp.send_message(message, c.sender, list(c.recipients))
        except smtplib.SMTPRecipientsRefused as exc:  # every recipient refused
            raise _refused_error(self.name, exc.recipients) from exc
        except smtplib.SMTPResponseException as exc:
            raise reply_error(self.name, exc.smtp_code, exc.smtp_error) from exc
        except ssl.SSLCertVerificationError as exc:
            raise NotifyError(
                self.name, f"TLS certificate not trusted: {exc.verify_message}", retryable=False
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:  # connection lost, time-out, TLS
            raise NotifyError(self.name, f"{type(exc).__name__}: {exc or 'failed'}") from exc
        return Receipt(msgid, _refused_note(refused) if refused else None)

    def _connect(self) -> smtplib.SMTP:
        c = self._config
        timeout = c.timeout.total_seconds()
        context = ssl.create_default_context(cafile=c.ca_file)
        smtp: smtplib.SMTP
        if c.tls == "implicit":
            smtp = smtplib.SMTP_SSL(c.host, c.effective_port(), timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(c.host, c.effective_port(), timeout=timeout)
        try:
            _greet(smtp)
            if c.tls == "starttls":
                if not smtp.has_extn("starttls"):
                    raise NotifyError(
                        self.name,
                        "server does not offer STARTTLS; refusing to send in clear "
                        "(set tls: none to allow it)",
                    )
                smtp.starttls(context=context)
                _greet(smtp)
            if c.username:
                password = c.password.get_secret_value() if c.password else ""
                smtp.login(c.username, password)
        except BaseException:
            smtp.close()
            raise
        return smtp


def _greet(smtp: smtplib.SMTP) -> None:
    """EHLO, and a refusal (421 going away…) as the reply error it is."""
    code, reply = smtp.ehlo()
    if code != 250:
        raise smtplib.SMTPResponseException(code, reply)


def _decode(text: bytes | str) -> str:
    return text.decode("utf-8", "replace") if isinstance(text, bytes) else text


def reply_error(notifier: str, code: int, text: bytes | str) -> NotifyError:
    """An SMTP reply → retry (4xx, or anything not 5xx) or dead-letter (5xx) with its words."""
    words = header_text(_decode(text), 500)
    return NotifyError(notifier, f"SMTP {code} {words}", retryable=not 500 <= code < 600)


def _refused_error(notifier: str, refused: Mapping[str, tuple[int, bytes]]) -> NotifyError:
    permanent = all(500 <= code < 600 for code, _ in refused.values())
    return NotifyError(
        notifier, "all recipients refused: " + _refused_note(refused), retryable=not permanent
    )


def _refused_note(refused: Mapping[str, tuple[int, bytes]]) -> str:
    return "; ".join(
        f"refused {rcpt}: {code} {header_text(_decode(text), 200)}"
        for rcpt, (code, text) in sorted(refused.items())
    )
