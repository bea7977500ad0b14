"""Slack rendering (pure): escaping hostile feed text (no ping, no formatting), bold terms,
limits that never cut a link or an entity, overlong links, docket lines."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from monitor.docket import read_docket_feed
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
    blocks = render_alert(make_alert(source_kind="pacer", extra=extra)).blocks
    texts = [b["text"]["text"] if "text" in b else b["elements"][0]["text"] for b in blocks]
    [section] = [t for t in texts if "ecf.example.gov" in t]
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
