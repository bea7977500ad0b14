"""One filing, one entry: which feed items are one docket entry, whatever their order and
however a rolling window splits them (``monitor.docket_entry``), on fixtures in the real
PACER shapes (tests/data/court/)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.config import Topic
from monitor.docket import read_docket_feed
from monitor.docket_entry import DocketEntry, join, split_defendant
from monitor.docket_keys import case_thread_key, docket_key
from monitor.entry import Entry
from monitor.match import compile_topics
from monitor.prepare import prepare_feed

DATA = Path(__file__).parent / "data" / "court"
FEEDS = {  # fixture: (configured court, feed URL)
    "district_ilnd.xml": ("ilnd", "https://ecf.ilnd.uscourts.gov/cgi-bin/rss_outside.pl"),
    "edny.xml": ("nyed", "https://ecf.nyed.uscourts.gov/cgi-bin/readyDockets.pl"),
    "criminal_nysd.xml": (None, "https://ecf.nysd.uscourts.gov/cgi-bin/rss_outside.pl"),
    "bankruptcy_nysb.xml": (None, "https://ecf.nysb.uscourts.gov/cgi-bin/rss_outside.pl"),
    "appellate_ca7.xml": ("ca7", "https://ecf.ca7.uscourts.gov/n/beam/servlet/RSS"),
}
_ITEM = re.compile(rb"\s*<item>.*?</item>", re.S)


def split_items(name: str) -> tuple[bytes, list[bytes], bytes]:
    """A fixture's bytes as (head, items, tail), to serve its items in another order."""
    body = (DATA / name).read_bytes()
    items = _ITEM.findall(body)
    start, end = body.index(items[0]), body.index(items[-1]) + len(items[-1])
    return body[:start], items, body[end:]


def read_items(name: str, items: list[bytes]) -> list[Entry]:
    head, _, tail = split_items(name)
    court, url = FEEDS[name]
    body = head + b"".join(items) + tail
    return list(read_docket_feed(body, {}, url, kind="pacer", court=court).entries)


def view(entries: list[Entry]) -> dict[str, tuple[str, str, str]]:
    """Entries by key: title, summary and every docket field: what the store would hold."""
    return {
        docket_key(e): (e.title, e.summary, json.dumps(e.extra, sort_keys=True)) for e in entries
    }


def test_per_defendant_copies_of_a_filing_are_one_entry_listing_the_defendants() -> None:
    _, items, _ = split_items("criminal_nysd.xml")
    entries = read_items("criminal_nysd.xml", items)
    order, conference, motion = entries[:3]
    # with a document: three copies (one per defendant case, each its own PACER case id)
    assert order.title == "1:17-cr-00664 USA v. Hart — #212: Order"
    assert order.extra["defendants"] == [
        ["1", "USA v. Hart"],
        ["2", "USA v. Osei"],
        ["3", "USA v. Lind"],
    ]
    assert "Defendants: 1 USA v. Hart; 2 USA v. Osei; 3 USA v. Lind" in order.summary
    assert (order.extra["pacer_case_id"], order.extra["seq_no"]) == ("478101", "1093")
    # without a document: the same, though each copy has its own sequence number
    assert conference.title == "1:17-cr-00664 USA v. Hart — Status Conference"
    assert [d[0] for d in conference.extra["defendants"]] == ["1", "2", "3"]
    assert docket_key(conference).startswith("1:dt:")
    # one defendant's two-type motion: one entry, both types
    assert motion.extra["text"] == "Motion for Extension of Time to File; Motion to Seal"
    assert motion.extra["defendants"] == [["2", "USA v. Osei"]]
    assert {case_thread_key(e) for e in entries[:3]} == {"case:nysd:1:17-cr-00664"}


def test_every_defendant_named_in_a_merged_entry_is_a_party() -> None:
    topics = compile_topics([Topic(name="osei", query="party:Osei")])
    court, url = FEEDS["criminal_nysd.xml"]
    body = (DATA / "criminal_nysd.xml").read_bytes()
    found = prepare_feed(body, {}, url, "sdny", topics, kind="pacer", court=court).candidates
    hit = [c.entry.extra["text"] for c in found if c.matches]
    assert hit == [
        "Order",  # Osei is defendant 2 of the order filed for all three
        "Status Conference",
        "Motion for Extension of Time to File; Motion to Seal",
    ]


@pytest.mark.parametrize(
    ("shown", "split"),
    [
        ("1:17-cr-00664-2", ("1:17-cr-00664", "2")),
        ("1:17-cr-00664-JGK-12", ("1:17-cr-00664-JGK", "12")),
        ("1:18-cv-03365-PKC-CLP", ("1:18-cv-03365-PKC-CLP", None)),
        ("16-10992-smb", ("16-10992-smb", None)),
        ("23-1124", ("23-1124", None)),
    ],
)
def test_a_defendant_suffix_is_split_from_the_case_number(
    shown: str, split: tuple[str, str | None]
) -> None:
    assert split_defendant(shown) == split


@pytest.mark.parametrize("name", sorted(FEEDS))
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_the_entries_do_not_depend_on_the_order_of_the_items(
    name: str, data: st.DataObject
) -> None:
    _, items, _ = split_items(name)
    shuffled = data.draw(st.permutations(items))
    assert view(read_items(name, list(shuffled))) == view(read_items(name, items))


@pytest.mark.parametrize("name", sorted(FEEDS))
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_a_window_holding_some_of_a_filings_items_is_the_same_filing_and_takes_nothing_away(
    name: str, data: st.DataObject
) -> None:
    _, items, _ = split_items(name)
    full = {docket_key(e): DocketEntry.from_extra(e.extra) for e in read_items(name, items)}
    window = data.draw(st.lists(st.sampled_from(items), min_size=1, unique=True))
    for entry in read_items(name, window):
        key = docket_key(entry)
        assert key in full, "a part of a filing got a key of its own"
        # what a later poll's part of the filing joins to the stored entry changes nothing
        assert join(full[key], DocketEntry.from_extra(entry.extra)) == full[key]


def test_join_is_commutative_associative_and_idempotent_on_a_filings_items() -> None:
    _, items, _ = split_items("criminal_nysd.xml")
    parts = [DocketEntry.from_extra(read_items("criminal_nysd.xml", [i])[0].extra) for i in items]
    a, b, c = parts[:3]  # the three defendants' copies of one order
    assert join(a, b) == join(b, a)
    assert join(join(a, b), c) == join(a, join(b, c))
    assert join(a, a) == a and join(join(a, b), b) == join(a, b)
