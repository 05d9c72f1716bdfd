import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detectors.zones import load_zone_files
from stream.errors import ZoneError


def write(tmp_path: Path, features: list[dict[str, object]], name: str = "z.geojson") -> Path:
    p = tmp_path / name
    p.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return p


def feat(
    zid: str = "a", kind: str = "custom", coords: object = None, gtype: str = "Polygon"
) -> dict[str, object]:
    coords = coords or [[[25, 37], [25.1, 37], [25.1, 37.1], [25, 37.1], [25, 37]]]
    return {
        "type": "Feature",
        "properties": {"id": zid, "kind": kind, "name": zid},
        "geometry": {"type": gtype, "coordinates": coords},
    }


def test_loads_file_and_folder(tmp_path: Path) -> None:
    write(tmp_path, [feat("a")], "1.geojson")
    write(tmp_path, [feat("b", "boundary", [[25, 37], [26, 38]], "LineString")], "2.geojson")
    zones = load_zone_files(tmp_path)
    assert [z.id for z in zones] == ["a", "b"] and zones[1].is_line


def test_point_with_radius_becomes_circle(tmp_path: Path) -> None:
    f = feat("p", "port", [23.6, 37.9], "Point")
    f["properties"]["radius_m"] = 3000  # type: ignore[index]
    (z,) = load_zone_files(write(tmp_path, [f]))
    assert z.geometry.geom_type == "Polygon"
    assert 0.05 < z.geometry.bounds[3] - z.geometry.bounds[1] < 0.06  # ≈ 6 km tall


@pytest.mark.parametrize(
    "features, expected",
    [
        ([feat("a", "volcano")], "unknown kind 'volcano'"),
        ([feat("a"), feat("a")], "duplicate zone id 'a'"),
        (
            [feat("a", coords=[[[25, 37], [25.1, 37.1], [25.1, 37], [25, 37.1], [25, 37]]])],
            "Self-intersection",
        ),
        ([feat("a", "boundary")], "needs a LineString"),
        ([{"type": "Feature", "properties": {"kind": "custom"}, "geometry": None}], "missing"),
        ([feat("a", coords=[[[250, 37], [251, 37], [251, 38], [250, 37]]])], "outside lon/lat"),
    ],
)
def test_bad_zone_files_name_file_feature_problem(
    tmp_path: Path, features: list[dict[str, object]], expected: str
) -> None:
    p = write(tmp_path, features)
    with pytest.raises(ZoneError) as ei:
        load_zone_files(p)
    msg = str(ei.value)
    assert (str(p) in msg and "feature #" in msg) or "duplicate" in msg
    assert expected in msg


def test_invalid_json_names_file(tmp_path: Path) -> None:
    p = tmp_path / "bad.geojson"
    p.write_text("{not json")
    with pytest.raises(ZoneError, match=r"bad\.geojson: invalid JSON"):
        load_zone_files(p)


_json = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=True) | st.integers() | st.text(max_size=8),
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
    max_leaves=20,
)
_coords = st.lists(st.tuples(st.floats(-200, 200), st.floats(-100, 100)), min_size=0, max_size=6)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        _json,
        st.builds(
            lambda kind, zid, gtype, c: {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"id": zid, "kind": kind},
                        "geometry": {
                            "type": gtype,
                            "coordinates": [c] if gtype == "Polygon" else c,
                        },
                    }
                ],
            },
            st.sampled_from(["custom", "port", "boundary", "x"]),
            _json,
            st.sampled_from(["Polygon", "LineString", "Point", "Nope"]),
            _coords,
        ),
    )
)
def test_zone_loader_never_crashes(doc: object) -> None:
    import tempfile

    from detectors.zones import load_zone_files

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "fuzz.geojson"
        p.write_text(json.dumps(doc, allow_nan=True))
        try:
            zones = load_zone_files(p)
        except ZoneError as exc:
            assert "fuzz.geojson" in str(exc)  # every rejection names the file
        else:
            assert all(z.geometry.is_valid for z in zones)
