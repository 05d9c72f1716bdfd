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


def lane(
    lon0: float,
    lat0: float,
    lon1: float,
    lat1: float,
    t0_ms: int,
    hours: float,
    every_min: float = 30.0,
    sog_kn: float = 12.0,
    prefix: str = "2560",
) -> list[Position | StaticData]:
    """Identified merchant traffic both ways along a lane, a ship every ``every_min`` from
    each end, reporting every 2 min from ``t0_ms`` for ``hours``: water the reception model
    hears. Ships start before ``t0_ms`` so the whole lane is busy from the start."""
    from detectors.geo import haversine_m, initial_bearing_deg

    out: list[Position | StaticData] = []
    length_m = haversine_m(lat0, lon0, lat1, lon1)
    transit_s = length_m / (sog_kn * M_PER_NM / 3600.0)
    end_ms = t0_ms + hours * 3_600_000
    k = 0
    for (alon, alat), (blon, blat) in (((lon0, lat0), (lon1, lat1)), ((lon1, lat1), (lon0, lat0))):
        bearing = initial_bearing_deg(alat, alon, blat, blon)
        start_ms = t0_ms - transit_s * 1000
        while start_ms < end_ms:
            k += 1
            vessel = f"{prefix}{k:05d}"
            n = int(transit_s / 120.0) + 1
            track = [
                p
                for p in line(vessel, alon, alat, bearing, sog_kn, n, 120.0, int(start_ms))
                if t0_ms <= p.ts_ms <= end_ms
            ]
            if track:
                out.append(static(vessel, track[0].ts_ms - 1, name=f"LANE {k}", ship_type=70))
                out.extend(track)
            start_ms += every_min * 60_000
    return out
