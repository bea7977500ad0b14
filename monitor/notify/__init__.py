"""Notifiers: one small interface, one module per channel, a registry keyed by ``type:``.

A notifier turns an ``Alert`` into one message on its channel and says how that went: it
returns the channel's message id (or None), or raises ``NotifyError`` (``retryable`` and
``retry_after`` tell the outbox what to do). It never decides what is new or owed.

Adding a channel: one module with a config model (in ``monitor.config``) and a factory, one
line in ``REGISTRY``, one test file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from monitor.entry import Alert


class Notifier(Protocol):
    name: str

    async def send(self, alert: Alert) -> str | None:
        """Deliver ``alert``; return the channel's id for the message, if it has one."""
        ...

    async def aclose(self) -> None: ...


Factory = Callable[[Any], Notifier]


def _registry() -> Mapping[str, Factory]:
    from monitor.notify import console

    return {"console": console.ConsoleNotifier}


def build_notifiers(configs: list[Any]) -> dict[str, Notifier]:
    """Instantiate every configured notifier by its ``type``."""
    registry = _registry()
    return {cfg.name: registry[cfg.type](cfg) for cfg in configs}
