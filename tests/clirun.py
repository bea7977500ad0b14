"""Running the real ``monitor`` command from end-to-end tests (each call a fresh process, so a
second call is also a restart)."""

from __future__ import annotations

import os
import subprocess
import sys


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


def ok(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``monitor ARGS`` and fail the test, showing its stderr, unless it exits 0."""
    result = monitor(*args)
    assert result.returncode == 0, f"monitor {' '.join(args)} failed:\n{result.stderr}"
    return result
