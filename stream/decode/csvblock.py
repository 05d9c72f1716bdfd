"""CSV rows decoded a block at a time: numbers by numpy, repeated text once.

``CsvDecoder.decode_row`` builds each row's records through the general field checks
(``build_records``). Over a block of rows of one file most of that work repeats: a vessel's
id, name, call sign, type and size are the same on every row, times repeat across vessels,
and the numbers are plain decimals. ``BlockDecoder`` parses the numeric columns with numpy,
each distinct id, time and identity once per file (bounded memos), and builds the records
directly - the same records ``decode_row`` gives, which it still decodes (with their exact
reject reasons) for every row that is not plain: short or over-long, a number numpy will
not read or out of range, a missing position, a value the memo saw fail.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from stream.decode.common import (
    _IDENTITY_KEYS,
    COG_NA,
    LAT_NA,
    LON_NA,
    MAX_FIELD_CHARS,
    SOG_NA,
    Record,
    Rejected,
    _str,
    _vessel_id,
    build_records,
)
from stream.errors import DecodeError
from stream.models import Position, StaticData

if TYPE_CHECKING:
    from stream.decode.csvdec import CsvDecoder

__all__ = ["BlockDecoder"]

F64 = npt.NDArray[np.float64]
_FAIL = object()  # a memo's entry for a value whose row decode_row must decode
_MEMO_MAX = 200_000  # entries per memo before it starts afresh (bounded memory)
_STATIC_FIELDS = ("name", "callsign", "imo", "ship_type", "length_m", "width_m")


class _Memo:
    """``fn`` per distinct argument, remembered; ``_FAIL`` where it raised DecodeError."""

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        self.fn, self.seen = fn, dict[Any, Any]()

    def __call__(self, key: Any) -> Any:
        got = self.seen.get(key, self)
        if got is self:
            if len(self.seen) >= _MEMO_MAX:
                self.seen.clear()
            try:
                got = self.fn(key)
            except (DecodeError, ValueError, TypeError, OverflowError):
                got = _FAIL
            self.seen[key] = got
        return got


def _floats(col: list[str]) -> tuple[F64, npt.NDArray[np.bool_]]:
    """The column as floats (NaN for an empty cell) and which cells are plain: empty or a
    finite number. Anything else (words, 'nan', 'inf') is left to the row decoder."""
    try:
        vals = np.array([c or "nan" for c in col], dtype=np.float64)
    except ValueError:  # some cell is not a number: cell by cell
        vals = np.array([_float_or_inf(c) for c in col], dtype=np.float64)
    empty = np.fromiter((not c for c in col), bool, len(col))
    plain = empty | np.isfinite(vals)
    # a cell holding 'nan' parses to NaN like an empty one: only empty cells are plain NaN
    plain &= ~(np.isnan(vals) & ~empty)
    return vals, plain


def _float_or_inf(cell: str) -> float:
    if not cell:
        return float("nan")
    try:
        return float(cell)
    except ValueError:
        return float("inf")  # (not plain: the row decoder says why)


class BlockDecoder:
    """Decodes blocks of rows for one ``CsvDecoder``, after its calibration."""

    def __init__(self, dec: CsvDecoder) -> None:
        self.dec = dec
        cols = dec.columns
        self.has_identity = any(k in cols for k in _IDENTITY_KEYS)
        self.has_source = "source" in cols
        self.ts = _Memo(self._ts)
        self.who = _Memo(self._who)

    def _ts(self, raw: str) -> int:
        if raw == "":
            raise DecodeError("missing_field:ts", "no timestamp")
        return self.dec.parse_ts(raw)

    def _identity(self, raw: tuple[str, ...]) -> tuple[Any, ...]:
        """The identity fields as ``build_records`` reads them, from the raw cells in
        ``_STATIC_FIELDS`` order; and whether they make a static report of their own."""
        probe = build_records(
            {"vessel": "1", "ts": "0", "lat": "0", "lon": "0",
             **dict(zip(_STATIC_FIELDS, raw, strict=True))},
            mmsi_col=False,
            parse_ts=lambda _: 0,
        )  # fmt: skip
        static = probe[1] if len(probe) == 2 and isinstance(probe[1], StaticData) else None
        if static is None:
            return (None, None, None, None, None, None, False)
        return (
            static.name,
            static.callsign,
            static.imo,
            static.ship_type,
            static.length_m,
            static.width_m,
            True,
        )

    def decode(self, rows: list[tuple[int, list[str]]]) -> list[list[Record] | Rejected]:
        """Each row's records, or its Rejected, in order: what ``decode_row`` gives."""
        dec = self.dec
        # rows whose cells together fit within one field's limit pass the row decoder's
        # field-length check; longer rows go to the row decoder
        plain = [len(r) >= dec.min_cols and sum(map(len, r)) <= MAX_FIELD_CHARS for _, r in rows]
        out: list[list[Record] | Rejected] = [[] for _ in rows]
        fast = [k for k, ok in enumerate(plain) if ok]
        slow = set(range(len(rows))) - set(fast)
        slow |= self._fast_rows(rows, fast, out)
        for k in sorted(slow):
            line, row = rows[k]
            out[k] = dec.decode_row(row, line)
        return out

    def _column(self, rows: list[tuple[int, list[str]]], fast: list[int], canon: str) -> list[str]:
        i = self.dec.columns.get(canon)
        if i is None:
            return [""] * len(fast)
        return [rows[k][1][i] for k in fast]

    def _fast_rows(
        self, rows: list[tuple[int, list[str]]], fast: list[int], out: list[Any]
    ) -> set[int]:
        """Fill ``out`` for the plain rows among ``fast``; returns those that are not."""
        if not fast:
            return set()
        col = lambda canon: self._column(rows, fast, canon)  # noqa: E731
        lat, ok_lat = _floats(col("lat"))
        lon, ok_lon = _floats(col("lon"))
        sog, ok_sog = _floats(col("sog"))
        cog, ok_cog = _floats(col("cog"))
        hdg, ok_hdg = _floats(col("heading"))
        ok = ok_lat & ok_lon & ok_sog & ok_cog & ok_hdg & ~np.isnan(lat) & ~np.isnan(lon)
        ok &= (np.abs(lat) <= 90.0) & (np.abs(lon) <= 180.0) & (lat != LAT_NA) & (lon != LON_NA)
        sog = sog / self.dec.sog_factor if self.dec.sog_factor != 1.0 else sog
        sog = np.where((sog >= SOG_NA) | (sog < 0), np.nan, sog)
        cog = np.where((cog >= 0) & (cog < COG_NA), cog, np.nan)
        hdg = np.where((hdg >= 0) & (hdg < 360), hdg, np.nan)
        cells = (
            col("vessel"),
            col("ts"),
            col("ais_class"),
            col("nav_status"),
            col("source"),
            [tuple(r) for r in zip(*(col(f) for f in _STATIC_FIELDS), strict=True)]
            if self.has_identity
            else [None] * len(fast),
        )
        slow = set()
        numbers = zip(
            lat.tolist(), lon.tolist(), _nones(sog), _nones(cog), _nones(hdg), strict=True
        )
        for k, good, nums, *raw in zip(fast, ok.tolist(), numbers, *cells, strict=True):
            got = self._records(nums, *raw) if good else None
            if got is None:
                slow.add(k)
            else:
                out[k] = got
        return slow

    def _records(
        self,
        nums: tuple[float, float, float | None, float | None, float | None],
        vessel_raw: str,
        ts_raw: str,
        class_raw: str,
        nav_raw: str,
        source_raw: str,
        identity_raw: tuple[str, ...] | None,
    ) -> list[Record] | None:
        """One plain row's records, or None when some cell needs the row decoder."""
        ts_ms = self.ts.seen.get(ts_raw)
        if ts_ms is None:
            ts_ms = self.ts(ts_raw)
        who = self.who.seen.get(key := (vessel_raw, class_raw, nav_raw, identity_raw))
        if who is None:
            who = self.who(key)
        if ts_ms is _FAIL or who is _FAIL:
            return None
        vessel, mmsi, cls, nav, ident = who
        lat, lon, sog, cog, hdg = nums
        src = source_raw[:64] if self.has_source else None
        pos = Position(vessel, ts_ms, lat, lon, mmsi, sog, cog, hdg, nav, cls, src)
        if ident is None:
            return [pos]
        name, callsign, imo, ship_type, length_m, width_m = ident
        static = StaticData(
            vessel, ts_ms, mmsi, name, callsign, imo, ship_type, length_m, width_m, cls
        )
        return [pos, static]

    def _who(self, key: tuple[str, str, str, tuple[str, ...] | None]) -> tuple[Any, ...]:
        """Vessel key, MMSI, AIS class, navigational status and the identity fields (None
        when the row makes no static report) of a row's raw cells; raises as the row
        decoder would."""
        vessel_raw, class_raw, nav_raw, identity_raw = key
        vessel, mmsi = _vessel_id({"vessel": vessel_raw}, self.dec.mmsi_col)
        ident = None
        if identity_raw is not None:
            got = self._identity(identity_raw)
            ident = got[:6] if got[6] else None
        return vessel, mmsi, _ais_class(class_raw), _nav_status(nav_raw), ident


def _nones(vals: F64) -> list[float | None]:
    return [None if v != v else v for v in vals.tolist()]


def _ais_class(raw: str) -> str | None:
    cls = _str(raw, "ais_class", 16)
    if cls:
        up = cls.upper().replace("CLASS", "").strip()
        return up if up in ("A", "B") else None
    return None


def _nav_status(raw: str) -> int | None:
    return int(raw) if raw.strip().isdigit() and int(raw) <= 15 else None
