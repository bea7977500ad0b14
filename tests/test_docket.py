"""The docket reader on fixture feeds of each shape (tests/data/court/, written in the shapes
COURT-FEEDS.md describes), and its keys, merges, case numbers and gap decisions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor.config import Topic
from monitor.decide import docket_candidates
from monitor.docket import normalize_case_number, read_docket_feed, split_case_title
from monitor.docket_keys import PollWindow, case_thread_key, docket_key, find_gap, poll_window
from monitor.entry import Entry
from monitor.match import compile_topics
from monitor.prepare import match_cases, prepare_feed, tracked_cases

DATA = Path(__file__).parent / "data" / "court"
ILND = "https://ecf.ilnd.uscourts.gov/cgi-bin/rss_outside.pl"
FEEDS = {  # fixture: (kind, configured court, feed URL, docket entries it holds)
    "district_ilnd.xml": ("pacer", "ilnd", ILND, 8),  # 9 items, one two-type filing
    "bankruptcy_nysb.xml": (
        "pacer",
        None,
        "https://ecf.nysb.uscourts.gov/cgi-bin/rss_outside.pl",
        4,
    ),
    "appellate_ca7.xml": (
        "pacer",
        "ca7",
        "https://ecf.ca7.uscourts.gov/n/beam/servlet/TransportRoom?servlet=RSSGenerator",
        3,
    ),
    "edny.xml": ("pacer", "nyed", "https://ecf.nyed.uscourts.gov/cgi-bin/readyDockets.pl", 5),
    "criminal_nysd.xml": (  # 11 items: per-defendant copies, two-type filings
        "pacer",
        None,
        "https://ecf.nysd.uscourts.gov/cgi-bin/rss_outside.pl",
        5,
    ),
    "courtlistener_docket.xml": (
        "courtlistener",
        "ilnd",
        "https://www.courtlistener.com/docket/18972040/feed/",
        4,
    ),
    "courtlistener_docket_cand.xml": (
        "courtlistener",
        None,
        "https://www.courtlistener.com/docket/68123456/feed/",
        4,
    ),
    "courtlistener_search.xml": (
        "courtlistener",
        None,
        "https://www.courtlistener.com/feed/search/?q=Clearview",
        3,
    ),
}


def read(name: str) -> list[Entry]:
    kind, court, url, _ = FEEDS[name]
    return list(
        read_docket_feed((DATA / name).read_bytes(), {}, url, kind=kind, court=court).entries
    )


def by_number(entries: list[Entry], doc: str) -> Entry:
    return next(e for e in entries if e.extra["document_number"] == doc)


@pytest.mark.parametrize("name", sorted(FEEDS))
def test_each_shape_yields_exactly_the_docket_entries_it_holds(name: str) -> None:
    entries = read(name)
    assert len(entries) == FEEDS[name][3]
    keys = {docket_key(e) for e in entries}
    assert len(keys) == len(entries), "two docket entries share a key"
    for e in entries:
        assert e.extra["docket"] is True
        assert e.published is None or e.published.tzinfo == UTC


def test_district_fields_and_the_multi_type_filing_merged_into_one_entry() -> None:
    entries = read("district_ilnd.xml")
    mdl = by_number(entries, "612")
    x = mdl.extra
    assert (x["court"], x["case_number"], x["case_key"]) == (
        "ilnd",
        "1:21-cv-00135",
        "1:21-cv-00135",
    )
    assert x["case_name"] == "In re: Clearview AI, Inc. Consumer Privacy Litigation"
    assert x["types"] == ["Motion for Miscellaneous Relief", "Motion to Appoint Counsel"]
    assert x["text"] == "Motion for Miscellaneous Relief; Motion to Appoint Counsel"
    assert x["document_url"] == (
        "https://ecf.ilnd.uscourts.gov/doc1/067125954321?caseid=400123&de_seq_num=2301"
    )
    assert x["docket_url"] == "https://ecf.ilnd.uscourts.gov/cgi-bin/DktRpt.pl?400123"
    assert (x["pacer_case_id"], x["seq_no"]) == ("400123", "2301")
    assert mdl.published == datetime(2026, 11, 20, 14, 2, 11, tzinfo=UTC)
    assert mdl.title.startswith("1:21-cv-00135 In re: Clearview AI")
    assert "#612" in mdl.title and "Motion to Appoint Counsel" in mdl.title
    assert case_thread_key(mdl) == "case:ilnd:1:21-cv-00135"
    minute = next(e for e in entries if e.extra["text"] == "Status Hearing")
    assert (minute.extra["document_number"], minute.extra["seq_no"]) == (None, "2305")
    assert case_thread_key(minute) == case_thread_key(mdl)


def test_names_escaped_twice_are_unescaped_once_more_and_latin1_is_read() -> None:
    entries = read("district_ilnd.xml")
    names = {e.extra["case_name"] for e in entries}
    assert "O'Brien & Sons v. Clearview Acquisitions LLC" in names
    assert "Muñoz v. Clearview AI, Inc." in names
    edny = read("edny.xml")
    assert by_number(edny, "112").extra["case_name"] == "USA v. Ro'Neal"


def test_edny_filings_sharing_a_guid_are_never_merged_but_one_filings_types_are() -> None:
    entries = read("edny.xml")
    chau = [e for e in entries if e.extra["case_key"] == "1:18-cv-03365"]
    assert len({e.guid for e in chau}) == 1 and len(chau) == 4
    assert [(e.extra["document_number"], e.extra["text"]) for e in chau] == [
        ("25", "Order on Motion to Dismiss"),  # same second as #26: two documents, two entries
        ("26", "Order on Motion for Sanctions"),
        (None, "Order; Order(Other)"),  # no document, same second: one filing of two types
        (None, "Scheduling Order"),  # no document, two minutes later: its own entry
    ]
    assert chau[2].extra["types"] == ["Order", "Order(Other)"]
    assert len({docket_key(e) for e in chau}) == 4
    doc = by_number(entries, "25").extra
    assert doc["pacer_case_id"] == "419001"
    assert doc["description_party"] == "Chau v. Donovan et al"
    assert "Chau v. Donovan" in by_number(entries, "25").summary  # for party terms


def test_bankruptcy_padded_missing_and_cut_names() -> None:
    entries = read("bankruptcy_nysb.xml")
    got = [(e.extra["court"], e.extra["case_key"], e.extra["case_name"]) for e in entries]
    assert got == [
        ("nysb", "16-10992", "SunEdison, Inc."),  # court from the ecf host
        ("nysb", "18-90003", ""),
        ("nysb", "19-23649", "Purdue Pharma L.P. and Affili"),
        ("nysb", "26-01044", "Roe v. SunEdison, Inc."),
    ]
    assert entries[0].extra["bankruptcy"] == {"type": "bk", "office": "1", "chapter": "11"}
    assert entries[1].extra["bankruptcy"]["trustee"] == "Jane Roe"
    assert entries[1].extra["seq_no"] == "77"  # from the "-<seq>" guid


def test_an_adversary_proceeding_with_an_empty_chapter_keeps_its_bankruptcy_fields() -> None:
    adversary = read("bankruptcy_nysb.xml")[3].extra
    assert adversary["bankruptcy"] == {"type": "ap", "office": "1", "chapter": ""}
    assert adversary["document_number"] == "1"


def test_appellate_local_zones_and_document_links_without_numbers() -> None:
    entries = read("appellate_ca7.xml")
    opinion, judgment, ruling = entries
    assert opinion.published == datetime(2026, 11, 20, 15, 15, tzinfo=UTC)  # 09:15 CST
    assert ruling.published == datetime(2026, 11, 19, 22, 40, tzinfo=UTC)  # 17:40 EST
    # "Document" is no number: PACER's document id (fourth digit zeroed) stands in for it
    assert opinion.extra["document_url"] == "https://ecf.ca7.uscourts.gov/docs1/00712345678"
    assert opinion.extra["document_number"] == opinion.extra["pacer_doc_id"] == "00702345678"
    assert docket_key(opinion).startswith("1:dn:")
    assert judgment.extra["document_number"] == "38"
    assert judgment.extra["pacer_doc_id"] == "00702345679"
    assert ruling.extra["document_url"] is None and ruling.extra["text"] == "ruling"


ZONE_TIMES = [  # (label, local time, the instant in UTC)
    ("EST", "Mon, 19 Jan 2026 09:15:00", datetime(2026, 1, 19, 14, 15, tzinfo=UTC)),
    ("EDT", "Mon, 20 Jul 2026 09:15:00", datetime(2026, 7, 20, 13, 15, tzinfo=UTC)),
    ("CST", "Mon, 19 Jan 2026 09:15:00", datetime(2026, 1, 19, 15, 15, tzinfo=UTC)),
    ("CDT", "Mon, 20 Jul 2026 09:15:00", datetime(2026, 7, 20, 14, 15, tzinfo=UTC)),
    ("MST", "Mon, 19 Jan 2026 09:15:00", datetime(2026, 1, 19, 16, 15, tzinfo=UTC)),
    ("MDT", "Mon, 20 Jul 2026 09:15:00", datetime(2026, 7, 20, 15, 15, tzinfo=UTC)),
    ("PST", "Mon, 19 Jan 2026 09:15:00", datetime(2026, 1, 19, 17, 15, tzinfo=UTC)),
    ("PDT", "Mon, 20 Jul 2026 09:15:00", datetime(2026, 7, 20, 16, 15, tzinfo=UTC)),
    ("AKST", "Mon, 19 Jan 2026 09:15:00", datetime(2026, 1, 19, 18, 15, tzinfo=UTC)),
    ("AKDT", "Mon, 20 Jul 2026 09:15:00", datetime(2026, 7, 20, 17, 15, tzinfo=UTC)),
    ("HST", "Mon, 20 Jul 2026 09:15:00", datetime(2026, 7, 20, 19, 15, tzinfo=UTC)),
    ("AST", "Mon, 20 Jul 2026 09:15:00", datetime(2026, 7, 20, 13, 15, tzinfo=UTC)),
    ("CHST", "Tue, 21 Jul 2026 09:15:00", datetime(2026, 7, 20, 23, 15, tzinfo=UTC)),
    ("SST", "Mon, 20 Jul 2026 09:15:00", datetime(2026, 7, 20, 20, 15, tzinfo=UTC)),
    ("GMT", "Mon, 20 Jul 2026 09:15:00", datetime(2026, 7, 20, 9, 15, tzinfo=UTC)),
]


def zone_feed(times: list[tuple[str, str, datetime]]) -> bytes:
    """An appellate feed (the courts that write local zone labels), one entry per time."""
    items = "".join(
        f"<item><title>24-{n:04d} Roe v. Acme Corp.</title>"
        f"<link>https://ecf.ca9.uscourts.gov/n/beam/servlet/TransportRoom?caseNum=24-{n:04d}</link>"
        f"<description>[Order]</description><pubDate>{local} {label}</pubDate></item>"
        for n, (label, local, _) in enumerate(times, 1)
    )
    return (
        '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel>'
        f"<title>9th Circuit Court of Appeals - Recent Entries</title>{items}</channel></rss>"
    ).encode("iso-8859-1")


def test_entry_times_are_right_in_every_us_zone_daylight_time_included() -> None:
    feed = read_docket_feed(zone_feed(ZONE_TIMES), {}, "https://ecf.ca9.uscourts.gov/rss",
                            kind="pacer", court="ca9")  # fmt: skip
    got = {e.extra["case_number"]: e.published for e in feed.entries}
    for n, (label, local, utc) in enumerate(ZONE_TIMES, 1):
        assert got[f"24-{n:04d}"] == utc, f"{local} {label}"


def test_courtlistener_docket_feed_has_full_text_and_shares_timestamps() -> None:
    entries = read("courtlistener_docket.xml")
    assert [e.extra["document_number"] for e in entries] == ["612", "613", None, "611"]
    first = entries[0].extra
    assert first["full_text"].startswith("MOTION by Plaintiffs for miscellaneous relief")
    assert first["case_name"] == "In re: Clearview AI, Inc. Consumer Privacy Litigation"
    assert first["document_url"].endswith("gov.uscourts.ilnd.400123.612.0.pdf")
    assert first["docket_url"] == (
        "https://www.courtlistener.com/docket/18972040/"
        "in-re-clearview-ai-inc-consumer-privacy-litigation/"
    )
    assert entries[0].published == entries[1].published == entries[2].published
    # the case number closes every title: the same case thread as the court's PACER entries
    assert first["case_number"] == "1:21-cv-00135"
    assert case_thread_key(entries[0]) == "case:ilnd:1:21-cv-00135"
    assert first["case_ref"] == "cl-18972040"


def test_courtlistener_per_docket_feed_in_the_real_shape() -> None:
    entries = read("courtlistener_docket_cand.xml")  # no court configured
    order, stipulation, minute, notice = (e.extra for e in entries)
    assert (order["court"], order["case_number"], order["case_key"]) == (
        "cand",  # from the RECAP document's name
        "3:24-cv-01234",
        "3:24-cv-01234",
    )
    assert order["case_name"] == "Doe v. Acme Platforms, Inc."
    assert order["pacer_case_id"] == "412345"
    assert order["text"] == (  # whole, not cut at "Thomas S."; the filing stamp dropped
        "ORDER REFERRING CASE to Magistrate Judge Thomas S. Hixson for discovery purposes. "
        "Signed by Judge Rita F. Lin on 7/14/2026. (ads, COURT STAFF)"
    )
    assert order["full_text"].endswith("(Filed on 7/14/2026)")
    assert entries[0].title.startswith("3:24-cv-01234 Doe v. Acme Platforms, Inc. — #17: ORDER")
    assert entries[0].published == datetime(2026, 7, 14, 7, 0, tzinfo=UTC)  # midnight PDT
    assert (minute["document_number"], minute["case_key"]) == (None, "3:24-cv-01234")
    assert docket_key(entries[2]).startswith("1:dc:")  # its CourtListener entry id
    assert notice["text"].startswith("CLERK'S NOTICE")
    assert {case_thread_key(e) for e in entries} == {"case:cand:3:24-cv-01234"}
    assert stipulation["document_url"] == "https://ecf.cand.uscourts.gov/doc1/035121234567"


def test_courtlistener_search_feed_reads_court_and_case_name() -> None:
    entries = read("courtlistener_search.xml")
    assert [e.extra["case_name"] for e in entries] == [
        "Doe v. Clearview AI, Inc.",
        "Clearview Acquisitions LLC v. Roe",
        "Smith v. Clearview Township",
    ]
    assert entries[0].extra["court"] == "district court, n.d. illinois"


@pytest.mark.parametrize(
    ("shown", "normal"),
    [
        ("1:18-cv-03365-PKC-CLP", "1:18-cv-03365"),
        ("1:20-cr-00123-1", "1:20-cr-00123"),
        ("1:21-CV-135", "1:21-cv-00135"),
        ("16-10992-smb", "16-10992"),
        ("23-1124", "23-1124"),
        ("5:18-~gr-00001", "5:18-~gr-00001"),
    ],
)
def test_case_numbers_are_normalised_for_matching(shown: str, normal: str) -> None:
    assert normalize_case_number(shown) == normal


def test_title_splits_at_the_first_space() -> None:
    assert split_case_title("18-90003 ") == ("18-90003", "")
    assert split_case_title("1:23-cv-1 A &amp; B v. C") == ("1:23-cv-1", "A & B v. C")


def test_keys_are_versioned_and_survive_a_reordered_window() -> None:
    entries = read("district_ilnd.xml")
    assert all(docket_key(e).startswith(("1:dn:", "1:ds:", "1:dt:")) for e in entries)
    again = read("district_ilnd.xml")[::-1]
    assert {docket_key(e) for e in again} == {docket_key(e) for e in entries}
    with pytest.raises(ValueError):
        docket_key(Entry(guid="g", link=None, title="t", summary="s"))


def test_tracked_cases_and_party_terms_match_docket_entries() -> None:
    topics = [
        Topic(
            name="mdl",
            terms=["nothing-matches-this"],
            cases=[{"court": "ilnd", "number": "1:21-cv-135"}],
        ),
        Topic(
            name="party",
            query="party:Clearview",
            exclude=["Clearview Acquisitions", "Clearview Township"],
        ),
    ]
    body = (DATA / "district_ilnd.xml").read_bytes()
    prepared = prepare_feed(
        body, {}, ILND, "pacer-ilnd", compile_topics(topics), kind="pacer", court="ilnd",
        tracked=tracked_cases(topics),
    )  # fmt: skip
    hits = {
        c.entry.extra["case_name"]: sorted(m.topic for m in c.matches) for c in prepared.candidates
    }
    assert hits["In re: Clearview AI, Inc. Consumer Privacy Litigation"] == ["mdl", "party"]
    assert hits["Muñoz v. Clearview AI, Inc."] == ["party"]
    assert hits["O'Brien & Sons v. Clearview Acquisitions LLC"] == []
    assert hits["Smith v. Clearview Township"] == []
    assert hits["Chau v. Donovan et al"] == []
    mdl = next(c for c in prepared.candidates if c.entry.extra["document_number"] == "612")
    assert [m.terms for m in mdl.matches if m.topic == "mdl"] == [("case 1:21-cv-135",)]
    assert mdl.canonical_url is None  # entries of a case share a docket link: never merged
    assert match_cases(mdl.entry, {}) == []


def test_docket_candidates_keep_the_first_of_a_repeated_key() -> None:
    entries = read("edny.xml")
    found = docket_candidates([*entries, entries[0]], lambda e: [])
    assert len(found) == len(entries)


NOW = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)


def test_a_gap_only_when_a_nonempty_feed_shares_nothing_with_a_nonempty_previous_poll() -> None:
    entries = read("district_ilnd.xml")
    current = poll_window(entries, NOW)
    assert (current.entries, current.oldest_at) == (8, datetime(2026, 11, 20, 11, 40, tzinfo=UTC))
    previous = PollWindow(
        5, NOW - timedelta(hours=9), NOW - timedelta(hours=8), NOW - timedelta(hours=7)
    )
    gap = find_gap(previous, current, 0, source="pacer-ilnd", court="ilnd")
    assert gap is not None
    assert (gap.start, gap.end, gap.court) == (previous.newest_at, current.oldest_at, "ilnd")
    assert "possible gap in ilnd" in gap.describe()
    assert find_gap(previous, current, 1, source="s", court="ilnd") is None  # overlap
    assert find_gap(None, current, 0, source="s", court="ilnd") is None  # first poll
    empty = PollWindow(0, None, None, NOW - timedelta(hours=1))
    assert find_gap(empty, current, 0, source="s", court="ilnd") is None
    assert find_gap(previous, poll_window([], NOW), 0, source="s", court="ilnd") is None
