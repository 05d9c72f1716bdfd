"""Detector registry: names → classes, and construction from the settings' parameters."""

from __future__ import annotations

import dataclasses
from typing import Any

from detectors.base import Detector
from stream.errors import ConfigError

__all__ = ["DETECTORS", "build_detectors"]


def _classes() -> dict[str, type[Detector]]:
    from detectors.ais_gap import AisGapDetector
    from detectors.crossing_pattern import CrossingPatternDetector
    from detectors.encounter import EncounterDetector
    from detectors.identity import IdentityDetector
    from detectors.kinematic import KinematicDetector
    from detectors.line_crossing import LineCrossingDetector
    from detectors.loitering import LoiteringDetector
    from detectors.position_on_land import PositionOnLandDetector
    from detectors.zone_events import ZoneEventsDetector

    classes: list[type[Detector]] = [
        ZoneEventsDetector,
        LineCrossingDetector,
        CrossingPatternDetector,
        AisGapDetector,
        EncounterDetector,
        LoiteringDetector,
        KinematicDetector,
        PositionOnLandDetector,
        IdentityDetector,
    ]
    return {c.name: c for c in classes}


DETECTORS = _classes()


def _check_type(name: str, key: str, default: Any, value: Any) -> None:
    """A setting's value must be of its default's kind (a number for a number, ...)."""
    numeric = isinstance(default, int | float) and not isinstance(default, bool)
    ok = (
        isinstance(value, int | float) and not isinstance(value, bool)
        if numeric
        else isinstance(value, bool)
        if isinstance(default, bool)
        else isinstance(value, str)
        if isinstance(default, str)
        else True
    )
    if not ok:
        raise ConfigError(f"detector {name}: {key} = {value!r} is not a {type(default).__name__}")


def build_detectors(
    enabled: list[str], params: dict[str, dict[str, Any]] | None = None
) -> list[Detector]:
    """Instantiate the enabled detectors, overriding dataclass defaults from ``params``."""
    params = params or {}
    out: list[Detector] = []
    for name in enabled:
        cls = DETECTORS.get(name)
        if cls is None:
            raise ConfigError(f"unknown detector {name!r}; known: {sorted(DETECTORS)}")
        p = cls.default_params()
        over = params.get(name) or {}
        if over:
            fields = {f.name for f in dataclasses.fields(p)}
            bad = set(over) - fields
            if bad:
                raise ConfigError(f"detector {name}: unknown parameters {sorted(bad)}")
            for key, value in over.items():
                _check_type(name, key, getattr(p, key), value)
            try:
                p = dataclasses.replace(
                    p, **{k: tuple(v) if isinstance(v, list) else v for k, v in over.items()}
                )
            except TypeError as exc:
                raise ConfigError(f"detector {name}: {exc}") from None
        out.append(_check_json(cls(p)))
    return out


def _check_json(detector: Detector) -> Detector:
    """Every alert carries its detector's description: it must serialise, or every alert
    of the detector would fail to publish (and the service retry its batch for ever)."""
    import orjson

    try:
        orjson.dumps(detector.describe())
    except TypeError as exc:
        raise ConfigError(
            f"detector {detector.name}: parameters are not JSON-able ({exc})"
        ) from None
    return detector
