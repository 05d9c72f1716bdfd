"""``seaguard replay --report FILE``: one self-contained HTML page (inline SVG, no network)
with the tracks, the alerts on a map over land and zones, counts by type and a timeline."""

from __future__ import annotations

import html
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import shapely
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from detectors.geo import KN_PER_MPS, haversine_m
from detectors.geofence import ZoneSet
from detectors.kinematic import KinematicParams
from stream.decode.common import Record
from stream.models import Alert, Position
from stream.timeutil import iso

__all__ = ["write_report"]

W, H = 900, 640
COLORS = {
    "critical": "#b30000",
    "high": "#e34a33",
    "medium": "#fc8d59",
    "low": "#fdbb84",
    "info": "#969696",
}
ZONE_STYLE = {  # outline colour by zone kind; boundary lines dashed
    "boundary": "#756bb1",
    "departure_area": "#d95f02",
    "landing_area": "#1b9e77",
    "territorial_sea": "#6baed6",
}
# Beyond the kinematic detector's plausible speed a track is not drawn as one line: the jump
# is a spoofed or duplicated identity, and the line between would cross land and sea alike.
BREAK_KN = KinematicParams().max_speed_kn
MAX_POINTS_PER_TRACK = 400
Project = Callable[[float, float], tuple[float, float]]


def _frame(pos: Sequence[Position], alerts: Sequence[Alert]) -> tuple[float, float, float, float]:
    """The map's bounds: every fix and alert, padded, widened to the picture's aspect."""
    lons = [p.lon for p in pos] + [a.lon for a in alerts]
    lats = [p.lat for p in pos] + [a.lat for a in alerts]
    if not lons:
        return (9.0, 30.5, 30.0, 41.5)  # the Aegean and the Central Mediterranean
    x0, x1, y0, y1 = min(lons), max(lons), min(lats), max(lats)
    pad = max(0.2, 0.05 * max(x1 - x0, y1 - y0))
    x0, x1, y0, y1 = x0 - pad, x1 + pad, y0 - pad, y1 + pad
    want = W / H * math.cos(math.radians((y0 + y1) / 2))  # degrees of lon per degree of lat
    if (x1 - x0) / (y1 - y0) < want:
        grow = ((y1 - y0) * want - (x1 - x0)) / 2
        x0, x1 = x0 - grow, x1 + grow
    else:
        grow = ((x1 - x0) / want - (y1 - y0)) / 2
        y0, y1 = y0 - grow, y1 + grow
    return x0, y0, x1, y1


def _projection(bounds: tuple[float, float, float, float]) -> Project:
    x0, y0, x1, y1 = bounds
    sx, sy = W / (x1 - x0), H / (y1 - y0)
    return lambda lon, lat: ((lon - x0) * sx, H - (lat - y0) * sy)


def _points(
    coords: Sequence[tuple[float, float]] | Iterator[tuple[float, float]], pr: Project
) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in (pr(lon, lat) for lon, lat in coords))


def _polygons(geom: BaseGeometry) -> Iterator[BaseGeometry]:
    for g in getattr(geom, "geoms", [geom]):
        if g.geom_type == "Polygon":
            yield g
        elif g.geom_type in ("MultiPolygon", "GeometryCollection"):
            yield from _polygons(g)


def _land_svg(zones: ZoneSet, frame: BaseGeometry, pr: Project) -> list[str]:
    """Land over the whole frame, and - where the land data stops - a hatch saying so, so
    that a track over unmapped coast is not read as one crossing land."""
    out: list[str] = []
    if zones.land is None:
        return out
    land = shapely.simplify(zones.land.intersection(frame), 0.005)
    for poly in _polygons(land):
        out.append(
            f'<polygon points="{_points(poly.exterior.coords, pr)}" fill="#ddd9c4" '
            'stroke="#999" stroke-width="0.5"/>'
        )
    unmapped = frame.difference(box(*zones.land.bounds))
    for poly in _polygons(unmapped):
        out.append(
            f'<polygon points="{_points(poly.exterior.coords, pr)}" fill="url(#nodata)" '
            'stroke="none"><title>outside the land data</title></polygon>'
        )
    return out


