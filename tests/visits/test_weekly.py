"""Visits per worker per week: what community staff watch; weeks start on Monday in Shanghai."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from .conftest import log

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# A Wednesday noon; this week began on Monday 9 March, the one before on 2 March.
WEDNESDAY = datetime.datetime(2026, 3, 11, 12, 0, tzinfo=SHANGHAI)
THIS_MONDAY, LAST_MONDAY = datetime.date(2026, 3, 9), datetime.date(2026, 3, 2)


def at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)


@pytest.fixture
def wednesday():
    with time_machine.travel(WEDNESDAY, tick=False):
        yield


def weekly(client, user):
    client.force_login(user)
    return client.get(reverse("visit_weekly")).context


def test_staff_see_each_workers_visits_per_week(client, wednesday, staff, wu, zhou, ren, shop1):
    log(wu, household=ren.household, visited_at=at(THIS_MONDAY, 9))
    log(wu, shop=shop1, visited_at=at(THIS_MONDAY + datetime.timedelta(days=2), 10))
    log(wu, shop=shop1, visited_at=at(LAST_MONDAY, 15))
    log(zhou, household=ren.household, visited_at=at(THIS_MONDAY, 11))
    context = weekly(client, staff)
    assert context["weeks"][:2] == [THIS_MONDAY, LAST_MONDAY]
    assert [(name, counts[:2], total) for name, counts, total in context["rows"]] == [
        ("吴佳栋", [2, 1], 3),
        ("周敏", [1, 0], 1),
    ]


def test_a_visit_just_after_midnight_on_monday_belongs_to_the_new_week(client, wednesday, staff, wu, shop1):
    log(wu, shop=shop1, visited_at=at(THIS_MONDAY, 0, 30))  # Sunday 16:30 UTC
    log(wu, shop=shop1, visited_at=at(THIS_MONDAY - datetime.timedelta(days=1), 23, 30))
    [(_, counts, total)] = weekly(client, staff)["rows"]
    assert (counts[:2], total) == ([1, 1], 2)


def test_a_visit_in_another_community_is_not_counted(client, wednesday, staff, wu, pan, shop1, other_shop):
    log(wu, shop=shop1, visited_at=at(THIS_MONDAY, 9))
    log(pan, shop=other_shop, visited_at=at(THIS_MONDAY, 9))
    assert [(name, total) for name, _, total in weekly(client, staff)["rows"]] == [("吴佳栋", 1)]


def test_visits_older_than_eight_weeks_are_left_out(client, wednesday, staff, wu, shop1):
    log(wu, shop=shop1, visited_at=at(THIS_MONDAY - datetime.timedelta(weeks=8), 9))
    context = weekly(client, staff)
    assert len(context["weeks"]) == 8
    assert context["rows"] == []


def test_grid_workers_are_not_shown_the_weekly_counts(client, wu):
    client.force_login(wu)
    assert client.get(reverse("visit_weekly")).status_code == 403
