"""Beyond one machine (docs/scaling.md), on loopback: two gunicorn instances and two Celery
workers on one PostgreSQL and one Redis. A worker logs in and logs a visit through one instance
and sees it through the other with the same session (sessions live in the database, not in a
process); two sweeps at once, one on each worker, send each reminder once (the database decides).
"""

import datetime
import http.client
import re
import shlex
import subprocess
import sys
import urllib.parse
import uuid

import pytest
from celery import current_app
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils import timezone

from gridapp.models import Notification, RoleKind
from tests.celery_helpers import database_url, require_postgresql_and_redis, wait_for, worker_process
from tests.checkins.conftest import _level, cared_resident
from tests.factories import CommunityFactory, GridFactory, UserFactory, give_role
from tests.gridapp.test_settings import PROJECT_ROOT
from tests.security.test_production import HOST, production_env, production_process_env
from visits.models import Reminder, Visit

from .test_gunicorn import free_port
from .test_gunicorn import wait_for as wait_for_port
from .test_production_mode import procfile

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Grid-worker-2026!"


class Browser:
    """Just enough of a browser for gridapp behind nginx: cookies, the CSRF token, https."""

    def __init__(self, port, cookies=None):
        self.port, self.cookies = port, dict(cookies or {})

    def request(self, method, path, fields=None):
        headers = {"Host": HOST, "X-Forwarded-Proto": "https", "Accept-Language": "zh-hans"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields, doseq=True)
            headers.update({
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"https://{HOST}",
                "Referer": f"https://{HOST}{path}",
            })  # fmt: skip
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response, response.read().decode()

    def form(self, path):
        """GET a page and the CSRF token of its form."""
        response, page = self.request("GET", path)
        assert response.status == 200, (path, response.status)
        return page, re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


@pytest.fixture
def two_instances(tmp_path):
    """Two gunicorn processes, each with its own port and var directory, sharing the database and
    SECRET_KEY as two machines behind one load balancer would."""
    require_postgresql_and_redis()
    shared = production_env()
    collected = None
    processes, ports = [], []
    try:
        for name in ("a", "b"):
            var = tmp_path / name
            var.mkdir()
            port = free_port()
            env = production_process_env(var, shared)
            env.update(DATABASE_URL=database_url(), GRIDAPP_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1")
            env["PATH"] = f"{sys.executable.rsplit('/', 1)[0]}:{env['PATH']}"
            if collected is None:
                collected = subprocess.run(
                    [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                    cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300,
                )  # fmt: skip
                assert collected.returncode == 0, collected.stderr
            else:  # the second machine serves the same collected files
                (var / "static").symlink_to(tmp_path / "a" / "static")
            log = open(var / "gunicorn.log", "w")  # noqa: SIM115 - closed with the process
            processes.append((subprocess.Popen(
                shlex.split(procfile()["web"]), cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            ), log))  # fmt: skip
            ports.append(port)
        for port, (process, _) in zip(ports, processes, strict=True):
            wait_for_port(port, process)
        yield ports
    finally:
        for process, log in processes:
            process.terminate()
            process.wait(timeout=30)
            log.close()


def test_a_visit_logged_through_one_instance_is_seen_through_the_other(two_instances):
    port_a, port_b = two_instances
    community = CommunityFactory(name="东麓池社区", code="DLC")
    grid = GridFactory(community=community, number=1)
    wu = UserFactory(username="wu", first_name="吴家栋")
    # The instances use production's hasher; this test process's settings use a fast one.
    wu.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    wu.save()
    give_role(wu, RoleKind.GRID_WORKER, grid=grid)
    ren = cared_resident(grid, "任爱香", _level("alone_80_or_equipment", "每周探访", 7, 2))

    a = Browser(port_a)
    _, token = a.form("/accounts/login/")
    response, body = a.request(
        "POST", "/accounts/login/", {"csrfmiddlewaretoken": token, "username": "wu", "password": PASSWORD}
    )
    assert response.status == 302, re.findall(r"(?s)alert-danger.{0,400}", body)

    path = f"/households/{ren.household_id}/visit/"
    page, token = a.form(path)
    client_id = re.search(r'name="client_id" value="([^"]+)"', page).group(1)
    visit = {
        "csrfmiddlewaretoken": token,
        "client_id": client_id,
        "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "purposes": "routine",
        f"resident_{ren.pk}": "needs_help",
        "notes": "呼吸机坏了，已联系维修",
    }
    response, _ = a.request("POST", path, visit)
    assert response.status == 302, "the visit is saved through instance A"

    b = Browser(port_b, a.cookies)  # the load balancer sends her next request to the other machine
    response, page = b.request("GET", f"/households/{ren.household_id}/")
    assert response.status == 200, "B knows her session: it is in the database"
    assert "呼吸机坏了，已联系维修" in page

    response, _ = b.request("POST", path, {**visit, "csrfmiddlewaretoken": b.form(path)[1]})
    assert response.status == 302
    assert Visit.objects.filter(household=ren.household).count() == 1, "sent again through B: still one visit"


def test_sweeps_on_two_workers_at_once_send_each_reminder_once(tmp_path):
    require_postgresql_and_redis()
    community = CommunityFactory(name="东麓池社区", code="DLC")
    grid = GridFactory(community=community, number=1)
    wu = give_role(UserFactory(username="wu"), RoleKind.GRID_WORKER, grid=grid)
    weekly = _level("alone_80_or_equipment", "每周探访", 7, 2)
    long_ago = timezone.localdate() - datetime.timedelta(days=7)
    for n in range(20):
        cared_resident(grid, f"居民{n}", weekly, assigned_on=long_ago)

    # One queue per worker, so each worker surely runs one of the two sweeps, at the same time.
    queues = [f"test-{uuid.uuid4().hex[:8]}" for _ in range(2)]
    with worker_process(tmp_path / "one.log", queues[0]), worker_process(tmp_path / "two.log", queues[1]):
        for queue in queues:
            current_app.send_task("visits.tasks.sweep_checkins", queue=queue)

        def both_done():
            logs = [(tmp_path / name).read_text() for name in ("one.log", "two.log")]
            return all("sweep_checkins" in log and "succeeded" in log for log in logs)

        wait_for(both_done, "a sweep to succeed on each worker")

    assert Reminder.objects.filter(kind="reminder").count() == 20
    assert Notification.objects.filter(recipient=wu).count() == 1, "one digest, not one per worker"
