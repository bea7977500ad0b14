"""Assembles the parts one process needs: store, fetcher, parse pool, poller, deliverer.

Contains no business logic; the CLI and the service both open an ``App`` and call its parts.
"""

from __future__ import annotations

import math
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from monitor.config import Config, hang_deadline
from monitor.deliver import Deliverer
from monitor.fetch import Fetcher
from monitor.notify import build_notifiers
from monitor.pace import pace_fleet
from monitor.pipeline import Poller, process_owner
from monitor.pool import WorkerPool
from monitor.prepare import init_worker
from monitor.redact import registered_secrets
from monitor.store import Store
from monitor.store.db import require_current_schema
from monitor.worker import Ingester

MAX_DEFAULT_WORKERS = 8  # each takes 35–75 MiB; a big host's CPU count is no reason for more
CGROUP_CPU_MAX = Path("/sys/fs/cgroup/cpu.max")


def worker_count(setting: int | None, *, cpu_max: Path = CGROUP_CPU_MAX) -> int:
    """``settings.workers``, else one fewer than the CPUs available (this process parses
    too: see ``monitor.lanes``), at least one, at most ``MAX_DEFAULT_WORKERS``."""
    return setting or max(1, min(available_cpus(cpu_max) - 1, MAX_DEFAULT_WORKERS))


def available_cpus(cpu_max: Path = CGROUP_CPU_MAX) -> int:
    """The CPUs this process may use: its CPU affinity, bounded by a cgroup v2 CPU quota
    (``cpu.max``, which ``docker run --cpus`` sets) when there is one."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cpus = cpus or 1
    try:
        quota, period = cpu_max.read_text().split()
        if quota != "max":
            cpus = min(cpus, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):  # no cgroup v2 quota here
        pass
    return cpus


def parse_pool(config: Config, workers: int, ingester: Ingester) -> WorkerPool:
    """Processes that parse, match and (on PostgreSQL) record the fetched feeds not ingested
    in this process (``monitor.prepare``, ``monitor.worker``): bodies that need feedparser or
    are big, and in a burst whatever this process cannot keep up with. Each feed may use
    ``settings.feed_budget`` of CPU and must be done within ``hang_deadline`` (see
    ``monitor.pool``). forkserver keeps the children clean of our threads; it preloads
    nothing, so that it stays small (each worker imports what it needs once, when it
    starts). They get the topics ``ingester`` compiled and its tracked cases; where its
    store has one writer (SQLite) this process records what the workers prepare, so they
    get no database (and never import the store)."""
    budget = config.settings.feed_budget
    store = ingester.store
    return WorkerPool(
        workers,
        initializer=init_worker,
        initargs=(
            ingester.topics.topics,
            ingester.tracked,
            None if store.one_writer else store.url,
            registered_secrets(),
        ),
        budget=budget.total_seconds(),
        deadline=hang_deadline(budget).total_seconds(),
    )


@dataclass
class App:
    config: Config
    store: Store
    poller: Poller
    deliverer: Deliverer
    pool: WorkerPool


@asynccontextmanager
async def open_app(config: Config, *, check_schema: bool = True) -> AsyncIterator[App]:
    """Open every resource for ``config``; close them all on exit, whatever happened."""
    owner = process_owner()
    store = Store(config.settings.database_url)
    ingester = Ingester.for_topics(config.topics, store)
    pool = parse_pool(config, worker_count(config.settings.workers), ingester)
    notifiers = build_notifiers(config.effective_notifiers(), config.settings.timezone)
    pace_fleet(notifiers, store)  # replicas on one database share each channel's pace
    try:
        if check_schema:
            await store.run(require_current_schema, store.engine)
        async with Fetcher(config.settings.http) as fetcher:
            poller = Poller(config, store, fetcher, parse_pool=pool, ingester=ingester, owner=owner)
            deliverer = Deliverer.for_config(config, store, notifiers, owner)
            yield App(config, store, poller, deliverer, pool)
    finally:
        for notifier in notifiers.values():
            await notifier.aclose()
        pool.close()
        store.close()
