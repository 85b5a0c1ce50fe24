"""Time django-helpdesk's default staff ticket list beside gridapp's staff queue and admin queue,
in the same minutes (make peer; README.md here).

    DATABASE_URL=postgres://…/gridapp_peer_town_bench .venv/bin/python bench/peer_helpdesk/run.py

Run with gridapp's virtualenv, after setup.sh (the peer's virtualenv and database, 100,000
tickets) and generate_world (our town, 100,000 cases). Both apps are served by gunicorn on
127.0.0.1 (ours in production mode, as ``make load`` starts it; theirs from its own virtualenv),
each user logged in with a real session whose cookie is sent over HTTP. After a warm-up, each
round asks, in turns: our staff queue, their ticket list (the HTML page), our admin queue, their
list's data endpoint (the DataTables JSON the page fetches as soon as it loads). Prints p50/p95,
queries (counted on one more request outside the timing) and sizes per page, and theirs ÷ ours
at p95, as Markdown; writes JSON (``--out``, by default var/bench/peer.json).
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DEFAULT_WORLD = "postgres://postgres@127.0.0.1:5432/gridapp_peer_town_bench"
DEFAULT_PEER = "postgres://postgres@127.0.0.1:5432/gridapp_peer_helpdesk_bench"


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200, help="timed rounds (each: one request per page)")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers per app (requests are sequential)")
    parser.add_argument("--peer-venv", default=str(ROOT / "var" / "peer" / "venv"))
    parser.add_argument("--peer-database-url", default=os.environ.get("PEER_DATABASE_URL", DEFAULT_PEER))
    parser.add_argument("--out", default=str(ROOT / "var" / "bench" / "peer.json"))
    args = parser.parse_args()
    if args.rounds < 1 or args.warmup < 0:
        parser.error("--rounds must be at least 1 and --warmup not negative")
    return args


def django_setup():
    """gridapp's settings for this process (the sessions, the query counts); DATABASE_URL is the world."""
    os.environ.setdefault("DATABASE_URL", DEFAULT_WORLD)
    os.environ.setdefault("DEBUG", "true")  # this process only; gunicorn serves in production mode
    os.environ["DJANGO_SETTINGS_MODULE"] = "gridapp.settings"
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PeerServer:
    """django-helpdesk under gunicorn (its own virtualenv) on 127.0.0.1:port."""

    def __init__(self, venv, database_url, workers, var_dir):
        self.venv, self.database_url, self.workers, self.var_dir = Path(venv), database_url, workers, var_dir
        self.port = free_port()

    def __enter__(self):
        self.var_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "PEER_DATABASE_URL": self.database_url}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env.pop("DATABASE_URL", None)
        self.log = open(self.var_dir / "peer-gunicorn.log", "w")  # noqa: SIM115 - closed in __exit__
        command = [
            str(self.venv / "bin" / "gunicorn"), "helpdesk_site.wsgi:application", "--chdir", str(HERE),
            "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers), "--timeout", "120",
        ]  # fmt: skip
        # From here, not from gridapp's root: gunicorn would read gridapp's gunicorn.conf.py there.
        self.process = subprocess.Popen(command, cwd=HERE, env=env, stdout=self.log, stderr=subprocess.STDOUT)  # noqa: S603
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the peer's gunicorn stopped; see {self.var_dir / 'peer-gunicorn.log'}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.2)
        raise SystemExit("the peer's gunicorn did not start within 60 s")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


class Page:
    def __init__(self, key, label, app, port, path, cookie, queries, note=""):
        self.key, self.label, self.app, self.port, self.path = key, label, app, port, path
        self.cookie, self.queries, self.note = cookie, queries, note
        self.times, self.sizes, self.errors = [], [], 0
        self.connection = None

    def get(self):
        """One GET over a kept-alive connection, as a browser would: (ms, status, bytes)."""
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        started = time.perf_counter()
        self.connection.request("GET", self.path, headers={"Host": "127.0.0.1", "Cookie": self.cookie})
        response = self.connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = None
        return elapsed, response.status, len(body)

    def result(self):
        return {
            "key": self.key,
            "label": self.label,
            "app": self.app,
            "path": self.path,
            "rounds": len(self.times),
            "p50_ms": round(statistics.median(self.times), 1),
            "p95_ms": round(percentile(self.times, 0.95), 1),
            "queries": self.queries,
            "bytes": round(statistics.median(self.sizes)),
            "errors": self.errors,
            "note": self.note,
        }


