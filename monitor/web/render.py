"""Templates and the filters that keep hostile feed text inert in them.

Every template is autoescaped (HTML and the Atom XML alike). ``safe_url`` lets through only
http(s) URLs with a host, so a ``javascript:`` or ``data:`` link is shown as text and never
becomes a link; ``marked`` turns a snippet's ``**match**`` marking into ``<mark>`` after
escaping the text around it; ``xml_text`` drops the characters XML 1.0 forbids, which a feed
may carry but an Atom document may not. Contains no business logic.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from monitor.web.words import plain_error

TEMPLATES = Path(__file__).resolve().parent / "templates"
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def safe_url(url: object) -> str | None:
    """``url`` when it is an http or https URL with a host, else None."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if any(c in url for c in "\r\n\t\x00 "):
        return None
    return url


def marked(snippet: str | None) -> Markup:
    """The snippet escaped, with its ``**marked**`` matches in ``<mark>``."""
    parts = (snippet or "").split("**")
    if len(parts) % 2 == 0:  # an unpaired marker: show the text as it is
        return Markup(escape(snippet or ""))
    out = [
        str(escape(p)) if i % 2 == 0 else f"<mark>{escape(p)}</mark>" for i, p in enumerate(parts)
    ]
    return Markup("".join(out))


def xml_text(value: object) -> str:
    """Text fit for an XML document: the characters XML 1.0 forbids removed."""
    return _XML_FORBIDDEN.sub("", "" if value is None else str(value))


def make_environment(timezone: str) -> Environment:
    """The template environment, showing times in ``timezone``."""
    zone = ZoneInfo(timezone)

    def when(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        if value is None:
            return "—"
        local = value.astimezone(zone)
        return f"{local.strftime(fmt)} {local.tzname() or ''}".strip()

    def iso(value: datetime | None) -> str:
        return value.isoformat() if value is not None else ""

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    filters: dict[str, Any] = {
        "safe_url": safe_url,
        "marked": marked,
        "when": when,
        "iso": iso,
        "xml_text": xml_text,
        "plain_error": plain_error,
    }
    env.filters.update(filters)
    return env
