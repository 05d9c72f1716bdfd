"""Event-time order for streamed input, in bounded memory.

A recording is mostly in time order already; what is not is a little disorder (receivers
merged, a line buffered). ``ReorderWindow`` holds back the records of the last
``window_ms`` of event time (the newest time seen minus the window), sorts what it holds,
and releases the rest: a sorted input passes through unchanged, a record up to the window
out of order is put in its place, and a record later than that - older than something
already released - is rejected as ``late_beyond_window``, never silently reordered.
``merge_ordered`` interleaves several such streams (one per file) by time, and
``cut_batches`` cuts the ordered stream into the replay's batches.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from operator import attrgetter

import numpy as np
import numpy.typing as npt

from stream.decode.common import Record

__all__ = [
    "DEFAULT_WINDOW_MS",
    "LATE_REASON",
    "ReorderWindow",
    "batch_end",
    "by_time",
    "cut_batches",
    "merge_ordered",
    "out_of_order",
    "times_of",
]

# Ten minutes: more than AIS disorder in practice (a merged feed's receivers lag each other
# by seconds; satellite passes are minutes), and a small fraction of any gap a detector
# looks for (ais_gap's shortest is an hour), so holding it back changes no alert.
DEFAULT_WINDOW_MS = 10 * 60_000
LATE_REASON = "late_beyond_window"
I64 = npt.NDArray[np.int64]
_TS = attrgetter("ts_ms")
Chunk = tuple[list[Record], I64]  # records in time order and their times


# A file whose first block has more than this share of records behind the block's running
# maximum by more than the window is not a time-ordered feed with jitter but a file in
# another order (by vessel, say): a window would reject most of it.
OUT_OF_ORDER_SHARE = 0.01


def out_of_order(records: Sequence[Record], window_ms: int) -> bool:
    """Whether a file's first block shows that the file is not in time order."""
    ts = times_of(records)
    behind = ts < np.maximum.accumulate(ts) - window_ms
    return bool(behind.mean() > OUT_OF_ORDER_SHARE) if ts.size else False


def times_of(records: Sequence[Record]) -> I64:
    return np.fromiter(map(_TS, records), np.int64, len(records))


def by_time(records: list[Record], ts: I64) -> Chunk:
    """``records`` (with their times ``ts``) in time order, by a stable sort: equal times
    keep their order. Records already in order come back as they are."""
    if not (ts[1:] < ts[:-1]).any():
        return records, ts
    order = np.argsort(ts, kind="stable")
    return list(map(records.__getitem__, order.tolist())), ts[order]


class ReorderWindow:
    """Put one stream of record chunks into time order, holding ``window_ms`` back."""

    def __init__(self, window_ms: int = DEFAULT_WINDOW_MS) -> None:
        self.window_ms = window_ms
        self.late = 0
        self._newest_ms: int | None = None  # the newest time in the input so far
        self._held: list[Record] = []
        self._held_ts: I64 = np.zeros(0, dtype=np.int64)

    def push(self, records: list[Record], ts: I64 | None = None) -> Chunk:
        """Take a chunk (in file order); return the records now certain of their place."""
        ts = times_of(records) if ts is None else ts
        if ts.size:
            # late: behind the newest time before it in the input by more than the window
            # (however the input falls into chunks)
            newest = np.maximum.accumulate(ts)
            if self._newest_ms is not None:
                newest = np.maximum(newest, self._newest_ms)
            self._newest_ms = int(newest[-1])
            late = ts < newest - self.window_ms
            if late.any():
                self.late += int(late.sum())
                keep = np.flatnonzero(~late)
                records, ts = list(map(records.__getitem__, keep.tolist())), ts[keep]
        self._hold(records, ts)
        if not self._held_ts.size:
            return [], self._held_ts
        cut = int(np.searchsorted(self._held_ts, self._held_ts[-1] - self.window_ms, "right"))
        return self._release(cut)

    def flush(self) -> Chunk:
        """Everything still held (the input ended)."""
        return self._release(self._held_ts.size)

    def _hold(self, records: list[Record], ts: I64) -> None:
        held, held_ts = self._held, self._held_ts
        in_order = not (ts[1:] < ts[:-1]).any()
        if in_order and (not held_ts.size or not ts.size or ts[0] >= held_ts[-1]):
            held.extend(records)  # the usual case: no sort
            self._held_ts = np.concatenate([held_ts, ts])
            return
        self._held, self._held_ts = by_time(held + records, np.concatenate([held_ts, ts]))

    def _release(self, cut: int) -> Chunk:
        out, out_ts = self._held[:cut], self._held_ts[:cut]
        del self._held[:cut]
        self._held_ts = self._held_ts[cut:]
        return out, out_ts


