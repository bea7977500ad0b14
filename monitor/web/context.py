"""What every page handler shares: the config, the store, the access rules and templates,
and the helpers to render a page, read a checked form and log an admin action.

Contains no business logic.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment
from sqlalchemy import Connection
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse

from monitor.config import Config
from monitor.store import Store
from monitor.web.security import Access, csrf_seed

log = logging.getLogger("monitor.web")
MAX_FORM_FIELDS = 20
MAX_FORM_BYTES = 256 * 1024  # a pasted article fits; a flood does not


@dataclass
class Web:
    """One web server's shared state (``request.app.state.web``)."""

    config: Config
    store: Store
    access: Access
    env: Environment
    backtests: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(1))

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction (takes no write lock on SQLite)."""
        with self.store.read() as conn:
            yield conn

    def page(
        self, request: Request, template: str, status: int = 200, **values: Any
    ) -> HTMLResponse:
        """Render ``template`` with ``values`` plus what every page shows: the CSRF token for
        its forms and whether admin actions are on and signed in."""
        seed = csrf_seed(request)
        html = self.env.get_template(template).render(
            request=request,
            path=request.url.path,
            csrf=self.access.csrf_token(seed) if seed else "",
            admin=self.access.is_admin(request),
            admin_enabled=self.access.admin_enabled,
            **values,
        )
        return HTMLResponse(html, status)


def web_of(request: Request) -> Web:
    web: Web = request.app.state.web
    return web


async def checked_form(request: Request) -> FormData:
    """The POSTed form, after checking its CSRF token; raises HTTPException 403 without
    a valid one (411 without a length, 413 for an oversized form)."""
    length = request.headers.get("content-length", "")
    if not length.isdigit():  # a browser's form always says how long it is
        raise HTTPException(411, "a form needs a Content-Length")
    if int(length) > MAX_FORM_BYTES:
        raise HTTPException(413, "form too large")
    form = await request.form(max_fields=MAX_FORM_FIELDS, max_files=0)
    token = form.get("csrf")
    token_text = token if isinstance(token, str) else None
    if not web_of(request).access.csrf_ok(csrf_seed(request), token_text):
        log.warning("web: POST %s refused: missing or invalid CSRF token", request.url.path)
        raise HTTPException(403, "missing or invalid CSRF token: reload the page and try again")
    return form


async def admin_form(request: Request) -> FormData:
    """``checked_form`` for an admin action: also needs a live admin sign-in (403)."""
    form = await checked_form(request)
    if not web_of(request).access.is_admin(request):
        log.warning("web: admin action %s refused: not signed in as admin", request.url.path)
        raise HTTPException(403, "this is an admin action: sign in as admin first")
    return form


def field_text(form: FormData, name: str, limit: int = 20000) -> str:
    """A text field of ``form`` ("" when absent), cut to ``limit`` characters."""
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def audit(request: Request, action: str) -> None:
    """Log an admin action with the address it came from."""
    peer = request.client.host if request.client else "?"
    log.info("web admin action: %s (from %s)", action, peer)
