"""Tests for monitor.lanes: jobs go to this process's lane first; pool lanes start only
when jobs pile up, at most one per worker; failures reach only their own caller."""

from __future__ import annotations

import asyncio

import pytest

from monitor.lanes import BACKLOG, Lanes


class Recorder:
    """Lanes that record which lane ran which job, each job taking ``delay`` seconds."""

    def __init__(self, delay: float = 0.01) -> None:
        self.delay = delay
        self.ran: list[tuple[str, int]] = []
        self.concurrent_pool = 0
        self.most_pool = 0

    async def inline(self, n: int) -> int:
        await asyncio.sleep(self.delay)
        if n < 0:
            raise ValueError(f"job {n}")
        self.ran.append(("inline", n))
        return n * 10

    async def pooled(self, n: int) -> int:
        self.concurrent_pool += 1
        self.most_pool = max(self.most_pool, self.concurrent_pool)
        try:
            await asyncio.sleep(self.delay)
            if n < 0:
                raise ValueError(f"job {n}")
            self.ran.append(("pool", n))
            return n * 10
        finally:
            self.concurrent_pool -= 1


async def test_jobs_one_at_a_time_never_start_a_pool_lane() -> None:
    rec = Recorder()
    lanes = Lanes(rec.inline, rec.pooled, pool_size=2)
    assert [await lanes.run(n) for n in range(5)] == [0, 10, 20, 30, 40]
    assert {lane for lane, _ in rec.ran} == {"inline"}


async def test_a_burst_uses_every_lane_up_to_the_pool_size() -> None:
    rec = Recorder()
    lanes = Lanes(rec.inline, rec.pooled, pool_size=2)
    results = await asyncio.gather(*(lanes.run(n) for n in range(40)))
    assert results == [n * 10 for n in range(40)]
    assert sorted(n for _, n in rec.ran) == list(range(40))
    assert rec.most_pool == 2
    assert sum(lane == "inline" for lane, _ in rec.ran) >= 40 // 3 - 2  # all lanes worked


async def test_a_small_pile_stays_in_this_process() -> None:
    rec = Recorder()
    lanes = Lanes(rec.inline, rec.pooled, pool_size=2)
    await asyncio.gather(*(lanes.run(n) for n in range(BACKLOG)))  # one running, one waiting
    assert {lane for lane, _ in rec.ran} == {"inline"}


async def test_a_failing_job_fails_only_its_caller() -> None:
    rec = Recorder()
    lanes = Lanes(rec.inline, rec.pooled, pool_size=1)
    outcomes = await asyncio.gather(
        *(lanes.run(n) for n in (1, -2, 3, -4, 5)), return_exceptions=True
    )
    assert outcomes[0::2] == [10, 30, 50]
    assert [str(e) for e in outcomes[1::2]] == ["job -2", "job -4"]


async def test_a_cancelled_caller_s_job_is_skipped() -> None:
    rec = Recorder(delay=0.05)
    lanes = Lanes(rec.inline, rec.pooled, pool_size=0)
    first = asyncio.ensure_future(lanes.run(1))
    second = asyncio.ensure_future(lanes.run(2))
    await asyncio.sleep(0.01)
    second.cancel()
    assert await first == 10
    with pytest.raises(asyncio.CancelledError):
        await second
    await asyncio.sleep(0.1)
    assert rec.ran == [("inline", 1)]


async def test_a_yielding_inline_lane_leaves_a_burst_to_the_pool() -> None:
    rec = Recorder()
    lanes = Lanes(rec.inline, rec.pooled, pool_size=1, inline_yields=True)
    results = await asyncio.gather(*(lanes.run(n) for n in range(20)))
    assert results == [n * 10 for n in range(20)]
    inline = [n for lane, n in rec.ran if lane == "inline"]
    assert inline == [0]  # the job it had when the pool lane started; none after
    assert [await lanes.run(n) for n in (20, 21)] == [200, 210]  # quiet again: inline
    assert rec.ran[-2:] == [("inline", 20), ("inline", 21)]
