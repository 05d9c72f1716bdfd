"""Wiring: settings → zones, detectors, state store, pipeline. Shared by replay and service."""

from __future__ import annotations

from detectors.registry import DETECTORS, build_detectors
from stream.pipeline import Pipeline
from stream.settings import Settings
from stream.state.base import StateStore
from stream.state.memory import MemoryStore
from stream.zoneload import load_zoneset

__all__ = ["build_pipeline", "build_store"]


def build_store(settings: Settings, service: bool = False) -> StateStore:
    if settings.state_backend == "redis":
        from stream.state.redis_store import RedisStore

        return RedisStore.from_url(settings.redis_url.get())
    # A service's partitions can be consumed hours apart in event time: keep 3 days of the
    # shared view in memory (the Redis backend expires it by wall-clock TTL instead).
    return MemoryStore(bucket_retention=3 * 144) if service else MemoryStore()


def build_pipeline(
    settings: Settings, store: StateStore | None = None, scope: str = "p0"
) -> Pipeline:
    enabled = [n for n in settings.enabled_detectors if n in DETECTORS] or sorted(DETECTORS)
    detectors = build_detectors(enabled, settings.detector_params)
    zones = load_zoneset(settings.zones)
    return Pipeline(
        detectors,
        zones,
        store if store is not None else MemoryStore(),
        scope=scope,
        state_ttl_s=settings.state_ttl_s,
    )
