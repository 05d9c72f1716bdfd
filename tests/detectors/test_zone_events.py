"""Zone entry, exit and dwell by zone kind: a watch ('custom') zone alerts, others stay quiet."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from detectors.geofence import ZoneSet
from detectors.zone_events import ZoneEventsDetector
from detectors.zones import Zone
from stream.pipeline import Pipeline
from stream.state.memory import MemoryStore
from tests.builders import line

WATCH = box(25.0, 37.0, 25.1, 37.1)  # open sea west of Naxos, no land data here


def _zones() -> ZoneSet:
    return ZoneSet(
        [
            Zone("watch-1", "Watch box", "custom", WATCH),
            Zone("ts-1", "Same waters", "territorial_sea", WATCH),  # no rule for this kind
        ]
    )


def _run(fast: bool) -> list[tuple[str, str, tuple[str, ...], int]]:
    pl = Pipeline([ZoneEventsDetector()], _zones(), MemoryStore())
    pl.fast = fast
    # in from the west at 6 kn, 50 min at 1 kn inside, out to the east at 6 kn
    inbound = line("247000001", 24.97, 37.05, 90, 6, 6)
    t1 = inbound[-1].ts_ms + 60_000
    slow = line("247000001", 25.0 + 0.012, 37.05, 90, 1, 50, t0_ms=t1)
    out = line("247000001", slow[-1].lon, 37.05, 90, 6, 80, t0_ms=slow[-1].ts_ms + 60_000)
    recs = inbound + slow + out
    alerts = []
    for i in range(0, len(recs), 17):
        alerts += pl.process(recs[i : i + 17])
    return [(a.type, a.status, a.zone_ids, a.ts_ms) for a in alerts]


@pytest.mark.parametrize("fast", [True, False])
def test_watch_zone_entry_dwell_once_and_exit(fast: bool) -> None:
    got = _run(fast)
    assert [(t, s, z) for t, s, z, _ in got] == [
        ("zone_entry", "closed", ("watch-1",)),
        ("zone_dwell", "open", ("watch-1",)),
        ("zone_exit", "closed", ("watch-1",)),
    ]
    entry, dwell, _ = (ts for *_, ts in got)
    assert dwell - entry >= 1800_000  # the custom kind's dwell_min_s


def test_both_paths_agree() -> None:
    assert _run(True) == _run(False)
