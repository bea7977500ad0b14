"""``monitor sources``: each configured source's health, as the database records it."""

from __future__ import annotations

from datetime import datetime

import click

from monitor.cli.base import config_option, load, main, transaction
from monitor.store.sources import SourceState, list_sources


@main.command("sources")
@config_option
@click.option("--failing", is_flag=True, help="Only sources whose last poll failed.")
def sources(config_path: str, failing: bool) -> None:
    """List sources, failing ones first: state, failures in a row, last poll, next poll,
    and the last error or warning."""
    with transaction(load(config_path, delivery=False), commit=False) as conn:
        rows = list_sources(conn)
    rows.sort(key=lambda r: (-r.consecutive_failures, r.name))
    shown = [r for r in rows if r.consecutive_failures or not failing]
    for r in shown:
        click.echo(
            f"{r.name}\t{r.kind}\t{_state(r)}\tlast={_when(r.last_polled_at)}\t"
            f"next={_when(r.next_due_at)}\t{_note(r)}".rstrip()
        )
    click.echo(f"{len(shown)} sources", err=True)


def _state(r: SourceState) -> str:
    if r.consecutive_failures:
        return f"failing ({r.consecutive_failures} in a row)"
    return "ok" if r.last_polled_at else "not polled yet"


def _note(r: SourceState) -> str:
    if r.consecutive_failures and r.last_error:
        return f"error: {r.last_error}"
    return f"warning: {r.last_warning}" if r.last_warning else ""


def _when(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M:%S}" if value else "-"
