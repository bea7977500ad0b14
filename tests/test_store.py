"""Store tests on SQLite and (when configured) PostgreSQL: migrations, insert-or-ignore,
leases and the outbox state machine."""

from __future__ import annotations

import threading
import warnings
from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, DateTime, Index, Text, bindparam, cast, select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.schema import CreateIndex

from monitor.entry import Entry, Match
from monitor.errors import SchemaOutOfDateError
from monitor.intents import EntryIntent, HitIntent
from monitor.store import Store, fleet, outbox, schema
from monitor.store import records as rec
from monitor.store import sources as src
from monitor.store.db import SCHEMA_HEAD, require_current_schema, schema_revisions, upgrade
from monitor.store.schema import UTCDateTime, metadata

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


@pytest.fixture
def store(db_url: str):  # type: ignore[no-untyped-def]
    s = Store(db_url)
    upgrade(s.engine)
    yield s
    s.close()


def test_times_are_stored_as_naive_utc_and_read_back_aware(store: Store) -> None:
    """``UTCDateTime`` binds and reads each value in one step of its own: on SQLite it writes
    the text SQLAlchemy's DATETIME writes (stored rows and SQL comparisons of times stay
    valid), and every backend reads an aware UTC time back; naive times are refused."""
    paris = timezone(timedelta(hours=1))
    moments = [datetime(2027, 3, 1, 9, 30, 0, 5, tzinfo=paris), NOW, NOW.replace(microsecond=0)]
    with store.begin() as conn:
        for moment in moments:
            bound = bindparam("t", moment, type_=UTCDateTime())
            back = conn.execute(select(bound)).scalar_one()
            assert back == moment and back.tzinfo is UTC
            if conn.dialect.name == "sqlite":
                stored = conn.execute(select(cast(bound, Text))).scalar_one()
                naive = moment.astimezone(UTC).replace(tzinfo=None)
                assert stored == DateTime().dialect_impl(conn.dialect).bind_processor(conn.dialect)(
                    naive
                )
        with pytest.raises(StatementError, match="naive datetime"):
            conn.execute(select(bindparam("t", datetime(2027, 3, 1), type_=UTCDateTime())))


def _source(store: Store, name: str = "feed") -> int:
    with store.begin() as conn:
        src.sync_sources(conn, [src.SourceSpec(name, f"http://127.0.0.1/{name}", "news")], NOW)
        return src.claim_sources(conn, "test", NOW, LEASE, limit=10, names=[name])[0].id


def _intent(n: int, topic: str | None = "clearview", suppressed: str | None = None):  # type: ignore[no-untyped-def]
    entry = Entry(
        guid=f"g{n}",
        link=f"https://example.com/{n}",
        title=f"Clearview AI story {n}",
        summary="text",
        published=NOW,
    )
    hits = (HitIntent(Match(topic, ("Clearview AI",), "snip"), suppressed),) if topic else ()
    return EntryIntent(f"1:g:{n}", entry, entry.link, hits)


def test_upgrade_reaches_head_without_drift(db_url: str) -> None:
    store = Store(db_url)
    with pytest.raises(SchemaOutOfDateError, match="monitor db upgrade"):
        require_current_schema(store.engine)
    upgrade(store.engine)
    current, head = schema_revisions(store.engine)
    assert current == head is not None
    assert head == SCHEMA_HEAD, "a new migration: set SCHEMA_HEAD in monitor/store/db.py"
    with store.engine.connect() as conn, warnings.catch_warnings():
        # Alembic cannot reflect SQLite's indexes on expressions: compared below instead
        warnings.filterwarnings("ignore", message=".*expression-based index")
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), metadata
        )
        if conn.dialect.name == "sqlite":
            for index in _expression_indexes():
                stored = conn.scalar(
                    text("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :n"),
                    {"n": index.name},
                )
                assert stored == str(CreateIndex(index).compile(dialect=conn.dialect))
    assert diff == [], f"models and migrations drifted: {diff}"
    require_current_schema(store.engine)
    store.close()


def _expression_indexes() -> list[Index]:
    found = [
        index
        for table in metadata.tables.values()
        for index in table.indexes
        if any(not isinstance(e, Column) for e in index.expressions)
    ]
    assert found, "the schema has an index on expressions (ix_entries_docket_case)"
    return found


