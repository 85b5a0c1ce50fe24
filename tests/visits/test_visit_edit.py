"""Correcting a visit: the worker who logged it for 24 hours, staff at any time; the history
keeps every version."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from visits.models import Visit

from .conftest import local_input, log


def edit_url(visit):
    return reverse("visit_edit", args=[visit.pk])


def edit_form(visit, **fields):
    data = {
        "visited_at": local_input(visit.visited_at),
        "purposes": [p.purpose for p in visit.purposes.all()],
        "notes": visit.notes,
        "version": visit.version,
    }
    data.update(fields)
    return data


@pytest.fixture
def wus_visit(wu, ren):
    return log(wu, household=ren.household, notes="呼吸机坏了", conditions={ren: "needs_help"})


def later(hours):
    """Travel forward; sessions last 12 hours, so log in again after travelling."""
    return time_machine.travel(timezone.now() + datetime.timedelta(hours=hours), tick=False)


def test_wu_can_correct_his_visit_23_hours_later(client, wu, wus_visit):
    with later(23):
        client.force_login(wu)
        response = client.post(edit_url(wus_visit), edit_form(wus_visit, notes="呼吸机坏了，已报修"))
    assert response.status_code == 302
    wus_visit.refresh_from_db()
    assert wus_visit.notes == "呼吸机坏了，已报修"


def test_wu_cannot_correct_his_visit_25_hours_later(client, wu, wus_visit):
    with later(25):
        client.force_login(wu)
        assert client.get(edit_url(wus_visit)).status_code == 403
        assert client.post(edit_url(wus_visit), edit_form(wus_visit, notes="改了")).status_code == 403
    wus_visit.refresh_from_db()
    assert wus_visit.notes == "呼吸机坏了"


def test_the_window_counts_from_logging_not_from_the_visit(client, wu, ren):
    # Logged now for a visit two days ago: still correctable today.
    visit = log(wu, household=ren.household, visited_at=timezone.now() - datetime.timedelta(days=2))
    client.force_login(wu)
    assert client.get(edit_url(visit)).status_code == 200


def test_wu_cannot_correct_a_visit_of_another_worker_of_his_grid(client, wu, zhou, ren):
    zhous_visit = log(zhou, household=ren.household, notes="周敏走访")
    client.force_login(wu)
    assert client.get(reverse("visit_detail", args=[zhous_visit.pk])).status_code == 200
    assert client.post(edit_url(zhous_visit), edit_form(zhous_visit, notes="改了")).status_code == 403
    zhous_visit.refresh_from_db()
    assert zhous_visit.notes == "周敏走访"


def test_the_edit_button_shows_only_while_wu_may_edit(client, wu, wus_visit):
    client.force_login(wu)
    assert client.get(reverse("visit_detail", args=[wus_visit.pk])).context["can_edit"]
    with later(25):
        client.force_login(wu)
        assert not client.get(reverse("visit_detail", args=[wus_visit.pk])).context["can_edit"]


def test_staff_can_correct_a_visit_a_week_later(client, staff, wus_visit):
    with later(24 * 7):
        client.force_login(staff)
        response = client.post(edit_url(wus_visit), edit_form(wus_visit, notes="社区核实：已报修"))
    assert response.status_code == 302
    wus_visit.refresh_from_db()
    assert wus_visit.notes == "社区核实：已报修"


def test_staff_can_correct_the_notes_of_a_visit_two_months_old(client, staff, wus_visit):
    with later(24 * 60):
        client.force_login(staff)
        response = client.post(edit_url(wus_visit), edit_form(wus_visit, notes="社区核实：已报修"))
    # Fails today with the form's "too_old" error on the unchanged visit time.
    assert response.status_code == 302, response.context["form"].errors.as_data()


def test_an_edit_keeps_the_previous_version_in_the_history(client, wu, ren, wus_visit):
    client.force_login(wu)
    before = wus_visit.history.count()
    client.post(
        edit_url(wus_visit), edit_form(wus_visit, notes="呼吸机坏了，已报修", **{f"resident_{ren.pk}": "unwell"})
    )
    assert wus_visit.history.count() == before + 1
    assert wus_visit.history.earliest().notes == "呼吸机坏了"
    assert wus_visit.residents_seen.get().condition == "unwell"
    response = client.get(reverse("visit_detail", args=[wus_visit.pk]))
    assert list(response.context["history"])[0].notes == "呼吸机坏了，已报修"


def test_the_edit_form_starts_from_what_was_saved(client, wu, ren, wus_visit):
    client.force_login(wu)
    form = client.get(edit_url(wus_visit)).context["form"]
    assert form["notes"].value() == "呼吸机坏了"
    assert form["visited_at"].value() == local_input(wus_visit.visited_at)
    assert form[f"resident_{ren.pk}"].value() == "needs_help"
    # The edit cannot add photos or follow-ups, nor change the submission id.
    assert not {"photos", "follow_up_what", "client_id", "campaign"} & set(form.fields)


def test_an_edit_moving_the_visit_into_the_future_is_refused(client, wu, wus_visit):
    client.force_login(wu)
    data = edit_form(wus_visit, visited_at=local_input(timezone.now() + datetime.timedelta(days=1)), notes="x")
    response = client.post(edit_url(wus_visit), data)
    assert "visited_at" in response.context["form"].errors
    wus_visit.refresh_from_db()
    assert wus_visit.notes == "呼吸机坏了"


def test_editing_notes_keeps_a_resident_who_has_since_moved_out(client, staff, ren, wus_visit):
    ren.archived_at = timezone.now()
    ren.save(update_fields=["archived_at"])
    client.force_login(staff)
    client.post(edit_url(wus_visit), edit_form(wus_visit, notes="社区核实"))
    assert Visit.objects.get(pk=wus_visit.pk).residents_seen.filter(resident=ren).exists()
