"""Background traffic and labelled suspicious scenarios in the Aegean and Central Med.

``simulate(names, seed)`` returns (positions, truth): AIS-like JSON records in event-time
order and one truth record per alert that a correct detector set must raise
(type, mmsi, other_mmsi, start, end). Everything is seeded: same seed, same files.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from detectors.geo import destination
from stream.sim.coverage import Coverage
from stream.sim.routing import sea_route
from stream.sim.track import Reporter, Vessel, sail, stay
from stream.timeutil import iso, parse_ts_ms

__all__ = ["SCENARIOS", "World", "simulate"]

T0_S = parse_ts_ms("2025-03-14T16:00:00Z") / 1000  # late afternoon: crossings run at night
HOUR = 3600.0


@dataclass
class World:
    rng: random.Random
    records: list[dict[str, Any]] = field(default_factory=list)
    truth: list[dict[str, Any]] = field(default_factory=list)
    coverage: Coverage | None = None  # None: every report is heard

    def receive(self, reports: list[dict[str, Any]]) -> None:
        """Add the reports the receiving network hears (positions: where they were sent
        from; static reports: from the last position sent before them, or the first)."""
        cov = self.coverage
        if cov is None:
            self.records.extend(reports)
            return
        first = next(((r["lon"], r["lat"]) for r in reports if "lat" in r), None)
        where = first
        for r in reports:
            if "lat" in r:
                where = (r["lon"], r["lat"])
            if where is not None and cov.hears(r["ts"], *where):
                self.records.append(r)

    def emit(
        self,
        v: Vessel,
        silences: list[tuple[float, float]] = (),  # type: ignore[assignment]
        dropout_prob: float = 0.0,
        static_every_s: float = 360.0,
        thin_to_s: float = 0.0,
    ) -> None:
        """Add the vessel's reports (and its static reports, if it has an identity);
        ``thin_to_s``: keep one report per that many seconds, as aggregated feeds do."""
        statics: list[dict[str, Any]] = []
        if v.name or v.callsign or v.ship_type:
            # Class A type 5 every 6 min (ITU-R M.1371); sent just before the first position.
            t, end = v.states[0][0] - 1, v.states[-1][0]
            while t <= end:
                if not any(a <= t < b for a, b in silences):
                    statics.append(v.static_record(t))
                t += static_every_s
        reports = Reporter(self.rng).reports(v, silences, dropout_prob)
        if thin_to_s:
            kept: list[dict[str, Any]] = []
            for r in reports:
                if not kept or r["ts"] - kept[-1]["ts"] >= thin_to_s:
                    kept.append(r)
            reports = kept
        # statics first at equal times (sorted stably): a static goes before its position
        self.receive(sorted([*statics, *reports], key=lambda r: (r["ts"], "lat" in r)))

    def label(
        self,
        type_: str,
        mmsi: str,
        start_s: float,
        end_s: float,
        other: str | None = None,
        scenario: str = "",
    ) -> None:
        self.truth.append(
            {
                "type": type_,
                "mmsi": mmsi,
                "other_mmsi": other,
                "start": iso(int(start_s * 1000)),
                "end": iso(int(end_s * 1000)),
                "scenario": scenario,
            }
        )

    def jitter(self, lon: float, lat: float, deg: float = 0.01) -> tuple[float, float]:
        return lon + self.rng.uniform(-deg, deg), lat + self.rng.uniform(-deg, deg)


def voyage(
    v: Vessel, t: float, waypoints: list[tuple[float, float]], sog_kn: float, step_s: float = 30.0
) -> float:
    """Sail through ``waypoints`` along sea routes (never across land)."""
    path: list[tuple[float, float]] = [waypoints[0]]
    for a, b in itertools.pairwise(waypoints):
        path.extend(sea_route(a, b)[1:])
    return sail(v, t, path, sog_kn, step_s=step_s)


def clip(v: Vessel, end_s: float) -> None:
    v.states = [s for s in v.states if s[0] <= end_s]


# -- background --------------------------------------------------------------------------------
PORT = {
    "piraeus": (23.615, 37.935),
    "syros": (24.945, 37.44),
    "chios": (26.145, 38.372),
    "mytilene": (26.562, 39.10),
    "ayvalik": (26.685, 39.315),
    "bodrum": (27.425, 37.028),
    "kos": (27.292, 36.898),
    "valletta": (14.52, 35.895),
    "marsaxlokk": (14.545, 35.82),
    "augusta": (15.22, 37.21),
    "lampedusa": (12.61, 35.50),
    "tripoli": (13.19, 32.905),
    "zuwara": (12.085, 32.93),
    "porto_empedocle": (13.525, 37.285),
    "pozzallo": (14.85, 36.715),
    "heraklion": (25.14, 35.345),
    "tunis": (10.31, 36.81),
    "izmir": (27.14, 38.44),
    "canakkale": (26.40, 40.15),
}
FERRY_ROUTES = [
    ("Piraeus-Syros", ["piraeus", "syros"], 18),
    ("Piraeus-Chios-Mytilene", ["piraeus", "chios", "mytilene"], 20),
    ("Ayvalik-Mytilene", ["ayvalik", "mytilene"], 12),  # crosses the median line, identified
    ("Bodrum-Kos", ["bodrum", "kos"], 14),
]
# The Sicily channel's through-traffic (Gibraltar-Suez and Tunis-Malta): a ship each way every
# half hour, berthing at both ends, reported by a feed thinned to one fix per 2 min. It is
# what makes the channel "covered" for the reception model.
SICILY_LANE = [(11.4, 37.0), (12.6, 36.4), (14.2, 35.8)]
LANE_EVERY_H = 0.5
LANE_REPORT_S = 120.0
CARGO_ROUTES = [
    ["tunis", "marsaxlokk"],
    ["tunis", "augusta"],
    ["marsaxlokk", "augusta"],
    ["piraeus", "izmir"],  # (the Dardanelles are narrower than the router's keep-off distance)
    ["piraeus", "heraklion"],
    ["porto_empedocle", "tripoli"],
]


def _shuttle(
    w: World, v: Vessel, pts: list[tuple[float, float]], t: float, end: float, max_kn: float
) -> None:
    """A merchant ship sailing between two ports, two hours alongside at each end."""
    while t < end:
        t = voyage(v, t, pts, w.rng.uniform(11, max_kn))
        t = stay(v, t, *pts[-1], hours=2.0, drift_kn=0.0, nav=5, rng=w.rng, step_s=120)
        pts = pts[::-1]
    clip(v, end)
    w.emit(v, dropout_prob=0.003)


def background(w: World, hours: float) -> None:
    """Ferries, merchant ships, trawlers, moored ships and yachts, all reporting until the end
    of the simulated period, with 5-20 min coverage drop-outs now and then."""
    rng = w.rng
    end = T0_S + hours * HOUR
    n = 0
    for name, stops, sog in FERRY_ROUTES:
        for leg in range(2):
            n += 1
            v = Vessel(f"2379{n:05d}", "A", f"{name.upper()} {leg}", f"SV{n:04d}", 60, 90.0)
            pts = [PORT[p] for p in (stops if leg == 0 else stops[::-1])]
            t = T0_S - rng.uniform(0, 1) * HOUR
            while t < end:
                t = voyage(v, t, pts, sog + rng.uniform(-1, 1))
                t = stay(v, t, *pts[-1], hours=1.0, drift_kn=0.0, nav=5, rng=rng) + 60
                pts = pts[::-1]
            clip(v, end)
            w.emit(v, dropout_prob=0.002)
    for i, stops in enumerate(CARGO_ROUTES):
        n += 1
        v = Vessel(f"2565{i:05d}", "A", f"MV SEAGUARD {i}", f"9HA{i:03d}", 70 + i % 2 * 10, 180.0)
        _shuttle(w, v, [PORT[p] for p in stops], T0_S - rng.uniform(0, 6) * HOUR, end, 15)
    lane = [PORT["tunis"], *SICILY_LANE, PORT["marsaxlokk"]]
    for i in range(int((hours + 24) / LANE_EVERY_H)):
        for leg, pts in enumerate((lane, lane[::-1])):
            n += 1
            v = Vessel(f"2566{n:05d}", "A", f"MV CHANNEL {n}", f"9HB{n:03d}", 70, 190.0)
            t = T0_S + (i * LANE_EVERY_H - 24 + leg * LANE_EVERY_H / 2) * HOUR  # (full at T0)
            t = voyage(v, t, pts, rng.uniform(11, 14), step_s=60)
            stay(v, t, *pts[-1], hours=1.0, drift_kn=0.0, nav=5, rng=rng, step_s=120)
            clip(v, end)
            if v.states and v.states[-1][0] > T0_S - HOUR:
                v.states = [st for st in v.states if st[0] >= T0_S - HOUR]
                w.emit(v, dropout_prob=0.003, thin_to_s=LANE_REPORT_S)
    # a merchant ship whose feed carries no static data (a transponder not configured, or an
    # aggregator dropping type 5): Class A position reports only, Malta <-> Augusta
    pts = [PORT["marsaxlokk"], PORT["augusta"]]
    _shuttle(w, Vessel("256700001", "A"), pts, T0_S - rng.uniform(0, 4) * HOUR, end, 14)
    for i in range(4):  # trawlers working at 3-4 kn (fishing, not loitering)
        v = Vessel(f"2470{i:05d}", "A", f"PESCA {i}", f"IT{i:04d}", 30, 22.0)
        lon, lat = w.jitter(12.3 + i * 0.4, 36.9, 0.05)
        t = T0_S - rng.uniform(0, 2) * HOUR
        while t < end:
            nlon, nlat = destination(lon, lat, rng.uniform(0, 360), 3.5 * 1852 * 2)
            nlat = min(max(nlat, 36.6), 37.05)
            t = voyage(v, t, [(lon, lat), (nlon, nlat)], 3.5)
            lon, lat = nlon, nlat
        clip(v, end)
        w.emit(v, dropout_prob=0.003)
    for i, port in enumerate(["piraeus", "valletta", "chios"]):
        v = Vessel(f"2150{i:05d}", "A", f"MOORED {i}", f"9H{i:04d}", 70, 120.0)
        stay(v, T0_S - HOUR, *PORT[port], hours + 1, drift_kn=0.05, nav=5, rng=rng, step_s=120)
        w.emit(v)
    for i, (lon, lat) in enumerate([(14.66, 35.87), (23.6, 37.85)]):  # Hurd's Bank, Saronic
        v = Vessel(f"2151{i:05d}", "A", f"AT ANCHOR {i}", f"9HA{i:04d}", 80, 200.0)
        stay(v, T0_S - HOUR, lon, lat, hours + 1, drift_kn=0.1, nav=1, rng=rng, step_s=120)
        w.emit(v)
    for i in range(3):  # identified yachts (Class B) cruising between Cycladic waters and Syros
        v = Vessel(f"2391{i:05d}", "B", f"YACHT {i}", None, 37, 14.0)
        t = T0_S + i * HOUR
        pts = [PORT["syros"], w.jitter(25.3 + i * 0.2, 37.2, 0.03), PORT["syros"]]
        while t < end:
            t = voyage(v, t, pts, 6.5)
            t = stay(v, t, *PORT["syros"], hours=2.0, drift_kn=0.0, nav=5, rng=rng)
        clip(v, end)
        w.emit(v, dropout_prob=0.005)


# -- labelled scenarios ------------------------------------------------------------------------
def aegean_crossing(w: World) -> None:
    """An unidentified boat leaves the Ayvalik coast at night and lands on Lesvos."""
    v = Vessel("271990001", "B")
    start = w.jitter(26.69, 39.24, 0.005)
    t0 = T0_S + w.rng.uniform(5, 7) * HOUR  # 21:00-23:00 UTC
    t = stay(v, t0, *start, hours=0.3, drift_kn=0.2, rng=w.rng, step_s=30)
    t_end = sail(
        v,
        t,
        [start, (26.60, 39.23), (26.52, 39.22), (26.47, 39.215)],
        w.rng.uniform(5, 8),
        step_s=15,
    )
    w.emit(v)
    for typ in ("crossing_pattern", "line_crossing", "zone_entry"):
        w.label(typ, v.mmsi, t0, t_end, scenario="aegean_crossing")


def central_med_crossing(w: World) -> None:
    """A boat leaves Zuwara's coast and heads for Lampedusa (about a day at sea)."""
    v = Vessel("0xboat-cm1", None)  # an anonymised track id, not an MMSI
    t0 = T0_S + w.rng.uniform(3, 5) * HOUR
    t_end = voyage(
        v,
        t0,
        [w.jitter(12.12, 33.0, 0.01), (12.2, 33.5), (12.45, 34.5), PORT["lampedusa"]],
        w.rng.uniform(6, 7.5),
    )
    w.emit(v)
    for typ in ("crossing_pattern", "line_crossing", "zone_entry"):
        w.label(typ, v.mmsi, t0, t_end, scenario="central_med_crossing")


