"""Load test (``make load``): gridapp under gunicorn on 127.0.0.1, with mixed grid-worker and
staff traffic on the world already in the bench database, beside the floor view under the same
load (same gunicorn, same concurrency, same length).

    DATABASE_URL=postgres://…/gridapp_bench python manage.py load [--seconds 20] [--concurrency 6]

It starts gunicorn in production mode (DEBUG off, gunicorn.conf.py, the app's own settings) on a
free port of 127.0.0.1 and nowhere else, logs in a few workers and staff of the world by writing
their sessions, then runs two bounded phases, each stopping at ``--seconds`` or
``--max-requests``, whichever comes first: the app's pages drawn at random with the weights of
a working day (workers' pages 70 %, staff 30 %), then the floor view. It prints requests/s,
p50/p95 and errors of each and the app's throughput as a share of the floor's, writes them as
JSON, and with ``--strict`` exits 1 when a target is missed (p95 ≤ 300 ms, no errors, ≥ 60 % of
the floor's requests/s). Only GETs: the phases can run again and again on the same world.
"""

import http.client
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from gridapp.accounts import security
from gridapp.devtools.bench import BenchCommand
from gridapp.models import Household, Role, RoleKind

FLOOR_PATH = "/__bench/floor/"
TARGET_P95_MS = 300
TARGET_SHARE = 0.60
ROOT = Path(settings.BASE_DIR)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _session_cookie(user):
    """A logged-in session for ``user`` as the log-in page would leave it once two-factor and a
    temporary password are settled (the load test measures pages, not log-ins)."""
    client = Client()
    client.force_login(user)
    session = client.session
    for key in (security.OTP_STATE, security.MUST_CHANGE_PASSWORD):
        session.pop(key, None)
    session.save()
    return session.session_key


def _routes():
    """(weight, session key, path) of a working day, from the world in the database."""
    roles = Role.objects.filter(user__is_active=True).select_related("user", "grid", "community")
    workers = roles.filter(kind=RoleKind.GRID_WORKER, grid__isnull=False, part_time=False)
    workers = list(workers.order_by("grid_id")[:5])
    staff = list(roles.filter(kind=RoleKind.COMMUNITY_STAFF, community__isnull=False).order_by("community_id")[:2])
    if not workers or not staff:
        raise CommandError("The bench database has no world to load: run `make bench` (generate_world) first.")
    routes = []
    for role in workers:
        key = _session_cookie(role.user)
        household = Household.objects.filter(grid=role.grid, archived_at__isnull=True).order_by("pk").first()
        routes += [(20, key, "/"), (10, key, "/checkins/"), (8, key, f"/grids/{role.grid_id}/?q=%E7%8E%8B")]
        routes += [(6, key, "/search/?q=%E7%8E%8B")]
        if household:
            routes += [(16, key, f"/households/{household.pk}/"), (10, key, f"/households/{household.pk}/visit/")]
    for role in staff:
        key = _session_cookie(role.user)
        routes += [(10, key, "/"), (8, key, "/cases/"), (4, key, "/cases/?overdue=true"), (3, key, "/checkins/")]
        routes += [(2, key, "/cases/measures/")]
    return routes


