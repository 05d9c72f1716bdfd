"""The I/O-free pipeline core: record batches in, alerts out.

For each batch: sort by event time, geofence every position and every track segment at once
(vectorised), load the batch's vessel states in one call, run the detectors per fix in event
time order, save the states in one call, then advance the watermark and fire due timers. A
timer fires at its own due time: before the vessel's next report if that comes first.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Sequence
from operator import attrgetter
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from detectors.base import Context, Detector, Fix, VesselState
from detectors.geo import KN_PER_MPS, haversine_m_vec, initial_bearing_deg
from detectors.geofence import Crossing, ZoneSet
from detectors.reception import hour_cell_counts
from stream.columnar import MIN_DT_FOR_DERIVED_S, record_fix, run_columnar, zone_transitions
from stream.gcpause import gc_paused
from stream.models import Alert, Position, StaticData
from stream.state.base import StateStore

__all__ = ["DEFAULT_STATE_TTL_S", "Pipeline", "vessel_key"]

log = logging.getLogger(__name__)

DEFAULT_STATE_TTL_S = 7 * 86400  # forget a vessel after a week without reports
_TS = attrgetter("ts_ms")
_VESSEL = attrgetter("vessel")


def vessel_key(vessel: str) -> str:
    # {…} is a Redis Cluster hash tag: every key of one vessel lives in one slot.
    return f"sg:{{{vessel}}}:v"


class Pipeline:
    def __init__(
        self,
        detectors: Sequence[Detector],
        zones: ZoneSet,
        store: StateStore,
        *,
        scope: str = "p0",
        state_ttl_s: int = DEFAULT_STATE_TTL_S,
        fast: bool = True,
        keep_states: bool = False,
    ) -> None:
        self.detectors = tuple(detectors)  # fixed for the pipeline's life: see ``waking``
        self.zones = zones
        self.store = store
        self.scope = scope
        self.state_ttl_s = state_ttl_s
        self.ctx = Context(zones=zones, shared=store)
        self.watermark_ms: int | None = None
        self.stats: Counter[str] = Counter()
        # Replay's summary counts vessels; a long-running service (keep_states False) must
        # not remember every vessel it ever saw.
        self.vessels_seen: set[str] = set()
        # fast: the columnar path (stream/columnar.py); False: the reference path, one fix
        # at a time through every detector. Same alerts either way (tested).
        self.fast = fast
        # keep_states (replay): vessel states stay live objects between batches instead of a
        # JSON round trip through the store, with the same event-time expiry as the memory
        # store. Not for a shared (Redis) store: other consumers must see the state.
        self.keep_states = keep_states
        self._live: dict[str, VesselState] = {}
        self._touched: dict[str, int] = {}
        self._clock_ms = 0  # the time the store was last advanced to
        self._swept_ms = 0
        self.waking = [d for d in self.detectors if type(d).wake_at is not Detector.wake_at]

    # -- public -----------------------------------------------------------------------------
    def process(
        self,
        records: Sequence[Position | StaticData],
        times: npt.NDArray[np.int64] | None = None,
    ) -> list[Alert]:
        """Run one batch; returns the alerts in the order they were raised. ``times``: the
        records' ``ts_ms`` as a column, when the caller has it (replay)."""
        alerts: list[Alert] = []
        if records:
            with gc_paused():  # a batch's work is acyclic (see stream/gcpause.py)
                if times is None:
                    ts = np.fromiter(map(_TS, records), np.int64, len(records))
                else:
                    ts = np.asarray(times, dtype=np.int64)
                if (ts[1:] < ts[:-1]).any():  # (a replay's batches come in order already)
                    order = np.argsort(ts, kind="stable")
                    records = [records[i] for i in order.tolist()]
                    ts = ts[order]
                recs = list(records) if not isinstance(records, list) else records
                vessels = list(map(_VESSEL, recs))  # one pass for the set and the columns
                # Event-time TTLs (memory backend) count from the newest time of this batch.
                self._advance_store(max(recs[-1].ts_ms, self.watermark_ms or 0))
                states = self._load(set(vessels))
                if self.fast:
                    alerts.extend(run_columnar(self, recs, states, vessels, ts))
                else:
                    alerts.extend(self._run(recs, states))
                self._save(states)
                alerts.extend(self.advance(recs[-1].ts_ms))
        return alerts

    def advance(self, watermark_ms: int) -> list[Alert]:
        """Move the watermark forward (never back) and fire timers that fell due."""
        if self.watermark_ms is not None and watermark_ms <= self.watermark_ms:
            return []
        self.watermark_ms = watermark_ms
        alerts: list[Alert] = []
        due = self.store.due(self.scope, watermark_ms)
        if due:
            states = self._load(set(due))
            for v in sorted(due):
                alerts.extend(self.timers_due(states[v], watermark_ms))
            self._save(states)
        self._advance_store(watermark_ms)
        return alerts

    def timers_due(
        self, vs: VesselState, upto_ms: int, detectors: Sequence[Detector] | None = None
    ) -> list[Alert]:
        """Fire the vessel's timers due at or before ``upto_ms``, each at its own due time
        (``Detector.wake_at``): before the vessel's next report, or once the watermark
        passes it. The time a timer fires at, and so its alert, does not depend on where
        batches begin and end."""
        out: list[Alert] = []
        for d in self.waking if detectors is None else detectors:
            at = d.wake_at(vs)
            if at is not None and at <= upto_ms:
                out.extend(d.on_timer(at, vs, self.ctx))
                self.stats["timers_fired"] += 1
        return out

    def live_states(self) -> dict[str, VesselState]:
        """The states kept live (``keep_states``), by vessel."""
        return self._live

    # -- internals --------------------------------------------------------------------------
    def _advance_store(self, now_ms: int) -> None:
        self.store.advance(now_ms)
        self._clock_ms = max(self._clock_ms, now_ms)
        if self.keep_states and self._clock_ms - self._swept_ms >= 3_600_000:
            self._swept_ms = self._clock_ms
            ttl_ms = self.state_ttl_s * 1000
            for v in [v for v, t in self._touched.items() if t + ttl_ms <= self._clock_ms]:
                del self._live[v], self._touched[v]

    def _load(self, vessels: set[str]) -> dict[str, VesselState]:
        order = sorted(vessels)
        if self.keep_states:
            live, touched, ttl_ms = self._live, self._touched, self.state_ttl_s * 1000
            out_live: dict[str, VesselState] = {}
            for v in order:
                vs = live.get(v)
                if vs is None or touched[v] + ttl_ms <= self._clock_ms:  # expired
                    vs = VesselState(vessel=v)
                out_live[v] = vs
            return out_live
        blobs = self.store.get_many([vessel_key(v) for v in order])
        out: dict[str, VesselState] = {}
        for v, b in zip(order, blobs, strict=True):
            out[v] = VesselState.from_dict(orjson.loads(b)) if b else VesselState(vessel=v)
        return out

    def _save(self, states: dict[str, VesselState]) -> None:
        if self.keep_states:
            self._live.update(states)
            self._touched.update(dict.fromkeys(states, self._clock_ms))
        else:
            items = [(vessel_key(v), orjson.dumps(vs.to_dict())) for v, vs in states.items()]
            self.store.set_many(items, self.state_ttl_s)
        waking, scope = self.waking, self.scope
        schedule, cancel = self.store.schedule, self.store.cancel
        for v, vs in states.items():  # each vessel's earliest timer, if any
            at: int | None = None
            for d in waking:
                w = d.wake_at(vs)
                if w is not None and (at is None or w < at):
                    at = w
            if at is None:
                cancel(scope, v)
            else:
                schedule(scope, v, at)

    def _run(
        self, recs: list[Position | StaticData], states: dict[str, VesselState]
    ) -> list[Alert]:
        # Pre-pass: which positions are used (not late, not duplicate) and their predecessor.
        last: dict[str, tuple[int, float, float]] = {}
        for v, vs in states.items():
            if vs.last:
                last[v] = (vs.last["ts_ms"], vs.last["lat"], vs.last["lon"])
        pos_idx: list[int] = []
        prev: list[tuple[int, float, float] | None] = []
        for i, r in enumerate(recs):
            if not isinstance(r, Position):
                continue
            p = last.get(r.vessel)
            if p is not None:
                if r.ts_ms < p[0]:
                    self.stats["late_fixes"] += 1
                    continue
                if r.ts_ms == p[0] and r.lat == p[1] and r.lon == p[2]:
                    self.stats["duplicate_fixes"] += 1
                    continue
            pos_idx.append(i)
            prev.append(p)
            last[r.vessel] = (r.ts_ms, r.lat, r.lon)
        n = len(pos_idx)
        lon = np.fromiter((recs[i].lon for i in pos_idx), dtype=np.float64, count=n)  # type: ignore[union-attr]
        lat = np.fromiter((recs[i].lat for i in pos_idx), dtype=np.float64, count=n)  # type: ignore[union-attr]
        ts = np.fromiter((recs[i].ts_ms for i in pos_idx), dtype=np.int64, count=n)
        self.store.reception_add(hour_cell_counts(ts, lat, lon))
        geo = self.zones.lookup(lon, lat)
        inner = geo.zones_per_point(n, "inner")
        outer = geo.zones_per_point(n, "outer")
        has_prev = np.fromiter((p is not None for p in prev), dtype=bool, count=n)
        plon = np.array([p[2] if p else np.nan for p in prev], dtype=np.float64)
        plat = np.array([p[1] if p else np.nan for p in prev], dtype=np.float64)
        pts = np.array([p[0] if p else 0 for p in prev], dtype=np.int64)
        dist = haversine_m_vec(plat, plon, lat, lon)
        seg = np.flatnonzero(has_prev)
        crossings: dict[int, list[Crossing]] = {}
        for c in self.zones.crossings(plon[seg], plat[seg], lon[seg], lat[seg]):
            crossings.setdefault(int(seg[c.segment]), []).append(c)
        zid = [z.id for z in self.zones.zones]

        alerts: list[Alert] = []
        k = 0  # index into the used positions
        used = set(pos_idx)
        self.stats["positions"] += n
        if self.keep_states:
            self.vessels_seen.update(recs[i].vessel for i in pos_idx)
        on_fix = [d.on_fix for d in self.detectors]
        for i, r in enumerate(recs):
            vs = states[r.vessel]
            if isinstance(r, StaticData):
                alerts.extend(self.timers_due(vs, r.ts_ms))
                self.stats["static_reports"] += 1
                for det in self.detectors:
                    alerts.extend(det.on_static(r, vs, self.ctx))
                vs.static.update(r.fields())
                if r.mmsi is not None:
                    vs.static["mmsi"] = r.mmsi
                continue
            if i not in used:
                continue
            alerts.extend(self.timers_due(vs, r.ts_ms))
            fix = self._fix(
                r,
                k,
                has_prev,
                dist,
                pts,
                vs,
                inner,
                outer,
                geo.dist_shore_m,
                crossings.get(k, ()),
                zid,
            )
            k += 1
            fix = zone_transitions(fix, vs)
            if r.mmsi is not None:
                vs.static["mmsi"] = r.mmsi  # before the detectors: first-fix alerts carry it
            ctx = self.ctx
            for f in on_fix:
                got = f(fix, vs, ctx)
                if got:
                    alerts.extend(got)
            record_fix(vs, fix)
        return alerts

    def _fix(
        self,
        r: Position,
        k: int,
        has_prev: Any,
        dist: Any,
        pts: Any,
        vs: VesselState,
        inner: list[list[int]],
        outer: list[list[int]],
        dshore: Any,
        crossings: Sequence[Crossing],
        zid: list[str],
    ) -> Fix:
        dt_s = dist_m = implied = None
        sog, cog = r.sog_kn, r.cog_deg
        if has_prev[k]:
            dt_s = (r.ts_ms - int(pts[k])) / 1000.0
            dist_m = float(dist[k])
            implied = dist_m / dt_s * KN_PER_MPS if dt_s > 0 else math.inf if dist_m > 0 else 0.0
            if sog is None and dt_s >= MIN_DT_FOR_DERIVED_S:
                sog = implied
            if cog is None and dist_m > 0 and vs.last is not None:
                cog = initial_bearing_deg(vs.last["lat"], vs.last["lon"], r.lat, r.lon)
        return Fix(
            pos=r,
            sog_kn=sog,
            cog_deg=cog,
            dt_s=dt_s,
            dist_m=dist_m,
            implied_kn=implied,
            zones=tuple(zid[z] for z in inner[k]),
            zones_outer=tuple(zid[z] for z in outer[k]),
            dist_shore_m=float(dshore[k]),
            crossings=tuple(crossings),
            prev=vs.last,
        )
