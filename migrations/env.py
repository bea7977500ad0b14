"""Alembic environment: runs migrations on the engine monitor hands over (or sqlalchemy.url)."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlalchemy import Connection, create_engine

from monitor.store.schema import UTCDateTime, metadata


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Autogenerate writes our UTCDateTime as the plain DateTime it stores."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


config = context.config
# monitor.store.db.upgrade hands over a connection holding the migration lock
given = config.attributes.get("connection")
if given is not None:
    run_migrations(given)
else:
    engine = config.attributes.get("engine")
    if engine is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///monitor.db")
    with engine.connect() as connection:
        run_migrations(connection)
