"""The supervised worker pool (monitor.pool): a worker that dies, hangs or overruns its CPU
budget fails only its own task, and the pool carries on with a fresh worker."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import poolwork
import pytest

from monitor.errors import WorkerError
from monitor.pool import WorkerPool


def make_pool(size: int = 1, **options: object) -> WorkerPool:
    return WorkerPool(size, preload=["poolwork"], **options)  # type: ignore[arg-type]


async def test_results_and_exceptions_come_back_as_raised() -> None:
    pool = make_pool()
    try:
        assert await pool.run(sum, [1, 2, 3]) == 6
        with pytest.raises(LookupError, match="not here"):
            await pool.run(poolwork.fail, "not here")
        with pytest.raises(WorkerError, match="Unpicklable: holds a handle"):
            await pool.run(poolwork.fail_unpicklably)
        assert await pool.run(sum, [4]) == 4  # the same worker goes on
        assert pool.started == 1
    finally:
        pool.close()


async def test_a_worker_killed_while_idle_is_replaced_unseen() -> None:
    pool = make_pool()
    try:
        first = await pool.run(poolwork.pid)
        os.kill(first, signal.SIGKILL)
        await asyncio.sleep(0.2)
        second = await pool.run(poolwork.pid)
        assert second != first
        assert pool.health() is None
    finally:
        pool.close()


async def test_a_worker_killed_on_a_task_fails_that_task_only(tmp_path: Path) -> None:
    pool = make_pool(2)
    told = tmp_path / "pid"
    try:
        calm = asyncio.ensure_future(pool.run(poolwork.nap, 2.0))
        doomed = asyncio.ensure_future(pool.run(poolwork.nap_and_tell, str(told), 60))
        while not told.exists() or not told.read_text():
            await asyncio.sleep(0.05)
        os.kill(int(told.read_text()), signal.SIGKILL)
        with pytest.raises(WorkerError, match=r"died while on this task.*SIGKILL"):
            await doomed
        assert await calm != int(told.read_text())  # the other task finished normally
        assert await pool.run(sum, [1]) == 1
    finally:
        pool.close()


async def test_a_hung_worker_is_stopped_at_the_deadline() -> None:
    pool = make_pool(deadline=1.0)
    try:
        stuck = await pool.run(poolwork.pid)
        os.kill(stuck, signal.SIGSTOP)  # alive but never answers
        with pytest.raises(WorkerError, match="did not answer within 1s"):
            await pool.run(poolwork.pid)
        assert await pool.run(poolwork.pid) != stuck
    finally:
        pool.close()


async def test_a_task_over_its_cpu_budget_is_stopped_and_the_worker_replaced() -> None:
    pool = make_pool(budget=0.3, deadline=30)
    try:
        before = await pool.run(poolwork.pid)
        with pytest.raises(WorkerError, match=r"stopped after 0\.3s of CPU time"):
            await pool.run(poolwork.burn)
        assert await pool.run(poolwork.pid) != before
    finally:
        pool.close()


async def test_a_worker_that_cannot_start_is_an_error_and_the_pool_says_why() -> None:
    pool = make_pool(initializer=poolwork.broken_init)
    try:
        with pytest.raises(WorkerError, match=r"cannot start a worker.*no database here"):
            await pool.run(poolwork.pid)
        assert "no database here" in (pool.health() or "")
    finally:
        pool.close()


def run_pool_script(
    tmp_path: Path, pool: str, task: str, imports: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run, as a script of its own (as the ``monitor`` command runs), a pool made by the
    expression ``pool`` that runs the statement ``task`` once, then closes."""
    script = f"""
import asyncio, sys
sys.path.insert(0, {str(Path(__file__).parent)!r})
{imports}
import poolwork
from monitor.pool import WorkerPool

async def main():
    pool = {pool}
    try:
        {task}
    finally:
        pool.close()

if __name__ == "__main__":
    asyncio.run(main())
"""
    path = tmp_path / "run_pool.py"
    path.write_text(script)
    return subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=60)


def test_what_a_worker_logs_is_masked_of_the_secrets_it_was_given(tmp_path: Path) -> None:
    done = run_pool_script(
        tmp_path,
        f'WorkerPool(1, initializer=init_worker, initargs=([], {{}}, "sqlite:///{tmp_path}/w.db", '
        '["hunter2-token"]))',
        'await pool.run(poolwork.log_warning, "posting with hunter2-token now")',
        imports="from monitor.prepare import init_worker",
    )
    assert done.returncode == 0, done.stderr
    assert "posting with *** now" in done.stderr
    assert "hunter2" not in done.stderr


def test_a_worker_does_not_import_again_what_the_command_script_imports(tmp_path: Path) -> None:
    # The `monitor` command is a script that imports the whole CLI. multiprocessing has each
    # new process import the parent's __main__ script again, so every worker loaded
    # SQLAlchemy, aiohttp and the rest (about 15 MiB each) whatever it was to do.
    done = run_pool_script(
        tmp_path,
        "WorkerPool(1)",
        'print("worker loaded sqlalchemy:", await pool.run(poolwork.imported, "sqlalchemy"))',
        imports="import sqlalchemy  # what the command's own imports bring",
    )
    assert done.returncode == 0, done.stderr
    assert "worker loaded sqlalchemy: False" in done.stdout
