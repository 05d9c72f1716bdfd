"""Data shipped with seaguard: default settings, zones, rules, schemas. Found at run time."""

from __future__ import annotations

from pathlib import Path

__all__ = ["CONFIG_DIR", "LAND_FILE", "MID_FILE", "SCHEMA_DIR", "ZONES_DIR", "path"]

CONFIG_DIR = Path(__file__).resolve().parent
ZONES_DIR = CONFIG_DIR / "zones"
SCHEMA_DIR = CONFIG_DIR / "schemas"
LAND_FILE = CONFIG_DIR / "land" / "land_med.geojson"
MID_FILE = CONFIG_DIR / "mid.json"


def path(*parts: str) -> Path:
    return CONFIG_DIR.joinpath(*parts)
