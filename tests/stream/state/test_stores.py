"""The same contract for every StateStore backend (memory and real Redis)."""

from stream.state.base import StateStore
from stream.state.memory import MemoryStore


def test_kv_roundtrip(store: StateStore) -> None:
    assert store.get("sg:{a}:v") is None and not store.exists("sg:{a}:v")
    store.set("sg:{a}:v", b"1", ttl_s=100)
    assert store.get("sg:{a}:v") == b"1" and store.exists("sg:{a}:v")
    store.set_many([("sg:{b}:v", b"2"), ("sg:{c}:v", b"3")], ttl_s=100)
    assert store.get_many(["sg:{a}:v", "sg:{b}:v", "sg:{x}:v", "sg:{c}:v"]) == [
        b"1",
        b"2",
        None,
        b"3",
    ]
    store.delete("sg:{a}:v")
    assert store.get("sg:{a}:v") is None


def test_timers(store: StateStore) -> None:
    store.schedule("p0", "v1", 1000)
    store.schedule("p0", "v2", 500)
    store.schedule("p1", "v3", 100)
    assert store.due("p0", 400) == []
    assert store.due("p0", 600) == ["v2"]
    assert store.due("p0", 2000) == ["v2", "v1"]
    store.schedule("p0", "v2", 5000)  # rescheduled
    assert store.due("p0", 2000) == ["v1"]
    store.cancel("p0", "v1")
    assert store.due("p0", 2000) == []
    assert store.due("p1", 2000) == ["v3"]
    store.schedule("p0", "v4", 9000)
    store.schedule("p0", "v4", 3000)  # moved earlier: due at the earlier time
    assert store.due("p0", 3000) == ["v4"]


def test_buckets_find_neighbours_within_radius(store: StateStore) -> None:
    store.bucket_put(7, "a", 37.0, 25.0, {"ts": 1})
    store.bucket_put(7, "b", 37.003, 25.0, {"ts": 2})  # ≈ 333 m north
    store.bucket_put(7, "c", 37.02, 25.0, {"ts": 3})  # ≈ 2.2 km
    store.bucket_put(8, "d", 37.0, 25.0, {"ts": 4})  # other bucket
    near = store.bucket_near(7, 37.0, 25.0, 500)
    assert [v for v, _ in near] == ["a", "b"]
    assert near[1][1] == {"ts": 2}
    store.bucket_put(7, "b", 37.05, 25.0, {"ts": 5})  # b moved away
    assert [v for v, _ in store.bucket_near(7, 37.0, 25.0, 500)] == ["a"]


def test_buckets_match_a_scan_of_every_member(store: StateStore) -> None:
    # Members scattered over cell edges and corners, at mid and high latitude: bucket_near
    # returns exactly those within the radius (clear of it by 2 %: backends' spheres differ).
    import random

    from detectors.geo import haversine_m

    rnd = random.Random(4)
    for lat0, lon0 in ((36.0, 24.0), (36.0098, 24.0199), (70.0, 20.0)):
        pts = {
            f"v{k}": (lat0 + rnd.uniform(-0.03, 0.03), lon0 + rnd.uniform(-0.06, 0.06))
            for k in range(300)
        }
        bucket = int(lat0 * 1000)
        for v, (la, lo) in pts.items():
            store.bucket_put(bucket, v, la, lo, {"v": v})
        for _ in range(40):
            la, lo = lat0 + rnd.uniform(-0.02, 0.02), lon0 + rnd.uniform(-0.04, 0.04)
            radius = rnd.choice([300.0, 500.0, 1500.0])
            got = [v for v, _ in store.bucket_near(bucket, la, lo, radius)]
            d = {v: haversine_m(la, lo, *p) for v, p in pts.items()}
            assert {v for v, x in d.items() if x <= radius * 0.98} <= set(got)
            assert set(got) <= {v for v, x in d.items() if x <= radius * 1.02}
            assert got == sorted(got)


def test_pairs(store: StateStore) -> None:
    assert store.pair_get("sg:{a|b}:enc") is None
    store.pair_set("sg:{a|b}:enc", {"b": [1, 2]})
    assert store.pair_get("sg:{a|b}:enc") == {"b": [1, 2]}


