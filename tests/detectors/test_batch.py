"""FixBatch helpers: predecessors, per-vessel spreading, zone-kind membership."""

from __future__ import annotations

import numpy as np

from detectors.base import VesselState
from detectors.batch import FixBatch, ShoreDistance, group_order, prev_in_group, run_starts
from stream.zoneload import load_zoneset


def batch(vc: list[int], lon: list[float], lat: list[float], states: int) -> FixBatch:
    zs = load_zoneset()
    n = len(vc)
    lon_a, lat_a = np.array(lon), np.array(lat)
    geo = zs.lookup(lon_a, lat_a)
    z = np.zeros(n, dtype=bool)
    f = np.full(n, np.nan)
    return FixBatch(
        zones=zs,
        states=[VesselState(vessel=f"v{i}") for i in range(states)],
        vc=np.array(vc, dtype=np.int64),
        ts=np.arange(n, dtype=np.int64) * 1000,
        lat=lat_a,
        lon=lon_a,
        sog=f,
        dt_s=f,
        dist_m=f,
        implied_kn=f,
        shore=ShoreDistance.known(geo.dist_shore_m),
        has_prev=z,
        crossing=z,
        zone_change=z,
        zone_transition=z,
        mmsi_known=z,
        inner_pt=geo.inner_pt,
        inner_zone=geo.inner_zone,
        outer_pt=geo.outer_pt,
        outer_zone=geo.outer_zone,
    )


def test_prev_in_group() -> None:
    assert prev_in_group(np.array([3, 1, 3, 3, 1, 2])).tolist() == [-1, -1, 0, 2, 1, -1]
    assert prev_in_group(np.array([], dtype=np.int64)).tolist() == []


def test_group_order_is_the_stable_sort_by_code() -> None:
    rng = np.random.default_rng(7)
    for high in (5, 40_000, 1 << 16, 300_000, 1 << 40):  # one pass, two passes, fallback
        codes = rng.integers(0, high, 5000)
        codes[:50] = high - 1  # the largest code, and many ties
        assert np.array_equal(group_order(codes), np.argsort(codes, kind="stable"))
    neg = np.array([3, -1, 3, 0, -1], dtype=np.int64)
    assert group_order(neg).tolist() == [1, 4, 3, 0, 2]
    assert group_order(np.empty(0, dtype=np.int64)).size == 0


def test_run_starts_marks_each_new_run_of_equal_keys() -> None:
    vc = np.array([0, 0, 0, 1, 1, 2])
    key = np.array([5, 5, 6, 6, 6, 6])
    assert run_starts(vc).tolist() == [True, False, False, True, False, True]
    assert run_starts(vc, key).tolist() == [True, False, True, True, False, True]
    assert run_starts(np.array([], dtype=np.int64)).tolist() == []


def test_after_reads_the_vessels_previous_row_in_the_batch() -> None:
    b = batch([0, 1, 0, 1, 0, 2], [20.0] * 6, [35.0] * 6, 3)
    mask = np.array([True, False, False, True, True, True])
    # rows 2 and 4 follow 0 and 2 (vessel 0), row 3 follows 1; first rows: False
    assert b.after(mask).tolist() == [False, False, True, False, False, False]


def test_from_first_spreads_forward_within_each_vessel() -> None:
    b = batch([0, 1, 0, 1, 0, 1], [20.0] * 6, [35.0] * 6, 2)
    mask = np.array([False, False, True, False, False, False])
    assert b.from_first(mask).tolist() == [False, False, True, False, True, False]
    assert not b.from_first(np.zeros(6, dtype=bool)).any()


def test_first_keeps_each_vessels_first_true_row() -> None:
    b = batch([0, 1, 0, 1, 0, 1, 2], [20.0] * 7, [35.0] * 7, 3)
    mask = np.array([False, True, True, True, True, False, False])
    assert b.first(mask).tolist() == [False, True, True, False, False, False, False]
    assert not b.first(np.zeros(7, dtype=bool)).any()


