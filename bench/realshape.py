"""Workloads with the shape of real feeds, built from the recordings in ../shared.

``marinecadastre_days``: the MarineCadastre export (17 columns, identity on every row,
ordered by vessel, one day) repeated as consecutive days - the shape of a user
concatenating daily exports: about 10 k vessels, ~100 k rows a day. ``json_with_statics``:
the same rows as a flat JSON feed with name, IMO, call sign, type and size on every record.

``replay_real_shapes`` times a whole-process ``seaguard replay`` of 1 M and 3 M such rows
with its peak resident memory, against the floor measured in the same run (``csv.reader``
over the same file): the rate ratio is the target, and the memory of the 3 M-row run
against the 1 M-row one shows whether memory grows with the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

SHARED_AIS = Path(os.environ.get("SEAGUARD_SHARED", Path(__file__).parents[2] / "shared")) / (
    "data/ais"
)
MARINECADASTRE = SHARED_AIS / "marinecadastre_us_20220103_first99999.csv.gz"

__all__ = [
    "json_with_statics",
    "marinecadastre_days",
    "nmea_copies",
    "replay_nmea",
    "replay_real_shapes",
    "service_real_shape",
    "startup",
]


def marinecadastre_days(out: Path, rows: int) -> int:
    """Write ``rows`` rows of the MarineCadastre recording, repeated day after day (times
    shifted by whole days, vessels and order as recorded); returns the rows written."""
    with gzip.open(MARINECADASTRE, "rt", newline="") as fh:
        header, *body = list(csv.reader(fh))
    at = header.index("BaseDateTime")
    written = 0
    with out.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        day = 0
        while written < rows:
            shift = dt.timedelta(days=day)
            for row in body[: rows - written]:
                t = dt.datetime.fromisoformat(row[at]) + shift
                w.writerow([*row[:at], t.isoformat(), *row[at + 1 :]])
            written += min(len(body), rows - written)
            day += 1
    return written


# MarineCadastre columns as a flat JSON feed sends them: position and identity on every row.
_JSON_FIELDS = {
    "MMSI": "mmsi", "LAT": "lat", "LON": "lon", "SOG": "sog", "COG": "cog",
    "Heading": "heading", "VesselName": "name", "IMO": "imo", "CallSign": "callsign",
    "VesselType": "ship_type", "Length": "length_m", "Width": "width_m",
}  # fmt: skip


def json_with_statics(csv_path: Path, out: Path) -> int:
    """The CSV workload as NDJSON with the identity fields on every record."""
    n = 0
    with csv_path.open(newline="") as src, out.open("wb") as dst:
        rows = csv.reader(src)
        header = next(rows)
        at = {name: header.index(name) for name in (*_JSON_FIELDS, "BaseDateTime")}
        for row in rows:
            rec: dict[str, Any] = {"ts": row[at["BaseDateTime"]] + "Z"}
            for col, key in _JSON_FIELDS.items():
                cell = row[at[col]]
                if not cell:
                    continue
                if key in ("name", "imo", "callsign"):
                    rec[key] = cell
                elif key in ("mmsi", "ship_type", "heading"):  # integers, as feeds send them
                    rec[key] = int(float(cell))
                else:
                    rec[key] = float(cell)
            dst.write(orjson.dumps(rec) + b"\n")
            n += 1
    return n


def _json_floor(path: Path) -> float:
    t0 = time.perf_counter()
    with path.open("rb") as fh:
        for line in fh:
            orjson.loads(line)
    return time.perf_counter() - t0


def _csv_floor(path: Path) -> float:
    t0 = time.perf_counter()
    with path.open(newline="") as fh:
        for _ in csv.reader(fh):
            pass
    return time.perf_counter() - t0


def _replay(path: Path, env: dict[str, str] | None = None) -> tuple[float, int]:
    """Seconds and peak RSS (KB) of ``seaguard replay`` over ``path`` in a fresh process
    (``env``: variables to set for it)."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(
            [sys.executable, "-m", "stream", "replay", str(path), "--out", os.devnull],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env={**os.environ, **(env or {})},
        )
        _, status, usage = os.wait4(p.pid, 0)  # this child's own peak, not all children's
        seconds = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            err.seek(0)
            raise RuntimeError(err.read()[-2000:].decode(errors="replace"))
    return seconds, usage.ru_maxrss


def replay_real_shapes(scale: float) -> dict[str, Any]:
    if not MARINECADASTRE.is_file():
        return {"skipped": f"{MARINECADASTRE} not found"}
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="seaguard-bench-") as tmp:
        for millions in (1, 3):
            rows = max(10_000, round(millions * 1_000_000 * scale))
            path = Path(tmp) / f"mc_{millions}m.csv"
            marinecadastre_days(path, rows)
            floor_s = _csv_floor(path)
            replay_s, peak_kb = _replay(path)
            out[f"marinecadastre_{millions}m_rows"] = {
                "rows": rows,
                "floor_csv_reader_rows_per_s": round(rows / floor_s),
                "replay_rows_per_s": round(rows / replay_s),
                "replay_vs_floor": round(floor_s / replay_s, 3),
                "replay_peak_rss_mb": round(peak_kb / 1024),
            }
            if millions == 1:
                out["json_with_statics_1m_rows"] = _json_shape(path, Path(tmp) / "js.ndjson")
            path.unlink()
    one, three = out["marinecadastre_1m_rows"], out["marinecadastre_3m_rows"]
    out["rss_3m_vs_1m"] = round(three["replay_peak_rss_mb"] / one["replay_peak_rss_mb"], 2)
    return out


