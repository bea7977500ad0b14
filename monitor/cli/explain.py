"""``monitor explain`` and ``monitor backtest``: tune a topic before deploying it.

``explain`` shows why one topic does or does not match a text, a URL (a feed: each entry; a
page: its text) or a stored entry. ``backtest`` runs the topic as written in the config file
against stored entries and lists what would newly match and what would stop matching. Both
only read: matching is ``monitor.match``, fetching ``monitor.fetch``, parsing ``monitor.parse``.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import click
from sqlalchemy import Connection

from monitor.cli.base import DURATION, config_option, load, main, transaction
from monitor.cluster import fingerprint
from monitor.config import Config, Source
from monitor.entry import Entry, Match
from monitor.errors import FetchError
from monitor.match import Backtest, Change, CompiledTopic, compile_topic, explain
from monitor.prepare import tracked_cases
from monitor.store.entries import clustering_facts, read_entry
from monitor.store.stories import story_membership
from monitor.stories import explain_clustering
from monitor.tuning import (
    configured_source,
    explain_text,
    explain_url,
    find_topic,
    run_backtest,
)

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
    config = load(config_path, delivery=False)
    topic = _topic(config, config_path, topic_name)
    if text is not None:
        click.echo(explain_text(topic, text, source_name or "").render())
    elif url is not None:
        configured = configured_source(config, url, source_name)
        name = source_name or (configured.name if configured else "")
        _explain_url(topic, url, name, config, configured)
    else:
        assert entry_id is not None
        _explain_entry(topic, config, entry_id)


def _topic(config: Config, config_path: str, name: str) -> CompiledTopic:
    """The named topic compiled (load_config has already checked that it compiles)."""
    topic = find_topic(config, name)
    if topic is not None:
        return compile_topic(topic)
    known = ", ".join(t.name for t in config.topics) or "none"
    raise click.ClickException(f"no topic named {name!r} in {config_path} (topics: {known})")


def _explain_url(
    topic: CompiledTopic, url: str, source: str, config: Config, configured: Source | None
) -> None:
    """Each entry of the feed at ``url`` (read as the configured source's kind: a docket
    source's entries carry court, case and parties, and a case the topic tracks matches
    whatever its text), else the page's text."""
    cases = tracked_cases([t for t in config.topics if t.name == topic.name])
    try:
        found = asyncio.run(
            explain_url(
                topic, url, source, config.settings.http, configured=configured, cases=cases
            )
        )
    except FetchError as exc:
        raise click.ClickException(f"{url}: {exc}") from exc
    if found.kind == "page":
        item = found.items[0]
        click.echo(f"page: {item.title}")
        click.echo(item.explanation.render())
        return
    total = len(found.items)
    for n, item in enumerate(found.items, 1):
        click.echo(f"entry {n}/{total}: {item.title} <{item.link or ''}>")
        for term in item.tracked:
            click.echo(f"tracked case: {term} (alerts whatever the query says)")
        click.echo(item.explanation.render() + "\n")
    click.echo(f"{found.matched} of {total} entries match topic {topic.name}")


def _explain_entry(topic: CompiledTopic, config: Config, entry_id: int) -> None:
    with transaction(config, commit=False) as conn:
        stored = read_entry(conn, entry_id)
        if stored is None:
            raise click.ClickException(f"no entry with id {entry_id} in the database")
        result = explain(topic, stored.entry, stored.source)
        membership = story_membership(conn, entry_id)
        clustering = _clustering(conn, entry_id, stored.entry, topic.name, result.match)
    click.echo(
        f"entry {stored.id} from {stored.source}: {stored.entry.title} <{stored.entry.link or ''}>"
    )
    click.echo(result.render())
    click.echo(membership)
    click.echo(clustering)


def _clustering(
    conn: Connection, entry_id: int, entry: Entry, topic: str, match: Match | None
) -> str:
    """Which story the entry would join if it arrived now (at its first-seen time), and
    why each candidate story would or would not take it."""
    canonical_url, published, first_seen = clustering_facts(conn, entry_id)
    ignore = [*(match.terms if match else ()), *_publisher(entry)]
    fp = fingerprint(entry.title, entry.summary, canonical_url, ignore, [topic])
    found = explain_clustering(conn, entry_id, fp, canonical_url, (published, first_seen))
    when = f"{first_seen:%Y-%m-%d %H:%M} UTC"
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
    config = load(config_path, delivery=False)
    start = datetime.now(UTC) - since
    topic = _topic(config, config_path, topic_name)
    with transaction(config, commit=False) as conn:
        result = run_backtest(conn, config, topic, start)
    _print_backtest(result, start, fmt)


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
