"""CSV AIS exports with header auto-detection (MarineCadastre, DMA, generic/anonymised)."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator

from stream.decode.common import MAX_RECORD_BYTES, Record, Rejected, build_records
from stream.errors import DecodeError

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


def _norm(header: str) -> str:
    h = header.strip().lstrip("\ufeff").lstrip("#").strip().lower()
    return re.sub(r"[^a-z0-9]+", "_", h).strip("_")


class CsvDecoder:
    """Decodes rows of one CSV file after reading its header line."""

    def __init__(self, header: list[str]) -> None:
        self.header = header
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

    def decode_row(self, row: list[str], line: int | None = None) -> list[Record] | Rejected:
        raw = ",".join(row).encode("utf-8", "surrogateescape")
        if len(raw) > MAX_RECORD_BYTES:
            return Rejected("record_too_large", f"{len(raw)} bytes", raw[:256], line)
        if len(row) < max(self.columns.values()) + 1:
            return Rejected("csv_short_row", f"{len(row)} of {self.ncols} columns", raw, line)
        fields = {canon: row[i] for canon, i in self.columns.items()}
        try:
            return build_records(fields, mmsi_col=self.mmsi_col)
        except DecodeError as exc:
            return Rejected(exc.reason, exc.detail, raw, line)
        except (ValueError, TypeError, OverflowError) as exc:
            return Rejected("bad_value", str(exc)[:120], raw, line)

    @classmethod
    def iter_lines(cls, lines: Iterable[str]) -> Iterator[list[Record] | Rejected]:
        """Decode a CSV text stream (header first). An unknown layout yields one Rejected."""
        reader = csv.reader(line.replace("\0", "\ufffd") for line in lines)
        dec: CsvDecoder | None = None
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # e.g. an over-long field: reject the line, keep going
                yield Rejected("csv_invalid", str(exc)[:120], b"", reader.line_num)
                continue
            line_no = reader.line_num
            if not row or all(not c.strip() for c in row):
                continue
            if dec is None:
                try:
                    dec = cls(row)
                except DecodeError as exc:
                    yield Rejected(exc.reason, exc.detail, ",".join(row).encode()[:256], line_no)
                    return
                continue
            yield dec.decode_row(row, line_no)
