"""The embedded broker: started again on its port after a stop, and tidy about its logs."""

from __future__ import annotations

import pytest

from stream.kafka.broker import EmbeddedBroker
from stream.kafka.probe import probe_broker

pytestmark = pytest.mark.kafka


def test_restart_on_the_same_port_and_no_log_left_behind() -> None:
    b = EmbeddedBroker().start()
    try:
        first_log = b._log.name if b._log else ""
        b.stop()
        b.start()  # as a fault drill restarts it: same port, empty
        probe_broker(b.bootstrap, "PLAINTEXT", None)
        second_log = b._log.name if b._log else ""
    finally:
        b.stop()
    from pathlib import Path

    assert first_log and second_log and first_log != second_log
    assert not Path(first_log).exists() and not Path(second_log).exists()
