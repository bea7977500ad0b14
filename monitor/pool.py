"""A supervised pool of worker processes for the CPU-heavy part of a poll.

Each worker is a process with a pipe of its own: a task goes to one idle worker and its
answer comes back on that worker's pipe. So a worker that dies (killed, out of memory, a
crash in C code), hangs, or overruns its CPU budget fails only the task it was running: the
pool stops it, starts another when one is next needed, and the caller gets a ``WorkerError``
that says what happened. (``concurrent.futures.ProcessPoolExecutor`` cannot do this: one
dead worker breaks the executor and every task in flight, for good; pebble's pool also
breaks when an idle worker dies.)

- Workers start lazily, when a task finds no idle worker and fewer than ``size`` run.
- A task may use ``budget`` seconds of CPU (``ITIMER_PROF`` in the worker, which then
  answers ``WorkerError`` and retires) and must answer within ``deadline`` seconds of wall
  time, else the worker is killed. A worker found dead while idle is replaced unseen.
- Workers ignore SIGINT: Ctrl-C reaches the whole process group, and the parent decides how
  to stop (no tracebacks from workers).
- An exception a task raises comes back to the caller as is (or as ``WorkerError`` with its
  type and message when it cannot be pickled).

Contains no business logic.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import traceback
import types
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any, TypeVar

from monitor.errors import WorkerError

log = logging.getLogger(__name__)
T = TypeVar("T")
Task = tuple[Callable[..., Any], tuple[object, ...]]

START_TIMEOUT_S = 60.0  # a worker that is not ready by then (imports, initializer) failed
STOP_TIMEOUT_S = 5.0  # a worker asked to stop that is still there after this is killed


class BudgetExceeded(BaseException):
    """Raised inside a worker when its task used up its CPU budget. A BaseException, so
    that no ``except Exception`` in the task's code swallows it."""


_MAIN_SWAP = threading.Lock()  # workers start from several threads at once (warm_up)


@contextlib.contextmanager
def _without_main() -> Iterator[None]:
    """An empty ``__main__`` while a worker starts. multiprocessing has each new process
    import the parent's ``__main__`` script again (``spawn.prepare``): for the ``monitor``
    command, a script that imports the whole CLI, that is SQLAlchemy, aiohttp and the rest
    in every worker, about 15 MiB each (``python -m monitor`` is spared: a package's
    ``__main__`` is never imported again). Workers run functions of importable modules only,
    so they need nothing of it."""
    with _MAIN_SWAP:
        main = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            sys.modules["__main__"] = main


@dataclass(eq=False)  # identity: kept in a set while busy
class _Worker:
    process: BaseProcess
    conn: Connection


class WorkerPool:
    """Up to ``size`` worker processes that each run ``initializer(*initargs)`` once, then
    tasks one at a time. ``context`` is a multiprocessing start method (``forkserver``
    keeps the children clean of the parent's threads); ``preload`` names modules the
    forkserver imports once for every worker."""

    def __init__(
        self,
        size: int,
        *,
        initializer: Callable[..., object] | None = None,
        initargs: Sequence[object] = (),
        budget: float | None = None,
        deadline: float | None = None,
        context: str = "forkserver",
        preload: Sequence[str] = (),
    ) -> None:
        self.size = size
        self.budget = budget
        self.deadline = deadline
        self._initializer = initializer
        self._initargs = tuple(initargs)
        self._ctx: BaseContext = multiprocessing.get_context(context)
        if preload and context == "forkserver":
            self._ctx.set_forkserver_preload(list(preload))
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._slots = asyncio.Semaphore(size)
        # one thread per worker for its blocking pipe calls: a stuck worker holds only its own
        self._io = ThreadPoolExecutor(max_workers=size, thread_name_prefix="worker-io")
        self._closed = False
        self.started = 0  # workers started over the pool's life
        self.failure: str | None = None  # why the last worker start failed, until one starts

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        """Run ``fn(*args)`` in a worker; returns its result or raises what it raised.
        Raises WorkerError when the worker died, hung, overran its budget or could not
        start; the pool carries on either way."""
        if self._closed:
            raise WorkerError("the worker pool is closed")
        async with self._slots:
            worker = await self._checkout()
            try:
                reply = await self._exchange(worker, (fn, args))
            except BaseException:
                self._discard(worker)
                raise
            self._busy.discard(worker)
            kind, value = reply
            if kind == "retire":  # the worker overran its budget: its state is suspect
                self._discard(worker)
                raise WorkerError(str(value))
            self._idle.append(worker)
            if kind == "error":
                raise value
            return value  # type: ignore[no-any-return]

    async def warm_up(self, count: int | None = None) -> None:
        """Start ``count`` workers (default: all) now rather than on first use."""
        want = min(self.size, count or self.size) - len(self._idle) - len(self._busy)
        workers = await asyncio.gather(*(self._start() for _ in range(max(0, want))))
        self._idle.extend(workers)

    def health(self) -> str | None:
        """None while workers can be started; else why the last start failed."""
        return self.failure

    def close(self) -> None:
        """Stop every worker: asked politely, then killed after ``STOP_TIMEOUT_S``."""
        self._closed = True
        workers = [*self._idle, *self._busy]
        self._idle.clear()
        self._busy.clear()
        for worker in workers:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
        for worker in workers:
            worker.process.join(STOP_TIMEOUT_S)
            _kill(worker)
        self._io.shutdown(wait=False, cancel_futures=True)

    async def _checkout(self) -> _Worker:
        while self._idle:
            worker = self._idle.pop()
            if worker.process.is_alive():
                self._busy.add(worker)
                return worker
            log.warning(
                "worker %s had died (%s); starting another",
                worker.process.pid,
                _exit_reason(worker.process),
            )
            _kill(worker)
        worker = await self._start()
        self._busy.add(worker)
        return worker

    async def _start(self) -> _Worker:
        loop = asyncio.get_running_loop()
        try:
            worker = await asyncio.wait_for(
                loop.run_in_executor(self._io, self._spawn), START_TIMEOUT_S
            )
        except (TimeoutError, OSError, EOFError, WorkerError) as exc:
            self.failure = f"cannot start a worker process: {_describe(exc)}"
            log.error("%s", self.failure)
            raise WorkerError(self.failure) from exc
        self.failure = None
        self.started += 1
        return worker

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(  # type: ignore[attr-defined]
            target=_serve,
            args=(child, self._initializer, self._initargs, self.budget),
            name="monitor-worker",
            daemon=True,
        )
        with _without_main():
            process.start()
        child.close()
        worker = _Worker(process, parent)
        if not parent.poll(START_TIMEOUT_S):
            _kill(worker)
            raise WorkerError(f"not ready within {START_TIMEOUT_S:.0f}s")
        try:
            kind, value = parent.recv()
        except (EOFError, OSError) as exc:
            reason = _exit_reason(process)
            _kill(worker)
            raise WorkerError(f"it exited at start-up ({reason})") from exc
        if kind != "ready":
            _kill(worker)
            raise WorkerError(str(value))
        return worker

    async def _exchange(
        self, worker: _Worker, task: tuple[Callable[..., Any], tuple[object, ...]]
    ) -> Any:
        loop = asyncio.get_running_loop()
        call = loop.run_in_executor(self._io, _send_and_receive, worker.conn, task)
        try:
            return await asyncio.wait_for(call, self.deadline)
        except TimeoutError:
            _kill(worker)
            raise WorkerError(
                f"the worker did not answer within {self.deadline:g}s; it was stopped"
            ) from None
        except (EOFError, OSError) as exc:
            worker.process.join(1.0)
            raise WorkerError(
                f"the worker process died while on this task ({_exit_reason(worker.process)})"
            ) from exc

    def _discard(self, worker: _Worker) -> None:
        self._busy.discard(worker)
        _kill(worker)


