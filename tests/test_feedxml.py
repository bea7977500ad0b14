"""Tests for monitor.feedxml, the fast reader: it takes the common feeds, and whatever it
takes reads exactly as feedparser reads it (news entries, docket fields, enclosures);
whatever it is unsure of goes to feedparser. The corpus test (test_feedxml_corpus.py) does
the same over thousands of real-world files."""

from __future__ import annotations

from typing import Any

from feedparser.datetimes import _parse_date
from feedparser.encodings import RE_XML_PI_ENCODING
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.docket import courtlistener_item, pacer_item
from monitor.entry import ParsedFeed
from monitor.feeditems import parse_date
from monitor.feedxml import Declined, XmlFeed, _declared_encoding, read_xml_feed
from monitor.parse import RawFeed, normalize_feed, read_raw_feed, read_with_feedparser

URL = "https://news.example.com/feed.xml"


def read_both(body: bytes, headers: dict[str, str] | None = None) -> tuple[RawFeed, RawFeed]:
    """What monitor reads (fast path or fallback) and what feedparser alone reads."""
    return read_raw_feed(body, headers or {}), read_with_feedparser(body, headers or {})


def assert_same(body: bytes, headers: dict[str, str] | None = None) -> ParsedFeed:
    """Both readers give equal news entries, docket entries and enclosures."""
    got, ref = read_both(body, headers)
    assert normalize_feed(got, URL) == normalize_feed(ref, URL)
    assert docket_view(got) == docket_view(ref)
    return normalize_feed(got, URL)


def docket_view(raw: RawFeed) -> list[Any]:
    title = str(raw.channel.get("title") or "")
    return [
        (
            pacer_item(item, "ilnd", URL),
            courtlistener_item(item, "", title, URL),
            [
                link.get("href")
                for link in item.get("links") or ()
                if link.get("rel") == "enclosure"
            ],
        )
        for item in raw.entries
    ]


NEWS_RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:atom="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">
<channel>
  <title>Example News &amp; Views</title>
  <link>https://news.example.com/</link>
  <atom:link href="https://news.example.com/feed.xml" rel="self" type="application/rss+xml"/>
  <lastBuildDate>Tue, 24 Nov 2026 10:00:00 +0100</lastBuildDate>
  <image><title>logo</title><url>https://news.example.com/logo.png</url></image>
  <item>
    <title>Clearview AI fined &#8364;20m — “biometric” data</title>
    <link>https://news.example.com/a?x=1&amp;utm_source=rss</link>
    <guid isPermaLink="false">news-1234</guid>
    <pubDate>Tue, 24 Nov 2026 09:30:00 GMT</pubDate>
    <dc:creator><![CDATA[Jane Roe]]></dc:creator>
    <category>Privacy</category>
    <description><![CDATA[<p>The regulator said <b>Clearview</b> broke the law.</p>]]></description>
    <content:encoded><![CDATA[<p>Full text &amp; more.</p>]]></content:encoded>
    <media:content url="https://news.example.com/a.jpg" medium="image"/>
    <enclosure url="https://news.example.com/a.mp3" length="1" type="audio/MPEG"/>
  </item>
  <item>
    <title>Second &lt;b&gt;story&lt;/b&gt;</title>
    <guid>https://news.example.com/b</guid>
    <author>desk@example.com (News Desk)</author>
    <description>Plain text, no markup</description>
  </item>
</channel>
</rss>
"""


def test_common_rss_is_read_on_the_fast_path_as_feedparser_reads_it() -> None:
    got, _ = read_both(NEWS_RSS.encode())
    assert got.fast
    feed = assert_same(NEWS_RSS.encode())
    first, second = feed.entries
    assert feed.title == "Example News & Views"
    assert first.title == "Clearview AI fined €20m — “biometric” data"
    assert first.guid == "news-1234" and first.authors == ("Jane Roe",)
    assert first.summary == "The regulator said Clearview broke the law."
    assert second.link == "https://news.example.com/b"  # a permalink guid is the link
    assert second.authors == ("News Desk",)


SEARCH_RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:News="https://www.bing.com/news/search?format=rss"><channel><title>q</title>
  <item><title>Dutch watchdog fines Clearview AI - Reuters</title>
    <link>https://news.google.com/rss/articles/CBMi1</link>
    <guid isPermaLink="false">CBMi1</guid><pubDate>Mon, 30 Nov 2026 09:00:00 GMT</pubDate>
    <source url="https://www.reuters.com">Reuters</source></item>
  <item><title>Vermont sues Clearview AI over photos</title>
    <link>https://vtdigger.example/a</link><dc:publisher>VTDigger</dc:publisher></item>
  <item><title>Clearview AI settlement approved | Law360</title>
    <link>https://law360.example/b</link><News:Source>Law360</News:Source></item>
</channel></rss>
"""


