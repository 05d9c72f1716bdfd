"""Building blocks for simulated vessels: routes sailed at a speed, reported like AIS does."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from detectors.geo import M_PER_NM, destination, haversine_m, initial_bearing_deg

__all__ = ["Reporter", "Vessel", "destination", "sail", "stay"]

# Reporting intervals. ITU-R M.1371: Class A 2-10 s under way, 3 min at anchor; Class B 30 s
# under way (SOTDMA) or 3 min when slow. Shore networks and aggregators commonly thin this to
# one fix per 30-60 s; the simulator emits the thinned rate to keep files small.
REPORT_S = {"A": 30.0, "B": 60.0, "A_anchor": 180.0, "B_slow": 180.0}
GPS_NOISE_M = 8.0


@dataclass
class Vessel:
    """A simulated vessel: identity plus a list of true states (t, lon, lat, sog, cog, nav)."""

    mmsi: str
    ais_class: str | None = "A"
    name: str | None = None
    callsign: str | None = None
    ship_type: int | None = None
    length_m: float | None = None
    states: list[tuple[float, float, float, float, float, int | None]] = field(default_factory=list)

    def key(self) -> dict[str, Any]:
        """An MMSI column when the id is one, else the feed's own ``id``."""
        return {"mmsi": int(self.mmsi)} if self.mmsi.isdigit() else {"id": self.mmsi}

    def static_record(self, t_s: float, **override: Any) -> dict[str, Any]:
        d: dict[str, Any] = {**self.key(), "ts": round(t_s, 3)}
        for k in ("name", "callsign", "ship_type", "length_m"):
            v = override.get(k, getattr(self, k))
            if v is not None:
                d[k] = v
        return d


def sail(
    v: Vessel, t_s: float, route: list[tuple[float, float]], sog_kn: float, step_s: float = 10.0
) -> float:
    """Append states sailing through ``route`` at ``sog_kn``; returns the arrival time."""
    lon, lat = route[0]
    step_m = sog_kn * M_PER_NM / 3600.0 * step_s
    for tlon, tlat in route[1:]:
        while True:
            d = haversine_m(lat, lon, tlat, tlon)
            b = initial_bearing_deg(lat, lon, tlat, tlon)
            v.states.append((t_s, lon, lat, sog_kn, b, 0))
            if d <= step_m:
                break
            lon, lat = destination(lon, lat, b, step_m)
            t_s += step_s
        lon, lat = tlon, tlat
    v.states.append((t_s, lon, lat, sog_kn, v.states[-1][4] if v.states else 0.0, 0))
    return t_s


def stay(
    v: Vessel,
    t_s: float,
    lon: float,
    lat: float,
    hours: float,
    drift_kn: float = 0.3,
    nav: int | None = None,
    rng: random.Random | None = None,
    step_s: float = 60.0,
) -> float:
    """Append states drifting slowly around a point (at anchor, loitering, fishing)."""
    rng = rng or random.Random(0)
    end = t_s + hours * 3600
    heading = rng.uniform(0, 360)
    while t_s < end:
        heading = (heading + rng.uniform(-20, 20)) % 360
        sog = max(0.0, drift_kn + rng.uniform(-0.15, 0.15)) if drift_kn > 0 else 0.0
        lon, lat = destination(lon, lat, heading, sog * M_PER_NM / 3600 * step_s)
        v.states.append((t_s, lon, lat, round(sog, 1), heading, nav))
        t_s += step_s
    return t_s


class Reporter:
    """Turns true states into AIS reports: class-dependent interval, jitter, GNSS noise,
    coverage drop-outs and deliberate silences."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def reports(
        self,
        v: Vessel,
        silences: list[tuple[float, float]] = (),  # type: ignore[assignment]
        dropout_prob: float = 0.0,
    ) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        next_t = -1e18
        drop_until = -1e18
        for t, lon, lat, sog, cog, nav in v.states:
            if any(a <= t < b for a, b in silences):
                continue
            slow = sog < 2
            interval = (
                REPORT_S["A_anchor" if slow else "A"]
                if v.ais_class != "B"
                else REPORT_S["B_slow" if slow else "B"]
            )
            if t < next_t:
                continue
            next_t = t + interval * self.rng.uniform(0.9, 1.1)
            if t < drop_until:
                continue
            if dropout_prob and self.rng.random() < dropout_prob:
                drop_until = t + self.rng.uniform(5, 20) * 60  # a 5-20 min coverage hole
                continue
            nlon, nlat = destination(
                lon, lat, self.rng.uniform(0, 360), abs(self.rng.gauss(0, GPS_NOISE_M))
            )
            rec: dict[str, Any] = {
                **v.key(),
                "ts": round(t, 3),
                "lat": round(nlat, 6),
                "lon": round(nlon, 6),
                "sog": round(max(0.0, sog + self.rng.gauss(0, 0.1)), 1),
                "cog": round((cog + self.rng.gauss(0, 1.0)) % 360, 1),
            }
            if v.ais_class:
                rec["class"] = v.ais_class
            if nav is not None:
                rec["nav_status"] = nav
            out.append(rec)
        return out
