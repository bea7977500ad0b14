"""Each host's share of the service's polls (monitor.hostshare): the rule alone; the
service keeping a court feed's poll from waiting behind another host's backlog is in
tests/test_service_tick.py."""

from __future__ import annotations

from monitor.hostshare import HostShare

SOURCES = [
    ("news-1", "https://news.example.com/rss?q=1"),
    ("news-2", "https://NEWS.example.com/rss?q=2"),
    ("news-3", "https://news.example.com/rss?q=3"),
    ("court", "https://ecf.nysd.uscourts.gov/cgi-bin/rss_outside.pl"),
]


def test_a_host_takes_no_more_than_its_room_and_the_others_are_picked_after_it() -> None:
    share = HostShare(SOURCES, floor=2, ceiling=10)
    quota = share.quota()
    # in due order: the news host's third source waits, the court's comes after it
    assert quota.pick([(1, "news-1"), (2, "news-2"), (3, "news-3"), (4, "court")]) == [1, 2, 4]


def test_a_host_with_its_room_taken_is_not_read_at_the_next_claim() -> None:
    share = HostShare(SOURCES, floor=2, ceiling=10)
    share.started("news-1")
    share.started("news-2")
    quota = share.quota()
    assert quota.open_names() == ["court"]
    assert quota.pick([(3, "news-3"), (4, "court")]) == [4]


def test_a_host_that_keeps_up_gets_twice_what_it_finished_up_to_the_ceiling() -> None:
    share = HostShare(SOURCES, floor=2, ceiling=10)
    for _ in range(4):  # a quick host: four polls started and finished since the last claim
        share.started("news-1")
        share.finished("news-1")
    share.started("news-2")  # one still going
    candidates = [(n, "news-3") for n in range(20)]
    assert len(share.quota().pick(candidates)) == 2 * 4 - 1
    for _ in range(30):
        share.started("news-1")
        share.finished("news-1")
    assert len(share.quota().pick(candidates)) == 10 - 1  # the ceiling, one going
    # a slow host: nothing finished since, so back to its floor (less the one going)
    assert len(share.quota().pick(candidates)) == 2 - 1


def test_the_floor_never_passes_the_ceiling() -> None:
    share = HostShare(SOURCES, floor=400, ceiling=160)
    assert len(share.quota().pick([(n, "news-1") for n in range(500)])) == 160
