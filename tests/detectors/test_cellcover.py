"""The grid cover answers exactly what testing every point against every polygon answers."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Polygon, box

from detectors.cellcover import SUB, CellCover, LineBand
from stream.zoneload import load_zoneset


def brute(geoms: list, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    pi, zi = [], []
    for k, g in enumerate(geoms):
        hit = np.flatnonzero(shapely.contains_xy(g, x, y))
        pi.append(hit)
        zi.append(np.full(hit.size, k))
    p, z = np.concatenate(pi), np.concatenate(zi)
    order = np.lexsort((z, p))
    return p[order], z[order]


def near_edges(geoms: list, n: int, sd: float, rng: np.random.Generator) -> tuple:
    """Points scattered around the polygons' vertices: where the cover must defer."""
    xy = np.concatenate([shapely.get_coordinates(g) for g in geoms])
    k = rng.integers(0, len(xy), n)
    return xy[k, 0] + rng.normal(0, sd, n), xy[k, 1] + rng.normal(0, sd, n)


def assert_same(cover: CellCover, x: np.ndarray, y: np.ndarray) -> int:
    got = cover.contains(x, y)
    want = brute(cover.geoms, x, y)
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])
    return int(want[0].size)


@pytest.fixture(scope="module")
def zs():  # type: ignore[no-untyped-def]
    return load_zoneset()


@pytest.mark.parametrize("which", ["inner", "outer", "land"])
def test_bundled_zones_and_land(zs, which: str) -> None:  # type: ignore[no-untyped-def]
    cover = {"inner": zs._inner_cover, "outer": zs._outer_cover, "land": zs._land_cover}[which]
    rng = np.random.default_rng(7)
    n = 60_000
    aegean = rng.random(n) < 0.5
    x = np.where(aegean, rng.uniform(21.0, 30.0, n), rng.uniform(8.0, 17.0, n))
    y = np.where(aegean, rng.uniform(34.0, 42.0, n), rng.uniform(31.0, 39.0, n))
    ex, ey = near_edges(cover.geoms, 60_000, 0.01, rng)
    hits = assert_same(cover, np.r_[x, ex], np.r_[y, ey])
    assert hits > 10_000  # the sample does land inside zones


def _band_hits(cover: CellCover, x: np.ndarray, y: np.ndarray) -> int:
    """(point, polygon) pairs whose cell lies in the polygon's boundary band."""
    cid, ok = cover.grid.cell_id(x, y)
    lo, hi = cover._ptr[cid[ok]], cover._ptr[cid[ok] + 1]
    csum = np.concatenate([[0], np.cumsum(cover._rank >= 0)])
    return int((csum[hi] - csum[lo]).sum())


def test_band_subcells_settle_most_points_near_edges(zs) -> None:  # type: ignore[no-untyped-def]
    # Points near the zones' edges fall in the band; the subcells there settle about three
    # in four of them, and the answers stay exact.
    cover = CellCover(zs._inner_cover.geoms, zs._inner_cover.grid.cell)
    x, y = near_edges(cover.geoms, 50_000, 0.01, np.random.default_rng(11))
    band = _band_hits(cover, x, y)
    assert assert_same(cover, x, y) > 10_000
    assert band > 20_000 and 0 < cover.exact_tests < band / 2
    again = cover.exact_tests
    assert_same(cover, x, y)  # decided once: the same points, the same exact tests
    assert cover.exact_tests == 2 * again


def test_holes_tiny_polygons_and_points_on_edges() -> None:
    ring = Polygon(
        [(0, 0), (1, 0), (1, 1), (0, 1)], holes=[[(0.3, 0.3), (0.7, 0.3), (0.7, 0.7), (0.3, 0.7)]]
    )
    tiny = box(0.501, 0.501, 0.503, 0.503)  # smaller than a cell, inside the hole
    thin = Polygon([(-1, -1), (2, -0.99), (2, -0.985), (-1, -0.995)])
    cover = CellCover([ring, tiny, thin], cell_deg=0.05)
    rng = np.random.default_rng(3)
    x, y = rng.uniform(-1.2, 2.2, 50_000), rng.uniform(-1.2, 1.2, 50_000)
    ex, ey = near_edges(cover.geoms, 20_000, 0.004, rng)
    # points exactly on cell and subcell edges, on the polygon's own edges and on its vertices
    gx, gy = np.meshgrid(np.arange(-1.0, 2.0, 0.05), np.arange(-1.0, 1.2, 0.05))
    sx, sy = np.meshgrid(np.arange(-0.1, 1.1, 0.05 / SUB), np.arange(-0.1, 1.1, 0.05 / SUB))
    vx, vy = shapely.get_coordinates(ring).T
    xs = np.concatenate([x, ex, gx.ravel(), sx.ravel(), vx, np.linspace(0, 1, 101)])
    ys = np.concatenate([y, ey, gy.ravel(), sy.ravel(), vy, np.zeros(101)])
    assert assert_same(cover, xs, ys) > 1000
    got = cover.contains(np.array([0.5, 0.1, 0.502]), np.array([0.5, 0.1, 0.502]))
    assert got[0].tolist() == [1, 2] and got[1].tolist() == [0, 1]


def test_empty_and_off_grid() -> None:
    e = CellCover([])
    assert e.contains(np.array([1.0]), np.array([1.0]))[0].size == 0
    c = CellCover([box(0, 0, 1, 1)])
    got = c.contains(np.array([50.0, np.nan, 0.5]), np.array([50.0, 0.5, 0.5]))
    assert got[0].tolist() == [2]


