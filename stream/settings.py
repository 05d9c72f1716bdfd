"""One settings object. Precedence: CLI flags > environment > --config TOML > defaults.

Environment variables (each field, upper-cased, prefixed ``SEAGUARD_``):
  SEAGUARD_BOOTSTRAP_SERVERS, SEAGUARD_INPUT_TOPIC, SEAGUARD_NMEA_TOPIC, SEAGUARD_ALERT_TOPIC,
  SEAGUARD_DLQ_TOPIC, SEAGUARD_GROUP_ID, SEAGUARD_SECURITY_PROTOCOL, SEAGUARD_SASL_MECHANISM,
  SEAGUARD_SASL_USERNAME, SEAGUARD_SASL_PASSWORD (secret), SEAGUARD_SSL_CAFILE,
  SEAGUARD_SSL_CERTFILE, SEAGUARD_SSL_KEYFILE, SEAGUARD_SESSION_TIMEOUT_MS,
  SEAGUARD_HEARTBEAT_INTERVAL_MS, SEAGUARD_MAX_POLL_RECORDS, SEAGUARD_POLL_TIMEOUT_MS,
  SEAGUARD_STATE_BACKEND, SEAGUARD_REDIS_URL (secret: may hold a password),
  SEAGUARD_STATE_TTL_S, SEAGUARD_HTTP_HOST, SEAGUARD_HTTP_PORT, SEAGUARD_IDLE_WATERMARK_MS,
  SEAGUARD_IDENTITY_FEED, SEAGUARD_MAX_FUTURE_MS, SEAGUARD_ZONES.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from config import path as config_path
from stream.errors import ConfigError
from stream.timeutil import MAX_FUTURE_MS

__all__ = ["Secret", "Settings", "load_settings", "validate"]


class Secret:
    """A string that never shows itself in logs, reprs or tracebacks."""

    __slots__ = ("_v",)

    def __init__(self, value: str) -> None:
        self._v = value

    def get(self) -> str:
        return self._v

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._v == self._v

    def __hash__(self) -> int:
        return hash(self._v)


_SECTIONS = {"kafka", "state", "service"}
_RENAME = {("state", "backend"): "state_backend", ("state", "ttl_s"): "state_ttl_s"}
SECRET_FIELDS = frozenset({"sasl_password", "redis_url"})


@dataclass(frozen=True)
class Settings:
    bootstrap_servers: str = "127.0.0.1:9092"
    input_topic: str = "ais.positions"
    nmea_topic: str = "ais.nmea"
    alert_topic: str = "seaguard.alerts"
    dlq_topic: str = "ais.positions.dlq"
    group_id: str = "seaguard"
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str | None = None
    sasl_username: str | None = None
    sasl_password: Secret | None = None
    ssl_cafile: str | None = None
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None
    session_timeout_ms: int = 6000
    heartbeat_interval_ms: int = 2000
    max_poll_records: int = 5000
    poll_timeout_ms: int = 500
    state_backend: str = "memory"
    redis_url: Secret = field(default_factory=lambda: Secret("redis://127.0.0.1:6379/0"))
    state_ttl_s: int = 604800
    http_host: str = "127.0.0.1"
    http_port: int = 0
    idle_watermark_ms: int = 5000
    # Whether the input carries static reports (names, types): False for anonymised or
    # position-only feeds, whose vessels are then of unknown identity rather than
    # unidentified craft. Replay also turns it off for inputs without any static report.
    identity_feed: bool = True
    # Records stamped further ahead of the wall clock than this are dead-lettered
    # (ts_in_future) instead of moving event time (stream.timeutil.MAX_FUTURE_MS: why).
    max_future_ms: int = MAX_FUTURE_MS
    zones: str | None = None
    enabled_detectors: tuple[str, ...] = ()
    detector_params: dict[str, dict[str, Any]] = field(default_factory=dict)

    def kafka_security(self) -> dict[str, Any]:
        """Keyword arguments for kafka-python clients (SASL/SSL passed through)."""
        kw: dict[str, Any] = {"security_protocol": self.security_protocol}
        if self.sasl_mechanism:
            kw["sasl_mechanism"] = self.sasl_mechanism
            kw["sasl_plain_username"] = self.sasl_username
            kw["sasl_plain_password"] = self.sasl_password.get() if self.sasl_password else None
        for k in ("ssl_cafile", "ssl_certfile", "ssl_keyfile"):
            if getattr(self, k):
                kw[k] = getattr(self, k)
        return kw

    def safe_dict(self) -> dict[str, Any]:
        """For logs: secrets masked."""
        return {
            f.name: (
                "***"
                if f.name in SECRET_FIELDS and getattr(self, f.name)
                else getattr(self, f.name)
            )
            for f in dataclasses.fields(self)
        }


def _coerce(name: str, value: Any) -> Any:
    f = {x.name: x for x in dataclasses.fields(Settings)}.get(name)
    if f is None:
        raise ConfigError(f"unknown setting {name!r}")
    if name in SECRET_FIELDS:
        return value if isinstance(value, Secret) else Secret(str(value))
    t = str(f.type)
    try:
        if t.startswith("int"):
            return int(value)
        if t.startswith("bool"):
            return _bool(value)
        if t.startswith("tuple"):
            return tuple(value.split(",")) if isinstance(value, str) else tuple(value)
    except (TypeError, ValueError):
        raise ConfigError(f"setting {name}: {value!r} is not valid for {t}") from None
    return value


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in ("1", "true", "yes", "on"):
        return True
    if word in ("0", "false", "no", "off"):
        return False
    raise ValueError(value)


def _flatten(doc: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for sec, body in doc.items():
        if sec == "detectors" and isinstance(body, dict):
            if "enabled" in body:
                out["enabled_detectors"] = tuple(body["enabled"])
            out["detector_params"] = {k: v for k, v in body.items() if isinstance(v, dict)}
        elif sec in _SECTIONS and isinstance(body, dict):
            for k, v in body.items():
                out[_RENAME.get((sec, k)) or k] = v
        elif sec == "zones":
            out["zones"] = body
        else:
            raise ConfigError(f"unknown settings section [{sec}]")
    return out


def _read_toml(p: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(p.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{p}: {exc}") from None


def load_settings(
    config_file: str | Path | None = None, env: dict[str, str] | None = None, **overrides: Any
) -> Settings:
    env = dict(os.environ) if env is None else env
    values = _flatten(_read_toml(config_path("defaults.toml")))
    if config_file:
        user = _flatten(_read_toml(Path(config_file)))
        params = dict(values.get("detector_params", {}))
        for k, v in user.pop("detector_params", {}).items():
            params[k] = {**params.get(k, {}), **v}
        values.update(user)
        values["detector_params"] = params
    for f in dataclasses.fields(Settings):
        ev: str | None = env.get(f"SEAGUARD_{f.name.upper()}")
        if ev is not None and f.name not in ("detector_params",):
            values[f.name] = ev
    values.update({k: v for k, v in overrides.items() if v is not None})
    return validate(Settings(**{k: _coerce(k, v) for k, v in values.items()}))


_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
_SASL = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER", "GSSAPI")
_BACKENDS = ("memory", "redis")


def _one_of(key: str, value: str, allowed: tuple[str, ...], fold: Any) -> str:
    """``value`` matched case-insensitively (as Kafka's enumerations are) to ``allowed``."""
    got = fold(str(value).strip())
    if got not in allowed:
        raise ConfigError(f"setting {key}: {value!r} is not one of {', '.join(allowed)}")
    return str(got)


def _in_range(key: str, value: int, low: int, high: int | None = None) -> None:
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ConfigError(f"setting {key}: {value} must be {bound}")


def _check_redis_url(url: str) -> None:
    """Scheme, port and database index of a Redis URL, checked before anything connects
    (the URL itself is a secret: never repeated in the message)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ConfigError("setting redis_url: not a valid URL (port or host)") from None
    if parts.scheme not in ("redis", "rediss", "unix"):
        raise ConfigError(
            f"setting redis_url: scheme {parts.scheme!r} is not redis://, rediss:// or unix://"
        )
    if parts.scheme != "unix" and not parts.hostname:
        raise ConfigError("setting redis_url: no host")
    if port is not None:
        _in_range("redis_url port", port, 1, 65535)
    db = parts.path.strip("/")
    if parts.scheme != "unix" and db and not db.isdigit():
        raise ConfigError(f"setting redis_url: database {db!r} is not a number")


def validate(s: Settings) -> Settings:
    """Every value checked, enumerations normalised, before anything connects: a wrong
    value is a ConfigError naming the key and what it may be - never a silent fallback to
    plaintext or to memory state."""
    from detectors.registry import DETECTORS

    unknown = [n for n in s.enabled_detectors if n not in DETECTORS]
    if unknown:
        raise ConfigError(
            f"[detectors] enabled: unknown {unknown}; known: {', '.join(sorted(DETECTORS))}"
        )
    _in_range("session_timeout_ms", s.session_timeout_ms, 1)
    _in_range("heartbeat_interval_ms", s.heartbeat_interval_ms, 1, s.session_timeout_ms - 1)
    _in_range("max_poll_records", s.max_poll_records, 1)
    _in_range("poll_timeout_ms", s.poll_timeout_ms, 0)
    _in_range("state_ttl_s", s.state_ttl_s, 1)
    _in_range("http_port", s.http_port, 0, 65535)
    _in_range("idle_watermark_ms", s.idle_watermark_ms, 0)
    _in_range("max_future_ms", s.max_future_ms, 0)
    _check_redis_url(s.redis_url.get())
    return dataclasses.replace(
        s,
        security_protocol=_one_of("security_protocol", s.security_protocol, _PROTOCOLS, str.upper),
        sasl_mechanism=None
        if s.sasl_mechanism is None
        else _one_of("sasl_mechanism", s.sasl_mechanism, _SASL, str.upper),
        state_backend=_one_of("state_backend", s.state_backend, _BACKENDS, str.lower),
    )
