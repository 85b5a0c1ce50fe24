"""Visits on the register's pages: a household's and a shop's history, and the grid page's
"last visited" with the "not visited in N days" filter."""

import datetime

from django.urls import reverse
from django.utils import timezone

from ..factories import HouseholdFactory, ShopFactory
from .conftest import log


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def test_the_household_page_lists_its_visits_newest_first(client, wu, zhou, ren):
    older = log(zhou, household=ren.household, visited_at=days_ago(3), notes="一切正常")
    newer = log(wu, household=ren.household, visited_at=days_ago(1), notes="呼吸机坏了", conditions={ren: "needs_help"})
    client.force_login(wu)
    response = client.get(ren.household.get_absolute_url())
    assert response.context["visits"] == [newer, older]
    assert response.context["last_visit"] == newer
    page = response.content.decode()
    assert page.index("呼吸机坏了") < page.index("一切正常")


def test_the_shop_page_lists_its_visits(client, wu, shop1):
    visit = log(wu, shop=shop1, notes="灭火器过期")
    client.force_login(wu)
    response = client.get(shop1.get_absolute_url())
    assert response.context["visits"] == [visit]
    assert "灭火器过期" in response.content.decode()


def test_the_grid_page_shows_when_each_household_was_last_visited(client, wu, grid1, ren):
    log(wu, household=ren.household, visited_at=days_ago(40))
    latest = log(wu, household=ren.household, visited_at=days_ago(2))
    client.force_login(wu)
    response = client.get(reverse("grid_detail", args=[grid1.pk]))
    [row] = response.context["page"]
    assert row.last_visited == latest.visited_at
    assert timezone.localtime(latest.visited_at).strftime("%Y-%m-%d") in response.content.decode()


def test_not_visited_in_30_days_lists_the_never_and_long_ago_visited_not_yesterdays(client, wu, grid1):
    never = HouseholdFactory(grid=grid1, address="临江路1号")
    long_ago = HouseholdFactory(grid=grid1, address="临江路2号")
    yesterday = HouseholdFactory(grid=grid1, address="临江路3号")
    log(wu, household=long_ago, visited_at=days_ago(45))
    log(wu, household=yesterday, visited_at=days_ago(45))
    log(wu, household=yesterday, visited_at=days_ago(1))  # the latest visit is what counts
    client.force_login(wu)
    response = client.get(reverse("grid_detail", args=[grid1.pk]) + "?not_visited_days=30")
    assert list(response.context["page"]) == [never, long_ago]
    assert response.context["page"][1].last_visited is not None


def test_shops_not_visited_in_30_days(client, wu, grid1):
    never = ShopFactory(grid=grid1, address="峙山北路1号")
    long_ago = ShopFactory(grid=grid1, address="峙山北路2号")
    recent = ShopFactory(grid=grid1, address="峙山北路3号")
    log(wu, shop=long_ago, visited_at=days_ago(45))
    log(wu, shop=recent, visited_at=days_ago(1))
    client.force_login(wu)
    response = client.get(reverse("grid_detail", args=[grid1.pk]) + "?tab=shops&not_visited_days=30")
    assert list(response.context["page"]) == [never, long_ago]


def test_an_unknown_not_visited_filter_is_reported_and_ignored(client, wu, grid1, ren):
    log(wu, household=ren.household, visited_at=days_ago(1))
    client.force_login(wu)
    response = client.get(reverse("grid_detail", args=[grid1.pk]) + "?not_visited_days=5")
    assert "not_visited_days" in response.context["form"].errors
    assert list(response.context["page"]) == [ren.household]
