"""``monitor cases``: the tracked cases of each topic with their latest docket entries."""

from __future__ import annotations

import click

from monitor.cli.base import config_option, load, main, transaction
from monitor.docket import normalize_case_number
from monitor.docket_keys import docket_lines
from monitor.store import dockets
from monitor.timefmt import local_time


@main.command("cases")
@config_option
@click.option("--topic", help="Only this topic's cases.")
@click.option("--entries", default=5, show_default=True, help="Latest entries shown per case.")
def cases_cmd(config_path: str, topic: str | None, entries: int) -> None:
    """List tracked cases (each topic's cases) with their latest docket entries."""
    config = load(config_path, delivery=False)
    topics = [t for t in config.topics if topic is None or t.name == topic]
    if topic is not None and not topics:
        raise click.BadParameter(f"no topic named {topic!r}", param_hint="--topic")
    zone = config.settings.timezone
    with transaction(config) as conn:
        for t in topics:
            for case in t.cases:
                key = normalize_case_number(case.number)
                total, latest = dockets.case_entries(conn, case.court, key, limit=entries)
                _print_case(t.name, case.court, case.number, total, latest, zone)
        gaps = dockets.list_gaps(conn, limit=10)
    if not any(t.cases for t in topics):
        click.echo("No tracked cases (add cases: [{court: …, number: …}] to a topic).")
    for gap in gaps:
        click.echo(f"{gap.source}: {gap.describe()} (found {local_time(gap.detected_at, zone)})")


def _print_case(
    topic: str, court: str, number: str, total: int, latest: list[dockets.CaseEntry], zone: str
) -> None:
    name = next((str(e.extra.get("case_name") or "") for e in latest), "")
    click.echo(f"{topic}: {court} {number} {name}".rstrip() + f" ({total} entries stored)")
    if not latest:
        click.echo("  no entries seen yet")
    for e in latest:
        when = local_time(e.published, zone)
        line = docket_lines(e.extra)[1]
        link = e.extra.get("document_url") or e.extra.get("docket_url") or ""
        click.echo(f"  {when}  {line}  [{e.source}] {link}".rstrip())
