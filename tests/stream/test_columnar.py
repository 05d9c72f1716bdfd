"""The columnar path against the reference path (one fix at a time through every detector):
the same alerts, in the same order, with the same ids, and the same vessel state - on every
simulator scenario and on every recorded feed in ../shared/data/ais."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from stream.app import build_pipeline
from stream.decode.jsondec import decode_json_obj
from stream.models import Position
from stream.pipeline import Pipeline, vessel_key
from stream.replay import ReplaySummary, load_records
from stream.settings import load_settings
from stream.sim import simulate
from tests.conftest import AIS_DIR


def _shared(pl: Pipeline) -> dict:
    """The memory store's shared view: every bucket member and every pair record."""
    st = pl.store
    buckets = {
        b: {v: e for cell in cells.values() for v, e in cell.items()}
        for b, cells in st._buckets.items()  # type: ignore[attr-defined]
    }
    return {"buckets": buckets, "pairs": dict(st._pairs)}  # type: ignore[attr-defined]


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
    states["shared view"] = _shared(pl)
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


@pytest.mark.parametrize("batch", [500, 5000])
def test_duplicate_and_late_fixes_among_others(batch: int) -> None:
    """Repeated fixes (dropped) and fixes older than the vessel's state (dropped) between the
    other vessels' rows: the rows kept, their order per vessel and every alert as on the
    reference path."""
    positions, _ = simulate(["all"], seed=5, hours=12)
    recs = sorted((r for p in positions for r in decode_json_obj(p)), key=lambda r: r.ts_ms)
    mixed: list = []
    for i, r in enumerate(recs):
        mixed.append(r)
        if i % 7 == 3:
            mixed.append(r)  # the same fix again
        if i % 11 == 5 and i >= 3000:
            mixed.append(recs[i - 3000])  # a fix from well before: late by then
    _assert_same(mixed, batch)
    pl = build_pipeline(load_settings(env={}))
    for i in range(0, len(mixed), batch):
        pl.process(mixed[i : i + batch])
    assert pl.stats["duplicate_fixes"] > 100 and pl.stats["late_fixes"] > 100
    n_pos = sum(isinstance(r, Position) for r in mixed)
    assert pl.stats["positions"] + pl.stats["duplicate_fixes"] + pl.stats["late_fixes"] == n_pos


FEEDS = sorted(p.name for p in AIS_DIR.glob("*") if p.suffix != ".md") if AIS_DIR.exists() else []


@pytest.mark.skipif(not FEEDS, reason=f"recorded AIS not found at {AIS_DIR}")
@pytest.mark.parametrize("name", FEEDS)
def test_recorded_feeds(name: str) -> None:
    recs = load_records([str(Path(AIS_DIR) / name)], "auto", ReplaySummary())
    assert recs
    _assert_same(recs, batch=2000)


