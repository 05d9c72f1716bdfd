from tests.builders import T0, heartbeat, run, static, through, types

# From the Ayvalik coast (departure area) across the strait to Lesvos' east coast.
AYVALIK_TO_LESVOS = [(26.69, 39.24), (26.60, 39.23), (26.52, 39.22), (26.47, 39.215)]


def test_dinghy_from_turkey_to_lesvos(pipeline: object) -> None:
    zs = pipeline.zones  # type: ignore[attr-defined]
    a = zs.lookup([AYVALIK_TO_LESVOS[0][0]], [AYVALIK_TO_LESVOS[0][1]])
    assert "dep-tur-ayvalik-dikili" in {zs.zones[i].id for i in a.inner_zone}
    trk = through("247900001", AYVALIK_TO_LESVOS, 6, dt_s=60, t0_ms=T0 + 12 * 3600_000)
    alerts = run(trk, pipeline)
    t = types(alerts)
    assert "line_crossing" in t and "crossing_pattern" in t
    lc = next(x for x in alerts if x.type == "line_crossing")
    assert (lc.evidence["side_from"], lc.evidence["side_to"]) == ("TUR", "GRC")
    cp = next(x for x in alerts if x.type == "crossing_pattern")
    assert cp.severity == "critical"  # unidentified small craft
    assert [e["event"] for e in cp.evidence["events"]] == ["in", "cross", "enter"]
    assert cp.evidence["rule"] == "aegean_tr_to_gr"


def test_ferry_on_the_same_route_is_quiet() -> None:
    meta = static("271000123", T0 - 1, name="AYVALIK FERRY", ship_type=60, length_m=60)
    trk = through("271000123", AYVALIK_TO_LESVOS, 12, dt_s=60)
    assert run([meta, *trk]) == []


def test_libya_to_lampedusa() -> None:
    path = [(12.10, 32.97), (12.2, 33.5), (12.45, 34.5), (12.58, 35.45)]
    trk = through("0xboat", path, 6, dt_s=300)
    alerts = run(trk + heartbeat(T0, 1))
    cp = [a for a in alerts if a.type == "crossing_pattern"]
    assert len(cp) == 1 and cp[0].evidence["rule"] == "central_med_north"
    assert "zone_entry" in types(alerts)  # small craft entering the Lampedusa landing area
