"""The worker's day on the home page: follow-ups due, who has not been seen the longest, and
today's visits."""

import datetime

from django.urls import reverse
from django.utils import timezone

from gridapp.models import ResidentCategoryLink
from visits.models import FollowUp

from ..factories import HouseholdFactory, ResidentFactory
from .conftest import log


def day_of(client, user):
    client.force_login(user)
    return client.get(reverse("home")).context


def follow_up(visit, *, due_in_days, assignee, done=False):
    return FollowUp.objects.create(
        visit=visit,
        grid=visit.grid,
        what=f"回访 {due_in_days}",
        due_on=timezone.localdate() + datetime.timedelta(days=due_in_days),
        assignee=assignee,
        done_at=timezone.now() if done else None,
        outcome="done" if done else "",
    )


def cared_for(grid, name, *, category="elderly_alone", born=datetime.date(1940, 1, 1)):
    resident = ResidentFactory(household=HouseholdFactory(grid=grid), name=name, date_of_birth=born)
    ResidentCategoryLink.objects.create(resident=resident, category=category)
    return resident


def test_follow_ups_due_today_and_overdue_are_on_wus_day_oldest_first(client, wu, ren):
    visit = log(wu, household=ren.household, visited_at=timezone.now() - datetime.timedelta(days=5))
    today = follow_up(visit, due_in_days=0, assignee=wu)
    overdue = follow_up(visit, due_in_days=-2, assignee=wu)
    follow_up(visit, due_in_days=1, assignee=wu)
    assert list(day_of(client, wu)["follow_ups_due"]) == [overdue, today]


def test_done_follow_ups_and_other_workers_follow_ups_are_not_on_wus_day(client, wu, zhou, ren):
    visit = log(wu, household=ren.household)
    follow_up(visit, due_in_days=0, assignee=wu, done=True)
    follow_up(visit, due_in_days=0, assignee=zhou)
    assert list(day_of(client, wu)["follow_ups_due"]) == []


def test_longest_unseen_lists_the_never_seen_first_then_the_longest_ago(client, wu, grid1):
    never = cared_for(grid1, "从未走访")
    long_ago = cared_for(grid1, "很久以前", category="empty_nest")
    recently = cared_for(grid1, "最近见过", category="medical_equipment")
    log(
        wu,
        household=long_ago.household,
        visited_at=timezone.now() - datetime.timedelta(days=20),
        conditions={long_ago: "well"},
    )
    log(
        wu,
        household=recently.household,
        visited_at=timezone.now() - datetime.timedelta(days=1),
        conditions={recently: "well"},
    )
    assert list(day_of(client, wu)["longest_unseen"]) == [never, long_ago, recently]


def test_not_at_home_is_not_seen(client, wu, grid1):
    out = cared_for(grid1, "不在家")
    log(wu, household=out.household, conditions={out: "not_home"})
    assert day_of(client, wu)["longest_unseen"][0].last_seen is None


def test_only_wus_grid_and_only_residents_who_need_care_are_listed(client, wu, chen, grid1, grid2):
    mine = cared_for(grid1, "独居老人")
    ResidentFactory(household=HouseholdFactory(grid=grid1), name="年轻租客")
    cared_for(grid2, "第二网格老人")
    assert list(day_of(client, wu)["longest_unseen"]) == [mine]


def test_todays_visits_are_wus_own_since_midnight_in_shanghai(client, wu, zhou, ren, shop1):
    midnight = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))
    mine = log(wu, shop=shop1, visited_at=max(midnight, timezone.now() - datetime.timedelta(minutes=5)))
    log(wu, household=ren.household, visited_at=midnight - datetime.timedelta(minutes=1))
    log(zhou, household=ren.household)
    assert list(day_of(client, wu)["todays_visits"]) == [mine]


def test_staff_have_no_worker_day(client, staff):
    assert "follow_ups_due" not in day_of(client, staff)


def test_the_day_shows_what_is_due_who_needs_a_knock_and_where_wu_has_been(client, wu, ren, shop1):
    ResidentCategoryLink.objects.create(resident=ren, category="elderly_alone")
    visit = log(wu, shop=shop1)
    follow_up(visit, due_in_days=0, assignee=wu)
    client.force_login(wu)
    page = client.get(reverse("home")).content.decode()
    assert "回访 0" in page
    assert "任爱香" in page
    assert shop1.name in page
