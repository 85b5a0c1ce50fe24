"""Correcting a visit someone else corrected meanwhile: the older copy is refused (409) with what
was typed kept and what changed named; nothing is saved until the worker saves again."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from gridapp.core.versions import Changed
from visits import services
from visits.models import Visit

from .conftest import local_input, log


@pytest.fixture
def browser(db):
    def open_as(user):
        client = Client()
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return open_as


@pytest.fixture
def wus_visit(wu, ren):
    return log(wu, household=ren.household, notes="呼吸机坏了", conditions={ren: "needs_help"})


def edit_url(visit):
    return reverse("visit_edit", args=[visit.pk])


def correction(visit, version, **fields):
    return {
        "visited_at": local_input(visit.visited_at),
        "purposes": ["routine"],
        "notes": visit.notes,
        "version": version,
        **fields,
    }


def loaded(client, visit):
    return client.get(edit_url(visit)).context["form"]["version"].value()


def test_a_stale_correction_keeps_what_was_typed_and_names_what_changed(browser, wu, staff, ren, wus_visit):
    wus, staffs = browser(wu), browser(staff)
    seen = loaded(wus, wus_visit)
    kept = {f"resident_{ren.pk}": "needs_help"}
    response = staffs.post(
        edit_url(wus_visit), correction(wus_visit, loaded(staffs, wus_visit), notes="呼吸机已报修", **kept)
    )
    assert response.status_code == 302

    typed = correction(wus_visit, seen, notes="呼吸机坏了，十天后回访", purposes=["routine", "case_follow_up"])
    response = wus.post(edit_url(wus_visit), {**typed, f"resident_{ren.pk}": "unwell"})
    assert response.status_code == 409
    page = response.content.decode()
    warning = page[page.index('id="conflict"') :]
    assert "staff: what was noticed" in warning
    assert "呼吸机坏了，十天后回访" in page
    form = response.context["form"]
    assert form["purposes"].value() == ["routine", "case_follow_up"]
    assert form[f"resident_{ren.pk}"].value() == "unwell"
    visit = Visit.objects.get(pk=wus_visit.pk)
    assert (visit.notes, visit.version) == ("呼吸机已报修", 2)
    assert [p.purpose for p in visit.purposes.all()] == ["routine"]
    assert visit.residents_seen.get().condition == "needs_help"

    assert wus.post(edit_url(wus_visit), {**typed, "version": form["version"].value()}).status_code == 302
    assert Visit.objects.get(pk=wus_visit.pk).notes == "呼吸机坏了，十天后回访"


def test_a_resident_seen_changed_meanwhile_is_named(browser, wu, staff, ren, wus_visit):
    wus = browser(wu)
    seen = loaded(wus, wus_visit)
    services.update_visit(
        visit=wus_visit,
        by=staff,
        version=seen,
        visited_at=wus_visit.visited_at,
        purposes=["routine"],
        conditions={ren: "well"},
        notes=wus_visit.notes,
    )
    response = wus.post(edit_url(wus_visit), correction(wus_visit, seen, notes="改"))
    assert response.status_code == 409
    assert "staff: resident seen" in response.content.decode()


def test_a_fresh_correction_bumps_the_version(browser, wu, wus_visit):
    client = browser(wu)
    response = client.post(edit_url(wus_visit), correction(wus_visit, loaded(client, wus_visit), notes="已修好"))
    assert response.status_code == 302
    assert Visit.objects.get(pk=wus_visit.pk).version == 2
    assert loaded(client, wus_visit) == 2


def test_a_correction_without_its_version_is_refused(browser, wu, wus_visit):
    data = correction(wus_visit, "", notes="改")
    response = browser(wu).post(edit_url(wus_visit), data)
    assert response.status_code == 200
    assert "This form is out of date: open it again." in response.content.decode()
    assert Visit.objects.get(pk=wus_visit.pk).notes == "呼吸机坏了"


def test_the_service_names_who_corrected_outside_a_request(wu, staff, ren, wus_visit):
    services.update_visit(
        visit=wus_visit,
        by=staff,
        version=1,
        visited_at=wus_visit.visited_at,
        purposes=["safety"],
        conditions={},
        notes="更正",
    )
    assert wus_visit.history.latest("history_date").history_user == staff
    purposes = wus_visit.purposes.model.history.filter(visit_id=wus_visit.pk).order_by("history_date")
    assert [(row.purpose, row.history_type, row.history_user) for row in purposes][1:] == [
        ("routine", "-", staff),
        ("safety", "+", staff),
    ]
    seen = wus_visit.residents_seen.model.history.filter(visit_id=wus_visit.pk).latest("history_date")
    assert (seen.history_type, seen.history_user) == ("-", staff)


def test_the_service_refuses_an_older_version(wu, staff, ren, wus_visit):
    fields = {"visited_at": wus_visit.visited_at, "purposes": ["routine"], "conditions": {}, "residents": []}
    services.update_visit(visit=wus_visit, by=staff, version=1, notes="第一次更正", **fields)
    with pytest.raises(Changed):
        services.update_visit(visit=wus_visit, by=wu, version=1, notes="第二次更正", **fields)
    assert Visit.objects.get(pk=wus_visit.pk).notes == "第一次更正"
