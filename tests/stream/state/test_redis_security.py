"""Redis AUTH and TLS (rediss://) against real redis-server processes started here."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from stream.errors import StateError
from stream.settings import load_settings
from stream.state.redis_store import RedisStore


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(*args: str) -> subprocess.Popen[bytes]:
    exe = shutil.which("redis-server")
    assert exe, "redis-server binary needed"
    p = subprocess.Popen(
        [exe, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(0.3)
    return p


def test_redis_auth_password_from_the_url() -> None:
    port = _port()
    p = _serve("--port", str(port), "--requirepass", "s3cret")
    try:
        good = load_settings(env={"SEAGUARD_REDIS_URL": f"redis://:s3cret@127.0.0.1:{port}/0"})
        st = RedisStore.from_url(good.redis_url.get())
        st.set("k", b"v")
        assert st.get("k") == b"v"
        assert "s3cret" not in str(good.safe_dict())
        bad = RedisStore.from_url(f"redis://:wrong@127.0.0.1:{port}/0")
        with pytest.raises(StateError):
            bad.get("k")
    finally:
        p.terminate()
        p.wait(10)


def test_rediss_tls() -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl not installed: cannot make a test certificate")
    d = Path(tempfile.mkdtemp(prefix="sg-tls-"))
    subj = "/CN=127.0.0.1"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(d / "key.pem"),
            "-out",
            str(d / "cert.pem"),
            "-subj",
            subj,
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    port = _port()
    p = _serve(
        "--port",
        "0",
        "--tls-port",
        str(port),
        "--tls-cert-file",
        str(d / "cert.pem"),
        "--tls-key-file",
        str(d / "key.pem"),
        "--tls-ca-cert-file",
        str(d / "cert.pem"),
        "--tls-auth-clients",
        "no",
    )
    try:
        if p.poll() is not None:
            pytest.fail("this redis-server has no TLS support")
        url = f"rediss://127.0.0.1:{port}/0?ssl_ca_certs={d / 'cert.pem'}&ssl_cert_reqs=required"
        st = RedisStore.from_url(url)
        st.set("k", b"v")
        assert st.get("k") == b"v"
    finally:
        p.terminate()
        p.wait(10)
        shutil.rmtree(d, ignore_errors=True)
