"""What every benchmark command shares: it empties whole tables of the database it is pointed at
(the register, visits, notifications, imports …), so it runs only on a database of its own,
one whose name ends in ``_bench`` (``make bench`` creates ``gridapp_bench``), and on PostgreSQL.

A benchmark command subclasses ``BenchCommand``; a test checks that every ``bench_*`` command does.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

BENCH_SUFFIX = "_bench"


def database_name(alias=DEFAULT_DB_ALIAS):
    """The configured name of the database; for SQLite the file name's stem (gridapp_bench.sqlite3)."""
    config = settings.DATABASES[alias]
    name = str(config.get("NAME") or "")
    if config.get("ENGINE", "").endswith("sqlite3"):
        return Path(name).stem
    return name


def refuse_foreign_database(alias=DEFAULT_DB_ALIAS):
    """Raise CommandError unless the database's name ends in ``_bench``."""
    name = database_name(alias)
    if not name.endswith(BENCH_SUFFIX):
        raise CommandError(
            f"Refusing to run on the database {name!r}: a benchmark empties whole tables (the register, "
            f"visits, notifications, imports), so it runs only on a database of its own whose name ends "
            f"in {BENCH_SUFFIX!r}, such as DATABASE_URL=postgres://…/gridapp_bench (make bench creates it).",
            returncode=2,
        )


class BenchCommand(BaseCommand):
    """A benchmark command: refuses a database not named ``*_bench``, or not PostgreSQL, before
    its ``handle`` runs."""

    def execute(self, *args, **options):
        refuse_foreign_database()
        if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
            raise CommandError("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…", returncode=2)
        return super().execute(*args, **options)
