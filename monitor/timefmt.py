"""Times as people read them: in ``settings.timezone``, with the zone's abbreviation.

Console alerts, emails, digests and the CLI's tables (``hits``, ``cases``, ``story``,
``sources``) show times this way; JSON and CSV keep ISO 8601 in UTC, for machines. Pure.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

MINUTES = "%Y-%m-%d %H:%M"


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_time(
    value: datetime | None, zone: str, *, fmt: str = MINUTES, none: str = "undated"
) -> str:
    """``value`` (aware) in ``zone``, as ``2026-11-30 09:15 CET``; ``none`` when it is None."""
    if value is None:
        return none
    local = value.astimezone(_zone(zone))
    return f"{local.strftime(fmt)} {local.tzname() or zone}"