def _json_shape(csv_path: Path, path: Path) -> dict[str, Any]:
    rows = json_with_statics(csv_path, path)
    got = _against_floor(path, rows, _json_floor(path), "rows", "orjson")
    path.unlink()
    return got


def _against_floor(path: Path, n: int, floor_s: float, unit: str, floor: str) -> dict[str, Any]:
    """Whole-process replay of ``path`` (``n`` items) against its floor's time."""
    replay_s, peak_kb = _replay(path)
    return {
        unit: n,
        f"floor_{floor}_{unit}_per_s": round(n / floor_s),
        f"replay_{unit}_per_s": round(n / replay_s),
        "replay_vs_floor": round(floor_s / replay_s, 3),
        "replay_peak_rss_mb": round(peak_kb / 1024),
    }


def startup(scale: float) -> dict[str, Any]:
    """Command to done for a one-record ``seaguard replay``: without the zone cache
    (``SEAGUARD_CACHE_DIR=off``: zones, land, covers and coast index built) and with a warm
    one; best of three each, taken in turns."""
    with tempfile.TemporaryDirectory(prefix="seaguard-bench-") as tmp:
        one = Path(tmp) / "one.ndjson"
        one.write_text('{"mmsi": 247000001, "ts": 1717236000, "lat": 35.45, "lon": 14.5}\n')
        envs = {"cold": "off", "warm": str(Path(tmp) / "cache")}
        _replay(one, {"SEAGUARD_CACHE_DIR": envs["warm"]})  # fills the cache
        best = {k: math.inf for k in envs}
        for _ in range(3):
            for k, cache in envs.items():
                best[k] = min(best[k], _replay(one, {"SEAGUARD_CACHE_DIR": cache})[0])
    return {
        "cold_s": round(best["cold"], 3),
        "warm_s": round(best["warm"], 3),
        "warm_vs_cold": round(best["warm"] / best["cold"], 3),
    }


def service_real_shape(scale: float) -> dict[str, Any]:
    """One service instance consuming JSON with statics (the MarineCadastre rows as a flat
    feed, in time order as a live feed is) from the embedded broker: msg/s from the first
    batch to the last commit."""
    from bench.__main__ import _service_seconds
    from stream.kafka.broker import EmbeddedBroker
    from stream.kafka.clients import create_topics
    from stream.kafka.publish import publish_json
    from stream.settings import load_settings

    if not MARINECADASTRE.is_file():
        return {"skipped": f"{MARINECADASTRE} not found"}
    rows = max(10_000, round(200_000 * scale))
    with tempfile.TemporaryDirectory(prefix="seaguard-bench-") as tmp:
        csv_path, json_path = Path(tmp) / "mc.csv", Path(tmp) / "mc.ndjson"
        marinecadastre_days(csv_path, rows)
        json_with_statics(csv_path, json_path)
        recs = [orjson.loads(line) for line in json_path.open("rb")]
    recs.sort(key=lambda r: r["ts"])
    items = [(str(r["mmsi"]).encode(), orjson.dumps(r), 0) for r in recs]
    with EmbeddedBroker() as b:
        s = load_settings(env={}, bootstrap_servers=b.bootstrap, group_id="bench-real")
        create_topics(s, {s.input_topic: 4, s.nmea_topic: 4, s.alert_topic: 4, s.dlq_topic: 1})
        publish_json(iter(items), s)
        seconds = _service_seconds(s)
    return {"records": len(items), "service_msg_per_s": round(len(items) / seconds)}


NMEA_TAGBLOCK = SHARED_AIS / "aisdb_satellite_tagblock_20211101.nm4"


def _tag_checksum(body: str) -> str:
    x = 0
    for ch in body:
        x ^= ord(ch)
    return f"{x:02X}"


def nmea_copies(out: Path, sentences: int) -> int:
    """Write ``sentences`` lines of the tag-block NMEA recording (satellite AIS, type-5
    static reports among them), repeated with each copy's ``c:`` times shifted past the
    previous copy's, tag-block checksums recomputed."""
    lines = [ln for ln in NMEA_TAGBLOCK.read_text().splitlines() if ln.startswith("\\")]
    times = [int(ln.split("c:")[1].split(",")[0].split("*")[0]) for ln in lines if "c:" in ln]
    span = max(times) - min(times) + 60
    written, copy = 0, 0
    with out.open("w") as fh:
        while written < sentences:
            for ln in lines[: sentences - written]:
                tag, sentence = ln[1:].split("\\", 1)
                fields = tag.split("*")[0].split(",")
                shifted = [
                    f"c:{int(f[2:]) + copy * span}" if f.startswith("c:") else f for f in fields
                ]
                body = ",".join(shifted)
                fh.write(f"\\{body}*{_tag_checksum(body)}\\{sentence}\n")
            written += min(len(lines), sentences - written)
            copy += 1
    return written


def _pyais_floor(path: Path) -> float:
    """pyais alone: read the file's messages (tag blocks, multi-part assembly) and decode."""
    from pyais.stream import FileReaderStream

    t0 = time.perf_counter()
    for msg in FileReaderStream(str(path)):
        msg.decode()
    return time.perf_counter() - t0


def replay_nmea(scale: float) -> dict[str, Any]:
    if not NMEA_TAGBLOCK.is_file():
        return {"skipped": f"{NMEA_TAGBLOCK} not found"}
    with tempfile.TemporaryDirectory(prefix="seaguard-bench-") as tmp:
        path = Path(tmp) / "sat.nmea"
        n = nmea_copies(path, max(10_000, round(1_000_000 * scale)))
        return _against_floor(path, n, _pyais_floor(path), "sentences", "pyais")
