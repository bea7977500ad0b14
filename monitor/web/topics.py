"""The Topics pages: each topic as configured, and tuning one: edit its query (or terms)
and exclusions in the page, explain it on a pasted headline and text or a URL (the clause
tree, ``[yes]``/``[no]``), and backtest it over the last N days.

The work is ``monitor.tuning`` (what ``monitor explain`` and ``monitor backtest`` run);
nothing is recorded or changed. Fetching a URL that is not a configured source's makes the
server reach out on the user's behalf, so it needs the admin sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from monitor.config import Topic
from monitor.errors import FetchError
from monitor.match import Backtest, CompiledTopic, Explanation, QuerySyntaxError
from monitor.prepare import tracked_cases
from monitor.tuning import (
    UrlExplanation,
    configured_source,
    edited_topic,
    explain_text,
    explain_url,
    find_topic,
    run_backtest,
)
from monitor.web.context import Web, audit, checked_form, field_text, web_of

MAX_BACKTEST_DAYS = 90
SHOWN_CHANGES = 200  # a backtest lists at most this many entries each way


@dataclass
class Draft:
    """The topic as the form holds it: the configured one unless edited."""

    query: str
    terms: str
    exclude: str
    title: str = ""
    text: str = ""
    url: str = ""
    days: int = 30
    edited: bool = False

    @classmethod
    def of(cls, topic: Topic) -> Draft:
        return cls(topic.query or "", "\n".join(topic.terms), "\n".join(topic.exclude))

    @classmethod
    def read(cls, topic: Topic, form: FormData) -> Draft:
        configured = cls.of(topic)
        draft = cls(
            field_text(form, "query").replace("\r\n", "\n"),
            field_text(form, "terms").replace("\r\n", "\n"),
            field_text(form, "exclude").replace("\r\n", "\n"),
            field_text(form, "title", 1000),
            field_text(form, "text"),
            field_text(form, "url", 2000).strip(),
        )
        days = field_text(form, "days", 10)
        draft.days = min(max(int(days), 1), MAX_BACKTEST_DAYS) if days.isdigit() else 30
        draft.edited = (draft.query, draft.terms, draft.exclude) != (
            configured.query,
            configured.terms,
            configured.exclude,
        )
        return draft

    def compile(self, topic: Topic) -> CompiledTopic:
        """Raises QuerySyntaxError or ValueError with what is wrong."""
        return edited_topic(
            topic,
            query=self.query,
            terms=self.terms.splitlines(),
            exclude=[line for line in self.exclude.splitlines() if line.strip()],
        )


@dataclass
class Outcome:
    """What the tuning form produced: an error, an explanation or a backtest."""

    error: str = ""
    caret: str = ""
    explanation: Explanation | None = None
    url: UrlExplanation | None = None
    backtest: Backtest | None = None
    since: datetime | None = None
    notes: list[str] = field(default_factory=list)


def topics_page(request: Request) -> Response:
    """GET /topics: every topic as configured, with the sources it applies to."""
    web = web_of(request)
    applies = {
        t.name: [s.name for s in web.config.sources if s.topics is None or t.name in s.topics]
        for t in web.config.topics
    }
    return web.page(request, "topics.html.j2", topics=web.config.topics, applies=applies)


def _topic(web: Web, request: Request) -> Topic:
    name = request.path_params["name"]
    topic = find_topic(web.config, name)
    if topic is None:
        raise HTTPException(404, f"no topic named {name!r}")
    return topic


def _page(
    web: Web, request: Request, topic: Topic, draft: Draft, outcome: Outcome | None
) -> Response:
    status = 200
    if outcome is not None and outcome.error:
        status = 429 if "running" in outcome.error else 400
    return web.page(
        request,
        "topic.html.j2",
        status=status,
        topic=topic,
        draft=draft,
        outcome=outcome,
        source_urls=[s.url for s in web.config.sources],
        max_days=MAX_BACKTEST_DAYS,
        shown=SHOWN_CHANGES,
    )


def topic_page(request: Request) -> Response:
    """GET /topics/{name}: the tuning form for one topic."""
    web = web_of(request)
    topic = _topic(web, request)
    return _page(web, request, topic, Draft.of(topic), None)


def _compiled(topic: Topic, draft: Draft, outcome: Outcome) -> CompiledTopic | None:
    try:
        return draft.compile(topic)
    except QuerySyntaxError as exc:
        outcome.error, outcome.caret = str(exc), exc.caret()
    except ValueError as exc:
        outcome.error = str(exc).splitlines()[-1] if str(exc) else "invalid topic"
    return None


async def explain_form(request: Request) -> Response:
    """POST /topics/{name}/explain: the clause tree for a pasted text, or a URL's entries."""
    web = web_of(request)
    topic = _topic(web, request)
    draft = Draft.read(topic, await checked_form(request))
    outcome = Outcome()
    compiled = _compiled(topic, draft, outcome)
    if compiled is None:
        return _page(web, request, topic, draft, outcome)
    if draft.url:
        await _explain_url(web, request, compiled, draft, outcome)
    elif draft.title.strip() or draft.text.strip():
        outcome.explanation = explain_text(compiled, f"{draft.title}\n{draft.text}")
    else:
        outcome.error = "give a headline and text, or a URL"
    return _page(web, request, topic, draft, outcome)


async def _explain_url(
    web: Web, request: Request, topic: CompiledTopic, draft: Draft, outcome: Outcome
) -> None:
    configured = configured_source(web.config, draft.url)
    source = configured.name if configured else ""
    if not source and not web.access.is_admin(request):
        outcome.error = (
            "only the URLs of configured sources can be fetched here; any other URL needs "
            "the admin sign-in (the server fetches it)"
        )
        return
    if not source:
        audit(request, f"explain fetches {draft.url!r}")
    try:
        cases = tracked_cases([t for t in web.config.topics if t.name == topic.name])
        outcome.url = await explain_url(
            topic, draft.url, source, web.config.settings.http, configured=configured, cases=cases
        )
    except FetchError as exc:
        outcome.error = f"{draft.url}: {exc}"


async def backtest_form(request: Request) -> Response:
    """POST /topics/{name}/backtest: what the (edited) topic would newly match and stop
    matching among the entries first seen in the last ``days`` days. One at a time."""
    web = web_of(request)
    topic = _topic(web, request)
    draft = Draft.read(topic, await checked_form(request))
    outcome = Outcome()
    compiled = _compiled(topic, draft, outcome)
    if compiled is None:
        return _page(web, request, topic, draft, outcome)
    if not web.backtests.acquire(blocking=False):
        outcome.error = "another backtest is running: try again when it is done"
        return _page(web, request, topic, draft, outcome)
    try:
        outcome.since = datetime.now(UTC) - timedelta(days=draft.days)
        outcome.backtest = await run_in_threadpool(_backtest, web, compiled, outcome.since)
    finally:
        web.backtests.release()
    return _page(web, request, topic, draft, outcome)


def _backtest(web: Web, topic: CompiledTopic, since: datetime) -> Backtest:
    with web.read() as conn:
        return run_backtest(conn, web.config, topic, since)
