"""feeds.yaml → validated, immutable configuration models.

Loads YAML, interpolates ``${VAR}`` / ``${VAR:-default}`` from the environment, validates with
pydantic and reports *every* problem with file, line and key (``ConfigError``). Touches neither
the network nor the database. Secret values are never echoed in errors or reprs: messages never
quote input values, and any text that came from the environment is scrubbed from them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta
from typing import Annotated, Any, Literal, Self
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)?\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION_HELP = "expected a duration such as 90 (seconds), 30s, 15m, 2h, 7d or 1w"


def parse_duration(value: Any) -> timedelta:
    """Read ``90``, ``"30s"``, ``"15m"``, ``"2h"``, ``"7d"`` or ``"1w"`` as a timedelta.

    A bare number is seconds. Raises ValueError naming the accepted forms; the message never
    quotes the value, which may have come from the environment.
    """
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(_DURATION_HELP)
    m = _DURATION.match(str(value)) if isinstance(value, str) else None
    if isinstance(value, str) and not m:
        raise ValueError(_DURATION_HELP)
    seconds = float(m.group(1)) * _UNITS[m.group(2) or "s"] if m else float(value)
    try:
        return timedelta(seconds=seconds)
    except (OverflowError, ValueError) as exc:  # inf, nan, 10**12 days
        raise ValueError("duration is out of range") from exc


def _positive(d: timedelta) -> timedelta:
    if d <= timedelta(0):
        raise ValueError("must be longer than zero")
    return d


Duration = Annotated[timedelta, BeforeValidator(parse_duration), AfterValidator(_positive)]
Name = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
Term = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _http_url(value: str) -> str:
    try:
        parts = urlsplit(value)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # e.g. a malformed IPv6 host
        ok = False
    if not ok:
        raise ValueError("must be an http:// or https:// URL with a host")
    return value


HttpUrl = Annotated[str, AfterValidator(_http_url)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Backfill(_Model):
    """What a source's very first poll alerts on: ``all``, ``none`` or the last N days."""

    mode: Literal["all", "none", "days"] = "days"
    days: Duration = timedelta(days=7)


_BARE_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)?\s*$")


def _parse_backfill(value: Any) -> Any:
    """``all`` / ``none`` / a duration (``3d``); a bare number means days, not seconds."""
    if isinstance(value, str) and value.strip() in ("all", "none"):
        return {"mode": value.strip()}
    if isinstance(value, bool | dict | Backfill):
        return value
    if isinstance(value, int | float) or (isinstance(value, str) and _BARE_NUMBER.match(value)):
        return {"mode": "days", "days": f"{str(value).strip()}d"}
    return {"mode": "days", "days": value}


BackfillSetting = Annotated[Backfill, BeforeValidator(_parse_backfill)]


class HttpSettings(_Model):
    connect_timeout: Duration = timedelta(seconds=10)
    read_timeout: Duration = timedelta(seconds=30)
    deadline: Duration = timedelta(seconds=60)  # whole fetch, however the bytes drip
    max_body_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    max_connections: int = Field(default=32, gt=0)
    per_host: int = Field(default=2, gt=0)
    user_agent: str | None = None  # default names the project, version and its URL


class Settings(_Model):
    database_url: str = "sqlite:///monitor.db"  # env DATABASE_URL wins
    default_interval: Duration = timedelta(minutes=15)
    timezone: str = "UTC"
    backfill: BackfillSetting = Backfill()
    max_backoff: Duration = timedelta(hours=6)
    http: HttpSettings = HttpSettings()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("unknown time zone (use an IANA name such as Europe/Paris)") from exc
        return v

    def __repr_args__(self) -> Iterable[tuple[str | None, Any]]:
        # The URL may carry a password, and DATABASE_URL comes from the environment.
        for name, value in super().__repr_args__():
            yield name, (_mask_url(value) if name == "database_url" else value)


def _mask_url(url: str) -> str:
    scheme = url.split(":", 1)[0] if ":" in url else ""
    return f"{scheme}://***" if scheme.isidentifier() else "***"


class Source(_Model):
    name: Name
    url: HttpUrl
    kind: Literal["news", "pacer", "courtlistener"] = "news"
    interval: Duration | None = None  # falls back to settings.default_interval
    topics: list[str] | None = None  # None: every topic applies
    backfill: BackfillSetting | None = None  # falls back to settings.backfill
    court: str | None = None  # court id for docket sources, e.g. ilnd


class Topic(_Model):
    name: Name
    terms: list[Term] = Field(default_factory=list)  # any of these words/phrases matches
    query: str | None = None  # boolean query language (monitor.match); instead of terms
    exclude: list[Term] = Field(default_factory=list)  # any of these vetoes a match
    aliases: dict[str, list[str]] = Field(default_factory=dict)  # named lists for queries
    max_age: Duration | None = None  # after the first poll, skip entries published earlier

    @model_validator(mode="after")
    def _terms_or_query(self) -> Self:
        has_query = bool(self.query and self.query.strip())
        if has_query and self.terms:
            raise ValueError("give either terms or query, not both")
        if not has_query and not self.terms:
            raise ValueError("needs terms (a list of words or phrases) or a query")
        return self


class ConsoleNotifier(_Model):
    name: Name
    type: Literal["console"]


NotifierConfig = Annotated[ConsoleNotifier, Field(discriminator="type")]


class Route(_Model):
    topic: str
    notifiers: list[str] = Field(min_length=1)


_DEFAULT_NOTIFIER = ConsoleNotifier(name="console", type="console")


class Config(_Model):
    settings: Settings = Settings()
    sources: list[Source] = Field(default_factory=list)
    topics: list[Topic] = Field(default_factory=list)
    notifiers: list[NotifierConfig] = Field(default_factory=list)
    routes: list[Route] = Field(default_factory=list)

    def effective_notifiers(self) -> list[NotifierConfig]:
        """The configured notifiers, or a single console notifier named ``console``."""
        return list(self.notifiers) or [_DEFAULT_NOTIFIER]

    def effective_routes(self) -> list[Route]:
        """The configured routes, or one route per topic to every effective notifier."""
        if self.routes:
            return list(self.routes)
        names = [n.name for n in self.effective_notifiers()]
        return [Route(topic=t.name, notifiers=names) for t in self.topics]

    def interval_for(self, source: Source) -> timedelta:
        """How often ``source`` is polled: its own interval, else settings.default_interval."""
        return source.interval or self.settings.default_interval

    def backfill_for(self, source: Source) -> Backfill:
        """What ``source``'s first poll alerts on: its own backfill, else settings.backfill."""
        return source.backfill or self.settings.backfill
