"""Typed, frozen messages that flow through the pipeline. Units are in the field names."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

__all__ = [
    "SEVERITIES",
    "Alert",
    "Position",
    "StaticData",
    "severity_rank",
]

SEVERITIES: tuple[str, ...] = ("info", "low", "medium", "high", "critical")
Severity = Literal["info", "low", "medium", "high", "critical"]
Status = Literal["open", "update", "closed"]


def severity_rank(severity: str) -> int:
    """0 for ``info`` … 4 for ``critical``; unknown severities rank as ``info``."""
    try:
        return SEVERITIES.index(severity)
    except ValueError:
        return 0


class Position(NamedTuple):
    """One vessel position report.

    ``vessel`` is the vessel key (the MMSI as a string when the feed has one, otherwise the
    feed's own id); ``mmsi`` is set only when the id is a plausible 9-digit MMSI.

    A NamedTuple rather than a frozen dataclass: equally typed and immutable, and built
    three to four times faster - decoders make one per record, millions per replay (bench/).
    Copy with changes by ``p._replace(lat=...)``.
    """

    vessel: str
    ts_ms: int
    lat: float
    lon: float
    mmsi: int | None = None
    sog_kn: float | None = None
    cog_deg: float | None = None
    heading_deg: float | None = None
    nav_status: int | None = None
    ais_class: str | None = None  # "A" or "B" when known
    source: str | None = None
    derived_motion: bool = False  # sog/cog computed from consecutive fixes

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self._asdict().items() if v is not None}


@dataclass(frozen=True, slots=True)
class StaticData:
    """Vessel identity and voyage data (AIS types 5, 19, 24 or CSV/JSON columns)."""

    vessel: str
    ts_ms: int
    mmsi: int | None = None
    name: str | None = None
    callsign: str | None = None
    imo: int | None = None
    ship_type: int | None = None
    length_m: float | None = None
    width_m: float | None = None
    ais_class: str | None = None

    def fields(self) -> dict[str, Any]:
        """The identity fields that are present (without vessel/ts)."""
        out = {}
        for k in ("name", "callsign", "imo", "ship_type", "length_m", "width_m", "ais_class"):
            v = getattr(self, k)
            if v is not None and v != "":
                out[k] = v
        return out


@dataclass(frozen=True, slots=True)
class Alert:
    """An explainable alert (JSON Schema ``seaguard.alert/1`` in ``config/schemas``)."""

    alert_id: str
    type: str
    status: Status
    severity: Severity
    vessel: str
    ts_ms: int
    start_ms: int
    end_ms: int | None
    lat: float
    lon: float
    summary: str
    detector: dict[str, Any]
    mmsi: int | None = None
    other_vessel: str | None = None
    other_mmsi: int | None = None
    zone_ids: tuple[str, ...] = ()
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from stream.timeutil import iso

        return {
            "schema": "seaguard.alert/1",
            "alert_id": self.alert_id,
            "type": self.type,
            "status": self.status,
            "severity": self.severity,
            "vessel": self.vessel,
            "mmsi": self.mmsi,
            "other_vessel": self.other_vessel,
            "other_mmsi": self.other_mmsi,
            "start": iso(self.start_ms),
            "end": iso(self.end_ms) if self.end_ms is not None else None,
            "ts": iso(self.ts_ms),
            "lat": round(self.lat, 6),
            "lon": round(self.lon, 6),
            "zone_ids": list(self.zone_ids),
            "summary": self.summary,
            "evidence": self.evidence,
            "detector": self.detector,
        }
