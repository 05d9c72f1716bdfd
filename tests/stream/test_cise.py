"""The CISE-style Anomaly export: every alert type mapped, deterministic, fields carried over."""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path

import orjson

from config import SCHEMA_DIR
from stream.cise import CISE_NAMESPACE, cise_mapping, to_cise
from stream.subscribe import emit
from tests.stream.test_replay_cli import seaguard

ALERT_TYPES = json.loads((SCHEMA_DIR / "alert.schema.json").read_text())["properties"]["type"][
    "enum"
]


def alert(**kw: object) -> dict[str, object]:
    a: dict[str, object] = {
        "schema": "seaguard.alert/1",
        "alert_id": "enc-1",
        "type": "encounter",
        "status": "open",
        "severity": "critical",
        "vessel": "247000001",
        "mmsi": 247000001,
        "other_vessel": "boat-7",
        "other_mmsi": None,
        "start": "2025-03-15T03:50:00Z",
        "end": None,
        "ts": "2025-03-15T04:20:00Z",
        "lat": 35.5,
        "lon": 12.25,
        "zone_ids": ["sar-mlt"],
        "summary": "two vessels met",
        "evidence": {"close_buckets": 3},
        "detector": {"name": "encounter", "version": "1", "params": {"max_dist_m": 500}},
    }
    a.update(kw)
    return a


def test_every_alert_type_has_its_own_mapping() -> None:
    types = cise_mapping()["types"]
    assert sorted(types) == sorted(ALERT_TYPES)
    for t in types.values():
        assert t["certainty"] in ("Certain", "Probable", "Possible")
        assert t["anomaly_type"] != "Other"


def test_fields_are_carried_over() -> None:
    doc = to_cise(alert())["Anomaly"]
    assert doc["Identifier"]["LocalID"] == "enc-1"
    assert doc["Identifier"]["UUID"] == str(uuid.uuid5(CISE_NAMESPACE, "enc-1"))
    assert doc["AnomalyType"] == "RendezVous" and doc["Status"] == "Active"
    assert doc["Metadata"]["Priority"] == "High"
    assert doc["OccurrencePeriod"] == {"StartDate": "2025-03-15T03:50:00Z", "EndDate": None}
    geo = doc["LocationRel"][0]["Location"]["Geometry"]
    assert (geo["Latitude"], geo["Longitude"], geo["WKT"]) == (35.5, 12.25, "POINT (12.25 35.5)")
    assert doc["LocationRel"][0]["Location"]["LocationQualitativeDescription"] == "sar-mlt"
    assert [v["Vessel"] for v in doc["VesselRel"]] == [{"MMSI": 247000001}, {"LocalID": "boat-7"}]
    assert doc["ImpliedRisk"] == [{"RiskType": "Smuggling", "RiskLevel": "High"}]
    assert doc["Extension"]["rule"]["params"] == {"max_dist_m": 500}


def test_closed_alert_and_unknown_type_fall_back() -> None:
    doc = to_cise(alert(status="closed", end="2025-03-15T05:00:00Z", type="new_kind"))["Anomaly"]
    assert doc["Status"] == "Closed" and doc["OccurrencePeriod"]["EndDate"].startswith("2025")
    assert doc["AnomalyType"] == "Other" and doc["Certainty"] == "Possible"
    assert (
        to_cise(alert(alert_id="enc-2"))["Anomaly"]["Identifier"]["UUID"]
        != to_cise(alert())["Anomaly"]["Identifier"]["UUID"]
    )


def test_subscriber_emits_cise() -> None:
    out = io.StringIO()
    assert emit([alert(), alert(alert_id="enc-2")], "cise", out) == 2
    docs = [orjson.loads(line) for line in out.getvalue().splitlines()]
    assert [d["Anomaly"]["Identifier"]["LocalID"] for d in docs] == ["enc-1", "enc-2"]


def test_replay_writes_cise_documents_deterministically(tmp_path: Path) -> None:
    from stream.sim import simulate

    positions, _ = simulate(["encounter", "spoofing"], seed=5, hours=10)
    f = tmp_path / "p.ndjson"
    f.write_text("\n".join(json.dumps(r) for r in positions) + "\n")
    native, cise = tmp_path / "a.ndjson", tmp_path / "c.ndjson"
    assert seaguard("replay", str(f), "--out", str(native)).returncode == 0
    r = seaguard("replay", str(f), "--out", str(cise), "--alert-format", "cise")
    assert r.returncode == 0, r.stderr
    alerts = [orjson.loads(x) for x in native.read_text().splitlines()]
    docs = [orjson.loads(x) for x in cise.read_text().splitlines()]
    assert len(docs) == len(alerts) >= 3
    assert [d["Anomaly"]["Identifier"]["LocalID"] for d in docs] == [a["alert_id"] for a in alerts]
    assert docs == [to_cise(a) for a in alerts]
    assert {d["Anomaly"]["AnomalyType"] for d in docs} >= {"RendezVous"}
