"""Benchmark a register import on PostgreSQL: check (preview) and import of a 100,000-row file.

    make bench            # also runs the check-in sweep's benchmark
    DATABASE_URL=postgres://…/gridapp_bench python manage.py bench_import [--rows 100000] [--format xlsx|csv]

The file (≈ 2 residents per household, every row valid) is written by a separate process first,
so writing it is neither timed nor counted in memory. Then a fresh process — as the Celery
worker would — checks it and imports it into an empty grid, then checks it again (a re-import,
everything unchanged). Printed: wall seconds of each step and the importing process's peak
resident memory (Django included). Targets: ≤ 60 s for check + import, ≤ 300 MB.

It empties the register (and what refers to it) of the database it runs on, so it refuses any
database whose name does not end in ``_bench`` (gridapp.devtools.bench). Its user, bench-import,
is kept from one run to the next: the register's history rows of the last import point at it.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from gridapp.devtools.bench import BenchCommand

WRITE_SCRIPT = """
import sys, django; django.setup()
from gridapp.imports import sample
path, rows, fmt = sys.argv[1], int(sys.argv[2]), sys.argv[3]
(sample.write_xlsx if fmt == "xlsx" else sample.write_csv)(path, sample.household_rows(rows))
"""

MEASURE_SCRIPT = """
import json, resource, sys, time, django; django.setup()
from django.contrib.auth import get_user_model
from gridapp.imports import services
from gridapp.models import Community, Grid, ImportBatch, ImportStatus, Role, RoleKind, Town
from gridapp.imports.reader import estimate_rows, sniff
import hashlib, shutil, uuid
path, fmt = sys.argv[1], sys.argv[2]
town, _ = Town.objects.get_or_create(name="基准镇")
community = Community.objects.create(
    town=town, name="导入基准社区" + uuid.uuid4().hex[:6], code=uuid.uuid4().hex[:8].upper())
grid = Grid.objects.create(community=community, number=1, name="导入基准网格")
user, _ = get_user_model().objects.get_or_create(username="bench-import")
out = {}
for step in ("first", "again"):
    name = uuid.uuid4().hex + ".upload"
    shutil.copy(path, services.import_dir() / name)
    batch = ImportBatch.objects.create(
        created_by=user, grid=grid, kind="households", filename=path, size=0, sha256="-", stored_path=name,
        file_format=fmt, status=ImportStatus.VALIDATING, total_rows=estimate_rows(path, fmt))
    t = time.monotonic(); services.check(batch.pk); out[step + "_check_s"] = time.monotonic() - t
    out[step + "_check_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    batch.refresh_from_db(); assert batch.status == ImportStatus.READY, (batch.status, batch.message, batch.errors[:3])
    out[step + "_counts"] = batch.counts
    if step == "first":
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.COMMITTING, committed_by=user)
        t = time.monotonic(); services.commit(batch.pk); out["commit_s"] = time.monotonic() - t
        out["commit_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        batch.refresh_from_db(); assert batch.status == ImportStatus.DONE, (batch.status, batch.message)
        out["rows"] = batch.total_rows
out["mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
services.cancel(batch)  # the re-import is not written; its copy of the file is removed
print(json.dumps(out))
"""


TRUNCATE_SQL = """
TRUNCATE gridapp_importbatch, gridapp_residentcategorylink, gridapp_historicalresidentcategorylink,
    gridapp_householdtaglink, gridapp_historicalhouseholdtaglink, gridapp_historicalresident,
    gridapp_historicalhousehold, gridapp_historicalbuilding, gridapp_historicalshop
    RESTART IDENTITY CASCADE;
TRUNCATE gridapp_resident, gridapp_household, gridapp_shop, gridapp_building, gridapp_searchkey
    RESTART IDENTITY CASCADE;
"""


class Command(BenchCommand):
    help = "Benchmark checking and importing a large register file on PostgreSQL."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("--max-seconds", type=float, default=60.0)
        parser.add_argument("--max-mb", type=float, default=300.0)

    def handle(self, *args, rows, format, max_seconds, max_mb, **options):
        call_command("migrate", verbosity=0)
        with connection.cursor() as cursor:
            # A throwaway database: the file's ID numbers must be new to it.
            cursor.execute(TRUNCATE_SQL)
        # As a production worker runs: with DEBUG on, Django would keep every query's SQL in memory.
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-import-not-secret",
            "ALLOWED_HOSTS": os.environ.get("ALLOWED_HOSTS") or "localhost",
            "GRIDAPP_IMPORT_MAX_BYTES": str(200 * 2**20),
        }
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"bench.{format}"
            started = time.monotonic()
            self._run(WRITE_SCRIPT, [str(path), str(rows), format], env)
            size = path.stat().st_size / 2**20
            self.stdout.write(f"wrote {rows:,} rows ({size:.1f} MB {format}) in {time.monotonic() - started:.1f} s")
            result = json.loads(self._run(MEASURE_SCRIPT, [str(path), format], env).strip().splitlines()[-1])
        total = result["first_check_s"] + result["commit_s"]
        self.stdout.write(f"check (preview)   {result['first_check_s']:6.1f} s   {result['first_counts']}")
        self.stdout.write(f"import            {result['commit_s']:6.1f} s")
        self.stdout.write(f"check + import    {total:6.1f} s   (target ≤ {max_seconds:.0f} s)")
        self.stdout.write(f"re-import check   {result['again_check_s']:6.1f} s   {result['again_counts']}")
        self.stdout.write(
            f"peak RSS after   check {result['first_check_mb']:.0f} MB, import {result['commit_mb']:.0f} MB, "
            f"re-import check {result['again_check_mb']:.0f} MB"
        )
        self.stdout.write(f"peak RSS          {result['mb']:6.1f} MB  (target ≤ {max_mb:.0f} MB)")
        if total > max_seconds or result["mb"] > max_mb:
            raise CommandError(f"over target (≤ {max_seconds} s, ≤ {max_mb} MB)")
        self.stdout.write(self.style.SUCCESS("within target"))

    def _run(self, script, argv, env):
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-c", script, *argv], capture_output=True, text=True, env=env, check=False
        )
        if done.returncode:
            raise CommandError(done.stderr[-3000:])
        return done.stdout
