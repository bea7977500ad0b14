"""The console notifier: readable alert blocks on standard output.

Rendering (``render_alert``) is separate from sending so the CLI can show the alerts a dry run
would send. Needs no secrets; it is the default route when nothing else is configured.
"""

from __future__ import annotations

import sys
from typing import TextIO

from monitor.config import ConsoleNotifier as ConsoleConfig
from monitor.docket_entry import defendants_line
from monitor.docket_keys import docket_lines
from monitor.entry import Alert
from monitor.timefmt import local_time


def render_alert(alert: Alert, zone: str = "UTC") -> str:
    """A plain-text block: topic rule, headline, link, outlet and time (in ``zone``), terms,
    snippet. A follow-up (story update) is one indented line under its story's headline."""
    if alert.slot != "alert":
        return f"  ↳ {alert.topic}: {alert.title}\n    {alert.update_detail or alert.update_kind}\n"
    when = local_time(alert.published, zone)
    if alert.extra.get("docket"):
        return _render_docket(alert, when)
    lines = [
        f"── {alert.topic} " + "─" * max(4, 60 - len(alert.topic)),
        alert.title or "(no title)",
    ]
    if alert.link:
        lines.append(alert.link)
    lines.append(f"{alert.outlet} · {when}")
    if alert.terms:
        lines.append("matched: " + ", ".join(alert.terms))
    if alert.snippet:
        lines.append(alert.snippet)
    return "\n".join(lines) + "\n"


def _render_docket(alert: Alert, when: str) -> str:
    """A docket line: court, case number and name; entry number and docket text; the full
    text where the feed has it; the defendants; links to the document and the docket (never
    fetched)."""
    x = alert.extra
    lines = [f"── {alert.topic} " + "─" * max(4, 60 - len(alert.topic)), *docket_lines(x)]
    if x.get("full_text") and x.get("full_text") != x.get("text"):
        lines.append(str(x["full_text"]))
    if x.get("defendants"):
        lines.append(defendants_line(x["defendants"]))
    if x.get("document_url"):  # the document first: the docket report costs a PACER fee
        lines.append(f"document: {x['document_url']}")
    if x.get("docket_url"):
        lines.append(f"docket: {x['docket_url']}")
    lines.append(f"{alert.source} · {when}")
    if alert.terms:
        lines.append("matched: " + ", ".join(alert.terms))
    return "\n".join(lines) + "\n"


class ConsoleNotifier:
    """Writes each alert to a text stream (standard output by default)."""

    def __init__(
        self, config: ConsoleConfig, stream: TextIO | None = None, *, timezone: str = "UTC"
    ) -> None:
        self.name = config.name
        self._stream = stream
        self._zone = timezone

    async def send(self, alert: Alert) -> str | None:
        stream = self._stream or sys.stdout
        stream.write(render_alert(alert, self._zone) + "\n")
        stream.flush()
        return None

    async def aclose(self) -> None:
        return None
