"""Health and metrics over HTTP for ``monitor run`` (ops: container probes, Prometheus).

``GET /healthz``: 200 with a JSON summary (sources, failing sources with their last error,
deliveries owed and dead, docket coverage gaps of the last day) when the database answers;
503 with the reason when it does not.
``GET /metrics``: Prometheus text — gauges read from the database at scrape time (sources by
state, consecutive failures per source, deliveries by state) plus the process's own counters.
Served by a stdlib WSGI server on a daemon thread; it reads the database through its own
connections and never touches the scheduler. Holds no business rules.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CollectorRegistry, Counter, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import func, select

from monitor.errors import MonitorError
from monitor.pipeline import utcnow
from monitor.store import Store
from monitor.store.dockets import list_gaps
from monitor.store.schema import deliveries
from monitor.store.sources import list_sources

GAPS_SHOWN = timedelta(days=1)  # /healthz lists docket coverage gaps detected this recently

log = logging.getLogger(__name__)

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def read_status(store: Store) -> dict[str, Any]:
    """What /healthz reports; raises StoreError when the database does not answer."""
    with store.begin(commit=False) as conn:
        rows = list_sources(conn)
        gaps = list_gaps(conn, since=utcnow() - GAPS_SHOWN, limit=20)
        states: dict[str, int] = dict(
            conn.execute(
                select(deliveries.c.state, func.count()).group_by(deliveries.c.state)
            ).all()
        )
    failing = [
        {"source": r.name, "consecutive_failures": r.consecutive_failures, "error": r.last_error}
        for r in rows
        if r.consecutive_failures
    ]
    owed = sum(states.get(s, 0) for s in ("pending", "sending", "failed"))
    return {
        "status": "ok",
        "sources": len(rows),
        "failing": failing,
        "deliveries_owed": owed,
        "deliveries_dead": states.get("dead", 0),
        "coverage_gaps": [{"source": g.source, "gap": g.describe()} for g in gaps],
    }


class _StoreCollector:
    """Gauges computed from the database at each scrape."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def collect(self) -> Iterator[Metric]:
        try:
            status = read_status(self._store)
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

    def __init__(self, store: Store) -> None:
        self.registry = CollectorRegistry()
        self.polls = Counter(
            "monitor_polls", "Polls by outcome", ["outcome"], registry=self.registry
        )
        self.sent = Counter("monitor_alerts_sent", "Messages sent", registry=self.registry)
        self.registry.register(_StoreCollector(store))


def _app(
    store: Store, metrics: Metrics
) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    def app(environ: dict[str, Any], start: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/metrics":
            start("200 OK", [("Content-Type", "text/plain; version=0.0.4")])
            return [generate_latest(metrics.registry)]
        if path == "/healthz":
            try:
                body, code = read_status(store), "200 OK"
            except MonitorError as exc:
                body, code = {"status": "error", "error": str(exc)}, "503 Service Unavailable"
            start(code, [("Content-Type", "application/json")])
            return [json.dumps(body).encode()]
        start("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found: try /healthz or /metrics\n"]

    return app


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        log.debug("health: " + format, *args)


class HealthServer:
    """Serves /healthz and /metrics on ``host:port`` from a daemon thread."""

    def __init__(self, store: Store, metrics: Metrics, host: str, port: int) -> None:
        self._server: WSGIServer = make_server(
            host, port, _app(store, metrics), handler_class=_QuietHandler
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
