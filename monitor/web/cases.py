"""The Cases pages: every tracked case (each topic's ``cases``) with its latest filing, and
one case's timeline of filings with the possible coverage gaps of its court's feed.

Reads through ``monitor.store.dockets`` (the queries ``monitor cases`` uses); renders only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from monitor.config import Config
from monitor.docket import normalize_case_number
from monitor.store import dockets
from monitor.web.context import web_of

TIMELINE_PAGE = 100


@dataclass(frozen=True)
class TrackedCase:
    court: str
    number: str  # as configured
    key: str  # normalised: what entries store as case_key
    topics: tuple[str, ...]


def tracked_cases(config: Config) -> list[TrackedCase]:
    """Each tracked case once (by court and normalised number), with the topics tracking it."""
    found: dict[tuple[str, str], TrackedCase] = {}
    for topic in config.topics:
        for case in topic.cases:
            key = (case.court, normalize_case_number(case.number))
            known = found.get(key)
            topics = (*known.topics, topic.name) if known else (topic.name,)
            found[key] = TrackedCase(case.court, case.number, key[1], topics)
    return list(found.values())


@dataclass(frozen=True)
class CaseLine:
    case: TrackedCase
    total: int
    latest: dockets.CaseEntry | None

    @property
    def name(self) -> str:
        return str(self.latest.extra.get("case_name") or "") if self.latest else ""


def cases_page(request: Request) -> Response:
    """GET /cases: the tracked cases, each with its stored entries and latest filing."""
    web = web_of(request)
    lines = []
    with web.read() as conn:
        for case in tracked_cases(web.config):
            total, latest = dockets.case_entries(conn, case.court, case.key, limit=1)
            lines.append(CaseLine(case, total, latest[0] if latest else None))
        gaps = dockets.list_gaps(conn, limit=10)
    return web.page(request, "cases.html.j2", lines=lines, gaps=gaps)


def _before(request: Request) -> tuple[datetime, int] | None:
    at, _, entry_id = request.query_params.get("before", "").partition("~")
    try:
        return datetime.fromisoformat(at), int(entry_id)
    except ValueError:
        return None


def case_page(request: Request) -> Response:
    """GET /cases/{court}/{number}: the case's filings, newest first, and its court's gaps."""
    web = web_of(request)
    court = request.path_params["court"]
    key = normalize_case_number(request.path_params["number"])
    case = next((c for c in tracked_cases(web.config) if (c.court, c.key) == (court, key)), None)
    if case is None:
        raise HTTPException(404, f"{court} {key} is not a tracked case (topics[].cases)")
    with web.read() as conn:
        total, entries = dockets.case_entries(
            conn, court, key, limit=TIMELINE_PAGE + 1, before=_before(request)
        )
        gaps = dockets.list_gaps(conn, court=court, limit=20)
    more = len(entries) > TIMELINE_PAGE
    entries = entries[:TIMELINE_PAGE]
    last = entries[-1] if entries else None
    next_before = f"{last.filed_at.isoformat()}~{last.id}" if more and last else None
    name = next((str(e.extra.get("case_name") or "") for e in entries), "")
    return web.page(
        request,
        "case.html.j2",
        case=case,
        name=name,
        total=total,
        entries=entries,
        gaps=gaps,
        next_before=next_before,
    )
