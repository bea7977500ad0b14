"""Digests: which routes send them on which schedule, and how a period's alerts are grouped.

Pure: data in, data out. ``digest_plans`` reads the routes of a config (one plan per notifier,
schedule and time zone); ``group_alerts`` arranges alerts by topic, a court case's entries
together (and counts filings and stories); ``docket_view`` is the plain-text docket line
every renderer shares. Sending and
claiming live in ``monitor.deliver``; the schedule runs in ``monitor.service``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from monitor.config import Config
from monitor.docket_entry import defendants_line
from monitor.entry import Alert

DOCKET_KINDS = frozenset({"pacer", "courtlistener"})


@dataclass(frozen=True)
class DigestPlan:
    """One digest email: ``notifier`` sends ``topics`` on ``schedule`` (cron) in ``timezone``."""

    notifier: str
    schedule: str
    timezone: str
    topics: frozenset[str]

    @property
    def pairs(self) -> frozenset[tuple[str, str]]:
        return frozenset((t, self.notifier) for t in self.topics)


def digest_plans(config: Config) -> list[DigestPlan]:
    """Every digest the routes ask for, topics of the same notifier and schedule merged."""
    found: dict[tuple[str, str, str], set[str]] = {}
    for route in config.effective_routes():
        if route.mode != "digest" or route.schedule is None:
            continue
        zone = route.timezone or config.settings.timezone
        for notifier in route.notifiers:
            found.setdefault((notifier, route.schedule, zone), set()).add(route.topic)
    return [DigestPlan(n, s, z, frozenset(t)) for (n, s, z), t in found.items()]


@dataclass(frozen=True)
class DocketView:
    """A docket alert as a docket line, in plain text parts (the renderer escapes): the case
    once, the entry number and docket text, and the links, the document first (the docket
    report costs a PACER fee, a document is what the reader wants)."""

    court: str  # "ILND"
    case_number: str
    case_name: str
    number: str  # the entry (document) number, or ""
    text: str  # the full docket text where the feed has it, else the short one
    defendants: str  # "Defendants: 1 USA v. Hart; 2 USA v. Osei", or ""
    links: tuple[tuple[str, str], ...]  # (label, url), the document first

    @property
    def case(self) -> str:
        """``ILND 1:21-cv-00135 In re Clearview AI``: court, case number and name."""
        return " ".join(p for p in (self.court, self.case_number, self.case_name) if p)

    @property
    def entry(self) -> str:
        """``#612 Motion to Dismiss``: the entry number and docket text."""
        return " ".join(p for p in (f"#{self.number}" if self.number else "", self.text) if p)

    @property
    def document_url(self) -> str | None:
        return next((url for label, url in self.links if label.startswith("Document")), None)


def is_docket(alert: Alert) -> bool:
    extra = alert.extra
    return alert.source_kind in DOCKET_KINDS or bool(
        extra.get("docket") or extra.get("case_number")
    )


def docket_view(extra: Mapping[str, Any]) -> DocketView:
    """Court, case number and name, entry number, docket text, defendants and links of a
    docket entry's ``extra`` (``monitor.docket_entry.DocketEntry``'s fields; any may be
    absent)."""
    number = str(extra.get("document_number") or extra.get("entry_number") or "")
    raw = extra.get("links") or []
    pairs = list(raw.items()) if isinstance(raw, dict) else [(str(u), u) for u in raw]
    pairs.insert(0, (f"Document {number}".strip(), extra.get("document_url")))
    # PACER's docket report costs a fee; a CourtListener docket page does not
    free = extra.get("feed") == "courtlistener"
    pairs.append(("Docket on CourtListener" if free else "Docket report", extra.get("docket_url")))
    links = tuple((str(label), url) for label, url in pairs if isinstance(url, str) and url)
    text = extra.get("full_text") or extra.get("text") or extra.get("docket_text") or ""
    return DocketView(
        court=str(extra.get("court") or "").upper(),
        case_number=str(extra.get("case_number") or ""),
        case_name=str(extra.get("case_name") or ""),
        number=number,
        text=str(text),
        defendants=defendants_line(extra.get("defendants") or ()),
        links=links,
    )


@dataclass(frozen=True)
class DigestItem:
    alert: Alert
    docket: DocketView


@dataclass
class DigestCase:
    line: str  # court, case number and name
    alerts: list[DigestItem] = field(default_factory=list)


@dataclass
class DigestSection:
    topic: str
    cases: list[DigestCase] = field(default_factory=list)
    stories: list[Alert] = field(default_factory=list)


@dataclass(frozen=True)
class DigestCounts:
    """How many filings (docket entries) and news stories a digest lists."""

    filings: int
    stories: int

    @property
    def total(self) -> int:
        return self.filings + self.stories

    def describe(self) -> str:
        """``3 new filings and 1 new story``; a kind with none is left out."""
        filings = f"{self.filings} new filing{'' if self.filings == 1 else 's'}"
        stories = f"{self.stories} new {'story' if self.stories == 1 else 'stories'}"
        return " and ".join(p for n, p in ((self.filings, filings), (self.stories, stories)) if n)


def digest_counts(sections: Sequence[DigestSection]) -> DigestCounts:
    filings = sum(len(c.alerts) for s in sections for c in s.cases)
    return DigestCounts(filings, sum(len(s.stories) for s in sections))


def group_alerts(alerts: Sequence[Alert]) -> list[DigestSection]:
    """Sections by topic (in first-seen order); in each, docket entries (filings) grouped
    by case (thread key, else court, number and name) and news stories in order. Follow-ups
    are dropped: a digest lists stories, and the story itself is in it or in an earlier
    digest."""
    sections: dict[str, DigestSection] = {}
    cases: dict[tuple[str, str], DigestCase] = {}
    for alert in alerts:
        if alert.slot != "alert":
            continue
        section = sections.setdefault(alert.topic, DigestSection(alert.topic))
        if not is_docket(alert):
            section.stories.append(alert)
            continue
        view = docket_view(alert.extra)
        case_line = view.case or alert.title
        key = (alert.topic, alert.thread_key or case_line)
        if key not in cases:
            cases[key] = DigestCase(case_line)
            section.cases.append(cases[key])
        cases[key].alerts.append(DigestItem(alert, view))
    return list(sections.values())
