"""The ``monitor`` command: thin commands over the same functions the service uses.

Each command lives in its own module under ``monitor.cli`` and registers itself on ``main``
(``monitor.cli.base``). A module is imported only when one of its commands runs (or for
``--help``), so that ``monitor poll --once`` does not pay for the web server, the Slack SDK
or the explain tools: a new command needs its name in ``COMMANDS``.
"""

from __future__ import annotations

from monitor.cli.base import main

# command name → the module under monitor.cli that defines it
COMMANDS = {
    "backtest": "explain",
    "cases": "cases",
    "check-config": "check",
    "db": "db",
    "deliveries": "deliveries",
    "explain": "explain",
    "hits": "hits",
    "poll": "poll",
    "run": "poll",
    "sources": "sources",
    "story": "story",
    "test-notify": "deliveries",
    "web": "web",
}
main.lazy_commands = {name: f"monitor.cli.{module}" for name, module in COMMANDS.items()}

__all__ = ["COMMANDS", "main"]
