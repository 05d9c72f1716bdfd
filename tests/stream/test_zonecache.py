"""The disk cache of the prepared zone set: same answers as a fresh build, rebuilt when its
inputs change or its file is damaged, never used when switched off."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from config import LAND_FILE, ZONES_DIR
from detectors.geofence import HYSTERESIS_M, ZoneSet
from detectors.zones import load_zone_files
from stream.zonecache import cached_zoneset
from stream.zoneload import load_land


class Builds:
    """A build function that counts how often it really builds."""

    def __init__(self, zones_dir: Path) -> None:
        self.zones_dir, self.count = zones_dir, 0

    def __call__(self) -> ZoneSet:
        self.count += 1
        return ZoneSet(load_zone_files(self.zones_dir), load_land())

    def sources(self) -> list[Path]:
        return [*sorted(self.zones_dir.glob("*.geojson")), LAND_FILE]


@pytest.fixture()
def zones_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(ZONES_DIR, tmp_path / "zones"))


def _answers(zs: ZoneSet) -> list[object]:
    rng = np.random.default_rng(3)
    lon = np.concatenate([rng.uniform(10.0, 16.5, 3000), rng.uniform(22.5, 28.5, 3000)])
    lat = np.concatenate([rng.uniform(32.5, 38.5, 3000), rng.uniform(34.5, 41.0, 3000)])
    inner, outer = zs.contains(lon, lat), zs.contains(lon, lat, outer=True)
    cross = [
        (c.segment, c.zone, c.side_to) for c in zs.crossings(lon[:-1], lat[:-1], lon[1:], lat[1:])
    ]
    shore = zs.dist_shore_m(lon, lat)
    ports = [
        zs.near_port(float(x), float(y), 5000.0) for x, y in zip(lon[:300], lat[:300], strict=True)
    ]
    return [*inner, *outer, cross, np.round(shore, 3), ports]


def test_a_warm_start_reads_the_cache_and_answers_as_a_fresh_build(
    zones_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEAGUARD_CACHE_DIR", str(tmp_path / "cache"))
    build = Builds(zones_dir)
    cold = cached_zoneset(build.sources(), HYSTERESIS_M, build)
    warm = cached_zoneset(build.sources(), HYSTERESIS_M, build)
    assert build.count == 1 and warm is not cold
    assert len(list((tmp_path / "cache").glob("zones-*.pickle"))) == 1
    fresh = build()
    for got, want in zip(_answers(warm), _answers(fresh), strict=True):
        np.testing.assert_array_equal(np.asarray(got, dtype=object), np.asarray(want, dtype=object))


def test_a_changed_zone_file_or_a_damaged_cache_builds_afresh(
    zones_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEAGUARD_CACHE_DIR", str(tmp_path / "cache"))
    build = Builds(zones_dir)
    cached_zoneset(build.sources(), HYSTERESIS_M, build)
    (cache_file,) = (tmp_path / "cache").glob("zones-*.pickle")
    cache_file.write_bytes(cache_file.read_bytes()[:1000])  # cut short
    cached_zoneset(build.sources(), HYSTERESIS_M, build)
    assert build.count == 2
    cached_zoneset(build.sources(), HYSTERESIS_M, build)
    assert build.count == 2  # rewritten whole
    first = sorted(zones_dir.glob("*.geojson"))[0]
    first.write_text(first.read_text() + "\n")
    cached_zoneset(build.sources(), HYSTERESIS_M, build)
    assert build.count == 3


def test_off_means_no_file(
    zones_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEAGUARD_CACHE_DIR", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    build = Builds(zones_dir)
    cached_zoneset(build.sources(), HYSTERESIS_M, build)
    cached_zoneset(build.sources(), HYSTERESIS_M, build)
    assert build.count == 2 and not (tmp_path / "xdg").exists()
