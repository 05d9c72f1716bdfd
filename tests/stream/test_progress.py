"""Progress on long work: a line on a terminal, nothing when stderr is not one."""

from __future__ import annotations

import io

import pytest

from stream.progress import Progress
from stream.sim import simulate


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    tty = _Tty()
    monkeypatch.setattr("sys.stderr", tty)
    p = Progress("replaying", 10)
    p(5)
    p.done()
    assert "replaying [" in tty.getvalue() and "5/10" in tty.getvalue()
    pipe = io.StringIO()
    monkeypatch.setattr("sys.stderr", pipe)
    q = Progress("replaying", 10)
    q(5)
    q.done()
    assert pipe.getvalue() == ""  # logs and CI output stay clean


def test_simulate_reports_each_step() -> None:
    steps: list[int] = []
    simulate(["going_dark", "encounter"], seed=1, hours=4, progress=steps.append)
    assert steps == [1, 2, 3]  # two scenarios, then the background traffic
