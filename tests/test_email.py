"""The email notifier against aiosmtpd on 127.0.0.1: TLS modes, rendering, headers,
Message-IDs, digests and every SMTP failure translated for the outbox."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from smtpstub import CertFiles, SmtpStub, make_cert
from test_slack_blocks import make_alert

from monitor.config import EmailNotifier as EmailConfig
from monitor.errors import NotifyError
from monitor.notify import Receipt
from monitor.notify.email import EmailNotifier, header_text

RECIPIENTS = ["desk@example.com", "legal@example.com"]


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> CertFiles:
    return make_cert(tmp_path_factory.mktemp("cert"))


@pytest.fixture
def smtp(cert: CertFiles) -> Iterator[SmtpStub]:
    with SmtpStub(tls="starttls", cert=cert) as stub:
        yield stub


def notifier(stub: SmtpStub, cert: CertFiles | None, **extra: Any) -> EmailNotifier:
    config: dict[str, Any] = {
        "name": "mail",
        "type": "email",
        "host": "127.0.0.1",
        "port": stub.port,
        "sender": "monitor@alerts.example.org",
        "recipients": RECIPIENTS,
        "timeout": "5s",
    }
    if cert is not None:
        config["ca_file"] = str(cert.cert)
    return EmailNotifier(EmailConfig.model_validate({**config, **extra}))


async def test_an_alert_is_multipart_escaped_and_sent_over_starttls(
    smtp: SmtpStub, cert: CertFiles
) -> None:
    hostile = "Clearview <script>alert(1)</script>\r\nBcc: victim@example.com"
    receipt = await notifier(smtp, cert).send(make_alert(title=hostile))
    [(envelope, message)] = smtp.messages
    assert smtp.secure == [True]
    assert sorted(envelope.rcpt_tos) == sorted(RECIPIENTS)
    assert message["Bcc"] is None and "\n" not in message["Subject"]
    assert message["Message-ID"] == receipt.external_id
    assert message.get_content_type() == "multipart/alternative"
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<strong>Clearview AI</strong>" in html
    assert 'href="https://news.example.com/a?x=1&amp;y=2"' in html
    assert "regulators fined **Clearview AI**" in text


async def test_the_message_id_is_stable_per_alert(smtp: SmtpStub, cert: CertFiles) -> None:
    mail = notifier(smtp, cert)
    first = await mail.send(make_alert())
    again = await mail.send(make_alert(attempts=2))
    other = await mail.send(make_alert(delivery_id=2))
    assert first.external_id == again.external_id != other.external_id


async def test_cleartext_is_refused_unless_tls_none() -> None:
    with SmtpStub(tls="none") as plain:
        with pytest.raises(NotifyError, match="STARTTLS"):
            await notifier(plain, None).send(make_alert())
        assert plain.messages == []
        await notifier(plain, None, tls="none").send(make_alert())
        assert plain.secure == [False]


async def test_implicit_tls(cert: CertFiles) -> None:
    with SmtpStub(tls="implicit", cert=cert) as stub:
        await notifier(stub, cert, tls="implicit").send(make_alert())
        assert stub.secure == [True]


async def test_an_untrusted_certificate_is_refused_for_good(smtp: SmtpStub) -> None:
    with pytest.raises(NotifyError, match="certificate") as caught:
        await notifier(smtp, None).send(make_alert())  # system CAs: the test cert is unknown
    assert not caught.value.retryable and smtp.messages == []


@pytest.mark.parametrize(
    ("stage", "reply", "retryable"),
    [
        ("ehlo", "421 4.3.2 shutting down", True),
        ("mail", "451 4.7.1 greylisted, try later", True),
        ("mail", "550 5.7.1 sender rejected", False),
        ("data", "554 5.6.0 message refused as spam", False),
        ("data", "452 4.3.1 out of storage", True),
    ],
)
async def test_smtp_replies_decide_retry_or_dead_letter_with_the_servers_words(
    smtp: SmtpStub, cert: CertFiles, stage: Any, reply: str, retryable: bool
) -> None:
    smtp.fail(stage, reply)
    with pytest.raises(NotifyError) as caught:
        await notifier(smtp, cert).send(make_alert())
    assert caught.value.retryable is retryable
    assert reply.split(" ", 1)[1] in str(caught.value)


async def test_all_recipients_refused_is_permanent_when_every_reply_is_5xx(
    smtp: SmtpStub, cert: CertFiles
) -> None:
    smtp.fail("rcpt", "550 5.1.1 no such user", times=2)
    with pytest.raises(NotifyError, match="no such user") as caught:
        await notifier(smtp, cert).send(make_alert())
    assert not caught.value.retryable


async def test_one_refused_recipient_is_noted_and_the_rest_get_it_once(
    smtp: SmtpStub, cert: CertFiles
) -> None:
    smtp.fail("rcpt", "550 5.1.1 no such user", recipient="legal@example.com")
    receipt = await notifier(smtp, cert).send(make_alert())
    assert isinstance(receipt, Receipt) and receipt.note is not None
    assert "legal@example.com: 550" in receipt.note and "no such user" in receipt.note
    [(envelope, _)] = smtp.messages
    assert envelope.rcpt_tos == ["desk@example.com"]


async def test_a_dead_server_is_a_retryable_connection_error(cert: CertFiles) -> None:
    with SmtpStub() as stub:
        port = stub.port
    config = {"name": "m", "type": "email", "host": "127.0.0.1", "port": port}
    mail = EmailNotifier(
        EmailConfig.model_validate({**config, "sender": "a@b.c", "recipients": ["d@e.f"]})
    )
    with pytest.raises(NotifyError) as caught:
        await mail.send(make_alert())
    assert caught.value.retryable


def plain(message: Any) -> str:
    """The text part with plain newlines (SMTP carries CRLF)."""
    return str(message.get_body(("plain",)).get_content()).replace("\r\n", "\n")


CASE = {
    "docket": True,
    "court": "ilnd",
    "case_number": "1:21-cv-00135",
    "case_name": "In re Clearview AI",
    "docket_url": "https://ecf.ilnd.uscourts.gov/cgi-bin/DktRpt.pl?400123",
}
DOC41 = "https://ecf.ilnd.uscourts.gov/doc1/067125950041?caseid=400123&de_seq_num=90"


def filing(delivery_id: int, number: str | None, text: str, **extra: Any) -> Any:
    fields = {**CASE, "document_number": number, "text": text, **extra}
    title = f"1:21-cv-00135 In re Clearview AI — {'#' + number + ': ' if number else ''}{text}"
    return make_alert(
        delivery_id=delivery_id,
        source_kind="pacer",
        title=title,
        link=CASE["docket_url"],
        thread_key="case:ilnd:1:21-cv-00135",
        extra=fields,
    )


async def test_a_digest_lists_filings_by_case_with_numbers_and_document_links(
    smtp: SmtpStub, cert: CertFiles
) -> None:
    alerts = [
        make_alert(delivery_id=1, title="Story one"),
        filing(2, "41", "Motion to Dismiss", document_url=DOC41),
        make_alert(delivery_id=3, topic="regulators", title="Story <two>"),
        filing(4, None, "Status Hearing"),
    ]
    mail = notifier(smtp, cert)
    await mail.send_digest(alerts)
    [(_, message)] = smtp.messages
    assert message["Subject"].strip() == (
        "[monitor] Digest: 2 new filings and 2 new stories (clearview, regulators)"
    )
    text = plain(message)
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert text.startswith("2 new filings and 2 new stories since the last digest.")
    assert text.count("In re Clearview AI") == 1
    assert "* ILND 1:21-cv-00135 In re Clearview AI: 2 new filings\n" in text
    assert "  - #41 Motion to Dismiss (2026-11-20 12:00 UTC)\n" in text
    assert text.index(f"    Document 41: {DOC41}") < text.index(
        f"    Docket report: {CASE['docket_url']}"
    )
    assert "  - Status Hearing (2026-11-20 12:00 UTC)" in text
    assert text.index("#41") < text.index("Status Hearing") < text.index("== regulators ==")
    assert "ILND 1:21-cv-00135 In re Clearview AI: 2 new filings</h3>" in html
    assert f'<a href="{DOC41.replace("&", "&amp;")}">#41</a></strong> Motion to Dismiss' in html
    assert "Story &lt;two&gt;" in html
    assert await mail.send_digest([]) is None
    assert len(smtp.messages) == 1


async def test_a_digest_of_one_filing_says_so(smtp: SmtpStub, cert: CertFiles) -> None:
    await notifier(smtp, cert).send_digest([filing(1, "41", "Motion to Dismiss")])
    [(_, message)] = smtp.messages
    assert message["Subject"].strip() == "[monitor] Digest: 1 new filing (clearview)"


async def test_a_docket_alert_email_reads_like_a_docket_line(
    smtp: SmtpStub, cert: CertFiles
) -> None:
    await notifier(smtp, cert).send(filing(7, "41", "Motion to Dismiss", document_url=DOC41))
    [(_, message)] = smtp.messages
    text = plain(message)
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert text.startswith("clearview: ILND 1:21-cv-00135 In re Clearview AI\n#41 Motion to")
    assert text.count("In re Clearview AI") == 1
    assert text.index(f"Document 41: {DOC41}") < text.index("Docket report: ")
    assert html.count("In re Clearview AI") == 1
    assert html.index(">#41</a>") < html.index(">Document 41</a>") < html.index(">Docket report<")


def test_header_text_strips_line_breaks_and_control_characters() -> None:
    assert header_text("a\r\nBcc: x\x00y\u2028z") == "a Bcc: x y z"
    assert len(header_text("x" * 500)) == 180
