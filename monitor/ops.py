"""Telling ops when a source breaks and when it recovers (the ``ops`` route of feeds.yaml).

``ops_changes`` is pure: from each source's state (failing since when, its last docket
coverage gap, what ops were last told) it decides which sources changed: ``failing`` (failed
for at least ``ops.failing_for``), ``gap`` (the last successful poll of a docket feed shared no
entry with the one before), or back to working. ``OpsWatch`` runs it on the database: each
change is claimed with a compare-and-set on ``sources.ops_state`` (so one replica of a fleet
sends it, once), then sent to every ops notifier as one message; when no notifier took it,
the claim is undone and the next check tries again. A failing source costs one message when
it crosses the threshold and one when it recovers, however many polls fail in between.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from monitor.config import OpsRoute
from monitor.deliver import send_ops
from monitor.docket_keys import Gap
from monitor.errors import NotifyError
from monitor.notify import Notifier
from monitor.pipeline import utcnow
from monitor.store import Store
from monitor.store import dockets as cov
from monitor.store import sources as src

log = logging.getLogger(__name__)

GAPS_CONSIDERED = timedelta(days=1)  # older gaps are history (still shown by `monitor cases`)


@dataclass(frozen=True)
class OpsView:
    """What ops rules read of one source."""

    state: src.SourceState
    failing_since: datetime | None
    told: str | None  # what ops were last told: None (working), "failing" or "gap"
    gap: Gap | None = None  # its latest coverage gap, if recent


@dataclass(frozen=True)
class OpsChange:
    view: OpsView
    new: str | None  # "failing", "gap" or None (recovered)
    title: str
    detail: str


def ops_changes(views: Sequence[OpsView], now: datetime, route: OpsRoute) -> list[OpsChange]:
    """The sources whose ops state changed, with the message that tells it."""
    changes = []
    for view in views:
        new = _condition(view, now, route)
        if new != view.told:
            changes.append(_change(view, new, now))
    return changes


def _condition(view: OpsView, now: datetime, route: OpsRoute) -> str | None:
    state = view.state
    if state.consecutive_failures and view.failing_since is not None:
        if now - view.failing_since >= route.failing_for:
            return "failing"
        if view.told == "failing":
            return "failing"  # still failing: no recovery message until it works
    gap, good = view.gap, state.last_success_at
    # the last successful poll was the one that found the gap
    if route.coverage_gaps and gap is not None and good is not None and gap.detected_at >= good:
        return "gap"
    return None


def _change(view: OpsView, new: str | None, now: datetime) -> OpsChange:
    name = view.state.name
    if new == "failing":
        since = view.failing_since or now
        title = f"[ops] {name} has been failing for {_span(now - since)}"
        detail = (
            f"{view.state.consecutive_failures} polls in a row failed since "
            f"{since:%Y-%m-%d %H:%M} UTC; last error: {view.state.last_error or '?'}"
        )
    elif new == "gap":
        title = f"[ops] {name} shows a coverage gap"
        detail = view.gap.describe() if view.gap else "entries may have been missed"
    else:
        title = f"[ops] {name} works again"
        detail = "its last poll succeeded" + (
            "" if view.told != "gap" else " and overlaps the one before"
        )
    return OpsChange(view, new, title, detail)


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)}m" if minutes else f"{int(delta.total_seconds())}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes}m" if minutes else f"{hours}h"


class OpsWatch:
    """Checks the sources and tells the ops notifiers about each change, once per fleet."""

    def __init__(self, store: Store, route: OpsRoute, notifiers: Mapping[str, Notifier]) -> None:
        self._store = store
        self._route = route
        self._notifiers = [notifiers[name] for name in route.notifiers]

    async def check(self) -> int:
        """Send what changed since the last check; returns the number of changes told.
        Raises StoreError when the database does not answer."""
        now = utcnow()
        views = await self._store.run(self._views, now)
        told = 0
        for change in ops_changes(views, now, self._route):
            told += await self._tell(change)
        return told

    def _views(self, now: datetime) -> list[OpsView]:
        with self._store.begin(commit=False) as conn:
            rows = src.ops_rows(conn)
            gaps: dict[str, Gap] = {}
            if self._route.coverage_gaps:
                for gap in cov.list_gaps(conn, since=now - GAPS_CONSIDERED, limit=1000):
                    gaps.setdefault(gap.source, gap)  # newest first
        return [OpsView(state, since, told, gaps.get(state.name)) for state, since, told in rows]

    async def _tell(self, change: OpsChange) -> bool:
        source = change.view.state
        won = await self._store.run(self._move, source.id, change.view.told, change.new)
        if not won:
            return False  # another replica tells this one
        sent = 0
        for notifier in self._notifiers:
            try:
                await send_ops(notifier, change.title, change.detail, source)
                sent += 1
            except NotifyError as exc:
                log.warning("ops message to %s failed: %s", notifier.name, exc)
        log.info("%s (%s)", change.title, change.detail, extra={"source": source.name})
        if not sent:  # nobody heard it: the next check tries again
            await self._store.run(self._move, source.id, change.new, change.view.told)
        return bool(sent)

    def _move(self, source_id: int, old: str | None, new: str | None) -> bool:
        with self._store.begin() as conn:
            return src.set_ops_state(conn, source_id, old, new)
