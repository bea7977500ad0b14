"""What the pipeline needs to know about a docket entry once it is read (``monitor.docket``):
its dedupe key, the thread of its case, the label of a tracked-case hit, the docket line shown
to people, and the coverage of a docket feed between polls (windows and possible gaps).

Pure: entries in, keys and values out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from monitor.dedupe import fold_text, versioned_key
from monitor.docket_entry import DocketEntry, filing_identity
from monitor.entry import Entry


@dataclass(frozen=True)
class PollWindow:
    """A poll's feed: how many items it held and the span of their entry times."""

    entries: int
    oldest_at: datetime | None
    newest_at: datetime | None
    polled_at: datetime


@dataclass(frozen=True)
class Gap:
    """Entries filed between ``start`` and ``end`` in ``court`` may never have been seen."""

    source: str
    court: str | None
    start: datetime | None
    end: datetime | None
    previous_entries: int
    entries: int
    detected_at: datetime

    def describe(self) -> str:
        """``possible gap in ilnd: 2026-11-20 14:02 – 18:30 UTC (no overlap with the previous
        poll)`` — for logs, the poll summary and status."""

        def at(d: datetime | None) -> str:
            return d.strftime("%Y-%m-%d %H:%M") if d else "?"

        where = f" in {self.court}" if self.court else ""
        return (
            f"possible gap{where}: entries between {at(self.start)} and {at(self.end)} UTC may "
            f"be missing (the feed's {self.entries} entries share none with the previous "
            f"poll's {self.previous_entries})"
        )


def is_docket_entry(entry: Entry) -> bool:
    return bool(entry.extra and entry.extra.get("docket"))


def docket_key(entry: Entry) -> str:
    """The versioned dedupe key of a docket entry, ``"1:<rule>:<sha256 hex>"``: the hash of
    its filing's identity (``docket_entry.filing_identity``: document number, else
    CourtListener entry id, else sequence number, else entry time), so that every item of
    one filing, in any order and any poll, has the same key. Never the guid alone (EDNY
    repeats it across a case's entries) and never the entry type (a window may hold only
    some of a filing's types).

    Raises ValueError for an entry that ``read_docket_feed`` did not make.
    """
    if not is_docket_entry(entry):
        raise ValueError("not a docket entry")
    rule, parts = filing_identity(DocketEntry.from_extra(entry.extra))
    if rule == "dg":
        parts = (*parts[:-1], fold_text(parts[-1]))
    return versioned_key(rule, *parts)


def case_thread_key(entry: Entry) -> str | None:
    """``case:<court>:<normalised number>``: a case's alerts thread under its first one."""
    x = entry.extra
    case = (x.get("case_key") or x.get("case_ref")) if is_docket_entry(entry) else None
    return f"case:{x.get('court') or ''}:{case}"[:200] if case else None


def tracked_case_term(case_number: str) -> str:
    """The matched-terms label of a tracked-case hit: ``case 1:21-cv-00135``."""
    return f"case {case_number}"


def entry_case(entry: Entry) -> tuple[str, str] | None:
    """(court, normalised case number) of a docket entry, or None."""
    x = entry.extra
    if not is_docket_entry(entry) or not x.get("case_key"):
        return None
    return (str(x.get("court") or ""), str(x["case_key"]))


def docket_lines(extra: Mapping[str, Any]) -> Sequence[str]:
    """The docket-line summary of ``extra`` for people: court and case, entry, text."""
    court = str(extra.get("court") or "").upper()
    case = " ".join(p for p in (court, extra.get("case_number") or "") if p)
    entry = f"Entry #{extra['document_number']}" if extra.get("document_number") else "Entry"
    return [
        f"{case} {extra.get('case_name') or ''}".strip(),
        f"{entry}: {extra.get('text') or ''}".rstrip(": "),
    ]


# --- coverage -------------------------------------------------------------------------------


def poll_window(entries: Sequence[Entry], now: datetime) -> PollWindow:
    """The window a poll saw: its item count and the span of their entry times."""
    times = [e.published for e in entries if e.published is not None]
    return PollWindow(len(entries), min(times, default=None), max(times, default=None), now)


def find_gap(
    previous: PollWindow | None,
    current: PollWindow,
    overlap: int,
    *,
    source: str,
    court: str | None,
) -> Gap | None:
    """A possible gap, when this poll's non-empty feed shares no entry (``overlap`` counts
    the entries already stored) with a previous poll that held entries: busy courts roll
    entries out of their feed within hours, so what fell between the two may be lost.

    The window runs from the newest entry of the previous poll (else its time) to the oldest
    entry of this one (else now). None when there is no reason to doubt coverage.
    """
    if previous is None or previous.entries == 0 or current.entries == 0 or overlap > 0:
        return None
    return Gap(
        source=source,
        court=court,
        start=previous.newest_at or previous.polled_at,
        end=current.oldest_at or current.polled_at,
        previous_entries=previous.entries,
        entries=current.entries,
        detected_at=current.polled_at,
    )