def going_dark(w: World) -> None:
    """A cargo ship switches AIS off for four hours in the Sicily channel."""
    v = Vessel("636019001", "A", "DARK HORSE", "D5XX1", 70, 140.0)
    t0 = T0_S + 1 * HOUR
    t_end = voyage(v, t0, [(11.4, 37.0), (12.6, 36.4), (14.2, 35.8), PORT["marsaxlokk"]], 12)
    off = t0 + w.rng.uniform(3, 4) * HOUR
    on = off + w.rng.uniform(3.5, 4.5) * HOUR
    assert on < t_end
    w.emit(v, silences=[(off, on)])
    w.label("ais_gap", v.mmsi, off - 300, on + 300, scenario="going_dark")


def loitering(w: World) -> None:
    """An unidentified vessel waits five hours 25 nm off the Libyan coast."""
    v = Vessel("620990002", "A")
    t0 = T0_S + 2 * HOUR
    spot = w.jitter(13.0, 33.3, 0.05)
    t_wait = voyage(v, t0, [PORT["tripoli"], spot], 9)
    t = stay(v, t_wait, *spot, hours=5, drift_kn=0.6, rng=w.rng, step_s=60)
    voyage(v, t, [v.states[-1][1:3], PORT["tripoli"]], 9)
    w.emit(v)
    w.label("loitering", v.mmsi, t_wait, t, scenario="loitering")


