"""Prometheus metrics and the health/metrics HTTP endpoint of the service."""

from __future__ import annotations

import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

__all__ = ["Metrics", "serve_http"]

log = logging.getLogger(__name__)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.records_in = Counter(
            "seaguard_records_in_total", "Records consumed", ["topic"], registry=r
        )
        self.rejects = Counter(
            "seaguard_records_rejected_total",
            "Records rejected (sent to the dead-letter topic)",
            ["reason"],
            registry=r,
        )
        self.alerts = Counter(
            "seaguard_alerts_total", "Alert messages published", ["type"], registry=r
        )
        self.batches = Counter("seaguard_batches_total", "Batches committed", registry=r)
        self.batch_failures = Counter(
            "seaguard_batch_failures_total",
            "Batches rolled back (broker or Redis trouble)",
            registry=r,
        )
        self.batch_seconds = Histogram(
            "seaguard_batch_seconds",
            "Batch processing latency",
            registry=r,
            buckets=(0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.lag = Gauge(
            "seaguard_consumer_lag",
            "Records behind the end of the partition",
            ["partition"],
            registry=r,
        )
        self.assigned = Gauge("seaguard_assigned_partitions", "Partitions assigned", registry=r)
        self.last_poll = time.monotonic()
        self.ready = False


def serve_http(metrics: Metrics, host: str, port: int) -> ThreadingHTTPServer:
    """/healthz (alive: the poll loop ran in the last 60 s), /readyz (joined the group),
    /metrics (Prometheus text). Binds to loopback unless told otherwise."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/metrics":
                body = generate_latest(metrics.registry)
                self._send(200, body, CONTENT_TYPE_LATEST)
            elif self.path == "/healthz":
                ok = time.monotonic() - metrics.last_poll < 60
                self._send(200 if ok else 503, b"ok\n" if ok else b"stalled\n")
            elif self.path == "/readyz":
                self._send(
                    200 if metrics.ready else 503, b"ready\n" if metrics.ready else b"not ready\n"
                )
            else:
                self._send(404, b"not found\n")

        def _send(self, code: int, body: bytes, ctype: str = "text/plain") -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, fmt: str, *args: object) -> None:
            log.debug("http: " + fmt, *args)

    srv = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=srv.serve_forever, name="seaguard-http", daemon=True).start()
    log.info("health and metrics on http://%s:%d", host, srv.server_address[1])
    return srv
