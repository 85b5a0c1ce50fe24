"""A follow-up: what must happen next, by when; closed with its outcome by anyone of the grid."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from visits import services

from .conftest import log


@pytest.fixture
def ventilator_follow_up(wu, ren):
    visit = log(
        wu,
        household=ren.household,
        notes="呼吸机坏了",
        follow_up=services.NewFollowUp(
            what="回访呼吸机维修", due_on=timezone.localdate() + datetime.timedelta(days=10), assignee=wu
        ),
    )
    return visit.follow_ups.get()


def detail_url(follow_up):
    return reverse("follow_up_detail", args=[follow_up.pk])


def test_the_follow_up_page_links_to_a_new_visit_of_the_household(client, wu, ventilator_follow_up):
    client.force_login(wu)
    response = client.get(detail_url(ventilator_follow_up))
    assert reverse("visit_household", args=[ventilator_follow_up.visit.household_id]) in response.content.decode()


def test_wu_marks_it_done_with_an_outcome(client, wu, ren, ventilator_follow_up):
    client.force_login(wu)
    response = client.post(detail_url(ventilator_follow_up), {"outcome": "厂家已上门修好"})
    assert response["Location"] == ren.household.get_absolute_url()
    ventilator_follow_up.refresh_from_db()
    assert (ventilator_follow_up.outcome, ventilator_follow_up.done_by) == ("厂家已上门修好", wu)
    assert ventilator_follow_up.done_at is not None
    assert ventilator_follow_up.done_in_visit is None


def test_another_worker_of_the_grid_may_close_it(client, zhou, ventilator_follow_up):
    client.force_login(zhou)
    client.post(detail_url(ventilator_follow_up), {"outcome": "代为回访，已修好"})
    ventilator_follow_up.refresh_from_db()
    assert ventilator_follow_up.done_by == zhou


def test_an_empty_outcome_is_refused(client, wu, ventilator_follow_up):
    client.force_login(wu)
    response = client.post(detail_url(ventilator_follow_up), {"outcome": "   "})
    assert response.status_code == 200
    assert "outcome" in response.context["form"].errors
    ventilator_follow_up.refresh_from_db()
    assert ventilator_follow_up.is_open


def test_closing_it_again_keeps_the_first_outcome(client, wu, zhou, ventilator_follow_up):
    client.force_login(wu)
    client.post(detail_url(ventilator_follow_up), {"outcome": "修好了"})
    client.force_login(zhou)
    client.post(detail_url(ventilator_follow_up), {"outcome": "又修了一次"})
    ventilator_follow_up.refresh_from_db()
    assert (ventilator_follow_up.outcome, ventilator_follow_up.done_by) == ("修好了", wu)


def test_the_household_page_shows_the_open_follow_up(client, wu, ren, ventilator_follow_up):
    client.force_login(wu)
    response = client.get(ren.household.get_absolute_url())
    assert "回访呼吸机维修" in response.content.decode()
