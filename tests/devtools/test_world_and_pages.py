"""generate_world and bench_pages on a PostgreSQL database of their own (``*_bench``), as
``make bench`` runs them: a tiny world, then the pages measured twice in a row with a few rounds
(the POSTs of the first run must not break the second). The figures are not judged here; what
is checked is that every page answered as it should and was counted."""

import json
import shutil
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import require_or_skip
from tests.gridapp.test_settings import PROJECT_ROOT

WORLD_DB = "gridapp_world_smoke_bench"
PAGES = {
    "worker_home", "register_search", "grid_households_search", "household", "visit_form", "visit_post",
    "checkins_worker", "checkins_staff", "staff_home", "staff_queue", "staff_queue_filtered", "case",
    "case_action", "measures", "department_queue", "admin_home",
}  # fmt: skip


def server_url():
    return "postgres://{USER}@{HOST}:{PORT}".format(
        **{k: settings.DATABASES["default"][k] for k in ("USER", "HOST", "PORT")}
    )


@pytest.fixture
def world_database(db):
    if connection.vendor != "postgresql":
        pytest.skip("generate_world writes with PostgreSQL's COPY; CI runs this on PostgreSQL")
    require_or_skip(shutil.which("psql"), "psql not installed (apt-get install postgresql-client)")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {WORLD_DB} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {WORLD_DB}")
    yield f"{server_url()}/{WORLD_DB}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {WORLD_DB} WITH (FORCE)")


def manage(database_url, var_dir, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DEBUG": "true",
            "DATABASE_URL": database_url,
            "HOME": str(var_dir),
            "GRIDAPP_VAR_DIR": str(var_dir),
        },
        capture_output=True,
        text=True,
        timeout=900,
    )


def count(database_url, table):
    result = subprocess.run(
        ["psql", database_url, "-tAc", f"SELECT count(*) FROM {table}"], capture_output=True, text=True, check=True
    )
    return int(result.stdout)


@pytest.mark.django_db(transaction=True)
def test_a_tiny_world_is_built_and_its_pages_measured_twice(world_database, tmp_path):
    built = manage(world_database, tmp_path, "generate_world", "--scale", "tiny", "--seed", "7")
    assert built.returncode == 0, built.stdout + built.stderr
    assert count(world_database, "gridapp_grid") == 4
    assert count(world_database, "visits_visit") == 4 * 300
    states = subprocess.run(
        ["psql", world_database, "-tAc", "SELECT DISTINCT state FROM cases_case"], capture_output=True, text=True
    ).stdout.split()
    assert {"reported", "registered", "handling", "closed", "feedback", "rejected"} <= set(states)
    for run in (1, 2):
        out = tmp_path / f"pages-{run}.json"
        measured = manage(world_database, tmp_path, "bench_pages", "--rounds", "3", "--warmup", "1", "--out", str(out))
        assert measured.returncode == 0, f"run {run}:\n{measured.stdout}\n{measured.stderr}"
        assert "| page |" in measured.stdout
        report = json.loads(out.read_text())
        assert {page["key"] for page in report["pages"]} == PAGES
        for page in report["pages"]:
            assert page["queries"] > 0, page
            assert page["rounds"] == 3, page
            assert page["p95_ms"] > 0 and page["verdict"] in ("PASS", "MISS"), page

    # make load on the same world: gunicorn on 127.0.0.1, a short bounded run of each phase.
    out = tmp_path / "load.json"
    args = ("--seconds", "3", "--max-requests", "60", "--concurrency", "2", "--gunicorn-workers", "1")
    loaded = manage(world_database, tmp_path, "load", *args, "--json", str(out))
    assert loaded.returncode == 0, f"{loaded.stdout}\n{loaded.stderr}"
    assert "| gridapp, mixed |" in loaded.stdout and "| floor view |" in loaded.stdout
    report = json.loads(out.read_text())
    for phase in ("app", "floor"):
        assert 0 < report[phase]["requests"] <= 60, report
        assert report[phase]["errors"] == 0, report[phase]["first_errors"]
    assert report["app"]["paths"] >= 10  # workers' and staff's pages, not one page over and over


@pytest.mark.django_db(transaction=True)
def test_a_world_is_not_written_over_unless_asked(world_database, tmp_path):
    first = manage(world_database, tmp_path, "generate_world", "--scale", "tiny")
    assert first.returncode == 0, first.stderr
    again = manage(world_database, tmp_path, "generate_world", "--scale", "tiny")
    assert again.returncode == 2
    assert "not empty" in again.stderr and "--reset" in again.stderr and "--add" in again.stderr
    assert count(world_database, "gridapp_grid") == 4
    kept = manage(world_database, tmp_path, "generate_world", "--scale", "tiny", "--if-missing")
    assert kept.returncode == 0 and "kept" in kept.stdout
    assert count(world_database, "gridapp_grid") == 4
    # The same seed again: its names, numbers and submission ids must not collide with the first's.
    added = manage(world_database, tmp_path, "generate_world", "--scale", "tiny", "--add")
    assert added.returncode == 0, added.stderr
    assert count(world_database, "gridapp_grid") == 8
    reset = manage(world_database, tmp_path, "generate_world", "--scale", "tiny", "--reset")
    assert reset.returncode == 0, reset.stderr
    assert count(world_database, "gridapp_grid") == 4


# No connection is made: the name is refused first (so these run on SQLite too).
def test_generate_world_refuses_a_database_not_named_bench(tmp_path):
    refused = manage("postgres://postgres@127.0.0.1:5432/gridapp_world", tmp_path, "generate_world", "--scale", "tiny")
    assert refused.returncode == 2
    assert "ends in '_bench'" in refused.stderr


def test_bench_pages_refuses_a_database_not_named_bench(tmp_path):
    refused = manage("postgres://postgres@127.0.0.1:5432/gridapp", tmp_path, "bench_pages", "--rounds", "1")
    assert refused.returncode == 2
    assert "ends in '_bench'" in refused.stderr


def test_load_refuses_a_database_not_named_bench_and_unbounded_runs(tmp_path):
    refused = manage("postgres://postgres@127.0.0.1:5432/gridapp", tmp_path, "load", "--seconds", "1")
    assert refused.returncode == 2
    assert "ends in '_bench'" in refused.stderr
    for bad in (("--seconds", "0"), ("--seconds", "301"), ("--max-requests", "0"), ("--concurrency", "65")):
        unbounded = manage("postgres://postgres@127.0.0.1:5432/gridapp_bench", tmp_path, "load", *bad)
        assert unbounded.returncode != 0 and "--seconds must be" in unbounded.stderr, bad
