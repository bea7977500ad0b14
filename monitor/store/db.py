"""Database engines and migrations: SQLite (embedded default) or PostgreSQL (psycopg 3).

Creates engines with the right per-backend settings (SQLite: WAL, busy timeout, foreign keys,
write transactions that take the lock up front), runs Alembic migrations from the top-level
``migrations/`` folder, and tells whether a database's schema is current. Holds no business
rules.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from monitor.errors import SchemaOutOfDateError, StoreError
from monitor.redact import redact

if TYPE_CHECKING:  # alembic is imported where a migration command needs it, not at start-up
    from alembic.config import Config as AlembicConfig

# The head revision of migrations/versions: what ``require_current_schema`` (every start of
# the service and of a poll) checks the database against without loading Alembic and every
# migration script. tests/test_store.py fails when a new migration does not update it.
SCHEMA_HEAD = "0013"

SQLITE_BUSY_TIMEOUT_S = 30
URL_HELP = "e.g. sqlite:///monitor.db or postgresql://user:password@host:5432/monitor"
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
READ_ONLY = "monitor_read_only"  # execution option of Store.read connections


def normalize_url(url: str) -> str:
    """Pick the driver: ``postgresql://`` means psycopg 3; SQLite URLs pass unchanged."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def redact_url(url: str) -> str:
    """The URL with any password replaced by ***, for messages and logs. A URL that does
    not parse shows its scheme only, or nothing of itself (it may be all password)."""
    if url_problem(url) is None:
        return make_url(url).render_as_string(hide_password=True)
    scheme = _SCHEME.match(url)
    return f"{scheme.group(1)}://…" if scheme else "(a database URL that does not parse)"


def url_problem(url: str) -> str | None:
    """Why ``url`` is not a database URL (a message that never quotes it), or None."""
    try:
        port = make_url(url).port
    except (ArgumentError, ValueError, TypeError):
        return f"does not parse as a database URL ({URL_HELP})"
    if port is not None and not 0 < port < 65536:
        return "has a port outside 1-65535"
    return None


