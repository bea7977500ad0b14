"""The items of the fast reader (``monitor.feedxml``): feedparser's rules for one entry.

``read_item`` walks an item's children in document order and does what feedparser 6's parser
does for the keys monitor reads (which title or summary wins, a permalink GUID as the link,
content copied to the summary, authors and their e-mail addresses, enclosures, HTML guessed
in RSS text), raising ``Decline`` for anything it does not reproduce exactly. Also the text
repairs feedparser applies to every value, and its date parsing with a fast path for the
two common forms (RFC 822 and W3C/ISO 8601 in UTC or with an offset), checked against
feedparser's own by tests/test_feedxml.py.
"""

from __future__ import annotations

import calendar
import contextlib
import re
import time
from collections.abc import Callable
from typing import Any, Protocol

from feedparser.datetimes import _parse_date
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.urls import _urljoin
from lxml import etree

Item = dict[str, Any]


class Decline(Exception):
    """The fast reader will not read this body (the message says why)."""


_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
)}  # fmt: skip
_RFC822 = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d\d) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r" (\d{4}) (\d\d):(\d\d):(\d\d) (?:GMT|UTC|([+-])(\d\d)(\d\d))"
)
_ISO = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:Z|([+-])(\d\d):(\d\d))")


def parse_date(value: str) -> time.struct_time | None:
    """feedparser's ``_parse_date``, computed directly for the two common forms
    (``Tue, 24 Nov 2026 10:00:00 GMT`` or ``+0100``; ``2026-11-24T10:00:00Z`` or
    ``+01:00``), which its handlers read as UTC wall time minus the offset."""
    m = _RFC822.fullmatch(value)
    if m is not None:
        day, month, year, hh, mm, ss, sign, oh, om = m.groups()
        fields = (int(year), _MONTHS[month], int(day), int(hh), int(mm), int(ss))
    else:
        m = _ISO.fullmatch(value)
        if m is None:
            return _parse_date(value)  # type: ignore[no-any-return]
        year, month_s, day, hh, mm, ss, sign, oh, om = m.groups()
        fields = (int(year), int(month_s), int(day), int(hh), int(mm), int(ss))
    if not (1 <= fields[1] <= 12 and 1 <= fields[2] <= 28 and fields[3] < 24
            and fields[4] < 60 and fields[5] < 60 and 1900 <= fields[0] <= 2100):  # fmt: skip
        return _parse_date(value)  # type: ignore[no-any-return]  # edge days: feedparser's way
    offset = (int(oh) * 60 + int(om)) * (-1 if sign == "-" else 1) if sign else 0
    return time.gmtime(calendar.timegm((*fields, 0, 0, 0)) - offset * 60)


def join_uri(uri: str) -> str:
    """feedparser's ``_urljoin('', uri)`` (its base URI is empty: we never give it one),
    which only removes extra slashes after ``scheme://``."""
    at = uri.find("://")
    if at < 0 or not uri.startswith("/", at + 3):
        return uri
    return _urljoin("", uri)  # type: ignore[no-any-return]


class Names(Protocol):
    def name(self, el: etree._Element) -> str:
        """feedparser's method name suffix for ``el`` (``title``, ``dc_creator``…)."""
        ...


_HTML_TYPES = frozenset({"application/xhtml+xml", "text/html"})

_COPIED_TO_SUMMARY = _HTML_TYPES | {"text/plain"}

TITLE = frozenset({"title", "dc_title"})

_PUBLISHED = frozenset({"published", "pubdate", "issued", "dcterms_issued"})

UPDATED = frozenset({"updated", "modified", "lastbuilddate", "dc_date", "dcterms_modified"})

_AUTHOR = frozenset({"author", "dc_author", "dc_creator", "itunes_author", "managingeditor"})

_AUTHOR_PARTS = {"name": "name", "email": "email", "uri": "href", "url": "href"}

_AUTHOR_PARTS_OK = frozenset({*_AUTHOR_PARTS, "homepage"})

_EMAIL = re.compile(
    r"""(([a-zA-Z0-9\_\-\.\+]+)@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([a-zA-Z0-9\-]+\.)+))([a-zA-Z]{2,4}|[0-9]{1,3})(\]?))(\?subject=\S+)?"""
)  # feedparser's, in _sync_author_detail
_ENTITY_LIKE = re.compile("&([A-Za-z0-9_]+);")


