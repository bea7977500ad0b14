"""Benchmark whole processes: ``monitor poll --once`` beside reader and a feedparser poller.

Starts the loopback feed farm (bench/farm.py: N synthetic RSS feeds of 20–50 entries, 20–80
KB, on several 127.0.0.x hosts, with a per-request latency) in a process of its own, then for
each tool runs two polls of every feed as separate processes, each timed from outside, start
to exit: cold (an empty database) and conditional (every feed answers 304). Prints feeds/s,
the CPU seconds of the process and its children, and the peak RSS of the process and all its
children together (workers included), with each baseline's figure and monitor's ratio to
it, from the same run against the same farm:

- ``monitor``: ``monitor poll --once`` on SQLite (parse, match, key, cluster, store, outbox);
- ``reader``: lemon24/reader 3.26 ``update_feeds(workers=20)`` (bench/baseline_reader.py);
- ``feedparser``: a plain asyncio + aiohttp poller that parses with feedparser and stores
  entries in SQLite, nothing else (bench/baseline_feedparser.py).

With ``--stored-entries 1000000`` monitor's database starts with that many entries (with
stories, hits and deliveries: bench/web.py's generator, made once into .bench-cache/), to
show that a poll's cost does not grow with what is stored.

The baselines run in a bench-only virtualenv (.bench-venv, created on first use from PyPI:
reader, feedparser and aiohttp pinned below), never in monitor's.

    .venv/bin/python bench/wholepoll.py [--feeds 2000] [--latency 0 0.1] [--runs 2]
        [--hosts 200] [--tools monitor reader feedparser] [--stored-entries N]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import farm  # bench/farm.py, beside this script
import psutil
from poll import synthetic_feed  # bench/poll.py: the same synthetic feeds

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BENCH_VENV = ROOT / ".bench-venv"
BASELINE_PINS = [
    "reader==3.26", "sgmllib3k==1.0.0", "feedparser==6.0.14", "aiohttp==3.14.5",
    "fastfeedparser==0.6.5", "feedparser-rs==0.7.1",
]  # fmt: skip
TOOLS = ("monitor", "reader", "feedparser")


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak_rss: int
    code: int


def serve_farm(feeds: int, hosts: int, latency: float, urls: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    import asyncio

    rng = random.Random(42)
    bodies = [synthetic_feed(n, rng) for n in range(feeds)]
    asyncio.run(farm.serve(bodies, hosts, latency, urls.put))


def ensure_bench_venv() -> Path:
    python = BENCH_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *BASELINE_PINS], check=True)
    return python


def timed(cmd: list[str], env: dict[str, str] | None = None) -> Run:
    """Run ``cmd`` to its end: wall seconds, CPU seconds of it and its descendants, and the
    peak of the summed RSS of the process tree (sampled every 20 ms)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    # stderr to a file, not a pipe: a full pipe would stall the process being measured
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=errors, env=env, cwd=ROOT)
        peak = _watch(proc)
        wall = time.perf_counter() - start
        errors.seek(0)
        stderr = errors.read().decode(errors="replace")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, 1):
        print(f"  {cmd[2:4]} exited {proc.returncode}: {stderr[-500:]}")
    return Run(wall, cpu, peak, proc.returncode)


def _watch(proc: subprocess.Popen[bytes]) -> int:
    """Wait for ``proc``; the peak summed RSS of its process tree meanwhile."""
    peak = 0
    root = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.02)
    return peak


