"""The Sources and Deliveries pages, and their admin actions: retry a dead delivery (the
function ``monitor deliveries retry`` calls) and pause or resume a source.

Reads through ``monitor.store.sources`` and ``monitor.store.outbox``; every admin action
needs the admin sign-in and a CSRF token (``admin_form``) and is logged (``audit``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from monitor.store import outbox
from monitor.store import sources as src
from monitor.web.context import admin_form, audit, web_of

ACTIVITY_DAYS = 7  # entries per day are averaged over this many days
DELIVERY_PAGE = 50
SHOWN = {"owed": outbox.OWED_STATES, "dead": ("dead",), "all": (*outbox.OWED_STATES, "dead")}


@dataclass(frozen=True)
class SourceLine:
    activity: src.SourceActivity
    kind: str

    @property
    def state(self) -> str:
        s = self.activity.state
        if s.paused:
            return "paused"
        if s.consecutive_failures:
            return "failing"
        return "ok" if s.last_polled_at else "not polled yet"

    @property
    def failures(self) -> int:
        return self.activity.state.consecutive_failures

    @property
    def per_day(self) -> float:
        return self.activity.recent_entries / ACTIVITY_DAYS


def sources_page(request: Request) -> Response:
    """GET /sources: every source's health, failing ones first."""
    web = web_of(request)
    since = datetime.now(UTC) - timedelta(days=ACTIVITY_DAYS)
    with web.read() as conn:
        activity = src.source_activity(conn, since)
    lines = [SourceLine(a, a.state.kind) for a in activity]
    lines.sort(
        key=lambda line: (line.state != "failing", -line.activity.state.consecutive_failures)
    )
    return web.page(request, "sources.html.j2", lines=lines, days=ACTIVITY_DAYS)


def deliveries_page(request: Request) -> Response:
    """GET /deliveries: owed and dead deliveries with their reasons, newest first."""
    web = web_of(request)
    show = request.query_params.get("show", "all")
    if show not in SHOWN:
        show = "all"
    before = request.query_params.get("before", "")
    with web.read() as conn:
        rows = outbox.list_deliveries(
            conn,
            states=SHOWN[show],
            before=int(before) if before.isdigit() else None,
            limit=DELIVERY_PAGE + 1,
        )
        owed = outbox.count_owed(conn)
    more = len(rows) > DELIVERY_PAGE
    rows = rows[:DELIVERY_PAGE]
    return web.page(
        request,
        "deliveries.html.j2",
        rows=rows,
        show=show,
        owed=owed,
        next_before=rows[-1].id if more else None,
        done=request.query_params.get("done", ""),
    )


async def retry_delivery(request: Request) -> Response:
    """POST /admin/deliveries/{id}/retry: owe a dead (or failed) delivery again, now."""
    web = web_of(request)
    await admin_form(request)
    delivery_id = int(request.path_params["delivery_id"])

    def retry() -> int:
        with web.store.begin() as conn:
            return outbox.retry_deliveries(conn, datetime.now(UTC), ids=[delivery_id])

    count = await run_in_threadpool(retry)
    audit(request, f"retry delivery {delivery_id}: {count} owed again")
    if not count:
        raise HTTPException(409, f"delivery {delivery_id} is not dead or failed: nothing to retry")
    return RedirectResponse(f"/deliveries?done=retried+{delivery_id}", 303)


async def pause_source(request: Request) -> Response:
    """POST /admin/sources/{name}/pause or /resume: the poller skips a paused source."""
    web = web_of(request)
    if request.path_params["action"] not in ("pause", "resume"):
        raise HTTPException(404, "unknown source action: pause or resume")
    await admin_form(request)
    name = request.path_params["name"]
    paused = request.path_params["action"] == "pause"

    def change() -> bool:
        with web.store.begin() as conn:
            return src.set_paused(conn, name, paused)

    changed = await run_in_threadpool(change)
    audit(
        request,
        f"{request.path_params['action']} source {name!r}: {'done' if changed else 'unknown'}",
    )
    if not changed:
        raise HTTPException(404, f"no active source named {name!r}")
    return RedirectResponse("/sources", 303)
