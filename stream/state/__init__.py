"""State stores: one interface, a memory backend (replay, tests) and a Redis backend (service)."""

from stream.state.base import StateStore
from stream.state.memory import MemoryStore

__all__ = ["MemoryStore", "StateStore"]
