"""Email headers and bodies built from hostile text, the same on every supported Python.

Feed text reaches the Subject; the email package's own header parsing and folding changed
between patch levels (an encoded CR/LF in feed text became a real header on 3.11.7 and
3.12.1; spaces at fold points were lost on 3.11 and 3.12). So this module never lets the
email package parse or fold a header that carries text: ``clean_text`` decodes any RFC 2047
encoded words, replaces control characters and lone surrogates and collapses spaces; the
header is then encoded and folded here (plain words when the text is printable ASCII, else
UTF-8 base64 encoded words that keep every space) and handed to the email package as a
finished header object, which it writes out unchanged. Bodies are 7-bit clean
(quoted-printable or base64), so no server needs 8BITMIME.

Standard library only, and no monitor imports: the tests run this module under every
interpreter they find (tests/mailcheck.py). Contains no business logic.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from collections.abc import Iterator, Sequence
from email.message import EmailMessage
from email.policy import Policy, default

MAX_LINE = 78  # RFC 5322's recommended limit; an encoded word is at most 75 (RFC 2047)
_WORD_MAX = 75
_PREFIX, _SUFFIX = "=?utf-8?b?", "?="
# Bodies: the email package picks quoted-printable or base64 for anything not 7-bit ASCII.
POLICY = default.clone(cte_type="7bit")

# Broader than any decoder we know of (no whitespace rules, any charset token), so that once
# nothing here matches, no reader will find an encoded word either.
_ENCODED_WORD = re.compile(r"=\?([^?]*)\?([bBqQ])\?([^?]*)\?=")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SPACES = re.compile(r" {2,}")
_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ \u0080-\U0010ffff]+")  # RFC 6532 atext
_DECODE_ROUNDS = 8
_SPEC = r"[^\s<>@\",;:()\[\]\\]+@[^\s<>@\",;:()\[\]\\]+"
_ADDRESS = re.compile(
    rf'(?P<bare>{_SPEC})|(?P<display>"(?:[^"\\]|\\.)*"|[^"<>]*?) ?<(?P<spec>{_SPEC})>'
)


def decode_words(text: str) -> str:
    """``text`` with its RFC 2047 encoded words decoded, again and again until none is left
    (or ``_DECODE_ROUNDS`` passes). Whitespace between two adjacent encoded words goes, as
    RFC 2047 says; a word that does not decode (unknown charset, bad base64) stays as it is."""
    for _ in range(_DECODE_ROUNDS):
        decoded = _decode_once(text)
        if decoded == text:
            break
        text = decoded
    return text


def _decode_once(text: str) -> str:
    pieces: list[str] = []
    cursor = 0
    previous_decoded = False
    for match in _ENCODED_WORD.finditer(text):
        gap = text[cursor : match.start()]
        word = _decode_word(*match.groups())
        if not (previous_decoded and word is not None and not gap.strip()):
            pieces.append(gap)
        pieces.append(match.group(0) if word is None else word)
        previous_decoded = word is not None
        cursor = match.end()
    pieces.append(text[cursor:])
    return "".join(pieces)


def _decode_word(charset: str, encoding: str, payload: str) -> str | None:
    try:
        codec = codecs.lookup(charset.partition("*")[0].strip() or "ascii").name
        if encoding in "bB":
            compact = "".join(payload.split())
            raw = base64.b64decode(compact + "=" * (-len(compact) % 4), validate=True)
        else:
            raw = binascii.a2b_qp(payload.encode("utf-8", "surrogatepass"), header=True)
        return raw.decode(codec, "replace")
    except (LookupError, ValueError, binascii.Error):
        return None


def clean_text(text: str, limit: int | None = None) -> str:
    """Text safe to put in a header: encoded words decoded (``decode_words``), control
    characters (C0, C1, U+2028, U+2029: every line break) and lone surrogates replaced,
    runs of spaces made one, ends trimmed; at most ``limit`` characters (cut with "…")."""
    flat = _CONTROL.sub(" ", _SURROGATE.sub("\ufffd", decode_words(text)))
    flat = _SPACES.sub(" ", flat).strip(" ")
    if limit is None or len(flat) <= limit:
        return flat
    return flat[: limit - 1].rstrip(" ") + "…"


class FoldedHeader(str):
    """A header value this module encoded and folded: its text is the decoded value; the
    email package stores it as it is (it has a ``name``) and writes ``fold`` (our lines)
    instead of parsing and refolding it."""

    name: str
    lines: tuple[str, ...]

    def __new__(cls, name: str, text: str, lines: Sequence[str]) -> FoldedHeader:
        header = super().__new__(cls, text)
        header.name = name
        header.lines = tuple(lines)
        return header

    def __getnewargs__(self) -> tuple[str, str, tuple[str, ...]]:  # type: ignore[override]
        return (self.name, str(self), self.lines)  # copies and pickles keep the lines

    def fold(self, *, policy: Policy) -> str:
        """The header as written: ``Name: line`` and continuation lines, ``policy``'s line
        ends."""
        return f"{self.name}: " + (policy.linesep + " ").join(self.lines) + policy.linesep


def text_header(name: str, text: str, limit: int | None = None) -> FoldedHeader:
    """An unstructured header (Subject) holding ``clean_text(text, limit)`` exactly as a
    reader will decode it, spaces included."""
    clean = clean_text(text, limit)
    return FoldedHeader(name, clean, _fold(name, _text_tokens(name, clean)))


def address_header(name: str, addresses: Sequence[str]) -> FoldedHeader:
    """An address-list header (From, To) of ``Display Name <addr>`` or bare ``addr`` items;
    display names are quoted or encoded as needed. Raises ValueError naming an item that
    is not an email address."""
    tokens: list[str] = []
    shown: list[str] = []
    for i, item in enumerate(addresses):
        display, spec = _address(item)
        comma = "," if i < len(addresses) - 1 else ""
        tokens += [*_display_tokens(name, display), f"<{spec}>{comma}" if display else spec + comma]
        shown.append(f"{_phrase(display)} <{spec}>" if display else spec)
    return FoldedHeader(name, ", ".join(shown), _fold(name, tokens))


def id_header(name: str, message_id: str) -> FoldedHeader | None:
    """A Message-ID style header (In-Reply-To, References) for ``<id@domain>``; None when
    the value is not one."""
    if re.fullmatch(r"<[\x21-\x3b\x3d\x3f-\x7e]{1,900}>", message_id) is None:
        return None
    return FoldedHeader(name, message_id, [message_id])


def _address(item: str) -> tuple[str, str]:
    """(display name, addr-spec) of ``addr`` or ``Display Name <addr>`` (quoted or not)."""
    clean = clean_text(item)
    found = _ADDRESS.fullmatch(clean)
    if found is None:
        raise ValueError(f"not an email address: {clean_text(item, 100)!r}")
    display, spec = found.group("display") or "", found.group("spec") or found.group("bare")
    if display.startswith('"'):
        display = re.sub(r"\\(.)", r"\1", display[1:-1])
    return clean_text(display), spec


def _display_tokens(name: str, display: str) -> list[str]:
    """A display name as atoms, one quoted string, or encoded words (not ASCII)."""
    if not display:
        return []
    if display.isascii() and display.isprintable() and "=?" not in display:
        phrase = _phrase(display)
        return phrase.split() if phrase == display else [phrase]
    return list(_encoded_words(display, _word_size(name)))


def _phrase(display: str) -> str:
    """``display`` as it reads in an address: bare when it is only atoms, else quoted."""
    if _ATOM.fullmatch(display):
        return display
    return '"' + display.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text_tokens(name: str, text: str) -> list[str]:
    """Plain words when a reader cannot misread them (printable ASCII, single spaces, no
    encoded-word opener, every word fits a line), else encoded words."""
    words = text.split(" ")
    first_room = MAX_LINE - len(name) - 2
    plain = (
        text.isascii()
        and text.isprintable()
        and "=?" not in text
        and all(words)
        and len(words[0]) <= first_room
        and all(len(w) < MAX_LINE for w in words)
    )
    if plain or not text:
        return words
    return list(_encoded_words(text, _word_size(name)))


def _word_size(name: str) -> int:
    """Encoded words as long as fit on the header's first line (so also on the others)."""
    return max(len(_PREFIX) + len(_SUFFIX) + 8, min(_WORD_MAX, MAX_LINE - len(name) - 2))


