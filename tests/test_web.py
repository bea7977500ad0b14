"""The web pages over HTTP, served by the real ``monitor web`` (and ``monitor run``) from a
database the real pipeline filled: what each page shows, hostile text rendered inert,
CSRF and admin checks on every POST, reader auth, the trusted proxy, and an exposed bind
that refuses to start."""

from __future__ import annotations

import base64
import os
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from clirun import monitor, ok
from feedserver import FeedServer
from slackstub import SlackStub
from webdesk import (
    ADMIN_ENV,
    ADMIN_PASSWORD,
    CHANNEL_TITLE,
    DATA_LINK,
    JS_LINK,
    MDL_KEY,
    SCRIPT_TITLE,
    SLACK_ENV,
    Client,
    Served,
    desk_config,
    fill_desk,
    poll_with_broken_feed,
    serve,
)

from monitor.web.app import ROUTES
from monitor.web.security import CSP


@pytest.fixture(scope="module")
def env() -> Iterator[None]:
    old = dict(os.environ)
    os.environ.update({ADMIN_ENV: ADMIN_PASSWORD, SLACK_ENV: "xoxb-web-tests"})
    yield
    os.environ.clear()
    os.environ.update(old)


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[FeedServer, SlackStub]]:
    with FeedServer() as feeds, SlackStub() as slack:
        yield feeds, slack


@pytest.fixture(scope="module")
def desk(
    env: None, servers: tuple[FeedServer, SlackStub], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, Served]]:
    """The desk's database, filled once, and ``monitor web`` serving it (read by most tests;
    the tests that change it use ``fresh_desk``)."""
    feeds, slack = servers
    config = desk_config(tmp_path_factory.mktemp("desk"), feeds, slack)
    fill_desk(config, feeds, slack)
    served = serve("web", "--config", str(config))
    yield config, served
    served.stop()


@pytest.fixture
def fresh_desk(
    env: None, servers: tuple[FeedServer, SlackStub], tmp_path: Path
) -> Iterator[tuple[Path, Served]]:
    feeds, slack = servers
    config = desk_config(tmp_path, feeds, slack)
    fill_desk(config, feeds, slack)
    served = serve("web", "--config", str(config))
    yield config, served
    served.stop()


def _db(config: Path) -> sqlite3.Connection:
    return sqlite3.connect(config.parent / "monitor.db")


def _story_id(config: Path, title: str) -> int:
    with _db(config) as db:
        (found,) = db.execute("SELECT story_id FROM entries WHERE title = ?", (title,)).fetchone()
    return int(found)


def _dead_delivery(config: Path) -> int:
    with _db(config) as db:
        (found,) = db.execute("SELECT id FROM deliveries WHERE state = 'dead'").fetchone()
    return int(found)


# --- what the pages show ---------------------------------------------------------------------


def test_stories_page_lists_stories_newest_first_with_outlet_state_and_filters(
    desk: tuple[Path, Served],
) -> None:
    _, served = desk
    client = Client(served.base)
    page = client.get("/")
    assert page.status == 200
    assert page.headers["content-security-policy"] == CSP
    fined = page.text.index("Clearview AI fined €20 million by Italian regulator")
    settles = page.text.index("Clearview AI settles Illinois privacy lawsuit")
    assert settles < fined  # story 2 was first seen after story 1 (newest first)
    assert "ClearView Energy" not in page.text  # excluded: no story
    assert "state-dead" in page.text and "state-sent" in page.text
    dockets = client.get("/?kind=dockets").text
    assert "Muñoz v. Clearview AI" in dockets and "Italian regulator" not in dockets
    words = client.get("/?q=illinois+PRIVACY").text
    assert "settles Illinois privacy lawsuit" in words and "Italian regulator" not in words
    assert "No stories match these filters" in client.get("/?from=2001-01-01&to=2001-01-02").text
    assert "no topic named" in client.get("/?topic=nope").text


def test_story_page_shows_entries_why_they_joined_and_deliveries(
    desk: tuple[Path, Served],
) -> None:
    config, served = desk
    story_id = _story_id(config, "Clearview AI fined €20 million by Italian regulator")
    page = Client(served.base).get(f"/stories/{story_id}")
    assert page.status == 200
    assert "new story" in page.text  # why the entry is in the story
    assert 'href="https://news.example.com/story/1"' in page.text
    delivery = r'<td>desk</td><td>alert</td>\s*<td><span class="state state-(sent|dead)'
    assert re.search(delivery, page.text)
    assert Client(served.base).get("/stories/999999").status == 404


