"""Build ``config/zones/*.geojson`` and ``config/land/land_med.geojson`` from real geodata.

Sources (read from ``../shared/data/zones-sources`` or ``--sources DIR``; never copied):
- GSHHG full-resolution land (every islet), LGPL-3.0-or-later;
- OSM maritime borders (land + territorial sea per country), © OpenStreetMap contributors, ODbL;
- the port of Piraeus polygon (OSM, ODbL) from the Piraeus AIS dataset's geodata.
The named places (areas, ports, anchorages, SAR outlines) are in ``zone_places``.

Run: ``python -m stream.tools.build_zones [--sources DIR] [--out config]``. Deterministic.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString, Point, box, mapping, shape
from shapely.geometry.base import BaseGeometry

from config import CONFIG_DIR
from detectors.geo import M_PER_NM
from detectors.projection import to_lonlat, to_metric
from stream.tools.zone_places import (
    ANCHORAGES,
    DEPARTURES,
    LANDINGS,
    PORTS,
    REGIONS,
    SRRS,
    WATERWAYS,
    Area,
)

log = logging.getLogger("seaguard.build_zones")

REGION_BOXES = {name: box(*bb) for name, bb in REGIONS.items()}
MARGIN_DEG = 0.5
OSM = "osm_maritime_borders_med_1000m.geojson"
GSHHG = "gshhg_full_land_med.geojson"
PIRAEUS_PORT = "piraeus_geodata_piraeus_port.geojson"
SRC_OSM = "OpenStreetMap contributors (ODbL 1.0), via @osm_borders/maritime_1000m"
SRC_GSHHG = "GSHHG 2.3.7 full resolution land (Wessel & Smith, LGPL-3.0-or-later)"
SRC_PIRAEUS = "OSM relation 4094075 (ODbL 1.0), via the Piraeus AIS dataset geodata"
# Land is simplified by 20 m: far below the 250 m spacing of the coast points that distances
# to shore come from, and every islet (the Imia rocks are ~100 m across) keeps its shape.
LAND_SIMPLIFY_DEG = 0.0002
# Equidistance lines are computed from coast points about 1 km apart on land simplified by
# 200 m: islets stay as points, and a line moves by less than half the spacing.
MEDIAN_COAST_SPACING_DEG = 0.01
MEDIAN_SIMPLIFY_DEG = 0.002


def _load(src: Path) -> tuple[dict[str, BaseGeometry], BaseGeometry]:
    osm = json.loads((src / OSM).read_text())
    countries = {
        f["properties"]["isoA3"]: shapely.make_valid(shape(f["geometry"])) for f in osm["features"]
    }
    doc = json.loads((src / GSHHG).read_text())
    land = shapely.union_all([shapely.make_valid(shape(f["geometry"])) for f in doc["features"]])
    return countries, land


def _m(geom: BaseGeometry, d_m: float) -> BaseGeometry:
    """Metric buffer (negative erodes), back in lon/lat."""
    return shapely.make_valid(to_lonlat(shapely.buffer(to_metric(geom), d_m, quad_segs=4)))


def _clean(g: BaseGeometry, tol: float = 0.0005, min_area: float = 1e-6) -> BaseGeometry:
    g = shapely.make_valid(shapely.simplify(g, tol, preserve_topology=True))
    polys = [p for p in _polygons(g) if p.area > min_area]
    if not polys:
        return shapely.Polygon()
    return shapely.set_precision(shapely.MultiPolygon(polys) if len(polys) > 1 else polys[0], 1e-6)


def _polygons(g: BaseGeometry) -> list[BaseGeometry]:
    if g.geom_type == "Polygon":
        return [g]
    return [p for part in getattr(g, "geoms", []) for p in _polygons(part)]


def _feature(geom: BaseGeometry, **props: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": props, "geometry": mapping(geom)}


def _voronoi_cells(
    land_by_country: dict[str, BaseGeometry], area: BaseGeometry
) -> dict[str, BaseGeometry]:
    """Each country's cell: the sea closer to its coast than to any other's (equidistance)."""
    pts: list[np.ndarray] = []
    owners: list[str] = []
    for iso, land in sorted(land_by_country.items()):
        coarse = shapely.simplify(land, MEDIAN_SIMPLIFY_DEG, preserve_topology=True)
        coast = shapely.segmentize(shapely.boundary(coarse), MEDIAN_COAST_SPACING_DEG)
        xy = shapely.get_coordinates(coast)
        if len(xy):
            xy = np.unique(np.round(xy, 4), axis=0)
            pts.append(xy)
            owners += [iso] * len(xy)
    allpts, first = np.unique(np.vstack(pts), axis=0, return_index=True)
    owners = [owners[i] for i in first]  # a point on a land border goes to one country
    cells = shapely.voronoi_polygons(
        shapely.multipoints(allpts), extend_to=area.buffer(2.0), ordered=True
    )
    by: dict[str, list[BaseGeometry]] = {}
    for iso, cell in zip(owners, cells.geoms, strict=True):
        by.setdefault(iso, []).append(cell)
    return {iso: shapely.make_valid(shapely.union_all(cs)) for iso, cs in by.items()}


def _oriented_median(a_cell: BaseGeometry, b_cell: BaseGeometry, area: BaseGeometry) -> Any:
    """The equidistance line between two cells, each part oriented with ``a`` on its left."""
    shared = shapely.intersection(shapely.boundary(a_cell), shapely.boundary(b_cell))
    shared = shapely.line_merge(shapely.intersection(shared, area))
    parts = [g for g in getattr(shared, "geoms", [shared]) if g.geom_type == "LineString"]
    out = []
    for ln in parts:
        if ln.length < 0.005:  # (a loop around a small island is ~0.05 deg long)
            continue
        ln = shapely.simplify(ln, 0.001)
        mid = ln.interpolate(0.5, normalized=True)
        a = ln.interpolate(max(0.0, ln.project(mid) - 1e-3))
        b = ln.interpolate(min(ln.length, ln.project(mid) + 1e-3))
        nx, ny = -(b.y - a.y), (b.x - a.x)  # left normal
        norm = (nx * nx + ny * ny) ** 0.5 or 1.0
        probe = Point(mid.x + nx / norm * 0.001, mid.y + ny / norm * 0.001)
        if not a_cell.contains(probe):
            ln = LineString(list(ln.coords)[::-1])
        out.append(shapely.set_precision(ln, 1e-5))
    return MultiLineString(out)


class _World:
    """The source geometry cut to the work area, with each country's land and its
    equidistance cell."""

    def __init__(self, src: Path) -> None:
        countries, self.land_all = _load(src)
        self.work = shapely.union_all(
            [b.buffer(MARGIN_DEG, join_style="mitre") for b in REGION_BOXES.values()]
        )
        self.land = shapely.make_valid(shapely.intersection(self.land_all, self.work))
        self.present = {iso: g for iso, g in countries.items() if g.intersects(self.work)}
        land_by = {
            iso: shapely.make_valid(shapely.intersection(self.land, g))
            for iso, g in self.present.items()
        }
        self.land_by = {k: v for k, v in land_by.items() if not v.is_empty and v.area > 1e-4}
        self.cells = _voronoi_cells(self.land_by, self.work)
        # Buffers and erosions of kilometres need no 20 m detail: on land simplified by
        # ~50 m they cost a fraction and move an area's edge by less than that.
        self.coarse = shapely.simplify(self.land, 0.0005, preserve_topology=True)
        self._eroded: dict[float, BaseGeometry] = {}

    def eroded(self, d_m: float) -> BaseGeometry:
        """Land shrunk by ``d_m`` (the part more than ``d_m`` inland), computed once."""
        if d_m not in self._eroded:
            self._eroded[d_m] = _m(self.coarse, -d_m)
        return self._eroded[d_m]

    def cell(self, *isos: str) -> BaseGeometry:
        return shapely.union_all([self.cells[c] for c in isos if c in self.cells])


# Claims in the source polygons that most states do not recognise, named in the zone.
DISPUTED = {
    "LBY": "includes the Gulf of Sirte inside Libya's 1973 closing line (32°30'N), a claim to "
    "internal waters that most states, the US and EU among them, dispute",
}


def _territorial_seas(w: _World) -> list[dict[str, Any]]:
    """Each country's OSM land + territorial sea, minus the land more than 300 m inland. The
    coast's every bend stays in the land layer, which decides "on land"; the zone keeps a
    smooth inner edge (a tenth of the vertices) and still holds every fix off the beach."""
    out = []
    for iso in sorted(w.present):
        sea = shapely.difference(shapely.intersection(w.present[iso], w.work), w.eroded(300))
        sea = _clean(sea, 0.001)
        if sea.is_empty:
            continue
        out.append(
            _feature(
                sea,
                id=f"ts-{iso.lower()}",
                name=f"{iso} territorial sea",
                kind="territorial_sea",
                country=iso,
                source=SRC_OSM + "; minus the land of " + SRC_GSHHG + " beyond 300 m inland",
                approximate=False,
                **({"disputed": DISPUTED[iso]} if iso in DISPUTED else {}),
            )
        )
    return out


def _contiguous_zones(w: _World, ts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """24 nm from land, minus every territorial sea and land, within the country's
    equidistance cell (UNCLOS art. 33; the baseline is approximated by the coast)."""
    all_ts = shapely.union_all([shape(f["geometry"]) for f in ts] + [w.land])
    out = []
    for iso in sorted(w.land_by):
        if iso not in w.cells:
            continue
        coarse = shapely.simplify(w.land_by[iso], 0.002, preserve_topology=True)
        cz = shapely.intersection(_m(coarse, 24 * M_PER_NM), w.cells[iso])
        cz = _clean(shapely.intersection(shapely.difference(cz, all_ts), w.work), 0.002)
        if cz.is_empty:
            continue
        out.append(
            _feature(
                cz,
                id=f"cz-{iso.lower()}",
                name=f"{iso} contiguous zone (24 nm, approx.)",
                kind="contiguous_zone",
                country=iso,
                source="24 nm from the coast of " + SRC_GSHHG,
                approximate=True,
            )
        )
    return out


def _boundaries(w: _World) -> list[dict[str, Any]]:
    method = (
        "equidistance (Voronoi of coast points ~1 km apart) between the coasts of "
        + SRC_GSHHG
        + ", islands included; normal baselines"
    )
    aegean_sea = shapely.difference(REGION_BOXES["aegean"], w.land)
    gr_tr = _oriented_median(w.cell("GRC"), w.cell("TUR"), aegean_sea)
    cm_box = shapely.union_all([REGION_BOXES["central_med"], REGION_BOXES["libya_crete"]])
    cm_sea = shapely.difference(shapely.intersection(cm_box, box(9.0, 30.5, 19.0, 40.2)), w.land)
    cm_line = _oriented_median(w.cell("ITA", "MLT"), w.cell("LBY", "TUN"), cm_sea)
    return [
        _feature(
            gr_tr,
            id="bnd-grc-tur-median",
            name="Greece-Turkey median line (Aegean, approx.)",
            kind="boundary",
            country="GRC/TUR",
            left="GRC",
            right="TUR",
            source=method,
            negotiated=False,
            status="not a negotiated boundary: Greece and Turkey have agreed none in the Aegean",
            approximate=True,
        ),
        _feature(
            cm_line,
            id="bnd-itamlt-lbytun-median",
            name="Italy/Malta - Libya/Tunisia median line (approx.)",
            kind="boundary",
            country="ITA-MLT/LBY-TUN",
            left="ITA-MLT",
            right="LBY-TUN",
            source=method,
            negotiated=False,
            status=(
                "equidistance, not the agreed lines (Italy-Tunisia 1971 continental shelf, "
                "Libya-Malta ICJ 1985) it approximates; Libya's 1973 Gulf of Sirte closing "
                "line (32°30'N) is disputed (not recognised by most states) and is not "
                "used as a baseline"
            ),
            approximate=True,
        ),
    ]


def _coast_area(w: _World, a: Area, sea_m: float, inland_m: float) -> BaseGeometry:
    """The sea within ``sea_m`` of the land inside the area's boxes (and ``inland_m`` of the
    shore inland), on the country's side of the equidistance lines."""
    boxes = shapely.union_all([box(*b) for b in a.boxes])
    land = w.land_by.get(a.country, w.land)
    coast = shapely.intersection(land, boxes)
    if coast.is_empty:
        raise SystemExit(f"build_zones: no land of {a.country} in the boxes of {a.id}")
    area = shapely.difference(_m(coast, sea_m), w.eroded(inland_m))
    area = shapely.intersection(area, boxes.buffer(0.06, join_style="mitre"))
    cell = w.cell("MLT", "ITA") if a.country in ("MLT", "ITA") else w.cell(a.country)
    return _clean(shapely.intersection(area, cell), 0.0005, 1e-7)


