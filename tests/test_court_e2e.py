"""Court dockets end to end: the real ``monitor poll --once`` and ``monitor cases`` against
PACER- and CourtListener-shaped feeds on 127.0.0.1 (served without validators, as PACER does).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from clirun import monitor, ok
from feedserver import FeedServer
from slackstub import SlackStub

from monitor.health import read_status
from monitor.store import Store

HOST = "https://ecf.ilnd.uscourts.gov"
MDL = "1:21-cv-00135 In re: Clearview AI, Inc. Consumer Privacy Litigation"
# (title, pacer case id, seq no, bracketed text, document number or None, minutes ago)
Item = tuple[str, str, str, str, str | None, int]
FILING_A: Item = (MDL, "400123", "2301", "Motion for Miscellaneous Relief", "612", 120)
FILING_B: Item = (MDL, "400123", "2301", "Motion to Appoint Counsel", "612", 120)
MUNOZ: Item = ("1:24-cv-02222 Muñoz v. Clearview AI, Inc.", "460222", "1", "Complaint", "1", 110)
TOWNSHIP: Item = ("1:24-cv-01000 Smith v. Clearview Township", "460010", "1", "Complaint", "1", 100)
ACQUISITIONS: Item = (
    "1:23-cv-04567 Roe v. Clearview Acquisitions LLC", "455001", "88", "Answer", "41", 90,
)  # fmt: skip
UNRELATED: Item = ("1:18-cv-03365-PKC Chau v. Donovan et al", "351002", "3", "Notice", "3", 80)
HEARING: Item = (MDL, "400123", "2305", "Status Hearing", None, 30)
NEW_CASE: Item = ("1:24-cv-03000 Doe v. Clearview AI, Inc.", "470001", "1", "Complaint", "1", 20)


def pacer_rss(items: list[Item]) -> bytes:
    """A PACER CM/ECF RSS body (ISO-8859-1, escaped document links, "&<seq>" guids)."""
    now = datetime.now(UTC)
    parts = []
    for title, caseid, seq, text, doc, ago in items:
        link = f"{HOST}/cgi-bin/DktRpt.pl?{caseid}"
        desc = f"[{text}]"
        if doc:
            href = f"{HOST}/doc1/0671{caseid}{seq}?caseid={caseid}&amp;de_seq_num={seq}"
            desc += f' (<a href="{href}">{doc}</a>)'
        parts.append(
            f"<item><title>{escape(title)}</title><link>{link}</link>"
            f"<description>{escape(desc)}</description>"
            f"<pubDate>{format_datetime(now - timedelta(minutes=ago), usegmt=True)}</pubDate>"
            f'<guid isPermaLink="true">{link}&amp;{seq}</guid></item>'
        )
    return (
        '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel>'
        "<title>Illinois Northern District Court - Recent Entries</title>"
        f"<link>{HOST}</link><description>Docket entries of type: all</description>"
        + "".join(parts)
        + "</channel></rss>"
    ).encode("iso-8859-1")


def court_config(tmp: Path, sources: str) -> Path:
    path = tmp / "feeds.yaml"
    path.write_text(
        f"""settings:
  database_url: sqlite:///{tmp / "monitor.db"}
  backfill: all
  http:
    deadline: 5s
sources:
{sources}
topics:
  - name: mdl
    terms: ["nothing-in-the-feed-says-this"]
    cases:
      - {{court: ilnd, number: "1:21-cv-00135-SJC"}}
  - name: party
    query: "party:Clearview"
    exclude: ["Clearview Acquisitions", "Clearview Township"]