def test_a_dead_delivery_shows_its_reason(desk: tuple[Path, Served]) -> None:
    config, served = desk
    dead = _dead_delivery(config)
    page = Client(served.base).get("/deliveries?show=dead").text
    row = page[page.index(f'id="delivery-{dead}"') :]
    assert "channel_not_found" in row[: row.index("</tr>")]
    assert "sign in to retry" in row[: row.index("</tr>")]


def test_sources_page_puts_failing_first_in_plain_words(desk: tuple[Path, Served]) -> None:
    _, served = desk
    page = Client(served.base).get("/sources").text
    assert page.index('id="source-broken"') < page.index('id="source-pacer-ilnd"')
    broken = page[page.index('id="source-broken"') :]
    broken = broken[: broken.index("</tr>")]
    assert "There is no feed at this address any more" in broken
    assert "HTTP 404 Not Found" in broken
    assert "state-failing" in broken


def test_case_timeline_lists_filings_and_the_courts_coverage_gap(
    desk: tuple[Path, Served],
) -> None:
    _, served = desk
    client = Client(served.base)
    cases = client.get("/cases").text
    assert f'href="/cases/ilnd/{MDL_KEY}"' in cases
    timeline = client.get(f"/cases/ilnd/{MDL_KEY}").text
    assert "Status Hearing" in timeline  # the second poll's filing, newest first
    assert timeline.index("Status Hearing") < timeline.index("#612")
    assert "Motion for Miscellaneous Relief; Motion to Appoint Counsel" in timeline
    assert 'href="https://ecf.ilnd.uscourts.gov/doc1/' in timeline
    assert "possible gap in ilnd" in timeline
    assert client.get("/cases/ilnd/1:99-cv-00001").status == 404


def test_atom_feeds_are_valid_and_link_to_articles(desk: tuple[Path, Served]) -> None:
    _, served = desk
    client = Client(served.base)
    reply = client.get("/feeds/topics/clearview.atom")
    assert reply.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(reply.text.encode())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    titles = [e.title for e in feed.entries]
    assert "Clearview AI settles Illinois privacy lawsuit" in titles
    assert SCRIPT_TITLE in titles  # text, exactly as the feed had it (a reader escapes it)
    settles = next(e for e in feed.entries if e.title.startswith("Clearview AI settles"))
    assert settles.link == "https://news.example.com/story/2"
    hostile = next(e for e in feed.entries if e.title == SCRIPT_TITLE)
    assert hostile.link.startswith(served.base + "/stories/")  # never the javascript: link
    everything = feedparser.parse(client.get("/feeds/alerts.atom").text.encode())
    assert everything.bozo == 0 and len(everything.entries) >= len(feed.entries)
    assert client.get("/feeds/topics/nope.atom").status == 404


# --- hostile text -----------------------------------------------------------------------------


def test_hostile_headlines_and_links_render_inert(desk: tuple[Path, Served]) -> None:
    config, served = desk
    client = Client(served.base)
    pages = [
        client.get("/").text,
        client.get(f"/stories/{_story_id(config, SCRIPT_TITLE)}").text,
        client.get(f"/stories/{_story_id(config, CHANNEL_TITLE)}").text,
    ]
    for text in pages:
        assert "<script>alert" not in text
        assert "<img src=x" not in text
        assert "<!channel>" not in text
        assert 'href="javascript:' not in text.lower() and 'href="data:' not in text.lower()
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in pages[1]
    assert f"[{JS_LINK}]" in pages[1]  # shown as text, not a link
    assert "&lt;!channel&gt; Clearview AI ping everyone" in pages[2]
    assert "<mark>&lt;!channel&gt;</mark>" in pages[2]
    assert DATA_LINK.replace("<", "&lt;").replace(">", "&gt;") in pages[2]


# --- POSTs: CSRF, admin actions ----------------------------------------------------------------


def _post_paths() -> list[str]:
    paths = []
    for route in ROUTES:
        if "POST" in (getattr(route, "methods", None) or ()):
            path = route.path.replace("{story_id:int}", "1").replace("{delivery_id:int}", "1")
            paths.append(path.replace("{name}", "clearview").replace("{action:str}", "pause"))
    return paths


