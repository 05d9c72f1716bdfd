"""A write-behind wrapper: reads see pending writes, ``flush`` applies them in one go.

The service needs this for its commit order: alerts are produced and flushed *before* vessel
state is persisted, and offsets are committed last. If the process dies in between, the batch
is reprocessed against the old state and republishes the same alerts (same ids), so nothing is
lost. Shared-view bucket writes pass straight through: they are idempotent. Reception counts
are not (a retried batch would count its fixes twice), so they wait for ``flush`` too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from stream.state.base import StateStore

__all__ = ["BufferedStore"]


class BufferedStore(StateStore):
    def __init__(self, backend: StateStore) -> None:
        self.backend = backend
        self._kv: dict[str, tuple[bytes | None, int | None]] = {}
        self._timers: dict[tuple[str, str], int | None] = {}
        self._pairs: dict[str, dict[str, Any]] = {}
        self._heard: Counter[tuple[int, int]] = Counter()

    @property
    def pending(self) -> int:
        return len(self._kv) + len(self._timers) + len(self._pairs) + len(self._heard)

    # key/value
    def get(self, key: str) -> bytes | None:
        if key in self._kv:
            return self._kv[key][0]
        return self.backend.get(key)

    def get_many(self, keys: list[str]) -> list[bytes | None]:
        missing = [k for k in keys if k not in self._kv]
        got = dict(zip(missing, self.backend.get_many(missing), strict=True)) if missing else {}
        return [self._kv[k][0] if k in self._kv else got[k] for k in keys]

    def set(self, key: str, value: bytes, ttl_s: int | None = None) -> None:
        self._kv[key] = (value, ttl_s)

    def set_many(self, items: Iterable[tuple[str, bytes]], ttl_s: int | None = None) -> None:
        for k, v in items:
            self._kv[k] = (v, ttl_s)

    def delete(self, key: str) -> None:
        self._kv[key] = (None, None)

    def exists(self, key: str) -> bool:
        return self.get(key) is not None

    # timers
    def schedule(self, scope: str, member: str, at_ms: int) -> None:
        self._timers[(scope, member)] = at_ms

    def cancel(self, scope: str, member: str) -> None:
        self._timers[(scope, member)] = None

    def due(self, scope: str, upto_ms: int) -> list[str]:
        out = {m for m in self.backend.due(scope, upto_ms) if (scope, m) not in self._timers}
        out |= {
            m
            for (s, m), at in self._timers.items()
            if s == scope and at is not None and at <= upto_ms
        }
        return sorted(out)

    # shared view
    def bucket_put(
        self, bucket: int, vessel: str, lat: float, lon: float, data: dict[str, Any]
    ) -> None:
        self.backend.bucket_put(bucket, vessel, lat, lon, data)

    def bucket_near(
        self, bucket: int, lat: float, lon: float, radius_m: float
    ) -> list[tuple[str, dict[str, Any]]]:
        return self.backend.bucket_near(bucket, lat, lon, radius_m)

    def pair_get(self, key: str) -> dict[str, Any] | None:
        if key in self._pairs:
            return self._pairs[key]
        return self.backend.pair_get(key)

    def pair_set(self, key: str, value: dict[str, Any]) -> None:
        self._pairs[key] = value

    # reception model
    def reception_add(self, counts: Mapping[tuple[int, int], int]) -> None:
        self._heard.update(counts)

    def reception_counts(self, keys: Sequence[tuple[int, int]]) -> list[int]:
        heard = self._heard
        return [
            n + heard[k] for k, n in zip(keys, self.backend.reception_counts(keys), strict=True)
        ]

    # lifecycle
    def advance(self, now_ms: int) -> None:
        self.backend.advance(now_ms)

    def flush(self) -> None:
        """Apply every pending write (one Redis pipeline when the backend is Redis)."""
        apply = getattr(self.backend, "apply_batch", None)
        if apply is not None:
            apply(self._kv, self._timers, self._pairs, self._heard)
        else:
            if self._heard:
                self.backend.reception_add(self._heard)
            for k, (v, ttl) in self._kv.items():
                if v is None:
                    self.backend.delete(k)
                else:
                    self.backend.set(k, v, ttl)
            for (s, m), at in self._timers.items():
                if at is None:
                    self.backend.cancel(s, m)
                else:
                    self.backend.schedule(s, m, at)
            for k, p in self._pairs.items():
                self.backend.pair_set(k, p)
        self.discard()

    def discard(self) -> None:
        """Forget pending writes (the batch is being rolled back)."""
        self._kv.clear()
        self._timers.clear()
        self._pairs.clear()
        self._heard.clear()

    def close(self) -> None:
        self.backend.close()
