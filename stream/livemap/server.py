"""The live map's HTTP server (standard library only): page, geodata, snapshot, SSE.

Routes
    ``/``, ``/map.js``, ``/map.css``  the page (bundled, no CDN, no tile server)
    ``/geo.json``                     land and zones, simplified for drawing
    ``/api/snapshot``                 vessels with tails, alerts, counts
    ``/api/track?vessel=V&from_ms=&to_ms=``  a vessel's kept history
    ``/events``                       Server-Sent Events: ``snapshot`` once, then ``update``
    ``/healthz``                      200 once serving
"""

from __future__ import annotations

import logging
import queue
import threading
from functools import cached_property
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson
import shapely
from shapely.geometry import box, mapping

from detectors.geofence import ZoneSet
from stream.livemap.state import MapState

__all__ = ["MapServer", "geodata"]

log = logging.getLogger(__name__)

STATIC = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/map.js": ("map.js", "text/javascript; charset=utf-8"),
    "/map.css": ("map.css", "text/css; charset=utf-8"),
}
MED_BOX = (-6.0, 29.0, 37.5, 47.0)
TILE_DEG = 2.0


def _round(geom: Any, nd: int = 4) -> Any:
    return shapely.set_precision(geom, 10**-nd)


def geodata(zones: ZoneSet, land_tolerance_deg: float = 0.005) -> dict[str, Any]:
    """Land (clipped to the Mediterranean) and zones as GeoJSON, simplified for the screen."""
    land: list[dict[str, Any]] = []
    if zones.land is not None:
        g = shapely.simplify(zones.land.intersection(box(*MED_BOX)), land_tolerance_deg)
        # Cut into tiles: one continent-sized ring breaks canvas fills when zoomed in (its
        # screen coordinates run to millions of pixels), and tiles let the page skip what is
        # off screen.
        x0, y0, x1, y1 = MED_BOX
        step = TILE_DEG
        for i in range(int((x1 - x0) / step) + 1):
            for j in range(int((y1 - y0) / step) + 1):
                cell = box(x0 + i * step, y0 + j * step, x0 + (i + 1) * step, y0 + (j + 1) * step)
                piece = g.intersection(cell)
                for part in getattr(piece, "geoms", [piece]):
                    if part.geom_type == "Polygon" and not part.is_empty:
                        land.append(
                            {"type": "Feature", "geometry": mapping(_round(part)), "properties": {}}
                        )
    zf = []
    for z in zones.zones:
        g = shapely.simplify(z.geometry, 0.002, preserve_topology=True)
        zf.append(
            {
                "type": "Feature",
                "geometry": mapping(_round(g)),
                "properties": {"id": z.id, "name": z.name, "kind": z.kind, "country": z.country},
            }
        )
    return {
        "land": {"type": "FeatureCollection", "features": land},
        # where the land data stops: beyond it the map cannot say land from sea
        "land_bounds": list(box(*MED_BOX).intersection(box(*zones.land.bounds)).bounds)
        if zones.land is not None
        else None,
        "zones": {"type": "FeatureCollection", "features": zf},
        "places": PLACES,
    }


# Names a watch officer orients by: the islands and ports of the two routes (lon, lat).
PLACES = [
    ["Lesvos", 26.27, 39.17], ["Chios", 26.00, 38.37], ["Samos", 26.80, 37.73],
    ["Kos", 27.13, 36.80], ["Rhodes", 28.05, 36.25], ["Crete", 24.85, 35.25],
    ["Athens", 23.72, 37.98], ["Izmir", 27.14, 38.42], ["Ayvalik", 26.69, 39.32],
    ["Bodrum", 27.43, 37.04], ["Lampedusa", 12.58, 35.51], ["Malta", 14.40, 35.92],
    ["Sicily", 14.20, 37.55], ["Pozzallo", 14.85, 36.73], ["Tunis", 10.18, 36.80],
    ["Sfax", 10.76, 34.74], ["Zuwara", 12.08, 32.93], ["Tripoli", 13.19, 32.89],
    ["Benghazi", 20.07, 32.12], ["Tobruk", 23.96, 32.08],
]  # fmt: skip


