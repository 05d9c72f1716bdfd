"""Benchmarks, each reported as a ratio against a baseline measured in the same run.

    python -m bench all            # everything below, results to bench/RESULTS.md
    python -m bench geofence       # engine vs naive per-point loop vs GeoPandas sjoin
    python -m bench pipeline       # decode floor vs geofence vs full pipeline (replay)
    python -m bench memory         # state bytes per tracked vessel
    python -m bench kafka          # consume rate through the embedded broker
    python -m bench latency        # produce -> alert latency at a steady 2,000 msg/s
    python -m bench quix           # a Quix Streams geofence app vs the seaguard service
    python -m bench real_shapes    # whole-process replay of MarineCadastre-shaped CSV, 1 M and
                                   # 3 M rows: rate vs csv.reader, peak memory
    python -m bench startup        # a one-record replay with and without the zone cache
    python -m bench kafka_real_shape  # the service consuming JSON with statics from the broker
    python -m bench nmea_real_shape   # tag-block NMEA with type-5 reports: replay vs pyais alone

Sizes can be reduced for a quick look: --scale 0.1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.realshape import replay_nmea, replay_real_shapes, service_real_shape, startup
from bench.workload import points, tracks

RESULTS = Path(__file__).with_name("RESULTS.md")
# Everything from this heading on is written by hand (comparisons, history) and kept as it is
# when the measured sections above it are rewritten.
NOTES_MARK = "## Notes (by hand)\n"
REPEATS = 3  # timed runs of the decode floor and of the pipeline (bench_pipeline)


def _t(fn: Any, *a: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    r = fn(*a)
    return time.perf_counter() - t0, r


def bench_geofence(scale: float) -> dict[str, Any]:
    import shapely
    from shapely.geometry import Point

    from stream.zoneload import load_zoneset

    zs = load_zoneset()
    zs.lookup([25.0], [37.0])  # build indexes once
    n = int(1_000_000 * scale)
    lon, lat = points(n)
    # The first call also decides the grid covers' subcells its points fall in (once per
    # process: detectors/cellcover.py); the rate is the best of REPEATS calls, as timeit.
    t_first, _ = _t(zs.contains, lon, lat)
    t_engine = min([t_first] + [_t(zs.contains, lon, lat)[0] for _ in range(REPEATS - 1)])
    # naive: json-free but per-point Python loop over every zone (prepared geometries)
    polys = [z.geometry for z in zs.zones if not z.is_line]
    for g in polys:
        shapely.prepare(g)
    m = min(n, int(20_000 * max(scale, 0.1)))

    def naive() -> int:
        hits = 0
        for x, y in zip(lon[:m].tolist(), lat[:m].tolist(), strict=True):
            p = Point(x, y)
            for g in polys:
                if g.contains(p):
                    hits += 1
        return hits

    t_naive, _ = _t(naive)
    res: dict[str, Any] = {
        "positions": n,
        "engine_s": round(t_engine, 3),
        "engine_first_call_s": round(t_first, 3),
        "engine_pos_per_s": round(n / t_engine),
        "naive_pos_per_s": round(m / t_naive),
        "naive_sample": m,
        "ratio_engine_vs_naive": round((n / t_engine) / (m / t_naive), 1),
    }
    try:
        import geopandas as gpd

        zones_gdf = gpd.GeoDataFrame({"zid": range(len(polys))}, geometry=polys, crs=4326)
        t_build, pts = _t(lambda: gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=4326))
        t_sjoin, _ = _t(lambda: gpd.sjoin(pts, zones_gdf, predicate="within", how="inner"))
        res.update(
            geopandas_s=round(t_build + t_sjoin, 3),
            geopandas_pos_per_s=round(n / (t_build + t_sjoin)),
            ratio_engine_vs_geopandas=round((t_build + t_sjoin) / t_engine, 2),
        )
    except ImportError:
        res["geopandas"] = "not installed (pip install 'seaguard[bench]')"
    return res


def _naive_contains(zs: Any) -> Any:
    """The naive peer's geofence: every polygon zone tested against each point in turn
    (prepared shapely geometries), with the same answers as ``ZoneSet.contains``."""
    import shapely
    from shapely.geometry import Point

    inner = [(i, z.geometry) for i, z in enumerate(zs.zones) if not z.is_line]
    buffered = list(zip(zs._poly_idx.tolist(), zs._outer_geoms, strict=True))
    for _, g in inner + buffered:
        shapely.prepare(g)

    def contains(lon: Any, lat: Any, outer: bool = False) -> tuple[Any, Any]:
        pi: list[int] = []
        zi: list[int] = []
        xs, ys = np.asarray(lon, dtype=float).tolist(), np.asarray(lat, dtype=float).tolist()
        for k, (x, y) in enumerate(zip(xs, ys, strict=True)):
            p = Point(x, y)
            for i, g in buffered if outer else inner:
                if g.contains(p):
                    pi.append(k)
                    zi.append(i)
        return np.array(pi, dtype=np.int64), np.array(zi, dtype=np.int64)

    return contains


def bench_pipeline(scale: float) -> dict[str, Any]:
    import tempfile

    from stream.app import build_pipeline
    from stream.decode.jsondec import decode_json_record
    from stream.gcpause import gc_paused
    from stream.replay import load_records, replay
    from stream.settings import load_settings
    from stream.sinks import ListSink
    from stream.sources import FileSource

    n = int(2_000_000 * scale)
    v = max(100, int(20_000 * scale))
    lines = tracks(n, v)
    tmp = tempfile.TemporaryDirectory(prefix="seaguard-bench-")
    path = Path(tmp.name) / "workload.ndjson"
    path.write_bytes(b"\n".join(lines) + b"\n")

    def floor() -> list[Any]:
        """Reading + decoding the recording, nothing else: the records, unsorted."""
        out: list[Any] = []
        with gc_paused():  # as load_records decodes a recording
            for recs, _ in FileSource(path, "json").chunks():
                out.extend(recs)
        return out

    def decode_only() -> list[Any]:
        """Decoding the lines already in memory: no file, no reader (a stricter floor)."""
        out: list[Any] = []
        with gc_paused():
            for ln in lines:
                r = decode_json_record(ln)
                if isinstance(r, list):
                    out.extend(r)
        return out

    # The floors and the pipeline - `seaguard replay`: load_records (read, decode, sort by
    # time), then replay - in turns, REPEATS times each; the fastest of each counts (as
    # timeit does): this machine's speed drifts by +-20 % from minute to minute, and taking
    # turns exposes all to the same drift.
    t_floor = t_mem = t_load = t_pipe = math.inf
    try:
        for _ in range(REPEATS):
            recs: list[Any] = []  # the previous turn's records go first
            t, recs = _t(floor)
            t_floor = min(t_floor, t)
            recs = []
            t, recs = _t(decode_only)
            t_mem = min(t_mem, t)
            recs = []
            t, recs = _t(load_records, [path], "json")
            t_load = min(t_load, t)
            pl = build_pipeline(load_settings(env={}), keep_states=True)  # as replay does
            sink = ListSink()
            t, _ = _t(replay, recs, pl, sink)
            t_pipe = min(t_pipe, t)
    finally:
        tmp.cleanup()
    total_pipe = t_load + t_pipe
    zs = pl.zones
    lon = np.fromiter((r.lon for r in recs if hasattr(r, "lon")), float)
    lat = np.fromiter((r.lat for r in recs if hasattr(r, "lat")), float)
    t_geo, _ = _t(zs.lookup, lon, lat)

    # The naive peer: stdlib json per line, the reference pipeline (every detector on every
    # fix) one record at a time - geofence per point - on a sample (it is slow).
    import json as stdjson

    from stream.decode.jsondec import decode_json_obj

    sample = lines[: min(20_000, max(2000, len(lines) // 20))]
    naive_pl = build_pipeline(load_settings(env={}))
    naive_pl.fast = False

    def naive() -> None:
        for ln in sample:
            try:
                rs = decode_json_obj(stdjson.loads(ln))
            except Exception:
                continue
            naive_pl.process(rs)

    naive_zs = naive_pl.zones
    naive_zs.contains = _naive_contains(naive_zs)  # type: ignore[method-assign]
    try:
        t_naive, _ = _t(naive)
    finally:
        del naive_zs.contains  # the zone set is shared (cached): back to the engine
    return {
        "records": len(lines),
        "vessels": v,
        # reading + decoding the workload file (FileSource), nothing else
        "floor_read_decode_rec_per_s": round(len(lines) / t_floor),
        # decoding the lines already in memory, nothing else
        "floor_decode_in_memory_rec_per_s": round(len(lines) / t_mem),
        "geofence_pos_per_s": round(len(lon) / t_geo),
        # load_records (read, decode, sort by time) + replay: `seaguard replay`
        "pipeline_rec_per_s": round(len(lines) / total_pipe),
        # the pipeline without loading (records already decoded and sorted): where the time goes
        "processing_only_rec_per_s": round(len(lines) / t_pipe),
        "ratio_pipeline_vs_floor": round(t_floor / total_pipe, 3),
        # the stricter reading: processing added to in-memory decoding
        "ratio_pipeline_vs_decode_in_memory": round(t_mem / (t_mem + t_pipe), 3),
        "naive_rec_per_s": round(len(sample) / t_naive),
        "naive_sample": len(sample),
        "ratio_pipeline_vs_naive": round((len(lines) / total_pipe) / (len(sample) / t_naive), 1),
        "alerts": len(sink.alerts),
        "timed_runs_best_of": REPEATS,
    }


def _rss_kb() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def memory_one(
    vessels: int, fixes_per_vessel: int = 3, keep: bool = False, trace: bool = True
) -> dict[str, Any]:
    """State of ``vessels`` tracked vessels in one fresh process: Python heap (tracemalloc,
    when ``trace``) or resident set growth (without it: tracemalloc's own record of every
    live block would count as the pipeline's) while the pipeline tracks them."""
    import gc
    import tracemalloc

    from stream.app import build_pipeline
    from stream.decode.jsondec import decode_json_record
    from stream.settings import load_settings

    lines = tracks(vessels * fixes_per_vessel, vessels)
    recs = [r for ln in lines for r in (decode_json_record(ln) or [])]  # type: ignore[union-attr]
    del lines
    recs.sort(key=lambda r: r.ts_ms)
    pl = build_pipeline(load_settings(env={}), keep_states=keep)
    pl.process(recs[:1])  # indexes, imports and buffers built: not per-vessel state
    gc.collect()
    rss0 = _rss_kb()
    if trace:
        tracemalloc.start()
        base = tracemalloc.take_snapshot()
    for i in range(1, len(recs), 5000):
        pl.process(recs[i : i + 5000])
    gc.collect()
    out: dict[str, Any] = {"vessels": vessels}
    if trace:
        snap = tracemalloc.take_snapshot()
        tracemalloc.stop()
        out["heap_bytes"] = sum(s.size_diff for s in snap.compare_to(base, "filename"))
    else:
        out["rss_growth_kb"] = _rss_kb() - rss0
        out["rss_total_mb"] = round(_rss_kb() / 1024, 1)
    return out


def _memory_run(vessels: int, keep: bool = False, trace: bool = True) -> dict[str, Any]:
    import subprocess

    r = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, bench.__main__ as b; "
            f"print(json.dumps(b.memory_one({vessels}, keep={keep}, trace={trace})))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(r.stdout.strip().splitlines()[-1]))


def bench_memory(scale: float) -> dict[str, Any]:
    """Per-vessel state at 20 k and 200 k vessels, each in a fresh process (heap and resident
    set in separate ones); the difference between the two sizes is the marginal cost of one
    more vessel (no fixed costs in it)."""
    out: dict[str, Any] = {}
    runs = []
    for vessels in (int(20_000 * scale), int(200_000 * scale)):
        m = _memory_run(vessels)
        runs.append(m)
        out[f"heap_bytes_per_vessel_{vessels}"] = round(m["heap_bytes"] / vessels)
        r = _memory_run(vessels, trace=False)
        out[f"rss_bytes_per_vessel_{vessels}"] = round(r["rss_growth_kb"] * 1024 / vessels)
        out[f"rss_total_mb_{vessels}"] = r["rss_total_mb"]
    a, b = runs
    out["marginal_heap_bytes_per_vessel"] = round(
        (b["heap_bytes"] - a["heap_bytes"]) / (b["vessels"] - a["vessels"])
    )
    # seaguard replay keeps states as live objects (no JSON round trip per batch): its cost
    vessels = int(20_000 * scale)
    m = _memory_run(vessels, keep=True)
    out[f"replay_live_heap_bytes_per_vessel_{vessels}"] = round(m["heap_bytes"] / vessels)
    out["target_bytes_per_vessel"] = 2048
    return out


def _service_seconds(settings: Any) -> float:
    """Run the service over what is on its input topic until idle; the seconds from the first
    batch's start to the last batch's commit (no group join, no idling)."""
    import threading

    from stream.service import Service

    svc = Service(settings, live=False, exit_when_idle_s=3.0)
    span: list[float] = []
    commit = svc._commit_batch

    def timed(*a: Any) -> None:
        if not span:
            span.append(time.perf_counter())
        commit(*a)
        span[1:] = [time.perf_counter()]

    svc._commit_batch = timed  # type: ignore[method-assign]
    th = threading.Thread(target=svc.run)
    th.start()
    th.join()
    return max(span[1] - span[0], 1e-3)


def bench_kafka(scale: float) -> dict[str, Any]:

    import orjson

    from stream.kafka.broker import EmbeddedBroker
    from stream.kafka.clients import create_topics
    from stream.kafka.publish import publish_json
    from stream.settings import load_settings

    n = int(200_000 * scale)
    lines = tracks(n, max(100, int(2000 * scale)))
    with EmbeddedBroker() as b:
        s = load_settings(env={}, bootstrap_servers=b.bootstrap, group_id="bench")
        create_topics(s, {s.input_topic: 4, s.nmea_topic: 4, s.alert_topic: 4, s.dlq_topic: 1})
        t_pub, _ = _t(
            publish_json,
            (
                (orjson.loads(x)["mmsi"].__str__().encode() if b'"mmsi"' in x else b"x", x, 0)
                for x in lines
            ),
            s,
        )
        t_run = _service_seconds(s)
    return {
        "records": len(lines),
        "produce_msg_per_s": round(len(lines) / t_pub),
        "service_msg_per_s": round(len(lines) / max(t_run, 1e-3)),
    }


def bench_latency(scale: float) -> dict[str, Any]:
    """Produce -> alert latency through the embedded broker and the live service, at a steady
    2,000 msg/s of background traffic: every 100th message is a new vessel transmitting an
    invalid (8-digit) MMSI, which raises an alert on its first fix; the time from its send to
    the alert's arrival at a subscriber is one sample."""
    import threading

    import orjson
    from kafka import TopicPartition

    from stream.kafka.broker import EmbeddedBroker
    from stream.kafka.clients import create_topics, make_consumer, make_producer
    from stream.service import Service
    from stream.settings import load_settings

    rate = 2000
    seconds = max(20.0, 60.0 * scale)
    with EmbeddedBroker() as b:
        s = load_settings(env={}, bootstrap_servers=b.bootstrap, group_id="bench-latency")
        create_topics(s, {s.input_topic: 4, s.nmea_topic: 4, s.alert_topic: 4, s.dlq_topic: 1})
        svc = Service(s, live=True)
        th = threading.Thread(target=svc.run, daemon=True)
        th.start()
        sub = make_consumer(s, [], group=None)
        while not sub.partitions_for_topic(s.alert_topic):
            time.sleep(0.1)
        tps = [TopicPartition(s.alert_topic, p) for p in sub.partitions_for_topic(s.alert_topic)]
        sub.assign(tps)
        sub.seek_to_end(*tps)
        sent: dict[str, float] = {}
        got: dict[str, float] = {}
        stop = threading.Event()

        def listen() -> None:
            while not stop.is_set():
                for recs in sub.poll(timeout_ms=100).values():
                    now = time.perf_counter()
                    for m in recs:
                        a = orjson.loads(m.value)
                        if a["type"] == "invalid_identity":
                            got.setdefault(a["vessel"], now)

        lt = threading.Thread(target=listen, daemon=True)
        lt.start()
        prod = make_producer(s, linger_ms=5)
        rng = np.random.default_rng(3)
        fleet = 2000
        lon0 = rng.uniform(19.0, 20.0, fleet)  # open Ionian sea
        lat0 = rng.uniform(36.0, 37.0, fleet)
        t_start = time.perf_counter()
        i = 0
        warm_until = t_start + 8.0  # the group join and first fetches are not latency
        while (now := time.perf_counter()) < t_start + seconds + 8.0:
            due = int((now - t_start) * rate)
            while i < due:
                ts_ms = int(time.time() * 1000)
                if i % 100 == 0 and now > warm_until:
                    v = str(10_000_000 + i)  # 8 digits: invalid_identity on the first fix
                    rec = {"mmsi": int(v), "ts_ms": ts_ms, "lat": 36.5, "lon": 19.5, "sog": 8.0}
                    sent[v] = time.perf_counter()
                else:
                    k = i % fleet
                    v = str(247_000_000 + k)
                    rec = {
                        "mmsi": int(v),
                        "ts_ms": ts_ms,
                        "lat": float(lat0[k]) + i * 1e-7,
                        "lon": float(lon0[k]),
                        "sog": 12.0,
                    }
                prod.send(s.input_topic, key=v.encode(), value=orjson.dumps(rec))
                i += 1
            time.sleep(0.002)
        prod.flush()
        deadline = time.perf_counter() + 10
        while len(got) < len(sent) and time.perf_counter() < deadline:
            time.sleep(0.1)
        stop.set()
        svc.stop()
        th.join(15)
        lt.join(5)
        sub.close()
        prod.close()
    lat_ms = np.array([(got[v] - t) * 1000 for v, t in sent.items() if v in got])
    return {
        "rate_msg_s": rate,
        "seconds": seconds,
        "messages": i,
        "samples": int(lat_ms.size),
        "lost": len(sent) - int(lat_ms.size),
        "p50_ms": round(float(np.percentile(lat_ms, 50)), 1) if lat_ms.size else None,
        "p99_ms": round(float(np.percentile(lat_ms, 99)), 1) if lat_ms.size else None,
        "max_ms": round(float(lat_ms.max()), 1) if lat_ms.size else None,
    }


def bench_quix(scale: float) -> dict[str, Any]:
    """The Quix Streams peer: a Quix application doing the geofence step (per record, an
    STRtree query over the zone polygons) on the same topic the seaguard service then reads
    with its full pipeline; both through the embedded broker, in this run."""

    import orjson

    from stream.kafka.broker import EmbeddedBroker
    from stream.kafka.clients import create_topics
    from stream.kafka.publish import publish_json
    from stream.settings import load_settings

    try:
        import shapely
        from quixstreams import Application
    except ImportError:
        return {"quixstreams": "not installed (pip install 'seaguard[bench]')"}
    from stream.zoneload import load_zoneset

    lines = tracks(int(200_000 * scale), max(100, int(2000 * scale)))
    with EmbeddedBroker() as b:
        s = load_settings(env={}, bootstrap_servers=b.bootstrap, group_id="bench-sg")
        create_topics(
            s,
            {s.input_topic: 4, s.nmea_topic: 4, s.alert_topic: 4, s.dlq_topic: 1, "quix.out": 4},
        )
        keys = (str(orjson.loads(x).get("mmsi", "x")).encode() for x in lines)
        publish_json(((k, x, 0) for k, x in zip(keys, lines, strict=True)), s)

        zs = load_zoneset()
        polys = [z.geometry for z in zs.zones if not z.is_line]
        ids = [z.id for z in zs.zones if not z.is_line]
        tree = shapely.STRtree(polys)
        app = Application(
            broker_address=b.bootstrap,
            consumer_group="bench-quix",
            auto_offset_reset="earliest",
            consumer_extra_config={"session.timeout.ms": 6000},
            loglevel="WARNING",
        )
        seen: list[float] = []

        def geofence(v: dict[str, Any]) -> dict[str, Any]:
            seen.append(time.perf_counter())
            if "lat" in v and "lon" in v:
                p = shapely.Point(v["lon"], v["lat"])
                v["zones"] = [ids[i] for i in tree.query(p, predicate="within")]
            if len(seen) >= len(lines):
                app.stop()
            return v

        app.dataframe(app.topic(s.input_topic, value_deserializer="json")).apply(geofence).to_topic(
            app.topic("quix.out", value_serializer="json")
        )
        app.run()
        quix_rate = (len(seen) - 1) / (seen[-1] - seen[0])

        sg_rate = len(lines) / _service_seconds(s)
    return {
        "records": len(lines),
        "quix_geofence_msg_per_s": round(quix_rate),
        "seaguard_full_pipeline_msg_per_s": round(sg_rate),
        "ratio_seaguard_full_vs_quix_geofence": round(sg_rate / quix_rate, 2),
    }


def _targets(r: dict[str, Any]) -> str:
    """The issue's targets against the latest measurements (a table at the top)."""

    def g(sec: str, key: str) -> Any:
        return r.get(sec, {}).get(key)

    def shape(key: str, field: str) -> Any:
        return r.get("real_shapes", {}).get(key, {}).get(field)

    rows = [
        (
            "MarineCadastre CSV, 1 M rows: whole-process replay rows/s",
            ">= 200 k",
            shape("marinecadastre_1m_rows", "replay_rows_per_s"),
        ),
        (
            "MarineCadastre CSV, 1 M rows: replay / csv.reader",
            ">= 0.2",
            shape("marinecadastre_1m_rows", "replay_vs_floor"),
        ),
        (
            "JSON with statics, 1 M rows: whole-process replay rows/s",
            ">= 200 k",
            shape("json_with_statics_1m_rows", "replay_rows_per_s"),
        ),
        (
            "JSON with statics, 1 M rows: replay / orjson.loads",
            ">= 0.2",
            shape("json_with_statics_1m_rows", "replay_vs_floor"),
        ),
        (
            "MarineCadastre-shaped replay peak RSS, 1 M / 3 M rows (MB)",
            "<= 1536, flat",
            f"{shape('marinecadastre_1m_rows', 'replay_peak_rss_mb')} / "
            f"{shape('marinecadastre_3m_rows', 'replay_peak_rss_mb')}",
        ),
        ("Start-up, one-record replay, warm zone cache (s)", "< 1", g("startup", "warm_s")),
        (
            "NMEA with tag blocks, 1 M sentences: replay / pyais decode alone",
            ">= 0.5",
            g("nmea_real_shape", "replay_vs_floor"),
        ),
        (
            "Service msg/s, JSON with statics, one instance",
            ">= 50 k",
            g("kafka_real_shape", "service_msg_per_s"),
        ),
        (
            "Full pipeline in replay, 20 k vessels",
            ">= 100 k rec/s",
            g("pipeline", "pipeline_rec_per_s"),
        ),
        (
            "Full pipeline in replay, 2 k vessels",
            ">= 100 k rec/s",
            g("pipeline_2k_vessels", "pipeline_rec_per_s"),
        ),
        (
            "Pipeline / read + decode floor, 20 k vessels",
            ">= 0.5",
            g("pipeline", "ratio_pipeline_vs_floor"),
        ),
        (
            "Pipeline / read + decode floor, 2 k vessels",
            ">= 0.5",
            g("pipeline_2k_vessels", "ratio_pipeline_vs_floor"),
        ),
        (
            "(stricter) processing added to in-memory decoding, 20 k / 2 k vessels",
            "",
            f"{g('pipeline', 'ratio_pipeline_vs_decode_in_memory')} / "
            f"{g('pipeline_2k_vessels', 'ratio_pipeline_vs_decode_in_memory')}",
        ),
        ("Pipeline / naive record-at-a-time peer", "", g("pipeline", "ratio_pipeline_vs_naive")),
        ("Geofence / naive per-point loop", ">= 20", g("geofence", "ratio_engine_vs_naive")),
        ("Geofence / GeoPandas sjoin", "> 1", g("geofence", "ratio_engine_vs_geopandas")),
        ("Service msg/s per consumer instance", ">= 30 k", g("kafka", "service_msg_per_s")),
        (
            "Service (full pipeline) / Quix Streams (geofence only)",
            "",
            g("quix", "ratio_seaguard_full_vs_quix_geofence"),
        ),
        (
            "Produce -> alert p50 / p99 at 2 k msg/s (ms)",
            "p99 < 1000",
            f"{g('latency', 'p50_ms')} / {g('latency', 'p99_ms')}",
        ),
        (
            "State heap per vessel, 200 k vessels (B)",
            "< 2048",
            g("memory", "heap_bytes_per_vessel_200000"),
        ),
        (
            "RSS growth per vessel, 200 k vessels (B)",
            "< 2048",
            g("memory", "rss_bytes_per_vessel_200000"),
        ),
        ("Process RSS with 200 k vessels (MB)", "< 1024", g("memory", "rss_total_mb_200000")),
    ]
    out = "| measure | target | measured |\n|---|---|---|\n"
    out += "".join(f"| {a} | {t} | {v} |\n" for a, t, v in rows)
    return out + "\n"


def write_markdown(all_results: dict[str, Any]) -> None:
    import numpy
    import shapely

    head = (
        f"# Benchmark results\n\nMachine: {platform.machine()}, {os.cpu_count()} cores; "
        f"Python {platform.python_version()}, shapely {shapely.__version__}, "
        f"numpy {numpy.__version__}. Each section: `python -m bench NAME --scale S` "
        "(soak: `python -m bench.soak`); ratios compare rates measured in the same run.\n\n"
    )
    head += _targets(all_results)
    body = "".join(
        f"## {n}\n\n```json\n{json.dumps(r, indent=2)}\n```\n\n" for n, r in all_results.items()
    )
    old = RESULTS.read_text() if RESULTS.exists() else ""
    notes = old[old.index(NOTES_MARK) :] if NOTES_MARK in old else NOTES_MARK
    RESULTS.write_text(head + body + notes)


def bench_pipeline_small(scale: float) -> dict[str, Any]:
    """The same pipeline measurement with a tenth of the vessels and positions (2,000 vessels
    at scale 1): several fixes per vessel in each batch instead of about one."""
    return bench_pipeline(scale * 0.1)


BENCHES = {
    "geofence": bench_geofence,
    "pipeline": bench_pipeline,
    "pipeline_2k_vessels": bench_pipeline_small,
    "memory": bench_memory,
    "kafka": bench_kafka,
    "latency": bench_latency,
    "quix": bench_quix,
    "real_shapes": replay_real_shapes,
    "startup": startup,
    "kafka_real_shape": service_real_shape,
    "nmea_real_shape": replay_nmea,
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("which", nargs="?", default="all", choices=["all", *BENCHES])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--no-write", action="store_true", help="do not update bench/RESULTS.md")
    args = ap.parse_args(argv)
    from stream.app import tune_gc

    tune_gc()  # as the seaguard command line does
    names = list(BENCHES) if args.which == "all" else [args.which]
    results: dict[str, Any] = {}
    for n in names:
        print(f"running {n} ...", file=sys.stderr)
        results[n] = BENCHES[n](args.scale)
        print(json.dumps({n: results[n]}, indent=1))
    if not args.no_write:
        store = RESULTS.with_suffix(".json")
        all_results = json.loads(store.read_text()) if store.exists() else {}
        when = f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
        for n, r in results.items():
            all_results[n] = {"measured": when, "scale": args.scale, **r}
        store.write_text(json.dumps(all_results, indent=2) + "\n")
        write_markdown(all_results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
