"""What a terrestrial AIS network hears: coastal receivers of finite range, random loss that
grows towards the edge of range, a receiver outage, and the holes between them.

The simulated traffic is sailed in full; ``Coverage.hears`` decides which of its reports a
feed would contain. Receivers stand where coast stations and aggregators' volunteer
stations do (ports, capes, islands); a 40 nm range is the usual figure for a Class A
transmission to a coast station with a high antenna (IALA guideline 1082), more from a
mountain top. The Central Mediterranean between the Libyan coast and the Pelagie
islands is left uncovered, as it is in reality without satellite AIS: crossings there go
silent in the middle.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from detectors.geo import M_PER_NM, haversine_m

__all__ = ["RECEIVERS", "Coverage", "Receiver"]


@dataclass(frozen=True)
class Receiver:
    name: str
    lon: float
    lat: float
    range_nm: float = 40.0


RECEIVERS = (
    # Aegean: Greek and Turkish coast stations
    Receiver("piraeus", 23.60, 37.93),
    Receiver("kythira", 23.00, 36.25),
    Receiver("syros", 24.94, 37.45),
    Receiver("chios", 26.14, 38.37),
    Receiver("mytilene", 26.56, 39.10),
    Receiver("samos", 26.95, 37.75),
    Receiver("kos", 27.29, 36.90),
    Receiver("rhodes", 28.22, 36.44),
    Receiver("heraklion", 25.14, 35.34),
    Receiver("thira", 25.43, 36.42),
    Receiver("izmir", 27.14, 38.44),
    Receiver("ayvalik", 26.69, 39.31),
    Receiver("bodrum", 27.43, 37.03),
    Receiver("canakkale", 26.40, 40.15),
    # Central Mediterranean
    Receiver("kelibia", 11.10, 36.85),
    Receiver("tunis", 10.31, 36.81),
    # on Montagna Grande (836 m): a radio horizon of ~70 nm; 60 nm taken
    Receiver("pantelleria", 11.95, 36.80, 60.0),
    Receiver("lampedusa", 12.60, 35.50),
    Receiver("linosa", 12.87, 35.87),
    Receiver("malta", 14.40, 35.90),
    Receiver("mazara", 12.59, 37.65),
    Receiver("porto_empedocle", 13.52, 37.28),
    Receiver("licata", 13.93, 37.10),
    Receiver("pozzallo", 14.85, 36.72),
    Receiver("siracusa", 15.25, 37.07),
    Receiver("tripoli", 13.19, 32.90),
    Receiver("zuwara", 12.08, 32.93),
    # the south-eastern Ionian, towards Crete and Greece
    Receiver("pylos", 21.70, 36.90),
    Receiver("gavdos", 24.08, 34.84),
)
# Receivers that may be down for a few hours: none that labelled events depend on.
OUTAGE_CANDIDATES = ("rhodes", "tunis", "canakkale", "samos")
EDGE_LOSS = 0.25  # share of reports lost at the edge of range (slot collisions, fading)
BASE_LOSS = 0.01


class Coverage:
    """Seeded: which receivers are up when, and which reports get through."""

    def __init__(self, rng: random.Random, t0_s: float, hours: float) -> None:
        self.rng = rng
        down = rng.choice(OUTAGE_CANDIDATES)
        start = t0_s + rng.uniform(0.2, 0.6) * max(hours, 1.0) * 3600
        self.outage = (down, start, start + rng.uniform(2.5, 4.0) * 3600)

    def up(self, r: Receiver, t_s: float) -> bool:
        name, a, b = self.outage
        return not (r.name == name and a <= t_s < b)

    def reach(self, t_s: float, lon: float, lat: float) -> float | None:
        """The nearest receiver that is up, as a share of its range (None: out of range)."""
        best: float | None = None
        for r in RECEIVERS:
            if abs(r.lat - lat) > 1.0 or abs(r.lon - lon) > 1.5:
                continue  # (cheap reject: 40 nm is 0.67° of latitude)
            share = haversine_m(lat, lon, r.lat, r.lon) / (r.range_nm * M_PER_NM)
            if share <= 1.0 and self.up(r, t_s) and (best is None or share < best):
                best = share
        return best

    def hears(self, t_s: float, lon: float, lat: float) -> bool:
        share = self.reach(t_s, lon, lat)
        if share is None:
            return False
        return self.rng.random() >= BASE_LOSS + EDGE_LOSS * math.pow(share, 4)
