"""Shared fixtures: real Redis (started here if none answers), shared data, pipelines."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from stream.app import build_pipeline
from stream.pipeline import Pipeline
from stream.settings import load_settings
from stream.state.base import StateStore
from stream.state.memory import MemoryStore

pytest_plugins = ["tests.fixtures_kafka"]

# The zone cache (stream/zonecache.py) of this test session, shared by the commands the tests
# start: never the user's ~/.cache, and removed at the end.
_ZONE_CACHE = tempfile.mkdtemp(prefix="seaguard-test-cache-")
os.environ["SEAGUARD_CACHE_DIR"] = _ZONE_CACHE


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_ZONE_CACHE, ignore_errors=True)


SHARED = Path(os.environ.get("SEAGUARD_SHARED", Path(__file__).resolve().parents[2] / "shared"))
AIS_DIR = SHARED / "data" / "ais"
REDIS_TEST_DB = 9


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _redis_up(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A redis-server of the test session's own, on a free port and a scratch directory:
    a Redis that answers on 6379 is the user's, never touched by the tests."""
    exe = shutil.which("redis-server")
    assert exe, "no redis-server binary (make test installs it: apt-get install redis-server)"
    port = _free_port()
    d = tempfile.mkdtemp(prefix="sg-redis-")
    proc = subprocess.Popen(
        [
            exe,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            d,
        ],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        if _redis_up(port):
            break
        time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/{REDIS_TEST_DB}"
    proc.terminate()
    proc.wait(10)


@pytest.fixture()
def redis_store(redis_url: str) -> Iterator[StateStore]:
    from stream.state.redis_store import RedisStore

    st = RedisStore.from_url(redis_url)
    st.r.flushdb()
    yield st
    st.r.flushdb()
    st.close()


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest) -> StateStore:
    """Every backend runs through the same tests."""
    if request.param == "memory":
        return MemoryStore()
    return request.getfixturevalue("redis_store")  # type: ignore[no-any-return]


@pytest.fixture()
def pipeline() -> Pipeline:
    return build_pipeline(load_settings(env={}))


@pytest.fixture(scope="session")
def ais_dir() -> Path:
    if not AIS_DIR.is_dir():
        pytest.skip(f"shared AIS recordings not found at {AIS_DIR} (set SEAGUARD_SHARED)")
    return AIS_DIR
