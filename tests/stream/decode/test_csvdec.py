import io

from hypothesis import given, settings
from hypothesis import strategies as st

from stream.decode.common import Rejected
from stream.decode.csvdec import CsvDecoder
from stream.models import Position, StaticData


def decode(text: str) -> list[object]:
    return list(CsvDecoder.iter_lines(io.StringIO(text)))


def test_marinecadastre_layout() -> None:
    out = decode(
        "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
        "Length,Width,Draft,Cargo,TransceiverClass\n"
        "367379190,2022-01-03T00:00:00,30.3706,-88.56408,0.0,336.2,511,EAGLE,IMO8207721,"
        "WTD4583,31,0,28,11,3.3,52,A\n"
    )
    assert len(out) == 1 and isinstance(out[0], list)
    pos, stat = out[0]
    assert isinstance(pos, Position) and isinstance(stat, StaticData)
    assert pos.mmsi == 367379190 and pos.heading_deg is None and pos.ais_class == "A"
    assert stat.imo == 8207721 and stat.callsign == "WTD4583" and stat.length_m == 28


def test_dma_layout() -> None:
    out = decode(
        "# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,"
        "Heading,IMO,Callsign,Name,Ship type,Cargo type,Width,Length\n"
        "11/06/2010 11:46:10,Class A,219000001,55.5,10.5,Under way using engine,0,12.1,45,44,"
        "Unknown,OXAB2,NORDIC,Cargo,,20,150\n"
    )
    pos, stat = out[0]  # type: ignore[misc]
    assert pos.ts_ms == 1276256770000 and pos.ais_class == "A"
    assert stat.ship_type == 70 and stat.name == "NORDIC"


def test_generic_anonymised_layouts() -> None:
    out = decode("ID,ais_pos_timestamp,longitude,latitude\n1,20/03/2021 00:22,32.33,31.44\n")
    (p,) = out[0]  # type: ignore[misc]
    assert p.vessel == "1" and p.mmsi is None and p.lon == 32.33 and p.sog_kn is None
    out = decode(
        "VESSEL_HASH,speed,LON,LAT,COURSE,HEADING,TIMESTAMP,departurePortName\n"
        "0xabc,0.2,-5.35,35.92,314,52,2015-04-01 20:29:00,CEUTA\n"
    )
    (p,) = out[0]  # type: ignore[misc]
    assert p.vessel == "0xabc" and p.sog_kn == 0.2 and p.cog_deg == 314


def test_unknown_layout_is_one_clear_reject() -> None:
    out = decode("a,b,c\n1,2,3\n4,5,6\n")
    assert len(out) == 1 and isinstance(out[0], Rejected)
    assert out[0].reason == "csv_layout_unknown" and "need an id/MMSI" in out[0].detail


def test_bad_rows_are_rejected_and_good_rows_kept() -> None:
    out = decode(
        "MMSI,BaseDateTime,LAT,LON\n237000001,2022-01-03T00:00:00,91,181\n"
        "237000001,2022-01-03T00:01:00\n237000001,2022-01-03T00:02:00,37,23\n"
        "237000001,notatime,37,23\n"
    )
    reasons = [o.reason for o in out if isinstance(o, Rejected)]
    assert reasons == ["position_unavailable", "csv_short_row", "bad_value:ts"]
    assert sum(isinstance(o, list) for o in out) == 1


def test_nul_bytes_do_not_stop_the_file() -> None:
    out = decode(
        "MMSI,BaseDateTime,LAT,LON\n\x00\x01garbage\n237000001,2022-01-03T00:02:00,37,23\n"
    )
    assert isinstance(out[0], Rejected) and isinstance(out[-1], list)


@settings(max_examples=200)
@given(st.text(max_size=300))
def test_never_raises(body: str) -> None:
    for o in decode("MMSI,BaseDateTime,LAT,LON,SOG\n" + body):
        assert isinstance(o, list | Rejected)
