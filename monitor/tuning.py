"""Tuning a topic: explain it on a text, a URL or a stored entry, and backtest it (as
configured or as edited) over stored entries.

Shared by ``monitor explain``, ``monitor backtest`` and the web Topics page, which only
render what these return. Matching is ``monitor.match``, fetching ``monitor.fetch``, parsing
``monitor.parse``, reading entries ``monitor.store.entries``; nothing here writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Connection

from monitor.config import Config, HttpSettings, Source, Topic
from monitor.docket import DOCKET_KINDS, read_docket_feed
from monitor.entry import Entry
from monitor.errors import ParseError
from monitor.fetch import Fetcher, FetchResult
from monitor.match import Backtest, CompiledTopic, Explanation, StoredEntry, compile_topic, explain
from monitor.parse import html_to_text, parse_feed
from monitor.prepare import TrackedCases, match_cases
from monitor.store.entries import BATCH, entry_batches

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.IGNORECASE)


def find_topic(config: Config, name: str) -> Topic | None:
    """The configured topic called ``name``, or None."""
    return next((t for t in config.topics if t.name == name), None)


def edited_topic(
    topic: Topic, *, query: str | None, terms: list[str] | None, exclude: list[str]
) -> CompiledTopic:
    """``topic`` with its query (or terms) and exclusions replaced, compiled. Raises
    QuerySyntaxError (naming ``query`` or ``exclude[i]`` and the column) or ValueError."""
    update: dict[str, object] = {"exclude": [e for e in exclude if e.strip()]}
    if topic.query is not None:
        update["query"] = query or ""
    else:
        update["terms"] = [t for t in (terms or []) if t.strip()]
        if not update["terms"]:
            raise ValueError("terms: give at least one word or phrase")
    return compile_topic(Topic.model_validate({**topic.model_dump(), **update}))


def explain_text(topic: CompiledTopic, text: str, source: str = "") -> Explanation:
    """Explain ``topic`` on raw text or HTML whose first line is the title."""
    title, _, body = text.partition("\n")
    return explain(topic, Entry(None, None, title, body), source, html=True)


@dataclass(frozen=True)
class ExplainedItem:
    """One entry of a fetched feed (or the text of a page) and its explanation."""

    title: str
    link: str | None
    explanation: Explanation
    tracked: tuple[str, ...] = ()  # tracked-case terms: it alerts whatever the query says

    @property
    def matched(self) -> bool:
        return self.explanation.matched or bool(self.tracked)


@dataclass(frozen=True)
class UrlExplanation:
    url: str
    kind: Literal["feed", "page"]
    items: list[ExplainedItem]

    @property
    def matched(self) -> int:
        return sum(i.matched for i in self.items)


async def explain_url(
    topic: CompiledTopic,
    url: str,
    source: str,
    http: HttpSettings,
    *,
    configured: Source | None = None,
    cases: TrackedCases | None = None,
) -> UrlExplanation:
    """Fetch ``url`` with the service's client and explain each entry of the feed it
    serves, or the text of the web page. A ``configured`` docket source's feed is read as
    docket entries (court, case and parties for ``court:``/``case:``/``party:``), and an
    entry of a case in ``cases`` is noted as tracked. Raises FetchError."""
    fetched = await _fetch(url, http)
    body = fetched.body or b""
    try:
        if configured is not None and configured.kind in DOCKET_KINDS:
            feed = read_docket_feed(
                body, fetched.headers, fetched.url, kind=configured.kind, court=configured.court
            )
        else:
            feed = parse_feed(body, fetched.headers, fetched.url)
    except ParseError:
        title, text = page_text(body, fetched.headers.get("content-type", ""))
        page = Entry(None, fetched.url, title, text)
        item = ExplainedItem(title or fetched.url, fetched.url, explain(topic, page, source))
        return UrlExplanation(fetched.url, "page", [item])
    items = [
        ExplainedItem(
            e.title,
            e.link,
            explain(topic, e, source),
            tuple(term for hit in match_cases(e, cases or {}) for term in hit.terms),
        )
        for e in feed.entries
    ]
    return UrlExplanation(fetched.url, "feed", items)


async def _fetch(url: str, http: HttpSettings) -> FetchResult:
    async with Fetcher(http) as fetcher:
        return await fetcher.fetch(url)


def page_text(body: bytes, content_type: str) -> tuple[str, str]:
    """(title, text) of an HTML page: scripts and styles dropped, whitespace collapsed."""
    found = _CHARSET.search(content_type)
    encoding = found.group(1) if found else "utf-8"
    try:
        markup = body.decode(encoding, errors="replace")
    except LookupError:
        encoding = "utf-8"
        markup = body.decode(encoding, errors="replace")
    title = _TITLE.search(body)
    title_text = html_to_text(title.group(1).decode(encoding, errors="replace")) if title else ""
    return " ".join(title_text.split()), " ".join(html_to_text(markup).split())


def source_for_url(config: Config, url: str) -> str:
    """The name of the configured source with this URL, else "" (what ``source:`` sees)."""
    found = configured_source(config, url)
    return found.name if found else ""


def configured_source(config: Config, url: str, name: str | None = None) -> Source | None:
    """The configured source named ``name``, else the one whose URL is ``url``."""
    if name is not None:
        return next((s for s in config.sources if s.name == name), None)
    return next((s for s in config.sources if s.url == url), None)


def run_backtest(
    conn: Connection, config: Config, topic: CompiledTopic, since: datetime, *, batch: int = BATCH
) -> Backtest:
    """Run ``topic`` over the entries first seen since ``since``, against the hits recorded
    for the topic of that name. The topic applies to the sources ``sources[].topics`` lets
    it, and to entries of sources no longer configured."""
    result = Backtest(topic)
    applies = {s.name for s in config.sources if s.topics is None or topic.name in s.topics}
    listed = {s.name for s in config.sources}
    for rows in entry_batches(conn, topic.name, since, batch=batch):
        result.add(
            StoredEntry(
                r.id,
                r.entry,
                r.source,
                r.hit,
                r.story_hit,
                r.source in applies or r.source not in listed,
            )
            for r in rows
        )
    return result
