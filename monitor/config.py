"""feeds.yaml → validated, immutable configuration models.

Loads YAML, interpolates ``${VAR}`` / ``${VAR:-default}`` from the environment, validates with
pydantic and reports *every* problem with file, line and key (``ConfigError``). Touches neither
the network nor the database. Secret values are never echoed in errors or reprs: messages never
quote input values, and any text that came from the environment is scrubbed from them.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Annotated, Any, Literal, Self
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)?\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION_HELP = "expected a duration such as 90 (seconds), 30s, 15m, 2h, 7d or 1w"
# Longer durations are typos, and "now + duration" must stay a valid date everywhere.
MAX_DURATION = timedelta(days=3650)


def hang_deadline(feed_budget: timedelta) -> timedelta:
    """How long a worker may take to answer for one feed before it is stopped: three times
    its CPU budget plus 5 s for database waits."""
    return 3 * feed_budget + timedelta(seconds=5)


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
        duration = timedelta(seconds=seconds)
    except (OverflowError, ValueError) as exc:  # inf, nan, 10**12 days
        raise ValueError("duration is out of range (at most 3650d)") from exc
    if duration > MAX_DURATION:
        raise ValueError("duration is out of range (at most 3650d)")
    return duration


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
    # a refused value may be a secret from the environment (a webhook URL, a token): the
    # text of a ValidationError never shows input values
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


class Backfill(_Model):
    """What a source's very first poll alerts on: ``all``, ``none`` or the last N days."""

    mode: Literal["all", "none", "days"] = "days"
    days: Duration = timedelta(days=7)


_BARE_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)?\s*$")


BACKFILL_BARE_NUMBER = (
    "a bare number is seconds here, as in every duration (it used to mean days): "
    "write 90d for 90 days, or 3600s for an hour"
)


def _parse_backfill(value: Any) -> Any:
    """``all`` / ``none`` / a duration (``3d``). A bare number is seconds like in every
    duration; one under a day's worth is refused (a config written when bare numbers meant
    days would otherwise shrink to seconds without a word)."""
    if isinstance(value, str) and value.strip() in ("all", "none"):
        return {"mode": value.strip()}
    if isinstance(value, bool | dict | Backfill):
        return value
    bare = isinstance(value, int | float) or (isinstance(value, str) and _BARE_NUMBER.match(value))
    if bare and float(value) < 86400:
        raise ValueError(BACKFILL_BARE_NUMBER)
    return {"mode": "days", "days": value}


BackfillSetting = Annotated[Backfill, BeforeValidator(_parse_backfill)]


class HttpSettings(_Model):
    connect_timeout: Duration = timedelta(seconds=10)
    read_timeout: Duration = timedelta(seconds=30)
    deadline: Duration = timedelta(seconds=60)  # whole fetch, however the bytes drip
    max_body_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    max_connections: int = Field(default=256, gt=0)
    per_host: int = Field(default=2, gt=0)
    user_agent: str | None = None  # default: monitor/<version> (media-monitoring feed poller)


class DeliverySettings(_Model):
    max_attempts: int = Field(default=8, gt=0)  # then a delivery is dead
    lease: Duration = timedelta(minutes=5)  # a crashed sender's rows are owed again after this


class RetentionSettings(_Model):
    """How long rows are kept (``monitor run`` prunes daily, ``monitor db prune`` on demand);
    None: for ever. Nothing still owed is pruned."""

    entries: Duration | None = None  # entries first seen longer ago, once nothing refers to them
    hits: Duration | None = None  # hits whose alerts are all sent or dead
    dead_deliveries: Duration | None = None
    batch: int = Field(default=500, gt=0, le=10000)  # rows per transaction


class HealthSettings(_Model):
    """Where ``monitor run`` serves /healthz and /metrics; no port: not served."""

    host: str = "127.0.0.1"
    port: int | None = Field(default=None, ge=0, le=65535)


