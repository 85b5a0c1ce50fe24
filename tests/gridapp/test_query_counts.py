"""Query budgets for every list page: a page of 50 rows costs what a page of 1 row costs.

Each test builds Grid 1 with one row and counts the page's queries, then grows it to 50 rows
(a full page) and counts again. Both counts must equal the page's pinned budget, so an N+1 or
any new query shows up in review.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gridapp.models import HouseholdTagLink, ResidentCategoryLink

from ..factories import (
    BuildingFactory,
    CommunityFactory,
    GridFactory,
    HouseholdFactory,
    ResidentFactory,
    ShopFactory,
)


class Grid1:
    """Grid 1 with ``rows`` of everything: buildings, households in one building (each with a
    tagged resident in a person category), shops, and residents of the first household."""

    def __init__(self, grid):
        self.grid = grid
        self.building = BuildingFactory(grid=grid, road="临江路", number="4")
        self.first_household = None
        self.rows = 0

    def grow_to(self, rows):
        for n in range(self.rows, rows):
            if n:
                BuildingFactory(grid=self.grid, road="峙山北路")
            room = str(101 + n)
            household = HouseholdFactory(
                grid=self.grid, building=self.building, unit="1", room=room, address=f"临江路4幢1单元{room}室"
            )
            HouseholdTagLink.objects.create(household=household, tag="empty_nest")
            resident = ResidentFactory(household=household, name=f"任{n}")
            ResidentCategoryLink.objects.create(resident=resident, category="elderly_alone")
            ShopFactory(grid=self.grid, building=self.building)
            if self.first_household is None:
                self.first_household = household
            else:
                ResidentFactory(household=self.first_household)
        self.rows = rows


# page → (URL for the world, rows the page shows, queries it may make)
PAGES = {
    # The staff home is their desk: each group of it counts (the case groups in one query) and
    # fetches rows only when it has any (tests/gridapp/test_desk.py pins a desk with every group full).
    "home": (lambda w: reverse("home"), None, 12),
    "households": (lambda w: reverse("grid_detail", args=[w.grid.pk]), lambda r: r.context["page"], 8),
    "households_searched": (
        lambda w: reverse("grid_detail", args=[w.grid.pk]) + "?q=临江路&category=elderly_alone&tag=empty_nest",
        lambda r: r.context["page"],
        8,
    ),
    "shops": (lambda w: reverse("grid_detail", args=[w.grid.pk]) + "?tab=shops", lambda r: r.context["page"], 7),
    "buildings": (
        lambda w: reverse("grid_detail", args=[w.grid.pk]) + "?tab=buildings",
        lambda r: r.context["page"],
        7,
    ),
    "building": (lambda w: reverse("building_detail", args=[w.building.pk]), lambda r: r.context["households"], 8),
    "household": (
        lambda w: reverse("household_detail", args=[w.first_household.pk]),
        lambda r: r.context["residents"],
        10,
    ),
}


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("page", PAGES)
def test_page_costs_the_same_queries_for_1_and_50_rows(client, staff, grid1, page, django_assert_num_queries):
    url_for, rows_of, budget = PAGES[page]
    world = Grid1(grid1)
    world.grow_to(1)
    client.force_login(staff)
    assert queries_for(client, url_for(world)) == budget
    world.grow_to(50)
    with django_assert_num_queries(budget):
        response = client.get(url_for(world))
    if rows_of is not None:
        assert len(rows_of(response)) == 50


def test_admin_home_query_count_does_not_grow_with_communities(client, admin_user, grid1):
    client.force_login(admin_user)
    one_community = queries_for(client, reverse("home"))
    for _ in range(3):
        GridFactory(community=CommunityFactory())
    assert queries_for(client, reverse("home")) == one_community
