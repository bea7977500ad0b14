"""Tests for monitor.dedupe: canonical URLs (table + properties) and versioned entry keys."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.dedupe import TRACKING_PARAMS, canonical_url, entry_key
from monitor.entry import Entry

SAME = [
    # case, default ports, fragments, www
    ("HTTPS://WWW.Example.COM:443/News/Story?id=7#comments", "https://example.com/News/Story?id=7"),
    ("http://example.com:80", "http://example.com/"),
    ("  https://example.com./a  ", "https://example.com/a"),
    ("https://example.com:8443/a", "https://example.com:8443/a"),
    ("https://example.com/#!/article/42", "https://example.com/#!/article/42"),
    # tracking parameters go, the others stay in order
    (
        "https://example.com/a?utm_source=rss&b=2&UTM_Medium=x&a=1&fbclid=Iw&gclid=1&_ga=2.1",
        "https://example.com/a?b=2&a=1",
    ),
    ("https://example.com/a?mc_cid=1&mc_eid=2&ocid=3&cmpid=4&CMP=share_btn_tw", "https://example.com/a"),
    ("https://example.com/a?igshid=x&yclid=1&ref_src=twsrc&smid=tw-share", "https://example.com/a"),
    ("https://example.com/a?guccounter=1&msclkid=9&dclid=3&xtor=RSS-3208", "https://example.com/a"),
    ("https://example.com/a?&&p=1&", "https://example.com/a?p=1"),
    # AMP variants
    ("https://www.example.com/news/amp/technology-123", "https://example.com/news/technology-123"),
    ("https://example.com/2024/06/story/amp/", "https://example.com/2024/06/story/"),
    ("https://example.com/2024/06/story/amp", "https://example.com/2024/06/story"),
    ("https://amp.theguardian.com/technology/clearview", "https://theguardian.com/technology/clearview"),
    ("https://example.com/story.amp.html", "https://example.com/story.html"),
    ("https://example.com/story?amp", "https://example.com/story"),
    ("https://example.com/story?amp=1&id=4", "https://example.com/story?id=4"),
    ("https://example.com/story?outputType=amp", "https://example.com/story"),
    # redirectors that carry the target
    (
        "https://www.google.com/url?rct=j&sa=t&url=https%3A%2F%2Fexample.com%2Fa%3Futm_source%3Dx&ct=ga",
        "https://example.com/a",
    ),
    ("https://www.google.co.uk/url?q=https://example.com/b&sa=D", "https://example.com/b"),
    ("https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.com%2Fc%3Ffbclid%3D1&h=AT0", "https://example.com/c"),
    (
        "http://www.bing.com/news/apiclick.aspx?ref=FexRss&aid=&tid=1&url=https%3a%2f%2fwww.example.com"
        "%2fclearview-fine&c=123&mkt=en-us",
        "https://example.com/clearview-fine",
    ),
    (
        "https://www.google.com/url?q=https%3A%2F%2Fl.facebook.com%2Fl.php%3Fu%3Dhttps%253A%252F%252Fexample.com%252Fd",
        "https://example.com/d",
    ),
    # left alone: not decodable offline, or not a redirect
    ("https://news.google.com/rss/articles/CBMiX2h0dHBz?oc=5", "https://news.google.com/rss/articles/CBMiX2h0dHBz?oc=5"),
    ("https://t.co/AbCdEf123", "https://t.co/AbCdEf123"),
    ("https://www.google.com/url?q=javascript:alert(1)", "https://google.com/url?q=javascript:alert(1)"),
    ("https://www.google.com/search?q=https://example.com/", "https://google.com/search?q=https://example.com/"),
    # kept on purpose: each can distinguish articles on some server
    ("https://example.com/dir/index.html", "https://example.com/dir/index.html"),
    ("https://example.com/a/", "https://example.com/a/"),
    ("https://example.com/a%7Eb", "https://example.com/a%7Eb"),
    ("https://example.com/a?ref=home", "https://example.com/a?ref=home"),
    ("https://amp.dev/about", "https://amp.dev/about"),
    ("https://www.co.uk/x", "https://www.co.uk/x"),
    ("https://user@Example.com/x", "https://user@example.com/x"),
    ("http://[2001:DB8::1]:80/x", "http://[2001:db8::1]/x"),
    ("https://example.com/a b", "https://example.com/a%20b"),
    # not an http(s) URL: returned stripped
    (" mailto:desk@example.com ", "mailto:desk@example.com"),
    ("not a url", "not a url"),
    ("http://[::1", "http://[::1"),
    ("https://example.com:99x/a", "https://example.com:99x/a"),
    ("https:///path-only", "https:///path-only"),
    ("", ""),
]  # fmt: skip

DISTINCT = [
    ("https://example.com/a?id=1", "https://example.com/a?id=2"),
    ("https://example.com/a", "https://example.com/b"),
    ("https://example.com/Article", "https://example.com/article"),
    ("https://example.com/a?p=1&q=2", "https://example.com/a?q=2&p=1"),
    ("https://example.com/a", "https://example.org/a"),
    ("https://example.com/a", "https://example.com:8080/a"),
    ("https://example.com/#!/a", "https://example.com/#!/b"),
    ("https://example.com/amplifier", "https://example.com/"),
]


@pytest.mark.parametrize(("url", "expected"), SAME)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected
    assert canonical_url(expected) == expected


@pytest.mark.parametrize(("left", "right"), DISTINCT)
def test_distinct_articles_stay_distinct(left: str, right: str) -> None:
    assert canonical_url(left) != canonical_url(right)


@given(st.text())
def test_canonical_url_never_raises_and_is_idempotent(text: str) -> None:
    once = canonical_url(text)
    assert canonical_url(once) == once


_URLISH = st.builds(
    "".join,
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "http://", "HTTPS://", "www.", "amp.", "example.com", "EXAMPLE.org", ":80",
                    ":443", ":8080", ":", "/", "/amp", "/amp/", ".amp.html", "?", "&", "=", "#",
                    "#!", "utm_source=x", "amp", "outputType=amp", "id=1", "%2F", "%3A", "@",
                    "[::1]", "google.com/url?q=", "l.facebook.com/l.php?u=", "https%3A%2F%2F",
                    " ", "\t", "\n", ".", "..", "index.html",
                ]
            ),
            st.text(max_size=4),
        ),
        max_size=14,
    ),
)  # fmt: skip


@given(_URLISH)
def test_canonical_url_is_idempotent_on_url_like_text(text: str) -> None:
    once = canonical_url(text)
    assert canonical_url(once) == once


_SEGMENT = st.text(
    st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~"),
    min_size=1,
    max_size=12,
).filter(lambda s: s != "amp" and not s.endswith(".amp.html") and s not in (".", ".."))
_PATH = st.lists(_SEGMENT, min_size=1, max_size=4).map(lambda parts: "/" + "/".join(parts))
_NAME = _SEGMENT.filter(
    lambda s: (
        s.lower() not in TRACKING_PARAMS
        and not s.lower().startswith("utm_")
        and s.lower() not in ("amp", "outputtype")
    )
)
_VALUE = st.text(min_size=1, max_size=12).map(lambda s: quote(s, safe=""))
_HOST = st.sampled_from(["example.com", "news.example.co.uk", "www.example.org"])


@given(_HOST, _PATH, _PATH, st.sampled_from(["", "?utm_source=rss", "?fbclid=1"]))
def test_urls_differing_in_path_stay_distinct(host: str, a: str, b: str, noise: str) -> None:
    if a != b:
        assert canonical_url(f"https://{host}{a}{noise}") != canonical_url(f"https://{host}{b}")


@given(_HOST, _PATH, _NAME, _VALUE, _VALUE)
def test_urls_differing_in_a_query_value_stay_distinct(
    host: str, path: str, name: str, a: str, b: str
) -> None:
    if a != b:
        left = canonical_url(f"https://{host}{path}?{name}={a}&utm_medium=feed")
        assert left != canonical_url(f"https://{host}{path}?{name}={b}")


# --- entry keys ------------------------------------------------------------------------------

KEY = re.compile(r"^1:[gsut]:[0-9a-f]{64}$")


def _entry(
    guid: str | None = None, link: str | None = None, title: str = "t", summary: str = "s"
) -> Entry:
    return Entry(guid=guid, link=link, title=title, summary=summary)


@pytest.mark.parametrize(
    ("entry", "kind"),
    [
        (_entry(guid="https://example.com/?p=123"), "g"),
        (_entry(guid="tag:watch.example.org,2024:post-771"), "g"),
        (_entry(guid="urn:uuid:0b3e5c2e-6a57-4c4b-9a0e-3f1c1f0e2b11"), "g"),
        (_entry(guid="48213", link="https://example.com/a"), "s"),
        (_entry(link="https://example.com/a"), "u"),
        (_entry(guid="   ", link="https://example.com/a"), "u"),
        (_entry(), "t"),
    ],
)
def test_entry_key_kinds(entry: Entry, kind: str) -> None:
    key = entry_key(entry, "desk")
    assert KEY.match(key) and key.startswith(f"1:{kind}:")


def test_global_guid_ignores_source_and_tracking() -> None:
    a = _entry(guid="https://example.com/story?utm_source=rss")
    b = _entry(guid="https://www.example.com/story", title="edited headline")
    assert entry_key(a, "feed-a") == entry_key(b, "feed-b")


def test_local_guid_is_scoped_by_source() -> None:
    entry = _entry(guid="123")
    assert entry_key(entry, "feed-a") != entry_key(entry, "feed-b")
    assert entry_key(entry, "feed-a") == entry_key(_entry(guid="123", title="x"), "feed-a")


def test_link_key_uses_canonical_link_across_sources() -> None:
    a = _entry(link="https://example.com/a?utm_source=x", title="one")
    b = _entry(link="https://EXAMPLE.com/a#top", title="two")
    assert entry_key(a, "feed-a") == entry_key(b, "feed-b")
    assert entry_key(a, "x") != entry_key(_entry(link="https://example.com/b"), "x")


def test_text_key_normalizes_and_is_scoped() -> None:
    a = _entry(title="Clearview  AI fined", summary="By the CNIL")
    b = _entry(title="clearview ai FINED", summary=" by the cnil ")
    assert entry_key(a, "src") == entry_key(b, "src")
    assert entry_key(a, "src") != entry_key(a, "other")
    assert entry_key(a, "src") != entry_key(
        _entry(title="Clearview AI fined By", summary="the CNIL"), "src"
    )


@given(st.text(min_size=1), st.text(min_size=1), st.text())
def test_entry_key_stable_and_guid_sensitive(guid_a: str, guid_b: str, source: str) -> None:
    a, b = _entry(guid=guid_a), _entry(guid=guid_b)
    assert entry_key(a, source) == entry_key(_entry(guid=guid_a), source)
    assert KEY.match(entry_key(a, source))
    if canonical_url(guid_a.strip()) != canonical_url(guid_b.strip()):
        assert entry_key(a, source) != entry_key(b, source)


@given(st.text(), st.text(), st.text(), st.text())
def test_entry_key_never_raises(title: str, summary: str, link: str, source: str) -> None:
    assert KEY.match(entry_key(_entry(link=link or None, title=title, summary=summary), source))