def _loopback(host: str) -> bool:
    """Whether ``host`` binds to this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:  # a host name other than localhost may resolve anywhere
        return False


def _network(value: str) -> str:
    try:
        ipaddress.ip_network(value.strip(), strict=False)
    except ValueError as exc:
        raise ValueError("expected an IP address or network: 10.0.0.5, 10.0.0.0/8") from exc
    return value.strip()


def _long_secret(value: SecretStr | None) -> SecretStr | None:
    if value is not None and len(value.get_secret_value()) < 12:
        raise ValueError("too short: use at least 12 characters")
    return value


Secret = Annotated[SecretStr | None, AfterValidator(_long_secret)]


class WebAuth(_Model):
    """Who may read the web pages (HTTP basic auth, or a bearer token) and who may act."""

    username: str | None = None  # with password: HTTP basic auth
    password: Secret = None
    token: Secret = None  # Authorization: Bearer <token>
    admin_password: Secret = None  # signs in for admin actions (retry, pause); unset: none

    @model_validator(mode="after")
    def _pairs(self) -> Self:
        if (self.username is None) != (self.password is None):
            raise ValueError("username and password go together (HTTP basic auth)")
        return self

    @property
    def readers(self) -> bool:
        """Whether reading needs credentials (basic auth or a token)."""
        return self.password is not None or self.token is not None


class WebSettings(_Model):
    """Where ``monitor run`` and ``monitor web`` serve the web pages; no port: not served.
    Bound beyond loopback, it needs ``auth`` (reader credentials) or ``trusted_proxy``."""

    host: str = "127.0.0.1"
    port: int | None = Field(default=None, ge=0, le=65535)
    auth: WebAuth = WebAuth()
    # addresses of a reverse proxy that authenticates users itself: its requests need no auth
    trusted_proxy: list[Annotated[str, AfterValidator(_network)]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _exposed_needs_auth(self) -> Self:
        problem = exposure_problem(self.host, self)
        if problem:
            raise ValueError(problem)
        return self


def exposure_problem(host: str, web: WebSettings) -> str | None:
    """Why serving the pages on ``host`` with ``web``'s credentials is refused, or None: a
    bind beyond loopback needs reader credentials or a trusted reverse proxy."""
    if _loopback(host) or web.auth.readers or web.trusted_proxy:
        return None
    return (
        f"host {host or '(all addresses)'} exposes the web pages beyond this machine: set "
        "auth (username and password, or token, from the environment) or trusted_proxy"
    )


class Settings(_Model):
    database_url: str = "sqlite:///monitor.db"  # env DATABASE_URL wins
    default_interval: Duration = timedelta(minutes=15)
    timezone: str = "UTC"
    backfill: BackfillSetting = Backfill()
    max_backoff: Duration = timedelta(hours=6)
    workers: int | None = Field(default=None, gt=0)  # parse/record processes; None: CPUs + 1, ≤ 9
    feed_budget: Duration = timedelta(seconds=5)  # CPU one feed may take in a worker
    # bodies up to this size that the fast reader takes are parsed in the poller's process
    # (linear cost, bounded by the size); 0: every body goes to a worker
    inline_parse_max_bytes: int = Field(default=256 * 1024, ge=0)
    http: HttpSettings = HttpSettings()
    delivery: DeliverySettings = DeliverySettings()
    health: HealthSettings = HealthSettings()
    retention: RetentionSettings = RetentionSettings()
    source_lease: Duration = timedelta(minutes=5)  # a crashed poller's sources wait this long

    @field_validator("source_lease")
    @classmethod
    def _lease_outlasts_a_poll(cls, v: timedelta, info: ValidationInfo) -> timedelta:
        http, budget = info.data.get("http"), info.data.get("feed_budget")
        if http is None or budget is None:  # reported on their own keys
            return v
        longest = http.deadline + hang_deadline(budget)
        if v < longest:
            raise ValueError(
                "must be at least http.deadline + 3 × feed_budget + 5s "
                f"({longest.total_seconds():.0f}s): a poll may take that long"
            )
        return v

    web: WebSettings = WebSettings()

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


def _court_id(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


# A PACER court id (ilnd, nysb, ca7, nyed) or a CourtListener one: lower-case letters, digits.
CourtId = Annotated[
    str, BeforeValidator(_court_id), Field(min_length=2, max_length=20, pattern=r"^[a-z0-9]+$")
]
# District (1:21-cv-00135, with judge initials or a defendant suffix), bankruptcy (16-10992-smb)
# or appellate (23-1124) case numbers; monitor.docket normalises them for matching.
_CASE_NUMBER = re.compile(
    r"^(?:\d{1,2}:\d{2}-[a-z]{1,4}-\d{1,6}(?:-[a-z0-9]+)*|\d{2}-\d{1,6}(?:-[a-z]+)*)$", re.I
)


def _case_number(value: str) -> str:
    value = value.strip()
    if not _CASE_NUMBER.match(value):
        raise ValueError("expected a case number such as 1:21-cv-00135, 16-10992 or 23-1124")
    return value


class TrackedCase(_Model):
    """A case whose every new docket entry alerts its topic, whatever the entry says."""

    court: CourtId
    number: Annotated[str, AfterValidator(_case_number)]


class Source(_Model):
    name: Name
    url: HttpUrl
    kind: Literal["news", "pacer", "courtlistener"] = "news"
    interval: Duration | None = None  # falls back to settings.default_interval
    topics: list[str] | None = None  # None: every topic applies
    backfill: BackfillSetting | None = None  # falls back to settings.backfill
    court: CourtId | None = None  # court id for docket sources, e.g. ilnd


class Topic(_Model):
    name: Name
    terms: list[Term] = Field(default_factory=list)  # any of these words/phrases matches
    query: str | None = None  # boolean query language (monitor.match); instead of terms
    exclude: list[Term] = Field(default_factory=list)  # any of these vetoes a match
    aliases: dict[str, list[str]] = Field(default_factory=dict)  # named lists for queries
    max_age: Duration | None = None  # after the first poll, skip entries published earlier
    cases: list[TrackedCase] = Field(default_factory=list)  # every new entry in these alerts

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


_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_HOST_NAME = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*\.?$")
_LOOPBACK = ("127.0.0.1", "::1", "localhost")
_WEBHOOK_HELP = (
    "must be an https:// URL with a valid host and port and no user name, password or "
    "spaces (http:// only to a loopback host), as Slack gives it"
)


def _webhook_url(value: SecretStr | None) -> SecretStr | None:
    """A Slack webhook URL that every client will accept. The message never quotes the
    value: the URL is the secret."""
    if value is not None and not _usable_webhook(value.get_secret_value()):
        raise ValueError(_WEBHOOK_HELP)
    return value


def _usable_webhook(url: str) -> bool:
    if not url.isprintable() or any(c.isspace() for c in url):
        return False
    try:
        parts = urlsplit(url)
        port = parts.port  # ValueError when not a number in 0-65535
    except ValueError:
        return False
    host = parts.hostname or ""
    secure = parts.scheme == "https" or (parts.scheme == "http" and host in _LOOPBACK)
    port_ok = port != 0 and not (port is None and parts.netloc.endswith(":"))
    anonymous = parts.username is None and parts.password is None
    return secure and _valid_host(host, parts.netloc) and port_ok and anonymous


def _valid_host(host: str, netloc: str) -> bool:
    if "[" in netloc:  # an IPv6 literal
        try:
            return ipaddress.ip_address(host).version == 6
        except ValueError:
            return False
    return bool(_HOST_NAME.match(host))


class SlackNotifier(_Model):
    """Slack through an incoming webhook (``webhook_url``) or a bot token and a channel."""

    name: Name
    type: Literal["slack"]
    webhook_url: Annotated[SecretStr | None, AfterValidator(_webhook_url)] = None
    token: SecretStr | None = None  # bot token (xoxb-…); needs channel
    channel: str | None = None  # channel id or name, bot mode
    api_base_url: HttpUrl = "https://slack.com/api/"  # bot mode; loopback for tests
    follow_ups: Literal["thread", "message", "none"] = "thread"  # webhook: thread = message
    # a later filing of a court case that already alerted (bot mode): a reply in the case's
    # thread also shown in the channel (broadcast), a quiet reply (thread), or its own message
    docket_followups: Literal["broadcast", "thread", "message"] = "broadcast"
    unfurl: bool = False  # let Slack unfurl links and media
    pace: Duration = timedelta(seconds=1)  # at least this long between messages to a channel
    timeout: Duration = timedelta(seconds=10)

    @model_validator(mode="after")
    def _one_mode(self) -> Self:
        if (self.webhook_url is None) == (self.token is None):
            raise ValueError("give either webhook_url or token (with channel), not both")
        if self.token is not None and not self.channel:
            raise ValueError("token (bot mode) needs a channel")
        return self


class EmailNotifier(_Model):
    """SMTP: STARTTLS required unless ``tls: none``; ``implicit`` is TLS from the start."""

    name: Name
    type: Literal["email"]
    host: str
    port: int | None = Field(default=None, gt=0, lt=65536)  # default 587, 465 (implicit), 25
    tls: Literal["starttls", "implicit", "none"] = "starttls"
    ca_file: str | None = None  # trust these CAs instead of the system's
    username: str | None = None
    password: SecretStr | None = None
    sender: str  # the From address
    recipients: list[str] = Field(min_length=1)
    subject_prefix: str = "[monitor]"
    timeout: Duration = timedelta(seconds=30)

    def effective_port(self) -> int:
        return self.port or {"starttls": 587, "implicit": 465, "none": 25}[self.tls]


NotifierConfig = Annotated[
    ConsoleNotifier | SlackNotifier | EmailNotifier, Field(discriminator="type")
]


def _clock_time(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):  # YAML reads 22:00 as 1320
        return time(value // 60 % 24, value % 60)
    return value


class QuietHours(_Model):
    """Hold immediate alerts between ``start`` and ``end`` (local clock; may span midnight)."""

    start: Annotated[time, BeforeValidator(_clock_time)]
    end: Annotated[time, BeforeValidator(_clock_time)]
    timezone: str | None = None  # falls back to settings.timezone

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str | None) -> str | None:
        return None if v is None else _zone_name(v)


def _zone_name(v: str) -> str:
    try:
        ZoneInfo(v)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError("unknown time zone (use an IANA name such as Europe/Paris)") from exc
    return v


def _cron(value: str) -> str:
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(value)
    except ValueError as exc:
        raise ValueError("expected a cron schedule such as '0 8 * * mon-fri'") from exc
    return value


SOURCE_KIND_GROUPS = {"news": ("news",), "dockets": ("pacer", "courtlistener")}


class Route(_Model):
    topic: str
    notifiers: list[str] = Field(min_length=1)
    mode: Literal["immediate", "digest"] = "immediate"
    schedule: Annotated[str, AfterValidator(_cron)] | None = None  # digest: cron, 5 fields
    timezone: str | None = None  # of the schedule; falls back to settings.timezone
    source_kinds: list[Literal["news", "dockets"]] | None = None  # None: every kind
    quiet_hours: QuietHours | None = None  # immediate routes: held, sent after

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str | None) -> str | None:
        return None if v is None else _zone_name(v)

    @model_validator(mode="after")
    def _mode_settings(self) -> Self:
        if self.mode == "digest" and not self.schedule:
            raise ValueError("a digest route needs a schedule (cron, e.g. '0 8 * * mon-fri')")
        if self.mode == "immediate" and self.schedule:
            raise ValueError("schedule is for digest routes (mode: digest)")
        if self.mode == "digest" and self.quiet_hours:
            raise ValueError("quiet_hours is for immediate routes")
        return self

    def takes(self, source_kind: str) -> bool:
        """Whether entries from a source of ``source_kind`` (news, pacer…) go this way."""
        if self.source_kinds is None:
            return True
        return any(source_kind in SOURCE_KIND_GROUPS[k] for k in self.source_kinds)

    def is_quiet(self, now: datetime, default_zone: str) -> bool:
        """Whether ``now`` (aware) falls inside this route's quiet hours."""
        if self.quiet_hours is None:
            return False
        q = self.quiet_hours
        local = now.astimezone(ZoneInfo(q.timezone or default_zone)).time()
        if q.start <= q.end:
            return q.start <= local < q.end
        return local >= q.start or local < q.end