def _meeting(
    w: World,
    a: Vessel,
    b: Vessel,
    spot: tuple[float, float],
    t0: float,
    a_from: str,
    b_from: str,
    hours: float,
    a_sog: float,
    b_sog: float,
) -> tuple[float, float, float]:
    """Both sail to ``spot`` arriving together (b 150 m away), then drift side by side for
    ``hours``; returns (meet, ta, tb)."""
    b_spot = destination(*spot, 45, 150)
    ta = voyage(a, t0, [PORT[a_from], spot], a_sog)
    trip_b = voyage(Vessel("probe"), 0.0, [PORT[b_from], b_spot], b_sog)
    tb = voyage(b, ta - trip_b - 600, [PORT[b_from], b_spot], b_sog)  # b arrives 10 min early
    tb = stay(b, tb, *b_spot, hours=(ta - tb) / HOUR, drift_kn=0.0, nav=1, rng=w.rng)
    seed = w.rng.random()  # the same current moves both: identical drift, 150 m apart
    ta = stay(a, ta, *spot, hours=hours, drift_kn=0.4, rng=random.Random(seed))
    tb = stay(b, tb, *b_spot, hours=hours, drift_kn=0.4, rng=random.Random(seed))
    return ta - hours * HOUR, ta, tb


def encounter(w: World) -> None:
    """A trawler and a reefer meet offshore for three hours (possible transshipment),
    30 nm south-west of Malta."""
    a = Vessel("247990003", "A", "MARIA PRIMA", "IABC3", 30, 28.0)
    b = Vessel("538990004", "A", "COLD STAR", "V7AB4", 70, 95.0)
    spot = w.jitter(14.0, 35.45, 0.05)
    meet, ta, tb = _meeting(w, a, b, spot, T0_S + 3 * HOUR, "lampedusa", "marsaxlokk", 3.0, 8, 11)
    voyage(a, ta, [a.states[-1][1:3], PORT["lampedusa"]], 8)
    voyage(b, tb, [b.states[-1][1:3], PORT["marsaxlokk"]], 11)
    w.emit(a)
    w.emit(b)
    w.label("encounter", a.mmsi, meet, min(ta, tb), other=b.mmsi, scenario="encounter")
    for v in (a, b):  # three hours below 2 kn offshore: each one is loitering too
        w.label("loitering", v.mmsi, meet, min(ta, tb), scenario="encounter")


