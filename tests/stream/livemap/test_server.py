"""The map's HTTP server over a real socket: page, geodata, track API, errors and SSE push."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from stream.livemap.server import MapServer, geodata
from stream.livemap.state import MapState
from stream.models import Position
from stream.zoneload import load_zoneset


@pytest.fixture()
def server() -> Iterator[MapServer]:
    srv = MapServer(MapState(), load_zoneset(), port=0, push_s=0.05).start()
    yield srv
    srv.stop()


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_geodata_has_land_and_every_zone() -> None:
    zs = load_zoneset()
    g = geodata(zs)
    assert len(g["zones"]["features"]) == len(zs.zones)
    assert {f["properties"]["kind"] for f in g["zones"]["features"]} >= {
        "territorial_sea",
        "boundary",
        "departure_area",
        "landing_area",
    }
    assert len(g["land"]["features"]) > 50


def test_page_is_self_contained(server: MapServer) -> None:
    code, body = get(server.url)
    assert code == 200 and b"/map.js" in body
    for path in ("map.js", "map.css"):
        code, asset = get(server.url + path)
        assert code == 200
        assert b"http://" not in asset and b"https://" not in asset  # no CDN, no tiles


def test_track_api_and_errors(server: MapServer) -> None:
    server.state.add_records(
        [Position(vessel="v1", ts_ms=t * 60_000, lat=36.0, lon=25.0 + t / 100) for t in range(5)]
    )
    code, body = get(server.url + "api/track?vessel=v1&from_ms=60000&to_ms=180000")
    assert code == 200
    assert [p[2] for p in json.loads(body)["points"]] == [60_000, 120_000, 180_000]
    assert get(server.url + "api/track?vessel=v1&from_ms=soon")[0] == 400
    assert get(server.url + "api/track")[0] == 400
    assert get(server.url + "nowhere")[0] == 404


def test_events_stream_snapshot_then_pushed_update(server: MapServer) -> None:
    server.state.add_alert({"alert_id": "a1", "status": "open", "ts": "1", "severity": "high"})
    server.state.drain()
    with urllib.request.urlopen(server.url + "events", timeout=5) as r:
        assert r.headers["Content-Type"] == "text/event-stream"
        events = []
        lines = iter(r)
        event = None
        while len(events) < 2:
            line = next(lines).decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event != "health":
                events.append((event, json.loads(line[6:])))
                if len(events) == 1:  # after the snapshot, something changes
                    server.state.add_alert(
                        {"alert_id": "a1", "status": "closed", "ts": "2", "severity": "high"}
                    )
    (k0, snap), (k1, upd) = events
    assert k0 == "snapshot" and [a["status"] for a in snap["alerts"]] == ["open"]
    assert k1 == "update" and [a["status"] for a in upd["alerts"]] == ["closed"]


def _health_events(server: MapServer, n: int) -> list[dict[str, object]]:
    out = []
    with urllib.request.urlopen(server.url + "events", timeout=5) as r:
        event = None
        for raw in r:
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event == "health":
                out.append(json.loads(line[6:]))
                if len(out) == n:
                    return out
    return out


def test_health_says_when_the_broker_is_unreachable_and_how_old_positions_are(
    server: MapServer,
) -> None:
    server.state.set_broker("unreachable", "no Kafka broker reachable (127.0.0.1:1)")
    (h,) = _health_events(server, 1)
    assert h["broker"] == "unreachable" and "127.0.0.1:1" in h["detail"]
    assert h["position_age_s"] is None  # no position yet: the badge must not say "live"
    server.state.set_broker("connected")
    server.state.add_records([Position(vessel="1", ts_ms=1, lat=35.0, lon=14.0)])
    (h,) = _health_events(server, 1)
    assert h["broker"] == "connected" and h["position_age_s"] == 0
