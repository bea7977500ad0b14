"""The ``monitor`` command: thin commands over the same functions the service uses."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import click

from monitor import __version__
from monitor.config import Config, load_config, parse_duration
from monitor.errors import ConfigError, MonitorError
from monitor.pollrun import poll_once, print_summary
from monitor.store import Store
from monitor.store import records as rec
from monitor.store.db import redact_url, schema_revisions, upgrade

DEFAULT_CONFIG = "feeds.yaml"
config_option = click.option(
    "--config",
    "config_path",
    default=DEFAULT_CONFIG,
    show_default=True,
    envvar="MONITOR_CONFIG",
    type=click.Path(dir_okay=False),
    help="Path to the feeds.yaml config (env MONITOR_CONFIG).",
)


def _load(path: str) -> Config:
    try:
        return load_config(path)
    except ConfigError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        n = len(exc.problems)
        raise click.ClickException(f"{path}: {n} problem{'s' if n != 1 else ''} found") from exc


@click.group()
@click.version_option(__version__, prog_name="monitor")
@click.option(
    "--log-level",
    default="INFO",
    show_default=True,
    envvar="MONITOR_LOG_LEVEL",
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
    help="Logging threshold; logs go to standard error.",
)
def main(log_level: str) -> None:
    """Media-monitoring alerts from news and court-docket feeds."""
    logging.basicConfig(
        level=log_level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


@main.command("check-config")
@config_option
def check_config(config_path: str) -> None:
    """Validate a config; print every problem with file, line and key."""
    config = _load(config_path)
    click.echo(
        f"{config_path}: OK ({len(config.sources)} sources, {len(config.topics)} topics, "
        f"{len(config.effective_notifiers())} notifiers)"
    )


@main.command("poll")
@config_option
@click.option("--once", is_flag=True, required=True, help="Poll every source once and exit.")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print the alerts that would be sent; change nothing in the database.",
)
def poll(config_path: str, once: bool, dry_run: bool) -> None:
    """Poll every source once, store new entries and hits, send (or print) alerts."""
    config = _load(config_path)
    try:
        summary = asyncio.run(poll_once(config, dry_run=dry_run))
    except MonitorError as exc:
        raise click.ClickException(str(exc)) from exc
    print_summary(summary, dry_run=dry_run)


@main.command("run")
@config_option
@click.option(
    "--migrate",
    is_flag=True,
    help="Apply pending migrations first (containers); else refuse an old schema.",
)
def run(config_path: str, migrate: bool) -> None:
    """Run the service until SIGTERM or SIGINT."""
    from monitor.app import open_app
    from monitor.service import Service

    config = _load(config_path)
    if migrate:
        store = _open_store(config)
        try:
            upgrade(store.engine)
        except MonitorError as exc:
            raise click.ClickException(str(exc)) from exc
        finally:
            store.close()

    async def serve() -> None:
        async with open_app(config) as app:
            await Service(app).run()

    try:
        asyncio.run(serve())
    except MonitorError as exc:
        raise click.ClickException(str(exc)) from exc


@main.group("db")
def db() -> None:
    """Database schema: migrations."""


@db.command("upgrade")
@config_option
@click.option("--revision", default="head", show_default=True)
def db_upgrade(config_path: str, revision: str) -> None:
    """Apply the migrations in migrations/ (to head by default)."""
    config = _load(config_path)
    store = _open_store(config)
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
    store = _open_store(_load(config_path))
    try:
        current, head = schema_revisions(store.engine)
    except MonitorError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        store.close()
    state = "up to date" if current == head else "out of date: run `monitor db upgrade`"
    click.echo(f"database at {current or 'nothing'}, code at {head}: {state}")


def _open_store(config: Config) -> Store:
    try:
        return Store(config.settings.database_url)
    except MonitorError as exc:
        raise click.ClickException(str(exc)) from exc


@main.command("hits")
@config_option
@click.option("--topic", help="Only this topic.")
@click.option("--since", default="7d", show_default=True, help="How far back: 30m, 12h, 7d…")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@click.option("--limit", default=1000, show_default=True)
def hits_cmd(config_path: str, topic: str | None, since: str, fmt: str, limit: int) -> None:
    """List recorded hits: source, title, link, published time, topic, matched terms."""
    config = _load(config_path)
    try:
        window = parse_duration(since)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from exc
    store = _open_store(config)
    try:
        with store.begin() as conn:
            rows = rec.list_hits(conn, topic=topic, since=datetime.now(UTC) - window, limit=limit)
    except MonitorError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        store.close()
    _print_hits(rows, fmt)


_HIT_FIELDS = ("created_at", "topic", "source", "title", "link", "published", "terms", "suppressed")


def _hit_record(row: rec.HitRow) -> dict[str, Any]:
    def iso(d: datetime | None) -> str | None:
        return d.isoformat() if d else None

    return {
        "id": row.id,
        "created_at": iso(row.created_at),
        "topic": row.topic,
        "source": row.source,
        "title": row.title,
        "link": row.link,
        "published": iso(row.published),
        "terms": row.terms,
        "snippet": row.snippet,
        "suppressed": row.suppressed,
    }


def _print_hits(rows: Sequence[rec.HitRow], fmt: str) -> None:
    records = [_hit_record(r) for r in rows]
    if fmt == "json":
        click.echo(json.dumps(records, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=["id", *_HIT_FIELDS, "snippet"])
        writer.writeheader()
        for r in records:
            writer.writerow({**r, "terms": "; ".join(r["terms"])})
        click.echo(out.getvalue(), nl=False)
    else:
        _print_table(records)


def _print_table(records: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("published", "topic", "source", "title", "terms", "link")
    for r in records:
        table.add_row(
            (r["published"] or "")[:16],
            r["topic"],
            r["source"],
            r["title"],
            ", ".join(r["terms"]),
            r["link"] or "",
        )
    Console(width=None if sys.stdout.isatty() else 200).print(table)
    click.echo(f"{len(records)} hits")


if __name__ == "__main__":  # pragma: no cover
    main()