def test_search_feeds_name_their_publishers_on_the_fast_path() -> None:
    # Google News' <source>, dc:publisher and Bing's News:Source are the common case of a
    # search feed: read fast, with the publisher feedparser gives
    got, _ = read_both(SEARCH_RSS.encode())
    assert got.fast
    feed = assert_same(SEARCH_RSS.encode())
    assert [(e.title, e.extra.get("publisher")) for e in feed.entries] == [
        ("Dutch watchdog fines Clearview AI", "Reuters"),
        ("Vermont sues Clearview AI over photos", "VTDigger"),
        ("Clearview AI settlement approved", "Law360"),
    ]


NEWS_ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">Court &amp;amp; Docket</title>
  <updated>2026-11-24T10:00:00Z</updated>
  <entry>
    <title type="text">Entry #12 in Doe v. Clearview AI (1:21-cv-00135)</title>
    <link href="/docket/123/doe-v-clearview/#entry-12"/>
    <link rel="enclosure" href="https://storage.example.com/doc12.pdf" type="application/pdf"/>
    <id>tag:example.com,2026:12</id>
    <published>2026-11-24T09:00:00-05:00</published>
    <updated>2026-11-24T09:30:00Z</updated>
    <author><name>ilnd</name><email>clerk@example.com</email></author>
    <summary type="html">ORDER granting &lt;i&gt;motion&lt;/i&gt;.</summary>
    <content type="html">&lt;p&gt;Full order&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Second</title>
    <id>https://example.com/second</id>
    <content type="text">only content, typed text</content>
  </entry>
