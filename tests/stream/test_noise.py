"""The noise report: vessel-hours heard, and alerts per 1000 of them on real recordings."""

import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from stream.models import Position
from stream.noise import heard_vessel_hours, noise_of_file
from stream.settings import load_settings
from tests.builders import T0

RECORDINGS = [
    "suez_evergiven_20210320-22_early.csv",
    "debs2018_ceuta_single_vessel_apr2015.csv",
    "marinecadastre_us_20220103_first99999.csv.gz",
]


def _fix(vessel: str, minutes: float) -> Position:
    return Position(vessel=vessel, ts_ms=int(T0 + minutes * 60_000), lat=35.0, lon=14.0)


def test_vessel_hours_count_only_time_heard() -> None:
    # a: 30 min heard; b: silent 10 h between two fixes counts as one hour, then 30 min
    recs = [_fix("a", 0), _fix("a", 30), _fix("b", 0), _fix("b", 600), _fix("b", 630)]
    assert heard_vessel_hours(sorted(recs, key=lambda r: r.ts_ms)) == pytest.approx(2.0)


@pytest.mark.parametrize("name", RECORDINGS)
def test_real_recordings_stay_under_the_watch_floor_noise_target(ais_dir: Path, name: str) -> None:
    report = noise_of_file(ais_dir / name, load_settings(env={}))
    d = report.to_dict()
    assert d["vessel_hours"] >= 100
    assert d["medium_or_above_per_1000_vh"] <= 5.0, d
    assert d["critical"] == 0, d


def test_noise_cli_prints_json_and_a_table(ais_dir: Path) -> None:
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "stream",
            "evaluate",
            "--noise",
            str(ais_dir / "debs2018_ceuta_single_vessel_apr2015.csv"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    (row,) = orjson.loads(r.stdout)
    assert row["vessels"] == 1 and row["vessel_hours"] > 100
    assert "per 1000 vh" in r.stderr and "Traceback" not in r.stderr
