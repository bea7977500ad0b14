"""``monitor check-config``."""

from __future__ import annotations

import click

from monitor.cli.base import config_option, load, main


@main.command("check-config")
@config_option
def check_config(config_path: str) -> None:
    """Validate a config; print every problem with file, line and key."""
    config = load(config_path)
    click.echo(
        f"{config_path}: OK ({len(config.sources)} sources, {len(config.topics)} topics, "
        f"{len(config.effective_notifiers())} notifiers)"
    )
