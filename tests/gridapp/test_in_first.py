"""``field__in_first``: the same rows as ``field__in``; on PostgreSQL the subquery is an array
computed before the outer query (so a grid's rows are found by index, not joined from the town's)."""

import pytest
from django.db import connection

from gridapp.models import Household, Resident

from ..factories import HouseholdFactory, ResidentFactory


@pytest.fixture
def residents(grid1, grid2):
    return {grid: [ResidentFactory(household=HouseholdFactory(grid=grid)) for _ in range(3)] for grid in (grid1, grid2)}


def test_it_finds_the_same_rows_as_in(residents, grid1):
    households = Household.objects.filter(grid=grid1).order_by().values("pk")
    first = Resident.objects.filter(household_id__in_first=households)
    joined = Resident.objects.filter(household_id__in=households)
    assert set(first) == set(joined) == set(residents[grid1])


def test_an_empty_subquery_finds_nothing(residents):
    assert not Resident.objects.filter(household_id__in_first=Household.objects.none().values("pk")).exists()


def test_it_works_on_a_foreign_key_too(residents, grid2):
    households = Household.objects.filter(grid=grid2).order_by().values("pk")
    assert set(Resident.objects.filter(household__in_first=households)) == set(residents[grid2])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the array form is PostgreSQL's")
def test_on_postgresql_the_subquery_is_an_array_computed_first(residents, grid1):
    households = Household.objects.filter(grid=grid1).order_by().values("pk")
    sql = str(Resident.objects.filter(household_id__in_first=households).query)
    assert "= ANY(ARRAY(SELECT" in sql
