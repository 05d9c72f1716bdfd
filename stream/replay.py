"""Replay recorded tracks through the same pipeline as the service, deterministically.

Files are decoded at the edge, put in event-time order and fed to the pipeline in batches.
Two ways to order: streamed through a bounded reorder window (``stream_records``: memory
does not grow with the file) or loaded whole and sorted (``load_records``: a stable sort,
so equal times keep file order). Alerts go to a sink; a summary accounts for every input
line: read = accepted + rejected.
"""

from __future__ import annotations

import gc
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, repeat
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from stream.decode.common import Record, Rejected
from stream.decode.options import DecodeOptions
from stream.extsort import sorted_chunks
from stream.gcpause import gc_frozen, gc_paused, settle
from stream.models import StaticData
from stream.pipeline import Pipeline
from stream.progress import Progress
from stream.reorder import (
    DEFAULT_WINDOW_MS,
    LATE_REASON,
    Chunk,
    ReorderWindow,
    batch_end,
    by_time,
    cut_batches,
    merge_ordered,
    ordered,
    out_of_order,
    times_of,
)
from stream.sinks import Sink
from stream.sources import FileSource
from stream.timeutil import MAX_FUTURE_MS

__all__ = [
    "BATCH",
    "BATCH_SPAN_MS",
    "ReplaySummary",
    "batch_bounds",
    "load_records",
    "replay",
    "stream_records",
]

# A replay batch ends after BATCH records or BATCH_SPAN_MS of event time, whichever comes
# first. Per-vessel work (state, timers) is done once per vessel and batch, so long batches
# amortise it: with fixes a minute apart, a 1-hour batch does it once per 60 fixes of a
# vessel instead of once per 10, and replays ~1.2x (20,000 vessels) to ~1.7x (2,000) faster
# than 10-minute ones (bench/). The bounds change nothing else: timers fire at their own due
# time (Pipeline.timers_due), so the alerts are the same for any bounds (tested). BATCH caps
# the memory a batch's columns take; the span stays well within the encounter buckets'
# retention (6 h, stream/state/memory.py).
BATCH = 500_000
BATCH_SPAN_MS = 3_600_000
GC_EVERY = 50  # batches between cyclic collections during a replay (see replay())


@dataclass
class ReplaySummary:
    read: int = 0
    accepted: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    positions: int = 0
    static_reports: int = 0
    vessels: int = 0
    alerts: Counter[str] = field(default_factory=Counter)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    nmea: Counter[str] = field(default_factory=Counter)
    pipeline: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    interrupted: bool = False  # stopped by the user (Ctrl-C) before the input's end

    def to_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "accepted": self.accepted,
            "rejected": dict(sorted(self.rejected.items())),
            "rejected_total": sum(self.rejected.values()),
            "positions": self.positions,
            "static_reports": self.static_reports,
            "vessels": self.vessels,
            "alerts": dict(sorted(self.alerts.items())),
            "alerts_total": sum(self.alerts.values()),
            "files": self.files,
            "nmea": dict(sorted(self.nmea.items())),
            "pipeline": dict(sorted(self.pipeline.items())),
            "seconds": round(self.seconds, 3),
            **({"interrupted": True} if self.interrupted else {}),
        }


def load_records(
    paths: Sequence[str | Path],
    fmt: str = "auto",
    summary: ReplaySummary | None = None,
    on_reject: Callable[[Rejected, str], None] | None = None,
    options: DecodeOptions | None = None,
) -> list[Record]:
    """Decode every file into memory; returns records in event-time order (a stable sort:
    equal times keep file order), counts into ``summary``. Records stamped more than
    ``MAX_FUTURE_MS`` ahead of the wall clock are rejected (``ts_in_future``)."""
    s = summary if summary is not None else ReplaySummary()
    records: list[Record] = []
    with gc_paused():  # millions of acyclic records (see stream/gcpause.py)
        for p in paths:
            for chunk in _file_chunks(p, fmt, s, on_reject, options):
                records.extend(chunk)
        settle()  # (not one collection walking them all as the collector resumes)
    return by_time(records, times_of(records))[0]


def stream_records(
    paths: Sequence[str | Path],
    fmt: str = "auto",
    summary: ReplaySummary | None = None,
    options: DecodeOptions | None = None,
    window_ms: int = DEFAULT_WINDOW_MS,
    sort: bool = False,
) -> Iterator[Chunk]:
    """The files' records in event-time order, in chunks, in bounded memory; files are
    interleaved by time. A file in time order (its first block no more than a few records
    out of order by more than ``window_ms``) streams through a reorder window of
    ``window_ms`` (stream/reorder.py), a record later than that counted as rejected
    (``late_beyond_window``); any other file, or every file with ``sort``, goes through an
    external merge sort (stream/extsort.py)."""
    s = summary if summary is not None else ReplaySummary()

    def one(p: str | Path) -> Iterator[Chunk]:
        chunks = _file_chunks(p, fmt, s, None, options)
        first = next(chunks, None)
        if first is None:
            return
        chunks = chain([first], chunks)
        if sort or out_of_order(first, window_ms):  # e.g. a file ordered by vessel
            yield from sorted_chunks(chunks)
            s.files[str(p)]["order"] = "sorted" if sort else "not in time order: sorted"
            return
        window = ReorderWindow(window_ms)
        yield from ordered(chunks, window)
        if window.late:
            s.rejected[LATE_REASON] += window.late
            s.accepted -= window.late
        s.files[str(p)]["records"] -= window.late
        s.files[str(p)]["order"] = f"in time order within {window_ms / 60_000:g} min"

    return merge_ordered([one(p) for p in paths])


