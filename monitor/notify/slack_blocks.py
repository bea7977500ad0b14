"""Slack message rendering: an ``Alert`` → Block Kit blocks plus a plain-text fallback.

Pure: no client, no config, no I/O. Feed text is hostile, so every piece of it is escaped
for Slack mrkdwn (``&``, ``<``, ``>``: a title ``<!channel>`` shows as text and pings no
one) and truncated to Slack's limits without cutting an escape sequence in half.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from monitor.digest import docket_view, is_docket
from monitor.entry import Alert

SECTION_LIMIT = 3000  # characters in a section's (or context element's) text
TEXT_LIMIT = 3000  # the notification fallback: well under Slack's 4000 advice
MAX_BLOCKS = 50

_ENTITY_TAIL = re.compile(r"&[a-z]{0,3}$")  # a cut "&amp;" / "&lt;" / "&gt;"
_BOLD = re.compile(r"\*\*(.+?)\*\*")


@dataclass(frozen=True)
class SlackMessage:
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)


def escape(text: str) -> str:
    """Escape the three characters Slack mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(escaped: str, limit: int) -> str:
    """Cut already-escaped text to ``limit`` characters (an ellipsis marks the cut), never
    inside an ``&amp;``-style entity."""
    if len(escaped) <= limit:
        return escaped
    cut = _ENTITY_TAIL.sub("", escaped[: limit - 1])
    return cut + "…"


def safe_url(url: str | None) -> str | None:
    """An http(s) URL fit for ``<url|text>``: ``|``, ``<``, ``>`` and spaces percent-encoded,
    ``&`` escaped. Anything else (javascript:, mailto:, garbage) is None."""
    if not url:
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    if scheme not in ("http", "https"):
        return None
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~").replace("&", "&amp;")


def link(url: str | None, label: str) -> str:
    """``<url|label>`` with an escaped label, or the escaped label alone without a URL."""
    target = safe_url(url)
    text = truncate(escape(label), 1000) or "(no title)"  # a cut never splits a link
    return f"<{target}|{text}>" if target else text


def _when(alert: Alert) -> str:
    if alert.published is None:
        return "undated"
    fallback = alert.published.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(alert.published.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def _bold_terms(escaped_snippet: str) -> str:
    return _BOLD.sub(lambda m: f"*{m.group(1)}*", escaped_snippet)


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, SECTION_LIMIT)}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": truncate(text, 3000)}]}


def render_alert(alert: Alert) -> SlackMessage:
    """The first message of a story: topic, linked headline, outlet and time, snippet (the
    matched terms bold); a docket alert adds its docket line, text and links."""
    blocks = [
        _context(f"*{escape(alert.topic)}*"),
        _section(f"*{link(alert.link, alert.title)}*"),
    ]
    if is_docket(alert):
        blocks += _docket_blocks(alert.extra)
    blocks.append(_context(f"{escape(alert.outlet)} · {_when(alert)}"))
    if alert.snippet:
        blocks.append(_section(_bold_terms(escape(alert.snippet))))
    return SlackMessage(_fallback(alert), blocks[:MAX_BLOCKS])


def _docket_blocks(extra: Mapping[str, Any]) -> list[dict[str, Any]]:
    view = docket_view(extra)
    links = " · ".join(link(url, label) for label, url in view.links)
    lines = [escape(view.line), escape(view.text), links]
    return [_section("\n".join(line for line in lines if line))] if any(lines) else []


def render_follow_up(alert: Alert) -> SlackMessage:
    """A short follow-up ("also reported by …", "headline updated"): one line, threaded
    under the story in bot mode or on its own in webhook mode."""
    detail = escape(alert.update_detail or alert.update_kind or "update")
    text = f"↳ *{escape(alert.topic)}*: {link(alert.link, alert.title)} — {detail}"
    return SlackMessage(truncate(f"{escape(alert.title)} — {detail}", TEXT_LIMIT), [_section(text)])


def _fallback(alert: Alert) -> str:
    text = f"[{escape(alert.topic)}] {escape(alert.title or '(no title)')} — {escape(alert.outlet)}"
    return truncate(text, TEXT_LIMIT)
