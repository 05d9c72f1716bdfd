"""``seaguard demo`` as the README runs it: embedded broker, bundled scenario, alerts, exit 0."""

import subprocess
import sys


def test_demo_prints_alerts_through_the_embedded_broker() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "stream", "demo", "--hours", "12", "--seed", "3"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    out = r.stdout
    assert "embedded broker on 127.0.0.1:" in out and "published" in out
    rows = [ln for ln in out.splitlines() if ln[:4] == "2025"]  # one row per alert message
    assert len(rows) >= 15
    for typ in ("crossing_pattern", "encounter", "ais_gap", "duplicate_identity"):
        assert typ in out
    assert "detection quality against the scenario's truth" in out
    overall = next(ln for ln in out.splitlines() if ln.startswith("overall"))
    assert overall.split()[5] == "1.000"  # recall over every labelled event
    assert out.rstrip().endswith("demo finished: broker stopped")
