"""One docket entry (a filing) as the docket reader makes it, and what makes two feed items
the same filing.

COURT-FEEDS.md: a feed item is one event of a docket entry, and one entry can come as several
items: one per entry type of a multi-type filing (EDNY: without a document number and with a
guid that is only the case's), one per defendant of a criminal case (``1:17-cr-00664-1``,
``-2``, ``-3``), and a rolling window may hold only some of them, in any order. So:

- ``filing_identity`` says which filing an item belongs to, from fields every item of the
  filing carries (never its entry type, never its position in the feed);
- ``join`` combines two views of one filing (two items, or a stored entry and a new poll's
  view of it). It is commutative, associative and idempotent: however the items are ordered
  or split between polls, the joined result is the same, and joining a subset of what is
  stored changes nothing;
- ``merge_filings`` joins a feed's items filing by filing;
- ``docket_to_entry`` writes the pipeline's ``Entry`` for a filing.

Pure: values in, values out. No feedparser (that is ``monitor.docket``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any

from monitor.docket_items import pacer_doc_id
from monitor.entry import Entry
from monitor.parse import MAX_SUMMARY, MAX_TITLE

MAX_TEXT = 1_000  # short docket text (entry types)
SHORT_TEXT = 240  # a full docket text shortened for a title

# 1:18-cv-03365[-PKC-CLP] / 1:20-cr-00123[-1]: office, year, case type, number, then judge
# initials or a defendant number, which are not part of the case's identity.
_DISTRICT = re.compile(r"^(\d{1,2}):(\d{2})-([a-z]{1,4})-(\d{1,6})((?:-[a-z0-9]+)*)$", re.I)
# 16-10992[-smb] (bankruptcy, with judge initials) and 23-1124 (appellate).
_SHORT = re.compile(r"^(\d{2})-(\d{1,6})(?:-[a-z]+)*$", re.I)
_ENTERED = re.compile(r"\s*\((?:Entered|Filed(?: on)?|Date Filed):?\s*[\d/]+\)\s*$", re.I)


@dataclass(frozen=True)
class DocketEntry:
    """One docket entry. Every field is plain text or None; ``entered_at`` is UTC.

    ``case_number`` is as the court shows it, less a defendant suffix (those are listed in
    ``defendants`` as (number, case name as shown for that defendant)); ``case_key`` is it
    normalised for matching (``1:18-cv-03365-PKC-CLP`` → ``1:18-cv-03365``; empty when the
    feed names no number). ``text`` is the short docket text (PACER's entry types, sorted and
    joined by "; "), ``full_text`` the whole docket text where the feed has it
    (CourtListener). ``document_number`` is the entry number (for an appellate "Document"
    link, PACER's document id). ``case_ref`` identifies a CourtListener docket (``cl-<id>``).
    ``feed`` is ``pacer`` or ``courtlistener``.
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
    pacer_doc_id: str | None = None
    seq_no: str | None = None
    guid: str | None = None
    entered_at: datetime | None = None
    description_party: str | None = None  # EDNY: the case name after the brackets
    bankruptcy: dict[str, str] | None = None  # Type / Office / Chapter / Trustee
    case_ref: str = ""
    defendants: tuple[tuple[str, str], ...] = ()
    feed: str = "pacer"

    def to_extra(self) -> dict[str, Any]:
        """The JSON-compatible form stored in ``Entry.extra`` (``docket: True`` marks it)."""
        data = {name: getattr(self, name) for name in _FIELDS}  # asdict's deep copy is slow
        data["bankruptcy"] = dict(self.bankruptcy) if self.bankruptcy is not None else None
        data["types"] = list(self.types)
        data["defendants"] = [list(d) for d in self.defendants]
        data["entered_at"] = self.entered_at.isoformat() if self.entered_at else None
        return {"docket": True, **data}

    @classmethod
    def from_extra(cls, extra: Mapping[str, Any]) -> DocketEntry:
        """The docket entry stored in ``extra`` (``to_extra``'s form; fields an older
        version did not store take their defaults)."""
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in extra.items() if k in known}
        data["types"] = tuple(data.get("types") or ())
        data["defendants"] = tuple(tuple(d) for d in data.get("defendants") or ())
        when = data.get("entered_at")
        data["entered_at"] = datetime.fromisoformat(when) if isinstance(when, str) else None
        if "feed" not in extra and extra.get("case_ref"):
            data["feed"] = "courtlistener"  # stored before the field existed
        for name in ("court", "case_number", "case_key", "case_name", "text"):
            data[name] = str(data.get(name) or "")
        return cls(**data)


