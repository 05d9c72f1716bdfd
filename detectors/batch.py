"""A batch of fixes as numpy columns, for the detectors' vectorised pre-filters.

The pipeline computes, for every position of a batch at once, what each fix needs (motion
since the vessel's previous fix, the geofence answers, crossings, zone changes). A detector's
``hot_rows`` looks at these columns and says which rows it must see one by one; the others
skip the per-fix Python entirely (``Detector.quiet_rows`` applies any routine bookkeeping in
bulk). Pure data and numpy: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import repeat
from operator import attrgetter, contains
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from detectors.base import VesselState
    from detectors.geofence import ZoneSet

__all__ = ["FixBatch", "ShoreDistance", "group_order", "prev_in_group", "run_starts"]

Bool = npt.NDArray[np.bool_]
_ZONES = attrgetter("zones")
_NO_STATE: dict[str, Any] = {}  # (never written: a stand-in for a vessel with no state)
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


def group_order(codes: I64) -> I64:
    """The rows stably sorted by code (``np.argsort(codes, kind="stable")``) for codes in
    [0, 2**32) - a batch's vessel indices: numpy sorts 16-bit keys by radix, in linear time,
    so a least-significant-digit radix sort of two 16-bit passes beats its merge sort of the
    64-bit codes about threefold."""
    top = int(codes.max()) if codes.size else -1
    if codes.size == 0 or int(codes.min()) < 0 or top >= 1 << 32:
        return np.argsort(codes, kind="stable")
    if top < 1 << 16:
        return np.argsort(codes.astype(np.uint16), kind="stable")
    low = np.argsort((codes & 0xFFFF).astype(np.uint16), kind="stable")
    return low[np.argsort((codes[low] >> 16).astype(np.uint16), kind="stable")]


def prev_in_group(codes: I64, order: I64 | None = None) -> I64:
    """For each row, the index of the previous row with the same code (rows are in event-time
    order), or -1 for the first row of its code. ``order``: the rows stably sorted by code,
    when the caller has it already."""
    if order is None:
        order = group_order(codes)
    cs = codes[order]
    same = cs[1:] == cs[:-1]
    prev = np.full(codes.size, -1, dtype=np.int64)
    prev[order[1:][same]] = order[:-1][same]
    return prev


def run_starts(*keys: npt.NDArray[Any]) -> Bool:
    """For rows sorted by ``keys``: whether each starts a run of equal keys (differs from the
    row before in some key; the first row does)."""
    out = np.ones(keys[0].size, dtype=bool)
    if out.size > 1:
        diff = keys[0][1:] != keys[0][:-1]
        for k in keys[1:]:
            diff |= k[1:] != k[:-1]
        out[1:] = diff
    return out


class ShoreDistance:
    """The signed distance to shore of a batch's rows (``ZoneSet.dist_shore_m``), computed
    only for the rows someone asks about, each once: most detectors need it only for slow
    or inland fixes, and the tree query is the costliest part of the geofence."""

    # Below this many rows every row is computed at once: each query has a fixed cost
    # (~0.3 ms) that several small ones per batch would pay again and again.
    EAGER_ROWS = 4096

    def __init__(self, fn: Callable[[F64, F64], F64], lon: F64, lat: F64) -> None:
        self._fn, self._lon, self._lat = fn, lon, lat
        if lon.size <= self.EAGER_ROWS:
            self._d = np.asarray(fn(lon, lat), dtype=np.float64)
            self._done = np.ones(lon.size, dtype=bool)
        else:
            self._d = np.full(lon.size, np.nan)
            self._done = np.zeros(lon.size, dtype=bool)

    @classmethod
    def known(cls, values: F64) -> ShoreDistance:
        """Distances already computed for every row."""
        v = np.asarray(values, dtype=np.float64)
        sd = cls.__new__(cls)
        sd._fn, sd._lon, sd._lat = (lambda x, y: v), v, v  # never called: all done
        sd._d, sd._done = v, np.ones(v.size, dtype=bool)
        return sd

    def at(self, rows: I64) -> F64:
        """The distances of these rows."""
        todo = rows[~self._done[rows]]
        if todo.size:
            todo = np.unique(todo)
            self._d[todo] = self._fn(self._lon[todo], self._lat[todo])
            self._done[todo] = True
        return self._d[rows]

    def where(self, mask: Bool) -> F64:
        """Every row's distance where ``mask`` holds, NaN elsewhere (compares False)."""
        self.at(np.flatnonzero(mask))
        return np.where(mask, self._d, np.nan)

    def one(self, row: int) -> float:
        """One row's distance (computed now unless asked for before: ask in bulk first)."""
        if not self._done[row]:
            self.at(np.array([row]))
        return float(self._d[row])


