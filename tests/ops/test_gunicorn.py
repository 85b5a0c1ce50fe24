"""The Procfile's web process — gunicorn with gunicorn.conf.py and production's settings — on a
free port of 127.0.0.1, after collectstatic: a page, a static file under its hashed name served
compressed and cached for a year, /healthz, an oversized post, and the JSON log lines."""

import gzip
import http.client
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils import timezone

from gridapp.models import WorkerHeartbeat
from tests.celery_helpers import database_url
from tests.gridapp.test_settings import PROJECT_ROOT
from tests.security.test_production import HOST, production_env, production_process_env

from .test_production_mode import procfile

NGINX_ID = "0123456789abcdef0123456789abcdef"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError("gunicorn stopped")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"gunicorn did not listen on {port} within {seconds} s")


@pytest.fixture
def gunicorn(tmp_path, transactional_db):
    port = free_port()
    env = production_process_env(tmp_path, production_env())
    env.update(
        DATABASE_URL=database_url(),
        GRIDAPP_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        GRIDAPP_MAX_REQUEST_BYTES="2048",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    )
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collect.returncode == 0, collect.stderr
    log = tmp_path / "gunicorn.log"
    with open(log, "w") as output:
        process = subprocess.Popen(
            shlex.split(procfile()["web"]), cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        wait_for(port, process)
        yield port, tmp_path / "static", log
    finally:
        process.terminate()
        process.wait(timeout=30)


def get(port, path, method="GET", body=None, **headers):
    """A request as nginx forwards it: the site's host name, https, nginx's request id."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": HOST, "X-Forwarded-Proto": "https", "X-Request-ID": NGINX_ID, **headers}
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    return response, response.read()


def json_lines(log):
    return [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]


def test_gunicorn_serves_pages_hashed_compressed_static_files_and_health(gunicorn):
    port, static_root, log = gunicorn
    WorkerHeartbeat.objects.create(hostname="worker@grid", seen_at=timezone.now())

    response, page = get(port, "/accounts/login/")
    assert response.status == 200
    assert response.getheader("X-Request-ID") == NGINX_ID
    assert "登录" in page.decode()
    css = re.search(r'href="(/static/css/gridapp\.([0-9a-f]{12})\.css)"', page.decode())
    assert css, "the page links the stylesheet under its hashed name"

    response, body = get(port, css.group(1), **{"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert "immutable" in response.getheader("Cache-Control") and "max-age=315360000" in response.getheader(
        "Cache-Control"
    )
    assert gzip.decompress(body) == (static_root / "css" / f"gridapp.{css.group(2)}.css").read_bytes()

    response, body = get(port, "/healthz")
    assert response.status == 200, body
    assert json.loads(body)["status"] == "ok"

    response, body = get(port, "/accounts/login/", "POST", "x" * 4096, **{"Content-Type": "text/plain"})
    assert response.status == 413
    assert "内容过大" in body.decode()

    response, _ = get(port, "/accounts/login/", **{"X-Forwarded-Proto": "http"})
    assert response.status == 301  # behind the proxy, plain http is sent to https

    lines = json_lines(log)
    access = [line for line in lines if line["logger"] == "gridapp.access"]
    assert [(line["method"], line["path"], line["status"]) for line in access] == [
        ("GET", "/accounts/login/", 200),
        ("GET", css.group(1), 200),
        ("GET", "/healthz", 200),
        ("POST", "/accounts/login/", 413),
        ("GET", "/accounts/login/", 301),
    ]
    assert all(line["request_id"] == NGINX_ID and line["duration_ms"] >= 0 for line in access)
    assert any(line["logger"] == "gunicorn.error" and "Booting worker" in line["message"] for line in lines)
