"""Serving the web app: uvicorn on its own thread and event loop, beside the scheduler of
``monitor run`` or alone under ``monitor web``.

Its own loop keeps a slow page from ever stalling a poll; pages read the database through
their own connections. The socket is bound up front, so a busy port is an OSError for the
caller (``monitor run`` logs it and runs on) and port 0 picks a free one.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading

import uvicorn

from monitor.config import Config, exposure_problem
from monitor.errors import ConfigError, Problem
from monitor.store import Store
from monitor.web.app import create_app

log = logging.getLogger("monitor.web")


def _bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port``; raises OSError (busy port, bad host)."""
    infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family = infos[0][0] if infos else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=128)


class WebServer:
    """The web pages of ``config`` on ``host``:``port``, on a daemon thread, over ``store``
    or, without one, a store of its own (its own connection pool, so busy pages never
    take a poller's connections), closed on ``stop``.

    Raises ConfigError when ``host`` is beyond loopback and the config names neither reader
    credentials nor a trusted proxy (the check config loading also makes), and OSError when
    the address cannot be bound."""

    def __init__(self, config: Config, host: str, port: int, store: Store | None = None) -> None:
        problem = exposure_problem(host, config.settings.web)
        if problem:
            raise ConfigError([Problem("settings.web", None, "host", problem)])
        self._socket = _bind(host, port)
        self.host = host
        self._own_store = store is None
        store = Store(config.settings.database_url) if store is None else store
        self._store = store
        uv_config = uvicorn.Config(
            create_app(config, store),
            log_config=None,
            access_log=False,
            lifespan="off",
            proxy_headers=False,  # the trusted-proxy rule needs the real peer address
            server_header=False,
            timeout_graceful_shutdown=5,
        )
        self._server = uvicorn.Server(uv_config)
        self._thread = threading.Thread(target=self._run, name="web", daemon=True)

    @property
    def port(self) -> int:
        return int(self._socket.getsockname()[1])

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else (self.host or "0.0.0.0")
        return f"http://{host}:{self.port}/"

    def _run(self) -> None:
        asyncio.run(self._server.serve(sockets=[self._socket]))

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop serving (open requests get a few seconds) and close the socket."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        self._socket.close()
        if self._own_store:
            self._store.close()