def test_per_vessel_and_zone_kinds() -> None:
    # Piraeus central harbour, open Ionian sea, Lampedusa port
    b = batch([0, 1, 2], [23.637, 19.0, 12.61], [37.9416, 37.0, 35.50], 3)
    b.states[1].det["x"] = {"on": True}
    b.states[2].det["x"] = {}
    assert b.per_vessel("x", lambda st: "on" in st).tolist() == [False, True, False]
    assert b.per_vessel("x", lambda st: "on" in st, absent=True).tolist() == [True, True, False]
    b.states[0].det["y"] = {"a": 1}
    b.states[2].det["y"] = {"b": None}
    assert b.per_vessel_has("x", "on").tolist() == [False, True, False]
    assert b.per_vessel_has("y", "b").tolist() == [False, False, True]
    assert b.per_vessel_has("y", "a", "b").tolist() == [True, False, True]
    assert b.per_vessel_has("z", "a").tolist() == [False, False, False]
    ports = b.in_kinds(frozenset({"port", "anchorage"}))
    assert ports.tolist() == [True, False, True]
    assert b.in_kinds(frozenset({"port"}), outer=True)[[0, 2]].all()
    ts = b.in_kinds(frozenset({"territorial_sea"}))
    assert not ts[1]


def test_shore_distance_computes_only_the_rows_asked_for_once() -> None:
    zs = load_zoneset()
    rng = np.random.default_rng(3)
    lon = rng.uniform(22.0, 29.0, 500)
    lat = rng.uniform(34.5, 41.0, 500)
    calls: list[int] = []

    def fn(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        calls.append(x.size)
        return zs.dist_shore_m(x, y)

    sd = ShoreDistance(fn, lon, lat)
    assert calls == [500]  # a small batch: all rows at once
    full = zs.dist_shore_m(lon, lat)
    assert np.array_equal(sd.where(np.ones(500, dtype=bool)), full, equal_nan=True)
    calls.clear()
    lon, lat = np.resize(lon, 5000), np.resize(lat, 5000)  # larger: on demand
    sd = ShoreDistance(fn, lon, lat)
    assert calls == []
    full = zs.dist_shore_m(lon, lat)
    rows = np.array([5, 7, 5, 400])
    assert np.array_equal(sd.at(rows), full[rows], equal_nan=True)
    assert calls == [3]  # 5 asked twice, computed once
    mask = np.zeros(5000, dtype=bool)
    mask[[7, 8, 9]] = True
    got = sd.where(mask)
    assert np.array_equal(got[mask], full[mask], equal_nan=True)
    assert np.isnan(got[~mask]).all()
    assert calls == [3, 2]  # only 8 and 9 were new
    assert sd.one(9) == full[9] and sd.one(10) == full[10] and calls == [3, 2, 1]
    known = ShoreDistance.known(full)
    assert np.array_equal(known.where(np.ones(5000, dtype=bool)), full, equal_nan=True)


def test_on_land_is_where_the_shore_distance_can_be_negative() -> None:
    zs = load_zoneset()
    rng = np.random.default_rng(4)
    lon = rng.uniform(20.0, 30.0, 5000)
    lat = rng.uniform(34.0, 42.0, 5000)
    land = zs.on_land(lon, lat)
    d = zs.dist_shore_m(lon, lat)
    assert land.sum() > 500 and (~land).sum() > 500
    assert (d[land] <= 0).all() and not (d[~land] < 0).any()


def test_times_of_a_vessels_rows_slice_or_pick() -> None:
    zs = load_zoneset()
    # rows of three vessels interleaved in time order
    vc = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0])
    ts = np.arange(vc.size, dtype=np.int64) * 1000
    b = FixBatch(
        zones=zs,
        states=[VesselState(vessel=f"v{i}") for i in range(3)],
        vc=vc,
        ts=ts,
        lat=np.zeros(vc.size),
        lon=np.zeros(vc.size),
        sog=np.zeros(vc.size),
        dt_s=np.zeros(vc.size),
        dist_m=np.zeros(vc.size),
        implied_kn=np.zeros(vc.size),
        shore=ShoreDistance.known(np.zeros(vc.size)),
        has_prev=np.ones(vc.size, dtype=bool),
        crossing=np.zeros(vc.size, dtype=bool),
        zone_change=np.zeros(vc.size, dtype=bool),
        zone_transition=np.zeros(vc.size, dtype=bool),
        mmsi_known=np.ones(vc.size, dtype=bool),
        inner_pt=np.zeros(0, dtype=np.int64),
        inner_zone=np.zeros(0, dtype=np.int64),
        outer_pt=np.zeros(0, dtype=np.int64),
        outer_zone=np.zeros(0, dtype=np.int64),
    )
    assert b.times_of([3, 6, 9]) == [3000, 6000, 9000]  # consecutive fixes of vessel 0
    assert b.times_of([0, 6]) == [0, 6000]  # not consecutive (3 left out)
    assert b.times_of([4]) == [4000]
    assert b.times_of([1, 4, 7]) == [1000, 4000, 7000]


