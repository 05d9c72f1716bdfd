from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyais.encode import encode_dict

from stream.decode.common import Rejected
from stream.decode.nmea import NmeaDecoder
from stream.models import Position, StaticData
from stream.sources import FileSource


def sentences(msg: dict[str, object], seq_id: int = 0, channel: str = "B") -> list[str]:
    return list(encode_dict(msg, radio_channel=channel, talker_id="AI", seq_id=seq_id))


POS = {
    "type": 1,
    "mmsi": 237000001,
    "lat": 37.9,
    "lon": 23.6,
    "speed": 10.5,
    "course": 90,
    "heading": 91,
    "status": 0,
}
STATIC = {
    "type": 5,
    "mmsi": 237000001,
    "shipname": "TEST SHIP",
    "callsign": "SV1",
    "ship_type": 37,
    "to_bow": 5,
    "to_stern": 4,
    "imo": 1234567,
}


def feed_all(dec: NmeaDecoder, lines: list[str]) -> list[object]:
    out: list[object] = []
    for ln in lines:
        out.extend(dec.feed(ln))
    out.extend(dec.flush())
    return out


def test_position_with_tag_block_time() -> None:
    (s,) = sentences(POS)
    out = NmeaDecoder().feed("\\s:station1,c:1717236000*00\\" + s)
    # wrong tag-block checksum is a reject with a reason
    assert isinstance(out[0], Rejected) and out[0].reason == "nmea_bad_checksum"
    body = "s:station1,c:1717236000"
    cs = 0
    for ch in body:
        cs ^= ord(ch)
    out = NmeaDecoder().feed(f"\\{body}*{cs:02X}\\{s}")
    p = out[0]
    assert isinstance(p, Position)
    assert p.mmsi == 237000001 and p.ts_ms == 1717236000000 and p.sog_kn == 10.5
    assert abs(p.lat - 37.9) < 1e-4 and p.ais_class == "A"


def test_multipart_static_assembled_even_when_interleaved() -> None:
    a = sentences(STATIC, seq_id=1)
    b = sentences({**STATIC, "mmsi": 237000002, "shipname": "OTHER"}, seq_id=2)
    assert len(a) == 2 and len(b) == 2
    dec = NmeaDecoder(fallback_ts_ms=1717236000000)
    out = feed_all(dec, [a[0], b[0], a[1], b[1]])
    stat = [o for o in out if isinstance(o, StaticData)]
    assert [s.name for s in stat] == ["TEST SHIP", "OTHER"]
    assert stat[0].length_m == 9 and stat[0].imo == 1234567 and stat[0].ship_type == 37
    assert dec.stats["assembled"] == 2


def test_orphans_bad_checksum_unknown_type_are_rejected() -> None:
    a = sentences(STATIC, seq_id=1)
    (base,) = sentences({"type": 4, "mmsi": 2370001, "lat": 37.0, "lon": 23.0})
    (pos,) = sentences(POS)
    broken = pos[:-2] + ("00" if pos[-2:] != "00" else "11")
    dec = NmeaDecoder(fallback_ts_ms=1717236000000)
    out = feed_all(dec, [a[1], a[0], base, broken, "garbage line", "!AIVDM,1,1,,B,,0*25"])
    reasons = Counter(o.reason.split(":")[0] for o in out if isinstance(o, Rejected))
    assert reasons == Counter(
        {
            "nmea_orphan_fragment": 2,
            "ignored_type": 1,
            "nmea_bad_checksum": 1,
            "nmea_not_vdm": 1,
            "nmea_empty_payload": 1,
        }
    )


def test_pghp_time_applies_to_next_sentence() -> None:
    (s,) = sentences(POS)
    body = "PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B"
    cs = 0
    for ch in body:
        cs ^= ord(ch)
    dec = NmeaDecoder()
    out = feed_all(dec, [f"${body}*{cs:02X}", s, s])
    pos = [o for o in out if isinstance(o, Position)]
    assert pos[0].ts_ms == 1276256771390
    assert pos[1].ts_ms == 1276256771390  # falls back to the last known time
    assert dec.stats["time_source:pghp"] == 1 and dec.stats["time_source:last_known"] == 1


def test_record_timestamp_used_when_line_has_none() -> None:
    (s,) = sentences(POS)
    out = NmeaDecoder().feed(s, record_ts_ms=1717236000123)
    assert isinstance(out[0], Position) and out[0].ts_ms == 1717236000123


def test_no_time_at_all_is_rejected() -> None:
    (s,) = sentences(POS)
    out = NmeaDecoder().feed(s)
    assert isinstance(out[0], Rejected) and out[0].reason == "nmea_no_timestamp"


@settings(max_examples=300)
@given(st.text(max_size=200) | st.binary(max_size=200))
def test_never_raises(line: str | bytes) -> None:
    dec = NmeaDecoder(fallback_ts_ms=1717236000000)
    for o in dec.feed(line) + dec.flush():
        assert isinstance(o, Position | StaticData | Rejected)


# Counts on the real recordings (../shared/data/ais): every line is accounted for.
EXPECTED = {
    # file: (lines read, rejected, assembled multi-part messages, min positions)
    "dma_aislib_stream_2010-06-11_part1.nmea": (4271, 305, 223, 1400),
    "greece_pyais_nmea_sample_part1.nmea": (449, 73, 0, 370),
    "norway_kystverket_tagblock_sample.nmea": (223, 3, 27, 140),
    "aisdb_satellite_tagblock_20211101.nm4": (997, 23, 18, 900),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_shared_nmea_files(ais_dir: Path, name: str) -> None:
    src = FileSource(ais_dir / name)
    items = list(src)
    read, rejected, assembled, min_pos = EXPECTED[name]
    assert src.fmt == "nmea"
    assert src.counts["read"] == read
    assert src.counts["rejected"] == rejected == sum(isinstance(i, Rejected) for i in items)
    assert src.counts["accepted"] + src.counts["rejected"] == src.counts["read"]
    assert src.nmea_stats["assembled"] == assembled
    assert sum(isinstance(i, Position) for i in items) >= min_pos
