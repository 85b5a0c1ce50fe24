"""A page of a list costs the same number of queries however many rows it holds."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import HouseholdFactory, ResidentFactory
from visits.services import log_visit


def _count(caller, url):
    caller.get(url)  # the first request writes the client's last use; the access log entry is written once
    with CaptureQueriesContext(connection) as queries:
        assert caller.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("resource", ["households", "residents", "visits"])
def test_a_list_costs_the_same_for_one_row_or_ten(api, wu, grid1, ren, resource):
    caller = api(wu)
    url = f"/api/v1/{resource}/"
    log_visit(worker=wu, client_id=uuid.uuid4(), visited_at=timezone.now(), household=ren.household)
    few = _count(caller, url)
    for _ in range(9):
        household = HouseholdFactory(grid=grid1)
        ResidentFactory(household=household)
        log_visit(worker=wu, client_id=uuid.uuid4(), visited_at=timezone.now(), household=household)
    assert _count(caller, url) == few
