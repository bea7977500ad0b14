"""How many worker processes parse and record feeds by default (monitor.app.worker_count):
one fewer than the CPUs, as the poller's own process parses too, and at least one."""

from __future__ import annotations

import os
from pathlib import Path

from monitor.app import MAX_DEFAULT_WORKERS, available_cpus, worker_count

AFFINITY = len(os.sched_getaffinity(0))


def cpu_max(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cpu.max"
    path.write_text(text)
    return path


def test_a_container_cpu_quota_bounds_the_workers(tmp_path: Path) -> None:
    half_a_cpu = cpu_max(tmp_path, "50000 100000\n")  # docker run --cpus 0.5
    assert available_cpus(half_a_cpu) == 1
    assert worker_count(None, cpu_max=half_a_cpu) == 1  # never none: feedparser runs there

    one_and_a_half = cpu_max(tmp_path, "150000 100000\n")
    assert available_cpus(one_and_a_half) == min(2, AFFINITY)


def test_without_a_quota_the_cpus_this_process_may_use_count(tmp_path: Path) -> None:
    assert available_cpus(cpu_max(tmp_path, "max 100000\n")) == AFFINITY
    assert available_cpus(tmp_path / "absent") == AFFINITY
    assert available_cpus(cpu_max(tmp_path, "garbage")) == AFFINITY
    expected = max(1, min(AFFINITY - 1, MAX_DEFAULT_WORKERS))  # the poller's process parses too
    assert worker_count(None, cpu_max=tmp_path / "absent") == expected


def test_the_setting_wins_over_the_cpus(tmp_path: Path) -> None:
    assert worker_count(12, cpu_max=cpu_max(tmp_path, "50000 100000\n")) == 12
