"""Conformance with the Free Law Project's PACER RSS parser (juriscraper, a test-only
dependency): its ``PacerRssFeed`` and our docket reader read the same fixtures (appellate,
district, bankruptcy, EDNY, criminal multi-defendant, multi-type filings, names escaped
twice) and must find the same docket entries, field by field, except for the documented
policy differences (README, "Court dockets"):

- per-defendant copies of one filing (``1:17-cr-00664-1``, ``-2``, ``-3``, each with its own
  PACER case id) are one entry here, listing the defendants; juriscraper keeps one per copy;
- EDNY items of different documents in the same second (its ``show_case_doc`` links give
  juriscraper no document id, and its merge ignores the document number) are one entry per
  document here; juriscraper merges them;
- items whose case number is malformed (``5:18-~gr-00001``) are kept here; juriscraper
  drops them;
- the sequence number is also read from the guid here (juriscraper reads it only from a
  document link); a missing name is "" here ("Unknown Case Title" there); a name escaped
  twice is decoded fully here (juriscraper's cleaning leaves ``O&039;Brien``); juriscraper
  rewrites names (``USA`` → ``United States``, ``et al`` dropped), so names are compared
  after its own ``harmonize``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from juriscraper.lib.string_utils import clean_string, harmonize
from juriscraper.pacer import rss_feeds as juriscraper_rss
from test_docket import ZONE_TIMES, zone_feed

from monitor.docket import normalize_case_number, read_docket_feed
from monitor.entry import Entry

DATA = Path(__file__).parent / "data" / "court"
FEEDS = {  # fixture: (court id, feed URL)
    "appellate_ca7.xml": ("ca7", "https://ecf.ca7.uscourts.gov/n/beam/servlet/RSS"),
    "district_ilnd.xml": ("ilnd", "https://ecf.ilnd.uscourts.gov/cgi-bin/rss_outside.pl"),
    "bankruptcy_nysb.xml": ("nysb", "https://ecf.nysb.uscourts.gov/cgi-bin/rss_outside.pl"),
    "edny.xml": ("nyed", "https://ecf.nyed.uscourts.gov/cgi-bin/readyDockets.pl"),
    "criminal_nysd.xml": ("nysd", "https://ecf.nysd.uscourts.gov/cgi-bin/rss_outside.pl"),
}


@dataclass(frozen=True)
class Ref:
    """One docket entry as juriscraper's PacerRssFeed reads it."""

    case_key: str
    case_name: str
    pacer_case_id: str | None
    entered_at: datetime
    document_number: str | None
    pacer_doc_id: str | None
    seq_no: str | None
    types: frozenset[str]
    bankruptcy: tuple[str, str, str, str] | None


def reference(body: bytes, court: str) -> list[Ref]:
    feed = juriscraper_rss.PacerRssFeed(court)
    feed._parse_text(body)  # what its command line does with a file: bytes to feedparser
    found = []
    for docket in feed.data:
        [de] = docket["docket_entries"]
        bankruptcy = (docket["type"], docket["office"], docket["chapter"], docket["trustee_str"])
        found.append(
            Ref(
                case_key=normalize_case_number(docket["docket_number"]),
                case_name=docket["case_name"],
                pacer_case_id=docket["pacer_case_id"],
                entered_at=de["date_filed"].astimezone(UTC),
                document_number=de["document_number"],
                pacer_doc_id=de["pacer_doc_id"] or None,
                seq_no=de["pacer_seq_no"],
                types=frozenset(t.strip() for t in de["short_description"].split(" AND ")),
                bankruptcy=bankruptcy if any(bankruptcy) else None,
            )
        )
    return found


def ours(body: bytes, court: str, url: str) -> list[Entry]:
    return list(read_docket_feed(body, {}, url, kind="pacer", court=court).entries)


def same_entry(ref: Ref, entry: Entry) -> bool:
    """Whether ``entry`` holds (some of) the feed items of ``ref``: same case, same time,
    an entry type in common."""
    x = entry.extra
    return (
        x["case_key"] == ref.case_key
        and entry.published == ref.entered_at
        and bool(ref.types & set(x["types"]))
    )


