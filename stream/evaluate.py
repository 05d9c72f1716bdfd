"""Detection quality: match alerts to labelled truth; recall, precision, false alerts per
1000 vessel-hours, per alert type.

An alert matches a truth record when the type is the same, the vessel is the same (for an
encounter the unordered pair), and the alert's [start, end] overlaps the truth's window
widened by ``tolerance_s`` on both sides.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from stream.timeutil import parse_ts_ms

__all__ = ["evaluate", "format_table", "read_ndjson", "vessel_hours"]


def read_ndjson(path: str | Path) -> list[dict[str, Any]]:
    out = []
    with open(path, "rb") as fh:
        for line in fh:
            if line.strip():
                out.append(orjson.loads(line))
    return out


def vessel_hours(positions: Iterable[dict[str, Any]]) -> float:
    span: dict[str, list[int]] = {}
    for r in positions:
        if "lat" not in r:
            continue
        t = parse_ts_ms(r.get("ts"))
        s = span.setdefault(str(r.get("mmsi", r.get("id"))), [t, t])
        s[0], s[1] = min(s[0], t), max(s[1], t)
    return sum(b - a for a, b in span.values()) / 3.6e6


def _latest(alerts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by: dict[str, dict[str, Any]] = {}
    for a in alerts:
        by[a["alert_id"]] = a  # the latest message of each alert wins
    return list(by.values())


def _vessels(a: dict[str, Any]) -> frozenset[str]:
    vs = {str(a.get("vessel") or a.get("mmsi"))}
    other = a.get("other_vessel") or a.get("other_mmsi")
    if other is not None:
        vs.add(str(other))
    return frozenset(vs)


def _truth_vessels(t: dict[str, Any]) -> frozenset[str]:
    vs = {str(t["mmsi"])}
    if t.get("other_mmsi") is not None:
        vs.add(str(t["other_mmsi"]))
    return frozenset(vs)


def evaluate(
    truth: list[dict[str, Any]],
    alerts: list[dict[str, Any]],
    vessel_h: float | None = None,
    tolerance_s: float = 7200.0,
) -> dict[str, Any]:
    alerts = _latest(alerts)
    tol = tolerance_s * 1000
    types = sorted({t["type"] for t in truth} | {a["type"] for a in alerts})
    matched_alerts: set[str] = set()
    res: dict[str, Any] = {"types": {}, "vessel_hours": vessel_h}
    found_by_type: dict[str, int] = defaultdict(int)
    for t in truth:
        t0, t1 = parse_ts_ms(t["start"]) - tol, parse_ts_ms(t["end"]) + tol
        tv = _truth_vessels(t)
        hit = False
        for a in alerts:
            if a["type"] != t["type"] or _vessels(a) != tv:
                continue
            a0 = parse_ts_ms(a["start"])
            a1 = parse_ts_ms(a["end"] or a["ts"])
            if a0 <= t1 and a1 >= t0:
                matched_alerts.add(a["alert_id"])
                hit = True
        found_by_type[t["type"]] += hit
    for typ in types:
        n_truth = sum(1 for t in truth if t["type"] == typ)
        ids = [a["alert_id"] for a in alerts if a["type"] == typ]
        tp = sum(1 for i in ids if i in matched_alerts)
        false = len(ids) - tp
        res["types"][typ] = {
            "truth": n_truth,
            "found": found_by_type[typ],
            "alerts": len(ids),
            "false_alerts": false,
            "recall": round(found_by_type[typ] / n_truth, 4) if n_truth else None,
            "precision": round(tp / len(ids), 4) if ids else None,
            "false_per_1000_vessel_h": round(false / vessel_h * 1000, 3) if vessel_h else None,
        }
    n_truth = len(truth)
    res["overall"] = {
        "truth": n_truth,
        "found": sum(found_by_type.values()),
        "alerts": len(alerts),
        "false_alerts": len(alerts) - len(matched_alerts),
        "recall": round(sum(found_by_type.values()) / n_truth, 4) if n_truth else None,
        "precision": round(len(matched_alerts) / len(alerts), 4) if alerts else None,
    }
    return res


def format_table(res: dict[str, Any]) -> str:
    lines = [
        f"{'type':<22}{'truth':>6}{'found':>6}{'alerts':>7}{'false':>6}"
        f"{'recall':>8}{'precision':>10}{'false/1000vh':>14}"
    ]
    rows = [*res["types"].items(), ("overall", res["overall"])]
    for typ, r in rows:

        def f(x: Any) -> str:
            return "-" if x is None else f"{x:.3f}" if isinstance(x, float) else str(x)

        lines.append(
            f"{typ:<22}{r['truth']:>6}{r['found']:>6}{r['alerts']:>7}"
            f"{r['false_alerts']:>6}{f(r['recall']):>8}{f(r['precision']):>10}"
            f"{f(r.get('false_per_1000_vessel_h')):>14}"
        )
    return "\n".join(lines)


def dump(res: dict[str, Any]) -> str:
    return json.dumps(res, indent=2)
