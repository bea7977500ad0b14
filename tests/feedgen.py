"""Builders for feeds and configs used by end-to-end tests (fixtures written as code so a
test can change a feed between polls)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape


def rss(items: list[dict[str, object]], title: str = "Test feed") -> bytes:
    """An RSS 2.0 document; each item dict may have title, link, guid, description, source
    (the publisher, as Google News names it), days_ago."""
    parts = []
    for item in items:
        when = datetime.now(UTC) - timedelta(days=float(str(item.get("days_ago", 0))))
        fields = [f"<title>{escape(str(item['title']))}</title>"]
        for key in ("link", "guid", "description"):
            if key in item:
                fields.append(f"<{key}>{escape(str(item[key]))}</{key}>")
        if "source" in item:
            fields.append(
                f'<source url="https://publisher.example">{escape(str(item["source"]))}</source>'
            )
        fields.append(f"<pubDate>{format_datetime(when)}</pubDate>")
        parts.append("<item>" + "".join(fields) + "</item>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://example.com/</link>"
        "<description>test</description>" + "".join(parts) + "</channel></rss>"
    ).encode()


def story(n: int, title: str, **extra: object) -> dict[str, object]:
    return {
        "title": title,
        "link": f"https://news.example.com/story/{n}",
        "guid": f"https://news.example.com/story/{n}",
        "description": f"<p>Body of story {n}: {title}.</p>",
        **extra,
    }


def write_config(
    tmp: Path, sources: dict[str, str], *, extra: str = "", backfill: str = "7d"
) -> Path:
    """A feeds.yaml with the given sources (name → URL) and a Clearview AI topic."""
    lines = [
        "settings:",
        f"  database_url: sqlite:///{tmp / 'monitor.db'}",
        f"  backfill: {backfill}",
        "  http:",
        "    deadline: 5s",
        "sources:",
    ]
    for name, url in sources.items():
        lines += [f"  - name: {name}", f"    url: {url}"]
    lines += [
        "topics:",
        "  - name: clearview",
        '    terms: ["Clearview AI", "Hoan Ton-That"]',
        '    exclude: ["ClearView Energy"]',
    ]
    path = tmp / "feeds.yaml"
    path.write_text("\n".join(lines) + "\n" + extra)
    return path
