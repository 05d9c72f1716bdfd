"""FileSource: every line of a recording accounted for - decoded, or rejected with its line
number - in blocks or one item at a time, plain or gzip, NDJSON or a JSON array."""

from __future__ import annotations

import gzip
from pathlib import Path

import orjson
import pytest

from stream.decode.common import Rejected
from stream.models import Position, StaticData
from stream.replay import ReplaySummary, load_records
from stream.sources import FileSource, Item


def _fix(mmsi: int, t: int) -> bytes:
    return orjson.dumps({"mmsi": mmsi, "ts": 1_741_968_000 + t, "lat": 36.5, "lon": 25.0 + t / 1e4})


# Blank space before line 1; CRLF endings; a lone CR ends line 3 (as in text mode); line 5 is
# not JSON; line 6 is not UTF-8; line 7 is empty; line 8 carries position and identity;
# line 9's latitude is out of range.
NDJSON = (
    b"  \n"
    + _fix(247000001, 0)
    + b"\r\n"
    + _fix(247000001, 60)
    + b"\r\n"
    + _fix(247000002, 0)
    + b"\r"
    + _fix(247000002, 60)
    + b"\n{not json\n"
    + b'{"mmsi": 247000003, "name": "\xff\xfe"}\n'
    + b"\n"
    + b'{"mmsi": 247000004, "ts": 1741968000, "lat": 36.0, "lon": 24.0, "name": "SEA DOG"}\n'
    + b'{"mmsi": 247000005, "ts": 1741968000, "lat": 95.0, "lon": 24.0}\n'
)


def _write(tmp_path: Path, data: bytes, name: str = "t.ndjson", gz: bool = False) -> Path:
    p = tmp_path / name
    p.write_bytes(gzip.compress(data) if gz else data)
    return p


def _check(items: list[Item], src: FileSource) -> None:
    recs = [x for x in items if not isinstance(x, Rejected)]
    rej = [x for x in items if isinstance(x, Rejected)]
    assert [(r.vessel, type(r)) for r in recs] == [
        ("247000001", Position),
        ("247000001", Position),
        ("247000002", Position),
        ("247000002", Position),
        ("247000004", Position),
        ("247000004", StaticData),
    ]
    assert [r.ts_ms for r in recs[:4]] == [1741968000000, 1741968060000] * 2
    assert [(r.reason, r.line) for r in rej] == [
        ("json_invalid", 5),
        ("json_invalid", 6),
        ("lat_out_of_range", 9),
    ]
    assert rej[1].raw == b'{"mmsi": 247000003, "name": "\xff\xfe"}'  # the bytes as in the file
    assert dict(src.counts) == {"read": 8, "accepted": 5, "rejected": 3}


@pytest.mark.parametrize("gz", [False, True])
def test_ndjson_lines_decode_or_reject_with_their_line(tmp_path: Path, gz: bool) -> None:
    src = FileSource(_write(tmp_path, NDJSON, gz=gz))
    assert src.fmt == "json"
    _check(list(src), src)


@pytest.mark.parametrize(("lines", "n_blocks"), [(1, 8), (2, 5), (3, 3), (8192, 1)])
def test_blocks_hold_the_same_records_in_order(tmp_path: Path, lines: int, n_blocks: int) -> None:
    src = FileSource(_write(tmp_path, NDJSON), "json")
    blocks = list(src.chunks(lines))  # blocks of lines (LF, CRLF or CR-ended); none empty
    assert len(blocks) == n_blocks
    _check([x for recs, rej in blocks for x in [*rej, *recs]], src)


def test_json_array_file(tmp_path: Path) -> None:
    body = b"[" + _fix(247000001, 0) + b", 7, " + _fix(247000001, 60) + b"]"
    src = FileSource(_write(tmp_path, body, "a.json"))
    items = list(src)
    assert [type(x) for x in items] == [Rejected, Position, Position]
    assert items[0].reason == "not_an_object" and items[0].line == 2  # type: ignore[union-attr]
    assert dict(src.counts) == {"read": 3, "accepted": 2, "rejected": 1}


def test_csv_in_blocks(tmp_path: Path) -> None:
    rows = "".join(f"24700000{k % 3},2025-03-14T16:0{k}:00Z,36.5,25.{k},8.0,90\n" for k in range(9))
    p = _write(tmp_path, ("mmsi,ts,lat,lon,sog,cog\n" + rows + "x,y\n").encode(), "t.csv")
    whole = FileSource(p)
    items = list(whole)
    blocks = list(FileSource(p).chunks(4))
    assert len(blocks) == 3
    assert [x for recs, _ in blocks for x in recs] == [x for x in items if isinstance(x, Position)]
    assert [x for _, rej in blocks for x in rej] == [x for x in items if isinstance(x, Rejected)]
    assert sum(isinstance(x, Position) for x in items) == 9
    assert whole.counts["read"] == 10 and whole.counts["rejected"] == 1


def test_load_records_accounts_for_every_line(tmp_path: Path) -> None:
    seen: list[tuple[str, str]] = []
    s = ReplaySummary()
    p = _write(tmp_path, NDJSON)
    recs = load_records([p], "auto", s, on_reject=lambda r, path: seen.append((r.reason, path)))
    assert len(recs) == 6 and [r.ts_ms for r in recs] == sorted(r.ts_ms for r in recs)
    assert s.read == 8 and s.accepted == 5 and sum(s.rejected.values()) == 3
    assert seen == [("json_invalid", str(p))] * 2 + [("lat_out_of_range", str(p))]


def test_load_records_merges_files_in_time_order_keeping_file_order_on_ties(
    tmp_path: Path,
) -> None:
    a = tmp_path / "a.ndjson"
    b = tmp_path / "b.ndjson"
    a.write_bytes(b"\n".join([_fix(247000001, 0), _fix(247000001, 120), _fix(247000001, 60)]))
    b.write_bytes(b"\n".join([_fix(247000002, 60), _fix(247000002, 0), _fix(247000002, 180)]))
    recs = load_records([a, b])
    got = [(r.ts_ms - 1_741_968_000_000, r.mmsi) for r in recs]
    # by time; at equal times, file a's record before file b's (a stable sort)
    assert got == [
        (0, 247000001),
        (0, 247000002),
        (60_000, 247000001),
        (60_000, 247000002),
        (120_000, 247000001),
        (180_000, 247000002),
    ]
    assert load_records([b, a])[0].mmsi == 247000002  # the other file order, the other tie
