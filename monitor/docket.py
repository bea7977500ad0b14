"""Court-docket feeds read as docket entries: PACER CM/ECF RSS and CourtListener Atom.

``read_docket_feed`` turns the bytes of a ``pacer`` or ``courtlistener`` source into one
``Entry`` per docket entry, its docket fields in ``Entry.extra`` (see ``DocketEntry``) and its
title and summary written as a docket line, so that topic matching (``case:``, ``court:``,
``party:`` scopes; plain terms match the case name in the title) and rendering need nothing
else. What the rest of the pipeline derives from a docket entry (its key, its case thread,
coverage gaps) is in ``monitor.docket_keys``.

What the feeds look like, and why the rules below, is in COURT-FEEDS.md: one item is one
docket entry, except that a filing with several entry types comes as several items that
differ only in their bracketed text (merged here into one entry listing every type); EDNY
repeats one guid across a case's entries (never merged on the guid alone).

Pure: bytes in, entries out. It never fetches, and never follows document links (PACER
charges for them). It does not match topics or decide what is new.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from monitor.entry import Entry, ParsedFeed
from monitor.parse import (
    MAX_ID,
    MAX_SUMMARY,
    MAX_TITLE,
    absolute_link,
    plain_text,
    read_raw_feed,
    utc_datetime,
)

DOCKET_KINDS = frozenset({"pacer", "courtlistener"})
MAX_TEXT = 1_000  # short docket text (entry types)

# 1:18-cv-03365[-PKC-CLP] / 1:20-cr-00123[-1]: office, year, case type, number, then judge
# initials or a defendant number, which are not part of the case's identity.
_DISTRICT = re.compile(r"^(\d{1,2}):(\d{2})-([a-z]{1,4})-(\d{1,6})(?:-[a-z0-9]+)*$", re.I)
# 16-10992[-smb] (bankruptcy, with judge initials) and 23-1124 (appellate).
_SHORT = re.compile(r"^(\d{2})-(\d{1,6})(?:-[a-z]+)*$", re.I)
_BRACKETS = re.compile(r"\[([^\[\]]*)\]")
_ANCHOR = re.compile(r"<a\s[^>]*?href\s*=\s*[\"']([^\"']+)[\"'][^>]*>(.*?)</a>", re.I | re.S)
_BANKRUPTCY = re.compile(
    r"Type:\s*(?P<type>\w+)\s+Office:\s*(?P<office>\d+)\s+Chapter:\s*(?P<chapter>\w+)"
    r"(?:\s+Trustee:\s*(?P<trustee>[^\[]+?))?\s*(?=\[|$)"
)
_SEQ_IN_GUID = re.compile(r"[&-](\d+)$")
_EDNY_DOC = re.compile(r"show_case_doc\?(\d+),(\d+)")
_CL_TITLE = re.compile(r"^(?:Entry #(?P<num>\d+)|Minute entry from (?P<date>.+?)) in (?P<case>.+)$")
_CL_DOCKET = re.compile(r"/docket/(\d+)/")
_CL_FEED_TITLE = re.compile(r"^(?:.*?:\s*)?Docket updates for (.+)$", re.I)
_PACER_HOST = re.compile(r"^ecf\.([a-z0-9]+)\.uscourts\.gov$")


@dataclass(frozen=True)
class DocketEntry:
    """One docket entry. Every field is plain text or None; ``entered_at`` is UTC.

    ``case_number`` is as the court shows it; ``case_key`` is it normalised for matching
    (``1:18-cv-03365-PKC-CLP`` → ``1:18-cv-03365``; empty when the feed names no number).
    ``text`` is the short docket text (PACER's entry types, joined by "; "), ``full_text`` the
    whole docket text where the feed has it (CourtListener). ``case_ref`` identifies the case
    for keys and threads when there is no number (a CourtListener docket id or page).
    """

    court: str
    case_number: str
    case_key: str
    case_name: str
    text: str
    types: tuple[str, ...] = ()
    full_text: str | None = None
    document_number: str | None = None
    document_url: str | None = None
    docket_url: str | None = None
    pacer_case_id: str | None = None
    seq_no: str | None = None
    guid: str | None = None
    entered_at: datetime | None = None
    description_party: str | None = None  # EDNY: the case name after the brackets
    bankruptcy: dict[str, str] | None = None  # Type / Office / Chapter / Trustee
    case_ref: str = ""

    def to_extra(self) -> dict[str, Any]:
        """The JSON-compatible form stored in ``Entry.extra`` (``docket: True`` marks it)."""
        data = asdict(self)
        data["types"] = list(self.types)
        data["entered_at"] = self.entered_at.isoformat() if self.entered_at else None
        return {"docket": True, **data}


# --- reading a feed --------------------------------------------------------------------------


def read_docket_feed(
    body: bytes, headers: Mapping[str, str], url: str, *, kind: str, court: str | None
) -> ParsedFeed:
    """Parse a docket feed body into a ``ParsedFeed`` of docket ``Entry`` values.

    ``kind`` is the source kind (``pacer`` or ``courtlistener``); ``court`` the configured
    court id, else read from a PACER host (``ecf.ilnd.uscourts.gov`` → ``ilnd``), else from a
    CourtListener item's author. Items of one multi-type filing become one entry. Raises
    ``ParseError`` when the body is not a feed (the same reasons as ``parse.parse_feed``).
    """
    feed = read_raw_feed(body, headers)
    raw, channel = feed.entries, feed.channel
    feed_title = plain_text(channel.get("title") or "", is_html=True, cap=MAX_TITLE)
    court_id = (court or _court_from_url(url) or "").lower()
    if kind == "courtlistener":
        found = [courtlistener_item(item, court_id, feed_title, url) for item in raw]
    else:
        found = [pacer_item(item, court_id, url) for item in raw]
    return ParsedFeed(
        title=feed_title,
        entries=tuple(docket_to_entry(d) for d in merge_filings(found)),
        bozo=feed.bozo,
        build_date=utc_datetime(channel.get("updated_parsed")),
        dropped=feed.dropped,
    )


def _court_from_url(url: str) -> str | None:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    m = _PACER_HOST.match(host)
    return m.group(1) if m else None


def _text(item: Mapping[str, Any], key: str, cap: int) -> str:
    value = item.get(key)
    return plain_text(value, is_html=True, cap=cap) if isinstance(value, str) else ""


def _unescape_again(text: str) -> str:
    """Names some courts escape twice (``&amp;amp;``): decode once more than the XML did."""
    return html.unescape(text) if "&" in text else text


# --- PACER RSS ------------------------------------------------------------------------------


def pacer_item(item: Mapping[str, Any], court: str, base_url: str) -> DocketEntry:
    """One PACER RSS item (a feedparser entry dict) as a docket entry."""
    number, name = split_case_title(_text(item, "title", MAX_TITLE))
    summary = item.get("summary")
    raw_description = summary if isinstance(summary, str) else ""
    description = plain_text(raw_description, is_html=True, cap=MAX_SUMMARY)
    types = tuple(t.strip() for t in _BRACKETS.findall(description)[:1] if t.strip())
    doc_url, doc_number = _document_link(raw_description, base_url)
    docket_url = absolute_link(item.get("link"), base_url)
    guid = _guid(item.get("id"))
    return DocketEntry(
        court=court,
        case_number=number,
        case_key=normalize_case_number(number),
        case_name=name,
        text="; ".join(types)[:MAX_TEXT] or description[:MAX_TEXT],
        types=types,
        document_number=doc_number,
        document_url=doc_url,
        docket_url=docket_url,
        pacer_case_id=_pacer_case_id(docket_url, doc_url),
        seq_no=_seq_no(guid, docket_url, doc_url),
        guid=guid,
        entered_at=utc_datetime(item.get("published_parsed")),
        description_party=_description_party(description),
        bankruptcy=_bankruptcy(description),
    )


def split_case_title(title: str) -> tuple[str, str]:
    """A PACER title → (case number as shown, case name unescaped once more).

    The number is everything before the first space; the name may be missing or cut short.
    """
    number, _, name = title.strip().partition(" ")
    return number, _unescape_again(name.strip())


def normalize_case_number(number: str) -> str:
    """The case number for matching: lower case, judge initials and defendant suffixes gone.

    ``1:18-cv-03365-PKC-CLP`` → ``1:18-cv-03365``; ``1:20-cr-00123-1`` → ``1:20-cr-00123``;
    ``16-10992-smb`` → ``16-10992``; ``23-1124`` stays. A malformed number
    (``5:18-~gr-00001``) is only lower-cased and stripped.
    """
    number = number.strip().lower()
    m = _DISTRICT.match(number)
    if m:
        office, year, kind, serial = m.groups()
        return f"{int(office)}:{year}-{kind}-{int(serial):05d}"
    m = _SHORT.match(number)
    if m:
        return f"{m.group(1)}-{m.group(2)}"
    return number


def _document_link(raw_description: str, base_url: str) -> tuple[str | None, str | None]:
    """(document URL, document number) from the escaped link in a PACER description."""
    m = _ANCHOR.search(raw_description)
    if not m:
        return None, None
    url = absolute_link(html.unescape(m.group(1)), base_url)
    label = plain_text(m.group(2), is_html=True, cap=40)
    number = label if label.isdigit() else None
    if number is None and url:
        edny = _EDNY_DOC.search(url)
        number = edny.group(1) if edny else None
    return url, number


def _query(url: str | None) -> dict[str, list[str]]:
    try:
        return parse_qs(urlsplit(url).query) if url else {}
    except ValueError:
        return {}


def _pacer_case_id(docket_url: str | None, doc_url: str | None) -> str | None:
    caseid = _query(doc_url).get("caseid")
    if caseid:
        return caseid[0]
    if doc_url and (edny := _EDNY_DOC.search(doc_url)):
        return edny.group(2)
    query = urlsplit(docket_url).query if docket_url else ""
    head = re.match(r"^(\d+)", query)
    return head.group(1) if head else None


def _seq_no(guid: str | None, docket_url: str | None, doc_url: str | None) -> str | None:
    """District guids end ``&<seq>``, bankruptcy ``-<seq>``; else the link's de_seq_num."""
    if guid and docket_url and guid != docket_url and guid.startswith(docket_url):
        m = _SEQ_IN_GUID.fullmatch(guid[len(docket_url) :])
        if m:
            return m.group(1)
    seq = _query(doc_url).get("de_seq_num")
    return seq[0] if seq else None


def _description_party(description: str) -> str | None:
    """EDNY writes the case name after the brackets: ``[Order] Chau v. Donovan (25)``."""
    after = description.split("]", 1)[1] if "]" in description else ""
    after = re.sub(r"\(\s*\w*\s*\)\s*$", "", after).strip()
    return _unescape_again(after) or None


def _bankruptcy(description: str) -> dict[str, str] | None:
    m = _BANKRUPTCY.search(description)
    if not m:
        return None
    return {k: v.strip() for k, v in m.groupdict().items() if v}


def _guid(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip()[:MAX_ID].rstrip() or None


# --- CourtListener Atom ---------------------------------------------------------------------


def courtlistener_item(
    item: Mapping[str, Any], court: str, feed_title: str, base_url: str
) -> DocketEntry:
    """One CourtListener Atom entry: a per-docket feed's entry (``Entry #N in <case>``,
    full docket text in the summary) or a search feed's hit (title = case name)."""
    title = _text(item, "title", MAX_TITLE)
    link = absolute_link(item.get("link"), base_url)
    docket_url = link.split("#", 1)[0] if link else None
    author = _author(item)
    full_text = _text(item, "summary", MAX_SUMMARY) or None
    m = _CL_TITLE.match(title)
    if m:  # per-docket feed
        feed_case = _CL_FEED_TITLE.match(feed_title)
        name = _unescape_again(feed_case.group(1) if feed_case else m.group("case"))
        number_doc = m.group("num")
        text = f"Entry #{number_doc}" if number_doc else f"Minute entry from {m.group('date')}"
    else:  # search feed: a new case or opinion
        name, number_doc, text = _unescape_again(title), None, "New case"
    number = _case_number_in(name)
    docket_id = _CL_DOCKET.search(docket_url or "")
    return DocketEntry(
        court=court or (author or "").lower(),
        case_number=number,
        case_key=normalize_case_number(number) if number else "",
        case_name=name,
        text=_short_text(full_text) or text,
        types=(),
        full_text=full_text,
        document_number=number_doc,
        document_url=_enclosure(item, base_url),
        docket_url=docket_url,
        guid=_guid(item.get("id")),
        entered_at=utc_datetime(item.get("published_parsed") or item.get("updated_parsed")),
        case_ref=f"cl-{docket_id.group(1)}" if docket_id else (docket_url or ""),
    )


def _author(item: Mapping[str, Any]) -> str | None:
    value = item.get("author")
    return plain_text(value, is_html=False, cap=200) if isinstance(value, str) else None


def _enclosure(item: Mapping[str, Any], base_url: str) -> str | None:
    for link in item.get("links") or ():
        if isinstance(link, dict) and link.get("rel") == "enclosure":
            return absolute_link(link.get("href"), base_url)
    return None


def _case_number_in(name: str) -> str:
    """A case number written in a CourtListener case title, ``(1:21-cv-00135)``, or ""."""
    m = re.search(r"\((\d{1,2}:\d{2}-[a-z]{1,4}-\d{1,6}[^)\s]*)\)", name, re.I)
    return m.group(1) if m else ""


def _short_text(full_text: str | None, cap: int = 200) -> str:
    """The first sentence of a full docket text, at most ``cap`` characters."""
    if not full_text:
        return ""
    first = re.split(r"(?<=[.;])\s", full_text, maxsplit=1)[0]
    return first if len(first) <= cap else first[: cap - 1].rstrip() + "…"


# --- merging, keys, entries -----------------------------------------------------------------


def _filing_identity(d: DocketEntry) -> tuple[Any, ...] | None:
    """What the items of one multi-type filing share, or None when nothing in the item
    identifies its entry (an EDNY item without a document number: its guid is the case's)."""
    entry_id = d.document_number or d.seq_no
    if entry_id is None and d.guid and d.guid != d.docket_url:
        entry_id = d.guid
    if entry_id is None:
        return None
    return (d.court, d.case_key or d.case_ref, d.guid, d.entered_at, entry_id)


def merge_filings(items: Iterable[DocketEntry]) -> list[DocketEntry]:
    """Merge the items of one multi-type filing (same court, case, guid, time and document
    or sequence number; only the bracketed text differs) into one entry listing every type,
    in feed order. Items without such an identity are never merged."""
    merged: list[DocketEntry] = []
    index: dict[tuple[Any, ...], int] = {}
    for d in items:
        ident = _filing_identity(d)
        if ident is None or ident not in index:
            if ident is not None:
                index[ident] = len(merged)
            merged.append(d)
            continue
        first = merged[index[ident]]
        types = first.types + tuple(t for t in d.types if t not in first.types)
        merged[index[ident]] = replace(first, types=types, text="; ".join(types)[:MAX_TEXT])
    return merged


def docket_to_entry(d: DocketEntry) -> Entry:
    """The ``Entry`` for a docket entry: the title reads like a docket line
    (``1:21-cv-00135 In re Clearview AI … — #612 Motion to Dismiss``), the summary is the
    docket text (the full text where the feed has it, and EDNY's case name), ``extra`` holds
    every docket field."""
    label = f"#{d.document_number}: " if d.document_number else ""
    head = " ".join(p for p in (d.case_number, d.case_name) if p)
    summary = " ".join(p for p in (d.full_text or d.text, d.description_party or "") if p)
    return Entry(
        guid=d.guid,
        link=d.docket_url,
        title=f"{head} — {label}{d.text}"[:MAX_TITLE],
        summary=summary[:MAX_SUMMARY],
        published=d.entered_at,
        authors=(),
        extra=d.to_extra(),
    )
