"""``seaguard demo``: the whole path on one machine, no Docker, no manual steps.

Starts the embedded broker on a free loopback port, creates the topics, publishes a simulated
scenario (background traffic plus labelled suspicious events) to the input topic, runs the
consumer service against it, prints the alerts as a downstream subscriber sees them, then a
summary (with recall/precision against the scenario's truth), and shuts everything down.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections import Counter
from typing import Any

import orjson

from stream.evaluate import evaluate, format_table
from stream.kafka.broker import EmbeddedBroker
from stream.kafka.clients import create_topics, seaguard_topics
from stream.kafka.publish import publish_simulated
from stream.service import Service
from stream.settings import load_settings
from stream.sim import simulate
from stream.subscribe import assign_alerts, print_alert_row, table_header

__all__ = ["run_demo"]

log = logging.getLogger(__name__)


def run_demo(
    seed: int = 7,
    scenario: str = "all",
    hours: float = 36.0,
    keep_broker: bool = False,
    redis_url: str | None = None,
) -> int:
    out = sys.stdout
    positions, truth = simulate(
        [scenario] if scenario != "all" else ["all"], seed=seed, hours=hours
    )
    out.write(
        f"seaguard demo: simulated {len(positions)} AIS records "
        f"({len(truth)} labelled suspicious events, seed {seed})\n"
    )
    with EmbeddedBroker() as broker:
        settings = load_settings(
            env={},
            bootstrap_servers=broker.bootstrap,
            group_id="seaguard-demo",
            state_backend="redis" if redis_url else "memory",
            redis_url=redis_url,
        )
        create_topics(settings, seaguard_topics(settings))
        out.write(
            f"embedded broker on {broker.bootstrap}; topics {settings.input_topic} -> "
            f"{settings.alert_topic}\n"
        )
        t0 = time.monotonic()
        n = publish_simulated(positions, settings)
        out.write(
            f"published {n} records in {time.monotonic() - t0:.1f}s; starting the service\n\n"
        )
        svc = Service(settings, live=False, exit_when_idle_s=4.0)
        th = threading.Thread(target=svc.run, name="seaguard-service", daemon=True)
        th.start()
        # In no consumer group: a member of the service's group subscribed to another topic
        # could be left without partitions by the group's assignment (seen on Tansu).
        sub, _ = assign_alerts(settings, from_beginning=True)
        latest: dict[str, dict[str, Any]] = {}
        out.write(table_header())
        while True:
            got = False
            for m in (m for recs in sub.poll(timeout_ms=1000).values() for m in recs):
                got = True
                a = orjson.loads(m.value)
                if latest.get(a["alert_id"], {}).get("status") != a["status"]:
                    print_alert_row(a, out)
                latest[a["alert_id"]] = a
            if not th.is_alive() and not got:
                break
        sub.close()
        th.join(10)
        by_type = Counter(a["type"] for a in latest.values())
        out.write(
            f"\n{len(latest)} alerts in {time.monotonic() - t0:.1f}s: "
            + ", ".join(f"{t} {c}" for t, c in sorted(by_type.items()))
            + "\n"
        )
        res = evaluate(truth, list(latest.values()))
        out.write("\ndetection quality against the scenario's truth:\n" + format_table(res) + "\n")
        if keep_broker:
            out.write(f"broker kept on {broker.bootstrap}; Ctrl-C to stop\n")
            try:
                while True:
                    time.sleep(1)
            except KeyboardInterrupt:
                pass
    out.write("demo finished: broker stopped\n")
    return 0 if latest else 1
