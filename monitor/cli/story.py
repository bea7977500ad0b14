"""``monitor story ID``: a story's members, their sources and why each joined, and its updates.

Read-only; the queries are ``monitor.store.stories`` (shared with the web pages).
"""

from __future__ import annotations

import click

from monitor.cli.base import config_option, load, main, transaction
from monitor.store.stories import StoryReport, story_report
from monitor.timefmt import local_time


@main.command("story")
@config_option
@click.argument("story_id", type=int)
def story_cmd(config_path: str, story_id: int) -> None:
    """Show story STORY_ID: its entries (source, title, link, why each joined) and its
    updates (also reported, headline updated)."""
    config = load(config_path, delivery=False)
    with transaction(config) as conn:
        report = story_report(conn, story_id)
    if report is None:
        raise click.ClickException(f"no story {story_id}")
    click.echo(_render(report, config.settings.timezone))


def _render(report: StoryReport, zone: str) -> str:
    lines = [
        f"story {report.id}: {report.title}",
        f"  created {local_time(report.created_at, zone)}; "
        f"topics: {', '.join(report.topics) or 'none'}",
        f"  entries ({len(report.members)}):",
    ]
    for m in report.members:
        lines.append(f"    #{m.id} [{m.source}] {m.title}")
        lines.append(f"        {m.link or '(no link)'}")
        lines.append(f"        why: {m.story_reason or 'new story'}")
    lines.append(f"  updates ({len(report.updates)}):")
    for u in report.updates:
        lines.append(
            f"    {local_time(u.created_at, zone)} {u.kind} (entry #{u.entry_id}): {u.detail}"
        )
    return "\n".join(lines)
