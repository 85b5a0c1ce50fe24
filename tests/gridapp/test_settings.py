"""Settings fail loudly: a wrong value stops Django from starting and names the variable.

Each case starts a fresh Python process, since settings are read once per process.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SETUP = "import django; from django.conf import settings; django.setup()"
REPORT = (
    SETUP + "; import json; print(json.dumps({"
    "'engine': settings.DATABASES['default']['ENGINE'], 'broker': settings.CELERY_BROKER_URL, "
    "'language': settings.LANGUAGE_CODE, 'time_zone': settings.TIME_ZONE, 'use_tz': settings.USE_TZ, "
    "'middleware': settings.MIDDLEWARE, 'debug': settings.DEBUG}))"
)
# Variables a developer's shell may hold that would change what a case checks.
CLEARED = (
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "ALLOWED_HOSTS",
    "GRIDAPP_PRODUCTION",
    "GRIDAPP_TRUSTED_PROXY_COUNT",
    "EMAIL_URL",
)


def start_django(tmp_path, code=SETUP, **env):
    """Run ``code`` in a new process with only ``env`` set of the variables gridapp reads."""
    environment = {k: v for k, v in os.environ.items() if k not in CLEARED}
    environment.update(DJANGO_SETTINGS_MODULE="gridapp.settings", GRIDAPP_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_django_starts_with_debug_on(tmp_path):
    result = start_django(tmp_path, DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_unknown_debug_value_stops_startup(tmp_path):
    result = start_django(tmp_path, DEBUG="maybe")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG must be one of" in result.stderr


def test_production_without_secret_key_stops_startup(tmp_path):
    result = start_django(tmp_path, DEBUG="false")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set" in result.stderr


def test_mysql_database_url_stops_startup(tmp_path):
    result = start_django(tmp_path, DEBUG="true", DATABASE_URL="mysql://x")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL must start with" in result.stderr


def test_amqp_broker_stops_startup(tmp_path):
    result = start_django(tmp_path, DEBUG="true", CELERY_BROKER_URL="amqp://x")
    assert result.returncode != 0
    assert "ImproperlyConfigured: CELERY_BROKER_URL must be" in result.stderr


def test_non_integer_page_size_stops_startup(tmp_path):
    result = start_django(tmp_path, DEBUG="true", GRIDAPP_PAGE_SIZE="fifty")
    assert result.returncode != 0
    assert "ImproperlyConfigured: GRIDAPP_PAGE_SIZE must be an integer" in result.stderr


@pytest.fixture(scope="module")
def defaults(tmp_path_factory):
    """The settings with nothing set but DEBUG=true."""
    result = start_django(tmp_path_factory.mktemp("var"), code=REPORT, DEBUG="true")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_default_database_is_sqlite(defaults):
    assert defaults["engine"] == "django.db.backends.sqlite3"


def test_default_broker_is_the_filesystem(defaults):
    assert defaults["broker"] == "filesystem://"


def test_language_is_simplified_chinese(defaults):
    assert defaults["language"] == "zh-hans"


def test_time_zone_is_shanghai_and_aware(defaults):
    assert (defaults["time_zone"], defaults["use_tz"]) == ("Asia/Shanghai", True)


def test_login_is_required_by_default(defaults):
    # Django's own, which also remembers a form sent after the session ended (docs/security.md).
    from django.contrib.auth.middleware import LoginRequiredMiddleware as Django

    from gridapp.accounts.middleware import LoginRequiredMiddleware

    assert "gridapp.accounts.middleware.LoginRequiredMiddleware" in defaults["middleware"]
    assert issubclass(LoginRequiredMiddleware, Django)


def test_a_visibility_timeout_shorter_than_the_retry_backoff_fails_the_checks(tmp_path):
    check = SETUP + "; from django.core.management import call_command; call_command('check')"
    result = start_django(
        tmp_path,
        check,
        DEBUG="true",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        CELERY_VISIBILITY_TIMEOUT="600",
    )
    assert result.returncode != 0
    assert "gridapp.E001" in result.stderr


def test_a_local_env_file_gives_defaults_that_the_environment_overrides(tmp_path, monkeypatch):
    """``make venv`` writes DEBUG=true to .env so manage.py works by hand in a checkout; a value
    set in the environment (a deployment's) always wins, and a malformed line stops start-up."""
    from gridapp.core.env import read_env_file

    env_file = tmp_path / ".env"
    env_file.write_text("# local\nGRIDAPP_TEST_A=from-file\n\nGRIDAPP_TEST_B = from-file\n", encoding="utf-8")
    monkeypatch.delenv("GRIDAPP_TEST_A", raising=False)
    monkeypatch.setenv("GRIDAPP_TEST_B", "from-environment")
    read_env_file(env_file)
    assert os.environ["GRIDAPP_TEST_A"] == "from-file"
    assert os.environ["GRIDAPP_TEST_B"] == "from-environment"
    monkeypatch.delenv("GRIDAPP_TEST_A")
    read_env_file(tmp_path / "missing.env")  # no file, no change
    env_file.write_text("DEBUG\n", encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match="NAME=value"):
        read_env_file(env_file)


def test_behind_pgbouncer_connections_close_and_server_side_cursors_are_off(tmp_path):
    code = SETUP + "; db = settings.DATABASES['default']; print(db['CONN_MAX_AGE'], db['DISABLE_SERVER_SIDE_CURSORS'])"
    url = "postgres://gridapp@127.0.0.1:6432/gridapp"
    pooled = start_django(tmp_path, code=code, DEBUG="true", DATABASE_URL=url, DB_CONN_MAX_AGE="0",
                          DB_DISABLE_SERVER_SIDE_CURSORS="true")  # fmt: skip
    assert pooled.stdout.split() == ["0", "True"], pooled.stderr
    direct = start_django(tmp_path, code=code, DEBUG="true", DATABASE_URL=url)
    assert direct.stdout.split() == ["60", "False"], direct.stderr
