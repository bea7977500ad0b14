"""Benchmark the service's own poll path: one cold and one conditional cycle.

Starts a loopback feed farm in a separate process (N synthetic RSS feeds of 20–50 entries and
20–80 KB, spread over several 127.0.0.x hosts, with a configurable per-request latency), then
runs ``Poller.poll`` for every source — exactly what ``monitor poll --once`` and the service
do: fetch, parse in the process pool, match, store in SQLite — twice: cold (empty database)
and conditional (every feed answers 304). Prints feeds/s, CPU seconds (this process and its
parse workers) and peak RSS for each cycle.

    .venv/bin/python bench/poll.py --feeds 2000 --latency 0.1
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import contextlib

from feedserver import FeedServer

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
    stop: multiprocessing.Event,
) -> None:  # type: ignore[valid-type]
    rng = random.Random(42)
    servers = [FeedServer(bind=f"127.0.0.{h + 1}").start() for h in range(hosts)]
    out = []
    for n in range(feeds):
        server = servers[n % hosts]
        server.latency = latency
        server.set_feed(f"/feed/{n}.xml", synthetic_feed(n, rng))
        out.append(server.url(f"/feed/{n}.xml"))
    urls.put(out)
    stop.wait()  # type: ignore[attr-defined]
    for server in servers:
        server.stop()


FARM_PID = 0  # the feed farm is our child too, but its CPU is not the poller's


def cpu_seconds(proc: psutil.Process) -> tuple[float, float]:
    """CPU seconds of (this process, its parse workers)."""
    own = sum(proc.cpu_times()[:2])
    workers = 0.0
    for p in proc.children(recursive=True):
        if p.pid == FARM_PID:
            continue
        with contextlib.suppress(psutil.NoSuchProcess):
            workers += sum(p.cpu_times()[:2])
    return own, workers


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
    main_cpu, worker_cpu = cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]
    done.set()
    await sampler
    outcomes: dict[str, int] = {}
    for r in reports:
        outcomes[r.outcome] = outcomes.get(r.outcome, 0) + 1
    new = sum(r.new_entries for r in reports)
    print(
        f"{label:12} {len(reports) / elapsed:8.1f} feeds/s  {elapsed:7.2f} s wall  "
        f"{main_cpu + worker_cpu:7.2f} s CPU ({main_cpu:.2f} main + {worker_cpu:.2f} parse)  "
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
    parser.add_argument("--hosts", type=int, default=50, help="loopback hosts to spread over")
    parser.add_argument("--connections", type=int, default=HttpSettings().max_connections)
    parser.add_argument("--per-host", type=int, default=HttpSettings().per_host)
    args = parser.parse_args()
    ctx = multiprocessing.get_context("spawn")
    urls_q, stop = ctx.Queue(), ctx.Event()
    farm = ctx.Process(
        target=serve_farm, args=(args.feeds, args.hosts, args.latency, urls_q, stop), daemon=True
    )
    farm.start()
    global FARM_PID
    FARM_PID = farm.pid or 0
    urls = urls_q.get(timeout=300)
    print(
        f"{args.feeds} feeds on {args.hosts} loopback hosts, latency {args.latency * 1000:.0f}"
        f" ms, max_connections {args.connections}, per_host {args.per_host}"
    )
    try:
        with tempfile.TemporaryDirectory() as tmp:
            asyncio.run(run(args, urls, Path(tmp) / "bench.db"))
    finally:
        stop.set()
        farm.join(timeout=10)


if __name__ == "__main__":
    main()
