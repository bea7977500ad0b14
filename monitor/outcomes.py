"""Group commit for poll outcomes that carry no entries (304s, unchanged bodies, failures).

A conditional cycle is thousands of tiny source updates; one transaction each would make the
database the bottleneck. ``OutcomeWriter.record`` queues an outcome and waits until it is
durable; while one batch is being written, the next one gathers, so batches grow with load
and a lone outcome is written at once. Holds no business rules.
"""

from __future__ import annotations

import asyncio

from monitor.store import Store
from monitor.store.sources import Outcome, record_outcomes


class OutcomeWriter:
    """Writes queued source outcomes in batches, one transaction per batch."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._pending: list[tuple[Outcome, asyncio.Future[None]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def record(self, outcome: Outcome) -> None:
        """Queue ``outcome``; return once it is committed (raises what the write raised)."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((outcome, done))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        await asyncio.shield(done)

    async def _flush(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                await self._store.run(self._write, [outcome for outcome, _ in batch])
            except Exception as exc:  # every waiter of the batch gets the failure
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)

    def _write(self, outcomes: list[Outcome]) -> None:
        with self._store.begin() as conn:
            record_outcomes(conn, outcomes)
