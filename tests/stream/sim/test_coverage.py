"""The simulated receiving network: finite range, loss at the edge, an outage, a hole."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

from stream.sim import simulate
from stream.sim.coverage import RECEIVERS, Coverage
from stream.sim.world import T0_S
from tests.stream.sim.test_detection_quality import run_replay


def test_the_libyan_hole_is_silent_and_malta_is_heard() -> None:
    cov = Coverage(random.Random(1), T0_S, 12)
    t = T0_S + 3600
    assert cov.reach(t, 12.45, 34.2) is None  # between Zuwara and Lampedusa
    heard = sum(cov.hears(t, 14.3, 35.75) for _ in range(1000))  # 10 nm off Malta
    assert heard > 950
    edge = sum(cov.hears(t, 14.4, 35.28) for _ in range(1000))  # 37 nm from Malta
    assert 500 < edge < heard  # loss grows towards the edge of range


def test_a_receiver_outage_silences_only_its_own_water() -> None:
    cov = Coverage(random.Random(4), T0_S, 12)
    name, start, end = cov.outage
    rx = next(r for r in RECEIVERS if r.name == name)
    assert start < end and cov.reach((start + end) / 2, rx.lon, rx.lat) != 0.0
    assert cov.reach(start - 60, rx.lon, rx.lat) == 0.0  # up before the outage


def test_a_crossing_through_the_hole_completes_from_its_two_ends(tmp_path: Path) -> None:
    positions, _ = simulate(["central_med_crossing"], seed=5, hours=30)
    boat = [r for r in positions if r.get("id") == "0xboat-cm1" and "lat" in r]
    in_hole = [r for r in boat if 33.8 < r["lat"] < 34.7]
    assert boat and not in_hole  # the middle of the crossing is never heard
    gaps_h = [(b["ts"] - a["ts"]) / 3600 for a, b in itertools.pairwise(boat)]
    assert max(gaps_h) > 4
    alerts = run_replay(positions, tmp_path)
    mine = {a["type"] for a in alerts if a["vessel"] == "0xboat-cm1"}
    assert {"crossing_pattern", "line_crossing", "zone_entry"} <= mine
    assert "ais_gap" not in mine  # silent in a hole, not dark
