"""Sources: where records come from. ``FileSource`` reads recorded tracks (CSV, JSON/NDJSON,
NMEA; plain or gzip) and decodes them at the edge, yielding records and rejects."""

from __future__ import annotations

import gzip
import logging
import zlib
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
from stream.decode.options import DecodeOptions
from stream.errors import DecodeError, InputError

__all__ = ["FORMATS", "FileSource", "Item", "Source", "sniff_format"]

log = logging.getLogger(__name__)

FORMATS = ("auto", "json", "csv", "nmea")
CHUNK_LINES = 8192
Item = Record | Rejected


class Source(ABC):
    """One extension point for inputs: iterate decoded records and rejects."""

    @abstractmethod
    def __iter__(self) -> Iterator[Item]: ...


MAX_LINE_BYTES = 1 << 20  # no record is near 1 MiB; a longer line is hostile or broken
BLOCK_BYTES = 1 << 20


class GuardedReader:
    """A byte stream whose damage (truncated or corrupt compression, a read error) reads as
    its end, the error kept in ``error`` so that the reader can count it as a reject."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.error: str | None = None
        # A gzip read that meets the damage raises and drops what it decompressed in the
        # same call; read1 returns after one step, so only the damaged part is lost.
        self._read = getattr(fh, "read1", fh.read) if isinstance(fh, gzip.GzipFile) else fh.read

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (all, for -1); fewer only at the end or the damage."""
        parts: list[bytes] = []
        left = size if size >= 0 else 1 << 62
        while left > 0 and self.error is None:
            try:
                part = self._read(min(left, BLOCK_BYTES))
            except (EOFError, OSError, zlib.error) as exc:
                self.error = f"{type(exc).__name__}: {exc}"[:160]
                break
            if not part:
                break
            parts.append(part)
            left -= len(part)
        return b"".join(parts)

    def close(self) -> None:
        self.fh.close()

    def __enter__(self) -> GuardedReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _open_bytes(path: Path) -> GuardedReader:
    try:
        fh = path.open("rb")
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file") from None
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None
    magic = fh.read(2)
    fh.seek(0)
    if magic == b"\x1f\x8b":
        return GuardedReader(cast(IO[bytes], gzip.GzipFile(fileobj=fh, mode="rb")))
    return GuardedReader(fh)


def read_lines(
    fh: GuardedReader, max_line: int = MAX_LINE_BYTES, block: int = BLOCK_BYTES
) -> Iterator[bytes | Rejected]:
    """The lines of a byte stream, ends kept (LF, CRLF or a lone CR), read in blocks so that
    memory stays bounded: a line over ``max_line`` bytes becomes one ``line_too_long``
    Rejected and is skipped; damaged compression (a truncated or corrupt gzip) ends the
    stream with one ``input_corrupt`` Rejected after every line read before the damage."""
    tail = b""
    skipping = False  # inside an over-long line, until its end
    while True:
        chunk = fh.read(block)
        if not chunk:
            break
        if skipping:
            cut = _first_line_end(chunk)
            if cut < 0:
                continue
            chunk, skipping = chunk[cut + 1 :], False
        lines = (tail + chunk).splitlines(keepends=True)
        tail = lines.pop() if lines and not lines[-1].endswith((b"\n", b"\r")) else b""
        yield from lines
        if len(tail) > max_line:
            yield Rejected("line_too_long", f"a line of more than {max_line} bytes", tail[:256])
            tail, skipping = b"", True
    if tail and not skipping:
        yield tail
    if fh.error is not None:
        yield Rejected("input_corrupt", fh.error)


def _first_line_end(chunk: bytes) -> int:
    ends = [i for i in (chunk.find(b"\n"), chunk.find(b"\r")) if i >= 0]
    return min(ends) if ends else -1


def _text_lines(items: Iterator[bytes | Rejected]) -> Iterator[str | Rejected]:
    for x in items:
        yield x.decode("utf-8", "surrogateescape") if isinstance(x, bytes) else x


def sniff_format(path: Path) -> str:
    name = path.name.lower().removesuffix(".gz")
    if name.endswith((".nmea", ".nm4", ".ais")):
        return "nmea"
    if name.endswith((".json", ".ndjson", ".jsonl")):
        return "json"
    if name.endswith(".csv"):
        return "csv"
    with _open_bytes(path) as fh:
        for line in islice(read_lines(fh, max_line=65536, block=65536), 1000):
            s = line.strip() if isinstance(line, bytes) else b""
            if not s:
                continue
            if s.startswith((b"{", b"[")):
                return "json"
            if s.startswith((b"!", b"$", b"\\")):
                return "nmea"
            return "csv"
    return "csv"


MAX_ARRAY_BYTES = 256 << 20  # a JSON array file is parsed whole; NDJSON streams instead


