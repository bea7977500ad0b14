"""``monitor poll --once`` and ``monitor run``: the same poller, once or on a schedule."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Coroutine
from typing import Any, TypeVar

import click

from monitor.cli.base import config_option, load, main, opened_store
from monitor.errors import MonitorError
from monitor.pollrun import poll_once, print_summary
from monitor.store.db import upgrade

USAGE = 2  # click's own code for a bad command line; a bad config is the same mistake
INTERRUPTED = 130  # 128 + SIGINT, as shells report it

T = TypeVar("T")


class Interrupted(Exception):
    """Ctrl-C stopped the run (its work was cancelled and cleaned up)."""


async def until_interrupted(work: Coroutine[Any, Any, T]) -> T:
    """Run ``work``; the first SIGINT cancels it and raises Interrupted (a second one is
    Python's KeyboardInterrupt). The loop's own handler, not asyncio.run's: a signal the
    kernel hands to another thread (the store's, a resolver's) wakes the loop through its
    wakeup fd at once, where asyncio.run's waited for the next timer, a fetch's deadline."""
    loop = asyncio.get_running_loop()
    task = asyncio.ensure_future(work)
    interrupted = False

    def interrupt() -> None:
        nonlocal interrupted
        interrupted = True
        loop.remove_signal_handler(signal.SIGINT)
        task.cancel()

    loop.add_signal_handler(signal.SIGINT, interrupt)
    try:
        return await task
    except asyncio.CancelledError:
        if interrupted:
            raise Interrupted from None
        raise
    finally:
        if not interrupted:
            loop.remove_signal_handler(signal.SIGINT)


@main.command("poll")
@config_option
@click.option("--once", is_flag=True, required=True, help="Poll every source once and exit.")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print the alerts that would be sent; change nothing in the database.",
)
def poll(config_path: str, once: bool, dry_run: bool) -> None:
    """Poll every source once, store new entries and hits, send (or print) alerts.

    Exits 0 when every source was polled, 1 when any failed (or the database could not be
    used), 2 for a bad command line or config, 130 when interrupted (Ctrl-C)."""
    config = load(config_path, exit_code=USAGE)
    try:
        summary = asyncio.run(until_interrupted(poll_once(config, dry_run=dry_run)))
    except MonitorError as exc:
        raise click.ClickException(str(exc)) from exc
    except (Interrupted, KeyboardInterrupt):
        click.echo("interrupted: nothing more was claimed; leases were handed back", err=True)
        raise SystemExit(INTERRUPTED) from None
    print_summary(summary, dry_run=dry_run, zone=config.settings.timezone)
    if summary.count("failed"):
        raise SystemExit(1)


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

    config = load(config_path)
    if migrate:
        with opened_store(config) as store:
            upgrade(store.engine)

    async def serve() -> None:
        async with open_app(config) as app:
            await Service(app).run()

    try:
        asyncio.run(serve())
    except MonitorError as exc:
        raise click.ClickException(str(exc)) from exc