def url_secrets(url: str) -> list[str]:
    """The parts of database ``url`` to keep out of logs: its password, or the whole URL
    when it does not parse (there is no telling where a password would be)."""
    if url_problem(url) is not None:
        return [url]
    password = make_url(url).password
    return [str(password)] if password else []


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Take the write lock at BEGIN: a deferred transaction that upgrades to a writer
        # fails with "database is locked" instead of waiting on busy_timeout. A read-only
        # transaction (Store.read) takes no lock, so readers never hold up the pollers.
        if conn.get_execution_options().get(READ_ONLY):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """An Engine for ``url``; raises StoreError for an unusable URL (never quoting it)."""
    problem = url_problem(url)
    if problem is not None:
        raise StoreError(f"cannot use the database URL: it {problem}")
    try:
        real = normalize_url(url)
        if real.startswith("sqlite"):
            path = make_url(real).database
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(real, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
            _sqlite_setup(engine)
            return engine
        return create_engine(real, pool_pre_ping=True, pool_size=8, max_overflow=4)
    except (SQLAlchemyError, ValueError, ImportError) as exc:
        raise StoreError(f"cannot use database {redact_url(url)}: {redact(str(exc))}") from exc


PROBE_TIMEOUT_S = 1  # health probes: connect and lock waits


def make_probe_engine(url: str) -> Engine:
    """An Engine for read-only probes that must answer fast (``/healthz``): short connect,
    lock and statement timeouts, and plain deferred transactions (SQLite readers never wait
    for the write lock in WAL mode). Raises StoreError for an unusable URL."""
    try:
        real = normalize_url(url)
        if real.startswith("sqlite"):
            engine = create_engine(real, connect_args={"timeout": PROBE_TIMEOUT_S})

            @event.listens_for(engine, "connect")
            def _on_connect(dbapi_conn: Any, _record: Any) -> None:
                dbapi_conn.execute(f"PRAGMA busy_timeout={PROBE_TIMEOUT_S * 1000}")

            return engine
        return create_engine(
            real,
            pool_size=1,
            max_overflow=0,
            pool_timeout=PROBE_TIMEOUT_S,
            pool_pre_ping=True,
            connect_args={
                "connect_timeout": 2,  # libpq's floor
                "options": f"-c statement_timeout={PROBE_TIMEOUT_S * 1000}",
            },
        )
    except (SQLAlchemyError, ValueError, ImportError) as exc:
        raise StoreError(f"cannot use database {redact_url(url)}: {exc}") from exc


def migrations_dir() -> Path:
    """Where the Alembic scripts live: $MONITOR_MIGRATIONS_DIR, else the repo's migrations/."""
    env = os.environ.get("MONITOR_MIGRATIONS_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(engine: Engine) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.attributes["engine"] = engine
    return cfg


# PostgreSQL advisory lock key ("monitor migrations"): one replica migrates at a time
MIGRATION_LOCK = 0x6D6F6E6D6967  # any 64-bit number no other application on the database uses
MIGRATION_WAIT = "5min"  # how long a replica waits for another's migration to finish


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to ``revision`` (default: the head); raises StoreError.

    On PostgreSQL under an advisory lock: replicas started together with ``--migrate``
    queue, the first migrates and the others find the schema current."""
    from alembic import command

    try:
        with engine.connect() as conn, _alembic_logs():
            postgres = conn.dialect.name == "postgresql"
            if postgres:
                conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
                conn.commit()  # the lock is the session's: it outlives this transaction
            try:
                cfg = alembic_config(engine)
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                conn.commit()
            finally:
                if postgres:
                    conn.rollback()
                    conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
                    conn.commit()
    except SQLAlchemyError as exc:
        raise StoreError(f"migration failed: {redact(str(exc))}") from exc


def wait_for_migration(conn: Connection) -> None:
    """Wait (at most ``MIGRATION_WAIT``) while another process migrates this PostgreSQL
    database, so that a replica started beside a migrating one reads the new schema."""
    if conn.dialect.name == "postgresql":
        with conn.begin():  # the shared lock is taken, then let go at once
            conn.execute(text(f"SET LOCAL lock_timeout = '{MIGRATION_WAIT}'"))
            conn.execute(text("SELECT pg_advisory_xact_lock_shared(:key)"), {"key": MIGRATION_LOCK})


@contextmanager
def _alembic_logs() -> Iterator[None]:
    """Alembic's INFO lines (each migration applied) at the process's log level, for the
    time of an upgrade; the CLI holds them at WARNING otherwise (see ``monitor.cli.base``)."""
    logger = logging.getLogger("alembic")
    before = logger.level
    logger.setLevel(logging.NOTSET)
    try:
        yield
    finally:
        logger.setLevel(before)


def code_head(engine: Engine) -> str | None:
    """The code's migration head revision(s), comma-separated (None: no migrations)."""
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(alembic_config(engine)).get_heads()
    return ",".join(sorted(heads)) or None


def schema_revision(conn: Connection) -> str | None:
    """The database's revision(s), comma-separated (None: an empty database). Raises
    SQLAlchemyError when the database does not answer."""
    from alembic.runtime.migration import MigrationContext

    return ",".join(sorted(MigrationContext.configure(conn).get_current_heads())) or None


def schema_revisions(engine: Engine) -> tuple[str | None, str | None]:
    """(current revision(s) of the database, head revision(s) of the code), each a
    comma-separated string or None."""
    head = code_head(engine)
    try:
        with engine.connect() as conn:
            wait_for_migration(conn)
            current = schema_revision(conn)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot reach database {redact_url(str(engine.url))}: {exc}") from exc
    return current, head


def require_current_schema(engine: Engine) -> None:
    """Raise SchemaOutOfDateError naming the command to run unless the schema is at
    ``SCHEMA_HEAD`` (read from Alembic's version table directly); StoreError when the
    database cannot be reached."""
    current = _current_revision(engine)
    if current != SCHEMA_HEAD:
        raise SchemaOutOfDateError(
            f"database schema is at {current or 'nothing (empty database)'}, code needs "
            f"{SCHEMA_HEAD}: run `monitor db upgrade` first"
        )


def _current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            wait_for_migration(conn)  # a replica migrating now: read the schema it leaves
            if not engine.dialect.has_table(conn, "alembic_version"):
                return None
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
            return ",".join(sorted(rows)) or None
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot reach database {redact_url(str(engine.url))}: {exc}") from exc
