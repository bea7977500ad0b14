"""Logging set-up for every command: plain text or JSON lines on standard error.

``configure_logging`` installs one handler on the root logger, in ``text`` (one readable
line per event) or ``json`` (one JSON object per line, python-json-logger: ``time`` in ISO
UTC, ``level``, ``logger``, ``message``, plus the ids a log call passes as ``extra``: source,
topic, story, delivery, notifier). Secrets are masked in both: the JSON formatter masks every
field before it is serialized (so a secret that JSON escaping would alter is still caught),
and ``monitor.redact`` masks the finished line. Libraries that chatter at INFO (httpx,
APScheduler, Alembic outside a migration) are held at WARNING. Contains no business logic.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from pythonjsonlogger.json import JsonFormatter

from monitor.redact import install_log_redaction, redact

LOG_FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET_LIBRARIES = ("httpx", "apscheduler", "alembic")


class RedactingJsonFormatter(JsonFormatter):
    """JSON lines whose every string field is masked of registered secrets."""

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        return {key: _redacted(value) for key, value in log_data.items()}


def _redacted(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list | tuple):
        return [_redacted(v) for v in value]
    if isinstance(value, dict):
        return {k: _redacted(v) for k, v in value.items()}
    return value


def json_formatter() -> logging.Formatter:
    return RedactingJsonFormatter(
        "{levelname}{name}{message}",
        style="{",
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp="time",
        json_ensure_ascii=False,
    )


_json = False  # whether configure_logging chose JSON lines


def logs_are_json() -> bool:
    """Whether standard error carries JSON log lines (so nothing else may be written there)."""
    return _json


def configure_logging(level: str, fmt: str = "text") -> None:
    """Send records at ``level`` and above to standard error as ``fmt`` (``text`` or
    ``json``), replacing any earlier set-up; secrets masked (``monitor.redact``)."""
    global _json
    _json = fmt == "json"
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(json_formatter() if _json else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
    install_log_redaction()  # secrets are learnt later, as each command loads its config