@pytest.mark.parametrize("batch", [97, 600, 5000, 40_000])
def test_slow_fleet_with_meetings(batch: int) -> None:
    """Many slow vessels at sea, most alone, some meeting and parting within a batch: the
    fixes planned as 'alone' (recorded in bulk) leave the same alerts and shared view."""
    import random

    from tests.builders import T0, line

    rnd = random.Random(5)
    recs = []
    for k in range(60):  # alone: loitering, each in its own patch of the Ionian
        lon, lat = 18.5 + (k % 10) * 0.08, 36.6 + (k // 10) * 0.08
        recs += line(f"24700{k:04d}", lon, lat, rnd.uniform(0, 360), rnd.uniform(0.2, 1.5), 300)
    for k in range(12):  # pairs: B turns up next to A (later for each pair) and drifts
        # with it, then falls silent while A waits on; both report every 1-4 min, each at
        # its own second, so a batch may end between B's last fix in a bucket and A's next
        lon, lat = 19.6 + k * 0.05, 37.2
        t0 = T0 + rnd.randrange(0, 60_000)
        recs += line(f"24710{k:04d}", lon, lat, 0, 0.1, 200, dt_s=60 + 60 * (k % 4), t0_ms=t0)
        t0 += k * 700_000 + rnd.randrange(0, 60_000)
        recs += line(f"24720{k:04d}", lon - 0.002, lat - 0.003, 0, 0.1, 150, dt_s=97, t0_ms=t0)
    recs.sort(key=lambda r: r.ts_ms)
    alerts = _assert_same(recs, batch)
    types = {a["type"] for a in alerts}
    assert {"loitering", "encounter"} <= types


def test_a_neighbour_seen_only_in_the_shared_view() -> None:
    """B's last fix opens a bucket before A has a fix in it; the batch ends; A's next fix,
    in the next batch, finds B only in the shared view. A must not be planned as alone."""
    from tests.builders import T0, line

    b_fixes = line("247300002", 19.602, 37.203, 0, 0.05, 76, dt_s=97, t0_ms=T0 - 7_200_000)
    assert b_fixes[-1].ts_ms == T0 + 75 * 97_000 - 7_200_000  # 10:01:15, bucket 10:00
    a_fixes = line("247300001", 19.6, 37.2, 0, 0.05, 33, dt_s=240, t0_ms=T0 - 7_080_000)
    recs = sorted(a_fixes + b_fixes, key=lambda r: r.ts_ms)
    cut = next(i for i, r in enumerate(recs) if r.ts_ms > b_fixes[-1].ts_ms)
    assert recs[cut].vessel == "247300001" and recs[cut].ts_ms // 600_000 == T0 // 600_000
    got = {}
    for fast in (False, True):
        pl: Pipeline = build_pipeline(load_settings(env={}), keep_states=fast)
        pl.fast = fast
        alerts = [a.to_dict() for a in pl.process(recs[:cut]) + pl.process(recs[cut:])]
        got[fast] = (alerts, _shared(pl))
    assert got[True] == got[False]
    pair = got[True][1]["pairs"]["sg:{247300001|247300002}:enc"]
    assert T0 // 600_000 in pair["b"]  # the bucket only A's fix in the second batch saw


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


@pytest.mark.parametrize("batch", [7, 50, 5000])
def test_waiting_in_a_departure_area_then_crossing(batch: int) -> None:
    """Boats wait inside the Ayvalik departure area (each fix there restarts the crossing
    rule: routine rows, folded in bulk) - drifting, or motoring up and down - one of them
    longer than the rule's 12 h window, then cross to Lesvos: the rule starts at each boat's
    last fix in the departure area, as fix-by-fix processing has it."""
    from tests.builders import T0, line, through

    recs = []
    for k in range(4):
        v = f"24790{k:04d}"
        sog, wait = [(0.2, 45), (0.2, 800), (4.0, 40), (4.0, 55)][k]
        recs += line(v, 26.69, 39.24, 180, sog, wait, dt_s=60, t0_ms=T0 + k * 7000)
        t1 = recs[-1].ts_ms + 60_000
        recs += through(v, [(26.66, 39.235), (26.47, 39.215)], 30, dt_s=300, t0_ms=t1)
    recs.sort(key=lambda r: r.ts_ms)
    alerts = _assert_same(recs, batch)
    cps = [a for a in alerts if a["type"] == "crossing_pattern"]
    assert len(cps) == 4
    for a in cps:
        assert a["evidence"]["events"][0]["event"] == "in"
        # from the last fix in the departure area (minutes before), not the first (>= 40 min)
        assert a["evidence"]["duration_s"] <= 600


@pytest.mark.parametrize("batch", [5, 40, 5000])
def test_positions_jumping_inland_and_back(batch: int) -> None:
    """A ship off Sicily whose GNSS jumps well inland, comes back to sea, and jumps inland
    again 7 h later (past the cooldown), twice within one batch at the larger sizes, across
    batches at the smaller ones: only the inland fixes and the first fix back at sea after
    them change anything, and the columnar path skips the rest exactly."""
    from tests.builders import T0, line

    sea = line("247990031", 12.9, 36.9, 90, 8, 30, dt_s=60)
    inland = {6, 7, 8, 21, 22}  # Sicily's interior, far beyond the 3 km tolerance
    recs = []
    for k, p in enumerate(sea):
        t = T0 + (k * 60 + (7 * 3600 if k >= 20 else 0)) * 1000
        recs.append(
            p._replace(ts_ms=t, lon=14.2, lat=37.55) if k in inland else p._replace(ts_ms=t)
        )
    alerts = _assert_same(recs, batch)
    assert [a["type"] for a in alerts].count("position_on_land") == 2  # (and jumps: kinematic)


@pytest.mark.parametrize("batch", [4, 5000])
def test_identity_carried_by_quiet_rows(batch: int) -> None:
    """An AIS class that first appears on a routine fix (not the vessel's first): recorded
    as the reference path records it, whether the fold runs before an identity report or at
    the end of the batch."""
    from tests.builders import T0, line, static

    recs: list = []
    for k, v in enumerate(("247990041", "247990042")):
        t0 = T0 + k * 7000
        a = line(v, 14.0, 34.5 + k * 0.2, 90, 10, 5, t0_ms=t0)
        b = line(v, a[-1].lon + 0.01, a[-1].lat, 90, 10, 5, t0_ms=t0 + 300_000, ais_class="B")
        recs += a + b
    recs.append(static("247990041", T0 + 700_000, name="ALPHA"))
    recs += line("247990041", 14.2, 34.5, 90, 10, 3, t0_ms=T0 + 720_000)
    recs.sort(key=lambda r: r.ts_ms)
    _assert_same(recs, batch)
    pl = build_pipeline(load_settings(env={}), keep_states=True)
    pl.process(recs)
    assert {v: s.static.get("ais_class") for v, s in pl.live_states().items()} == {
        "247990041": "B",
        "247990042": "B",
    }


@pytest.mark.parametrize("batch", [3, 8, 5000])
def test_moves_into_and_out_of_a_hysteresis_band(batch: int) -> None:
    """Boats at the seaward edge of the Zuwara-Garabulli departure area (lon 12.40, edge at
    about 32.909 N), between outside (1.7 km off the edge), the area's 1 km exit band (0.6 km
    off) and inside (3.3 km in): a move into the band, from either side, changes the zone
    sets yet enters and leaves nothing, and the columnar path skips it; moving on from the
    band does enter or leave. One boat then waits inside, drifts into the band and crosses to
    Lampedusa: the crossing starts at its last fix inside, not at an earlier one (the band
    fixes restart nothing)."""
    from stream.timeutil import iso
    from tests.builders import T0, through

    out_, band, ins = 32.924, 32.914, 32.879
    lon, dt_ms = 12.40, 600_000
    walk = [out_, out_, band, band, band, ins, ins, ins, band, band, ins, band, band, out_]
    walk += [band, band, out_, band, ins, band, out_]
    recs = []
    for k in range(2):
        v = f"24799{k:04d}"
        for i, lat in enumerate(walk):
            recs.append(_at(v, T0 + k * 7000 + i * dt_ms, lon, lat))
    v = "247990005"
    t = T0
    for lat in [ins, ins, ins, band, band, band]:
        recs.append(_at(v, t, lon, lat))
        t += dt_ms
    recs += through(v, [(lon, band + 0.004), (12.55, 35.45)], 8, dt_s=600, t0_ms=t)
    recs.sort(key=lambda r: r.ts_ms)
    alerts = _assert_same(recs, batch)
    cps = [a for a in alerts if a["type"] == "crossing_pattern"]
    assert len(cps) == 1
    first = cps[0]["evidence"]["events"][0]
    assert (first["event"], first["lat"]) == ("in", ins)
    assert first["ts"] == iso(T0 + 2 * dt_ms)  # the third fix inside, the last


def _at(vessel: str, ts_ms: int, lon: float, lat: float) -> Position:
    return Position(vessel, ts_ms, lat, lon, mmsi=int(vessel), sog_kn=10.0, cog_deg=270.0)


@pytest.mark.parametrize("batch", [5, 40, 5000])
def test_identity_repeated_on_every_row_reaches_the_detectors_only_when_it_changes(
    batch: int,
) -> None:
    """A feed that repeats identity on every row (MarineCadastre, flat JSON): the repeats
    change nothing, so the columnar path passes on only the changes - with the same alerts
    and state as the reference path, which sees them all (a name and call sign changed
    mid-voyage among them)."""
    from tests.builders import T0, line, static

    recs: list = []
    for k, v in enumerate(("247990051", "247990052")):
        for i, p in enumerate(line(v, 14.0, 34.5 + k * 0.2, 90, 10, 30, t0_ms=T0 + k * 7000)):
            renamed = v == "247990051" and i >= 20
            recs += [
                p,
                static(
                    v,
                    p.ts_ms,
                    name="DELTA" if renamed else f"NAME{k}",
                    callsign="X1" if renamed else f"C{k}",
                ),
            ]
    fast = _assert_same(recs, batch)
    assert [a["type"] for a in fast].count("identity_change") == 1
    pl = build_pipeline(load_settings(env={}), keep_states=True)
    for i in range(0, len(recs), batch):
        pl.process(recs[i : i + batch])
    assert pl.stats["static_reports"] == 60
    # all but each vessel's first and the change; with an odd batch size a report can be
    # cut off from its row's fix and is then passed on too
    unchanged = pl.stats["static_unchanged"]
    assert unchanged == 57 if batch % 2 == 0 else 30 < unchanged < 57
