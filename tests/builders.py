"""Track builders for tests (after movingpandas' make_traj): hand-made, deterministic tracks."""

from __future__ import annotations

from collections.abc import Iterable

from detectors.geo import M_PER_NM, destination
from stream.models import Position, StaticData
from stream.timeutil import parse_ts_ms

T0 = parse_ts_ms("2024-06-01T10:00:00Z")  # daytime in the Aegean


move = destination


def line(
    vessel: str,
    lon: float,
    lat: float,
    bearing_deg: float,
    sog_kn: float,
    n: int,
    dt_s: float = 60.0,
    t0_ms: int = T0,
    mmsi: bool = True,
    ais_class: str | None = None,
) -> list[Position]:
    """``n`` fixes on a straight course at constant speed, one every ``dt_s``."""
    out = []
    step = sog_kn * M_PER_NM / 3600.0 * dt_s
    for i in range(n):
        out.append(
            Position(
                vessel=vessel,
                ts_ms=int(t0_ms + i * dt_s * 1000),
                lat=lat,
                lon=lon,
                mmsi=int(vessel) if mmsi and vessel.isdigit() else None,
                sog_kn=sog_kn,
                cog_deg=bearing_deg,
                ais_class=ais_class,
            )
        )
        lon, lat = move(lon, lat, bearing_deg, step)
    return out


def through(
    vessel: str,
    waypoints: Iterable[tuple[float, float]],
    sog_kn: float,
    dt_s: float = 60.0,
    t0_ms: int = T0,
) -> list[Position]:
    """Fixes along waypoints at constant speed."""
    from detectors.geo import haversine_m, initial_bearing_deg

    pts = list(waypoints)
    out: list[Position] = []
    t = t0_ms
    step = sog_kn * M_PER_NM / 3600.0 * dt_s
    lon, lat = pts[0]
    for tlon, tlat in pts[1:]:
        while haversine_m(lat, lon, tlat, tlon) > step:
            b = initial_bearing_deg(lat, lon, tlat, tlon)
            out.append(_fix(vessel, t, lon, lat, sog_kn, b))
            lon, lat = move(lon, lat, b, step)
            t += dt_s * 1000
    out.append(_fix(vessel, t, lon, lat, sog_kn, None))
    return out


def _fix(
    vessel: str, t_ms: float, lon: float, lat: float, sog_kn: float, cog_deg: float | None
) -> Position:
    return Position(
        vessel=vessel,
        ts_ms=int(t_ms),
        lat=lat,
        lon=lon,
        mmsi=int(vessel) if vessel.isdigit() else None,
        sog_kn=sog_kn,
        cog_deg=cog_deg,
    )


def static(vessel: str, ts_ms: int = T0, **fields: object) -> StaticData:
    return StaticData(
        vessel=vessel, ts_ms=ts_ms, mmsi=int(vessel) if vessel.isdigit() else None, **fields
    )  # type: ignore[arg-type]


def run(records: list[object], pipeline: object = None, batch: int = 1000) -> list[object]:
    """Feed records through a default pipeline in batches; returns every alert."""
    from stream.app import build_pipeline
    from stream.settings import load_settings

    p = pipeline or build_pipeline(load_settings(env={}))
    recs = sorted(records, key=lambda r: r.ts_ms)  # type: ignore[attr-defined]
    out: list[object] = []
    for i in range(0, len(recs), batch):
        out.extend(p.process(recs[i : i + batch]))  # type: ignore[attr-defined]
    return out


def types(alerts: list[object]) -> list[str]:
    return [a.type for a in alerts]  # type: ignore[attr-defined]


def heartbeat(
    t0_ms: int, hours: float, dt_s: float = 300.0, vessel: str = "247999999"
) -> list[Position]:
    """A far-away vessel reporting steadily, so event time (the watermark) moves on."""
    return line(vessel, 13.5, 34.5, 90.0, 10.0, int(hours * 3600 / dt_s) + 1, dt_s, t0_ms)
