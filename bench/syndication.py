"""One wire story carried by many feeds: the cost of each new copy as its story grows.

Records the same wire report (its own link in each feed) from N feeds, one feed after the
other, through the poll path's clustering and recording (``monitor.stories.attach_stories``
and ``monitor.store.records.record_entries``, one transaction per feed) into SQLite, and
prints the milliseconds per copy for each block of copies and the story's totals (one
story, one alert, the rest "also reported" updates).

    .venv/bin/python bench/syndication.py [--feeds 1200] [--block 200]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from monitor.config import Backfill
from monitor.decide import AlertRules, candidates, plan_entries
from monitor.entry import Entry, Match
from monitor.store import Store
from monitor.store import records as rec
from monitor.store import sources as src
from monitor.store.db import upgrade
from monitor.store.schema import deliveries, story_updates
from monitor.stories import attach_stories

NOW = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)
TITLE = "Dutch privacy watchdog fines Clearview AI 27.5 million euros"
SUMMARY = (
    "AMSTERDAM, Nov 3 (Wire) - The Dutch data protection authority on Tuesday fined Clearview "
    "AI 27.5 million euros ($29.8 million) for building an illegal database of faces scraped "
    "from the internet, the regulator said in a statement on its website."
)
RULES = AlertRules(False, Backfill(), {}, None)


def record_copy(store: Store, source: str, source_id: int, at: datetime) -> None:
    link = f"https://{source}.example/news/fine"
    entry = Entry(guid=link, link=link, title=TITLE, summary=SUMMARY, published=NOW)
    found = candidates([entry], source, lambda e: [Match("clearview", ("Clearview AI",), "s")])
    with store.begin() as conn:
        intents = attach_stories(conn, plan_entries(found, RULES, at), source, at)
        rec.record_entries(conn, source_id, intents, {"clearview": ["console"]}, at)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=1200)
    parser.add_argument("--block", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(store.engine)
        names = [f"paper{n}" for n in range(args.feeds)]
        with store.begin() as conn:
            specs = [src.SourceSpec(n, f"https://{n}.example/rss", "news") for n in names]
            src.sync_sources(conn, specs, NOW)
            states = src.claim_sources(conn, "bench", NOW, timedelta(hours=1), limit=args.feeds)
        ids = {s.name: s.id for s in states}
        started = time.perf_counter()
        for n, name in enumerate(names, 1):
            record_copy(store, name, ids[name], NOW + timedelta(seconds=n))
            if n % args.block == 0 or n == len(names):
                now = time.perf_counter()
                size = args.block if n % args.block == 0 else n % args.block
                print(f"copies {n - size + 1}-{n}: {(now - started) / size * 1000:.1f} ms per copy")
                started = now
        with store.begin() as conn:
            alerts = conn.scalar(select(func.count()).where(deliveries.c.slot == "alert")) or 0
            updates = conn.scalar(select(func.count()).select_from(story_updates)) or 0
        print(f"{args.feeds} copies: {alerts} alert(s), {updates} 'also reported' updates")
        store.close()


if __name__ == "__main__":
    main()
