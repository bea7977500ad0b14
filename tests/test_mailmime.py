"""Email headers from hostile text (monitor.notify.mailmime): encoded words decoded, control
characters gone, no header injected, spaces kept, 7-bit clean, on every interpreter found.

The email package's header handling changed between patch levels (the injection reproduced
on 3.11.7 and 3.12.1, lost spaces on 3.11 and 3.12, an extra space on 3.13.0), so the
header building is run by ``tests/mailcheck.py`` under each supported Python found on this
machine (pyenv versions, ``python3.X`` on the PATH, the system's) and its messages are sent
through smtplib to aiosmtpd; a version with no interpreter here is skipped, saying so.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
from email import message_from_bytes
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from smtpstub import SmtpStub

from monitor.notify import mailmime
from monitor.notify.mailmime import (
    address_header,
    clean_text,
    compose,
    decode_words,
    id_header,
    text_header,
)

ROOT = Path(__file__).resolve().parents[1]
SUPPORTED = ("3.11", "3.12", "3.13")  # requires-python >= 3.11; the container runs 3.11
SENDER = "Monitor Ålerts <monitor@alerts.example.org>"
RECIPIENTS = ["desk@example.com", '"Legal, Team" <legal@example.com>', "Équipe <eq@example.com>"]

JAPANESE = (
    "クリアビューAIに罰金 日本の規制当局が顔認識企業クリアビューAIに対して調査を開始しました 詳細"
)
# (subject given, subject a reader must see)
HOSTILE = [
    ("Clearview =?utf-8?q?=0D=0AReply-To:_x@evil.example?= fined",
     "Clearview Reply-To: x@evil.example fined"),
    ("=?utf-8?b?DQpCY2M6IHZpY3RpbUBleGFtcGxlLmNvbQ==?=", "Bcc: victim@example.com"),
    ("=?utf-8?B?DQpCY2M6IHZpY3RpbUBleGFtcGxlLmNvbQ?=", "Bcc: victim@example.com"),  # unpadded
    ("a =?utf-8?q?=0D=0A=0D=0AX-Injected:_1?= b", "a X-Injected: 1 b"),
    ("=?iso-8859-1?q?caf=E9=0D=0AX-Injected:_2?=", "café X-Injected: 2"),
    ("x =?utf-8?q?=3D=3Futf-8=3Fq=3F=3D0A=3D0AX-Injected=3A_1=3F=3D?= y", "x X-Injected: 1 y"),
    ("raw\r\nBcc: victim@example.com", "raw Bcc: victim@example.com"),
    ("two\r\n\r\nTo: evil@example.com\r\n\r\nbody", "two To: evil@example.com body"),
    ("folded\r\n X-Injected: 3", "folded X-Injected: 3"),
    ("nul\x00 ls\u2028ps\u2029nel\u0085 tab\tvt\x0b del\x7f", "nul ls ps nel tab vt del"),
    ("lone \ud800 and \udfff surrogates", "lone \ufffd and \ufffd surrogates"),
    ("Clearview AI fined €20m by the French régulateur — la CNIL sanctionne Clearview AI",
     "Clearview AI fined €20m by the French régulateur — la CNIL sanctionne Clearview AI"),
    (JAPANESE, JAPANESE),
    ("🚨 fined 🚨 " * 12, ("🚨 fined 🚨 " * 12).strip()),
    ("x" * 300, "x" * 300),
    ("mid =?utf-8?q?caf=C3=A9?= =?utf-8?q?_cr=C3=A8me?= text", "mid café crème text"),
    ("=?utf-8?q?=3D?=?utf-8?q?=0D=0A?=", ""),  # decoding makes a word: decoded too
    ("=?unknown-charset?q?=0D=0AX:_y?= stays", "=?unknown-charset?q?=0D=0AX:_y?= stays"),
]  # fmt: skip


def _version(path: str) -> tuple[int, ...] | None:
    try:
        out = subprocess.run(
            [path, "-c", "import sys; print(*sys.version_info[:3])"],
            capture_output=True, text=True, timeout=30, check=True,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return tuple(int(p) for p in out.stdout.split())


def _interpreters() -> list[Any]:
    """One param per supported Python version found (the first path that has it), and a
    skipping param for each supported minor version with no interpreter here."""
    pyenv = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates = [sys.executable, *sorted(glob.glob(f"{pyenv}/versions/3.*/bin/python3"))]
    for minor in range(11, 20):
        candidates += [shutil.which(f"python3.{minor}") or "", f"/usr/bin/python3.{minor}",
                       f"/usr/local/bin/python3.{minor}"]  # fmt: skip
    found: dict[tuple[int, ...], str] = {}
    for path in dict.fromkeys(c for c in candidates if c and os.access(c, os.X_OK)):
        version = _version(path)
        if version and version >= (3, 11):
            found.setdefault(version, path)
    params = [
        pytest.param(path, id=".".join(map(str, version)))
        for version, path in sorted(found.items())
    ]
    minors = {f"{v[0]}.{v[1]}" for v in found}
    params += [
        pytest.param(
            None,
            id=f"{minor}-missing",
            marks=pytest.mark.skip(reason=f"no Python {minor} interpreter on this machine"),
        )
        for minor in SUPPORTED
        if minor not in minors
    ]
    return params


@pytest.mark.parametrize("python", _interpreters())
def test_headers_are_safe_and_keep_spaces_under_every_supported_python(python: str) -> None:
    cases = {
        "sender": SENDER,
        "recipients": RECIPIENTS,
        "subjects": [given for given, _ in HOSTILE],
        "fuzz": 400,
    }
    with SmtpStub() as smtp:
        done = subprocess.run(
            [python, str(ROOT / "tests/mailcheck.py"), mailmime.__file__, str(smtp.port)],
            input=json.dumps(cases), capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        received = [message for _, message in smtp.messages]
        raw = smtp.raw
    expected = [shown for _, shown in HOSTILE]
    # as that interpreter's own parser reads what it built
    assert [r["subject"] for r in report["results"]] == expected
    for result in report["results"]:
        assert result["headers"] == ["Subject", "From", "To", "MIME-Version", "Content-Type"]
        assert result["from"] == SENDER
        assert result["to"] == ", ".join(RECIPIENTS)
        assert result["ascii"] and result["longest_line"] <= 78
    # as the server received it, read by this one
    assert [str(m["Subject"]) for m in received] == expected
    assert all(set(m.keys()) == {*report["results"][0]["headers"]} for m in received)
    assert all(str(m["To"]) == ", ".join(RECIPIENTS) for m in received)
    assert all(data.isascii() for data in raw)
    assert report["fuzz_failures"] == []


def _round_trip(message: Any) -> Any:
    return message_from_bytes(message.as_bytes(policy=message.policy.clone(linesep="\r\n")),
                              policy=default)  # fmt: skip


@pytest.mark.parametrize(("given", "shown"), HOSTILE)
def test_clean_text_decodes_then_strips(given: str, shown: str) -> None:
    assert clean_text(given) == shown


def test_decode_words_follows_rfc_2047() -> None:
    assert decode_words("=?utf-8?q?a?= =?utf-8?q?b?=") == "ab"  # space between words goes
    assert decode_words("=?utf-8?q?a?= x =?utf-8?q?b?=") == "a x b"
    assert decode_words("=?ISO-8859-1*fr?Q?caf=E9?=") == "café"  # RFC 2231 language
    assert decode_words("=?utf-8?b?!!!?=") == "=?utf-8?b?!!!?="  # not base64: left alone
    assert decode_words("=?utf-8?q?=FF?=") == "\ufffd"


def test_clean_text_cuts_at_the_limit_after_decoding() -> None:
    assert clean_text("=?utf-8?q?" + "=C3=A9" * 50 + "?=", 10) == "ééééééééé…"
    assert clean_text("abcdef", 4) == "abc…"
    assert clean_text("ab  \r\n cd", 4) == "ab…"  # no space left before the ellipsis


@given(st.text(max_size=300))
def test_any_text_reads_back_as_cleaned(text: str) -> None:
    message = compose(subject=text, sender="a@b.example", recipients=["c@d.example"], text=text)
    back = _round_trip(message)
    assert str(back["Subject"]) == clean_text(text)
    assert set(back.keys()) == {"Subject", "From", "To", "MIME-Version", "Content-Type",
                                "Content-Transfer-Encoding"}  # fmt: skip


def test_headers_fold_at_spaces_only_and_never_past_78() -> None:
    header = text_header("Subject", " ".join(["word"] * 40))
    assert all(len(line) <= 76 for line in header.lines)
    assert " ".join(header.lines) == str(header)
    encoded = text_header("Subject", "é " * 60)
    assert all(line.startswith("=?utf-8?b?") for line in encoded.lines)
    assert max(len("Subject: " + encoded.lines[0]), *(len(" " + x) for x in encoded.lines)) <= 78


def test_addresses_are_quoted_or_encoded_and_bad_ones_refused() -> None:
    addresses = ['"Legal, Team" <l@example.com>', "Équipe <e@example.com>", "x@example.com"]
    header = address_header("To", addresses)
    assert str(header) == ", ".join(addresses)
    message = compose(subject="s", sender="m@example.com", recipients=addresses, text="t")
    assert str(_round_trip(message)["To"]) == str(header)
    for bad in ("not an address", "a@b\r\nBcc: c@d", "<a b@c>", ""):
        with pytest.raises(ValueError, match="not an email address"):
            address_header("To", [bad])


def test_message_ids_are_taken_only_when_well_formed() -> None:
    assert id_header("In-Reply-To", "<monitor.1@example.org>") == "<monitor.1@example.org>"
    for bad in ("<a b@c>", "<a@b>\r\nBcc: x", "a@b", "<<a@b>>"):
        assert id_header("In-Reply-To", bad) is None


def test_bodies_are_seven_bit_clean() -> None:
    message = compose(
        subject="s", sender="m@example.com", recipients=["r@example.com"],
        text="é日本🚨 " * 100 + "\ud800", html="<p>é</p>",
    )  # fmt: skip
    data = message.as_bytes()
    assert data.isascii()
    body = _round_trip(message).get_body(("plain",)).get_content()
    assert body.startswith("é日本🚨 é") and "\ufffd" in body
    assert mailmime.POLICY.cte_type == "7bit"
