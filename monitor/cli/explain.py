"""``monitor explain`` and ``monitor backtest``: tune a topic before deploying it.

``explain`` shows why one topic does or does not match a text, a URL (a feed: each entry; a
page: its text) or a stored entry. ``backtest`` runs the topic as written in the config file
against stored entries and lists what would newly match and what would stop matching. Both
only read: matching is ``monitor.match``, fetching ``monitor.fetch``, parsing ``monitor.parse``.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import click
from sqlalchemy import Connection, Row, exists, select

from monitor.cli.base import DURATION, config_option, load, main, transaction
from monitor.cli.story import story_membership
from monitor.cluster import fingerprint
from monitor.config import Config, HttpSettings
from monitor.entry import Entry, Match
from monitor.errors import FetchError, ParseError
from monitor.fetch import Fetcher, FetchResult
from monitor.match import Backtest, Change, CompiledTopic, StoredEntry, compile_topic, explain
from monitor.parse import html_to_text, parse_feed
from monitor.store.schema import entries, hits, sources
from monitor.stories import explain_clustering

BATCH = 500  # entries read per query by backtest
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.IGNORECASE)

topic_option = click.option("--topic", "topic_name", required=True, help="The topic, by name.")


@main.command("explain")
@config_option
@topic_option
@click.argument("text", required=False)
@click.option("--url", help="Fetch this URL: a feed (explain each entry) or a web page.")
@click.option(
    "--entry", "entry_id", type=int, help="A stored entry, by id (monitor backtest lists ids)."
)
@click.option("--source", "source_name", help="Source name for the source: scope of TEXT/--url.")
def explain_cmd(
    config_path: str,
    topic_name: str,
    text: str | None,
    url: str | None,
    entry_id: int | None,
    source_name: str | None,
) -> None:
    """Show whether a topic matches TEXT (first line: the title), a URL or a stored entry, and
    why: each clause true or false, what it found, which exclusion fired. Exits 0 either way."""
    if sum(x is not None for x in (text, url, entry_id)) != 1:
        raise click.UsageError("give exactly one of TEXT, --url URL or --entry ID")
    config = load(config_path)
    topic = _topic(config, config_path, topic_name)
    if text is not None:
        title, _, body = text.partition("\n")
        entry = Entry(None, None, title, body)
        click.echo(explain(topic, entry, source_name or "", html=True).render())
    elif url is not None:
        source = source_name or next((s.name for s in config.sources if s.url == url), "")
        _explain_url(topic, url, source, config.settings.http)
    else:
        assert entry_id is not None
        _explain_entry(topic, config, entry_id)


def _topic(config: Config, config_path: str, name: str) -> CompiledTopic:
    """The named topic compiled (load_config has already checked that it compiles)."""
    for topic in config.topics:
        if topic.name == name:
            return compile_topic(topic)
    known = ", ".join(t.name for t in config.topics) or "none"
    raise click.ClickException(f"no topic named {name!r} in {config_path} (topics: {known})")


def _explain_url(topic: CompiledTopic, url: str, source: str, http: HttpSettings) -> None:
    try:
        fetched = asyncio.run(_fetch(url, http))
    except FetchError as exc:
        raise click.ClickException(f"{url}: {exc}") from exc
    body = fetched.body or b""
    try:
        feed = parse_feed(body, fetched.headers, fetched.url)
    except ParseError:
        title, text = _page_text(body, fetched.headers.get("content-type", ""))
        click.echo(f"page: {title or fetched.url}")
        click.echo(explain(topic, Entry(None, fetched.url, title, text), source).render())
        return
    matched = 0
    for n, entry in enumerate(feed.entries, 1):
        result = explain(topic, entry, source)
        matched += result.matched
        click.echo(f"entry {n}/{len(feed.entries)}: {entry.title} <{entry.link or ''}>")
        click.echo(result.render() + "\n")
    click.echo(f"{matched} of {len(feed.entries)} entries match topic {topic.name}")


async def _fetch(url: str, http: HttpSettings) -> FetchResult:
    async with Fetcher(http) as fetcher:
        return await fetcher.fetch(url)


def _page_text(body: bytes, content_type: str) -> tuple[str, str]:
    """(title, text) of an HTML page: scripts and styles dropped, whitespace collapsed."""
    found = _CHARSET.search(content_type)
    encoding = found.group(1) if found else "utf-8"
    try:
        markup = body.decode(encoding, errors="replace")
    except LookupError:
        markup = body.decode("utf-8", errors="replace")
    title = _TITLE.search(body)
    title_text = html_to_text(title.group(1).decode(encoding, errors="replace")) if title else ""
    return " ".join(title_text.split()), " ".join(html_to_text(markup).split())


def _explain_entry(topic: CompiledTopic, config: Config, entry_id: int) -> None:
    with transaction(config, commit=False) as conn:
        row = conn.execute(_entry_query().where(entries.c.id == entry_id)).first()
        if row is None:
            raise click.ClickException(f"no entry with id {entry_id} in the database")
        entry = _entry(row)
        result = explain(topic, entry, row.source_name)
        membership = story_membership(conn, entry_id)
        clustering = _clustering(conn, row, entry, topic.name, result.match)
    click.echo(f"entry {row.id} from {row.source_name}: {row.title} <{row.link or ''}>")
    click.echo(result.render())
    click.echo(membership)
    click.echo(clustering)


def _clustering(
    conn: Connection, row: Row[Any], entry: Entry, topic: str, match: Match | None
) -> str:
    """Which story the entry would join if it arrived now (at its first-seen time), and
    why each candidate story would or would not take it."""
    ignore = [*(match.terms if match else ()), *_publisher(entry)]
    fp = fingerprint(entry.title, entry.summary, row.canonical_url, ignore, [topic])
    times = (row.published_at, row.first_seen_at)
    found = explain_clustering(conn, row.id, fp, row.canonical_url, times)
    when = f"{row.first_seen_at:%Y-%m-%d %H:%M} UTC"
    lines = [f"clustering, as if it arrived at its first-seen time ({when}):"]
    if found.match is None:
        lines.append("  would start a new story")
    else:
        lines.append(f"  would join story {found.match.story_id}: {found.match.reason}")
    for story, _match, why in found.candidates:
        lines.append(f"  candidate story {story}: {why}")
    if not found.candidates:
        lines.append("  no candidate story (no bucket or event key in common)")
    return "\n".join(lines)


def _publisher(entry: Entry) -> list[str]:
    publisher = entry.extra.get("publisher")
    return [publisher] if isinstance(publisher, str) else []


def _entry_query() -> Any:
    return select(entries, sources.c.name.label("source_name")).join(
        sources, sources.c.id == entries.c.source_id
    )


def _entry(row: Row[Any]) -> Entry:
    return Entry(
        guid=row.guid,
        link=row.link,
        title=row.title,
        summary=row.summary,
        published=row.published_at,
        updated=row.updated_at,
        authors=tuple(row.authors or ()),
        extra=dict(row.extra or {}),
    )


# --- backtest --------------------------------------------------------------------------------


@main.command("backtest")
@config_option
@topic_option
@click.option(
    "--since",
    default="30d",
    show_default=True,
    type=DURATION,
    help="Entries first seen this recently.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def backtest_cmd(config_path: str, topic_name: str, since: timedelta, fmt: str) -> None:
    """Run a topic as written in the config (edited or new) against stored entries; list those
    it would newly match and those with a hit it would stop matching."""
    config = load(config_path)
    start = datetime.now(UTC) - since
    result = Backtest(_topic(config, config_path, topic_name))
    applies = {s.name for s in config.sources if s.topics is None or topic_name in s.topics}
    listed = {s.name for s in config.sources}
    with transaction(config, commit=False) as conn:
        for batch in _stored_batches(conn, topic_name, start):
            result.add(
                _stored(row, row.source_name in applies or row.source_name not in listed)
                for row in batch
            )
    _print_backtest(result, start, fmt)


def _stored_batches(conn: Connection, topic: str, since: datetime) -> Iterator[list[Row[Any]]]:
    """Entries first seen since ``since``, BATCH at a time by id, with the topic's hit state."""
    hit = exists().where(hits.c.topic == topic, hits.c.entry_id == entries.c.id)
    story_hit = exists().where(hits.c.topic == topic, hits.c.story_id == entries.c.story_id)
    query = (
        _entry_query()
        .add_columns(hit.label("has_hit"), story_hit.label("story_has_hit"))
        .where(entries.c.first_seen_at >= since)
        .order_by(entries.c.id)
        .limit(BATCH)
    )
    last = 0
    while rows := list(conn.execute(query.where(entries.c.id > last))):
        yield rows
        last = rows[-1].id


