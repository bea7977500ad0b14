"""Slack rendering (pure): escaping hostile feed text, bold terms, limits, docket lines."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from monitor.entry import Alert
from monitor.notify.slack_blocks import escape, render_alert, render_follow_up, truncate

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