class FileSource(Source):
    """Decode one file. ``counts`` tallies lines read, accepted and rejected by reason;
    ``notes`` holds what the decoders decided about the file (time format, speed unit, ids,
    time sources) for the summary."""

    def __init__(
        self, path: str | Path, fmt: str = "auto", options: DecodeOptions | None = None
    ) -> None:
        self.path = Path(path)
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")
        self.options = options or DecodeOptions()
        if self.path.is_dir():
            raise InputError(f"{self.path}: is a directory, not a file")
        if not self.path.exists():
            raise InputError(f"{self.path}: no such file")
        self.fmt = sniff_format(self.path) if fmt == "auto" else fmt
        self.counts: Counter[str] = Counter()
        self.nmea_stats: Counter[str] = Counter()
        self.notes: dict[str, str] = {}

    def __iter__(self) -> Iterator[Item]:
        for records, rejects in self.chunks():
            yield from rejects  # a chunk's rejects before its records: order within a
            yield from records  # file matters only among the records (and is kept)

    def chunks(self, lines: int = CHUNK_LINES) -> Iterator[tuple[list[Record], list[Rejected]]]:
        """The file in blocks of about ``lines`` input lines: the records decoded from them,
        in file order, and the rejects. Per block rather than per record, so that a reader
        of millions of records (``load_records``) pays no Python per record."""
        if self.fmt == "nmea":
            self._nmea_clock()
        with _open_bytes(self.path) as raw:
            if self.fmt == "json":
                yield from self._json(raw, lines)
                return
            if self.fmt == "csv":
                it = self._count(
                    CsvDecoder.iter_lines(
                        _text_lines(read_lines(raw)), self.options, self._reopen, self.notes
                    )
                )
            else:
                it = self._nmea(read_lines(raw))
            while block := list(islice(it, lines)):
                yield _split(block)

    def _reopen(self) -> Iterator[str | Rejected]:
        with _open_bytes(self.path) as raw:
            yield from _text_lines(read_lines(raw))

    def _count(self, it: Iterator[list[Record] | Rejected]) -> Iterator[Item]:
        for res in it:
            self.counts["read"] += 1
            if isinstance(res, Rejected):
                self.counts["rejected"] += 1
                yield res
            else:
                self.counts["accepted"] += 1
                yield from res

    def _json(self, fh: GuardedReader, lines: int) -> Iterator[tuple[list[Record], list[Rejected]]]:
        """NDJSON (or one JSON array), read as bytes: each line goes to the decoder as it is
        in the file, with no text decoding and re-encoding on the way (orjson checks the
        UTF-8)."""
        first = fh.read(1)
        while first and first.isspace():
            first = fh.read(1)
        if first == b"[":  # a JSON array file
            yield _split(list(self._count(self._json_array(first, fh))))
            return
        read = rejected = 0
        records: list[Record] = []
        rejects: list[Rejected] = []
        cut = lines  # the line that ends the current block
        try:
            for n, line in enumerate(_prepend(first, read_lines(fh)), 1):
                if n > cut:
                    if records or rejects:
                        yield records, rejects
                        records, rejects = [], []
                    cut += lines
                if type(line) is not bytes:
                    read += 1
                    rejected += 1
                    rejects.append(_at_line(cast(Rejected, line), n))
                    continue
                s = line.strip()
                if not s:
                    continue
                res = decode_json_record(s, n)
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
    def _json_array(first: bytes, fh: GuardedReader) -> Iterator[list[Record] | Rejected]:
        data = first + fh.read(MAX_ARRAY_BYTES)
        if fh.read(1):
            yield Rejected("input_too_large", f"JSON array over {MAX_ARRAY_BYTES} bytes")
            return
        if fh.error is not None:
            yield Rejected("input_corrupt", fh.error)
            return
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

    def _nmea_clock(self) -> None:
        """Decide the time of sentences before the file's first time source: that source's
        time (a receiver log read in order), else --start-time; with neither, refuse."""
        probe = NmeaDecoder()
        with _open_bytes(self.path) as raw:
            for line in read_lines(raw):
                if type(line) is bytes and line.strip():
                    probe.feed(line)
                    if probe.last_ts_ms is not None:
                        break
        self._first_ts_ms = probe.last_ts_ms
        if self._first_ts_ms is None and self.options.start_time_ms is None:
            raise InputError(
                f"{self.path}: NMEA without any time source (no tag-block times, $PGHP or "
                "base-station reports); pass --start-time ISO-8601 (and --assume-rate "
                "SENTENCES_PER_S) to replay it"
            )

    def _nmea(self, lines: Iterator[bytes | Rejected]) -> Iterator[Item]:
        if self._first_ts_ms is not None:
            dec = NmeaDecoder(self._first_ts_ms, fallback_source="first_time_source")
        else:
            dec = NmeaDecoder(
                self.options.start_time_ms,
                fallback_source="start_time",
                assume_rate_hz=self.options.assume_rate_hz,
            )
        for line in lines:
            if type(line) is not bytes:
                self.counts["read"] += 1
                self.counts["rejected"] += 1
                yield cast(Rejected, line)
                continue
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


def _at_line(rej: Rejected, line: int) -> Rejected:
    return Rejected(rej.reason, rej.detail, rej.raw, line)


def _split(items: list[Item]) -> tuple[list[Record], list[Rejected]]:
    rejects = [x for x in items if isinstance(x, Rejected)]
    if not rejects:  # (the usual case: the list as it is)
        return cast(list[Record], items), rejects
    return [x for x in items if not isinstance(x, Rejected)], rejects


def _prepend(first: bytes, lines: Iterator[bytes | Rejected]) -> Iterator[bytes | Rejected]:
    """The lines of a stream whose first byte was read already."""
    head = next(lines, b"")
    if type(head) is bytes:
        yield first + head
    else:
        yield head
    yield from lines
