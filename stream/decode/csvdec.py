"""CSV AIS exports with header auto-detection (MarineCadastre, DMA, generic/anonymised)."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice

from stream.decode.common import MAX_FIELD_CHARS, Record, Rejected, build_records
from stream.decode.csvblock import BlockDecoder
from stream.decode.options import DecodeOptions
from stream.decode.units import SpeedSample, given_unit, infer_sog_unit
from stream.errors import DecodeError
from stream.timeutil import DayMonthSurvey, TimestampParser

__all__ = ["CSV_ALIASES", "CsvDecoder"]

# Normalised header → canonical field. Headers are lower-cased, '#' stripped, spaces → '_'.
CSV_ALIASES: dict[str, str] = {
    "mmsi": "vessel",
    "id": "vessel",
    "vessel_hash": "vessel",
    "vessel_id": "vessel",
    "ship_id": "vessel",
    "shipid": "vessel",
    "vesselid": "vessel",
    "track_id": "vessel",
    "basedatetime": "ts",
    "timestamp": "ts",
    "ais_pos_timestamp": "ts",
    "ts": "ts",
    "time": "ts",
    "datetime": "ts",
    "t": "ts",
    "date_time_utc": "ts",
    "lat": "lat",
    "latitude": "lat",
    "y": "lat",
    "lon": "lon",
    "long": "lon",
    "longitude": "lon",
    "lng": "lon",
    "x": "lon",
    "sog": "sog",
    "speed": "sog",
    "speed_kn": "sog",
    "cog": "cog",
    "course": "cog",
    "heading": "heading",
    "true_heading": "heading",
    "status": "nav_status",
    "navigational_status": "nav_status",
    "nav_status": "nav_status",
    "vesselname": "name",
    "name": "name",
    "shipname": "name",
    "vessel_name": "name",
    "date_time": "ts",
    "datetime_utc": "ts",
    "time_utc": "ts",
    "timestamp_utc": "ts",
    "epoch": "ts",
    "unix_time": "ts",
    "ts_ms": "ts",
    "event_time": "ts",
    "lat_deg": "lat",
    "lon_deg": "lon",
    "speed_over_ground": "sog",
    "sog_kn": "sog",
    "course_over_ground": "cog",
    "cog_deg": "cog",
    "navstatus": "nav_status",
    "navstat": "nav_status",
    "ship_name": "name",
    "vessel_type": "ship_type",
    "imo_number": "imo",
    "loa": "length_m",
    "length_m": "length_m",
    "width_m": "width_m",
    "ais_class": "ais_class",
    "vessel": "vessel",
    "imo": "imo",
    "callsign": "callsign",
    "call_sign": "callsign",
    "vesseltype": "ship_type",
    "ship_type": "ship_type",
    "shiptype": "ship_type",
    "length": "length_m",
    "width": "width_m",
    "transceiverclass": "ais_class",
    "type_of_mobile": "ais_class",
    "class": "ais_class",
}
_REQUIRED = ("vessel", "ts", "lat", "lon")
# Rows read before decoding to settle the file's day/month order, speed unit and whether its
# ids are MMSIs: enough for a few hundred vessels' tracks in any common layout.
SAMPLE_ROWS = 20_000
# An "mmsi" column is taken as anonymised ids when fewer than half its distinct values in the
# sample have nine digits (ITU-R M.585); a real feed's malformed MMSIs are a small minority.
MIN_MMSI_SHARE = 0.5


def _norm(header: str) -> str:
    h = header.strip().lstrip("\ufeff").lstrip("#").strip().lower()
    return re.sub(r"[^a-z0-9]+", "_", h).strip("_")


def _raw(row: list[str]) -> bytes:
    return ",".join(row).encode("utf-8", "surrogateescape")[:512]


class CsvDecoder:
    """Decodes rows of one CSV file after reading its header line and calibrating on a sample
    of its rows (``calibrate``); ``notes`` says what was decided and why."""

    def __init__(self, header: list[str], options: DecodeOptions | None = None) -> None:
        self.header = header
        self.options = options or DecodeOptions()
        self.columns: dict[str, int] = {}
        for i, h in enumerate(header):
            canon = CSV_ALIASES.get(_norm(h))
            if canon is not None and canon not in self.columns:
                self.columns[canon] = i
        missing = [c for c in _REQUIRED if c not in self.columns]
        if missing:
            raise DecodeError(
                "csv_layout_unknown",
                f"header {header[:12]!r} lacks {missing} (need an id/MMSI, time, lat, lon column)",
            )
        self.mmsi_col = _norm(header[self.columns["vessel"]]) == "mmsi"
        self.ncols = len(header)
        self.min_cols = max(self.columns.values()) + 1
        self.parse_ts = TimestampParser(fmt=self.options.ts_format)
        self.sog_factor = 1.0
        self.notes: dict[str, str] = {}

    # -- calibration ------------------------------------------------------------------------
    def calibrate(
        self, sample: list[list[str]], rest: Callable[[], Iterable[list[str]]] | None = None
    ) -> None:
        """Settle day/month order (scanning ``rest`` of the file only if the sample cannot),
        the speed unit and whether the id column holds MMSIs. Raises DecodeError when the
        file's dates contradict each other."""
        self._calibrate_time(sample, rest)
        self._calibrate_ids(sample)
        if "sog" in self.columns:
            self._calibrate_speed(sample)

    def _column(self, rows: Iterable[list[str]], canon: str) -> Iterator[str]:
        i = self.columns[canon]
        return (r[i] for r in rows if len(r) > i)

    def _calibrate_time(
        self, sample: list[list[str]], rest: Callable[[], Iterable[list[str]]] | None
    ) -> None:
        if self.options.ts_format:
            self.notes["ts_format"] = f"{self.options.ts_format!r} (--ts-format)"
            return
        survey = DayMonthSurvey()
        for text in self._column(sample, "ts"):
            survey.add(text)
        if not survey.settled and rest is not None:
            for text in self._column(rest(), "ts"):
                survey.add(text)
                if survey.settled:
                    break
        try:
            order, note = survey.decide()
        except ValueError as exc:
            raise DecodeError("ts_order_inconsistent", str(exc)) from None
        self.parse_ts.order = order
        if note:
            self.notes["ts_day_month"] = note
        if survey.naive:
            self.notes["ts_zone"] = "times without a zone are read as UTC"

    def _calibrate_ids(self, sample: list[list[str]]) -> None:
        if not self.mmsi_col:
            return
        ids = set(self._column(sample, "vessel"))
        nine = sum(1 for v in ids if len(v.strip()) == 9 and v.strip().isdigit())
        if ids and nine < MIN_MMSI_SHARE * len(ids):
            self.mmsi_col = False
            self.notes["vessel_ids"] = (
                f"anonymised: {len(ids) - nine} of {len(ids)} ids are not 9-digit MMSIs; "
                "kept as vessel keys, never published as MMSIs"
            )

    def _calibrate_speed(self, sample: list[list[str]]) -> None:
        if self.options.sog_unit:
            decision = given_unit(self.options.sog_unit)
        else:
            decision = infer_sog_unit(self._speed_samples(sample))
        self.sog_factor = decision.factor
        self.notes["sog_unit"] = decision.note()

    def _speed_samples(self, sample: list[list[str]]) -> Iterator[SpeedSample]:
        c = self.columns
        for row in sample:
            if len(row) < self.min_cols:
                continue
            try:
                yield SpeedSample(
                    row[c["vessel"]].strip(),
                    self.parse_ts(row[c["ts"]]),
                    float(row[c["lat"]]),
                    float(row[c["lon"]]),
                    float(row[c["sog"]]),
                )
            except ValueError:
                continue

    # -- rows -------------------------------------------------------------------------------
    def decode_row(self, row: list[str], line: int | None = None) -> list[Record] | Rejected:
        if len(row) < self.min_cols:
            return Rejected("csv_short_row", f"{len(row)} of {self.ncols} columns", _raw(row), line)
        fields = {canon: row[i] for canon, i in self.columns.items()}
        if any(len(v) > MAX_FIELD_CHARS for v in fields.values()):
            return Rejected("record_too_large", "a field is over 1 KiB", _raw(row), line)
        try:
            return build_records(
                fields, mmsi_col=self.mmsi_col, parse_ts=self.parse_ts, sog_factor=self.sog_factor
            )
        except DecodeError as exc:
            return Rejected(exc.reason, exc.detail, _raw(row), line)
        except (ValueError, TypeError, OverflowError) as exc:
            return Rejected("bad_value", str(exc)[:120], _raw(row), line)

    @classmethod
    def iter_lines(
        cls,
        lines: Iterable[str | Rejected],
        options: DecodeOptions | None = None,
        rest: Callable[[], Iterable[str | Rejected]] | None = None,
        notes: dict[str, str] | None = None,
    ) -> Iterator[list[Record] | Rejected]:
        """Decode a CSV text stream (header first). ``rest`` opens the same text again, for a
        scan of the whole file when a sample cannot settle its date order; ``notes`` receives
        the decoder's decisions. An unknown layout yields one Rejected."""
        rows = _rows(lines)
        dec: CsvDecoder | None = None
        for item in rows:
            if isinstance(item, Rejected):
                yield item
                continue
            line_no, row = item
            try:
                dec = cls(row, options)
            except DecodeError as exc:
                yield Rejected(exc.reason, exc.detail, _raw(row), line_no)
                return
            break
        if dec is None:
            return
        sample = list(islice(rows, SAMPLE_ROWS))
        try:
            dec.calibrate(
                [x[1] for x in sample if not isinstance(x, Rejected)],
                (lambda: (x[1] for x in _rows(rest()) if not isinstance(x, Rejected)))
                if rest is not None
                else None,
            )
        except DecodeError as exc:
            yield Rejected(exc.reason, exc.detail, b"", None)
            return
        if notes is not None:
            notes.update(dec.notes)
        block = BlockDecoder(dec)
        items = chain(sample, rows)
        while chunk := list(islice(items, BLOCK_ROWS)):
            good = [x for x in chunk if not isinstance(x, Rejected)]
            decoded = iter(block.decode(good))
            for x in chunk:
                yield x if isinstance(x, Rejected) else next(decoded)


BLOCK_ROWS = 4096  # rows decoded together (stream/decode/csvblock.py)


def _rows(lines: Iterable[str | Rejected]) -> Iterator[tuple[int, list[str]] | Rejected]:
    """Non-empty CSV rows with their line numbers. A row the csv module refuses, or a line the
    reader below refused (given as a Rejected), comes out as a Rejected and reading goes on."""
    refused: list[Rejected] = []

    def text() -> Iterator[str]:
        for line in lines:
            if isinstance(line, str):
                yield line.replace("\0", "\ufffd")
            else:
                refused.append(line)
                yield ""  # keeps the csv module's line count

    reader = csv.reader(text())
    while True:
        try:
            row = next(reader)
        except StopIteration:
            yield from refused
            return
        except csv.Error as exc:  # e.g. an over-long field: reject the line, keep going
            yield Rejected("csv_invalid", str(exc)[:120], b"", reader.line_num)
            continue
        if refused:
            yield from (Rejected(r.reason, r.detail, r.raw, reader.line_num) for r in refused)
            refused.clear()
        if row and any(c.strip() for c in row):
            yield reader.line_num, row
