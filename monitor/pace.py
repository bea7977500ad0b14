"""A channel's pace held by the whole fleet: replicas reserve send slots in the database.

``FleetPacer`` is the ``monitor.notify.slack.Pace`` that replicas on PostgreSQL share: before
each message it reserves the channel's next free slot (``store.fleet.reserve_slot``, one
short transaction under the slot row's lock, timed by the database's clock) and sleeps until
that slot, so two replicas' messages to one channel are ``interval`` apart, never closer.
A slot reserved for a message that then fails is simply spent: pacing only ever delays.
SQLite serves one process, whose own pacer already holds the pace. Contains no business
logic.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import timedelta

from monitor.notify import Notifier
from monitor.pipeline import utcnow
from monitor.store import Store
from monitor.store.fleet import reserve_slot


class FleetPacer:
    """Spaces messages to a channel ``interval`` seconds apart across every replica."""

    def __init__(self, store: Store, interval: float) -> None:
        self.interval = interval
        self._store = store
        self._pace = timedelta(seconds=interval)

    async def wait(self, key: str) -> None:
        delay = await self._store.run(self._reserve, key)
        if delay > 0:
            await asyncio.sleep(delay)

    def _reserve(self, key: str) -> float:
        with self._store.begin() as conn:
            return reserve_slot(conn, key, self._pace, utcnow())


def pace_fleet(notifiers: Mapping[str, Notifier], store: Store) -> None:
    """On PostgreSQL (where replicas share the database), make every paced notifier hold
    its pace for the fleet; on SQLite (one process) leave their own pacers."""
    if store.engine.dialect.name != "postgresql":
        return
    from monitor.notify.slack import SlackNotifier  # only here: a command's start-up stays light

    for notifier in notifiers.values():
        if isinstance(notifier, SlackNotifier):
            notifier.pace_with(FleetPacer(store, notifier.pace))