# Per area kind: sea reach from the coast, inland reach, and how the area is drawn.
AREA_KINDS = {
    "departure_area": (10_000, 2000, "sea within 10 km of the coast in a drawn box, over "),
    "landing_area": (6000, 3000, "land in a drawn box and the sea within 6 km, over "),
}


def _areas(w: _World, kind: str, areas: list[Area]) -> list[dict[str, Any]]:
    sea_m, inland_m, how = AREA_KINDS[kind]
    return [
        _feature(
            _coast_area(w, a, sea_m, inland_m),
            id=a.id,
            name=a.name,
            kind=kind,
            country=a.country,
            source=how + SRC_GSHHG,
            approximate=True,
        )
        for a in areas
    ]


def _ports(src: Path) -> list[dict[str, Any]]:
    piraeus = json.loads((src / PIRAEUS_PORT).read_text())["features"][0]["geometry"]
    out = []
    for p in PORTS:
        if p.id == "port-grc-piraeus":
            # the OSM polygon holds the central harbour; the container and car terminals
            # west of it (Neo Ikonio) are a disc of the port's listed radius around them
            terminals = _m(Point(p.lon, p.lat), p.radius_m)
            geom = shapely.union(shapely.make_valid(shape(piraeus)), terminals)
            source = SRC_PIRAEUS + f"; terminals: disc of {p.radius_m:.0f} m"
        else:
            geom = _m(Point(p.lon, p.lat), p.radius_m)
            source = f"disc of {p.radius_m:.0f} m around the port (basin, berths and approach)"
        out.append(
            _feature(
                _clean(geom, 0.0001, 0.0),
                id=p.id,
                name=p.name,
                kind="port",
                country=p.country,
                source=source,
                approximate=True,
            )
        )
    for a in ANCHORAGES:
        area = shapely.union_all([box(*b) for b in a.boxes])
        out.append(
            _feature(
                area,
                id=a.id,
                name=a.name,
                kind="anchorage",
                country=a.country,
                source="anchorage limits drawn after nautical charts",
                approximate=True,
            )
        )
    return out


