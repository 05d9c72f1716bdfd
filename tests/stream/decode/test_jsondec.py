import json
import math

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from stream.decode.common import MAX_RECORD_BYTES, Rejected
from stream.decode.jsondec import decode_json_record
from stream.models import Position, StaticData


def rec(**kw: object) -> bytes:
    base: dict[str, object] = {
        "mmsi": 237000001,
        "ts": "2024-06-01T10:00:00Z",
        "lat": 37.9,
        "lon": 23.6,
    }
    base.update(kw)
    return json.dumps({k: v for k, v in base.items() if v is not None}).encode()


def test_minimal_record_decodes_to_position() -> None:
    out = decode_json_record(rec(sog=12.5, cog=90, heading=91))
    assert isinstance(out, list) and len(out) == 1
    p = out[0]
    assert isinstance(p, Position)
    assert (p.vessel, p.mmsi, p.lat, p.lon, p.sog_kn, p.cog_deg, p.heading_deg) == (
        "237000001",
        237000001,
        37.9,
        23.6,
        12.5,
        90.0,
        91.0,
    )
    assert p.ts_ms == 1717236000000


def test_epoch_seconds_and_millis_agree() -> None:
    a = decode_json_record(rec(ts=1717236000))
    b = decode_json_record(rec(ts=1717236000000))
    assert isinstance(a, list) and isinstance(b, list)
    assert a[0].ts_ms == b[0].ts_ms == 1717236000000


def test_sentinels_become_missing() -> None:
    out = decode_json_record(rec(sog=102.3, cog=360, heading=511))
    assert isinstance(out, list)
    p = out[0]
    assert isinstance(p, Position)
    assert p.sog_kn is None and p.cog_deg is None and p.heading_deg is None


def test_position_not_available_is_rejected() -> None:
    out = decode_json_record(rec(lat=91, lon=181))
    assert isinstance(out, Rejected) and out.reason == "position_unavailable"


def test_static_fields_give_static_record() -> None:
    out = decode_json_record(
        rec(name=" AGIOS NIKOLAOS@@", callsign="SV1234", ship_type=37, length_m=9)
    )
    assert isinstance(out, list) and len(out) == 2
    s = out[1]
    assert isinstance(s, StaticData)
    assert (s.name, s.callsign, s.ship_type, s.length_m) == ("AGIOS NIKOLAOS", "SV1234", 37, 9.0)


def test_static_only_record() -> None:
    out = decode_json_record(rec(lat=None, lon=None, name="X"))
    assert isinstance(out, list) and isinstance(out[0], StaticData)


def test_non_mmsi_id_is_kept_as_string_key() -> None:
    out = decode_json_record(b'{"id": "boat-7", "ts": 1717236000, "lat": 1, "lon": 2}')
    assert isinstance(out, list)
    assert out[0].vessel == "boat-7" and out[0].mmsi is None


def test_reasons_are_precise() -> None:
    cases = {
        b'{"mmsi": 1, "ts": 1717236000, "lat": 1': "json_invalid",
        b"[1, 2]": "not_an_object",
        b'{"ts": 1717236000, "lat": 1, "lon": 2}': "missing_field:vessel",
        b'{"mmsi": 237000001, "lat": 1, "lon": 2}': "missing_field:ts",
        b'{"mmsi": 237000001, "ts": 1717236000, "lon": 2}': "missing_field:lat",
        b'{"mmsi": 237000001, "ts": 1717236000, "lat": 95, "lon": 2}': "lat_out_of_range",
        b'{"mmsi": 237000001, "ts": 1717236000, "lat": 5, "lon": -200}': "lon_out_of_range",
        b'{"mmsi": 237000001, "ts": 1717236000, "lat": "abc", "lon": 2}': "bad_type:lat",
        b'{"mmsi": -5, "ts": 1717236000, "lat": 1, "lon": 2}': "bad_value:mmsi",
        b'{"mmsi": 2.5, "ts": 1717236000, "lat": 1, "lon": 2}': "bad_value:mmsi",
        b'{"mmsi": true, "ts": 1717236000, "lat": 1, "lon": 2}': "bad_type:mmsi",
        b'{"mmsi": 237000001, "ts": "yesterday", "lat": 1, "lon": 2}': "bad_value:ts",
        b'{"mmsi": 237000001, "ts": 99999999999999, "lat": 1, "lon": 2}': "ts_out_of_range",
        b'{"mmsi": 237000001, "ts": 1717236000, "lat": {"a": 1}, "lon": 2}': "bad_type:lat",
        b'{"mmsi": 237000001, "ts": 1717236000, "lat": NaN, "lon": 2}': "json_invalid",
        b"\xff\xfe\x00garbage": "json_invalid",
    }
    for raw, reason in cases.items():
        out = decode_json_record(raw)
        assert isinstance(out, Rejected), raw
        assert out.reason == reason, (raw, out)
        assert out.raw == raw  # the original bytes travel with the reject


