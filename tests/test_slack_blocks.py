"""Slack rendering (pure): escaping hostile feed text (no ping, no formatting), bold terms,
limits that never cut a link or an entity, overlong links, docket lines."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from monitor.entry import Alert
from monitor.notify.slack_blocks import (
    SECTION_LIMIT,
    SlackMessage,
    escape,
    link,
    render_alert,
    render_follow_up,
    truncate,
)

HOSTILE = "<!channel> <https://evil.example|click> & <@U123>"


def make_alert(**fields: Any) -> Alert:
    values: dict[str, Any] = {
        "delivery_id": 1,
        "notifier": "desk",
        "topic": "clearview",
        "source": "wire",
        "source_kind": "news",
        "title": "Clearview AI fined",
        "link": "https://news.example.com/a?x=1&y=2",
        "published": datetime(2026, 11, 20, 12, 0, tzinfo=UTC),
        "terms": ("Clearview AI",),
        "snippet": "regulators fined **Clearview AI** on Tuesday",
    }
    values.update(fields)
    return Alert(**values)


def _texts(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_a_hostile_title_is_escaped_and_pings_no_one() -> None:
    message = render_alert(make_alert(title=HOSTILE, snippet=HOSTILE, source="<!here>"))
    everything = message.text + _texts(message.blocks)
    assert "<!channel>" not in everything and "<!here>" not in everything
    assert "<@U123>" not in everything and "<https://evil" not in everything
    assert "&lt;!channel&gt;" in everything


def test_headline_is_linked_terms_bold_and_outlet_and_time_shown() -> None:
    message = render_alert(make_alert())
    text = _texts(message.blocks)
    assert "<https://news.example.com/a?x=1&amp;y=2|Clearview AI fined>" in text
    assert "*Clearview AI*" in text and "**" not in text
    assert "wire · <!date^" in text
    assert message.text.startswith("[clearview] Clearview AI fined")


def test_a_non_http_link_is_not_linked() -> None:
    text = _texts(render_alert(make_alert(link="javascript:alert(1)")).blocks)
    assert "javascript:" not in text


def test_a_docket_alert_shows_court_case_entry_text_and_links() -> None:
    extra = {
        "court": "ilnd",
        "case_number": "1:21-cv-00135",
        "case_name": "In re Clearview AI <Litigation>",
        "document_number": "42",
        "docket_text": "[Motion to Dismiss]",
        "links": {"document 42": "https://ecf.ilnd.uscourts.gov/doc1/1"},
    }
    text = _texts(render_alert(make_alert(source_kind="pacer", extra=extra)).blocks)
    assert "ILND · 1:21-cv-00135 · In re Clearview AI &lt;Litigation&gt; · entry 42" in text
    assert "[Motion to Dismiss]" in text
    assert "<https://ecf.ilnd.uscourts.gov/doc1/1|document 42>" in text


def test_a_docket_alert_reads_the_docket_readers_fields() -> None:
    extra = {
        "docket": True,
        "court": "ilnd",
        "case_number": "1:21-cv-00135",
        "case_name": "In re Clearview AI",
        "text": "Motion to Dismiss",
        "document_number": "7",
        "document_url": "https://ecf.ilnd.uscourts.gov/doc1/7",
        "docket_url": "https://ecf.ilnd.uscourts.gov/cgi-bin/DktRpt.pl?1",
    }
    text = _texts(render_alert(make_alert(source_kind="courtlistener", extra=extra)).blocks)
    assert "ILND · 1:21-cv-00135 · In re Clearview AI · entry 7" in text
    assert "Motion to Dismiss" in text and "|document 7>" in text and "|docket>" in text


def test_a_follow_up_is_one_short_line() -> None:
    alert = make_alert(slot="update:3", update_kind="also_reported", update_detail="also by <b>")
    message = render_follow_up(alert)
    assert len(message.blocks) == 1
    assert "also by &lt;b&gt;" in _texts(message.blocks)


def test_long_text_is_cut_to_slack_limits() -> None:
    message = render_alert(make_alert(title="&" * 5000, snippet="<" * 9000))
    for block in message.blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
    assert len(message.text) <= 3000 and len(message.blocks) <= 50


@given(st.text(alphabet="ab&<> ", max_size=300), st.integers(min_value=2, max_value=200))
def test_truncation_never_splits_an_escape(text: str, limit: int) -> None:
    cut = truncate(escape(text), limit)
    assert len(cut) <= limit
    body = cut.removesuffix("…")
    # every & left starts a whole entity
    for i, ch in enumerate(body):
        if ch == "&":
            assert body[i:].startswith(("&amp;", "&lt;", "&gt;"))


FORMATTING = "*bold* _italic_ ~strike~ `code` ```block``` **double** ＊wide＊"


def _mrkdwn(blocks: list[dict[str, Any]]) -> list[str]:
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    return texts + [e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]]


def _headline_and_snippet(message: SlackMessage) -> tuple[str, str]:
    """A news alert's blocks: topic, headline, outlet and time, snippet."""
    return message.blocks[1]["text"]["text"], message.blocks[-1]["text"]["text"]