def _waterways() -> list[dict[str, Any]]:
    return [
        _feature(
            _clean(_m(LineString(coords), half_width_m), 0.0005),
            id=zid,
            name=name,
            kind="waterway",
            country=iso,
            source="hand-drawn centreline, buffered",
            approximate=True,
        )
        for zid, name, iso, coords, half_width_m in WATERWAYS
    ]


def _sar_regions(w: _World) -> list[dict[str, Any]]:
    out = []
    for srr in SRRS:
        area = shapely.difference(shapely.Polygon(srr.outline), w.eroded(300))
        if srr.iso == "GRC":  # the Athinai FIR reaches the Turkish territorial sea
            area = shapely.difference(area, shapely.difference(w.present["TUR"], w.present["GRC"]))
        out.append(
            _feature(
                _clean(area, 0.002),
                id=f"sar-{srr.iso.lower()}",
                name=f"{srr.name} (approx.)",
                kind="sar_region",
                country=srr.iso,
                source="outline after the FIR and published SRR descriptions",
                note=srr.note,
                overlaps=srr.iso in ("MLT", "ITA", "GRC", "TUR"),
                approximate=True,
            )
        )
    return out


def build(src: Path, out: Path) -> dict[str, int]:
    w = _World(src)
    ts = _territorial_seas(w)
    feats: dict[str, list[dict[str, Any]]] = {
        "territorial_sea": ts,
        "contiguous_zone": _contiguous_zones(w, ts),
        "boundary": _boundaries(w),
        "departure_area": _areas(w, "departure_area", DEPARTURES),
        "landing_area": _areas(w, "landing_area", LANDINGS),
        "port": _ports(src),
        "sar_region": _sar_regions(w),
        "waterway": _waterways(),
    }
    counts = _write_zones(out / "zones", feats)
    _write_land(out / "land", w.land_all)
    return counts


