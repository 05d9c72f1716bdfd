import orjson

from stream.pipeline import Pipeline, vessel_key
from stream.state.base import StateStore
from tests.builders import T0, lane, line, static


def test_state_survives_between_batches(pipeline: Pipeline) -> None:
    recs = [static("247000001", T0 - 1, name="ALPHA"), *line("247000001", 14.5, 35.45, 90, 10, 30)]
    for r in recs:
        pipeline.process([r])
    st = orjson.loads(pipeline.store.get(vessel_key("247000001")) or b"null")
    assert st["s"]["name"] == "ALPHA" and st["n"] == 30
    assert st["l"]["ts_ms"] == recs[-1].ts_ms


def test_state_expires_after_ttl_in_event_time(pipeline: Pipeline) -> None:
    pipeline.process(line("247000001", 14.5, 35.45, 90, 10, 3))
    assert pipeline.store.exists(vessel_key("247000001"))
    later = line("247000002", 14.5, 35.45, 90, 10, 1, t0_ms=T0 + 8 * 86400_000)
    pipeline.process(later)
    assert not pipeline.store.exists(vessel_key("247000001"))


def test_late_and_duplicate_fixes_are_counted_not_used(pipeline: Pipeline) -> None:
    trk = line("247000001", 14.5, 35.45, 90, 10, 10)
    pipeline.process(trk[5:])
    pipeline.process([*trk[:5], trk[-1]])
    assert pipeline.stats["late_fixes"] == 5 and pipeline.stats["duplicate_fixes"] == 1
    assert pipeline.stats["positions"] == 5


def test_derived_speed_when_feed_has_none(pipeline: Pipeline) -> None:
    from detectors.base import Context, Detector, Fix, VesselState

    seen: list[Fix] = []

    class Spy(Detector):
        name = "spy"

        @classmethod
        def default_params(cls) -> None:
            return None

        def on_fix(self, fix: Fix, vs: VesselState, ctx: Context) -> list:  # type: ignore[type-arg]
            seen.append(fix)
            return []

    from stream.pipeline import Pipeline

    pipeline = Pipeline([Spy()], pipeline.zones, pipeline.store)
    trk = [p._replace(sog_kn=None, cog_deg=None) for p in line("247000001", 14.5, 35.45, 90, 12, 5)]
    pipeline.process(trk)
    assert seen[0].sog_kn is None
    assert all(abs((f.sog_kn or 0) - 12) < 0.2 for f in seen[1:])
    assert all(abs((f.cog_deg or 0) - 90) < 1 for f in seen[1:])


def test_same_results_on_memory_and_redis(redis_store: StateStore) -> None:
    """The pipeline gives identical alerts on the memory and the Redis store."""
    from stream.app import build_pipeline
    from stream.settings import load_settings
    from stream.state.memory import MemoryStore

    a = line("247000001", 14.5, 35.45, 90, 0.3, 50, dt_s=300)  # drifting together for 4 h
    b = line("247000002", 14.502, 35.451, 90, 0.3, 50, dt_s=300, t0_ms=T0 + 40_000)
    gap = line("247000003", 14.0, 35.0, 90, 10, 60) + line(
        "247000003", 14.3, 35.0, 90, 10, 5, t0_ms=T0 + 5 * 3600_000
    )
    busy = lane(13.8, 35.01, 15.0, 35.01, T0, 6)  # the gap is judged dark
    recs = sorted(a + b + gap + busy, key=lambda r: r.ts_ms)  # type: ignore[operator]
    results = []
    for store in (MemoryStore(), redis_store):
        p = build_pipeline(load_settings(env={}), store=store)
        alerts = []
        for i in range(0, len(recs), 10):
            alerts += p.process(recs[i : i + 10])
        results.append([(x.type, x.status, x.alert_id, x.ts_ms) for x in alerts])
    mem, red = results
    got = [(t, s) for t, s, *_ in mem]
    assert got.count(("encounter", "open")) == 1 and got.count(("loitering", "open")) == 2
    assert [x for x in got if x[0] == "ais_gap"] == [("ais_gap", "open"), ("ais_gap", "closed")]
    assert mem == red


def test_a_batch_out_of_event_time_order_is_processed_in_order(pipeline: Pipeline) -> None:
    from stream.app import build_pipeline
    from stream.settings import load_settings

    trk = line("247000001", 14.5, 35.45, 90, 10, 12) + line("247000002", 14.6, 35.4, 0, 8, 12)
    ordered = sorted(trk, key=lambda r: r.ts_ms)
    shuffled = ordered[::2][::-1] + ordered[1::2]
    ref = build_pipeline(load_settings(env={}))
    pipeline.process(tuple(shuffled))  # any sequence, in any order
    ref.process(ordered)
    assert pipeline.stats == ref.stats and pipeline.stats["positions"] == 24
    assert pipeline.stats["late_fixes"] == 0  # sorted first, not taken as late
    for v in ("247000001", "247000002"):
        assert pipeline.store.get(vessel_key(v)) == ref.store.get(vessel_key(v))


def test_batches_with_no_usable_position(pipeline: Pipeline) -> None:
    # identity reports only, then positions that are all late or duplicate: no rows for the
    # detectors' masks, no crash, everything counted
    trk = line("247000001", 14.5, 35.45, 90, 1.0, 6)
    assert pipeline.process([static("247000001", T0, name="ALPHA")]) == []
    pipeline.process(trk[3:])
    assert pipeline.process([*trk[:3], trk[-1]]) == []
    assert pipeline.stats["static_reports"] == 1 and pipeline.stats["positions"] == 3
    assert pipeline.stats["late_fixes"] == 3 and pipeline.stats["duplicate_fixes"] == 1


def test_alerts_do_not_depend_on_where_batches_end() -> None:
    """Timers fire at their own due time, before the vessel's next report: replaying in
    batches of 1 minute, 10 minutes, 1 hour or 4 hours of event time gives the same alerts,
    and a gap opens exactly its threshold after the last fix, not at the end of a batch."""
    from stream.app import build_pipeline
    from stream.decode.jsondec import decode_json_obj
    from stream.replay import replay
    from stream.settings import load_settings
    from stream.sim import simulate
    from stream.sinks import ListSink

    positions, _ = simulate(["all"], seed=7, hours=36)
    recs = sorted((r for p in positions for r in decode_json_obj(p)), key=lambda r: r.ts_ms)
    runs = []
    for span_ms in (60_000, 600_000, 3_600_000, 4 * 3_600_000):
        sink = ListSink()
        replay(recs, build_pipeline(load_settings(env={}), keep_states=True), sink, span_ms=span_ms)
        runs.append(
            sorted(orjson.dumps(a.to_dict(), option=orjson.OPT_SORT_KEYS) for a in sink.alerts)
        )
    assert all(r == runs[0] for r in runs[1:])
    alerts = [orjson.loads(a) for a in runs[0]]
    gaps = [a for a in alerts if a["type"] == "ais_gap" and a["status"] == "open"]
    assert gaps and all(
        g["evidence"]["silent_s"] == g["detector"]["params"]["min_gap_s"] for g in gaps
    )
