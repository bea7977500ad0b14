"""The ``monitor`` command group and what its commands share: the config option, loading a
config (printing every problem), opening the store, and MonitorError → exit 1. Logging and
every error message pass through ``monitor.redact``: no configured secret is ever printed."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import click
from sqlalchemy import Connection

from monitor import __version__
from monitor.config import Config, parse_duration
from monitor.configfile import load_config
from monitor.errors import ConfigError, MonitorError
from monitor.redact import install_log_redaction, redact
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


def load(path: str, *, exit_code: int = 1) -> Config:
    """The config at ``path``; else every problem printed and an exit with ``exit_code``."""
    try:
        return load_config(path)
    except ConfigError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        n = len(exc.problems)
        raise _ConfigProblems(
            f"{path}: {n} problem{'s' if n != 1 else ''} found", exit_code
        ) from exc


class _ConfigProblems(click.ClickException):
    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click reads the class default


class RedactingGroup(click.Group):
    """A command group whose error messages (ClickException, usage errors) are masked of
    every registered secret before click prints them."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            # ``message`` is typed Final, but it is what click prints: mask it in place so
            # the exception keeps its kind, exit code and usage hint
            setattr(exc, "message", redact(exc.message))  # noqa: B010
            raise


@click.group(cls=RedactingGroup)
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
    install_log_redaction()  # secrets are learnt later, as each command loads its config


class _Duration(click.ParamType[timedelta]):
    """A command-line duration: 30m, 12h, 7d… (as in feeds.yaml)."""

    name = "duration"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> timedelta:
        if isinstance(value, timedelta):
            return value
        try:
            return parse_duration(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


DURATION = _Duration()


@contextmanager
def opened_store(config: Config) -> Iterator[Store]:
    """The configured database, closed afterwards; a MonitorError (bad URL, unreachable
    server, failed migration) becomes a clean exit 1 with its message."""
    try:
        store = Store(config.settings.database_url)
    except MonitorError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        yield store
    except MonitorError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        store.close()


@contextmanager
def transaction(config: Config, *, commit: bool = True) -> Iterator[Connection]:
    """One transaction on the configured database (see ``opened_store``)."""
    with opened_store(config) as store, store.begin(commit=commit) as conn:
        yield conn
