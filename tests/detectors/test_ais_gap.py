from tests.builders import T0, heartbeat, line, run, types


def test_gap_opens_while_dark_and_closes_on_reappearance_with_same_id() -> None:
    before = line("247000001", 14.5, 35.45, 90, 10, 60, dt_s=60)  # 1 h of regular reports
    t_back = before[-1].ts_ms + 4 * 3600_000
    after = line("247000001", 14.9, 35.45, 90, 10, 10, dt_s=60, t0_ms=t_back)
    alerts = run(before + heartbeat(T0, 6) + after, batch=20)
    gaps = [a for a in alerts if a.type == "ais_gap"]
    assert [g.status for g in gaps] == ["open", "closed"]
    assert gaps[0].alert_id == gaps[1].alert_id
    assert gaps[0].start_ms == before[-1].ts_ms
    # opened once the watermark passed last fix + 2 h, not before, not at reappearance
    assert before[-1].ts_ms + 7200_000 <= gaps[0].ts_ms < t_back
    closed = gaps[1]
    assert closed.evidence["gap_s"] == (t_back - before[-1].ts_ms) / 1000
    assert closed.evidence["dist_m"] > 10_000 and closed.evidence["implied_kn"] > 1
    assert closed.detector["params"]["min_gap_s"] == 7200.0


def test_short_coverage_dropout_is_not_a_gap() -> None:
    before = line("247000001", 14.5, 35.45, 90, 10, 60, dt_s=60)
    after = line(
        "247000001", 14.6, 35.45, 90, 10, 30, dt_s=60, t0_ms=before[-1].ts_ms + 20 * 60_000
    )
    assert "ais_gap" not in types(run(before + after + heartbeat(T0, 1.8)))


def test_vessel_in_port_going_quiet_is_not_a_gap() -> None:
    moored = line("237000009", 23.625, 37.94, 0, 0.0, 60, dt_s=60)  # in Piraeus port
    assert types(run(moored + heartbeat(T0, 8))) == []


def test_sparse_reporter_is_not_going_dark() -> None:
    sparse = line("247000001", 14.5, 35.45, 90, 10, 4, dt_s=3 * 3600)
    assert "ais_gap" not in types(run(sparse + heartbeat(T0, 12)))