def _zones_svg(zones: ZoneSet, frame: BaseGeometry, pr: Project) -> list[str]:
    out: list[str] = []
    for z in zones.zones:
        color = ZONE_STYLE.get(z.kind)
        if color is None or not z.geometry.intersects(frame):
            continue
        g = shapely.simplify(z.geometry.intersection(frame), 0.005)
        title = f"<title>{html.escape(z.id)} ({html.escape(z.kind)})</title>"
        if z.is_line:
            for line in getattr(g, "geoms", [g]):
                if line.geom_type == "LineString":
                    out.append(
                        f'<polyline points="{_points(line.coords, pr)}" fill="none" '
                        f'stroke="{color}" stroke-width="1.5" stroke-dasharray="6 3">{title}'
                        "</polyline>"
                    )
            continue
        for poly in _polygons(g):
            out.append(
                f'<polygon points="{_points(poly.exterior.coords, pr)}" fill="{color}" '
                f'fill-opacity="0.06" stroke="{color}" stroke-width="0.8">{title}</polygon>'
            )
    return out


def _segments(ps: Sequence[Position]) -> Iterator[list[Position]]:
    """A vessel's fixes cut where the implied speed from one to the next is implausible."""
    seg: list[Position] = []
    for p in ps:
        if seg:
            q = seg[-1]
            dt_s = (p.ts_ms - q.ts_ms) / 1000.0
            dist_m = haversine_m(q.lat, q.lon, p.lat, p.lon)
            if dist_m > 1000.0 and (dt_s <= 0 or dist_m / dt_s * KN_PER_MPS > BREAK_KN):
                yield seg
                seg = []
        seg.append(p)
    if seg:
        yield seg


def _tracks_svg(pos: Sequence[Position], flagged: set[str], pr: Project) -> list[str]:
    tracks: dict[str, list[Position]] = defaultdict(list)
    for p in pos:
        tracks[p.vessel].append(p)
    out: list[str] = []
    for v, ps in tracks.items():
        color, width = ("#08519c", 1.2) if v in flagged else ("#9ecae1", 0.5)
        step = max(1, len(ps) // MAX_POINTS_PER_TRACK)
        for seg in _segments(ps):
            kept = seg[::step] + ([seg[-1]] if (len(seg) - 1) % step else [])
            out.append(
                f'<polyline points="{_points(((p.lon, p.lat) for p in kept), pr)}" '
                f'fill="none" stroke="{color}" stroke-width="{width}">'
                f"<title>{html.escape(v)}</title></polyline>"
            )
    return out


def _alerts_svg(alerts: Sequence[Alert], pr: Project) -> list[str]:
    out = []
    for a in alerts:
        x, y = pr(a.lon, a.lat)
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{COLORS[a.severity]}" '
            f'stroke="#000" stroke-width="0.5"><title>{html.escape(a.summary)}</title>'
            "</circle>"
        )
    return out


def _map_svg(
    pos: Sequence[Position], alerts: Sequence[Alert], zones: ZoneSet, flagged: set[str]
) -> str:
    bounds = _frame(pos, alerts)
    pr, frame = _projection(bounds), box(*bounds)
    parts = [
        f'<svg viewBox="0 0 {W} {H}" width="100%" style="max-width:{W}px;background:#eef5fb">',
        '<defs><pattern id="nodata" width="8" height="8" patternUnits="userSpaceOnUse">'
        '<path d="M0,8 L8,0" stroke="#bbb" stroke-width="1"/></pattern></defs>',
        *_land_svg(zones, frame, pr),
        *_zones_svg(zones, frame, pr),
        *_tracks_svg(pos, flagged, pr),
        *_alerts_svg(alerts, pr),
        "</svg>",
    ]
    return "".join(parts)


