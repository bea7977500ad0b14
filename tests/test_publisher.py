"""Alerts name the publisher of an item beside the feed that carried it ("Reuters via
google-news"): read from RSS ``<source>``, ``dc:publisher``, Bing's ``News:Source`` or a
search feed's " - Publisher" title suffix (then cut from the headline), and shown by the
console, Slack and email renderings and in "also reported" follow-ups."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from clirun import ok
from feedgen import rss, write_config
from feedserver import FeedServer
from test_slack_blocks import make_alert

from monitor.decide import candidates, identify
from monitor.entry import Entry
from monitor.intents import KnownEntry
from monitor.notify import console, slack_blocks
from monitor.notify.email import _templates
from monitor.parse import parse_feed

GNEWS = "https://news.google.com/rss/search?q=%22Clearview+AI%22&hl=en-US"


def _feed(items: str) -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:News="https://www.bing.com/news/search?format=rss"><channel><title>t</title>'
        f"{items}</channel></rss>"
    ).encode()


def test_rss_source_names_the_publisher_and_its_title_suffix_is_cut() -> None:
    body = _feed(
        "<item><title>Dutch watchdog fines Clearview AI - Reuters</title>"
        '<link>https://news.google.com/rss/articles/a</link><source url="https://www.reuters.com">'
        "Reuters</source></item>"
    )
    (entry,) = parse_feed(body, {}, "https://feeds.example.com/x.xml").entries
    assert entry.title == "Dutch watchdog fines Clearview AI"
    assert entry.extra == {"publisher": "Reuters"}


def test_dc_publisher_and_bing_news_source_name_the_publisher() -> None:
    body = _feed(
        "<item><title>Vermont sues Clearview AI over photos</title>"
        "<dc:publisher>VTDigger</dc:publisher></item>"
        "<item><title>Clearview AI settlement approved | Law360</title>"
        "<News:Source>Law360</News:Source></item>"
    )
    first, second = parse_feed(body, {}, "https://www.bing.com/news/search?format=rss").entries
    assert (first.title, first.extra) == (
        "Vermont sues Clearview AI over photos",
        {"publisher": "VTDigger"},
    )
    assert (second.title, second.extra) == (
        "Clearview AI settlement approved",
        {"publisher": "Law360"},
    )


def test_a_search_feed_title_suffix_names_the_publisher_when_the_item_does_not() -> None:
    body = _feed("<item><title>Clearview AI fined in Italy - The Associated Press</title></item>")
    (entry,) = parse_feed(body, {}, GNEWS).entries
    assert (entry.title, entry.extra) == (
        "Clearview AI fined in Italy",
        {"publisher": "The Associated Press"},
    )
    # the same title in an ordinary feed is a headline with a dash in it
    (plain,) = parse_feed(body, {}, "https://news.example.com/feed").entries
    assert (plain.title, plain.extra) == ("Clearview AI fined in Italy - The Associated Press", {})


def test_a_suffix_is_kept_when_too_little_headline_would_remain() -> None:
    body = _feed(
        '<item><title>Clearview AI - Reuters</title><source url="x">Reuters</source></item>'
    )
    (entry,) = parse_feed(body, {}, GNEWS).entries
    assert (entry.title, entry.extra) == ("Clearview AI - Reuters", {"publisher": "Reuters"})


def test_every_rendering_names_the_publisher_beside_the_feed() -> None:
    alert = make_alert(source="google-news", extra={"publisher": "Reuters"})
    assert "Reuters via google-news · 2026-11-20 12:00 UTC" in console.render_alert(alert)
    message = slack_blocks.render_alert(alert)
    assert "Reuters via google-news · <!date^" in str(message.blocks)
    assert message.text.endswith("— Reuters via google-news")
    for name in ("alert.txt.j2", "alert.html.j2"):
        text = _templates().get_template(name).render(alert=alert, notifier="n", docket=None)
        assert "Reuters via google-news · 2026-11-20 12:00 UTC" in text, name
    # no publisher, or the feed is the publisher: the feed's name alone
    assert make_alert(source="reuters", extra={"publisher": "Reuters"}).outlet == "reuters"
    assert make_alert(source="wire").outlet == "wire"


def test_alerts_and_follow_ups_name_the_publisher_end_to_end(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    title = "Judge approves Clearview AI settlement giving class stake in company"
    feed_server.set_feed(
        "/gnews.xml",
        rss([{"title": f"{title} - Reuters", "link": "https://n.example/1", "source": "Reuters"}]),
    )
    feed_server.set_feed("/bing.xml", rss([]))
    config = write_config(
        tmp_path, {"gnews": feed_server.url("/gnews.xml"), "bing": feed_server.url("/bing.xml")}
    )
    ok("db", "upgrade", "--config", str(config))
    first = ok("poll", "--once", "--config", str(config)).stdout
    assert f"{title}\n" in first and "Reuters via gnews · " in first
    feed_server.set_feed(
        "/bing.xml",
        rss([{"title": f"{title} | Law360", "link": "https://n.example/2", "source": "Law360"}]),
    )
    second = ok("poll", "--once", "--config", str(config)).stdout
    assert f"also reported by Law360 via bing: {title} https://n.example/2" in second


def test_a_headline_stored_with_its_publisher_suffix_is_not_an_edited_headline() -> None:
    """Entries stored before suffixes were cut come back without them: the entry is updated
    quietly, with no "headline updated" follow-up."""
    title = "Dutch watchdog fines Clearview AI"
    entry = Entry("g1", "https://n.example/1", title, "", extra={"publisher": "Reuters"})
    (found,) = candidates([entry], "gnews", lambda e: [])
    stored = KnownEntry(1, found.key, found.canonical_url, 7, f"{title} - Reuters", "old-hash")
    new, (edit,) = identify([found], [stored])
    assert new == [] and edit.detail is None
    renamed = replace(entry, title="Dutch watchdog fines Clearview AI €30.5m")
    (found,) = candidates([renamed], "gnews", lambda e: [])
    _, (edit,) = identify([found], [stored])
    assert edit.detail == f"headline updated: {title} - Reuters → {renamed.title}"
