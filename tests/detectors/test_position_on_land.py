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


def test_episodes_and_cooldown_same_on_both_paths_for_any_batching() -> None:
    from stream.app import build_pipeline
    from stream.settings import load_settings

    # every 10 min: at sea, inland (alert), at sea, inland again 1 h after the alert -
    # within the 6 h cooldown, so no alert until the cooldown is over, mid-episode -, at
    # sea, inland once more within the cooldown of the second alert (none)
    trk = line("237000001", 23.3, 37.6, 0, 0.0, 60, dt_s=600)
    inland = {**dict.fromkeys(range(5, 8)), **dict.fromkeys(range(10, 50))}
    inland.update(dict.fromkeys(range(52, 55)))
    recs = [p._replace(lat=38.3, lon=22.9) if k in inland else p for k, p in enumerate(trk)]
    got = {}
    for fast in (True, False):
        for batch in (1, 7, 1000):
            pl = build_pipeline(load_settings(env={}))
            pl.fast = fast
            alerts = [a for a in run(recs, pl, batch) if a.type == "position_on_land"]
            got[fast, batch] = [(a.ts_ms - trk[0].ts_ms) // 600_000 for a in alerts]
    assert set(map(tuple, got.values())) == {(5, 41)}  # 41: 6 h after fix 5


def test_first_at_sea_skips_candidates_that_are_not_at_sea() -> None:
    import numpy as np

    from detectors.batch import ShoreDistance
    from detectors.position_on_land import _first_at_sea
    from tests.detectors.test_batch import batch

    # vessel 0: rows 0-7, vessel 1: rows 8-9; distances to shore as given (NaN: off the
    # land data, 0: a canal) - the first row > 0 of each vessel and inland count
    d = [np.nan, 0.0, 0.0, 0.0, 0.0, 5.0, 7.0, 9.0, 4.0, 6.0]
    b = batch([0] * 8 + [1] * 2, [20.0] * 10, [35.0] * 10, 2)
    b.shore = ShoreDistance.known(np.array(d))
    seg = np.array([1, 1, 1, 1, 1, 1, 2, 2, 0, 0])
    got = _first_at_sea(b, np.ones(10, dtype=bool), seg)
    assert np.flatnonzero(got).tolist() == [5, 6, 8]  # (5: past four rounds of non-sea)
