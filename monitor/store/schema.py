"""The database tables (SQLAlchemy Core), shared by the store queries and Alembic.

Contains no business logic. Times are stored as naive UTC (``UTCDateTime`` converts), so the
same rows read identically from SQLite and PostgreSQL. Every uniqueness rule the service relies
on ("new" entries, one hit per topic and story, one delivery per hit and notifier) is a unique
constraint here, never a Python-side check.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    cast,
    false,
    func,
    select,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement, literal_column
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.selectable import TableValuedAlias
from sqlalchemy.types import TypeDecorator, TypeEngine


def _naive_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the store; use UTC-aware datetimes")
    return value.astimezone(UTC).replace(tzinfo=None)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; stored as naive UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else _naive_utc(value)

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        """On SQLite, one function per value bound that writes the text SQLAlchemy's
        DATETIME writes ("2027-03-01 08:00:00.000000"), rather than the chain of
        ``process_bind_param`` and that type's own formatting: a poll binds a time for
        every bucket, event key and entry it files."""
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)
        return lambda value: (
            None if value is None else _naive_utc(value).isoformat(" ", "microseconds")
        )

    def result_processor(
        self, dialect: Dialect, coltype: object
    ) -> Callable[[Any], datetime | None]:
        """One function per value read, rather than TypeDecorator's chain of the driver
        value's parse and ``process_result_value``: clustering reads two datetimes for each
        of thousands of stored entries per feed. SQLite's text (written by SQLAlchemy's
        DATETIME, naive UTC) is parsed with its offset appended, cheaper than parsing and
        then ``replace(tzinfo=UTC)``; PostgreSQL's driver (psycopg) returns naive
        datetimes."""
        if dialect.name == "sqlite":
            return lambda value: None if value is None else datetime.fromisoformat(value + "+00:00")
        return lambda value: None if value is None else value.replace(tzinfo=UTC)


class JsonText(FunctionElement[str]):
    """A JSON column's top-level key as text (see ``json_text``)."""

    type = Text()
    inherit_cache = True
    name = "json_text"


def json_text(column: ColumnElement[Any], key: str) -> JsonText:
    """``column``'s top-level ``key`` as text, with the key written literally in the SQL: an
    expression index on it then serves queries (a bound key never matches an index)."""
    if not key.isidentifier():
        raise ValueError(f"not a plain JSON key: {key!r}")
    return JsonText(column, literal_column(key))


@compiles(JsonText, "sqlite")
def _json_text_sqlite(element: JsonText, compiler: SQLCompiler, **kw: Any) -> str:
    column, key = element.clauses
    return f"json_extract({compiler.process(column, **kw)}, '$.{key}')"


@compiles(JsonText, "postgresql")
def _json_text_postgresql(element: JsonText, compiler: SQLCompiler, **kw: Any) -> str:
    column, key = element.clauses
    return f"({compiler.process(column, **kw)} ->> '{key}')"


def one_of(column: ColumnElement[Any], name: str, dialect: str) -> ColumnElement[bool]:
    """``column`` IN the list bound as ``name`` (``bound_list``); the list joins the
    column's index."""
    return column.in_(select(bound_list(name, column.type, dialect).c.value))


def bound_list(name: str, type_: TypeEngine[Any], dialect: str) -> TableValuedAlias:
    """The list bound as ``name`` (values of ``type_``) as a table of one column, ``value``,
    one parameter however long the list: an array read by ``unnest`` on PostgreSQL, a JSON
    array read by ``json_each`` on SQLite. The statement's text then never changes, so the
    server parses and plans it once (an expanded IN of hundreds of parameters is rendered,
    parsed and planned anew each time, and PostgreSQL plans it as a scan of the table)."""
    if dialect == "postgresql":
        values = func.unnest(bindparam(name, type_=postgresql.ARRAY(type_)))
        return values.table_valued("value").render_derived()
    return func.json_each(bindparam(name, type_=JSON)).table_valued("value")


def bound_rows(columns: Sequence[Column[Any]], name: str, dialect: str) -> Select[Any]:
    """The rows bound as ``name`` (a list of tuples of ``columns``' values), as a SELECT of
    those columns in list order: one JSON array, read by ``json_each`` on SQLite and by
    ``json_array_elements`` on PostgreSQL. An INSERT from it is one statement of one text
    however many rows (see ``one_of``), with no per-row work in SQLAlchemy."""
    if dialect == "postgresql":
        rows = func.json_array_elements(bindparam(name, type_=JSON)).table_valued("value")
        values = [
            cast(rows.c.value.op("->>")(literal_column(str(n))), c.type).label(c.name)
            for n, c in enumerate(columns)
        ]
    else:
        rows = func.json_each(bindparam(name, type_=JSON)).table_valued("value")
        values = [
            func.json_extract(rows.c.value, literal_column(f"'$[{n}]'")).label(c.name)
            for n, c in enumerate(columns)
        ]
    return select(*values).select_from(rows)


