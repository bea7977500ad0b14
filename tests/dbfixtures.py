"""Database fixtures: a fresh SQLite file always, a fresh PostgreSQL schema when
MONITOR_TEST_POSTGRES_URL is set (skipped with the reason otherwise; failed instead when
MONITOR_REQUIRE_POSTGRES=1, as CI sets it). Tests run in several processes (pytest-xdist)
each get a database of their own on that server, named after the process: ``test_gw0``…"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

PG_ENV = "MONITOR_TEST_POSTGRES_URL"


def postgres_url() -> str:
    """The test server's URL with an emptied ``public`` schema, or skip/fail."""
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("MONITOR_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{PG_ENV} is not set but MONITOR_REQUIRE_POSTGRES=1")
        pytest.skip(
            f"PostgreSQL tests need {PG_ENV} (e.g. "
            "postgresql+psycopg://postgres@127.0.0.1:5432/test)"
        )
    url = _this_workers(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def _this_workers(url: str) -> str:
    """``url``, or under pytest-xdist a database of this worker's own on the same server
    (created the first time): two workers emptying one schema would wipe each other's."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = make_url(url)
    own = base.set(database=f"{base.database}_{worker}")
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database}
            ).first()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{own.database}"'))
    finally:
        engine.dispose()
    return own.render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'monitor.db'}"
    else:
        yield postgres_url()


@pytest.fixture
def pg_url() -> str:
    return postgres_url()
