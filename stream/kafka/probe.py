"""A start-up probe that speaks just enough of the Kafka protocol to fail fast and clearly.

kafka-python retries an address that is not a usable broker for about 30 s and then raises.
Before any client is built, this probe connects to each bootstrap address and, on a
plaintext listener, sends ApiVersions v0 (the first request every client sends, allowed
before authentication: KIP-35, KIP-43) and, when SASL is configured, SaslHandshake v1.
The wire format is the one in the Kafka protocol guide: a 4-byte big-endian size, then
api_key, api_version, correlation_id and client_id in the request header.
"""

from __future__ import annotations

import socket
import struct

from stream.errors import BrokerUnreachable

__all__ = ["PROBE_TIMEOUT_S", "probe_broker"]

PROBE_TIMEOUT_S = 3.0  # per address: a broker on a LAN answers in milliseconds
API_VERSIONS, SASL_HANDSHAKE = 18, 17
ERROR_UNSUPPORTED_SASL_MECHANISM, ERROR_ILLEGAL_SASL_STATE = 33, 34
_CORRELATION_ID = 0x5EA6


def _request(api_key: int, api_version: int, body: bytes = b"") -> bytes:
    client = b"seaguard-probe"
    header = struct.pack(">hhih", api_key, api_version, _CORRELATION_ID, len(client)) + client
    msg = header + body
    return struct.pack(">i", len(msg)) + msg


def _read_exact(sock: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        got = sock.recv(n - len(buf))
        if not got:
            raise ConnectionError("the connection was closed")
        buf += got
    return buf


def _response(sock: socket.socket) -> bytes:
    """One response's body after its correlation id; ConnectionError if it is not one."""
    (size,) = struct.unpack(">i", _read_exact(sock, 4))
    if not 4 <= size <= 1 << 20:
        raise ConnectionError(f"a {size}-byte reply is not a Kafka response")
    payload = _read_exact(sock, size)
    if struct.unpack(">i", payload[:4])[0] != _CORRELATION_ID:
        raise ConnectionError("the reply's correlation id is not the request's")
    return payload[4:]


def _api_keys(body: bytes) -> set[int]:
    """The api keys an ApiVersions v0 response lists (error_code, then [key, min, max])."""
    error, count = struct.unpack(">hi", body[:6])
    if error != 0 or not 0 <= count <= 1000 or len(body) < 6 + 6 * count:
        raise ConnectionError(f"ApiVersions answered error {error}")
    return {struct.unpack(">h", body[6 + 6 * i : 8 + 6 * i])[0] for i in range(count)}


def _sasl_problem(sock: socket.socket, keys: set[int], mechanism: str) -> str | None:
    if SASL_HANDSHAKE not in keys:
        return "the broker does not offer SASL authentication"
    name = mechanism.encode()
    sock.sendall(_request(SASL_HANDSHAKE, 1, struct.pack(">h", len(name)) + name))
    (error,) = struct.unpack(">h", _response(sock)[:2])
    if error == ERROR_UNSUPPORTED_SASL_MECHANISM:
        return f"the broker does not offer SASL mechanism {mechanism}"
    if error == ERROR_ILLEGAL_SASL_STATE:
        return "this listener does not use SASL (is security_protocol right?)"
    return None if error == 0 else f"SaslHandshake answered error {error}"


def _probe_one(host: str, port: int, protocol: str, sasl_mechanism: str | None) -> str | None:
    """None when the address looks like a usable broker, else why not."""
    with socket.create_connection((host, port), PROBE_TIMEOUT_S) as sock:
        if protocol not in ("PLAINTEXT", "SASL_PLAINTEXT"):
            return None  # a TLS listener: the TCP connection is all a plain probe can check
        sock.settimeout(PROBE_TIMEOUT_S)
        try:
            sock.sendall(_request(API_VERSIONS, 0))
            keys = _api_keys(_response(sock))
            if protocol == "SASL_PLAINTEXT" and sasl_mechanism:
                return _sasl_problem(sock, keys, sasl_mechanism)
        except TimeoutError:
            return f"no Kafka reply within {PROBE_TIMEOUT_S:g} s (not a Kafka broker, or TLS?)"
        except (ConnectionError, struct.error) as exc:
            return f"not a Kafka broker ({exc or 'unreadable reply'})"
    return None


def probe_broker(bootstrap_servers: str, protocol: str, sasl_mechanism: str | None) -> None:
    """Return when some bootstrap address answers as a Kafka broker would; otherwise raise
    BrokerUnreachable naming each address and what went wrong there."""
    tried = []
    for addr in bootstrap_servers.split(","):
        host, _, port = addr.strip().rpartition(":")
        try:
            problem = _probe_one(host.strip("[]"), int(port), protocol, sasl_mechanism)
        except (OSError, ValueError) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            problem = why or type(exc).__name__
        if problem is None:
            return
        tried.append(f"{addr.strip()}: {problem}")
    raise BrokerUnreachable(
        f"no Kafka broker reachable ({'; '.join(tried)}); "
        "check --bootstrap-servers or SEAGUARD_BOOTSTRAP_SERVERS and the security settings"
    )
