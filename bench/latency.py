"""Benchmark alert latency: from an item appearing in a feed to its message at Slack.

Runs the real ``monitor run`` against feeds served by tests/feedserver.py and a Slack
stand-in (tests/slackstub.py, the Web API as slack-sdk speaks it), with ``--sources`` news
sources polled every ``--interval`` (plus ``--quiet`` sources whose feeds never change, so
that the service has other work). Every few seconds a new matching item is added to one
source's feed, at a random moment of its polling cycle; the time from adding it to the
stand-in receiving its message is that item's latency. The target: within the interval
+ 2 s, the worst case being an item added just after a poll.

    .venv/bin/python bench/latency.py [--interval 5] [--items 20] [--sources 5] [--quiet 200]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from feedgen import rss, story  # noqa: E402  (tests/: the suite's own builders)
from feedserver import FeedServer  # noqa: E402
from slackstub import SlackStub  # noqa: E402


def config_text(db: Path, urls: list[str], quiet: list[str], interval: float, api: str) -> str:
    sources = "".join(f"  - {{name: s{n}, url: '{u}', interval: {interval}s}}\n"
                      for n, u in enumerate(urls))  # fmt: skip
    sources += "".join(f"  - {{name: q{n}, url: '{u}', interval: {interval}s}}\n"
                       for n, u in enumerate(quiet))  # fmt: skip
    return (
        f"settings:\n  database_url: sqlite:///{db}\n  backfill: all\n"
        f"sources:\n{sources}"
        "topics:\n  - {name: clearview, terms: [Clearview AI]}\n"
        "notifiers:\n  - {name: bot, type: slack, token: '${BENCH_SLACK_TOKEN}', channel: C1,"
        f" api_base_url: '{api}', pace: 0.01s}}\n"
        "routes:\n  - {topic: clearview, notifiers: [bot]}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between polls")
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--sources", type=int, default=5)
    parser.add_argument("--quiet", type=int, default=200, help="sources that never change")
    args = parser.parse_args()
    rng = random.Random(1)
    feeds = FeedServer().start()
    with SlackStub() as slack, tempfile.TemporaryDirectory() as tmp:
        items: dict[int, list[dict[str, object]]] = {n: [] for n in range(args.sources)}
        for n in range(args.sources):
            feeds.set_feed(f"/s{n}.xml", rss([story(1000 + n, f"Weather {n}")]))
        for n in range(args.quiet):
            feeds.set_feed(f"/q{n}.xml", rss([story(5000 + n, f"Sport {n}")]))
        config = Path(tmp) / "feeds.yaml"
        config.write_text(
            config_text(
                Path(tmp) / "monitor.db",
                [feeds.url(f"/s{n}.xml") for n in range(args.sources)],
                [feeds.url(f"/q{n}.xml") for n in range(args.quiet)],
                args.interval,
                slack.api_base_url,
            )
        )
        monitor = [sys.executable, "-m", "monitor"]
        env = {**os.environ, "BENCH_SLACK_TOKEN": "xoxb-bench", "MONITOR_LOG_LEVEL": "WARNING"}
        subprocess.run([*monitor, "db", "upgrade", "--config", str(config)], check=True,
                       capture_output=True, env=env)  # fmt: skip
        proc = subprocess.Popen(
            [*monitor, "run", "--config", str(config)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        latencies: list[float] = []
        try:
            time.sleep(args.interval + 3)  # first polls done (their items are old news)
            for i in range(args.items):
                n = rng.randrange(args.sources)
                title = f"Clearview AI item {i} on s{n}"
                items[n].insert(0, story(i, title))
                feeds.set_feed(f"/s{n}.xml", rss([*items[n], story(1000 + n, f"Weather {n}")]))
                added = time.monotonic()
                latencies.append(wait_for_message(slack, title, added, args.interval + 30))
                print(f"  item {i:3} on s{n}: {latencies[-1]:.2f} s", flush=True)
                time.sleep(rng.uniform(0, args.interval))
        finally:
            proc.terminate()
            proc.wait(timeout=60)
            feeds.stop()
    print(
        f"interval {args.interval:g} s, {args.sources} changing + {args.quiet} quiet sources, "
        f"{len(latencies)} items: median {statistics.median(latencies):.2f} s, "
        f"worst {max(latencies):.2f} s (target: interval + 2 s = {args.interval + 2:g} s); "
        f"load average {os.getloadavg()[0]:.1f}"
    )


def wait_for_message(slack: SlackStub, title: str, added: float, timeout: float) -> float:
    """Seconds from ``added`` until a message naming ``title`` reached the stand-in."""
    while time.monotonic() - added < timeout:
        if any(title in str(m) for m in slack.messages):
            return time.monotonic() - added
        time.sleep(0.02)
    return float("inf")


if __name__ == "__main__":
    main()
