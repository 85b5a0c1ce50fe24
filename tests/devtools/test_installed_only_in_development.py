"""A production install (DEBUG off) does not have the devtools at all: no seed_demo, no
benchmarks. GRIDAPP_DEVTOOLS=true brings them in, and seed_demo still refuses without its flag.

Each case runs manage.py in a fresh process with production's environment
(tests/security/test_production.py).
"""

import pytest

from tests.gridapp.test_settings import start_django
from tests.security.test_production import production_env

DEVTOOLS_COMMANDS = ("seed_demo", "generate_world", "bench_checkins", "bench_import", "bench_pages")


@pytest.fixture(autouse=True)
def devtools_not_asked_for(monkeypatch):
    monkeypatch.delenv("GRIDAPP_DEVTOOLS", raising=False)


def manage(tmp_path, *args, **env):
    """``manage.py args`` in a fresh process with production's environment and ``env``."""
    argv = ["manage.py", *args]
    code = f"from django.core.management import execute_from_command_line; execute_from_command_line({argv!r})"
    return start_django(tmp_path, code, **production_env(), **env)


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
