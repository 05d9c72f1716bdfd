"""The Detector extension point, the per-vessel state it works on, and deterministic alerts.

A detector is an event-time state machine (after bytewax's stateful operators):
``on_fix`` for each position of a vessel in event-time order, ``on_static`` for identity
reports, ``on_timer`` when the watermark passes the time the detector asked to be woken
(``wake_at``). Its per-vessel state is a JSON-able dict in ``VesselState.det[name]``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, Protocol, cast

from stream.models import SEVERITIES, Alert, Position, Severity, StaticData, Status

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from detectors.batch import I64, FixBatch
    from detectors.geofence import Crossing, ZoneSet

__all__ = ["Context", "Detector", "Fix", "SharedView", "VesselState", "alert_id"]


def alert_id(
    type_: str, vessel: str, start_ms: int, key: str = "", other: str | None = None
) -> str:
    """Deterministic id: the same condition on the same input always has the same id."""
    h = hashlib.sha1(
        f"{type_}|{vessel}|{other or ''}|{key}|{start_ms}".encode(), usedforsecurity=False
    )
    return f"{type_[:3]}-{h.hexdigest()[:20]}"


@dataclass(slots=True)
class VesselState:
    """Everything seaguard remembers about one vessel; persisted between batches."""

    vessel: str
    last: dict[str, Any] | None = None  # ts_ms, lat, lon, sog_kn, cog_deg of the last fix
    static: dict[str, Any] = field(default_factory=dict)  # latest identity fields
    n_fixes: int = 0
    first_ts_ms: int | None = None  # time of the first fix seen
    zones: dict[str, int] = field(default_factory=dict)  # zone id → entry time (ms)
    det: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Signatures of the zone sets (inside, within hysteresis) at the last fix: the columnar
    # path compares them to know, without Python per fix, that no zone was entered or left.
    zsig: list[int] | None = None

    def for_detector(self, name: str) -> dict[str, Any]:
        d = self.det.get(name)
        if d is None:
            d = self.det[name] = {}
        return d

    def to_dict(self) -> dict[str, Any]:
        return {
            "v": self.vessel,
            "l": self.last,
            "s": self.static,
            "n": self.n_fixes,
            "first_ts_ms": self.first_ts_ms,
            "z": self.zones,
            "d": {k: v for k, v in self.det.items() if v},
            **({"g": self.zsig} if self.zsig is not None else {}),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> VesselState:
        return cls(
            vessel=d["v"],
            last=d.get("l"),
            static=d.get("s") or {},
            n_fixes=int(d.get("n", 0)),
            first_ts_ms=d.get("first_ts_ms"),
            zones=d.get("z") or {},
            det=d.get("d") or {},
            zsig=d.get("g"),
        )


class Fix(NamedTuple):
    """A position enriched by the pipeline: motion since the previous fix and geofence answers.

    A NamedTuple (like ``Position``): typed and immutable, and built several times faster
    than a frozen dataclass - one is built for every fix the per-fix path sees. Copies with
    ``fix._replace(...)``.
    """

    pos: Position
    sog_kn: float | None  # reported, else derived from the previous fix
    cog_deg: float | None
    dt_s: float | None  # since the previous fix of this vessel
    dist_m: float | None  # great-circle distance from the previous fix
    implied_kn: float | None  # dist / dt
    zones: tuple[str, ...] = ()  # ids of zones containing the position
    zones_outer: tuple[str, ...] = ()  # ids of zones within the exit hysteresis
    crossings: tuple[Crossing, ...] = ()  # boundary lines crossed since the previous fix
    entered: tuple[str, ...] = ()  # zones entered with this fix
    exited: tuple[str, ...] = ()  # zones left with this fix (beyond the hysteresis)
    dist_shore_m: float = math.nan  # NaN when outside the land data's coverage
    prev: dict[str, Any] | None = None  # the previous fix (VesselState.last before this one)

    @property
    def ts_ms(self) -> int:
        return self.pos.ts_ms

    @property
    def lat(self) -> float:
        return self.pos.lat

    @property
    def lon(self) -> float:
        return self.pos.lon


class SharedView(Protocol):
    """Cross-vessel state shared by all consumers (Redis in the service, memory in replay)."""

    def bucket_put(
        self, bucket: int, vessel: str, lat: float, lon: float, data: dict[str, Any]
    ) -> None: ...

    def bucket_near(
        self, bucket: int, lat: float, lon: float, radius_m: float
    ) -> list[tuple[str, dict[str, Any]]]: ...

    def pair_get(self, key: str) -> dict[str, Any] | None: ...

    def pair_set(self, key: str, value: dict[str, Any]) -> None: ...

    def reception_counts(self, keys: Sequence[tuple[int, int]]) -> list[int]: ...


@dataclass(slots=True)
class Context:
    """What a detector may consult besides its own vessel: zones, the shared view (which
    holds the reception model, detectors/reception.py), and whether the feed carries
    identities at all. ``identity_feed`` False (an anonymised or position-only feed): a
    vessel without static data is of unknown identity, not an unidentified craft."""

    zones: ZoneSet
    shared: SharedView
    identity_feed: bool = True


class Detector(ABC):
    """One ABC per extension point: subclasses implement ``on_fix`` (and optionally more)."""

    name: ClassVar[str]
    version: ClassVar[str] = "1"
    # True when quiet_rows reads nothing but this detector's own state and the batch (not
    # vs.last, vs.zones, nor the mmsi or ais_class that fixes set in vs.static; identity
    # fields are fine: every detector is brought up to date before an identity report): the
    # columnar path may then hold a vessel's quiet rows back past hot rows of other
    # detectors and apply them in one call later.
    defer_quiet: ClassVar[bool] = False

    def __init__(self, params: Any = None) -> None:
        self.params = params if params is not None else self.default_params()
        self._described: tuple[Any, dict[str, Any]] | None = None

    @classmethod
    @abstractmethod
    def default_params(cls) -> Any:
        """The parameter dataclass with its documented defaults."""

    @abstractmethod
    def on_fix(self, fix: Fix, vs: VesselState, ctx: Context) -> list[Alert]:
        """A new position of ``vs.vessel`` (state already holds the previous fix)."""

    def on_static(self, st: StaticData, vs: VesselState, ctx: Context) -> list[Alert]:
        """An identity report; ``vs.static`` still holds the previous identity."""
        return []

    def on_timer(self, now_ms: int, vs: VesselState, ctx: Context) -> list[Alert]:
        """Event time reached ``wake_at`` (``now_ms``) with no report of the vessel since:
        it runs before the vessel's next report at or after that time, or once the
        watermark passes it - never later in event time, wherever batches end."""
        return []

    def wake_at(self, vs: VesselState) -> int | None:
        """Event time at which ``on_timer`` should run for this vessel, if any.

        With ``hot_rows``: a fix at or after this time must be hot for the detector (the
        columnar path checks the timer only before the detector's own hot rows)."""
        return None

    # -- the columnar fast path (optional) ------------------------------------------------------
    def hot_rows(self, b: FixBatch) -> npt.NDArray[np.bool_] | None:
        """Vectorised pre-filter: which rows of the batch this detector must see through
        ``on_fix``. None (the default) means every row. A row left out must be one on which
        ``on_fix`` would raise nothing and change nothing - or whose change ``quiet_rows``
        applies. A superset is always safe; the pipeline's equivalence test holds each
        detector to it."""
        return None

    def quiet_rows(self, vs: VesselState, b: FixBatch, rows: list[int]) -> None:  # noqa: B027
        """Apply, in order, the routine bookkeeping of rows ``hot_rows`` left out."""

    def quiet_spans(self, b: FixBatch, vessels: I64, lo: I64, hi: I64) -> None:
        """``quiet_rows`` for many vessels at once (the end of a batch): vessel ``vessels[k]``
        (a code into ``b.states``) and its rows ``b.order_list[lo[k]:hi[k]]``, consecutive
        fixes of it that this detector has not seen. The default calls ``quiet_rows`` per
        vessel; a detector overrides it to skip, with numpy, the vessels with nothing to do
        or to vectorise its bookkeeping."""
        if type(self).quiet_rows is Detector.quiet_rows:
            return
        order, st = b.order_list, b.states
        for c, a, z in zip(vessels.tolist(), lo.tolist(), hi.tolist(), strict=True):
            self.quiet_rows(st[c], b, order[a:z])

    # -- helpers for subclasses --------------------------------------------------------------
    def describe(self) -> dict[str, Any]:
        """Name, version and parameters, as every alert carries them. Parameters are frozen
        dataclasses, so the description is built once per parameter object and shared by the
        alerts (``dataclasses.asdict`` per alert cost more than the rest of the alert)."""
        params: Any = self.params
        got = self._described
        if got is not None and got[0] is params:
            return got[1]
        is_instance = dataclasses.is_dataclass(params) and not isinstance(params, type)
        p = dataclasses.asdict(params) if is_instance else {}
        desc = {"name": self.name, "version": self.version, "params": p}
        self._described = (params, desc)
        return desc

    def point_alert(
        self,
        type_: str,
        vs: VesselState,
        fix: Fix,
        *,
        severity: str,
        summary: str,
        evidence: dict[str, Any],
        zone_ids: tuple[str, ...] | None = None,
        key: str = "",
    ) -> Alert:
        """An instantaneous alert raised by one fix (closed at once, start = end = fix time)."""
        return self.alert(
            type_,
            vs,
            status="closed",
            severity=severity,
            ts_ms=fix.ts_ms,
            start_ms=fix.ts_ms,
            end_ms=fix.ts_ms,
            lat=fix.lat,
            lon=fix.lon,
            zone_ids=tuple(vs.zones) if zone_ids is None else zone_ids,
            key=key,
            summary=summary,
            evidence=evidence,
        )

    def alert(
        self,
        type_: str,
        vs: VesselState,
        *,
        status: Status,
        severity: str,
        ts_ms: int,
        start_ms: int,
        end_ms: int | None,
        lat: float,
        lon: float,
        summary: str,
        evidence: dict[str, Any],
        zone_ids: tuple[str, ...] = (),
        key: str = "",
        other: str | None = None,
        other_mmsi: int | None = None,
    ) -> Alert:
        mmsi = vs.static.get("mmsi")
        if severity not in SEVERITIES:
            raise ValueError(f"unknown severity {severity!r}")
        return Alert(
            alert_id=alert_id(type_, vs.vessel, start_ms, key, other),
            type=type_,
            status=status,
            severity=cast(Severity, severity),
            vessel=vs.vessel,
            mmsi=mmsi if isinstance(mmsi, int) else None,
            other_vessel=other,
            other_mmsi=other_mmsi,
            ts_ms=ts_ms,
            start_ms=start_ms,
            end_ms=end_ms,
            lat=lat,
            lon=lon,
            zone_ids=zone_ids,
            summary=summary,
            evidence=evidence,
            detector=self.describe(),
        )


def fix_evidence(fix: Fix) -> dict[str, Any]:
    """A compact, JSON-able description of one fix for alert evidence."""
    from stream.timeutil import iso

    d: dict[str, Any] = {"ts": iso(fix.ts_ms), "lat": round(fix.lat, 6), "lon": round(fix.lon, 6)}
    if fix.sog_kn is not None:
        d["sog_kn"] = round(fix.sog_kn, 2)
    if fix.implied_kn is not None:
        d["implied_kn"] = round(fix.implied_kn, 1)
    return d
