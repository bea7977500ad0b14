"""Benchmark the service's own poll path: one cold and one conditional cycle.

Starts a loopback feed farm in a separate process (N synthetic RSS feeds of 20–50 entries and
20–80 KB, spread over several 127.0.0.x hosts, with a configurable per-request latency), then
runs ``Poller.poll`` for every source — exactly what ``monitor poll --once`` and the service
do: fetch, then parse, match and store in SQLite (in this process, and in a burst with
workers that parse while this process records: monitor.lanes) — twice: cold
(empty database) and conditional (every feed answers 304). Prints feeds/s, CPU seconds (this
process, its workers, and the farm apart) and peak RSS for each cycle.

    .venv/bin/python bench/poll.py --feeds 2000 --latency 0.1
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import random
import tempfile
import time
from pathlib import Path

import farm  # bench/farm.py, beside this script
import psutil

from monitor.app import open_app
from monitor.config import Config, HttpSettings, Settings, Source, Topic
from monitor.store.db import make_engine, upgrade

WORDS = [
    "court",
    "privacy",
    "biometric",
    "lawsuit",
    "regulator",
    "data",
    "face",
    "search",
    "police",
    "city",
    "council",
    "market",
    "energy",
    "report",
    "vote",
    "budget",
    "school",
    "weather",
    "sport",
    "game",
    "season",
    "policy",
]


def synthetic_feed(n: int, rng: random.Random) -> bytes:
    """An RSS 2.0 feed of 20–50 items whose size lands between 20 and 80 KB."""
    count = rng.randint(20, 50)
    target = rng.randint(20_000, 80_000)
    per_item = max(200, target // count - 250)
    items = []
    for i in range(count):
        text = " ".join(rng.choice(WORDS) for _ in range(per_item // 7))
        if rng.random() < 0.02:
            text = "Clearview AI " + text
        items.append(
            f"<item><title>Feed {n} story {i}: {rng.choice(WORDS)} {rng.choice(WORDS)}</title>"
            f"<link>https://news{n}.example.com/{i}</link><guid>https://news{n}.example.com/{i}"
            f"</guid><pubDate>Tue, 24 Nov 2026 10:{i % 60:02d}:00 GMT</pubDate>"
            f"<description>&lt;p&gt;{text}&lt;/p&gt;</description></item>"
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Feed {n}</title><link>https://news{n}.example.com/</link>"
        f"<description>synthetic</description>{''.join(items)}</channel></rss>"
    ).encode()


def serve_farm(
    feeds: int,
    hosts: int,
    latency: float,
    urls: multiprocessing.Queue,  # type: ignore[type-arg]
) -> None:
    """The feed farm's process: build the feeds, then serve them until terminated."""
    rng = random.Random(42)
    bodies = [synthetic_feed(n, rng) for n in range(feeds)]
    asyncio.run(farm.serve(bodies, hosts, latency, urls.put))


FARM_PID = 0  # the feed farm is our child too, but its CPU is not the poller's


def cpu_seconds(proc: psutil.Process) -> tuple[float, float, float]:
    """CPU seconds of (this process, its workers, the feed farm)."""
    own = sum(proc.cpu_times()[:2])
    workers = farm_cpu = 0.0
    for p in proc.children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            if p.pid == FARM_PID:
                farm_cpu = sum(p.cpu_times()[:2])
            else:
                workers += sum(p.cpu_times()[:2])
    return own, workers, farm_cpu


def rss_bytes(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        if p.pid == FARM_PID:
            continue
        with contextlib.suppress(psutil.NoSuchProcess):
            total += p.memory_info().rss
    return total


async def cycle(app, label: str, feeds: int) -> None:  # type: ignore[no-untyped-def]
    me = psutil.Process()
    peak = rss_bytes(me)
    done = asyncio.Event()

    async def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_bytes(me))
            await asyncio.sleep(0.1)

    sampler = asyncio.create_task(sample())
    cpu0, t0 = cpu_seconds(me), time.perf_counter()
    states = await app.poller.claim(due_only=False, limit=feeds)
    reports = await asyncio.gather(*(app.poller.poll(s) for s in states))
    elapsed = time.perf_counter() - t0
    cpu1 = cpu_seconds(me)
    main_cpu, worker_cpu, farm_cpu = (
        after - before for after, before in zip(cpu1, cpu0, strict=True)
    )
    done.set()
    await sampler
    outcomes: dict[str, int] = {}
    for r in reports:
        outcomes[r.outcome] = outcomes.get(r.outcome, 0) + 1
    new = sum(r.new_entries for r in reports)
    print(
        f"{label:12} {len(reports) / elapsed:8.1f} feeds/s  {elapsed:7.2f} s wall  "
        f"{main_cpu + worker_cpu:7.2f} s CPU ({main_cpu:.2f} main + {worker_cpu:.2f} workers; "
        f"farm {farm_cpu:.2f})  "
        f"peak RSS {peak / 2**20:6.0f} MiB  new entries {new}  outcomes {outcomes}"
    )
    failed = [r for r in reports if r.outcome == "failed"]
    if failed:
        print(f"  first failure: {failed[0].source}: {failed[0].error}")


async def run(args: argparse.Namespace, urls: list[str], db: Path) -> None:
    config = Config(
        settings=Settings(
            database_url=f"sqlite:///{db}",
            http=HttpSettings(max_connections=args.connections, per_host=args.per_host),
        ),
        sources=[Source(name=f"feed{n}", url=u) for n, u in enumerate(urls)],
        topics=[Topic(name="clearview", terms=["Clearview AI", "Hoan Ton-That"])],
    )
    engine = make_engine(config.settings.database_url)
    upgrade(engine)
    engine.dispose()
    async with open_app(config) as app:
        await app.poller.sync_sources()
        await cycle(app, "cold", len(urls))
        await cycle(app, "conditional", len(urls))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per request")
    parser.add_argument("--hosts", type=int, default=200, help="loopback hosts to spread over")
    parser.add_argument("--connections", type=int, default=HttpSettings().max_connections)
    parser.add_argument("--per-host", type=int, default=HttpSettings().per_host)
    args = parser.parse_args()
    ctx = multiprocessing.get_context("spawn")
    urls_q = ctx.Queue()
    farm_process = ctx.Process(
        target=serve_farm, args=(args.feeds, args.hosts, args.latency, urls_q), daemon=True
    )
    farm_process.start()
    global FARM_PID
    FARM_PID = farm_process.pid or 0
    urls = urls_q.get(timeout=300)
    print(
        f"{args.feeds} feeds on {args.hosts} loopback hosts, latency {args.latency * 1000:.0f}"
        f" ms, max_connections {args.connections}, per_host {args.per_host}"
    )
    try:
        with tempfile.TemporaryDirectory() as tmp:
            asyncio.run(run(args, urls, Path(tmp) / "bench.db"))
    finally:
        farm_process.terminate()
        farm_process.join(timeout=10)


if __name__ == "__main__":
    main()
