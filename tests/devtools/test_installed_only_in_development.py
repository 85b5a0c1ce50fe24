"""A production install (DEBUG off) does not have the devtools at all: no seed_demo, no
benchmarks. GRIDAPP_DEVTOOLS=true brings them in, and seed_demo still refuses without its flag.

Each case runs manage.py in a fresh process with production's environment, as
tests/security/test_production.py does.
"""

import subprocess
import sys

from tests.gridapp.test_settings import PROJECT_ROOT
from tests.security.test_production import production_process_env

DEVTOOLS_COMMANDS = ("seed_demo", "bench_checkins", "bench_import")


def manage(tmp_path, *args, **env):
    environment = production_process_env(tmp_path)
    environment.pop("GRIDAPP_DEVTOOLS", None)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_lists_no_devtools_command(tmp_path):
    result = manage(tmp_path, "help", "--commands")
    assert result.returncode == 0, result.stderr
    commands = result.stdout.split()
    assert "migrate" in commands
    for command in DEVTOOLS_COMMANDS:
        assert command not in commands


def test_production_does_not_know_seed_demo(tmp_path):
    result = manage(tmp_path, "seed_demo")
    assert result.returncode == 1
    assert "Unknown command: 'seed_demo'" in result.stderr


def test_devtools_asked_for_in_production_lists_seed_demo_and_the_benchmarks(tmp_path):
    result = manage(tmp_path, "help", "--commands", GRIDAPP_DEVTOOLS="true")
    assert result.returncode == 0, result.stderr
    commands = result.stdout.split()
    for command in DEVTOOLS_COMMANDS:
        assert command in commands


def test_devtools_asked_for_in_production_seed_demo_refuses_without_the_flag(tmp_path):
    result = manage(tmp_path, "seed_demo", GRIDAPP_DEVTOOLS="true")
    assert result.returncode == 1
    assert "refuses to run with DEBUG off" in result.stderr
    assert "--allow-without-debug" in result.stderr
