"""``seaguard replay --report FILE``: one self-contained HTML page (inline SVG, no network)
with the tracks, the alerts on a map over land, counts by type and a timeline."""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

import shapely
from shapely.geometry import box

from detectors.geofence import ZoneSet
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


def _proj(bounds: tuple[float, float, float, float]):  # type: ignore[no-untyped-def]
    x0, y0, x1, y1 = bounds
    sx, sy = W / max(x1 - x0, 1e-6), H / max(y1 - y0, 1e-6)
    s = min(sx, sy)
    return lambda lon, lat: ((lon - x0) * s, H - (lat - y0) * s)


def write_report(
    path: str | Path, records: Sequence[Record], alerts: Sequence[Alert], zones: ZoneSet
) -> Path:
    pos = [r for r in records if isinstance(r, Position)]
    if pos:
        lons = [p.lon for p in pos]
        lats = [p.lat for p in pos]
        pad = 0.2
        bounds = (min(lons) - pad, min(lats) - pad, max(lons) + pad, max(lats) + pad)
    else:
        bounds = (9.0, 30.5, 30.0, 41.5)
    pr = _proj(bounds)
    svg: list[str] = [
        f'<svg viewBox="0 0 {W} {H}" width="{W}" height="{H}" style="background:#eef5fb">'
    ]
    if zones.land is not None:
        land = shapely.simplify(zones.land.intersection(box(*bounds)), 0.01)
        for poly in getattr(land, "geoms", [land]):
            if poly.geom_type != "Polygon":
                continue
            pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (pr(*c) for c in poly.exterior.coords))
            svg.append(f'<polygon points="{pts}" fill="#ddd9c4" stroke="#999" stroke-width="0.5"/>')
    tracks: dict[str, list[Position]] = defaultdict(list)
    for p in pos:
        tracks[p.vessel].append(p)
    flagged = {a.vessel for a in alerts} | {a.other_vessel for a in alerts if a.other_vessel}
    for v, ps in tracks.items():
        step = max(1, len(ps) // 400)
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (pr(p.lon, p.lat) for p in ps[::step]))
        color, w = ("#08519c", 1.2) if v in flagged else ("#9ecae1", 0.5)
        svg.append(
            f'<polyline points="{pts}" fill="none" stroke="{color}" stroke-width="{w}">'
            f"<title>{html.escape(v)}</title></polyline>"
        )
    latest = {a.alert_id: a for a in alerts}
    for a in latest.values():
        x, y = pr(a.lon, a.lat)
        svg.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{COLORS[a.severity]}" '
            f'stroke="#000" stroke-width="0.5"><title>{html.escape(a.summary)}</title>'
            "</circle>"
        )
    svg.append("</svg>")
    counts = Counter(a.type for a in latest.values())
    rows = "".join(
        f"<tr><td>{html.escape(t)}</td><td>{n}</td></tr>" for t, n in sorted(counts.items())
    )
    t0 = min((a.start_ms for a in latest.values()), default=0)
    t1 = max((a.ts_ms for a in latest.values()), default=1)
    span = max(t1 - t0, 1)
    timeline = []
    for i, a in enumerate(sorted(latest.values(), key=lambda a: a.start_ms)):
        left = (a.start_ms - t0) / span * 100
        width = max(((a.end_ms or a.ts_ms) - a.start_ms) / span * 100, 0.4)
        timeline.append(
            f'<div class="row"><span class="lbl">{html.escape(a.type)} {html.escape(a.vessel)}'
            f'</span><span class="bar" style="left:{left:.2f}%;width:{width:.2f}%;'
            f'background:{COLORS[a.severity]}" title="{html.escape(a.summary)}"></span></div>'
        )
        if i > 300:
            break
    listing = "".join(
        f"<tr><td>{iso(a.ts_ms)}</td><td>{a.severity}</td><td>{html.escape(a.type)}</td>"
        f"<td>{a.status}</td><td>{html.escape(a.vessel)}</td><td>{html.escape(a.summary)}</td></tr>"
        for a in sorted(latest.values(), key=lambda a: a.ts_ms)
    )
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>seaguard replay report</title>
<style>body{{font-family:sans-serif;margin:1em}} table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:2px 6px;font-size:12px}} .row{{position:relative;height:14px;
font-size:11px}} .lbl{{position:absolute;left:0;width:220px;overflow:hidden;white-space:nowrap}}
.bar{{position:absolute;height:10px;top:2px;margin-left:230px;max-width:calc(100% - 230px)}}</style>
</head><body><h1>seaguard replay report</h1>
<p>{len(pos)} positions, {len(tracks)} vessels, {len(latest)} alerts.</p>
<h2>Map</h2>{"".join(svg)}
<h2>Alerts by type</h2><table><tr><th>type</th><th>alerts</th></tr>{rows}</table>
<h2>Timeline</h2><div id="timeline">{"".join(timeline)}</div>
<h2>Alerts</h2><table><tr><th>time</th><th>severity</th><th>type</th><th>status</th>
<th>vessel</th><th>summary</th></tr>{listing}</table>
<p style="font-size:10px">Land: GSHHG (LGPL). Zones: © OpenStreetMap contributors (ODbL).</p>
</body></html>"""
    out = Path(path)
    out.write_text(page)
    return out