def test_every_post_without_a_csrf_token_is_refused(desk: tuple[Path, Served]) -> None:
    _, served = desk
    client = Client(served.base)
    client.get("/")  # the browser has its CSRF cookie
    paths = _post_paths()
    assert len(paths) == 6
    for path in paths:
        missing = client.post(path, {"password": ADMIN_PASSWORD, "title": "Clearview AI"})
        forged = client.post(path, {"csrf": "0" * 64, "password": ADMIN_PASSWORD})
        assert (path, missing.status) == (path, 403)
        assert (path, forged.status) == (path, 403)
        assert "CSRF token" in missing.text
    other = Client(served.base)  # another browser's token does not fit this one's cookie
    token = client.get("/admin").csrf()
    assert other.post("/admin/signin", {"csrf": token, "password": ADMIN_PASSWORD}).status == 403


def test_retrying_a_dead_delivery_needs_the_admin_sign_in_and_is_logged(
    fresh_desk: tuple[Path, Served],
) -> None:
    config, served = fresh_desk
    dead = _dead_delivery(config)
    client = Client(served.base)
    token = client.get("/admin").csrf()
    refused = client.post(f"/admin/deliveries/{dead}/retry", {"csrf": token})
    assert refused.status == 403 and "sign in as admin" in refused.text
    assert client.sign_in("wrong password!").status == 403
    assert client.sign_in().status == 303
    page = client.get("/deliveries?show=dead")
    assert f'action="/admin/deliveries/{dead}/retry"' in page.text
    done = client.post(f"/admin/deliveries/{dead}/retry", {"csrf": page.csrf()})
    assert (done.status, done.headers["location"]) == (303, f"/deliveries?done=retried+{dead}")
    with _db(config) as db:
        state = db.execute("SELECT state, attempts FROM deliveries WHERE id = ?", (dead,))
        assert state.fetchone() == ("pending", 0)
    again = client.post(f"/admin/deliveries/{dead}/retry", {"csrf": page.csrf()})
    assert again.status == 409
    served.stderr.wait_for(f"web admin action: retry delivery {dead}: 1 owed again", 10)
    log = served.stderr.text()
    assert "admin sign-in refused" in log and ADMIN_PASSWORD not in log


def test_a_paused_source_is_not_polled_until_resumed(
    fresh_desk: tuple[Path, Served], servers: tuple[FeedServer, SlackStub]
) -> None:
    config, served = fresh_desk
    feeds, _ = servers
    client = Client(served.base)
    client.sign_in()
    token = client.get("/sources").csrf()
    assert client.post("/admin/sources/wire/pause", {"csrf": token}).status == 303
    assert "state-paused" in client.get("/sources").text
    before = len(feeds.requests("/wire.xml"))
    poll_with_broken_feed(config)
    assert len(feeds.requests("/wire.xml")) == before
    assert client.post("/admin/sources/wire/resume", {"csrf": token}).status == 303
    poll_with_broken_feed(config)
    assert len(feeds.requests("/wire.xml")) == before + 1
    assert client.post("/admin/sources/nope/pause", {"csrf": token}).status == 404
    served.stderr.wait_for("web admin action: pause source 'wire': done", 10)


# --- topics: explain and backtest ---------------------------------------------------------------


def test_explain_form_shows_the_clause_tree(desk: tuple[Path, Served]) -> None:
    _, served = desk
    client = Client(served.base)
    token = client.get("/topics/clearview").csrf()
    fields = {"csrf": token, "terms": "Clearview AI\nHoan Ton-That", "exclude": "ClearView Energy"}
    page = client.post(
        "/topics/clearview/explain",
        {**fields, "title": "Judge rules on Clearview AI", "text": "<p>More text</p>"},
    ).text
    assert "topic <strong>clearview</strong>: MATCHES" in page
    assert re.search(r"\[yes\]</span> <code>&#34;Clearview AI&#34;</code>", page)
    assert re.search(r"\[no\]</span> <code>&#34;Hoan Ton-That&#34;</code>", page)
    vetoed = client.post(
        "/topics/clearview/explain", {**fields, "title": "Clearview AI and ClearView Energy"}
    ).text
    assert "vetoed by: exclude[0]" in vetoed
    outside = client.post(
        "/topics/clearview/explain", {**fields, "url": "http://127.0.0.1:9/elsewhere"}
    )
    assert "only the URLs of configured sources" in outside.text


def test_explain_a_configured_source_url_and_a_bad_query(desk: tuple[Path, Served]) -> None:
    config, served = desk
    client = Client(served.base)
    token = client.get("/topics/clearview").csrf()
    wire = re.search(r'url: "([^"]+/wire\.xml)"', config.read_text())
    assert wire is not None
    page = client.post(
        "/topics/clearview/explain",
        {"csrf": token, "terms": "Clearview AI", "exclude": "ClearView Energy", "url": wire[1]},
    ).text
    assert "3 of 4 entries match" in page
    bad = client.post("/topics/clearview/explain", {"csrf": token, "terms": "", "title": "x"})
    assert bad.status == 400 and "at least one word" in bad.text


