"""Vectorised geofence engine: which zones contain a batch of positions, which boundary lines a
batch of track segments crosses (and from which side), and the signed distance to shore.

Point-in-polygon work goes through a grid cover of the polygons (``detectors.cellcover``: a
table lookup away from zone edges) and shapely 2's vectorised predicates near them; segments go
through a band of cells along the boundary lines, then one STRtree query. There is no Python
loop over points.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from detectors.cellcover import CellCover, CellVerdicts, LineBand
from detectors.projection import buffer_m, to_metric, to_metric_xy
from detectors.zones import Zone

__all__ = ["PORT_KINDS", "Crossing", "GeoAnswer", "ZoneSet"]

PORT_KINDS = frozenset({"port", "anchorage"})

log = logging.getLogger(__name__)

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

COAST_SPACING_M = 250.0
COARSE_COAST_M = 1000.0
FINE_SHORE_M = 20_000.0
# Zone covers use cells of 0.01 deg (~1 km): the Aegean's territorial-sea and contiguous-zone
# lines wind around every island, and at 0.02 deg half the fixes there fell in a cell an
# edge crosses (an exact polygon test each); at 0.01 a quarter do. Built in ~0.8 s, ~33 MB
# per cover (measured on config/zones); the land cover keeps the default (no gain there).
ZONE_CELL_DEG = 0.01
HYSTERESIS_M = 1000.0  # exit only 1 km outside a zone (GFW ports: 3 km in / 4 km out)


@dataclass(frozen=True, slots=True)
class GeoAnswer:
    """Per-point answers for a batch. ``pairs_*`` are (point index, zone index) arrays."""

    inner_pt: I64
    inner_zone: I64
    outer_pt: I64
    outer_zone: I64
    dist_shore_m: F64  # > 0 at sea, < 0 inland (depth), NaN outside land coverage

    def zones_per_point(self, n: int, which: str = "inner") -> list[list[int]]:
        pt, zn = (
            (self.inner_pt, self.inner_zone)
            if which == "inner"
            else (self.outer_pt, self.outer_zone)
        )
        out: list[list[int]] = [[] for _ in range(n)]
        for p, z in zip(pt.tolist(), zn.tolist(), strict=True):
            out[p].append(z)
        return out


@dataclass(frozen=True, slots=True)
class Crossing:
    segment: int  # index into the batch of segments
    zone: int  # index of the boundary zone
    side_from: str
    side_to: str
    lon: float
    lat: float


class ZoneSet:
    """Zones (polygons and boundary lines) plus land, with spatial indexes built once."""

    def __init__(
        self,
        zones: list[Zone],
        land: BaseGeometry | None = None,
        hysteresis_m: float = HYSTERESIS_M,
    ) -> None:
        self.zones = zones
        self.by_id = {z.id: z for z in zones}
        self._masks: dict[tuple[str, frozenset[str]], npt.NDArray[np.bool_]] = {}
        self.index_of = {z.id: i for i, z in enumerate(zones)}
        self.hysteresis_m = hysteresis_m
        self._near_memo: dict[tuple[float, float, float], bool] = {}
        self._no_port_cells: dict[float, CellVerdicts] = {}  # per near_port distance
        self._poly_idx = np.array([i for i, z in enumerate(zones) if not z.is_line], dtype=np.int64)
        self._line_idx = np.array([i for i, z in enumerate(zones) if z.is_line], dtype=np.int64)
        for i in self._poly_idx:
            shapely.prepare(zones[i].geometry)
        self._line_tree = shapely.STRtree([zones[i].geometry for i in self._line_idx])
        self.land = land
        self._land_parts: list[BaseGeometry] = []
        self._land_box: tuple[float, float, float, float] | None = None
        if land is not None and not land.is_empty:
            parts = list(getattr(land, "geoms", [land]))
            self._land_parts = [to_metric(p) for p in parts]
            self._land_box = land.bounds

    @classmethod
    def empty(cls) -> ZoneSet:
        return cls([], None)

    # Cells decided on first use (CellVerdicts) hold closures over this object: they are
    # left out of a pickle (stream/zonecache.py) and start afresh, undecided, after it.
    _UNPICKLED = ("_far_cells", "_far_dist", "_no_port_cells", "_near_memo", "_masks")

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in self._UNPICKLED}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._masks, self._near_memo, self._no_port_cells = {}, {}, {}
        for i in self._poly_idx:  # (preparation is not pickled)
            shapely.prepare(self.zones[i].geometry)

    def __len__(self) -> int:
        return len(self.zones)

    def prepare(self) -> ZoneSet:
        """Build now every index the queries otherwise build on first use - the zones' and
        the land's grid covers, the buffered exit shapes, the coast tree, the boundary-line
        band, the port tree (about a second for the bundled zones): a service does it at
        start-up, not inside its first batch. Returns the zone set."""
        if len(self._poly_idx):
            _ = self._inner_cover, self._outer_cover
        if len(self._line_idx):
            _ = self._line_band
        if self._land_box is not None:
            _ = self._land_cover, self._coast_index, self._far_cells
        _ = self._waterways, self._port_tree
        return self

    def contains(
        self, lon: npt.ArrayLike, lat: npt.ArrayLike, outer: bool = False
    ) -> tuple[I64, I64]:
        """(point index, zone index) pairs of polygon zones containing each point, sorted by
        point, then zone.

        A grid cover (``CellCover``) answers points away from every zone edge by table
        lookup; the rest go to shapely's vectorised ``contains_xy`` on the prepared polygon.
        No Point objects are created (see bench/ for the rates).
        """
        x = np.asarray(lon, dtype=np.float64)
        y = np.asarray(lat, dtype=np.float64)
        if len(self._poly_idx) == 0 or x.size == 0:
            e = np.empty(0, dtype=np.int64)
            return e, e
        pt, k = (self._outer_cover if outer else self._inner_cover).contains(x, y)
        return pt, self._poly_idx[k]

    @cached_property
    def _inner_cover(self) -> CellCover:
        return CellCover([self.zones[i].geometry for i in self._poly_idx], ZONE_CELL_DEG)

    @cached_property
    def _outer_cover(self) -> CellCover:
        return CellCover(self._outer_geoms, ZONE_CELL_DEG)

    @cached_property
    def _outer_geoms(self) -> list[BaseGeometry]:
        """The polygon zones buffered by the exit hysteresis: a vessel leaves a zone only
        once it is this far outside it."""
        return [
            buffer_m(self.zones[i].geometry, self.hysteresis_m, quad_segs=2) for i in self._poly_idx
        ]

    def dist_shore_m(self, lon: npt.ArrayLike, lat: npt.ArrayLike) -> F64:
        """Signed metric distance to the coastline: > 0 at sea, < 0 inland, NaN off coverage.

        Inside/outside comes from a grid cover of the land polygon (exact: see cellcover).
        Within 20 km of the coast the distance comes from a KD-tree of coastline points 250 m
        apart in the metric CRS (error under 125 m, far below every threshold that uses it).
        A point in a grid cell that lies wholly beyond 20 km gets its cell's distance, the
        same tree's answer at the cell centre, looked up (error under 1.6 km: the centre is
        at most 1.5 km from any point of a 0.02 deg cell; no threshold lives out there).
        """
        lon_a = np.asarray(lon, dtype=np.float64)
        lat_a = np.asarray(lat, dtype=np.float64)
        out = np.full(lon_a.shape, np.nan)
        cov = self._land_covered(lon_a, lat_a)
        if cov.size == 0:
            return out
        cx, cy = lon_a[cov], lat_a[cov]
        cid, on_grid = self._far_cells.grid.cell_id(cx, cy)
        far = self._far_cells.sure_at(cid, on_grid)
        dist = np.empty(cov.size)
        dist[far] = self._far_dist[cid[far]]
        near = np.flatnonzero(~far)
        if near.size:
            tree, coarse = self._coast_index
            x, y = to_metric_xy(cx[near], cy[near])
            xy = np.column_stack([x, y])
            d = tree.query(xy, distance_upper_bound=FINE_SHORE_M)[0]
            beyond = ~np.isfinite(d)  # near a cell within reach, yet beyond 20 km itself
            if beyond.any():
                d[beyond] = coarse.query(xy[beyond])[0]
            dist[near] = d
        inland = self._land_cover.contains(cx, cy)[0]
        dist[inland] = -dist[inland]
        out[cov] = dist
        for g, (wx0, wy0, wx1, wy1) in self._waterways:
            # Canals the coarse land data fills in count as water at the shore.
            m = np.flatnonzero((cx >= wx0) & (cx <= wx1) & (cy >= wy0) & (cy <= wy1))
            if m.size:
                out[cov[m[shapely.contains_xy(g, cx[m], cy[m])]]] = 0.0
        return out

    def on_land(self, lon: F64, lat: F64) -> npt.NDArray[np.bool_]:
        """Points inside the land polygon (where ``dist_shore_m`` may be negative)."""
        out = np.zeros(lon.size, dtype=bool)
        cov = self._land_covered(lon, lat)
        if cov.size:
            out[cov[self._land_cover.contains(lon[cov], lat[cov])[0]]] = True
        return out

    def _land_covered(self, lon: F64, lat: F64) -> I64:
        """Indices of the points within the land data's bounding box (none without land)."""
        if self._land_box is None or lon.size == 0:
            return np.empty(0, dtype=np.int64)
        x0, y0, x1, y1 = self._land_box
        return np.flatnonzero((lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1))

    @cached_property
    def _coast_index(self) -> tuple[Any, Any]:
        from scipy.spatial import cKDTree

        assert self.land is not None
        coast = shapely.segmentize(
            shapely.boundary(shapely.MultiPolygon(self._land_parts)), COAST_SPACING_M
        )
        pts = shapely.get_coordinates(coast)
        # The coarse tree answers far from the coast: points snapped to a 1 km grid (within
        # 0.71 km of where they were) keep every islet, which a stride over the points drops.
        coarse = np.unique(np.round(pts / COARSE_COAST_M), axis=0) * COARSE_COAST_M
        return cKDTree(pts), cKDTree(coarse)

    @cached_property
    def _far_dist(self) -> npt.NDArray[np.float32]:
        """Per grid cell, the coast distance at its centre (set when the cell is decided
        far by ``_far_cells``)."""
        g = self._land_cover.grid
        return np.full(g.nx * g.ny, np.nan, dtype=np.float32)

    @cached_property
    def _far_cells(self) -> CellVerdicts:
        """Cells whose every point lies more than FINE_SHORE_M from the coast points."""
        grid = self._land_cover.grid

        def decide(cells: I64) -> npt.NDArray[np.bool_]:
            # from the centre: the distance to the nearest coast point changes by at most
            # the centre-to-corner distance within the cell
            x0, y0, x1, y1 = grid.corners(cells)
            cx, cy = to_metric_xy((x0 + x1) / 2, (y0 + y1) / 2)
            reach = np.zeros(cells.size)
            for kx, ky in ((x0, y0), (x0, y1), (x1, y0), (x1, y1)):
                mx, my = to_metric_xy(kx, ky)
                reach = np.maximum(reach, np.hypot(mx - cx, my - cy))
            d = self._coast_index[0].query(np.column_stack([cx, cy]))[0]
            self._far_dist[cells] = d
            return np.asarray(d > FINE_SHORE_M + reach * 1.01 + 1.0)

        return CellVerdicts(grid, decide)

    @cached_property
    def _land_cover(self) -> CellCover:
        assert self.land is not None
        return CellCover([self.land])

    @cached_property
    def _waterways(self) -> list[tuple[BaseGeometry, tuple[float, float, float, float]]]:
        out = []
        for z in self.zones:
            if z.kind == "waterway":
                shapely.prepare(z.geometry)
                out.append((z.geometry, z.geometry.bounds))
        return out

    def lookup(self, lon: npt.ArrayLike, lat: npt.ArrayLike) -> GeoAnswer:
        ip, iz = self.contains(lon, lat)
        op, oz = self.contains(lon, lat, outer=True)
        return GeoAnswer(ip, iz, op, oz, self.dist_shore_m(lon, lat))

    # -- segment queries --------------------------------------------------------------------
    def crossings(
        self, lon0: npt.ArrayLike, lat0: npt.ArrayLike, lon1: npt.ArrayLike, lat1: npt.ArrayLike
    ) -> list[Crossing]:
        """Boundary lines crossed by each segment (lon0,lat0)→(lon1,lat1)."""
        if len(self._line_idx) == 0:
            return []
        a0, b0 = np.asarray(lon0, dtype=np.float64), np.asarray(lat0, dtype=np.float64)
        a1, b1 = np.asarray(lon1, dtype=np.float64), np.asarray(lat1, dtype=np.float64)
        if a0.size == 0:
            return []
        # only segments near a line (or long ones) can cross one
        cand = np.flatnonzero(self._line_band.candidates(a0, b0, a1, b1))
        if cand.size == 0:
            return []
        coords = np.stack(
            [np.column_stack([a0[cand], b0[cand]]), np.column_stack([a1[cand], b1[cand]])], axis=1
        )
        segs = shapely.linestrings(coords)
        si, gi = self._line_tree.query(segs, predicate="intersects")
        out: list[Crossing] = []
        for k, g in sorted(zip(si.tolist(), gi.tolist(), strict=True)):
            s = int(cand[k])
            zi = int(self._line_idx[g])
            line = self.zones[zi].geometry
            p0, p1 = Point(a0[s], b0[s]), Point(a1[s], b1[s])
            side0, side1 = self.side_of(zi, p0), self.side_of(zi, p1)
            if side0 == side1:
                continue  # touched or crossed twice: no net change of side
            x = shapely.intersection(segs[k], line)
            c = x.centroid if not x.is_empty else p1
            out.append(Crossing(s, zi, side0, side1, float(c.x), float(c.y)))
        return out

    def side_of(self, zone_index: int, p: Point) -> str:
        """'left'/'right' of the line's direction, named by the zone's left/right properties."""
        z = self.zones[zone_index]
        line = z.geometry
        if line.geom_type == "MultiLineString":
            line = min(line.geoms, key=lambda g: g.distance(p))
        d = line.project(p)
        a = line.interpolate(max(0.0, d - 1e-4))
        b = line.interpolate(min(line.length, d + 1e-4))
        cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x)
        key = "left" if cross > 0 else "right"
        return str(z.props.get(key, key))

    @cached_property
    def _line_band(self) -> LineBand:
        # (0.01 deg: half the candidate segments of 0.02 on the bench workload; finer, more
        # segments span more than a cell and count as candidates anyway)
        return LineBand([self.zones[i].geometry for i in self._line_idx], ZONE_CELL_DEG)

    @cached_property
    def _port_tree(self) -> tuple[shapely.STRtree, int]:
        ports = [z.geometry for z in self.zones if z.kind in PORT_KINDS]
        return shapely.STRtree(ports), len(ports)

    def near_port(self, lon: float, lat: float, dist_m: float) -> bool:
        """Whether a port/anchorage zone lies within about ``dist_m`` (degree approximation,
        never shorter than ``dist_m``). Answers ``near_port_many`` computed are reused."""
        got = self._near_memo.get((lon, lat, dist_m))
        if got is not None:
            return got
        cells = self._no_port_cells.get(dist_m)
        if cells is not None and cells.known_sure(lon, lat):
            return False
        return bool(self.near_port_many([lon], [lat], dist_m)[0])

    def near_port_many(
        self, lon: npt.ArrayLike, lat: npt.ArrayLike, dist_m: float
    ) -> npt.NDArray[np.bool_]:
        """``near_port`` for many points in one tree query (and remembered for them)."""
        lon_a = np.asarray(lon, dtype=np.float64)
        lat_a = np.asarray(lat, dtype=np.float64)
        out = np.zeros(lon_a.size, dtype=bool)
        tree, n = self._port_tree
        if not n or lon_a.size == 0:
            return out
        ask = np.flatnonzero(~self._surely_no_port(lon_a, lat_a, dist_m))
        if ask.size == 0:
            return out
        lon_l, lat_l = lon_a[ask].tolist(), lat_a[ask].tolist()
        deg = [dist_m / (111_320.0 * max(0.2, math.cos(math.radians(y)))) for y in lat_l]
        hit = tree.query(shapely.points(lon_l, lat_l), predicate="dwithin", distance=deg)[0]
        out[ask[hit]] = True
        memo = self._near_memo
        if len(memo) > 200_000:
            memo.clear()
        memo.update(
            zip(
                zip(lon_l, lat_l, [dist_m] * len(lon_l), strict=True),
                out[ask].tolist(),
                strict=True,
            )
        )
        return out

    def _surely_no_port(self, lon: F64, lat: F64, dist_m: float) -> npt.NDArray[np.bool_]:
        """Points whose whole grid cell is beyond ``near_port``'s reach of every port (exact:
        near_port is False there)."""
        if self.land is None:
            return np.zeros(lon.size, dtype=bool)
        cells = self._no_port_cells.get(dist_m)
        if cells is None:
            grid = self._land_cover.grid

            def decide(new: I64) -> npt.NDArray[np.bool_]:
                # no port within the reach at the cell's highest latitude plus the cell's
                # half diagonal (in degrees) of its centre
                x0, y0, x1, y1 = grid.corners(new)
                top = np.minimum(np.maximum(np.abs(y0), np.abs(y1)), 89.0)
                reach = dist_m / (111_320.0 * np.maximum(0.2, np.cos(np.radians(top))))
                reach = reach * 1.0001 + math.hypot(grid.cell, grid.cell) / 2 + 1e-9
                centres = shapely.points((x0 + x1) / 2, (y0 + y1) / 2)
                none = np.ones(new.size, dtype=bool)
                none[self._port_tree[0].query(centres, "dwithin", distance=reach)[0]] = False
                return none

            cells = self._no_port_cells[dist_m] = CellVerdicts(grid, decide)
        return cells.sure(lon, lat)

    def zone_mask(self, field: str, values: frozenset[str]) -> npt.NDArray[np.bool_]:
        """Per zone, whether its ``field`` ("kind" or "id") is one of ``values`` (cached: the
        detectors ask the same every batch)."""
        key = (field, values)
        got = self._masks.get(key)
        if got is None:
            got = np.fromiter((getattr(z, field) in values for z in self.zones), bool, len(self))
            self._masks[key] = got
        return got

    def any_kind(self, zone_ids: tuple[str, ...] | list[str], kinds: frozenset[str]) -> bool:
        """Whether any of these zone ids is of one of ``kinds``."""
        by = self.by_id
        return any((z := by.get(i)) is not None and z.kind in kinds for i in zone_ids)
