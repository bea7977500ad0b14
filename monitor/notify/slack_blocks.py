"""Slack message rendering: an ``Alert`` → Block Kit blocks plus a plain-text fallback.

Pure: no client, no config, no I/O. Feed text is hostile, so every piece of it goes through
``escape``: ``&``, ``<`` and ``>`` become entities (a title ``<!channel>`` shows as text and
pings no one) and the mrkdwn formatting characters become lookalikes, as Slack has no escape
for them (a zero-width space would force formatting, not stop it): ``*`` → ``∗``, ``_`` →
``ˍ``, ``~`` → ``∼``, a backtick → ``ˋ`` (their fullwidth forms too), and a line-leading
``>`` gets an invisible soft hyphen so it quotes nothing. Our own markup (bold headline,
bold matched terms, links, dates) only ever wraps escaped text, so every raw ``<`` is ours.

Everything is cut to Slack's limits without cutting a link, a date or an entity in half:
a cut inside ``<…>`` backs off to before it, and a link too long to fit is shortened (its
fragment dropped) or, failing that, its text is shown unlinked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from monitor.digest import docket_view, is_docket
from monitor.entry import Alert

SECTION_LIMIT = 3000  # characters in a section's (or context element's) text
TEXT_LIMIT = 3000  # the notification fallback: well under Slack's 4000 advice
MAX_BLOCKS = 50
LABEL_LIMIT = 1000  # characters of a link's text
LINK_LIMIT = 2000  # characters of a whole ``<url|label>`` unless the caller allows more
MIN_LABEL = 40  # a URL must leave this much room for its text, or the text goes unlinked

_ENTITY_TAIL = re.compile(r"&[a-z]{0,3}$")  # a cut "&amp;" / "&lt;" / "&gt;"
_OPEN_TAIL = re.compile(r"<[^>]*$")  # a cut "<url|label>" or "<!date^…|…>"
_QUOTE_START = re.compile(r"^([ \t]*)(&gt;|\uff1e)", re.MULTILINE)
_LOOKALIKES = str.maketrans(
    {
        "*": "\u2217",  # asterisk operator
        "\uff0a": "\ufe61",  # fullwidth asterisk → small asterisk
        "_": "\u02cd",  # modifier letter low macron
        "\uff3f": "\u2e0f",  # fullwidth low line → paragraphos
        "~": "\u223c",  # tilde operator
        "`": "\u02cb",  # modifier letter grave accent
        "\uff40": "\u02cb",  # fullwidth grave accent
    }
)


@dataclass(frozen=True)
class SlackMessage:
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)


def escape(text: str) -> str:
    """Feed text made inert for mrkdwn: ``&``, ``<``, ``>`` as entities, formatting
    characters as lookalikes, a leading ``>`` kept from quoting."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _QUOTE_START.sub("\\1\u00ad\\2", text.translate(_LOOKALIKES))


def truncate(text: str, limit: int) -> str:
    """Cut rendered text to ``limit`` characters (an ellipsis marks the cut), never inside
    a ``<…>`` link or date (the cut backs off to before it) nor an ``&amp;``-style entity."""
    if len(text) <= limit:
        return text
    cut = _ENTITY_TAIL.sub("", _OPEN_TAIL.sub("", text[: limit - 1]))
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


def link(url: str | None, label: str, limit: int = LINK_LIMIT) -> str:
    """``<url|label>`` in at most ``limit`` characters, the label escaped and cut to fit.
    A URL that leaves less than ``MIN_LABEL`` characters for its label loses its fragment;
    if still too long, or not http(s), the escaped label is shown alone."""
    text = escape(label) or "(no title)"
    target = safe_url(url)
    if target is not None and len(target) + MIN_LABEL + 3 > limit:
        target = target.split("#", 1)[0]
    if target is None or len(target) + MIN_LABEL + 3 > limit:
        return truncate(text, min(limit, LABEL_LIMIT))
    return f"<{target}|{truncate(text, min(limit - len(target) - 3, LABEL_LIMIT))}>"


