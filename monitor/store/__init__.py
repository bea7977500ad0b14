"""The store: SQLAlchemy tables, queries and leases over SQLite or PostgreSQL.

``Store`` owns the engine and a small thread pool so that async code can run the blocking
queries without stalling the event loop. Query functions live in ``sources``, ``records`` and
``outbox`` and take a Connection; they hold no business rules.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from monitor.errors import StoreError
from monitor.store.db import READ_ONLY, make_engine, redact_url

P = ParamSpec("P")
T = TypeVar("T")


class Store:
    """An engine plus the executor that runs its blocking calls off the event loop."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = make_engine(url)
        # SQLite allows one writer: one thread serializes our writes without lock contention,
        # and one process writes (the poller records what parse workers prepare)
        self.one_writer = self.engine.dialect.name == "sqlite"
        workers = 1 if self.one_writer else 4
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="store")

    @contextmanager
    def begin(self, *, commit: bool = True) -> Iterator[Connection]:
        """A connection in a transaction, committed on success (unless ``commit`` is False:
        dry runs) and rolled back on error. Database failures become StoreError."""
        try:
            with self.engine.connect() as conn, conn.begin() as trans:
                yield conn
                if not commit:
                    trans.rollback()
        except (OperationalError, InterfaceError) as exc:
            raise StoreError(f"database {redact_url(self.url)}: {exc.orig}") from exc
        except DBAPIError as exc:
            if not exc.connection_invalidated:  # a bad statement is a bug, not an outage
                raise
            raise StoreError(f"database {redact_url(self.url)}: {exc.orig}") from exc

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction, rolled back at the end: on SQLite a deferred one that
        takes no write lock, on PostgreSQL ``READ ONLY``. Database failures become
        StoreError."""
        try:
            with self.engine.connect() as conn:
                options: dict[str, Any] = {READ_ONLY: True}
                if self.engine.dialect.name == "postgresql":
                    options["postgresql_readonly"] = True
                conn = conn.execution_options(**options)
                with conn.begin() as trans:
                    yield conn
                    trans.rollback()
        except OperationalError as exc:
            raise StoreError(f"database {redact_url(self.url)}: {exc.orig}") from exc

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a blocking store call in the store's thread pool."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: fn(*args, **kwargs))

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        self.engine.dispose()
