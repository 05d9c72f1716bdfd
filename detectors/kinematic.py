"""Impossible tracks: teleports / jump-and-return [kinematic_anomaly] and one MMSI reporting
from two places at once [duplicate_identity].

The detector keeps up to two track heads per vessel. A fix consistent with the main head
(implied speed within the limit, with a GPS-noise allowance) extends it. A fix consistent
with neither opens a candidate second head. If the candidate is confirmed by a later fix while
the main head also keeps reporting, two transmitters share the MMSI (duplicate_identity). If
the vessel returns to the main track, or simply continues from the new place, the jump was a
kinematic anomaly (spoofing, GNSS fault or a badly-stitched feed).

A jump is declared only against an established track: at least ``min_track_fixes`` (3)
fixes of the vessel before it, spread over ``min_track_span_s``, and it must hold for
``min_jump_fixes`` (2) consistent fixes at the new place: a single fix away and back is a
corrupted message (a flipped digit turning 47.6 N into 7.6 N), not a spoof, which moves a
track for as long as it lasts. Against a single earlier fix, the jump shows which of the
two was wrong only as the next fixes come: if they continue from the new place, the earlier
fix was the odd one (a stale record at the start of a file, a fix decoded from another
vessel) and nothing is raised. Two tracks that keep alternating are reported as a possible
shared or duplicated MMSI (``duplicate_identity``, medium: most are two small craft
configured with one number), not as spoofing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from detectors.base import Context, Detector, Fix, VesselState
from detectors.batch import FixBatch
from detectors.geo import KN_PER_MPS, M_PER_NM, haversine_m
from stream.models import Alert
from stream.timeutil import iso

__all__ = ["KinematicDetector", "KinematicParams"]


@dataclass(frozen=True)
class KinematicParams:
    # Above any merchant or passenger vessel (HSC craft ≤ ~45 kn) but below nothing a
    # go-fast boat cannot reach; GFW's track segmenter treats > 30 kn jumps as separate tracks.
    max_speed_kn: float = 60.0
    # Position noise of AIS GNSS fixes is tens of metres; 1 km absorbs noise, rounding of
    # coordinates and minute-resolution timestamps.
    noise_m: float = 1000.0
    timestamp_resolution_s: float = 60.0
    min_jump_m: float = 5 * M_PER_NM  # report only jumps of at least 5 nm
    confirm_window_s: float = 1800.0  # how long a second head waits to be confirmed
    duplicate_min_fixes: int = 2  # fixes on the second track, one after the first resumed
    cooldown_s: float = 3600.0
    # "established": two consistent fixes already define a course and speed; a third
    # confirms them against a single bad fix among them
    min_track_fixes: int = 3
    # ... over at least 20 s: three real Class A fixes under way span >= 20 s (one per 2-10
    # s); a burst of buffered messages sharing one timestamp spans none
    min_track_span_s: float = 20.0
    min_jump_fixes: int = 2


def _consistent(
    p: KinematicParams, head: dict[str, Any], ts_ms: int, lat: float, lon: float
) -> bool:
    dt = abs(ts_ms - head["ts_ms"]) / 1000.0
    d = haversine_m(head["lat"], head["lon"], lat, lon)
    return d <= p.noise_m + p.max_speed_kn / KN_PER_MPS * (dt + p.timestamp_resolution_s)


class KinematicDetector(Detector):
    name = "kinematic"
    version = "1"
    params: KinematicParams

    @classmethod
    def default_params(cls) -> KinematicParams:
        return KinematicParams()

    def hot_rows(self, b: FixBatch) -> npt.NDArray[np.bool_]:
        p = self.params
        # A vessel with no heads of its own follows its previous fix: only a fix that is not
        # consistent with it (1 % margin: a superset) can change anything.
        reach = p.noise_m + p.max_speed_kn / KN_PER_MPS * (b.dt_s + p.timestamp_resolution_s)
        jump = b.has_prev & ~(b.dist_m <= reach * 0.99)
        heads = b.per_vessel_has(self.name, "h1", "h2", "dup")
        return heads | b.from_first(jump)

    def on_fix(self, fix: Fix, vs: VesselState, ctx: Context) -> list[Alert]:
        p = self.params
        st = vs.for_detector(self.name)
        head = {"ts_ms": fix.ts_ms, "lat": fix.lat, "lon": fix.lon}
        # h1 is the head of the main track; absent, it is the previous fix (fix.prev), which
        # keeps the state of a vessel on a consistent track empty.
        h1 = st.get("h1")
        if h1 is None:
            if fix.prev is None:
                return []
            h1 = {"ts_ms": fix.prev["ts_ms"], "lat": fix.prev["lat"], "lon": fix.prev["lon"]}
        h2 = st.get("h2")
        dup = st.get("dup")
        if dup is not None:  # two transmitters already reported: follow both, stay quiet
            if _consistent(p, h1, fix.ts_ms, fix.lat, fix.lon):
                st["h1"] = head
            elif h2 is not None and _consistent(p, h2, fix.ts_ms, fix.lat, fix.lon):
                h2.update(head)
                dup["last_b"] = fix.ts_ms
            if fix.ts_ms - dup["last_b"] > p.confirm_window_s * 2000:
                st.pop("dup", None)
                st.pop("h2", None)
            return []
        alerts: list[Alert] = []
        if _consistent(p, h1, fix.ts_ms, fix.lat, fix.lon):
            if h2 is None:
                st.pop("h1", None)  # the main track's head is this fix: the next one's prev
            else:
                st["h1"] = head
            if h2 is not None:
                h2["main_after"] = h2.get("main_after", 0) + 1
                if fix.ts_ms - h2["first_ts_ms"] >= p.confirm_window_s * 1000:
                    alerts += self._jump(vs, st, fix, returned=True)
        elif h2 is not None and _consistent(p, h2, fix.ts_ms, fix.lat, fix.lon):
            h2.update(head)
            h2["n"] += 1
            if h2.get("main_after", 0) >= 1:
                h2["after_main"] = h2.get("after_main", 0) + 1
            if h2.get("after_main", 0) >= 1 and h2["n"] >= p.duplicate_min_fixes:
                # A, B, A, B: both tracks keep reporting - one identity, two transmitters.
                alerts += self._duplicate(vs, st, fix, h1)
            elif (
                h2.get("main_after", 0) == 0
                and fix.ts_ms - h2["first_ts_ms"] >= p.confirm_window_s * 1000
            ):
                alerts += self._jump(vs, st, fix, returned=False)  # went on from there
                st["h1"] = head
        else:
            d = haversine_m(h1["lat"], h1["lon"], fix.lat, fix.lon)
            if d >= p.min_jump_m:
                st["h1"] = h1  # pinned: the next fixes' prev is the jumped position
                st["h2"] = dict(
                    head,
                    n=1,
                    first_ts_ms=fix.ts_ms,
                    from_lat=h1["lat"],
                    from_lon=h1["lon"],
                    from_ts_ms=h1["ts_ms"],
                    dist_m=round(d),
                    jump_lat=fix.lat,
                    jump_lon=fix.lon,
                    established=self._established(vs, h1["ts_ms"]),
                )
            else:
                st.pop("h1", None)  # too small to matter; follow the vessel
        return alerts

    def on_timer(self, now_ms: int, vs: VesselState, ctx: Context) -> list[Alert]:
        st = vs.det.get(self.name)
        h2 = st.get("h2") if st else None
        if (
            st is None
            or h2 is None
            or st.get("dup")
            or now_ms - h2["first_ts_ms"] < self.params.confirm_window_s * 1000
        ):
            return []
        returned = h2.get("main_after", 0) > 0
        alerts = self._jump(vs, st, None, returned=returned)
        if not returned:
            st["h1"] = {"ts_ms": h2["ts_ms"], "lat": h2["lat"], "lon": h2["lon"]}
        return alerts

    def wake_at(self, vs: VesselState) -> int | None:
        st = vs.det.get(self.name)
        h2 = st.get("h2") if st else None
        if not h2 or st.get("dup"):  # type: ignore[union-attr]
            return None
        return int(h2["first_ts_ms"] + self.params.confirm_window_s * 1000)

    def _established(self, vs: VesselState, head_ts_ms: int) -> bool:
        """Whether the vessel's fixes up to the main head make an established track."""
        p = self.params
        first = vs.first_ts_ms
        return (
            vs.n_fixes >= p.min_track_fixes
            and first is not None
            and head_ts_ms - first >= p.min_track_span_s * 1000
        )

    # -- alerts -----------------------------------------------------------------------------
    def _cooling(self, st: dict[str, Any], type_: str, ts_ms: int) -> bool:
        last = st.get(f"last_{type_}")
        return last is not None and ts_ms - last < self.params.cooldown_s * 1000

    def _jump(
        self, vs: VesselState, st: dict[str, Any], fix: Fix | None, returned: bool
    ) -> list[Alert]:
        h2 = st.pop("h2")
        t = h2["first_ts_ms"]
        if (
            not h2.get("established", True)
            or h2["n"] < self.params.min_jump_fixes
            or self._cooling(st, "kinematic_anomaly", t)
        ):
            return []
        st["last_kinematic_anomaly"] = t
        dt_s = max((t - h2["from_ts_ms"]) / 1000.0, 1.0)
        implied = h2["dist_m"] / dt_s * KN_PER_MPS
        what = "jumped and returned" if returned else "jumped and continued from the new place"
        summary = (
            f"Vessel {vs.vessel} {what}: {h2['dist_m'] / M_PER_NM:.1f} nm in "
            f"{dt_s / 60:.0f} min ({implied:.0f} kn implied, limit "
            f"{self.params.max_speed_kn:.0f} kn) - possible spoofing or GNSS fault."
        )
        return [
            self.alert(
                "kinematic_anomaly",
                vs,
                status="closed",
                severity="medium",
                ts_ms=fix.ts_ms if fix else t,
                start_ms=h2["from_ts_ms"],
                end_ms=t,
                lat=h2["jump_lat"],
                lon=h2["jump_lon"],
                summary=summary,
                evidence={
                    "from": {
                        "ts": iso(h2["from_ts_ms"]),
                        "lat": h2["from_lat"],
                        "lon": h2["from_lon"],
                    },
                    "to": {"ts": iso(t), "lat": h2["jump_lat"], "lon": h2["jump_lon"]},
                    "fixes_at_new_place": h2["n"],
                    "dist_m": h2["dist_m"],
                    "dt_s": dt_s,
                    "implied_kn": round(implied, 1),
                    "returned": returned,
                },
            )
        ]

    def _duplicate(
        self, vs: VesselState, st: dict[str, Any], fix: Fix, h1: dict[str, Any]
    ) -> list[Alert]:
        h2 = st["h2"]
        t = h2["first_ts_ms"]
        st["dup"] = {"since": t, "last_b": fix.ts_ms}
        if self._cooling(st, "duplicate_identity", t):
            return []
        st["last_duplicate_identity"] = fix.ts_ms
        d = haversine_m(h1["lat"], h1["lon"], fix.lat, fix.lon)
        summary = (
            f"MMSI/vessel {vs.vessel} is reported from two places at once, "
            f"{d / M_PER_NM:.1f} nm apart - a shared or duplicated MMSI (two transmitters "
            "configured with one number)."
        )
        return [
            self.alert(
                "duplicate_identity",
                vs,
                status="open",
                severity="medium",
                ts_ms=fix.ts_ms,
                start_ms=t,
                end_ms=None,
                lat=fix.lat,
                lon=fix.lon,
                summary=summary,
                evidence={
                    "track_a": {"ts": iso(h1["ts_ms"]), "lat": h1["lat"], "lon": h1["lon"]},
                    "track_b": {"ts": iso(fix.ts_ms), "lat": fix.lat, "lon": fix.lon},
                    "first_seen_b": iso(t),
                    "separation_m": round(d),
                    "fixes_b": h2["n"],
                },
            )
        ]
