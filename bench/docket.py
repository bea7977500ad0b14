"""Benchmark: items/s of the docket reader against juriscraper's ``PacerRssFeed`` (a dev
dependency, for the comparison only) on busy-court PACER feeds of 100, 432 and 1,000 items.

The feeds are built from the shapes of tests/data/court/criminal_nysd.xml and edny.xml:
district items with document links, per-defendant copies, multi-type filings and EDNY items
without a document number, over many cases and minutes (like SDNY's 358 items in 3 hours or
EDNY's 432 in 24). Both parse the same bytes; ours also merges filings and writes each
entry's docket line, juriscraper also merges multi-type items (its merge compares each item
with every entry kept so far). Prints one line per size.
Run: ``.venv/bin/python bench/docket.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from monitor.docket import read_docket_feed

HOST = "https://ecf.nysd.uscourts.gov"
TYPES = ["Order", "Order(Other)", "Motion to Seal", "Scheduling Order", "Notice of Appearance"]


def busy_feed(items: int) -> bytes:
    """A PACER district feed of ``items`` items over many cases."""
    start = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    parts = []
    for n in range(items):
        case, kind = 1000 + n // 6, n % 6
        when = format_datetime(start + timedelta(minutes=n // 2), usegmt=True)
        number = f"1:24-cr-{case:05d}-{kind % 3 + 1}" if kind < 3 else f"1:24-cv-{case:05d}"
        caseid, seq = 600000 + case * 4 + kind % 3, 10 + n
        desc = f"[{TYPES[n % len(TYPES)]}]"
        if n % 4:
            href = f"{HOST}/doc1/12712{case:06d}?caseid={caseid}&amp;de_seq_num={seq}"
            desc += f' (<a href="{href}">{n // 4}</a>)'
        link = f"{HOST}/cgi-bin/DktRpt.pl?{caseid}"
        desc = desc.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        parts.append(
            f"<item><title>{number} USA v. Defendant{case}</title><link>{link}</link>"
            f"<description>{desc}</description><pubDate>{when}</pubDate>"
            f'<guid isPermaLink="true">{link}&amp;{seq}</guid></item>'
        )
    return (
        '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel>'
        "<title>New York Southern District Court - Recent Entries</title>"
        + "".join(parts)
        + "</channel></rss>"
    ).encode("iso-8859-1")


def ours(body: bytes) -> int:
    feed = read_docket_feed(body, {}, HOST + "/cgi-bin/rss_outside.pl", kind="pacer", court=None)
    return len(feed.entries)


def juriscraper(body: bytes) -> int:
    from juriscraper.pacer.rss_feeds import PacerRssFeed

    feed = PacerRssFeed("nysd")
    feed._parse_text(body)
    return len(feed.data)


def rate(parse: Callable[[bytes], int], body: bytes, items: int, repeat: int) -> float:
    parse(body)  # warm up (imports, caches)
    start = time.perf_counter()
    for _ in range(repeat):
        parse(body)
    return items * repeat / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)  # juriscraper logs every query at INFO
    try:
        juriscraper(busy_feed(2))
        other: Callable[[bytes], int] | None = juriscraper
    except ImportError:
        other = None
    for items in (100, 432, 1000):
        body = busy_feed(items)
        line = f"{items:5d} items: monitor {rate(ours, body, items, args.repeat):8.0f} items/s"
        line += f" ({ours(body)} entries)"
        if other is not None:
            theirs = rate(other, body, items, args.repeat)
            line += f", juriscraper {theirs:8.0f} items/s ({other(body)} entries)"
        print(line)


if __name__ == "__main__":
    main()
