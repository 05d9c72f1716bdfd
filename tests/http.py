"""A tiny HTTP GET for tests of the service's and the map's endpoints."""

from __future__ import annotations

import urllib.error
import urllib.request


def http_get(url: str, timeout_s: float = 5.0) -> tuple[int, str]:
    """(status, body) - error statuses included, not raised."""
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
