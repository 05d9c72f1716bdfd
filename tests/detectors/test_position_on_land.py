from tests.builders import line, run, types


def test_fix_well_inland_alerts_once() -> None:
    trk = line("237000001", 23.3, 37.6, 0, 0.0, 10, dt_s=60)  # at sea in the Saronic Gulf
    inland = [p._replace(lat=38.3, lon=22.9, sog_kn=0.0) for p in trk[5:]]  # mainland Greece
    alerts = run(trk[:5] + inland)
    on_land = [a for a in alerts if a.type == "position_on_land"]
    assert len(on_land) == 1 and on_land[0].evidence["inland_m"] > 5000


def test_harbour_edge_fixes_do_not_alert() -> None:
    # Piraeus inner harbour: the coarse coastline puts some berths slightly on land
    assert "position_on_land" not in types(run(line("237000001", 23.64, 37.945, 0, 0.0, 30)))
