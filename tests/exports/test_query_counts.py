"""Each export costs a fixed number of queries, however many rows it holds (no N+1)."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Category
from cases.services import case_report
from gridapp.models import HouseholdTag, HouseholdTagLink, PersonCategory
from visits.services import NewFollowUp, log_visit

from ..factories import BuildingFactory, HouseholdFactory, ResidentFactory
from .conftest import categorise, workbook

# Pinned: session, user, permissions (2), the user's roles (scope), the communities the user
# runs and the posted grid (2), a savepoint, the rows with their prefetches (households + tags,
# residents + categories; visits + purposes, residents seen, their residents, follow-ups;
# cases; residents + categories + household tags), the access-log entry, the release; the
# roster page also counts the unread messages for the navbar; the roster (page and .xlsx) reads
# the open flood and structural hazards in one more.
BUDGET = {"register": 13, "visits": 14, "cases": 11, "roster": 14, "roster_xlsx": 13}


def _populate(grid, n, worker):
    building = BuildingFactory(grid=grid, road="新塘路", number=str(100 + n))
    category = Category.objects.order_by("pk").first()
    for i in range(n):
        household = HouseholdFactory(
            grid=grid, building=building if i % 2 else None, room=str(i), address=f"新塘路{n}-{i}"
        )
        HouseholdTagLink.objects.create(household=household, tag=HouseholdTag.LIVING_ALONE)
        resident = ResidentFactory(household=household, date_of_birth=datetime.date(1935, 1, 1))
        categorise(resident, PersonCategory.ELDERLY_ALONE, PersonCategory.DISABLED)
        log_visit(
            worker=worker,
            client_id=uuid.uuid4(),
            visited_at=timezone.now() - datetime.timedelta(hours=2),
            household=household,
            conditions={resident: "well"},
            follow_up=NewFollowUp(what="回访", due_on=timezone.localdate(), assignee=worker),
        )
        case_report(
            by=worker,
            grid=grid,
            title=f"事件{i}",
            description="…",
            category=category,
            priority="normal",
            channel="walk_in",
            complainant=resident,
        )


def _count(client, url, data):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
        if response.get("Content-Type", "").startswith("application/vnd"):
            workbook(response)
        else:
            assert response.status_code == 200
    return len(queries)


EXPORTS = {
    "register": ("/exports/", {"what": "register"}),
    "visits": ("/exports/", {"what": "visits", "start": "2000-01-01", "end": "2099-12-31"}),
    "cases": ("/exports/", {"what": "cases"}),
    "roster": ("/exports/typhoon-roster/", {}),
    "roster_xlsx": ("/exports/typhoon-roster/", {"format": "xlsx"}),
}


@pytest.mark.parametrize("name", list(EXPORTS))
def test_queries_do_not_grow_with_the_rows(client, staff, wu, grid1, name):
    url, data = EXPORTS[name]
    data = {**data, "grid": grid1.pk, "reason_choice": "visits"}
    client.force_login(staff)
    _populate(grid1, 3, wu)
    few = _count(client, url, data)
    _populate(grid1, 30, wu)
    many = _count(client, url, data)
    assert few == many, f"{name}: {few} queries for 3 rows, {many} for 33"
    assert many == BUDGET[name], f"{name}: {many} queries"
