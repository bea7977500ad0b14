"""Tests for monitor.parse: golden feeds in tests/data/feeds, plus caps and failure cases."""

from __future__ import annotations

import json
import pickle
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.entry import Entry, ParsedFeed
from monitor.errors import ParseError
from monitor.parse import (
    MAX_ENTRIES,
    MAX_ID,
    MAX_SUMMARY,
    MAX_TITLE,
    html_parser_text,
    html_to_text,
    parse_feed,
    plain_text,
)

FEEDS = Path(__file__).parent / "data" / "feeds"
GOLDEN = sorted(FEEDS.glob("*.json"))


def _body_path(golden: Path) -> Path:
    (body,) = [p for p in FEEDS.glob(golden.stem + ".*") if p.suffix != ".json"]
    return body


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _as_json(feed: ParsedFeed) -> dict[str, Any]:
    return {
        "title": feed.title,
        "bozo": feed.bozo,
        "build_date": _iso(feed.build_date),
        "entries": [
            {
                "guid": e.guid,
                "link": e.link,
                "title": e.title,
                "summary": e.summary,
                "published": _iso(e.published),
                "updated": _iso(e.updated),
                "authors": list(e.authors),
            }
            for e in feed.entries
        ],
    }


@pytest.mark.parametrize("golden", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_golden(golden: Path) -> None:
    expected = json.loads(golden.read_text(encoding="utf-8"))
    body = _body_path(golden).read_bytes()
    url, headers = expected.pop("url"), expected.pop("headers")
    if "error" in expected:
        with pytest.raises(ParseError, match=expected["error"]):
            parse_feed(body, headers, url)
        return
    assert _as_json(parse_feed(body, headers, url)) == expected


def test_golden_cases_exist() -> None:
    assert {p.stem for p in GOLDEN} >= {
        "rss2_news", "atom_news", "rdf_news", "latin1_cnil", "malformed_recoverable", "html_page"
    }  # fmt: skip


def test_datetimes_are_aware_utc() -> None:
    feed = parse_feed((FEEDS / "rss2_news.xml").read_bytes(), {}, "https://news.example.com/")
    assert feed.entries[0].published == datetime(2024, 9, 3, 14, 2, 11, tzinfo=UTC)
    assert all(e.published is None or e.published.tzinfo is UTC for e in feed.entries)


def test_latin1_header_charset_wins_over_sniffing() -> None:
    body = (FEEDS / "latin1_cnil.xml").read_bytes()
    feed = parse_feed(body, {"Content-Type": "text/xml; charset=ISO-8859-1"}, "https://x.fr/")
    assert "libertés" in feed.entries[0].summary


def test_utf8_header_charset_counts() -> None:
    body = '<rss version="2.0"><channel><item><title>Libertés</title></item></channel></rss>'
    feed = parse_feed(
        body.encode("utf-8"), {"content-type": "application/rss+xml; charset=utf-8"}, ""
    )
    assert feed.entries[0].title == "Libertés"


def _rss(items: str, channel: str = "") -> bytes:
    return f'<rss version="2.0"><channel><title>t</title>{channel}{items}</channel></rss>'.encode()


def test_entry_count_is_capped() -> None:
    body = _rss("".join(f"<item><title>n{i}</title></item>" for i in range(MAX_ENTRIES + 5)))
    feed = parse_feed(body, {}, "https://x/")
    assert len(feed.entries) == MAX_ENTRIES
    assert feed.entries[-1].title == f"n{MAX_ENTRIES - 1}"


def test_field_lengths_are_capped() -> None:
    long_link = "https://x.example/" + "a" * MAX_ID
    item = (
        f"<item><title>{'T' * 5000}</title><guid>{'g' * 5000}</guid>"
        f"<link>{long_link}</link><description>{'word ' * 20000}</description></item>"
    )
    entry = parse_feed(_rss(item), {}, "https://x/").entries[0]
    assert len(entry.title) == MAX_TITLE
    assert entry.guid is not None and len(entry.guid) == MAX_ID
    assert entry.link is None  # a cut URL would point elsewhere: dropped, not cut
    assert len(entry.summary) <= MAX_SUMMARY
    assert entry.summary.startswith("word word")


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("story/1", "https://news.example.com/section/story/1"),
        ("//cdn.example.com/a", "https://cdn.example.com/a"),
        ("  https://other.example/x  ", "https://other.example/x"),
        ("mailto:desk@example.com", None),
        ("data:text/html,hi", None),
        ("http://[::1", None),
        ("", None),
    ],
)
def test_links_are_absolute_http(link: str, expected: str | None) -> None:
    body = _rss(f"<item><title>t</title><link>{link}</link></item>")
    entry = parse_feed(body, {}, "https://news.example.com/section/feed.xml").entries[0]
    assert entry.link == expected