def test_second_record_of_same_entries_inserts_nothing(store: Store) -> None:
    source_id = _source(store)
    routes = {"clearview": ["console", "slack"]}
    with store.begin() as conn:
        first = rec.record_entries(conn, source_id, [_intent(1), _intent(2, None)], routes, NOW)
    with store.begin() as conn:
        again = rec.record_entries(conn, source_id, [_intent(1), _intent(2, None)], routes, NOW)
        known = {k.key for k in rec.known_entries(conn, source_id, ["1:g:1", "1:g:2", "1:g:3"], [])}
    assert (first.new_entries, first.new_hits, first.alerts) == (2, 1, 2)
    assert (again.new_entries, again.new_hits, again.alerts) == (0, 0, 0)
    assert known == {"1:g:1", "1:g:2"}


def test_suppressed_hit_is_listed_but_owes_no_delivery(store: Store) -> None:
    source_id = _source(store)
    with store.begin() as conn:
        result = rec.record_entries(
            conn, source_id, [_intent(1, suppressed="backfill")], {"clearview": ["console"]}, NOW
        )
        listed = rec.list_hits(conn)
    assert (result.new_hits, result.alerts) == (1, 0)
    assert [(h.title, h.suppressed, h.source) for h in listed] == [
        ("Clearview AI story 1", "backfill", "feed")
    ]


def test_a_leased_source_is_not_claimed_again_until_the_lease_expires(store: Store) -> None:
    _source(store, "a")  # claimed by "test" at NOW
    with store.begin() as conn:
        assert src.claim_sources(conn, "other", NOW, LEASE, limit=10, due_only=False) == []
        later = src.claim_sources(conn, "other", NOW + LEASE * 2, LEASE, limit=10)
    assert [s.name for s in later] == ["a"]


def test_syncing_and_claiming_take_any_number_of_configured_names(
    store: Store,
) -> None:
    # The configured names were bound one parameter each: PostgreSQL takes at most 65,535
    # in a statement, so a config of more sources could claim none; and rendering 20,000
    # of them took half of a claim's time at every tick; likewise syncing the sources. They
    # are now one parameter.
    with store.begin() as conn:
        specs = [src.SourceSpec(n, f"http://127.0.0.1/{n}", "news") for n in ("a", "b", "c")]
        src.sync_sources(conn, specs, NOW)
    names = ["a", "b", "c", *(f"gone-{n}" for n in range(70_000))]
    with store.begin() as conn:
        many = [src.SourceSpec(n, f"http://127.0.0.1/{n}", "news") for n in names[3:]]
        src.sync_sources(conn, many, NOW)  # the first three are no longer configured
        src.sync_sources(conn, specs, NOW)  # and now these 70,000 are not
        active = conn.scalars(select(schema.sources.c.name).where(schema.sources.c.active))
        assert sorted(active) == ["a", "b", "c"]
        fleet_due, _ = fleet.due_sources(conn, NOW, names)
        picked = src.claim_sources(
            conn,
            "me",
            NOW,
            LEASE,
            limit=10,
            names=names,
            pick=lambda c: [i for i, n in c if n != "b"],
        )
        rest = src.claim_sources(conn, "me", NOW, LEASE, limit=10, names=names)
    assert fleet_due == 3
    assert [s.name for s in picked] == ["a", "c"]
    assert [s.name for s in rest] == ["b"]


def test_outcome_records_backoff_and_clears_on_success(store: Store) -> None:
    source_id = _source(store)
    with store.begin() as conn:
        src.record_source_outcome(
            conn, source_id, NOW, next_due_at=NOW + LEASE, error="HTTP 500", success=False
        )
        src.record_source_outcome(
            conn, source_id, NOW, next_due_at=NOW + LEASE, error="HTTP 500", success=False
        )
        failing = src.list_sources(conn)[0]
        src.record_source_outcome(conn, source_id, NOW, next_due_at=NOW + LEASE, etag='"x"')
        healthy = src.list_sources(conn)[0]
    assert (failing.consecutive_failures, failing.last_error) == (2, "HTTP 500")
    assert failing.first_polled_at is None
    assert (healthy.consecutive_failures, healthy.last_error, healthy.etag) == (0, None, '"x"')
    assert healthy.first_polled_at == NOW


