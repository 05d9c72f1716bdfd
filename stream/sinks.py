"""Sinks: where alerts go. One small ABC (``add``, ``flush``); a failed flush must abort the
checkpoint (offsets are committed only after every sink flushed)."""

from __future__ import annotations

import sys
from abc import ABC, abstractmethod
from typing import IO

import orjson

from stream.models import Alert

__all__ = ["ListSink", "NdjsonSink", "Sink", "TeeSink", "alert_json"]


ALERT_FORMATS = ("seaguard", "cise")


def alert_json(alert: Alert) -> bytes:
    return orjson.dumps(alert.to_dict())


def cise_json(alert: Alert) -> bytes:
    """The alert as a CISE-style Anomaly document (``docs/cise.md``)."""
    from stream.cise import to_cise

    return orjson.dumps(to_cise(alert.to_dict()))


class Sink(ABC):
    @abstractmethod
    def add(self, alert: Alert) -> None: ...

    def flush(self) -> None:  # noqa: B027 - optional hook
        """Make everything added so far durable; raise on failure."""

    def close(self) -> None:
        self.flush()


class ListSink(Sink):
    def __init__(self) -> None:
        self.alerts: list[Alert] = []

    def add(self, alert: Alert) -> None:
        self.alerts.append(alert)


class TeeSink(Sink):
    """Every alert to several sinks."""

    def __init__(self, *sinks: Sink) -> None:
        self.sinks = sinks

    def add(self, alert: Alert) -> None:
        for s in self.sinks:
            s.add(alert)

    def flush(self) -> None:
        for s in self.sinks:
            s.flush()


class NdjsonSink(Sink):
    """One JSON alert per line, to a file path or stdout ("-")."""

    def __init__(self, path: str = "-", fmt: str = "seaguard") -> None:
        if fmt not in ALERT_FORMATS:
            raise ValueError(f"alert format {fmt!r}: expected one of {ALERT_FORMATS}")
        self._own = path != "-"
        self._fh: IO[bytes] = open(path, "wb") if self._own else sys.stdout.buffer
        self._encode = alert_json if fmt == "seaguard" else cise_json

    def add(self, alert: Alert) -> None:
        self._fh.write(self._encode(alert) + b"\n")

    def flush(self) -> None:
        self._fh.flush()

    def close(self) -> None:
        self.flush()
        if self._own:
            self._fh.close()
