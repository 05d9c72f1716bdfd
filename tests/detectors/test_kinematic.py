from tests.builders import T0, line, run, types


def test_jump_and_return_is_kinematic_anomaly() -> None:
    trk = line("247000001", 14.5, 35.45, 90, 10, 90, dt_s=60)
    jumped = [p._replace(lat=p.lat + 0.5) for p in trk[30:32]]  # 30 nm north for 2 fixes
    alerts = run([*trk[:30], *jumped, *trk[32:]])
    assert types(alerts) == ["kinematic_anomaly"]
    a = alerts[0]
    assert a.evidence["returned"] is True and a.evidence["dist_m"] > 50_000
    assert a.severity == "medium" and a.detector["params"]["max_speed_kn"] == 60.0


def test_jump_and_continue_is_kinematic_anomaly() -> None:
    a = line("247000001", 14.5, 35.45, 90, 10, 30, dt_s=60)
    b = line("247000001", 14.5, 36.0, 90, 10, 40, dt_s=60, t0_ms=a[-1].ts_ms + 60_000)
    alerts = run(a + b)
    assert types(alerts) == ["kinematic_anomaly"]
    assert alerts[0].evidence["returned"] is False


def test_two_transmitters_one_mmsi_is_duplicate_identity() -> None:
    a = line("247000001", 14.5, 35.45, 90, 10, 40, dt_s=60)
    b = line("247000001", 12.0, 34.0, 180, 8, 40, dt_s=60, t0_ms=T0 + 30_000)
    alerts = run(a + b)
    assert "duplicate_identity" in types(alerts)
    assert "kinematic_anomaly" not in types(alerts)
    d = next(x for x in alerts if x.type == "duplicate_identity")
    assert d.evidence["separation_m"] > 200_000


def test_gps_noise_and_duplicates_are_not_anomalies() -> None:
    trk = line("247000001", 14.5, 35.45, 90, 10, 60, dt_s=10)
    noisy = [p._replace(lat=p.lat + (0.002 if i % 2 else -0.002)) for i, p in enumerate(trk)]
    dup = noisy + noisy[10:20]  # duplicated messages
    assert run(dup) == []


def test_minute_resolution_timestamps_with_identical_times_are_fine() -> None:
    trk = line("247000001", 14.5, 35.45, 90, 25, 30, dt_s=60)
    same_minute = [p._replace(ts_ms=p.ts_ms - p.ts_ms % 120_000) for p in trk]
    assert run(same_minute) == []


def test_stale_first_fix_is_not_a_jump() -> None:
    # a file's first record of a vessel, stale and far from the rest of its day: the fixes
    # after it agree with each other, so the odd one was the first - no alert
    stale = line("247000001", 15.0, 35.2, 90, 10, 1, t0_ms=T0)
    day = line("247000001", 14.5, 35.45, 90, 10, 80, dt_s=60, t0_ms=T0 + 60_000)
    assert run(stale + day) == []


def test_jump_away_from_an_established_track_is_still_an_anomaly() -> None:
    track = line("247000001", 14.5, 35.45, 90, 10, 3, dt_s=60)
    later = line("247000001", 14.5, 36.0, 90, 10, 40, dt_s=60, t0_ms=track[-1].ts_ms + 60_000)
    assert types(run(track + later)) == ["kinematic_anomaly"]


def test_one_corrupted_fix_away_and_back_is_not_an_anomaly() -> None:
    trk = line("247000001", 14.5, 35.45, 90, 10, 90, dt_s=60)
    flipped = trk[30]._replace(lat=trk[30].lat - 20.0)  # a flipped digit: 35.4 -> 15.4 N
    assert "kinematic_anomaly" not in types(run([*trk[:30], flipped, *trk[31:]]))


def test_a_burst_of_stale_fixes_at_one_instant_is_no_track() -> None:
    burst = [
        p._replace(ts_ms=T0) for p in line("247000001", 15.0, 35.2, 45, 60, 4, dt_s=60)
    ]  # four stale records sharing the file's first second, near each other
    day = line("247000001", 14.5, 35.45, 90, 10, 80, dt_s=60, t0_ms=T0 + 60_000)
    assert run(burst + day) == []
