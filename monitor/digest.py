"""Digests: which routes send them on which schedule, and how a period's alerts are grouped.

Pure: data in, data out. ``digest_plans`` reads the routes of a config (one plan per notifier,
schedule and time zone); ``group_alerts`` arranges alerts by topic, a court case's entries
together; ``docket_view`` is the plain-text docket line every renderer shares. Sending and
claiming live in ``monitor.deliver``; the schedule runs in ``monitor.service``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from monitor.config import Config
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
    line: str  # "ILND · 1:21-cv-00135 · In re Clearview AI · entry 42"
    text: str
    links: tuple[tuple[str, str], ...]  # (label, url)


def is_docket(alert: Alert) -> bool:
    extra = alert.extra
    return alert.source_kind in DOCKET_KINDS or bool(
        extra.get("docket") or extra.get("case_number")
    )


def docket_view(extra: Mapping[str, Any]) -> DocketView:
    """Court, case number, case name, entry number, docket text and links, as plain text
    (any may be absent; the renderer escapes)."""
    number = extra.get("document_number") or extra.get("entry_number")
    parts = [
        str(extra.get("court") or "").upper(),
        str(extra.get("case_number") or ""),
        str(extra.get("case_name") or ""),
        f"entry {number}" if number else "",
    ]
    raw = extra.get("links") or []
    pairs = list(raw.items()) if isinstance(raw, dict) else [(str(u), u) for u in raw]
    # monitor.docket's fields: document_url, docket_url (full_text, else text)
    pairs += [(f"document {number}" if number else "document", extra.get("document_url"))]
    pairs += [("docket", extra.get("docket_url"))]
    links = tuple((str(label), url) for label, url in pairs if isinstance(url, str) and url)
    text = extra.get("full_text") or extra.get("text") or extra.get("docket_text") or ""
    return DocketView(" · ".join(p for p in parts if p), str(text), links)


@dataclass(frozen=True)
class DigestItem:
    alert: Alert
    docket: DocketView


@dataclass
class DigestCase:
    line: str
    alerts: list[DigestItem] = field(default_factory=list)


@dataclass
class DigestSection:
    topic: str
    cases: list[DigestCase] = field(default_factory=list)
    stories: list[Alert] = field(default_factory=list)


def group_alerts(alerts: Sequence[Alert]) -> list[DigestSection]:
    """Sections by topic (in first-seen order); in each, docket entries grouped by case
    (thread key, else the docket line) and news stories in order. Follow-ups are dropped:
    a digest lists stories, and the story itself is in it or in an earlier digest."""
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
        case_line = view.line.rsplit(" · entry ", 1)[0] or alert.title
        key = (alert.topic, alert.thread_key or case_line)
        if key not in cases:
            cases[key] = DigestCase(case_line)
            section.cases.append(cases[key])
        cases[key].alerts.append(DigestItem(alert, view))
    return list(sections.values())
