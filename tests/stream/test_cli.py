import json
import pathlib
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


def test_a_missing_extra_is_named_with_its_pip_command(tmp_path: pathlib.Path) -> None:
    """`zones map` without the [map] extra (matplotlib): one line saying what to install."""
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"  # as if it were not installed
        "from stream.cli import main\n"
        f"raise SystemExit(main(['zones', 'map', '--out', {str(tmp_path / 'z.png')!r}]))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == [
        "seaguard: this needs matplotlib: pip install 'seaguard[map]'"
    ]


def test_every_option_of_every_command_has_help_text() -> None:
    import argparse

    from stream.cli import build_parser

    missing = []
    parsers = [("seaguard", build_parser())]
    while parsers:
        name, p = parsers.pop()
        for a in p._actions:
            if isinstance(a, argparse._SubParsersAction):
                parsers += [(f"{name} {n}", sp) for n, sp in a.choices.items()]
            elif not a.help and a.dest != "help":
                missing.append(f"{name} {'/'.join(a.option_strings) or a.dest}")
    assert missing == []
