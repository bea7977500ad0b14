"""Benchmark: milliseconds per web page with a million stored entries.

Generates a database shaped like a busy deployment (default 1,000,000 entries over 90 days
from 200 sources, 10% of them docket entries; one entry in ten matched a topic, so about
100,000 stories with their hits and deliveries, 3% of those dead), migrated by Alembic and
written with the schema's own tables in batches. Then serves it with the real web server
(``monitor.web.server.WebServer``, uvicorn) and times each page over HTTP on 127.0.0.1:
the first and a deep page of stories, each filter, a story, the cases and a case
timeline, sources, deliveries, the Atom feeds and a topic. Prints the median and the worst
of ``--runs`` requests per page. Nothing is asserted.

Run: ``.venv/bin/python bench/web.py [--entries 1000000] [--database-url URL] [--keep]``
(SQLite in a temporary folder by default; ``--keep`` with ``--database-url`` reuses a
database this bench filled before).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from monitor.config import Config
from monitor.store import Store
from monitor.store.db import upgrade
from monitor.store.schema import coverage_gaps, deliveries, entries, hits, sources, stories
from monitor.web.server import WebServer

NOW = datetime.now(UTC).replace(microsecond=0)
DAYS = 90
SOURCES = 200
DOCKET_SOURCES = 20
TOPICS = [f"topic{n}" for n in range(19)] + ["rare"]
CASES = 2000
TRACKED = ("ilnd", "1:21-cv-00135")
BATCH = 5000
WORDS = [
    "regulator",
    "fines",
    "company",
    "privacy",
    "lawsuit",
    "court",
    "judge",
    "settlement",
    "data",
    "police",
    "facial",
    "recognition",
    "biometric",
    "school",
    "city",
    "council",
    "market",
    "shares",
    "report",
    "minister",
    "health",
]


def _config(url: str) -> Config:
    topics: list[dict[str, Any]] = [{"name": t, "terms": [t]} for t in TOPICS]
    topics[0]["cases"] = [{"court": TRACKED[0], "number": TRACKED[1]}]
    kinds = ["pacer" if n < DOCKET_SOURCES else "news" for n in range(SOURCES)]
    return Config.model_validate(
        {
            "settings": {"database_url": url},
            "sources": [
                {"name": f"s{n}", "url": f"http://127.0.0.1/{n}", "kind": kind, "court": "ilnd"}
                if kind == "pacer"
                else {"name": f"s{n}", "url": f"http://127.0.0.1/{n}", "kind": kind}
                for n, kind in enumerate(kinds)
            ],
            "topics": topics,
        }
    )


def _title(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(8)).capitalize() + f" {n}"


def fill(store: Store, total: int, rng: random.Random) -> None:
    """Write ``total`` entries (and their stories, hits, deliveries) in batches."""
    with store.begin() as conn:
        conn.execute(
            sources.insert(),
            [
                {
                    "name": f"s{n}",
                    "url": f"http://127.0.0.1/{n}",
                    "kind": "pacer" if n < DOCKET_SOURCES else "news",
                    "active": True,
                    "paused": False,
                    "consecutive_failures": 3 if n % 50 == 7 else 0,
                    "last_error": "HTTP 503 Service Unavailable" if n % 50 == 7 else None,
                    "last_polled_at": NOW,
                    "next_due_at": NOW + timedelta(minutes=10),
                    "created_at": NOW - timedelta(days=DAYS),
                }
                for n in range(SOURCES)
            ],
        )
        ids = dict(conn.execute(select(sources.c.name, sources.c.id)).all())
    start = NOW - timedelta(days=DAYS)
    step = timedelta(days=DAYS) / total
    for first in range(0, total, BATCH):
        with store.begin() as conn:
            _batch(conn, ids, range(first, min(total, first + BATCH)), start, step, rng)
        print(f"\r  {min(total, first + BATCH):,} entries", end="", flush=True)
    print()
    with store.begin() as conn:
        conn.execute(
            coverage_gaps.insert(),
            [
                {
                    "source_id": ids["s0"],
                    "court": "ilnd",
                    "window_start": NOW - timedelta(days=d, hours=3),
                    "window_end": NOW - timedelta(days=d),
                    "previous_entries": 100,
                    "entries": 100,
                    "detected_at": NOW - timedelta(days=d),
                }
                for d in range(1, 30, 3)
            ],
        )


def _batch(
    conn: Any, ids: dict[str, int], span: range, start: datetime, step: Any, rng: random.Random
) -> None:
    rows, matched = [], []
    for n in span:
        seen = start + step * n
        docket = n % 10 == 0
        source = (
            ids[f"s{rng.randrange(DOCKET_SOURCES)}"]
            if docket
            else ids[f"s{rng.randrange(DOCKET_SOURCES, SOURCES)}"]
        )
        extra: dict[str, Any] = {}
        if docket:
            case = TRACKED[1] if n % 2000 == 0 else f"1:2{n % 6}-cv-{n % CASES:05d}"
            extra = {
                "docket": True,
                "court": "ilnd",
                "case_key": case,
                "case_number": case,
                "case_name": f"Doe v. Roe {n % CASES}",
                "text": "Motion to dismiss",
                "document_number": str(n // 10),
                "document_url": f"https://ecf.ilnd.uscourts.gov/doc1/{n}",
            }
        rows.append(
            {
                "key": f"1:bench:{n}",
                "source_id": source,
                "guid": f"g{n}",
                "link": f"https://news.example.com/{n}",
                "canonical_url": f"https://news.example.com/{n}",
                "title": _title(rng, n),
                "summary": "Body text " * 20,
                "published_at": seen,
                "authors": [],
                "extra": extra,
                "first_seen_at": seen,
                "story_reason": "new story",
            }
        )
        if n % 10 == 3 or (docket and n % 2000 == 0):
            matched.append(len(rows) - 1)
    story_ids = list(
        conn.scalars(
            stories.insert().returning(stories.c.id, sort_by_parameter_order=True),
            [{"title": rows[i]["title"], "created_at": rows[i]["first_seen_at"]} for i in matched],
        )
    )
    for i, story in zip(matched, story_ids, strict=True):
        rows[i]["story_id"] = story
    entry_ids = list(
        conn.scalars(
            entries.insert().returning(entries.c.id, sort_by_parameter_order=True),
            [{"story_id": None, **r} for r in rows],
        )
    )
    hit_rows = []
    for i, story in zip(matched, story_ids, strict=True):
        topic = (
            "rare"
            if story % 5000 == 0
            else (TOPICS[0] if rows[i]["extra"] else rng.choice(TOPICS[:-1]))
        )
        hit_rows.append(
            {
                "topic": topic,
                "story_id": story,
                "entry_id": entry_ids[i],
                "terms": [topic],
                "snippet": f"the **{topic}** snippet",
                "created_at": rows[i]["first_seen_at"],
            }
        )
    hit_ids = list(
        conn.scalars(hits.insert().returning(hits.c.id, sort_by_parameter_order=True), hit_rows)
    )
    conn.execute(
        deliveries.insert(),
        [
            {
                "hit_id": h,
                "notifier": "desk",
                "slot": "alert",
                "thread_key": f"story:{h}",
                "state": ("dead" if h % 33 == 0 else "pending" if h % 50 == 1 else "sent"),
                "attempts": 1,
                "next_attempt_at": r["created_at"],
                "created_at": r["created_at"],
                "last_error": "desk: channel_not_found" if h % 33 == 0 else None,
            }
            for h, r in zip(hit_ids, hit_rows, strict=True)
        ],
    )


def _get(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
        assert response.status == 200, (url, response.status)
    return (time.perf_counter() - started) * 1000


def pages(store: Store) -> list[tuple[str, str]]:
    with store.read() as conn:
        newest = conn.scalar(select(func.max(stories.c.id))) or 0
        deep = conn.scalar(select(stories.c.id).order_by(stories.c.id.desc()).offset(5000).limit(1))
        story = conn.scalar(
            select(entries.c.story_id)
            .where(entries.c.story_id.is_not(None))
            .order_by(entries.c.id.desc())
            .limit(1)
        )
    day = (NOW - timedelta(days=45)).date().isoformat()
    return [
        ("stories, first page", "/"),
        ("stories, 100 pages deep", f"/?before={deep}"),
        ("stories, one topic", "/?topic=topic3"),
        ("stories, a rare topic", "/?topic=rare"),
        ("stories, dockets", "/?kind=dockets"),
        ("stories, one day 45 days ago", f"/?from={day}&to={day}"),
        ("stories, words (common)", "/?q=privacy+lawsuit"),
        ("stories, words (no match)", "/?q=zzzznotthere"),
        ("story", f"/stories/{story or newest}"),
        ("cases", "/cases"),
        ("case timeline", f"/cases/{TRACKED[0]}/{TRACKED[1]}"),
        ("sources", "/sources"),
        ("deliveries", "/deliveries"),
        ("deliveries, dead", "/deliveries?show=dead"),
        ("Atom, all alerts", "/feeds/alerts.atom"),
        ("Atom, one topic", "/feeds/topics/topic3.atom"),
        ("topic", "/topics/topic3"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--database-url", help="default: SQLite in a temporary folder")
    parser.add_argument("--keep", action="store_true", help="reuse the filled database")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    store = Store(url)
    if not args.keep:
        upgrade(store.engine)
        started = time.perf_counter()
        fill(store, args.entries, random.Random(7))
        print(f"filled in {time.perf_counter() - started:.0f} s")
        if store.engine.dialect.name == "postgresql":  # as autovacuum would after a load
            with store.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    with store.read() as conn:
        counts = {
            t.name: conn.scalar(select(func.count()).select_from(t))
            for t in (entries, stories, hits, deliveries)
        }
    print(
        ", ".join(f"{n:,} {name}" for name, n in counts.items()), f"({store.engine.dialect.name})"
    )
    server = WebServer(_config(url), "127.0.0.1", 0, store)
    server.start()
    base = f"http://127.0.0.1:{server.port}"
    try:
        time.sleep(0.5)
        print(f"{'page':34} {'median ms':>10} {'worst ms':>10}")
        for label, path in pages(store):
            _get(base + path)  # warm the page's queries and templates
            times = [_get(base + path) for _ in range(args.runs)]
            print(f"{label:34} {statistics.median(times):10.1f} {max(times):10.1f}")
    finally:
        server.stop()
        store.close()


if __name__ == "__main__":
    main()
