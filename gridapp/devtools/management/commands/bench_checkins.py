"""Benchmark the check-in sweep on PostgreSQL: wall time, peak memory and query count.

    make bench            # 1,000,000 residents, 200,000 with a care level (and a smaller run)

Builds a synthetic register with INSERT … SELECT generate_series (so building it is not what
is measured), then runs ``checkins.sweep()`` once on each size in a fresh process and prints
its wall time, the process's peak resident memory (Django included) and its query count,
which must not grow with the number of residents.
"""

import json
import os
import subprocess
import sys
import time

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from gridapp.devtools.bench import BenchCommand
from visits import checkins
from visits.models import CareAssignment

RESIDENTS_PER_HOUSEHOLD = 2
RESIDENTS_PER_GRID = 600  # ~300 households a grid, as in Dongluchi
CARED_SHARE = 5  # one resident in five has a care level


class Command(BenchCommand):
    help = "Benchmark the check-in sweep on PostgreSQL (builds its own synthetic data)."

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, action="append", help="sizes to run (default 100000 and 1000000)")
        parser.add_argument("--max-seconds", type=float, default=5.0)
        parser.add_argument("--max-mb", type=float, default=200.0)

    def handle(self, *args, residents=None, max_seconds=5.0, max_mb=200.0, **options):
        call_command("migrate", verbosity=0)
        sizes = residents or [100_000, 1_000_000]
        results = []
        for size in sizes:
            self.stdout.write(f"building {size:,} residents ({size // CARED_SHARE:,} with a care level)…")
            started = time.monotonic()
            self.build(size)
            self.stdout.write(f"  built in {time.monotonic() - started:.1f} s")
            results.append((size, self.measure()))
        self.stdout.write("")
        self.stdout.write("residents    cared  reminders  escalations  digests  wall s  peak RSS MB  queries")
        failed = False
        for size, r in results:
            self.stdout.write(
                f"{size:>9,}  {size // CARED_SHARE:>7,}  {r['reminders']:>9,}  {r['escalations']:>11,}  "
                f"{r['digests']:>7,}  {r['s']:>6.2f}  {r['mb']:>11.1f}  {r['queries']:>7}"
            )
            failed |= r["s"] > max_seconds or r["mb"] > max_mb
        if len({r["queries"] for _, r in results}) != 1:
            self.stdout.write(self.style.ERROR("the query count changed with the number of residents"))
            failed = True
        if failed:
            raise CommandError(f"over target (≤ {max_seconds} s, ≤ {max_mb} MB, constant queries)")
        self.stdout.write(self.style.SUCCESS(f"within target: ≤ {max_seconds} s, ≤ {max_mb} MB, constant queries"))

    def measure(self):
        """Run the sweep in a fresh process (as a Celery task would) and read its figures."""
        script = (
            "import django, json, resource, time;django.setup();"
            "from django.db import connection;from django.test.utils import CaptureQueriesContext;"
            "from visits import checkins;"
            "t=time.monotonic();\nwith CaptureQueriesContext(connection) as q: r=checkins.sweep()\n"
            "print(json.dumps({'s': time.monotonic()-t, 'mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024,"
            "'queries': len(q.captured_queries), 'due': r.reminders_created + r.escalations_created,"
            "'reminders': r.reminders_created, 'escalations': r.escalations_created, 'digests': r.digests}))"
        )
        out = subprocess.run(  # noqa: S603
            [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=os.environ.copy()
        ).stdout
        return json.loads(out.strip().splitlines()[-1])

    def build(self, residents):
        """A town of grids of ~600 residents, a fifth of them cared for (see BUILD_SQL)."""
        households = residents // RESIDENTS_PER_HOUSEHOLD
        grids = max(1, residents // RESIDENTS_PER_GRID)
        now = timezone.now()
        sql = BUILD_SQL.format(residents=residents, households=households, grids=grids, cared_share=CARED_SHARE)
        with connection.cursor() as cursor:
            cursor.execute(sql, {"now": now})
        # As the visit service keeps it for real visits.
        checkins.refresh_last_seen(CareAssignment.objects.values("resident_id"))


BUILD_SQL = """
TRUNCATE visits_reminder, visits_residentseen, visits_visitpurpose, visits_visitphoto, visits_followup,
    visits_visit, visits_careassignment, gridapp_delivery, gridapp_notification, gridapp_role,
    gridapp_resident, gridapp_household, gridapp_shop, gridapp_building, gridapp_grid, gridapp_community,
    gridapp_town, gridapp_searchkey RESTART IDENTITY CASCADE;
-- Its own grid workers only: bench_import keeps its user (bench-import), which the register's
-- history rows of its last import point at.
DELETE FROM auth_user WHERE username ~ '^bench-[0-9]+$';

INSERT INTO gridapp_town (name, created_at, updated_at) VALUES ('基准镇', %(now)s, %(now)s);
INSERT INTO gridapp_community (town_id, name, code, created_at, updated_at)
    VALUES (1, '基准社区', 'BEN', %(now)s, %(now)s);
INSERT INTO gridapp_grid (community_id, number, name, description, created_at, updated_at)
    SELECT 1, g, '网格' || g, '', %(now)s, %(now)s FROM generate_series(1, {grids}) g;
INSERT INTO auth_user (username, password, is_superuser, first_name, last_name, email, is_staff, is_active, date_joined)
    SELECT 'bench-' || g, '!', false, '', '', '', false, true, %(now)s FROM generate_series(1, {grids}) g;
INSERT INTO gridapp_role (user_id, kind, grid_id, community_id, part_time, created_at, updated_at)
    SELECT u.id, 'grid_worker', (regexp_replace(u.username, '\\D', '', 'g'))::int, NULL, false, %(now)s, %(now)s
    FROM auth_user u WHERE u.username ~ '^bench-[0-9]+$';
INSERT INTO gridapp_household (grid_id, building_id, unit, room, address, head_name, phone, tenure,
        landlord_name, landlord_phone, landlord_address, notes, archived_at, created_at, updated_at, version)
    SELECT 1 + (h %% {grids}), NULL, '', '', '基准路' || h || '号', '户主' || h, '', 'owner', '', '', '', '', NULL,
        %(now)s, %(now)s, 1
    FROM generate_series(1, {households}) h;
INSERT INTO gridapp_resident (household_id, name, sex, date_of_birth, id_number, mobile, is_head, relation_to_head,
        health_notes, emergency_contact_name, emergency_contact_phone, emergency_contact_relation, archived_at,
        created_at, updated_at, version, arrival, departure)
    SELECT 1 + (r %% {households}), '居民' || r, 'F', DATE '1940-01-01' + (r %% 3650), '', '', false, '', '',
        '家属' || r, '', '', NULL, %(now)s, %(now)s, 1, '', ''
    FROM generate_series(1, {residents}) r;
INSERT INTO visits_careassignment (resident_id, level_id, assigned_on, assigned_by_id)
    SELECT r, (SELECT id FROM visits_carelevel ORDER BY cadence_days LIMIT 1) + (r %% 3),
        CURRENT_DATE - 60, NULL
    FROM generate_series({cared_share}, {residents}, {cared_share}) r
    WHERE EXISTS (SELECT 1 FROM visits_carelevel);
-- A steady-state day: each cared-for resident was last seen somewhere within their cadence
-- plus three days (so some are due today or a little overdue); one in fifty never was.
INSERT INTO visits_visit (worker_id, visited_at, grid_id, household_id, shop_id, campaign_id, notes, client_id,
        created_at, updated_at, version)
    SELECT (SELECT min(id) FROM auth_user WHERE username ~ '^bench-[0-9]+$'),
        %(now)s - make_interval(days => (((a.resident_id / {cared_share}) * 7919) %% (l.cadence_days + 3))::int),
        h.grid_id, h.id, NULL, NULL, '', md5(a.resident_id::text)::uuid, %(now)s, %(now)s, 1
    FROM visits_careassignment a JOIN visits_carelevel l ON l.id = a.level_id
        JOIN gridapp_resident r ON r.id = a.resident_id JOIN gridapp_household h ON h.id = r.household_id
    WHERE (a.resident_id / {cared_share}) %% 50 <> 0;
INSERT INTO visits_residentseen (visit_id, resident_id, condition)
    SELECT v.id, a.resident_id, 'well'
    FROM visits_visit v JOIN visits_careassignment a ON md5(a.resident_id::text)::uuid = v.client_id;
ANALYZE;
"""
