"""The columnar path against the reference path (one fix at a time through every detector):
the same alerts, in the same order, with the same ids, and the same vessel state - on every
simulator scenario and on every recorded feed in ../shared/data/ais."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from stream.app import build_pipeline
from stream.decode.jsondec import decode_json_obj
from stream.pipeline import Pipeline, vessel_key
from stream.replay import ReplaySummary, load_records
from stream.settings import load_settings
from stream.sim import simulate
from tests.conftest import AIS_DIR


def _run(
    records: list, fast: bool, batch: int, keep: bool = False
) -> tuple[list[dict], dict[str, dict]]:
    pl: Pipeline = build_pipeline(load_settings(env={}), keep_states=keep)
    pl.fast = fast
    alerts = []
    for i in range(0, len(records), batch):
        alerts.extend(a.to_dict() for a in pl.process(records[i : i + batch]))
    if keep:
        blobs = {vessel_key(v): orjson.dumps(vs.to_dict()) for v, vs in pl.live_states().items()}
    else:
        blobs = {k: pl.store.get(k) for k in pl.store._kv}  # type: ignore[attr-defined]
    states = {}
    for k in sorted(blobs):
        d = orjson.loads(blobs[k])
        d.pop("g", None)  # zone-set signatures: kept by the columnar path only
        states[k] = d
    return alerts, states


def _assert_same(records: list, batch: int = 5000) -> list[dict]:
    """The columnar path, with states in the store or kept live, against the reference."""
    ref, ref_states = _run(records, fast=False, batch=batch)
    fast, fast_states = _run(records, fast=True, batch=batch)
    assert fast == ref
    assert fast_states == ref_states
    live, live_states = _run(records, fast=True, batch=batch, keep=True)
    assert live == ref
    assert live_states == ref_states
    return fast


@pytest.mark.parametrize(("seed", "batch"), [(7, 5000), (3, 777), (11, 20_000)])
def test_simulated_scenarios(seed: int, batch: int) -> None:
    positions, truth = simulate(["all"], seed=seed, hours=36)
    recs = sorted((r for p in positions for r in decode_json_obj(p)), key=lambda r: r.ts_ms)
    alerts = _assert_same(recs, batch)
    assert len({a["type"] for a in alerts}) >= 10 and len(truth) >= 15


FEEDS = sorted(p.name for p in AIS_DIR.glob("*") if p.suffix != ".md") if AIS_DIR.exists() else []


@pytest.mark.skipif(not FEEDS, reason=f"recorded AIS not found at {AIS_DIR}")
@pytest.mark.parametrize("name", FEEDS)
def test_recorded_feeds(name: str) -> None:
    recs = load_records([str(Path(AIS_DIR) / name)], "auto", ReplaySummary())
    assert recs
    _assert_same(recs, batch=2000)


def test_live_states_expire_in_event_time_like_the_store() -> None:
    """A vessel silent for longer than the state TTL starts afresh in both modes."""
    from tests.builders import line

    week = 7 * 86_400_000
    a = line("247000001", 25.0, 36.5, 90, 10, 5)
    b = line("247000001", 25.5, 36.5, 90, 10, 5, t0_ms=a[-1].ts_ms + week + 60_000)
    other = line("247000002", 20.0, 36.0, 90, 10, 5, t0_ms=a[-1].ts_ms + week // 2)
    recs = sorted(a + other + b, key=lambda r: r.ts_ms)
    _, ref_states = _run(recs, fast=False, batch=5)
    _, live_states = _run(recs, fast=True, batch=5, keep=True)
    assert live_states == ref_states
    assert ref_states[vessel_key("247000001")]["n"] == 5  # forgotten, then 5 new fixes
