"""CourtListener Atom items read as docket entries (``monitor.docket.read_docket_feed``).

Per-docket feeds (COURT-FEEDS.md): feed title ``Docket updates for <case name>, <case
number>``; item title ``Entry #N in <case name>, <case number>`` or ``Minute entry from <date>
in …``; summary = the full docket text (an early version of a feed may carry only a short
description); link = the docket page with an ``#entry-N`` anchor; enclosure = the RECAP PDF
(``gov.uscourts.<court>.<pacer case id>.<n>.0.pdf``) or the PACER document URL. Search feeds:
title = case name, author = the court's name, one item per case.

Pure: feedparser item dicts in, ``DocketEntry`` values out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from monitor.docket_entry import DocketEntry, normalize_case_number, shorten
from monitor.docket_items import (
    court_from_url,
    entry_time,
    item_guid,
    item_text,
    unescape_again,
)
from monitor.parse import MAX_SUMMARY, MAX_TITLE, absolute_link, plain_text

_CL_TITLE = re.compile(
    r"^(?:Entry #\s*(?P<num>\d+)|Minute entry from (?P<date>.+?)) in (?P<case>.+)$"
)
_CL_DOCKET = re.compile(r"/docket/(\d+)/")
_CL_FEED_TITLE = re.compile(r"^(?:.*?:\s*)?Docket updates for (.+)$", re.I)
_NUMBER = r"(?:\d{1,2}:)?\d{2}-(?:[a-z]{1,5}-)?\d{1,6}(?:-[a-z0-9]+)*"
# "Doe v. Acme Platforms, Inc., 3:24-cv-01234": the number closes the case title
_TRAILING_NUMBER = re.compile(rf"^(?P<name>.*?),?\s+(?P<number>{_NUMBER})\s*$", re.I)
_BRACKETED_NUMBER = re.compile(rf"\((?P<number>{_NUMBER})\)", re.I)
_RECAP = re.compile(r"gov\.uscourts\.(?P<court>[a-z0-9]+)\.(?P<caseid>\d+)\.")


def courtlistener_item(
    item: Mapping[str, Any], court: str, feed_title: str, base_url: str
) -> DocketEntry:
    """One CourtListener Atom entry: a per-docket feed's entry (``Entry #N in <case>``,
    full docket text in the summary) or a search feed's hit (title = case name). ``court``
    is the feed's court (configured, or ``feed_court``), else the item's author."""
    title = item_text(item, "title", MAX_TITLE)
    link = absolute_link(item.get("link"), base_url)
    docket_url = link.split("#", 1)[0] if link else None
    full_text = item_text(item, "summary", MAX_SUMMARY) or None
    enclosure = _enclosure(item, base_url)
    m = _CL_TITLE.match(title)
    if m:  # per-docket feed: the feed title names the case best (never cut by an entry's)
        feed_case = _CL_FEED_TITLE.match(feed_title)
        name, number = split_case_number(feed_case.group(1) if feed_case else m.group("case"))
        number = number or split_case_number(m.group("case"))[1]
        entry_number = m.group("num")
        fallback = f"Entry #{entry_number}" if entry_number else f"Minute entry from {m['date']}"
    else:  # search feed: a new case or opinion
        name, number = split_case_number(title)
        entry_number, fallback = None, "New case"
    docket_id = _CL_DOCKET.search(docket_url or "")
    recap = _RECAP.search(enclosure or "")
    return DocketEntry(
        court=court or (_author(item) or "").lower(),
        case_number=number,
        case_key=normalize_case_number(number) if number else "",
        case_name=name,
        text=shorten(full_text) if full_text else fallback,
        full_text=full_text,
        document_number=entry_number,
        document_url=enclosure,
        docket_url=docket_url,
        pacer_case_id=recap.group("caseid") if recap else None,
        guid=item_guid(item.get("id")),
        entered_at=entry_time(item),
        case_ref=f"cl-{docket_id.group(1)}" if docket_id else (docket_url or ""),
        feed="courtlistener",
    )


def split_case_number(case_title: str) -> tuple[str, str]:
    """A CourtListener case title → (case name unescaped once more, case number or "").

    ``Doe v. Acme Platforms, Inc., 3:24-cv-01234`` → (``Doe v. Acme Platforms, Inc.``,
    ``3:24-cv-01234``); a number in brackets, ``(1:21-cv-00135)``, is taken too (and left
    in the name); a title without a number is all name.
    """
    title = case_title.strip()
    m = _TRAILING_NUMBER.match(title)
    if m and m.group("name"):
        return unescape_again(m.group("name").strip()), m.group("number")
    bracketed = _BRACKETED_NUMBER.search(title)
    return unescape_again(title), bracketed.group("number") if bracketed else ""


def feed_court(feed_title: str, items: Iterable[Mapping[str, Any]], base_url: str) -> str | None:
    """The court a per-docket feed names: the first RECAP document's court (or PACER host)
    among its items' enclosures, so that every entry of the docket gets the same court.
    None for other feeds (a search feed's items are of many courts)."""
    if not _CL_FEED_TITLE.match(feed_title):
        return None
    for item in items:
        enclosure = _enclosure(item, base_url) or ""
        recap = _RECAP.search(enclosure)
        found = recap.group("court") if recap else court_from_url(enclosure)
        if found:
            return found
    return None


def _author(item: Mapping[str, Any]) -> str | None:
    value = item.get("author")
    return plain_text(value, is_html=False, cap=200) if isinstance(value, str) else None


def _enclosure(item: Mapping[str, Any], base_url: str) -> str | None:
    for link in item.get("links") or ():
        if isinstance(link, dict) and link.get("rel") == "enclosure":
            return absolute_link(link.get("href"), base_url)
    return None
