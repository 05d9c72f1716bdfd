"""Sources: where records come from. ``FileSource`` reads recorded tracks (CSV, JSON/NDJSON,
NMEA; plain or gzip) and decodes them at the edge, yielding records and rejects."""

from __future__ import annotations

import gzip
import io
import logging
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, cast

import orjson

from stream.decode.common import Record, Rejected
from stream.decode.csvdec import CsvDecoder
from stream.decode.jsondec import decode_json_obj, decode_json_record
from stream.decode.nmea import NmeaDecoder
from stream.errors import DecodeError

__all__ = ["FORMATS", "FileSource", "Item", "Source", "sniff_format"]

log = logging.getLogger(__name__)

FORMATS = ("auto", "json", "csv", "nmea")
Item = Record | Rejected


class Source(ABC):
    """One extension point for inputs: iterate decoded records and rejects."""

    @abstractmethod
    def __iter__(self) -> Iterator[Item]: ...


def _open_text(path: Path) -> IO[str]:
    with path.open("rb") as fh:
        magic = fh.read(2)
    raw = cast(IO[bytes], gzip.open(path, "rb") if magic == b"\x1f\x8b" else path.open("rb"))
    return io.TextIOWrapper(raw, encoding="utf-8", errors="surrogateescape", newline="")


def sniff_format(path: Path) -> str:
    name = path.name.lower().removesuffix(".gz")
    if name.endswith((".nmea", ".nm4", ".ais")):
        return "nmea"
    if name.endswith((".json", ".ndjson", ".jsonl")):
        return "json"
    if name.endswith(".csv"):
        return "csv"
    with _open_text(path) as fh:
        for line in fh:
            s = line.strip()
            if not s:
                continue
            if s.startswith(("{", "[")):
                return "json"
            if s.startswith(("!", "$", "\\")):
                return "nmea"
            return "csv"
    return "csv"


class FileSource(Source):
    """Decode one file. ``counts`` tallies lines read, accepted and rejected by reason."""

    def __init__(self, path: str | Path, fmt: str = "auto") -> None:
        self.path = Path(path)
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")
        self.fmt = sniff_format(self.path) if fmt == "auto" else fmt
        self.counts: Counter[str] = Counter()
        self.nmea_stats: Counter[str] = Counter()

    def __iter__(self) -> Iterator[Item]:
        with _open_text(self.path) as fh:
            if self.fmt == "csv":
                yield from self._count(CsvDecoder.iter_lines(fh))
            elif self.fmt == "json":
                yield from self._count(self._json(fh))
            else:
                yield from self._nmea(fh)

    def _count(self, it: Iterator[list[Record] | Rejected]) -> Iterator[Item]:
        for res in it:
            self.counts["read"] += 1
            if isinstance(res, Rejected):
                self.counts["rejected"] += 1
                yield res
            else:
                self.counts["accepted"] += 1
                yield from res

    def _json(self, fh: IO[str]) -> Iterator[list[Record] | Rejected]:
        first = fh.read(1)
        while first and first.isspace():
            first = fh.read(1)
        if first == "[":  # a JSON array file
            text = first + fh.read()
            try:
                arr = orjson.loads(text.encode("utf-8", "surrogateescape"))
            except orjson.JSONDecodeError as exc:
                yield Rejected("json_invalid", f"array file: {str(exc)[:100]}", b"", 1)
                return
            for n, obj in enumerate(arr if isinstance(arr, list) else [arr], 1):
                try:
                    yield decode_json_obj(obj)
                except DecodeError as exc:
                    yield Rejected(exc.reason, exc.detail, orjson.dumps(obj)[:512], n)
            return
        for n, line in enumerate(_prepend(first, fh), 1):
            if line.strip():
                yield decode_json_record(line.strip(), n)

    def _nmea(self, fh: IO[str]) -> Iterator[Item]:
        fallback = int(self.path.stat().st_mtime) * 1000
        dec = NmeaDecoder(fallback_ts_ms=fallback)
        for line in fh:
            if not line.strip():
                continue
            self.counts["read"] += 1
            for item in dec.feed(line):
                if isinstance(item, Rejected):
                    self.counts["rejected"] += 1
                yield item
        for item in dec.flush():
            self.counts["rejected"] += 1
            yield item
        self.counts["accepted"] = self.counts["read"] - self.counts["rejected"]
        self.nmea_stats = dec.stats


def _prepend(first: str, fh: IO[str]) -> Iterator[str]:
    rest = fh.readline()
    yield first + rest
    yield from fh
