"""``monitor poll --once --dry-run`` previews exactly what the real poll then sends: the same
alerts and the same follow-ups, one for one, stories grouped across feeds (every feed of a
dry run is recorded in one rolled-back transaction). End to end through the real command."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from clirun import ok
from feedgen import rss, write_config
from feedserver import FeedServer

STORIES = json.loads(
    (Path(__file__).parent / "data" / "stories" / "clearview_coverage.json").read_text()
)
BY_ID = {e["id"]: e for e in STORIES["entries"]}
_ALERT = re.compile(r"^── clearview ─+\n(.+)$", re.M)
_FOLLOW_UP = re.compile(
    r"^  ↳ clearview: (.+)\n    also reported by [^:]+: (.+) https?://\S+$", re.M
)


def item(entry_id: str) -> dict[str, object]:
    e = BY_ID[entry_id]
    return {"title": e["title"], "link": e["link"], "guid": e["link"], "description": e["summary"]}


def messages(stdout: str) -> Counter[tuple[str, frozenset[str]]]:
    """Each printed message as (kind, the titles of its story it names): an alert names its
    headline; a follow-up its story's headline and the copy's. Which copy of a story comes
    first (and alerts) depends on which feed answers first, so a story is compared by the
    set of its titles."""
    alerts = _ALERT.findall(stdout)
    follow_ups = _FOLLOW_UP.findall(stdout)
    story: dict[str, set[str]] = {title: {title} for title in alerts}
    for head, copy in follow_ups:
        story.setdefault(head, {head}).add(copy)
    found: Counter[tuple[str, frozenset[str]]] = Counter()
    for title in alerts:
        found["alert", frozenset(story[title])] += 1
    for head, _copy in follow_ups:
        found["follow-up", frozenset(story[head])] += 1
    return found


def test_dry_run_previews_the_real_polls_alerts_and_follow_ups_one_for_one(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    feeds = {
        "wire": [item("settle-reuters"), item("italy-reuters"), item("vermont-ap")],
        "yahoo": [item("settle-yahoo"), item("ico-bbc")],  # a copy of the wire's settlement
        "press": [item("greece-reuters"), item("objectors-reuters")],
        "gnews": [],
    }
    for name, items in feeds.items():
        feed_server.set_feed(f"/{name}.xml", rss(items))
    config = write_config(tmp_path, {n: feed_server.url(f"/{n}.xml") for n in feeds})
    ok("db", "upgrade", "--config", str(config))

    dry = ok("poll", "--once", "--dry-run", "--config", str(config)).stdout
    real = ok("poll", "--once", "--config", str(config)).stdout
    assert messages(dry) == messages(real)
    assert sum(messages(real).values()) == 7  # 6 stories, 1 follow-up
    assert Counter(kind for kind, _ in messages(real).elements()) == {"alert": 6, "follow-up": 1}
    assert "alerts that would be sent: 7 (dry run): 6 new stories, 1 follow-ups" in dry
    assert "alerts sent: 7" in real

    # a second poll: copies of stored stories and of each other, and a new story
    feed_server.set_feed("/gnews.xml", rss([item("settle-gnews"), item("italy-gnews")]))
    feed_server.set_feed(
        "/press.xml",
        rss([item("greece-reuters"), item("objectors-reuters"), item("ceo-forbes")]),
    )
    feed_server.set_feed(
        "/yahoo.xml", rss([item("settle-yahoo"), item("ico-bbc"), item("ceo-gnews")])
    )
    dry = ok("poll", "--once", "--dry-run", "--config", str(config)).stdout
    real = ok("poll", "--once", "--config", str(config)).stdout
    assert messages(dry) == messages(real)
    assert Counter(kind for kind, _ in messages(real).elements()) == {"alert": 1, "follow-up": 3}
