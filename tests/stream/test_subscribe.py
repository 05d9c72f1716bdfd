"""The subscriber's filter: --zone matches every zone an alert involves."""

from __future__ import annotations

from typing import Any

from stream.subscribe import AlertFilter
from stream.zoneload import load_zoneset


def _crossing(lat: float, lon: float) -> dict[str, Any]:
    """A crossing alert as the detectors publish it: the zones of its rule's steps, not the
    landing area its last fix lies in."""
    return {
        "type": "crossing_pattern",
        "severity": "critical",
        "lat": lat,
        "lon": lon,
        "zone_ids": ["dep-tur-ayvalik-dikili", "bnd-grc-tur-median", "ts-grc"],
        "evidence": {"events": [{"event": "cross", "zone": "bnd-grc-tur-median"}]},
    }


def test_zone_matches_named_evidence_and_containing_zones() -> None:
    zs = load_zoneset()
    inside = zs.by_id["lnd-grc-lesvos"].geometry.representative_point()
    a = _crossing(inside.y, inside.x)
    assert AlertFilter(zone="lnd-grc-lesvos", zones=zs)(a)  # it happened there
    assert not AlertFilter(zone="lnd-grc-lesvos")(a)  # without the zone set: only names
    assert AlertFilter(zone="ts-grc")(a)
    b = {**a, "zone_ids": []}
    assert AlertFilter(zone="bnd-grc-tur-median")(b)  # named in the evidence
    assert not AlertFilter(zone="lnd-ita-lampedusa", zones=zs)(a)
    assert not AlertFilter(zone="no-such-zone", zones=zs)(a)


def test_types_and_severity() -> None:
    a = _crossing(39.2, 26.5)
    assert AlertFilter(types=["crossing_pattern"], min_severity="high")(a)
    assert not AlertFilter(types=["encounter"])(a)
    assert not AlertFilter(min_severity="critical")({**a, "severity": "high"})


def test_table_rows_fit_the_width_and_say_when_cut() -> None:
    import io

    from stream.subscribe import print_alert_row, table_header

    a = {
        "ts": "2025-03-14T22:17:32.736Z",
        "severity": "critical",
        "type": "crossing_pattern",
        "status": "open",
        "alert_id": "cro-21c92189c83f4cd7a7c1",
        "vessel": "0xboat-cm1",
        "other_vessel": "247990003",
        "summary": "An unidentified small craft crossed the median line at night. " * 5,
    }
    for width in (100, 132, 200):
        out = io.StringIO()
        print_alert_row(a, out, width)
        row = out.getvalue().rstrip("\n")
        assert len(row) <= width and row.endswith("…")
        assert "0xboat-cm1 + 247990003" in row
        assert ("cro-21c9218" in row) == (width >= 132)  # the id gives way on narrow screens
        assert row.index("open") == table_header(width).index("status")
    out = io.StringIO()
    print_alert_row({**a, "summary": "short"}, out, 200)
    assert out.getvalue().rstrip().endswith(" short")
