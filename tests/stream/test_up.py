"""``seaguard broker`` and ``seaguard up`` as a newcomer runs them: one command, an address
and a map to use from another terminal, a clean stop on Ctrl-C."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.http import http_get

pytestmark = pytest.mark.kafka


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "stream", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(p: subprocess.Popen[str], pattern: str, timeout_s: float = 60) -> re.Match[str]:
    assert p.stderr is not None
    deadline, seen = time.monotonic() + timeout_s, ""
    while time.monotonic() < deadline:
        line = p.stderr.readline()
        seen += line
        if m := re.search(pattern, seen):
            return m
        assert line or p.poll() is None, seen
    raise AssertionError(f"no {pattern!r} in: {seen}")


def _tansu_logs() -> set[Path]:
    import tempfile

    return set(Path(tempfile.gettempdir()).glob("tansu-*.log"))


def test_up_serves_alerts_and_a_map_then_stops_cleanly_on_ctrl_c() -> None:
    logs_before = _tansu_logs()
    p = _start(
        "up", "--port", "0", "--map-port", "0", "--scenario", "all", "--speed", "0", "--hours", "6"
    )
    try:
        m = _wait_for(
            p, r"broker (127\.0\.0\.1:\d+), service running, map (http://\S+)[\s\S]*Ctrl-C"
        )
        bootstrap, map_url = m.group(1), m.group(2)
        assert f"seaguard alerts --follow --bootstrap-servers {bootstrap}" in m.group(0)
        deadline, out = time.monotonic() + 120, ""
        while time.monotonic() < deadline and '"alert_id"' not in out:
            time.sleep(2)
            r = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "stream",
                    "alerts",
                    "--bootstrap-servers",
                    bootstrap,
                    "--format",
                    "json",
                ],
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert r.returncode == 0, r.stderr
            out = r.stdout
        assert '"alert_id"' in out, "alerts from the published scenario reach the alert topic"
        status, body = http_get(map_url + "healthz")
        assert status == 200, body
    finally:
        p.send_signal(signal.SIGINT)
        rc = p.wait(60)
    assert rc == 0
    assert p.stderr is not None and "Traceback" not in p.stderr.read()
    assert _tansu_logs() <= logs_before  # the broker's log went with it


def test_broker_alone_and_a_busy_port() -> None:
    p = _start("broker", "--port", "0")
    try:
        m = _wait_for(p, r"seaguard broker on (127\.0\.0\.1:(\d+))")
        port = int(m.group(2))
        with socket.create_connection(("127.0.0.1", port), 2):
            pass
        busy = subprocess.run(
            [sys.executable, "-m", "stream", "broker", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert busy.returncode == 2
        lines = busy.stderr.strip().splitlines()
        assert len(lines) == 1 and f"127.0.0.1:{port}" in lines[0] and "--port" in lines[0]
    finally:
        p.send_signal(signal.SIGTERM)
        assert p.wait(30) == 0
