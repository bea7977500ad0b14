"""Running the real ``monitor`` command from end-to-end tests (each call a fresh process, so a
second call is also a restart)."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from typing import IO

import pytest


def monitor(
    *args: str, env: dict[str, str] | None = None, timeout: float = 90
) -> subprocess.CompletedProcess[str]:
    """Run ``monitor ARGS``; returns the finished process (never raises on its exit code).
    The caller's DATABASE_URL is dropped so each test's config names its own database."""
    full_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
        check=False,
    )


def start(
    *args: str, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], Lines, Lines]:
    """Start ``monitor ARGS`` in the background (a service): the process and collectors of
    its stdout and stderr lines (``env`` added to ours). The caller stops it."""
    env = {**{k: v for k, v in os.environ.items() if k != "DATABASE_URL"}, **(env or {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    return proc, Lines(proc.stdout), Lines(proc.stderr)


def ok(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``monitor ARGS`` and fail the test, showing its stderr, unless it exits 0."""
    result = monitor(*args)
    assert result.returncode == 0, f"monitor {' '.join(args)} failed:\n{result.stderr}"
    return result


class Lines:
    """Collects a process's output lines on a thread, so a test can wait for one."""

    def __init__(self, stream: IO[str] | None) -> None:
        assert stream is not None
        self._stream = stream
        self._queue: queue.Queue[str] = queue.Queue()
        self._seen: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self._stream:
            self._queue.put(line)

    def wait_for(self, needle: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.text():
            try:
                self._seen.append(self._queue.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                pytest.fail(f"never saw {needle!r}; stdout so far:\n{self.text()}")

    def text(self) -> str:
        while not self._queue.empty():
            self._seen.append(self._queue.get())
        return "".join(self._seen)
