"""Every check-in counts (issue 13, item 1): a resident with check-ins is never left silently
unrecorded on a new visit (the form asks), "not at home" never counts as seen, and the
confirmation names whoever is still due instead of a bare "saved"."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from visits import confirmations
from visits.models import CareAssignment, ResidentSeen, Visit

from ..checkins.conftest import care, weekly  # noqa: F401 (weekly: the weekly care level)
from ..factories import ResidentFactory
from .conftest import log, visit_form


@pytest.fixture
def ren_due(ren, weekly):  # noqa: F811
    """Ren with the weekly check-in, never seen yet: due today."""
    care(ren, weekly)
    return ren


@pytest.fixture
def ren_son(ren_household):
    """Her son, registered at her address, with no check-ins of his own."""
    return ResidentFactory(household=ren_household, name="任建华", date_of_birth=datetime.date(1968, 1, 2))


def visit_url(household):
    return reverse("visit_household", args=[household.pk])


def due_on(resident):
    return CareAssignment.objects.get(resident=resident).last_seen_on


@pytest.fixture
def chinese(client):
    client.cookies["django_language"] = "zh-hans"
    return client


# --- the form asks ------------------------------------------------------------------------------


def test_a_resident_with_check_ins_left_unrecorded_is_asked_about_and_nothing_is_saved(client, wu, ren_due):
    client.force_login(wu)
    response = client.post(visit_url(ren_due.household), visit_form(notes="敲门无人应"))
    assert response.status_code == 200
    errors = response.context["form"].errors[f"resident_{ren_due.pk}"]
    assert "任爱香" in errors[0]
    assert not Visit.objects.exists()
    page = response.content.decode()
    assert f'href="#resident-{ren_due.pk}"' in page, "the summary at the top leads to her row"
    assert "敲门无人应" in page, "what was typed is still on the form"


def test_the_question_is_in_chinese(chinese, wu, ren_due):
    chinese.force_login(wu)
    response = chinese.post(visit_url(ren_due.household), visit_form())
    [error] = response.context["form"].errors[f"resident_{ren_due.pk}"]
    assert error == "任爱香情况如何？见到本人请点选其情况；没见到本人请选“不在家”。"


def test_a_resident_with_check_ins_is_offered_no_not_recorded_choice(client, wu, ren_due, ren_son):
    client.force_login(wu)
    form = client.get(visit_url(ren_due.household)).context["form"]
    assert [value for value, _ in form.fields[f"resident_{ren_due.pk}"].choices] == [
        "well",
        "unwell",
        "needs_help",
        "not_home",
    ]
    assert form.fields[f"resident_{ren_due.pk}"].required
    # Nothing is preselected for her: a tap says she was seen, never a default.
    assert form[f"resident_{ren_due.pk}"].value() == ""
    # Her son has no check-ins: he may be left unrecorded, as before.
    assert not form.fields[f"resident_{ren_son.pk}"].required
    assert form[f"resident_{ren_son.pk}"].value() == ""


def test_the_page_asks_before_sending_and_marks_her_as_due(client, wu, ren_due):
    client.force_login(wu)
    page = client.get(visit_url(ren_due.household)).content.decode()
    assert "data-must-record" in page  # visits.js asks before the form is sent
    assert "js/visits.js" in page


def test_a_resident_without_check_ins_may_still_be_left_unrecorded(client, wu, ren, ren_son):
    client.force_login(wu)
    response = client.post(visit_url(ren.household), visit_form(**{f"resident_{ren.pk}": "well"}))
    assert response.status_code == 302
    assert [s.resident for s in ResidentSeen.objects.all()] == [ren]


def test_one_tap_on_her_condition_counts_and_the_confirmation_says_when_she_is_next_due(chinese, wu, ren_due):
    chinese.force_login(wu)
    response = chinese.post(visit_url(ren_due.household), visit_form(**{f"resident_{ren_due.pk}": "well"}), follow=True)
    assert due_on(ren_due) == timezone.localdate()
    next_due = timezone.localdate() + datetime.timedelta(days=7)
    [message] = response.context["messages"]
    assert message.level_tag == "success"
    assert str(message) == f"走访已保存。任爱香下次走访：{next_due.month}月{next_due.day}日。"


# --- not at home never counts ---------------------------------------------------------------------


def test_not_at_home_never_counts_and_the_confirmation_says_she_is_still_due(chinese, wu, ren_due):
    chinese.force_login(wu)
    response = chinese.post(
        visit_url(ren_due.household), visit_form(**{f"resident_{ren_due.pk}": "not_home"}), follow=True
    )
    assert response.redirect_chain == [(ren_due.household.get_absolute_url(), 302)]
    assert due_on(ren_due) is None
    [message] = response.context["messages"]
    assert message.level_tag == "warning"
    assert str(message) == "走访已保存。任爱香仍需走访：不在家。"


def test_not_at_home_after_an_earlier_sighting_keeps_the_earlier_date(wu, ren_due):
    earlier = log(wu, household=ren_due.household, visited_at=timezone.now() - datetime.timedelta(days=9),
                  conditions={ren_due: "well"})  # fmt: skip
    log(wu, household=ren_due.household, conditions={ren_due: "not_home"})
    assert due_on(ren_due) == timezone.localdate(earlier.visited_at)


def test_each_resident_still_due_is_named(wu, ren_due, ren_son, weekly):  # noqa: F811
    care(ren_son, weekly)
    visit = log(wu, household=ren_due.household, conditions={ren_due: "not_home"})
    with translation.override("zh-hans"):
        level, text = confirmations.after_visit(wu, visit)
    assert text == "走访已保存。任爱香仍需走访：不在家。任建华仍需走访：未见到本人。"


def test_a_visit_that_sees_her_says_nothing_of_her_being_due(wu, ren_due):
    visit = log(wu, household=ren_due.household, conditions={ren_due: "unwell"})
    with translation.override("zh-hans"):
        _level, text = confirmations.after_visit(wu, visit)
    assert "仍需走访" not in text


# --- corrections are not held up ---------------------------------------------------------------


def test_correcting_a_visit_does_not_ask_about_residents_it_never_recorded(client, wu, ren_due):
    visit = log(wu, household=ren_due.household, notes="敲门")
    client.force_login(wu)
    response = client.post(
        reverse("visit_edit", args=[visit.pk]),
        {
            "visited_at": timezone.localtime(visit.visited_at).strftime("%Y-%m-%dT%H:%M"),
            "purposes": ["routine"],
            "notes": "敲门，无人应答",
            "version": visit.version,
        },
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.notes == "敲门，无人应答"
