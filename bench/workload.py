"""Reproducible workloads: straight-ish tracks of many vessels over the zone area."""

from __future__ import annotations

import numpy as np
import orjson

from stream.sim import simulate

T0_S = 1_741_968_000  # 2025-03-14T16:00Z


def _compact(b: bytes) -> bytes:
    return bytes(memoryview(b))


def _at_sea(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Start points at sea (≥ 5 km from the coast), half in the Aegean, half in the Central
    Mediterranean: AIS traffic is ships at sea, not points scattered over the islands."""
    from stream.zoneload import load_zoneset

    zs = load_zoneset()
    lon = np.empty(0)
    lat = np.empty(0)
    while lon.size < n:
        k = 2 * n
        aegean = rng.random(k) < 0.5
        x = np.where(aegean, rng.uniform(23.0, 28.0, k), rng.uniform(10.5, 16.0, k))
        y = np.where(aegean, rng.uniform(35.5, 40.0, k), rng.uniform(33.0, 37.0, k))
        ok = zs.dist_shore_m(x, y) >= 5000.0
        lon, lat = np.r_[lon, x[ok]], np.r_[lat, y[ok]]
    return lon[:n], lat[:n]


def tracks(n_positions: int, n_vessels: int, seed: int = 1) -> list[bytes]:
    """NDJSON lines: ``n_vessels`` vessels on constant courses from points at sea in the Aegean
    and Central Med,
    each reporting every 60 s, in event-time order, plus the simulator's scenarios."""
    rng = np.random.default_rng(seed)
    per = max(1, n_positions // n_vessels)
    lon0, lat0 = _at_sea(rng, n_vessels)
    sog = rng.uniform(0.0, 20.0, n_vessels)
    cog = rng.uniform(0, 360, n_vessels)
    mmsi = 247_000_000 + np.arange(n_vessels)
    t_off = rng.uniform(0, 60, n_vessels)
    k = np.arange(per)
    dist_deg = (sog[:, None] * 1852 / 3600 * 60 * k[None, :]) / 111_320.0
    lat = lat0[:, None] + dist_deg * np.cos(np.radians(cog))[:, None]
    lon = (
        lon0[:, None]
        + dist_deg * np.sin(np.radians(cog))[:, None] / np.cos(np.radians(lat0))[:, None]
    )
    ts = T0_S + t_off[:, None] + 60.0 * k[None, :]
    order = np.argsort(ts, axis=None, kind="stable")
    vi, ki = np.unravel_index(order, ts.shape)
    # bytes(memoryview(...)): an exact-size copy; orjson's own result holds a 4 KiB buffer, and
    # millions of them would make the workload, not seaguard, fill the memory.
    out = [
        _compact(
            orjson.dumps(
                {
                    "mmsi": int(mmsi[v]),
                    "ts": round(float(ts[v, j]), 3),
                    "lat": round(float(lat[v, j]), 5),
                    "lon": round(float(lon[v, j]), 5),
                    "sog": round(float(sog[v]), 1),
                    "cog": round(float(cog[v]), 1),
                }
            )
        )
        for v, j in zip(vi.tolist(), ki.tolist(), strict=True)
    ]
    scen, _ = simulate(["all"], seed=seed, hours=1, with_background=False)
    out += [_compact(orjson.dumps(r)) for r in scen]
    return out


def points(n: int, seed: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Random positions over both regions (half each)."""
    rng = np.random.default_rng(seed)
    a = n // 2
    lon = np.concatenate([rng.uniform(22, 30, a), rng.uniform(9, 17, n - a)])
    lat = np.concatenate([rng.uniform(34.5, 41.5, a), rng.uniform(30.5, 38.5, n - a)])
    return lon, lat
