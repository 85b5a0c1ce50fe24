"""Mediation records (人民调解): parties from the case's households, mediators from the grid
and the office plus helpers such as the grid party group leader, the agreement, and whether it
held when the worker went back."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import MediationRecord
from gridapp.models import RoleKind

from ..factories import HouseholdFactory, ResidentFactory, UserFactory, give_role
from .conftest import fresh


@pytest.fixture
def neighbours(grid1):
    upstairs = HouseholdFactory(grid=grid1, address="临江路4幢402室", head_name="张磊")
    downstairs = HouseholdFactory(grid=grid1, address="临江路4幢302室", head_name="周国庆")
    return ResidentFactory(household=upstairs, name="张磊"), ResidentFactory(household=downstairs, name="周国庆")


@pytest.fixture
def dispute_case(case_in, neighbours):
    return case_in("handling", households=[r.household for r in neighbours])


def mediation(parties, mediators, **fields):
    data = {
        "held_on": timezone.localdate().isoformat(),
        "parties": [p.pk for p in parties],
        "mediators": [m.pk for m in mediators],
        "other_mediators": "老李（网格党小组长）",
        "outcome": "agreed",
        "agreement": "楼上修好水管，承担楼下修补费用",
    }
    data.update(fields)
    return data


def test_wu_records_who_mediated_whom_and_what_was_agreed(as_user, dispute_case, neighbours, wu, staff):
    client = as_user(wu)
    response = client.post(reverse("mediation_create", args=[dispute_case.pk]), mediation(neighbours, [wu, staff]))
    assert response.status_code == 302
    record = MediationRecord.objects.get()
    assert (set(record.parties.all()), set(record.mediators.all())) == (set(neighbours), {wu, staff})
    assert (record.other_mediators, record.outcome, record.recorded_by, record.kept) == (
        "老李（网格党小组长）",
        "agreed",
        wu,
        None,
    )
    event = fresh(dispute_case).events.last()
    assert (event.action, event.actor, event.to_state) == ("mediation", wu, "handling")


def test_parties_come_from_the_cases_households_and_mediators_from_its_grid(
    as_user, dispute_case, neighbours, wu, chen, ren
):
    client = as_user(wu)
    form = client.get(reverse("mediation_create", args=[dispute_case.pk])).context["form"]
    assert set(form.fields["parties"].queryset) == set(neighbours)
    assert form["mediators"].value() == [wu.pk]
    # Someone not concerned by the case, or a worker of another grid, is refused.
    for data in (mediation([ren], [wu]), mediation(neighbours, [chen])):
        response = client.post(reverse("mediation_create", args=[dispute_case.pk]), data)
        assert response.status_code == 200 and response.context["form"].errors
    assert not MediationRecord.objects.exists()


def test_a_worker_who_has_left_is_never_offered_as_a_mediator(as_user, dispute_case, neighbours, wu, staff, grid1):
    former = give_role(UserFactory(username="former", is_active=False), RoleKind.GRID_WORKER, grid=grid1)
    client = as_user(wu)
    form = client.get(reverse("mediation_create", args=[dispute_case.pk])).context["form"]
    assert set(form.fields["mediators"].queryset) == {wu, staff}
    response = client.post(reverse("mediation_create", args=[dispute_case.pk]), mediation(neighbours, [wu, former]))
    assert response.status_code == 200 and "mediators" in response.context["form"].errors
    assert not MediationRecord.objects.exists()


def test_a_mediation_needs_its_parties_named(as_user, dispute_case, wu):
    data = mediation([], [wu], other_parties="")
    response = as_user(wu).post(reverse("mediation_create", args=[dispute_case.pk]), data)
    assert response.context["form"].errors["other_parties"] == ["Name the parties."]


def test_departments_and_other_grids_do_not_record_mediations(as_user, case_in, officer, chen):
    case = case_in("dispatched")
    assert as_user(officer).get(reverse("mediation_create", args=[case.pk])).status_code == 403
    assert as_user(chen).get(reverse("mediation_create", args=[case.pk])).status_code == 404


def test_wu_records_that_the_agreement_was_kept_when_he_went_back(as_user, dispute_case, neighbours, wu):
    client = as_user(wu)
    client.post(reverse("mediation_create", args=[dispute_case.pk]), mediation(neighbours, [wu]))
    record = MediationRecord.objects.get()
    url = reverse("mediation_follow_up", args=[record.pk])
    assert f'href="{url}"' in client.get(dispute_case.get_absolute_url()).content.decode()

    week_later = timezone.localdate() + datetime.timedelta(days=7)
    response = client.post(url, {"kept": "false", "followed_up_on": week_later.isoformat()})
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.kept, record.followed_up_on) == (False, week_later)
    event = fresh(dispute_case).events.last()
    assert (event.action, event.note) == ("mediation_follow_up", "Agreement kept: no")
    page = client.get(dispute_case.get_absolute_url()).content.decode()
    assert f"Agreement kept: no · Followed up on {week_later:%Y-%m-%d}" in page
    assert f'href="{url}"' not in page


def test_the_follow_up_must_say_whether_the_agreement_was_kept(as_user, dispute_case, neighbours, wu, officer, chen):
    client = as_user(wu)
    client.post(reverse("mediation_create", args=[dispute_case.pk]), mediation(neighbours, [wu]))
    url = reverse("mediation_follow_up", args=[MediationRecord.objects.get().pk])
    response = client.post(url, {"kept": "unknown", "followed_up_on": timezone.localdate().isoformat()})
    assert response.context["form"].errors == {"kept": ["Say whether the agreement was kept."]}
    response = client.post(url, {"kept": "true", "followed_up_on": ""})
    assert "followed_up_on" in response.context["form"].errors
    assert as_user(chen).post(url, {"kept": "true", "followed_up_on": "2026-03-09"}).status_code == 404
    assert MediationRecord.objects.get().kept is None
