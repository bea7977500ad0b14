"""The ``monitor`` command group and what its commands share: the config option, loading a
config (printing every problem), opening the store, and MonitorError → exit 1."""

from __future__ import annotations

import logging
import sys

import click

from monitor import __version__
from monitor.config import Config
from monitor.configfile import load_config
from monitor.errors import ConfigError, MonitorError
from monitor.store import Store

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


def load(path: str) -> Config:
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


def open_store(config: Config) -> Store:
    """The configured database; a bad URL becomes a clean exit."""
    try:
        return Store(config.settings.database_url)
    except MonitorError as exc:
        raise click.ClickException(str(exc)) from exc
