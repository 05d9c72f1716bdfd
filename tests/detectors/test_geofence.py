import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point

from detectors.geofence import ZoneSet
from stream.zoneload import load_zoneset


def ids_at(zs: ZoneSet, lon: float, lat: float) -> set[str]:
    a = zs.lookup([lon], [lat])
    return {zs.zones[i].id for i in a.inner_zone.tolist()}


def ts_at(zs: ZoneSet, lon: float, lat: float) -> set[str]:
    return {i for i in ids_at(zs, lon, lat) if zs.by_id[i].kind == "territorial_sea"}


def test_known_points() -> None:
    zs = load_zoneset()
    assert ts_at(zs, 23.55, 37.85) == {"ts-grc"}  # Saronic Gulf
    assert ts_at(zs, 14.5, 35.75) == {"ts-mlt"}  # 8 nm south of Malta
    assert ts_at(zs, 14.5, 35.45) == set()  # 25 nm south of Malta: no territorial sea
    assert ts_at(zs, 12.6, 35.42) == {"ts-ita"}  # by Lampedusa
    assert ts_at(zs, 13.2, 33.0) == {"ts-lby"}  # off Tripoli
    assert "lnd-ita-lampedusa" in ids_at(zs, 12.58, 35.49)
    assert "dep-tur-ayvalik-dikili" in ids_at(zs, 26.62, 39.25)


def test_median_line_sides_between_lesvos_and_turkey() -> None:
    zs = load_zoneset()
    k = zs.index_of["bnd-grc-tur-median"]
    # At 39.25 N Lesvos' east coast is at ~26.42 E and the Turkish coast at ~26.72 E: the
    # equidistance line runs through the middle of the strait.
    line = zs.zones[k].geometry
    x = line.intersection(LineString([(26.3, 39.25), (26.8, 39.25)]))
    assert 26.5 < x.x < 26.6
    assert zs.side_of(k, Point(26.47, 39.25)) == "GRC"
    assert zs.side_of(k, Point(26.64, 39.25)) == "TUR"
    # between Chios (east coast ~26.15 E) and the Karaburun peninsula
    assert zs.side_of(k, Point(26.17, 38.35)) == "GRC"
    assert zs.side_of(k, Point(26.27, 38.35)) == "TUR"
    c = zs.crossings([26.70], [39.20], [26.55], [39.20])
    assert len(c) == 1 and (c[0].side_from, c[0].side_to) == ("TUR", "GRC")
    assert zs.crossings([26.70], [39.20], [26.68], [39.21]) == []


def test_distance_to_shore_is_metric_and_signed() -> None:
    zs = load_zoneset()
    d = zs.dist_shore_m([14.5, 23.73, -100.0], [35.45, 37.98, 20.0])
    assert 35_000 < d[0] < 60_000  # 25 nm south of Malta ≈ 46 km
    assert d[1] < -1000  # central Athens: inland
    assert np.isnan(d[2])  # outside the land coverage


def test_hysteresis_outer_contains_inner() -> None:
    zs = load_zoneset()
    # A point 500 m outside Heraklion port's 2 km circle is inside its 1 km exit ring.
    lon, lat = 25.14 + 2500 / 90_800, 35.345  # (90.8 km per degree of longitude there)
    assert "port-grc-heraklion" not in ids_at(zs, lon, lat)
    a = zs.lookup([lon], [lat])
    assert "port-grc-heraklion" in {zs.zones[i].id for i in a.outer_zone.tolist()}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(9, 30), st.floats(30.5, 41.5)), min_size=1, max_size=30))
def test_batch_equals_single_point_answers(pts: list[tuple[float, float]]) -> None:
    zs = load_zoneset()
    lon = [p[0] for p in pts]
    lat = [p[1] for p in pts]
    batch = zs.lookup(lon, lat)
    per_point = batch.zones_per_point(len(pts))
    dist = batch.dist_shore_m
    for i, (x, y) in enumerate(pts):
        single = zs.lookup([x], [y])
        assert sorted(per_point[i]) == sorted(single.inner_zone.tolist())
        assert np.isclose(dist[i], single.dist_shore_m[0], equal_nan=True)
        # and the answer agrees with shapely's own predicate, zone by zone (interior: a point
        # exactly on a zone's edge is outside, as with GeoPandas' "within")
        expect = sorted(
            k for k, z in enumerate(zs.zones) if not z.is_line and z.geometry.contains(Point(x, y))
        )
        assert sorted(per_point[i]) == expect


def test_prepare_builds_every_index_before_the_first_query() -> None:
    from stream.zoneload import ZONES_DIR, load_land, load_zone_files

    zs = ZoneSet(load_zone_files(str(ZONES_DIR)), load_land())
    lazy = ("_inner_cover", "_outer_cover", "_line_band", "_land_cover", "_coast_index")
    assert not any(k in zs.__dict__ for k in lazy)  # built on first use
    assert zs.prepare() is zs
    assert all(k in zs.__dict__ for k in lazy)
    built = {k: zs.__dict__[k] for k in lazy}
    x, y = np.array([26.62, 14.5]), np.array([39.25, 35.75])
    a, ref = zs.lookup(x, y), load_zoneset().lookup(x, y)  # the same answers
    assert a.inner_pt.tolist() == ref.inner_pt.tolist()
    assert a.inner_zone.tolist() == ref.inner_zone.tolist()
    assert np.allclose(a.dist_shore_m, ref.dist_shore_m)
    assert all(zs.__dict__[k] is v for k, v in built.items())  # nothing built again
    assert len(ZoneSet.empty().prepare()) == 0  # no zones, no land: nothing to build