class ItemState:
    """What feedparser's parser state would hold while reading one item."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.entry: Item = {}
        self.has_content = False
        self.seen: set[str] = set()

    def once(self, what: str) -> None:
        if what in self.seen:
            raise Decline(f"several {what} elements in an item")
        self.seen.add(what)


def _title(state: ItemState, el: etree._Element, doc: Names) -> None:
    state.once("title")
    value, kind = text_construct(el, "text/plain", state.version)
    state.entry["title"], state.entry["title_detail"] = value, {"type": kind}


def _link(state: ItemState, el: etree._Element, doc: Names) -> None:
    attrs = _attrs(el)
    attrs.setdefault("rel", "alternate")
    attrs.setdefault("type", "application/atom+xml" if attrs["rel"] == "self" else "text/html")
    attrs = _enforce_href(attrs)
    entry = state.entry
    links = entry.setdefault("links", [])
    if "href" in attrs:
        if len(el):
            raise Decline("markup inside a link")
        attrs["href"] = join_uri(attrs["href"])
        links.append(attrs)
        if attrs["rel"] == "alternate" and _map_type(attrs["type"]) in _HTML_TYPES:
            entry["link"] = attrs["href"]
        return
    state.once("text link")
    links.append(attrs)
    value = _raw_text(el)
    value = _fix_text(join_uri(value) if value else value)
    if "&" in value:
        value = _ENTITY_LIKE.sub(r"&\g<1>", value.replace("&amp;", "&"))
    entry["link"] = value
    if value:
        links[-1]["href"] = value


def _guid(state: ItemState, el: etree._Element, doc: Names) -> None:
    state.once("guid")
    is_link = _attrs(el).get("ispermalink", "true") == "true"
    value = _raw_text(el)
    if value and is_link:
        value = join_uri(value)
    value = _fix_text(value)
    entry = state.entry
    entry["id"] = value
    entry.setdefault("guidislink", is_link and "link" not in entry)
    if is_link:
        entry.setdefault("link", value)


def _description(state: ItemState, el: etree._Element, doc: Names) -> None:
    if "summary" in state.entry and not state.has_content:
        _content_element(state, el, "text/plain")
        return
    _summary_value(state, el, "text/html")


def _summary(state: ItemState, el: etree._Element, doc: Names) -> None:
    if "summary" in state.entry and not state.has_content:
        _content_element(state, el, "text/plain")
        return
    _summary_value(state, el, "text/plain")


def _summary_value(state: ItemState, el: etree._Element, default_type: str) -> None:
    value, kind = text_construct(el, default_type, state.version)
    state.entry["summary"], state.entry["summary_detail"] = value, {"type": kind}


def _atom_content(state: ItemState, el: etree._Element, doc: Names) -> None:
    if el.get("src") is not None:
        raise Decline("out-of-line content")
    _content_element(state, el, "text/plain")


def _encoded(state: ItemState, el: etree._Element, doc: Names) -> None:
    _content_element(state, el, "text/html")


def _content_element(state: ItemState, el: etree._Element, default_type: str) -> None:
    """feedparser's _start_content/_end_content: appended to ``content``, and copied to
    ``summary`` when there is none yet (without a summary type)."""
    state.has_content = True
    declared = _map_type(_attrs(el).get("type", default_type))
    value, kind = text_construct(el, default_type, state.version)
    state.entry.setdefault("content", []).append({"type": kind, "value": value})
    if declared in _COPIED_TO_SUMMARY:
        state.entry.setdefault("summary", value)


def _published(state: ItemState, el: etree._Element, doc: Names) -> None:
    state.once("published")
    value = text_of(el)
    state.entry["published"] = value
    state.entry["published_parsed"] = parse_date(value)


def _updated(state: ItemState, el: etree._Element, doc: Names) -> None:
    state.once("updated")
    value = text_of(el)
    state.entry["updated"] = value
    state.entry["updated_parsed"] = parse_date(value)


def _author(state: ItemState, el: etree._Element, doc: Names) -> None:
    """feedparser's _start_author … _end_author, with name/email/uri children."""
    entry = state.entry
    entry.setdefault("authors", []).append({})
    for part in el:
        name = doc.name(part)
        if name == "#comment" or name not in _AUTHOR_PARTS_OK:
            raise Decline(f"element {name} in an author")
        if len(part):
            raise Decline("markup in an author's name")
        key = _AUTHOR_PARTS.get(name, "href")
        value = (part.text or "").strip() if key != "href" else _fix_text(_raw_text(part))
        entry.setdefault("author_detail", {})[key] = value
        _sync_author(entry)
        entry["authors"][-1][key] = value
    entry["author"] = _fix_text((el.text or "").strip() if not len(el) else _tails(el))
    _sync_author(entry)


def _sync_author(entry: Item) -> None:
    """feedparser's _sync_author_detail('author'), on the keys we read."""
    detail = entry.get("authors", [{}])[-1]
    if detail:
        name, email = detail.get("name"), detail.get("email")
        if name and email:
            entry["author"] = f"{name} ({email})"
        elif name:
            entry["author"] = name
        elif email:
            entry["author"] = email
        return
    author, email = entry.get("author"), None
    if not author:
        return
    m = _EMAIL.search(author)
    if m:
        email = m.group(0)
        author = author.replace(email, "").replace("()", "").replace("<>", "")
        author = author.replace("&lt;&gt;", "").strip()
        if author and author[0] == "(":
            author = author[1:]
        if author and author[-1] == ")":
            author = author[:-1]
        author = author.strip()
    if author:
        detail["name"] = author
    if email:
        detail["email"] = email


