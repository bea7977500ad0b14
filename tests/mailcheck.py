"""Runs monitor's email header building under whatever interpreter runs this script.

    python3.12 tests/mailcheck.py monitor/notify/mailmime.py PORT < cases.json

Standard library only (it runs under interpreters that have none of monitor's
dependencies): loads ``mailmime`` from its file, builds one message per case of the JSON on
standard input (``{"sender", "recipients", "subjects", "fuzz"}``) and sends it with
``smtplib`` to 127.0.0.1:PORT (PORT 0: send nothing). It also reads each message back with
this interpreter's own parser, and round-trips ``fuzz`` random subjects (fixed seed) the
same way. Prints one JSON object: this interpreter's version, what it read back of each
case, and the fuzzed subjects that did not come back as ``clean_text`` made them.
"""

from __future__ import annotations

import importlib.util
import io
import json
import random
import smtplib
import sys
from email import message_from_bytes
from email.generator import BytesGenerator
from email.policy import default
from typing import Any

ALPHABET = (
    "abcxyzABC     0129.,:;?=_-*'\"()<>@\\/"
    "éüßçÀŒ€—…«»"
    "日本語クリアビュー罰金\u3000"
    "🚨👀🎉\u00a0\u200b\t\r\n\x00\u2028\u0085"
)


def load(path: str) -> Any:
    spec = importlib.util.spec_from_file_location("mailmime", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def serialize(message: Any) -> bytes:
    """The bytes smtplib sends for ``message`` (its generator, CRLF line ends)."""
    buffer = io.BytesIO()
    BytesGenerator(buffer).flatten(message, linesep="\r\n")
    return buffer.getvalue()


def read_back(raw: bytes) -> dict[str, Any]:
    message = message_from_bytes(raw, policy=default)
    head = raw.split(b"\r\n\r\n", 1)[0]
    return {
        "subject": str(message["Subject"]),
        "from": str(message["From"]),
        "to": str(message["To"]),
        "headers": list(message.keys()),
        "ascii": raw.isascii(),
        "longest_line": max(len(line) for line in raw.split(b"\r\n")),
        "header_lines": [line.decode("ascii", "replace") for line in head.split(b"\r\n")],
    }


def fuzz(mime: Any, count: int) -> list[dict[str, str]]:
    rng = random.Random(20261130)
    failures = []
    for _ in range(count):
        words = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 30)))]
        words += ["=?utf-8?q?=0D=0AX:_y?="] if rng.random() < 0.1 else []
        title = " ".join(words * rng.randint(1, 4))
        message = mime.compose(subject=title, sender="a@b.example", recipients=["c@d.example"],
                               text=title)  # fmt: skip
        back = str(message_from_bytes(serialize(message), policy=default)["Subject"])
        expected = mime.clean_text(title)
        if back != expected:
            failures.append({"title": title, "expected": expected, "got": back})
    return failures


def main() -> None:
    mime = load(sys.argv[1])
    port = int(sys.argv[2])
    cases = json.load(sys.stdin)
    results = []
    for subject in cases["subjects"]:
        message = mime.compose(subject=subject, sender=cases["sender"],
                               recipients=cases["recipients"], text=f"{subject}\n",
                               html=f"<p>{subject}</p>")  # fmt: skip
        if port:
            with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
                smtp.send_message(message, cases["sender"], cases["recipients"])
        results.append(read_back(serialize(message)))
    version = ".".join(str(part) for part in sys.version_info[:3])
    failures = fuzz(mime, cases["fuzz"])
    json.dump({"version": version, "results": results, "fuzz_failures": failures}, sys.stdout)


if __name__ == "__main__":
    main()
