"""Baseline for bench/wholepoll.py: a plain asyncio poller with feedparser (no matching).

Polls every URL in the file given once, with the same number of requests in flight as
monitor, conditionally when a previous run stored validators, parses each changed body with
feedparser in the event loop and stores feeds (validators) and entries (insert-or-ignore on
the entry id) in SQLite: the least a feed poller does. Run by wholepoll.py under the
bench-only virtualenv (its whole process is timed from outside).

    python baseline_feedparser.py URLS_FILE DB_PATH [--in-flight 256] [--per-host 2]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sqlite3
from urllib.parse import urlsplit

import aiohttp
import feedparser


async def poll(urls: list[str], db: sqlite3.Connection, in_flight: int, per_host: int) -> None:
    known = {url: (etag, modified) for url, etag, modified in db.execute("SELECT * FROM feeds")}
    slots = asyncio.Semaphore(in_flight)
    hosts: dict[str, asyncio.Semaphore] = {}
    connector = aiohttp.TCPConnector(limit=in_flight, limit_per_host=per_host)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(url: str) -> None:
            host = urlsplit(url).netloc
            host_slot = hosts.setdefault(host, asyncio.Semaphore(per_host))
            etag, modified = known.get(url, (None, None))
            conditional = (("If-None-Match", etag), ("If-Modified-Since", modified))
            headers = {k: v for k, v in conditional if v}
            async with host_slot, slots, session.get(url, headers=headers) as response:
                if response.status == 304:
                    return
                body = await response.read()
                validators = (response.headers.get("ETag"), response.headers.get("Last-Modified"))
            parsed = feedparser.parse(io.BytesIO(body), response_headers=dict(response.headers))
            rows = [
                (e.get("id") or e.get("link"), url, e.get("title"), e.get("link"), e.get("summary"))
                for e in parsed.entries
            ]
            db.executemany("INSERT OR IGNORE INTO entries VALUES (?, ?, ?, ?, ?)", rows)
            db.execute("INSERT OR REPLACE INTO feeds VALUES (?, ?, ?)", (url, *validators))

        await asyncio.gather(*(one(u) for u in urls))
    db.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("urls")
    parser.add_argument("db")
    parser.add_argument("--in-flight", type=int, default=256)
    parser.add_argument("--per-host", type=int, default=2)
    args = parser.parse_args()
    with open(args.urls) as f:
        urls = f.read().split()
    db = sqlite3.connect(args.db)
    db.execute("CREATE TABLE IF NOT EXISTS feeds (url PRIMARY KEY, etag, modified)")
    db.execute("CREATE TABLE IF NOT EXISTS entries (id PRIMARY KEY, feed, title, link, summary)")
    asyncio.run(poll(urls, db, args.in_flight, args.per_host))


if __name__ == "__main__":
    main()
