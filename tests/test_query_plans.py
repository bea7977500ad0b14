"""No full scan on the poll path: every query a poll runs (claim, fetch outcomes, known
entries, story clustering, inserts, outbox delivery) is planned on an index, on SQLite and
PostgreSQL. The statements are captured from real polls of the feed server, then explained:
SQLite's plan must not SCAN a table without an index; PostgreSQL's, with sequential scans
disabled (so that a small test table does not make one cheapest), must not hold a Seq Scan,
which it then chooses only when no index can serve the query. bench/wholepoll.py
--stored-entries measures polls against a million stored entries."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from feedgen import rss, story
from feedserver import FeedServer
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from monitor.app import open_app
from monitor.config import Config, Settings, Source, Topic
from monitor.store.db import make_engine, upgrade

FIRST = "Clearview AI sued by Illinois residents over face scraping"
# tables that grow with every poll; sources, topics' rows and alembic_version stay small
BIG = (
    "entries", "stories", "story_buckets", "story_events", "story_updates", "hits", "deliveries",
)  # fmt: skip


@contextmanager
def captured() -> Iterator[list[tuple[str, Any]]]:
    """Every statement (and its first parameter set) any engine runs meanwhile."""
    found: list[tuple[str, Any]] = []

    def listen(conn: Any, cursor: Any, statement: str, params: Any, ctx: Any, many: bool) -> None:
        first = many and isinstance(params, (list, tuple)) and params
        found.append((statement, params[0] if first else params))

    event.listen(Engine, "before_cursor_execute", listen)
    try:
        yield found
    finally:
        event.remove(Engine, "before_cursor_execute", listen)


async def poll_twice(config: Config) -> None:
    async with open_app(config) as app:
        await app.poller.sync_sources()
        for _ in range(2):
            states = await app.poller.claim(due_only=False, limit=10)
            await asyncio.gather(*(app.poller.poll(s) for s in states))
        await app.deliverer.drain()


def poll_statements(db_url: str, feed_server: FeedServer) -> list[tuple[str, Any]]:
    engine = make_engine(db_url)
    upgrade(engine)
    engine.dispose()
    feed_server.set_feed("/a.xml", rss([story(1, FIRST), story(2, "Weather report")]))
    feed_server.set_feed("/b.xml", rss([story(3, FIRST + " again"), story(4, "Sport")]))
    config = Config(
        settings=Settings(database_url=db_url),
        sources=[
            Source(name="a", url=feed_server.url("/a.xml")),
            Source(name="b", url=feed_server.url("/b.xml")),
        ],
        topics=[Topic(name="clearview", terms=["Clearview AI"])],
    )
    with captured() as statements:
        asyncio.run(poll_twice(config))
    return [
        (sql, params)
        for sql, params in statements
        if re.match(r"\s*(SELECT|UPDATE|DELETE|WITH)\b", sql, re.I)
        and any(re.search(rf"\b{t}\b", sql) for t in BIG)
    ]


def test_poll_queries_use_indexes(db_url: str, feed_server: FeedServer) -> None:
    statements = poll_statements(db_url, feed_server)
    assert len(statements) >= 3, "the polls ran no query on the big tables: nothing checked"
    engine = create_engine(make_url(db_url))
    scans = []
    with engine.connect() as conn:
        for sql, params in statements:
            plan = explain(conn, engine.dialect.name, sql, params)
            found = full_scans(engine.dialect.name, plan)
            if found:
                scans.append(f"{found}: {sql.strip()[:300]}")
    engine.dispose()
    assert not scans, "\n".join(scans)


def explain(conn: Any, dialect: str, sql: str, params: Any) -> Any:
    cursor = conn.connection.dbapi_connection.cursor()
    if dialect == "sqlite":
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params or ())
        return [row[-1] for row in cursor.fetchall()]
    cursor.execute("SET enable_seqscan = off")  # each time: the rollback below undoes it
    cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params or None)
    plan = cursor.fetchone()[0]
    conn.connection.dbapi_connection.rollback()
    return plan if not isinstance(plan, str) else json.loads(plan)


def full_scans(dialect: str, plan: Any) -> list[str]:
    """The big tables ``plan`` reads whole."""
    if dialect == "sqlite":
        return [
            line
            for line in plan
            if re.match(rf"SCAN ({'|'.join(BIG)})\b", line) and "INDEX" not in line
        ]
    return [n["Relation Name"] for n in _nodes(plan) if n.get("Node Type") == "Seq Scan"
            and n.get("Relation Name") in BIG]  # fmt: skip


def _nodes(plan: Any) -> Iterator[dict[str, Any]]:
    if isinstance(plan, list):
        for item in plan:
            yield from _nodes(item)
    elif isinstance(plan, dict):
        yield plan
        for key in ("Plan", "Plans"):
            if key in plan:
                yield from _nodes(plan[key])


def test_the_check_finds_a_full_scan(db_url: str) -> None:
    """A query no index serves is reported on either backend (the check above can fail)."""
    engine = make_engine(db_url)
    upgrade(engine)
    sql = "SELECT id FROM entries WHERE title = " + ("?" if "sqlite" in db_url else "%s")
    with engine.connect() as conn:
        plan = explain(conn, engine.dialect.name, sql, ("x",))
    dialect = engine.dialect.name
    engine.dispose()
    assert full_scans(dialect, plan) == (["SCAN entries"] if dialect == "sqlite" else ["entries"])


def test_a_keys_latest_stories_are_read_down_an_index_not_sorted(
    db_url: str, feed_server: FeedServer
) -> None:
    # Clustering reads the stories last filed under each event key of a new entry, up to a
    # cap. Ranking every story of the key (a sort) grew with the stories a busy key has, and
    # a cold burst where most reports name one person grew with its own size: the lookup
    # walks the (key, seen_at) index from the latest and stops at the cap.
    lookups = [
        (sql, params)
        for sql, params in poll_statements(db_url, feed_server)
        if re.search(r"\bstory_events\b", sql) and "ORDER BY" in sql
    ]
    assert lookups, "the polls read no event key: nothing checked"
    engine = create_engine(make_url(db_url))
    with engine.connect() as conn:
        plans = [explain(conn, engine.dialect.name, sql, params) for sql, params in lookups]
    dialect = engine.dialect.name
    engine.dispose()
    for plan in plans:
        if dialect == "sqlite":
            assert not [line for line in plan if "TEMP B-TREE" in line], plan
        else:
            assert not [n for n in _nodes(plan) if n.get("Node Type") in ("Sort", "WindowAgg")]
            assert [n for n in _nodes(plan) if n.get("Node Type") == "Limit"], plan
