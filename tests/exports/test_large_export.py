"""A community of thousands: the export streams, so memory stays small and the queries fixed."""

import datetime
import time
import tracemalloc

from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridapp.models import Household, PersonCategory, Resident, ResidentCategoryLink

from .conftest import post_export, workbook

HOUSEHOLDS = 5000


def _fill(grid):
    households = Household.objects.bulk_create(
        Household(grid=grid, address=f"通二路{i}号", head_name=f"户主{i}", phone=f"139{i:08d}")
        for i in range(HOUSEHOLDS)
    )
    residents = Resident.objects.bulk_create(
        Resident(
            household=h,
            name=f"居民{i}",
            sex="F",
            date_of_birth=datetime.date(1940, 1, 1),
            mobile=f"138{i:08d}",
            emergency_contact_name="儿子",
            emergency_contact_phone=f"137{i:08d}",
        )
        for i, h in enumerate(households)
    )
    ResidentCategoryLink.objects.bulk_create(
        ResidentCategoryLink(resident=r, category=PersonCategory.ELDERLY_ALONE) for r in residents
    )


def test_ten_thousand_rows_stay_cheap(client, staff, grid1, dongluchi):
    _fill(grid1)
    client.force_login(staff)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        wb = workbook(post_export(client, what="register", community=dongluchi.pk))
    seconds, count = time.perf_counter() - started, len(queries)
    assert wb["居民"].max_row == HOUSEHOLDS + 2
    # The rows are read in chunks of 2,000 (each with its prefetch query), never all at once.
    assert count <= 30
    tracemalloc.start()  # slows Python down several times: measured on a second export
    post_export(client, what="register", community=dongluchi.pk)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"\n{2 * HOUSEHOLDS} rows: {count} queries, {seconds:.1f} s, peak {peak / 2**20:.1f} MiB traced")
    assert peak < 40 * 2**20
