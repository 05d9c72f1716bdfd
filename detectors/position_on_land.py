"""Positions well inland [position_on_land]: a spoofed or broken GNSS position.

The coastline (Natural Earth 1:10 m) is generalised: narrow bays, harbours and lagoons are
filled in by up to a few kilometres, so only fixes more than ``min_inland_m`` (default 3 km)
inside the land polygon and outside port areas alert. Spoofed positions are typically tens of
kilometres inland (airports, city centres), far beyond that tolerance. One alert per episode: the vessel has to be back at sea before a new one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from detectors.base import Context, Detector, Fix, VesselState, fix_evidence
from detectors.batch import I64, FixBatch, run_starts
from detectors.geofence import PORT_KINDS
from detectors.vessel import describe_vessel
from stream.models import Alert
from stream.timeutil import iso

__all__ = ["PositionOnLandDetector", "PositionOnLandParams"]


@dataclass(frozen=True)
class PositionOnLandParams:
    min_inland_m: float = 3000.0
    cooldown_s: float = 6 * 3600.0


class PositionOnLandDetector(Detector):
    name = "position_on_land"
    params: PositionOnLandParams

    @classmethod
    def default_params(cls) -> PositionOnLandParams:
        return PositionOnLandParams()

    def hot_rows(self, b: FixBatch) -> npt.NDArray[np.bool_]:
        # The fixes that raise an alert, and those that end an episode: the first one back
        # at sea (known distance > 0) after an inland fix, or after the batch's start for a
        # vessel whose episode is open. Every other fix leaves the state as it is - inland
        # fixes in a port, during an episode or within the cooldown included.
        land = b.zones.on_land(b.lon, b.lat)
        with np.errstate(invalid="ignore"):  # on_fix's own test (NaN: not inland)
            inland = b.shore.where(land) <= -self.params.min_inland_m
        on = b.per_vessel_has(self.name, "on")  # (set only True, else absent)
        if not (inland.any() or on.any()):
            return inland
        seg = b.running_count(inland)  # inland fixes of the vessel so far, this one included
        # (a fix at sea is off the land polygon: those are the candidates)
        sea = _first_at_sea(b, ~land & ((seg > 0) | on), seg)
        hot = sea.copy()
        elig = inland & ~b.in_kinds(PORT_KINDS)
        if elig.any():
            hot[self._alerting(b, elig, sea)] = True
        return hot

    def _alerting(
        self, b: FixBatch, elig: npt.NDArray[np.bool_], sea: npt.NDArray[np.bool_]
    ) -> list[int]:
        """The rows at which on_fix raises an alert: per vessel, in time order, an inland
        fix outside ports (``elig``) with no episode open and the cooldown since the last
        alert over; a fix back at sea (``sea``) ends the episode."""
        order = b.vessel_rows
        ev = order[(elig | sea)[order]]  # by vessel, then time
        on_at = b.vessel_has(self.name, "on").tolist()
        last_at = b.vessel_values(self.name, "last", None)
        cooldown_ms = self.params.cooldown_s * 1000
        out: list[int] = []
        c0, on, last = -1, False, None
        for r, c, at_sea, t in zip(
            ev.tolist(), b.vc[ev].tolist(), sea[ev].tolist(), b.ts[ev].tolist(), strict=True
        ):
            if c != c0:
                c0, on, last = c, on_at[c], last_at[c]
            if at_sea:
                on = False
            elif not on and (last is None or t - last >= cooldown_ms):
                out.append(r)
                on, last = True, t
        return out

    def on_fix(self, fix: Fix, vs: VesselState, ctx: Context) -> list[Alert]:
        d = fix.dist_shore_m
        st = vs.for_detector(self.name)
        if not (d == d) or d > -self.params.min_inland_m:
            if d == d and d > 0:
                st.pop("on", None)  # back at sea: the episode is over
            return []
        if st.get("on") or ctx.zones.any_kind(fix.zones, PORT_KINDS):
            return []
        last = st.get("last")
        if last is not None and fix.ts_ms - last < self.params.cooldown_s * 1000:
            return []
        st["on"] = True
        st["last"] = fix.ts_ms
        return [
            self.point_alert(
                "position_on_land",
                vs,
                fix,
                severity="medium",
                summary=f"{describe_vessel(vs.vessel, vs.static, ctx.identity_feed)} reported a position "
                f"{-d / 1000:.1f} km inland at {iso(fix.ts_ms)} - spoofed or faulty GNSS.",
                evidence={"fix": fix_evidence(fix), "inland_m": round(-d), "previous": fix.prev},
            )
        ]


def _first_at_sea(b: FixBatch, maybe: npt.NDArray[np.bool_], seg: I64) -> npt.NDArray[np.bool_]:
    """Per vessel and count of inland fixes so far (``seg``), the first row at sea (known
    distance to shore > 0) among ``maybe`` (a superset of such rows). Distances are
    computed for each group's first candidate (almost always at sea), then its next, a
    few rounds, then for all that remain."""
    sea = np.zeros(b.n, dtype=bool)
    order = b.vessel_rows
    pend = order[maybe[order]]  # by vessel, then time
    for _ in range(3):
        if not pend.size:
            return sea
        head = run_starts(b.vc[pend], seg[pend])
        at_sea = b.shore.at(pend[head]) > 0
        sea[pend[head][at_sea]] = True
        settled = at_sea[np.cumsum(head) - 1]  # per row: its group's first was at sea
        pend = pend[~settled & ~head]
    rows = pend[b.shore.at(pend) > 0]
    sea[rows[run_starts(b.vc[rows], seg[rows])]] = True
    return sea
