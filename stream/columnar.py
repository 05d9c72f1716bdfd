"""The pipeline's columnar path: a batch as numpy columns, Python only where state changes.

For a batch already in event-time order: drop late and duplicate fixes, find each fix's
predecessor (the previous fix of the same vessel, in the batch or in its state), compute
time, distance, implied speed and effective speed since it, geofence every fix and segment,
and compare zone-set signatures with the predecessor's - all with numpy. Each detector then
marks, vectorised, the rows it must see (``Detector.hot_rows``). Only those rows, and the
identity reports, run through per-fix Python, in event-time order, exactly as the reference
path (``Pipeline(fast=False)``) would run them; the quiet rows of a vessel are folded into its
state in bulk just before its next hot row and at the end of the batch - the zones it enters
and leaves at rows no detector needs included. Same input, same alerts, same ids as the
reference path (tested on every scenario and recorded feed).
"""

from __future__ import annotations

import hashlib
import math
from bisect import bisect_left
from collections.abc import Callable, Sequence
from itertools import repeat
from operator import attrgetter, is_, is_not, itemgetter
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from detectors.base import Detector, Fix, VesselState
from detectors.batch import FixBatch, ShoreDistance, group_order, prev_in_group, run_starts
from detectors.geo import KN_PER_MPS, haversine_m_vec, initial_bearing_deg
from detectors.geofence import Crossing, ZoneSet
from detectors.reception import hour_cell_counts
from stream.models import Alert, Position, StaticData

if TYPE_CHECKING:
    from stream.pipeline import Pipeline

__all__ = [
    "MIN_DT_FOR_DERIVED_S",
    "record_fix",
    "run_columnar",
    "zone_hashes",
    "zone_transitions",
]

MIN_DT_FOR_DERIVED_S = 20.0  # derive sog/cog only over ≥ 20 s (minute-resolution feeds)
NAN = math.nan
_AIS_CLASS = attrgetter("ais_class")
_VESSEL, _TS, _LAT, _LON, _SOG, _MMSI = (
    attrgetter(f) for f in ("vessel", "ts_ms", "lat", "lon", "sog_kn", "mmsi")
)
_LAST, _ZSIG = attrgetter("last"), attrgetter("zsig")
_KEY_TS, _KEY_LAT, _KEY_LON = (itemgetter(k) for k in ("ts_ms", "lat", "lon"))

_hash_cache: dict[int, tuple[ZoneSet, npt.NDArray[np.uint64]]] = {}


def zone_hashes(zs: ZoneSet) -> npt.NDArray[np.uint64]:
    """A stable 64-bit hash per zone id (same in every process): the signature of a set of
    zones is the wrapping sum of its members' hashes."""
    got = _hash_cache.get(id(zs))
    if got is None or got[0] is not zs:
        h = np.array(
            [
                int.from_bytes(hashlib.blake2b(z.id.encode(), digest_size=8).digest(), "little")
                for z in zs.zones
            ],
            dtype=np.uint64,
        )
        got = _hash_cache[id(zs)] = (zs, h)
    return got[1]