class MapServer:
    """Serves the page and pushes the state's changes to every open page every ``push_s``."""

    def __init__(
        self,
        state: MapState,
        zones: ZoneSet,
        host: str = "127.0.0.1",
        port: int = 8765,
        push_s: float = 0.5,
        title: str = "seaguard live map",
    ) -> None:
        self.state = state
        self.zones = zones
        self.push_s = push_s
        self.title = title
        self._clients: set[queue.Queue[bytes | None]] = set()
        self._clients_lock = threading.Lock()
        self._stop = threading.Event()
        self.httpd = ThreadingHTTPServer((host, port), self._handler())
        self.httpd.daemon_threads = True
        self._threads = [
            threading.Thread(target=self.httpd.serve_forever, name="map-http", daemon=True),
            threading.Thread(target=self._broadcast, name="map-push", daemon=True),
        ]

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}/"

    @cached_property
    def geo_bytes(self) -> bytes:
        return orjson.dumps(geodata(self.zones))

    def start(self) -> MapServer:
        _ = self.geo_bytes  # build once before the first page asks
        for t in self._threads:
            t.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        with self._clients_lock:
            for q in self._clients:
                q.put_nowait(None)
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- push ----------------------------------------------------------------------------
    def subscribe(self) -> queue.Queue[bytes | None]:
        q: queue.Queue[bytes | None] = queue.Queue(maxsize=256)
        with self._clients_lock:
            self._clients.add(q)
        return q

    def unsubscribe(self, q: queue.Queue[bytes | None]) -> None:
        with self._clients_lock:
            self._clients.discard(q)

    def _broadcast(self) -> None:
        last_health = b""
        while not self._stop.wait(self.push_s):
            health = b"event: health\ndata: " + orjson.dumps(self.state.health()) + b"\n\n"
            upd = self.state.drain()
            msgs = [] if upd is None else [b"event: update\ndata: " + orjson.dumps(upd) + b"\n\n"]
            if health != last_health:  # (the age, in whole seconds, moves on each second)
                msgs.append(health)
                last_health = health
            for msg in msgs:
                self._send_all(msg)

    def _send_all(self, msg: bytes) -> None:
        with self._clients_lock:
            for q in list(self._clients):
                try:
                    q.put_nowait(msg)
                except queue.Full:  # a stalled page: drop it, it reconnects and resyncs
                    self._clients.discard(q)
                    q.queue.clear()
                    q.put_nowait(None)

    # -- HTTP ----------------------------------------------------------------------------
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, fmt: str, *args: Any) -> None:
                log.debug("map http: " + fmt, *args)

            def _send(self, body: bytes, ctype: str, status: int = 200) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def _json(self, obj: Any, status: int = 200) -> None:
                self._send(orjson.dumps(obj), "application/json", status)

            def do_GET(self) -> None:
                u = urlsplit(self.path)
                q = {k: v[-1] for k, v in parse_qs(u.query).items()}
                if u.path in STATIC:
                    name, ctype = STATIC[u.path]
                    body = resources.files("stream.livemap").joinpath("static", name).read_bytes()
                    if name == "index.html":
                        body = body.replace(b"{{title}}", server.title.encode())
                    self._send(body, ctype)
                elif u.path == "/geo.json":
                    self._send(server.geo_bytes, "application/json")
                elif u.path == "/api/snapshot":
                    self._json(server.state.snapshot())
                elif u.path == "/api/track":
                    try:
                        lo = int(q["from_ms"]) if q.get("from_ms") else None
                        hi = int(q["to_ms"]) if q.get("to_ms") else None
                    except ValueError:
                        self._json({"error": "from_ms/to_ms must be integers"}, 400)
                        return
                    if not q.get("vessel"):
                        self._json({"error": "vessel is required"}, 400)
                        return
                    self._json(
                        {"vessel": q["vessel"], "points": server.state.track(q["vessel"], lo, hi)}
                    )
                elif u.path == "/events":
                    self._events()
                elif u.path == "/healthz":
                    self._send(b"ok\n", "text/plain")
                elif u.path == "/favicon.ico":
                    self._send(b"", "image/x-icon", 204)
                else:
                    self._json({"error": f"no such page: {u.path}"}, 404)

            def _events(self) -> None:
                q = server.subscribe()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.send_header("Cache-Control", "no-store")
                    self.send_header("Connection", "close")
                    self.end_headers()
                    snap = orjson.dumps(server.state.snapshot())
                    self.wfile.write(b"retry: 2000\nevent: snapshot\ndata: " + snap + b"\n\n")
                    self.wfile.flush()
                    while True:
                        try:
                            msg = q.get(timeout=15)
                        except queue.Empty:
                            msg = b": keep-alive\n\n"
                        if msg is None:
                            break
                        self.wfile.write(msg)
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    server.unsubscribe(q)
                    self.close_connection = True

        return Handler
