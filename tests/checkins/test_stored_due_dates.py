"""The grid and next due date kept on each care assignment (issue 16) are what the visits, the care
levels and the register say, after every write that changes them: the lists read them, so a
stale one would hide someone due or show someone who moved away."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from gridapp.register import services as register
from visits import checkins
from visits.models import CareAssignment

from ..factories import HouseholdFactory
from ..gridapp.test_id_numbers import admin_post
from .conftest import care, days_ago, seen


def stored(resident):
    """(grid id, next due on) as kept on the resident's care assignment."""
    return tuple(CareAssignment.objects.filter(resident=resident).values_list("grid_id", "next_due_on").get())


def due_on_wus_list(client, wu):
    client.force_login(wu)
    return [row.resident.name for row in client.get(reverse("checkins")).context["rows"]]


def test_a_visit_moves_the_stored_due_date_a_cadence_on(wu, ren, grid1, weekly):
    care(ren, weekly, assigned_on=days_ago(30))
    assert stored(ren) == (grid1.pk, days_ago(30))
    seen(wu, ren, days_before=3)
    assert stored(ren) == (grid1.pk, days_ago(3) + datetime.timedelta(days=7))


def test_a_new_care_level_moves_the_stored_due_date(wu, ren, grid1, weekly, monthly):
    care(ren, weekly)
    seen(wu, ren, days_before=10)
    assert stored(ren) == (grid1.pk, days_ago(3))
    checkins.set_care_level(resident=ren, level=monthly, by=None)
    assert stored(ren) == (grid1.pk, days_ago(10) + datetime.timedelta(days=30))


def test_editing_a_levels_cadence_on_its_page_moves_every_stored_due_date(client, admin_user, wu, ren, weekly):
    care(ren, weekly)
    seen(wu, ren, days_before=10)
    assert due_on_wus_list(client, wu) == ["任爱香"]
    client.force_login(admin_user)
    data = {"name": weekly.name, "cadence_days": 14, "grace_days": weekly.grace_days, "suggest_for": weekly.suggest_for}
    assert client.post(reverse("care_level_edit", args=[weekly.pk]), data).status_code == 302
    assert stored(ren)[1] == days_ago(10) + datetime.timedelta(days=14)
    assert due_on_wus_list(client, wu) == []


def test_a_resident_moved_to_a_household_of_grid_2_leaves_wus_list_for_chens(client, wu, chen, ren, grid2, weekly):
    care(ren, weekly)
    elsewhere = HouseholdFactory(grid=grid2)
    register.resident_update(resident=ren, by=None, version=ren.version, household=elsewhere)
    assert stored(ren)[0] == grid2.pk
    assert due_on_wus_list(client, wu) == []
    assert due_on_wus_list(client, chen) == ["任爱香"]


def test_a_household_moved_to_grid_2_takes_its_residents_check_ins_along(client, wu, chen, ren, grid2, weekly):
    care(ren, weekly)
    household = ren.household
    register.household_update(household=household, by=None, version=household.version, grid=grid2)
    assert stored(ren)[0] == grid2.pk
    assert due_on_wus_list(client, wu) == []
    assert due_on_wus_list(client, chen) == ["任爱香"]


@pytest.mark.parametrize("what", ["resident", "household"])
def test_archiving_takes_the_check_in_off_the_list_and_restoring_brings_it_back(client, wu, ren, grid1, weekly, what):
    care(ren, weekly)
    record = ren if what == "resident" else ren.household
    assert register.archive(record=record, by=None)
    assert stored(ren)[0] is None
    assert due_on_wus_list(client, wu) == []
    assert register.restore(record=record, by=None)
    assert stored(ren)[0] == grid1.pk
    assert due_on_wus_list(client, wu) == ["任爱香"]


def test_a_resident_who_moved_out_has_no_check_in(client, wu, ren, weekly):
    care(ren, weekly)
    register.resident_depart(resident=ren, by=None, departure="moved_out", departed_on=days_ago(1))
    assert stored(ren)[0] is None
    assert due_on_wus_list(client, wu) == []


def test_the_data_migration_fills_the_rows_already_there(wu, ren, grid1, grid2_resident, weekly):
    care(ren, weekly, assigned_on=days_ago(30))
    seen(wu, ren, days_before=2)
    care(grid2_resident, weekly, assigned_on=days_ago(5))
    register.archive(record=grid2_resident, by=None)
    CareAssignment.objects.update(grid=None, next_due_on=None)  # as before the migration
    migration = importlib.import_module("visits.migrations.0012_care_assignment_fill_grid_and_next_due")
    migration.fill(apps, None)
    assert stored(ren) == (grid1.pk, days_ago(2) + datetime.timedelta(days=7))
    assert stored(grid2_resident) == (None, days_ago(5))


def test_a_resident_the_admin_moves_to_grid_2_follows_on_chens_list(client, admin_user, chen, ren, grid2, weekly):
    care(ren, weekly)
    elsewhere = HouseholdFactory(grid=grid2)
    client.force_login(admin_user)
    response = admin_post(client, ren, household=elsewhere.pk, id_number=ren.id_number)
    assert response.status_code == 302
    assert stored(ren)[0] == grid2.pk
    assert due_on_wus_list(client, chen) == ["任爱香"]
