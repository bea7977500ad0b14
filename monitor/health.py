"""Health and metrics over HTTP for ``monitor run`` (ops: container probes, Prometheus).

``GET /healthz``: 200 with a JSON summary (sources, failing sources with their last error,
sources with a warning, deliveries owed and dead, docket coverage gaps of the last day) when
the database answers: ``status`` is ``ok``, or ``degraded`` with ``reasons`` (failing
sources, a worker pool that cannot start workers); 503 with the reason when the database
does not answer. It answers within ``HEALTH_DEADLINE_S`` whatever the database does: it
reads through its own engine with short timeouts (never the poller's busy timeout) on a
thread it waits for only that long.
``GET /readyz``: 200 ``{"ready": true, ...}`` when the database answers, its schema is at the
code's migration head and the scheduler runs; else 503 with ``ready: false`` and the
``reasons`` (a replica is alive while it migrates or waits for the database, ready only
once it can work). Answers within the same deadline.
``GET /metrics``: Prometheus text — gauges read the same way at scrape time (sources by
state, consecutive failures per source, deliveries by state) plus the process's counters.
Served by a stdlib WSGI server on a daemon thread; it never touches the scheduler. Holds no
business rules.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import timedelta
from typing import Any, TypeVar
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CollectorRegistry, Counter, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import Connection, func, select
from sqlalchemy.exc import SQLAlchemyError

from monitor.errors import MonitorError, StoreError
from monitor.pipeline import utcnow
from monitor.store import Store
from monitor.store.db import code_head, make_probe_engine, redact_url, schema_revision
from monitor.store.dockets import list_gaps
from monitor.store.schema import deliveries
from monitor.store.sources import list_sources

GAPS_SHOWN = timedelta(days=1)  # /healthz lists docket coverage gaps detected this recently
HEALTH_DEADLINE_S = 1.5  # /healthz answers within this (plus the HTTP round trip)

log = logging.getLogger(__name__)
T = TypeVar("T")

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def read_status(store: Store) -> dict[str, Any]:
    """What /healthz reports from the database (``status`` is ``ok`` or ``degraded`` by the
    sources alone); raises StoreError when the database does not answer."""
    with store.begin(commit=False) as conn:
        return status_from(conn)


def status_from(conn: Connection) -> dict[str, Any]:
    """The /healthz summary read within ``conn``."""
    rows = list_sources(conn)
    gaps = list_gaps(conn, since=utcnow() - GAPS_SHOWN, limit=20)
    states: dict[str, int] = dict(
        conn.execute(select(deliveries.c.state, func.count()).group_by(deliveries.c.state)).all()
    )
    failing = [
        {"source": r.name, "consecutive_failures": r.consecutive_failures, "error": r.last_error}
        for r in rows
        if r.consecutive_failures
    ]
    owed = sum(states.get(s, 0) for s in ("pending", "sending", "failed"))
    reasons = [f"{len(failing)} of {len(rows)} sources failing"] if failing else []
    return {
        "status": "degraded" if reasons else "ok",
        "reasons": reasons,
        "sources": len(rows),
        "failing": failing,
        "warnings": [{"source": r.name, "warning": r.last_warning} for r in rows if r.last_warning],
        "deliveries_owed": owed,
        "deliveries_dead": states.get("dead", 0),
        "coverage_gaps": [{"source": g.source, "gap": g.describe()} for g in gaps],
    }


class HealthCheck:
    """Reads the status through an engine of its own with short timeouts, on one thread
    that a request waits for at most ``deadline`` seconds (a request that finds a read in
    flight waits for that read). ``pool_health`` says why the worker pool is down, if it is."""

    def __init__(
        self,
        url: str,
        pool_health: Callable[[], str | None] = lambda: None,
        *,
        deadline: float = HEALTH_DEADLINE_S,
        scheduler_running: Callable[[], bool] = lambda: True,
    ) -> None:
        self._url = url
        self._engine = make_probe_engine(url)
        self._pool_health = pool_health
        self._scheduler_running = scheduler_running
        self._head = code_head(self._engine)
        self._deadline = deadline
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="health")
        self._lock = threading.Lock()
        self._pending: Future[dict[str, Any]] | None = None

    def status(self) -> tuple[int, dict[str, Any]]:
        """(HTTP status, JSON body) for /healthz."""
        try:
            body = self.read()
        except StoreError as exc:
            return 503, {"status": "error", "error": str(exc)}
        pool = self._pool_health()
        if pool is not None:
            body["status"] = "degraded"
            body["reasons"].append(f"worker pool: {pool}")
        return 200, body

    def read(self) -> dict[str, Any]:
        """The database's part of the status; raises StoreError when it does not answer
        within the deadline."""
        with self._lock:
            if self._pending is None or self._pending.done():
                self._pending = self._reader.submit(self._read)
            pending = self._pending
        return self._wait(pending)

    def readiness(self) -> tuple[int, dict[str, Any]]:
        """(HTTP status, JSON body) for /readyz: 200 when the database answers, its schema
        is current and the scheduler runs; else 503 with the reasons."""
        reasons = []
        try:
            schema = self._wait(self._reader.submit(self._read_schema))
        except StoreError as exc:
            reasons.append(str(exc))
        else:
            if schema != self._head:
                reasons.append(f"database schema at {schema or 'nothing'}, code needs {self._head}")
        if not self._scheduler_running():
            reasons.append("the scheduler is not running")
        body = {"ready": not reasons, "reasons": reasons}
        return (200 if not reasons else 503), body

    def _wait(self, pending: Future[T]) -> T:
        try:
            return pending.result(timeout=self._deadline)
        except FutureTimeout:
            raise StoreError(
                f"database {redact_url(self._url)} did not answer within {self._deadline:g}s"
            ) from None

    def _read_schema(self) -> str | None:
        try:
            with self._engine.connect() as conn:
                return schema_revision(conn)
        except SQLAlchemyError as exc:
            reason = getattr(exc, "orig", None) or exc
            raise StoreError(f"database {redact_url(self._url)}: {reason}") from exc

    def _read(self) -> dict[str, Any]:
        try:
            with self._engine.connect() as conn, conn.begin():
                return status_from(conn)
        except SQLAlchemyError as exc:
            reason = getattr(exc, "orig", None) or exc
            raise StoreError(f"database {redact_url(self._url)}: {reason}") from exc

    def close(self) -> None:
        self._reader.shutdown(wait=False, cancel_futures=True)
        self._engine.dispose()


class _StoreCollector:
    """Gauges computed from the database at each scrape."""

    def __init__(self, check: HealthCheck) -> None:
        self._check = check

    def collect(self) -> Iterator[Metric]:
        try:
            status = self._check.read()
        except MonitorError:
            return
        failing = {f["source"]: f["consecutive_failures"] for f in status["failing"]}
        by_state = GaugeMetricFamily("monitor_sources", "Active sources by state", labels=["state"])
        by_state.add_metric(["failing"], len(failing))
        by_state.add_metric(["ok"], status["sources"] - len(failing))
        yield by_state
        failures = GaugeMetricFamily(
            "monitor_source_consecutive_failures", "Failed polls in a row", labels=["source"]
        )
        for name, count in failing.items():
            failures.add_metric([name], count)
        yield failures
        owed = GaugeMetricFamily("monitor_deliveries", "Outbox rows by state", labels=["state"])
        owed.add_metric(["owed"], status["deliveries_owed"])
        owed.add_metric(["dead"], status["deliveries_dead"])
        yield owed


class Metrics:
    """The process's counters and the registry /metrics serves."""

    def __init__(self, check: HealthCheck) -> None:
        self.registry = CollectorRegistry()
        self.polls = Counter(
            "monitor_polls", "Polls by outcome", ["outcome"], registry=self.registry
        )
        self.sent = Counter("monitor_alerts_sent", "Messages sent", registry=self.registry)
        self.registry.register(_StoreCollector(check))


def _app(
    check: HealthCheck, metrics: Metrics
) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    def app(environ: dict[str, Any], start: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/metrics":
            start("200 OK", [("Content-Type", "text/plain; version=0.0.4")])
            return [generate_latest(metrics.registry)]
        if path in ("/healthz", "/readyz"):
            code, body = check.status() if path == "/healthz" else check.readiness()
            status = "200 OK" if code == 200 else "503 Service Unavailable"
            start(status, [("Content-Type", "application/json")])
            return [json.dumps(body).encode()]
        start("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found: try /healthz, /readyz or /metrics\n"]

    return app


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        log.debug("health: " + format, *args)


class HealthServer:
    """Serves /healthz and /metrics on ``host:port`` from a daemon thread."""

    def __init__(self, check: HealthCheck, metrics: Metrics, host: str, port: int) -> None:
        self._server: WSGIServer = make_server(
            host, port, _app(check, metrics), handler_class=_QuietHandler
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
