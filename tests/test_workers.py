"""How many worker processes parse and record feeds by default (monitor.app.worker_count):
one fewer than the CPUs, as the poller's own process parses too, and at least one."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from monitor.app import MAX_DEFAULT_WORKERS, available_cpus, worker_count

AFFINITY = len(os.sched_getaffinity(0))


def cpu_max(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cpu.max"
    path.write_text(text)
    return path


def test_a_container_cpu_quota_bounds_the_workers(tmp_path: Path) -> None:
    half_a_cpu = cpu_max(tmp_path, "50000 100000\n")  # docker run --cpus 0.5
    assert available_cpus(half_a_cpu) == 1
    assert worker_count(None, cpu_max=half_a_cpu) == 1  # never none: feedparser runs there

    one_and_a_half = cpu_max(tmp_path, "150000 100000\n")
    assert available_cpus(one_and_a_half) == min(2, AFFINITY)


def test_without_a_quota_the_cpus_this_process_may_use_count(tmp_path: Path) -> None:
    assert available_cpus(cpu_max(tmp_path, "max 100000\n")) == AFFINITY
    assert available_cpus(tmp_path / "absent") == AFFINITY
    assert available_cpus(cpu_max(tmp_path, "garbage")) == AFFINITY
    expected = max(1, min(AFFINITY - 1, MAX_DEFAULT_WORKERS))  # the poller's process parses too
    assert worker_count(None, cpu_max=tmp_path / "absent") == expected


def test_the_setting_wins_over_the_cpus(tmp_path: Path) -> None:
    assert worker_count(12, cpu_max=cpu_max(tmp_path, "50000 100000\n")) == 12


def test_a_worker_that_only_parses_never_loads_the_store_nor_the_config_models(
    db_url: str,
) -> None:
    # On SQLite this process records what the workers prepare, so a worker needs no store:
    # without SQLAlchemy it holds about 17 MiB less, and without the config models (pydantic)
    # about 12 MiB less and imports for 70 ms less. On PostgreSQL the workers record.
    from feedgen import rss, story
    from poolwork import imported

    from monitor.app import parse_pool
    from monitor.config import Config, Settings, Source, Topic
    from monitor.prepare import SourceKind, prepare_in_worker
    from monitor.store import Store
    from monitor.worker import Ingester

    source = Source(name="wire", url="https://wire.example/rss")
    config = Config(
        settings=Settings(database_url=db_url),
        sources=[source],
        topics=[Topic(name="clearview", terms=["Clearview AI"])],
    )
    body = rss([story(1, "Clearview AI fined in Italy"), story(2, "Weather")])

    store = Store(db_url)

    async def in_worker() -> tuple[list[str], bool, bool]:
        pool = parse_pool(config, 1, Ingester.for_topics(config.topics, store))
        try:
            prepared = await pool.run(
                prepare_in_worker, body, {}, source.url, SourceKind.of(source)
            )
            sqlalchemy = await pool.run(imported, "sqlalchemy")
            matched = [c.entry.title for c in prepared.candidates if c.matches]
            return matched, sqlalchemy, await pool.run(imported, "pydantic")
        finally:
            pool.close()

    try:
        matched, store_loaded, config_loaded = asyncio.run(in_worker())
    finally:
        store.close()
    assert matched == ["Clearview AI fined in Italy"]  # the topics the poller compiled
    assert store_loaded == db_url.startswith("postgresql")
    assert config_loaded == db_url.startswith("postgresql")