def _encoded_words(text: str, size: int) -> Iterator[str]:
    """``text`` as UTF-8 base64 encoded words of at most ``size`` characters, split between
    characters (never inside one), so spaces travel inside the words and survive folding."""
    room = (size - len(_PREFIX) - len(_SUFFIX)) // 4 * 3  # bytes per word
    chunk = b""
    for char in text:
        data = char.encode("utf-8", "surrogatepass")
        if chunk and len(chunk) + len(data) > room:
            yield _PREFIX + base64.b64encode(chunk).decode("ascii") + _SUFFIX
            chunk = b""
        chunk += data
    if chunk:
        yield _PREFIX + base64.b64encode(chunk).decode("ascii") + _SUFFIX


def _fold(name: str, tokens: Sequence[str]) -> list[str]:
    """Tokens joined by single spaces, broken into lines of at most ``MAX_LINE`` (the first
    counting ``Name: ``) at those spaces only; a token is never split."""
    lines = [tokens[0] if tokens else ""]
    width = len(name) + 2 + len(lines[0])
    for token in tokens[1:]:
        if width + 1 + len(token) <= MAX_LINE:
            lines[-1] += " " + token
            width += 1 + len(token)
        else:
            lines.append(token)
            width = 1 + len(token)
    return lines


def compose(
    *,
    subject: str,
    sender: str,
    recipients: Sequence[str],
    text: str,
    html: str | None = None,
    headers: Sequence[tuple[str, str]] = (),
    subject_limit: int | None = None,
) -> EmailMessage:
    """A message with safe Subject, From and To (see the module docstring), ``headers``
    (name, value) added as given (the caller's own ASCII values: Date, Message-ID…), and a
    plain-text body with an optional HTML alternative, both 7-bit clean (a lone surrogate
    in them becomes U+FFFD, as in headers). Raises ValueError
    for a sender or recipient that is not an email address."""
    message = EmailMessage(policy=POLICY)
    message["Subject"] = text_header("Subject", subject, subject_limit)
    message["From"] = address_header("From", [sender])
    message["To"] = address_header("To", recipients)
    for name, value in headers:
        message[name] = value
    message.set_content(_SURROGATE.sub("\ufffd", text))
    if html is not None:
        message.add_alternative(_SURROGATE.sub("\ufffd", html), subtype="html")
    return message
