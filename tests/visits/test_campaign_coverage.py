"""Campaign coverage that matches the street (issue 13, item 6): any visit to a campaign's target
within its dates with its purpose counts, from whichever page it was logged; a shop's own visit
form offers the campaigns the shop is a target of, preselected when there is one."""

import datetime

from django.urls import reverse
from django.utils import timezone, translation

from gridapp import scope
from visits import selectors
from visits.models import Campaign, Visit

from ..factories import HouseholdFactory, ShopFactory
from .conftest import log, visit_form


def days(n):
    return timezone.now() + datetime.timedelta(days=n)


def coverage(staff, campaign):
    return selectors.campaign_coverage(staff, campaign)


def shop_url(shop):
    return reverse("visit_shop", args=[shop.pk])


def campaign(staff, grid, name, *, starts=-7, ends=30, target="street_front_shops", visit_purpose="campaign"):
    today = timezone.localdate()
    made = Campaign.objects.create(
        name=name,
        starts_on=today + datetime.timedelta(days=starts),
        ends_on=today + datetime.timedelta(days=ends),
        target=target,
        visit_purpose=visit_purpose,
        created_by=staff,
    )
    made.grids.add(grid)
    return made


# --- the rule -----------------------------------------------------------------------------------


def test_a_visit_from_the_shops_own_page_counts_towards_the_campaign(client, wu, staff, shop1, eco_campaign):
    client.force_login(wu)
    form = client.get(shop_url(shop1)).context["form"]
    # The one campaign the shop is a target of is preselected, and so is its purpose.
    assert form["campaign"].value() == eco_campaign.pk
    assert form["purposes"].value() == ["campaign"]
    data = visit_form(purposes=form["purposes"].value(), campaign=str(form["campaign"].value()), notes="已发放宣传单")
    response = client.post(shop_url(shop1), data, follow=True)
    # Back to the shop the worker came from, told that it counted and where the campaign stands.
    assert response.redirect_chain == [(shop1.get_absolute_url(), 302)]
    [message] = response.context["messages"]
    assert "已计入“生态环境满意度提升宣传”：已走访 1 / 1。" in str(message)
    assert Visit.objects.get().campaign == eco_campaign
    assert coverage(staff, eco_campaign) == (1, 1)


def test_a_visit_with_the_campaigns_purpose_counts_even_without_naming_the_campaign(staff, wu, shop1, eco_campaign):
    log(wu, shop=shop1, purposes=["campaign", "safety"])  # e.g. logged from the grid's shop list
    assert coverage(staff, eco_campaign) == (1, 1)


def test_a_visit_before_the_campaign_started_does_not_count(staff, wu, shop1, eco_campaign):
    log(wu, shop=shop1, purposes=["campaign"], visited_at=days(-8))  # it started 7 days ago
    assert coverage(staff, eco_campaign) == (0, 1)


def test_a_visit_after_the_campaign_ended_does_not_count(staff, wu, grid1, shop1):
    ended = campaign(staff, grid1, "已结束的宣传", starts=-20, ends=-2)
    log(wu, shop=shop1, purposes=["campaign"], visited_at=days(-1))
    log(wu, shop=ShopFactory(grid=grid1), purposes=["campaign"], visited_at=days(-2))  # its last day counts
    assert coverage(staff, ended) == (1, 2)


def test_the_first_and_last_day_count_in_local_time(staff, wu, shop1, eco_campaign):
    first_day = timezone.localdate() - datetime.timedelta(days=7)
    start = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time(0, 5)))
    log(wu, shop=shop1, purposes=["campaign"], visited_at=start)  # 00:05 in Shanghai, 16:05 UTC the day before
    assert coverage(staff, eco_campaign) == (1, 1)


def test_a_visit_with_another_purpose_does_not_count(staff, wu, shop1, eco_campaign):
    log(wu, shop=shop1, purposes=["safety"])
    assert coverage(staff, eco_campaign) == (0, 1)
    targets, _ = selectors.campaign_targets(staff, eco_campaign)
    assert list(targets.filter(visited=False)) == [shop1]


def test_a_visit_logged_for_another_campaign_counts_for_that_one_only(staff, wu, grid1, shop1, eco_campaign):
    other = campaign(staff, grid1, "垃圾分类宣传", target="all_shops")
    log(wu, shop=shop1, purposes=["campaign"], campaign=other)
    assert (coverage(staff, eco_campaign), coverage(staff, other)) == ((0, 1), (1, 1))


def test_a_campaign_counts_visits_with_its_own_purpose(staff, wu, grid1, ren):
    flood = campaign(staff, grid1, "防汛防台入户宣传", target="all_households", visit_purpose="flood")
    log(wu, household=ren.household, purposes=["routine", "flood"])
    log(wu, household=HouseholdFactory(grid=grid1), purposes=["campaign"])
    assert coverage(staff, flood) == (1, 2)


def test_the_list_of_places_left_matches_the_figure(client, staff, wu, grid1, eco_campaign):
    shops = [ShopFactory(grid=grid1, street_front=True) for _ in range(5)]
    log(wu, shop=shops[0], purposes=["campaign"], campaign=eco_campaign)
    log(wu, shop=shops[1], purposes=["campaign"])  # from the shop's page, no campaign named
    log(wu, shop=shops[2], purposes=["safety"])  # another purpose
    log(wu, shop=shops[3], purposes=["campaign"], visited_at=days(-9))  # before the campaign
    client.force_login(staff)
    context = client.get(reverse("campaign_detail", args=[eco_campaign.pk])).context
    assert (context["visited"], context["total"]) == (2, 5)
    assert set(context["remaining"]) == {shops[2], shops[3], shops[4]}
    assert context["total"] - context["visited"] == len(context["remaining"])