_FIELDS = tuple(f.name for f in fields(DocketEntry))


# --- case numbers ----------------------------------------------------------------------------


def normalize_case_number(number: str) -> str:
    """The case number for matching: lower case, judge initials and defendant suffixes gone.

    ``1:18-cv-03365-PKC-CLP`` → ``1:18-cv-03365``; ``1:20-cr-00123-1`` → ``1:20-cr-00123``;
    ``16-10992-smb`` → ``16-10992``; ``23-1124`` stays. A malformed number
    (``5:18-~gr-00001``) is only lower-cased and stripped.
    """
    number = number.strip().lower()
    m = _DISTRICT.match(number)
    if m:
        office, year, kind, serial, _ = m.groups()
        return f"{int(office)}:{year}-{kind}-{int(serial):05d}"
    m = _SHORT.match(number)
    if m:
        return f"{m.group(1)}-{m.group(2)}"
    return number


def split_defendant(number: str) -> tuple[str, str | None]:
    """(the number without its defendant suffix, the defendant number or None).

    ``1:17-cr-00664-2`` → (``1:17-cr-00664``, ``2``); ``1:17-cr-00664-JGK-2`` →
    (``1:17-cr-00664-JGK``, ``2``); a number without a numeric suffix is returned whole.
    """
    m = _DISTRICT.match(number.strip())
    if not m or not m.group(5):
        return number, None
    parts = m.group(5).split("-")[1:]
    if not parts[-1].isdigit():
        return number, None
    head = number.strip()[: len(number.strip()) - len(m.group(5))]
    return head + "".join(f"-{p}" for p in parts[:-1]), str(int(parts[-1]))


def shorten(text: str, cap: int = SHORT_TEXT) -> str:
    """A full docket text for a title: its "(Entered: …)" stamp dropped, cut at a word
    boundary (never at a sentence end: initials such as "Thomas S. Hixson" look like one)."""
    text = _ENTERED.sub("", text).strip()
    if len(text) <= cap:
        return text
    cut = text[: cap - 1].rsplit(" ", 1)[0] or text[: cap - 1]
    return cut.rstrip(" ,;:") + "…"


# --- identity and joining --------------------------------------------------------------------


def filing_identity(d: DocketEntry) -> tuple[str, tuple[str, ...]]:
    """(rule, fields) identifying the filing an item belongs to; every item of one filing
    gives the same value, whatever its entry type or its place in the feed.

    - ``dn``: court + case + document number (an appellate "Document": PACER's document id);
      per-defendant copies share it, so do the items of a multi-type filing;
    - ``dc``: CourtListener, no number (a minute entry, a search hit): its entry id (guid);
    - ``ds``: court + case + PACER sequence number (a minute entry's own number);
    - ``dt``: court + case + entry time, to the second: items without a document or
      sequence number (EDNY, whose guid is the case's; appellate items with no link) and
      per-defendant copies (each defendant's copy has its own sequence number);
    - ``dg``: court + case + guid + text, only for an item with none of the above.

    The case is the CourtListener docket (``case_ref``), else the normalised case number.
    """
    case = d.case_ref or d.case_key or d.case_number
    if d.document_number:
        return "dn", (d.court, case, d.document_number)
    if d.feed == "courtlistener":
        return "dc", (d.court, case, d.guid or d.docket_url or d.text)
    if d.seq_no and not d.defendants:
        return "ds", (d.court, case, d.seq_no)
    if d.entered_at is not None:
        return "dt", (d.court, case, d.entered_at.isoformat())
    return "dg", (d.court, case, d.guid or "", d.text)