def test_vessel_order_and_times_by_vessel() -> None:
    b = batch([2, 0, 2, 1, 0], [20.0] * 5, [35.0] * 5, 3)
    assert b.order_list == [1, 4, 3, 0, 2]  # vessel 0's rows, then 1's, then 2's, in time
    assert b.vessel_rows.tolist() == b.order_list
    assert b.ts_by_vessel == [1000, 4000, 3000, 0, 2000]


def test_quiet_spans_default_hands_each_vessel_its_rows() -> None:
    from detectors.base import Detector

    seen: list[tuple[str, list[int]]] = []

    class Bookkeeper(Detector):
        name = "bookkeeper"

        @classmethod
        def default_params(cls) -> None:
            return None

        def on_fix(self, fix, vs, ctx):  # type: ignore[no-untyped-def]
            return []

        def quiet_rows(self, vs: VesselState, b: FixBatch, rows: list[int]) -> None:
            seen.append((vs.vessel, rows))

    b = batch([2, 0, 2, 1, 0, 2], [20.0] * 6, [35.0] * 6, 3)  # order: 1 4 | 3 | 0 2 5
    Bookkeeper().quiet_spans(b, np.array([0, 2]), np.array([1, 4]), np.array([2, 6]))
    assert seen == [("v0", [4]), ("v2", [2, 5])]


def test_zone_ids_of_many_rows_match_one_at_a_time() -> None:
    # Lesbos strait (territorial seas, boundary band), open Aegean, Lampedusa, mid-sea
    lon = [26.4, 25.0, 12.6, 18.0, 26.45, 12.55]
    lat = [39.2, 37.0, 35.5, 34.0, 39.25, 35.52]
    b = batch([0, 1, 2, 3, 0, 2], lon, lat, 4)
    rows = np.arange(6)
    ids = [z.id for z in b.zones.zones]
    for outer in (False, True):
        pt, zn = (b.outer_pt, b.outer_zone) if outer else (b.inner_pt, b.inner_zone)
        want = [tuple(ids[z] for p, z in zip(pt, zn, strict=True) if p == u) for u in range(6)]
        many = b.zone_ids_of(rows, outer=outer)
        assert many == want
        assert many == [b.zone_ids_at(u, outer=outer) for u in range(6)]
        assert any(many) and not all(many)  # some rows in zones, some in none
    assert b.zone_ids_of(np.array([3, 5])) == [b.zone_ids_at(3), b.zone_ids_at(5)]
    assert b.zone_ids_of(np.empty(0, dtype=np.int64)) == []


def test_may_enter_or_exit_keeps_the_transitions_that_can_touch_zones_of_interest() -> None:
    # vessel 0: rows 0, 2, 4; vessel 1: rows 1, 3, 5 (positions do not matter here)
    b = batch([0, 1, 0, 1, 0, 1], [20.0] * 6, [35.0] * 6, 2)
    b.zone_transition = np.array([True, True, True, False, True, True])
    inside = np.array([False, False, True, True, False, False])
    within = np.array([False, False, True, False, False, False])
    assert b.first_in_batch.tolist() == [True, True, False, False, False, False]
    # entering: a transition inside a zone of interest
    assert b.may_enter_or_exit(inside, None).tolist() == [False, False, True, False, False, False]
    # leaving: a transition after a row within one (row 4 after row 2), or a vessel's first
    # row of the batch when its state holds a zone (its previous fix is in its state)
    assert b.may_enter_or_exit(None, within).tolist() == [False, False, False, False, True, False]
    b.states[1].zones["ts-x"] = 0
    assert b.may_enter_or_exit(None, within).tolist() == [False, True, False, False, True, False]
    assert not b.may_enter_or_exit(None, None).any()