def test_line_band_keeps_every_crossing_segment() -> None:
    lines = [
        LineString([(0, 0), (1, 1), (2, 0.5)]),
        LineString([(0, 1), (0.3, 0.2), (0.31, 0.9)]),
    ]
    band = LineBand(lines, cell_deg=0.02)
    rng = np.random.default_rng(5)
    n = 40_000
    x0, y0 = rng.uniform(-0.2, 2.2, n), rng.uniform(-0.2, 1.2, n)
    step = rng.choice([0.002, 0.01, 0.03, 0.2], n)  # short and long segments
    x1, y1 = x0 + rng.normal(0, 1, n) * step, y0 + rng.normal(0, 1, n) * step
    segs = shapely.linestrings(np.stack([np.c_[x0, y0], np.c_[x1, y1]], axis=1))
    crossing = np.zeros(n, dtype=bool)
    for ln in lines:
        crossing |= shapely.intersects(segs, ln)
    cand = band.candidates(x0, y0, x1, y1)
    assert crossing.sum() > 100
    assert not (crossing & ~cand).any()
    assert cand.mean() < 0.5  # and it does rule out most of the far ones


def test_zoneset_crossings_unchanged_by_the_band(zs) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(11)
    line = zs.zones[int(zs._line_idx[0])].geometry
    px, py = near_edges([line], 20_000, 0.02, rng)
    qx, qy = px + rng.normal(0, 0.01, px.size), py + rng.normal(0, 0.01, py.size)
    got = zs.crossings(px, py, qx, qy)
    segs = shapely.linestrings(np.stack([np.c_[px, py], np.c_[qx, qy]], axis=1))
    tree = shapely.STRtree([zs.zones[int(i)].geometry for i in zs._line_idx])
    touched = sorted(set(tree.query(segs, predicate="intersects")[0].tolist()))
    assert len(got) > 100
    assert {c.segment for c in got} <= set(touched)
    # every segment that changes side is reported
    sides = [
        (
            zs.side_of(int(zs._line_idx[0]), shapely.Point(px[s], py[s])),
            zs.side_of(int(zs._line_idx[0]), shapely.Point(qx[s], qy[s])),
        )
        for s in touched[:300]
    ]
    changed = {s for s, (a, b) in zip(touched[:300], sides, strict=True) if a != b}
    assert changed <= {c.segment for c in got}


def test_dist_shore_is_exact_near_the_coast_and_per_cell_far_out(zs) -> None:  # type: ignore[no-untyped-def]
    from detectors.projection import to_metric_xy

    rng = np.random.default_rng(13)
    lon = np.r_[rng.uniform(-6, 37, 40_000), rng.uniform(22, 29, 40_000)]
    lat = np.r_[rng.uniform(30, 46.5, 40_000), rng.uniform(34.5, 41, 40_000)]
    got = zs.dist_shore_m(lon, lat)
    fine = zs._coast_index[0]
    xy = np.column_stack(to_metric_xy(lon, lat))
    exact = fine.query(xy)[0]
    within = exact <= 20_000.0
    water = got == 0.0  # canals count as water at the shore
    # within 20 km of the coast: the fine tree's own answer at the point
    m = within & ~water
    assert m.sum() > 10_000
    assert np.array_equal(np.abs(got[m]), exact[m])
    # beyond: the answer at the cell centre (or the coarse tree), never more than a cell
    # half-diagonal (1.5 km) plus the coarse tree's spacing off
    cells = zs._far_cells
    cid, on = cells.grid.cell_id(lon, lat)
    far_cell = cells.sure_at(cid, on)
    assert cells.count_sure() > 1000 and far_cell.sum() > 10_000
    assert not (far_cell & within).any()
    x0, y0, x1, y1 = cells.grid.corners(cid[far_cell])
    cx, cy = to_metric_xy((x0 + x1) / 2, (y0 + y1) / 2)
    centre = fine.query(np.column_stack([cx, cy]))[0]
    assert np.allclose(np.abs(got[far_cell])[~water[far_cell]], centre[~water[far_cell]], rtol=1e-6)
    out = ~within & ~water
    assert np.abs(np.abs(got[out]) - exact[out]).max() < 2_600.0


def test_near_port_rules_out_whole_cells_exactly(zs) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(17)
    ports = np.array(
        [[z.geometry.centroid.x, z.geometry.centroid.y] for z in zs.zones if z.kind == "port"]
    )
    k = rng.integers(0, len(ports), 30_000)
    lon = np.r_[rng.uniform(-6, 37, 30_000), ports[k, 0] + rng.normal(0, 0.12, k.size)]
    lat = np.r_[rng.uniform(30, 46.5, 30_000), ports[k, 1] + rng.normal(0, 0.12, k.size)]
    got = zs.near_port_many(lon, lat, 10_000.0)
    tree = zs._port_tree[0]
    deg = 10_000.0 / (111_320.0 * np.maximum(0.2, np.cos(np.radians(lat))))
    want = np.zeros(lon.size, dtype=bool)
    want[tree.query(shapely.points(lon, lat), predicate="dwithin", distance=deg)[0]] = True
    assert want.sum() > 5000 and zs._no_port_cells[10_000.0].count_sure() > 1000
    assert np.array_equal(got, want)
    tail = zip(lon[-500:].tolist(), lat[-500:].tolist(), strict=True)
    assert [zs.near_port(x, y, 10_000.0) for x, y in tail] == want[-500:].tolist()