Id = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements INTEGER only

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

sources = Table(
    "sources",
    metadata,
    Column("id", Id, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("url", Text, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    # paused by an admin (web): the poller claims it no more until resumed (migration 0009)
    Column("paused", Boolean, nullable=False, default=False, server_default=false()),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("body_hash", String(64)),
    Column("next_due_at", UTCDateTime),
    Column("last_polled_at", UTCDateTime),
    Column("last_success_at", UTCDateTime),
    Column("first_polled_at", UTCDateTime),  # first successful poll: backfill rules before it
    Column("consecutive_failures", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("last_warning", Text),  # what the last successful poll could not do
    Column("lease_owner", String(80)),
    Column("lease_expires_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    # migration 0012: since when the source fails (NULL while it works), and what ops were
    # told about it (NULL, "failing", "gap"): one message per change, whichever replica sends
    Column("failing_since", UTCDateTime),
    Column("ops_state", String(10)),
)

stories = Table(
    "stories",
    metadata,
    Column("id", Id, primary_key=True),
    Column("title", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    # newest first, and a date range as an id range (web pages; migration 0009)
    Index("ix_stories_created_at_id", "created_at", "id"),
)

entries = Table(
    "entries",
    metadata,
    Column("id", Id, primary_key=True),
    Column("key", String(80), nullable=False, unique=True),  # versioned dedupe key
    Column("source_id", Id, ForeignKey("sources.id"), nullable=False),
    Column("story_id", Id, ForeignKey("stories.id"), index=True),
    Column("guid", Text),
    Column("link", Text),
    Column("canonical_url", Text, index=True),
    Column("title", Text, nullable=False),
    Column("summary", Text, nullable=False),
    Column("published_at", UTCDateTime),
    Column("updated_at", UTCDateTime),
    Column("authors", JSON, nullable=False),
    Column("extra", JSON, nullable=False),
    Column("first_seen_at", UTCDateTime, nullable=False, index=True),
    # why the entry is in its story: "new story", "same canonical link", "similar (0.93)"…
    Column("story_reason", Text),
    # hash of title and summary as last seen, to notice edits (monitor.dedupe.content_hash)
    Column("content_hash", String(40)),
    # the event the entry reports, as read when it was clustered (monitor.events.to_json)
    Column("event", Text),
    # a source's last new entry and entries per day (web sources page; migration 0009)
    Index("ix_entries_source_id_first_seen_at", "source_id", "first_seen_at"),
)
# the newest stories with an entry from given sources (web: stories of a source kind)
Index(
    "ix_entries_source_id_story_id",
    entries.c.source_id,
    entries.c.story_id,
    sqlite_where=entries.c.story_id.is_not(None),
    postgresql_where=entries.c.story_id.is_not(None),
)
# a court case's docket entries (monitor cases, the web case timeline; migration 0009)
Index(
    "ix_entries_docket_case",
    json_text(entries.c.extra, "court"),
    json_text(entries.c.extra, "case_key"),
)

# Where clustering files a story so later copies find it (monitor.cluster fingerprints): one
# story per bucket; a bucket not seen within the clustering window may be taken over.
story_buckets = Table(
    "story_buckets",
    metadata,
    Column("bucket", String(40), primary_key=True),
    Column("story_id", Id, ForeignKey("stories.id"), nullable=False, index=True),
    Column("seen_at", UTCDateTime, nullable=False),
)

# Where clustering files a story under the events its entries report (monitor.events keys):
# any number of stories per key, found by an indexed lookup; transactions that share a key
# take turns (a PostgreSQL advisory lock per key, see monitor.store.records.lock_keys).
story_events = Table(
    "story_events",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("story_id", Id, ForeignKey("stories.id"), primary_key=True, index=True),
    Column("seen_at", UTCDateTime, nullable=False),
    # a key's stories latest seen first, read down to the cap (story_index.STORIES_PER_KEY)
    Index("ix_story_events_key_seen_at_story_id", "key", "seen_at", "story_id"),
)

story_updates = Table(
    "story_updates",
    metadata,
    Column("id", Id, primary_key=True),
    Column("story_id", Id, ForeignKey("stories.id"), nullable=False),
    Column("entry_id", Id, ForeignKey("entries.id"), nullable=False),
    # "also_reported" (another outlet's copy), "headline_updated", "docket_entry"…
    Column("kind", String(30), nullable=False),
    Column("detail", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("story_id", "entry_id", "kind"),
)

hits = Table(
    "hits",
    metadata,
    Column("id", Id, primary_key=True),
    Column("topic", String(100), nullable=False),
    Column("story_id", Id, ForeignKey("stories.id"), nullable=False, index=True),
    Column("entry_id", Id, ForeignKey("entries.id"), nullable=False),
    Column("terms", JSON, nullable=False),
    Column("snippet", Text, nullable=False),
    # why no alert was owed for this hit ("backfill", "max_age"), or None when it alerted
    Column("suppressed", String(20)),
    Column("created_at", UTCDateTime, nullable=False, index=True),
    UniqueConstraint("topic", "story_id"),
    # a topic's latest hits (web: a topic's Atom feed; migration 0009)
    Index("ix_hits_topic_created_at", "topic", "created_at"),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Id, primary_key=True),
    Column("hit_id", Id, ForeignKey("hits.id"), nullable=False),
    Column("notifier", String(100), nullable=False),
    # what this row sends for its hit: "alert" (the first message) or "update:<update id>"
    Column("slot", String(60), nullable=False, server_default="alert"),
    # deliveries sharing a thread key on one notifier thread under the first one sent
    Column("thread_key", String(200)),
    Column("update_id", Id, ForeignKey("story_updates.id")),
    # pending → sending → sent; or failed (retry at next_attempt_at) → dead
    Column("state", String(10), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("last_error", Text),
    Column("external_id", Text),  # the channel's id for the message (Slack ts), for threads
    Column("lease_owner", String(80)),
    Column("lease_expires_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    UniqueConstraint("hit_id", "notifier", "slot"),
    Index("ix_deliveries_state_next_attempt_at", "state", "next_attempt_at"),
    Index("ix_deliveries_notifier_thread_key", "notifier", "thread_key"),
    # owed and dead deliveries, newest first (web deliveries page; migration 0009)
    Index("ix_deliveries_state_id", "state", "id"),
)

# Per-recipient outcome of a delivery some recipients refused (migration 0008): "sent",
# "owed" (a 4xx: the delivery is retried for the owed recipients only) or "refused" (a 5xx:
# noted, never retried). A delivery without rows here is owed to every configured recipient.
delivery_recipients = Table(
    "delivery_recipients",
    metadata,
    Column("delivery_id", Id, ForeignKey("deliveries.id"), primary_key=True),
    Column("recipient", String(320), primary_key=True),
    Column("state", String(10), nullable=False),
    Column("reply", Text),  # the server's words for a refusal
    Column("updated_at", UTCDateTime, nullable=False),
)

# Court-docket coverage (migration 0004). What the last updated poll of a source held, so the
# next one can tell whether it overlaps; and each possible gap found, for ops and status.
source_windows = Table(
    "source_windows",
    metadata,
    Column("source_id", Id, ForeignKey("sources.id"), primary_key=True),
    Column("entries", Integer, nullable=False),  # items in the feed at that poll
    Column("oldest_at", UTCDateTime),  # entry times in the feed at that poll
    Column("newest_at", UTCDateTime),
    Column("polled_at", UTCDateTime, nullable=False),
)

coverage_gaps = Table(
    "coverage_gaps",
    metadata,
    Column("id", Id, primary_key=True),
    Column("source_id", Id, ForeignKey("sources.id"), nullable=False, index=True),
    Column("court", String(40)),
    # entries filed in this window may never have been seen: from the newest entry of the
    # previous poll (else its time) to the oldest entry of the poll that found no overlap
    Column("window_start", UTCDateTime),
    Column("window_end", UTCDateTime),
    Column("previous_entries", Integer, nullable=False),
    Column("entries", Integer, nullable=False),
    Column("detected_at", UTCDateTime, nullable=False),
)

# Fleet coordination (migration 0012). ``replicas``: each ``monitor run`` process and when it
# was last seen, so each claims a fair share of the due sources. ``send_slots``: the next time a
# paced channel may take a message, reserved in the database so a pace holds for every replica.
# ``job_runs``: when a fleet-wide job (retention) last ran, so one replica runs it per period.
replicas = Table(
    "replicas",
    metadata,
    Column("owner", String(80), primary_key=True),
    Column("started_at", UTCDateTime, nullable=False),
    Column("seen_at", UTCDateTime, nullable=False),
)

send_slots = Table(
    "send_slots",
    metadata,
    Column("channel", String(200), primary_key=True),
    Column("next_at", UTCDateTime, nullable=False),
)

job_runs = Table(
    "job_runs",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("last_run_at", UTCDateTime, nullable=False),
)
