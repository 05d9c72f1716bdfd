"""Replay recorded tracks through the same pipeline as the service, deterministically.

Files are decoded at the edge, put in event-time order (stable sort, so equal times keep file
order), and fed to the pipeline in batches. Alerts go to a sink; a summary accounts for every
input line: read = accepted + rejected.
"""

from __future__ import annotations

import gc
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import attrgetter
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from stream.decode.common import Record, Rejected
from stream.decode.options import DecodeOptions
from stream.gcpause import gc_frozen, gc_paused, settle
from stream.models import StaticData
from stream.pipeline import Pipeline
from stream.progress import Progress
from stream.sinks import Sink
from stream.sources import FileSource
from stream.timeutil import MAX_FUTURE_MS

__all__ = ["BATCH", "BATCH_SPAN_MS", "ReplaySummary", "batch_bounds", "load_records", "replay"]

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
_TS = attrgetter("ts_ms")
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
        }


def load_records(
    paths: Sequence[str | Path],
    fmt: str = "auto",
    summary: ReplaySummary | None = None,
    on_reject: Callable[[Rejected, str], None] | None = None,
    options: DecodeOptions | None = None,
) -> list[Record]:
    """Decode every file; returns records in event-time order, counts into ``summary``.
    Records stamped more than ``MAX_FUTURE_MS`` ahead of the wall clock are rejected
    (``ts_in_future``)."""
    s = summary if summary is not None else ReplaySummary()
    records: list[Record] = []
    for p in paths:
        src = FileSource(p, fmt, options)
        prog = Progress(f"reading {Path(p).name}")
        n0 = len(records)
        with gc_paused():  # millions of acyclic records (see stream/gcpause.py)
            for recs, rejects in src.chunks():
                records.extend(recs)
                for item in rejects:
                    s.rejected[item.reason] += 1
                    if on_reject:
                        on_reject(item, str(p))
                prog(len(records))
            settle()  # (not one collection walking them all as the collector resumes)
        prog.done()
        s.read += src.counts["read"]
        s.accepted += src.counts["accepted"]
        s.nmea.update(src.nmea_stats)
        s.files[str(p)] = {
            "format": src.fmt,
            **dict(src.counts),
            "records": len(records) - n0,
            **({"decoded_as": src.notes} if src.notes else {}),
        }
    ts = _times(records)
    future = ts > int(time.time() * 1000) + MAX_FUTURE_MS
    if future.any():  # a broken clock must not move event time for everyone
        s.rejected["ts_in_future"] += int(future.sum())
        s.accepted -= int(future.sum())
        records = list(map(records.__getitem__, np.flatnonzero(~future).tolist()))
        ts = ts[~future]
    if (ts[1:] < ts[:-1]).any():  # (a numpy stable sort: same order as list.sort, faster)
        records = list(map(records.__getitem__, np.argsort(ts, kind="stable").tolist()))
    return records


def _times(records: Sequence[Record]) -> npt.NDArray[np.int64]:
    return np.fromiter(map(_TS, records), np.int64, len(records))


def batch_bounds(
    records: Sequence[Record], batch: int, span_ms: int, times: npt.NDArray[np.int64] | None = None
) -> list[tuple[int, int]]:
    """Cut time-ordered records into [i, j) batches of at most ``batch`` records, each
    within ``span_ms`` of event time from its first record (``times``: the records' times,
    when the caller has them)."""
    ts = _times(records) if times is None else times
    out: list[tuple[int, int]] = []
    i = 0
    while i < ts.size:
        j = min(i + batch, int(np.searchsorted(ts, ts[i] + span_ms, "left")))
        j = max(j, i + 1)
        out.append((i, j))
        i = j
    return out


def replay(
    records: Sequence[Record],
    pipeline: Pipeline,
    sink: Sink,
    summary: ReplaySummary | None = None,
    batch: int = BATCH,
    span_ms: int = BATCH_SPAN_MS,
) -> ReplaySummary:
    """Run time-ordered records through the pipeline in batches. An input without a single
    static report (anonymised, position-only) is replayed as a feed without identities
    (``Context.identity_feed``)."""
    s = summary if summary is not None else ReplaySummary()
    t0 = time.perf_counter()
    if records and not any(map(isinstance, records, repeat(StaticData))):
        pipeline.ctx.identity_feed = False
    prog = Progress("replaying", len(records))
    seen: set[str] = set()
    # The records: tracked, never garbage; the batches' work: acyclic, but a collection
    # after each batch would walk what it left behind - the vessels' new state (about 2 %
    # of a replay). So no cyclic collection during the replay but one every GC_EVERY
    # batches, in case some input does leave cycles (see stream/gcpause.py).
    with gc_frozen(), gc_paused():
        ts = _times(records)  # once: the batches' bounds and each batch's time column
        for k, (i, j) in enumerate(batch_bounds(records, batch, span_ms, ts)):
            if k % GC_EVERY == GC_EVERY - 1:
                gc.collect()
            for a in pipeline.process(records[i:j], ts[i:j]):
                sink.add(a)
                if a.alert_id not in seen:  # count alerts, not their updates
                    seen.add(a.alert_id)
                    s.alerts[a.type] += 1
            prog(j)
    prog.done()
    sink.flush()
    s.seconds = time.perf_counter() - t0
    s.positions = pipeline.stats["positions"]
    s.static_reports = pipeline.stats["static_reports"]
    s.vessels = len(pipeline.vessels_seen)
    s.pipeline.update(pipeline.stats)
    return s
