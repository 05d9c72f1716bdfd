import json
import subprocess
import sys


def sg(*a: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stream", *a], capture_output=True, text=True, timeout=120
    )


def test_version_and_help_for_every_command() -> None:
    r = sg("--version")
    assert r.returncode == 0 and r.stdout.startswith("seaguard ")
    for cmd in ("replay", "simulate", "evaluate", "zones", "demo", "run"):
        r = sg(cmd, "--help")
        assert r.returncode == 0 and "usage: seaguard" in r.stdout, cmd
    assert "Exit codes" in sg("--help").stdout
    assert sg("nonsense").returncode == 2


def test_json_logs(tmp_path: object) -> None:
    r = sg(
        "--log-format", "json", "--log-level", "INFO", "zones", "--zones", "/nonexistent", "list"
    )
    assert r.returncode == 2 and "no such file or folder" in r.stderr
    r = sg("--log-format", "json", "--log-level", "DEBUG", "zones", "list")
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("{")]
    assert lines and all({"ts", "level", "logger", "msg"} <= json.loads(ln).keys() for ln in lines)
