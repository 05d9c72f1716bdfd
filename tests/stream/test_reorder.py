"""The bounded reorder window, the merge of ordered streams, and the replay's batch cuts."""

from __future__ import annotations

import random

import numpy as np

from stream.models import Position
from stream.reorder import ReorderWindow, cut_batches, merge_ordered, ordered, times_of
from stream.replay import batch_bounds

T0_MS = 1_741_968_000_000
MIN_MS = 60_000


def _pos(ts_ms: int, tag: int) -> Position:
    return Position(vessel=str(tag), ts_ms=ts_ms, lat=36.0, lon=14.0)


def _chunked(recs: list[Position], seed: int) -> list[list[Position]]:
    rng, out, i = random.Random(seed), [], 0
    while i < len(recs):
        k = rng.randint(1, 40)
        out.append(recs[i : i + k])
        i += k
    return out


def _run(chunks: list[list[Position]], window_ms: int) -> tuple[list[Position], int]:
    w = ReorderWindow(window_ms)
    got = [r for recs, _ in ordered(iter(chunks), w) for r in recs]
    return got, w.late


def test_a_sorted_input_passes_through_unchanged() -> None:
    recs = [_pos(T0_MS + (k // 3) * MIN_MS, k) for k in range(500)]  # ties in threes
    got, late = _run(_chunked(recs, 1), 10 * MIN_MS)
    assert got == recs and late == 0


def test_disorder_within_the_window_is_put_in_stable_order() -> None:
    rng = random.Random(7)
    recs = [_pos(T0_MS + k * MIN_MS + rng.randint(-4, 4) * MIN_MS, k) for k in range(400)]
    got, late = _run(_chunked(recs, 2), 10 * MIN_MS)
    assert late == 0
    order = np.argsort(times_of(recs), kind="stable")
    assert got == [recs[i] for i in order.tolist()]


def test_a_record_later_than_the_window_is_counted_and_left_out() -> None:
    recs = [_pos(T0_MS + k * MIN_MS, k) for k in range(100)]
    stray = _pos(T0_MS + 5 * MIN_MS, 999)  # arrives after 80 min: 75 min late
    got, late = _run([recs[:80], [stray], recs[80:]], 10 * MIN_MS)
    assert late == 1 and stray not in got and got == recs


def test_merge_equals_a_stable_sort_of_the_streams_one_after_another() -> None:
    rng = random.Random(3)
    streams = []
    for s in range(3):
        ts = sorted(T0_MS + rng.randint(0, 300) * MIN_MS for _ in range(200))
        streams.append([_pos(t, s * 1000 + k) for k, t in enumerate(ts)])
    feeds = [iter([(c, times_of(c)) for c in _chunked(st, s)]) for s, st in enumerate(streams)]
    got = [r for recs, _ in merge_ordered(feeds) for r in recs]
    flat = [r for st in streams for r in st]
    order = np.argsort(times_of(flat), kind="stable")
    assert got == [flat[i] for i in order.tolist()]


def test_batches_cut_from_a_stream_are_the_batches_cut_from_the_whole() -> None:
    rng = random.Random(5)
    ts = np.cumsum([rng.choice([0, 0, 1, 30, 400]) * 1000 for _ in range(3000)]) + T0_MS
    recs = [_pos(int(t), k) for k, t in enumerate(ts)]
    for batch, span_ms in [(50, 3_600_000), (10_000, 600_000), (1, 1000), (7, 10**12)]:
        whole = [(i, j) for i, j in batch_bounds(recs, batch, span_ms)]
        chunks = iter([(c, times_of(c)) for c in _chunked(recs, batch)])
        got, at = [], 0
        for b, b_ts in cut_batches(chunks, batch, span_ms):
            assert list(b_ts) == [r.ts_ms for r in b]
            got.append((at, at + len(b)))
            at += len(b)
        assert got == whole
