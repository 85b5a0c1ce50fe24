"""The benchmarks (check-ins, import, search), small, twice in a row on one database of their own
(``*_bench``), as ``make bench`` runs them: every run builds its data with raw SQL against the real schema, so a column
added to the register without a value there (or a clean-up that trips over the rows of the run
before) fails here rather than on the next `make bench`. The figures are not judged: the targets
are for the full sizes on a quiet machine."""

import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from tests.gridapp.test_settings import PROJECT_ROOT

SMOKE_DB = "gridapp_smoke_bench"


@pytest.fixture
def bench_database(db):
    if connection.vendor != "postgresql":
        pytest.skip("the benchmarks build their data with PostgreSQL's SQL; CI runs this on PostgreSQL")
    url = "postgres://{USER}@{HOST}:{PORT}".format(
        **{k: settings.DATABASES["default"][k] for k in ("USER", "HOST", "PORT")}
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {SMOKE_DB}")
        cursor.execute(f"CREATE DATABASE {SMOKE_DB}")
    yield f"{url}/{SMOKE_DB}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {SMOKE_DB} WITH (FORCE)")


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
        timeout=600,
    )


@pytest.mark.django_db(transaction=True)
def test_the_benchmarks_run_twice_in_a_row_on_the_same_database(bench_database, tmp_path):
    migrated = manage(bench_database, tmp_path, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    runs = (
        ("bench_import", "--rows", "300", "--format", "csv", "--max-seconds", "600", "--max-mb", "10000"),
        ("bench_checkins", "--residents", "3000", "--residents", "9000", "--max-seconds", "600", "--max-mb", "10000"),
        ("bench_search", "--residents", "3000", "--grids", "5", "--runs", "3", "--max-ms", "60000"),
    )
    for attempt in (1, 2):
        for command in runs:
            result = manage(bench_database, tmp_path, *command)
            assert result.returncode == 0, f"run {attempt} of {command[0]}:\n{result.stdout}\n{result.stderr}"
