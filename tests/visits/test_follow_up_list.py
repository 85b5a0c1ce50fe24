"""The full list of follow-ups behind the worker's day's "all follow-ups": Wu's own, due and
overdue, riskiest household first, each opening the visit form; every open one on the second
tab; staff see every grid's they run, with whose it is; paginated, and bounded in queries."""

import datetime

from django.urls import reverse
from django.utils import timezone

from visits.models import CareLevel, CareRule, FollowUp

from ..checkins.conftest import care, days_ago
from ..factories import HouseholdFactory, ShopFactory
from .conftest import log


def follow_up(worker, what, *, due_on, household=None, shop=None, done=False):
    visit = log(worker, household=household, shop=shop, visited_at=timezone.now() - datetime.timedelta(days=12))
    return FollowUp.objects.create(
        visit=visit,
        grid=visit.grid,
        what=what,
        due_on=due_on,
        assignee=worker,
        done_at=timezone.now() if done else None,
        outcome="已完成" if done else "",
    )


def listed(client, user, **query):
    client.force_login(user)
    response = client.get(reverse("follow_ups"), query)
    assert response.status_code == 200
    return response


def test_wus_follow_ups_due_riskiest_household_first(client, wu, grid1, ren, zhou):
    weekly, _ = CareLevel.objects.get_or_create(
        suggest_for=CareRule.ALONE_80_OR_EQUIPMENT, defaults={"name": "每周探访", "cadence_days": 7}
    )
    care(ren, weekly)
    shop = follow_up(wu, "复查灭火器", due_on=days_ago(5), shop=ShopFactory(grid=grid1))
    plain = follow_up(wu, "送表格", due_on=days_ago(3), household=HouseholdFactory(grid=grid1))
    ventilator = follow_up(wu, "回访呼吸机维修情况", due_on=timezone.localdate(), household=ren.household)
    follow_up(wu, "下周再看", due_on=timezone.localdate() + datetime.timedelta(days=7), household=ren.household)
    follow_up(wu, "已经办好", due_on=days_ago(1), household=ren.household, done=True)
    follow_up(zhou, "周的事项", due_on=days_ago(1), household=ren.household)

    response = listed(client, wu)
    # Ren's household (weekly care, a ventilator) first; then the oldest due.
    assert list(response.context["page"]) == [ventilator, shop, plain]
    html = response.content.decode()
    links = [html.index(f'href="{reverse("visit_household", args=[ren.household.pk])}"')]
    links.append(html.index(f'href="{reverse("visit_shop", args=[shop.visit.shop_id])}"'))
    assert links == sorted(links)
    assert "已超期 5 天" in html and "今天到期" in html
    assert "周的事项" not in html and "下周再看" not in html


def test_every_open_follow_up_on_the_second_tab_soonest_first(client, wu, ren):
    later = follow_up(wu, "下周再看", due_on=timezone.localdate() + datetime.timedelta(days=7), household=ren.household)
    due = follow_up(wu, "今天的事", due_on=timezone.localdate(), household=ren.household)
    response = listed(client, wu, when="open")
    assert list(response.context["page"]) == [due, later]
    assert "7 天后到期" in response.content.decode()


def test_staff_see_every_follow_up_of_their_grids_with_whose_it_is(client, staff, wu, chen, ren, grid2_household):
    mine = follow_up(wu, "吴的事项", due_on=timezone.localdate(), household=ren.household)
    chens = follow_up(chen, "陈的事项", due_on=days_ago(1), household=grid2_household)
    response = listed(client, staff)
    assert set(response.context["page"]) == {mine, chens}
    assert "吴佳栋" in response.content.decode()


def test_chen_does_not_see_wus_follow_ups(client, wu, chen, ren):
    follow_up(wu, "吴的事项", due_on=timezone.localdate(), household=ren.household)
    assert list(listed(client, chen).context["page"]) == []


def test_odd_parameters_fall_back_to_the_first_page_of_those_due(client, wu, ren):
    due = follow_up(wu, "今天的事", due_on=timezone.localdate(), household=ren.household)
    for query in ({"when": "<script>"}, {"when": "open", "page": "x"}, {"page": "9999"}, {"when": "due" * 300}):
        response = listed(client, wu, **query)
        assert list(response.context["page"]) == [due], query


def test_the_list_is_paginated_and_costs_the_same_queries(client, wu, ren, django_assert_num_queries):
    follow_up(wu, "事项", due_on=days_ago(1), household=ren.household)
    client.force_login(wu)
    with django_assert_num_queries(6):
        client.get(reverse("follow_ups"))
    for n in range(30):
        follow_up(wu, f"事项{n}", due_on=days_ago(1), household=HouseholdFactory(grid=ren.household.grid))
    with django_assert_num_queries(6):
        response = client.get(reverse("follow_ups"))
    assert len(response.context["page"]) == 30 and response.context["page"].paginator.num_pages == 2
    assert response.context["page"].paginator.count == 31
