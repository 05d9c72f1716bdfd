"""Ship-to-ship encounters [encounter, with other_mmsi].

Default definition from Global Fishing Watch's encounter events: two vessels within 500 m of
each other, both slower than 2 kn, for at least 2 h, at least 10 km from an anchorage/port.
A shorter variant (``small_min_duration_s``, default 30 min) applies when either vessel is a
small or unidentified craft: the "mothership" pattern, where a larger vessel transfers people
to a dinghy off the coast, takes minutes, not hours.

Cross-partition design: every fix is written to a shared index of 10-minute event-time buckets
(Redis GEO in the service), and each fix looks for neighbours in its own bucket. Whichever of
the two vessels is processed later sees the other, so the pair is found even when the vessels
sit on different partitions or instances. Close buckets are recorded per pair (shared state);
an encounter is a run of close buckets long enough, and its id is derived from the pair and
the run's first bucket, so it is the same whichever consumer found it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from detectors.base import Context, Detector, Fix, VesselState
from detectors.batch import FixBatch, run_starts
from detectors.vessel import describe_vessel, identity_expected, is_small_craft
from stream.models import Alert
from stream.timeutil import iso

__all__ = ["BUCKET_MS", "EncounterDetector", "EncounterParams"]

Bool = npt.NDArray[np.bool_]
I64 = npt.NDArray[np.int64]

BUCKET_MS = 600_000  # 10 minutes


@dataclass(frozen=True)
class EncounterParams:
    max_dist_m: float = 500.0
    max_speed_kn: float = 2.0
    min_duration_s: float = 7200.0
    small_min_duration_s: float = 1800.0
    min_port_dist_m: float = 10_000.0
    min_shore_m: float = 1852.0  # 1 nm: marinas and harbour basins lie inside it
    max_time_skew_s: float = 900.0  # the two fixes compared must be this close in time
    max_missing_buckets: int = 2  # missing observations tolerated inside a run (coverage)


def _mmsi(v: str) -> int | None:
    # Vessel keys are MMSIs only when nine digits (ITU-R M.585): an anonymised feed's keys
    # (small integers, hashes) must never be published as an MMSI.
    return int(v) if len(v) == 9 and v.isdigit() else None


class EncounterDetector(Detector):
    name = "encounter"
    params: EncounterParams

    @classmethod
    def default_params(cls) -> EncounterParams:
        return EncounterParams()

    def hot_rows(self, b: FixBatch) -> npt.NDArray[np.bool_]:
        p = self.params
        # Eligible rows (the port test is left to on_fix: a superset), and rows in a bucket
        # where the vessel has an eligible fix to withdraw (earlier batch, or this one).
        slow = b.sog < p.max_speed_kn * 1.0001
        cand = slow & (b.shore.where(slow) >= p.min_shore_m * 0.999)
        idx = np.flatnonzero(cand)
        if idx.size:  # one tree query for the batch; on_fix's own test reuses the answers
            cand[idx[b.zones.near_port_many(b.lon[idx], b.lat[idx], p.min_port_dist_m)]] = False
        bucket = b.ts // BUCKET_MS
        held = np.array(b.vessel_values(self.name, "b", -1), dtype=np.int64)
        # only vessels with a candidate row or a held bucket can have such rows
        some = held >= 0
        some[b.vc[cand]] = True
        rows = np.flatnonzero(some[b.vc])
        keys = np.concatenate(
            [b.vc[cand] * 2**32 + bucket[cand], np.flatnonzero(held >= 0) * 2**32 + held[held >= 0]]
        )
        hot = cand.copy()
        hot[rows] |= np.isin(b.vc[rows] * 2**32 + bucket[rows], keys)
        return hot & ~self._alone(b, cand, bucket)

    def _alone(self, b: FixBatch, cand: npt.NDArray[np.bool_], bucket: I64) -> Bool:
        """Eligible rows of a vessel that, in their bucket, has no other vessel within reach:
        no eligible fix of another vessel in this batch, no member of the shared view, near
        any of its positions there (this batch's or its entry from an earlier one). Such a
        fix only records itself (quiet_rows), and deferring that is invisible: nobody looks
        near it within the batch. Only where the pipeline's store offers its whole shared view
        (the memory store: replay, tests); the service's store does not - a Redis view changes
        under other consumers - so there every eligible fix runs on_fix."""
        p = self.params
        alone = np.zeros(b.n, dtype=bool)
        points = getattr(b.shared, "bucket_points", None)
        if points is None or not cand.any():
            return alone
        with np.errstate(invalid="ignore"):  # exactly on_fix's test (NaN: not eligible)
            elig = cand & (b.sog < p.max_speed_kn) & (b.shore.where(cand) >= p.min_shore_m)
        rows = np.flatnonzero(elig)
        if rows.size == 0:
            return alone
        b.plans[(self.name, "eligible")] = elig.tolist()
        b.plans[(self.name, "vessels")] = {b.states[c].vessel for c in set(b.vc[rows].tolist())}
        b.plans[(self.name, "elig")] = elig
        codes = {s.vessel: i for i, s in enumerate(b.states)}
        reach_m = p.max_dist_m * 1.05 + 10.0  # margin over the plane's rounding
        for k in np.unique(bucket[rows]).tolist():
            r = rows[bucket[rows] == k]
            members = points(k)
            # points of the bucket: (vessel code or -1 - index for other vessels, lat, lon)
            who = np.concatenate(
                [
                    b.vc[r],
                    np.array(
                        [codes.get(v, -1 - i) for i, (v, _, _) in enumerate(members)],
                        dtype=np.int64,
                    ),
                ]
            )
            lat = np.concatenate([b.lat[r], np.array([m[1] for m in members], dtype=float)])
            lon = np.concatenate([b.lon[r], np.array([m[2] for m in members], dtype=float)])
            if np.abs(lon).max() > 179.0:  # pairs across the antimeridian: no shortcut
                continue
            # Metres on a local plane that never overstates a distance: degrees of latitude
            # at the equatorial (shortest) length, of longitude at the highest latitude here.
            kx = 111_320.0 * math.cos(math.radians(min(89.0, float(np.abs(lat).max()))))
            xy = np.column_stack([lon * kx, lat * 110_574.0])
            pairs = cKDTree(xy).query_pairs(reach_m, output_type="ndarray")
            crowded = np.zeros(0, dtype=np.int64)
            if pairs.size:
                other = who[pairs[:, 0]] != who[pairs[:, 1]]
                crowded = np.unique(who[pairs[other].ravel()])
            alone[r] = ~np.isin(b.vc[r], crowded)
        return alone

    def quiet_spans(self, b: FixBatch, vessels: I64, lo: I64, hi: I64) -> None:
        # quiet_rows for many vessels: each one's last eligible row per bucket, with numpy
        elig = b.plans.get((self.name, "elig"))
        if elig is None:
            return
        edge = np.zeros(b.n + 1, dtype=np.int64)  # the spans, over vessel-ordered rows
        edge[lo] += 1
        edge[hi] -= 1
        order = b.vessel_rows
        at = np.flatnonzero((np.cumsum(edge[:-1]) > 0) & elig[order])
        if not at.size:
            return
        rows = order[at]  # by vessel, then time
        vc, bucket = b.vc[rows], b.ts[rows] // BUCKET_MS
        last = np.append(run_starts(vc, bucket)[1:], True)  # the last of its vessel and bucket
        ts, lat, lon = b.ts[rows[last]], b.lat[rows[last]], b.lon[rows[last]]
        for c, k, t, y, x in zip(
            vc[last].tolist(),
            bucket[last].tolist(),
            ts.tolist(),
            lat.tolist(),
            lon.tolist(),
            strict=True,
        ):
            vs = b.states[c]
            expected = identity_expected(b.identity_feed, vs.first_ts_ms, t)
            self._put(vs, b.shared, k, t, y, x, expected)

    def quiet_rows(self, vs: VesselState, b: FixBatch, rows: list[int]) -> None:
        elig = b.plans.get((self.name, "eligible"))
        if elig is None or vs.vessel not in b.plans[(self.name, "vessels")]:
            return
        last: dict[int, tuple[int, int]] = {}  # bucket -> its last eligible row and time
        for u, t in zip(rows, b.times_of(rows), strict=True):
            if elig[u]:
                last[t // BUCKET_MS] = (u, t)  # later puts overwrite
        for bucket, (u, t) in last.items():
            expected = identity_expected(b.identity_feed, vs.first_ts_ms, t)
            self._put(vs, b.shared, bucket, t, float(b.lat[u]), float(b.lon[u]), expected)

    def _put(
        self,
        vs: VesselState,
        shared: Any,
        bucket: int,
        ts: int,
        lat: float,
        lon: float,
        expect_identity: bool,
    ) -> None:
        """A routine eligible fix: the vessel's entry in its bucket of the shared view."""
        vs.for_detector(self.name)["b"] = bucket
        shared.bucket_put(
            bucket,
            vs.vessel,
            lat,
            lon,
            {
                "ts": ts,
                "ok": True,
                "small": is_small_craft(vs.static, expect_identity),
                "lat": lat,
                "lon": lon,
                "name": vs.static.get("name"),
            },
        )

    def on_fix(self, fix: Fix, vs: VesselState, ctx: Context) -> list[Alert]:
        p = self.params
        # Away from ports means knowing where the coast is: outside the land coverage, or in
        # harbour waters (within min_shore_m of the coast), moored boats would pair up.
        d = fix.dist_shore_m
        eligible = (
            fix.sog_kn is not None
            and fix.sog_kn < p.max_speed_kn
            and d == d
            and d >= p.min_shore_m
            and not ctx.zones.near_port(fix.lon, fix.lat, p.min_port_dist_m)
        )
        bucket = fix.ts_ms // BUCKET_MS
        st = vs.det.get(self.name)
        if not eligible:
            if st and st.get("b") == bucket:  # withdraw this bucket's earlier eligible fix
                ctx.shared.bucket_put(
                    bucket, vs.vessel, fix.lat, fix.lon, {"ts": fix.ts_ms, "ok": False}
                )
            return []
        small = is_small_craft(
            vs.static, identity_expected(ctx.identity_feed, vs.first_ts_ms, fix.ts_ms)
        )
        vs.for_detector(self.name)["b"] = bucket
        ctx.shared.bucket_put(
            bucket,
            vs.vessel,
            fix.lat,
            fix.lon,
            {
                "ts": fix.ts_ms,
                "ok": True,
                "small": small,
                "lat": fix.lat,
                "lon": fix.lon,
                "name": vs.static.get("name"),
            },
        )
        out: list[Alert] = []
        for other, data in ctx.shared.bucket_near(bucket, fix.lat, fix.lon, p.max_dist_m):
            if other == vs.vessel or not data.get("ok"):
                continue
            if abs(data["ts"] - fix.ts_ms) > p.max_time_skew_s * 1000:
                continue
            a = self._observe(vs, fix, other, data, bucket, small, ctx)
            if a is not None:
                out.append(a)
        return out

    def _observe(
        self,
        vs: VesselState,
        fix: Fix,
        other: str,
        data: dict[str, Any],
        bucket: int,
        small: bool,
        ctx: Context,
    ) -> Alert | None:
        p = self.params
        a, b = sorted((vs.vessel, other))
        key = f"sg:{{{a}|{b}}}:enc"  # hash tag per pair: spreads over a Redis Cluster
        pair = ctx.shared.pair_get(key) or {"b": [], "alerted": []}
        buckets = pair["b"]
        if bucket in buckets:
            return None
        buckets.append(bucket)
        buckets.sort()
        # The run of close buckets (with tolerated holes) that contains this bucket.
        i = buckets.index(bucket)
        lo = i
        while lo > 0 and buckets[lo] - buckets[lo - 1] <= p.max_missing_buckets + 1:
            lo -= 1
        hi = i
        while hi < len(buckets) - 1 and buckets[hi + 1] - buckets[hi] <= p.max_missing_buckets + 1:
            hi += 1
        start_b, end_b = buckets[lo], buckets[hi]
        pair["b"] = buckets[-200:]
        either_small = small or bool(data.get("small"))
        need = p.small_min_duration_s if either_small else p.min_duration_s
        span_s = (end_b - start_b + 1) * BUCKET_MS / 1000
        alert = None
        if span_s >= need and start_b not in pair["alerted"]:
            pair["alerted"] = [*pair["alerted"][-20:], start_b]
            start_ms = start_b * BUCKET_MS
            sev = "high" if either_small else "medium"
            names = {
                vs.vessel: describe_vessel(vs.vessel, vs.static, ctx.identity_feed),
                other: f"{data.get('name')} ({other})" if data.get("name") else f"vessel {other}",
            }
            vsa = VesselState(vessel=a, static={"mmsi": _mmsi(a)} if _mmsi(a) else {})
            alert = self.alert(
                "encounter",
                vsa,
                status="open",
                severity=sev,
                ts_ms=fix.ts_ms,
                start_ms=start_ms,
                end_ms=None,
                lat=(fix.lat + data["lat"]) / 2,
                lon=(fix.lon + data["lon"]) / 2,
                other=b,
                other_mmsi=_mmsi(b),
                summary=f"{names[a]} and {names[b]} have been within "
                f"{p.max_dist_m:g} m of each other below {p.max_speed_kn:g} kn for "
                f"{span_s / 3600:.1f} h since {iso(start_ms)}, away from ports"
                + (" (small craft involved: possible transfer)." if either_small else "."),
                evidence={
                    "first_bucket": iso(start_ms),
                    "last_bucket_end": iso((end_b + 1) * BUCKET_MS),
                    "close_buckets": hi - lo + 1,
                    "bucket_s": BUCKET_MS // 1000,
                    "fix_a" if vs.vessel == a else "fix_b": {
                        "ts": iso(fix.ts_ms),
                        "lat": fix.lat,
                        "lon": fix.lon,
                    },
                    "fix_b" if vs.vessel == a else "fix_a": {
                        "ts": iso(data["ts"]),
                        "lat": data["lat"],
                        "lon": data["lon"],
                    },
                    "small_craft_involved": either_small,
                },
            )
        ctx.shared.pair_set(key, pair)
        return alert