def _ticks(t0_ms: int, t1_ms: int, n: int = 6) -> list[int]:
    """About ``n`` round times (a whole number of minutes, hours or days) in [t0, t1]."""
    steps_ms = [m * 60_000 for m in (1, 5, 10, 30, 60, 180, 360, 720, 1440, 2880, 10080)]
    step = next((s for s in steps_ms if (t1_ms - t0_ms) / s <= n), steps_ms[-1])
    first = -(-t0_ms // step) * step
    return list(range(first, t1_ms + 1, step))


def _timeline_html(alerts: Sequence[Alert], limit: int = 300) -> str:
    """One bar per alert from its start to its end, under a time axis (UTC)."""
    if not alerts:
        return "<p>No alerts.</p>"
    t0 = min(a.start_ms for a in alerts)
    t1 = max(max(a.ts_ms, a.end_ms or a.ts_ms) for a in alerts)
    span = max(t1 - t0, 1)
    axis = "".join(
        f'<span class="tick" style="left:{(t - t0) / span * 100:.2f}%">{iso(t)[5:16]}</span>'
        for t in _ticks(t0, t1)
    )
    rows = [
        f'<div class="row axis"><span class="lbl">time (UTC)</span><div class="lane">{axis}</div></div>'
    ]
    for a in sorted(alerts, key=lambda a: a.start_ms)[:limit]:
        left = (a.start_ms - t0) / span * 100
        width = min(max(((a.end_ms or a.ts_ms) - a.start_ms) / span * 100, 0.4), 100 - left)
        rows.append(
            f'<div class="row"><span class="lbl">{html.escape(a.type)} {html.escape(a.vessel)}'
            f'</span><div class="lane"><span class="bar" style="left:{left:.2f}%;'
            f'width:{width:.2f}%;background:{COLORS[a.severity]}" '
            f'title="{html.escape(a.summary)}"></span></div></div>'
        )
    more = len(alerts) - limit
    return "".join(rows) + (f"<p>... and {more} more.</p>" if more > 0 else "")


STYLE = """body{font-family:sans-serif;margin:1em;max-width:1100px} table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:2px 6px;font-size:12px} .row{display:flex;height:15px;
font-size:11px;align-items:center} .lbl{flex:0 0 220px;overflow:hidden;white-space:nowrap}
.lane{position:relative;flex:1;height:100%;border-left:1px solid #ccc} .bar{position:absolute;
height:10px;top:2px} .axis{height:20px;border-bottom:1px solid #999} .tick{position:absolute;
top:3px;transform:translateX(-50%);white-space:nowrap;color:#444} .legend span{margin-right:1em}"""


def _legend() -> str:
    sev = "".join(f'<span><b style="color:{c}">&#9679;</b> {s}</span>' for s, c in COLORS.items())
    kinds = "".join(
        f'<span><b style="color:{c}">&#9632;</b> {k.replace("_", " ")}</span>'
        for k, c in ZONE_STYLE.items()
    )
    return (
        f'<p class="legend">{sev}<span><b style="color:#08519c">&#9472;</b> vessel with an '
        f'alert</span><span><b style="color:#9ecae1">&#9472;</b> other vessel</span></p>'
        f'<p class="legend">{kinds}<span>&#9641; outside the land data</span></p>'
    )


def write_report(
    path: str | Path, records: Sequence[Record], alerts: Sequence[Alert], zones: ZoneSet
) -> Path:
    pos = [r for r in records if isinstance(r, Position)]
    latest = list({a.alert_id: a for a in alerts}.values())
    flagged = {a.vessel for a in latest} | {a.other_vessel for a in latest if a.other_vessel}
    counts = Counter(a.type for a in latest)
    rows = "".join(
        f"<tr><td>{html.escape(t)}</td><td>{n}</td></tr>" for t, n in sorted(counts.items())
    )
    listing = "".join(
        f"<tr><td>{iso(a.ts_ms)}</td><td>{a.severity}</td><td>{html.escape(a.type)}</td>"
        f"<td>{a.status}</td><td>{html.escape(a.vessel)}</td><td>{html.escape(a.summary)}</td></tr>"
        for a in sorted(latest, key=lambda a: a.ts_ms)
    )
    vessels = len({p.vessel for p in pos})
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>seaguard replay report</title>
<style>{STYLE}</style></head><body><h1>seaguard replay report</h1>
<p>{len(pos)} positions, {vessels} vessels, {len(latest)} alerts.</p>
<h2>Map</h2>{_map_svg(pos, latest, zones, flagged)}{_legend()}
<h2>Alerts by type</h2><table><tr><th>type</th><th>alerts</th></tr>{rows}</table>
<h2>Timeline</h2><div id="timeline">{_timeline_html(latest)}</div>
<h2>Alerts</h2><table><tr><th>time</th><th>severity</th><th>type</th><th>status</th>
<th>vessel</th><th>summary</th></tr>{listing}</table>
<p style="font-size:10px">Land: GSHHG (LGPL). Zones: © OpenStreetMap contributors (ODbL).</p>
</body></html>"""
    out = Path(path)
    out.write_text(page)
    return out
