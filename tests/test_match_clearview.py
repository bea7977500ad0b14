"""The shipped Clearview AI topic (feeds.yaml, loaded as the service loads it): real coverage,
no namesakes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from monitor.configfile import load_config
from monitor.entry import Entry
from monitor.match import CompiledTopic, compile_topics, explain, match_entry

SHIPPED = Path(__file__).parent.parent / "feeds.yaml"


@pytest.fixture(scope="module")
def clearview() -> CompiledTopic:
    return compile_topics(load_config(SHIPPED, {}).topics)["clearview"]


def entry(title: str, summary: str = "", **extra: Any) -> Entry:
    return Entry("g", None, title, summary, extra=extra)


KEEP = [
    entry("Clearview AI fined €30.5m by Dutch data protection authority"),
    entry("Dutch watchdog fines facial recognition firm Clearview", "The DPA said the firm..."),
    entry("UK ICO issues £7.5m penalty", "The regulator fined Clearview over scraped images."),
    entry("Italy's Garante orders Clearview to delete data of Italians"),
    entry("Judge approves unusual settlement in Clearview privacy lawsuit"),
    entry("ACLU and Clearview settle Illinois BIPA case"),
    entry("Vermont sues Clearview over scraped photos"),
    entry("Police used Clearview 1m times, CEO says"),
    entry("Interview", "Hoan Ton-That, the founder, defended the company's database."),
    entry("Interview", "Hoan Ton That says the database now holds 30 billion images"),
    entry("Profile", "Ton-That stepped down as chief executive in 2024."),
    entry("Board change", "Hal Lambert, co-CEO of Clearview, said the firm will focus..."),
    entry("Leadership", "Richard Schwartz, a Clearview co-founder, left the board."),
    entry("CLEARVIEW AI FACES NEW CHALLENGE IN CANADA"),
    entry("Clearview\u00a0AI’s database grows", "Clear\u00adview’s app"),
    entry("Order on motion to dismiss", "", case_name="In re Clearview AI, Inc. Consumer Privacy"),
    entry("ClearView Energy analyst comments on Clearview AI fine"),
]


DROP = [
    entry("ClearView Energy Partners sees oil demand rising", "analyst Kevin Book said"),
    entry("Regulators weigh pipeline rules", "said ClearView Energy Partners' Kevin Book"),
    entry("Clearview Golf Club hosts charity tournament", "Members raised $20,000."),
    entry("Clearview Township board approves police budget"),
    entry("Clearview Township trustees settle lawsuit over zoning"),
    entry("Highway agency drops the Clearview typeface", "Clearview font signs return"),
    entry("Clearview signage returns to highway signs"),
    entry("Hikers get a clear view of the mountains", "A clear view, regulators said."),
    entry("New clearviewer windshield coating", "Police cars get clearviewer glass"),
    entry("Richard Schwartz wins regional chess title"),
    entry("Hal Lambert joins Point Bridge Capital board"),
    entry("Weighs a ton", "It is a ton that nobody can lift."),
    entry("Order", "", case_name="Clearview Township v. Smith"),
    entry("Tôn Thất Thuyết led the resistance", "Ton That Thuyet was regent in Hue."),
    entry("Clearview Regional High School wins", "The privacy of students matters."),
]


@pytest.mark.parametrize("item", KEEP, ids=lambda e: (e.title + " " + e.summary)[:50])
def test_keeps_coverage(clearview: CompiledTopic, item: Entry) -> None:
    assert match_entry(clearview, item) is not None, explain(clearview, item).render()


@pytest.mark.parametrize("item", DROP, ids=lambda e: (e.title + " " + e.summary)[:50])
def test_leaves_out_namesakes(clearview: CompiledTopic, item: Entry) -> None:
    assert match_entry(clearview, item) is None, explain(clearview, item).render()