def bold_terms(snippet: str, terms: Sequence[str]) -> str:
    """The snippet escaped, with the matcher's ``**term**`` marks as Slack bold. Only a
    mark around one of ``terms`` is ours: any other asterisks are feed text, made inert."""
    known = sorted({t for t in terms if t}, key=len, reverse=True)
    if not known:
        return escape(snippet)
    marks = re.compile(r"\*\*(" + "|".join(re.escape(t) for t in known) + r")\*\*")
    pieces: list[str] = []
    cursor = 0
    for m in marks.finditer(snippet):
        pieces += [escape(snippet[cursor : m.start()]), f"*{escape(m.group(1))}*"]
        cursor = m.end()
    pieces.append(escape(snippet[cursor:]))
    return "".join(pieces)


def _when(alert: Alert) -> str:
    if alert.published is None:
        return "undated"
    fallback = alert.published.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(alert.published.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, SECTION_LIMIT)}}


def _context(text: str) -> dict[str, Any]:
    element = {"type": "mrkdwn", "text": truncate(text, SECTION_LIMIT)}
    return {"type": "context", "elements": [element]}


def render_alert(alert: Alert) -> SlackMessage:
    """The first message of a story: topic, linked headline, outlet and time, snippet (the
    matched terms bold); a docket alert reads as a docket line (``render_docket_alert``)."""
    if is_docket(alert):
        return render_docket_alert(alert)
    blocks = [
        _context(f"*{escape(alert.topic)}*"),
        _section(f"*{link(alert.link, alert.title, SECTION_LIMIT - 2)}*"),
    ]
    blocks.append(_context(f"{escape(alert.outlet)} · {_when(alert)}"))
    if alert.snippet:
        blocks.append(_section(bold_terms(alert.snippet, alert.terms)))
    return SlackMessage(_fallback(alert), blocks[:MAX_BLOCKS])


def render_docket_alert(alert: Alert) -> SlackMessage:
    """A docket entry as a docket line: the case (number and name) once; the entry number,
    linked to its document, and the docket text (the full text where there is one); the
    defendants of a criminal filing; the document link first and the (fee-charging) docket
    report second; then the source, time and what matched. No snippet: for a docket entry
    it would only repeat the case name."""
    view = docket_view(alert.extra)
    case = " ".join(p for p in (f"*{escape(view.case_number)}*", escape(view.case_name)) if p)
    number = f"*{link(view.document_url, '#' + view.number)}*" if view.number else ""
    entry = " ".join(p for p in (number, escape(view.text)) if p)
    if view.defendants:
        entry += "\n" + escape(view.defendants)
    links = " · ".join(link(url, label) for label, url in view.links)
    matched = f" · matched: {escape(', '.join(alert.terms))}" if alert.terms else ""
    blocks = [
        _context(f"*{escape(alert.topic)}*" + (f" · {escape(view.court)}" if view.court else "")),
        _section(case if view.case_number or view.case_name else escape(alert.title)),
        _section(entry) if entry else None,
        _context(links) if links else None,
        _context(f"{escape(alert.source)} · {_when(alert)}{matched}"),
    ]
    return SlackMessage(_fallback(alert), [b for b in blocks if b is not None])


def render_follow_up(alert: Alert) -> SlackMessage:
    """A short follow-up ("also reported by …", "headline updated"): one line, threaded
    under the story in bot mode or on its own in webhook mode."""
    detail = escape(alert.update_detail or alert.update_kind or "update")
    text = f"↳ *{escape(alert.topic)}*: {link(alert.link, alert.title)} — {detail}"
    return SlackMessage(truncate(f"{escape(alert.title)} — {detail}", TEXT_LIMIT), [_section(text)])


def _fallback(alert: Alert) -> str:
    text = f"[{escape(alert.topic)}] {escape(alert.title or '(no title)')} — {escape(alert.outlet)}"
    return truncate(text, TEXT_LIMIT)
