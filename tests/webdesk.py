"""A news desk's database for the web tests, filled by the real pipeline (``monitor poll
--once`` against feeds on 127.0.0.1 and the Slack stand-in) plus hostile entries written
through the store's own functions; the real ``monitor web`` serving it; and a small
cookie-keeping HTTP client that reads and sends CSRF tokens the way a browser form does.
"""

from __future__ import annotations

import http.cookiejar
import re
import signal
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from clirun import Lines, monitor, ok, start
from feedgen import rss, story
from feedserver import FeedServer
from slackstub import Answer, SlackStub
from test_court_e2e import FILING_A, FILING_B, HEARING, MUNOZ, NEW_CASE, pacer_rss

from monitor.entry import Entry, Match
from monitor.intents import EntryIntent, HitIntent
from monitor.store import Store
from monitor.store import records as rec
from monitor.store import sources as src

ADMIN_PASSWORD = "correct horse battery staple"
ADMIN_ENV = "TEST_WEB_ADMIN"
SLACK_ENV = "TEST_WEB_SLACK_TOKEN"
NEWS = [
    story(1, "Clearview AI fined €20 million by Italian regulator"),
    story(2, "Clearview AI settles Illinois privacy lawsuit"),
    story(3, "Hoan Ton-That steps down as Clearview AI chief"),
    story(4, "ClearView Energy Partners sees oil demand rising"),
]
SCRIPT_TITLE = '<script>alert("pwned")</script> Clearview AI hostile headline'
CHANNEL_TITLE = "<!channel> Clearview AI ping everyone"
JS_LINK = "javascript:alert(document.cookie)"
DATA_LINK = "data:text/html,<script>alert(1)</script>"
MDL_KEY = "1:21-cv-00135"
ADMIN_AUTH = f"    auth:\n      admin_password: ${{{ADMIN_ENV}}}"


def desk_config(tmp: Path, feeds: FeedServer, slack: SlackStub, web: str = "") -> Path:
    """A feeds.yaml: a news wire, a broken feed, a PACER court; a Clearview topic routed
    to Slack, and a topic tracking the Clearview MDL; ``web``: extra settings.web lines."""
    path = tmp / "feeds.yaml"
    path.write_text(
        f"""settings:
  database_url: sqlite:///{tmp / "monitor.db"}
  backfill: all
  http: {{deadline: 5s}}
  web:
    host: 127.0.0.1
    port: 0
{web or ADMIN_AUTH}
sources:
  - {{name: wire, url: "{feeds.url("/wire.xml")}"}}
  - {{name: broken, url: "{feeds.url("/broken.xml")}"}}
  - {{name: pacer-ilnd, url: "{feeds.url("/ilnd.xml")}", kind: pacer, court: ilnd}}
topics:
  - name: clearview
    terms: ["Clearview AI", "Hoan Ton-That"]
    exclude: ["ClearView Energy"]
  - name: mdl
    terms: ["nothing-in-the-feed-says-this"]
    cases:
      - {{court: ilnd, number: "{MDL_KEY}"}}
notifiers:
  - name: desk
    type: slack
    token: ${{{SLACK_ENV}}}
    channel: C1
    api_base_url: {slack.api_base_url}
    pace: 0.01s
routes:
  - {{topic: clearview, notifiers: [desk]}}
"""
    )
    return path


def poll_with_broken_feed(config: Path) -> None:
    """``monitor poll --once``, which exits 1 because the broken feed fails (and for no
    other reason: the other sources were polled)."""
    result = monitor("poll", "--once", "--config", str(config))
    assert result.returncode == 1, result.stderr
    assert "1 failed" in result.stdout and "failed: broken:" in result.stdout, result.stdout


def fill_desk(config: Path, feeds: FeedServer, slack: SlackStub) -> None:
    """Poll twice (the second poll of the court finds a gap and a new hearing); the first
    Slack message is refused (a dead delivery), the broken feed fails; then add hostile
    entries through the store functions."""
    feeds.set_feed("/wire.xml", rss(NEWS, title="Wire"))
    feeds.set_error("/broken.xml", 404)
    feeds.set_feed(
        "/ilnd.xml", pacer_rss([FILING_A, FILING_B, MUNOZ]), etag=False, last_modified=False
    )
    slack.script(Answer.error("channel_not_found"))
    ok("db", "upgrade", "--config", str(config))
    poll_with_broken_feed(config)
    feeds.set_feed("/ilnd.xml", pacer_rss([NEW_CASE, HEARING]), etag=False, last_modified=False)
    poll_with_broken_feed(config)
    add_hostile_entries(f"sqlite:///{config.parent / 'monitor.db'}")


def add_hostile_entries(url: str) -> None:
    """Entries a hostile feed could carry if a parser let them through: markup in titles, a
    Slack ping, ``javascript:`` and ``data:`` links, markup in the snippet."""
    store = Store(url)
    now = datetime.now(UTC)
    try:
        with store.begin() as conn:
            wire = next(s for s in src.list_sources(conn) if s.name == "wire")
            intents = [
                _hostile(1, SCRIPT_TITLE, JS_LINK, "the **<img src=x onerror=alert(1)>** tag"),
                _hostile(2, CHANNEL_TITLE, DATA_LINK, "**<!channel>** said Clearview AI"),
            ]
            rec.record_entries(conn, wire.id, intents, {}, now)
    finally:
        store.close()


def _hostile(n: int, title: str, link: str, snippet: str) -> EntryIntent:
    entry = Entry(guid=f"hostile-{n}", link=link, title=title, summary=snippet)
    match = Match("clearview", ("Clearview AI",), snippet)
    return EntryIntent(f"1:test:hostile-{n}", entry, None, (HitIntent(match),))


@dataclass
class Served:
    """A running ``monitor web`` (or ``monitor run``) and where it serves."""

    proc: subprocess.Popen[str]
    base: str
    stderr: Lines

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        finally:
            self.proc.kill()


def serve(*args: str, timeout: float = 60) -> Served:
    """Start ``monitor ARGS`` and wait until it logs where its web pages are."""
    proc, _, stderr = start(*args)
    try:
        stderr.wait_for("web pages on http://", timeout=timeout)
    except BaseException:
        proc.kill()
        raise
    found = re.search(r"web pages on (http://[\d.]+:\d+)/", stderr.text())
    assert found is not None, stderr.text()
    return Served(proc, found.group(1), stderr)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    text: str

    def csrf(self) -> str:
        found = re.search(r'name="csrf" value="([0-9a-f]+)"', self.text)
        assert found is not None, "no CSRF token on the page"
        return found.group(1)


@dataclass
class Client:
    """HTTP to the served pages with a cookie jar, as a browser keeps cookies."""

    base: str
    headers: dict[str, str] = field(default_factory=dict)
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def _open(self, request: urllib.request.Request) -> Reply:
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        for name, value in self.headers.items():
            request.add_header(name, value)
        try:
            with opener.open(request, timeout=30) as response:
                body = response.read().decode()
                return Reply(response.status, dict(response.headers.items()), body)
        except urllib.error.HTTPError as exc:
            return Reply(exc.code, dict(exc.headers.items()), exc.read().decode())

    def get(self, path: str) -> Reply:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, fields: dict[str, str]) -> Reply:
        data = urllib.parse.urlencode(fields).encode()
        return self._open(urllib.request.Request(self.base + path, data=data, method="POST"))

    def sign_in(self, password: str = ADMIN_PASSWORD) -> Reply:
        token = self.get("/admin").csrf()
        return self.post("/admin/signin", {"csrf": token, "password": password})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None
