"""Detecting that the shared state vanished: a Redis restarted without persistence.

The first instance to start writes a random epoch; every instance remembers it and checks
it before persisting each batch. If the key is gone, every vessel's state, timer and pair
went with it: the service says so (an error in the log, ``seaguard_state_lost_total``),
starts a new epoch and carries on with empty state - see docs/operations.md for what that
costs and how to rebuild.
"""

from __future__ import annotations

import secrets

from stream.state.base import StateStore

__all__ = ["EPOCH_KEY", "StateEpoch"]

EPOCH_KEY = "sg:{meta}:epoch"


class StateEpoch:
    def __init__(self, store: StateStore) -> None:
        self.store = store
        self.value: bytes | None = None

    def claim(self) -> bytes:
        """Join the store's epoch, starting one if there is none."""
        if self.store.get(EPOCH_KEY) is None:
            self.store.set(EPOCH_KEY, secrets.token_hex(8).encode())
        self.value = self.store.get(EPOCH_KEY)  # (another instance may have written first)
        assert self.value is not None
        return self.value

    def intact(self) -> bool:
        """Whether the epoch this instance joined is still there; if not, a new one is
        claimed (so the loss is reported once)."""
        if self.store.get(EPOCH_KEY) == self.value:
            return True
        self.claim()
        return False
