"""FixBatch helpers: predecessors, per-vessel spreading, zone-kind membership."""

from __future__ import annotations

import numpy as np

from detectors.base import VesselState
from detectors.batch import FixBatch, prev_in_group
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
        dist_shore=geo.dist_shore_m,
        has_prev=z,
        crossing=z,
        zone_change=z,
        mmsi_known=z,
        inner_pt=geo.inner_pt,
        inner_zone=geo.inner_zone,
        outer_pt=geo.outer_pt,
        outer_zone=geo.outer_zone,
    )


def test_prev_in_group() -> None:
    assert prev_in_group(np.array([3, 1, 3, 3, 1, 2])).tolist() == [-1, -1, 0, 2, 1, -1]
    assert prev_in_group(np.array([], dtype=np.int64)).tolist() == []


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
    # Piraeus port, open Ionian sea, Lampedusa port
    b = batch([0, 1, 2], [23.62, 19.0, 12.61], [37.94, 37.0, 35.50], 3)
    b.states[1].det["x"] = {"on": True}
    b.states[2].det["x"] = {}
    assert b.per_vessel("x", lambda st: "on" in st).tolist() == [False, True, False]
    assert b.per_vessel("x", lambda st: "on" in st, absent=True).tolist() == [True, True, False]
    ports = b.in_kinds(frozenset({"port", "anchorage"}))
    assert ports.tolist() == [True, False, True]
    assert b.in_kinds(frozenset({"port"}), outer=True)[[0, 2]].all()
    ts = b.in_kinds(frozenset({"territorial_sea"}))
    assert not ts[1]
