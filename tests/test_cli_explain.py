"""``monitor explain``, ``monitor backtest`` and query errors in ``monitor check-config``,
end to end through the real command against feeds on 127.0.0.1 and a real SQLite database."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from clirun import monitor, ok
from feedgen import rss, story, write_config
from feedserver import FeedServer

SUED = "Clearview AI sued by Illinois residents over face scraping"
NAMESAKE = "ClearView Energy Partners sees oil demand rising"
FINED = "Vermont regulator fines Clearview over scraped photos"
PRESS = "Regulator fines Clearview AI; Hoan Ton-That responds"
NO_POLL = {"unused": "http://127.0.0.1:9/feed.xml"}  # commands here never fetch it

TOPIC = """\
  - name: clearview
    aliases:
      company: ["Clearview AI", "Clearview.ai"]
    query: '@company OR "Hoan Ton-That"'
    exclude:
      - '"ClearView Energy" -@company'
"""
# The same topic after an edit: fines without the "AI" count, the press source no longer does.
EDITED = """\
  - name: clearview
    aliases:
      company: ["Clearview AI", "Clearview.ai"]
    query: >-
      (@company OR (Clearview NEAR/5 (fines OR fined)))
      -source:press
    exclude:
      - '"ClearView Energy" -@company'
"""


def with_topic(config: Path, topic: str) -> Path:
    """Replace the topics of a feedgen config with ``topic`` (YAML of one list item)."""
    head = config.read_text().split("topics:\n")[0]
    config.write_text(f"{head}topics:\n{topic}")
    return config


@pytest.fixture
def config(feed_server: FeedServer, tmp_path: Path) -> Path:
    """Two sources, polled once with TOPIC: SUED and PRESS are recorded hits."""
    feed_server.set_feed(
        "/wire.xml", rss([story(1, SUED), story(2, NAMESAKE), story(3, FINED)], title="Wire")
    )
    feed_server.set_feed("/press.xml", rss([story(4, PRESS)]))
    sources = {"wire": feed_server.url("/wire.xml"), "press": feed_server.url("/press.xml")}
    path = with_topic(write_config(tmp_path, sources), TOPIC)
    ok("db", "upgrade", "--config", str(path))
    ok("poll", "--once", "--config", str(path))
    return path


def entry_id(config: Path, title: str) -> int:
    with sqlite3.connect(config.parent / "monitor.db") as db:
        (found,) = db.execute("SELECT id FROM entries WHERE title = ?", (title,)).fetchone()
    return int(found)


# --- explain ---------------------------------------------------------------------------------


def test_explain_text_that_matches_shows_clauses_terms_and_snippet(tmp_path: Path) -> None:
    path = with_topic(write_config(tmp_path, NO_POLL), TOPIC)
    text = "Court news\n<p>Judge rules <b>Clearview&nbsp;AI</b> must face the suit.</p>"
    out = ok("explain", "--config", str(path), "--topic", "clearview", text).stdout
    assert out.startswith("topic clearview: MATCHES\n")
    assert "[yes] @company: \"Clearview AI\"  found: 'summary: Clearview AI'" in out
    assert '[no ] "Hoan Ton-That"' in out
    assert '  [no ] "ClearView Energy" -@company' in out
    assert "terms: Clearview AI" in out
    assert "snippet: Judge rules **Clearview AI** must face the suit." in out
    assert "<b>" not in out and "&nbsp;" not in out


def test_explain_text_that_does_not_match(tmp_path: Path) -> None:
    path = with_topic(write_config(tmp_path, NO_POLL), TOPIC)
    text = "Hikers get a clear view of the mountains"
    result = monitor("explain", "--config", str(path), "--topic", "clearview", text)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("topic clearview: does not match\n")
    assert "  [no ] OR\n" in result.stdout and "vetoed by" not in result.stdout


def test_explain_names_the_exclusion_that_fired(tmp_path: Path) -> None:
    topic = TOPIC.replace("'@company OR \"Hoan Ton-That\"'", "'@company OR Clearview'")
    path = with_topic(write_config(tmp_path, NO_POLL), topic)
    text = "ClearView Energy Partners: Clearview sees oil demand rising"
    result = ok("explain", "--config", str(path), "--topic", "clearview", text)
    assert result.stdout.startswith("topic clearview: does not match\n")
    assert "[yes] Clearview  found: 'title: ClearView', 'title: Clearview'" in result.stdout
    assert 'vetoed by: exclude[0]: "ClearView Energy" -@company' in result.stdout


def test_explain_unknown_topic_or_no_input_fails_clearly(tmp_path: Path) -> None:
    path = with_topic(write_config(tmp_path, NO_POLL), TOPIC)
    unknown = monitor("explain", "--config", str(path), "--topic", "nope", "text")
    assert unknown.returncode == 1
    assert "no topic named 'nope'" in unknown.stderr and "topics: clearview" in unknown.stderr
    neither = monitor("explain", "--config", str(path), "--topic", "clearview")
    assert neither.returncode == 2
    assert "exactly one of TEXT, --url URL or --entry ID" in neither.stderr


def test_explain_stored_entry_uses_its_source_name(config: Path) -> None:
    found = entry_id(config, PRESS)
    out = ok("explain", "--config", str(config), "--topic", "clearview", "--entry", str(found))
    assert out.stdout.startswith(f"entry {found} from press: {PRESS} <")
    assert "topic clearview: MATCHES" in out.stdout
    assert f"entry {found} is in story " in out.stdout and "new story" in out.stdout
    # The source: scope sees the stored entry's source name.
    with_topic(config, EDITED)
    edited = ok("explain", "--config", str(config), "--topic", "clearview", "--entry", str(found))
    assert "topic clearview: does not match" in edited.stdout
    assert "[yes] source:press" in edited.stdout


def test_explain_unknown_entry_fails(config: Path) -> None:
    result = monitor("explain", "--config", str(config), "--topic", "clearview", "--entry", "999")
    assert result.returncode == 1
    assert "no entry with id 999 in the database" in result.stderr


def test_explain_url_of_a_feed_explains_each_entry(feed_server: FeedServer, tmp_path: Path) -> None:
    feed_server.set_feed("/wire.xml", rss([story(1, SUED), story(2, NAMESAKE), story(3, FINED)]))
    path = with_topic(write_config(tmp_path, {"wire": feed_server.url("/wire.xml")}), TOPIC)
    url = feed_server.url("/wire.xml")
    out = ok("explain", "--config", str(path), "--topic", "clearview", "--url", url).stdout
    assert f"entry 1/3: {SUED} <https://news.example.com/story/1>" in out
    assert f"entry 2/3: {NAMESAKE}" in out and f"entry 3/3: {FINED}" in out
    assert out.count("topic clearview: MATCHES") == 1
    assert out.count("topic clearview: does not match") == 2
    assert out.rstrip().endswith("1 of 3 entries match topic clearview")


def test_explain_url_of_a_configured_docket_source_reads_docket_entries(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    body = (Path(__file__).parent / "data" / "court" / "district_ilnd.xml").read_bytes()
    feed_server.set_feed("/ilnd.xml", body, etag=False, last_modified=False)
    url = feed_server.url("/ilnd.xml")
    path = tmp_path / "feeds.yaml"
    path.write_text(
        f"""settings:
  database_url: sqlite:///{tmp_path / "monitor.db"}
