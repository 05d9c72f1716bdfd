"""The bundled zone set at named places, checked against geography (positions from charts and
gazetteers, not read back from the zone files): islands are land, the waters off them are
Greek landing areas and territorial sea on the Greek side of the median line, crossings to them
complete, and ships at anchorages are not loitering."""

from __future__ import annotations

import pytest

from detectors.geofence import ZoneSet
from stream.models import Alert
from stream.zoneload import load_zoneset
from tests.builders import T0, heartbeat, line, run, static, through

NM = 1852.0


@pytest.fixture(scope="module")
def zs() -> ZoneSet:
    return load_zoneset()


def _zones(zs: ZoneSet, lon: float, lat: float) -> set[str]:
    ans = zs.lookup([lon], [lat])
    return {zs.zones[i].id for i in ans.inner_zone.tolist()}


def _shore_m(zs: ZoneSet, lon: float, lat: float) -> float:
    return float(zs.dist_shore_m([lon], [lat])[0])


def _side(zs: ZoneSet, lon: float, lat: float, line_id: str = "bnd-grc-tur-median") -> str:
    from shapely.geometry import Point

    i = next(k for k, z in enumerate(zs.zones) if z.id == line_id)
    return zs.side_of(i, Point(lon, lat))


# Island centres (gazetteer positions, rounded to the island's interior).
ISLANDS = {
    "Agathonisi": (26.97, 37.465),
    "Farmakonisi": (27.093, 37.287),
    "Kastellorizo": (29.59, 36.15),
    "Fournoi": (26.49, 37.58),
    "Lipsi": (26.76, 37.30),
    "Gavdos": (24.08, 34.84),
    "Comino": (14.335, 36.01),
    "Capri": (14.24, 40.55),
    "Pserimos": (27.143, 36.943),
    "Oinousses": (26.285, 38.504),
    "Lampione": (12.3345, 35.5592),
    "Imia (east rock)": (27.1501, 37.0451),
}


@pytest.mark.parametrize("name", sorted(ISLANDS))
def test_small_islands_are_land(zs: ZoneSet, name: str) -> None:
    lon, lat = ISLANDS[name]
    assert _shore_m(zs, lon, lat) <= 0, f"{name} at {lon}, {lat} is not land"


# A point at sea just off each island, in its landing area (Greek islands by the Turkish coast).
OFF = {
    "Farmakonisi": (27.108, 37.287, "lnd-grc-farmakonisi"),  # ~300 m off the east shore
    "Agathonisi": (26.955, 37.447, "lnd-grc-agathonisi"),
    "Kastellorizo": (29.595, 36.156, "lnd-grc-kastellorizo"),  # the harbour approach
    "Pserimos": (27.143, 36.965, "lnd-grc-kalymnos-pserimos"),  # off its north shore
    "Oinousses": (26.285, 38.49, "lnd-grc-oinousses"),
    "Imia": (27.156, 37.050, "lnd-grc-kalymnos-pserimos"),
}


@pytest.mark.parametrize("name", sorted(OFF))
def test_waters_off_the_islands(zs: ZoneSet, name: str) -> None:
    lon, lat, landing = OFF[name]
    here = _zones(zs, lon, lat)
    assert _shore_m(zs, lon, lat) > 0
    assert landing in here and "ts-grc" in here, here
    assert _side(zs, lon, lat) == "GRC"


def test_shore_distance_off_farmakonisi(zs: ZoneSet) -> None:
    lon, lat, _ = OFF["Farmakonisi"]
    assert 0 < _shore_m(zs, lon, lat) < 0.5 * NM


@pytest.mark.parametrize(
    "name", ["Farmakonisi", "Agathonisi", "Kastellorizo", "Pserimos", "Oinousses"]
)
def test_islands_lie_on_the_greek_side(zs: ZoneSet, name: str) -> None:
    assert _side(zs, *ISLANDS[name]) == "GRC"


def test_turkish_coast_is_on_the_turkish_side(zs: ZoneSet) -> None:
    for lon, lat in [(27.25, 37.36), (29.64, 36.19), (26.30, 38.32)]:  # Didim, Kas, Cesme
        assert _side(zs, lon, lat) == "TUR"


def test_sar_regions_overlap_where_claims_do(zs: ZoneSet) -> None:
    aegean_east = _zones(zs, 26.6, 38.0)  # between Chios and Samos
    assert {"sar-grc", "sar-tur"} <= aegean_east
    lampedusa = _zones(zs, 12.60, 35.45)  # south of Lampedusa
    assert {"sar-mlt", "sar-ita"} <= lampedusa
    assert "sar-mlt" in _zones(zs, 21.0, 35.0)  # the Malta SRR reaches towards Crete
    assert "sar-grc" in _zones(zs, 19.8, 38.5)  # the Ionian is Greek


def _crossing(alerts: list[Alert], rule: str, vessel: str) -> list[Alert]:
    return [
        a
        for a in alerts
        if a.type == "crossing_pattern" and a.vessel == vessel and a.evidence["rule"] == rule
    ]


def test_didim_to_farmakonisi_completes_the_aegean_rule() -> None:
    boat = through("247000101", [(27.225, 37.335), (27.16, 37.31), (27.112, 37.290)], 6.0, 60.0)
    alerts = run([*boat, *heartbeat(T0, 6)])
    assert _crossing(alerts, "aegean_tr_to_gr", "247000101")  # type: ignore[arg-type]


def test_kas_to_kastellorizo_completes_the_aegean_rule() -> None:
    boat = through("247000102", [(29.625, 36.185), (29.60, 36.165), (29.588, 36.155)], 5.0, 30.0)
    alerts = run([*boat, *heartbeat(T0, 6)])
    assert _crossing(alerts, "aegean_tr_to_gr", "247000102")  # type: ignore[arg-type]


def test_tobruk_to_gavdos_completes_the_crete_rule() -> None:
    boat = through("247000103", [(23.95, 32.15), (24.05, 34.0), (24.08, 34.80)], 6.0, 600.0)
    alerts = run([*boat, *heartbeat(T0, 40)])
    assert _crossing(alerts, "cyrenaica_to_crete", "247000103")  # type: ignore[arg-type]


def test_merchant_ship_at_piraeus_outer_anchorage_is_not_loitering() -> None:
    ship = line("237000104", 23.60, 37.86, 0.0, 0.1, 10 * 6 + 1, 600.0)  # 10 h, a fix per 10 min
    ident = static("237000104", name="AEGEAN STAR", ship_type=70, length_m=180.0)
    alerts = run([ident, *ship, *heartbeat(T0, 12)])
    assert not [a for a in alerts if a.type == "loitering"]  # type: ignore[attr-defined]


def test_same_ship_in_open_water_is_loitering() -> None:
    # the control: the same behaviour in open water between Milos and Crete raises the alert
    ship = line("237000105", 24.5, 36.3, 0.0, 0.1, 10 * 6 + 1, 600.0)
    ident = static("237000105", name="AEGEAN STAR", ship_type=70, length_m=180.0)
    alerts = run([ident, *ship, *heartbeat(T0, 12)])
    assert [a for a in alerts if a.type == "loitering"]  # type: ignore[attr-defined]
