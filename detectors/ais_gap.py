"""AIS gaps judged against expected reception: "going dark" [ais_gap].

A vessel that was reporting regularly, under way at sea, falls silent. Whether that means
anything depends on reception, which seaguard learns from the stream itself
(detectors/reception.py), after Global Fishing Watch's idea of judging a gap against the
fixes a vessel there would have been expected to produce:

- **dark**: ``min_gap_s`` after the last fix, other vessels were heard around the last
  position in every whole hour since, and along the dead-reckoned path in at least two
  thirds of them. The alert opens (status ``open``) with that reception as evidence, at the
  last fix plus the threshold whatever the batches, and closes with the same id when the
  vessel reappears (duration, displacement against dead reckoning).
- **left coverage**: otherwise - the path runs out of covered water, to the edge of the
  feed's area or into a hole. Nothing is raised: a vessel that sails out of receiver range
  is the feed's normal life, and an info event per departure would bury the watch floor.
  When it reappears, the gap is judged again on the whole hours it spanned and the straight
  path to where it came back: a closed alert only if that path was heard in every hour (a
  change of course hid a dark passage), or if a vessel on passage (>= 5 kn) reappeared
  within a quarter of the distance its speed would have carried it while the water at its
  last position was heard (it stopped while dark: a transfer at sea). A gap explained by
  a hole crossed as the vessel was sailing is not an alert.

Eligibility: at least 4 fixes over 30 min in the 2 h before (GFW's "reporting regularly"),
the last ``moving_fixes`` (3) fixes moving (>= 0.5 kn) at sea: at least 1 nm from a known
coast - an unknown distance to shore is not "at sea" - and not in a port or anchorage. One
fix under way between fixes alongside (a swing at anchor, a GNSS jump) is not a voyage.

Threshold: GFW uses >= 12 h and > 50 nm from shore, tuned to satellite AIS revisit times.
The Aegean and the Central Mediterranean are covered by dense terrestrial AIS (Greek,
Turkish, Italian and Maltese coast stations), where Class A ships report every 2-10 s under
way and Class B every 30 s (ITU-R M.1371); coverage drop-outs of up to ~30 min are routine,
and aggregated feeds are often down-sampled to one fix per 10-30 min. Two hours of silence
is four times the routine drop-out and one sixth of GFW's satellite threshold.

Severity (docs/severity.md): critical for a small or unidentified craft dark in a departure
area at night, high for one elsewhere, medium for any other vessel - including one whose
identity the feed does not carry.
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
from detectors.geo import KN_PER_MPS, M_PER_NM, destination, haversine_m
from detectors.geofence import PORT_KINDS
from detectors.reception import ReceptionParams, coverage_along
from detectors.vessel import describe_vessel, identity_expected, is_night, is_small_craft
from stream.models import Alert, Severity
from stream.timeutil import iso

__all__ = ["AisGapDetector", "AisGapParams"]

DEPARTURE_KINDS = frozenset({"departure_area"})


@dataclass(frozen=True)
class AisGapParams:
    min_gap_s: float = 7200.0
    min_shore_m: float = 1 * M_PER_NM  # at sea: at least 1 nm from a known coast
    regular_window_s: float = 7200.0  # "reporting regularly": in the 2 h before the gap …
    regular_min_fixes: int = 4  # … at least this many fixes …
    regular_min_span_s: float = 1800.0  # … spread over at least 30 min (not one burst)
    min_sog_kn: float = 0.5  # a vessel moored or anchored that drops out is not "going dark"
    moving_fixes: int = 3  # the last fixes that must all be moving at sea
    # reception (detectors/reception.py): a block heard with >= 4 fixes in an hour, a path
    # covered when 2/3 of its hours are heard
    heard_min_fixes: int = 4
    block_radius_cells: int = 1
    path_slack_deg: float = 0.02
    path_covered_share: float = 2 / 3
    # reappeared within a quarter of the distance its last speed would have covered: it
    # stopped (or circled) while dark, not sailed on through a hole
    stayed_share: float = 0.25
    # ... judged only of a vessel on passage: at trawling speeds (2-5 kn) a track meanders
    # and its displacement says little
    stayed_min_sog_kn: float = 5.0


def _last_fix(last: dict[str, Any]) -> dict[str, Any]:
    return {
        "ts": iso(last["ts_ms"]),
        "lat": last["lat"],
        "lon": last["lon"],
        "sog_kn": last.get("sog_kn"),
        "cog_deg": last.get("cog_deg"),
    }


def _run_after(prior: int, flags: list[bool], n_rows: int, cap: int) -> int:
    """Consecutive moving-at-sea fixes ending at the last of ``n_rows`` new fixes, given
    the flags of the last ``len(flags)`` of them and the run before them (capped)."""
    run = 0
    for moving in reversed(flags):
        if not moving:
            break
        run += 1
    if run == len(flags) == n_rows:
        run += prior
    return min(run, cap)


class AisGapDetector(Detector):
    name = "ais_gap"
    defer_quiet = True  # quiet_rows reads only its own state
    params: AisGapParams

    def __init__(self, params: Any = None) -> None:
        super().__init__(params)
        p = self.params
        self.reception = ReceptionParams(
            heard_min_fixes=p.heard_min_fixes,
            block_radius_cells=p.block_radius_cells,
            path_slack_deg=p.path_slack_deg,
            path_covered_share=p.path_covered_share,
        )

    @classmethod
    def default_params(cls) -> AisGapParams:
        return AisGapParams()

    def _moving_at_sea(self, sog_kn: float | None, d: float, in_port: bool) -> bool:
        """A fix's part of eligibility: moving (or of unknown speed), at least min_shore_m
        from a known coast, not in port. ``_moving_at_sea_many``: the same on columns."""
        p = self.params
        if sog_kn is not None and sog_kn < p.min_sog_kn:
            return False
        return d == d and d >= p.min_shore_m and not in_port

    def _moving_at_sea_many(self, sog: F64, d: F64, in_port: Bool) -> Bool:
        p = self.params
        with np.errstate(invalid="ignore"):  # NaN speed: unknown, not excluded
            return ~(sog < p.min_sog_kn) & (d >= p.min_shore_m) & ~in_port

    def hot_rows(self, b: FixBatch) -> npt.NDArray[np.bool_]:
        # The alert can only come with a fix after a long silence, or while one is open;
        # every other fix is bookkeeping (quiet_rows).
        gap = b.dt_s >= self.params.min_gap_s * 0.999
        is_open = b.per_vessel_has(self.name, "open")  # (set only True, else absent)
        return gap | is_open

    def _tail_flags(self, b: FixBatch, rows: list[int]) -> tuple[list[bool], float]:
        """Moving-at-sea flags of the last ``moving_fixes`` rows, and the last one's
        distance to shore."""
        tail = rows[-self.params.moving_fixes :]
        idx = np.array(tail, dtype=np.int64)
        shore = b.shore.at(idx)
        port = b.in_kinds(PORT_KINDS, outer=True)[idx]
        flags = self._moving_at_sea_many(b.sog[idx], shore, port)
        return flags.tolist(), float(shore[-1])

    def quiet_rows(self, vs: VesselState, b: FixBatch, rows: list[int]) -> None:
        flags, d = self._tail_flags(b, rows)
        self._book([(vs.for_detector(self.name), b.times_of(rows), flags, d)])

    def quiet_spans(self, b: FixBatch, vessels: I64, lo: I64, hi: I64) -> None:
        if not vessels.size:
            return
        tails, last_shore = self._tails(b, lo, hi)
        name, ts = self.name, b.ts_by_vessel
        dets = map(b.dets.__getitem__, vessels.tolist())
        self._book(
            zip(
                [d.get(name) or d.setdefault(name, {}) for d in dets],
                [ts[a:z] for a, z in zip(lo.tolist(), hi.tolist(), strict=True)],
                tails,
                last_shore,
                strict=True,
            )
        )

    def _tails(self, b: FixBatch, lo: I64, hi: I64) -> tuple[list[list[bool]], list[float]]:
        """Per vessel span ``[lo, hi)`` of ``b.vessel_rows``: the moving-at-sea flags of its
        last ``moving_fixes`` rows, oldest first - cut after the newest row that is not
        (older rows cannot change the run) - and its last row's distance to shore. Shore
        distances are asked only of rows that pass the cheap tests (speed, port)."""
        p, order = self.params, b.vessel_rows
        port = b.in_kinds(PORT_KINDS, outer=True)
        newest_first: list[list[bool]] = [[] for _ in range(lo.size)]
        in_run = np.ones(lo.size, dtype=bool)
        last_shore = np.full(lo.size, np.nan)
        for back in range(1, p.moving_fixes + 1):
            idx = np.flatnonzero(in_run & (hi - back >= lo))
            if not idx.size:
                break
            rows = order[hi[idx] - back]
            with np.errstate(invalid="ignore"):  # NaN speed: unknown, not excluded
                cheap = ~(b.sog[rows] < p.min_sog_kn) & ~port[rows]
            shore = np.full(idx.size, np.nan)
            ask = slice(None) if back == 1 else cheap  # (the last row's distance is kept)
            shore[ask] = b.shore.at(rows[ask])
            if back == 1:
                last_shore = shore
            with np.errstate(invalid="ignore"):
                flags = cheap & (shore >= p.min_shore_m)
            for k, moving in zip(idx.tolist(), flags.tolist(), strict=True):
                newest_first[k].append(moving)
            in_run[idx[~flags]] = False
        return [t[::-1] for t in newest_first], last_shore.tolist()

    def on_fix(self, fix: Fix, vs: VesselState, ctx: Context) -> list[Alert]:
        p = self.params
        st = vs.for_detector(self.name)
        out: list[Alert] = []
        last = self._last_ok(vs, st)
        if last is not None and (fix.ts_ms - last["ts_ms"]) / 1000.0 >= p.min_gap_s:
            got = self._closed(vs, st, last, fix, ctx)
            if got is not None:
                out.append(got)
        in_port = bool(fix.zones_outer) and ctx.zones.any_kind(fix.zones_outer, PORT_KINDS)
        d = fix.dist_shore_m
        self._book([(st, [fix.ts_ms], [self._moving_at_sea(fix.sog_kn, d, in_port)], d)])
        return out

    def _book(self, items: Iterable[tuple[dict[str, Any], list[int], list[bool], float]]) -> None:
        """The bookkeeping of every fix, for one vessel or many: per vessel its state, the
        times of one or (quiet rows) several fixes in a row, in order, the moving-at-sea
        flags of the last of them, and the last one's distance to shore. The gap is no
        longer open; report times thinned to one per 5 min, a bounded summary of the last
        2 h; the run of moving fixes; whether the last fix is an eligible one."""
        p = self.params
        window_ms = p.regular_window_s * 1000
        span_ms = p.regular_min_span_s * 1000
        for st, times, flags, d in items:
            st.pop("open", None)
            st.pop("judged", None)
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
            run = _run_after(st.get("run", 0), flags, n, p.moving_fixes)
            if run:
                st["run"] = run
            else:
                st.pop("run", None)
            # eligible: moving at sea, and reporting regularly - recent holds only times
            # within the window, thinned to one per 5 min; the last fix counts too
            t = times[-1]
            st["ok"] = (
                run >= p.moving_fixes
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
            "cog_deg": vs.last.get("cog_deg"),
            "shore_m": st.get("shore_m"),
        }

    def wake_at(self, vs: VesselState) -> int | None:
        st = vs.det.get(self.name)
        if not st or st.get("open") or st.get("judged") or not st.get("ok") or vs.last is None:
            return None
        return int(vs.last["ts_ms"] + self.params.min_gap_s * 1000)

    def on_timer(self, now_ms: int, vs: VesselState, ctx: Context) -> list[Alert]:
        st = vs.det.get(self.name)
        if not st or st.get("open") or st.get("judged"):
            return []
        last = self._last_ok(vs, st)
        if last is None or now_ms - last["ts_ms"] < self.params.min_gap_s * 1000:
            return []
        st["judged"] = True
        reception = coverage_along(ctx.shared, self.reception, last, now_ms)
        if not (reception["at_last"] and reception["path"]):
            return []  # left coverage: judged again if it reappears
        st["open"] = True
        silent_h = (now_ms - last["ts_ms"]) / 3.6e6
        who = describe_vessel(vs.vessel, vs.static, ctx.identity_feed)
        return [
            self.alert(
                "ais_gap",
                vs,
                status="open",
                severity=self._severity(vs, last, ctx),
                ts_ms=now_ms,
                start_ms=last["ts_ms"],
                end_ms=None,
                lat=last["lat"],
                lon=last["lon"],
                zone_ids=tuple(vs.zones),
                summary=f"{who} stopped transmitting AIS at sea at {iso(last['ts_ms'])} "
                f"where other vessels are heard, and has been silent for {silent_h:.1f} h.",
                evidence={
                    "last_fix": _last_fix(last),
                    "dist_shore_m": last.get("shore_m"),
                    "silent_s": silent_h * 3600,
                    "reception": reception,
                    "dead_reckoned": self._dead_reckoned(last, now_ms),
                },
            )
        ]

    def _severity(self, vs: VesselState, last: dict[str, Any], ctx: Context) -> Severity:
        expected = identity_expected(ctx.identity_feed, vs.first_ts_ms, last["ts_ms"])
        if not is_small_craft(vs.static, expected):
            return "medium"
        departure = ctx.zones.any_kind(tuple(vs.zones), DEPARTURE_KINDS)
        if departure and is_night(last["ts_ms"], last["lat"], last["lon"]):
            return "critical"
        return "high"

    @staticmethod
    def _dead_reckoned(last: dict[str, Any], at_ms: int) -> dict[str, float] | None:
        sog, cog = last.get("sog_kn"), last.get("cog_deg")
        if sog is None or cog is None:
            return None
        dist_m = sog * M_PER_NM * (at_ms - last["ts_ms"]) / 3.6e6
        lon, lat = destination(last["lon"], last["lat"], cog, dist_m)
        return {"lat": round(lat, 5), "lon": round(lon, 5), "dist_m": round(dist_m)}

    def _closed(
        self, vs: VesselState, st: dict[str, Any], last: dict[str, Any], fix: Fix, ctx: Context
    ) -> Alert | None:
        """The vessel is back: close an open gap, or judge one that was not dark."""
        gap_s = (fix.ts_ms - last["ts_ms"]) / 1000.0
        d = haversine_m(last["lat"], last["lon"], fix.lat, fix.lon)
        sog = last.get("sog_kn")
        expected_m = None if sog is None else sog * M_PER_NM * gap_s / 3600.0
        stayed = (
            sog is not None
            and sog >= self.params.stayed_min_sog_kn
            and d < self.params.stayed_share * (expected_m or 0.0)
        )
        was_open = bool(st.get("open"))
        reception = coverage_along(
            ctx.shared, self.reception, last, fix.ts_ms, path_end=(fix.lat, fix.lon)
        )
        if not was_open and not (reception["path_all"] or (stayed and reception["at_last"])):
            return None  # explained by a coverage hole crossed as it was sailing
        implied = d / gap_s * KN_PER_MPS
        who = describe_vessel(vs.vessel, vs.static, ctx.identity_feed)
        how = (
            "stayed near where it went silent"
            if stayed
            else f"reappeared {d / M_PER_NM:.1f} nm away"
        )
        return self.alert(
            "ais_gap",
            vs,
            status="closed",
            severity=self._severity(vs, last, ctx),
            ts_ms=fix.ts_ms,
            start_ms=last["ts_ms"],
            end_ms=fix.ts_ms,
            lat=last["lat"],
            lon=last["lon"],
            zone_ids=tuple(vs.zones),
            summary=f"{who} was dark for {gap_s / 3600:.1f} h in covered water "
            f"({iso(last['ts_ms'])} to {iso(fix.ts_ms)}) and {how} "
            f"({implied:.1f} kn implied).",
            evidence={
                "last_fix": _last_fix(last),
                "reappeared": {"ts": iso(fix.ts_ms), "lat": fix.lat, "lon": fix.lon},
                "gap_s": gap_s,
                "dist_m": round(d),
                "implied_kn": round(implied, 2),
                "expected_dist_m": None if expected_m is None else round(expected_m),
                "stayed": stayed,
                "dist_shore_m": last.get("shore_m"),
                "reception": reception,
                "dead_reckoned": self._dead_reckoned(last, fix.ts_ms),
            },
        )