@dataclass
class FixBatch:
    """The used positions of one batch, in event-time order (row ``k`` is the k-th fix).

    Per row: vessel code ``vc`` (index into ``states``), time, position, effective speed
    (reported, else derived; NaN unknown), motion since the previous fix of the same vessel
    (NaN for a vessel's first fix ever), signed distance to shore (computed on demand),
    whether a boundary line was crossed, whether the set of zones around the vessel
    changed, and whether that change may enter or leave a zone.
    """

    zones: ZoneSet
    states: list[VesselState]
    vc: I64
    ts: I64
    lat: F64
    lon: F64
    sog: F64
    dt_s: F64
    dist_m: F64
    implied_kn: F64
    shore: ShoreDistance
    has_prev: Bool
    crossing: Bool
    zone_change: Bool
    # Rows where the vessel may enter or leave a zone: a zone change other than a mere move
    # into or out of a zone's hysteresis band (such a move changes the zone sets, yet
    # neither enters nor leaves anything: see stream/columnar.py).
    zone_transition: Bool
    mmsi_known: Bool
    inner_pt: I64
    inner_zone: I64
    outer_pt: I64
    outer_zone: I64
    # The shared view (cross-vessel state) when the batch runs against a local one whose
    # whole content a detector may read (``SharedView.bucket_points``); None otherwise.
    shared: Any = None
    # The rows stably sorted by vessel, when the pipeline has it already (else computed).
    vessel_order: I64 | None = None
    # Each row's previous row of its vessel in the batch, or -1 (``prev_in_group``), when
    # the pipeline has it already (else computed).
    prev_rows: I64 | None = None
    # Whether the feed carries identities at all (``Context.identity_feed``).
    identity_feed: bool = True
    # What a detector's hot_rows planned, for its quiet_rows of the same batch (by key).
    plans: dict[Any, Any] = field(default_factory=dict)
    _kind_cache: dict[Any, Any] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return int(self.ts.size)

    @cached_property
    def ts_list(self) -> list[int]:
        return self.ts.tolist()

    def times_of(self, rows: list[int]) -> list[int]:
        """The times of some rows of one vessel, in order: a slice of a vessel-ordered copy
        when they are consecutive fixes of it (the usual case: no Python per row)."""
        rank, by_vessel = self._vessel_ordered_ts
        k = int(rank[rows[0]])
        if rank[rows[-1]] - k == len(rows) - 1:
            return by_vessel[k : k + len(rows)]
        ts = self.ts_list
        return [ts[u] for u in rows]

    @cached_property
    def _vessel_ordered_ts(self) -> tuple[I64, list[int]]:
        order = self._groups[0]
        rank = np.empty(self.n, dtype=np.int64)  # (read twice per call: no list of it)
        rank[order] = np.arange(self.n)
        return rank, self.ts_by_vessel

    @cached_property
    def ts_by_vessel(self) -> list[int]:
        """The times in ``order_list`` order: ``ts_by_vessel[lo:hi]`` are the times of the
        rows ``order_list[lo:hi]``."""
        return self.ts[self._groups[0]].tolist()

    @property
    def vessel_rows(self) -> I64:
        """The rows stably sorted by vessel (each vessel's rows in time order)."""
        return self._groups[0]

    @cached_property
    def order_list(self) -> list[int]:
        """The rows stably sorted by vessel (each vessel's rows in time order), as a list."""
        return self._groups[0].tolist()

    def zone_ids_at(self, row: int, outer: bool = False) -> tuple[str, ...]:
        """Ids of the zones around one row (``outer``: within their exit hysteresis), in
        zone order."""
        pt, zn = (self.outer_pt, self.outer_zone) if outer else (self.inner_pt, self.inner_zone)
        a, z = np.searchsorted(pt, (row, row + 1)).tolist()
        zones = self.zones.zones
        return tuple(zones[k].id for k in zn[a:z].tolist())

    def zone_ids_of(self, rows: I64, outer: bool = False) -> list[tuple[str, ...]]:
        """``zone_ids_at`` for many rows at once (``rows`` in increasing order), from the
        (row, zone) pairs, which come sorted by row."""
        pt, zn = (self.outer_pt, self.outer_zone) if outer else (self.inner_pt, self.inner_zone)
        a = np.searchsorted(pt, rows)
        cnt = np.searchsorted(pt, rows + 1) - a
        ids = [z.id for z in self.zones.zones]
        # each row's pairs a .. a + cnt - 1, concatenated
        at = np.repeat(a - (np.cumsum(cnt) - cnt), cnt) + np.arange(int(cnt.sum()))
        names = [ids[z] for z in zn[at].tolist()]
        out: list[tuple[str, ...]] = []
        k = 0
        for c in cnt.tolist():
            out.append(tuple(names[k : k + c]))
            k += c
        return out

    @cached_property
    def _groups(self) -> tuple[I64, I64, I64]:
        """The rows by vessel (``vessel_rows``), each one's group number in that order, and
        where each group starts."""
        order = self.vessel_order
        if order is None:
            order = group_order(self.vc)
        starts = run_starts(self.vc[order])
        return order, np.cumsum(starts) - 1, np.flatnonzero(starts)

    def in_kinds(self, kinds: frozenset[str], outer: bool = False) -> Bool:
        """Rows inside (``outer``: within the exit hysteresis of) a zone of these kinds."""
        return self._rows_where(("kind", kinds), outer)

    def in_zone_ids(self, ids: frozenset[str], outer: bool = False) -> Bool:
        """Rows inside (``outer``: within the hysteresis of) one of these zones."""
        return self._rows_where(("id", ids), outer)

    def _rows_where(self, which: tuple[str, frozenset[str]], outer: bool) -> Bool:
        key = (which, outer)
        got = self._kind_cache.get(key)
        if got is None:
            got = self._kind_cache[key] = self._rows_in(self.zones.zone_mask(*which), outer)
        return got

    def _rows_in(self, zmask: Bool, outer: bool) -> Bool:
        pt, zn = (self.outer_pt, self.outer_zone) if outer else (self.inner_pt, self.inner_zone)
        out = np.zeros(self.n, dtype=bool)
        if zmask.size:
            out[pt[zmask[zn]]] = True
        return out

    def per_vessel(
        self, name: str, fn: Callable[[dict[str, Any]], bool], absent: bool = False
    ) -> Bool:
        """A test of each vessel's state for detector ``name`` (``absent`` where it has none),
        at the start of the batch, spread to the vessel's rows."""
        flags = np.array([fn(d[name]) if name in d else absent for d in self.dets], dtype=bool)
        return flags[self.vc] if flags.size else np.zeros(self.n, dtype=bool)

    def per_vessel_has(self, name: str, *keys: str) -> Bool:
        """``vessel_has`` spread to each vessel's rows: the ``per_vessel`` test for flags a
        detector keeps by presence, with no Python per vessel."""
        return self.vessel_has(name, *keys)[self.vc]

    def vessel_has(self, name: str, *keys: str) -> Bool:
        """Per vessel (by code), whether its state for detector ``name`` holds one of
        ``keys`` (False where it has none), at the start of the batch."""
        sts, nv = self._det_states(name), len(self.states)
        flags = np.zeros(nv, dtype=bool)
        for k in keys:
            flags |= np.fromiter(map(contains, sts, repeat(k)), bool, nv)
        return flags

    def vessel_values(self, name: str, key: str, default: Any) -> list[Any]:
        """Per vessel (by code), ``key`` of its state for detector ``name`` (``default``
        where it has none, or no such key), at the start of the batch."""
        return list(map(dict.get, self._det_states(name), repeat(key), repeat(default)))

    def _det_states(self, name: str) -> list[dict[str, Any]]:
        """Each vessel's state for detector ``name``, as the batch starts (an empty
        stand-in for none)."""
        key = ("det", name)
        got = self._kind_cache.get(key)
        if got is None:
            got = self._kind_cache[key] = list(
                map(dict.get, self.dets, repeat(name), repeat(_NO_STATE))
            )
        return got

    @cached_property
    def dets(self) -> list[dict[str, dict[str, Any]]]:
        """Each vessel's detector states (``states[c].det``), by vessel code."""
        return [s.det for s in self.states]

    def first(self, mask: Bool) -> Bool:
        """Only each vessel's first True row (within the batch)."""
        return mask & (self.running_count(mask) == 1)

    def from_first(self, mask: Bool) -> Bool:
        """True from each vessel's first True row onward (within the batch)."""
        return self.running_count(mask) > 0

    @cached_property
    def first_in_batch(self) -> Bool:
        """Rows that are their vessel's first in the batch."""
        return self._prev_rows < 0

    def may_enter_or_exit(self, inside: Bool | None, within: Bool | None) -> Bool:
        """Rows that may enter or leave a zone of interest: where the vessel may enter or
        leave any (``zone_transition``) and, to enter one, is inside one (``inside``: rows
        inside a zone of interest; None: no zone can be entered), or, to leave one, was
        within one (``within``: rows within the hysteresis of one; None: none can be left)
        after its previous fix - a vessel's first row of the batch counts if its state holds
        any zone, its previous fix being in its state."""
        may = np.zeros(self.n, dtype=bool) if inside is None else inside
        if within is not None:
            in_some = np.fromiter(map(bool, map(_ZONES, self.states)), bool, len(self.states))
            may = may | self.after(within) | (self.first_in_batch & in_some[self.vc])
        return self.zone_transition & may

    def after(self, mask: Bool) -> Bool:
        """Per row, whether its vessel's previous row in the batch is True (False for a
        vessel's first row in the batch)."""
        prev = self._prev_rows
        return (prev >= 0) & mask[prev]  # (mask[-1] for a first row: masked out)

    @cached_property
    def _prev_rows(self) -> I64:
        if self.prev_rows is not None:
            return self.prev_rows
        return prev_in_group(self.vc, self.vessel_rows)

    def running_count(self, mask: Bool) -> I64:
        """Per row, how many True rows its vessel has up to and including it."""
        if not mask.any():
            return np.zeros(self.n, dtype=np.int64)
        order, gid, starts = self._groups
        m = mask[order].astype(np.int64)
        cs = np.cumsum(m)
        before = (cs - m)[starts]
        out = np.empty(self.n, dtype=np.int64)
        out[order] = cs - before[gid]
        return out
