"""ais_gap judged against the reception model: dark where others are heard, quiet where
the vessel sails out of coverage or through a hole."""

from tests.builders import T0, heartbeat, lane, line, run, types

HOUR_MS = 3_600_000


def _covered(hours: float = 8) -> list[object]:
    """Busy water south of Malta, 14.3-15.6 E along 35.45 N."""
    return lane(14.3, 35.45, 15.6, 35.45, T0, hours)  # type: ignore[return-value]


def _gaps(alerts: list[object]) -> list[object]:
    return [a for a in alerts if a.type == "ais_gap"]  # type: ignore[attr-defined]


def test_dark_in_covered_water_opens_then_closes_with_same_id_and_evidence() -> None:
    before = line("247000001", 14.5, 35.46, 90, 10, 60, dt_s=60)  # 1 h of regular reports
    t_back = before[-1].ts_ms + 4 * HOUR_MS
    after = line("247000001", 14.9, 35.46, 90, 10, 10, dt_s=60, t0_ms=t_back)
    gaps = _gaps(run(before + _covered() + heartbeat(T0, 6) + after, batch=200))
    assert [g.status for g in gaps] == ["open", "closed"]  # type: ignore[attr-defined]
    opened, closed = gaps
    assert opened.alert_id == closed.alert_id  # type: ignore[attr-defined]
    assert opened.start_ms == before[-1].ts_ms  # type: ignore[attr-defined]
    # opened once event time passed last fix + 2 h, not before, not at reappearance
    assert before[-1].ts_ms + 7200_000 <= opened.ts_ms < t_back  # type: ignore[attr-defined]
    rx = opened.evidence["reception"]  # type: ignore[attr-defined]
    assert rx["at_last"] and rx["path"] and min(rx["fixes_heard_at_last_position"]) >= 4
    assert closed.evidence["gap_s"] == (t_back - before[-1].ts_ms) / 1000  # type: ignore[attr-defined]
    assert closed.detector["params"]["min_gap_s"] == 7200.0  # type: ignore[attr-defined]


def test_vessel_sailing_out_of_coverage_raises_nothing() -> None:
    # leaves the busy lane's east end heading east, into water nobody is heard in
    out = line("247000002", 15.3, 35.46, 90, 12, 60, dt_s=60)
    assert _gaps(run(out + _covered() + heartbeat(T0, 8))) == []


def test_hole_crossed_at_constant_speed_is_not_a_gap() -> None:
    # east of the lane's coverage, silent for 3 h, back where its speed would take it
    before = line("247000003", 16.0, 34.5, 90, 10, 60, dt_s=60)
    t_back = before[-1].ts_ms + 3 * HOUR_MS
    lon_back = 16.0 + (60 + 180) * 10 / 60 / 60 / 0.824  # 10 kn east at 34.5 N, in degrees
    after = line("247000003", lon_back, 34.5, 90, 10, 20, dt_s=60, t0_ms=t_back)
    assert _gaps(run(before + after + _covered() + heartbeat(T0, 8))) == []


def test_stopping_while_dark_in_covered_water_is_reported_as_stayed() -> None:
    before = line("247000004", 14.8, 35.46, 90, 10, 60, dt_s=60)
    t_back = before[-1].ts_ms + 3 * HOUR_MS
    after = line("247000004", 14.99, 35.46, 90, 10, 10, dt_s=60, t0_ms=t_back)
    gaps = _gaps(run(before + after + _covered() + heartbeat(T0, 8)))
    assert [g.status for g in gaps] == ["open", "closed"]  # type: ignore[attr-defined]
    assert gaps[1].evidence["stayed"] is True  # type: ignore[attr-defined]


def test_short_coverage_dropout_is_not_a_gap() -> None:
    before = line("247000001", 14.5, 35.46, 90, 10, 60, dt_s=60)
    after = line(
        "247000001", 14.6, 35.46, 90, 10, 30, dt_s=60, t0_ms=before[-1].ts_ms + 20 * 60_000
    )
    assert "ais_gap" not in types(run(before + after + _covered(2) + heartbeat(T0, 1.8)))


def test_vessel_in_port_going_quiet_is_not_a_gap() -> None:
    moored = line("237000009", 23.625, 37.94, 0, 0.0, 60, dt_s=60)  # in Piraeus port
    assert types(run(moored + heartbeat(T0, 8))) == []


def test_one_moving_fix_after_lying_still_is_not_a_voyage() -> None:
    still = line("247000005", 14.8, 35.46, 90, 0.1, 60, dt_s=60)
    jolt = line("247000005", 14.801, 35.46, 90, 3.0, 1, t0_ms=still[-1].ts_ms + 60_000)
    assert _gaps(run(still + jolt + _covered() + heartbeat(T0, 8))) == []


def test_unknown_distance_to_shore_is_not_at_sea() -> None:
    # the Atlantic, outside the land data: "at sea" cannot be told, so no gap is judged
    busy = lane(-30.5, 40.0, -29.0, 40.0, T0, 8, prefix="2561")
    before = line("247000006", -30.0, 40.01, 90, 10, 60, dt_s=60)
    assert _gaps(run(before + busy + heartbeat(T0, 8))) == []  # type: ignore[operator]


def test_sparse_reporter_is_not_going_dark() -> None:
    sparse = line("247000001", 14.5, 35.46, 90, 10, 4, dt_s=3 * 3600)
    assert "ais_gap" not in types(run(sparse + _covered(12) + heartbeat(T0, 12)))
