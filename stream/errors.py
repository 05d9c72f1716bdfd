"""One exception hierarchy for seaguard."""

__all__ = [
    "BrokerUnreachable",
    "ConfigError",
    "DecodeError",
    "InputError",
    "SeaguardError",
    "StateError",
    "ZoneError",
]


class SeaguardError(Exception):
    """Base class of every error seaguard raises on purpose."""


class DecodeError(SeaguardError):
    """A record could not be decoded; ``reason`` is a short machine-readable code."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class ZoneError(SeaguardError):
    """A zone file or feature is invalid (the message names file, feature and problem)."""


class ConfigError(SeaguardError):
    """Settings or rule files are invalid."""


class StateError(SeaguardError):
    """The state backend failed (e.g. Redis unreachable)."""


class BrokerUnreachable(SeaguardError):
    """No Kafka broker answers at the bootstrap addresses (exit 1, one line)."""


class InputError(SeaguardError):
    """An input cannot be read as asked (a directory, a missing file, NMEA without any time):
    the user must change the command (exit 2)."""
