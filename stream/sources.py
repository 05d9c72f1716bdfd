"""Sources: where records come from. ``FileSource`` reads recorded tracks (CSV, JSON/NDJSON,
NMEA; plain or gzip) and decodes them at the edge, yielding records and rejects."""

from __future__ import annotations

import gzip
import io
import logging
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterator
from itertools import islice
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
CHUNK_LINES = 8192
Item = Record | Rejected


class Source(ABC):
    """One extension point for inputs: iterate decoded records and rejects."""

    @abstractmethod
    def __iter__(self) -> Iterator[Item]: ...


def _open_bytes(path: Path) -> IO[bytes]:
    with path.open("rb") as fh:
        magic = fh.read(2)
    return cast(IO[bytes], gzip.open(path, "rb") if magic == b"\x1f\x8b" else path.open("rb"))


def _open_text(path: Path) -> IO[str]:
    raw = _open_bytes(path)
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
        for records, rejects in self.chunks():
            yield from rejects  # a chunk's rejects before its records: order within a
            yield from records  # file matters only among the records (and is kept)

    def chunks(self, lines: int = CHUNK_LINES) -> Iterator[tuple[list[Record], list[Rejected]]]:
        """The file in blocks of about ``lines`` input lines: the records decoded from them,
        in file order, and the rejects. Per block rather than per record, so that a reader
        of millions of records (``load_records``) pays no Python per record."""
        if self.fmt == "json":
            with _open_bytes(self.path) as raw:
                yield from self._json(raw, lines)
            return
        with _open_text(self.path) as fh:
            it = self._count(CsvDecoder.iter_lines(fh)) if self.fmt == "csv" else self._nmea(fh)
            while block := list(islice(it, lines)):
                yield _split(block)

    def _count(self, it: Iterator[list[Record] | Rejected]) -> Iterator[Item]:
        for res in it:
            self.counts["read"] += 1
            if isinstance(res, Rejected):
                self.counts["rejected"] += 1
                yield res
            else:
                self.counts["accepted"] += 1
                yield from res

    def _json(self, fh: IO[bytes], lines: int) -> Iterator[tuple[list[Record], list[Rejected]]]:
        """NDJSON (or one JSON array), read as bytes: each line goes to the decoder as it is
        in the file, with no text decoding and re-encoding on the way (orjson checks the
        UTF-8). A line ends at LF, CRLF or a lone CR, as in text mode."""
        first = fh.read(1)
        while first and first.isspace():
            first = fh.read(1)
        if first == b"[":  # a JSON array file
            yield _split(list(self._count(self._json_array(first + fh.read()))))
            return
        read = rejected = 0
        records: list[Record] = []
        rejects: list[Rejected] = []
        cut = lines  # the line that ends the current block
        extra = 0  # lines that lone CRs ended, so far (text mode numbers them)
        try:
            for n, line in enumerate(_prepend(first, fh), 1):
                if n > cut:
                    if records or rejects:
                        yield records, rejects
                        records, rejects = [], []
                    cut += lines
                s = line.strip()
                if not s:
                    continue
                res = decode_json_record(s, n + extra)
                results: tuple[list[Record] | Rejected, ...] = (res,)
                if isinstance(res, Rejected) and res.reason == "json_invalid" and b"\r" in s:
                    # lone CRs end lines too; looked for only when a line fails (a search
                    # of every line would cost a tenth of its decoding)
                    parts = s.split(b"\r")
                    results = tuple(
                        decode_json_record(q, n + extra + k)
                        for k, part in enumerate(parts)
                        if (q := part.strip())
                    )
                    extra += len(parts) - 1
                for res in results:
                    read += 1
                    if isinstance(res, Rejected):
                        rejected += 1
                        rejects.append(res)
                    else:
                        records += res
            if records or rejects:
                yield records, rejects
        finally:
            for key, k in (("read", read), ("accepted", read - rejected), ("rejected", rejected)):
                if k:
                    self.counts[key] += k

    @staticmethod
    def _json_array(data: bytes) -> Iterator[list[Record] | Rejected]:
        try:
            arr = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            yield Rejected("json_invalid", f"array file: {str(exc)[:100]}", b"", 1)
            return
        for n, obj in enumerate(arr if isinstance(arr, list) else [arr], 1):
            try:
                yield decode_json_obj(obj)
            except DecodeError as exc:
                yield Rejected(exc.reason, exc.detail, orjson.dumps(obj)[:512], n)

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


def _split(items: list[Item]) -> tuple[list[Record], list[Rejected]]:
    rejects = [x for x in items if isinstance(x, Rejected)]
    if not rejects:  # (the usual case: the list as it is)
        return cast(list[Record], items), rejects
    return [x for x in items if not isinstance(x, Rejected)], rejects


def _prepend(first: bytes, fh: IO[bytes]) -> Iterator[bytes]:
    rest = fh.readline()
    yield first + rest
    yield from fh
