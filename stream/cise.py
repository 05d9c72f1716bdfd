"""Alerts as CISE-style Anomaly events, for EU CISE / EUROSUR-facing systems.

The shape follows the CISE core vocabulary for an Event of kind Anomaly: an identifier, a
nature, an occurrence period, locations, the vessels involved, the implied risk, certainty
and metadata. Type-specific labels come from ``config/export/cise.toml``; the mapping of every
field is in ``docs/cise.md``. Pure functions on the alert JSON: deterministic (the UUID is
derived from the alert id, no wall clock), so the same alert always exports the same document.
"""

from __future__ import annotations

import tomllib
import uuid
from functools import lru_cache
from typing import Any

from config import CONFIG_DIR

__all__ = ["CISE_NAMESPACE", "cise_mapping", "to_cise"]

# A fixed namespace: uuid5(namespace, alert_id) is the same on every machine and every run.
CISE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/seaguard/seaguard/alerts")
PRIORITY = {"critical": "High", "high": "High", "medium": "Medium", "low": "Low", "info": "Low"}


@lru_cache(maxsize=1)
def cise_mapping() -> dict[str, Any]:
    with (CONFIG_DIR / "export" / "cise.toml").open("rb") as fh:
        return tomllib.load(fh)


def _vessel(vessel: str, mmsi: int | None, role: str) -> dict[str, Any]:
    v: dict[str, Any] = {"MMSI": mmsi} if mmsi is not None else {"LocalID": vessel}
    return {"Vessel": v, "RoleInEvent": role}


def to_cise(alert: dict[str, Any]) -> dict[str, Any]:
    """One seaguard alert (``seaguard.alert/1`` JSON) as a CISE-style Anomaly document."""
    m = cise_mapping()
    t = m["types"].get(alert["type"], m["default"])
    lat, lon = alert["lat"], alert["lon"]
    vessels = [_vessel(alert["vessel"], alert.get("mmsi"), "Involved")]
    if alert.get("other_vessel"):
        vessels.append(_vessel(alert["other_vessel"], alert.get("other_mmsi"), "Involved"))
    zones = alert.get("zone_ids") or []
    return {
        "Anomaly": {
            "Identifier": {
                "UUID": str(uuid.uuid5(CISE_NAMESPACE, alert["alert_id"])),
                "LocalID": alert["alert_id"],
                "GeneratedBy": "seaguard",
            },
            "Metadata": {
                "CreationDate": alert["ts"],
                "Language": "en",
                "Priority": PRIORITY.get(alert["severity"], "Low"),
                "Source": f"seaguard detector {alert['detector']['name']} "
                f"v{alert['detector']['version']}",
            },
            "NatureType": "Observed",
            "AnomalyType": t["anomaly_type"],
            "Description": alert["summary"],
            "Status": "Active" if alert["status"] == "open" else "Closed",
            "OccurrencePeriod": {"StartDate": alert["start"], "EndDate": alert.get("end")},
            "LocationRel": [
                {
                    "Location": {
                        "Geometry": {
                            "Latitude": lat,
                            "Longitude": lon,
                            "WKT": f"POINT ({lon} {lat})",
                        },
                        "LocationQualitativeDescription": ", ".join(zones) or None,
                    },
                    "LocationRole": "ActualLocation",
                }
            ],
            "VesselRel": vessels,
            "ImpliedRisk": [
                {"RiskType": t["risk_type"], "RiskLevel": PRIORITY.get(alert["severity"], "Low")}
            ],
            "Certainty": t["certainty"],
            "Extension": {
                "schema": alert.get("schema"),
                "type": alert["type"],
                "severity": alert["severity"],
                "evidence": alert.get("evidence"),
                "rule": alert.get("detector"),
            },
        }
    }
