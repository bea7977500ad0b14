"""The one error hierarchy of monitor.

    MonitorError
    ├── ConfigError (+ ValueError)      bad feeds.yaml: carries every Problem found
    ├── FetchError                      a source could not be fetched (per-source, recorded)
    │   ├── FetchTimeoutError
    │   ├── FetchStatusError            non-2xx/304 status
    │   └── FetchTooLargeError (+ ValueError)
    ├── ParseError (+ ValueError)       a body that is not a feed
    ├── StoreError                      database unreachable or schema out of date
    │   └── SchemaOutOfDateError
    ├── WorkerError                     a worker process died, hung, overran its CPU budget
    │                                   or could not start (per-task, recorded on the source)
    └── NotifyError                     a channel refused or failed a message
            .retryable / .retry_after tell the outbox what to do next

Third-party errors (httpx, SQLAlchemy, smtplib, slack-sdk) are translated into these at the
edge module that calls the library, chained with ``from exc``. Anything else is a bug and
propagates.
"""

from __future__ import annotations

from dataclasses import dataclass


class MonitorError(Exception):
    """Base of every error monitor raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a config file: where it is and what is wrong."""

    file: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class ConfigError(MonitorError, ValueError):
    """The configuration is invalid; ``problems`` lists every issue found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class FetchError(MonitorError):
    """A source could not be fetched. The message is short and safe to show to users."""


class FetchTimeoutError(FetchError):
    """Connect, read or overall deadline exceeded."""


class FetchStatusError(FetchError):
    """The server answered with a status that is neither success nor 304."""

    def __init__(self, status: int, message: str, retry_after: float | None = None) -> None:
        self.status = status
        self.retry_after = retry_after
        super().__init__(message)


class FetchTooLargeError(FetchError, ValueError):
    """The (decompressed) body exceeded the configured cap."""


class ParseError(MonitorError, ValueError):
    """The fetched body is not a feed we can read."""


class StoreError(MonitorError):
    """The database failed or is not in the expected state."""


class SchemaOutOfDateError(StoreError):
    """The database schema is behind the code's migrations."""


class WorkerError(MonitorError):
    """A worker process failed the task it was given: it died, hung, overran its CPU
    budget or could not start. The message is short and safe to show to users."""


class NotifyError(MonitorError):
    """A notifier failed to deliver a message.

    ``retryable`` is False for permanent refusals (the outbox dead-letters at once);
    ``retry_after`` is the delay in seconds a channel asked for, if any.
    """

    def __init__(
        self,
        notifier: str,
        message: str,
        *,
        retryable: bool = True,
        retry_after: float | None = None,
    ) -> None:
        self.notifier = notifier
        self.retryable = retryable
        self.retry_after = retry_after
        super().__init__(f"{notifier}: {message}")
