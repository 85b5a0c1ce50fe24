"""A client sees what its bound user sees, through the same scope as the pages: a client of Wu
(Grid 1) never sees Grid 2's or another community's households, residents, shops, visits or
cases — absent from lists, 404 on detail."""

import datetime
import uuid

import pytest
from django.utils import timezone

from cases.models import Category
from cases.services import case_report
from visits.services import log_visit


@pytest.fixture
def two_grids(ren, shop1, grid2_resident, grid2_shop, wu, chen):
    mine, _ = log_visit(worker=wu, client_id=uuid.uuid4(), visited_at=timezone.now(), household=ren.household)
    theirs, _ = log_visit(
        worker=chen, client_id=uuid.uuid4(), visited_at=timezone.now(), household=grid2_resident.household
    )
    case = {}
    for who, place in (("wu", ren), ("chen", grid2_resident)):
        case[who] = case_report(
            by=wu if who == "wu" else chen,
            grid=place.household.grid,
            title="楼上漏水",
            description="漏水",
            category=Category.objects.first(),
            priority="normal",
            channel="walk_in",
            anonymous=True,
        )
    return {
        "households": (ren.household, grid2_resident.household),
        "residents": (ren, grid2_resident),
        "shops": (shop1, grid2_shop),
        "visits": (mine, theirs),
        "cases": (case["wu"], case["chen"]),
    }


@pytest.mark.parametrize("resource", ["households", "residents", "shops", "visits", "cases"])
def test_wus_client_lists_grid_1_only(api, wu, two_grids, resource):
    mine, theirs = two_grids[resource]
    ids = [row["id"] for row in api(wu).get(f"/api/v1/{resource}/").json()["results"]]
    assert mine.pk in ids
    assert theirs.pk not in ids


@pytest.mark.parametrize("resource", ["households", "residents", "shops", "visits", "cases"])
def test_another_grids_record_is_404(api, wu, two_grids, resource):
    mine, theirs = two_grids[resource]
    caller = api(wu, language="en")
    assert caller.get(f"/api/v1/{resource}/{mine.pk}/").status_code == 200
    response = caller.get(f"/api/v1/{resource}/{theirs.pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}  # nothing said about why


@pytest.mark.parametrize("resource", ["households", "residents", "shops", "visits", "cases"])
def test_another_communitys_staff_sees_nothing(api, zhao, two_grids, resource):
    assert api(zhao).get(f"/api/v1/{resource}/").json()["results"] == []


def test_the_community_staff_see_both_grids(api, staff, two_grids):
    ids = {row["id"] for row in api(staff).get("/api/v1/residents/").json()["results"]}
    assert {r.pk for r in two_grids["residents"]} <= ids


def test_the_grid_filter_cannot_widen_the_scope(api, wu, grid2, two_grids):
    assert api(wu).get("/api/v1/households/", {"grid": grid2.pk}).json()["results"] == []


def test_residents_id_numbers_and_phones_are_masked(api, wu, ren):
    ren.id_number, ren.mobile = "330183194005121228", "13812345678"
    ren.save(update_fields=["id_number", "mobile"])
    row = api(wu).get(f"/api/v1/residents/{ren.pk}/").json()
    assert row["id_number"] == "3301**********1228"
    assert row["mobile"] == "138****5678"
    assert row["name"] == "任爱香" and row["age"] == ren.age
    assert "health_notes" not in row and "date_of_birth" not in row


def test_a_grid_filter_that_is_no_number_is_400_naming_it(api, wu, two_grids):
    response = api(wu, language="en").get("/api/v1/households/", {"grid": "1; drop table"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"grid": ["Enter a whole number."]}


def test_a_page_size_over_the_cap_is_no_error(api, staff, two_grids):
    response = api(staff).get("/api/v1/households/", {"page_size": 10_000})
    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_an_old_page_beyond_the_end_is_404_not_500(api, wu, two_grids):
    assert api(wu).get("/api/v1/households/", {"page": 99}).status_code == 404
    assert api(wu).get("/api/v1/households/", {"page": "x"}).status_code == 404


def test_follow_ups_of_grid_1_only(api, wu, chen, ren, grid2_resident):
    from visits.services import NewFollowUp

    due = timezone.localdate() + datetime.timedelta(days=10)
    for who, place in ((wu, ren), (chen, grid2_resident)):
        log_visit(
            worker=who,
            client_id=uuid.uuid4(),
            visited_at=timezone.now(),
            household=place.household,
            follow_up=NewFollowUp(what="回访呼吸机维修", due_on=due, assignee=who),
        )
    rows = api(wu).get("/api/v1/follow-ups/", {"open": "true"}).json()["results"]
    assert [(r["household"], r["what"]) for r in rows] == [(ren.household.pk, "回访呼吸机维修")]


def test_answers_with_personal_data_are_not_cached(api, wu, ren):
    response = api(wu).get(f"/api/v1/residents/{ren.pk}/")
    assert "no-store" in response["Cache-Control"]
    assert "Accept-Language" in response["Vary"]