class Server:
    """gunicorn in production mode on 127.0.0.1:port, with this process's database and key."""

    def __init__(self, workers, var_dir):
        self.port, self.workers, self.var_dir = _free_port(), workers, var_dir

    def __enter__(self):
        self.var_dir.mkdir(parents=True, exist_ok=True)
        db = settings.DATABASES["default"]
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        env = {
            **os.environ,
            "DEBUG": "false",
            "GRIDAPP_PRODUCTION": "true",
            "GRIDAPP_DEVTOOLS": "true",  # the floor view
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "GRIDAPP_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(self.workers),
            "GRIDAPP_VAR_DIR": str(self.var_dir),
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        }
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )
        self.log = open(self.var_dir / "gunicorn.log", "w")  # noqa: SIM115 - closed in __exit__
        command = [str(Path(sys.executable).with_name("gunicorn")), "--config", "gunicorn.conf.py"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)  # noqa: S603 - our own program
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CommandError(f"gunicorn stopped; see {self.var_dir / 'gunicorn.log'}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.2)
        raise CommandError("gunicorn did not start within 60 s")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def _get(connection, key, path):
    """One GET on a kept-alive connection; returns (status, ms)."""
    started = time.perf_counter()
    connection.request("GET", path, headers={"Host": "127.0.0.1", "Cookie": f"{settings.SESSION_COOKIE_NAME}={key}"})
    response = connection.getresponse()
    response.read()
    return response.status, (time.perf_counter() - started) * 1000


def run_phase(port, routes, *, seconds, max_requests, concurrency, seed):
    """``concurrency`` users, each on its own connection, requesting routes drawn by weight until
    the time or the request budget is spent. Returns the phase's figures."""
    weights = [weight for weight, _, _ in routes]
    timings, errors, lock = [], [], threading.Lock()
    budget = iter(range(max_requests))
    stop_at = time.monotonic() + seconds

    def user(n):
        pick = random.Random(seed + n)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop_at:
            with lock:
                if next(budget, None) is None:
                    return
            _, key, path = pick.choices(routes, weights)[0]
            try:
                status, ms = _get(connection, key, path)
            except (OSError, http.client.HTTPException) as exc:
                status, ms = repr(exc), 0.0
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            with lock:
                timings.append(ms)
                if status != 200:
                    errors.append(f"{path}: {status}")

    started = time.monotonic()
    threads = [threading.Thread(target=user, args=(n,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    ordered = sorted(timings)
    return {
        "requests": len(timings),
        "seconds": round(elapsed, 2),
        "requests_per_s": round(len(timings) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered), 1) if ordered else None,
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1) if ordered else None,
        "errors": len(errors),
        "first_errors": sorted(set(errors))[:5],
        "paths": len({path for _, _, path in routes}),
    }


class Command(BenchCommand):
    help = "Load-test gridapp under gunicorn on 127.0.0.1 beside the floor view (make load)."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, default=20.0, help="length of each phase (at most 300)")
        parser.add_argument("--max-requests", type=int, default=20_000, help="requests per phase, at most")
        parser.add_argument("--concurrency", type=int, default=6, help="simultaneous users")
        parser.add_argument("--gunicorn-workers", type=int, default=3)
        parser.add_argument("--json", dest="json_path", default=str(Path(settings.VAR_DIR) / "bench" / "load.json"))
        parser.add_argument("--floor-path", default=FLOOR_PATH, help="the floor view's path")
        parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")

    def handle(
        self, *args, seconds, max_requests, concurrency, gunicorn_workers, json_path, floor_path, strict, **options
    ):
        if not 0 < seconds <= 300 or not 0 < max_requests <= 1_000_000 or not 0 < concurrency <= 64:
            raise CommandError(
                "--seconds must be in (0, 300], --max-requests in (0, 1000000], --concurrency in (0, 64]"
            )
        call_command("migrate", verbosity=0)
        # A key of this run's own, shared with gunicorn, so the sessions written here are valid there.
        settings.SECRET_KEY = secrets.token_urlsafe(50)
        routes = _routes()
        with Server(gunicorn_workers, Path(settings.VAR_DIR) / "load") as server:
            floor_key = routes[0][1]
            for _, key, path in [*routes, (1, floor_key, floor_path)]:  # warm up; a broken page stops here
                status, _ = _get(http.client.HTTPConnection("127.0.0.1", server.port, timeout=60), key, path)
                if status != 200:
                    raise CommandError(f"{path} answered {status} before the load began")
            phase = {"seconds": seconds, "max_requests": max_requests, "concurrency": concurrency}
            app = run_phase(server.port, routes, seed=1, **phase)
            floor = run_phase(server.port, [(1, floor_key, floor_path)], seed=2, **phase)
        result = self._report(app, floor, gunicorn_workers, concurrency)
        Path(json_path).parent.mkdir(parents=True, exist_ok=True)
        Path(json_path).write_text(json.dumps(result, indent=2, ensure_ascii=False))
        self.stdout.write(f"written to {json_path}")
        if strict and not result["met"]:
            raise CommandError("a load target was missed", returncode=1)

    def _report(self, app, floor, workers, concurrency):
        share = app["requests_per_s"] / floor["requests_per_s"] if floor["requests_per_s"] else 0.0
        met = app["errors"] == 0 and (app["p95_ms"] or 0) <= TARGET_P95_MS and share >= TARGET_SHARE
        self.stdout.write(f"\ngunicorn: {workers} workers; {concurrency} simultaneous users on 127.0.0.1\n")
        self.stdout.write("| phase | requests | req/s | p50 ms | p95 ms | errors |\n|---|---:|---:|---:|---:|---:|")
        for name, row in (("gridapp, mixed", app), ("floor view", floor)):
            self.stdout.write(
                f"| {name} | {row['requests']} | {row['requests_per_s']} | {row['p50_ms']} | {row['p95_ms']} "
                f"| {row['errors']} |"
            )
        self.stdout.write(
            f"\ngridapp at {share:.0%} of the floor's throughput (target ≥ {TARGET_SHARE:.0%}), "
            f"p95 {app['p95_ms']} ms (target ≤ {TARGET_P95_MS} ms), {app['errors']} errors: "
            + ("MET" if met else "MISSED")
        )
        for error in app["first_errors"]:
            self.stdout.write(f"  e.g. {error}")
        return {"app": app, "floor": floor, "share_of_floor": round(share, 3), "met": met}
