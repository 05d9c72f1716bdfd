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


def test_identity_unknown_on_an_anonymised_feed_is_not_a_small_craft(pipeline: object) -> None:
    # the same dinghy track on a feed without static data: a vessel of unknown identity
    # completing a crossing is for the watch to look at (high), not a call to act (critical)
    pipeline.ctx.identity_feed = False  # type: ignore[attr-defined]
    trk = through("0xanon-1", AYVALIK_TO_LESVOS, 6, dt_s=60, t0_ms=T0 + 12 * 3600_000)
    alerts = run(trk, pipeline)
    cp = next(x for x in alerts if x.type == "crossing_pattern")  # type: ignore[attr-defined]
    assert cp.severity == "high" and cp.evidence["identity_expected"] is False
    assert "line_crossing" not in types(alerts)  # small-craft only: identity unknown
    assert "identity unknown" in cp.summary


def test_a_vessel_just_heard_is_not_called_unidentified_yet() -> None:
    # first heard 7 minutes before it lands (ITU-R M.1371: static data every 6 min): its
    # identity may still come, so it is not yet an unidentified small craft
    def alerts(waypoints: list[tuple[float, float]]) -> dict[str, str]:
        trk = through("247900002", waypoints, 6, dt_s=30, t0_ms=T0)
        return {a.type: a.severity for a in run(trk)}  # type: ignore[attr-defined]

    late = alerts([(26.57, 39.227), AYVALIK_TO_LESVOS[3]])
    assert late == {"crossing_pattern": "high"}
    # the same boat heard for an hour before: unidentified, a critical crossing
    heard = alerts([AYVALIK_TO_LESVOS[0], (26.57, 39.227), AYVALIK_TO_LESVOS[3]])
    assert heard["crossing_pattern"] == "critical" and heard["line_crossing"] == "high"
