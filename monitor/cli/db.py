"""``monitor db``: schema migrations."""

from __future__ import annotations

import click

from monitor.cli.base import config_option, load, main, open_store
from monitor.errors import MonitorError
from monitor.store.db import redact_url, schema_revisions, upgrade


@main.group("db")
def db() -> None:
    """Database schema: migrations."""


@db.command("upgrade")
@config_option
@click.option("--revision", default="head", show_default=True)
def db_upgrade(config_path: str, revision: str) -> None:
    """Apply the migrations in migrations/ (to head by default)."""
    config = load(config_path)
    store = open_store(config)
    try:
        upgrade(store.engine, revision)
        current, _ = schema_revisions(store.engine)
    except MonitorError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        store.close()
    click.echo(f"{redact_url(store.url)}: schema at {current}")


@db.command("current")
@config_option
def db_current(config_path: str) -> None:
    """Show the database's schema revision and the code's."""
    store = open_store(load(config_path))
    try:
        current, head = schema_revisions(store.engine)
    except MonitorError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        store.close()
    state = "up to date" if current == head else "out of date: run `monitor db upgrade`"
    click.echo(f"database at {current or 'nothing'}, code at {head}: {state}")
