"""Applying ``settings.retention``: prune old rows batch by batch, never holding a lock for
long. ``monitor run`` calls ``prune`` once a day (one replica of a fleet, see
``store.fleet.claim_job``), ``monitor db prune`` on demand. Each batch is one short
transaction, and the event loop yields between batches so polls and sends go on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Connection

from monitor.config import RetentionSettings
from monitor.store import Store
from monitor.store import retention as rows

log = logging.getLogger(__name__)

BATCH_PAUSE_S = 0.05  # between two batches: other writers get the database in between

Step = Callable[[Connection, datetime, int], int]


@dataclass
class PruneReport:
    deleted: dict[str, int] = field(default_factory=dict)  # kind → rows deleted

    def describe(self) -> str:
        if not self.deleted:
            return "retention: nothing configured (settings.retention)"
        return "pruned " + ", ".join(
            f"{n} {kind.replace('_', ' ')}" for kind, n in self.deleted.items()
        )


def steps(settings: RetentionSettings) -> list[tuple[str, Step, timedelta]]:
    """What to prune, in order (what refers to a row goes before it), with the age."""
    found: list[tuple[str, Step, timedelta | None]] = [
        ("dead_deliveries", rows.prune_dead_deliveries, settings.dead_deliveries),
        ("hits", rows.prune_hits, settings.hits),
        ("entries", rows.prune_entries, settings.entries),
        ("stories", rows.prune_stories, settings.entries),
    ]
    return [(kind, step, age) for kind, step, age in found if age is not None]


async def prune(store: Store, settings: RetentionSettings, now: datetime) -> PruneReport:
    """Delete what ``settings`` says is too old at ``now``; raises StoreError."""
    report = PruneReport()
    for kind, step, age in steps(settings):
        report.deleted[kind] = 0
        while True:
            done = await store.run(_batch, store, step, now - age, settings.batch)
            report.deleted[kind] += done
            if done < settings.batch:
                break
            await asyncio.sleep(BATCH_PAUSE_S)
    return report


def _batch(store: Store, step: Step, cutoff: datetime, size: int) -> int:
    with store.begin() as conn:
        return step(conn, cutoff, size)
