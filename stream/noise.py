"""Alert noise on recorded traffic: alerts per 1000 vessel-hours, by type and severity.

A recording has no labels, so precision cannot be measured on it; the rate of alerts a
watch officer would have to read can. Vessel-hours count only time a vessel was being
heard: the spans between consecutive fixes of one vessel, each capped at one hour, so a
vessel seen at 08:00 and again at 20:00 adds one hour, not twelve (a silent vessel is not
being watched).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stream.decode.common import Record
from stream.models import SEVERITIES, Alert, Position

__all__ = ["HEARD_SPAN_CAP_MS", "NoiseReport", "heard_vessel_hours", "noise_of_file"]

HEARD_SPAN_CAP_MS = 3_600_000
_AT_LEAST_MEDIUM = frozenset(SEVERITIES[SEVERITIES.index("medium") :])


def heard_vessel_hours(records: Sequence[Record]) -> float:
    """Hours during which each vessel was heard, summed (see the module docstring)."""
    last: dict[str, int] = {}
    total_ms = 0
    for r in records:
        if not isinstance(r, Position):
            continue
        before = last.get(r.vessel)
        if before is not None:
            total_ms += min(max(r.ts_ms - before, 0), HEARD_SPAN_CAP_MS)
        last[r.vessel] = r.ts_ms
    return total_ms / 3.6e6


@dataclass
class NoiseReport:
    """One recording's alerts (latest update of each id) against its vessel-hours."""

    file: str
    vessel_hours: float
    vessels: int
    by_type_severity: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.by_type_severity.values())

    def count(self, severities: frozenset[str]) -> int:
        return sum(n for (_, sev), n in self.by_type_severity.items() if sev in severities)

    def per_1000_vh(self, n: int) -> float:
        return 1000.0 * n / self.vessel_hours if self.vessel_hours > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        medium_up = self.count(_AT_LEAST_MEDIUM)
        return {
            "file": self.file,
            "vessels": self.vessels,
            "vessel_hours": round(self.vessel_hours, 1),
            "alerts": self.total,
            "medium_or_above": medium_up,
            "medium_or_above_per_1000_vh": round(self.per_1000_vh(medium_up), 2),
            "critical": self.count(frozenset({"critical"})),
            "by_type": {f"{t}/{s}": n for (t, s), n in sorted(self.by_type_severity.items())},
        }

    def lines(self) -> list[str]:
        d = self.to_dict()
        head = (
            f"{Path(self.file).name}: {d['vessels']} vessels, {d['vessel_hours']} vessel-hours, "
            f"{d['alerts']} alerts, {d['medium_or_above_per_1000_vh']} >= medium per 1000 vh, "
            f"{d['critical']} critical"
        )
        rows = [
            f"  {t:<22} {s:<8} {n:>5}  {self.per_1000_vh(n):8.2f} /1000 vh"
            for (t, s), n in sorted(self.by_type_severity.items())
        ]
        return [head, *rows]


def noise_of_file(path: str | Path, settings: Any, options: Any = None) -> NoiseReport:
    """Replay one recording with ``settings`` and count its alerts."""
    from stream.app import build_pipeline
    from stream.replay import ReplaySummary, load_records, replay
    from stream.sinks import ListSink

    summary = ReplaySummary()
    records = load_records([path], "auto", summary, options=options)
    sink = ListSink()
    replay(records, build_pipeline(settings, keep_states=True), sink, summary)
    latest: dict[str, Alert] = {}
    for a in sink.alerts:
        latest[a.alert_id] = a
    report = NoiseReport(str(path), heard_vessel_hours(records), summary.vessels)
    by: defaultdict[tuple[str, str], int] = defaultdict(int)
    for a in latest.values():
        by[(a.type, a.severity)] += 1
    report.by_type_severity.update(by)
    return report
