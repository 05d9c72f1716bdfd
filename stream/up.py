"""``seaguard broker`` and ``seaguard up``: a local live stack without Docker.

``broker`` runs the embedded Kafka-compatible broker (Tansu) with seaguard's topics until
Ctrl-C. ``up`` adds the service (memory state unless the settings say Redis), the live map
and, optionally, a simulated scenario published at a chosen speed. Both listen on
127.0.0.1:9092 by default - the address every other command uses by default - so
``seaguard alerts --follow`` and ``seaguard replay FILE --to-kafka`` work from another
terminal without a flag.
"""

from __future__ import annotations

import logging
import signal
import socket
import sys
import threading
from typing import Any

from stream.errors import ConfigError, SeaguardError
from stream.kafka.broker import EmbeddedBroker
from stream.kafka.clients import create_topics, seaguard_topics
from stream.settings import Settings

__all__ = ["DEFAULT_PORT", "run_broker", "run_up"]

log = logging.getLogger(__name__)

DEFAULT_PORT = 9092  # Kafka's customary port: the other commands' default address


def _check_free(port: int) -> None:
    if port == 0:
        return
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError as exc:
            raise ConfigError(
                f"cannot listen on 127.0.0.1:{port}: {exc.strerror} (is a broker already "
                "running? choose another with --port, or 0 for any free port)"
            ) from None


def _until_stopped(what: str, done: threading.Event | None = None) -> None:
    """Block until Ctrl-C, SIGTERM or ``done`` is set."""
    done = done or threading.Event()

    def stop(*_: Any) -> None:
        done.set()

    old = signal.signal(signal.SIGTERM, stop), signal.signal(signal.SIGINT, stop)
    try:
        done.wait()
    finally:
        signal.signal(signal.SIGTERM, old[0])
        signal.signal(signal.SIGINT, old[1])
    print(f"stopping {what} ...", file=sys.stderr, flush=True)


def _start_broker(settings: Settings, port: int) -> tuple[EmbeddedBroker, Settings]:
    import dataclasses

    _check_free(port)
    broker = EmbeddedBroker(port or None).start()
    settings = dataclasses.replace(settings, bootstrap_servers=broker.bootstrap)
    create_topics(settings, seaguard_topics(settings))
    return broker, settings


def run_broker(settings: Settings, port: int = DEFAULT_PORT) -> int:
    broker, settings = _start_broker(settings, port)
    try:
        print(
            f"seaguard broker on {broker.bootstrap} with topics "
            f"{', '.join(seaguard_topics(settings))} (Ctrl-C to stop)",
            file=sys.stderr,
            flush=True,
        )
        _until_stopped("the broker")
    finally:
        broker.stop()
    return 0


def run_up(
    settings: Settings,
    port: int = DEFAULT_PORT,
    map_port: int = 8765,
    scenario: str | None = None,
    speed: float = 60.0,
    hours: float = 36.0,
    seed: int = 7,
) -> int:
    """Broker, service, map (and a scenario's publisher) until Ctrl-C."""
    from stream.livemap import MapServer, MapState
    from stream.livemap.feed import KafkaFeed
    from stream.service import Service
    from stream.zoneload import load_zoneset

    _check_free(map_port)
    broker, settings = _start_broker(settings, port)
    svc = Service(settings, live=True)
    done = threading.Event()  # Ctrl-C, or the service stopped on its own

    def serve() -> None:
        try:
            svc.run()
        except SeaguardError as exc:
            print(f"seaguard: the service stopped: {exc}", file=sys.stderr, flush=True)
        finally:
            done.set()

    threads = [threading.Thread(target=serve, name="seaguard-service", daemon=True)]
    state = MapState()
    server = MapServer(state, load_zoneset(settings.zones), port=map_port)
    feed = KafkaFeed(settings, state, from_beginning=True)
    if scenario:
        threads.append(
            threading.Thread(
                target=_publish_scenario,
                args=(settings, scenario, speed, hours, seed),
                name="seaguard-scenario",
                daemon=True,
            )
        )
    try:
        server.start()
        feed.start()
        for t in threads:
            t.start()
        _print_banner(broker.bootstrap, server.url, scenario, speed)
        _until_stopped("seaguard up", done)
        svc.stop()
        threads[0].join(30)
    finally:
        feed.stop()
        server.stop()
        broker.stop()
    return 0


def _print_banner(bootstrap: str, map_url: str, scenario: str | None, speed: float) -> None:
    flag = "" if bootstrap.endswith(f":{DEFAULT_PORT}") else f" --bootstrap-servers {bootstrap}"
    lines = [
        f"seaguard up: broker {bootstrap}, service running, map {map_url}",
        f"  alerts as they come:   seaguard alerts --follow{flag}",
        f"  publish a recording:   seaguard replay FILE --to-kafka --speed 60{flag}",
    ]
    if scenario:
        lines.append(f"  publishing the simulated scenario '{scenario}' at {speed:g}x real time")
    lines.append("Ctrl-C to stop")
    print("\n".join(lines), file=sys.stderr, flush=True)


def _publish_scenario(
    settings: Settings, scenario: str, speed: float, hours: float, seed: int
) -> None:
    from stream.kafka.publish import publish_simulated
    from stream.sim import simulate

    positions, _ = simulate([scenario], seed=seed, hours=hours)
    try:
        n = publish_simulated(positions, settings, speed=speed)
        log.warning("scenario '%s' published: %d records", scenario, n)
    except Exception as exc:  # the stack stays up; the operator sees why publishing stopped
        log.error("publishing the scenario stopped: %s", exc)
