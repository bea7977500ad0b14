"""Court feeds polled again through the real ``monitor poll --once``: items served in another
order, a rolling window that holds only part of a filing, a filing whose items arrive in two
polls, CourtListener's full text replacing a short description. Each is the same filing:
no new entry, no alert, no "headline updated" follow-up; at most one quiet amendment."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from clirun import ok
from feedserver import FeedServer

DATA = Path(__file__).parent / "data" / "court"
_ITEM = re.compile(rb"\s*<item>.*?</item>", re.S)
_ENTRY = re.compile(rb"\s*<entry>.*?</entry>", re.S)


def split(name: str, pattern: re.Pattern[bytes] = _ITEM) -> tuple[bytes, list[bytes], bytes]:
    body = (DATA / name).read_bytes()
    items = pattern.findall(body)
    start, end = body.index(items[0]), body.index(items[-1]) + len(items[-1])
    return body[:start], items, body[end:]


def feed(name: str, keep: list[int] | None = None, *, reverse: bool = False) -> bytes:
    """The fixture with only the items at ``keep`` (default all), optionally reversed."""
    head, items, tail = split(name)
    chosen = [items[i] for i in keep] if keep is not None else items
    return head + b"".join(chosen[::-1] if reverse else chosen) + tail


class Court:
    """Two PACER sources on the feed server (SDNY's criminal cases, EDNY) and a config
    whose topics track their cases, polled with the real CLI."""

    def __init__(self, server: FeedServer, tmp: Path) -> None:
        self.server = server
        self.db = tmp / "monitor.db"
        self.config = tmp / "feeds.yaml"
        self.config.write_text(
            f"""settings:
  database_url: sqlite:///{self.db}
  backfill: all
sources:
  - {{name: sdny, url: '{server.url("/nysd.xml")}', kind: pacer, court: nysd}}
  - {{name: edny, url: '{server.url("/nyed.xml")}', kind: pacer, court: nyed}}
topics:
  - name: cases
    terms: ["nothing-in-the-feeds-says-this"]
    cases:
      - {{court: nysd, number: "1:17-cr-00664"}}
      - {{court: nyed, number: "1:18-cv-03365"}}
"""
        )
        ok("db", "upgrade", "--config", str(self.config))

    def serve(self, sdny: bytes, edny: bytes) -> None:
        self.server.set_feed("/nysd.xml", sdny, etag=False, last_modified=False)
        self.server.set_feed("/nyed.xml", edny, etag=False, last_modified=False)

    def poll(self) -> str:
        return ok("poll", "--once", "--config", str(self.config)).stdout

    def rows(self, sql: str) -> list[tuple[object, ...]]:
        db = sqlite3.connect(self.db)
        try:
            return db.execute(sql).fetchall()
        finally:
            db.close()

    def state(self) -> tuple[int, int, int, list[tuple[object, ...]]]:
        """(entries, deliveries, story updates, every entry's key, title and summary)."""
        [(entries,)] = self.rows("SELECT count(*) FROM entries")
        [(deliveries,)] = self.rows("SELECT count(*) FROM deliveries")
        [(updates,)] = self.rows("SELECT count(*) FROM story_updates")
        return entries, deliveries, updates, self.rows("SELECT key, title, summary FROM entries")


@pytest.fixture
def court(feed_server: FeedServer, tmp_path: Path) -> Court:
    return Court(feed_server, tmp_path)


def test_a_reordered_repoll_and_a_half_window_repoll_record_nothing(court: Court) -> None:
    court.serve(feed("criminal_nysd.xml"), feed("edny.xml"))
    first = court.poll()
    # SDNY: 11 items, 5 docket entries (3 in the tracked criminal case); EDNY: 6 items, 5
    # entries (4 in the tracked case). One alert per tracked entry.
    assert "New entries: 10, new hits: 7, alerts sent: 7" in first
    before = court.state()
    assert before[:3] == (10, 7, 0)

    court.serve(feed("criminal_nysd.xml", reverse=True), feed("edny.xml", reverse=True))
    reordered = court.poll()
    assert "New entries: 0, new hits: 0, alerts sent: 0" in reordered
    assert court.state() == before, "a re-ordered re-poll changed what is stored"

    # the window rolled: defendant 1's copies, one of two types of each two-type filing and
    # an EDNY entry are gone
    court.serve(feed("criminal_nysd.xml", [0, 2, 3, 5, 6, 8]), feed("edny.xml", [0, 3, 4]))
    half = court.poll()
    assert "New entries: 0, new hits: 0, alerts sent: 0" in half
    assert court.state() == before, "a half-window re-poll changed what is stored"
    titles = [t for _, t, _ in before[3]]
    assert "1:18-cv-03365-PKC-CLP Chau v. Donovan et al — Order; Order(Other)" in titles
    assert (
        "1:17-cr-00664 USA v. Osei — #215: Motion for Extension of Time to File; Motion to Seal"
        in titles
    )


def test_a_filing_split_across_two_polls_is_one_entry_amended_quietly(court: Court) -> None:
    # first poll: only "Order(Other)" of EDNY's two-type filing, and only defendants 2 and 3
    # of the SDNY minute entry
    court.serve(feed("criminal_nysd.xml", [3, 5]), feed("edny.xml", [2]))
    first = court.poll()
    assert "New entries: 2, new hits: 2, alerts sent: 2" in first
    court.serve(feed("criminal_nysd.xml", [3, 4, 5]), feed("edny.xml", [2, 3]))
    second = court.poll()
    assert "New entries: 0, new hits: 0, alerts sent: 0" in second
    entries, deliveries, updates, rows = court.state()
    assert (entries, deliveries, updates) == (2, 2, 0)  # no second alert, no follow-up
    titles = sorted(t for _, t, _ in rows)
    assert titles == [
        "1:17-cr-00664 USA v. Hart — Status Conference",  # defendant 1 joined: listed first
        "1:18-cv-03365-PKC-CLP Chau v. Donovan et al — Order; Order(Other)",
    ]
    [conference] = [s for _, t, s in rows if "Status Conference" in t]
    assert "Defendants: 1 USA v. Hart; 2 USA v. Osei; 3 USA v. Lind" in conference
    third = court.poll()  # the same body again: nothing to do
    assert "New entries: 0" in third and court.state()[:3] == (2, 2, 0)


CL_CASE = "Doe v. Acme Platforms, Inc., 3:24-cv-01234"
FULL = (
    b"ORDER REFERRING CASE to Magistrate Judge Thomas S. Hixson for discovery purposes. "
    b"Signed by Judge Rita F. Lin on 7/14/2026. (ads, COURT STAFF) (Filed on 7/14/2026)"
)


def courtlistener_config(server: FeedServer, tmp: Path) -> Path:
    config = tmp / "feeds.yaml"
    config.write_text(
        f"""settings:
  database_url: sqlite:///{tmp / "monitor.db"}
  backfill: all
sources:
  - {{name: cl-doe, url: '{server.url("/cl.xml")}', kind: courtlistener, court: cand}}
topics:
  - name: acme
    terms: ["nothing-in-the-feed-says-this"]
    cases:
      - {{court: cand, number: "3:24-cv-01234"}}
"""
    )
    ok("db", "upgrade", "--config", str(config))
    return config


def test_a_tracked_case_alerts_on_a_courtlistener_docket_feed(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    body = (DATA / "courtlistener_docket_cand.xml").read_bytes()
    feed_server.set_feed("/cl.xml", body, "application/atom+xml")
    config = courtlistener_config(feed_server, tmp_path)
    result = ok("poll", "--once", "--config", str(config)).stdout
    assert "New entries: 4, new hits: 4, alerts sent: 4" in result
    assert "matched: case 3:24-cv-01234" in result
    assert "CAND 3:24-cv-01234 Doe v. Acme Platforms, Inc." in result
    assert "Magistrate Judge Thomas S. Hixson for discovery purposes" in result


def test_courtlistener_replacing_a_short_description_with_the_full_text_is_quiet(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    body = (DATA / "courtlistener_docket_cand.xml").read_bytes()
    short = body.replace(FULL, b"ORDER REFERRING CASE to Magistrate Judge.")
    assert short != body
    feed_server.set_feed("/cl.xml", short, "application/atom+xml")
    config = courtlistener_config(feed_server, tmp_path)
    assert "alerts sent: 4" in ok("poll", "--once", "--config", str(config)).stdout
    feed_server.set_feed("/cl.xml", body, "application/atom+xml")
    again = ok("poll", "--once", "--config", str(config)).stdout
    assert "New entries: 0, new hits: 0, alerts sent: 0" in again
    db = sqlite3.connect(tmp_path / "monitor.db")
    try:
        [(summary,)] = db.execute("SELECT summary FROM entries WHERE title LIKE '%#17:%'")
        [(updates,)] = db.execute("SELECT count(*) FROM story_updates")
        [(deliveries,)] = db.execute("SELECT count(*) FROM deliveries")
    finally:
        db.close()
    assert summary == FULL.decode()
    assert (updates, deliveries) == (0, 4)
