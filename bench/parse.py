"""Benchmark parsing: the fast reader against feedparser, the corpus, and the inline bound.

1. Synthetic news feeds (bench/poll.py's: 20–50 entries, 20–80 KB): CPU ms per feed to read
   with monitor's fast reader (monitor.feedxml, lxml) and with feedparser, to parse and
   normalize (parse_feed), and to parse, match and key (prepare_feed); and, in the
   bench-only virtualenv (.bench-venv, see bench/wholepoll.py), the candidates the issue
   named: fastfeedparser and feedparser-rs (their own output, not monitor's entries).
2. The corpus (scripts/corpus; the files tests/test_feedxml_corpus.py checks): how many
   files the fast reader takes (they read the same as with feedparser: the test asserts
   it), why it declines the others, and CPU time of both readers over the files it takes.
3. The inline bound: CPU seconds to prepare (parse, match, key) a body of
   ``inline_parse_max_bytes`` (256 KiB) made of hostile entries (20,000-character
   summaries repeating "Clearview police "), against the shipped topics and against the
   worst-case NEAR queries of bench/match.py: what a body parsed in the poller's process
   can cost at most, without a worker's CPU budget.
4. A feed polled again after it changed: a search feed of the evaluation set
   (``tests/data/events``: nearly every item matches a topic) at each poll where it
   changed, and bench/poll.py's news feeds with one item added; CPU ms to prepare the
   changed body with and without what the source's last poll held (``seen``: the items it
   repeats are neither matched nor read for their event again).

    .venv/bin/python bench/parse.py [--feeds 50] [--rounds 5]
"""

from __future__ import annotations

import argparse
import collections
import itertools
import json
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from match import worst_topics  # bench/match.py
from poll import synthetic_feed  # bench/poll.py

from monitor.config import Config, Topic
from monitor.configfile import load_config
from monitor.decide import seen_digests
from monitor.feedxml import Declined, read_xml_feed
from monitor.match import TopicSet, compile_topics
from monitor.parse import parse_feed, read_raw_feed, read_with_feedparser
from monitor.prepare import prepare_feed

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / ".corpus"
BENCH_PYTHON = ROOT / ".bench-venv" / "bin" / "python"
HEADERS = {"content-type": "application/rss+xml; charset=utf-8"}
OTHERS = """
import json, sys, time
bodies = [open(p, 'rb').read() for p in sys.argv[2:]]
rounds = int(sys.argv[1])
out = {}
for name in ("fastfeedparser", "feedparser_rs"):
    try:
        parse = __import__(name).parse
    except ImportError:
        continue
    for b in bodies:
        parse(b)
    t0 = time.process_time()
    for _ in range(rounds):
        for b in bodies:
            parse(b)
    out[name] = (time.process_time() - t0) / rounds / len(bodies) * 1000
print(json.dumps(out))
"""


def per_feed_ms(fn: Any, bodies: list[bytes], rounds: int) -> float:
    for body in bodies:
        fn(body)
    start = time.process_time()
    for _ in range(rounds):
        for body in bodies:
            fn(body)
    return (time.process_time() - start) / rounds / len(bodies) * 1000


def synthetic(args: argparse.Namespace, topics: TopicSet, tmp: Path) -> None:
    rng = random.Random(1)
    bodies = [synthetic_feed(n, rng) for n in range(args.feeds)]
    entries = sum(b.count(b"<item>") for b in bodies) / len(bodies)
    kib = sum(map(len, bodies)) / len(bodies) / 1024
    print(f"synthetic feeds: {len(bodies)}, {entries:.0f} entries and {kib:.0f} KiB on average;")
    print("CPU ms per feed:")
    rows = {
        "read: monitor fast reader (lxml)": lambda b: read_raw_feed(b, HEADERS),
        "read: feedparser": lambda b: read_with_feedparser(b, HEADERS),
        "parse_feed (fast reader + normalize)": lambda b: parse_feed(b, HEADERS, "https://x/"),
        "prepare_feed (+ match and key)": lambda b: prepare_feed(
            b, HEADERS, "https://x/", "s", topics
        ),
    }
    for label, fn in rows.items():
        print(f"  {label:40} {per_feed_ms(fn, bodies, args.rounds):6.2f}")
    if BENCH_PYTHON.exists():
        paths = []
        for n, body in enumerate(bodies):
            path = tmp / f"feed{n}.xml"
            path.write_bytes(body)
            paths.append(str(path))
        found = subprocess.run(
            [str(BENCH_PYTHON), "-c", OTHERS, str(args.rounds), *paths],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        for name, ms in json.loads(found.stdout).items():
            print(f"  {'read: ' + name + ' (its own output)':40} {ms:6.2f}")


def corpus() -> None:
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != ".complete")
    if not files:
        print("corpus: not fetched (scripts/corpus)")
        return
    reasons: collections.Counter[str] = collections.Counter()
    fast_cpu = slow_cpu = 0.0
    taken = 0
    for path in files:
        body = path.read_bytes()
        start = time.process_time()
        found = read_xml_feed(body, {})
        middle = time.process_time()
        if isinstance(found, Declined):
            reasons[found.reason.split(":")[0]] += 1
            continue
        taken += 1
        read_with_feedparser(body, {})
        slow_cpu += time.process_time() - middle
        fast_cpu += middle - start
    print(
        f"corpus: {len(files)} files; the fast reader took {taken} ({taken / len(files):.0%}), "
        f"feedparser read the other {len(files) - taken}; over the files taken, CPU "
        f"{fast_cpu * 1000:.0f} ms fast vs {slow_cpu * 1000:.0f} ms feedparser "
        f"(×{slow_cpu / fast_cpu:.1f})"
    )
    for reason, count in reasons.most_common(8):
        print(f"  declined {count:4}: {reason}")


