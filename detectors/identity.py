"""Identity anomalies [invalid_identity, identity_change].

- invalid_identity: an MMSI that is not 9 digits, a ship-station MMSI (first digit 2-7)
  whose Maritime Identification Digits are not assigned by the ITU (table in
  ``config/mid.json``), or an obvious placeholder (123456789, 111111111 …). Raised once per
  vessel key. Special formats (00 coast stations, 111 SAR aircraft, 970/972/974 distress
  devices, 98 craft of a parent ship, 99 aids to navigation) follow ITU-R M.585.
  Severity ``low``: a data-quality finding (mostly misconfigured transponders), for the
  record and for analysts, not a call to action on the watch floor.
- identity_change: name, call sign, IMO or ship type changes between static reports
  while the vessel is under way (within ``voyage_gap_s`` of its last position).
(duplicate_identity is raised by the kinematic detector, which sees the two tracks.)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from config import MID_FILE
from detectors.base import Context, Detector, Fix, VesselState
from detectors.batch import FixBatch
from detectors.vessel import describe_vessel
from stream.models import Alert, StaticData
from stream.timeutil import iso

__all__ = ["IdentityDetector", "IdentityParams", "mmsi_problem"]


@lru_cache(maxsize=1)
def _mids() -> dict[str, str]:
    return dict(json.loads(MID_FILE.read_text())["mids"])


_PLACEHOLDERS = frozenset({"123456789", "987654321", "012345678"})


def mmsi_problem(mmsi: int) -> str | None:
    """Why an MMSI is invalid, or None when it is a plausible ITU-R M.585 identity."""
    s = str(mmsi)
    if len(s) < 9:
        s9 = s.zfill(9)  # feeds drop leading zeros: 0MIDxxxxx group, 00MIDxxxx coast station
        mid = s9[2:5] if s9.startswith("00") else s9[1:4]
        if mid in _mids():
            return (
                f"MMSI {s9} (leading zero) is a group-call or coast-station number, "
                "not a ship station"
            )
        return f"MMSI has {len(s)} digits, not 9"
    if len(s) > 9:
        return f"MMSI has {len(s)} digits, not 9"
    if s in _PLACEHOLDERS or len(set(s)) == 1:
        return f"MMSI {s} is a placeholder value"
    first = s[0]
    if first in "234567":
        if s[:3] not in _mids():
            return f"MID {s[:3]} is not assigned by the ITU"
        return None
    if s.startswith(("970", "972", "974")):
        return None  # AIS-SART, MOB, EPIRB-AIS
    if s.startswith("111") and s[3:6] in _mids():
        return None  # SAR aircraft
    if s.startswith(("98", "99")) and s[2:5] in _mids():
        return None  # craft associated with a parent ship / aid to navigation
    if s.startswith("8") and s[1:4] in _mids():
        return None  # handheld VHF with DSC/AIS
    return f"MMSI {s} has no valid ITU-R M.585 format"


@dataclass(frozen=True)
class IdentityParams:
    fields: tuple[str, ...] = ("name", "callsign", "imo", "ship_type")
    voyage_gap_s: float = 6 * 3600.0  # a change counts as mid-voyage within this of a fix
    cooldown_s: float = 6 * 3600.0
    ignore: tuple[str, ...] = field(default_factory=tuple)  # vessel keys never flagged


def _norm(v: Any) -> Any:
    return " ".join(v.upper().split()) if isinstance(v, str) else v


class IdentityDetector(Detector):
    name = "identity"
    params: IdentityParams

    @classmethod
    def default_params(cls) -> IdentityParams:
        return IdentityParams()

    def hot_rows(self, b: FixBatch) -> npt.NDArray[np.bool_]:
        # a vessel is checked once, on its first fix with an MMSI; later rows change nothing
        unchecked = ~b.per_vessel_has(self.name, "checked")  # (set only True, else absent)
        return b.first(unchecked & b.mmsi_known)

    def on_fix(self, fix: Fix, vs: VesselState, ctx: Context) -> list[Alert]:
        mmsi = fix.pos.mmsi
        st = vs.det.get(self.name)
        if mmsi is None or (st and st.get("checked")) or vs.vessel in self.params.ignore:
            return []
        vs.for_detector(self.name)["checked"] = True
        problem = mmsi_problem(mmsi)
        if problem is None:
            return []
        return [
            self.point_alert(
                "invalid_identity",
                vs,
                fix,
                severity="low",
                summary=f"{describe_vessel(vs.vessel, vs.static, ctx.identity_feed)} transmits an invalid identity: "
                f"{problem}.",
                evidence={"mmsi": mmsi, "problem": problem, "first_fix": iso(fix.ts_ms)},
            )
        ]

    def on_static(self, st_msg: StaticData, vs: VesselState, ctx: Context) -> list[Alert]:
        p = self.params
        new = st_msg.fields()
        changes = {}
        for f in p.fields:
            old_v, new_v = vs.static.get(f), new.get(f)
            if old_v in (None, "", 0) or new_v in (None, "", 0):
                continue
            if _norm(old_v) != _norm(new_v):
                changes[f] = {"from": old_v, "to": new_v}
        if not changes or vs.last is None:
            return []
        if st_msg.ts_ms - vs.last["ts_ms"] > p.voyage_gap_s * 1000:
            return []  # a new voyage after a long pause: re-registration, not an anomaly
        st = vs.for_detector(self.name)
        last = st.get("changed")
        if last is not None and st_msg.ts_ms - last < p.cooldown_s * 1000:
            return []
        st["changed"] = st_msg.ts_ms
        sev = (
            "high"
            if len(changes) > 1 or ("name" in changes and "callsign" in changes)
            else "medium"
        )
        what = ", ".join(f"{f} '{c['from']}' -> '{c['to']}'" for f, c in changes.items())
        return [
            self.alert(
                "identity_change",
                vs,
                status="closed",
                severity=sev,
                ts_ms=st_msg.ts_ms,
                start_ms=st_msg.ts_ms,
                end_ms=st_msg.ts_ms,
                lat=vs.last["lat"],
                lon=vs.last["lon"],
                zone_ids=tuple(vs.zones),
                key=",".join(sorted(changes)),
                summary=f"{describe_vessel(vs.vessel, vs.static, ctx.identity_feed)} changed identity mid-voyage: "
                f"{what}.",
                evidence={
                    "changes": changes,
                    "last_fix": {
                        "ts": iso(vs.last["ts_ms"]),
                        "lat": vs.last["lat"],
                        "lon": vs.last["lon"],
                    },
                },
            )
        ]
