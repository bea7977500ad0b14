"""Event identity through the store (monitor.stories + monitor.store.story_index) on SQLite
and PostgreSQL, and through the real ``monitor`` command: other outlets' rewrites of one
event join its story as "also reported" follow-ups, a different event on the same subject
alerts on its own, concurrent pollers agree, and ``monitor story`` / ``explain --entry``
say why."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from clirun import ok
from feedgen import rss, write_config
from feedserver import FeedServer
from sqlalchemy import func, select

from monitor import stories as stories_module
from monitor.config import Backfill, Source
from monitor.decide import AlertRules, candidates, plan_entries, seen_digests
from monitor.entry import Entry, Match
from monitor.ingest import FeedWrite, record_feed
from monitor.intents import EntryIntent
from monitor.store import Store
from monitor.store import records as rec
from monitor.store import sources as src
from monitor.store import story_index as idx
from monitor.store.db import upgrade
from monitor.store.schema import deliveries, entries, hits, stories, story_updates
from monitor.stories import attach_stories

NOW = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)
ROUTES = {"clearview": ["console"]}
RULES = AlertRules(False, Backfill(), {}, None)
FINE = {
    "wire": (
        "Dutch privacy watchdog fines Clearview AI 27.5 million euros",
        "AMSTERDAM, Nov 3 (Wire) - The Dutch data protection authority on Tuesday fined "
        "Clearview AI 27.5 million euros ($29.8 million) for building an illegal database of "
        "faces scraped from the internet.",
    ),
    "trade": (
        "Autoriteit Persoonsgegevens imposes €27.5M sanction on Clearview AI",
        "The Dutch DPA has issued one of its largest GDPR penalties against the face search "
        "provider and warned Dutch organisations off the service.",
    ),
    "ap": (
        "Clearview AI hit with $29.8 million penalty in the Netherlands over face database",
        "THE HAGUE, Netherlands (AP) — Regulators in the Netherlands ordered Clearview AI to "
        "pay the equivalent of $29.8 million.",
    ),
}
APPEAL = (
    "Clearview AI appeals Dutch privacy fine in Amsterdam court",
    "AMSTERDAM, Nov 4 (Wire) - Clearview AI has filed an appeal against the 27.5 million euro "
    "fine imposed by the Dutch data protection authority, a court spokesperson said.",
)


def _intents(source: str, title: str, summary: str, link: str) -> list[EntryIntent]:
    entry = Entry(guid=link, link=link, title=title, summary=summary, published=NOW)
    found = candidates([entry], source, lambda e: [Match("clearview", ("Clearview AI",), "s")])
    return plan_entries(found, RULES, NOW)


def _sources(store: Store, *names: str) -> dict[str, int]:
    with store.begin() as conn:
        src.sync_sources(
            conn, [src.SourceSpec(n, f"http://127.0.0.1/{n}", "news") for n in names], NOW
        )
        states = src.claim_sources(conn, "t", NOW, timedelta(minutes=5), limit=10)
    return {s.name: s.id for s in states}


def _record(
    store: Store,
    ids: dict[str, int],
    name: str,
    text: tuple[str, str],
    now: datetime,
    link: str | None = None,
) -> None:
    with store.begin() as conn:
        link = link or f"https://{name}.example/{len(text[0])}"
        intents = attach_stories(conn, _intents(name, *text, link), name, now)
        rec.record_entries(conn, ids[name], intents, ROUTES, now)


def _totals(store: Store) -> tuple[int, int, int]:
    """(stories with a hit, alert deliveries, story updates)."""
    with store.begin() as conn:
        stories_ = conn.scalar(select(func.count(func.distinct(hits.c.story_id)))) or 0
        alerts = conn.scalar(select(func.count()).where(deliveries.c.slot == "alert")) or 0
        updates = conn.scalar(select(func.count()).select_from(story_updates)) or 0
    return stories_, alerts, updates


def test_rewrites_of_one_event_join_its_story_and_a_different_event_does_not(db_url: str) -> None:
    store = Store(db_url)
    upgrade(store.engine)
    ids = _sources(store, "wire", "trade", "ap")
    for n, name in enumerate(("wire", "trade", "ap")):
        _record(store, ids, name, FINE[name], NOW + timedelta(hours=n))
    assert _totals(store) == (1, 1, 2)
    with store.begin() as conn:
        reasons = list(conn.scalars(select(entries.c.story_reason).order_by(entries.c.id)))
    assert reasons[0] == "new story"
    assert reasons[1].startswith("same event as entry 1: same action (fine); shared €27.5m")
    assert "score" in reasons[2]
    _record(store, ids, "wire", APPEAL, NOW + timedelta(days=1))  # the appeal: its own story
    assert _totals(store) == (2, 2, 2)
    store.close()


def test_a_report_its_source_had_last_poll_but_the_store_lacks_still_joins_its_event(
    db_url: str,
) -> None:
    """The poller defers matching and reading the event of an item the source's last poll
    held (``decide.candidates`` with ``seen``); should the store not know it (that poll was
    rolled back, or retention removed the entry), the record step does both and it joins
    its event as any new report does."""
    store = Store(db_url)
    upgrade(store.engine)
    ids = _sources(store, "wire", "trade")
    _record(store, ids, "wire", FINE["wire"], NOW)
    link = "https://trade.example/fine"
    report = Entry(guid=link, link=link, title=FINE["trade"][0], summary=FINE["trade"][1])
    match = lambda e: [Match("clearview", ("Clearview AI",), "s")]  # noqa: E731
    seen = seen_digests(candidates([report], "trade", match))
    found = candidates([report], "trade", match, seen)
    assert [(c.deferred, c.matches, c.fingerprint) for c in found] == [(True, (), None)]
    later = NOW + timedelta(hours=1)
    source = Source(name="trade", url="http://127.0.0.1/trade")
    write = FeedWrite(ids["trade"], source, RULES, ROUTES, (None, None, "x"), later, later)
    with store.begin() as conn:
        record_feed(conn, write, found, match=match)
    assert _totals(store) == (1, 1, 1)  # one story, one alert, the report its follow-up
    store.close()


def test_a_rewrite_after_the_window_starts_a_new_story(db_url: str) -> None:
    store = Store(db_url)
    upgrade(store.engine)
    ids = _sources(store, "wire", "trade")
    _record(store, ids, "wire", FINE["wire"], NOW)
    _record(store, ids, "trade", FINE["trade"], NOW + timedelta(days=4))
    assert _totals(store) == (2, 2, 0)
    store.close()


def test_two_pollers_recording_rewrites_at_once_make_one_story(pg_url: str) -> None:
    """The second poller's lookup waits for the first one's transaction (an advisory lock
    per event key), so it sees the first one's story and joins it."""
    store = Store(pg_url)
    upgrade(store.engine)
    ids = _sources(store, "wire", "trade")
    written = threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with store.begin() as conn:
                intents = attach_stories(
                    conn, _intents("wire", *FINE["wire"], "https://w/1"), "wire", NOW
                )
                rec.record_entries(conn, ids["wire"], intents, ROUTES, NOW)
                written.set()
                time.sleep(0.5)  # holds its new story uncommitted a while
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
            written.set()

    def second() -> None:
        try:
            written.wait()
            _record(store, ids, "trade", FINE["trade"], NOW)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _totals(store) == (1, 1, 1)
    with store.begin() as conn:
        assert conn.scalar(select(func.count()).select_from(stories)) == 1
    store.close()


