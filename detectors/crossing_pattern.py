"""Departure-to-landing crossings [crossing_pattern]: a declarative sequence of primitive
events (zone exit/entry, boundary crossing) within a time window.

Rules live in ``config/rules/crossing_patterns.toml`` (two built in: Aegean, Central Med).
Severity is ``critical`` for a small or unidentified craft (people may be at sea in it: a
call to act), ``high`` for any other vessel, including one of unknown identity on a feed
without static data (docs/severity.md). Night (sun below -6°) is in the evidence, not the
level: a ferry's night crossing is as routine as its day one.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from config import path as config_path
from detectors.base import Context, Detector, Fix, VesselState, fix_evidence
from detectors.batch import I64, FixBatch
from detectors.geofence import ZoneSet
from detectors.vessel import (
    describe_vessel,
    identity_expected,
    is_night,
    is_small_craft,
    is_unidentified,
)
from stream.errors import ConfigError
from stream.models import Alert
from stream.timeutil import iso

__all__ = ["CrossingPatternDetector", "CrossingPatternParams", "load_rules"]

_EVENTS = frozenset({"in", "exit", "enter", "cross"})
# one primitive event of a fix: (event, zone, side crossed to, lon, lat)
Event = tuple[str, Any, str | None, float, float]


def _as_set(v: Any) -> frozenset[str] | None:
    if v is None:
        return None
    return frozenset([v] if isinstance(v, str) else v)


@dataclass(frozen=True)
class Step:
    event: str
    kinds: frozenset[str] | None = None
    zones: frozenset[str] | None = None
    countries: frozenset[str] | None = None
    to: str | None = None

    def matches(self, event: str, zone: Any, to: str | None = None) -> bool:
        if event != self.event:
            return False
        if self.kinds is not None and zone.kind not in self.kinds:
            return False
        if self.zones is not None and zone.id not in self.zones:
            return False
        if self.countries is not None and (zone.country or "") not in self.countries:
            return False
        return self.to is None or to == self.to


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    window_s: float
    steps: tuple[tuple[Step, ...], ...]  # each step: alternatives
    exclude_ship_types: tuple[tuple[int, int], ...] = ()


def _parse_step(d: dict[str, Any], where: str) -> tuple[Step, ...]:
    if "any" in d:
        return tuple(s for alt in d["any"] for s in _parse_step(alt, where))
    ev = d.get("event")
    if ev not in _EVENTS:
        raise ConfigError(f"{where}: step event {ev!r} not in {sorted(_EVENTS)}")
    return (
        Step(
            ev,
            _as_set(d.get("kind")),
            _as_set(d.get("zone")),
            _as_set(d.get("country")),
            d.get("to"),
        ),
    )


def load_rules(doc: dict[str, Any] | None = None) -> tuple[Rule, ...]:
    if doc is None:
        doc = tomllib.loads(config_path("rules", "crossing_patterns.toml").read_text())
    rules = []
    for i, r in enumerate(doc.get("rule", [])):
        where = f"crossing rule #{i} ({r.get('id')})"
        if not r.get("id") or not r.get("steps"):
            raise ConfigError(f"{where}: needs id and steps")
        rules.append(
            Rule(
                id=r["id"],
                name=r.get("name", r["id"]),
                window_s=float(r.get("window_s", 43200)),
                steps=tuple(_parse_step(s, where) for s in r["steps"]),
                exclude_ship_types=tuple(
                    (int(a), int(b)) for a, b in r.get("exclude_ship_types", [])
                ),
            )
        )
    return tuple(rules)


@dataclass(frozen=True)
class CrossingPatternParams:
    rules: tuple[Rule, ...] = field(default_factory=load_rules)


class CrossingPatternDetector(Detector):
    name = "crossing_pattern"
    # quiet_rows reads its own state and vs.static's ship type, which only identity reports
    # change - and the pipeline brings every detector up to date before one
    defer_quiet = True
    params: CrossingPatternParams

    def __init__(self, params: Any = None) -> None:
        super().__init__(params)
        self._in_cache: tuple[int, frozenset[str]] | None = None
        self._ev_cache: dict[tuple[int, str, bool], frozenset[str]] = {}
        self._restart_cache: tuple[int, frozenset[str]] | None = None
        # (rule, step, event, zone id, kind, country, side) -> whether the step matches:
        # everything Step.matches reads, so the answer never goes stale
        self._match: dict[tuple[Any, ...], bool] = {}

    def _matches(self, ri: int, k: int, event: str, zone: Any, to: str | None) -> bool:
        """Whether some alternative of step ``k`` of rule ``ri`` matches the event."""
        key = (ri, k, event, zone.id, zone.kind, zone.country, to)
        got = self._match.get(key)
        if got is None:
            steps = self.params.rules[ri].steps[k]
            got = self._match[key] = any(s.matches(event, zone, to) for s in steps)
        return got

    @classmethod
    def default_params(cls) -> CrossingPatternParams:
        return CrossingPatternParams()

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "params": {
                "rules": [
                    {"id": r.id, "window_s": r.window_s, "steps": len(r.steps)}
                    for r in self.params.rules
                ]
            },
        }

    def _in_zones(self, zones: ZoneSet) -> frozenset[str]:
        """Zone ids for which an "in" event can match some step of some rule (cached)."""
        key = id(zones)
        if self._in_cache is None or self._in_cache[0] != key:
            ids = frozenset(
                z.id
                for z in zones.zones
                for r in self.params.rules
                for alts in r.steps
                for st in alts
                if st.event == "in" and st.matches("in", z)
            )
            self._in_cache = (key, ids)
        return self._in_cache[1]

    def _event_zones(self, zones: ZoneSet, event: str, first: bool = False) -> frozenset[str]:
        """Zone ids for which an ``event`` ("enter", "exit") can match some step of some
        rule (``first``: the first step), cached. Entries and exits of other zones match
        nothing, and a fix with no event leaves every rule's progress as it is: they are
        not events here."""
        key = (id(zones), event, first)
        got = self._ev_cache.get(key)
        if got is None:
            got = self._ev_cache[key] = frozenset(
                z.id
                for z in zones.zones
                if any(
                    st.matches(event, z)
                    for r in self.params.rules
                    for alts in (r.steps[:1] if first else r.steps)
                    for st in alts
                )
            )
        return got

    def _events(self, fix: Fix, ctx: Context) -> list[Event]:
        ev: list[Event] = []
        zs = ctx.zones
        in_zones = self._in_zones(zs)
        for zid in fix.zones:
            if zid in in_zones:  # e.g. departure areas; SAR regions and the like never match
                ev.append(("in", zs.by_id[zid], None, fix.lon, fix.lat))
        if fix.exited:
            exit_zones = self._event_zones(zs, "exit")
            for zid in fix.exited:
                if zid in exit_zones:
                    ev.append(("exit", zs.by_id[zid], None, fix.lon, fix.lat))
        for c in fix.crossings:
            ev.append(("cross", zs.zones[c.zone], c.side_to, c.lon, c.lat))
        if fix.entered:
            enter_zones = self._event_zones(zs, "enter")
            for zid in fix.entered:
                if zid in enter_zones:
                    ev.append(("enter", zs.by_id[zid], None, fix.lon, fix.lat))
        return ev

    def _restart_zones(self, zones: ZoneSet) -> frozenset[str]:
        """Zones whose "in" event can only (re)start a rule at its first step: no later step
        of any rule matches it, and no rule is that one step. A fix whose only events are
        such zones leaves every rule's progress as the last of a run of them leaves it
        (cached)."""
        key = id(zones)
        if self._restart_cache is None or self._restart_cache[0] != key:
            by_id = zones.by_id
            ids = frozenset(
                zid
                for zid in self._in_zones(zones)
                if all(
                    not any(s.matches("in", by_id[zid]) for alts in r.steps[1:] for s in alts)
                    and (
                        len(r.steps) > 1 or not any(s.matches("in", by_id[zid]) for s in r.steps[0])
                    )
                    for r in self.params.rules
                )
            )
            self._restart_cache = (key, ids)
        return self._restart_cache[1]

    def hot_rows(self, b: FixBatch) -> npt.NDArray[np.bool_]:
        # events: "in" a zone some rule step matches, crossings, entries and exits. A fix
        # with none but "in" zones that can only restart a rule, in the same rule zones as
        # the vessel's previous fix, is routine: the last of a run of them sets the progress
        # (quiet_rows). A zone change that enters or leaves nothing (FixBatch.zone_transition)
        # keeps the rule zones unless the fix or the one before is in one.
        # An entry or exit only a later step matches changes nothing for a vessel with no
        # rule under way: only those with progress as the batch starts, or from a row where
        # one may start (an "in" zone, a crossing, an entry or exit a first step matches).
        in_zones = self._in_zones(b.zones)
        ev = b.in_zone_ids(in_zones)
        first = self._may_enter_or_exit(b, True)
        active = b.per_vessel_has(self.name, *(r.id for r in self.params.rules)) | b.from_first(
            ev | b.crossing | first
        )
        return (
            b.crossing
            | (self._may_enter_or_exit(b, False) & active)
            | (b.zone_change & (ev | b.after(ev)))
            | b.in_zone_ids(in_zones - self._restart_zones(b.zones))
        )

    def _may_enter_or_exit(self, b: FixBatch, first: bool) -> npt.NDArray[np.bool_]:
        """Rows that may enter or leave a zone whose entry or exit some step matches
        (``first``: some rule's first step)."""
        enter = self._event_zones(b.zones, "enter", first)
        ex = self._event_zones(b.zones, "exit", first)
        return b.may_enter_or_exit(
            b.in_zone_ids(enter) if enter else None, b.in_zone_ids(ex, outer=True) if ex else None
        )

    def _event_rows(self, b: FixBatch) -> list[bool]:
        """Per row, whether it is in a zone some rule step matches (once per batch)."""
        got = b.plans.get((self.name, "in"))
        if got is None:
            got = b.plans[(self.name, "in")] = b.in_zone_ids(self._in_zones(b.zones)).tolist()
        return got

    def quiet_rows(self, vs: VesselState, b: FixBatch, rows: list[int]) -> None:
        # The rows share one set of rule zones (no change among them, nor since the last
        # hot row): each restarts the same rules, so the last one decides.
        u = rows[-1]
        if not self._event_rows(b)[u]:
            return  # in no zone a rule can match: no event
        in_zones = self._in_zones(b.zones)
        lon, lat = float(b.lon[u]), float(b.lat[u])
        events: list[Event] = [
            ("in", b.zones.by_id[zid], None, lon, lat)
            for zid in b.zone_ids_at(u)
            if zid in in_zones
        ]
        if events:
            expected = identity_expected(b.identity_feed, vs.first_ts_ms, int(b.ts[u]))
            got = self._advance(vs, events, int(b.ts[u]), None, expected)
            assert not got  # restart-only zones never complete a rule

    def quiet_spans(self, b: FixBatch, vessels: I64, lo: I64, hi: I64) -> None:
        # only vessels whose last row is in a zone some rule matches have work
        some = b.in_zone_ids(self._in_zones(b.zones))[b.vessel_rows[hi - 1]]
        if some.any():
            super().quiet_spans(b, vessels[some], lo[some], hi[some])

    def on_fix(self, fix: Fix, vs: VesselState, ctx: Context) -> list[Alert]:
        if not (fix.zones or fix.exited or fix.crossings):
            return []
        events = self._events(fix, ctx)
        if not events:
            return []  # nothing a rule can match: progress (and its window) stays as it is
        expected = identity_expected(ctx.identity_feed, vs.first_ts_ms, fix.ts_ms)
        return self._advance(vs, events, fix.ts_ms, fix, expected)

    def _advance(
        self,
        vs: VesselState,
        events: list[Event],
        ts_ms: int,
        fix: Fix | None,
        expect_identity: bool,
    ) -> list[Alert]:
        """Every rule's progress through one fix's events; alerts for completed rules."""
        st = vs.for_detector(self.name)
        st_type = vs.static.get("ship_type")
        out: list[Alert] = []
        for ri, rule in enumerate(self.params.rules):
            if isinstance(st_type, int) and any(
                a <= st_type <= b for a, b in rule.exclude_ship_types
            ):
                continue
            prog = st.get(rule.id)
            if prog and ts_ms - prog["t0"] > rule.window_s * 1000:
                prog = None  # window expired: start over
            for event, zone, to, lon, lat in events:
                k = prog["k"] if prog else 0
                if self._matches(ri, k, event, zone, to):
                    rec = {
                        "event": event,
                        "zone": zone.id,
                        "ts": iso(ts_ms),
                        "lat": round(lat, 5),
                        "lon": round(lon, 5),
                    }
                    if prog is None:
                        prog = {"k": 1, "t0": ts_ms, "ev": [rec]}
                    else:
                        prog["k"] += 1
                        prog["ev"].append(rec)
                    if prog["k"] == len(rule.steps):
                        assert fix is not None  # quiet rows never complete a rule
                        out.append(self._alert(rule, prog, fix, vs, expect_identity))
                        prog = None
                elif k > 0 and self._matches(ri, 0, event, zone, to):
                    prog = {
                        "k": 1,
                        "t0": ts_ms,
                        "ev": [
                            {
                                "event": event,
                                "zone": zone.id,
                                "ts": iso(ts_ms),
                                "lat": round(lat, 5),
                                "lon": round(lon, 5),
                            }
                        ],
                    }
            if prog:
                st[rule.id] = prog
            else:
                st.pop(rule.id, None)
        return out

    def _alert(
        self, rule: Rule, prog: dict[str, Any], fix: Fix, vs: VesselState, expect_identity: bool
    ) -> Alert:
        # critical: a small or unidentified craft completing a crossing needs action now;
        # any other vessel completing one (at night or not) is for the watch to look at.
        small = is_small_craft(vs.static, expect_identity)
        night = is_night(fix.ts_ms, fix.lat, fix.lon)
        sev = "critical" if small else "high"
        hours = (fix.ts_ms - prog["t0"]) / 3.6e6
        zones = tuple(dict.fromkeys(e["zone"] for e in prog["ev"]))
        who = describe_vessel(vs.vessel, vs.static, expect_identity)
        extra = [w for w, on in (("small/unidentified craft", small), ("at night", night)) if on]
        return self.alert(
            "crossing_pattern",
            vs,
            status="closed",
            severity=sev,
            ts_ms=fix.ts_ms,
            start_ms=prog["t0"],
            end_ms=fix.ts_ms,
            lat=fix.lat,
            lon=fix.lon,
            zone_ids=zones,
            key=rule.id,
            summary=f"{who} completed the '{rule.name}' pattern in {hours:.1f} h "
            f"({' -> '.join(e['zone'] for e in prog['ev'])})"
            + (f", {', '.join(extra)}" if extra else "")
            + ".",
            evidence={
                "rule": rule.id,
                "events": prog["ev"],
                "last_fix": fix_evidence(fix),
                "small_craft": small,
                "unidentified": is_unidentified(vs.static, expect_identity),
                "identity_expected": expect_identity,
                "night": night,
                "duration_s": (fix.ts_ms - prog["t0"]) / 1000,
            },
        )