def _send_and_receive(conn: Connection, task: object) -> Any:
    conn.send(task)
    return conn.recv()


def _kill(worker: _Worker) -> None:
    """Make sure ``worker`` is gone and its pipe closed (it may be gone already)."""
    if worker.process.is_alive():
        worker.process.kill()
        worker.process.join(STOP_TIMEOUT_S)
    worker.conn.close()


def _exit_reason(process: BaseProcess) -> str:
    code = process.exitcode
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return f"not ready within {START_TIMEOUT_S:.0f}s"
    return str(exc) or type(exc).__name__


# --- in the worker process -------------------------------------------------------------------


def _serve(
    conn: Connection,
    initializer: Callable[..., object] | None,
    initargs: tuple[object, ...],
    budget: float | None,
) -> None:
    """A worker's life: initialize, say ready, then answer tasks until told to stop (None)
    or the parent goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGPROF, _over_budget)
    try:
        if initializer is not None:
            initializer(*initargs)
    except Exception as exc:
        conn.send(("failed", f"its initializer raised {type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            reply = _call(task, budget)
        except BudgetExceeded:  # the signal came again while _call was already stopping
            reply = ("retire", f"stopped after {budget:g}s of CPU time (the feed budget)")
        try:
            conn.send(reply)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            conn.send(("error", WorkerError(f"unpicklable result: {exc}")))
        if reply[0] == "retire":
            return


def _call(task: Task, budget: float | None) -> tuple[str, Any]:
    global _armed
    fn, args = task
    if budget:
        _armed = True
        # repeats every 50 ms: a SIGPROF whose exception some code swallowed (a __del__, a
        # callback from C) comes again until the task is stopped
        signal.setitimer(signal.ITIMER_PROF, budget, 0.05)
    try:
        return "ok", fn(*args)
    except BudgetExceeded:
        return "retire", f"stopped after {budget:g}s of CPU time (the feed budget)"
    except Exception as exc:
        # the parent logs it when it is a bug; the traceback is only here
        exc.worker_traceback = "".join(traceback.format_exception(exc))  # type: ignore[attr-defined]
        return "error", _picklable(exc)
    finally:
        _armed = False
        signal.setitimer(signal.ITIMER_PROF, 0)


_armed = False  # a task is running under a budget: SIGPROF stops it


def _over_budget(signum: int, frame: FrameType | None) -> None:
    if _armed:  # Python runs signal handlers in the main thread: the task's
        raise BudgetExceeded


def _picklable(exc: Exception) -> Exception:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        plain = WorkerError(f"{type(exc).__name__}: {exc}")
        plain.worker_traceback = getattr(exc, "worker_traceback", None)  # type: ignore[attr-defined]
        return plain
    return exc
