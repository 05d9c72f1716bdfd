"""Build ``config/zones/*.geojson`` and ``config/land/land_med.geojson`` from real geodata.

Sources (read from ``../shared/data/zones-sources`` or ``--sources DIR``; never copied):
- OSM maritime borders (land + territorial sea per country), © OpenStreetMap contributors, ODbL;
- Natural Earth 10 m land, public domain.

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

log = logging.getLogger("seaguard.build_zones")

AEGEAN = box(22.0, 34.5, 30.0, 41.5)
CENTRAL_MED = box(9.0, 30.5, 17.0, 38.5)
REGIONS = {"aegean": AEGEAN, "central_med": CENTRAL_MED}
MARGIN_DEG = 0.5
OSM = "osm_maritime_borders_med_1000m.geojson"
NE = "naturalearth_10m_land_med.geojson"
SRC_OSM = "OpenStreetMap contributors (ODbL 1.0), via @osm_borders/maritime_1000m"
SRC_NE = "Natural Earth 10m land (public domain)"

# (id, name, country, bbox) — coastal strips known for departures (UNHCR / Frontex risk
# analyses name these stretches); hand-drawn boxes, marked approximate.
DEPARTURES = [
    (
        "dep-tur-assos-kucukkuyu",
        "Assos-Kucukkuyu coast (faces northern Lesvos)",
        "TUR",
        (26.2, 39.45, 26.9, 39.62),
    ),
    (
        "dep-tur-ayvalik-dikili",
        "Ayvalik-Dikili coast (faces Lesvos)",
        "TUR",
        (26.55, 38.95, 27.05, 39.5),
    ),
    (
        "dep-tur-cesme-karaburun",
        "Cesme-Karaburun peninsula (faces Chios)",
        "TUR",
        (26.15, 38.15, 26.75, 38.75),
    ),
    (
        "dep-tur-kusadasi-didim",
        "Kusadasi-Didim coast (faces Samos, Agathonisi, Farmakonisi)",
        "TUR",
        (26.95, 37.3, 27.45, 37.95),
    ),
    ("dep-tur-bodrum", "Bodrum peninsula (faces Kos)", "TUR", (26.95, 36.9, 27.6, 37.2)),
    (
        "dep-tur-datca-marmaris",
        "Datca-Bozburun-Marmaris coast (faces Rhodes and Symi)",
        "TUR",
        (27.3, 36.55, 28.4, 36.9),
    ),
    (
        "dep-lby-zuwara-garabulli",
        "Abu Kammash-Zuwara-Sabratha-Tripoli-Garabulli-Al Khums coast",
        "LBY",
        (11.5, 32.6, 14.4, 33.2),
    ),
    ("dep-tun-sfax-mahdia", "Sfax-Mahdia coast", "TUN", (10.3, 34.4, 11.2, 35.6)),
    (
        "dep-tun-cap-bon",
        "Cap Bon - Kelibia coast (faces Pantelleria and Sicily)",
        "TUN",
        (10.7, 36.55, 11.15, 37.1),
    ),
]
# (id, name, country, bbox or None, centre) — landing areas; centre used when the land data
# is too coarse to hold the island (e.g. Farmakonisi).
LANDINGS = [
    ("lnd-grc-lesvos", "Lesvos", "GRC", (25.8, 38.95, 26.65, 39.45), (26.3, 39.2)),
    ("lnd-grc-chios", "Chios", "GRC", (25.8, 38.1, 26.2, 38.65), (26.0, 38.4)),
    ("lnd-grc-samos", "Samos", "GRC", (26.5, 37.6, 27.1, 37.85), (26.8, 37.73)),
    ("lnd-grc-kos", "Kos", "GRC", (26.9, 36.7, 27.4, 36.95), (27.15, 36.85)),
    ("lnd-grc-leros", "Leros", "GRC", (26.75, 37.08, 26.9, 37.2), (26.84, 37.14)),
    ("lnd-grc-farmakonisi", "Farmakonisi", "GRC", (27.05, 37.27, 27.12, 37.32), (27.085, 37.295)),
    ("lnd-grc-agathonisi", "Agathonisi", "GRC", (26.93, 37.44, 27.0, 37.48), (26.965, 37.46)),
    ("lnd-grc-rhodes-symi", "Rhodes and Symi", "GRC", (27.7, 35.85, 28.25, 36.65), (28.0, 36.3)),
    ("lnd-ita-lampedusa", "Lampedusa", "ITA", (12.5, 35.48, 12.65, 35.53), (12.58, 35.51)),
    ("lnd-ita-linosa", "Linosa", "ITA", (12.84, 35.85, 12.89, 35.88), (12.865, 35.865)),
    ("lnd-mlt-malta", "Malta and Gozo", "MLT", (14.15, 35.78, 14.6, 36.1), (14.4, 35.9)),
    (
        "lnd-ita-sicily-south",
        "Southern Sicily coast",
        "ITA",
        (12.4, 36.6, 15.4, 37.6),
        (14.0, 37.0),
    ),
]
# Major ports and anchorages (approximate centres); 3 km radius as Global Fishing Watch uses
# for port entry (exit at 4 km through the engine's 1 km hysteresis).
PORTS = [
    ("port-grc-piraeus", "Piraeus", "GRC", 23.62, 37.94),
    ("port-grc-rafina", "Rafina", "GRC", 24.01, 38.02),
    ("port-grc-lavrio", "Lavrio", "GRC", 24.06, 37.71),
    ("port-grc-thessaloniki", "Thessaloniki", "GRC", 22.93, 40.63),
    ("port-grc-volos", "Volos", "GRC", 22.94, 39.36),
    ("port-grc-mytilene", "Mytilene", "GRC", 26.56, 39.10),
    ("port-grc-chios", "Chios", "GRC", 26.14, 38.37),
    ("port-grc-vathy", "Vathy (Samos)", "GRC", 26.97, 37.76),
    ("port-grc-kos", "Kos", "GRC", 27.29, 36.90),
    ("port-grc-rhodes", "Rhodes", "GRC", 28.23, 36.45),
    ("port-grc-heraklion", "Heraklion", "GRC", 25.14, 35.345),
    ("port-grc-syros", "Ermoupoli (Syros)", "GRC", 24.945, 37.44),
    ("port-grc-leros", "Lakki (Leros)", "GRC", 26.85, 37.13),
    ("port-grc-kavala", "Kavala", "GRC", 24.41, 40.93),
    ("port-tur-izmir", "Izmir", "TUR", 27.14, 38.44),
    ("port-tur-cesme", "Cesme", "TUR", 26.30, 38.32),
    ("port-tur-kusadasi", "Kusadasi", "TUR", 27.25, 37.865),
    ("port-tur-bodrum", "Bodrum", "TUR", 27.425, 37.03),
    ("port-tur-ayvalik", "Ayvalik", "TUR", 26.69, 39.32),
    ("port-tur-dikili", "Dikili", "TUR", 26.89, 39.07),
    ("port-tur-canakkale", "Canakkale", "TUR", 26.40, 40.15),
    ("port-tur-aliaga", "Aliaga", "TUR", 26.94, 38.80),
    ("port-tur-marmaris", "Marmaris", "TUR", 28.27, 36.85),
    ("port-tur-ambarli", "Ambarli (Istanbul)", "TUR", 28.68, 40.97),
    ("port-mlt-valletta", "Valletta Grand Harbour", "MLT", 14.52, 35.895),
    ("port-mlt-marsaxlokk", "Marsaxlokk Freeport", "MLT", 14.545, 35.82),
    ("anch-mlt-hurds-bank", "Hurd's Bank anchorage", "MLT", 14.63, 35.89),
    ("port-ita-lampedusa", "Lampedusa", "ITA", 12.61, 35.50),
    ("port-ita-porto-empedocle", "Porto Empedocle", "ITA", 13.525, 37.285),
    ("port-ita-pozzallo", "Pozzallo", "ITA", 14.85, 36.715),
    ("port-ita-augusta", "Augusta", "ITA", 15.22, 37.21),
    ("port-ita-catania", "Catania", "ITA", 15.10, 37.495),
    ("port-ita-palermo", "Palermo", "ITA", 13.37, 38.13),
    ("port-ita-trapani", "Trapani", "ITA", 12.505, 38.015),
    ("port-ita-licata", "Licata", "ITA", 13.94, 37.10),
    ("port-ita-mazara", "Mazara del Vallo", "ITA", 12.59, 37.645),
    ("port-lby-tripoli", "Tripoli", "LBY", 13.19, 32.905),
    ("port-lby-misrata", "Misrata", "LBY", 15.21, 32.375),
    ("port-lby-zuwara", "Zuwara", "LBY", 12.085, 32.93),
    ("port-lby-khoms", "Al Khums", "LBY", 14.27, 32.655),
    ("port-tun-sfax", "Sfax", "TUN", 10.77, 34.73),
    ("port-tun-sousse", "Sousse", "TUN", 10.65, 35.825),
    ("port-tun-gabes", "Gabes", "TUN", 10.11, 33.905),
    ("port-tun-zarzis", "Zarzis", "TUN", 11.125, 33.49),
    ("port-tun-mahdia", "Mahdia", "TUN", 11.07, 35.505),
    ("port-tun-tunis", "Tunis-La Goulette", "TUN", 10.31, 36.81),
    ("port-tun-bizerte", "Bizerte", "TUN", 9.875, 37.27),
    # Other major Mediterranean ports, so recordings elsewhere in the Med are not alarms.
    ("port-egy-port-said", "Port Said", "EGY", 32.32, 31.24),
    ("port-egy-east-port-said", "East Port Said", "EGY", 32.36, 31.20),
    ("port-egy-suez", "Suez / Port Tawfiq", "EGY", 32.55, 29.95),
    ("port-egy-alexandria", "Alexandria", "EGY", 29.87, 31.18),
    ("port-lby-benghazi", "Benghazi", "LBY", 20.05, 32.11),
    ("port-lby-tobruk", "Tobruk", "LBY", 23.98, 32.08),
    ("port-esp-ceuta", "Ceuta", "ESP", -5.315, 35.89),
    ("port-esp-algeciras", "Algeciras", "ESP", -5.43, 36.13),
    ("port-gib-gibraltar", "Gibraltar", "GIB", -5.36, 36.14),
    ("port-mar-tanger-med", "Tanger Med", "MAR", -5.50, 35.885),
    ("port-esp-valencia", "Valencia", "ESP", -0.31, 39.44),
    ("port-esp-barcelona", "Barcelona", "ESP", 2.17, 41.35),
    ("port-fra-marseille", "Marseille-Fos", "FRA", 5.35, 43.32),
    ("port-ita-genoa", "Genoa", "ITA", 8.90, 44.40),
    ("port-ita-livorno", "Livorno", "ITA", 10.30, 43.56),
    ("port-ita-naples", "Naples", "ITA", 14.27, 40.84),
    ("port-ita-gioia-tauro", "Gioia Tauro", "ITA", 15.90, 38.45),
    ("port-ita-taranto", "Taranto", "ITA", 17.20, 40.47),
    ("port-ita-bari", "Bari", "ITA", 16.87, 41.14),
    ("port-ita-venice", "Venice", "ITA", 12.25, 45.44),
    ("port-ita-trieste", "Trieste", "ITA", 13.75, 45.64),
    ("port-hrv-rijeka", "Rijeka", "HRV", 14.43, 45.33),
    ("port-grc-patras", "Patras", "GRC", 21.72, 38.24),
    ("port-grc-igoumenitsa", "Igoumenitsa", "GRC", 20.26, 39.50),
    ("port-cyp-limassol", "Limassol", "CYP", 33.02, 34.65),
    ("port-isr-haifa", "Haifa", "ISR", 35.01, 32.82),
    ("port-tur-mersin", "Mersin", "TUR", 34.64, 36.79),
    ("port-dza-algiers", "Algiers", "DZA", 3.07, 36.77),
]


# Canals and straits that the 1:10 m land data fills in: treated as water at the shore.
WATERWAYS = [
    (
        "ww-egy-suez-canal",
        "Suez Canal",
        "EGY",
        [
            (32.305, 31.32),
            (32.31, 31.20),
            (32.32, 30.98),
            (32.33, 30.70),
            (32.30, 30.56),
            (32.36, 30.40),
            (32.45, 30.30),
            (32.55, 30.20),
            (32.57, 30.05),
            (32.55, 29.92),
        ],
        5000,
    ),
    ("ww-grc-corinth-canal", "Corinth Canal", "GRC", [(22.955, 37.94), (23.005, 37.905)], 1500),
]


def _load(src: Path) -> tuple[dict[str, BaseGeometry], BaseGeometry]:
    osm = json.loads((src / OSM).read_text())
    countries = {
        f["properties"]["isoA3"]: shapely.make_valid(shape(f["geometry"])) for f in osm["features"]
    }
    ne = json.loads((src / NE).read_text())
    land = shapely.union_all([shapely.make_valid(shape(f["geometry"])) for f in ne["features"]])
    return countries, land


def _m(geom: BaseGeometry, d_m: float) -> BaseGeometry:
    """Metric buffer (negative erodes), back in lon/lat."""
    return shapely.make_valid(to_lonlat(shapely.buffer(to_metric(geom), d_m, quad_segs=4)))


def _clean(g: BaseGeometry, tol: float = 0.0005) -> BaseGeometry:
    g = shapely.make_valid(shapely.simplify(g, tol, preserve_topology=True))
    polys = [p for p in getattr(g, "geoms", [g]) if p.geom_type == "Polygon" and p.area > 1e-6]
    if not polys:
        return shapely.Polygon()
    return shapely.set_precision(shapely.MultiPolygon(polys) if len(polys) > 1 else polys[0], 1e-5)


def _feature(geom: BaseGeometry, **props: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": props, "geometry": mapping(geom)}


def _voronoi_cells(
    land_by_country: dict[str, BaseGeometry], area: BaseGeometry, spacing_deg: float = 0.02
) -> dict[str, BaseGeometry]:
    """Each country's cell: the sea closer to its coast than to any other's (equidistance)."""
    pts: list[np.ndarray] = []
    owners: list[str] = []
    for iso, land in sorted(land_by_country.items()):
        coast = shapely.segmentize(shapely.boundary(land), spacing_deg)
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


def _oriented_median(
    a_cell: BaseGeometry, b_cell: BaseGeometry, area: BaseGeometry, land: BaseGeometry
) -> MultiLineString:
    """The equidistance line between two cells, each part oriented with ``a`` on its left."""
    shared = shapely.intersection(shapely.boundary(a_cell), shapely.boundary(b_cell))
    shared = shapely.line_merge(shapely.intersection(shared, area))
    parts = [g for g in getattr(shared, "geoms", [shared]) if g.geom_type == "LineString"]
    out = []
    for ln in parts:
        if ln.length < 0.05:
            continue
        ln = shapely.simplify(ln, 0.002)
        mid = ln.interpolate(0.5, normalized=True)
        a = ln.interpolate(max(0.0, ln.project(mid) - 1e-3))
        b = ln.interpolate(min(ln.length, ln.project(mid) + 1e-3))
        nx, ny = -(b.y - a.y), (b.x - a.x)  # left normal
        norm = (nx * nx + ny * ny) ** 0.5 or 1.0
        probe = Point(mid.x + nx / norm * 0.01, mid.y + ny / norm * 0.01)
        if not a_cell.contains(probe):
            ln = LineString(list(ln.coords)[::-1])
        out.append(shapely.set_precision(ln, 1e-5))
    return MultiLineString(out)


def build(src: Path, out: Path) -> dict[str, int]:
    countries, land_all = _load(src)
    work = shapely.union_all(
        [
            AEGEAN.buffer(MARGIN_DEG, join_style="mitre"),
            CENTRAL_MED.buffer(MARGIN_DEG, join_style="mitre"),
        ]
    )
    land = shapely.make_valid(shapely.intersection(land_all, work))
    present = {iso: g for iso, g in countries.items() if g.intersects(work)}
    land_by = {iso: shapely.make_valid(shapely.intersection(land, g)) for iso, g in present.items()}
    land_by = {k: v for k, v in land_by.items() if not v.is_empty and v.area > 1e-4}
    feats: dict[str, list[dict[str, Any]]] = {
        k: []
        for k in (
            "territorial_sea",
            "contiguous_zone",
            "boundary",
            "departure_area",
            "landing_area",
            "port",
            "sar_region",
        )
    }

    # Territorial seas: the sea part of each country's OSM polygon.
    ts_union = []
    for iso in sorted(present):
        sea = _clean(shapely.difference(shapely.intersection(present[iso], work), land))
        if sea.is_empty:
            continue
        ts_union.append(sea)
        feats["territorial_sea"].append(
            _feature(
                sea,
                id=f"ts-{iso.lower()}",
                name=f"{iso} territorial sea",
                kind="territorial_sea",
                country=iso,
                source=SRC_OSM + "; minus " + SRC_NE,
                approximate=False,
            )
        )
    all_ts = shapely.union_all([*ts_union, land])

    # Equidistance cells (Voronoi of coastline points) for median lines and partitions.
    cells = _voronoi_cells(land_by, work)

    # Contiguous zones: 24 nm from land, minus every territorial sea and land, within the
    # country's equidistance cell (UNCLOS art. 33; the baseline is approximated by the coast).
    for iso in sorted(land_by):
        if iso not in cells:
            continue
        cz = shapely.intersection(_m(land_by[iso], 24 * M_PER_NM), cells[iso])
        cz = _clean(shapely.intersection(shapely.difference(cz, all_ts), work), 0.002)
        if cz.is_empty:
            continue
        feats["contiguous_zone"].append(
            _feature(
                cz,
                id=f"cz-{iso.lower()}",
                name=f"{iso} contiguous zone (24 nm, approx.)",
                kind="contiguous_zone",
                country=iso,
                source="derived from " + SRC_NE,
                approximate=True,
            )
        )

    # Boundary lines: Greece-Turkey median line in the Aegean; Italy/Malta - Libya/Tunisia.
    sea_aeg = shapely.difference(AEGEAN, land)
    gr_tr = _oriented_median(cells["GRC"], cells["TUR"], sea_aeg, land)
    feats["boundary"].append(
        _feature(
            gr_tr,
            id="bnd-grc-tur-median",
            name="Greece-Turkey median line (Aegean, approx.)",
            kind="boundary",
            country="GRC/TUR",
            left="GRC",
            right="TUR",
            source="equidistance between coasts of " + SRC_NE,
            approximate=True,
        )
    )
    north = shapely.union_all([cells[c] for c in ("ITA", "MLT") if c in cells])
    south = shapely.union_all([cells[c] for c in ("LBY", "TUN") if c in cells])
    sea_cm = shapely.difference(CENTRAL_MED, land)
    cm_line = _oriented_median(north, south, sea_cm, land)
    feats["boundary"].append(
        _feature(
            cm_line,
            id="bnd-itamlt-lbytun-median",
            name="Italy/Malta - Libya/Tunisia median line (approx.)",
            kind="boundary",
            country="ITA-MLT/LBY-TUN",
            left="ITA-MLT",
            right="LBY-TUN",
            source="equidistance between coasts of " + SRC_NE,
            approximate=True,
        )
    )

    # Departure areas: sea within 10 km of the coast (and 2 km inland), on that side.
    for zid, name, iso, bb in DEPARTURES:
        b = box(*bb)
        coast = shapely.intersection(land_by[iso], b)
        area = shapely.intersection(_m(coast, 10_000), b)
        area = shapely.difference(area, _m(land, -2000))
        area = _clean(shapely.intersection(area, cells[iso]))
        feats["departure_area"].append(
            _feature(
                area,
                id=zid,
                name=name,
                kind="departure_area",
                country=iso,
                source="hand-drawn box over " + SRC_NE,
                approximate=True,
            )
        )

    # Landing areas: the island (or coast) and the sea within 6 km (≈ 3 nm) of it.
    for zid, name, iso, bb, centre in LANDINGS:
        b = box(*bb)
        coast = shapely.intersection(land, b)
        if coast.is_empty or coast.area < 1e-5:
            coast = Point(*centre).buffer(0.01)
        area = shapely.difference(_m(coast, 6000), _m(land, -3000))
        cell = cells.get(iso) if iso != "MLT" else shapely.union_all([cells["MLT"], cells["ITA"]])
        area = _clean(shapely.intersection(area, cell) if cell is not None else area)
        feats["landing_area"].append(
            _feature(
                area,
                id=zid,
                name=name,
                kind="landing_area",
                country=iso,
                source="hand-drawn box over " + SRC_NE,
                approximate=True,
            )
        )

    feats["waterway"] = []
    for zid, name, iso, coords, half_width_m in WATERWAYS:
        feats["waterway"].append(
            _feature(
                _clean(_m(LineString(coords), half_width_m), 0.0005),
                id=zid,
                name=name,
                kind="waterway",
                country=iso,
                source="hand-drawn centreline, buffered",
                approximate=True,
            )
        )

    for zid, name, iso, lon, lat in PORTS:
        feats["port"].append(
            {
                "type": "Feature",
                "properties": {
                    "id": zid,
                    "name": name,
                    "kind": "anchorage" if zid.startswith("anch") else "port",
                    "country": iso,
                    "radius_m": 3000,
                    "source": "approximate port centre; 3 km radius after Global Fishing Watch",
                    "approximate": True,
                },
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
            }
        )

    # Search-and-rescue regions: coarse outlines of the published SRRs, clearly approximate.
    sar = {
        "MLT": shapely.Polygon([(11.5, 34.333), (11.5, 36.5), (17.0, 36.5), (17.0, 34.333)]),
        "LBY": shapely.Polygon([(11.5, 30.5), (11.5, 34.333), (17.0, 34.333), (17.0, 30.5)]),
        "TUN": shapely.Polygon([(9.0, 30.5), (9.0, 37.5), (11.5, 37.5), (11.5, 30.5)]),
        "ITA": shapely.union_all([box(9.0, 37.5, 17.0, 38.5), box(11.5, 36.5, 17.0, 37.5)]),
        "GRC": shapely.intersection(AEGEAN, cells["GRC"]),
        "TUR": shapely.intersection(AEGEAN, cells["TUR"]),
    }
    for iso, poly in sar.items():
        area = _clean(shapely.difference(poly, land), 0.002)
        feats["sar_region"].append(
            _feature(
                area,
                id=f"sar-{iso.lower()}",
                name=f"{iso} search and rescue region (approx.)",
                kind="sar_region",
                country=iso,
                source="coarse outline of the published SRR",
                approximate=True,
            )
        )

    zdir = out / "zones"
    zdir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for kind, fs in feats.items():
        for f in fs:
            if f["geometry"].get("coordinates") in ((), []):
                raise SystemExit(f"build_zones: {f['properties']['id']} came out empty")
        fc = {"type": "FeatureCollection", "features": fs}
        (zdir / f"{kind}.geojson").write_text(json.dumps(fc, separators=(",", ":")) + "\n")
        counts[kind] = len(fs)
    ldir = out / "land"
    ldir.mkdir(parents=True, exist_ok=True)
    # Land for distance-to-shore covers the whole source extent (the Mediterranean), not
    # only the two zone regions, so recordings elsewhere in the Med get shore distances too.
    land_out = _clean(land_all, 0.001)
    (ldir / "land_med.geojson").write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    _feature(land_out, id="land", name="Land (Natural Earth 10m)", source=SRC_NE)
                ],
            },
            separators=(",", ":"),
        )
        + "\n"
    )
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    default_src = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "zones-sources"
    ap.add_argument("--sources", type=Path, default=default_src)
    ap.add_argument("--out", type=Path, default=CONFIG_DIR)
    args = ap.parse_args(argv)
    if not (args.sources / OSM).exists():
        print(f"build_zones: source data not found in {args.sources}", file=sys.stderr)
        return 2
    counts = build(args.sources, args.out)
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
