"""Soak: a steady input rate for a fixed time through the embedded broker into one service
instance with Redis state; samples memory, Redis size and consumer lag. Bounded in count and
time, loopback only.

    python -m bench.soak --minutes 10 --rate 5000 --vessels 20000
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import threading
import time
from typing import Any

import orjson

T0_S = 1_741_968_000


def _publisher(bootstrap: str, topic: str, rate: int, vessels: int, seconds: float) -> None:
    from stream.kafka.clients import make_producer
    from stream.settings import load_settings

    p = make_producer(load_settings(env={}, bootstrap_servers=bootstrap))
    start = time.monotonic()
    sent = 0
    while (elapsed := time.monotonic() - start) < seconds:
        target = int(elapsed * rate)
        while sent < target:
            # churn: the fleet is renewed every 2 minutes, so state must expire to stay flat
            gen = int(elapsed // 120)
            v = sent % vessels
            mmsi = 247_000_000 + gen * vessels + v
            t = T0_S + elapsed
            lon = 12.0 + (v % 200) * 0.02 + elapsed * 1e-4
            lat = 34.0 + (v // 200) * 0.02
            p.send(
                topic,
                key=str(mmsi).encode(),
                value=orjson.dumps(
                    {
                        "mmsi": mmsi,
                        "ts": round(t, 3),
                        "lat": lat,
                        "lon": lon,
                        "sog": 10.0,
                        "cog": 90.0,
                    }
                ),
                timestamp_ms=int(t * 1000),
            )
            sent += 1
        time.sleep(0.01)
    p.flush(60)
    p.close()


def run(minutes: float, rate: int, vessels: int, redis_url: str) -> dict[str, Any]:
    import redis as redis_lib
    from kafka import TopicPartition

    from stream.kafka.broker import EmbeddedBroker
    from stream.kafka.clients import create_topics, make_consumer
    from stream.service import Service
    from stream.settings import load_settings
    from stream.state.redis_store import RedisStore

    r = redis_lib.Redis.from_url(redis_url)
    r.flushdb()
    seconds = minutes * 60
    samples: list[dict[str, Any]] = []
    with EmbeddedBroker() as b:
        s = load_settings(
            env={},
            bootstrap_servers=b.bootstrap,
            group_id="soak",
            state_backend="redis",
            redis_url=redis_url,
            state_ttl_s=90,
        )
        create_topics(s, {s.input_topic: 4, s.nmea_topic: 4, s.alert_topic: 4, s.dlq_topic: 1})
        svc = Service(s, store=RedisStore.from_url(redis_url), live=True)
        th = threading.Thread(target=svc.run, daemon=True)
        th.start()
        pub = mp.Process(
            target=_publisher, args=(b.bootstrap, s.input_topic, rate, vessels, seconds)
        )
        pub.start()
        probe = make_consumer(s, [], group=None)
        tps = [TopicPartition(s.input_topic, i) for i in range(4)]
        t0 = time.monotonic()
        while time.monotonic() - t0 < seconds + 30:
            time.sleep(10)
            ends = probe.end_offsets(tps)
            committed = sum((svc_c or 0) for svc_c in (_committed(s, tps)))
            samples.append(
                {
                    "t_s": round(time.monotonic() - t0),
                    "rss_mb": _rss_mb(),
                    "redis_mb": round(int(r.info("memory")["used_memory"]) / 2**20, 1),
                    "redis_keys": int(r.dbsize()),
                    "produced": sum(ends.values()),
                    "lag": max(0, sum(ends.values()) - committed),
                }
            )
            print(json.dumps(samples[-1]), flush=True)
        pub.join(30)
        svc.stop()
        th.join(30)
        probe.close()
    mid = samples[len(samples) // 2]
    last = samples[-1]
    return {
        "minutes": minutes,
        "rate_msg_s": rate,
        "vessels": vessels,
        "samples": samples,
        "redis_mb_last_vs_mid": round(last["redis_mb"] / max(mid["redis_mb"], 0.1), 2),
        "max_lag": max(x["lag"] for x in samples),
        "final_lag": last["lag"],
    }


def _rss_mb() -> float:
    """Current resident memory of this process (service and probe; the publisher is separate)."""
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _committed(settings: Any, tps: list[Any]) -> list[int | None]:
    from stream.kafka.clients import make_consumer

    c = make_consumer(settings, [], group=settings.group_id)
    try:
        return [c.committed(tp) for tp in tps]
    finally:
        c.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--rate", type=int, default=5000)
    ap.add_argument("--vessels", type=int, default=20000)
    ap.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    a = ap.parse_args()
    res = run(a.minutes, a.rate, a.vessels, a.redis_url)
    print(json.dumps({k: v for k, v in res.items() if k != "samples"}))
    from pathlib import Path

    store = Path(__file__).with_name("RESULTS.json")
    allr = json.loads(store.read_text()) if store.exists() else {}
    allr["soak"] = {k: v for k, v in res.items() if k != "samples"} | {
        "first_sample": res["samples"][0],
        "last_sample": res["samples"][-1],
    }
    store.write_text(json.dumps(allr, indent=2) + "\n")
    from bench.__main__ import write_markdown

    write_markdown(allr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
