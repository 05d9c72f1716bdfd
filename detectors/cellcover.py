"""A grid cover of polygons and lines: settle most point and segment tests without geometry.

The plane is cut into square cells (``cell_deg`` on a side, in lon/lat degrees). For each
polygon, the cells its boundary passes through are *unsure*; every other cell lies wholly
inside or wholly outside it, which one test of a cell centre tells for a whole connected
region of such cells. A point in a *sure* cell is answered by an array lookup; only points in
unsure cells (a band of one to three cells along each boundary) go to shapely's exact
``contains_xy``. Answers are identical to testing every point exactly (tested).

Why it is exact: the boundary is densified so its vertices are at most one cell apart; any
point of the boundary is then within half a cell of a vertex, so in the vertex's cell or a
neighbour of it. Marking the vertices' cells and their eight neighbours as unsure therefore
marks every cell the boundary touches. Cells not marked are split into 4-connected regions
that the boundary does not enter, each wholly inside or wholly outside.

Inside the band, each (cell, polygon) pair is split once more into SUB x SUB subcells, by the
same argument one level down: subcells away from the boundary's densified vertices get their
verdict from a test of their centre, so only points in the subcells the boundary may touch
go to the exact test (a quarter to a third of the band's points, on the bundled zones). A
pair's subcells are decided the first time a point falls in its cell, not when the cover is
built (the subcells a polygon's edge may touch: for all its pairs, the first time one is).

Lines (boundary lines a track may cross) get the same band: a segment whose two ends lie in
cells at most one apart, in a cell not within two cells of a line, cannot cross it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from scipy import ndimage
from shapely.geometry.base import BaseGeometry

__all__ = ["CellCover", "CellVerdicts", "LineBand"]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
Bool = npt.NDArray[np.bool_]

CELL_DEG = 0.02  # ~2 km: a boundary band narrow enough that most fixes are settled by lookup
_NEIGHBOURS = np.ones((3, 3), dtype=bool)
SUB = 4  # subcells per side of a cell in the band (16: one 2-bit verdict each in a uint32)
# A subcell's verdict; a pair's word of 0: its subcells not decided yet.
_OUT, _IN, _EDGE = 1, 2, 3


class _Grid:
    """Cell indices of a regular lon/lat grid covering ``bounds`` (padded by ``pad`` cells)."""

    def __init__(self, bounds: tuple[float, float, float, float], cell: float, pad: int) -> None:
        x0, y0, x1, y1 = bounds
        self.cell = cell
        self.x0 = (np.floor(x0 / cell) - pad) * cell
        self.y0 = (np.floor(y0 / cell) - pad) * cell
        self.nx = int(np.floor((x1 - self.x0) / cell)) + 1 + pad
        self.ny = int(np.floor((y1 - self.y0) / cell)) + 1 + pad

    def floors(self, x: F64, y: F64, sub: int = 1) -> tuple[F64, F64]:
        """Cell column and row of each point as floats, unbounded (NaN for NaN); ``sub``:
        of the grid with each cell split ``sub`` x ``sub`` (global subcell indices)."""
        if sub != 1:  # (scaled by a power of two, exactly: the same floors wherever asked)
            x, y = x * sub, y * sub
        with np.errstate(invalid="ignore"):
            return (
                np.floor((x - self.x0 * sub) / self.cell),
                np.floor((y - self.y0 * sub) / self.cell),
            )

    def ij(self, x: F64, y: F64) -> tuple[I64, I64, Bool]:
        """Cell column and row of each point, and whether it falls on the grid."""
        return self._bounded(*self.floors(x, y))

    def _bounded(self, fi: F64, fj: F64) -> tuple[I64, I64, Bool]:
        with np.errstate(invalid="ignore"):
            ok = (fi >= 0) & (fi < self.nx) & (fj >= 0) & (fj < self.ny)
        i = np.where(ok, fi, 0).astype(np.int64)
        j = np.where(ok, fj, 0).astype(np.int64)
        return i, j, ok

    def cell_id_of(self, x: float, y: float) -> int | None:
        """``cell_id`` for one point, in plain Python (same arithmetic); None off the grid."""
        i = math.floor((x - self.x0) / self.cell)
        j = math.floor((y - self.y0) / self.cell)
        return i * self.ny + j if 0 <= i < self.nx and 0 <= j < self.ny else None

    def cell_id(self, x: F64, y: F64) -> tuple[I64, Bool]:
        """Flat cell id of each point (0 off the grid), and whether it falls on the grid."""
        i, j, ok = self.ij(x, y)
        return i * self.ny + j, ok

    def corners(self, cid: I64) -> tuple[F64, F64, F64, F64]:
        """Lower-left and upper-right corners (x0, y0, x1, y1) of cells by flat id."""
        i, j = np.divmod(cid, self.ny)
        x0 = self.x0 + i * self.cell
        y0 = self.y0 + j * self.cell
        return x0, y0, x0 + self.cell, y0 + self.cell

    def vertex_cells(self, geom: BaseGeometry, sub: int = 1) -> tuple[I64, I64]:
        """Cells of the vertices of ``geom``'s boundary (or of the line itself), densified
        to less than a cell apart. ``sub`` > 1: subcells (each cell split ``sub`` x
        ``sub``, densified to less than a subcell apart), as global subcell indices, on the
        grid or not."""
        line = geom if geom.geom_type in ("LineString", "MultiLineString") else geom.boundary
        xy = shapely.get_coordinates(shapely.segmentize(line, self.cell / sub * 0.9))
        if sub > 1:
            fi, fj = self.floors(xy[:, 0], xy[:, 1], sub)
            return fi.astype(np.int64), fj.astype(np.int64)
        i, j, ok = self.ij(xy[:, 0], xy[:, 1])
        return i[ok], j[ok]


class CellCover:
    """Which of ``geoms`` (polygons) contain each point, exactly, mostly by table lookup."""

    @property
    def grid(self) -> _Grid:
        return self._grid

    def __init__(self, geoms: Sequence[BaseGeometry], cell_deg: float = CELL_DEG) -> None:
        self.geoms = list(geoms)
        for g in self.geoms:
            shapely.prepare(g)
        e = np.empty(0, dtype=np.int64)
        if not self.geoms:
            self._grid = _Grid((0.0, 0.0, 0.0, 0.0), cell_deg, 1)
            self._ptr = np.zeros(self._grid.nx * self._grid.ny + 1, dtype=np.int32)
            self._zone = self._rank = e.astype(np.int32)
            self._band = self._band_by_zone = np.empty(0, dtype=np.int32)
            self._sub = np.empty(0, dtype=np.uint32)
            self._edge, self._edged = np.empty(0, dtype=np.uint16), np.empty(0, dtype=bool)
            self.exact_tests = 0
            return
        b = shapely.bounds(np.asarray(self.geoms, dtype=object))
        grid = self._grid = _Grid(
            (b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()), cell_deg, 3
        )
        cells: list[I64] = []
        zones: list[I64] = []
        unsure: list[Bool] = []
        for k, g in enumerate(self.geoms):
            c, u = self._cover_one(g, b[k])
            cells.append(c)
            unsure.append(u)
            zones.append(np.full(c.size, k, dtype=np.int64))
        cell_all = np.concatenate(cells)
        zone_all = np.concatenate(zones)
        order = np.lexsort((zone_all, cell_all))
        cell_all = cell_all[order]
        # int32: the tables of the bundled zones and land come to ~30 MB
        self._zone = zone_all[order].astype(np.int32)
        in_band = np.concatenate(unsure)[order]
        counts = np.bincount(cell_all, minlength=grid.nx * grid.ny)
        self._ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
        # The pairs in the band (their entries, increasing); each entry's rank among them
        # (-1: a sure cell, inside); by rank, each one's subcell verdicts and the subcells
        # its polygon's edge may touch; the ranks by polygon.
        band = self._band = np.flatnonzero(in_band).astype(np.int32)
        self._rank = np.full(self._zone.size, -1, dtype=np.int32)
        self._rank[band] = np.arange(band.size, dtype=np.int32)
        by_zone = np.argsort(self._zone[band], kind="stable")
        self._band_by_zone = by_zone.astype(np.int32)
        self._band_from = np.searchsorted(
            self._zone[band][by_zone], np.arange(len(self.geoms) + 1)
        ).astype(np.int32)
        self._sub = np.zeros(band.size, dtype=np.uint32)
        self._edge = np.zeros(band.size, dtype=np.uint16)
        self._edged = np.zeros(len(self.geoms), dtype=bool)  # _edge set for the polygon's pairs
        self.exact_tests = 0  # points that went to the exact test (see tests/)

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        for g in self.geoms:  # (preparation is not pickled)
            shapely.prepare(g)

    def _cover_one(self, g: BaseGeometry, bounds: F64) -> tuple[I64, Bool]:
        """Global cell ids inside or on the boundary of ``g``, and which are unsure."""
        grid = self._grid
        lo_i, lo_j, _ = grid.ij(np.array([bounds[0]]), np.array([bounds[1]]))
        hi_i, hi_j, _ = grid.ij(np.array([bounds[2]]), np.array([bounds[3]]))
        # the window: the bounding box's cells plus one all round (on the grid: padded)
        i0, j0 = int(lo_i[0]) - 1, int(lo_j[0]) - 1
        i1, j1 = int(hi_i[0]) + 1, int(hi_j[0]) + 1
        band = np.zeros((i1 - i0 + 1, j1 - j0 + 1), dtype=bool)
        vi, vj = grid.vertex_cells(g)
        band[vi - i0, vj - j0] = True
        band = ndimage.binary_dilation(band, structure=_NEIGHBOURS)
        labels, n = ndimage.label(~band)
        inside = np.zeros_like(band)
        if n:
            flat = labels.ravel()
            lab, first = np.unique(flat, return_index=True)
            first, lab = first[lab > 0], lab[lab > 0]
            wi, wj = np.divmod(first, band.shape[1])
            cx = grid.x0 + (wi + i0 + 0.5) * grid.cell
            cy = grid.y0 + (wj + j0 + 0.5) * grid.cell
            lab_in = np.zeros(n + 1, dtype=bool)
            lab_in[lab] = shapely.contains_xy(g, cx, cy)
            inside = lab_in[labels]
        wi, wj = np.nonzero(band | inside)
        return (wi + i0) * grid.ny + (wj + j0), band[wi, wj]

    def contains(self, x: F64, y: F64) -> tuple[I64, I64]:
        """(point index, polygon index) pairs, sorted by point then polygon."""
        grid = self._grid
        i, j, ok = grid.ij(x, y)
        pts = np.flatnonzero(ok)
        cid = i[pts] * grid.ny + j[pts]
        lo = self._ptr[cid].astype(np.int64)
        cnt = self._ptr[cid + 1] - lo
        total = int(cnt.sum())
        e = np.empty(0, dtype=np.int64)
        if total == 0:
            return e, e
        pt = np.repeat(pts, cnt)
        start = np.cumsum(cnt) - cnt
        ent = np.repeat(lo - start, cnt) + np.arange(total)
        zone = self._zone[ent].astype(np.int64)
        rank = self._rank[ent]
        keep = rank < 0
        check = np.flatnonzero(~keep)
        if check.size:  # pairs in the band: the subcell's verdict, else the exact test
            rank = rank[check]
            new = self._sub[rank] == 0
            if new.any():
                self._decide(np.unique(rank[new]))
            p = pt[check]
            fx, fy = grid.floors(x[p], y[p], SUB)
            si = np.clip(fx - i[p] * SUB, 0, SUB - 1).astype(np.int64)
            sj = np.clip(fy - j[p] * SUB, 0, SUB - 1).astype(np.int64)
            v = (self._sub[rank] >> (2 * (si * SUB + sj)).astype(np.uint32)) & 3
            keep[check[v == _IN]] = True
            check = check[v == _EDGE]
            self.exact_tests += int(check.size)
        if check.size:
            cz = zone[check]
            order = np.argsort(cz, kind="stable")
            cz_sorted = cz[order]
            bounds = np.flatnonzero(np.r_[True, cz_sorted[1:] != cz_sorted[:-1], True])
            for s, t in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
                rows = check[order[s:t]]
                p = pt[rows]
                keep[rows] = shapely.contains_xy(self.geoms[int(cz_sorted[s])], x[p], y[p])
        # entries are in cell order, one cell per point and zones sorted within a cell:
        # pairs come out sorted by point then zone
        return pt[keep], zone[keep]

    def _decide(self, ranks: I64) -> None:
        """The subcell verdicts of these pairs of the band (by rank): subcells within one
        subcell of a vertex of the polygon's boundary, densified to less than a subcell
        apart, may hold boundary points (_EDGE); every other subcell lies at least half a
        subcell from the boundary, wholly inside or outside, which its centre tells."""
        grid, f = self._grid, self._grid.cell / SUB
        zone = self._zone[self._band[ranks]]
        s = np.arange(SUB * SUB)
        for k in np.unique(zone).tolist():
            if not self._edged[k]:
                self._mark_edges(k)
            mine = ranks[zone == k]
            ci, cj = np.divmod(self._cells(mine), grid.ny)
            edge = (self._edge[mine][:, None].astype(np.int64) >> s) & 1 == 1
            cx = grid.x0 + ((ci * SUB)[:, None] + (s // SUB)[None, :] + 0.5) * f
            cy = grid.y0 + ((cj * SUB)[:, None] + (s % SUB)[None, :] + 0.5) * f
            inside = np.zeros(edge.shape, dtype=bool)
            inside[~edge] = shapely.contains_xy(self.geoms[k], cx[~edge], cy[~edge])
            verdict = np.where(edge, _EDGE, np.where(inside, _IN, _OUT)).astype(np.uint32)
            self._sub[mine] = (verdict << (2 * s).astype(np.uint32)).sum(axis=1, dtype=np.uint32)

    def _cells(self, ranks: npt.NDArray[np.integer[Any]]) -> I64:
        """The cells of pairs of the band, by rank."""
        return np.searchsorted(self._ptr, self._band[ranks], "right").astype(np.int64) - 1

    def _mark_edges(self, k: int) -> None:
        """``_edge`` of all polygon ``k``'s pairs in the band: the subcells within one
        subcell of a vertex of its boundary."""
        grid = self._grid
        self._edged[k] = True
        ranks = self._band_by_zone[self._band_from[k] : self._band_from[k + 1]]
        if ranks.size == 0:
            return
        cells = self._cells(ranks)  # increasing, as the ranks are
        fi, fj = grid.vertex_cells(self.geoms[k], SUB)
        d = np.arange(-1, 2)
        fi = (fi[:, None, None] + d[None, :, None]).repeat(3, axis=2).ravel()
        fj = (fj[:, None, None] + d[None, None, :]).repeat(3, axis=1).ravel()
        vj = fj // SUB
        vc = np.where((vj >= 0) & (vj < grid.ny), (fi // SUB) * grid.ny + vj, -1)
        at = np.minimum(np.searchsorted(cells, vc), cells.size - 1)
        ok = cells[at] == vc
        bit = np.left_shift(1, (fi % SUB) * SUB + fj % SUB)[ok].astype(np.uint16)
        edge = np.zeros(ranks.size, dtype=np.uint16)
        np.bitwise_or.at(edge, at[ok], bit)
        self._edge[ranks] = edge


class LineBand:
    """Cells within two cells of any of ``lines``: where a short segment may cross one."""

    def __init__(self, lines: Sequence[BaseGeometry], cell_deg: float = CELL_DEG) -> None:
        self.empty = not lines
        b = (
            shapely.bounds(np.asarray(list(lines), dtype=object))
            if lines
            else np.zeros((1, 4), dtype=np.float64)
        )
        grid = self._grid = _Grid(
            (b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()), cell_deg, 4
        )
        band = np.zeros((grid.nx, grid.ny), dtype=bool)
        for g in lines:
            vi, vj = grid.vertex_cells(g)
            band[vi, vj] = True
        self._band = ndimage.binary_dilation(band, structure=np.ones((5, 5), dtype=bool))

    def candidates(self, x0: F64, y0: F64, x1: F64, y1: F64) -> Bool:
        """Segments that may cross a line (a superset of those that do)."""
        if self.empty:
            return np.zeros(x0.size, dtype=bool)
        grid = self._grid
        fa, ga = grid.floors(x0, y0)
        fb, gb = grid.floors(x1, y1)
        with np.errstate(invalid="ignore"):
            long = ~((np.abs(fa - fb) <= 1) & (np.abs(ga - gb) <= 1))
        ia, ja, oka = grid._bounded(fa, ga)
        ib, jb, okb = grid._bounded(fb, gb)
        near = (oka & self._band[ia, ja]) | (okb & self._band[ib, jb])
        return long | near


class CellVerdicts:
    """A yes/no fact about whole grid cells ("no port within reach of any point in it"),
    decided by ``decide`` (cell ids -> bools) the first time a point falls in a cell, then
    remembered. Points off the grid are never sure."""

    def __init__(self, grid: _Grid, decide: Callable[[I64], Bool]) -> None:
        self.grid = grid
        self._decide = decide
        self._state = np.zeros(grid.nx * grid.ny, dtype=np.int8)  # 0 open, 1 sure, 2 not

    def sure(self, x: F64, y: F64) -> Bool:
        """Points whose cell's verdict is yes (deciding the cells seen for the first time)."""
        return self.sure_at(*self.grid.cell_id(x, y))

    def sure_at(self, cid: I64, ok: Bool) -> Bool:
        """``sure`` for points given by their cells (``_Grid.cell_id``)."""
        state = np.where(ok, self._state[cid], 2)
        new = np.unique(cid[state == 0])
        if new.size:
            self._state[new] = np.where(self._decide(new), 1, 2)
            state = np.where(ok, self._state[cid], 2)
        return state == 1

    def count_sure(self) -> int:
        """How many cells were decided yes so far."""
        return int((self._state == 1).sum())

    def known_sure(self, x: float, y: float) -> bool:
        """One point, in plain Python: yes only when its cell was already decided yes."""
        cid = self.grid.cell_id_of(x, y)
        return cid is not None and self._state[cid] == 1