def _stored(row: Row[Any], applies: bool) -> StoredEntry:
    return StoredEntry(
        row.id, _entry(row), row.source_name, bool(row.has_hit), bool(row.story_has_hit), applies
    )


def _change_record(change: Change) -> dict[str, Any]:
    stored, entry = change.stored, change.stored.entry
    return {
        "id": stored.id,
        "source": stored.source,
        "title": entry.title,
        "link": entry.link,
        "published": entry.published.isoformat() if entry.published else None,
        "terms": list(change.match.terms) if change.match else [],
        "snippet": change.match.snippet if change.match else None,
    }


def _print_backtest(result: Backtest, start: datetime, fmt: str) -> None:
    newly = [_change_record(c) for c in result.newly]
    stopped = [_change_record(c) for c in result.stopped]
    if fmt == "json":
        report = {
            "topic": result.topic.name,
            "since": start.isoformat(),
            "checked": result.checked,
            "matched": result.matched,
            "would_newly_match": newly,
            "would_stop_matching": stopped,
        }
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    click.echo(
        f"topic {result.topic.name}: {result.checked} entries first seen since "
        f"{start:%Y-%m-%d %H:%M} UTC, {result.matched} match"
    )
    _print_list(f"Would newly match: {len(newly)}", newly)
    _print_list(f"Would stop matching: {len(stopped)}", stopped)


def _print_list(heading: str, records: list[dict[str, Any]]) -> None:
    """Each entry as ``#id  source  published  title``, then its link, terms and snippet."""
    click.echo(heading)
    for r in records:
        click.echo(f"  #{r['id']}  {r['source']}  {(r['published'] or '-')[:10]}  {r['title']}")
        click.echo(f"      {r['link'] or '(no link)'}")
        if r["terms"]:
            click.echo(f"      terms: {', '.join(r['terms'])}")
            click.echo(f"      snippet: {r['snippet']}")
