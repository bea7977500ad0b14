"""feeds.yaml → validated, immutable configuration models.

Loads YAML, interpolates ``${VAR}`` / ``${VAR:-default}`` from the environment, validates with
pydantic and reports *every* problem with file, line and key (``ConfigError``). Touches neither
the network nor the database. Secret values are never echoed in errors or reprs.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    field_validator,
)

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)?\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(value: Any) -> timedelta:
    """Read ``90``, ``"30s"``, ``"15m"``, ``"2h"``, ``"7d"`` or ``"1w"`` as a timedelta.

    Raises ValueError naming the accepted forms.
    """
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 30s, 15m, 2h or 7d")
    if isinstance(value, int | float):
        return timedelta(seconds=value)
    m = _DURATION.match(str(value))
    if not m:
        raise ValueError(f"expected a duration such as 30s, 15m, 2h or 7d, got {value!r}")
    return timedelta(seconds=float(m.group(1)) * _UNITS[m.group(2) or "s"])


def _positive(d: timedelta) -> timedelta:
    if d <= timedelta(0):
        raise ValueError("must be longer than zero")
    return d


Duration = Annotated[timedelta, BeforeValidator(parse_duration), AfterValidator(_positive)]
Name = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]


def _http_url(value: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL with a host")
    return value


HttpUrl = Annotated[str, AfterValidator(_http_url)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Backfill(_Model):
    """What a source's very first poll alerts on: ``all``, ``none`` or the last N days."""

    mode: Literal["all", "none", "days"] = "days"
    days: Duration = timedelta(days=7)


def _parse_backfill(value: Any) -> Any:
    if isinstance(value, str) and value.strip() in ("all", "none"):
        return {"mode": value.strip()}
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return {"mode": "days", "days": value if not isinstance(value, int | float)
                else timedelta(days=value)}
    return value


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
            raise ValueError(f"unknown time zone {v!r}") from exc
        return v


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
    terms: list[str] = Field(default_factory=list)  # any of these words/phrases matches
    query: str | None = None  # boolean query language (monitor.match); instead of terms
    exclude: list[str] = Field(default_factory=list)  # any of these vetoes a match
    aliases: dict[str, list[str]] = Field(default_factory=dict)  # named lists for queries
    max_age: Duration | None = None  # after the first poll, skip entries published earlier


class ConsoleNotifier(_Model):
    name: Name
    type: Literal["console"]


NotifierConfig = Annotated[ConsoleNotifier, Field(discriminator="type")]


class Route(_Model):
    topic: str
    notifiers: list[str] = Field(min_length=1)


class Config(_Model):
    settings: Settings = Settings()
    sources: list[Source] = Field(default_factory=list)
    topics: list[Topic] = Field(default_factory=list)
    notifiers: list[NotifierConfig] = Field(default_factory=list)
    routes: list[Route] = Field(default_factory=list)


__all__ = ["Config", "SecretStr", "parse_duration"]
