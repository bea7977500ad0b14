"""``monitor db``: schema migrations."""

from __future__ import annotations

import asyncio

import click

from monitor.cli.base import config_option, load, main, opened_store
from monitor.pipeline import utcnow
from monitor.retention import prune
from monitor.store.db import redact_url, require_current_schema, schema_revisions, upgrade


@main.group("db")
def db() -> None:
    """Database schema: migrations."""


@db.command("upgrade")
@config_option
@click.option("--revision", default="head", show_default=True)
def db_upgrade(config_path: str, revision: str) -> None:
    """Apply the migrations in migrations/ (to head by default)."""
    config = load(config_path, delivery=False)
    with opened_store(config) as store:
        upgrade(store.engine, revision)
        current, _ = schema_revisions(store.engine)
    click.echo(f"{redact_url(store.url)}: schema at {current}")


@db.command("current")
@config_option
def db_current(config_path: str) -> None:
    """Show the database's schema revision and the code's."""
    with opened_store(load(config_path, delivery=False)) as store:
        current, head = schema_revisions(store.engine)
    state = "up to date" if current == head else "out of date: run `monitor db upgrade`"
    click.echo(f"database at {current or 'nothing'}, code at {head}: {state}")


@db.command("prune")
@config_option
def db_prune(config_path: str) -> None:
    """Delete rows older than settings.retention says (in small batches), now."""
    config = load(config_path, delivery=False)
    with opened_store(config) as store:
        require_current_schema(store.engine)
        report = asyncio.run(prune(store, config.settings.retention, utcnow()))
    click.echo(report.describe())
