"""The ``monitor`` command: thin commands over the same functions the service uses.

Each command lives in its own module under ``monitor.cli`` and registers itself on ``main``
(``monitor.cli.base``); importing them here is all a new command needs.
"""

from __future__ import annotations

from monitor.cli import (  # noqa: F401  (they register their commands)
    cases,
    check,
    db,
    deliveries,
    explain,
    hits,
    poll,
    sources,
    story,
    web,
)
from monitor.cli.base import main

__all__ = ["main"]
