"""Named places the zone builder draws: departure and landing areas, ports, anchorages, SAR
outlines, waterways. Data only; ``build_zones`` turns them into geometry over real land.

Coordinates are WGS84 lon/lat, read off nautical charts and port authority descriptions;
every area built from them is marked approximate. Boxes are (min_lon, min_lat, max_lon,
max_lat). The areas follow the routes UNHCR, Frontex and the Italian, Maltese and Greek coast
guards report: Turkey → eastern Aegean islands, Libya and Tunisia → Lampedusa, Malta and
Sicily, eastern Libya → Crete, Turkey → Calabria.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "ANCHORAGES",
    "DEPARTURES",
    "LANDINGS",
    "PORTS",
    "REGIONS",
    "SRRS",
    "WATERWAYS",
    "Area",
    "Port",
    "Srr",
]

Box = tuple[float, float, float, float]

# The regions zones are built for; land, territorial seas and lines cover them (plus margin).
REGIONS: dict[str, Box] = {
    "aegean": (22.0, 34.5, 30.0, 41.5),
    "central_med": (9.0, 30.5, 18.5, 40.2),
    "libya_crete": (19.0, 30.5, 26.5, 35.5),
}


class Area(NamedTuple):
    id: str
    name: str
    country: str
    boxes: tuple[Box, ...]  # the coast or islands the area is drawn around


class Port(NamedTuple):
    id: str
    name: str
    country: str
    lon: float
    lat: float
    # Radius of the port polygon: harbour basin, berths and the approach inside the
    # breakwaters. Large ports 3 km (Global Fishing Watch's port-visit radius); island ferry
    # harbours 1-1.5 km, since a 3 km disc there swallows the island's whole shore.
    radius_m: float


# Coastal strips known for departures (UNHCR / Frontex risk analyses name these stretches).
DEPARTURES = [
    Area("dep-tur-babakale", "Babakale (faces northern Lesvos)", "TUR", ((25.95, 39.44, 26.25, 39.56),)),
    Area("dep-tur-assos-kucukkuyu", "Assos-Kucukkuyu coast (faces northern Lesvos)", "TUR", ((26.2, 39.45, 26.9, 39.62),)),
    Area("dep-tur-ayvalik-dikili", "Ayvalik-Dikili coast (faces Lesvos)", "TUR", ((26.55, 38.95, 27.05, 39.5),)),
    Area("dep-tur-cesme-karaburun", "Cesme-Karaburun peninsula (faces Chios, Oinousses)", "TUR", ((26.15, 38.15, 26.75, 38.75),)),
    Area("dep-tur-seferihisar-urla", "Seferihisar-Urla coast (faces Samos, Chios)", "TUR", ((26.6, 38.0, 27.0, 38.42),)),
    Area("dep-tur-kusadasi-didim", "Kusadasi-Didim coast (faces Samos, Agathonisi, Farmakonisi)", "TUR", ((26.95, 37.3, 27.45, 37.95),)),
    Area("dep-tur-bodrum", "Bodrum peninsula (faces Kos, Pserimos, Kalymnos)", "TUR", ((26.95, 36.9, 27.6, 37.2),)),
    Area("dep-tur-datca-marmaris", "Datca-Bozburun-Marmaris coast (faces Rhodes and Symi)", "TUR", ((27.3, 36.55, 28.4, 36.9),)),
    Area("dep-tur-kas-kalkan", "Kas-Kalkan coast (faces Kastellorizo)", "TUR", ((29.25, 36.15, 29.75, 36.32),)),
    Area("dep-lby-zuwara-garabulli", "Abu Kammash-Zuwara-Sabratha-Tripoli-Garabulli-Al Khums coast", "LBY", ((11.5, 32.6, 14.4, 33.2),)),
    Area("dep-lby-zliten-misrata", "Zliten-Misrata coast", "LBY", ((14.4, 32.2, 15.4, 32.75),)),
    Area("dep-lby-cyrenaica", "Cyrenaica coast: Benghazi, Derna, Tobruk (faces Crete)", "LBY", ((19.8, 30.9, 24.3, 33.0),)),
    Area("dep-tun-zarzis-djerba", "Zarzis-Djerba-Ben Guerdane coast", "TUN", ((10.7, 33.05, 11.6, 33.95),)),
    Area("dep-tun-sfax-mahdia", "Sfax-Mahdia coast", "TUN", ((10.3, 34.4, 11.2, 35.6),)),
    Area("dep-tun-kerkennah", "Kerkennah islands", "TUN", ((10.95, 34.55, 11.45, 34.9),)),
    Area("dep-tun-cap-bon", "Cap Bon - Kelibia coast (faces Pantelleria and Sicily)", "TUN", ((10.7, 36.55, 11.15, 37.1),)),
]  # fmt: skip

# Islands and coasts where crossings land: the land in the boxes and the sea within 6 km.
LANDINGS = [
    Area("lnd-grc-lesvos", "Lesvos", "GRC", ((25.8, 38.95, 26.65, 39.45),)),
    Area("lnd-grc-oinousses", "Oinousses", "GRC", ((26.18, 38.48, 26.35, 38.53),)),
    Area("lnd-grc-chios", "Chios", "GRC", ((25.8, 38.1, 26.2, 38.65),)),
    Area("lnd-grc-samos", "Samos", "GRC", ((26.5, 37.6, 27.1, 37.85),)),
    Area("lnd-grc-fournoi-ikaria", "Fournoi and Ikaria", "GRC", ((25.95, 37.5, 26.6, 37.7),)),
    Area("lnd-grc-agathonisi", "Agathonisi", "GRC", ((26.93, 37.44, 27.0, 37.48),)),
    Area("lnd-grc-farmakonisi", "Farmakonisi", "GRC", ((27.05, 37.26, 27.11, 37.31),)),
    Area("lnd-grc-lipsi-arki-patmos", "Lipsi, Arki and Patmos", "GRC", ((26.5, 37.25, 26.9, 37.42),)),
    Area("lnd-grc-leros", "Leros", "GRC", ((26.75, 37.08, 26.9, 37.2),)),
    Area("lnd-grc-kalymnos-pserimos", "North Kalymnos, Pserimos and the Imia rocks", "GRC", ((26.9, 36.92, 27.2, 37.08),)),
    Area("lnd-grc-kos", "Kos", "GRC", ((26.9, 36.7, 27.4, 36.95),)),
    Area("lnd-grc-rhodes-symi", "Rhodes and Symi", "GRC", ((27.7, 35.85, 28.25, 36.65),)),
    Area("lnd-grc-kastellorizo", "Kastellorizo", "GRC", ((29.5, 36.1, 29.62, 36.18),)),
    Area("lnd-grc-crete-south", "South coast of Crete", "GRC", ((23.5, 34.9, 26.35, 35.25),)),
    Area("lnd-grc-gavdos", "Gavdos", "GRC", ((24.0, 34.8, 24.15, 34.88),)),
    Area("lnd-ita-lampedusa", "Lampedusa", "ITA", ((12.5, 35.48, 12.65, 35.53),)),
    Area("lnd-ita-lampione", "Lampione", "ITA", ((12.3, 35.54, 12.36, 35.58),)),
    Area("lnd-ita-linosa", "Linosa", "ITA", ((12.84, 35.85, 12.89, 35.88),)),
    Area("lnd-ita-pantelleria", "Pantelleria", "ITA", ((11.9, 36.72, 12.07, 36.84),)),
    Area("lnd-mlt-malta", "Malta, Comino and Gozo", "MLT", ((14.15, 35.78, 14.6, 36.1),)),
    Area("lnd-ita-sicily-south", "Southern Sicily coast", "ITA", ((12.4, 36.6, 15.4, 37.6),)),
    Area("lnd-ita-calabria-ionian", "Ionian coast of Calabria (sailing-boat route from Turkey)", "ITA",
         ((16.2, 38.2, 17.25, 39.45), (15.9, 37.9, 16.35, 38.2))),
]  # fmt: skip

PORTS = [
    # Greece: mainland and main islands
    # Piraeus: the OSM polygon of the central harbour, plus this disc for the container and
    # car terminals (Neo Ikonio) to its west
    Port("port-grc-piraeus", "Piraeus", "GRC", 23.595, 37.952, 1800),
    Port("port-grc-perama", "Perama", "GRC", 23.565, 37.965, 1500),
    Port("port-grc-aegina", "Aegina", "GRC", 23.427, 37.746, 800),
    Port("port-grc-rafina", "Rafina", "GRC", 24.01, 38.02, 1200),
    Port("port-grc-lavrio", "Lavrio", "GRC", 24.06, 37.71, 1500),
    Port("port-grc-thessaloniki", "Thessaloniki", "GRC", 22.93, 40.63, 3000),
    Port("port-grc-volos", "Volos", "GRC", 22.94, 39.36, 2000),
    Port("port-grc-kavala", "Kavala", "GRC", 24.41, 40.93, 1500),
    Port("port-grc-patras", "Patras", "GRC", 21.72, 38.24, 2000),
    Port("port-grc-igoumenitsa", "Igoumenitsa", "GRC", 20.26, 39.50, 1500),
    Port("port-grc-heraklion", "Heraklion", "GRC", 25.14, 35.345, 2000),
    Port("port-grc-souda", "Souda", "GRC", 24.075, 35.49, 2000),
    # Cyclades
    Port("port-grc-syros", "Ermoupoli (Syros)", "GRC", 24.945, 37.44, 1200),
    Port("port-grc-mykonos", "Mykonos", "GRC", 25.322, 37.455, 1500),
    Port("port-grc-tinos", "Tinos", "GRC", 25.158, 37.537, 1000),
    Port("port-grc-paros", "Parikia (Paros)", "GRC", 25.147, 37.086, 1200),
    Port("port-grc-naxos", "Naxos", "GRC", 25.372, 37.107, 1000),
    Port("port-grc-santorini", "Athinios (Santorini)", "GRC", 25.432, 36.386, 1000),
    Port("port-grc-milos", "Adamas (Milos)", "GRC", 24.443, 36.725, 1200),
    # North-east Aegean and Dodecanese
    Port("port-grc-lemnos", "Myrina (Lemnos)", "GRC", 25.058, 39.873, 1000),
    Port("port-grc-mytilene", "Mytilene", "GRC", 26.56, 39.10, 1500),
    Port("port-grc-chios", "Chios", "GRC", 26.14, 38.37, 1500),
    Port("port-grc-vathy", "Vathy (Samos)", "GRC", 26.97, 37.76, 1200),
    Port("port-grc-karlovasi", "Karlovasi (Samos)", "GRC", 26.705, 37.793, 1000),
    Port("port-grc-pythagoreio", "Pythagoreio (Samos)", "GRC", 26.942, 37.690, 800),
    Port("port-grc-ikaria", "Agios Kirykos (Ikaria)", "GRC", 26.293, 37.612, 800),
    Port("port-grc-patmos", "Skala (Patmos)", "GRC", 26.547, 37.325, 1000),
    Port("port-grc-leros", "Lakki (Leros)", "GRC", 26.85, 37.13, 1200),
    Port("port-grc-kalymnos", "Pothia (Kalymnos)", "GRC", 26.988, 36.950, 1000),
    Port("port-grc-kos", "Kos", "GRC", 27.29, 36.90, 1200),
    Port("port-grc-symi", "Gialos (Symi)", "GRC", 27.840, 36.617, 800),
    Port("port-grc-rhodes", "Rhodes", "GRC", 28.23, 36.45, 2000),
    Port("port-grc-kastellorizo", "Megisti (Kastellorizo)", "GRC", 29.588, 36.150, 500),
    # Turkey
    Port("port-tur-izmir", "Izmir", "TUR", 27.14, 38.44, 3000),
    Port("port-tur-aliaga", "Aliaga", "TUR", 26.94, 38.80, 3000),
    Port("port-tur-cesme", "Cesme", "TUR", 26.30, 38.32, 1500),
    Port("port-tur-kusadasi", "Kusadasi", "TUR", 27.25, 37.865, 1500),
    Port("port-tur-didim", "Didim", "TUR", 27.262, 37.338, 1000),
    Port("port-tur-turgutreis", "Turgutreis", "TUR", 27.253, 37.003, 1000),
    Port("port-tur-bodrum", "Bodrum", "TUR", 27.425, 37.03, 1500),
    Port("port-tur-datca", "Datca", "TUR", 27.690, 36.723, 800),
    Port("port-tur-marmaris", "Marmaris", "TUR", 28.27, 36.85, 2000),
    Port("port-tur-kas", "Kas", "TUR", 29.638, 36.198, 800),
    Port("port-tur-ayvalik", "Ayvalik", "TUR", 26.69, 39.32, 1500),
    Port("port-tur-dikili", "Dikili", "TUR", 26.89, 39.07, 1200),
    Port("port-tur-canakkale", "Canakkale", "TUR", 26.40, 40.15, 2000),
    Port("port-tur-ambarli", "Ambarli (Istanbul)", "TUR", 28.68, 40.97, 3000),
    Port("port-tur-mersin", "Mersin", "TUR", 34.64, 36.79, 3000),
    # Malta
    Port("port-mlt-valletta", "Valletta Grand Harbour", "MLT", 14.52, 35.895, 2000),
    Port("port-mlt-marsaxlokk", "Marsaxlokk Freeport", "MLT", 14.545, 35.82, 2000),
    Port("port-mlt-mgarr", "Mgarr (Gozo)", "MLT", 14.298, 36.025, 800),
    Port("port-mlt-cirkewwa", "Cirkewwa", "MLT", 14.329, 35.989, 600),
    # Italy
    Port("port-ita-lampedusa", "Lampedusa", "ITA", 12.61, 35.50, 1200),
    Port("port-ita-pantelleria", "Pantelleria", "ITA", 11.943, 36.834, 800),
    Port("port-ita-porto-empedocle", "Porto Empedocle", "ITA", 13.525, 37.285, 1500),
    Port("port-ita-licata", "Licata", "ITA", 13.94, 37.10, 1500),
    Port("port-ita-gela", "Gela", "ITA", 14.21, 37.06, 1500),
    Port("port-ita-pozzallo", "Pozzallo", "ITA", 14.85, 36.715, 1500),
    Port("port-ita-siracusa", "Siracusa", "ITA", 15.285, 37.058, 1500),
    Port("port-ita-augusta", "Augusta", "ITA", 15.22, 37.21, 3000),
    Port("port-ita-catania", "Catania", "ITA", 15.10, 37.495, 2000),
    Port("port-ita-messina", "Messina", "ITA", 15.565, 38.195, 1500),
    Port("port-ita-villa-san-giovanni", "Villa San Giovanni", "ITA", 15.635, 38.220, 800),
    Port("port-ita-reggio", "Reggio Calabria", "ITA", 15.640, 38.125, 1000),
    Port("port-ita-crotone", "Crotone", "ITA", 17.135, 39.085, 1200),
    Port("port-ita-palermo", "Palermo", "ITA", 13.37, 38.13, 2500),
    Port("port-ita-trapani", "Trapani", "ITA", 12.505, 38.015, 1500),
    Port("port-ita-mazara", "Mazara del Vallo", "ITA", 12.59, 37.645, 1500),
    Port("port-ita-naples", "Naples", "ITA", 14.27, 40.84, 3000),
    Port("port-ita-gioia-tauro", "Gioia Tauro", "ITA", 15.90, 38.45, 3000),
    Port("port-ita-taranto", "Taranto", "ITA", 17.20, 40.47, 3000),
    Port("port-ita-bari", "Bari", "ITA", 16.87, 41.14, 2500),
    Port("port-ita-genoa", "Genoa", "ITA", 8.90, 44.40, 3000),
    Port("port-ita-livorno", "Livorno", "ITA", 10.30, 43.56, 3000),
    Port("port-ita-venice", "Venice", "ITA", 12.25, 45.44, 3000),
    Port("port-ita-trieste", "Trieste", "ITA", 13.75, 45.64, 3000),
    # Libya and Tunisia
    Port("port-lby-tripoli", "Tripoli", "LBY", 13.19, 32.905, 2500),
    Port("port-lby-zawiya", "Zawiya", "LBY", 12.72, 32.785, 1500),
    Port("port-lby-sabratha", "Sabratha", "LBY", 12.488, 32.805, 1000),
    Port("port-lby-zuwara", "Zuwara", "LBY", 12.085, 32.93, 1500),
    Port("port-lby-khoms", "Al Khums", "LBY", 14.27, 32.655, 1500),
    Port("port-lby-misrata", "Misrata", "LBY", 15.21, 32.375, 2500),
    Port("port-lby-benghazi", "Benghazi", "LBY", 20.05, 32.11, 2500),
    Port("port-lby-tobruk", "Tobruk", "LBY", 23.98, 32.08, 2000),
    Port("port-tun-tunis", "Tunis-La Goulette", "TUN", 10.31, 36.81, 3000),
    Port("port-tun-bizerte", "Bizerte", "TUN", 9.875, 37.27, 2000),
    Port("port-tun-sousse", "Sousse", "TUN", 10.65, 35.825, 1500),
    Port("port-tun-mahdia", "Mahdia", "TUN", 11.07, 35.505, 1200),
    Port("port-tun-sfax", "Sfax", "TUN", 10.77, 34.73, 2500),
    Port("port-tun-kerkennah", "Sidi Youssef (Kerkennah)", "TUN", 11.001, 34.650, 800),
    Port("port-tun-gabes", "Gabes", "TUN", 10.11, 33.905, 2000),
    Port("port-tun-zarzis", "Zarzis", "TUN", 11.125, 33.49, 1500),
    # Elsewhere in the Mediterranean, so recordings there are not alarms
    Port("port-egy-port-said", "Port Said", "EGY", 32.32, 31.24, 3000),
    Port("port-egy-east-port-said", "East Port Said", "EGY", 32.36, 31.20, 3000),
    Port("port-egy-suez", "Suez / Port Tawfiq", "EGY", 32.55, 29.95, 3000),
    Port("port-egy-alexandria", "Alexandria", "EGY", 29.87, 31.18, 3000),
    Port("port-esp-ceuta", "Ceuta", "ESP", -5.315, 35.89, 2000),
    Port("port-esp-algeciras", "Algeciras", "ESP", -5.43, 36.13, 3000),
    Port("port-gib-gibraltar", "Gibraltar", "GIB", -5.36, 36.14, 2000),
    Port("port-mar-tanger-med", "Tanger Med", "MAR", -5.50, 35.885, 3000),
    Port("port-esp-valencia", "Valencia", "ESP", -0.31, 39.44, 3000),
    Port("port-esp-barcelona", "Barcelona", "ESP", 2.17, 41.35, 3000),
    Port("port-fra-marseille", "Marseille-Fos", "FRA", 5.35, 43.32, 3000),
    Port("port-hrv-rijeka", "Rijeka", "HRV", 14.43, 45.33, 2500),
    Port("port-cyp-limassol", "Limassol", "CYP", 33.02, 34.65, 3000),
    Port("port-isr-haifa", "Haifa", "ISR", 35.01, 32.82, 3000),
    Port("port-dza-algiers", "Algiers", "DZA", 3.07, 36.77, 3000),
]

# Anchorages and ship-to-ship transfer areas: where merchant ships wait for a berth, bunker
# or transfer cargo for hours or days. Loitering and encounters there are routine.
ANCHORAGES = [
    Area("anch-grc-piraeus-saronic", "Piraeus outer anchorage (Saronic)", "GRC", ((23.50, 37.80, 23.70, 37.91),)),
    Area("anch-grc-elefsis", "Elefsis bay anchorage", "GRC", ((23.45, 37.99, 23.60, 38.045),)),
    Area("anch-grc-vatika", "Vatika Bay (ship-to-ship transfer area)", "GRC", ((22.95, 36.45, 23.12, 36.62),)),
    Area("anch-mlt-hurds-bank", "Hurd's Bank bunkering area", "MLT", ((14.58, 35.82, 14.74, 35.93),)),
    Area("anch-mlt-marsaxlokk-offshore", "Malta bunkering area off Marsaxlokk", "MLT", ((14.54, 35.76, 14.64, 35.81),)),
    Area("anch-ita-augusta", "Augusta roads", "ITA", ((15.20, 37.14, 15.32, 37.25),)),
    Area("anch-ita-siracusa", "Siracusa roads", "ITA", ((15.27, 37.00, 15.36, 37.07),)),
    Area("anch-lby-tripoli", "Tripoli anchorage", "LBY", ((13.08, 32.90, 13.32, 33.00),)),
    Area("anch-lby-mellitah", "Mellitah oil and gas terminal", "LBY", ((12.20, 32.86, 12.32, 32.95),)),
    Area("anch-lby-zawiya", "Zawiya oil terminal", "LBY", ((12.66, 32.78, 12.80, 32.86),)),
    Area("anch-tun-sfax", "Sfax roads", "TUN", ((10.76, 34.62, 10.98, 34.78),)),
    # ships awaiting the canal's northbound convoys anchor up to ~20 nm north of the breakwaters
    Area("anch-egy-port-said", "Port Said outer anchorage (Suez Canal waiting area)", "EGY", ((32.10, 31.25, 32.50, 31.70),)),
    Area("anch-esp-ceuta-bay", "Ceuta bay anchorage", "ESP", ((-5.36, 35.89, -5.29, 35.935),)),
    Area("anch-esp-ceuta-east", "Ceuta bunkering anchorage east of Punta Almina", "ESP", ((-5.27, 35.88, -5.16, 35.96),)),
    Area("anch-gib-east", "Gibraltar eastern anchorage", "GIB", ((-5.345, 36.09, -5.30, 36.17),)),
    Area("anch-esp-algeciras-bay", "Algeciras bay anchorage", "ESP", ((-5.43, 36.08, -5.36, 36.15),)),
]  # fmt: skip

# Canals and straits that the land data fills in: treated as water at the shore.
WATERWAYS = [
    (
        "ww-egy-suez-canal",
        "Suez Canal",
        "EGY",
        [
            (32.305, 31.32),
            (32.31, 31.20),
            (32.32, 30.98),
            (32.33, 30.70),
            (32.30, 30.56),
            (32.36, 30.40),
            (32.45, 30.30),
            (32.55, 30.20),
            (32.57, 30.05),
            (32.55, 29.92),
        ],
        5000,
    ),
    ("ww-grc-corinth-canal", "Corinth Canal", "GRC", [(22.955, 37.94), (23.005, 37.905)], 1500),
]


class Srr(NamedTuple):
    iso: str
    name: str
    outline: tuple[tuple[float, float], ...]  # before land (and, for GRC, Turkish waters) is cut
    note: str


# Search-and-rescue regions (IMO SAR Convention). No open data holds usable coordinates, so
# these are outlines after the FIRs and published SRR descriptions; every one is approximate.
SRRS = [
    Srr("MLT", "Malta search and rescue region (Malta FIR)",
        ((11.5, 34.333), (23.5, 34.333), (23.5, 35.2), (20.0, 36.5), (11.5, 36.5)),
        "from Tunisia towards Crete, 34°20'N to the Malta FIR's north; includes Lampedusa and "
        "Linosa, which the Italian SRR also covers (overlap)"),
    Srr("ITA", "Italian search and rescue region",
        ((9.0, 37.5), (11.5, 37.5), (11.5, 36.5), (12.2, 36.5), (12.2, 35.3), (13.1, 35.3),
         (13.1, 36.5), (19.0, 36.5), (19.0, 40.2), (9.0, 40.2)),
        "north of the Malta SRR to the Ionian; Italy also covers the Pelagie islands, inside "
        "the Malta SRR (overlap)"),
    Srr("GRC", "Greek search and rescue region (Athinai FIR)",
        ((19.0, 41.5), (30.0, 41.5), (30.0, 34.0), (23.5, 34.0), (23.5, 35.2), (20.0, 36.5),
         (19.0, 36.5)),
        "the Athinai FIR: the Ionian and the whole Aegean to the Turkish territorial sea; "
        "Turkey's claimed SRR overlaps its eastern half"),
    Srr("TUR", "Turkish search and rescue region (as claimed, 1988)",
        ((25.0, 41.5), (30.0, 41.5), (30.0, 35.83), (25.0, 35.83)),
        "Turkey's claimed SRR east of about 25°E, disputed by Greece: it overlaps the Greek SRR"),
    Srr("LBY", "Libyan search and rescue region (declared 2018)",
        ((11.5, 30.5), (26.5, 30.5), (26.5, 34.0), (23.5, 34.0), (23.5, 34.333), (11.5, 34.333)),
        "declared to the IMO in 2018, south of the Malta and Greek SRRs"),
    Srr("TUN", "Tunisian search and rescue region",
        ((9.0, 30.5), (11.5, 30.5), (11.5, 37.5), (9.0, 37.5)),
        "west of 11°30'E"),
]  # fmt: skip
