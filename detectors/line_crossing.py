"""Boundary-line crossings [line_crossing]: a track segment crosses a ``boundary`` line.

By default only small or unidentified craft alert (ferries between Lesvos and Ayvalik or
cargo ships transiting the Aegean cross the median line daily): ``high`` for an
unidentified craft, ``medium`` for a small one that says what it is. A vessel of unknown
identity (a feed without static data) or one heard for less than two static-report cycles
is not yet either. ``all_vessels`` turns it on for everyone, at ``info`` for the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from detectors.base import Context, Detector, Fix, VesselState, fix_evidence
from detectors.batch import FixBatch
from detectors.vessel import describe_vessel, identity_expected, is_small_craft, is_unidentified
from stream.models import Alert
from stream.timeutil import iso

__all__ = ["LineCrossingDetector", "LineCrossingParams"]


@dataclass(frozen=True)
class LineCrossingParams:
    all_vessels: bool = False
    cooldown_s: float = 1800.0  # a vessel zig-zagging on the line alerts once per 30 min


class LineCrossingDetector(Detector):
    name = "line_crossing"
    params: LineCrossingParams

    @classmethod
    def default_params(cls) -> LineCrossingParams:
        return LineCrossingParams()

    def hot_rows(self, b: FixBatch) -> npt.NDArray[np.bool_]:
        return b.crossing

    def on_fix(self, fix: Fix, vs: VesselState, ctx: Context) -> list[Alert]:
        if not fix.crossings:
            return []
        expected = identity_expected(ctx.identity_feed, vs.first_ts_ms, fix.ts_ms)
        small = is_small_craft(vs.static, expected)
        if not small and not self.params.all_vessels:
            return []
        st = vs.for_detector(self.name)
        out: list[Alert] = []
        for c in fix.crossings:
            z = ctx.zones.zones[c.zone]
            last: Any = st.get(z.id)
            if last is not None and fix.ts_ms - last < self.params.cooldown_s * 1000:
                continue
            st[z.id] = fix.ts_ms
            sev = "high" if is_unidentified(vs.static, expected) else "medium" if small else "info"
            prev = fix.prev or {}
            out.append(
                self.alert(
                    "line_crossing",
                    vs,
                    status="closed",
                    severity=sev,
                    ts_ms=fix.ts_ms,
                    start_ms=int(prev.get("ts_ms", fix.ts_ms)),
                    end_ms=fix.ts_ms,
                    lat=c.lat,
                    lon=c.lon,
                    zone_ids=(z.id,),
                    key=z.id,
                    summary=f"{describe_vessel(vs.vessel, vs.static, ctx.identity_feed)} crossed the {z.name} from "
                    f"the {c.side_from} side to the {c.side_to} side at {iso(fix.ts_ms)}.",
                    evidence={
                        "from": {
                            "ts": iso(int(prev.get("ts_ms", fix.ts_ms))),
                            "lat": prev.get("lat"),
                            "lon": prev.get("lon"),
                        },
                        "to": fix_evidence(fix),
                        "side_from": c.side_from,
                        "side_to": c.side_to,
                        "crossing_point": [c.lon, c.lat],
                        "small_craft": small,
                    },
                )
            )
        return out
