"""The web application: its routes, the guard in front of them, static assets, error pages.

``create_app(config, store)`` returns an ASGI app (Starlette) over the same store queries
the CLI uses; ``monitor.web.server`` runs it. GET pages only read; every POST checks a CSRF
token, and the admin ones an admin sign-in too.
"""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from monitor.config import Config
from monitor.errors import StoreError
from monitor.store import Store
from monitor.web import admin, atom, cases, status, stories, topics
from monitor.web.context import Web, log, web_of
from monitor.web.render import make_environment
from monitor.web.security import Access, Guard

STATIC = Path(__file__).resolve().parent / "static"

ROUTES = [
    Route("/", stories.stories_page),
    Route("/stories/{story_id:int}", stories.story_page),
    Route("/cases", cases.cases_page),
    Route("/cases/{court}/{number:path}", cases.case_page),
    Route("/sources", status.sources_page),
    Route("/deliveries", status.deliveries_page),
    Route("/topics", topics.topics_page),
    Route("/topics/{name}", topics.topic_page),
    Route("/topics/{name}/explain", topics.explain_form, methods=["POST"]),
    Route("/topics/{name}/backtest", topics.backtest_form, methods=["POST"]),
    Route("/feeds", atom.feeds_page),
    Route("/feeds/alerts.atom", atom.alerts_feed),
    Route("/feeds/topics/{name}.atom", atom.topic_feed),
    Route("/admin", admin.admin_page),
    Route("/admin/signin", admin.sign_in, methods=["POST"]),
    Route("/admin/signout", admin.sign_out, methods=["POST"]),
    Route("/admin/deliveries/{delivery_id:int}/retry", status.retry_delivery, methods=["POST"]),
    Route("/admin/sources/{name}/{action:str}", status.pause_source, methods=["POST"]),
    Mount("/static", StaticFiles(directory=STATIC), name="static"),
]


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        return Response("method not allowed", 405, headers=exc.headers)
    return web_of(request).page(
        request, "error.html.j2", status=exc.status_code, message=exc.detail
    )


async def _store_error(request: Request, exc: Exception) -> Response:
    log.error("web: %s: %s", request.url.path, exc)
    return web_of(request).page(
        request, "error.html.j2", status=503, message=f"the database did not answer: {exc}"
    )


def create_app(config: Config, store: Store) -> Starlette:
    """The web app for ``config`` over ``store`` (which the caller opens and closes)."""
    access = Access(config.settings.web)
    app = Starlette(
        routes=ROUTES,
        middleware=[Middleware(Guard, access=access)],
        exception_handlers={HTTPException: _http_error, StoreError: _store_error},
    )
    app.state.web = Web(config, store, access, make_environment(config.settings.timezone))
    return app
