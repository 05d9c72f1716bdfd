"""A one-line progress indicator for long work on a terminal (replay, simulate)."""

from __future__ import annotations

import sys
import time

__all__ = ["Progress"]


class Progress:
    """A one-line progress indicator on a terminal (stderr); silent otherwise."""

    def __init__(self, label: str, total: int | None = None) -> None:
        self.on = sys.stderr.isatty()
        self.label, self.total, self.last = label, total, 0.0

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if not self.on or now - self.last < 0.2:
            return
        self.last = now
        if self.total:
            w = 30
            k = int(w * done / self.total)
            sys.stderr.write(f"\r{self.label} [{'#' * k}{'.' * (w - k)}] {done}/{self.total}")
        else:
            sys.stderr.write(f"\r{self.label} {done}")
        sys.stderr.flush()

    def done(self) -> None:
        if self.on:
            sys.stderr.write("\r" + " " * 70 + "\r")