def inline_bound(topics: TopicSet, limit: int) -> None:
    text = "Clearview police "
    summary = (text * (20_000 // len(text) + 1))[:20_000]
    item = f"<item><title>Clearview police {{n}}</title><description>{summary}</description></item>"
    items, size = [], 0
    while size + len(item) < limit:
        items.append(item.replace("{n}", str(len(items))))
        size += len(items[-1])
    body = ("<rss version='2.0'><channel><title>x</title>" + "".join(items)
            + "</channel></rss>").encode()  # fmt: skip
    assert read_raw_feed(body, {}).fast
    for label, topic_set in (("shipped topics", topics), ("worst-case NEAR", worst_topics())):
        start = time.process_time()
        prepare_feed(body, {}, "https://x/", "s", topic_set)
        cpu = time.process_time() - start
        print(f"  inline bound, {len(body) // 1024} KiB of hostile entries, {label}: "
              f"{cpu:.2f} s CPU")  # fmt: skip


def repoll(rounds: int) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from eval_events import feed_body, load

    s = load("heldout")
    topics = compile_topics([Topic(name=n, terms=t) for n, t in s.topics.items()])
    feed = max(s.feeds, key=lambda f: sum(i.feed == f for i in s.items))
    bodies = [feed_body(s, feed, p) for p in sorted(s.polls)]
    search = [(a, b) for a, b in itertools.pairwise(bodies) if a != b]
    rng = random.Random(7)
    news = []
    for n in range(20):
        body = synthetic_feed(n, rng)
        item = (
            f"<item><title>Feed {n} late story</title><link>https://news{n}.example.com/late"
            f"</link><description>Clearview AI {n} news</description></item>"
        ).encode()
        news.append((body, body.replace(b"<item>", item + b"<item>", 1)))

    def again(pairs: list[tuple[bytes, bytes]], url: str, with_seen: bool) -> float:
        spent = 0.0
        for _ in range(rounds):
            for old, new in pairs:
                held = seen_digests(prepare_feed(old, {}, url, "s", topics).candidates)
                start = time.process_time()
                prepare_feed(new, {}, url, "s", topics, seen=held if with_seen else b"")
                spent += time.process_time() - start
        return spent / rounds / len(pairs) * 1000

    last = prepare_feed(search[-1][0], {}, s.feeds[feed]["url"], "s", topics).candidates
    cases = [
        (f"search feed ({feed} of heldout, {len(search)} changed polls, {len(last)} items, "
         f"{sum(bool(c.matches) for c in last)} matched at the last)", search,
         s.feeds[feed]["url"]),
        ("news feed (bench/poll.py's, 20–50 items, one added)", news, "https://x/"),
    ]  # fmt: skip
    print("a feed polled again, CPU ms to prepare the changed body:")
    for label, pairs, url in cases:
        every, new_only = again(pairs, url, False), again(pairs, url, True)
        print(f"  {label}: {every:.2f} every item matched and read, {new_only:.2f} only the "
              f"new ones (×{new_only / every:.2f})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    shipped: Config = load_config(str(ROOT / "feeds.yaml"), {})
    topics = compile_topics(shipped.topics or [Topic(name="t", terms=["Clearview AI"])])
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        synthetic(args, topics, Path(tmp))
    corpus()
    inline_bound(topics, shipped.settings.inline_parse_max_bytes)
    repoll(args.rounds)


if __name__ == "__main__":
    sys.exit(main())
