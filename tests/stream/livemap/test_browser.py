"""The live map in a real browser: Debian's Chromium (headless, driven by Playwright) against
``seaguard map`` and ``seaguard run`` on the embedded broker, with a simulator scenario.

The page is opened before the service runs, so every alert reaches it by push (SSE), not by
a page load. A screenshot is saved to ``build/screenshots/livemap.png`` (or
``$SEAGUARD_ARTIFACTS``) for a human to look at.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from stream.kafka.publish import publish_simulated
from stream.sim import simulate
from tests.fixtures_kafka import KafkaEnv, wait_exit

CHROMIUM = os.environ.get("SEAGUARD_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("SEAGUARD_ARTIFACTS", Path(__file__).parents[3] / "build"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[dev]'")
if not Path(CHROMIUM).exists():
    pytest.skip(
        f"no Chromium at {CHROMIUM}: apt-get install chromium (.ci/run does)",
        allow_module_level=True,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_http(url: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")


# A vessel on screen with no alert marker within 30 px (a click there picks the vessel), as
# page coordinates, and its key.
_LONE_VESSEL_JS = """() => {
  const r = canvas.getBoundingClientRect();
  const marks = filteredAlerts().map((a) => toScreen(...merc(a.lon, a.lat)));
  for (const v of S.vessels.values()) {
    const [x, y] = toScreen(...merc(v.lon, v.lat));
    if (x < 20 || y < 20 || x > canvas.clientWidth - 20 || y > canvas.clientHeight - 20) continue;
    if (marks.some(([mx, my]) => Math.hypot(mx - x, my - y) < 30)) continue;
    return [x + r.left, y + r.top, v.vessel];
  }
  throw new Error("no lone vessel on screen");
}"""


def test_live_map_shows_pushed_alerts_and_evidence(kafka_env: KafkaEnv, tmp_path: Path) -> None:
    s = kafka_env.settings
    positions, _truth = simulate(["aegean_crossing", "encounter", "going_dark"], seed=11, hours=14)
    publish_simulated(positions, s)
    port = _free_port()
    map_log = tmp_path / "map.log"
    mp = subprocess.Popen(
        [sys.executable, "-m", "stream", "map", "--port", str(port), "--from-beginning"],
        env=kafka_env.env(),
        stdout=subprocess.DEVNULL,
        stderr=map_log.open("wb"),
    )
    kafka_env.procs.append(mp)
    url = f"http://127.0.0.1:{port}/"
    _wait_http(url + "healthz")

    console_errors: list[str] = []
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 860})
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: console_errors.append(str(e)))
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(url)
        page.wait_for_function("Number(document.body.dataset.zones) > 100", timeout=30_000)
        page.wait_for_selector("#status.live", timeout=30_000)
        # vessels arrive from the position topic before any alert exists
        page.wait_for_function(
            "parseInt(document.getElementById('counts').textContent) > 10", timeout=60_000
        )
        assert page.locator("#alert-list li").count() == 0

        svc = kafka_env.start_service(tmp_path, "--exit-when-idle", "3")
        assert wait_exit(svc) == 0, kafka_env.logs[-1].read_text()[-2000:]
        latest: dict[str, dict[str, object]] = {}
        for a in kafka_env.alerts():
            latest[str(a["alert_id"])] = a
        assert {"crossing_pattern", "encounter", "ais_gap"} <= {a["type"] for a in latest.values()}

        page.wait_for_function(
            f"document.querySelectorAll('#alert-list li').length === {len(latest)}",
            timeout=30_000,
        )
        shown = page.eval_on_selector_all(
            "#alert-list li", "els => els.map(e => [e.dataset.alertId, e.className])"
        )
        assert {aid for aid, _ in shown} == set(latest)
        for aid, cls in shown:  # latest status and severity of each alert
            assert f"sev-{latest[aid]['severity']}" in cls and str(latest[aid]["status"]) in cls
        assert page.locator("#status.live").count() == 1  # never reloaded, still one stream
        assert page.evaluate("document.body.dataset.snapshots") == "1"

        # filter by type, then open one crossing alert's evidence
        page.select_option("#f-type", "crossing_pattern")
        n_cross = sum(a["type"] == "crossing_pattern" for a in latest.values())
        page.wait_for_function(
            f"document.querySelectorAll('#alert-list li').length === {n_cross}", timeout=5_000
        )
        first = page.locator("#alert-list li").first
        aid = first.get_attribute("data-alert-id")
        first.click()
        page.wait_for_function(f"document.body.dataset.selected === '{aid}'", timeout=10_000)
        assert int(page.evaluate("document.body.dataset.evidenceTrack")) > 10
        assert int(page.evaluate("document.body.dataset.evidencePoints")) >= 3
        assert page.locator("#details").is_visible()
        summary = page.locator("#d-summary").text_content()
        assert summary == latest[str(aid)]["summary"]

        # evidence as a readable table, the track's direction and times, a scale, a legend
        rows = page.locator("#d-evidence tr")
        assert rows.count() >= 4 and "{" not in (page.locator("#d-evidence").text_content() or "")
        assert page.evaluate("document.body.dataset.directionMarks") == "1"
        assert page.evaluate("document.body.dataset.scaleNm") in {
            "1",
            "2",
            "5",
            "10",
            "20",
            "50",
            "100",
            "200",
            "500",
        }
        assert int(page.evaluate("document.body.dataset.legendItems")) >= 15

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / "screenshots" / "livemap.png"
        shot.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(shot))

        # Escape closes the panel; a click on a vessel opens its card
        page.keyboard.press("Escape")
        assert page.locator("#details").is_hidden()
        assert page.evaluate("document.body.dataset.selected") is None
        x, y, vessel = page.evaluate(_LONE_VESSEL_JS)
        page.mouse.click(x, y)
        page.wait_for_function(f"document.body.dataset.vesselPopup === '{vessel}'", timeout=5_000)
        card = page.locator("#vessel-pop").text_content() or ""
        assert "MMSI" in card and "speed" in card and "course" in card and "last fix" in card
        page.keyboard.press("Escape")
        assert page.locator("#vessel-pop").is_hidden()
        browser.close()

    assert shot.stat().st_size > 50_000
    assert console_errors == []
    assert all(r.startswith(url) for r in requests), [r for r in requests if not r.startswith(url)]
    mp.terminate()
    assert mp.wait(15) == 0, map_log.read_text()[-2000:]
