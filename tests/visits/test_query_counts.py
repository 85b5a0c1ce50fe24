"""Query budgets for the visit pages: a page with 20 rows costs what it costs with 1.

Each test builds the page's world with one row, counts the queries, grows it to 20 rows and
counts again under ``django_assert_num_queries`` with the page's pinned budget.
"""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gridapp.models import ResidentCategoryLink, RoleKind
from visits import services
from visits.models import Campaign

from ..factories import HouseholdFactory, ResidentFactory, ShopFactory, UserFactory, give_role
from .conftest import log

MANY = 20
_n = itertools.count()


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def day_counted(response, key):
    """A section of the worker's day as a sequence as long as its count."""
    [section] = [s for s in response.context["sections"] if s.key == key]
    return range(section.count)


def follow_up(worker, due_on):
    return services.NewFollowUp(what=f"回访{next(_n)}", due_on=due_on, assignee=worker)


class WorkersDay:
    """Wu's day: follow-ups due, residents in care, today's visits — ``rows`` of each."""

    def __init__(self, wu, grid):
        self.wu, self.grid, self.rows = wu, grid, 0

    def grow_to(self, rows):
        for _ in range(self.rows, rows):
            resident = ResidentFactory(household=HouseholdFactory(grid=self.grid))
            ResidentCategoryLink.objects.create(resident=resident, category="elderly_alone")
            log(
                self.wu,
                household=resident.household,
                conditions={resident: "well"},
                purposes=["routine", "safety"],
                follow_up=follow_up(self.wu, timezone.localdate()),
            )
        self.rows = rows


class TargetVisits:
    """A household (its resident seen each time) or a shop with ``rows`` visits, each with two
    purposes and a follow-up."""

    def __init__(self, wu, *, household=None, resident=None, shop=None):
        self.wu, self.target, self.rows = wu, {"household": household} if household else {"shop": shop}, 0
        self.conditions = {resident: "well"} if resident else {}

    def grow_to(self, rows):
        for n in range(self.rows, rows):
            log(
                self.wu,
                **self.target,
                visited_at=timezone.now() - datetime.timedelta(hours=n),
                conditions=self.conditions,
                purposes=["routine", "flood"],
                follow_up=follow_up(self.wu, timezone.localdate()),
            )
        self.rows = rows


class Campaigns:
    """``rows`` campaigns over Grid 1 and Grid 2, each with one campaign visit."""

    def __init__(self, wu, staff, grids):
        self.wu, self.staff, self.grids, self.rows = wu, staff, grids, 0
        self.shop = ShopFactory(grid=grids[0])

    def grow_to(self, rows):
        today = timezone.localdate()
        for n in range(self.rows, rows):
            campaign = Campaign.objects.create(
                name=f"宣传{n}", starts_on=today, ends_on=today, created_by=self.staff, target="all_shops"
            )
            campaign.grids.add(*self.grids)
            log(self.wu, shop=self.shop, campaign=campaign, purposes=["campaign"])
        self.rows = rows


class CampaignShops:
    """One campaign over Grid 1 with ``rows`` visited and ``rows`` remaining shops."""

    def __init__(self, wu, campaign):
        self.wu, self.campaign, self.rows = wu, campaign, 0

    def grow_to(self, rows):
        grid = self.campaign.grids.get()
        for _ in range(self.rows, rows):
            log(self.wu, shop=ShopFactory(grid=grid), campaign=self.campaign, purposes=["campaign"])
            ShopFactory(grid=grid)
        self.rows = rows


class WeeklyVisits:
    """``rows`` workers of Grid 1, each with a visit this week and one last week."""

    def __init__(self, grid, household):
        self.grid, self.household, self.rows = grid, household, 0

    def grow_to(self, rows):
        for n in range(self.rows, rows):
            worker = give_role(UserFactory(username=f"worker{n}"), RoleKind.GRID_WORKER, grid=self.grid)
            log(worker, household=self.household)
            log(worker, household=self.household, visited_at=timezone.now() - datetime.timedelta(days=7))
        self.rows = rows


class HouseholdResidents:
    """A household with ``rows`` residents and ``rows`` open follow-ups to tick."""

    def __init__(self, wu, household):
        self.wu, self.household, self.rows = wu, household, 0

    def grow_to(self, rows):
        for _ in range(self.rows, rows):
            ResidentFactory(household=self.household, health_notes="高血压")
            log(self.wu, household=self.household, follow_up=follow_up(self.wu, timezone.localdate()))
        self.rows = rows


@pytest.fixture
def pages(wu, staff, grid1, grid2, ren, shop1, eco_campaign):
    """page → (viewer, world, URL, rows shown, budget)."""
    household = HouseholdFactory(grid=grid1)
    return {
        "workers_day": (
            wu,
            WorkersDay(wu, grid1),
            reverse("home"),
            # The day shows a few rows of each section and counts the rest (issue 13): the counts
            # stand for the rows grown. The full world of the day: tests/gridapp/test_worker_home.py.
            lambda r: (day_counted(r, "today"), day_counted(r, "visits")),
            13,
        ),
        "household_visits": (
            wu,
            TargetVisits(wu, household=ren.household, resident=ren),
            reverse("household_detail", args=[ren.household.pk]),
            lambda r: (r.context["visits"],),
            14,
        ),
        "shop_visits": (
            wu,
            TargetVisits(wu, shop=shop1),
            reverse("shop_detail", args=[shop1.pk]),
            lambda r: (r.context["visits"],),
            10,
        ),
        "campaign_list": (
            staff,
            Campaigns(wu, staff, [grid1, grid2]),
            reverse("campaign_list"),
            lambda r: (r.context["campaigns"],),
            8,
        ),
        "campaign_detail": (
            staff,
            CampaignShops(wu, eco_campaign),
            reverse("campaign_detail", args=[eco_campaign.pk]),
            lambda r: (r.context["remaining"],),
            8,
        ),
        "weekly": (
            staff,
            WeeklyVisits(grid1, household),
            reverse("visit_weekly"),
            lambda r: (r.context["rows"],),
            5,
        ),
        "visit_form": (
            wu,
            HouseholdResidents(wu, household),
            reverse("visit_household", args=[household.pk]),
            lambda r: (r.context["form"].resident_fields, r.context["form"].open_follow_ups),
            8,
        ),
    }


@pytest.mark.parametrize(
    "page",
    ["workers_day", "household_visits", "shop_visits", "campaign_list", "campaign_detail", "weekly", "visit_form"],
)
def test_page_costs_the_same_for_1_and_20_rows(client, pages, page, django_assert_num_queries):
    viewer, world, url, rows_of, budget = pages[page]
    client.force_login(viewer)
    world.grow_to(1)
    assert queries_for(client, url) == budget
    world.grow_to(MANY)
    with django_assert_num_queries(budget):
        response = client.get(url)
    assert all(len(rows) >= MANY for rows in rows_of(response))