def test_oversized_record_rejected() -> None:
    big = rec(name="x" * (MAX_RECORD_BYTES + 10))
    out = decode_json_record(big)
    assert isinstance(out, Rejected) and out.reason == "record_too_large"


def test_deeply_nested_json_is_rejected_not_raised() -> None:
    out = decode_json_record(b"[" * 5000 + b"]" * 5000)
    assert isinstance(out, Rejected)


def test_mmsi_as_string_digits_accepted() -> None:
    out = decode_json_record(rec(mmsi="237000001"))
    assert isinstance(out, list) and out[0].mmsi == 237000001


@settings(max_examples=300)
@given(st.binary(max_size=400))
def test_never_raises_on_bytes(data: bytes) -> None:
    out = decode_json_record(data)
    assert isinstance(out, list | Rejected)
    if isinstance(out, Rejected):
        assert out.reason


_json_val = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=True) | st.integers() | st.text(max_size=20),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3),
    max_leaves=10,
)


@settings(max_examples=300)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "mmsi": _json_val,
            "ts": _json_val,
            "lat": _json_val,
            "lon": _json_val,
            "sog": _json_val,
            "cog": _json_val,
            "heading": _json_val,
            "name": _json_val,
            "ship_type": _json_val,
        },
    )
)
def test_never_raises_on_any_field_types(obj: dict[str, object]) -> None:
    try:
        raw = orjson.dumps(obj)
    except (TypeError, orjson.JSONEncodeError):
        raw = json.dumps(obj, default=str).encode()
    out = decode_json_record(raw)
    if isinstance(out, list):
        for r in out:
            if isinstance(r, Position):
                assert -90 <= r.lat <= 90 and -180 <= r.lon <= 180
                assert r.sog_kn is None or (math.isfinite(r.sog_kn) and r.sog_kn >= 0)
    else:
        assert out.reason


_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**31), max_value=2**62),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-200, max_value=200),
    st.sampled_from([91, 181, 102.3, 360, 511, 0, 1_741_968_000, 1_741_968_000_000]),
    st.text(max_size=12),
)


@given(
    st.dictionaries(
        st.sampled_from(["mmsi", "ts", "ts_ms", "lat", "lon", "sog", "cog", "heading"]),
        _values,
    ),
    st.integers(min_value=100_000_000, max_value=999_999_999),
    st.floats(min_value=30, max_value=45),
    st.floats(min_value=5, max_value=35),
)
@settings(max_examples=600, deadline=None)
def test_plain_record_fast_path_matches_the_general_decoder(
    obj: dict[str, object], mmsi: int, lat: float, lon: float
) -> None:
    """The shortcut for plain position records gives exactly what the general path gives
    (and leaves everything else to it)."""
    from stream.decode.jsondec import _decode_general, _plain_position
    from stream.errors import DecodeError

    for o in (obj, {"mmsi": mmsi, "ts": 1_741_968_000, "lat": lat, "lon": lon, **obj}):
        fast = _plain_position(o)
        if fast is None:
            continue
        try:
            general = _decode_general(o)
        except DecodeError as exc:
            raise AssertionError(f"fast path accepted {o} that the general path rejects") from exc
        assert fast == general


def test_plain_records_take_the_fast_path() -> None:
    from stream.decode.jsondec import _plain_position

    rec = {"mmsi": 247000001, "ts": 1_741_968_000.5, "lat": 36.5, "lon": 19.5, "sog": 11.0}
    assert _plain_position(rec) is not None
    assert _plain_position({**rec, "name": "X"}) is None  # identity fields: general path
    assert _plain_position({**rec, "mmsi": "247000001"}) is None  # a string id: general path