def _file_chunks(
    path: str | Path,
    fmt: str,
    s: ReplaySummary,
    on_reject: Callable[[Rejected, str], None] | None,
    options: DecodeOptions | None,
) -> Iterator[list[Record]]:
    """One file's records in file order, a chunk at a time; rejects (and records from the
    future) counted into ``s``, and the file's line in ``s.files`` written at its end."""
    src = FileSource(path, fmt, options)
    prog = Progress(f"reading {Path(path).name}")
    n = 0
    for recs, rejects in src.chunks():
        for item in rejects:
            s.rejected[item.reason] += 1
            if on_reject:
                on_reject(item, str(path))
        if recs:
            ts = times_of(recs)
            future = ts > int(time.time() * 1000) + MAX_FUTURE_MS
            if future.any():  # a broken clock must not move event time for everyone
                s.rejected["ts_in_future"] += int(future.sum())
                s.accepted -= int(future.sum())
                recs = list(map(recs.__getitem__, np.flatnonzero(~future).tolist()))
            n += len(recs)
            yield recs
        prog(n)
    prog.done()
    s.read += src.counts["read"]
    s.accepted += src.counts["accepted"]
    s.nmea.update(src.nmea_stats)
    s.files[str(path)] = {
        "format": src.fmt,
        **dict(src.counts),
        "records": n,
        **({"decoded_as": src.notes} if src.notes else {}),
    }


def batch_bounds(
    records: Sequence[Record], batch: int, span_ms: int, times: npt.NDArray[np.int64] | None = None
) -> list[tuple[int, int]]:
    """Cut time-ordered records into [i, j) batches of at most ``batch`` records, each
    within ``span_ms`` of event time from its first record (``times``: the records' times,
    when the caller has them)."""
    ts = times_of(records) if times is None else times
    out: list[tuple[int, int]] = []
    i = 0
    while i < ts.size:
        j = batch_end(ts, i, batch, span_ms)
        out.append((i, j))
        i = j
    return out


def replay(
    records: Sequence[Record] | Iterator[Chunk],
    pipeline: Pipeline,
    sink: Sink,
    summary: ReplaySummary | None = None,
    batch: int = BATCH,
    span_ms: int = BATCH_SPAN_MS,
) -> ReplaySummary:
    """Run time-ordered records - a list, or a stream of ordered chunks (``stream_records``)
    - through the pipeline in batches. An input whose first batch (its first hour) holds
    no static report is replayed as a feed without identities (``Context.identity_feed``):
    AIS repeats static data every 6 minutes (ITU-R M.1371), so a feed that carries
    identities shows some within the hour."""
    s = summary if summary is not None else ReplaySummary()
    t0 = time.perf_counter()
    total = len(records) if isinstance(records, Sequence) else None
    prog = Progress("replaying", total)
    # The records: tracked, never garbage; the batches' work: acyclic, but a collection
    # after each batch would walk what it left behind - the vessels' new state (about 2 %
    # of a replay). So no cyclic collection during the replay but one every GC_EVERY
    # batches, in case some input does leave cycles (see stream/gcpause.py).
    try:
        _run_batches(records, pipeline, sink, s, batch, span_ms, prog)
    finally:  # (also on Ctrl-C: the summary covers what was processed)
        prog.done()
        sink.flush()
        s.seconds = time.perf_counter() - t0
        s.positions = pipeline.stats["positions"]
        s.static_reports = pipeline.stats["static_reports"]
        s.vessels = len(pipeline.vessels_seen)
        s.pipeline.update(pipeline.stats)
    return s


def _run_batches(
    records: Sequence[Record] | Iterator[Chunk],
    pipeline: Pipeline,
    sink: Sink,
    s: ReplaySummary,
    batch: int,
    span_ms: int,
    prog: Progress,
) -> None:
    seen: set[str] = set()
    done = 0
    with gc_frozen(), gc_paused():
        for k, (recs, ts) in enumerate(_batches(records, batch, span_ms)):
            if k == 0 and not any(map(isinstance, recs, repeat(StaticData))):
                pipeline.ctx.identity_feed = False
            if k % GC_EVERY == GC_EVERY - 1:
                gc.collect()
            for a in pipeline.process(recs, ts):
                sink.add(a)
                if a.alert_id not in seen:  # count alerts, not their updates
                    seen.add(a.alert_id)
                    s.alerts[a.type] += 1
            done += len(recs)
            prog(done)


def _batches(
    records: Sequence[Record] | Iterator[Chunk], batch: int, span_ms: int
) -> Iterator[Chunk]:
    if not isinstance(records, Sequence):
        return cut_batches(records, batch, span_ms)
    ts = times_of(records)  # once: the batches' bounds and each batch's time column
    bounds = batch_bounds(records, batch, span_ms, ts)
    as_list = records if isinstance(records, list) else list(records)
    return ((as_list[i:j], ts[i:j]) for i, j in bounds)
