"""``seaguard map``: a live, fully offline web map for the watch officer.

The page draws the bundled land and zone set, the vessels on the position topics with short
tails, and the alerts on the alert topic as they arrive (pushed over Server-Sent Events). Click
an alert to see its evidence: the vessel's track around the alert and the fixes it names.

- :mod:`stream.livemap.state` — what the page shows, kept in memory (no I/O);
- :mod:`stream.livemap.feed` — reads the topics without joining a consumer group;
- :mod:`stream.livemap.server` — the HTTP server: page, geodata, snapshot, track, SSE.
"""

from stream.livemap.server import MapServer
from stream.livemap.state import MapState

__all__ = ["MapServer", "MapState"]
