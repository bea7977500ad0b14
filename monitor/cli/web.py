"""``monitor web``: the web pages alone, without polling or sending (a replica that only
serves pages; ``monitor run`` serves them beside the scheduler when settings.web.port is
set)."""

from __future__ import annotations

import logging
import signal
import threading

import click

from monitor.cli.base import config_option, load, main, opened_store
from monitor.errors import ConfigError
from monitor.store.db import require_current_schema

log = logging.getLogger("monitor.web")


@main.command("web")
@config_option
@click.option("--host", help="Address to serve on (default: settings.web.host, 127.0.0.1).")
@click.option("--port", type=int, help="Port to serve on (default: settings.web.port; 0: any).")
def web_cmd(config_path: str, host: str | None, port: int | None) -> None:
    """Serve the web pages (stories, cases, sources, deliveries, topics, Atom feeds) until
    SIGTERM or SIGINT, without polling or sending."""
    from monitor.web.server import WebServer

    config = load(config_path)
    host = config.settings.web.host if host is None else host
    port = config.settings.web.port if port is None else port
    if port is None:
        raise click.UsageError("no port: set settings.web.port or give --port")
    with opened_store(config) as store:
        require_current_schema(store.engine)
        try:
            server = WebServer(config, host, port, store)
        except ConfigError as exc:
            raise click.ClickException(f"refusing to serve: {exc}") from exc
        except OSError as exc:
            raise click.ClickException(f"cannot serve on {host}:{port}: {exc}") from exc
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        server.start()
        log.info("web pages on %s", server.url)
        while not stop.wait(1):
            pass
        server.stop()
        log.info("web pages stopped")
