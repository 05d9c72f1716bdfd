"""Loitering [loitering]: slow (< 2 kn) for a long time away from ports and anchorages.

Speed threshold from Global Fishing Watch's loitering events (average speed < 2 kn). GFW and
RFMO transshipment reporting use ≥ 1-4 h at ≥ 20 nm from shore for carriers on the high seas;
these seas are narrow and full of islands, so the default keeps 2 h but only 3 nm from shore,
excluding port/anchorage areas (GFW's 3 km port radius + hysteresis). Vessels declaring
"at anchor"/"moored" are still reported, at ``low`` severity. Loitering is a per-vessel fact: two
vessels waiting side by side for hours raise an encounter *and* each its own loitering alert
(suppressing one by the other would depend on which partition is consumed first).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from detectors.base import Context, Detector, Fix, VesselState
from detectors.batch import I64, FixBatch
from detectors.geo import M_PER_NM, haversine_m, haversine_m_vec
from detectors.geofence import PORT_KINDS
from detectors.vessel import describe_vessel, identity_expected, is_small_craft
from stream.models import Alert
from stream.timeutil import iso

__all__ = ["LoiteringDetector", "LoiteringParams"]


@dataclass(frozen=True)
class LoiteringParams:
    max_speed_kn: float = 2.0
    min_duration_s: float = 7200.0
    min_shore_m: float = 3 * M_PER_NM
    # GFW's definition is speed-only; drifting 20 km from the start still ends the episode
    # (a slow passage, not a wait).
    max_radius_m: float = 20_000.0

    fast_fixes_to_end: int = 2  # consecutive fixes ≥ max_speed end it (one spike does not)
    max_fix_gap_s: float = 3 * 3600.0  # a longer silence ends the episode


class LoiteringDetector(Detector):
    name = "loitering"
    defer_quiet = True  # quiet_rows reads only its own state
    params: LoiteringParams

    @classmethod
    def default_params(cls) -> LoiteringParams:
        return LoiteringParams()

    def _where_ok(self, fix: Fix, ctx: Context) -> bool:
        if ctx.zones.any_kind(fix.zones_outer, PORT_KINDS):
            return False
        # Outside the land data's coverage ports and marinas are unknown: no loitering there.
        d = fix.dist_shore_m
        return d == d and d >= self.params.min_shore_m

    def hot_rows(self, b: FixBatch) -> npt.NDArray[np.bool_]:
        p = self.params
        v = b.vc
        in_port = b.in_kinds(PORT_KINDS, outer=True)
        # An episode can only start on a slow fix away from ports (a superset here).
        slow = (b.sog < p.max_speed_kn * 1.0001) & ~in_port
        start = slow & (b.shore.where(slow) >= p.min_shore_m * 0.999)
        # The episodes running since an earlier batch, and those that surely start at a
        # vessel's first such fix in this one (on_fix's own test): a later fix that only
        # extends one (slow, or of unknown speed, near its centre, in time, away from ports
        # and shore, no alert due) is routine (quiet_rows); from the first other fix on,
        # every fix of the vessel matters. A vessel whose first such fix is not sure to
        # start one: every fix from it on.
        name, nv = self.name, len(b.states)
        has = np.zeros(nv, dtype=bool)
        c_lat, c_lon = np.full(nv, np.nan), np.full(nv, np.nan)
        t0 = np.zeros(nv, dtype=np.int64)
        alerted = np.zeros(nv, dtype=bool)
        # the few vessels with an episode; most have none
        at = np.flatnonzero(b.vessel_has(name, "ep")).tolist()  # ("ep": a dict, or absent)
        if at:
            eps = [b.dets[c][name]["ep"] for c in at]
            has[at] = True
            c_lat[at] = [e["lat"] for e in eps]
            c_lon[at] = [e["lon"] for e in eps]
            t0[at] = [e["t0"] for e in eps]
            alerted[at] = [bool(e.get("alerted")) for e in eps]
        first = b.first(start) & ~has[v]
        with np.errstate(invalid="ignore"):
            sure = first & (b.sog < p.max_speed_kn) & (b.shore.where(first) >= p.min_shore_m)
        new = b.vc[sure]  # one row per vessel: its episode's centre and start
        has_new = np.zeros(has.size, dtype=bool)
        has_new[new] = True
        c_lat[new], c_lon[new], t0[new] = b.lat[sure], b.lon[sure], b.ts[sure]
        running = has[v] | (has_new[v] & (b.running_count(sure) > 0) & ~sure)
        b.plans[(self.name, "ep")] = has | has_new
        extends = np.zeros(b.n, dtype=bool)
        r = np.flatnonzero(running)  # (the rows of the few vessels with an episode)
        if r.size:
            w, sog = v[r], b.sog[r]
            with np.errstate(invalid="ignore"):
                ext = (
                    (np.isnan(sog) | (sog < p.max_speed_kn * 0.9999))
                    & (
                        haversine_m_vec(c_lat[w], c_lon[w], b.lat[r], b.lon[r])
                        < p.max_radius_m * 0.999
                    )
                    & ~(b.dt_s[r] > p.max_fix_gap_s * 0.999)
                    & ~in_port[r]
                    & (alerted[w] | (b.ts[r] - t0[w] < p.min_duration_s * 1000 - 1))
                )
                r = r[ext]
                extends[r[b.shore.at(r) >= p.min_shore_m * 1.001]] = True
        return sure | b.from_first(np.where(running, ~extends, start & ~has_new[v]))

    def quiet_spans(self, b: FixBatch, vessels: I64, lo: I64, hi: I64) -> None:
        # Only vessels with an episode, from an earlier batch or started in this one (the
        # plan hot_rows made): the others' quiet rows change nothing.
        has = b.plans.get((self.name, "ep"))
        if has is None or not (some := has[vessels]).any():
            return
        vessels, lo, hi = vessels[some], lo[some], hi[some]
        # per span, quiet_rows' count of rows of known speed and the last of them, with numpy
        order = b.vessel_rows
        known = ~np.isnan(b.sog[order])
        upto = np.r_[0, np.cumsum(known)]
        count = upto[hi] - upto[lo]
        last = np.maximum.accumulate(np.where(known, np.arange(b.n), -1))[hi - 1]
        ts = b.ts[order[np.maximum(last, 0)]]
        dets = b.dets
        for c, k, t in zip(vessels.tolist(), count.tolist(), ts.tolist(), strict=True):
            st = dets[c].get(self.name)
            ep = st.get("ep") if st else None
            if ep is not None and k:
                ep["fast"] = 0
                ep["last_ts"] = t
                ep["n"] += k

    def quiet_rows(self, vs: VesselState, b: FixBatch, rows: list[int]) -> None:
        st = vs.det.get(self.name)
        ep = st.get("ep") if st else None
        if ep is None:  # rows before any slow fix away from ports: nothing to do
            return
        r = np.asarray(rows)
        slow = r[~np.isnan(b.sog[r])]  # known speed: slow (hot_rows saw to it)
        if slow.size:
            ep["fast"] = 0
            ep["last_ts"] = int(b.ts[slow[-1]])
            ep["n"] += int(slow.size)

    def on_fix(self, fix: Fix, vs: VesselState, ctx: Context) -> list[Alert]:
        p = self.params
        st = vs.for_detector(self.name)
        ep = st.get("ep")
        # A fix without speed (a feed with no SOG, two fixes in the same minute) is neutral.
        known = fix.sog_kn is not None
        slow = known and fix.sog_kn < p.max_speed_kn  # type: ignore[operator]
        out: list[Alert] = []
        if ep is not None:
            far = haversine_m(ep["lat"], ep["lon"], fix.lat, fix.lon) > p.max_radius_m
            silent = fix.dt_s is not None and fix.dt_s > p.max_fix_gap_s
            if known:
                ep["fast"] = 0 if slow else ep.get("fast", 0) + 1
            if far or silent or ep["fast"] >= p.fast_fixes_to_end or not self._where_ok(fix, ctx):
                if ep.get("alerted"):
                    out.append(self._alert(vs, ep, "closed", ep["last_ts"], ep["last_ts"], ctx))
                st.pop("ep", None)
                ep = None
            elif slow:
                ep["last_ts"] = fix.ts_ms
                ep["n"] += 1
        if ep is None and slow and self._where_ok(fix, ctx):
            ep = st["ep"] = {
                "t0": fix.ts_ms,
                "lat": fix.lat,
                "lon": fix.lon,
                "last_ts": fix.ts_ms,
                "n": 1,
                "fast": 0,
                "anchored": fix.pos.nav_status in (1, 5),
            }
        if (
            ep is not None
            and not ep.get("alerted")
            and ep["last_ts"] - ep["t0"] >= p.min_duration_s * 1000
        ):
            ep["alerted"] = True
            out.append(self._alert(vs, ep, "open", fix.ts_ms, None, ctx))
        return out

    def _alert(
        self,
        vs: VesselState,
        ep: dict[str, Any],
        status: Any,
        ts_ms: int,
        end_ms: int | None,
        ctx: Context,
    ) -> Alert:
        hours = (ep["last_ts"] - ep["t0"]) / 3.6e6
        expected = identity_expected(ctx.identity_feed, vs.first_ts_ms, ep["last_ts"])
        small = is_small_craft(vs.static, expected)
        sev = "low" if ep.get("anchored") else "high" if small else "medium"
        what = "has been loitering" if status == "open" else "loitered"
        return self.alert(
            "loitering",
            vs,
            status=status,
            severity=sev,
            ts_ms=ts_ms,
            start_ms=ep["t0"],
            end_ms=end_ms,
            lat=ep["lat"],
            lon=ep["lon"],
            zone_ids=tuple(vs.zones),
            summary=f"{describe_vessel(vs.vessel, vs.static, ctx.identity_feed)} {what} below "
            f"{self.params.max_speed_kn:g} kn for {hours:.1f} h since {iso(ep['t0'])}, "
            f"away from ports.",
            evidence={
                "start": iso(ep["t0"]),
                "last_slow_fix": iso(ep["last_ts"]),
                "centre": [ep["lon"], ep["lat"]],
                "fixes": ep["n"],
                "duration_s": (ep["last_ts"] - ep["t0"]) / 1000,
                "declared_anchored": bool(ep.get("anchored")),
            },
        )
