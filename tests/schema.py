"""A minimal JSON Schema check of alerts against config/schemas/alert.schema.json."""

from __future__ import annotations

import json
from typing import Any

from config import SCHEMA_DIR

SCHEMA = json.loads((SCHEMA_DIR / "alert.schema.json").read_text())
_TYPES = {
    "string": str,
    "integer": int,
    "number": (int, float),
    "object": dict,
    "array": list,
    "null": type(None),
    "boolean": bool,
}


def _check(value: Any, schema: dict[str, Any], path: str) -> None:
    t = schema.get("type")
    if t is not None:
        ts = t if isinstance(t, list) else [t]
        ok = any(
            isinstance(value, _TYPES[x])
            and not (x in ("integer", "number") and isinstance(value, bool))
            for x in ts
        )
        assert ok, f"{path}: {value!r} is not {ts}"
    if "enum" in schema:
        assert value in schema["enum"], f"{path}: {value!r} not in {schema['enum']}"
    if "const" in schema:
        assert value == schema["const"], path
    if isinstance(value, dict):
        for k in schema.get("required", []):
            assert k in value, f"{path}: missing {k}"
        for k, sub in schema.get("properties", {}).items():
            if k in value:
                _check(value[k], sub, f"{path}.{k}")
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            _check(v, schema["items"], f"{path}[{i}]")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema:
            assert value >= schema["minimum"], path
        if "maximum" in schema:
            assert value <= schema["maximum"], path


def validate_alert(alert: dict[str, Any]) -> None:
    _check(alert, SCHEMA, "alert")
    assert alert["summary"].endswith("."), "summary is one sentence"
