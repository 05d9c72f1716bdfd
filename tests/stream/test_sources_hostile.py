"""Readers against hostile bytes: every input gives records and counted rejects, never an
exception; memory stays bounded on pathological lines; damaged gzip keeps what came before."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stream.decode.common import Rejected
from stream.errors import InputError
from stream.models import Position
from stream.sources import FileSource, GuardedReader, read_lines

FIX = b'{"mmsi": 247000001, "ts": 1741968000, "lat": 36.5, "lon": 25.0}\n'
CSV_HEAD = b"MMSI,BaseDateTime,LAT,LON,SOG\n"
CSV_ROW = b"247000001,2025-03-14T16:00:00,36.5,25.0,12.0\n"
NMEA_ROW = b"\\s:rx1,c:1741968000*03\\!AIVDO,1,1,,A,13cSchOP1p1jL>0Dpbp3Q001P000,0*4F\n"


def _accounted(src: FileSource) -> list[object]:
    items = list(src)
    assert src.counts["read"] == src.counts["accepted"] + src.counts["rejected"]
    assert src.counts["rejected"] == sum(isinstance(i, Rejected) for i in items)
    return items


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fmt=st.sampled_from(["json", "csv", "nmea"]),
    noise=st.binary(max_size=3000),
    good_first=st.booleans(),
)
def test_any_bytes_in_any_format(tmp_path: Path, fmt: str, noise: bytes, good_first: bool) -> None:
    good = {"json": FIX, "csv": CSV_HEAD + CSV_ROW, "nmea": NMEA_ROW}[fmt]
    path = tmp_path / f"fuzz.{fmt}"
    path.write_bytes((good + noise) if good_first else noise)
    try:
        items = _accounted(FileSource(path))
    except InputError as exc:  # only NMEA without any time source may refuse, with a reason
        assert fmt == "nmea" and not good_first and "--start-time" in str(exc)
        return
    if good_first and fmt != "csv":  # (noise may continue a CSV row's last field)
        assert any(isinstance(i, Position) for i in items)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(noise=st.binary(min_size=1, max_size=2000), cut=st.integers(min_value=0, max_value=200))
def test_damaged_gzip_keeps_what_came_before(tmp_path: Path, noise: bytes, cut: int) -> None:
    whole = gzip.compress(FIX * 50 + noise)
    path = tmp_path / "t.ndjson.gz"
    path.write_bytes(whole[: max(2, len(whole) - cut - 1)])  # truncated
    items = _accounted(FileSource(path))
    assert all(isinstance(i, Position | Rejected) or hasattr(i, "vessel") for i in items)


def test_truncated_gzip_reports_corruption_after_its_records(tmp_path: Path) -> None:
    data = gzip.compress(FIX * 2000)
    path = tmp_path / "t.ndjson.gz"
    path.write_bytes(data[: len(data) // 2])
    items = _accounted(FileSource(path))
    assert sum(isinstance(i, Position) for i in items) > 100
    assert [i.reason for i in items if isinstance(i, Rejected)][-1] == "input_corrupt"


@pytest.mark.parametrize("name", ["only-magic.ndjson.gz", "only-magic.csv", "only-magic.nmea"])
def test_gzip_magic_alone(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(b"\x1f\x8b")
    items = _accounted(FileSource(tmp_path / name)) if not name.endswith("nmea") else None
    if items is not None:
        assert [i.reason for i in items if isinstance(i, Rejected)] == ["input_corrupt"]
    else:
        with pytest.raises(InputError):
            list(FileSource(tmp_path / name))


def test_an_endless_line_costs_bounded_memory() -> None:
    class Endless(io.RawIOBase):
        """40 MiB of NUL bytes without a newline, then one good line."""

        def __init__(self) -> None:
            self.left = 40 << 20
            self.tail = b"\n" + FIX

        def readable(self) -> bool:
            return True

        def readinto(self, b: memoryview) -> int:  # type: ignore[override]
            if self.left > 0:
                n = min(len(b), self.left)
                b[:n] = bytes(n)
                self.left -= n
                return n
            n = min(len(b), len(self.tail))
            b[:n], self.tail = self.tail[:n], self.tail[n:]
            return n

    out = list(read_lines(GuardedReader(io.BufferedReader(Endless())), max_line=1 << 20))
    assert [x.reason for x in out if isinstance(x, Rejected)] == ["line_too_long"]
    assert [x for x in out if isinstance(x, bytes) and x.strip()] == [FIX]


def test_header_only_and_shuffled_csv(tmp_path: Path) -> None:
    (tmp_path / "h.csv").write_bytes(CSV_HEAD)
    assert _accounted(FileSource(tmp_path / "h.csv")) == []
    (tmp_path / "s.csv").write_bytes(
        b"LON,SOG,MMSI,LAT,BaseDateTime\n25.0,12.0,247000001,36.5,2025-03-14T16:00:00\n"
    )
    (pos,) = _accounted(FileSource(tmp_path / "s.csv"))
    assert isinstance(pos, Position) and (pos.lat, pos.lon, pos.sog_kn) == (36.5, 25.0, 12.0)


def test_directory_and_missing_file_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory"):
        FileSource(tmp_path)
    with pytest.raises(InputError, match="no such file"):
        FileSource(tmp_path / "nope.csv")


def test_invalid_utf8_csv_rows_are_rejected_not_raised(tmp_path: Path) -> None:
    (tmp_path / "u.csv").write_bytes(CSV_HEAD + b"\xff\xfe\xfa,\x00\x00,\xc3(,1\n" + CSV_ROW)
    items = _accounted(FileSource(tmp_path / "u.csv"))
    assert sum(isinstance(i, Position) for i in items) == 1
    rejected = [i for i in items if isinstance(i, Rejected)]
    assert len(rejected) == 1 and rejected[0].raw  # the raw bytes kept for the dead letters
