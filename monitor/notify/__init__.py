"""Notifiers: one small interface, one module per channel, a registry keyed by ``type:``.

A notifier turns an ``Alert`` into one message on its channel and says how that went: it
returns the channel's message id (or None, or a ``Receipt`` that may say which recipients
refused it), or raises ``NotifyError`` (``retryable`` and ``retry_after`` tell the outbox what
to do). It never decides what is new or owed.

Adding a channel: one module with a config model (in ``monitor.config``) and a factory, one
line in ``REGISTRY``, one test file.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, Protocol, runtime_checkable

from monitor.entry import Alert


class RecipientOutcome(NamedTuple):
    """What one recipient's server said: ``sent``; ``owed`` (refused for now, a 4xx: the
    outbox retries the message for this recipient only); ``refused`` (a 5xx, for good)."""

    recipient: str
    state: Literal["sent", "owed", "refused"]
    reply: str | None = None


@dataclass(frozen=True)
class Receipt:
    """How a send went: the channel's message id, a note worth keeping (a refused
    recipient) and, when some recipients refused (or this was a retry for some of them),
    each recipient's outcome; the message may still be owed to some (``owed``)."""

    external_id: str | None
    note: str | None = None
    recipients: tuple[RecipientOutcome, ...] = ()

    @property
    def owed(self) -> tuple[str, ...]:
        """Recipients the message is still owed to (their refusal was temporary)."""
        return tuple(r.recipient for r in self.recipients if r.state == "owed")


class Notifier(Protocol):
    name: str

    async def send(self, alert: Alert) -> str | Receipt | None:
        """Deliver ``alert``; return the channel's id for the message, if it has one."""
        ...

    async def aclose(self) -> None: ...


@runtime_checkable
class DigestNotifier(Notifier, Protocol):
    """A notifier that can also send many alerts as one message (email digests)."""

    async def send_digest(self, alerts: Sequence[Alert]) -> str | Receipt | None: ...


Factory = Callable[..., Notifier]  # (config, *, timezone) → notifier


# type → (module under monitor.notify, factory): a channel's module (and its SDK) is imported
# only when a notifier of its type is configured
REGISTRY = {
    "console": ("console", "ConsoleNotifier"),
    "slack": ("slack", "SlackNotifier"),
    "email": ("email", "EmailNotifier"),
}


def _factory(kind: str) -> Factory:
    module, name = REGISTRY[kind]
    factory: Factory = getattr(importlib.import_module(f"monitor.notify.{module}"), name)
    return factory


def build_notifiers(configs: list[Any], timezone: str = "UTC") -> dict[str, Notifier]:
    """Instantiate every configured notifier by its ``type`` (its module imported on first
    use); times they show people are in ``timezone`` (``settings.timezone``)."""
    return {cfg.name: _factory(cfg.type)(cfg, timezone=timezone) for cfg in configs}
