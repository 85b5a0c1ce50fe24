"""Logging a visit through the API: the visit's client_id is the idempotency key (the same key
again returns the same visit, 200 instead of 201; another user's key is a 409), bad input is a 400
naming the field, and nothing is written by a refused request."""

import datetime
import uuid

import pytest
from django.utils import timezone

from visits.models import FollowUp, Visit

URL = "/api/v1/visits/"


def _visit(place, **fields):
    return {
        "client_id": str(uuid.uuid4()),
        "household": place.pk,
        "visited_at": timezone.now().isoformat(),
        "purposes": ["routine"],
        **fields,
    }


def test_wu_logs_a_visit_to_ren_with_a_follow_up(api, wu, ren):
    due = timezone.localdate() + datetime.timedelta(days=10)
    body = _visit(
        ren.household,
        notes="呼吸机坏了，已联系维修",
        residents_seen=[{"resident": ren.pk, "condition": "well"}],
        follow_up={"what": "回访呼吸机维修", "due_on": due.isoformat()},
    )
    response = api(wu).post(URL, body)
    assert response.status_code == 201, response.json()
    visit = Visit.objects.get()
    assert response.json()["id"] == visit.pk
    assert response.json()["residents_seen"] == [{"resident": ren.pk, "condition": "well"}]
    assert visit.worker == wu and visit.notes == "呼吸机坏了，已联系维修"
    assert FollowUp.objects.get().due_on == due


def test_the_same_client_id_again_returns_the_same_visit(api, wu, ren):
    caller = api(wu)
    body = _visit(ren.household)
    first = caller.post(URL, body)
    again = caller.post(URL, body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Visit.objects.count() == 1


def test_another_users_client_id_is_409(api, wu, staff, ren):
    body = _visit(ren.household)
    assert api(wu).post(URL, body).status_code == 201
    response = api(staff, language="en").post(URL, body)
    assert response.status_code == 409
    assert response.json()["detail"] == "This client_id belongs to another user's visit."
    assert Visit.objects.count() == 1


def test_chen_cannot_log_a_visit_to_wus_household(api, chen, ren):
    response = api(chen, language="en").post(URL, _visit(ren.household))
    assert response.status_code == 400
    assert response.json()["errors"] == {"household": ["No such record among those you see."]}
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"client_id": "not-a-uuid"}, "client_id"),
        ({"purposes": ["tea"]}, "purposes"),
        ({"purposes": []}, "purposes"),
        ({"visited_at": "yesterday"}, "visited_at"),
        ({"visited_at": "2999-01-01T10:00:00+08:00"}, "visited_at"),
        ({"household": "abc"}, "household"),
        ({"household": None}, "household"),
        ({"residents_seen": [{"resident": 1, "condition": "fine"}]}, "residents_seen"),
        ({"notes": "x" * 4001}, "notes"),
        ({"follow_up": {"what": "回访", "due_on": "next week"}}, "follow_up"),
    ],
)
def test_bad_input_is_400_naming_the_field(api, wu, ren, change, field):
    response = api(wu).post(URL, {**_visit(ren.household), **change})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and field in body["errors"], body
    assert body["detail"] == "所提交的部分内容无效。"
    assert not Visit.objects.exists()


def test_a_resident_of_another_household_is_refused(api, wu, ren, linjiang4):
    from tests.factories import HouseholdFactory, ResidentFactory

    neighbour = ResidentFactory(household=HouseholdFactory(grid=ren.household.grid, building=linjiang4))
    body = _visit(ren.household, residents_seen=[{"resident": neighbour.pk, "condition": "well"}])
    response = api(wu).post(URL, body)
    assert response.status_code == 400 and "residents_seen" in response.json()["errors"]


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '"text"', ""])
def test_malformed_json_is_400(api, wu, body):
    response = api(wu).post(URL, body)
    assert response.status_code == 400
    assert response.json()["code"] in {"parse_error", "invalid"}


def test_a_household_and_a_shop_at_once_is_400(api, wu, ren, shop1):
    response = api(wu).post(URL, _visit(ren.household, shop=shop1.pk))
    assert response.status_code == 400 and "household" in response.json()["errors"]
