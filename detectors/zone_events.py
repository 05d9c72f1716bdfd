"""Zone entry, exit and dwell [zone_entry, zone_exit, zone_dwell], configurable per zone kind.

Transitions come from the pipeline with hysteresis (enter inside the zone, leave only 1 km
outside it). Defaults are quiet on purpose: ferries, fishing boats and yachts enter territorial
seas and island waters all day, so only user-defined ``custom`` zones alert for every vessel,
and a landing area alerts when a craft with no identity at all (no name, call sign, IMO or ship
type) enters it. A vessel first seen inside a zone has not entered it: no entry event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from detectors.base import Context, Detector, Fix, VesselState, fix_evidence
from detectors.batch import FixBatch
from detectors.vessel import describe_vessel, identity_expected, is_small_craft, is_unidentified
from stream.models import Alert, Severity
from stream.timeutil import iso

__all__ = ["KindRule", "ZoneEventsDetector", "ZoneEventsParams"]


@dataclass(frozen=True)
class KindRule:
    entry: Severity | None = None
    exit: Severity | None = None
    dwell: Severity | None = None
    dwell_min_s: float = 3600.0
    small_craft_only: bool = False
    unidentified_only: bool = False


def _default_rules() -> dict[str, Any]:
    return {
        "custom": {"entry": "medium", "exit": "low", "dwell": "medium", "dwell_min_s": 1800},
        "landing_area": {"entry": "medium", "unidentified_only": True},
    }


@dataclass(frozen=True)
class ZoneEventsParams:
    # kind → {entry, exit, dwell: severity or null, dwell_min_s, small_craft_only}
    kinds: dict[str, Any] = field(default_factory=_default_rules)
    cooldown_s: float = 3600.0  # the same zone re-alerts for a vessel only after this


class ZoneEventsDetector(Detector):
    name = "zone_events"
    params: ZoneEventsParams

    def __init__(self, params: Any = None) -> None:
        super().__init__(params)
        self.rules = {k: KindRule(**v) for k, v in self.params.kinds.items()}
        self.dwell_kinds = frozenset(k for k, r in self.rules.items() if r.dwell)
        self.entry_kinds = frozenset(k for k, r in self.rules.items() if r.entry)
        self.exit_kinds = frozenset(k for k, r in self.rules.items() if r.exit or r.dwell)

    @classmethod
    def default_params(cls) -> ZoneEventsParams:
        return ZoneEventsParams()

    def _rule(self, ctx: Context, zid: str, vs: VesselState, ts_ms: int) -> KindRule | None:
        z = ctx.zones.by_id.get(zid)
        rule = self.rules.get(z.kind) if z else None
        expected = identity_expected(ctx.identity_feed, vs.first_ts_ms, ts_ms)
        if rule is None or (rule.small_craft_only and not is_small_craft(vs.static, expected)):
            return None
        if rule.unidentified_only and not is_unidentified(vs.static, expected):
            return None
        return rule

    def _cool(self, st: dict[str, Any], key: str, ts_ms: int) -> bool:
        last = st.get(key)
        if last is not None and ts_ms - last < self.params.cooldown_s * 1000:
            return True
        st[key] = ts_ms
        return False

    def _transition(
        self,
        type_: str,
        verb: str,
        severity: str,
        zid: str,
        fix: Fix,
        vs: VesselState,
        ctx: Context,
    ) -> Alert:
        z = ctx.zones.by_id[zid]
        return self.point_alert(
            type_,
            vs,
            fix,
            severity=severity,
            zone_ids=(zid,),
            key=zid,
            summary=f"{describe_vessel(vs.vessel, vs.static, ctx.identity_feed)} {verb} {z.name} ({z.kind}) at "
            f"{iso(fix.ts_ms)}.",
            evidence={"fix": fix_evidence(fix), "zone_kind": z.kind},
        )

    def hot_rows(self, b: FixBatch) -> npt.NDArray[np.bool_]:
        # Entries and exits of zones of the kinds with an entry rule, or with an exit or a
        # dwell rule (leaving ends a dwell), where they may happen; a dwell needs the vessel
        # within (the hysteresis of) a zone kind that has a dwell rule - every zone it is in
        # is one it is within after a fix that leaves nothing. Entries and exits of other
        # zones change nothing here.
        ent, ex, dwell = self.entry_kinds, self.exit_kinds, self.dwell_kinds
        has = b.zones.zone_mask("kind", ex).any() if ex else False  # any such zone at all
        hot = b.may_enter_or_exit(
            b.in_kinds(ent) if ent else None, b.in_kinds(ex, outer=True) if has else None
        )
        return hot | b.in_kinds(dwell, outer=True) if dwell else hot

    def on_fix(self, fix: Fix, vs: VesselState, ctx: Context) -> list[Alert]:
        if not (fix.entered or fix.exited or vs.zones):
            return []
        st = vs.for_detector(self.name)
        out: list[Alert] = []
        for zid in fix.entered:
            rule = self._rule(ctx, zid, vs, fix.ts_ms)
            if rule and rule.entry and not self._cool(st, f"e:{zid}", fix.ts_ms):
                out.append(self._transition("zone_entry", "entered", rule.entry, zid, fix, vs, ctx))
        for zid in fix.exited:
            rule = self._rule(ctx, zid, vs, fix.ts_ms)
            st.pop(f"d:{zid}", None)
            if rule and rule.exit and not self._cool(st, f"x:{zid}", fix.ts_ms):
                out.append(self._transition("zone_exit", "left", rule.exit, zid, fix, vs, ctx))
        dwell, by_id = self.dwell_kinds, ctx.zones.by_id
        for zid, since in vs.zones.items() if dwell else ():
            z = by_id.get(zid)
            if z is None or z.kind not in dwell:
                continue  # (most zones: no kind with a dwell rule)
            rule = self._rule(ctx, zid, vs, fix.ts_ms)
            if not rule or not rule.dwell or st.get(f"d:{zid}") == since:
                continue
            if fix.ts_ms - since >= rule.dwell_min_s * 1000:
                st[f"d:{zid}"] = since
                hours = (fix.ts_ms - since) / 3.6e6
                out.append(
                    self.alert(
                        "zone_dwell",
                        vs,
                        status="open",
                        severity=rule.dwell,
                        ts_ms=fix.ts_ms,
                        start_ms=since,
                        end_ms=None,
                        lat=fix.lat,
                        lon=fix.lon,
                        zone_ids=(zid,),
                        key=zid,
                        summary=f"{describe_vessel(vs.vessel, vs.static, ctx.identity_feed)} has stayed in {z.name} ({z.kind}) for "
                        f"{hours:.1f} h since {iso(since)}.",
                        evidence={
                            "fix": fix_evidence(fix),
                            "since": iso(since),
                            "dwell_s": (fix.ts_ms - since) / 1000,
                        },
                    )
                )
        return out