def ordered(chunks: Iterator[list[Record]], window: ReorderWindow) -> Iterator[Chunk]:
    """One stream's chunks through its window, in time order (empty chunks left out)."""
    for records in chunks:
        got = window.push(records)
        if got[0]:
            yield got
    last = window.flush()
    if last[0]:
        yield last


def merge_ordered(streams: Sequence[Iterator[Chunk]]) -> Iterator[Chunk]:
    """Interleave time-ordered streams by time; equal times keep stream order (as a stable
    sort of the streams one after another would). Pulls from the stream that holds the
    others back, so each stream's pending part stays about one chunk."""
    if len(streams) == 1:
        yield from streams[0]
        return
    pending: list[Chunk] = [([], np.zeros(0, dtype=np.int64)) for _ in streams]
    frontier = [-(2**62)] * len(streams)  # the newest time each stream has given
    live = set(range(len(streams)))
    while live:
        k = min(live, key=frontier.__getitem__)
        got = next(streams[k], None)
        if got is None:
            live.discard(k)
        else:
            pending[k] = (pending[k][0] + got[0], np.concatenate([pending[k][1], got[1]]))
            frontier[k] = int(got[1][-1])
        upto = min((frontier[s] for s in live), default=2**62)
        out = _take_before(pending, upto)
        if out[0]:
            yield out


def _take_before(pending: list[Chunk], upto_ms: int) -> Chunk:
    """Take every pending record older than ``upto_ms`` (all when no stream is live)."""
    recs: list[Record] = []
    parts: list[I64] = []
    for s, (r, ts) in enumerate(pending):
        cut = int(np.searchsorted(ts, upto_ms, "left"))
        if cut:
            recs.extend(r[:cut])
            parts.append(ts[:cut])
            pending[s] = (r[cut:], ts[cut:])
    if not parts:
        return [], np.zeros(0, dtype=np.int64)
    return by_time(recs, np.concatenate(parts))


def batch_end(ts: I64, start: int, batch: int, span_ms: int) -> int:
    """The end (exclusive) of the replay batch that starts at row ``start`` of time-ordered
    ``ts``: at most ``batch`` rows, all within ``span_ms`` of the first, never empty."""
    end = min(start + batch, int(np.searchsorted(ts, ts[start] + span_ms, "left")))
    return max(end, start + 1)


def cut_batches(chunks: Iterator[Chunk], batch: int, span_ms: int) -> Iterator[Chunk]:
    """The replay's batches over an ordered stream: the same cuts as ``batch_end`` makes
    over the whole list at once."""
    recs: list[Record] = []
    ts: I64 = np.zeros(0, dtype=np.int64)
    for got in chunks:
        recs.extend(got[0])
        ts = np.concatenate([ts, got[1]])
        # a cut at the end of what has come may move when more comes: wait for it
        while ts.size and (j := batch_end(ts, 0, batch, span_ms)) < ts.size:
            yield recs[:j], ts[:j]
            recs, ts = recs[j:], ts[j:]
    while ts.size:
        j = batch_end(ts, 0, batch, span_ms)
        yield recs[:j], ts[:j]
        recs, ts = recs[j:], ts[j:]
