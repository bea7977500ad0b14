"""Keeps configured secrets out of everything monitor logs or prints.

One process-wide registry of secret values and the one place that masks them (``redact``).
The registry learns the values when a config loads (``monitor.configfile`` registers every
value it interpolated from the environment, every secret field found by ``secret_values``,
the database password);
``install_log_redaction`` wraps the formatter of the root logger's handlers and of
``logging.lastResort`` so that the final text of every record (its arguments and traceback
included) is masked, whichever library logged it: slack-sdk, aiohttp, httpx, alembic,
SQLAlchemy. The CLI also passes its error messages through ``redact``.

Masking is a last line of defence: the edges (``monitor.notify.slack``, ``monitor.store.db``)
already build their errors without secrets. Values shorter than ``MIN_SECRET_CHARS`` are not
masked: a port or a count from the environment is no secret, and masking it would mangle
unrelated text. Contains no business logic.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import traceback
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

MASK = "***"
MIN_SECRET_CHARS = 4


class SecretRegistry:
    """Secret values, and text with each of them (and its percent-encoded forms) masked."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: frozenset[str] = frozenset()
        self._pattern: re.Pattern[str] | None = None

    def add(self, values: Iterable[str]) -> None:
        """Remember ``values`` (blank or short ones are ignored) from now on."""
        found = {form for value in values for form in _forms(value)}
        with self._lock:
            if found <= self._values:
                return
            self._values |= found
            # longest first, so a secret that contains another is masked whole
            ordered = sorted(self._values, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(v) for v in ordered))

    def redact(self, text: str) -> str:
        """``text`` with every known secret replaced by ``MASK``."""
        pattern = self._pattern
        return pattern.sub(MASK, text) if pattern is not None and text else text

    def values(self) -> frozenset[str]:
        """Every value (and form) known."""
        return self._values

    def clear(self) -> None:
        """Forget every value (tests)."""
        with self._lock:
            self._values, self._pattern = frozenset(), None


def _forms(value: str) -> set[str]:
    """The value as written and as it appears percent-encoded in a URL."""
    value = value.strip()
    if len(value) < MIN_SECRET_CHARS:
        return set()
    return {value, quote(value, safe=""), quote_plus(value, safe="")}


_registry = SecretRegistry()


def register_secrets(values: Iterable[str]) -> None:
    """Mask ``values`` in every log line and CLI message from now on."""
    _registry.add(values)


def redact(text: str) -> str:
    """``text`` with every registered secret masked."""
    return _registry.redact(text)


def registered_secrets() -> list[str]:
    """Every registered secret value, to hand to a child process (``register_secrets``)."""
    return sorted(_registry.values())


def forget_secrets() -> None:
    """Forget every registered secret (tests only)."""
    _registry.clear()


def secret_values(model: Any) -> list[str]:
    """Every ``SecretStr`` value in ``model`` (a pydantic model, or lists of them), and for
    a secret URL its path too: a message may show the path (a webhook's secret part) alone."""
    found: list[str] = []
    for value in _secret_fields(model):
        found.append(value)
        if "://" in value:
            found.append(_url_path(value))
    return found


def _secret_fields(value: Any) -> Iterator[str]:
    # here, not at the top: a parse worker masks secrets without loading pydantic
    from pydantic import BaseModel, SecretStr

    if isinstance(value, SecretStr):
        yield value.get_secret_value()
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _secret_fields(getattr(value, name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _secret_fields(item)


def _url_path(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    return parts.path + (f"?{parts.query}" if parts.query else "")


class RedactingFormatter(logging.Formatter):
    """Formats with ``inner`` (a handler's own formatter), then masks the finished text:
    message, arguments, traceback and stack alike."""

    def __init__(self, inner: logging.Formatter | None = None) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        return redact(self.inner.format(record))


def redact_handler(handler: logging.Handler) -> None:
    """Make ``handler`` mask secrets (idempotent)."""
    if not isinstance(handler.formatter, RedactingFormatter):
        handler.setFormatter(RedactingFormatter(handler.formatter))


def install_log_redaction() -> None:
    """Mask secrets in everything the root logger's handlers and ``logging.lastResort``
    write, and in tracebacks of uncaught exceptions. Call after configuring logging."""
    for handler in logging.getLogger().handlers:
        redact_handler(handler)
    if logging.lastResort is not None:
        redact_handler(logging.lastResort)
    if sys.excepthook is sys.__excepthook__:
        sys.excepthook = _redacting_excepthook


def _redacting_excepthook(
    kind: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    sys.stderr.write(redact("".join(traceback.format_exception(kind, exc, tb))))


__all__ = [
    "MASK",
    "RedactingFormatter",
    "forget_secrets",
    "install_log_redaction",
    "redact",
    "redact_handler",
    "register_secrets",
    "registered_secrets",
    "secret_values",
]