def _with_statics(v: Vessel, reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Reports with the vessel's static report every 6 min (ITU-R M.1371), in time order."""
    t, end = v.states[0][0] - 1, v.states[-1][0]
    statics = []
    while t <= end:
        statics.append(v.static_record(t))
        t += 360.0
    return sorted([*statics, *reports], key=lambda r: (r["ts"], "lat" in r))


def spoofing(w: World) -> None:
    """A tanker's track jumps 40 nm and back (spoofing); another reports from inland Sicily.
    Both happen in covered water (Malta, Licata)."""
    v = Vessel("256990005", "A", "NOVA SPIRIT", "9HZZ5", 80, 180.0)
    t0 = T0_S + 1 * HOUR
    voyage(v, t0, [(15.9, 35.0), PORT["porto_empedocle"]], 13)
    recs = Reporter(w.rng).reports(v)
    k = len(recs) // 2
    for r in recs[k : k + 4]:
        r["lat"] = round(r["lat"] - 0.65, 6)  # ≈ 39 nm south (open sea) for 2 min, then back
    w.receive(_with_statics(v, recs))
    w.label("kinematic_anomaly", v.mmsi, recs[k - 1]["ts"], recs[k + 4]["ts"], scenario="spoofing")
    s = Vessel("247990006", "A", "FALSE FLAG", "IFAL6", 70, 120.0)
    voyage(s, t0, [(14.0, 36.55), PORT["pozzallo"]], 10)
    recs = Reporter(w.rng).reports(s)
    k = len(recs) // 2
    inland = recs[k]["ts"]
    for r in recs[k : k + 5]:
        r["lat"], r["lon"] = 37.45, 14.35  # the centre of Sicily
    w.receive(_with_statics(s, recs))
    w.label("position_on_land", s.mmsi, inland, inland + 300, scenario="spoofing")
    w.label("kinematic_anomaly", s.mmsi, recs[k - 1]["ts"], recs[k + 5]["ts"], scenario="spoofing")


def identity(w: World) -> None:
    """An invalid MMSI, a mid-voyage name change, and one MMSI used by two transmitters."""
    t0 = T0_S + 2 * HOUR
    bad = Vessel("12345678", "B")
    voyage(bad, t0, [(25.0, 36.6), PORT["heraklion"]], 9)
    w.emit(bad)
    w.label("invalid_identity", bad.mmsi, t0, t0 + 600, scenario="identity")
    ch = Vessel("636990007", "A", "OCEAN PRIDE", "A8CH7", 70, 150.0)
    t_end = voyage(ch, t0, [(22.8, 36.0), PORT["piraeus"]], 13)
    t_change = t0 + 3 * HOUR
    assert t_change < t_end
    t = t0 - 1
    while t < t_end:
        w.records.append(
            ch.static_record(t)
            if t < t_change
            else ch.static_record(t, name="SEA BREEZE", callsign="A8XY9")
        )
        t += 360
    w.receive(Reporter(w.rng).reports(ch))
    w.label("identity_change", ch.mmsi, t_change - 360, t_change + 360, scenario="identity")
    a = Vessel("229990008", "A", "TWIN ONE", "9HTW8", 70, 120.0)
    b = Vessel("229990008", "A", "TWIN ONE", "9HTW8", 70, 120.0)
    ta = voyage(a, t0, [(16.5, 35.0), PORT["valletta"]], 11)
    tb = voyage(b, t0 + 20, [(23.2, 35.9), PORT["piraeus"]], 11)
    w.emit(a)
    w.receive(Reporter(w.rng).reports(b))
    w.label("duplicate_identity", a.mmsi, t0, min(ta, tb), scenario="identity")


def mothership(w: World) -> None:
    """A trawler meets an unidentified small boat 25 nm off Zuwara for 45 min; the boat then
    heads north across the median line (through the coverage hole) to Lampedusa."""
    m = Vessel("645990009", "A", "AL BAHR", "5AMS9", 30, 30.0)
    boat = Vessel("0xboat-ms1", "B")
    spot = w.jitter(12.3, 33.35, 0.03)
    meet, tm, tb = _meeting(w, m, boat, spot, T0_S + 4 * HOUR, "zuwara", "zuwara", 0.75, 9, 6)
    voyage(m, tm, [m.states[-1][1:3], PORT["zuwara"]], 9)
    t_end = voyage(boat, tb, [boat.states[-1][1:3], PORT["lampedusa"]], 7)
    w.emit(m)
    w.emit(boat)
    w.label("encounter", m.mmsi, meet, min(tm, tb), other=boat.mmsi, scenario="mothership")
    # The boat left from the Zuwara coast: the whole departure-to-landing pattern applies.
    for typ in ("crossing_pattern", "line_crossing", "zone_entry"):
        w.label(typ, boat.mmsi, tb, t_end, scenario="mothership")


def dark_sts(w: World) -> None:
    """Two tankers on the Sicily-Malta lane switch AIS off a few miles apart, meet and lie
    alongside for three hours in covered water, then carry on: a dark ship-to-ship
    transfer. Each is a gap in good coverage that ends where it began."""
    a = Vessel("636990010", "A", "NIGHT OWL", "D5NO1", 80, 180.0)
    b = Vessel("677990011", "A", "GREY HERON", "5IGH2", 80, 150.0)
    west = (12.95, 36.25)  # (b sails on to Tunis from there)
    spot = w.jitter(13.9, 35.9, 0.02)
    b_spot = destination(*spot, 45, 60)
    ta = voyage(a, T0_S + 2 * HOUR, [west, spot], 10)
    trip_b = voyage(Vessel("probe"), 0.0, [PORT["marsaxlokk"], b_spot], 10)
    tb = voyage(b, ta - trip_b, [PORT["marsaxlokk"], b_spot], 10)
    hours = w.rng.uniform(3.0, 3.5)
    onward = {a.mmsi: [PORT["marsaxlokk"]], b.mmsi: [west, *SICILY_LANE[:1], PORT["tunis"]]}
    for v, t_arrive, here in ((a, ta, spot), (b, tb, b_spot)):
        t_leave = stay(v, t_arrive, *here, hours=hours, drift_kn=0.1, nav=0, rng=w.rng)
        voyage(v, t_leave, [v.states[-1][1:3], *onward[v.mmsi]], 10)
        off = t_arrive - 0.3 * HOUR  # about 3 nm before the meeting point
        w.emit(v, silences=[(off, t_leave)])
        w.label("ais_gap", v.mmsi, off - 300, t_leave + 300, scenario="dark_sts")


SCENARIOS: dict[str, Callable[[World], None]] = {
    "aegean_crossing": aegean_crossing,
    "central_med_crossing": central_med_crossing,
    "going_dark": going_dark,
    "loitering": loitering,
    "encounter": encounter,
    "spoofing": spoofing,
    "identity": identity,
    "mothership": mothership,
    "dark_sts": dark_sts,
}


def simulate(
    names: list[str],
    seed: int = 7,
    hours: float = 36.0,
    with_background: bool = True,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Records and truth for the scenarios; ``progress(k)`` after each of the k steps
    (scenarios, then background traffic)."""
    if names == ["all"]:
        names = list(SCENARIOS)
    unknown = [n for n in names if n not in SCENARIOS and n != "background"]
    if unknown:
        raise ValueError(f"unknown scenario(s) {unknown}; known: {sorted(SCENARIOS)}")
    rng = random.Random(seed)
    w = World(rng, coverage=Coverage(rng, T0_S, hours))
    for k, n in enumerate(names, 1):
        if n in SCENARIOS:
            SCENARIOS[n](w)
        if progress:
            progress(k)
    if with_background:
        # Background traffic covers the scenarios' whole span, so event time never runs on
        # past ships that simply stopped being simulated.
        last_s = max((r["ts"] for r in w.records), default=T0_S)
        background(w, max(hours, (last_s - T0_S) / HOUR + 1.0))
        if progress:
            progress(len(names) + 1)
    w.records.sort(key=lambda r: r["ts"])  # stable: statics stay before their position
    return w.records, w.truth