@pytest.mark.parametrize(
    "body",
    [b"", b"   \n", b"garbage that is not xml", b'{"items": []}', b"<html><p>x</p></html>"],
)
def test_not_a_feed_raises(body: bytes) -> None:
    with pytest.raises(ParseError, match=r"^not a feed: "):
        parse_feed(body, {}, "https://x/")


def test_html_page_is_sniffed_without_content_type() -> None:
    body = (FEEDS / "html_page.html").read_bytes()
    with pytest.raises(ParseError, match="HTML page"):
        parse_feed(body, {}, "https://x/")


def test_xml_error_names_the_line() -> None:
    with pytest.raises(ParseError, match=r"XML error at line 2, column \d+: "):
        parse_feed(b"<?xml version='1.0'?>\n<notafeed><</notafeed>", {}, "https://x/")


def test_empty_but_valid_feed_is_not_an_error() -> None:
    feed = parse_feed(_rss(""), {}, "https://x/")
    assert feed.entries == () and feed.title == "t" and feed.bozo is None


def test_feed_served_as_text_html_still_parses_without_bozo() -> None:
    feed = parse_feed(_rss("<item><title>a</title></item>"), {"Content-Type": "text/html"}, "")
    assert [e.title for e in feed.entries] == ["a"]
    assert feed.bozo is None  # a media-type note, not malformed XML


def test_result_pickles_and_runs_in_a_process_pool() -> None:
    body = (FEEDS / "atom_news.xml").read_bytes()
    feed = parse_feed(body, {}, "https://watch.example.org/")
    assert pickle.loads(pickle.dumps(feed)) == feed
    with ProcessPoolExecutor(max_workers=1) as pool:
        assert pool.submit(parse_feed, body, {}, "https://watch.example.org/").result() == feed


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>a</p><p>b</p>", "a b"),
        ("x<br>y", "x y"),
        ("<b>bold</b>face", "boldface"),
        ("<script>var a = '<p>x</p>';</script>kept<style>p{}</style>", "kept"),
        ("&amp;amp; &lt;b&gt; &#233; &eacute;", "&amp; <b> é é"),
        ("<!-- comment -->text", "text"),
        ("no markup at all", "no markup at all"),
    ],
)
def test_html_to_text(markup: str, expected: str) -> None:
    assert plain_text(markup, is_html=True, cap=1000) == expected


def test_plain_text_is_not_unescaped() -> None:
    assert plain_text("a &amp; <b>\t b\x00\x85", is_html=False, cap=100) == "a &amp; <b> b"


def test_huge_markup_is_cut_before_stripping() -> None:
    assert html_to_text("<p>" + "x" * 10).strip() == "x" * 10
    half_tag = "z" * 15 + "<a href='https://example.com/'>"  # cut inside the tag at 20 chars
    assert plain_text(half_tag, is_html=True, cap=2) == "zz"
    assert html_to_text(half_tag[:20]) != "z" * 15  # what the cut avoids
    assert plain_text("<b>" + "y" * 1_000_000, is_html=True, cap=50) == "y" * 50


def test_entries_are_entry_values() -> None:
    feed = parse_feed((FEEDS / "rdf_news.xml").read_bytes(), {}, "https://regwatch.example.net/")
    assert all(isinstance(e, Entry) for e in feed.entries)


_PIECES = st.sampled_from(
    [
        "<p>", "</p>", "<br/>", "<BR>", "<b>", "</b>", "<p/>", "<div class=x>", "</div >",
        '<a href="https://x/?a=1&amp;b=2">', "</a>", "<img src='x.jpg' alt=\"\">",
        "<a title=\"a>b\">", "<a title=it's>", "<SCRIPT>", "</script>", "<style>", "<!-- c -->",
        "<![CDATA[x]]>", "<", ">", "&amp;", "&lt;", "&#233;", "&eacute", "&", "&am", "p;", "<3",
        "<pé>", "<p\xa0>", "<p\x0b>", "\x00",
    ]
)  # fmt: skip
_TEXT = st.text(st.characters(blacklist_characters="<", blacklist_categories=["Cs"]))


@given(st.lists(st.one_of(_TEXT, _PIECES), max_size=12).map("".join))
def test_fast_html_path_matches_html_parser(markup: str) -> None:
    assert html_to_text(markup) == html_parser_text(markup)