def test_outbox_moves_through_its_states(store: Store) -> None:
    source_id = _source(store)
    with store.begin() as conn:
        rec.record_entries(conn, source_id, [_intent(1), _intent(2)], {"clearview": ["c"]}, NOW)
    with store.begin() as conn:
        claimed = outbox.claim_deliveries(conn, "w1", NOW, LEASE, limit=10)
        assert outbox.claim_deliveries(conn, "w2", NOW, LEASE, limit=10) == []
        first, second = claimed
        outbox.mark_sent(conn, first.delivery_id, NOW, "ts-1")
        outbox.mark_failed(
            conn, second.delivery_id, "HTTP 503", next_attempt_at=NOW + LEASE, dead=False
        )
        assert outbox.claim_deliveries(conn, "w2", NOW, LEASE, limit=10) == []
        retried = outbox.claim_deliveries(conn, "w2", NOW + LEASE, LEASE, limit=10)
        assert [a.delivery_id for a in retried] == [second.delivery_id]
        assert retried[0].attempts == 2
        # w2 dies mid-send: after its lease the row is owed again
        assert outbox.claim_deliveries(conn, "w3", NOW + LEASE, LEASE, limit=10) == []
        orphan = outbox.claim_deliveries(conn, "w3", NOW + LEASE * 3, LEASE, limit=10)
        assert [a.delivery_id for a in orphan] == [second.delivery_id]
        outbox.mark_failed(
            conn, second.delivery_id, "channel_not_found", next_attempt_at=NOW, dead=True
        )
        assert outbox.claim_deliveries(conn, "w4", NOW + LEASE * 9, LEASE, limit=10) == []
        assert outbox.count_owed(conn) == 0
    assert (first.title, first.source, first.topic) == ("Clearview AI story 1", "feed", "clearview")


@pytest.mark.postgres
def test_concurrent_writers_store_each_entry_once(pg_url: str) -> None:
    store = Store(pg_url)
    upgrade(store.engine)
    source_id = _source(store)
    intents = [_intent(n) for n in range(30)]
    results: list[rec.RecordResult] = []
    barrier = threading.Barrier(2)

    def write() -> None:
        barrier.wait()
        with store.begin() as conn:
            results.append(rec.record_entries(conn, source_id, intents, {"clearview": ["c"]}, NOW))

    threads = [threading.Thread(target=write) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.new_entries for r in results) == 30
    assert sum(r.alerts for r in results) == 30
    store.close()


def test_a_story_update_owes_one_threaded_follow_up_per_alerted_route(store: Store) -> None:
    source_id = _source(store)
    routes = {"clearview": ["console", "slack"]}
    with store.begin() as conn:
        rec.record_entries(
            conn, source_id, [_intent(1), _intent(2, suppressed="backfill")], routes, NOW
        )
        copy = rec.record_entries(conn, source_id, [_intent(3, None)], routes, NOW)
        assert copy.new_entries == 1
        ids = rec.record_story_update(
            conn, 1, 3, "also_reported", "also reported by Wire", routes, NOW
        )
        again = rec.record_story_update(
            conn, 1, 3, "also_reported", "also reported by Wire", routes, NOW
        )
        silent = rec.record_story_update(conn, 2, 3, "also_reported", "x", routes, NOW)
        alerts = outbox.claim_deliveries(conn, "w", NOW, LEASE, limit=10)
        # follow-ups wait for their story's alert, then thread under its message
        for alert in alerts:
            outbox.mark_sent(conn, alert.delivery_id, NOW, f"ts-{alert.notifier}")
        follow_ups = outbox.claim_deliveries(conn, "w", NOW, LEASE, limit=10)
    assert len(ids) == 2 and again == [] and silent == []  # story 2 never alerted
    assert {a.slot for a in alerts} == {"alert"}
    assert {(a.notifier, a.thread_id) for a in follow_ups} == {
        ("console", "ts-console"),
        ("slack", "ts-slack"),
    }
    assert {a.notifier for a in follow_ups} == {"console", "slack"}
    assert {a.thread_key for a in follow_ups} == {a.thread_key for a in alerts} == {"story:1"}
    assert follow_ups[0].update_kind == "also_reported"
    assert follow_ups[0].update_detail == "also reported by Wire"
