"""The ``monitor`` command group and what its commands share: the config option, loading a
config (printing every problem), opening the store, and MonitorError → exit 1. Logging and
every error message pass through ``monitor.redact``: no configured secret is ever printed."""

from __future__ import annotations

import importlib
import logging
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
from monitor.logs import LOG_FORMATS, configure_logging, logs_are_json
from monitor.redact import redact
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


def load(path: str, *, exit_code: int = 1, delivery: bool = True) -> Config:
    """The config at ``path``; else every problem printed and an exit with ``exit_code``.
    ``delivery`` False: a read-only command, which needs no notifier (nor its secrets)."""
    try:
        return load_config(path, delivery=delivery)
    except ConfigError as exc:
        for problem in exc.problems:
            if logs_are_json():
                logging.getLogger("monitor.config").error("%s", problem)
            else:
                click.echo(str(problem), err=True)
        n = len(exc.problems)
        raise _ConfigProblems(
            f"{path}: {n} problem{'s' if n != 1 else ''} found", exit_code
        ) from exc


class _ConfigProblems(click.ClickException):
    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click reads the class default


GLOBAL_OPTIONS = ("--log-level", "--log-format")  # options of ``main`` that take a value


def hoist_global_options(args: list[str]) -> list[str]:
    """``args`` with the global options (``GLOBAL_OPTIONS`` and their values) moved to the
    front, wherever they were given: ``monitor run --log-level DEBUG`` works like
    ``monitor --log-level DEBUG run``. Nothing after ``--`` moves."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest += args[i:]
            break
        name = arg.split("=", 1)[0]
        if name in GLOBAL_OPTIONS and "=" in arg:
            front.append(arg)
        elif arg in GLOBAL_OPTIONS and i + 1 < len(args):
            front += args[i : i + 2]
            i += 1
        else:
            rest.append(arg)
        i += 1
    return front + rest


class RedactingGroup(click.Group):
    """A command group whose error messages (ClickException, usage errors) are masked of
    every registered secret before click prints them, whose global options may also come
    after the subcommand, and whose commands may be defined in modules imported on first use
    (``lazy_commands``: command name → module)."""

    lazy_commands: dict[str, str] = {}  # noqa: RUF012  (set once, by monitor.cli)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_options(args))

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = self.lazy_commands.get(cmd_name)
        if module is not None and cmd_name not in self.commands:
            importlib.import_module(module)  # its decorators register its commands on main
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            # ``message`` is typed Final, but it is what click prints: mask it in place so
            # the exception keeps its kind, exit code and usage hint
            setattr(exc, "message", redact(exc.message))  # noqa: B010
            if logs_are_json() and not isinstance(exc, click.UsageError):
                # standard error carries JSON lines only: the error is one of them
                logging.getLogger("monitor").error("%s", exc.message)
                raise SystemExit(exc.exit_code) from None
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
@click.option(
    "--log-format",
    default="text",
    show_default=True,
    envvar="MONITOR_LOG_FORMAT",
    type=click.Choice(LOG_FORMATS, case_sensitive=False),
    help="text: one readable line per event; json: one JSON object per line (log shippers).",
)
def main(log_level: str, log_format: str) -> None:
    """Media-monitoring alerts from news and court-docket feeds.

    The global options (--log-level, --log-format) may also follow the command."""
    configure_logging(log_level, log_format.lower())


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
