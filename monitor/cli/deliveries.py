"""``monitor deliveries`` (list the outbox, retry dead rows) and ``monitor test-notify``."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import click

from monitor.cli.base import config_option, load, main, transaction
from monitor.deliver import send_test
from monitor.errors import MonitorError
from monitor.notify import build_notifiers
from monitor.redact import redact
from monitor.store import outbox

STATES = ("pending", "sending", "sent", "failed", "dead")


@main.group("deliveries", invoke_without_command=True)
@config_option
@click.option("--state", type=click.Choice(STATES), help="Only deliveries in this state.")
@click.option("--limit", default=100, show_default=True, help="At most this many, newest first.")
@click.pass_context
def deliveries(ctx: click.Context, config_path: str, state: str | None, limit: int) -> None:
    """List outbox deliveries: state, notifier, topic, attempts, next attempt, the
    recipients still owed (when only some got it), last error."""
    if ctx.invoked_subcommand is not None:
        return
    with transaction(load(config_path)) as conn:
        rows = outbox.list_deliveries(conn, state=state, limit=limit)
    for r in rows:
        when = r.sent_at if r.state == "sent" else r.next_attempt_at
        owed = f"\towed={','.join(r.owed_to)}" if r.owed_to else ""
        click.echo(
            f"{r.id}\t{r.state}\t{r.notifier}\t{r.topic}\t{r.slot}\tattempts={r.attempts}\t"
            f"{when:%Y-%m-%d %H:%M:%S}	{r.title}{owed}"
            + (f"	{redact(r.last_error)}" if r.last_error else "")
        )
    click.echo(f"{len(rows)} deliveries", err=True)


@deliveries.command("retry")
@config_option
@click.argument("ids", nargs=-1, type=int)
@click.option("--all-dead", is_flag=True, help="Retry every dead delivery.")
def retry(config_path: str, ids: tuple[int, ...], all_dead: bool) -> None:
    """Owe dead (or failed) deliveries again, with fresh attempts; sent ones never resend."""
    if bool(ids) == all_dead:
        raise click.UsageError("give delivery IDs or --all-dead (not both)")
    with transaction(load(config_path)) as conn:
        count = outbox.retry_deliveries(conn, datetime.now(UTC), ids=ids, all_dead=all_dead)
    click.echo(f"{count} deliveries owed again")


@main.command("test-notify")
@config_option
@click.argument("notifier")
def test_notify(config_path: str, notifier: str) -> None:
    """Send one clearly marked test message through NOTIFIER (not via the outbox)."""
    config = load(config_path)
    configs = [n for n in config.effective_notifiers() if n.name == notifier]
    if not configs:
        names = ", ".join(n.name for n in config.effective_notifiers())
        raise click.BadParameter(f"no notifier named {notifier!r} (have: {names})")

    async def send() -> str | None:
        channel = build_notifiers(configs, config.settings.timezone)[notifier]
        try:
            return (await send_test(channel)).external_id
        finally:
            await channel.aclose()

    try:
        external_id = asyncio.run(send())
    except MonitorError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"test message sent through {notifier}" + (f" ({external_id})" if external_id else "")
    )