def test_coverage_of_many_campaigns_costs_one_query_per_kind_of_target(
    staff, wu, grid1, shop1, ren, django_assert_num_queries
):
    made = [campaign(staff, grid1, f"宣传{n}", target=("all_shops", "all_households")[n % 2]) for n in range(6)]
    log(wu, shop=shop1, purposes=["campaign"])
    log(wu, household=ren.household, purposes=["campaign"])
    made = list(Campaign.objects.filter(pk__in=[c.pk for c in made]))
    scope.for_user(staff)  # her roles, read once per request
    with django_assert_num_queries(2):
        figures = selectors.coverage_for(staff, made)
    assert set(figures.values()) == {(1, 1)}


# --- the shop's own visit form --------------------------------------------------------------------


def test_a_shop_with_no_running_campaign_defaults_to_a_safety_check(client, wu, shop1):
    client.force_login(wu)
    form = client.get(shop_url(shop1)).context["form"]
    assert form["purposes"].value() == ["safety"]
    assert form.campaigns == {}
    assert form["campaign"].is_hidden


def test_the_shop_form_offers_only_running_campaigns_the_shop_is_a_target_of(client, wu, staff, grid1, grid2):
    back_street = ShopFactory(grid=grid1, street_front=False)
    running = campaign(staff, grid1, "消防安全宣传", target="all_shops", visit_purpose="safety")
    campaign(staff, grid1, "沿街商铺宣传", target="street_front_shops")  # the shop is not street-front
    campaign(staff, grid1, "入户宣传", target="all_households")
    campaign(staff, grid1, "已结束的宣传", starts=-30, ends=-1, target="all_shops")
    campaign(staff, grid1, "尚未开始的宣传", starts=2, ends=9, target="all_shops")
    campaign(staff, grid2, "第二网格宣传", target="all_shops")
    client.force_login(wu)
    form = client.get(shop_url(back_street)).context["form"]
    assert list(form.campaigns.values()) == [running]
    assert form["campaign"].value() == running.pk
    assert form["purposes"].value() == ["safety"]  # the campaign's own purpose


def test_with_two_campaigns_running_the_worker_chooses(client, wu, staff, grid1, shop1, eco_campaign):
    fire = campaign(staff, grid1, "消防安全宣传", target="all_shops", ends=10)
    client.force_login(wu)
    response = client.get(shop_url(shop1))
    form = response.context["form"]
    assert list(form.campaigns.values()) == [fire, eco_campaign]  # ending soonest first
    assert form["campaign"].value() is None
    assert form["purposes"].value() == ["safety"]
    assert response.content.decode().count('name="campaign"') == 3  # "none", and the two campaigns


def test_the_campaign_pages_link_still_preselects_its_campaign(client, wu, staff, grid1, shop1, eco_campaign):
    campaign(staff, grid1, "消防安全宣传", target="all_shops", ends=10)
    client.force_login(wu)
    form = client.get(shop_url(shop1) + f"?campaign={eco_campaign.pk}").context["form"]
    assert (form["campaign"].value(), form["purposes"].value()) == (eco_campaign.pk, ["campaign"])


def test_a_household_form_offers_its_campaigns_without_choosing_one(client, wu, staff, grid1, ren):
    flood = campaign(staff, grid1, "防汛防台入户宣传", target="all_households", visit_purpose="flood")
    client.force_login(wu)
    form = client.get(reverse("visit_household", args=[ren.household.pk])).context["form"]
    assert list(form.campaigns.values()) == [flood]
    # A routine check-in is the common case at a door: nothing counts for the campaign unasked.
    assert (form["campaign"].value(), form["purposes"].value()) == (None, ["routine"])


def test_choosing_a_campaign_adds_its_purpose(client, wu, staff, shop1, eco_campaign):
    client.force_login(wu)
    client.post(shop_url(shop1), visit_form(purposes=["safety"], campaign=str(eco_campaign.pk)))
    visit = Visit.objects.get()
    assert sorted(p.purpose for p in visit.purposes.all()) == ["campaign", "safety"]
    assert coverage(staff, eco_campaign) == (1, 1)


def test_a_visit_dated_before_the_campaign_cannot_be_logged_for_it(client, wu, shop1, eco_campaign):
    client.force_login(wu)
    data = visit_form(purposes=["campaign"], campaign=str(eco_campaign.pk), visited_at=days(-8))
    response = client.post(shop_url(shop1), data)
    assert response.status_code == 200
    [error] = response.context["form"].errors["campaign"]
    assert "生态环境满意度提升宣传" in error
    assert error in response.content.decode()
    assert not Visit.objects.exists()


def test_a_campaign_the_shop_is_not_a_target_of_is_refused_in_chinese(client, wu, staff, grid1, eco_campaign):
    back_street = ShopFactory(grid=grid1, street_front=False)
    client.force_login(wu)
    client.cookies["django_language"] = "zh-hans"
    response = client.post(shop_url(back_street), visit_form(purposes=["campaign"], campaign=str(eco_campaign.pk)))
    with translation.override("zh-hans"):
        expected = translation.gettext("This place is not a target of that campaign, or it is not running.")
    assert response.context["form"].errors["campaign"] == [expected]
    assert expected != "This place is not a target of that campaign, or it is not running."
    assert not Visit.objects.exists()
