"""Pure pattern logic over typed positions and per-vessel state. No I/O, no wall clock."""

from detectors.base import Context, Detector, Fix, VesselState, alert_id

__all__ = ["Context", "Detector", "Fix", "VesselState", "alert_id"]
