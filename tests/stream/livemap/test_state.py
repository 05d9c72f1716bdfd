"""MapState: what the live map shows, bounded, and the changes it pushes."""

from __future__ import annotations

import itertools

from stream.livemap.state import MapState
from stream.models import Position, StaticData


def pos(v: str, t_s: float, lon: float, lat: float = 36.0) -> Position:
    return Position(vessel=v, ts_ms=int(t_s * 1000), lat=lat, lon=lon, sog_kn=5.0)


def test_tail_and_history_are_thinned_and_bounded() -> None:
    st = MapState(tail_points=3, history_points=5, history_spacing_s=60)
    st.add_records([pos("a", t, 25 + t / 1e4) for t in range(0, 1200, 10)])  # 20 min, 10 s apart
    snap = st.snapshot()
    (v,) = snap["vessels"]
    assert v["lon"] == 25 + 1190 / 1e4 and v["ts_ms"] == 1_190_000
    assert len(v["tail"]) == 3 and v["tail"][-1] == [v["lon"], v["lat"]]
    track = st.track("a")
    assert len(track) == 6  # 5 kept at >= 60 s spacing, plus the latest fix
    ts = [p[2] for p in track]
    assert all(b - a >= 60_000 for a, b in itertools.pairwise(ts[:-1]))
    assert st.track("a", from_ms=1_000_000, to_ms=1_100_000) == [
        p for p in track if 1_000_000 <= p[2] <= 1_100_000
    ]
    assert st.track("nobody") == []


def test_late_fix_does_not_move_the_vessel_back() -> None:
    st = MapState()
    st.add_records([pos("a", 100, 25.0), pos("a", 50, 20.0)])
    assert st.snapshot()["vessels"][0]["lon"] == 25.0


def test_static_data_names_the_vessel_and_rejects_are_counted() -> None:
    st = MapState()
    st.add_records(
        [pos("a", 1, 25.0), StaticData(vessel="a", ts_ms=2000, name="AGIOS", ship_type=30)]
    )
    st.add_records([object()])
    v = st.snapshot()["vessels"][0]
    assert (v["name"], v["ship_type"]) == ("AGIOS", 30)
    assert st.counts["rejected"] == 1 and st.counts["static"] == 1


def test_alerts_keep_latest_status_and_redelivery_is_not_pushed() -> None:
    st = MapState()
    a = {"alert_id": "gap-1", "status": "open", "ts": "t1", "severity": "high"}
    assert st.add_alert(a)
    assert not st.add_alert(dict(a))  # the same message again (service restart)
    assert st.add_alert({**a, "status": "closed", "ts": "t2"})
    assert not st.add_alert({"status": "open"})  # no id: counted as rejected
    assert [x["status"] for x in st.snapshot()["alerts"]] == ["closed"]
    upd = st.drain()
    assert upd is not None and [x["status"] for x in upd["alerts"]] == ["open", "closed"]
    assert st.drain() is None
    assert st.alerts(min_severity="critical") == []


def test_drain_sends_each_changed_vessel_once() -> None:
    st = MapState()
    st.add_records([pos("a", t, 25.0 + t / 100) for t in range(10)] + [pos("b", 5, 20.0)])
    upd = st.drain()
    assert upd is not None
    assert [(v["vessel"], v["ts_ms"]) for v in upd["vessels"]] == [("a", 9000), ("b", 5000)]
    assert upd["watermark_ms"] == 9000
    assert st.drain() is None


def test_least_recently_heard_vessel_is_evicted() -> None:
    st = MapState(max_vessels=2, max_alerts=1)
    st.add_records([pos("a", 1, 25.0), pos("b", 2, 25.0), pos("a", 3, 25.1), pos("c", 4, 25.0)])
    assert sorted(v["vessel"] for v in st.snapshot()["vessels"]) == ["a", "c"]
    st.add_alert({"alert_id": "x", "status": "open", "ts": "1"})
    st.add_alert({"alert_id": "y", "status": "open", "ts": "2"})
    assert [a["alert_id"] for a in st.snapshot()["alerts"]] == ["y"]
