"""The production run mode: start-up refusals naming the variable, the proxy header only behind a
proxy, e-mail from EMAIL_URL, JSON logs, the queues and their processes, and a settings checklist
that the docs, the example env file and check --deploy agree on.

Settings are read once per process, so each case starts a fresh one (tests/gridapp/test_settings.py).
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gridapp.celery import app
from tests.gridapp.test_settings import PROJECT_ROOT, SETUP, start_django
from tests.security.test_production import deployment_env, production_env, production_process_env

DOCS = PROJECT_ROOT / "docs" / "operations.md"


def report(*names):
    return (
        SETUP + f"; import json; print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}, default=str))"
    )


def settings_of(tmp_path, *names, **env):
    result = start_django(tmp_path, report(*names), **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- refusals -----------------------------------------------------------------------------------


def test_production_with_debug_on_stops_startup_naming_debug(tmp_path):
    result = start_django(tmp_path, **{**production_env(), "DEBUG": "true"}, GRIDAPP_PRODUCTION="true")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG must be off in production" in result.stderr


def test_production_without_allowed_hosts_stops_startup_naming_it(tmp_path):
    env = {**production_env(), "ALLOWED_HOSTS": ""}
    result = start_django(tmp_path, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: ALLOWED_HOSTS must be set when DEBUG is off" in result.stderr


def test_production_without_a_secret_key_stops_startup_naming_it(tmp_path):
    env = {key: value for key, value in production_env().items() if key != "SECRET_KEY"}
    result = start_django(tmp_path, **env, GRIDAPP_PRODUCTION="true")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set" in result.stderr


def test_gunicorn_is_always_production_and_refuses_debug(tmp_path):
    """gunicorn.conf.py sets GRIDAPP_PRODUCTION: the worker does not boot with DEBUG on."""
    env = production_process_env(tmp_path, {**production_env(), "DEBUG": "true", "GRIDAPP_BIND": "127.0.0.1:0"})
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = subprocess.run(
        [str(gunicorn), "--config", "gunicorn.conf.py", "--workers", "1"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr


# --- the proxy ----------------------------------------------------------------------------------


def test_without_a_proxy_the_forwarded_proto_header_is_not_trusted(tmp_path):
    env = {key: value for key, value in production_env().items() if key != "GRIDAPP_TRUSTED_PROXY_COUNT"}
    assert settings_of(tmp_path, "SECURE_PROXY_SSL_HEADER", **env) == {"SECURE_PROXY_SSL_HEADER": None}


def test_behind_a_proxy_it_says_whether_the_request_came_over_https(tmp_path):
    found = settings_of(tmp_path, "SECURE_PROXY_SSL_HEADER", **production_env())
    assert found == {"SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"]}


def test_without_a_proxy_a_forged_https_header_is_redirected(client, settings, db):
    settings.SECURE_SSL_REDIRECT, settings.SECURE_PROXY_SSL_HEADER = True, None
    response = client.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 301 and response["Location"].startswith("https://")


# --- e-mail -------------------------------------------------------------------------------------

EMAIL = ("EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD")
EMAIL += ("EMAIL_USE_SSL", "EMAIL_USE_TLS", "EMAIL_TIMEOUT")


def test_email_url_configures_smtp_with_ssl_and_a_timeout(tmp_path):
    url = "smtp://gridapp%40example.cn:p%40ss%3Aword@smtp.exmail.qq.com:465/?ssl=true&timeout=7"
    assert settings_of(tmp_path, *EMAIL, DEBUG="true", EMAIL_URL=url) == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.exmail.qq.com",
        "EMAIL_PORT": 465,
        "EMAIL_HOST_USER": "gridapp@example.cn",
        "EMAIL_HOST_PASSWORD": "p@ss:word",
        "EMAIL_USE_SSL": True,
        "EMAIL_USE_TLS": False,
        "EMAIL_TIMEOUT": 7,
    }


def test_submission_is_starttls_on_587_with_the_password_from_its_own_variable(tmp_path):
    found = settings_of(
        tmp_path, *EMAIL, DEBUG="true", EMAIL_URL="submission://wu@mail.example.cn", EMAIL_HOST_PASSWORD="秘密#1"
    )
    assert (found["EMAIL_PORT"], found["EMAIL_USE_TLS"], found["EMAIL_USE_SSL"]) == (587, True, False)
    assert (found["EMAIL_HOST_USER"], found["EMAIL_HOST_PASSWORD"], found["EMAIL_TIMEOUT"]) == ("wu", "秘密#1", 10)


def test_without_email_url_mail_goes_to_the_console(tmp_path):
    found = settings_of(tmp_path, "EMAIL_BACKEND", "EMAIL_TIMEOUT", DEBUG="true")
    assert found == {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend", "EMAIL_TIMEOUT": 10}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("smtp://wu:s3cret-pass@mail.example.cn:notaport/", "EMAIL_URL cannot be parsed"),
        ("smtp://wu:s3cret-pass@mail.example.cn/?timeout=soon", "EMAIL_URL cannot be parsed"),
        ("imap://wu:s3cret-pass@mail.example.cn/", "EMAIL_URL must start with one of smtp, submission"),
    ],
)
def test_a_bad_email_url_stops_startup_without_repeating_the_password(tmp_path, url, message):
    result = start_django(tmp_path, DEBUG="true", EMAIL_URL=url)
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {message}" in result.stderr
    assert "s3cret-pass" not in result.stderr


def test_a_timeout_below_one_second_stops_startup(tmp_path):
    result = start_django(tmp_path, DEBUG="true", EMAIL_TIMEOUT="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured: EMAIL_TIMEOUT must be at least 1" in result.stderr


# --- logs ---------------------------------------------------------------------------------------


def test_production_logs_json_and_development_plain_text(tmp_path):
    code = SETUP + "; print(settings.LOGGING['handlers']['console']['formatter'])"
    production = start_django(tmp_path, code, **production_env())
    development = start_django(tmp_path, code, DEBUG="true")
    assert production.stdout.split()[-1] == "json", production.stderr
    assert development.stdout.split()[-1] == "plain", development.stderr


def test_an_unknown_log_format_stops_startup(tmp_path):
    result = start_django(tmp_path, DEBUG="true", GRIDAPP_LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "ImproperlyConfigured: GRIDAPP_LOG_FORMAT must be json or plain" in result.stderr


# --- queues and processes -----------------------------------------------------------------------


def test_imports_go_to_their_own_queue_and_everything_else_to_the_default():
    def queue_of(task_name):
        return app.amqp.router.route({}, task_name)["queue"].name

    assert queue_of("gridapp.imports.check") == queue_of("gridapp.imports.commit") == "imports"
    for task in ("gridapp.tasks.deliver", "gridapp.tasks.heartbeat", "visits.tasks.sweep_checkins"):
        assert queue_of(task) == "celery"


def procfile():
    lines = (PROJECT_ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip() and not line.startswith("#"))


def _queues(command):
    return set(re.search(r"--queues=(\S+)", command).group(1).split(","))


def test_the_procfile_runs_gunicorn_a_worker_per_queue_and_exactly_one_beat():
    processes = procfile()
    assert processes["web"].startswith("gunicorn --config gunicorn.conf.py")
    workers = [command for command in processes.values() if " worker " in command]
    assert sorted(sorted(_queues(command)) for command in workers) == [["celery"], ["imports"]]
    assert sum(" beat" in command for command in processes.values()) == 1


def test_the_systemd_units_run_the_same_processes():
    units = {path.stem: path.read_text() for path in (PROJECT_ROOT / "deploy" / "systemd").glob("*.service")}
    assert set(units) == {"gridapp-web", "gridapp-worker", "gridapp-imports", "gridapp-beat"}
    assert _queues(units["gridapp-worker"]) == {"celery"} and _queues(units["gridapp-imports"]) == {"imports"}
    assert sum(" beat " in unit for unit in units.values()) == 1
    for unit in units.values():
        assert "EnvironmentFile=/etc/gridapp/gridapp.env" in unit
        assert "Environment=GRIDAPP_PRODUCTION=true" in unit


def test_development_keeps_one_worker_for_both_queues():
    assert "--queues=celery,imports" in (PROJECT_ROOT / "bin" / "run-all").read_text()


# --- the checklist ------------------------------------------------------------------------------


def checklist_in_docs():
    section = DOCS.read_text().split("### Settings checklist", 1)[1].split("\n### ", 1)[0]
    return set(re.findall(r"^\| `([A-Z_]+)` \|", section, flags=re.MULTILINE))


def test_the_docs_checklist_is_what_check_deploy_is_clean_with():
    assert checklist_in_docs() == set(deployment_env())


def test_the_example_env_file_sets_every_variable_of_the_checklist():
    example = (PROJECT_ROOT / "deploy" / "gridapp.env.example").read_text()
    set_there = set(re.findall(r"^([A-Z_]+)=", example, flags=re.MULTILINE))
    assert checklist_in_docs() - {"DEBUG"} <= set_there  # DEBUG: left unset, which is off
    assert "DEBUG" not in set_there


def test_check_deploy_names_what_is_left_at_its_development_default(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=PROJECT_ROOT,
        env=production_process_env(tmp_path, {**production_env(), "GRIDAPP_TRUSTED_PROXY_COUNT": "0"}),
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    for check, variable in [
        ("W101", "EMAIL_URL"),
        ("W102", "DATABASE_URL"),
        ("W103", "CELERY_BROKER_URL"),
        ("W104", "GRIDAPP_SITE_URL"),
        ("W105", "GRIDAPP_TRUSTED_PROXY_COUNT"),
    ]:
        assert f"gridapp.{check}" in output and variable in output, output
