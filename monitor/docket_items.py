"""Fields of one feedparser item of a docket feed, read the same way for PACER and
CourtListener: text, guid, entry time (US zone labels included) and the court a URL names.

Contains no business logic: which items are one filing is ``monitor.docket_entry``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_tz
from typing import Any
from urllib.parse import urlsplit

from monitor.parse import MAX_ID, plain_text, utc_datetime

# Zone labels of US courts' local times. feedparser reads the mainland ones, but takes the
# others (Alaska, Hawaii, Guam, Samoa) for UTC; fixed offsets, as each label names one
# (a label read as a zone instead would be ambiguous in the hour a clock falls back).
US_ZONES = {
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AKST": -9, "AKDT": -8, "HST": -10, "HDT": -9, "AST": -4, "ADT": -3, "CHST": 10,
    "SST": -11, "GMT": 0, "UT": 0, "UTC": 0,
}  # fmt: skip
_ZONE_LABEL = re.compile(r"^(?P<stamp>.+?\d)\s+(?P<zone>[A-Z]{2,4})$")
_PACER_HOST = re.compile(r"^ecf\.([a-z0-9]+)\.uscourts\.gov$")
_PACER_DOC = re.compile(r"/docs?1/(\d{4,})")


def court_from_url(url: str | None) -> str | None:
    """The court of a PACER URL (``ecf.ilnd.uscourts.gov`` → ``ilnd``), else None."""
    try:
        host = urlsplit(url or "").hostname or ""
    except ValueError:
        return None
    m = _PACER_HOST.match(host)
    return m.group(1) if m else None


def item_text(item: Mapping[str, Any], key: str, cap: int) -> str:
    """A text field of the item as plain text (HTML stripped, entities decoded once)."""
    value = item.get(key)
    return plain_text(value, is_html=True, cap=cap) if isinstance(value, str) else ""


def unescape_again(text: str) -> str:
    """Names some courts escape twice (``&amp;amp;``): decode once more than the XML did."""
    return html.unescape(text) if "&" in text else text


def item_guid(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip()[:MAX_ID].rstrip() or None


def entry_time(item: Mapping[str, Any]) -> datetime | None:
    """The item's time in UTC. A US zone label (``EDT``, ``AKST``, ``HST``…) is read as its
    offset; anything else as feedparser read it (numeric offsets, GMT, ISO 8601)."""
    raw = item.get("published") or item.get("updated")
    labelled = _labelled_time(raw) if isinstance(raw, str) else None
    return labelled or utc_datetime(item.get("published_parsed") or item.get("updated_parsed"))


def _labelled_time(raw: str) -> datetime | None:
    """``Thu, 20 Nov 2026 09:15:00 AKST`` → UTC, or None when it has no US zone label."""
    m = _ZONE_LABEL.match(raw.strip())
    if not m or m.group("zone") not in US_ZONES:
        return None
    parts = parsedate_tz(m.group("stamp"))
    if parts is None or not 1970 <= parts[0] <= 2100:
        return None
    try:
        local = datetime(*parts[:5], min(parts[5], 59))
    except ValueError:
        return None
    zone = timezone(timedelta(hours=US_ZONES[m.group("zone")]))
    return local.replace(tzinfo=zone).astimezone(UTC)


def pacer_doc_id(url: str | None) -> str | None:
    """PACER's document id in a ``/doc1/`` or ``/docs1/`` link, its fourth digit zeroed (PACER
    sets that digit per link, so one document has two ids; juriscraper zeroes it too)."""
    m = _PACER_DOC.search(url or "")
    if not m:
        return None
    found = m.group(1)
    return f"{found[:3]}0{found[4:]}"
