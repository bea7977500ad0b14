"""The service's claim at one tick: leasing a tick's worth of due sources among many.

Registers N sources on 200 hosts in a SQLite database (or the empty PostgreSQL database
``--database`` names), all due, and times what the service does at a tick: count the due
sources and lease ``--limit`` of them (``fleet.due_sources`` then ``sources.claim_sources``),
once in plain due order and once with each host's share (``monitor.hostshare``), handing
the leases back after each run. Prints the median milliseconds of each.

    .venv/bin/python bench/claim.py [--sources 20000] [--limit 320] [--runs 10]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor.hostshare import HostShare
from monitor.store import Store, fleet
from monitor.store import sources as src
from monitor.store.db import upgrade

LEASE = timedelta(minutes=5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=20_000)
    parser.add_argument("--limit", type=int, default=320)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--database", help="an empty PostgreSQL database URL (default: SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(args.database or f"sqlite:///{Path(tmp) / 'claim.db'}")
        upgrade(store.engine)
        specs = [
            src.SourceSpec(f"feed{n}", f"https://host{n % 200}.example/feed{n}", "news")
            for n in range(args.sources)
        ]
        now = datetime.now(UTC)
        with store.begin() as conn:
            src.sync_sources(conn, specs, now)
        names = [s.name for s in specs]
        share = HostShare(((s.name, s.url) for s in specs), floor=16, ceiling=args.limit // 2)
        for label, shared in (("due order", False), ("host shares", True)):
            times, leased = [], 0
            for _ in range(args.runs):
                with store.begin() as conn:
                    started = time.perf_counter()
                    quota = share.quota() if shared else None
                    among = quota.open_names() if quota else names
                    fleet.due_sources(conn, now, among)
                    pick = quota.pick if quota else None
                    got = src.claim_sources(
                        conn, "bench", now, LEASE, limit=args.limit, names=among, pick=pick
                    )
                    times.append(time.perf_counter() - started)
                    leased = len(got)
                    src.release_sources(conn, "bench")
            median = statistics.median(times) * 1000
            print(f"{label:12s} {leased} of {args.sources:,} due sources leased: {median:.1f} ms")
        store.close()


if __name__ == "__main__":
    main()