def our_pages(port):
    """Our staff queue (a community's staff member) and admin queue (the town's admin), as
    bench_pages chooses them; the query count of one request each, outside the timing."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from gridapp.devtools import pages_bench
    from gridapp.devtools.management.commands.load import _session_cookie

    cast = pages_bench.cast()
    queue = reverse("case_queue")
    pages = []
    for key, label, user in (
        ("ours_staff", "our staff queue", cast.staff),
        ("ours_admin", "our admin queue", cast.admin),
    ):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(queue)
        if response.status_code != 200:
            raise SystemExit(f"{label} answered {response.status_code} in the test client")
        cookie = f"{settings.SESSION_COOKIE_NAME}={_session_cookie(user)}"
        pages.append(Page(key, label, "gridapp", port, queue, cookie, len(queries), note=f"as {user}"))
    return pages


def their_pages(venv, database_url, port):
    env = {**os.environ, "PEER_DATABASE_URL": database_url}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)
    probe = subprocess.run(  # noqa: S603 - our own program
        [str(Path(venv) / "bin" / "python"), str(HERE / "probe.py")], env=env, capture_output=True, text=True
    )
    if probe.returncode:
        raise SystemExit(f"probe.py failed (did bench/peer_helpdesk/setup.sh run?):\n{probe.stderr[-2000:]}")
    found = json.loads(probe.stdout)
    cookie = f"{found['cookie_name']}={found['session_key']}"
    note = f"{found['rows_shown']} of {found['rows_matching']:,} open tickets, of {found['tickets']:,}"
    html = Page("theirs_list", "helpdesk ticket list (HTML)", "helpdesk", port, found["list_path"], cookie,
                found["list_queries"], note="the page: filters, empty table")  # fmt: skip
    data = Page("theirs_data", "helpdesk list data (DataTables JSON)", "helpdesk", port, found["data_path"], cookie,
                found["data_queries"], note=note)  # fmt: skip
    return html, data, found


def database_version():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


def run(args):
    from django.conf import settings
    from django.db import connection

    from gridapp.devtools.bench import database_name, refuse_foreign_database
    from gridapp.devtools.management.commands.load import Server

    refuse_foreign_database()
    if connection.vendor != "postgresql":
        raise SystemExit("The peer benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…")
    peer_name = args.peer_database_url.rsplit("/", 1)[-1]
    if not peer_name.endswith("_bench"):
        raise SystemExit(f"Refusing the peer database {peer_name!r}: its name must end in '_bench'.")
    # A key of this run's own, shared with our gunicorn, so the sessions written here are valid there.
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    var_dir = Path(settings.VAR_DIR) / "peer"
    load_before = os.getloadavg()
    started_at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    with (
        Server(args.workers, var_dir) as ours,
        PeerServer(args.peer_venv, args.peer_database_url, args.workers, var_dir) as theirs,
    ):
        staff, admin = our_pages(ours.port)
        html, data, found = their_pages(args.peer_venv, args.peer_database_url, theirs.port)
        order = [staff, html, admin, data]  # ours, theirs, ours, theirs
        print(f"gridapp on :{ours.port}, django-helpdesk {found['version']} on :{theirs.port}; "
              f"{args.warmup} warm-up and {args.rounds} timed rounds of {len(order)} requests", flush=True)  # fmt: skip
        for _ in range(args.warmup):
            for page in order:
                page.get()
        browser = []  # their list as a browser waits for it: the page, then its data
        started = time.monotonic()
        for n in range(args.rounds):
            spent = {}
            for page in order:
                ms, status, size = page.get()
                page.times.append(ms)
                page.sizes.append(size)
                page.errors += status != 200
                spent[page.key] = ms
            browser.append(spent["theirs_list"] + spent["theirs_data"])
            if (n + 1) % 50 == 0:
                print(f"  {n + 1} rounds, {time.monotonic() - started:.0f} s", flush=True)
        seconds = time.monotonic() - started
    pages = [page.result() for page in (staff, admin, html, data)]
    both = {
        "key": "theirs_both",
        "label": "helpdesk list, page + data (what the browser waits for)",
        "app": "helpdesk",
        "path": f"{html.path} + data",
        "rounds": len(browser),
        "p50_ms": round(statistics.median(browser), 1),
        "p95_ms": round(percentile(browser, 0.95), 1),
        "queries": html.queries + data.queries,
        "bytes": pages[2]["bytes"] + pages[3]["bytes"],
        "errors": html.errors + data.errors,
        "note": "sum of the two requests of each round",
    }
    pages.append(both)
    ratios = [
        {
            "theirs": theirs_page["key"],
            "ours": ours_page["key"],
            "p50_ratio": round(theirs_page["p50_ms"] / ours_page["p50_ms"], 1),
            "p95_ratio": round(theirs_page["p95_ms"] / ours_page["p95_ms"], 1),
        }
        for theirs_page in pages[2:]
        for ours_page in pages[:2]
    ]
    return {
        "started": started_at,
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": "make peer",
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
            "postgresql": database_version(),
        },
        "ours": {"database": database_name(), "cases": _count_cases()},
        "theirs": {
            "database": args.peer_database_url.rsplit("/", 1)[-1],
            "django_helpdesk": found["version"],
            "tickets": found["tickets"],
            "open_tickets": found["rows_matching"],
        },
        "gunicorn_workers_each": args.workers,
        "rounds": args.rounds,
        "warmup": args.warmup,
        "seconds": round(seconds, 1),
        "pages": pages,
        "ratios": ratios,
    }


def _count_cases():
    from cases.models import Case

    return Case.objects.count()


def markdown(result):
    lines = [
        "| page | app | p50 ms | p95 ms | queries | KB | errors |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for page in result["pages"]:
        lines.append(
            f"| {page['label']} | {page['app']} | {page['p50_ms']:.1f} | {page['p95_ms']:.1f} | {page['queries']} "
            f"| {page['bytes'] / 1024:.0f} | {page['errors']} |"
        )
    labels = {page["key"]: page["label"] for page in result["pages"]}
    lines += ["", "| theirs | ÷ ours | at p50 | at p95 |", "|---|---|---:|---:|"]
    for ratio in result["ratios"]:
        lines.append(
            f"| {labels[ratio['theirs']]} | {labels[ratio['ours']]} | {ratio['p50_ratio']}× | {ratio['p95_ratio']}× |"
        )
    return "\n".join(lines)


def main():
    args = arguments()
    django_setup()
    result = run(args)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print()
    print(
        f"{result['ours']['cases']:,} cases (ours) and {result['theirs']['tickets']:,} tickets (theirs), "
        f"{result['rounds']} rounds in {result['seconds']} s; load average {result['machine']['load_average_before']}"
        f" → {result['machine']['load_average_after']}"
    )
    print(markdown(result))
    print(f"\nwritten to {out}")
    errors = sum(page["errors"] for page in result["pages"][:4])
    if errors:
        print(f"{errors} requests did not answer 200: the figures are not valid.")
        sys.exit(1)


if __name__ == "__main__":
    main()