</feed>
"""


def test_atom_entries_authors_links_and_enclosures_are_the_same() -> None:
    got, _ = read_both(NEWS_ATOM.encode())
    assert got.fast
    feed = assert_same(NEWS_ATOM.encode())
    assert feed.entries[0].link == "https://news.example.com/docket/123/doe-v-clearview/#entry-12"
    assert feed.entries[0].authors == ("ilnd",)
    assert feed.entries[1].link == "https://example.com/second"  # the id stands for it


def test_latin1_court_feed_is_fast_and_the_same() -> None:
    body = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel>'
        "<title>District Court</title><item><title>1:21-cv-00135 Doe v. Caf\xe9 Co.</title>"
        "<link>https://ecf.ilnd.uscourts.gov/cgi-bin/DktRpt.pl?400123</link>"
        "<description>[Order] (\xa7 12)</description>"
        "<pubDate>Tue, 24 Nov 2026 15:00:00 GMT</pubDate></item></channel></rss>"
    ).encode("latin-1")
    for headers in ({}, {"Content-Type": "text/xml"}, {"Content-Type": "application/rss+xml"}):
        assert read_raw_feed(body, headers).fast
        assert assert_same(body, headers).entries[0].title.endswith("Café Co.")


def test_header_charsets_that_disagree_with_the_body_go_to_feedparser() -> None:
    body = "<rss version='2.0'><channel><item><title>Zürich</title></item></channel></rss>"
    for headers, fast in (
        ({"Content-Type": "application/rss+xml; charset=utf-8"}, True),
        ({"Content-Type": "text/xml"}, True),  # us-ascii fails, feedparser goes on to UTF-8
        ({"Content-Type": "application/xml; charset=iso-8859-1"}, False),
        ({"Server": "x"}, False),  # no Content-Type at all: feedparser assumes Latin-1
    ):
        assert read_raw_feed(body.encode(), headers).fast is fast, headers
        assert_same(body.encode(), headers)


def test_an_item_tag_the_reader_did_not_count_sends_the_body_to_feedparser() -> None:
    body = (
        b"<rss version='2.0'><channel><item><title>a</title>"
        b"<description><![CDATA[<item>not an item</item>]]></description></item>"
        b"</channel></rss>"
    )
    found = read_xml_feed(body, {})
    assert isinstance(found, Declined) and "item count" in found.reason
    assert not read_raw_feed(body, {}).fast
    assert_same(body)


def test_malformed_xml_falls_back_and_keeps_feedparsers_bozo() -> None:
    body = b"<rss version='2.0'><channel><item><title>a & b</title></item></channel></rss>"
    got, _ = read_both(body)
    assert not got.fast and got.bozo
    assert assert_same(body).entries[0].title == "a & b"


def test_elements_the_reader_does_not_reproduce_go_to_feedparser() -> None:
    cases = [
        "<item><title>a</title><title>b</title></item>",  # which title wins: feedparser's rule
        "<item><description>a</description><media:group>"
        "<media:description>b</media:description></media:group></item>",
        "<item><title>a<b>bold</b></title></item>",  # markup in a text element
        "<item xml:base='https://other.example/'><link>x</link></item>",
    ]
    for items in cases:
        body = (
            "<rss version='2.0' xmlns:media='http://search.yahoo.com/mrss/'><channel>"
            f"{items}</channel></rss>"
        ).encode()
        assert isinstance(read_xml_feed(body, {}), Declined), items
        assert_same(body)


# --- property: random items read the same both ways ------------------------------------------

_WORDS = st.sampled_from(
    [
        "Clearview", "AI", "&amp;", "&lt;b&gt;", "&lt;/b&gt;", "é", "Ã©", "\u0093quoted\u0094",
        "&#8217;", "<![CDATA[<i>x</i>]]>", "a@b.com", "(Name)", "  ", "\n", "&lt;p&gt;", "5 < 6",
        "&amp;amp;", "https://x.example/p?q=1&amp;r=2", "&nbsp;", "&#169;", "ü",
    ]
)  # fmt: skip
_TEXT = st.lists(_WORDS, max_size=6).map(" ".join).map(lambda s: s.replace("5 < 6", "5 &lt; 6"))
_DATES = st.sampled_from(
    [
        "Tue, 24 Nov 2026 09:30:00 GMT", "24 Nov 2026 09:30 +0100", "2026-11-24T09:30:00Z",
        "2026-11-24", "garbage", "", "Tue, 31 Feb 2026 09:30:00 GMT", "0001-01-01T00:00:00Z",
    ]
)  # fmt: skip
_ELEMENTS = st.sampled_from(
    [
        ("title", _TEXT), ("link", _TEXT), ("guid", _TEXT), ("guid isPermaLink='false'", _TEXT),
        ("description", _TEXT), ("content:encoded", _TEXT), ("dc:creator", _TEXT),
        ("author", _TEXT), ("pubDate", _DATES), ("dc:date", _DATES), ("category", _TEXT),
        ("title type='html'", _TEXT), ("atom:link href='/rel'", st.just("")),
        ("atom:summary", _TEXT), ("comments", _TEXT),
    ]
)  # fmt: skip


@st.composite
def _items(draw: st.DrawFn) -> str:
    parts = []
    for tag, values in draw(st.lists(_ELEMENTS, max_size=7)):
        name = tag.split()[0]
        parts.append(f"<{tag}>{draw(values)}</{name}>")
    return "<item>" + "".join(parts) + "</item>"


@settings(max_examples=300, deadline=None)
@given(st.lists(_items(), min_size=1, max_size=3), st.sampled_from(["utf-8", "iso-8859-1"]))
def test_random_items_read_the_same_both_ways(items: list[str], encoding: str) -> None:
    body = (
        f'<?xml version="1.0" encoding="{encoding}"?>'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>t</title>'
        + "".join(items)
        + "</channel></rss>"
    ).encode(encoding, "xmlcharrefreplace")
    assert_same(body)


def test_the_property_test_exercises_the_fast_path() -> None:
    """Guard against a generator whose every document is declined (a test that cannot fail)."""
    body = (
        b"<rss version='2.0' xmlns:dc='http://purl.org/dc/elements/1.1/'><channel>"
        b"<item><title>a</title><dc:creator>b</dc:creator><pubDate>2026-11-24</pubDate></item>"
        b"</channel></rss>"
    )
    assert isinstance(read_xml_feed(body, {}), XmlFeed)


_WEEKDAYS = st.sampled_from(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])


@settings(max_examples=500, deadline=None)
@given(
    st.integers(1850, 2150), st.integers(1, 12), st.integers(1, 31), st.integers(0, 24),
    st.integers(0, 60), st.integers(0, 60), st.integers(-14 * 60, 14 * 60),
    _WEEKDAYS, st.booleans(), st.sampled_from(["GMT", "UTC", "offset"]),
)  # fmt: skip
def test_the_fast_date_forms_read_as_feedparser_reads_them(
    year: int, month: int, day: int, hour: int, minute: int, second: int, offset: int,
    weekday: str, iso: bool, zone: str,
) -> None:  # fmt: skip
    sign = "-" if offset < 0 else "+"
    oh, om = divmod(abs(offset), 60)
    if iso:
        tz = "Z" if zone != "offset" else f"{sign}{oh:02d}:{om:02d}"
        value = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}{tz}"
    else:
        tz = zone if zone != "offset" else f"{sign}{oh:02d}{om:02d}"
        mon = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
               "Dec"][month - 1]  # fmt: skip
        value = f"{weekday}, {day:02d} {mon} {year:04d} {hour:02d}:{minute:02d}:{second:02d} {tz}"
    assert parse_date(value) == _parse_date(value), value


_DECL_PARTS = st.sampled_from(
    ['<?xml version="1.0"', " encoding=", '"utf-8"', "'ISO-8859-1'", '"', "'", "?>", " ",
     "<rss>", "\n", "x", "encoding=", '"a\'b"']
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(_DECL_PARTS, max_size=12).map("".join))
def test_the_declared_encoding_is_read_as_feedparser_reads_it(head: str) -> None:
    body = head.encode()
    m = RE_XML_PI_ENCODING.match(body)
    assert _declared_encoding(body) == (m.group(1).decode().lower() if m else "")
