"""One story, one alert: end to end through the real ``monitor poll --once`` (every call a
new process, so each second poll is also a restart) against feeds on 127.0.0.1.

Each scenario polls twice or more and checks that the alert count equals the story count,
that re-identified entries are not stored again, and that copies and edits become story
updates. Texts come from the labelled set in ``tests/data/stories``.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from clirun import ok
from feedgen import rss, write_config
from feedserver import FeedServer

STORIES = json.loads(
    (Path(__file__).parent / "data" / "stories" / "clearview_coverage.json").read_text()
)
BY_ID = {e["id"]: e for e in STORIES["entries"]}


def item(entry_id: str, *, guid: str | None = None, **changes: str) -> dict[str, object]:
    """A feed item from the labelled set; ``guid`` None leaves it out."""
    e = BY_ID[entry_id]
    it: dict[str, object] = {"title": e["title"], "link": e["link"], "description": e["summary"]}
    if guid is not None:
        it["guid"] = guid
    it.update(changes)
    return it


def db(config: Path) -> sqlite3.Connection:
    return sqlite3.connect(config.parent / "monitor.db")


def counts(config: Path) -> dict[str, Any]:
    """entries, stories with a hit, alert deliveries, story updates by kind."""
    with db(config) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        updates = dict(conn.execute("SELECT kind, count(*) FROM story_updates GROUP BY kind"))
        return {
            "entries": one("SELECT count(*) FROM entries"),
            "stories": one("SELECT count(DISTINCT story_id) FROM hits"),
            "alerts": one("SELECT count(*) FROM deliveries WHERE slot = 'alert'"),
            "updates": updates,
        }


def poll(config: Path) -> str:
    return ok("poll", "--once", "--config", str(config)).stdout


@pytest.fixture
def setup(feed_server: FeedServer, tmp_path: Path):  # type: ignore[no-untyped-def]
    """set_up({name: [items]}) serves each feed and returns an upgraded config."""

    def set_up(feeds: dict[str, list[dict[str, object]]]) -> Path:
        for name, items in feeds.items():
            feed_server.set_feed(f"/{name}.xml", rss(items))
        config = write_config(tmp_path, {n: feed_server.url(f"/{n}.xml") for n in feeds})
        ok("db", "upgrade", "--config", str(config))
        return config

    return set_up


def test_changed_guids_and_added_tracking_parameters_are_the_same_entries(
    setup: Any, feed_server: FeedServer
) -> None:
    config = setup(
        {
            "wire": [item("ico-bbc", guid="cms1-4411"), item("vermont-ap")],  # 2nd: no GUID
        }
    )
    assert "alerts sent: 2" in poll(config)
    feed_server.set_feed(
        "/wire.xml",
        rss(
            [
                item("ico-bbc", guid="cms2-ab7f"),  # the CMS migrated: every GUID changed
                item("vermont-ap", link=BY_ID["vermont-ap"]["link"] + "?utm_source=rss&fbclid=1"),
            ]
        ),
    )
    second = poll(config)
    assert "New entries: 0, new hits: 0" in second
    feed_server.set_feed(
        "/wire.xml",
        rss(
            [
                item("ico-bbc", guid="cms2-ab7f"),
                item("vermont-ap", link=BY_ID["vermont-ap"]["link"] + "?utm_campaign=x#top"),
            ]
        ),
    )
    assert "New entries: 0, new hits: 0" in poll(config)
    assert counts(config) == {"entries": 2, "stories": 2, "alerts": 2, "updates": {}}


def test_a_changed_link_with_the_same_guid_is_the_same_entry(
    setup: Any, feed_server: FeedServer
) -> None:
    config = setup({"wire": [item("italy-reuters", guid="reuters-8812")]})
    poll(config)
    moved = "https://www.reuters.com/technology/italy-fines-clearview-ai-20m-2022-03-09/"
    feed_server.set_feed("/wire.xml", rss([item("italy-reuters", guid="reuters-8812", link=moved)]))
    assert "New entries: 0, new hits: 0" in poll(config)
    assert counts(config) == {"entries": 1, "stories": 1, "alerts": 1, "updates": {}}


def test_an_edited_headline_updates_the_entry_and_is_a_story_update_not_an_alert(
    setup: Any, feed_server: FeedServer
) -> None:
    config = setup({"wire": [item("ceo-forbes", guid="forbes-1")]})
    poll(config)
    fixed = "Clearview AI co-founder Hoan Ton-That steps down as CEO, stays on board"
    feed_server.set_feed("/wire.xml", rss([item("ceo-forbes", guid="forbes-1", title=fixed)]))
    second = poll(config)
    assert "New entries: 0, new hits: 0" in second
    assert counts(config) == {
        "entries": 1,
        "stories": 1,
        "alerts": 1,
        "updates": {"headline_updated": 1},
    }
    with db(config) as conn:
        (title,) = conn.execute("SELECT title FROM entries").fetchone()
        (detail,) = conn.execute("SELECT detail FROM story_updates").fetchone()
    assert title == fixed
    assert detail == f"headline updated: {BY_ID['ceo-forbes']['title']} → {fixed}"


def test_one_wire_story_in_several_feeds_alerts_once(setup: Any, feed_server: FeedServer) -> None:
    config = setup({"reuters": [item("settle-reuters")], "yahoo": [], "gnews": [], "ms": []})
    first = poll(config)
    assert "alerts sent: 1" in first
    feed_server.set_feed("/yahoo.xml", rss([item("settle-yahoo")]))
    feed_server.set_feed("/gnews.xml", rss([item("settle-gnews")]))
    feed_server.set_feed("/ms.xml", rss([item("settle-marketscreener")]))
    poll(config)
    feed_server.set_feed("/reuters.xml", rss([item("settle-reuters-update2")]))
    poll(config)
    assert counts(config) == {
        "entries": 5,
        "stories": 1,
        "alerts": 1,
        "updates": {"also_reported": 4},
    }
    with db(config) as conn:
        reasons = [r for (r,) in conn.execute("SELECT story_reason FROM entries ORDER BY id")]
        (story,) = conn.execute("SELECT DISTINCT story_id FROM entries").fetchone()
    assert reasons[0] == "new story"
    assert all(r.startswith(("similar title", "similar text")) for r in reasons[1:]), reasons
    shown = ok("story", str(story), "--config", str(config)).stdout
    assert "entries (5)" in shown and "[gnews]" in shown and "why: similar" in shown
    assert "also_reported" in shown and "also reported by ms:" in shown


def test_distinct_same_day_stories_about_one_lawsuit_alert_separately(
    setup: Any, feed_server: FeedServer
) -> None:
    config = setup({"reuters": [item("settle-reuters"), item("objectors-reuters")], "gnews": []})
    assert "alerts sent: 2" in poll(config)
    feed_server.set_feed(
        "/gnews.xml",
        rss([item("objectors-gnews"), item("settle-gnews"), item("claims-gnews")]),
    )
    poll(config)
    assert counts(config) == {
        "entries": 5,
        "stories": 3,  # the claims explainer is a third story
        "alerts": 3,
        "updates": {"also_reported": 2},
    }
    with db(config) as conn:
        story_of = dict(conn.execute("SELECT link, story_id FROM entries"))
    link = {k: BY_ID[k]["link"] for k in ("settle-reuters", "objectors-reuters")}
    assert story_of[BY_ID["settle-gnews"]["link"]] == story_of[link["settle-reuters"]]
    assert story_of[BY_ID["objectors-gnews"]["link"]] == story_of[link["objectors-reuters"]]
    assert story_of[link["settle-reuters"]] != story_of[link["objectors-reuters"]]