class OpsRoute(_Model):
    """Who hears when a source breaks (``ops`` in feeds.yaml): one message to each of
    ``notifiers`` when a source has failed for ``failing_for`` or a docket feed shows a
    coverage gap, one when it recovers."""

    notifiers: list[str] = Field(min_length=1)
    failing_for: Duration = timedelta(hours=6)
    coverage_gaps: bool = True


_DEFAULT_NOTIFIER = ConsoleNotifier(name="console", type="console")


class Config(_Model):
    settings: Settings = Settings()
    sources: list[Source] = Field(default_factory=list)
    topics: list[Topic] = Field(default_factory=list)
    notifiers: list[NotifierConfig] = Field(default_factory=list)
    routes: list[Route] = Field(default_factory=list)
    ops: OpsRoute | None = None  # messages about broken sources; None: health only

    def effective_notifiers(self) -> list[NotifierConfig]:
        """The configured notifiers, or a single console notifier named ``console``."""
        return list(self.notifiers) or [_DEFAULT_NOTIFIER]

    def effective_routes(self) -> list[Route]:
        """The configured routes, or one route per topic to every effective notifier."""
        if self.routes:
            return list(self.routes)
        names = [n.name for n in self.effective_notifiers()]
        return [Route(topic=t.name, notifiers=names) for t in self.topics]

    def routes_by_topic(self, source_kind: str | None = None) -> dict[str, list[str]]:
        """Topic → notifiers of the effective routes; with ``source_kind`` (news, pacer…),
        only routes that take entries of that kind (``source_kinds``)."""
        found: dict[str, list[str]] = {}
        for route in self.effective_routes():
            if source_kind is None or route.takes(source_kind):
                names = found.setdefault(route.topic, [])
                names.extend(n for n in route.notifiers if n not in names)
        return found

    def interval_for(self, source: Source) -> timedelta:
        """How often ``source`` is polled: its own interval, else settings.default_interval."""
        return source.interval or self.settings.default_interval

    def backfill_for(self, source: Source) -> Backfill:
        """What ``source``'s first poll alerts on: its own backfill, else settings.backfill."""
        return source.backfill or self.settings.backfill
