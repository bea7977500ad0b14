"""Two lanes for the CPU-heavy jobs of a poll: this process, or the worker pool.

``Lanes.run`` queues a job; the inline lane (one job at a time, in this process) takes it
when it is free, and only when jobs pile up (``BACKLOG`` waiting) do pool lanes start, one
per worker, up to the pool's size. Every lane takes the oldest waiting job as soon as it is
free, so that in a burst every core works, and a quiet service never starts a worker for
bodies one process keeps up with. Lanes run only while jobs wait: no task outlives the
queue.

Contains no business logic: which jobs may run inline is the caller's decision.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")
_Job = tuple[tuple[Any, ...], "asyncio.Future[T]"]
BACKLOG = 2  # jobs waiting for a lane before a pool lane starts


class Lanes(Generic[T]):
    """Runs jobs through ``inline(*args)`` (one at a time) or ``pooled(*args)`` (up to
    ``pool_size`` at once), whichever lane is free first. With ``inline_yields``, the inline
    lane takes no new job while a pool lane runs: this process then has other work to do
    for the pooled jobs (SQLite: recording what the workers prepared)."""

    def __init__(
        self,
        inline: Callable[..., Awaitable[T]],
        pooled: Callable[..., Awaitable[T]],
        pool_size: int,
        *,
        inline_yields: bool = False,
    ) -> None:
        self._inline = inline
        self._yields = inline_yields
        self._pooled = pooled
        self._pool_size = pool_size
        self._waiting: deque[_Job[T]] = deque()
        self._inline_busy = False
        self._pool_lanes = 0
        self._tasks: set[asyncio.Task[None]] = set()

    async def run(self, *args: Any) -> T:
        """Run one job; returns its result or raises what it raised."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._waiting.append((args, future))
        self._wake()
        return await future

    def _wake(self) -> None:
        # a lane takes its first job now, so that ``_waiting`` holds only jobs no lane has
        if not self._inline_busy and not (self._yields and self._pool_lanes):
            self._inline_busy = True
            self._start(self._drain(self._inline, self._waiting.popleft(), inline=True))
        elif len(self._waiting) >= BACKLOG and self._pool_lanes < self._pool_size:
            self._pool_lanes += 1
            self._start(self._drain(self._pooled, self._waiting.popleft(), inline=False))

    def _start(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)  # held until done: the loop keeps only weak references
        task.add_done_callback(self._tasks.discard)

    async def _drain(
        self, lane: Callable[..., Awaitable[T]], job: _Job[T] | None, *, inline: bool
    ) -> None:
        try:
            while job is not None:
                await self._run_one(lane, *job)
                if inline and self._yields and self._pool_lanes:
                    break
                job = self._waiting.popleft() if self._waiting else None  # the oldest next
        finally:
            if inline:
                self._inline_busy = False
            else:
                self._pool_lanes -= 1

    @staticmethod
    async def _run_one(
        lane: Callable[..., Awaitable[T]], args: tuple[Any, ...], future: asyncio.Future[T]
    ) -> None:
        if future.done():  # its caller was cancelled
            return
        try:
            result = await lane(*args)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as exc:  # the caller's to handle
            if not future.done():
                future.set_exception(exc)
        else:
            if not future.done():
                future.set_result(result)
