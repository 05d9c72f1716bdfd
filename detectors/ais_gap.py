"""AIS gaps, "going dark" [ais_gap].

A vessel that was reporting regularly falls silent at sea. The alert opens (status ``open``)
at the last fix plus the threshold - once event time, the watermark or the vessel's own next
report, reaches it, with that time whatever the batches - and closes when the vessel
reappears, with the gap's duration, distance and implied speed (same id).

Threshold: Global Fishing Watch uses ≥ 12 h and > 50 nm from shore, tuned to satellite AIS
revisit times. The Aegean and the Central Mediterranean are covered by dense terrestrial AIS
(Greek, Turkish, Italian and Maltese coast stations), where Class A ships report every 2-10 s
under way and Class B every 30 s (ITU-R M.1371); coverage drop-outs of up to ~30 min are
routine, and aggregated feeds are often down-sampled to one fix per 10-30 min. Two hours of
silence is four times the routine drop-out and one sixth of GFW's satellite threshold. The
"reporting regularly" test follows GFW (enough fixes in the window before the gap: here at
least 4 in the 2 h before, i.e. one every 30 min or better).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from detectors.base import Context, Detector, Fix, VesselState
from detectors.batch import F64, I64, Bool, FixBatch
from detectors.geo import KN_PER_MPS, M_PER_NM, haversine_m
from detectors.geofence import PORT_KINDS
from detectors.vessel import describe_vessel, is_small_craft
from stream.models import Alert
from stream.timeutil import iso

__all__ = ["AisGapDetector", "AisGapParams"]


@dataclass(frozen=True)
class AisGapParams:
    min_gap_s: float = 7200.0
    min_shore_m: float = 1 * M_PER_NM  # at sea: at least 1 nm from the coast (if known)
    regular_window_s: float = 7200.0  # "reporting regularly": in the 2 h before the gap …
    regular_min_fixes: int = 4  # … at least this many fixes …
    regular_min_span_s: float = 1800.0  # … spread over at least 30 min (not one burst)
    min_sog_kn: float = 0.5  # a vessel moored or anchored that drops out is not "going dark"


def _last_fix(last: dict[str, Any]) -> dict[str, Any]:
    return {
        "ts": iso(last["ts_ms"]),
        "lat": last["lat"],
        "lon": last["lon"],
        "sog_kn": last.get("sog_kn"),
    }


class AisGapDetector(Detector):
    name = "ais_gap"
    defer_quiet = True  # quiet_rows reads only its own state
    params: AisGapParams

    @classmethod
    def default_params(cls) -> AisGapParams:
        return AisGapParams()

    def _moving_at_sea(self, sog_kn: float | None, d: float, in_port: bool) -> bool:
        """The fix's own part of being an eligible last fix before a gap: moving (or of
        unknown speed), not within min_shore_m of the coast (unknown: at sea), not in port.
        ``_moving_at_sea_many`` is the same test on columns."""
        p = self.params
        if sog_kn is not None and sog_kn < p.min_sog_kn:
            return False
        if d == d and d < p.min_shore_m:  # known and too close to (or on) land
            return False
        return not in_port

    def _moving_at_sea_many(self, sog: F64, d: F64, in_port: Bool) -> list[bool]:
        p = self.params
        with np.errstate(invalid="ignore"):  # NaN (unknown) compares False: not excluded
            return (~(sog < p.min_sog_kn) & ~(d < p.min_shore_m) & ~in_port).tolist()

    def hot_rows(self, b: FixBatch) -> npt.NDArray[np.bool_]:
        # The alert can only come with a fix after a long silence, or while one is open;
        # every other fix is bookkeeping (quiet_rows).
        gap = b.dt_s >= self.params.min_gap_s * 0.999
        is_open = b.per_vessel_has(self.name, "open")  # (set only True, else absent)
        return gap | is_open

    def quiet_rows(self, vs: VesselState, b: FixBatch, rows: list[int]) -> None:
        r = rows[-1]
        sog, d = float(b.sog[r]), b.shore.one(r)
        port = bool(b.in_kinds(PORT_KINDS, outer=True)[r])
        moving = self._moving_at_sea(None if sog != sog else sog, d, port)
        self._book([(vs.for_detector(self.name), b.times_of(rows), moving, d)])

    def quiet_spans(self, b: FixBatch, vessels: I64, lo: I64, hi: I64) -> None:
        if not vessels.size:
            return
        last = b.vessel_rows[hi - 1]  # each vessel's last row: it decides "ok"
        shore = b.shore.at(last)
        moving = self._moving_at_sea_many(
            b.sog[last], shore, b.in_kinds(PORT_KINDS, outer=True)[last]
        )
        name, ts = self.name, b.ts_by_vessel
        dets = map(b.dets.__getitem__, vessels.tolist())
        self._book(
            zip(
                [d.get(name) or d.setdefault(name, {}) for d in dets],
                [ts[a:z] for a, z in zip(lo.tolist(), hi.tolist(), strict=True)],
                moving,
                shore.tolist(),
                strict=True,
            )
        )

    def on_fix(self, fix: Fix, vs: VesselState, ctx: Context) -> list[Alert]:
        p = self.params
        st = vs.for_detector(self.name)
        out: list[Alert] = []
        last = self._last_ok(vs, st)
        if last is not None:
            gap_s = (fix.ts_ms - last["ts_ms"]) / 1000.0
            if gap_s >= p.min_gap_s:
                out.append(self._alert(vs, last, fix, gap_s))
        in_port = bool(fix.zones_outer) and ctx.zones.any_kind(fix.zones_outer, PORT_KINDS)
        d = fix.dist_shore_m
        self._book([(st, [fix.ts_ms], self._moving_at_sea(fix.sog_kn, d, in_port), d)])
        return out

    def _book(self, items: Iterable[tuple[dict[str, Any], list[int], bool, float]]) -> None:
        """The bookkeeping of every fix, for one vessel or many: per vessel its state, the
        times of one or (quiet rows) several fixes in a row, in order, whether the last is
        moving at sea (``_moving_at_sea``) and its distance to shore. The gap is no longer
        open; report times thinned to one per 5 min, a bounded summary of the last 2 h;
        whether the last fix is an eligible one, and its distance to shore."""
        p = self.params
        window_ms = p.regular_window_s * 1000
        span_ms = p.regular_min_span_s * 1000
        for st, times, moving, d in items:
            st.pop("open", None)
            recent = st.get("recent")
            i = 0
            if not recent:
                recent = st["recent"] = [times[0]]
                i = 1
            # jump straight to the next time 5 min after the last one kept
            n = len(times)
            while (i := bisect_left(times, recent[-1] + 300_000, i)) < n:
                t = times[i]
                recent.append(t)
                horizon = t - window_ms
                while recent[0] < horizon:
                    del recent[0]
                i += 1
            # eligible: moving at sea, and reporting regularly - recent holds only times
            # within the window, thinned to one per 5 min; the last fix counts too
            t = times[-1]
            st["ok"] = (
                moving
                and len(recent) + (recent[-1] != t) >= p.regular_min_fixes
                and t - recent[0] >= span_ms
            )
            st["shore_m"] = None if d != d else round(d)

    @staticmethod
    def _last_ok(vs: VesselState, st: dict[str, Any]) -> dict[str, Any] | None:
        """The vessel's last fix (``vs.last``, which this detector saw last) when it was an
        eligible one - regular reporter, moving, at sea - else None."""
        if not st.get("ok") or vs.last is None:
            return None
        sog = vs.last.get("sog_kn")
        return {
            "ts_ms": vs.last["ts_ms"],
            "lat": vs.last["lat"],
            "lon": vs.last["lon"],
            "sog_kn": None if sog is None else round(sog, 2),
            "shore_m": st.get("shore_m"),
        }

    def wake_at(self, vs: VesselState) -> int | None:
        st = vs.det.get(self.name)
        if not st or st.get("open") or not st.get("ok") or vs.last is None:
            return None
        return int(vs.last["ts_ms"] + self.params.min_gap_s * 1000)

    def on_timer(self, now_ms: int, vs: VesselState, ctx: Context) -> list[Alert]:
        st = vs.det.get(self.name)
        if not st or st.get("open"):
            return []
        last = self._last_ok(vs, st)
        if last is None or now_ms - last["ts_ms"] < self.params.min_gap_s * 1000:
            return []
        st["open"] = True
        silent_h = (now_ms - last["ts_ms"]) / 3.6e6
        return [
            self.alert(
                "ais_gap",
                vs,
                status="open",
                severity=self._severity(vs),
                ts_ms=now_ms,
                start_ms=last["ts_ms"],
                end_ms=None,
                lat=last["lat"],
                lon=last["lon"],
                zone_ids=tuple(vs.zones),
                summary=f"{describe_vessel(vs.vessel, vs.static)} stopped transmitting AIS at sea "
                f"at {iso(last['ts_ms'])} and has been silent for {silent_h:.1f} h.",
                evidence={
                    "last_fix": _last_fix(last),
                    "dist_shore_m": last.get("shore_m"),
                    "silent_s": silent_h * 3600,
                },
            )
        ]

    def _severity(self, vs: VesselState) -> Any:
        return "high" if is_small_craft(vs.static) else "medium"

    def _alert(self, vs: VesselState, last: dict[str, Any], fix: Fix, gap_s: float) -> Alert:
        d = haversine_m(last["lat"], last["lon"], fix.lat, fix.lon)
        implied = d / gap_s * KN_PER_MPS
        return self.alert(
            "ais_gap",
            vs,
            status="closed",
            severity=self._severity(vs),
            ts_ms=fix.ts_ms,
            start_ms=last["ts_ms"],
            end_ms=fix.ts_ms,
            lat=last["lat"],
            lon=last["lon"],
            zone_ids=tuple(vs.zones),
            summary=f"{describe_vessel(vs.vessel, vs.static)} was dark for {gap_s / 3600:.1f} h "
            f"({iso(last['ts_ms'])} to {iso(fix.ts_ms)}) and reappeared "
            f"{d / M_PER_NM:.1f} nm away ({implied:.1f} kn implied).",
            evidence={
                "last_fix": _last_fix(last),
                "reappeared": {"ts": iso(fix.ts_ms), "lat": fix.lat, "lon": fix.lon},
                "gap_s": gap_s,
                "dist_m": round(d),
                "implied_kn": round(implied, 2),
                "dist_shore_m": last.get("shore_m"),
            },
        )
