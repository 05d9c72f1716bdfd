"""The reception model's counting and its question: heard around a point, along a path."""

import numpy as np

from detectors.reception import (
    HOUR_MS,
    ReceptionParams,
    block_cells,
    cell_id,
    coverage_along,
    hour_cell_counts,
)
from stream.state.memory import MemoryStore


def test_counts_match_a_loop_over_fixes() -> None:
    rng = np.random.default_rng(3)
    ts = rng.integers(0, 5 * HOUR_MS, 2000)
    lat = rng.uniform(35.0, 35.5, 2000)
    lon = rng.uniform(14.0, 14.5, 2000)
    expected: dict[tuple[int, int], int] = {}
    for t, la, lo in zip(ts.tolist(), lat.tolist(), lon.tolist(), strict=True):
        key = (t // HOUR_MS, cell_id(la, lo))
        expected[key] = expected.get(key, 0) + 1
    assert hour_cell_counts(ts, lat, lon) == expected


def test_block_is_the_cell_and_its_neighbours() -> None:
    cells = block_cells(35.45, 14.55, 1)
    assert len(set(cells)) == 9 and cell_id(35.45, 14.55) in cells
    assert cell_id(35.56, 14.55) in cells and cell_id(35.66, 14.55) not in cells


def _last(hour: int, sog: float | None = 10.0) -> dict[str, object]:
    return {
        "ts_ms": hour * HOUR_MS + 600_000,
        "lat": 35.45,
        "lon": 14.55,
        "sog_kn": sog,
        "cog_deg": 90.0,
    }


def test_heard_only_in_whole_hours_after_the_last_fix() -> None:
    store = MemoryStore()
    here = cell_id(35.45, 14.55)
    store.reception_add({(100, here): 50})  # the vessel's own last hour: not evidence
    got = coverage_along(store, ReceptionParams(), _last(100, sog=0.0), 103 * HOUR_MS)
    assert got["hours"] == 2 and got["fixes_heard_at_last_position"] == [0, 0]
    assert not got["at_last"]
    store.reception_add({(101, here): 5, (102, here): 4})
    got = coverage_along(store, ReceptionParams(), _last(100, sog=0.0), 103 * HOUR_MS)
    assert got["at_last"] and got["path"]
    # the hour in progress (103) is never read: its count is not complete yet
    store.reception_add({(103, here): 1000})
    assert coverage_along(store, ReceptionParams(), _last(100, sog=0.0), 103 * HOUR_MS) == got


def test_dead_reckoned_path_leaving_the_heard_water_is_not_covered() -> None:
    store = MemoryStore()
    for hour in (101, 102, 103):
        store.reception_add({(hour, c): 10 for c in block_cells(35.45, 14.55, 1)})
    # speed unknown: no likely path to ask about
    assert not coverage_along(store, ReceptionParams(), _last(100, sog=None), 104 * HOUR_MS)["path"]
    # 20 kn east: by the end of hour 101 it is ~0.7 degrees away, beyond the heard block
    got = coverage_along(store, ReceptionParams(), _last(100, sog=20.0), 104 * HOUR_MS)
    assert got["at_last"] and not got["path"]