def _item(n: int, title: str, summary: str) -> dict[str, object]:
    link = f"https://news.example.com/{n}"
    return {"title": title, "description": summary, "link": link, "guid": link}


def test_story_and_explain_say_why_an_entry_joined_or_did_not(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    feed_server.set_feed("/wire.xml", rss([_item(1, *FINE["wire"])]))
    feed_server.set_feed("/trade.xml", rss([]))
    config = write_config(
        tmp_path, {"wire": feed_server.url("/wire.xml"), "trade": feed_server.url("/trade.xml")}
    )
    ok("db", "upgrade", "--config", str(config))
    ok("poll", "--once", "--config", str(config))
    feed_server.set_feed("/trade.xml", rss([_item(2, *FINE["trade"]), _item(3, *APPEAL)]))
    second = ok("poll", "--once", "--config", str(config)).stdout
    assert "also reported by trade: Autoriteit Persoonsgegevens imposes" in second
    assert APPEAL[0] in second  # the appeal alerts on its own

    shown = ok("story", "1", "--config", str(config)).stdout
    assert "entries (2)" in shown
    assert "why: same event as entry 1: same action (fine); shared €27.5m" in shown

    explained = ok("explain", "--topic", "clearview", "--entry", "2", "--config", str(config))
    assert "would join story 1: same event as entry 1: same action (fine)" in explained.stdout
    appeal = ok("explain", "--topic", "clearview", "--entry", "3", "--config", str(config))
    assert "would start a new story" in appeal.stdout
    assert "candidate story 1: not a copy; different action (appeal vs fine)" in appeal.stdout


def _suit(n: int) -> tuple[str, str]:
    return (f"Northgate files ${n + 2} million suit against Clearview AI", "")


def test_a_key_every_story_shares_reads_the_latest_stories_and_rewrites_still_join(
    db_url: str,
) -> None:
    # 45 suits by one plaintiff in a day: each headline names it, so all 45 stories share
    # its key. A new entry reads only the STORIES_PER_KEY last seen under it (each entry of
    # a burst weighed every story before: a cost growing with the square of the burst),
    # while a story past the cap is still found through its own particulars.
    store = Store(db_url)
    upgrade(store.engine)
    ids = _sources(store, "wire", "trade")
    for n in range(45):
        _record(store, ids, "wire", _suit(n), NOW + timedelta(minutes=n), f"https://w/{n}")
    assert _totals(store) == (45, 45, 0)
    shared = set.intersection(
        *(
            set(_intents("wire", *_suit(n), f"https://x/{n}")[0].fingerprint.event_keys)
            for n in range(45)
        )
    )
    assert shared
    with store.begin() as conn:
        by_key = idx.filed_under(conn, [], sorted(shared), NOW - timedelta(days=3))[1]
        rows = conn.execute(select(entries.c.title, entries.c.story_id))
        story_of = {title: story for title, story in rows}
    latest = {story_of[_suit(n)[0]] for n in range(45 - idx.STORIES_PER_KEY, 45)}
    assert all(found == latest for found in by_key.values())
    late = NOW + timedelta(hours=2)
    _record(store, ids, "trade", ("Clearview AI hit with $46 million Northgate suit", ""), late)
    _record(store, ids, "trade", ("Clearview AI sued by Northgate for $2 million", ""), late)
    assert _totals(store) == (45, 45, 2)  # the last suit and the first: both joined
    store.close()


def test_a_wire_story_in_many_feeds_compares_its_latest_copies_and_vetoes_with_all(
    db_url: str,
) -> None:
    # One wire story carried by 50 feeds: each new copy reads the story's last
    # MEMBERS_COMPARED entries word for word (each copy read and compared every copy before
    # it: a cost growing with the square of the story's reach), and still joins; the event
    # rule's veto reads the event of every entry of a story read in part.
    store = Store(db_url)
    upgrade(store.engine)
    names = [f"paper{n}" for n in range(51)]
    with store.begin() as conn:
        specs = [src.SourceSpec(n, f"http://127.0.0.1/{n}", "news") for n in names]
        src.sync_sources(conn, specs, NOW)
        states = src.claim_sources(conn, "t", NOW, timedelta(minutes=5), limit=100)
    ids = {s.name: s.id for s in states}
    for n, name in enumerate(names[:50]):
        _record(store, ids, name, FINE["wire"], NOW + timedelta(minutes=n), f"https://{name}/a")
    assert _totals(store) == (1, 1, 49)
    copy = _intents("paper50", *FINE["wire"], "https://paper50/a")[0].fingerprint
    assert copy is not None
    since = NOW - timedelta(days=1)
    with store.begin() as conn:
        known = stories_module._candidates(conn, copy.buckets, copy.event_keys, since)
        (story,) = known.members
        assert known.partial == {story}
        read = [m.entry_id for m in known.members[story]]
        assert len(read) == stories_module.MEMBERS_COMPARED
        assert read == sorted(read) and read[-1] == max(
            conn.scalars(select(entries.c.id).where(entries.c.story_id == story))
        )
        vetting = stories_module._with_events(conn, known, copy.event_keys)
        every = [m.entry_id for m in vetting.members[story]]
        assert len(every) == 50 and every == sorted(every) and not vetting.partial
    _record(store, ids, "paper50", FINE["wire"], NOW + timedelta(hours=1), "https://paper50/a")
    assert _totals(store) == (1, 1, 50)
    store.close()
