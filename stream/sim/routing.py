"""Sea routes that avoid land: A* over a 0.02° grid of sea cells kept ≥ ~1.5 km off the
(Natural Earth) coast, then simplified. Used by the simulator so that simulated ships do not
sail across islands (which the position-on-land detector would rightly flag)."""

from __future__ import annotations

import heapq
import math
from functools import lru_cache

import numpy as np
import shapely
from shapely.geometry import LineString

from stream.zoneload import load_land

__all__ = ["sea_route"]

CELL = 0.02
BOX = (-6.0, 30.0, 37.0, 46.5)


@lru_cache(maxsize=1)
def _grid() -> np.ndarray:
    land = load_land()
    x0, y0, x1, y1 = BOX
    nx, ny = int((x1 - x0) / CELL) + 1, int((y1 - y0) / CELL) + 1
    xs = x0 + np.arange(nx) * CELL
    ys = y0 + np.arange(ny) * CELL
    gx, gy = np.meshgrid(xs, ys)
    if land is None:
        return np.zeros((ny, nx), dtype=bool)
    near = shapely.buffer(land, 0.015)  # ≈ 1.5 km keep-off distance
    shapely.prepare(near)
    blocked = np.asarray(shapely.contains_xy(near, gx, gy))
    # Water the keep-off distance closes in (a harbour basin, a narrow gulf) is no place to
    # start or end a route: only the largest connected sea counts as free.
    from scipy import ndimage

    labels, n = ndimage.label(~blocked)
    if n > 1:
        main = 1 + int(np.argmax(np.bincount(labels.ravel())[1:]))
        blocked |= labels != main
    return blocked  # True = blocked


def _cell(lon: float, lat: float) -> tuple[int, int]:
    return int(round((lat - BOX[1]) / CELL)), int(round((lon - BOX[0]) / CELL))


def _nearest_free(blocked: np.ndarray, c: tuple[int, int]) -> tuple[int, int]:
    if not blocked[c]:
        return c
    for r in range(1, 60):
        for di in range(-r, r + 1):
            for dj in (-r, r) if abs(di) != r else range(-r, r + 1):
                n = (c[0] + di, c[1] + dj)
                if 0 <= n[0] < blocked.shape[0] and 0 <= n[1] < blocked.shape[1] and not blocked[n]:
                    return n
    return c


def _lonlat(c: tuple[int, int]) -> tuple[float, float]:
    return BOX[0] + c[1] * CELL, BOX[1] + c[0] * CELL


@lru_cache(maxsize=256)
def sea_route(a: tuple[float, float], b: tuple[float, float]) -> list[tuple[float, float]]:
    """Waypoints from ``a`` to ``b`` (lon, lat) over water; ends are kept as given."""
    blocked = _grid()
    s, g = _nearest_free(blocked, _cell(*a)), _nearest_free(blocked, _cell(*b))
    coslat = math.cos(math.radians((a[1] + b[1]) / 2))
    steps = [
        (di, dj, math.hypot(di, dj * coslat)) for di in (-1, 0, 1) for dj in (-1, 0, 1) if di or dj
    ]

    def h(c: tuple[int, int]) -> float:
        return math.hypot(c[0] - g[0], (c[1] - g[1]) * coslat)

    openq = [(h(s), 0.0, s)]
    came: dict[tuple[int, int], tuple[int, int]] = {}
    cost = {s: 0.0}
    while openq:
        _, c_cost, c = heapq.heappop(openq)
        if c == g:
            break
        if c_cost > cost.get(c, math.inf):
            continue
        for di, dj, w in steps:
            n = (c[0] + di, c[1] + dj)
            if not (0 <= n[0] < blocked.shape[0] and 0 <= n[1] < blocked.shape[1]) or blocked[n]:
                continue
            nc = c_cost + w
            if nc < cost.get(n, math.inf):
                cost[n] = nc
                came[n] = c
                heapq.heappush(openq, (nc + h(n), nc, n))
    path = [g]
    while path[-1] != s and path[-1] in came:
        path.append(came[path[-1]])
    cells = [_lonlat(c) for c in reversed(path)]
    full = LineString([a, *cells, b])
    line = shapely.simplify(full, CELL * 0.5)
    land = load_land()
    if land is not None and line.intersection(land).length > full.intersection(land).length:
        line = full  # simplification cut a corner over land: keep every cell
    return [tuple(map(float, p)) for p in line.coords]  # type: ignore[misc]
