"""Scenario simulator: realistic background traffic plus labelled suspicious scenarios."""

from stream.sim.world import SCENARIOS, simulate

__all__ = ["SCENARIOS", "simulate"]