def stored_template(entries: int) -> Path:
    """A SQLite database holding ``entries`` generated entries (bench/web.py's: 90 days, 200
    sources, stories, hits and deliveries), made once and kept in .bench-cache/."""
    path = ROOT / ".bench-cache" / f"stored-{entries}.db"
    if not path.exists():
        import web  # bench/web.py

        from monitor.store import Store
        from monitor.store.db import upgrade

        path.parent.mkdir(exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        store = Store(f"sqlite:///{partial}")
        upgrade(store.engine)
        web.fill(store, entries, random.Random(7))
        store.close()
        partial.rename(path)
    return path


def monitor_runs(urls: list[str], tmp: Path, args: argparse.Namespace) -> list[Run]:
    if args.stored_entries:
        shutil.copyfile(stored_template(args.stored_entries), tmp / "monitor.db")
    config = tmp / "feeds.yaml"
    sources = "".join(f"  - name: feed{n}\n    url: {u}\n" for n, u in enumerate(urls))
    config.write_text(
        f"settings:\n  database_url: sqlite:///{tmp / 'monitor.db'}\n"
        f"  http:\n    max_connections: {args.connections}\n    per_host: {args.per_host}\n"
        f"sources:\n{sources}"
        "topics:\n  - name: clearview\n    terms: [Clearview AI, Hoan Ton-That]\n"
    )
    monitor = [str(Path(sys.executable).parent / "monitor")]  # the command the container runs
    subprocess.run([*monitor, "db", "upgrade", "--config", str(config)], check=True,
                   capture_output=True)  # fmt: skip
    env = {**os.environ, "MONITOR_LOG_LEVEL": "WARNING"}
    poll = [*monitor, "poll", "--once", "--config", str(config)]
    return [timed(poll, env), timed(poll, env)]


def baseline_runs(tool: str, urls: list[str], tmp: Path, args: argparse.Namespace) -> list[Run]:
    python = str(ensure_bench_venv())
    urls_file = tmp / "urls.txt"
    urls_file.write_text("\n".join(urls))
    if tool == "reader":
        cmd = [python, str(BENCH / "baseline_reader.py"), str(urls_file), str(tmp / "r.sqlite")]
    else:
        cmd = [
            python, str(BENCH / "baseline_feedparser.py"), str(urls_file), str(tmp / "f.sqlite"),
            "--in-flight", str(args.connections), "--per-host", str(args.per_host),
        ]  # fmt: skip
    return [timed(cmd), timed(cmd)]


def report(latency: float, feeds: int, results: dict[str, list[list[Run]]]) -> None:
    print(f"\n{feeds} feeds, latency {latency * 1000:.0f} ms (runs: {len(results['monitor'])})")
    for i, label in enumerate(("cold", "conditional")):
        for tool, runs in results.items():
            rates = [feeds / r[i].wall for r in runs]
            walls = [r[i].wall for r in runs]
            cpus = [r[i].cpu for r in runs]
            rss = [r[i].peak_rss / 2**20 for r in runs]
            line = (
                f"  {label:11} {tool:10} {_range(rates, '{:,.0f}')} feeds/s  "
                f"wall {_range(walls, '{:.2f}')} s  CPU {_range(cpus, '{:.2f}')} s  "
                f"peak RSS {_range(rss, '{:.0f}')} MiB"
            )
            if tool != "monitor":
                mine = [feeds / r[i].wall for r in results["monitor"]]
                ratio = sum(mine) / len(mine) / (sum(rates) / len(rates))
                line += f"  (monitor ×{ratio:.1f})"
            print(line)


def _range(values: list[float], fmt: str) -> str:
    low, high = min(values), max(values)
    return (
        fmt.format(low)
        if fmt.format(low) == fmt.format(high)
        else (f"{fmt.format(low)}–{fmt.format(high)}")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--latency", type=float, nargs="+", default=[0.0, 0.1])
    parser.add_argument("--hosts", type=int, default=200)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--connections", type=int, default=256)
    parser.add_argument("--per-host", type=int, default=2)
    parser.add_argument("--tools", nargs="+", choices=TOOLS, default=list(TOOLS))
    parser.add_argument(
        "--stored-entries", type=int, default=0, help="monitor's database starts with these"
    )
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    ctx = multiprocessing.get_context("spawn")
    for latency in args.latency:
        queue = ctx.Queue()
        farm_process = ctx.Process(
            target=serve_farm, args=(args.feeds, args.hosts, latency, queue), daemon=True
        )
        farm_process.start()
        try:
            urls = queue.get(timeout=600)
            results: dict[str, list[list[Run]]] = {tool: [] for tool in args.tools}
            for _ in range(args.runs):
                for tool in args.tools:
                    with tempfile.TemporaryDirectory() as tmp:
                        if tool == "monitor":
                            results[tool].append(monitor_runs(urls, Path(tmp), args))
                        else:
                            results[tool].append(baseline_runs(tool, urls, Path(tmp), args))
            report(latency, args.feeds, results)
        finally:
            farm_process.terminate()
            farm_process.join(timeout=10)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
