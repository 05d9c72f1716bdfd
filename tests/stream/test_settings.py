import re
from pathlib import Path

import pytest

from stream.errors import ConfigError
from stream.settings import Secret, load_settings


def test_precedence_cli_over_env_over_file_over_defaults(tmp_path: Path) -> None:
    f = tmp_path / "s.toml"
    f.write_text(
        '[kafka]\ngroup_id = "from-file"\ninput_topic = "file.topic"\n'
        "[detectors.ais_gap]\nmin_gap_s = 600\n"
    )
    s = load_settings(f, env={"SEAGUARD_GROUP_ID": "from-env"}, alert_topic="from-cli")
    assert s.group_id == "from-env" and s.input_topic == "file.topic"
    assert s.alert_topic == "from-cli" and s.dlq_topic == "ais.positions.dlq"  # default
    assert s.detector_params["ais_gap"] == {"min_gap_s": 600}
    assert load_settings(env={}).group_id == "seaguard"


def test_secrets_are_masked_and_passed_through() -> None:
    s = load_settings(
        env={
            "SEAGUARD_SASL_PASSWORD": "hunter2",
            "SEAGUARD_REDIS_URL": "rediss://:pw@redis:6380/0",
            "SEAGUARD_SECURITY_PROTOCOL": "SASL_SSL",
            "SEAGUARD_SASL_MECHANISM": "SCRAM-SHA-512",
            "SEAGUARD_SASL_USERNAME": "seaguard",
            "SEAGUARD_SSL_CAFILE": "/etc/ca.pem",
        }
    )
    assert isinstance(s.sasl_password, Secret)
    text = repr(s) + str(s.safe_dict())
    assert "hunter2" not in text and ":pw@" not in text
    kw = s.kafka_security()
    assert kw == {
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "seaguard",
        "sasl_plain_password": "hunter2",
        "ssl_cafile": "/etc/ca.pem",
    }
    assert s.redis_url.get().startswith("rediss://")


def test_bad_settings_are_clear_errors(tmp_path: Path) -> None:
    f = tmp_path / "bad.toml"
    f.write_text("[nonsense]\nx = 1\n")
    with pytest.raises(ConfigError, match="unknown settings section"):
        load_settings(f, env={})
    f.write_text("[kafka\n")
    with pytest.raises(ConfigError, match=r"bad\.toml"):
        load_settings(f, env={})
    with pytest.raises(ConfigError, match="not valid"):
        load_settings(env={"SEAGUARD_HTTP_PORT": "eighty"})


def test_unknown_detector_parameter_is_rejected(tmp_path: Path) -> None:
    from detectors.registry import build_detectors

    with pytest.raises(ConfigError, match="unknown parameters"):
        build_detectors(["ais_gap"], {"ais_gap": {"min_gap_hours": 3}})


def test_help_shows_no_secret_flag() -> None:
    import subprocess
    import sys

    r = subprocess.run(
        [sys.executable, "-m", "stream", "run", "--help"],
        capture_output=True,
        text=True,
        env={"SEAGUARD_SASL_PASSWORD": "hunter2", "PATH": ""},
    )
    assert r.returncode == 0 and "hunter2" not in r.stdout and "--redis-url" not in r.stdout