def _write_zones(zdir: Path, feats: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    zdir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for kind, fs in feats.items():
        for f in fs:
            if f["geometry"].get("coordinates") in ((), []):
                raise SystemExit(f"build_zones: {f['properties']['id']} came out empty")
        fc = {"type": "FeatureCollection", "features": fs}
        (zdir / f"{kind}.geojson").write_text(json.dumps(fc, separators=(",", ":")) + "\n")
        counts[kind] = len(fs)
    return counts


def _write_land(ldir: Path, land_all: BaseGeometry) -> None:
    """Land for "on land" and distance to shore covers the whole source extent (the
    Mediterranean), so recordings elsewhere in the Med get shore distances too. Every part
    is kept, down to rocks of a few hundred square metres."""
    ldir.mkdir(parents=True, exist_ok=True)
    land_out = _clean(land_all, LAND_SIMPLIFY_DEG, 0.0)
    doc = {
        "type": "FeatureCollection",
        "features": [_feature(land_out, id="land", name="Land (GSHHG full)", source=SRC_GSHHG)],
    }
    (ldir / "land_med.geojson").write_text(json.dumps(doc, separators=(",", ":")) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    default_src = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "zones-sources"
    ap.add_argument("--sources", type=Path, default=default_src)
    ap.add_argument("--out", type=Path, default=CONFIG_DIR)
    args = ap.parse_args(argv)
    if not all((args.sources / f).exists() for f in (OSM, GSHHG, PIRAEUS_PORT)):
        print(f"build_zones: source data not found in {args.sources}", file=sys.stderr)
        return 2
    counts = build(args.sources, args.out)
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
