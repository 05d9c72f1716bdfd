"""Detection quality on the project's own simulator: every labelled event found, nothing else."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from stream.app import build_pipeline
from stream.evaluate import evaluate
from stream.replay import load_records, replay
from stream.settings import load_settings
from stream.sim import SCENARIOS, simulate
from stream.sinks import ListSink


def run_replay(positions: list[dict[str, object]], tmp: Path) -> list[dict[str, object]]:
    f = tmp / "positions.ndjson"
    f.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in positions))
    sink = ListSink()
    replay(load_records([f]), build_pipeline(load_settings(env={})), sink)
    return [a.to_dict() for a in sink.alerts]


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6, 7, 8])
def test_every_scenario_found_and_nothing_else(seed: int, tmp_path: Path) -> None:
    positions, truth = simulate(["all"], seed=seed, hours=12)
    assert {t["scenario"] for t in truth} == set(SCENARIOS)
    res = evaluate(truth, run_replay(positions, tmp_path))
    for typ, r in res["types"].items():
        assert r["recall"] in (1.0, None), (typ, r)
        assert r["false_alerts"] == 0, (typ, r)


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_clean_background_traffic_raises_no_alert(seed: int, tmp_path: Path) -> None:
    positions, truth = simulate(["background"], seed=seed, hours=24)
    assert truth == [] and len(positions) > 10_000
    assert run_replay(positions, tmp_path) == []


def test_simulate_and_evaluate_cli(tmp_path: Path) -> None:
    def sg(*a: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "stream", *a], capture_output=True, text=True, timeout=300
        )

    r = sg(
        "simulate",
        "--scenario",
        "aegean_crossing,going_dark",
        "--seed",
        "3",
        "--hours",
        "10",
        "--out",
        str(tmp_path),
    )
    assert r.returncode == 0, r.stderr
    truth = [json.loads(x) for x in (tmp_path / "truth.ndjson").read_text().splitlines()]
    assert {t["type"] for t in truth} == {
        "crossing_pattern",
        "line_crossing",
        "zone_entry",
        "ais_gap",
    }
    assert (
        sg(
            "replay", str(tmp_path / "positions.ndjson"), "--out", str(tmp_path / "alerts.ndjson")
        ).returncode
        == 0
    )
    r = sg(
        "evaluate",
        "--truth",
        str(tmp_path / "truth.ndjson"),
        "--alerts",
        str(tmp_path / "alerts.ndjson"),
        "--positions",
        str(tmp_path / "positions.ndjson"),
    )
    assert r.returncode == 0
    res = json.loads(r.stdout)
    assert res["overall"]["recall"] == 1.0 and res["overall"]["precision"] == 1.0
    assert res["vessel_hours"] > 100 and "recall" in r.stderr  # the table
    assert sg("simulate", "--scenario", "nope", "--out", str(tmp_path)).returncode == 2
