"""Group commit: many small writes, one transaction per batch.

A conditional cycle is thousands of tiny source updates, and a burst of changed feeds is
thousands of feed records; one transaction each would make the commit the bottleneck
(on SQLite one thread writes, and a commit costs more than a small feed's rows).
``GroupCommit.submit`` queues an item and waits until it is durable; while one batch is
being written, the next one gathers, so batches grow with load and a lone item is written at
once. ``OutcomeWriter`` batches poll outcomes that carry no entries. Holds no business rules.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from monitor.store import Store
from monitor.store.sources import Outcome, record_outcomes

T = TypeVar("T")
R = TypeVar("R")


class GroupCommit(Generic[T, R]):
    """Hands queued items to ``write`` in batches of at most ``limit``. ``write(batch)``
    returns one result per item, in order: a value, or the exception that item alone failed
    with (its part rolled back, the rest committed); raising fails every item of the batch."""

    def __init__(
        self, write: Callable[[list[T]], Awaitable[Sequence[R | Exception]]], limit: int = 1000
    ) -> None:
        self._write = write
        self._limit = limit
        self._pending: list[tuple[T, asyncio.Future[R]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> R:
        """Queue ``item``; return its result once committed (raise what its write raised)."""
        done: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append((item, done))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        return await asyncio.shield(done)

    async def _flush(self) -> None:
        while self._pending:
            batch = self._pending[: self._limit]
            del self._pending[: self._limit]
            try:
                results = await self._write([item for item, _ in batch])
            except Exception as exc:  # every waiter of the batch gets the failure
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
                continue
            for (_, done), result in zip(batch, results, strict=True):
                if done.done():
                    continue
                if isinstance(result, Exception):
                    done.set_exception(result)
                else:
                    done.set_result(result)


class OutcomeWriter:
    """Writes queued source outcomes in batches, one transaction per batch."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._batches: GroupCommit[Outcome, None] = GroupCommit(self._write_batch)

    async def record(self, outcome: Outcome) -> None:
        """Queue ``outcome``; return once it is committed (raises what the write raised)."""
        await self._batches.submit(outcome)

    async def _write_batch(self, outcomes: list[Outcome]) -> list[None]:
        await self._store.run(self._write, outcomes)
        return [None] * len(outcomes)

    def _write(self, outcomes: list[Outcome]) -> None:
        with self._store.begin() as conn:
            record_outcomes(conn, outcomes)
