"""Crossing patterns: rule progress from a first step to the last, on both pipeline paths,
wherever batches end - entries a later step matches count only once a rule is under way."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from detectors.crossing_pattern import CrossingPatternDetector, CrossingPatternParams, Rule, Step
from detectors.geofence import ZoneSet
from detectors.zones import Zone
from stream.pipeline import Pipeline
from stream.state.memory import MemoryStore
from tests.builders import line

# Open sea west of Naxos (no land data, no boundary lines): a departure area, a watch box
# north-east of it and a landing area east of both.
ZONES = [
    Zone("dep-a", "Departure", "departure_area", box(25.00, 37.0, 25.05, 37.05)),
    Zone("watch-c", "Watch", "custom", box(25.20, 37.10, 25.25, 37.15)),
    Zone("land-b", "Landing", "landing_area", box(25.40, 37.0, 25.45, 37.15)),
]
RULES = (
    Rule(
        "dep_to_landing",
        "Departure to landing",
        43200,
        (
            (Step("in", kinds=frozenset({"departure_area"})),),
            (Step("enter", kinds=frozenset({"landing_area"})),),
        ),
    ),
    Rule(  # a first step that is an entry
        "watch_to_landing",
        "Watch box to landing",
        43200,
        (
            (Step("enter", kinds=frozenset({"custom"})),),
            (Step("enter", kinds=frozenset({"landing_area"})),),
        ),
    ),
)


def _run(fast: bool, batch: int) -> list[tuple[str, str, int]]:
    det = CrossingPatternDetector(CrossingPatternParams(rules=RULES))
    pl = Pipeline([det], ZoneSet(ZONES), MemoryStore())
    pl.fast = fast
    boat = line("247000001", 25.01, 37.025, 90, 6, 230)  # from the departure area into B
    watched = line("247000002", 25.19, 37.125, 90, 6, 130)  # through the watch box into B
    late = line("247000003", 25.30, 37.02, 90, 6, 80)  # into B only
    recs = sorted(boat + watched + late, key=lambda p: p.ts_ms)
    alerts = []
    for i in range(0, len(recs), batch):
        alerts += pl.process(recs[i : i + batch])
    return [(a.vessel, a.evidence["rule"], a.ts_ms) for a in alerts]


@pytest.mark.parametrize("batch", [1, 7, 100_000])
def test_each_rule_completes_on_entering_the_landing_area(batch: int) -> None:
    got = _run(True, batch)
    assert got == _run(False, batch)
    assert sorted((v, r) for v, r, _ in got) == [
        ("247000001", "dep_to_landing"),
        ("247000002", "watch_to_landing"),
    ]
