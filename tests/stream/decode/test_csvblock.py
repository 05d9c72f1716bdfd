"""The block decoder gives exactly what the row decoder gives: records, rejects and reasons,
on every recorded CSV file and on rows built to hit every check."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest

from stream.decode.csvblock import BlockDecoder
from stream.decode.csvdec import CsvDecoder
from stream.decode.options import DecodeOptions
from tests.conftest import AIS_DIR

HEADER = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
    "Length,Width,Draft,Cargo,TransceiverClass"
).split(",")
GOOD = "367379190,2022-01-03T00:00:00,30.3706,-88.56408,0.0,336.2,511,EAGLE,IMO8207721,WTD4583,31,0,28,11,3.3,52,A"


def _both(header: list[str], rows: list[list[str]], options: DecodeOptions | None = None) -> None:
    dec = CsvDecoder(header, options)
    dec.calibrate(rows[:2000])
    numbered = [(k + 2, r) for k, r in enumerate(rows)]
    want = [dec.decode_row(r, line) for line, r in numbered]
    block = BlockDecoder(dec)
    got = [x for i in range(0, len(numbered), 777) for x in block.decode(numbered[i : i + 777])]
    assert got == want


def _variant(**cells: str) -> list[str]:
    row = GOOD.split(",")
    for name, value in cells.items():
        row[HEADER.index(name)] = value
    return row


HOSTILE = [
    _variant(LAT="nan"), _variant(LAT="inf"), _variant(LAT="abc"), _variant(LAT=""),
    _variant(LAT="", LON=""), _variant(LAT="91"), _variant(LON="181"), _variant(LAT="-90.5"),
    _variant(LAT=" 30.1 "), _variant(LAT="3_0.5"), _variant(SOG="102.3"), _variant(SOG="-1"),
    _variant(SOG="x"), _variant(COG="360"), _variant(COG="-5"), _variant(Heading="359.9"),
    _variant(MMSI=""), _variant(MMSI="abc"), _variant(MMSI="12345"), _variant(MMSI="0"),
    _variant(MMSI="9999999999"), _variant(BaseDateTime=""), _variant(BaseDateTime="yesterday"),
    _variant(Status="²"), _variant(Status="16"), _variant(Status=" 5 "), _variant(Length="long"),
    _variant(Length="700"), _variant(Width="0"), _variant(TransceiverClass="Class B"),
    _variant(TransceiverClass="C"), _variant(VesselName="@@@"), _variant(VesselName="X" * 1100),
    _variant(IMO="IMO0"), _variant(VesselType="cargo"), _variant(VesselType="300"),
    _variant(VesselName="", IMO="", CallSign="", VesselType="", Length="", Width=""),
    GOOD.split(",")[:5], [*GOOD.split(","), "extra"],
]  # fmt: skip


def test_rows_built_to_hit_every_check() -> None:
    rows = [GOOD.split(",")] * 30 + HOSTILE + [GOOD.split(",")] * 5 + HOSTILE
    _both(HEADER, rows)


def test_a_speed_column_in_tenths_of_knots() -> None:
    rows = [_variant(SOG=str(v)) for v in (0, 15, 120, 1022, 1023, 5000)] * 20
    _both(HEADER, rows, DecodeOptions(sog_unit="tenths"))


@pytest.mark.parametrize(
    "path",
    [
        *sorted(AIS_DIR.glob("*.csv*")),
        Path(__file__).parents[2] / "data" / "debs2018_layout.csv",
    ],
    ids=lambda p: p.name,
)
def test_recorded_files(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"{path} not found (shared AIS recordings: set SEAGUARD_SHARED)")
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", newline="") as fh:  # type: ignore[operator]
        header, *rows = list(csv.reader(fh))
    _both(header, rows)