def test_docker_compose_has_kafka_redis_two_instances_and_publisher() -> None:
    yaml = pytest.importorskip("yaml")
    doc = yaml.safe_load((Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text())
    svc = doc["services"]
    assert {"kafka", "redis", "topics", "seaguard-1", "seaguard-2", "publisher"} <= set(svc)
    assert svc["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"  # KRaft
    for name in ("seaguard-1", "seaguard-2"):
        assert svc[name]["environment"]["SEAGUARD_GROUP_ID"] == "seaguard"
        assert svc[name]["environment"]["SEAGUARD_STATE_BACKEND"] == "redis"
    # a listener the host can use, on loopback only
    assert "EXTERNAL://127.0.0.1:9094" in svc["kafka"]["environment"]["KAFKA_ADVERTISED_LISTENERS"]
    assert svc["kafka"]["ports"] == ["127.0.0.1:9094:9094"]
    # every long-running service has a healthcheck; ports only on loopback
    for name in ("kafka", "redis", "seaguard-1", "seaguard-2", "map"):
        assert "healthcheck" in svc[name], name
        assert all(p.startswith("127.0.0.1:") for p in svc[name].get("ports", [])), name
    # images pinned to an exact version, the Dockerfile's base too
    for name, s in svc.items():
        if "image" in s:
            assert re.fullmatch(r"[\w./-]+:\d+\.\d+\.\d+[\w.-]*", s["image"]), name
    base = (Path(__file__).resolve().parents[2] / "Dockerfile").read_text().split()[1]
    assert re.fullmatch(r"python:\d+\.\d+\.\d+-[\w-]+", base), base


@pytest.mark.parametrize(
    ("override", "says"),
    [
        ({"state_backend": "redsi"}, "state_backend"),
        ({"security_protocol": "bogus"}, "security_protocol"),
        ({"sasl_mechanism": "nope"}, "sasl_mechanism"),
        ({"max_poll_records": "0"}, "max_poll_records"),
        ({"session_timeout_ms": "-5"}, "session_timeout_ms"),
        ({"http_port": "70000"}, "http_port"),
        ({"redis_url": "redis://127.0.0.1:99999/0"}, "redis_url"),
        ({"redis_url": "http://127.0.0.1:6379/0"}, "redis_url"),
        ({"redis_url": "redis://127.0.0.1:6379/notadb"}, "redis_url"),
        ({"enabled_detectors": "loitering,ais-gap"}, "ais-gap"),
    ],
)
def test_wrong_values_are_refused_before_anything_connects(
    override: dict[str, str], says: str
) -> None:
    with pytest.raises(ConfigError, match=says):
        load_settings(env={}, **override)


def test_enumerations_are_case_insensitive_and_never_fall_back() -> None:
    s = load_settings(env={}, security_protocol="ssl", state_backend="Redis")
    assert s.security_protocol == "SSL" and s.state_backend == "redis"


def test_a_typo_in_the_config_file_is_exit_2_with_one_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    cfg = tmp_path / "bad.toml"
    cfg.write_text('[state]\nbackend = "redsi"\n')
    r = subprocess.run(
        [sys.executable, "-m", "stream", "run", "--config", str(cfg)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "state_backend" in r.stderr and "memory, redis" in r.stderr


@pytest.mark.parametrize(
    ("table", "says"),
    [
        ('[detectors.ais_gap]\nmin_gap_s = "two hours"\n', "min_gap_s"),
        ("[detectors.loitering]\nmax_speed_kn = true\n", "max_speed_kn"),
    ],
)
def test_detector_parameters_are_typed(tmp_path: Path, table: str, says: str) -> None:
    from stream.app import build_pipeline

    cfg = tmp_path / "c.toml"
    cfg.write_text(table)
    with pytest.raises(ConfigError, match=says):
        build_pipeline(load_settings(cfg, env={}))


def test_detector_parameters_must_serialise_with_every_alert() -> None:
    import dataclasses

    from detectors.registry import DETECTORS, _check_json

    cls = DETECTORS["ais_gap"]
    bad = dataclasses.replace(cls.default_params(), min_gap_s=frozenset({1}))
    with pytest.raises(ConfigError, match="JSON"):
        _check_json(cls(bad))


def test_every_registered_detector_runs_by_default_in_registry_order() -> None:
    from detectors.registry import DETECTORS
    from stream.app import build_pipeline

    pl = build_pipeline(load_settings(env={}))
    assert [d.name for d in pl.detectors] == list(DETECTORS)


@pytest.mark.parametrize("command", ["run", "demo"])
def test_no_command_takes_a_secret_as_a_flag(command: str) -> None:
    """Flags show in ps: the Redis URL (it may hold a password) comes from the environment
    or a settings file only."""
    import subprocess
    import sys

    r = subprocess.run(
        [sys.executable, "-m", "stream", command, "--redis-url", "redis://:pw@h:6379/0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2 and "unrecognized arguments: --redis-url" in r.stderr
