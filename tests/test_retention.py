"""settings.retention: ``monitor db prune`` and ``monitor run`` (daily) delete dead deliveries,
settled hits, unreferenced entries and empty stories past their age, in batches, and never
anything still owed; an item pruned and seen again does not alert again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from clirun import ok, start
from feedgen import rss, story, write_config
from feedserver import FeedServer
from fleetrun import Replica
from sqlalchemy import Engine, create_engine, text

RETENTION = (
    "  retention:\n    entries: 180d\n    hits: 180d\n    dead_deliveries: 30d\n    batch: 1\n"
)
TABLES = ("entries", "hits", "deliveries", "stories")


@pytest.fixture
def aged(db_url: str, feed_server: FeedServer, tmp_path: Path) -> Iterator[tuple[Path, Engine]]:
    """Three matching stories and two others, polled and alerted, then aged 200 days; the
    second story's delivery owed again, the third's dead. Yields a config with retention."""
    items = [story(i, f"Clearview AI story {i}", days_ago=200) for i in (1, 2, 3)]
    items += [story(i, f"Weather report {i}", days_ago=200) for i in (4, 5)]
    config = _polled_once(db_url, feed_server, tmp_path, items)
    engine = create_engine(db_url)
    _age(engine)
    with engine.begin() as conn:
        story_of = (
            "(SELECT h.id FROM hits h JOIN entries e ON e.id = h.entry_id WHERE e.title = :t)"
        )
        for title, state in (("Clearview AI story 2", "pending"), ("Clearview AI story 3", "dead")):
            conn.execute(
                text(f"UPDATE deliveries SET state = :s WHERE hit_id = {story_of}"),
                {"s": state, "t": title},
            )
    _with_retention(config)
    yield config, engine
    engine.dispose()


def _polled_once(
    db_url: str, feed_server: FeedServer, tmp_path: Path, items: list[dict[str, object]]
) -> Path:
    """A config on ``db_url`` whose one source serves ``items``: schema made, polled once."""
    feed_server.set_feed("/a.xml", rss(items))
    config = write_config(tmp_path, {"wire": feed_server.url("/a.xml")}, backfill="all")
    url = "sqlite:///" + str(tmp_path / "monitor.db")
    config.write_text(config.read_text().replace(url, db_url))
    ok("db", "upgrade", "--config", str(config))
    ok("poll", "--once", "--config", str(config))
    return config


def _with_retention(config: Path) -> None:
    config.write_text(config.read_text().replace("settings:\n", "settings:\n" + RETENTION, 1))


def _age(engine: Engine) -> None:
    """Every entry, hit, delivery and story made 200 days ago."""
    old = "CURRENT_TIMESTAMP - INTERVAL '200 days'"
    if engine.dialect.name == "sqlite":
        old = "datetime('now', '-200 days')"
    with engine.begin() as conn:
        for table, column in (("entries", "first_seen_at"), ("hits", "created_at"),
                              ("deliveries", "created_at"), ("stories", "created_at")):  # fmt: skip
            conn.execute(text(f"UPDATE {table} SET {column} = {old}"))


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: int(conn.scalar(text(f"SELECT COUNT(*) FROM {t}")) or 0) for t in TABLES}


def test_db_prune_deletes_what_is_old_and_settled_and_keeps_what_is_owed(
    aged: tuple[Path, Engine],
) -> None:
    config, engine = aged
    before = _counts(engine)
    assert before["entries"] == 5 and before["hits"] == 3 and before["deliveries"] == 3
    result = ok("db", "prune", "--config", str(config))
    assert "pruned 1 dead deliveries, 2 hits, 4 entries, " in result.stdout
    assert _counts(engine) == {"entries": 1, "hits": 1, "deliveries": 1, "stories": 1}
    with engine.connect() as conn:
        kept = conn.execute(
            text(
                "SELECT e.title, d.state FROM deliveries d JOIN hits h ON h.id = d.hit_id "
                "JOIN entries e ON e.id = h.entry_id"
            )
        ).all()
    assert [tuple(r) for r in kept] == [("Clearview AI story 2", "pending")]
    again = ok("db", "prune", "--config", str(config))
    assert "pruned 0 dead deliveries, 0 hits, 0 entries, 0 stories" in again.stdout


def test_an_item_seen_again_after_its_entry_was_pruned_does_not_alert_again(
    aged: tuple[Path, Engine],
) -> None:
    config, engine = aged
    ok("db", "prune", "--config", str(config))
    with engine.begin() as conn:  # the feed changed, so it is read again in full
        conn.execute(text("UPDATE sources SET etag = NULL, last_modified = NULL, body_hash = NULL"))
    repoll = ok("poll", "--once", "--config", str(config))
    # older than the retention: recorded again, never alerted again
    assert "Clearview AI story 1" not in repoll.stdout
    assert "Clearview AI story 3" not in repoll.stdout
    assert "alerts sent: 1," in repoll.stdout  # the one that was still owed


def test_run_applies_the_retention_by_itself(aged: tuple[Path, Engine]) -> None:
    config, engine = aged
    replica = Replica(*start("run", "--config", str(config)))
    try:
        replica.stderr.wait_for("retention: pruned", timeout=90)
        assert replica.stop() == 0
    finally:
        replica.proc.kill()
    assert _counts(engine)["entries"] <= 1  # the owed story's, unless sent and pruned since


def test_db_prune_deletes_old_stories_filed_under_event_keys(
    db_url: str, feed_server: FeedServer, tmp_path: Path
) -> None:
    """A story of an event ("fined €5.2m in France") is filed under event keys; pruning it
    takes its keys along (their rows refer to the story)."""
    items = [story(1, "French regulator fines Clearview AI €5.2 million", days_ago=200)]
    config = _polled_once(db_url, feed_server, tmp_path, items)
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT COUNT(*) FROM story_events"))  # the premise
        _age(engine)
        _with_retention(config)
        result = ok("db", "prune", "--config", str(config))
        assert "1 entries, 1 stories" in result.stdout
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT COUNT(*) FROM story_events")) == 0
            assert conn.scalar(text("SELECT COUNT(*) FROM stories")) == 0
    finally:
        engine.dispose()
