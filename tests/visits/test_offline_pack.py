"""The pack a grid worker's phone keeps for visits without signal (visits/offline.py): his own
grid's households, shops, residents as the visit form shows them, due check-ins, open follow-ups;
nothing of another grid; the end of the session's lifetime with it."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from gridapp.accounts import security
from visits import offline, services

from ..checkins.conftest import care, weekly  # noqa: F401 (weekly: a fixture)
from ..factories import HouseholdFactory, ResidentFactory

URL = reverse("offline_pack")


@pytest.fixture
def wu_pack(client, wu, ren, weekly, shop1, grid2_household, grid2_resident, grid2_shop):  # noqa: F811
    care(ren, weekly, assigned_on=timezone.localdate() - datetime.timedelta(days=3))
    services.log_visit(
        worker=wu,
        client_id=uuid.uuid4(),
        visited_at=timezone.now() - datetime.timedelta(days=1),
        household=ren.household,
        follow_up=services.NewFollowUp(what="回访呼吸机维修", due_on=timezone.localdate(), assignee=wu),
    )
    client.force_login(wu)
    return client.get(URL).json()


def test_wu_keeps_his_grids_households_with_residents_as_the_visit_form_shows_them(wu_pack, ren):
    household = next(h for h in wu_pack["households"] if h["id"] == ren.household.pk)
    resident = household["residents"][0]
    assert resident["name"] == "任爱香"
    assert resident["health_notes"] == "依赖家用呼吸机"
    assert resident["due"] is True
    assert resident["must_record"] is True
    assert resident["care_level"]
    assert household["follow_ups"][0]["what"] == "回访呼吸机维修"


def test_nothing_of_another_grid_is_in_wus_pack(wu_pack, grid2_household, grid2_shop, shop1):
    assert [s["id"] for s in wu_pack["shops"]] == [shop1.pk]
    assert grid2_household.pk not in {h["id"] for h in wu_pack["households"]}
    assert "王建国" not in str(wu_pack)


def test_the_pack_names_its_user_and_ends_with_the_sessions_lifetime(client, wu, settings):
    settings.GRIDAPP_SESSION_LIFETIME = 3600
    client.force_login(wu)
    session = client.session
    session[security.LOGIN_AT] = security.now() - 600
    session[security.SEEN_AT] = security.now()
    session.save()
    pack = client.get(URL).json()
    assert pack["user"] == wu.pk
    assert abs(pack["expires"] - (security.now() + 3000)) < 5


def test_staff_keep_no_pack(client, staff):
    client.force_login(staff)
    assert client.get(URL).status_code == 403


def test_the_pack_is_bounded_and_says_so(client, wu, grid1, monkeypatch):
    monkeypatch.setattr(offline, "MAX_PLACES", 2)
    for n in range(3):
        HouseholdFactory(grid=grid1, address=f"峙山北路{n}号")
    client.force_login(wu)
    pack = client.get(URL).json()
    assert len(pack["households"]) == 2
    assert pack["complete"] is False


def test_the_pack_costs_the_same_queries_for_more_households(client, wu, grid1, django_assert_max_num_queries):
    for n in range(20):
        ResidentFactory(household=HouseholdFactory(grid=grid1, address=f"峙山北路{n}号"))
    client.force_login(wu)
    with django_assert_max_num_queries(15):
        assert client.get(URL).status_code == 200
