"""The email notifier: one alert (or one digest of many) → one multipart message over SMTP.

Rendering is Jinja2 (``templates/``; HTML autoescaped, links only http/https; the snippet's
matched terms bold in HTML and unmarked in text, the feed's own asterisks shown as they
are); headers and MIME come from ``mailmime`` (safe from feed text on every Python, 7-bit
clean); sending is stdlib ``smtplib`` in a worker thread. STARTTLS is required unless the
config says ``tls: none`` (a server that does not offer it gets nothing in clear);
``tls: implicit`` speaks TLS from the first byte; certificates are always verified (against
``ca_file`` when set). SMTP replies become ``NotifyError``: 4xx and connection loss retry,
5xx are permanent and carry the server's words. When some recipients refuse while others
accept, the receipt says who got it: a 5xx is noted and never retried, a 4xx leaves the
message owed to that recipient (``Receipt.owed``), and the retry (``Alert.recipients``) goes
to the owed recipients only, with the same Message-ID.
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

from jinja2 import (
    Environment,
    PackageLoader,
    StrictUndefined,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context
from markupsafe import Markup, escape

from monitor.config import EmailNotifier as EmailConfig
from monitor.digest import digest_counts, docket_view, group_alerts, is_docket
from monitor.entry import Alert
from monitor.errors import NotifyError
from monitor.notify import Receipt, RecipientOutcome
from monitor.notify.mailmime import clean_text, compose, id_header
from monitor.notify.marks import plain_snippet, split_marks
from monitor.timefmt import local_time

SUBJECT_LIMIT = 180  # characters of the decoded subject, prefix included


@pass_context
def _when(context: Context, value: datetime | None) -> str:
    """A time in the notifier's zone (the template's ``zone``, else UTC)."""
    return local_time(value, context.get("zone") or "UTC")


def _highlight(alert: Alert) -> Markup:
    """The snippet escaped, its matched terms (and nothing else) in ``<strong>``."""
    return Markup("").join(
        Markup("<strong>%s</strong>") % text if marked else escape(text)
        for text, marked in split_marks(alert.snippet, alert.terms)
    )


def _plain(alert: Alert) -> str:
    """The snippet for the text part: marks removed, the feed's own characters kept."""
    return plain_snippet(alert.snippet, alert.terms)


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
    env.filters.update(when=_when, highlight=_highlight, plain=_plain, http=_is_http)
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

    def __init__(self, config: EmailConfig, *, timezone: str = "UTC") -> None:
        self.name = config.name
        self._config = config
        self._zone = timezone

    async def send(self, alert: Alert) -> Receipt:
        message = self.alert_message(alert)
        return await asyncio.to_thread(self._deliver, message, alert.recipients)

    async def send_digest(self, alerts: Sequence[Alert]) -> Receipt | None:
        """One email for the period; None (nothing sent) when no story is in it. It goes to
        the recipients the alerts are owed to (the outbox sends one digest per audience)."""
        message = self.digest_message(alerts)
        if message is None:
            return None
        return await asyncio.to_thread(self._deliver, message, _audience(alerts))

    async def aclose(self) -> None:
        return None  # one SMTP connection per message: nothing held open

    def alert_message(self, alert: Alert) -> EmailMessage:
        """The message for one alert (or follow-up); raises NotifyError (permanent) when
        the configured sender or a recipient is not an email address."""
        docket = docket_view(alert.extra) if is_docket(alert) else None
        context = {"alert": alert, "docket": docket, "notifier": self.name, "zone": self._zone}
        if alert.slot == "alert":
            subject = f"{alert.topic}: {alert.title or '(no title)'}"
        else:
            subject = f"Re: {alert.title or alert.topic}"
        key = f"{self.name}|{alert.delivery_id}|{alert.slot}|{alert.topic}|{alert.link}"
        thread = [
            header
            for name in ("In-Reply-To", "References")
            if alert.thread_id and (header := id_header(name, alert.thread_id))
        ]
        name = "docket_alert" if docket is not None and alert.slot == "alert" else "alert"
        return self._compose(
            subject,
            message_id(key, self._config.sender),
            render(f"{name}.txt.j2", **context),
            render(f"{name}.html.j2", **context),
            [(h.name, h) for h in thread],
        )

    def digest_message(self, alerts: Sequence[Alert]) -> EmailMessage | None:
        sections = group_alerts(alerts)
        counts = digest_counts(sections)
        if not counts.total:
            return None
        topics = ", ".join(s.topic for s in sections)
        subject = f"Digest: {counts.describe()} ({topics})"
        ids = ",".join(str(a.delivery_id) for a in sorted(alerts, key=lambda a: a.delivery_id))
        context = {
            "sections": sections,
            "counts": counts,
            "notifier": self.name,
            "zone": self._zone,
        }
        return self._compose(
            subject,
            message_id(f"{self.name}|digest|{ids}", self._config.sender),
            render("digest.txt.j2", **context),
            render("digest.html.j2", **context),
        )

    def _compose(
        self,
        subject: str,
        msgid: str,
        text: str,
        html: str,
        extra: Sequence[tuple[str, str]] = (),
    ) -> EmailMessage:
        c = self._config
        headers = [
            ("Date", formatdate(usegmt=True)),
            ("Message-ID", msgid),
            ("Auto-Submitted", "auto-generated"),
            *extra,
        ]
        try:
            return compose(
                subject=f"{c.subject_prefix} {subject}".strip(),
                sender=c.sender,
                recipients=c.recipients,
                text=text,
                html=html,
                headers=headers,
                subject_limit=SUBJECT_LIMIT,
            )
        except ValueError as exc:  # a configured address that is not one
            raise NotifyError(self.name, str(exc), retryable=False) from exc

    def _deliver(self, message: EmailMessage, owed: Sequence[str] | None) -> Receipt:
        """Connect, secure, authenticate and send (blocking; runs in a thread) to every
        configured recipient, or (``owed``, a retry) to those of them still owed it."""
        c = self._config
        msgid = str(message["Message-ID"])
        targets = list(c.recipients) if owed is None else [r for r in owed if r in c.recipients]
        if not targets:  # the owed recipients were taken out of the config since
            gone = ", ".join(owed or ())
            return Receipt(msgid, f"not sent to {gone}: no longer a recipient" if gone else None)
        try:
            with self._connect() as smtp:
                refused = smtp.send_message(message, c.sender, targets)
        except smtplib.SMTPRecipientsRefused as exc:  # every recipient refused
            if owed is None:
                raise _refused_error(self.name, exc.recipients) from exc
            refused = exc.recipients  # a retry: the others have it; say who refused again
        except smtplib.SMTPResponseException as exc:
            raise reply_error(self.name, exc.smtp_code, exc.smtp_error) from exc
        except ssl.SSLCertVerificationError as exc:
            raise NotifyError(
                self.name, f"TLS certificate not trusted: {exc.verify_message}", retryable=False
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:  # connection lost, time-out, TLS
            raise NotifyError(self.name, f"{type(exc).__name__}: {exc or 'failed'}") from exc
        if not refused and owed is None:
            return Receipt(msgid)
        note = _refused_note(refused) if refused else None
        return Receipt(msgid, note, _outcomes(targets, refused))

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
    words = clean_text(_decode(text), 500)
    return NotifyError(notifier, f"SMTP {code} {words}", retryable=not 500 <= code < 600)


def _refused_error(notifier: str, refused: Mapping[str, tuple[int, bytes]]) -> NotifyError:
    permanent = all(500 <= code < 600 for code, _ in refused.values())
    return NotifyError(
        notifier, "all recipients refused: " + _refused_note(refused), retryable=not permanent
    )


def _refused_note(refused: Mapping[str, tuple[int, bytes]]) -> str:
    return "; ".join(
        f"refused {rcpt}: {code} {clean_text(_decode(text), 200)}"
        for rcpt, (code, text) in sorted(refused.items())
    )


def _outcomes(
    targets: Sequence[str], refused: Mapping[str, tuple[int, bytes]]
) -> tuple[RecipientOutcome, ...]:
    """Each target's outcome: sent, owed (refused for now: anything but a 5xx) or refused."""
    found = []
    for rcpt in targets:
        if rcpt not in refused:
            found.append(RecipientOutcome(rcpt, "sent"))
            continue
        code, text = refused[rcpt]
        words = f"{code} {clean_text(_decode(text), 200)}"
        permanent = 500 <= code < 600
        found.append(RecipientOutcome(rcpt, "refused" if permanent else "owed", words))
    return tuple(found)


def _audience(alerts: Sequence[Alert]) -> tuple[str, ...] | None:
    """Whom a digest of ``alerts`` is owed to: everyone (None) unless every alert is owed
    only to some recipients, then all of those."""
    if any(a.recipients is None for a in alerts):
        return None
    return tuple(sorted({r for a in alerts for r in a.recipients or ()}))
