"""Fill a benchmark database with a generated world, fast, through the real schema.

    DATABASE_URL=postgres://…/gridapp_town_bench python manage.py generate_world --scale town

*town*: 100 grids, 100,000 households, 250,000 residents, 10,000 shops, 1,000,000 visits and
100,000 cases; *district*: 4,000 grids, 400,000 households, 1,000,000 residents, 40,000 shops,
10,000,000 visits, 1,000,000 cases; *tiny*: four grids, for the tests. Rows are written with
COPY (``gridapp.devtools.world``) with the roles of the scope rules and cases in every state of
the lifecycle with their timelines. The same ``--seed`` and ``--today`` make the same world.

A database that already has a world (a town, a household or an account) is refused unless
``--add`` (another world beside it) or ``--reset`` (empty it first); ``--if-missing`` leaves it
as it is and says so (``make bench``).
"""

import datetime
import time

from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from gridapp.devtools.bench import BenchCommand
from gridapp.devtools.world import build
from gridapp.devtools.world.build import World
from gridapp.devtools.world.people import SCALES


def _day(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--today wants a date such as 2026-12-07, not {text!r}") from None


class Command(BenchCommand):
    help = "Fill a *_bench PostgreSQL database with a generated town or district (COPY, real schema)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="town")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--today", type=_day, help="the world's last day (default: today); times are before it")
        what = parser.add_mutually_exclusive_group()
        what.add_argument("--add", action="store_true", help="add a world beside the one already there")
        what.add_argument("--reset", action="store_true", help="empty the database's world first")
        what.add_argument("--if-missing", action="store_true", help="do nothing if a world is there already")

    def handle(self, *args, scale, seed, today, add, reset, if_missing, **options):
        call_command("migrate", verbosity=0)
        if not build.is_empty():
            if if_missing:
                self.stdout.write("A world is there already: kept (generate_world --reset to build it again).")
                return
            if not (add or reset):
                raise CommandError(
                    "This database is not empty (it has towns, households or accounts). Nothing was written: "
                    "pass --reset to empty it and build the world again, or --add to add a world beside it.",
                    returncode=2,
                )
        started = time.monotonic()
        if reset:
            build.reset()
            self.stdout.write(f"emptied in {time.monotonic() - started:.1f} s")
        anchor = timezone.now().replace(minute=0, second=0, microsecond=0)
        if today:
            anchor = timezone.make_aware(datetime.datetime.combine(today, datetime.time(18)))
        world = World(scale=SCALES[scale], seed=seed, anchor=anchor)

        def progress(done, total):
            if done % max(1, total // 20) == 0 or done == total:
                self.stdout.write(f"  {done:>5,}/{total:,} grids, {time.monotonic() - started:6.1f} s")

        self.stdout.write(f"generating a {scale} (seed {seed}, up to {anchor:%Y-%m-%d %H:%M})…")
        counts = world.build(progress)
        built = time.monotonic() - started
        analyzed = build.analyze()
        for table, rows in counts.items():
            self.stdout.write(f"  {table:<40}{rows:>12,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{scale} written in {built:.1f} s (of which indexes and constraints {world.indexed_in:.1f} s), "
                f"analyzed in {analyzed:.1f} s: {built + analyzed:.1f} s"
            )
        )
