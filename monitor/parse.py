"""Feed bodies to normalized entries: a reader on bytes, then plain-text normalization.

``parse_feed`` turns the bytes a fetch returned into a ``ParsedFeed`` of ``Entry`` values:
plain-text titles and summaries, absolute http(s) links, UTC datetimes and capped field sizes,
so that nothing downstream has to distrust feed text again. The body is read by the fast
reader (``monitor.feedxml``) when it takes it, else by feedparser (the reference: both give
the same item dicts, which is what ``read_raw_feed`` returns to the docket reader too).

It does not fetch (feedparser only ever sees a ``BytesIO`` of bytes we already hold, never a
URL, path or str), does not sanitize HTML for display (the output is plain text; escaping for a
channel belongs to that channel's renderer), does not read court dockets, and holds no state:
``parse_feed`` is a top-level function whose arguments and result pickle, so the service can
run it in a process pool.
"""

from __future__ import annotations

import html
import io
import re
import time
import xml.sax
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from monitor.entry import Entry, ParsedFeed
from monitor.errors import ParseError
from monitor.feedxml import Declined, read_xml_feed

MAX_ENTRIES = 1_000
MAX_TITLE = 1_000
MAX_SUMMARY = 20_000
MAX_ID = 2_000  # guid and link
MAX_AUTHORS = 20
MAX_AUTHOR = 200
MAX_REASON = 200
# HTML is cut before stripping so a hostile multi-megabyte summary costs little; markup rarely
# outweighs text tenfold, and the text is cut to its own cap afterwards anyway.
RAW_HTML_FACTOR = 10
# Years outside this range are placeholders (0001, 9999) or garbage: treated as absent.
MIN_YEAR = 1900
MAX_YEAR = 2100

_WHITESPACE = re.compile(r"\s+")
# Control characters, and surrogates that no encoder accepts (a database write would fail).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I | re.S)
# A start or end tag whose attributes hold no quote, '<' or '>' surprises (see html_to_text).
_SIMPLE_TAG = re.compile(
    r"""<(/?)([a-zA-Z][^\t\n\r\f />\x00<"']*)(?:[^<>"']|"[^<>"]*"|'[^<>']*')*>"""
)  # the name stops where html.parser's does
_NOT_SIMPLE = re.compile(r"<(?:[!?]|/?(?:script|style)\b)", re.I)
_DROPPED_TAGS = frozenset({"script", "style"})
# Tags whose boundaries separate words: "a</p><p>b" must read "a b", not "ab".
_BREAK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt",
        "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "img", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td",
        "th", "tr", "ul",
    }
)  # fmt: skip


def parse_feed(body: bytes, headers: Mapping[str, str], url: str) -> ParsedFeed:
    """Parse one fetched feed body into normalized entries.

    ``headers`` are the HTTP response headers (any key case); the charset in Content-Type
    takes part in decoding as RFC 3023 says. ``url`` is the feed's final URL, the base for
    relative links. At most ``MAX_ENTRIES`` entries are kept: the newest (see
    ``read_raw_feed``), in document order; ``dropped`` counts the others.

    Returns a ``ParsedFeed`` whose ``bozo`` is a short reason when the XML was malformed but
    still yielded a feed. Raises ``ParseError`` when the body is not a feed at all (no
    RSS/Atom/RDF version and no entries): an HTML page, an empty body, broken XML.
    """
    return normalize_feed(read_raw_feed(body, headers), url)


def normalize_feed(raw: RawFeed, url: str) -> ParsedFeed:
    """Normalize a ``RawFeed`` (from either reader) into entries; ``url`` is the base for
    relative links."""
    return ParsedFeed(
        title=_text_field(raw.channel, "title", MAX_TITLE),
        entries=tuple(_normalize_entry(item, url) for item in raw.entries),
        bozo=raw.bozo,
        build_date=utc_datetime(raw.channel.get("updated_parsed")),
        dropped=raw.dropped,
    )


def cap_warning(feed: ParsedFeed) -> str | None:
    """What to tell people when a feed had more items than are read per poll."""
    if not feed.dropped:
        return None
    return (
        f"the feed has {MAX_ENTRIES + feed.dropped} items, more than the {MAX_ENTRIES} "
        f"read per poll: the {feed.dropped} oldest were skipped"
    )


