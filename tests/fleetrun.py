"""Several real ``monitor run`` processes on one database, for the fleet tests: start them
at once, wait until each is up (or has died), stop them all, read what each logged."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from clirun import Lines, start


@dataclass
class Replica:
    proc: subprocess.Popen[str]
    stdout: Lines
    stderr: Lines
    stopping: bool = False

    def stop(self, timeout: float = 60) -> int:
        """SIGTERM (once), then wait; returns the exit code (killed after ``timeout``)."""
        if self.proc.poll() is None and not self.stopping:
            self.proc.send_signal(signal.SIGTERM)
        self.stopping = True
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


class Fleet:
    """``count`` replicas of ``monitor run ARGS``, started back to back."""

    def __init__(self, count: int, *args: str, env: dict[str, str] | None = None) -> None:
        self.replicas = [Replica(*start("run", *args, env=env)) for _ in range(count)]

    def wait_running(self, timeout: float = 90) -> None:
        """Wait until every replica logged that it runs; fail showing the logs of any that
        exited first."""
        deadline = time.monotonic() + timeout
        for i, replica in enumerate(self.replicas):
            while "monitor running" not in replica.stderr.text():
                if replica.proc.poll() is not None:
                    time.sleep(0.5)  # let the last lines arrive
                    pytest.fail(f"replica {i} exited {replica.proc.returncode}:\n{self.logs()}")
                if time.monotonic() > deadline:
                    pytest.fail(f"replica {i} did not come up:\n{self.logs()}")
                time.sleep(0.1)

    def stop(self) -> list[int]:
        for replica in self.replicas:
            if replica.proc.poll() is None and not replica.stopping:
                replica.proc.send_signal(signal.SIGTERM)
                replica.stopping = True
        return [r.stop() for r in self.replicas]

    def logs(self) -> str:
        return "\n".join(
            f"--- replica {i} ---\n{r.stderr.text()}" for i, r in enumerate(self.replicas)
        )

    def __enter__(self) -> Fleet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def fleet_config(
    tmp: Path,
    database_url: str,
    sources: dict[str, str],
    *,
    interval: str = "1h",
    settings: Sequence[str] = (),
    extra: str = "",
) -> Path:
    """A feeds.yaml on ``database_url`` with ``sources`` (name → URL) polled every
    ``interval``, a Clearview AI topic, and ``extra`` YAML (notifiers, routes) appended."""
    lines = [
        "settings:",
        f"  database_url: {database_url}",
        f"  default_interval: {interval}",
        "  backfill: all",
        "  workers: 1",
        "  http:",
        "    deadline: 10s",
        *(f"  {line}" for line in settings),
        "sources:",
    ]
    for name, url in sources.items():
        lines += [f"  - name: {name}", f"    url: {url}"]
    lines += ["topics:", "  - name: clearview", '    terms: ["Clearview AI"]']
    path = tmp / "feeds.yaml"
    path.write_text("\n".join(lines) + "\n" + extra)
    return path
