"""The external merge sort: a stable sort by time, spilling runs, cleaning up after itself."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import numpy as np

from stream.decode.common import Record
from stream.extsort import sorted_chunks
from stream.models import Position, StaticData
from stream.reorder import times_of

T0_MS = 1_741_968_000_000


def _records(n: int, seed: int) -> list[Record]:
    """Ordered by vessel, each vessel's day after the previous one's (MarineCadastre's
    order), a static report beside some positions, many equal times."""
    rng = random.Random(seed)
    out: list[Record] = []
    for v in range(n // 50):
        vessel = str(366000000 + v)
        for k in range(50):
            ts = T0_MS + rng.randint(0, 600) * 60_000
            out.append(Position(vessel, ts, 30.0 + k / 100, -80.0, sog_kn=5.0, ais_class="A"))
            if k % 5 == 0:
                out.append(StaticData(vessel, ts, mmsi=int(vessel), name=f"V{v}", length_m=20.0))
    return out


def test_spilled_runs_merge_to_a_stable_sort_of_the_whole() -> None:
    recs = _records(5000, 1)
    expected = [recs[i] for i in np.argsort(times_of(recs), kind="stable").tolist()]
    chunks = iter([recs[i : i + 700] for i in range(0, len(recs), 700)])
    got = [r for frame, ts in sorted_chunks(chunks, run_records=1000) for r in frame]
    assert got == expected
    assert any(isinstance(r, StaticData) for r in got)


def test_one_run_needs_no_disk_and_spills_are_removed() -> None:
    before = set(Path(tempfile.gettempdir()).glob("seaguard-sort-*"))
    recs = _records(2000, 2)
    for run in (10**6, 300):
        got = [r for frame, _ in sorted_chunks(iter([recs]), run_records=run) for r in frame]
        assert sorted(times_of(got)) == list(times_of(got)) and len(got) == len(recs)
    assert set(Path(tempfile.gettempdir()).glob("seaguard-sort-*")) == before