def pairs(name: str) -> Iterator[tuple[list[Ref], list[Entry]]]:
    """Each group of juriscraper entries with the entries of ours holding the same items."""
    court, url = FEEDS[name]
    body = (DATA / name).read_bytes()
    refs, entries = reference(body, court), ours(body, court, url)
    seen: set[int] = set()
    for ref in refs:
        if id(ref) in seen:
            continue
        mine = [e for e in entries if same_entry(ref, e)]
        group = [r for r in refs if any(same_entry(r, e) for e in mine)]
        seen |= {id(r) for r in group}
        yield group, mine
    matched = {id(e) for r in refs for e in entries if same_entry(r, e)}
    for entry in entries:
        if id(entry) not in matched:
            yield [], [entry]


def assert_same_fields(ref: Ref, entry: Entry) -> None:
    x = entry.extra
    assert x["document_number"] == ref.document_number
    assert x["pacer_doc_id"] == ref.pacer_doc_id
    assert frozenset(x["types"]) == ref.types
    assert x["pacer_case_id"] == ref.pacer_case_id or ref.pacer_case_id is None  # appellate
    assert ref.seq_no is None or x["seq_no"] == ref.seq_no  # ours also reads the guid
    if ref.bankruptcy is not None:
        b = x["bankruptcy"]
        got = (b["type"], b["office"], b["chapter"], b.get("trustee", ""))
        assert got == tuple(part.strip() for part in ref.bankruptcy)
    assert_same_name(ref.case_name, x["case_name"])


def assert_same_name(theirs: str, mine: str) -> None:
    if not mine:
        assert theirs == "Unknown Case Title"
    elif "&039;" in theirs:  # escaped twice: juriscraper's cleaning leaves the entity broken
        assert clean_string(harmonize(mine)) == theirs.replace("&039;", "'")
        assert "&" not in mine.replace(" & ", "")
    else:
        assert clean_string(harmonize(mine)) == theirs


@pytest.mark.parametrize("name", sorted(FEEDS))
def test_the_reader_finds_juriscrapers_docket_entries_but_for_documented_policy(
    name: str,
) -> None:
    checked = 0
    for refs, mine in pairs(name):
        if len(refs) == 1 and len(mine) == 1:
            assert_same_fields(refs[0], mine[0])
        elif not refs:  # juriscraper drops an item without a well-formed case number
            [entry] = mine
            assert normalize_case_number(entry.extra["case_number"]) == "5:18-~gr-00001"
        elif len(refs) > 1:  # one filing copied per defendant: one entry here
            [entry] = mine
            assert len({r.pacer_case_id for r in refs}) == len(refs)
            assert len(entry.extra["defendants"]) == len(refs)
            for ref in refs:
                assert (ref.document_number, ref.types) == (refs[0].document_number, refs[0].types)
            assert_same_fields(min(refs, key=lambda r: int(r.pacer_case_id or 0)), entry)
        else:  # EDNY: different documents in one second, merged there, one entry each here
            [ref] = refs
            assert ref.pacer_doc_id is None and len(mine) > 1
            numbers = [e.extra["document_number"] for e in mine]
            assert None not in numbers and len(set(numbers)) == len(mine)
            assert set().union(*(e.extra["types"] for e in mine)) == ref.types
        checked += len(mine)
    court, url = FEEDS[name]
    assert checked == len(ours((DATA / name).read_bytes(), court, url))  # each entry once


def test_the_documented_differences_do_occur_in_the_fixtures() -> None:
    """Each policy difference above is exercised (else the conformance test proves less)."""
    kinds = set()
    for name in FEEDS:
        for refs, mine in pairs(name):
            kinds.add(
                "dropped"
                if not refs
                else "per-defendant"
                if len(refs) > 1
                else "split"
                if len(mine) > 1
                else "same"
            )
    assert kinds == {"same", "dropped", "per-defendant", "split"}


def test_times_in_every_us_zone_agree() -> None:
    body = zone_feed(ZONE_TIMES)
    theirs = {r.case_key: r.entered_at for r in reference(body, "ca9")}
    mine = {
        e.extra["case_key"]: e.published
        for e in ours(body, "ca9", "https://ecf.ca9.uscourts.gov/rss")
    }
    assert mine == theirs
    assert mine == {f"24-{n:04d}": utc for n, (_, _, utc) in enumerate(ZONE_TIMES, 1)}
