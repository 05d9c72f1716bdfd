"""replay(): batching and the cyclic garbage collector around it."""

from __future__ import annotations

import gc
from typing import Any

import pytest

import stream.replay as replay_mod
from stream.app import build_pipeline
from stream.models import Position
from stream.replay import batch_bounds, replay
from stream.settings import load_settings
from stream.sinks import ListSink

T0_MS = 1_741_968_000_000


def test_replay_pauses_the_collector_but_collects_every_few_batches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(replay_mod, "GC_EVERY", 3)
    recs = [
        Position(vessel=str(247000000 + v), ts_ms=T0_MS + k * 60_000, lat=36.0 + v / 10, lon=14.0)
        for k in range(20)
        for v in range(5)
    ]
    n_batches = len(batch_bounds(recs, 10, 3_600_000))
    full: list[bool] = []  # per full collection during the replay: was the collector on?

    def probe(phase: str, info: dict[str, Any]) -> None:
        if phase == "start" and info["generation"] == 2:
            full.append(gc.isenabled())

    pl, sink = build_pipeline(load_settings(env={})), ListSink()
    assert gc.isenabled()
    gc.callbacks.append(probe)
    try:
        s = replay(recs, pl, sink, batch=10)
    finally:
        gc.callbacks.remove(probe)
    assert gc.isenabled()  # resumed after the replay
    assert s.positions == 100 and n_batches == 10
    assert full == [False] * (n_batches // 3)  # only the replay's own, collector paused


def test_a_record_from_the_future_is_rejected_not_used(tmp_path: Any) -> None:
    import orjson

    from stream.replay import ReplaySummary, load_records
    from tests.builders import T0, lane, line

    busy = lane(14.3, 35.46, 15.6, 35.46, T0, 3)  # covered water, 3 h of it
    ship = line("247000001", 14.5, 35.45, 90, 10, 120, dt_s=60)
    rows = [
        {"mmsi": p.mmsi, "ts_ms": p.ts_ms, "lat": p.lat, "lon": p.lon, "sog": p.sog_kn}
        for p in [*busy, *ship]
        if isinstance(p, Position)
    ]
    bad_clock = {"mmsi": 247000009, "ts": "2099-01-01T00:00:00Z", "lat": 35.4, "lon": 14.4}
    f = tmp_path / "in.ndjson"
    f.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in [*rows, bad_clock]))
    summary = ReplaySummary()
    records = load_records([f], summary=summary)
    assert summary.rejected["ts_in_future"] == 1
    assert summary.accepted == len(rows) == len(records)
    sink = ListSink()
    replay(records, build_pipeline(load_settings(env={})), sink)
    # event time never jumped to 2099: nobody was declared dark
    assert [a for a in sink.alerts if a.type == "ais_gap"] == []
