"""Benchmark: new matched entries/s through story clustering, as the poll path runs it.

Entries are the evaluation set's reports (``tests/data/events``), rewritten into many
distinct events: each group of five consecutive entries gets its own figures and one of
``--topics`` invented subjects (each a topic), so a stream of N entries holds about N/5
events told five ways, a busy topic sees dozens of events within the clustering window,
and every entry is new to the database. Each "feed" of 25 entries is keyed, matched, fingerprinted
and read for its event (``monitor.prepare.prepare_feed``, the CPU part a worker process
runs) and recorded in one transaction (``monitor.ingest.record_feed``: candidate lookup by
near-copy buckets and event keys, the decisions, the writes), by ``--workers`` processes
at once, as the service's parse workers do. Prints entries/s overall and the time spent
preparing and recording.

Run: ``.venv/bin/python bench/cluster.py [--entries 20000] [--workers 2] [--topics 40]
[--database URL]``
(default: a temporary SQLite file; a PostgreSQL URL must name an empty scratch database).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from eval_events import load

from monitor import ingest
from monitor.cluster import fingerprint
from monitor.config import Backfill, Source, Topic
from monitor.decide import AlertRules, Candidate
from monitor.ingest import FeedWrite, record_feed
from monitor.match import compile_topics
from monitor.prepare import prepare_feed
from monitor.store import Store
from monitor.store import sources as src
from monitor.store.db import upgrade

FEED_SIZE = 25
GROUP = 5
START = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_NAME = re.compile(r"\b(Clearview AI|Clearview|Facewise|Veritrace|Norvance|Haldane Identity|"
                   r"Haldane|Oculant|Brightwell Health|Brightwell)\b")  # fmt: skip


def stream(count: int, topics: int) -> list[tuple[str, str]]:
    """``count`` (title, summary) pairs, five reports per invented event, events spread
    over ``topics`` subjects."""
    reports = [
        (i.title.rpartition(" - ")[0] or i.title, i.summary)
        for part in ("dev", "heldout", "heldout2")
        for i in load(part).items
    ]
    out = []
    for n in range(count):
        group = n // GROUP
        title, summary = reports[(group * 37 + n % GROUP * 11) % len(reports)]
        figure = str(group % 900 + 2)
        subject = f"Subject{group % topics}"
        out.append(
            (
                _NAME.sub(subject, _NUMBER.sub(figure, title)),
                _NAME.sub(subject, _NUMBER.sub(figure, summary)),
            )
        )
    return out


def feed(items: list[tuple[str, str]], first: int, now: datetime) -> bytes:
    parts = [
        f"<item><title>{escape(t)}</title><link>https://bench.example/{first + k}</link>"
        f"<guid>https://bench.example/{first + k}</guid><description>{escape(s)}</description>"
        f"<pubDate>{format_datetime(now - timedelta(minutes=k))}</pubDate></item>"
        for k, (t, s) in enumerate(items)
    ]
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>bench</title>'
        + "".join(parts)
        + "</channel></rss>"
    ).encode()


_store: Store | None = None
_topics = compile_topics([])


def _init(url: str, topics: int) -> None:
    global _store, _topics
    _store = Store(url)
    _topics = compile_topics(
        [Topic(name=f"subject{t}", terms=[f"Subject{t}"]) for t in range(topics)]
    )


def record(job: tuple[int, int, bytes, datetime]) -> tuple[float, float, float, float, int]:
    """Prepare and record one feed; returns the seconds spent preparing, recording, and
    within them clustering (reading fingerprints and events; attaching stories), and the
    number of entries."""
    assert _store is not None
    source_id, feed_no, body, now = job
    started = time.perf_counter()
    prepared = prepare_feed(body, {}, "https://bench.example/feed", f"feed{feed_no}", _topics)
    prepared_at = time.perf_counter()
    reading = _reading(prepared.candidates)
    write = FeedWrite(
        source_id,
        Source(name=f"feed{feed_no}", url="https://bench.example/feed"),
        AlertRules(False, Backfill(), {}, None),
        {t.name: ["console"] for t in _topics.topics},
        (None, None, str(feed_no)),
        now + timedelta(minutes=15),
        now,
    )
    attaching = 0.0
    with _store.begin() as conn, _timed(ingest, "attach_stories") as clock:
        record_feed(conn, write, prepared.candidates)
        attaching = clock[0]
    recorded = time.perf_counter() - prepared_at - reading  # _reading ran in this span
    return prepared_at - started, recorded, reading, attaching, len(prepared.candidates)


def _reading(found: Sequence[Candidate]) -> float:
    """Seconds to compute the fingerprints and events of ``found`` again (prepare_feed did
    the same work; timing it apart shows the clustering share of preparing)."""
    started = time.perf_counter()
    for c in found:
        if c.fingerprint is not None:
            terms = [t for m in c.matches for t in m.terms]
            fingerprint(c.entry.title + " ", c.entry.summary, c.canonical_url, terms, ["t"])
    return time.perf_counter() - started


@contextmanager
def _timed(module: Any, name: str) -> Iterator[list[float]]:
    """Add up the seconds spent in ``module.name`` while the block runs."""
    spent = [0.0]
    original = getattr(module, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - started

    setattr(module, name, timed)
    try:
        yield spent
    finally:
        setattr(module, name, original)


def run(url: str, entries: int, workers: int, topics: int) -> None:
    store = Store(url)
    upgrade(store.engine)
    with store.begin() as conn:
        src.sync_sources(
            conn, [src.SourceSpec("bench", "https://bench.example/feed", "news")], START
        )
        (state,) = src.claim_sources(
            conn, "bench", START, timedelta(days=1), limit=1, due_only=False
        )
    store.close()
    items = stream(entries, topics)
    jobs = []
    for n, first in enumerate(range(0, entries, FEED_SIZE)):
        now = START + timedelta(minutes=2 * n)  # a stream over hours: events within the window
        jobs.append((state.id, n, feed(items[first : first + FEED_SIZE], first, now), now))
    with ProcessPoolExecutor(workers, initializer=_init, initargs=(url, topics)) as pool:
        list(pool.map(_init_done, range(workers)))
        started = time.perf_counter()
        results = list(pool.map(record, jobs, chunksize=1))
        wall = time.perf_counter() - started
    prepare, write, reading, attaching, count = (sum(r[i] for r in results) for i in range(5))
    clustering = reading + attaching
    print(
        f"{count} new matched entries ({topics} topics) in {len(jobs)} feeds, "
        f"{workers} worker(s): {count / wall:,.0f} entries/s end to end ({wall:.1f} s wall)\n"
        f"  per entry: {1e6 * prepare / count:,.0f} µs preparing (parse, key, match, "
        f"fingerprint and event), {1e6 * write / count:,.0f} µs recording (lookup, "
        f"decisions, writes; SQLite writers wait for each other)\n"
        f"  clustering alone: {1e6 * reading / count:,.0f} µs reading fingerprint and event "
        f"+ {1e6 * attaching / count:,.0f} µs attaching stories (lookup, decisions, story "
        f"writes) = {count / clustering:,.0f} entries/s per worker"
    )


def _init_done(_: int) -> None:
    time.sleep(0.05)  # every worker up and connected before the clock starts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--topics", type=int, default=40)
    parser.add_argument("--database", help="an empty database (default: temporary SQLite)")
    args = parser.parse_args()
    if args.database:
        run(args.database, args.entries, args.workers, args.topics)
        return
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{tmp}/bench.db", args.entries, args.workers, args.topics)


if __name__ == "__main__":
    main()