"""
    )
    return path


@pytest.fixture
def ilnd(feed_server: FeedServer, tmp_path: Path) -> Path:
    feed_server.set_feed(
        "/ilnd.xml",
        pacer_rss([FILING_A, FILING_B, MUNOZ, TOWNSHIP, ACQUISITIONS, UNRELATED]),
        etag=False,
        last_modified=False,
    )
    url = feed_server.url("/ilnd.xml")
    config = court_config(
        tmp_path, f"  - {{name: pacer-ilnd, url: '{url}', kind: pacer, court: ilnd}}"
    )
    ok("db", "upgrade", "--config", str(config))
    return config


def deliveries(config: Path) -> list[tuple[str, str]]:
    db = sqlite3.connect(config.parent / "monitor.db")
    try:
        return db.execute(
            "SELECT h.topic, d.thread_key FROM deliveries d JOIN hits h ON h.id = d.hit_id "
            "ORDER BY d.id"
        ).fetchall()
    finally:
        db.close()


def test_docket_alerts_read_like_docket_lines_and_a_reoverlapping_window_alerts_only_new(
    ilnd: Path, feed_server: FeedServer
) -> None:
    first = ok("poll", "--once", "--config", str(ilnd))
    # 6 items, two of them one two-type filing: 5 docket entries. The MDL entry alerts "mdl"
    # (tracked case, though its text matches no term) and "party"; Muñoz v. Clearview AI
    # alerts "party"; the namesakes and the unrelated case alert nothing.
    assert "New entries: 5, new hits: 3, alerts sent: 3" in first.stdout
    assert (
        first.stdout.count("Entry #612: Motion for Miscellaneous Relief; Motion to Appoint Counsel")
        == 2
    )
    assert f"ILND {MDL}" in first.stdout
    assert f"document: {HOST}/doc1/06714001232301?caseid=400123&de_seq_num=2301" in first.stdout
    assert f"docket: {HOST}/cgi-bin/DktRpt.pl?400123" in first.stdout
    assert "matched: case 1:21-cv-00135-SJC" in first.stdout
    assert "Muñoz v. Clearview AI, Inc." in first.stdout
    for namesake in ("Clearview Township", "Clearview Acquisitions", "Chau v. Donovan"):
        assert namesake not in first.stdout
    assert "possible gap" not in first.stdout

    unchanged = ok("poll", "--once", "--config", str(ilnd))  # no validators: the body hash
    assert "1 not modified" in unchanged.stdout and "New entries: 0" in unchanged.stdout

    feed_server.set_feed(  # the window rolls on: UNRELATED dropped, two entries added
        "/ilnd.xml",
        pacer_rss([NEW_CASE, HEARING, FILING_A, FILING_B, MUNOZ, TOWNSHIP, ACQUISITIONS]),
        etag=False,
        last_modified=False,
    )
    second = ok("poll", "--once", "--config", str(ilnd))
    assert "New entries: 2, new hits: 3, alerts sent: 3" in second.stdout
    assert "Entry: Status Hearing" in second.stdout and "Doe v. Clearview AI, Inc." in second.stdout
    assert "Motion to Appoint Counsel" not in second.stdout and "Muñoz" not in second.stdout
    assert "possible gap" not in second.stdout

    threads = deliveries(ilnd)
    assert [t for topic, t in threads if topic == "mdl"] == ["case:ilnd:1:21-cv-00135"] * 2
    assert ("party", "case:ilnd:1:24-cv-03000") in threads


def test_a_window_sharing_nothing_with_the_last_poll_is_reported_as_a_gap(
    ilnd: Path, feed_server: FeedServer
) -> None:
    ok("poll", "--once", "--config", str(ilnd))
    feed_server.set_feed(
        "/ilnd.xml", pacer_rss([NEW_CASE, HEARING]), etag=False, last_modified=False
    )
    later = ok("poll", "--once", "--config", str(ilnd))
    assert "New entries: 2" in later.stdout
    assert "pacer-ilnd: possible gap in ilnd: entries between" in later.stdout
    assert "share none with the previous poll's 5" in later.stdout
    assert "pacer-ilnd: possible gap in ilnd" in later.stderr  # the log warning
    cases = ok("cases", "--config", str(ilnd))
    assert "possible gap in ilnd" in cases.stdout
    store = Store(f"sqlite:///{ilnd.parent / 'monitor.db'}")  # the source's status: /healthz
    try:
        gaps = read_status(store)["coverage_gaps"]
    finally:
        store.close()
    assert [g["source"] for g in gaps] == ["pacer-ilnd"]
    assert gaps[0]["gap"].startswith("possible gap in ilnd: entries between")


def test_cases_lists_tracked_cases_with_their_latest_entries(ilnd: Path) -> None:
    before = ok("cases", "--topic", "mdl", "--config", str(ilnd))
    assert "mdl: ilnd 1:21-cv-00135-SJC (0 entries stored)" in before.stdout
    assert "no entries seen yet" in before.stdout
    ok("poll", "--once", "--config", str(ilnd))
    after = ok("cases", "--topic", "mdl", "--entries", "1", "--config", str(ilnd))
    lines = after.stdout.splitlines()
    assert lines[0] == (
        "mdl: ilnd 1:21-cv-00135-SJC In re: Clearview AI, Inc. Consumer Privacy Litigation "
        "(1 entries stored)"
    )
    assert "Entry #612: Motion for Miscellaneous Relief; Motion to Appoint Counsel" in lines[1]
    assert "[pacer-ilnd]" in lines[1]
    none = ok("cases", "--topic", "party", "--config", str(ilnd))
    assert "No tracked cases" in none.stdout


def test_courtlistener_search_feed_alerts_a_new_case_naming_the_party(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    data = Path(__file__).parent / "data" / "court"
    feed_server.set_feed(
        "/cl-search.xml", (data / "courtlistener_search.xml").read_bytes(), "application/atom+xml"
    )
    feed_server.set_feed("/ilnd.xml", pacer_rss([]), etag=False, last_modified=False)
    ilnd, search = feed_server.url("/ilnd.xml"), feed_server.url("/cl-search.xml")
    config = court_config(
        tmp_path,
        f"  - {{name: pacer-ilnd, url: '{ilnd}', kind: pacer, court: ilnd}}\n"
        f"  - {{name: cl-search, url: '{search}', kind: courtlistener}}",
    )
    ok("db", "upgrade", "--config", str(config))
    result = ok("poll", "--once", "--config", str(config))
    assert "New entries: 3, new hits: 1, alerts sent: 1" in result.stdout
    assert "Doe v. Clearview AI, Inc." in result.stdout
    assert "Clearview Township" not in result.stdout
    assert "Clearview Acquisitions" not in result.stdout


def test_a_later_filing_in_an_alerted_case_reaches_the_slack_channel(
    ilnd: Path, feed_server: FeedServer
) -> None:
    with SlackStub() as slack:
        config = ilnd.read_text() + (
            "notifiers:\n"
            "  - {name: desk, type: slack, token: '${TEST_SLACK_TOKEN}', channel: C1,\n"
            f"     api_base_url: '{slack.api_base_url}', pace: 0.01s}}\n"
            "routes:\n  - {topic: mdl, notifiers: [desk]}\n"
        )
        ilnd.write_text(config)
        env = {"TEST_SLACK_TOKEN": "xoxb-e2e"}
        first = monitor("poll", "--once", "--config", str(ilnd), env=env)
        assert "alerts sent: 1" in first.stdout, first.stderr
        [alert] = slack.messages
        feed_server.set_feed(  # a later filing in the tracked case
            "/ilnd.xml",
            pacer_rss([HEARING, FILING_A, FILING_B, MUNOZ, TOWNSHIP, ACQUISITIONS]),
            etag=False,
            last_modified=False,
        )
        second = monitor("poll", "--once", "--config", str(ilnd), env=env)
        assert "alerts sent: 1" in second.stdout, second.stderr
        alert, later = slack.messages
        assert "thread_ts" not in alert
        assert later["thread_ts"] == alert["ts"]  # in the case's thread...
        assert later["reply_broadcast"] is True  # ...and shown in the channel
        assert slack.channel_messages == [alert, later]
        assert "Status Hearing" in later["text"]
