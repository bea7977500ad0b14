"""Feeds out: an Atom feed of the alerts of each topic, and one of every alert, so a desk
can subscribe in any feed reader; and the page that lists them.

An alert is a recorded hit that was not suppressed (``monitor.store.records.list_hits``, the
query ``monitor hits`` uses). Each entry links to the article (when its link is http or
https) and to the story's page here. Renders only.
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from monitor.store.records import list_hits
from monitor.tuning import find_topic
from monitor.web.context import web_of
from monitor.web.security import is_https

FEED_ENTRIES = 50


def feeds_page(request: Request) -> Response:
    """GET /feeds: the Atom feeds on offer."""
    web = web_of(request)
    return web.page(request, "feeds.html.j2", topics=web.config.topics)


def _base(request: Request) -> str:
    """This server's address as the browser (or the trusted proxy's client) sees it."""
    scheme = "https" if is_https(request, web_of(request).access) else request.url.scheme
    return f"{scheme}://{request.url.netloc}"


def _feed(request: Request, topic: str | None) -> Response:
    web = web_of(request)
    with web.read() as conn:
        rows = list_hits(conn, topic=topic, limit=FEED_ENTRIES, alerted_only=True)
    updated = rows[0].created_at if rows else datetime.now(UTC)
    body = web.env.get_template("atom.xml.j2").render(
        base=_base(request),
        self_url=f"{_base(request)}{request.url.path}",
        topic=topic,
        rows=rows,
        updated=updated,
    )
    return Response(body, media_type="application/atom+xml; charset=utf-8")


def alerts_feed(request: Request) -> Response:
    """GET /feeds/alerts.atom: every topic's alerts, newest first."""
    return _feed(request, None)


def topic_feed(request: Request) -> Response:
    """GET /feeds/topics/{name}.atom: one topic's alerts, newest first."""
    name = request.path_params["name"]
    if find_topic(web_of(request).config, name) is None:
        raise HTTPException(404, f"no topic named {name!r}")
    return _feed(request, name)
