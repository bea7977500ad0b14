"""Upgrading a database that holds docket entries keyed by the previous scheme (migration
0011), on SQLite and PostgreSQL: the filings still in a court's window are found by the next
poll (no second alert), and the items of one filing stored apart are joined quietly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from test_docket_identity import read_items, split_items

from monitor.decide import docket_candidates, docket_edit, identify
from monitor.dedupe import content_hash, fold_text, versioned_key
from monitor.entry import Entry
from monitor.intents import EntryEdit, EntryIntent
from monitor.store import Store
from monitor.store import records as rec
from monitor.store import sources as src
from monitor.store.db import upgrade

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def previous_scheme(entry: Entry) -> tuple[str, Entry]:
    """The key and fields the previous version stored for one feed item (its reader kept the
    defendant suffix in the case number, had no document id for an appellate "Document", and
    keyed an item without document or sequence number on guid + time + entry type)."""
    x: dict[str, Any] = dict(entry.extra)
    for gone in ("defendants", "feed", "pacer_doc_id"):
        x.pop(gone)
    if entry.extra["defendants"]:
        [[number, _]] = entry.extra["defendants"]
        x["case_number"] = f"{x['case_number']}-{number}"
    if entry.extra["pacer_doc_id"] and "/docs1/" in (x["document_url"] or ""):
        x["document_number"] = None
    court, case = x["court"], x["case_key"] or x["case_ref"]
    if x["document_number"]:
        key = versioned_key("dn", court, case, x["document_number"])
    elif x["seq_no"]:
        key = versioned_key("ds", court, case, x["seq_no"])
    else:
        parts = (x["guid"] or "", x["entered_at"] or "", fold_text(x["text"]))
        key = versioned_key("dg", court, case, *parts)
    title = f"{x['case_number']} {x['case_name']} — {x['text']}"
    return key, Entry(entry.guid, entry.link, title, x["text"], entry.published, extra=x)


def store_previous(store: Store, name: str, court: str, picks: list[int]) -> int:
    """Store the picked items of a fixture, one entry each, as the previous version did."""
    _, items, _ = split_items(name)
    intents = []
    for i in picks:
        key, entry = previous_scheme(read_items(name, [items[i]])[0])
        intents.append(EntryIntent(key, entry, None, content_hash=content_hash(entry)))
    with store.begin() as conn:
        src.sync_sources(conn, [src.SourceSpec(court, f"https://ecf.{court}/rss", "pacer")], NOW)
        source = src.claim_sources(conn, "t", NOW, timedelta(minutes=5), limit=1, names=[court])
        rec.record_entries(conn, source[0].id, intents, {}, NOW - timedelta(hours=1))
        return source[0].id


def repoll(store: Store, source_id: int, name: str) -> tuple[list[Any], list[EntryEdit]]:
    """What the next poll of the whole fixture finds: new entries and edits of known ones."""
    _, items, _ = split_items(name)
    found = docket_candidates(read_items(name, items), lambda e: [])
    keys = [c.key for c in found]
    with store.begin() as conn:
        known = rec.known_entries(conn, source_id, keys, [], with_extra=True)
    return identify(found, known, docket_edit)


def test_filings_stored_under_the_previous_keys_are_found_after_the_upgrade(
    db_url: str,
) -> None:
    store = Store(db_url)
    try:
        upgrade(store.engine, "0010")
        # EDNY: the two types of one filing without a document (stored apart), a document
        # (unchanged key); appellate: an opinion linked as "Document"; SDNY: the three
        # defendants' copies of one minute entry (stored apart)
        edny = store_previous(store, "edny.xml", "nyed", [2, 3, 0])
        ca7 = store_previous(store, "appellate_ca7.xml", "ca7", [0])
        sdny = store_previous(store, "criminal_nysd.xml", "nysd", [3, 4, 5])
        upgrade(store.engine)
        new, edits = repoll(store, edny, "edny.xml")
        assert sorted(c.entry.extra["text"] for c in new) == [
            "Judgment",  # never stored: the only new entries
            "Order on Motion for Sanctions",
            "Scheduling Order",
        ]
        # the filing stored apart is joined; the document gets this version's fields
        assert sorted(e.entry.extra["text"] for e in edits) == [
            "Order on Motion to Dismiss",
            "Order; Order(Other)",
        ]
        assert all(e.detail is None for e in edits)  # quietly: no "headline updated"
        new, _ = repoll(store, ca7, "appellate_ca7.xml")
        assert [c.entry.extra["text"] for c in new] == ["Final Judgment", "ruling"]
        new, edits = repoll(store, sdny, "criminal_nysd.xml")
        assert "Status Conference" not in [c.entry.extra["text"] for c in new]
        [conference] = [e for e in edits if e.entry.extra["text"] == "Status Conference"]
        assert [d[0] for d in conference.entry.extra["defendants"]] == ["1", "2", "3"]
        assert conference.entry.title == "1:17-cr-00664 USA v. Hart — Status Conference"
        # the quiet amendments written, the next poll of the same feed has nothing to change
        for source, name in ((edny, "edny.xml"), (sdny, "criminal_nysd.xml")):
            _, edits = repoll(store, source, name)
            with store.begin() as conn:
                assert rec.record_edits(conn, edits, {}, NOW).updates == 0
            assert repoll(store, source, name)[1] == []
    finally:
        store.close()
