from tests.builders import line, run, through, types


def test_slow_for_hours_far_offshore_is_loitering() -> None:
    trk = line("247000001", 14.5, 35.45, 45, 0.8, 40, dt_s=300)  # 3.3 h at 0.8 kn
    alerts = run(trk)
    assert types(alerts) == ["loitering"]
    a = alerts[0]
    assert a.status == "open" and a.evidence["duration_s"] >= 7200
    assert a.start_ms == trk[0].ts_ms


def test_loitering_closes_when_vessel_leaves() -> None:
    slow = line("247000001", 14.5, 35.45, 45, 0.8, 40, dt_s=300)
    fast = line("247000001", 14.52, 35.47, 45, 12, 10, dt_s=60, t0_ms=slow[-1].ts_ms + 60_000)
    alerts = run(slow + fast)
    assert [(a.type, a.status) for a in alerts] == [("loitering", "open"), ("loitering", "closed")]
    assert alerts[0].alert_id == alerts[1].alert_id


def test_anchored_in_port_is_not_loitering() -> None:
    assert run(line("237000009", 23.625, 37.94, 0, 0.0, 60, dt_s=300)) == []


def test_ferry_on_route_is_not_loitering() -> None:
    # Piraeus to Syros at 18 kn
    assert (
        run(
            through(
                "237000010", [(23.60, 37.93), (23.75, 37.65), (24.35, 37.50), (24.93, 37.44)], 18
            )
        )
        == []
    )
