"""The replay report: tracks cut at implausible jumps, land and zones over the whole frame,
a timeline under a time axis that fits the page (checked in headless Chromium)."""

from __future__ import annotations

import itertools
import math
import os
import re
import shutil
from pathlib import Path

import pytest

from stream.models import Alert, Position
from stream.report import W, write_report
from stream.zoneload import load_zoneset

T0_MS = 1_741_968_000_000
CHROMIUM = os.environ.get("SEAGUARD_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def _zigzag() -> list[Position]:
    """A duplicated identity: one MMSI reported alternately off Sicily and off Crete (about
    330 nm apart), and an honest neighbour sailing east."""
    out = []
    for k in range(40):
        west = k % 2 == 0
        lat, lon = (36.5, 15.5) if west else (35.6, 22.2)
        out.append(Position("247990008", T0_MS + k * 600_000, lat, lon + k * 0.001, sog_kn=10.0))
        out.append(Position("247000001", T0_MS + k * 600_000, 36.0, 16.0 + k * 0.02, sog_kn=10.0))
    return out


def _alert(start_ms: int, end_ms: int) -> Alert:
    return Alert(
        alert_id=f"kin-{start_ms}",
        type="kinematic_anomaly",
        status="closed",
        severity="high",
        vessel="247990008",
        mmsi=247990008,
        other_vessel=None,
        other_mmsi=None,
        ts_ms=end_ms,
        start_ms=start_ms,
        end_ms=end_ms,
        lat=36.5,
        lon=15.5,
        zone_ids=(),
        summary="a jump",
        evidence={},
        detector={"name": "kinematic", "version": "1", "params": {}},
    )


def _polylines(page: str, title: str) -> list[list[tuple[float, float]]]:
    lines = re.findall(rf'<polyline points="([^"]*)"[^>]*><title>{title}</title>', page)
    return [[tuple(map(float, p.split(","))) for p in pts.split()] for pts in lines]


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    alerts = [_alert(T0_MS + k * 3_600_000, T0_MS + k * 3_600_000 + 600_000) for k in range(6)]
    out = tmp_path_factory.mktemp("report") / "r.html"
    return write_report(out, _zigzag(), alerts, load_zoneset())


def test_a_track_is_cut_where_it_jumps_implausibly(page: Path) -> None:
    text = page.read_text()
    dup = _polylines(text, "247990008")
    assert len(dup) >= 20  # one piece per stay, never a line across the Ionian
    for line in dup:
        assert all(math.dist(a, b) < 20 for a, b in itertools.pairwise(line))
    assert len(_polylines(text, "247000001")) == 1  # an honest track stays whole


def test_land_and_zones_cover_the_frame(page: Path) -> None:
    text = page.read_text()
    assert text.count('fill="#ddd9c4"') > 20  # Sicily, Malta, Crete, the Peloponnese...
    assert re.search(r'stroke-dasharray="6 3"><title>[\w-]+ \(boundary\)</title>', text)
    assert re.search(r"<polygon [^>]*><title>ts-[\w-]+ \(territorial_sea\)</title>", text)


def test_the_timeline_has_a_time_axis(page: Path) -> None:
    text = page.read_text()
    ticks = re.findall(r'class="tick" style="left:([\d.]+)%">([^<]+)<', text)
    assert 2 <= len(ticks) <= 12 and all(0 <= float(x) <= 100 for x, _ in ticks)
    for left, width in re.findall(r'class="bar" style="left:([\d.]+)%;width:([\d.]+)%', text):
        assert float(left) + float(width) <= 100.01


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}")
def test_the_page_fits_a_laptop_screen_in_chromium(page: Path) -> None:
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        tab = browser.new_page(viewport={"width": 1280, "height": 900})
        tab.goto(page.as_uri())
        scroll_w = tab.evaluate("document.documentElement.scrollWidth")
        map_w = tab.evaluate("document.querySelector('svg').getBoundingClientRect().width")
        out = Path(os.environ.get("SEAGUARD_ARTIFACTS", Path(__file__).parents[2] / "build"))
        out.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(out / "report.png"), full_page=True)
        browser.close()
    assert scroll_w <= 1280  # no sideways scrolling: the timeline fits
    assert 0.9 * W <= map_w <= W