sources:
  - {{name: pacer-ilnd, url: '{url}', kind: pacer, court: ilnd}}
topics:
  - name: mdl
    query: 'court:ilnd case:"1:21-cv-00135" party:Clearview'
  - name: tracked
    terms: ["nothing-in-the-feed-says-this"]
    cases: [{{court: ilnd, number: "1:24-cv-2222"}}]
"""
    )
    out = ok("explain", "--config", str(path), "--topic", "mdl", "--url", url).stdout
    assert "entry 1/8: 1:21-cv-00135 In re: Clearview AI" in out
    assert out.count("topic mdl: MATCHES") == 2  # the MDL's two entries: court, case, party
    assert out.rstrip().endswith("2 of 8 entries match topic mdl")
    tracked = ok("explain", "--config", str(path), "--topic", "tracked", "--url", url).stdout
    assert "tracked case: case 1:24-cv-2222 (alerts whatever the query says)" in tracked
    assert tracked.rstrip().endswith("1 of 8 entries match topic tracked")


def test_explain_url_of_a_web_page_explains_its_text(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    page = (
        b"<html><head><title>Privacy &amp; you</title><script>var x = 'Clearview AI';</script>"
        b"</head><body><p>Hoan Ton-That spoke.</p></body></html>"
    )
    feed_server.set_response("/page", body=page, headers={"Content-Type": "text/html"})
    path = with_topic(write_config(tmp_path, NO_POLL), TOPIC)
    url = feed_server.url("/page")
    out = ok("explain", "--config", str(path), "--topic", "clearview", "--url", url).stdout
    assert out.startswith("page: Privacy & you\ntopic clearview: MATCHES\n")
    assert "[no ] @company" in out  # the script's text is not the page's text
    assert "[yes] \"Hoan Ton-That\"  found: 'summary: Hoan Ton-That'" in out


def test_explain_url_that_fails_to_fetch_exits_1(feed_server: FeedServer, tmp_path: Path) -> None:
    feed_server.set_error("/gone", 404)
    path = with_topic(write_config(tmp_path, NO_POLL), TOPIC)
    url = feed_server.url("/gone")
    result = monitor("explain", "--config", str(path), "--topic", "clearview", "--url", url)
    assert result.returncode == 1
    assert "404" in result.stderr


# --- backtest --------------------------------------------------------------------------------


def test_backtest_of_the_topic_as_deployed_changes_nothing(config: Path) -> None:
    out = ok("backtest", "--config", str(config), "--topic", "clearview").stdout
    assert "topic clearview: 4 entries first seen since" in out and ", 2 match" in out
    assert "Would newly match: 0\n" in out and "Would stop matching: 0" in out


def test_backtest_lists_what_an_edited_topic_would_newly_and_no_longer_match(
    config: Path,
) -> None:
    with_topic(config, EDITED)
    out = ok("backtest", "--config", str(config), "--topic", "clearview").stdout
    newly, stopped = out.split("Would stop matching")
    assert "Would newly match: 1" in newly and FINED in newly and "wire" in newly
    assert "terms: fines, Clearview" in newly  # the terms it would match on, in text order
    assert stopped.startswith(": 1") and PRESS in stopped and "press" in stopped
    assert SUED not in out and NAMESAKE not in out

    report = json.loads(
        ok("backtest", "--config", str(config), "--topic", "clearview", "--format", "json").stdout
    )
    assert (report["topic"], report["checked"], report["matched"]) == ("clearview", 4, 2)
    [new] = report["would_newly_match"]
    assert (new["id"], new["title"], new["source"]) == (entry_id(config, FINED), FINED, "wire")
    assert new["terms"] == ["fines", "Clearview"] and "**Clearview**" in new["snippet"]
    [gone] = report["would_stop_matching"]
    assert (gone["id"], gone["title"], gone["source"]) == (entry_id(config, PRESS), PRESS, "press")


def test_backtest_window_and_unknown_topic(config: Path) -> None:
    with_topic(config, EDITED)
    args = ("backtest", "--config", str(config), "--format", "json")
    future = json.loads(ok(*args, "--topic", "clearview", "--since", "0s").stdout)
    assert (future["checked"], future["would_newly_match"]) == (0, [])
    unknown = monitor(*args, "--topic", "other")
    assert unknown.returncode == 1 and "no topic named 'other'" in unknown.stderr
    bad = monitor(*args, "--topic", "clearview", "--since", "soon")
    assert bad.returncode == 2 and "--since" in bad.stderr


def test_backtest_reads_entries_in_batches(config: Path, feed_server: FeedServer) -> None:
    many = [story(100 + n, f"Clearview fined again, report {n}") for n in range(997)]
    feed_server.set_feed("/wire.xml", rss(many))
    ok("poll", "--once", "--config", str(config))
    with_topic(config, EDITED)
    report = json.loads(
        ok("backtest", "--config", str(config), "--topic", "clearview", "--format", "json").stdout
    )
    assert report["checked"] == 4 + 997
    assert len(report["would_newly_match"]) == 1 + 997


# --- check-config ----------------------------------------------------------------------------


def test_check_config_reports_a_bad_query_with_line_and_caret(tmp_path: Path) -> None:
    bad = EDITED.replace("(fines OR fined)))", "(fines OR fined))")
    path = with_topic(write_config(tmp_path, NO_POLL), bad)
    result = monitor("check-config", "--config", str(path))
    assert result.returncode == 1
    broken = "(@company OR (Clearview NEAR/5 (fines OR fined))"
    line = path.read_text().splitlines().index(f"      {broken}")
    assert result.stderr.splitlines()[:3] == [
        f"{path}:{line + 1}: topics[0] (clearview).query: this ( is never closed (column 1)",
        f"  {broken}",
        "  ^",
    ]
    assert "1 problem found" in result.stderr
