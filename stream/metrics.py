"""Prometheus metrics and the health/metrics HTTP endpoint of the service."""

from __future__ import annotations

import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from stream.errors import ConfigError

__all__ = ["Metrics", "serve_http"]

log = logging.getLogger(__name__)

# Failures in a row of a batch after which /readyz says not ready: one or two are a broker
# election or a Redis failover riding through; three (about 3.5 s of backoff) are an outage.
NOT_READY_AFTER_FAILURES = 3


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
        self.state_lost = Counter(
            "seaguard_state_lost_total",
            "Times the shared state was found gone (Redis restarted without persistence)",
            registry=r,
        )
        self.failing_batches = Gauge(
            "seaguard_batch_consecutive_failures",
            "Failures in a row of the batch being retried (0: the last batch committed)",
            registry=r,
        )
        self.failing_seconds = Gauge(
            "seaguard_batch_failing_seconds",
            "How long batches have kept failing (age of the oldest uncommitted records)",
            registry=r,
        )
        self.last_poll = time.monotonic()
        self.ready = False
        self.failures = 0
        self.failing_since: float | None = None
        self.failure_reason = ""

    def batch_ok(self) -> None:
        self.failures = 0
        self.failing_since = None
        self.failure_reason = ""
        self.failing_batches.set(0)
        self.failing_seconds.set(0)

    def batch_failed(self, reason: str) -> int:
        """Count a failed batch; returns the failures in a row."""
        now = time.monotonic()
        self.batch_failures.inc()
        self.failures += 1
        if self.failing_since is None:
            self.failing_since = now
        self.failure_reason = reason
        self.failing_batches.set(self.failures)
        self.failing_seconds.set(now - self.failing_since)
        return self.failures

    def readiness(self) -> tuple[bool, str]:
        """Ready: joined the group, and batches are not failing again and again."""
        if not self.ready:
            return False, "not ready: no partitions assigned\n"
        if self.failures >= NOT_READY_AFTER_FAILURES:
            since = time.monotonic() - (self.failing_since or time.monotonic())
            return False, (
                f"not ready: {self.failures} batch failures in a row for {since:.0f}s "
                f"({self.failure_reason[:200]})\n"
            )
        return True, "ready\n"


MAX_HTTP_CONNECTIONS = 32  # probes and a scraper or two; more is a misbehaving client


class _BoundedHTTPServer(ThreadingHTTPServer):
    """A thread per connection, at most MAX_HTTP_CONNECTIONS at once: the rest are closed
    at once instead of each holding a thread (idle ones time out after Handler.timeout)."""

    daemon_threads = True

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._slots = threading.BoundedSemaphore(MAX_HTTP_CONNECTIONS)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


def serve_http(metrics: Metrics, host: str, port: int) -> ThreadingHTTPServer:
    """/healthz (alive: the poll loop ran in the last 60 s), /readyz (joined the group),
    /metrics (Prometheus text). Binds to loopback unless told otherwise."""

    class Handler(BaseHTTPRequestHandler):
        timeout = 10  # an idle or half-sent request does not hold its thread for ever

        def do_GET(self) -> None:
            if self.path == "/metrics":
                body = generate_latest(metrics.registry)
                self._send(200, body, CONTENT_TYPE_LATEST)
            elif self.path == "/healthz":
                ok = time.monotonic() - metrics.last_poll < 60
                self._send(200 if ok else 503, b"ok\n" if ok else b"stalled\n")
            elif self.path == "/readyz":
                ok, why = metrics.readiness()
                self._send(200 if ok else 503, why.encode())
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

    try:
        srv = _BoundedHTTPServer((host, port), Handler)
    except OSError as exc:  # a busy port is the operator's to change, not a crash
        raise ConfigError(
            f"cannot serve health and metrics on {host}:{port}: {exc.strerror or exc} "
            "(set --http-port or SEAGUARD_HTTP_PORT; 0 picks a free port)"
        ) from None
    threading.Thread(target=srv.serve_forever, name="seaguard-http", daemon=True).start()
    log.info("health and metrics on http://%s:%d", host, srv.server_address[1])
    return srv
