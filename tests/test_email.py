"""The email notifier against aiosmtpd on 127.0.0.1: TLS modes, rendering, headers,
Message-IDs, digests and every SMTP failure translated for the outbox. What the server
received is parsed with the standard library (``policy=default``), as a reader would."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from smtpstub import CertFiles, SmtpStub, make_cert
from test_slack_blocks import make_alert

from monitor.config import EmailNotifier as EmailConfig
from monitor.errors import NotifyError
from monitor.notify import Receipt
from monitor.notify.email import EmailNotifier

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
    assert "regulators fined Clearview AI on Tuesday" in text


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


# The headers a sent alert has; anything else arrived from feed text.
HEADERS = {
    "Subject", "From", "To", "Date", "Message-ID", "Auto-Submitted", "MIME-Version",
    "Content-Type",
}  # fmt: skip
SENDER = "monitor@alerts.example.org"


def _received(smtp: SmtpStub) -> list[tuple[Any, Any, bytes]]:
    return [(env, msg, raw) for (env, msg), raw in zip(smtp.messages, smtp.raw, strict=True)]


def _assert_intact(message: Any, subject: str) -> None:
    """Exactly our headers, From and To as configured, the Subject as expected."""
    assert set(message.keys()) == HEADERS, message.keys()
    assert str(message["From"]) == SENDER
    assert str(message["To"]) == ", ".join(RECIPIENTS)
    assert str(message["Subject"]) == subject
    assert message.get_body(("plain",)) is not None  # the body did not swallow the headers


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        # RFC 2047 encoded CR/LF (q and b), the probes
        ("Clearview =?utf-8?q?=0D=0AReply-To:_x@evil.example?= fined",
         "Clearview Reply-To: x@evil.example fined"),
        ("=?utf-8?b?DQpCY2M6IHZpY3RpbUBleGFtcGxlLmNvbQ==?=", "Bcc: victim@example.com"),
        ("=?UTF-8?Q?a=0D=0A=0D=0AX-Injected:_1?= b", "a X-Injected: 1 b"),
        ("=?utf-8?b?DQoNClRvOiBldmlsQGV4YW1wbGUuY29t?=", "To: evil@example.com"),
        # an encoded word inside an encoded word, and one in the middle of a word
        ("x =?utf-8?q?=3D=3Futf-8=3Fq=3F=3D0A=3D0AX-Injected=3A_1=3F=3D?= y",
         "x X-Injected: 1 y"),
        ("mid=?utf-8?q?=0AX-Injected:_2?=dle", "mid X-Injected: 2dle"),
        # raw line breaks and control characters, folded lines, double line breaks
        ("Clearview\r\nBcc: victim@example.com", "Clearview Bcc: victim@example.com"),
        ("a\r\n\r\nTo: evil@example.com\r\n\r\nbody", "a To: evil@example.com body"),
        ("folded\r\n X-Injected: 3", "folded X-Injected: 3"),
        ("nul\x00 and\u2028line\u2029sep\u0085nel\x0bvt", "nul and line sep nel vt"),
        ("lone \ud800 surrogate", "lone \ufffd surrogate"),
    ],
)  # fmt: skip
async def test_a_hostile_title_adds_no_header_and_moves_none_into_the_body(
    smtp: SmtpStub, cert: CertFiles, title: str, shown: str
) -> None:
    await notifier(smtp, cert).send(make_alert(title=title))
    [(envelope, message, raw)] = _received(smtp)
    _assert_intact(message, f"[monitor] clearview: {shown}")
    for injected in (b"\nReply-To:", b"\nBcc:", b"\nX-Injected:", b"\nTo: evil"):
        assert injected not in raw.split(b"\r\n\r\n", 1)[0]
    assert sorted(envelope.rcpt_tos) == sorted(RECIPIENTS)


SPACED_TITLES = [
    "Clearview AI fined €20m by the French régulateur — la CNIL sanctionne Clearview AI",
    "クリアビューAIに罰金 日本の規制当局が顔認識企業 クリアビューAI に対して調査を開始 詳細は後で",
    "🚨 Clearview AI 🚨 fined again 👀 and 🎉 again, with emoji at the fold points 🚨 🚨 🚨",
    "Clearview AI settles Illinois biometric privacy lawsuit after years of litigation in "
    "federal court, agreeing to limits on sales of its database to private companies",
    "Wort" * 25 + " then a very long word above",
    "ideographic\u3000space and no\u00a0break space kept",
    "クリアビューAIに罰金 日本の規制当局が顔認識企業クリアビューAIに対して調査を開始しました"
    " 詳細は後ほど",
]


async def test_subjects_keep_their_spaces_in_any_script_and_at_fold_points(
    smtp: SmtpStub, cert: CertFiles
) -> None:
    mail = notifier(smtp, cert, subject_prefix="")
    # a single space at every offset, so that some land exactly on a fold or a word limit
    titles = [*SPACED_TITLES, *(f"{'é' * n} {'x' * (60 - n)} ü {'日' * n}" for n in range(1, 60))]
    titles += [f"{'a' * n} {'b' * (70 - n)} c" for n in range(1, 70)]
    for n, title in enumerate(titles):
        await mail.send(make_alert(delivery_id=n, title=title))
    received = [str(message["Subject"]) for _, message in smtp.messages]
    assert received == [f"clearview: {t}" for t in titles]
    assert all(len(line) <= 78 for raw in smtp.raw for line in raw.split(b"\r\n"))


async def test_a_long_title_is_cut_with_an_ellipsis_after_decoding(
    smtp: SmtpStub, cert: CertFiles
) -> None:
    await notifier(smtp, cert).send(make_alert(title="Clearview " + "é" * 400))
    [(_, message)] = smtp.messages
    subject = str(message["Subject"])
    assert len(subject) == 180 and subject.endswith("é…")


async def test_the_message_is_seven_bit_clean_or_declares_8bitmime(
    smtp: SmtpStub, cert: CertFiles
) -> None:
    alert = make_alert(
        title="La CNIL inflige une amende à Clearview AI",
        snippet="la **Clearview AI** société américaine — 20 millions d'euros, 日本",
        source="Le Monde · Économie",
    )
    await notifier(smtp, cert).send(alert)
    [(envelope, message, raw)] = _received(smtp)
    assert raw.isascii() or "BODY=8BITMIME" in envelope.mail_options
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "la Clearview AI société américaine — 20 millions d'euros, 日本" in text
    assert "<strong>Clearview AI</strong> société américaine" in html
    assert "Le Monde · Économie" in text
    assert (
        str(message["Subject"]) == "[monitor] clearview: La CNIL inflige une amende à Clearview AI"
    )


FEED_MARKUP = "a *star* _under_ ~tilde~ `tick` and **bold** or ** lone, then **Clearview AI** fined"


async def test_feed_asterisks_underscores_and_tildes_arrive_as_written(
    smtp: SmtpStub, cert: CertFiles
) -> None:
    alert = make_alert(snippet=FEED_MARKUP, title="Clearview *AI* _fined_ ~again~ **now**")
    await notifier(smtp, cert).send(alert)
    [(_, message)] = smtp.messages
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    shown = "a *star* _under_ ~tilde~ `tick` and **bold** or ** lone, then Clearview AI fined"
    assert shown in text
    assert "Clearview *AI* _fined_ ~again~ **now**" in text
    assert html.count("<strong>") == 1
    assert (
        "a *star* _under_ ~tilde~ `tick` and **bold** or ** lone, then "
        "<strong>Clearview AI</strong> fined"
    ) in html
    assert str(message["Subject"]) == "[monitor] clearview: Clearview *AI* _fined_ ~again~ **now**"


async def test_a_term_the_feed_itself_starred_is_bold_once_with_its_stars_kept(
    smtp: SmtpStub, cert: CertFiles
) -> None:
    alert = make_alert(snippet="said ****Clearview AI**** was fined", terms=("Clearview AI",))
    mail = notifier(smtp, cert)
    await mail.send(alert)
    await mail.send_digest([alert])
    for _, message in smtp.messages:
        text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
        assert "said **Clearview AI** was fined" in text
        assert "said **<strong>Clearview AI</strong>** was fined" in html


async def test_a_recipient_refused_for_now_is_owed_and_alone_gets_the_retry(
    smtp: SmtpStub, cert: CertFiles
) -> None:
    smtp.fail("rcpt", "451 4.7.1 greylisted, try later", recipient="legal@example.com")
    mail = notifier(smtp, cert)
    first = await mail.send(make_alert())
    assert first.owed == ("legal@example.com",)
    assert first.note is not None and "legal@example.com: 451 4.7.1 greylisted" in first.note
    again = await mail.send(make_alert(attempts=2, recipients=first.owed))
    assert again.owed == () and again.external_id == first.external_id
    assert [m["Message-ID"] for m in smtp.mailbox("desk@example.com")] == [first.external_id]
    assert [m["Message-ID"] for m in smtp.mailbox("legal@example.com")] == [first.external_id]
    assert str(smtp.messages[1][1]["To"]) == ", ".join(RECIPIENTS)  # the same message


async def test_a_retry_refused_for_good_is_a_note_not_a_dead_letter(
    smtp: SmtpStub, cert: CertFiles
) -> None:
    smtp.fail("rcpt", "550 5.1.1 no such user", recipient="legal@example.com")
    receipt = await notifier(smtp, cert).send(make_alert(recipients=("legal@example.com",)))
    assert receipt.owed == () and smtp.messages == []
    assert receipt.note is not None and "legal@example.com: 550 5.1.1 no such user" in receipt.note


async def test_a_follow_up_threads_under_its_story_and_a_bad_thread_id_is_dropped(
    smtp: SmtpStub, cert: CertFiles
) -> None:
    mail = notifier(smtp, cert)
    first = await mail.send(make_alert())
    follow = make_alert(slot="update:7", thread_id=first.external_id, update_kind="also_reported")
    await mail.send(follow)
    await mail.send(make_alert(slot="update:8", thread_id="<a@b>\r\nBcc: victim@example.com"))
    _, threaded, hostile = (message for _, message in smtp.messages)
    assert threaded["In-Reply-To"] == threaded["References"] == first.external_id
    assert str(threaded["Subject"]) == "[monitor] Re: Clearview AI fined"
    assert hostile["In-Reply-To"] is None and hostile["Bcc"] is None


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
