"""The Stories pages: the list (newest first, filtered by topic, source kind, dates and
words, a page at a time) and one story with its entries, follow-ups and deliveries.

Reads through ``monitor.store.stories`` (the queries ``monitor story`` uses); renders only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from monitor.config import SOURCE_KIND_GROUPS
from monitor.store.stories import story_deliveries, story_hits, story_report
from monitor.store.story_list import StoryFilter, list_stories
from monitor.web.context import web_of

PAGE = 50


@dataclass(frozen=True)
class Filters:
    """The stories page's query string, checked: bad values are dropped with a note."""

    topic: str = ""
    kind: str = ""
    since: str = ""
    until: str = ""
    q: str = ""
    problems: tuple[str, ...] = ()

    def query(self, **extra: object) -> dict[str, object]:
        """The filters as query parameters (for the next page's link)."""
        values = {"topic": self.topic, "kind": self.kind, "from": self.since, "to": self.until}
        values["q"] = self.q
        return {k: v for k, v in {**values, **extra}.items() if v not in ("", None)}


def _date(value: str, name: str, problems: list[str]) -> str:
    if not value:
        return ""
    try:
        date.fromisoformat(value)
    except ValueError:
        problems.append(f"{name}: expected a date such as 2026-11-20")
        return ""
    return value


def read_filters(request: Request, topics: list[str]) -> Filters:
    params = request.query_params
    problems: list[str] = []
    topic = params.get("topic", "")
    if topic and topic not in topics:
        problems.append(f"topic: no topic named {topic!r}")
        topic = ""
    kind = params.get("kind", "")
    if kind and kind not in SOURCE_KIND_GROUPS:
        problems.append("kind: expected news or dockets")
        kind = ""
    since = _date(params.get("from", ""), "from", problems)
    until = _date(params.get("to", ""), "to", problems)
    q = " ".join(params.get("q", "").split())[:200]
    return Filters(topic, kind, since, until, q, tuple(problems))


def _start_of(day: str, zone: ZoneInfo, days: int = 0) -> datetime | None:
    if not day:
        return None
    return datetime.combine(date.fromisoformat(day) + timedelta(days=days), time(), zone)


def _before(request: Request) -> int | None:
    value = request.query_params.get("before", "")
    return int(value) if value.isdigit() else None


def stories_page(request: Request) -> Response:
    """GET /: the stories, newest first, a page at a time (``before``: keyset)."""
    web = web_of(request)
    topics = [t.name for t in web.config.topics]
    filters = read_filters(request, topics)
    zone = ZoneInfo(web.config.settings.timezone)
    filt = StoryFilter(
        topic=filters.topic or None,
        kinds=SOURCE_KIND_GROUPS[filters.kind] if filters.kind else None,
        since=_start_of(filters.since, zone),
        until=_start_of(filters.until, zone, days=1),  # "to" is inclusive
        text=filters.q or None,
    )
    with web.read() as conn:
        rows = list_stories(conn, filt, before=_before(request), limit=PAGE + 1)
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    next_query = filters.query(before=rows[-1].id) if more else None
    return web.page(
        request,
        "stories.html.j2",
        rows=rows,
        filters=filters,
        topics=topics,
        next_query=next_query,
        paged=_before(request) is not None,
    )


def story_page(request: Request) -> Response:
    """GET /stories/{id}: entries and why each joined, topics, follow-ups, deliveries."""
    web = web_of(request)
    story_id = int(request.path_params["story_id"])
    with web.read() as conn:
        report = story_report(conn, story_id)
        if report is None:
            raise HTTPException(404, f"no story {story_id}")
        hits = story_hits(conn, story_id)
        sent = story_deliveries(conn, story_id)
    entry_titles = {m.id: m.title for m in report.members}
    return web.page(
        request,
        "story.html.j2",
        story=report,
        hits=hits,
        deliveries=sent,
        entry_titles=entry_titles,
    )
