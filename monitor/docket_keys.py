"""What the pipeline needs to know about a docket entry once it is read (``monitor.docket``):
its dedupe key, the thread of its case, the label of a tracked-case hit, the docket line shown
to people, and the coverage of a docket feed between polls (windows and possible gaps).

Pure: entries in, keys and values out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from monitor.dedupe import fold_text, versioned_key
from monitor.entry import Entry
from monitor.store.dockets import Gap, PollWindow


def is_docket_entry(entry: Entry) -> bool:
    return bool(entry.extra and entry.extra.get("docket"))


def docket_key(entry: Entry) -> str:
    """The versioned dedupe key of a docket entry, ``"1:<kind>:<sha256 hex>"``.

    Scheme version 1, first rule that applies (COURT-FEEDS.md):

    - ``1:dn:`` court + case + document number (one document is one entry, whatever the
      types listed with it);
    - ``1:ds:`` court + case + PACER sequence number (a minute entry's own number);
    - ``1:dg:`` court + case + guid + entry time + docket text: never the guid alone, which
      EDNY repeats across a case's entries.

    The case is the normalised number, else ``case_ref``. Raises ValueError for an entry
    that ``read_docket_feed`` did not make.
    """
    x = entry.extra
    if not is_docket_entry(entry):
        raise ValueError("not a docket entry")
    case = x.get("case_key") or x.get("case_ref") or ""
    court = x.get("court") or ""
    if x.get("document_number"):
        return versioned_key("dn", court, case, str(x["document_number"]))
    if x.get("seq_no"):
        return versioned_key("ds", court, case, str(x["seq_no"]))
    when = x.get("entered_at") or ""
    return versioned_key(
        "dg", court, case, x.get("guid") or "", when, fold_text(x.get("text") or "")
    )


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