def test_backtest_of_an_edited_topic_lists_new_and_lost_matches(
    desk: tuple[Path, Served],
) -> None:
    _, served = desk
    client = Client(served.base)
    token = client.get("/topics/clearview").csrf()
    page = client.post(
        "/topics/clearview/backtest",
        {"csrf": token, "terms": "Ton-That\nOil demand", "exclude": "", "days": "30"},
    ).text
    assert "Would newly match: 1" in page  # the ClearView Energy story had no hit
    assert "oil demand rising" in page
    assert re.search(r"Would stop matching: [1-9]", page)
    assert "settles Illinois privacy lawsuit" in page


# --- who may read -------------------------------------------------------------------------------


def test_an_exposed_bind_without_credentials_refuses_to_start(
    env: None, servers: tuple[FeedServer, SlackStub], tmp_path: Path
) -> None:
    feeds, slack = servers
    config = desk_config(tmp_path, feeds, slack)
    ok("db", "upgrade", "--config", str(config))
    refused = monitor("web", "--config", str(config), "--host", "0.0.0.0")
    assert refused.returncode == 1
    assert "refusing to serve" in refused.stderr and "exposes the web pages" in refused.stderr
    text = config.read_text().replace("host: 127.0.0.1", "host: 0.0.0.0")
    config.write_text(text)
    line = text.splitlines().index("  web:") + 1
    for command in ("check-config", "run"):
        result = monitor(command, "--config", str(config))
        assert result.returncode == 1
        assert f"{config}:{line}: settings.web: host 0.0.0.0 exposes the web pages" in result.stderr


def test_reader_credentials_basic_auth_and_bearer_token(
    env: None, servers: tuple[FeedServer, SlackStub], tmp_path: Path
) -> None:
    feeds, slack = servers
    auth = (
        "    auth:\n      username: desk\n      password: ${TEST_WEB_PW}\n"
        "      token: ${TEST_WEB_TOKEN}"
    )
    config = desk_config(tmp_path, feeds, slack, web=auth)
    os.environ.update(TEST_WEB_PW="desk-password-1", TEST_WEB_TOKEN="a-long-reader-token")
    ok("db", "upgrade", "--config", str(config))
    served = serve("web", "--config", str(config))
    try:
        anonymous = Client(served.base).get("/")
        assert anonymous.status == 401
        assert anonymous.headers["www-authenticate"].startswith("Basic realm=")
        good = base64.b64encode(b"desk:desk-password-1").decode()
        bad = base64.b64encode(b"desk:guess-password").decode()
        assert Client(served.base, {"Authorization": f"Basic {good}"}).get("/").status == 200
        assert Client(served.base, {"Authorization": f"Basic {bad}"}).get("/").status == 401
        bearer = {"Authorization": "Bearer a-long-reader-token"}
        assert Client(served.base, bearer).get("/feeds/alerts.atom").status == 200
        assert Client(served.base).get("/static/style.css").status == 401
    finally:
        served.stop()
    assert "desk-password-1" not in served.stderr.text()


def test_trusted_proxy_alone_serves_only_the_proxy(
    env: None, servers: tuple[FeedServer, SlackStub], tmp_path: Path
) -> None:
    feeds, slack = servers
    config = desk_config(tmp_path, feeds, slack, web="    trusted_proxy: [10.9.8.7]")
    ok("db", "upgrade", "--config", str(config))
    served = serve("web", "--config", str(config))
    try:
        refused = Client(served.base).get("/")
    finally:
        served.stop()
    assert refused.status == 403 and "reverse proxy" in refused.text
    text = config.read_text().replace("[10.9.8.7]", "[127.0.0.0/8]")
    config.write_text(text.replace("host: 127.0.0.1", "host: 0.0.0.0"))
    assert monitor("check-config", "--config", str(config)).returncode == 0


def test_monitor_run_serves_the_pages_beside_the_scheduler(
    desk: tuple[Path, Served],
) -> None:
    config, _ = desk
    served = serve("run", "--config", str(config))
    try:
        page = Client(served.base).get("/sources")
    finally:
        served.stop()
    assert page.status == 200 and 'id="source-wire"' in page.text
