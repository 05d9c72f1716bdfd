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
            try:
                p = dataclasses.replace(p, **over)
            except TypeError as exc:
                raise ConfigError(f"detector {name}: {exc}") from None
        out.append(cls(p))
    return out