def _signatures(n: int, pt: Any, zone: Any, h: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    sig = np.zeros(n, dtype=np.uint64)
    if pt.size:
        np.add.at(sig, pt, h[zone])
    return sig


def _may_transition(
    zone_change: npt.NDArray[np.bool_],
    prev: npt.NDArray[np.int64],
    inner: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
    outer: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
    n_zones: int,
) -> npt.NDArray[np.bool_]:
    """The zone changes at which ``zone_transitions`` may enter or leave a zone.

    After any fix f the vessel's current zones ``cur`` satisfy f.zones <= cur <= f.outer
    (``zone_transitions`` enters every zone of f.zones and leaves every one not in f.outer;
    f.zones <= f.outer, as the outer shapes are the inner ones buffered - which the
    signature test of zone changes relies on too). The next fix g leaves nothing if cur <=
    g.outer and enters nothing if g.zones <= cur: both hold when g.zones <= f.zones and
    f.outer <= g.outer - a move from inside a zone into its hysteresis band, from outside
    into the band, and the like. f is the previous row of the batch (``prev``); a vessel's
    first row in the batch (-1) is compared with its state's zone signatures only, so a change there
    always counts. ``inner``/``outer``: (row, zone) pairs sorted by row, then zone (so
    their keys row * n_zones + zone are sorted too)."""
    may = zone_change & (prev < 0)
    cand = np.flatnonzero(zone_change & (prev >= 0))
    if cand.size == 0:
        return may
    nxt = np.full(zone_change.size, -1, dtype=np.int64)
    nxt[prev[cand]] = cand  # the candidate row after each of their predecessors
    is_cand = np.zeros(zone_change.size, dtype=bool)
    is_cand[cand] = True
    # g.zones <= f.zones: each (g, zone) pair of a candidate g has its (f, zone) pair
    sel = is_cand[inner[0]]
    g = inner[0][sel]
    may[g[_absent(prev[g] * n_zones + inner[1][sel], inner[0] * n_zones + inner[1])]] = True
    # f.outer <= g.outer: each (f, zone) pair of a candidate's predecessor has its (g, zone)
    sel = nxt[outer[0]] >= 0
    g = nxt[outer[0][sel]]
    may[g[_absent(g * n_zones + outer[1][sel], outer[0] * n_zones + outer[1])]] = True
    return may


def _absent(q: npt.NDArray[np.int64], keys: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """Which of ``q`` are not in ``keys`` (sorted)."""
    if keys.size == 0:
        return np.ones(q.size, dtype=bool)
    return keys[np.minimum(np.searchsorted(keys, q), keys.size - 1)] != q


def zone_transitions(fix: Fix, vs: VesselState) -> Fix:
    """Enter a zone inside it, leave it only once outside its outer (buffered) shape, so a
    vessel sailing along an edge does not flap. Updates ``vs.zones``; returns the fix with
    ``entered``/``exited`` set."""
    if not (vs.zones or fix.zones):
        return fix
    entered, exited = move_zones(vs.zones, fix.zones, fix.zones_outer, fix.ts_ms)
    if vs.last is None:
        entered = ()  # first seen inside a zone: it did not enter it (that we know of)
    return fix._replace(entered=entered, exited=exited) if entered or exited else fix


def move_zones(
    cur: dict[str, int], zones: tuple[str, ...], zones_outer: tuple[str, ...], ts_ms: int
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``zone_transitions``' update of a vessel's zones (``cur``: zone id -> entry time) by
    a fix inside ``zones`` and within ``zones_outer``; returns (entered, exited)."""
    exited = tuple(z for z in cur if z not in zones_outer)
    for z in exited:
        del cur[z]
    entered = tuple(z for z in zones if z not in cur)
    for z in entered:
        cur[z] = ts_ms
    return entered, exited


def last_fix(
    ts_ms: int, lat: float, lon: float, sog_kn: float | None, cog_deg: float | None
) -> dict[str, Any]:
    """A vessel's last fix as its state keeps it (``VesselState.last``)."""
    return {"ts_ms": ts_ms, "lat": lat, "lon": lon, "sog_kn": sog_kn, "cog_deg": cog_deg}


def record_fix(vs: VesselState, fix: Fix) -> None:
    """After the detectors: the fix becomes the vessel's last one."""
    p = fix.pos
    vs.last = last_fix(p.ts_ms, p.lat, p.lon, fix.sog_kn, fix.cog_deg)
    if vs.first_ts_ms is None:
        vs.first_ts_ms = p.ts_ms
    vs.n_fixes += 1
    if p.ais_class and "ais_class" not in vs.static:
        vs.static["ais_class"] = p.ais_class


def run_columnar(
    pl: Pipeline,
    recs: Sequence[Position | StaticData],
    states: dict[str, VesselState],
    vessels: Sequence[str] | None = None,
    times: npt.NDArray[np.int64] | None = None,
) -> list[Alert]:
    """One batch (in event-time order) through the detectors; ``vessels`` and ``times``:
    each record's vessel and time, when the caller has them."""
    zs = pl.zones
    st_list = list(states.values())
    codes = {v: i for i, v in enumerate(states)}
    nv = len(st_list)
    is_pos = np.fromiter(map(is_, map(type, recs), repeat(Position)), bool, len(recs))
    m = int(is_pos.sum())
    if m == len(recs):  # positions only (the usual case)
        pidx_all = list(range(len(recs)))
        p_all: list[Position] = list(recs)  # type: ignore[arg-type]
    else:
        pidx_all = np.flatnonzero(is_pos).tolist()
        p_all = list(map(recs.__getitem__, pidx_all))  # type: ignore[arg-type]
    if vessels is None:
        vessels = list(map(_VESSEL, recs))
    if m < len(recs):
        vessels = [vessels[i] for i in pidx_all]
    vc_all = np.fromiter(map(codes.__getitem__, vessels), np.int64, m)
    if times is None:
        ts_all = np.fromiter(map(_TS, p_all), np.int64, m)
    else:
        ts_all = times if m == len(recs) else times[pidx_all]
    lat_all = np.fromiter(map(_LAT, p_all), np.float64, m)
    lon_all = np.fromiter(map(_LON, p_all), np.float64, m)

    # The state each vessel starts the batch with.
    l_ts = np.zeros(nv, dtype=np.int64)
    l_lat = np.full(nv, NAN)
    l_lon = np.full(nv, NAN)
    has_sig = np.zeros(nv, dtype=bool)
    s_in = np.zeros(nv, dtype=np.uint64)
    s_out = np.zeros(nv, dtype=np.uint64)
    lasts = list(map(_LAST, st_list))
    has_last = np.fromiter(map(is_not, lasts, repeat(None)), bool, nv)
    if (k := np.flatnonzero(has_last)).size:
        got = lasts if k.size == nv else list(map(lasts.__getitem__, k.tolist()))
        l_ts[k] = np.fromiter(map(_KEY_TS, got), np.int64, k.size)
        l_lat[k] = np.fromiter(map(_KEY_LAT, got), np.float64, k.size)
        l_lon[k] = np.fromiter(map(_KEY_LON, got), np.float64, k.size)
        sigs = list(map(_ZSIG, st_list))
        has_sig = has_last & np.fromiter(map(is_not, sigs, repeat(None)), bool, nv)
        if (k := np.flatnonzero(has_sig)).size:
            s_in[k], s_out[k] = np.array(list(map(sigs.__getitem__, k.tolist())), np.uint64).T

    # Late fixes (older than the state's last) and exact duplicates of the previous fix.
    late = has_last[vc_all] & (ts_all < l_ts[vc_all])
    keep = np.flatnonzero(~late)
    kc = vc_all[keep]
    korder = group_order(kc)  # the kept rows of each vessel, in time order
    kp = prev_in_group(kc, korder)
    kfirst = kp < 0
    kts, klat, klon = ts_all[keep], lat_all[keep], lon_all[keep]
    dup = (
        (~kfirst | has_last[kc])
        & (kts == np.where(kfirst, l_ts[kc], kts[kp]))
        & (klat == np.where(kfirst, l_lat[kc], klat[kp]))
        & (klon == np.where(kfirst, l_lon[kc], klon[kp]))
    )
    used = keep[~dup]
    pl.stats["late_fixes"] += int(late.sum())
    pl.stats["duplicate_fixes"] += int(dup.sum())

    n = int(used.size)
    if n == m:  # nothing dropped (the usual case)
        pos, rec_of = p_all, pidx_all
    else:
        pos = [p_all[i] for i in used.tolist()]
        rec_of = [pidx_all[i] for i in used.tolist()]
    vc, ts, lat, lon = vc_all[used], ts_all[used], lat_all[used], lon_all[used]
    if n:  # the reception model counts every accepted fix, before any detector asks it
        pl.store.reception_add(hour_cell_counts(ts, lat, lon))
    # each vessel's rows, in time order: the kept rows' order without the duplicates
    order = (np.cumsum(~dup) - 1)[korder[~dup[korder]]] if n < keep.size else korder
    prev = prev_in_group(vc, order)
    first = prev < 0
    has_prev = ~first | has_last[vc]
    pts = np.where(first, l_ts[vc], ts[prev])
    plat = np.where(first, l_lat[vc], lat[prev])
    plon = np.where(first, l_lon[vc], lon[prev])
    dist = haversine_m_vec(plat, plon, lat, lon)
    dt = np.where(has_prev, (ts - pts) / 1000.0, NAN)
    with np.errstate(divide="ignore", invalid="ignore"):
        implied = np.where(dt > 0, dist / dt * KN_PER_MPS, np.where(dist > 0, math.inf, 0.0))
    implied[~has_prev] = NAN
    sog_rep = np.fromiter(map(_SOG, pos), np.float64, n)  # None: NaN
    with np.errstate(invalid="ignore"):
        sog = np.where(np.isnan(sog_rep) & (dt >= MIN_DT_FOR_DERIVED_S), implied, sog_rep)

    in_pt, in_zone = zs.contains(lon, lat)
    out_pt, out_zone = zs.contains(lon, lat, outer=True)
    shore = ShoreDistance(zs.dist_shore_m, lon, lat)
    seg = np.flatnonzero(has_prev)
    crossings: dict[int, list[Crossing]] = {}
    for cr in zs.crossings(plon[seg], plat[seg], lon[seg], lat[seg]):
        crossings.setdefault(int(seg[cr.segment]), []).append(cr)
    crossing = np.zeros(n, dtype=bool)
    if crossings:
        crossing[list(crossings)] = True
    h = zone_hashes(zs)
    sig_in = _signatures(n, in_pt, in_zone, h)
    sig_out = _signatures(n, out_pt, out_zone, h)
    zone_change = (
        ~(~first | has_sig[vc])
        | (sig_in != np.where(first, s_in[vc], sig_in[prev]))
        | (sig_out != np.where(first, s_out[vc], sig_out[prev]))
    )
    transition = _may_transition(
        zone_change, prev, (in_pt, in_zone), (out_pt, out_zone), len(zs.zones)
    )
    b = FixBatch(
        shared=pl.ctx.shared,
        identity_feed=pl.ctx.identity_feed,
        vessel_order=order,
        prev_rows=prev,
        zones=zs,
        states=st_list,
        vc=vc,
        ts=ts,
        lat=lat,
        lon=lon,
        sog=sog,
        dt_s=dt,
        dist_m=dist,
        implied_kn=implied,
        shore=shore,
        has_prev=has_prev,
        crossing=crossing,
        zone_change=zone_change,
        zone_transition=transition,
        mmsi_known=np.fromiter(map(is_not, map(_MMSI, pos), repeat(None)), bool, n),
        inner_pt=in_pt,
        inner_zone=in_zone,
        outer_pt=out_pt,
        outer_zone=out_zone,
    )

    dets = pl.detectors
    masks = [d.hot_rows(b) for d in dets]
    hot = ~has_prev  # a vessel's first fix ever, and the rows some detector is hot for
    for mk in masks:
        hot = hot | (np.ones(n, dtype=bool) if mk is None else mk)
    # Zone transitions at rows no detector is hot for change only the vessel's zones
    # (vs.zones): applied in order as its state is brought up to date, no Fix built.
    zone_only = np.flatnonzero(transition & ~hot)
    quiet_dets = [d for d in dets if type(d).quiet_rows is not Detector.quiet_rows]
    qi = {d: j for j, d in enumerate(quiet_dets)}
    defer = [d.defer_quiet for d in quiet_dets]

    def sog_at(u: int) -> float | None:
        v = float(sog[u])
        return None if v != v else v

    def cog_at(u: int) -> float | None:
        p = pos[u]
        if p.cog_deg is not None:
            return p.cog_deg
        if has_prev[u] and dist[u] > 0:  # (numpy scalars: the rare fix with no course)
            return initial_bearing_deg(float(plat[u]), float(plon[u]), p.lat, p.lon)
        return None

    def last_of(u: int) -> dict[str, Any]:
        p = pos[u]
        return last_fix(p.ts_ms, p.lat, p.lon, sog_at(u), cog_at(u))

    def lasts_of(rows: list[int]) -> list[dict[str, Any]]:
        """``last_of`` for many rows at once."""
        cogs = [pos[u].cog_deg for u in rows]
        for k, cg in enumerate(cogs):
            if cg is None:
                cogs[k] = cog_at(rows[k])
        return [
            last_fix(t, la, lo, None if v != v else v, cg)
            for t, la, lo, v, cg in zip(
                ts[rows].tolist(),
                lat[rows].tolist(),
                lon[rows].tolist(),
                sog[rows].tolist(),
                cogs,
                strict=True,
            )
        ]

    # Each vessel's rows in time order, and how far its state has been brought.
    order_l: list[int] = b.order_list
    vs_sorted = vc[order]
    starts = np.flatnonzero(run_starts(vs_sorted))
    ptr = [0] * nv
    end = [0] * nv
    ends = [*starts[1:].tolist(), n] if n else []
    for s0, e0 in zip(starts.tolist(), ends, strict=True):
        c = int(vs_sorted[s0])
        ptr[c], end[c] = s0, e0

    # Per position p in order_l: the last position <= p whose row carries an MMSI (-1 for
    # none), and the first >= p whose row carries an AIS class (n for none). A vessel's rows
    # order_l[k:e] carry one when that position falls within [k, e).
    at_n = np.arange(n)
    mmsi_upto = np.maximum.accumulate(np.where(b.mmsi_known[order], at_n, -1)) if n else at_n
    has_cls = np.fromiter(map(bool, map(_AIS_CLASS, pos)), bool, n)[order]
    cls_from = np.minimum.accumulate(np.where(has_cls, at_n, n)[::-1])[::-1] if n else at_n
    # Per quiet-capable detector and vessel: the position in order_l up to which the
    # detector has seen the vessel's rows. The rows after it and before the vessel's
    # current row - quiet rows, and hot rows it was not hot for - it gets in one
    # quiet_rows call when it next needs the vessel: at its next hot row, before another
    # detector's hot row (unless it may defer them: Detector.defer_quiet), before an
    # identity report, at the end of the batch.
    seen: list[list[int]] = [ptr.copy() for _ in quiet_dets]
    # The zone-only transitions by their position in order_l: positions, zones, times.
    rank = np.empty(n, dtype=np.int64)
    rank[order] = at_n
    zo_by = np.argsort(rank[zone_only])
    zo_pos: list[int] = rank[zone_only][zo_by].tolist()
    zo_in = list(map(b.zone_ids_of(zone_only).__getitem__, zo_by.tolist()))
    zo_out = list(map(b.zone_ids_of(zone_only, outer=True).__getitem__, zo_by.tolist()))
    zo_ts: list[int] = ts[zone_only][zo_by].tolist()

    def move(vs: VesselState, k: int, e: int) -> None:
        """The zone-only transitions among a vessel's rows at positions [k, e)."""
        for q in range(bisect_left(zo_pos, k), bisect_left(zo_pos, e)):
            move_zones(vs.zones, zo_in[q], zo_out[q], zo_ts[q])

    def catch_up(j: int, c: int, e: int) -> None:
        """Quiet-capable detector ``j`` gets vessel ``c``'s rows it has not seen before
        position ``e`` of order_l."""
        sj = seen[j]
        if sj[c] < e:
            quiet_dets[j].quiet_rows(st_list[c], b, order_l[sj[c] : e])
            sj[c] = e

    def fold(c: int, upto: int, hot_for: tuple[bool, ...] | None = None) -> None:
        """Bring vessel ``c``'s state up to (not including) row ``upto``: before hot row
        ``upto`` (``hot_for``: which quiet-capable detectors are hot there) the quiet rows
        for the detectors that cannot wait, before an identity report every row."""
        k = ptr[c]
        # a vessel's rows are in increasing order within order_l[ptr[c]:end[c]]
        e = end[c] if upto >= n else bisect_left(order_l, upto, k, end[c])
        vs = st_list[c]
        for j in range(len(quiet_dets)):
            if hot_for is not None and (hot_for[j] or defer[j]):
                continue  # it gets them with its hot row, or later
            catch_up(j, c, e)
        if e <= k:
            return
        ptr[c] = e
        if zo_pos:
            move(vs, k, e)
        vs.last = last_of(order_l[e - 1])
        if vs.first_ts_ms is None:
            vs.first_ts_ms = pos[order_l[k]].ts_ms
        vs.n_fixes += e - k
        if (mu := int(mmsi_upto[e - 1])) >= k:
            vs.static["mmsi"] = pos[order_l[mu]].mmsi
        if "ais_class" not in vs.static and (cu := int(cls_from[k])) < e:
            vs.static["ais_class"] = pos[order_l[cu]].ais_class

    # The hot rows' columns as lists (cheap per-row reads), indexed by the row's rank hk.
    hot_idx = np.flatnonzero(hot)
    # Shore distances the per-fix path reads, in one query: hot rows, and the last row of
    # each run of quiet rows (before a hot row, at the end of the batch) for quiet_rows.
    before_hot = prev[hot_idx]
    last_rows = order[np.r_[starts[1:], n] - 1] if n else hot_idx  # each vessel's last
    shore.at(np.concatenate([hot_idx, before_hot[before_hot >= 0], last_rows]))
    hot_l: list[int] = hot_idx.tolist()
    # Per hot row, which detectors are hot there: rows share a few combinations, each
    # planned once - (detector, its quiet index or -1) in order, and the quiet ones' flags.
    key = np.zeros(hot_idx.size, dtype=object if len(dets) > 62 else np.int64)
    for j, mk in enumerate(masks):
        key += (1 << j) if mk is None else mk[hot_idx].astype(key.dtype) << j
    combos, combo_of = np.unique(key, return_inverse=True)
    waking = set(pl.waking)
    plans = []
    for cb in combos.tolist():
        run = tuple((d, qi.get(d, -1)) for j, d in enumerate(dets) if cb >> j & 1)
        plans.append(
            (
                run,
                tuple(bool(cb >> dets.index(d) & 1) for d in quiet_dets),
                tuple(x for x in run if x[0] in waking),
            )
        )
    combo_h: list[int] = combo_of.reshape(-1).tolist()
    vc_h: list[int] = vc[hot_idx].tolist()
    hp_h: list[bool] = has_prev[hot_idx].tolist()
    zt_h: list[bool] = transition[hot_idx].tolist()
    dt_h: list[float] = dt[hot_idx].tolist()
    dist_h: list[float] = dist[hot_idx].tolist()
    implied_h: list[float] = implied[hot_idx].tolist()
    shore_h: list[float] = shore.at(hot_idx).tolist()
    zin_h = b.zone_ids_of(hot_idx)
    zout_h = b.zone_ids_of(hot_idx, outer=True)
    events: list[tuple[int, int, Any]] = [(rec_of[u], 0, k) for k, u in enumerate(hot_l)]
    if len(p_all) < len(recs):
        statics = np.flatnonzero(~is_pos).tolist()
        fixes_at = set(zip(vc.tolist(), ts.tolist(), strict=True))
        news = _changed_statics(recs, statics, states, fixes_at, codes)
        pl.stats["static_reports"] += len(statics) - len(news)
        pl.stats["static_unchanged"] += len(statics) - len(news)
        events += [(i, 1, recs[i]) for i in news]
    events.sort(key=lambda e: e[0])
    alerts: list[Alert] = []
    ctx = pl.ctx
    for i, kind, item in events:
        if kind == 1:  # an identity report
            r: StaticData = item
            c = codes[r.vessel]
            fold(c, bisect_left(rec_of, i))
            vs = st_list[c]
            alerts.extend(pl.timers_due(vs, r.ts_ms))
            pl.stats["static_reports"] += 1
            for det in dets:
                alerts.extend(det.on_static(r, vs, ctx))
            vs.static.update(r.fields())
            if r.mmsi is not None:
                vs.static["mmsi"] = r.mmsi
            continue
        hk: int = item  # the row's rank among the hot rows
        u = hot_l[hk]
        c = vc_h[hk]
        run, hot_for, wake = plans[combo_h[hk]]
        if order_l[ptr[c]] != u:  # quiet rows of the vessel before this one
            fold(c, u, hot_for)
        at = ptr[c]  # row u's position in order_l
        ptr[c] = at + 1  # row u itself, handled here
        vs = st_list[c]
        p = pos[u]
        # Timers due before this fix, on the detector's state brought up to it (a timer
        # falls due only before a row hot for its detector: Detector.wake_at).
        for d, j in wake:
            if j >= 0:
                catch_up(j, c, at)
            alerts.extend(pl.timers_due(vs, p.ts_ms, (d,)))
        hp = hp_h[hk]
        fix = Fix(
            pos=p,
            sog_kn=sog_at(u),
            cog_deg=cog_at(u),
            dt_s=dt_h[hk] if hp else None,
            dist_m=dist_h[hk] if hp else None,
            implied_kn=implied_h[hk] if hp else None,
            zones=zin_h[hk],
            zones_outer=zout_h[hk],
            dist_shore_m=shore_h[hk],
            crossings=tuple(crossings.get(u, ())),
            prev=vs.last,
        )
        if zt_h[hk]:  # else no entry or exit (zone sets unchanged, or a band move)
            fix = zone_transitions(fix, vs)
        if p.mmsi is not None:
            vs.static["mmsi"] = p.mmsi
        for d, j in run:
            if j >= 0:
                catch_up(j, c, at)  # rows it has not seen before this one
                seen[j][c] = at + 1
            got = d.on_fix(fix, vs, ctx)
            if got:
                alerts.extend(got)
        record_fix(vs, fix)

    if zo_pos:  # the zone-only transitions after each vessel's last hot row
        zo_vc: list[int] = vc[order[zo_pos]].tolist()
        for q, (c, at) in enumerate(zip(zo_vc, zo_pos, strict=True)):
            if at >= ptr[c]:
                move_zones(st_list[c].zones, zo_in[q], zo_out[q], zo_ts[q])
    if n:
        _fold_rest(
            b,
            pos,
            quiet_dets,
            seen,
            sig_in,
            sig_out,
            (has_sig, s_in, s_out),
            starts,
            last_rows,
            ptr,
            end,
            lasts_of,
            mmsi_upto,
            cls_from,
        )
        if pl.keep_states:  # (replay's vessel count; the service keeps no such set)
            pl.vessels_seen.update([st_list[c].vessel for c in vs_sorted[starts].tolist()])
    pl.stats["positions"] += n
    return alerts


def _changed_statics(
    recs: Sequence[Position | StaticData],
    statics: list[int],
    states: dict[str, VesselState],
    fixes_at: set[tuple[int, int]],
    codes: dict[str, int],
) -> list[int]:
    """The identity reports (indices into ``recs``) that the detectors must see: all but
    those that repeat the vessel's identity as it stands and come with a fix of the vessel
    at the same time in this batch (a CSV row that is both). Such a report changes no
    state and raises nothing; a timer it would have let fire fires before that fix
    instead, at its own due time. Feeds that repeat identity on every row (MarineCadastre,
    flat JSON) then pay for identity per change, not per row."""
    current: dict[str, dict[str, Any]] = {}
    out = []
    for i in statics:
        r: StaticData = recs[i]  # type: ignore[assignment]
        static = current.get(r.vessel)
        if static is None:
            static = current[r.vessel] = dict(states[r.vessel].static)
        new = r.fields()
        same = all(static.get(k) == v for k, v in new.items())
        if same and (r.mmsi is None or static.get("mmsi") == r.mmsi):
            if (codes[r.vessel], r.ts_ms) in fixes_at:
                continue
        static.update(new)
        if r.mmsi is not None:
            static["mmsi"] = r.mmsi
        out.append(i)
    return out


def _fold_rest(
    b: FixBatch,
    pos: list[Position],
    quiet_dets: list[Detector],
    seen: list[list[int]],
    sig_in: npt.NDArray[np.uint64],
    sig_out: npt.NDArray[np.uint64],
    had: tuple[npt.NDArray[np.bool_], npt.NDArray[np.uint64], npt.NDArray[np.uint64]],
    starts: npt.NDArray[np.int64],
    last_row: npt.NDArray[np.int64],
    ptr: list[int],
    end: list[int],
    lasts_of: Callable[[list[int]], list[dict[str, Any]]],
    mmsi_upto: npt.NDArray[np.int64],
    cls_from: npt.NDArray[np.int64],
) -> None:
    """The end of a batch: each vessel's rows the quiet-capable detectors have not seen,
    each detector for all vessels at once (``Detector.quiet_spans``); its rows after its
    last hot one into the pipeline's own bookkeeping (last fix, fix count, identity the
    rows carry), with numpy; the zone signatures of every vessel whose signatures changed
    (``last_row``: each vessel's last row, in ``starts`` order; ``had``: which vessels had
    signatures as the batch began, and which)."""
    st_list = b.states
    had_sig, s_in, s_out = had  # (each vessel's signatures as the batch began)
    order = b.vessel_rows
    vcodes = b.vc[order[starts]]
    ptr_a = np.array(ptr, dtype=np.int64)[vcodes]
    end_a = np.array(end, dtype=np.int64)[vcodes]
    rest = ptr_a < end_a
    cs, lo, hi = vcodes[rest], ptr_a[rest], end_a[rest]
    for j, d in enumerate(quiet_dets):  # the rows each has not seen, up to the end
        s_a = np.array(seen[j], dtype=np.int64)[vcodes]
        some = s_a < end_a
        d.quiet_spans(b, vcodes[some], s_a[some], end_a[some])
    # per vessel, its last row with an MMSI, and its first with an AIS class, among the rest
    m_pos = mmsi_upto[hi - 1]
    mmsi_row = np.where(m_pos >= lo, order[np.maximum(m_pos, 0)], -1)
    c_pos = cls_from[lo]
    cls_row = np.where(c_pos < hi, order[np.minimum(c_pos, b.n - 1)], -1)
    si_a, so_a = sig_in[last_row], sig_out[last_row]
    changed = ~had_sig[vcodes] | (si_a != s_in[vcodes]) | (so_a != s_out[vcodes])
    for c, si, so in zip(
        vcodes[changed].tolist(), si_a[changed].tolist(), so_a[changed].tolist(), strict=True
    ):
        st_list[c].zsig = [si, so]
    for c, last, k, lo_k, mu, cu in zip(
        cs.tolist(),
        lasts_of(order[hi - 1].tolist()),
        (hi - lo).tolist(),
        lo.tolist(),
        mmsi_row.tolist(),
        cls_row.tolist(),
        strict=True,
    ):
        vs = st_list[c]
        vs.last = last
        if vs.first_ts_ms is None:
            vs.first_ts_ms = pos[order[lo_k]].ts_ms
        vs.n_fixes += k
        if mu >= 0:
            vs.static["mmsi"] = pos[mu].mmsi
        if cu >= 0 and "ais_class" not in vs.static:
            vs.static["ais_class"] = pos[cu].ais_class