@dataclass(frozen=True)
class RawFeed:
    """A body's channel and item dicts (feedparser's shape), capped."""

    channel: dict[str, Any]
    entries: list[dict[str, Any]]  # at most MAX_ENTRIES: the newest, in document order
    dropped: int  # items beyond the cap
    bozo: str | None  # why the XML was malformed, when it was but still read
    fast: bool = False  # read by monitor.feedxml (else by feedparser)


class FeedparserNeeded(Exception):
    """Raised by ``read_raw_feed`` under ``fast_reader_only`` for a body that the fast reader
    declined: the caller hands it to a worker process, where feedparser runs under the CPU
    budget (feedparser's cost on a hostile body is not bounded by its size)."""


_FAST_ONLY: ContextVar[bool] = ContextVar("fast_only", default=False)


@contextmanager
def fast_reader_only() -> Iterator[None]:
    """Within this block (this thread or task), ``read_raw_feed`` never runs feedparser: it
    raises ``FeedparserNeeded`` instead."""
    token = _FAST_ONLY.set(True)
    try:
        yield
    finally:
        _FAST_ONLY.reset(token)


def read_raw_feed(body: bytes, headers: Mapping[str, str]) -> RawFeed:
    """Read ``body`` (never a URL or path) and keep the newest items: on the fast path
    (``monitor.feedxml``) when it takes the body, else with feedparser, which reads it the
    same way (see ``read_with_feedparser``).

    Character references to code points that cannot exist in text (surrogates, beyond
    U+10FFFF, NUL) become U+FFFD first: feedparser's fallback parser crashes on them.
    """
    body = _replace_bad_char_refs(body)
    fast = read_xml_feed(body, headers)
    if isinstance(fast, Declined):
        if _FAST_ONLY.get():
            raise FeedparserNeeded(fast.reason)
        return read_with_feedparser(body, headers)
    kept = newest_items(fast.entries, MAX_ENTRIES)
    return RawFeed(fast.channel, [dict(i) for i in kept], len(fast.entries) - len(kept), None, True)


