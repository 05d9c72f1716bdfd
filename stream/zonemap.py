"""``seaguard zones map``: a picture of the zone set over land, one panel per region."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from detectors.geofence import ZoneSet

__all__ = ["REGIONS", "draw_zone_map"]

REGIONS = {
    "aegean": (22.0, 34.5, 30.0, 41.5),
    "central_med": (9.0, 30.5, 18.5, 40.2),
    "libya_crete": (19.0, 30.5, 26.5, 35.5),
}
TITLES = {
    "aegean": "Aegean",
    "central_med": "Central Mediterranean",
    "libya_crete": "Eastern Libya - Crete",
}
STYLE: dict[str, dict[str, Any]] = {
    "sar_region": {"fc": "none", "ec": "#7f7f7f", "ls": "--", "lw": 0.8, "z": 1},
    "contiguous_zone": {"fc": "#c6dbef", "ec": "none", "alpha": 0.6, "z": 2},
    "territorial_sea": {"fc": "#6baed6", "ec": "#2171b5", "alpha": 0.55, "lw": 0.3, "z": 3},
    "departure_area": {"fc": "#fd8d3c", "ec": "#d94801", "alpha": 0.8, "lw": 0.5, "z": 5},
    "landing_area": {"fc": "#74c476", "ec": "#238b45", "alpha": 0.8, "lw": 0.5, "z": 5},
    "port": {"fc": "#252525", "ec": "#252525", "alpha": 0.9, "z": 6},
    "anchorage": {"fc": "#636363", "ec": "#252525", "alpha": 0.9, "z": 6},
    "waterway": {"fc": "#9ecae1", "ec": "none", "z": 4},
    "custom": {"fc": "#dd3497", "ec": "#7a0177", "alpha": 0.6, "z": 6},
}


def _patches(ax: Any, geom: BaseGeometry, **kw: Any) -> None:
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MPath

    polys = getattr(geom, "geoms", [geom])
    for p in polys:
        if p.geom_type != "Polygon" or p.is_empty:
            continue
        verts: list[Any] = []
        codes: list[int] = []
        for ring in [p.exterior, *p.interiors]:
            xy = list(ring.coords)
            verts += xy
            codes += [int(MPath.MOVETO)] + [int(MPath.LINETO)] * (len(xy) - 2)
            codes += [int(MPath.CLOSEPOLY)]
        ax.add_patch(PathPatch(MPath(verts, codes), **kw))


def draw_zone_map(zs: ZoneSet, out: str | Path, region: str = "all") -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    names = list(REGIONS) if region == "all" else [region]
    fig, axes = plt.subplots(1, len(names), figsize=(8 * len(names), 8), squeeze=False)
    for ax, name in zip(axes[0], names, strict=True):
        x0, y0, x1, y1 = REGIONS[name]
        frame = box(x0 - 0.5, y0 - 0.5, x1 + 0.5, y1 + 0.5)
        ax.set_facecolor("#f7fbff")
        if zs.land is not None:
            _patches(ax, zs.land.intersection(frame), fc="#d9d9c3", ec="#969696", lw=0.3, zorder=4)
        for z in zs.zones:
            if not z.geometry.intersects(frame):
                continue
            if z.is_line:
                for part in getattr(z.geometry, "geoms", [z.geometry]):
                    xs, ys = part.xy
                    ax.plot(xs, ys, color="#e31a1c", lw=1.6, zorder=7)
                continue
            st = dict(STYLE.get(z.kind, STYLE["custom"]))
            zorder = st.pop("z")
            _patches(
                ax,
                z.geometry,
                zorder=zorder,
                linestyle=st.pop("ls", "-"),
                linewidth=st.pop("lw", 0.5),
                facecolor=st.pop("fc"),
                edgecolor=st.pop("ec"),
                **st,
            )
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect(1 / math.cos(math.radians((y0 + y1) / 2)))  # shapes right at mid-latitude
        ax.set_title(TITLES[name])
        ax.set_xlabel("longitude (°E)")
        ax.set_ylabel("latitude (°N)")
    handles = [
        Patch(fc="#d9d9c3", ec="#969696", label="land (GSHHG full resolution)"),
        Patch(fc="#6baed6", alpha=0.55, label="territorial sea (OSM)"),
        Patch(fc="#c6dbef", label="contiguous zone (approx.)"),
        Line2D([0], [0], color="#e31a1c", lw=1.6, label="median line (approx.)"),
        Patch(fc="#fd8d3c", label="departure area"),
        Patch(fc="#74c476", label="landing area"),
        Patch(fc="#252525", label="port"),
        Patch(fc="#636363", label="anchorage"),
        Patch(fc="none", ec="#7f7f7f", ls="--", label="SAR region (approx.)"),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=4, frameon=False)
    fig.suptitle("seaguard zones - © OpenStreetMap contributors (ODbL), GSHHG (LGPL)", fontsize=9)
    fig.tight_layout(rect=(0, 0.07, 1, 0.97))
    out = Path(out)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