def _enclosure(state: ItemState, el: etree._Element, doc: Names) -> None:
    if len(el):
        raise Decline("markup inside an enclosure")
    attrs = _enforce_href(_attrs(el))
    attrs["rel"] = "enclosure"
    state.entry.setdefault("links", []).append(attrs)


def _source(state: ItemState, el: etree._Element, doc: Names) -> None:
    """RSS ``<source url="…">Reuters</source>``: feedparser's ``entry["source"]``. An Atom
    source (the original feed's own metadata inside) goes to feedparser."""
    state.once("source")
    for sub in el.iterdescendants():
        name = doc.name(sub)
        if name in TITLE or name in ("item", "entry"):  # the source's title: its publisher
            raise Decline(f"element {name} inside a source")
    if len(el):  # an Atom source without a title: nothing of it that we read
        state.entry["source"] = {}
        return
    attrs = _attrs(el)
    source = {"title": text_of(el)} if el.text and el.text.strip() else {}
    if "url" in attrs:
        source["href"] = attrs["url"]
    state.entry["source"] = source


def _publisher(state: ItemState, el: etree._Element, doc: Names) -> None:
    """``dc:publisher``: feedparser's ``entry["publisher"]``; a value with an email address
    in it (which feedparser splits into ``publisher_detail``) goes to feedparser."""
    state.once("publisher")
    value = text_of(el)
    if "@" in value:
        raise Decline("an email address in a publisher")
    state.entry["publisher"] = value
    if value:
        state.entry["publisher_detail"] = {"name": value}


def _news_source(state: ItemState, el: etree._Element, doc: Names) -> None:
    """Bing News' ``News:Source``, which feedparser stores under its prefixed name."""
    state.once("news_source")
    state.entry["news_source"] = text_of(el)


def _refuse(state: ItemState, el: etree._Element, doc: Names) -> None:
    raise Decline(f"element {doc.name(el)} in an item")


ITEM_HANDLERS: dict[str, Callable[[ItemState, etree._Element, Names], None]] = {
    **dict.fromkeys(TITLE, _title),
    "link": _link,
    "guid": _guid,
    "id": _guid,
    "description": _description,
    "summary": _summary,
    "itunes_summary": _summary,
    "content": _atom_content,
    "content_encoded": _encoded,
    **dict.fromkeys(_PUBLISHED, _published),
    **dict.fromkeys(UPDATED, _updated),
    **dict.fromkeys(_AUTHOR, _author),
    "enclosure": _enclosure,
    "source": _source,
    "dc_publisher": _publisher,
    "publisher": _publisher,
    "news_source": _news_source,
    **dict.fromkeys(
        (
            "item", "entry", "channel", "feed", "rss", "image", "textinput", "abstract",
            "body", "xhtml_body", "fullitem", "dc_description", "media_title",
            "media_description", "media_group", "itunes_owner", "itunes_name", "itunes_email",
        ),
        _refuse,
    ),
}  # fmt: skip


# --- text as feedparser's pop() leaves it ---------------------------------------------------


def _raw_text(el: etree._Element) -> str:
    if len(el):
        raise Decline(f"markup inside {el.tag!r}")
    return (el.text or "").strip()


def text_of(el: etree._Element) -> str:
    return _fix_text(_raw_text(el))


def _tails(el: etree._Element) -> str:
    """The text directly inside ``el`` around its children (whitespace, usually)."""
    return ((el.text or "") + "".join(child.tail or "" for child in el)).strip()


def _fix_text(value: str) -> str:
    """feedparser's repairs of every text value: UTF-8 read as Latin-1 decoded again, then
    C1 controls read as windows-1252."""
    if not value.isascii():
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            value = value.encode("iso-8859-1").decode("utf-8")
        value = value.translate(_cp1252)
    return value


def text_construct(el: etree._Element, default_type: str, version: str) -> tuple[str, str]:
    """A text construct's value and MIME type, as feedparser's push_content/pop give them."""
    attrs = _attrs(el)
    kind = _map_type(attrs.get("type", default_type))
    if "mode" in attrs or kind not in ("text/plain", "text/html"):
        raise Decline(f"content of type {kind}")
    value = text_of(el)
    if not version.startswith("atom") and kind == "text/plain" and _looks_like_html(value):
        kind = "text/html"
    return value, kind


def _attrs(el: etree._Element) -> dict[str, str]:
    """Attributes as feedparser's strict parser passes them: names lowercased (namespaced
    ones we never read are left out), ``rel`` and ``type`` values lowercased."""
    attrs: dict[str, str] = {}
    for key, value in el.attrib.items():
        if key.startswith("{"):
            continue
        name = key.lower()
        attrs[name] = value.lower() if name in ("rel", "type") else value
    return attrs


def _enforce_href(attrs: dict[str, str]) -> dict[str, str]:
    href = attrs.get("url", attrs.get("uri", attrs.get("href")))
    if href:
        attrs.pop("url", None)
        attrs.pop("uri", None)
        attrs["href"] = href
    return attrs


_map_type: Callable[[str], str] = _FeedParserMixin.map_content_type
_looks_like_html: Callable[[str], bool] = _FeedParserMixin.looks_like_html
