"""The command line against hostile input and closed pipes, as a user meets it: one clear
line and an exit code, never a traceback."""

from __future__ import annotations

import gzip
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from tests.stream.test_replay_cli import seaguard


@pytest.mark.parametrize("seed", range(6))
def test_random_bytes(tmp_path: Path, seed: int) -> None:
    path = tmp_path / "g.bin"
    path.write_bytes(random.Random(seed).randbytes(4096))
    stats = tmp_path / "s.json"
    r = seaguard("replay", str(path), "--out", str(tmp_path / "a.ndjson"), "--stats", str(stats))
    assert "Traceback" not in r.stderr
    assert r.returncode == 1 and "no usable records" in r.stderr
    s = json.loads(stats.read_text())
    assert s["read"] == s["accepted"] + s["rejected_total"] and s["rejected_total"] > 0


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("magic.ndjson.gz", b"\x1f\x8b", 1),
        ("trunc.ndjson.gz", gzip.compress(b'{"mmsi": 1}\n' * 100)[:40], 1),
        ("utf8.csv", b"\xff\xfe\x00garbage\n\xc3(\n", 1),
        ("header.csv", b"MMSI,BaseDateTime,LAT,LON\n", 1),
        ("bare.nmea", b"!AIVDM,1,1,,A,15M67FC000G?ufbE`FepT@3n00Sa,0*5C\n", 2),
    ],
)
def test_hostile_files(tmp_path: Path, name: str, data: bytes, code: int) -> None:
    (tmp_path / name).write_bytes(data)
    r = seaguard("replay", str(tmp_path / name), "--out", str(tmp_path / "a.ndjson"))
    assert "Traceback" not in r.stderr
    assert r.returncode == code, r.stderr
    if code == 2:
        assert "--start-time" in r.stderr


def test_directory_and_missing_input(tmp_path: Path) -> None:
    r = seaguard("replay", str(tmp_path))
    assert r.returncode == 2 and "is a directory" in r.stderr and "Traceback" not in r.stderr
    r = seaguard("replay", str(tmp_path / "nope.csv"))
    assert r.returncode == 2 and "no such file" in r.stderr


def test_a_200_mb_line_without_newline_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "nul.ndjson"
    with path.open("wb") as fh:  # sparse: 200 MB of NUL bytes, no newline
        fh.truncate(200 << 20)
    # the peak from /proc (VmHWM): getrusage's ru_maxrss would carry the forking parent's
    code = (
        "import sys; from stream.cli import main; "
        f"rc = main(['replay', {str(path)!r}, '--out', {str(tmp_path / 'a')!r}]); "
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]; "
        "print(hwm.split()[1], file=sys.stderr)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert "Traceback" not in r.stderr and "line_too_long" in r.stderr
    peak_kb = int(r.stderr.strip().splitlines()[-1])
    assert peak_kb < 600 * 1024  # the line is never held: ~1 MiB blocks


@pytest.mark.parametrize(
    "argv",
    [["zones", "list"], ["--help"], ["replay", "--help"]],
)
def test_closed_pipe_is_quiet(argv: list[str]) -> None:
    read_fd, write_fd = os.pipe()
    os.close(read_fd)  # the reader is gone before the first byte
    with os.fdopen(write_fd, "wb") as out:
        r = subprocess.run(
            [sys.executable, "-m", "stream", *argv], stdout=out, stderr=subprocess.PIPE, timeout=120
        )
    assert b"Traceback" not in r.stderr and b"BrokenPipe" not in r.stderr, r.stderr[-500:]


def test_replay_alerts_to_a_closed_pipe(ais_dir: Path) -> None:
    read_fd, write_fd = os.pipe()
    os.close(read_fd)
    with os.fdopen(write_fd, "wb") as out:
        r = subprocess.run(
            [
                sys.executable,
                "-m",
                "stream",
                "replay",
                str(ais_dir / "suez_evergiven_20210320-22_early.csv"),
            ],
            stdout=out,
            stderr=subprocess.PIPE,
            timeout=300,
        )
    assert b"Traceback" not in r.stderr and b"BrokenPipe" not in r.stderr, r.stderr[-500:]


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # (closed again when the block ends)


@pytest.mark.parametrize(
    "argv",
    [
        ["alerts"],
        ["run"],
        ["replay", "--to-kafka", str(Path(__file__).parents[1] / "data" / "debs2018_layout.csv")],
    ],
)
def test_an_unreachable_broker_is_one_line_and_exit_1_within_10s(argv: list[str]) -> None:
    import time

    addr = f"127.0.0.1:{_closed_port()}"
    t0 = time.monotonic()
    r = subprocess.run(
        [sys.executable, "-m", "stream", *argv],
        env={**os.environ, "SEAGUARD_BOOTSTRAP_SERVERS": addr},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 1, r.stderr
    assert time.monotonic() - t0 < 10
    lines = [x for x in r.stderr.splitlines() if x.strip()]
    assert lines[-1].startswith("seaguard: no Kafka broker reachable") and addr in lines[-1]
    assert "Traceback" not in r.stderr and "kafka.net" not in r.stderr  # no library spam
