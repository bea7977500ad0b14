"""``monitor hits``: recorded hits as a table, JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import click

from monitor.cli.base import DURATION, config_option, load, main, transaction
from monitor.store import records as rec
from monitor.timefmt import local_time


@main.command("hits")
@config_option
@click.option("--topic", help="Only this topic.")
@click.option(
    "--since", default="7d", show_default=True, type=DURATION, help="How far back: 30m, 12h, 7d…"
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@click.option("--limit", default=1000, show_default=True)
def hits_cmd(config_path: str, topic: str | None, since: timedelta, fmt: str, limit: int) -> None:
    """List recorded hits: source, title, link, published time, topic, matched terms."""
    config = load(config_path, delivery=False)
    with transaction(config, commit=False) as conn:
        rows = rec.list_hits(conn, topic=topic, since=datetime.now(UTC) - since, limit=limit)
    _print_hits(rows, fmt, config.settings.timezone)


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
        "entry_id": row.entry_id,
        "story_id": row.story_id,
        "snippet": row.snippet,
        "suppressed": row.suppressed,
    }


def _print_hits(rows: Sequence[rec.HitRow], fmt: str, zone: str) -> None:
    """JSON and CSV: times in ISO 8601 UTC (for machines); the table: in ``zone``."""
    records = [_hit_record(r) for r in rows]
    if fmt == "json":
        click.echo(json.dumps(records, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(
            out, fieldnames=["id", *_HIT_FIELDS, "snippet", "entry_id", "story_id"]
        )
        writer.writeheader()
        for r in records:
            writer.writerow({**r, "terms": "; ".join(r["terms"])})
        click.echo(out.getvalue(), nl=False)
    else:
        _print_table(records, [local_time(r.published, zone, none="") for r in rows])


def _print_table(records: list[dict[str, Any]], published: list[str]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("published", "topic", "source", "title", "terms", "link")
    for r, when in zip(records, published, strict=True):
        table.add_row(
            when,
            r["topic"],
            r["source"],
            r["title"],
            ", ".join(r["terms"]),
            r["link"] or "",
        )
    Console(width=None if sys.stdout.isatty() else 200).print(table)
    click.echo(f"{len(records)} hits")
