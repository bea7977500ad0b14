"""Slack rendering (pure): escaping hostile feed text, bold terms, limits, docket lines."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from monitor.docket import read_docket_feed
from monitor.entry import Alert
from monitor.notify.slack_blocks import escape, render_alert, render_follow_up, truncate

COURT = Path(__file__).parent / "data" / "court"
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


def docket_alert(name: str, court: str | None, url: str, index: int, **fields: Any) -> Alert:
    """The alert the outbox reads for one entry of a fixture feed (tests/data/court/)."""
    kind = "courtlistener" if name.startswith("courtlistener") else "pacer"
    feed = read_docket_feed((COURT / name).read_bytes(), {}, url, kind=kind, court=court)
    entry = feed.entries[index]
    values = {"source": f"{kind}-feed", "source_kind": kind, "title": entry.title}
    values |= {"link": entry.link, "published": entry.published, "extra": entry.extra}
    return make_alert(**{**values, **fields})


ILND = "https://ecf.ilnd.uscourts.gov/cgi-bin/rss_outside.pl"


def test_a_docket_alert_reads_like_a_docket_line_with_the_document_first() -> None:
    alert = docket_alert("district_ilnd.xml", "ilnd", ILND, 0, terms=("case 1:21-cv-00135",))
    message = render_alert(alert)
    text = _texts(message.blocks)
    document = "https://ecf.ilnd.uscourts.gov/doc1/067125954321?caseid=400123&amp;de_seq_num=2301"
    docket = "https://ecf.ilnd.uscourts.gov/cgi-bin/DktRpt.pl?400123"
    assert text.count("In re: Clearview AI, Inc. Consumer Privacy Litigation") == 1
    assert text.count("1:21-cv-00135*") == 1  # the case number once, bold
    assert "*clearview* · ILND" in text
    assert f"*<{document}|#612>* Motion for Miscellaneous Relief; Motion to Appoint Counsel" in text
    assert text.index(f"<{document}|Document 612>") < text.index(f"<{docket}|Docket report>")
    assert f"<{docket}|1:21-cv" not in text  # the headline never links the fee-charging report
    assert "matched: case 1:21-cv-00135" in text
    assert message.text.startswith("[clearview] 1:21-cv-00135 In re: Clearview AI")


def test_a_merged_criminal_filing_lists_its_defendants() -> None:
    sdny = "https://ecf.nysd.uscourts.gov/cgi-bin/rss_outside.pl"
    text = _texts(render_alert(docket_alert("criminal_nysd.xml", None, sdny, 0)).blocks)
    assert "*1:17-cr-00664* USA v. Hart" in text
    assert "Defendants: 1 USA v. Hart; 2 USA v. Osei; 3 USA v. Lind" in text


def test_a_courtlistener_alert_shows_the_full_docket_text_and_a_free_docket_link() -> None:
    url = "https://www.courtlistener.com/docket/68123456/feed/"
    alert = docket_alert("courtlistener_docket_cand.xml", "cand", url, 0)
    text = _texts(render_alert(alert).blocks)
    assert "*3:24-cv-01234* Doe v. Acme Platforms, Inc." in text
    assert "Magistrate Judge Thomas S. Hixson for discovery purposes. Signed by Judge" in text
    assert text.index("|Document 17>") < text.index("|Docket on CourtListener>")


def test_a_docket_alert_with_hostile_text_is_escaped() -> None:
    extra = {
        "court": "ilnd",
        "case_number": "1:21-cv-00135",
        "case_name": "In re Clearview AI <!channel>",
        "document_number": "42",
        "docket_text": "[Motion <@U123>]",
        "links": {"document 42": "https://ecf.ilnd.uscourts.gov/doc1/1"},
    }
    text = _texts(render_alert(make_alert(source_kind="pacer", extra=extra)).blocks)
    assert "<!channel>" not in text and "<@U123>" not in text
    assert "*1:21-cv-00135* In re Clearview AI &lt;!channel&gt;" in text
    assert "#42* [Motion &lt;@U123&gt;]" in text
    assert "<https://ecf.ilnd.uscourts.gov/doc1/1|document 42>" in text


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
