"""The world, grid by grid: its register, its year of visits, its cases. Parents are written
before children (the tables flush in the order they were opened), a few megabytes at a time."""

import time

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from cases.models import Category
from gridapp.models import Household, Town
from visits.models import CareLevel

from . import schema
from .activity import ActivityMixin
from .copy import reset_sequences
from .lifecycle import LifecycleMixin
from .people import PeopleMixin
from .register import RegisterMixin

# The rows the migrations create, which a reset keeps (the app needs them and the world uses them).
KEPT = (Category, CareLevel)
WORLD_APPS = ("gridapp", "visits", "cases")


class World(PeopleMixin, RegisterMixin, ActivityMixin, LifecycleMixin):
    def build(self, progress=lambda done, total: None):
        self.cared = {}
        self.open_people()
        self.open_register()
        self.open_activity()
        self.open_cases()
        with transaction.atomic():
            rebuild = schema.drop(table.table for table in self.writer.tables.values())
            self.build_people()
            for done, grid in enumerate(self.grids, 1):
                homes, shops = self.build_register(grid)
                self.write_care(grid, self.build_visits(grid, homes, shops))
                self.build_cases(grid, homes, f"C{grid.community_id}")
                self.writer.maybe_flush()
                progress(done, len(self.grids))
            self.write_counters()
            self.writer.flush()
            started = time.monotonic()
            schema.restore(rebuild)
            self.indexed_in = time.monotonic() - started
        reset_sequences(table.model for table in self.writer.tables.values())
        return self.writer.counts()


def is_empty():
    """No town, household or account yet (the migrations' own rows do not count)."""
    return not (Town.objects.exists() or Household.objects.exists() or get_user_model().objects.exists())


def world_tables():
    tables = [get_user_model()._meta.db_table]
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in WORLD_APPS and model not in KEPT and not model._meta.proxy:
            tables.append(model._meta.db_table)
    return tables


def reset():
    """Empty every table of the world (and what refers to its accounts), keeping the migrations' rows."""
    tables = ", ".join(f'"{table}"' for table in dict.fromkeys(world_tables()))
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def analyze():
    """VACUUM (ANALYZE) the world as autovacuum would a database in use: the planner's statistics,
    and the visibility map and hint bits of the rows just written, without which no scan is
    index-only and a page's first reads write it back (the measures' timeline query took 210 ms
    before a VACUUM and 30 ms after, on the town; issue 16). VACUUM cannot run in a transaction."""
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
    return time.monotonic() - started