def read_with_feedparser(body: bytes, headers: Mapping[str, str]) -> RawFeed:
    """Run feedparser on ``body`` and keep the newest items. Any failure inside feedparser
    is a ParseError, as is a body that is not a feed."""
    body = _replace_bad_char_refs(body)
    try:
        result = feedparser.parse(
            io.BytesIO(body),
            response_headers={key.lower(): value for key, value in headers.items()},
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as exc:  # feedparser's own bugs on hostile input: one failed feed
        raise ParseError(
            f"feed could not be parsed: {type(exc).__name__}: {exc}"[:MAX_REASON]
        ) from exc
    items = result.get("entries") or []
    if not result.get("version") and not items:
        raise ParseError(not_a_feed_reason(body, headers, result.get("bozo_exception")))
    kept = newest_items(items, MAX_ENTRIES)
    return RawFeed(
        # Plain dicts: FeedParserDict.get maps absent keys to aliases (updated -> published).
        channel=dict(result.get("feed") or {}),
        entries=[dict(item) for item in kept],
        dropped=len(items) - len(kept),
        bozo=bozo_reason(result.get("bozo_exception")) if result.get("bozo") else None,
    )


def newest_items(items: Sequence[Mapping[str, Any]], cap: int) -> list[Mapping[str, Any]]:
    """The ``cap`` newest of ``items``, in their document order. Newest by published (else
    updated) date when most items carry one, undated items last; else the first ``cap``
    (feeds list newest first by convention)."""
    if len(items) <= cap:
        return list(items)
    dates = [_item_date(item) for item in items]
    if sum(d is not None for d in dates) * 2 < len(items):
        return list(items[:cap])
    ranked = sorted(range(len(items)), key=lambda i: (dates[i] is None, _desc(dates[i]), i))
    return [items[i] for i in sorted(ranked[:cap])]


def _item_date(item: Mapping[str, Any]) -> tuple[int, ...] | None:
    value = item.get("published_parsed") or item.get("updated_parsed")
    return tuple(value[:6]) if isinstance(value, time.struct_time) else None


def _desc(date: tuple[int, ...] | None) -> tuple[int, ...]:
    return tuple(-part for part in date) if date else ()


_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


def _replace_bad_char_refs(body: bytes) -> bytes:
    if b"&#" not in body:
        return body
    return _CHAR_REF.sub(_char_ref, body)


def _char_ref(m: re.Match[bytes]) -> bytes:
    code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
    valid = 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF
    return m.group(0) if valid else b"&#xFFFD;"


def _normalize_entry(raw: Mapping[str, Any], base_url: str) -> Entry:
    title, publisher = headline_and_publisher(raw, _text_field(raw, "title", MAX_TITLE), base_url)
    return Entry(
        guid=_guid(raw.get("id")),
        link=absolute_link(raw.get("link"), base_url),
        title=title,
        summary=_summary(raw),
        published=utc_datetime(raw.get("published_parsed")),
        updated=utc_datetime(raw.get("updated_parsed")),
        authors=_authors(raw),
        extra={"publisher": publisher} if publisher else {},
    )


# --- publisher -------------------------------------------------------------------------------

MAX_PUBLISHER = 200
_TITLE_SUFFIX = re.compile(r"\s+[-–—|]\s+([^-–—|]{1,80})$")
_SEARCH_FEED_HOST = re.compile(r"(?:^|\.)(?:news\.google\.[a-z.]+|bing\.com)$")


def headline_and_publisher(
    raw: Mapping[str, Any], title: str, feed_url: str
) -> tuple[str, str | None]:
    """The item's headline and the outlet that published it (None when the item names none).

    The publisher is the item's RSS ``<source>``, else ``dc:publisher``, else Bing News'
    ``News:Source``; an item of a search feed (Google News, Bing News: ``feed_url``'s host)
    that names none names it in its title's " - Publisher" suffix (five words at most). A
    title suffix that is the publisher is not part of the headline and is removed, as long as
    three words or more remain."""
    publisher = _named_publisher(raw)
    suffix = _TITLE_SUFFIX.search(title)
    if suffix is None:
        return title, publisher
    head, tail = title[: suffix.start()].rstrip(), suffix.group(1).strip()
    if len(head.split()) < 3:
        return title, publisher
    if publisher is None and _is_search_feed(feed_url) and len(tail.split()) <= 5:
        publisher = tail
    if publisher is not None and " ".join(tail.split()).casefold() == publisher.casefold():
        return head, publisher
    return title, publisher


def _named_publisher(raw: Mapping[str, Any]) -> str | None:
    source = raw.get("source")
    detail = raw.get("publisher_detail")
    for value in (
        source.get("title") if isinstance(source, Mapping) else None,
        raw.get("publisher"),
        detail.get("name") if isinstance(detail, Mapping) else None,
        raw.get("news_source"),
    ):
        if isinstance(value, str):
            name = plain_text(value, is_html=False, cap=MAX_PUBLISHER)
            if name:
                return name
    return None


def _is_search_feed(feed_url: str) -> bool:
    try:
        host = urlsplit(feed_url).hostname or ""
    except ValueError:
        return False
    return bool(_SEARCH_FEED_HOST.search(host))


# --- text ------------------------------------------------------------------------------------


class _TextExtractor(HTMLParser):
    """Collects the text of an HTML fragment; entities decoded once by ``convert_charrefs``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED_TAGS:
            self._dropping += 1
        elif tag in _BREAK_TAGS:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAK_TAGS:  # <br/>; a self-closed <script/> has no content to drop
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED_TAGS:
            self._dropping = max(0, self._dropping - 1)
        elif tag in _BREAK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._dropping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Return the text of an HTML fragment: tags and script/style content dropped, entities
    decoded exactly once. Whitespace is not collapsed here.

    Fragments made only of simple tags (the common case) are stripped with one regex pass,
    which is several times faster than ``html.parser``; anything else (comments, script,
    style, a stray '<', quotes or brackets in attributes, NUL) goes through ``html.parser``. Both
    paths give the same text; tests/test_parse.py checks it with Hypothesis.
    """
    if "<" not in markup:
        return html.unescape(markup) if "&" in markup else markup
    if "\x00" not in markup and not _NOT_SIMPLE.search(markup):
        gapped = _SIMPLE_TAG.sub(_tag_gap, markup)
        if "<" not in gapped:  # every '<' opened a simple tag
            return "".join(html.unescape(part) for part in gapped.split("\x00"))
    return html_parser_text(markup)


def _tag_gap(match: re.Match[str]) -> str:
    # NUL marks where the parser would end a data chunk (entities never span tags there).
    return "\x00 " if match.group(2).lower() in _BREAK_TAGS else "\x00"


def html_parser_text(markup: str) -> str:
    """``html_to_text`` through ``html.parser`` only (the reference for the fast path)."""
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    return "".join(extractor.parts)


def plain_text(value: str, *, is_html: bool, cap: int) -> str:
    """Normalize one feed text value: HTML to text when ``is_html``, control characters
    removed, whitespace collapsed, cut to ``cap`` characters."""
    if is_html:
        value = html_to_text(_cut_markup(value, cap * RAW_HTML_FACTOR))
    if value.isprintable() and "  " not in value:  # fast path: nothing to clean
        return value.strip()[:cap].rstrip()
    value = _CONTROL.sub("", value)
    return _WHITESPACE.sub(" ", value).strip()[:cap].rstrip()


def _cut_markup(markup: str, limit: int) -> str:
    if len(markup) <= limit:
        return markup
    cut = markup[:limit]
    open_at = cut.rfind("<")
    return cut[:open_at] if open_at > cut.rfind(">") else cut  # no half tag left as text


def _text_field(raw: Mapping[str, Any], key: str, cap: int) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value:
        return ""
    detail = raw.get(f"{key}_detail") or {}
    return plain_text(value, is_html=_is_html(detail.get("type")), cap=cap)


def _summary(raw: Mapping[str, Any]) -> str:
    if raw.get("summary"):
        return _text_field(raw, "summary", MAX_SUMMARY)
    for content in raw.get("content") or ():
        value = content.get("value")
        if isinstance(value, str) and value:
            return plain_text(value, is_html=_is_html(content.get("type")), cap=MAX_SUMMARY)
    return ""


def _is_html(content_type: object) -> bool:
    # feedparser types every text construct; RSS text it guesses to be HTML says text/html.
    return not isinstance(content_type, str) or "html" in content_type


def _authors(raw: Mapping[str, Any]) -> tuple[str, ...]:
    names: list[str] = []
    for author in (raw.get("authors") or ())[: MAX_AUTHORS * 2]:
        value = (author.get("name") or author.get("email")) if isinstance(author, dict) else None
        name = plain_text(value, is_html=False, cap=MAX_AUTHOR) if isinstance(value, str) else ""
        if name and name not in names:
            names.append(name)
    if not names and isinstance(raw.get("author"), str):
        names.append(plain_text(raw["author"], is_html=False, cap=MAX_AUTHOR))
    return tuple(name for name in names[:MAX_AUTHORS] if name)


# --- identifiers, links, dates --------------------------------------------------------------


def _guid(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    guid = _CONTROL.sub("", value).strip()[:MAX_ID].rstrip()
    return guid or None


def absolute_link(value: object, base_url: str) -> str | None:
    """Resolve ``value`` against ``base_url``; None unless an http(s) URL with a host that
    fits ``MAX_ID`` (a cut URL would point elsewhere, so long ones are dropped, not cut)."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        link = urljoin(base_url, _CONTROL.sub("", value).strip().replace(" ", "%20"))
        parts = urlsplit(link)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or len(link) > MAX_ID:
        return None
    return link


def utc_datetime(value: object) -> datetime | None:
    """feedparser's *_parsed struct_time (already UTC) as an aware datetime, or None."""
    if not isinstance(value, time.struct_time) or not MIN_YEAR <= value.tm_year <= MAX_YEAR:
        return None
    try:
        return datetime(*value[:5], min(value.tm_sec, 59), tzinfo=UTC)
    except ValueError:
        return None


# --- failures --------------------------------------------------------------------------------


def bozo_reason(exc: object) -> str | None:
    """A short reason for a malformed-but-read feed; None for encoding/media-type notes,
    which feedparser flags although the document was read fine."""
    if isinstance(exc, feedparser.ThingsNobodyCaresAboutButMe) and not isinstance(
        exc, feedparser.CharacterEncodingUnknown
    ):
        return None
    if isinstance(exc, xml.sax.SAXParseException):
        return f"line {exc.getLineNumber()}: {exc.getMessage()}"[:MAX_REASON]
    return (str(exc) or type(exc).__name__)[:MAX_REASON] if exc is not None else None


def not_a_feed_reason(body: bytes, headers: Mapping[str, str], exc: object) -> str:
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    head = body[:2048].lstrip(b"\xef\xbb\xbf")
    if not head.strip():
        return "not a feed: empty body"
    if _HTML_START.match(head) or content_type.lower().startswith("text/html"):
        return "not a feed: HTML page"
    if isinstance(exc, xml.sax.SAXParseException):
        line, column = exc.getLineNumber(), exc.getColumnNumber()
        return f"not a feed: XML error at line {line}, column {column}: {exc.getMessage()}"
    return "not a feed: no RSS, Atom or RDF document found"
