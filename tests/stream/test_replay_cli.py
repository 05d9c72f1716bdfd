"""End-to-end: ``seaguard replay`` as a user runs it (a subprocess)."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

CSV_FILES = [
    "debs2018_ceuta_single_vessel_apr2015.csv",
    "suez_evergiven_20210320-22_early.csv",
    "marinecadastre_us_20220103_first99999.csv.gz",
]


def seaguard(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stream", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
    )


def rows_in(path: Path) -> int:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as fh:  # type: ignore[operator]
        return sum(1 for line in fh if line.strip()) - 1  # minus header


@pytest.mark.parametrize("name", CSV_FILES)
def test_replay_accounts_for_every_csv_row(ais_dir: Path, tmp_path: Path, name: str) -> None:
    out, stats = tmp_path / "alerts.ndjson", tmp_path / "stats.json"
    r = seaguard("replay", str(ais_dir / name), "--out", str(out), "--stats", str(stats))
    assert r.returncode == 0, r.stderr
    s = json.loads(stats.read_text())
    assert s["read"] == rows_in(ais_dir / name)
    assert s["accepted"] + sum(s["rejected"].values()) == s["read"]
    assert s["vessels"] > 0
    alerts = [json.loads(x) for x in out.read_text().splitlines()]
    assert sum(s["alerts"].values()) == len({a["alert_id"] for a in alerts})
    assert "records read" in r.stderr  # the human summary


def test_replay_is_deterministic(ais_dir: Path, tmp_path: Path) -> None:
    f = str(ais_dir / "marinecadastre_us_20220103_first99999.csv.gz")
    a, b = tmp_path / "a.ndjson", tmp_path / "b.ndjson"
    assert seaguard("replay", f, "--out", str(a)).returncode == 0
    assert seaguard("replay", f, "--out", str(b)).returncode == 0
    assert a.read_bytes() == b.read_bytes() and a.stat().st_size > 0


def test_every_alert_is_explainable_and_valid(ais_dir: Path, tmp_path: Path) -> None:
    from tests.schema import validate_alert

    out = tmp_path / "a.ndjson"
    f = ais_dir / "marinecadastre_us_20220103_first99999.csv.gz"
    seaguard("replay", str(f), "--out", str(out))
    alerts = [json.loads(x) for x in out.read_text().splitlines()]
    assert len({a["type"] for a in alerts}) >= 3
    for a in alerts:
        validate_alert(a)


def test_unsorted_input_is_put_in_event_time_order(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {
                "mmsi": 247000001,
                "ts": 1717236000 + 60 * i,
                "lat": 35.45,
                "lon": 14.5 + 0.003 * i,
                "sog": 10,
            }
        )
        for i in range(60)
    ]
    shuffled = lines[::2] + lines[1::2]
    f = tmp_path / "in.ndjson"
    f.write_text("\n".join(shuffled) + "\n")
    out, stats = tmp_path / "a.ndjson", tmp_path / "s.json"
    r = seaguard("replay", str(f), "--out", str(out), "--stats", str(stats))
    assert r.returncode == 0, r.stderr
    s = json.loads(stats.read_text())
    assert s["positions"] == 60 and s["pipeline"].get("late_fixes", 0) == 0
    assert out.read_text() == ""  # a straight, regular track raises nothing


def test_a_time_ordered_feed_streams_and_a_record_beyond_the_window_is_counted(
    tmp_path: Path,
) -> None:
    def fix(minute: int) -> str:
        return json.dumps(
            {
                "mmsi": 247000001,
                "ts": 1717236000 + 60 * minute,
                "lat": 35.45,
                "lon": 14.5,
                "sog": 0.2,
            }
        )

    # in order within a few minutes, and one record 3 h late among 1,000
    minutes = [m + (2 if m % 7 == 0 else 0) for m in range(1000)]
    lines = [fix(m) for m in minutes[:500]] + [fix(300)] + [fix(m) for m in minutes[500:]]
    f = tmp_path / "in.ndjson"
    f.write_text("\n".join(lines) + "\n")
    stats = tmp_path / "s.json"
    r = seaguard("replay", str(f), "--out", str(tmp_path / "a.ndjson"), "--stats", str(stats))
    assert r.returncode == 0, r.stderr
    s = json.loads(stats.read_text())
    assert s["rejected"] == {"late_beyond_window": 1}
    assert s["read"] == s["accepted"] + s["rejected_total"] == 1001
    assert s["pipeline"].get("late_fixes", 0) == 0
    assert s["files"][str(f)]["order"] == "in time order within 10 min"
    r = seaguard("replay", str(f), "--sort", "--out", "-", "--stats", str(stats))
    assert json.loads(stats.read_text())["rejected_total"] == 0


def test_a_file_ordered_by_vessel_is_sorted_with_the_same_alerts(
    ais_dir: Path, tmp_path: Path
) -> None:
    f = ais_dir / "marinecadastre_us_20220103_first99999.csv.gz"  # ordered by MMSI
    runs = {}
    for how in ("stream", "sort"):
        out, stats = tmp_path / f"{how}.ndjson", tmp_path / f"{how}.json"
        extra = ["--sort"] if how == "sort" else ["--report", str(tmp_path / "r.html")]
        r = seaguard("replay", str(f), "--out", str(out), "--stats", str(stats), *extra)
        assert r.returncode == 0, r.stderr
        runs[how] = out.read_text()
        s = json.loads(stats.read_text())
        assert s["rejected_total"] == 0 and s["positions"] == 99_999
    # streamed (sorted on disk) and loaded whole (--report) give the same alerts, in order
    assert runs["stream"] == runs["sort"] and runs["stream"].count("\n") > 10


@pytest.mark.parametrize(
    "content, reason",
    [
        ('{"mmsi": 1, "ts": 17172', "json_invalid"),
        ('{"mmsi": "abc", "ts": 1717236000, "lat": 1, "lon": 1}', "bad_value:mmsi"),
        ('{"mmsi": 247000001, "ts": 1717236000, "lat": 100, "lon": 1}', "lat_out_of_range"),
    ],
)
def test_bad_json_only_fails_with_reason(tmp_path: Path, content: str, reason: str) -> None:
    f = tmp_path / "bad.ndjson"
    f.write_text(content + "\n")
    stats = tmp_path / "s.json"
    r = seaguard("replay", str(f), "--stats", str(stats))
    assert r.returncode == 1
    assert "no usable records" in r.stderr
    assert json.loads(stats.read_text())["rejected"] == {reason: 1}


def test_mixed_good_and_bad_input_succeeds(tmp_path: Path) -> None:
    f = tmp_path / "mixed.ndjson"
    f.write_text(
        '{"mmsi": 247000001, "ts": 1717236000, "lat": 35, "lon": 14}\n'
        "garbage\n\n" + '{"mmsi": 247000001, "ts": 1717236060, "lat": 35, "lon": 14}\n'
    )
    stats = tmp_path / "s.json"
    r = seaguard("replay", str(f), "--stats", str(stats))
    assert r.returncode == 0, r.stderr
    s = json.loads(stats.read_text())
    assert (s["read"], s["accepted"], s["rejected"]) == (3, 2, {"json_invalid": 1})


def test_unknown_csv_layout_empty_and_binary_files(tmp_path: Path) -> None:
    csv = tmp_path / "x.csv"
    csv.write_text("foo,bar\n1,2\n")
    r = seaguard("replay", str(csv))
    assert r.returncode == 1 and "csv_layout_unknown" in r.stderr
    empty = tmp_path / "empty.ndjson"
    empty.write_text("")
    r = seaguard("replay", str(empty))
    assert r.returncode == 1 and "no usable records" in r.stderr
    binf = tmp_path / "blob.bin"
    binf.write_bytes(bytes(range(256)) * 50)
    r = seaguard("replay", str(binf))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    missing = seaguard("replay", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_bad_zone_file_is_a_usage_error(tmp_path: Path) -> None:
    z = tmp_path / "z.geojson"
    z.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", '
        '"properties": {"id": "a", "kind": "moon"}, "geometry": null}]}'
    )
    f = tmp_path / "in.ndjson"
    f.write_text('{"mmsi": 247000001, "ts": 1717236000, "lat": 35, "lon": 14}\n')
    r = seaguard("replay", str(f), "--zones", str(z))
    assert r.returncode == 2
    assert "z.geojson" in r.stderr and "feature #0" in r.stderr and "moon" in r.stderr


def test_zones_cli(tmp_path: Path) -> None:
    r = seaguard("zones", "check", "23.55", "37.85")
    assert r.returncode == 0 and "ts-grc" in r.stdout and "nm" in r.stdout
    r = seaguard("zones", "list")
    assert "bnd-grc-tur-median" in r.stdout and "approx" in r.stdout


def test_replay_report_is_one_self_contained_html_file(tmp_path: Path) -> None:
    from stream.sim import simulate

    positions, _ = simulate(["aegean_crossing"], seed=2, hours=6)
    f = tmp_path / "p.ndjson"
    f.write_text("\n".join(json.dumps(r) for r in positions) + "\n")
    rep = tmp_path / "report.html"
    r = seaguard("replay", str(f), "--out", str(tmp_path / "a.ndjson"), "--report", str(rep))
    assert r.returncode == 0, r.stderr
    page = rep.read_text()
    assert page.startswith("<!doctype html>") and "<svg" in page and "<polygon" in page
    assert "crossing_pattern" in page and "line_crossing" in page  # counts and listing
    assert "http://" not in page.replace("http://www.w3.org", "")  # nothing fetched
    assert page.count("<polyline") >= 10  # tracks


def test_anonymised_ids_are_never_published_as_mmsis(ais_dir: Path, tmp_path: Path) -> None:
    # Suez: small integer ids of an anonymised feed (VesselsValue), plus one track of that
    # feed that jumps 30 nm and carries on (so that there is an alert to look at)
    suez = (ais_dir / "suez_evergiven_20210320-22_early.csv").read_text().splitlines()
    jump = [f"999,20/03/2021 10:{m:02d},32.{30 + m // 5:02d},31.5" for m in range(0, 30, 5)]
    jump += [f"999,20/03/2021 10:{m:02d},32.{30 + m // 5:02d},32.0" for m in range(30, 60, 5)]
    jump += [f"999,20/03/2021 11:{m:02d},32.{42 + m // 5:02d},32.0" for m in range(0, 30, 5)]
    f = tmp_path / "suez_plus.csv"
    f.write_text("\n".join([*suez, *jump]) + "\n")
    out = tmp_path / "a.ndjson"
    r = seaguard("replay", str(f), "--out", str(out))
    assert r.returncode == 0, r.stderr
    alerts = [json.loads(x) for x in out.read_text().splitlines()]
    assert [a["vessel"] for a in alerts] == ["999"]
    assert all(a["mmsi"] is None and a["other_mmsi"] is None for a in alerts)
    assert not [a for a in alerts if a["type"] == "invalid_identity"]


def test_replay_summary_says_how_the_file_was_read(tmp_path: Path) -> None:
    data = Path(__file__).resolve().parents[1] / "data" / "debs2018_layout.csv"
    stats = tmp_path / "s.json"
    r = seaguard(
        "replay",
        str(data),
        "--sog-unit",
        "tenths",
        "--out",
        str(tmp_path / "a"),
        "--stats",
        str(stats),
    )
    assert r.returncode == 0, r.stderr
    s = json.loads(stats.read_text())
    assert s["rejected_total"] == 0 and s["accepted"] == 6
    notes = s["files"][str(data)]["decoded_as"]
    assert notes["sog_unit"] == "tenths (--sog-unit)" and "UTC" in notes["ts_zone"]
    assert "day first, settled by" in r.stderr and "read as UTC" in r.stderr


def test_ctrl_c_leaves_complete_output_and_the_summary_so_far(tmp_path: Path) -> None:
    import signal
    import time

    import orjson

    f = tmp_path / "big.ndjson"
    with f.open("wb") as fh:  # 1.5 M fixes of 300 vessels: several seconds of replay
        for k in range(5000):
            for v in range(300):
                rec = {"mmsi": 247000000 + v, "ts": 1717236000 + 60 * k, "sog": 0.5}
                rec |= {"lat": 35.0 + v / 200, "lon": 14.0 + k / 5000}
                fh.write(orjson.dumps(rec) + b"\n")
    out, stats = tmp_path / "a.ndjson", tmp_path / "s.json"
    p = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "stream",
            "replay",
            str(f),
            "--out",
            str(out),
            "--stats",
            str(stats),
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(4)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 130, err
    assert "Traceback" not in err and "interrupted" in err
    s = json.loads(stats.read_text())
    assert s["interrupted"] is True and 0 < s["positions"] < 1_500_000
    for line in out.read_text().splitlines():  # every line a whole alert
        json.loads(line)