def test_memory_ttl_is_event_time() -> None:
    from stream.state.memory import MemoryStore

    m = MemoryStore()
    m.advance(1_000_000)
    m.set("k", b"v", ttl_s=10)
    m.advance(1_009_000)
    assert m.get("k") == b"v"
    m.advance(1_010_000)
    assert m.get("k") is None


def test_buffered_store_holds_writes_until_flush(store: StateStore) -> None:
    from stream.state.buffered import BufferedStore

    b = BufferedStore(store)
    b.set("sg:{a}:v", b"1", ttl_s=100)
    b.schedule("p0", "a", 10)
    b.pair_set("sg:{a|b}:enc", {"b": [1]})
    assert b.get("sg:{a}:v") == b"1" and store.get("sg:{a}:v") is None
    assert b.due("p0", 20) == ["a"] and store.due("p0", 20) == []
    assert b.pair_get("sg:{a|b}:enc") == {"b": [1]} and store.pair_get("sg:{a|b}:enc") is None
    b.flush()
    assert store.get("sg:{a}:v") == b"1" and store.due("p0", 20) == ["a"]
    assert store.pair_get("sg:{a|b}:enc") == {"b": [1]}
    b.set("sg:{a}:v", b"2")
    b.cancel("p0", "a")
    assert b.due("p0", 20) == []
    b.discard()  # rolled back
    assert b.get("sg:{a}:v") == b"1" and b.due("p0", 20) == ["a"]


def test_memory_store_stays_bounded_under_rescheduling_and_refreshes() -> None:
    """Every fix reschedules its vessel's timer and refreshes its TTL: the heaps behind them
    must hold one entry per vessel, not one per fix, and values keep their exact size."""
    import sys

    import orjson

    from stream.state.memory import MemoryStore

    m = MemoryStore()
    for t in range(0, 2000):
        now = 1_000_000 + t * 60_000
        m.advance(now)
        for v in ("a", "b", "c"):
            m.schedule("p0", v, now + 7_200_000)
            m.set(f"sg:{{{v}}}:v", orjson.dumps({"t": t}), ttl_s=86_400)
        assert m.due("p0", now) == []
    assert len(m._heaps["p0"]) <= 6 and len(m._exp_heap) <= 6
    assert m.due("p0", 1_000_000 + 2000 * 60_000 + 7_200_000) == ["a", "b", "c"]
    blob = m.get("sg:{a}:v")
    assert blob == b'{"t":1999}' and sys.getsizeof(blob) < 100
    m.advance(1_000_000 + 2000 * 60_000 + 86_400_000)
    assert len(m) == 0  # expired in event time, through the refreshed entries


def test_reception_counts_add_up_and_are_shared(store: StateStore) -> None:
    store.reception_add({(480_000, 1234): 3, (480_000, 1235): 1})
    store.reception_add({(480_000, 1234): 2, (480_001, 1234): 7})
    assert store.reception_counts([(480_000, 1234), (480_000, 9), (480_001, 1234)]) == [5, 0, 7]


def test_buffered_reception_counts_wait_for_flush_and_roll_back(store: StateStore) -> None:
    from stream.state.buffered import BufferedStore

    b = BufferedStore(store)
    b.reception_add({(5, 1): 4})
    assert b.reception_counts([(5, 1)]) == [4] and store.reception_counts([(5, 1)]) == [0]
    b.discard()  # a rolled-back batch must not count its fixes twice when retried
    b.reception_add({(5, 1): 4})
    b.flush()
    assert store.reception_counts([(5, 1)]) == [4]


def test_memory_reception_follows_event_time() -> None:
    from stream.state.base import RECEPTION_RETENTION_H

    m = MemoryStore()
    m.reception_add({(100, 1): 9})
    m.advance((100 + RECEPTION_RETENTION_H) * 3_600_000)
    assert m.reception_counts([(100, 1)]) == [9]
    m.advance((101 + RECEPTION_RETENTION_H) * 3_600_000)  # decayed: the hour is forgotten
    assert m.reception_counts([(100, 1)]) == [0]
