"""The StateStore interface: key/value with TTL, per-scope timers and a shared spatial view.

Three groups of methods, all needed by the pipeline:
- key/value (``get/set/delete/exists`` and their batched forms): per-vessel state blobs;
- timers (``schedule/due/cancel``) per scope (a Kafka partition): which vessels want
  ``on_timer`` once the watermark passes a time;
- the shared view (``bucket_put/bucket_near/pair_get/pair_set``): latest positions per
  10-minute event-time bucket and pair state, read across partitions and instances;
- the reception model (``reception_add/reception_counts``): fixes heard per (hour, cell),
  shared the same way (see detectors/reception.py).

TTLs are in seconds. The memory backend measures them in event time (advanced by the
pipeline) so replays are deterministic; Redis measures them in wall-clock time.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = ["RECEPTION_RETENTION_H", "StateStore"]

# Reception counts are kept two days: a gap is judged on the hours it spans (at most a day
# matters to a watch floor), and a receiver that fails stops counting within that time.
RECEPTION_RETENTION_H = 48


class StateStore(ABC):
    # -- key/value --------------------------------------------------------------------------
    @abstractmethod
    def get(self, key: str) -> bytes | None: ...

    @abstractmethod
    def set(self, key: str, value: bytes, ttl_s: int | None = None) -> None: ...

    @abstractmethod
    def delete(self, key: str) -> None: ...

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    def get_many(self, keys: list[str]) -> list[bytes | None]:
        return [self.get(k) for k in keys]

    def set_many(self, items: Iterable[tuple[str, bytes]], ttl_s: int | None = None) -> None:
        for k, v in items:
            self.set(k, v, ttl_s)

    # -- timers -----------------------------------------------------------------------------
    @abstractmethod
    def schedule(self, scope: str, member: str, at_ms: int) -> None:
        """Wake ``member`` once the watermark reaches ``at_ms`` (replaces an earlier time)."""

    @abstractmethod
    def cancel(self, scope: str, member: str) -> None: ...

    @abstractmethod
    def due(self, scope: str, upto_ms: int) -> list[str]:
        """Members whose time is ≤ ``upto_ms``, earliest first (they stay until cancelled)."""

    # -- shared cross-vessel view -----------------------------------------------------------
    @abstractmethod
    def bucket_put(
        self, bucket: int, vessel: str, lat: float, lon: float, data: dict[str, Any]
    ) -> None: ...

    @abstractmethod
    def bucket_near(
        self, bucket: int, lat: float, lon: float, radius_m: float
    ) -> list[tuple[str, dict[str, Any]]]: ...

    @abstractmethod
    def pair_get(self, key: str) -> dict[str, Any] | None: ...

    @abstractmethod
    def pair_set(self, key: str, value: dict[str, Any]) -> None: ...

    # -- reception model --------------------------------------------------------------------
    @abstractmethod
    def reception_add(self, counts: Mapping[tuple[int, int], int]) -> None:
        """Add fixes heard per (hour, cell); kept for ``RECEPTION_RETENTION_H`` hours."""

    @abstractmethod
    def reception_counts(self, keys: Sequence[tuple[int, int]]) -> list[int]:
        """Fixes heard per (hour, cell), 0 where none (or forgotten)."""

    # -- lifecycle --------------------------------------------------------------------------
    def advance(self, now_ms: int) -> None:  # noqa: B027 - optional hook
        """Event time moved on (the memory backend expires entries with it)."""

    def flush(self) -> None:  # noqa: B027 - optional hook
        """Make every write durable (a no-op where writes are synchronous)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""
