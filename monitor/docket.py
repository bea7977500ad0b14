"""Court-docket feeds read as docket entries: PACER CM/ECF RSS and CourtListener Atom.

``read_docket_feed`` turns the bytes of a ``pacer`` or ``courtlistener`` source into one
``Entry`` per docket entry, its docket fields in ``Entry.extra`` (see
``monitor.docket_entry.DocketEntry``) and its title and summary written as a docket line, so
that topic matching (``case:``, ``court:``, ``party:`` scopes; plain terms match the case name
in the title) and rendering need nothing else. Which items are one filing, and how they are
joined, is ``monitor.docket_entry``; CourtListener items are read by ``monitor.docket_cl``;
what the rest of the pipeline derives from a docket entry (its key, its case thread,
coverage gaps) is in ``monitor.docket_keys``.

What the feeds look like, and why the rules below, is in COURT-FEEDS.md.

Pure: bytes in, entries out. It never fetches, and never follows document links (PACER
charges for them). It does not match topics or decide what is new.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from monitor.docket_cl import courtlistener_item, feed_court
from monitor.docket_entry import (
    MAX_TEXT,
    DocketEntry,
    docket_to_entry,
    merge_filings,
    normalize_case_number,
    split_defendant,
)
from monitor.docket_items import (
    court_from_url,
    entry_time,
    item_guid,
    item_text,
    pacer_doc_id,
    unescape_again,
)
from monitor.entry import ParsedFeed
from monitor.parse import (
    MAX_SUMMARY,
    MAX_TITLE,
    absolute_link,
    plain_text,
    read_raw_feed,
    utc_datetime,
)

__all__ = ["DOCKET_KINDS", "normalize_case_number", "read_docket_feed", "split_case_title"]

DOCKET_KINDS = frozenset({"pacer", "courtlistener"})

_BRACKETS = re.compile(r"\[([^\[\]]*)\]")
_ANCHOR = re.compile(r"<a\s[^>]*?href\s*=\s*[\"']([^\"']+)[\"'][^>]*>(.*?)</a>", re.I | re.S)
# "Chapter:" may be empty (adversary proceedings): then the next word is not the chapter.
_BANKRUPTCY = re.compile(
    r"Type:\s*(?P<type>\w+)\s+Office:\s*(?P<office>\w+)\s+"
    r"Chapter:(?:[ \t]*(?P<chapter>(?!Trustee:)\w+))?"
    r"(?:\s+Trustee:\s*(?P<trustee>[^\[]+?))?\s*(?=\[|$)"
)
_SEQ_IN_GUID = re.compile(r"[&-](\d+)$")
_EDNY_DOC = re.compile(r"show_case_doc\?(\d+),(\d+)")


def read_docket_feed(
    body: bytes, headers: Mapping[str, str], url: str, *, kind: str, court: str | None
) -> ParsedFeed:
    """Parse a docket feed body into a ``ParsedFeed`` of docket ``Entry`` values.

    ``kind`` is the source kind (``pacer`` or ``courtlistener``); ``court`` the configured
    court id, else read from a PACER host (``ecf.ilnd.uscourts.gov`` → ``ilnd``), else what
    a CourtListener item says (its RECAP document's court, else its author). The items of one
    filing become one entry (``docket_entry.merge_filings``). Raises ``ParseError`` when the
    body is not a feed (the same reasons as ``parse.parse_feed``).
    """
    feed = read_raw_feed(body, headers)
    raw, channel = feed.entries, feed.channel
    feed_title = plain_text(channel.get("title") or "", is_html=True, cap=MAX_TITLE)
    court_id = (court or court_from_url(url) or "").lower()
    if kind == "courtlistener":
        court_id = court_id or feed_court(feed_title, raw, url) or ""
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


# --- PACER RSS ------------------------------------------------------------------------------


def pacer_item(item: Mapping[str, Any], court: str, base_url: str) -> DocketEntry:
    """One PACER RSS item (a feedparser entry dict) as a docket entry (one item of it)."""
    shown, name = split_case_title(item_text(item, "title", MAX_TITLE))
    number, defendant = split_defendant(shown)
    summary = item.get("summary")
    raw_description = summary if isinstance(summary, str) else ""
    description = plain_text(raw_description, is_html=True, cap=MAX_SUMMARY)
    types = tuple(t.strip() for t in _BRACKETS.findall(description)[:1] if t.strip())
    doc_url, doc_number = _document_link(raw_description, base_url)
    doc_id = pacer_doc_id(doc_url)
    docket_url = absolute_link(item.get("link"), base_url)
    guid = item_guid(item.get("id"))
    return DocketEntry(
        court=court,
        case_number=number,
        case_key=normalize_case_number(number),
        case_name=name,
        text="; ".join(types)[:MAX_TEXT] or description[:MAX_TEXT],
        types=types,
        document_number=doc_number or doc_id,  # appellate "Document": the id is the number
        document_url=doc_url,
        docket_url=docket_url,
        pacer_case_id=_pacer_case_id(docket_url, doc_url),
        pacer_doc_id=doc_id,
        seq_no=_seq_no(guid, docket_url, doc_url),
        guid=guid,
        entered_at=entry_time(item),
        description_party=_description_party(description),
        bankruptcy=_bankruptcy(description),
        defendants=((defendant, name),) if defendant else (),
    )


def split_case_title(title: str) -> tuple[str, str]:
    """A PACER title → (case number as shown, case name unescaped once more).

    The number is everything before the first space; the name may be missing or cut short.
    """
    number, _, name = title.strip().partition(" ")
    return number, unescape_again(name.strip())


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
    return unescape_again(after) or None


def _bankruptcy(description: str) -> dict[str, str] | None:
    """Type / Office / Chapter / Trustee of a bankruptcy item; ``chapter`` is "" when the
    court left it empty (adversary proceedings)."""
    m = _BANKRUPTCY.search(description)
    if not m:
        return None
    found = {k: v.strip() for k, v in m.groupdict().items() if v}
    return {**found, "chapter": found.get("chapter", "")}