def test_feed_text_cannot_change_formatting() -> None:
    alert = make_alert(
        title=f"Clearview AI {FORMATTING}",
        source=f"wire {FORMATTING}",
        snippet=f"**Clearview AI** said {FORMATTING} and > quoted",
        terms=("Clearview AI",),
    )
    message = render_alert(alert)
    for text in [message.text, *_mrkdwn(message.blocks)]:
        body = re.sub(r"<!date\^[^>]*>", "", text)  # our date token: {date_short_pretty}
        for ours in ("*clearview*", "*Clearview AI*", "*<", ">*"):
            body = body.replace(ours, "")
        assert not set("*_~`＊") & set(body), text
    headline, snippet = _headline_and_snippet(message)
    assert headline.startswith("*<https://") and headline.endswith(">*")
    assert snippet.startswith("*Clearview AI* said ∗bold∗ ˍitalicˍ ∼strike∼ ˋcodeˋ")


def test_only_the_matchers_marks_are_bold() -> None:
    # the feed's own ** around a word that is no matched term, and around a marked term
    snippet = "a **fake** mark, ****Clearview AI**** and **Clearview AI**"
    _, text = _headline_and_snippet(render_alert(make_alert(snippet=snippet)))
    assert text == "a ∗∗fake∗∗ mark, ∗∗*Clearview AI*∗∗ and *Clearview AI*"


def test_a_line_leading_quote_marker_quotes_nothing() -> None:
    assert escape("> not a quote\n  > nor this") == "\u00ad&gt; not a quote\n  \u00ad&gt; nor this"


def test_a_2000_character_link_stays_whole_within_the_section_limit() -> None:
    url = "https://news.example.com/a?" + "x" * 2000
    message = render_alert(make_alert(link=url, title="T" * 2000))
    headline, _ = _headline_and_snippet(message)
    assert len(headline) <= SECTION_LIMIT
    assert headline.startswith(f"*<{url}|TTT") and headline.endswith("…>*")


def test_a_link_too_long_to_fit_loses_its_fragment_then_its_link() -> None:
    base = "https://news.example.com/" + "p" * 2000
    fragment = render_alert(make_alert(link=base + "#" + "f" * 2000)).blocks[1]["text"]["text"]
    assert fragment == f"*<{base}|Clearview AI fined>*"
    huge = render_alert(make_alert(link=base * 3)).blocks[1]["text"]["text"]
    assert huge == "*Clearview AI fined*"


def test_docket_links_that_do_not_fit_are_dropped_whole() -> None:
    links = {f"document {n}": f"https://ecf.example.gov/{'d' * 900}/{n}" for n in range(6)}
    extra = {"court": "ilnd", "case_number": "1:21-cv-00135", "links": links}
    section = render_alert(make_alert(source_kind="pacer", extra=extra)).blocks[2]["text"]["text"]
    assert len(section) <= SECTION_LIMIT and section.endswith("…")
    assert section.count("<") == section.count(">") >= 1


_PIECES = st.one_of(
    st.text(alphabet="ab&<>*_ ", max_size=40).map(escape),
    st.builds(
        link,
        st.text(alphabet="abc/?&=#", max_size=300).map(lambda p: "https://x.example/" + p),
        st.text(max_size=60),
    ),
    st.just("<!date^1700000000^{date_short}|2023-11-14>"),
)


@given(st.lists(_PIECES, max_size=12), st.integers(min_value=2, max_value=400))
def test_truncation_never_cuts_a_link_a_date_or_an_entity(pieces: list[str], limit: int) -> None:
    cut = truncate("".join(pieces), limit)
    assert len(cut) <= limit
    body = cut.removesuffix("…")
    assert body.count("<") == body.count(">") and "<" not in body[body.rfind(">") + 1 :]
    for i, ch in enumerate(body):
        if ch == "&":
            assert body[i:].startswith(("&amp;", "&lt;", "&gt;"))