def join(a: DocketEntry, b: DocketEntry) -> DocketEntry:
    """One filing seen as ``a`` and as ``b`` (same ``filing_identity``): every entry type,
    every defendant and the longest full text of either; every other field from the one of
    the two that ranks first (lowest defendant, then sequence number, then the rest), so
    that the result depends on neither the order nor the grouping of the views."""
    first = min(a, b, key=_rank)
    types = tuple(sorted(set(a.types) | set(b.types), key=lambda t: (t.casefold(), t)))
    defendants = tuple(sorted(set(a.defendants) | set(b.defendants), key=_defendant_order))
    full = max(a.full_text or "", b.full_text or "", key=lambda t: (len(t), t)) or None
    return replace(
        first,
        types=types,
        defendants=defendants,
        full_text=full,
        text=_text(types, full, first.text),
    )


def _text(types: tuple[str, ...], full_text: str | None, fallback: str) -> str:
    if types:
        return "; ".join(types)[:MAX_TEXT]
    return shorten(full_text) if full_text else fallback


def _defendant_order(d: tuple[str, str]) -> tuple[int, str, str]:
    number, name = d
    return (int(number) if number.isdigit() else 1 << 30, number, name)


def _rank(d: DocketEntry) -> tuple[Any, ...]:
    """Which of two views gives the scalar fields: the lowest defendant, the lowest sequence
    number, then every remaining scalar field (a total order, so the choice never depends
    on which view came first)."""
    lowest = min((_defendant_order(x) for x in d.defendants), default=(0, "", ""))
    seq = int(d.seq_no) if d.seq_no and d.seq_no.isdigit() else 1 << 62
    return (lowest, seq, tuple(_sortable(getattr(d, name)) for name in _SCALARS))


def _sortable(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return str(value)


_SCALARS = tuple(
    name for name in _FIELDS if name not in {"types", "defendants", "full_text", "text"}
)


def merge_filings(items: Iterable[DocketEntry]) -> list[DocketEntry]:
    """The feed's items joined filing by filing (``filing_identity``), in the order each
    filing first appears; the content of each does not depend on the order of the items."""
    merged: dict[tuple[str, tuple[str, ...]], DocketEntry] = {}
    for d in items:
        ident = filing_identity(d)
        merged[ident] = join(merged[ident], d) if ident in merged else d
    return list(merged.values())


def upgraded(d: DocketEntry) -> DocketEntry:
    """A docket entry as an earlier version stored it, with the fields this version's reader
    derives: a defendant suffix split off the case number, an appellate document id as the
    document number. An entry this version made comes back unchanged."""
    number, defendant = split_defendant(d.case_number)
    if defendant and not d.defendants:
        d = replace(d, case_number=number, defendants=((defendant, d.case_name),))
    doc_id = pacer_doc_id(d.document_url)
    if d.feed == "pacer" and doc_id and not d.pacer_doc_id:
        d = replace(d, pacer_doc_id=doc_id, document_number=d.document_number or doc_id)
    return d


def upgrade_extra(extra: Mapping[str, Any]) -> dict[str, Any]:
    """``upgraded`` on a stored ``extra`` (migration 0011 re-keys stored entries with it)."""
    return upgraded(DocketEntry.from_extra(extra)).to_extra()


# --- the entry the pipeline sees ---------------------------------------------------------------


def docket_to_entry(d: DocketEntry) -> Entry:
    """The ``Entry`` for a docket entry: the title reads like a docket line
    (``1:21-cv-00135 In re Clearview AI … — #612: Motion to Dismiss``), the summary is the
    docket text (the full text where the feed has it, EDNY's case name, the defendants),
    ``extra`` holds every docket field."""
    label = f"#{d.document_number}: " if d.document_number else ""
    head = " ".join(p for p in (d.case_number, d.case_name) if p)
    parts = [d.full_text or d.text, d.description_party or "", defendants_line(d.defendants)]
    return Entry(
        guid=d.guid,
        link=d.docket_url,
        title=f"{head} — {label}{d.text}"[:MAX_TITLE],
        summary=" ".join(p for p in parts if p)[:MAX_SUMMARY],
        published=d.entered_at,
        authors=(),
        extra=d.to_extra(),
    )


def defendants_line(defendants: Iterable[Iterable[str]]) -> str:
    """``Defendants: 1 USA v. Hart; 2 USA v. Osei`` (empty without defendants)."""
    listed = [" ".join(p for p in d if p) for d in defendants]
    return f"Defendants: {'; '.join(listed)}" if listed else ""
