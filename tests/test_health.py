"""/healthz and /metrics of ``monitor run``: a broken feed is visible to ops while the
others are polled, and the endpoints answer from the real database."""

from __future__ import annotations

import json
import re
import signal
from pathlib import Path
from typing import Any

from clirun import ok, start
from feedgen import rss, story, write_config
from feedserver import FeedServer
from probe import get, wait_for

from monitor.health import HealthCheck
from monitor.store import Store
from monitor.store.db import upgrade

HEALTH = "  health:\n    host: 127.0.0.1\n    port: 0\n"


def test_health_and_metrics_show_a_failing_source(feed_server: FeedServer, tmp_path: Path) -> None:
    feed_server.set_feed("/a.xml", rss([story(1, "Clearview AI fined again")]))
    feed_server.set_error("/broken.xml", 500)
    config = write_config(
        tmp_path, {"wire": feed_server.url("/a.xml"), "broken": feed_server.url("/broken.xml")}
    )
    text = config.read_text().replace("settings:\n", "settings:\n" + HEALTH, 1)
    config.write_text(text)
    ok("db", "upgrade", "--config", str(config))
    proc, stdout, stderr = start("run", "--config", str(config))
    try:
        stderr.wait_for("/healthz", timeout=60)
        port = re.search(r"http://127\.0\.0\.1:(\d+)/healthz", stderr.text())
        assert port is not None
        base = f"http://127.0.0.1:{port.group(1)}"
        status = wait_for(lambda: _failing(base))
        stdout.wait_for("Clearview AI fined again", timeout=60)
        code, metrics = get(f"{base}/metrics")
        missing_code, _ = get(f"{base}/nope")
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    finally:
        proc.kill()
    assert status["sources"] == 2
    assert status["status"] == "degraded"
    assert status["reasons"] == ["1 of 2 sources failing"]
    assert [(f["source"], f["error"]) for f in status["failing"]] == [
        ("broken", "HTTP 500 Internal Server Error")
    ]
    assert code == 200
    assert 'monitor_sources{state="failing"} 1.0' in metrics
    assert 'monitor_source_consecutive_failures{source="broken"} 1.0' in metrics
    assert 'monitor_polls_total{outcome="failed"} 1.0' in metrics
    assert missing_code == 404
    assert "Clearview AI fined again" in stdout.text()


def _failing(base: str) -> dict[str, Any] | None:
    code, body = get(f"{base}/healthz")
    status: dict[str, Any] = json.loads(body)
    return status if code == 200 and status["failing"] else None


def test_health_is_degraded_while_worker_processes_cannot_start(db_url: str) -> None:
    store = Store(db_url)
    upgrade(store.engine)
    store.close()
    down = HealthCheck(db_url, lambda: _DOWN)
    up = HealthCheck(db_url)
    try:
        assert down.status() == (
            200,
            {**up.status()[1], "status": "degraded", "reasons": ["worker pool: " + _DOWN]},
        )
        assert up.status()[1]["status"] == "ok"
    finally:
        down.close()
        up.close()


_DOWN = "cannot start a worker process: out of memory"


def test_readyz_needs_a_current_schema_and_a_running_scheduler(db_url: str) -> None:
    stopped = HealthCheck(db_url, scheduler_running=lambda: False)
    try:
        code, body = stopped.readiness()
        assert code == 503 and body["ready"] is False
        assert body["reasons"][0].startswith("database schema at nothing, code needs ")
        assert body["reasons"][1] == "the scheduler is not running"
        store = Store(db_url)
        upgrade(store.engine)
        store.close()
        assert stopped.readiness() == (
            503,
            {"ready": False, "reasons": ["the scheduler is not running"]},
        )
    finally:
        stopped.close()
    running = HealthCheck(db_url)
    try:
        assert running.readiness() == (200, {"ready": True, "reasons": []})
    finally:
        running.close()


def test_readyz_is_503_when_the_database_does_not_answer(tmp_path: Path) -> None:
    check = HealthCheck("postgresql://monitor@127.0.0.1:1/monitor")  # nothing listens there
    try:
        code, body = check.readiness()
    finally:
        check.close()
    assert code == 503 and body["ready"] is False and "127.0.0.1" in body["reasons"][0]


def test_run_serves_readyz_beside_healthz(feed_server: FeedServer, tmp_path: Path) -> None:
    feed_server.set_feed("/a.xml", rss([story(1, "Clearview AI fined again")]))
    config = write_config(tmp_path, {"wire": feed_server.url("/a.xml")})
    config.write_text(config.read_text().replace("settings:\n", "settings:\n" + HEALTH, 1))
    ok("db", "upgrade", "--config", str(config))
    proc, _, stderr = start("run", "--config", str(config))
    try:
        stderr.wait_for("/healthz", timeout=60)
        port = re.search(r"http://127\.0\.0\.1:(\d+)/healthz", stderr.text())
        assert port is not None
        base = f"http://127.0.0.1:{port.group(1)}"
        ready = wait_for(lambda: get(f"{base}/readyz")[0] == 200 and get(f"{base}/readyz"))
        health = get(f"{base}/healthz")
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    finally:
        proc.kill()
    assert json.loads(ready[1]) == {"ready": True, "reasons": []}
    assert health[0] == 200 and json.loads(health[1])["status"] == "ok"
