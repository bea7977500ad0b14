"""Baseline for bench/wholepoll.py: lemon24/reader updating the same feeds.

Adds every URL in the file given to a reader database (once), then updates all feeds with
``workers`` threads (reader's own concurrency), conditionally on later runs (reader keeps
ETag / Last-Modified). Run by wholepoll.py under the bench-only virtualenv, which has
``reader`` installed (never a dependency of monitor); its whole process is timed from
outside.

    python baseline_reader.py URLS_FILE DB_PATH [--workers 20]
"""

from __future__ import annotations

import argparse

from reader import make_reader


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("urls")
    parser.add_argument("db")
    parser.add_argument("--workers", type=int, default=20)
    args = parser.parse_args()
    with open(args.urls) as f:
        urls = f.read().split()
    reader = make_reader(args.db)
    if not any(True for _ in reader.get_feeds(limit=1)):
        for url in urls:
            reader.add_feed(url, exist_ok=True)
    reader.update_feeds(workers=args.workers, scheduled=False)  # every feed, due or not
    reader.close()


if __name__ == "__main__":
    main()
