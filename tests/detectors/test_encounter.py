from tests.builders import T0, line, run, static, types


def test_two_slow_vessels_together_offshore_is_encounter() -> None:
    a = line("247000001", 14.5, 35.45, 90, 0.5, 36, dt_s=300)  # 3 h
    b = line("247000002", 14.502, 35.451, 90, 0.5, 36, dt_s=300, t0_ms=T0 + 40_000)
    alerts = run(a + b)
    # 3 h below 2 kn offshore: an encounter, and each vessel loitering
    assert sorted(types(alerts)) == ["encounter", "loitering", "loitering"]
    e = next(x for x in alerts if x.type == "encounter")
    assert {e.vessel, e.other_vessel} == {"247000001", "247000002"}
    assert e.other_mmsi == 247000002 and e.severity in ("medium", "high")


def test_mothership_variant_with_small_craft_is_shorter() -> None:
    big = line("247000001", 14.5, 35.45, 90, 0.5, 9, dt_s=300)  # 45 min
    dinghy = line("247000002", 14.501, 35.4505, 90, 0.5, 9, dt_s=300, t0_ms=T0 + 20_000)
    meta = [static("247000001", T0 - 1000, name="BIG", ship_type=70, length_m=90)]
    alerts = run(meta + big + dinghy)
    assert types(alerts) == ["encounter"] and alerts[0].severity == "high"
    # without the small craft, 45 min is not an encounter
    big2 = line("247000003", 14.5, 35.45, 90, 0.5, 9, dt_s=300)
    other = line("247000004", 14.501, 35.4505, 90, 0.5, 9, dt_s=300, t0_ms=T0 + 20_000)
    meta2 = [
        static(v, T0 - 1000, name=v, ship_type=70, length_m=90) for v in ("247000003", "247000004")
    ]
    assert run(meta2 + big2 + other) == []


def test_two_ships_passing_at_speed_is_not_encounter() -> None:
    a = line("247000001", 14.3, 35.45, 90, 12, 60, dt_s=60)
    b = line("247000002", 14.7, 35.451, 270, 12, 60, dt_s=60)
    assert run(a + b) == []


def test_vessels_together_in_port_are_not_encounter() -> None:
    a = line("237000001", 23.625, 37.94, 0, 0.0, 40, dt_s=300)
    b = line("237000002", 23.626, 37.9405, 0, 0.0, 40, dt_s=300)
    assert run(a + b) == []
