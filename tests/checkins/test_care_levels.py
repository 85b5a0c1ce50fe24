"""Care levels: staff set the cadences; a resident's level is suggested from age, living
arrangement and health notes, and set on the resident's page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gridapp.models import ResidentCategoryLink
from visits import checkins
from visits.models import CareAssignment, CareLevel

from ..factories import HouseholdFactory, ResidentFactory
from .conftest import care, days_ago, seen


def born_years_ago(years):
    return datetime.date(timezone.localdate().year - years, 1, 1)


def resident_of(grid, *, age, categories=(), health_notes=""):
    resident = ResidentFactory(
        household=HouseholdFactory(grid=grid), date_of_birth=born_years_ago(age), health_notes=health_notes
    )
    for category in categories:
        ResidentCategoryLink.objects.create(resident=resident, category=category)
    return resident


def level_form(level, **changes):
    return {
        "name": level.name,
        "cadence_days": level.cadence_days,
        "grace_days": level.grace_days,
        "suggest_for": level.suggest_for,
        **changes,
    }


def test_staff_edit_a_level(client, staff, weekly):
    client.force_login(staff)
    response = client.post(
        reverse("care_level_edit", args=[weekly.pk]), level_form(weekly, cadence_days=5, grace_days=1)
    )
    assert response.status_code == 302
    weekly.refresh_from_db()
    assert (weekly.cadence_days, weekly.grace_days) == (5, 1)


def test_staff_add_a_level(client, staff):
    client.force_login(staff)
    client.post(reverse("care_level_create"), {"name": "每三天探访", "cadence_days": 3, "grace_days": 0})
    assert CareLevel.objects.filter(name="每三天探访", cadence_days=3, grace_days=0).exists()


@pytest.mark.parametrize(("field", "value"), [("cadence_days", 0), ("cadence_days", -7), ("grace_days", -1)], ids=str)
def test_a_cadence_below_one_day_or_negative_grace_is_refused(client, staff, weekly, field, value):
    client.force_login(staff)
    response = client.post(reverse("care_level_edit", args=[weekly.pk]), level_form(weekly, **{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    weekly.refresh_from_db()
    assert (weekly.cadence_days, weekly.grace_days) == (7, 2)


def test_a_grid_worker_cannot_change_levels(client, wu, weekly):
    client.force_login(wu)
    response = client.post(reverse("care_level_edit", args=[weekly.pk]), level_form(weekly, cadence_days=30))
    assert response.status_code == 403
    weekly.refresh_from_db()
    assert weekly.cadence_days == 7


@pytest.mark.parametrize(
    ("age", "categories", "health_notes", "expected"),
    [
        (86, ["elderly_alone"], "", "weekly"),
        (70, ["elderly_alone"], "", "fortnightly"),
        (70, ["elderly_alone"], "依赖家用呼吸机", "weekly"),
        (75, ["empty_nest"], "", "monthly"),
        (86, [], "", None),
    ],
    ids=["86-alone", "70-alone", "70-alone-ventilator", "empty-nest", "no-category"],
)
def test_the_suggested_level(grid1, weekly, fortnightly, monthly, age, categories, health_notes, expected):
    resident = resident_of(grid1, age=age, categories=categories, health_notes=health_notes)
    levels = {"weekly": weekly, "fortnightly": fortnightly, "monthly": monthly, None: None}
    assert checkins.suggested_level(resident, resident.category_values()) == levels[expected]


def test_the_resident_page_offers_the_suggested_level(client, staff, ren, weekly):
    ResidentCategoryLink.objects.create(resident=ren, category="elderly_alone")
    client.force_login(staff)
    page = client.get(reverse("resident_care", args=[ren.pk]))
    assert page.context["suggestion"] == weekly
    assert page.context["form"]["level"].value() == weekly.pk


def test_staff_set_and_remove_a_residents_level(client, staff, ren, weekly, monthly):
    client.force_login(staff)
    url = reverse("resident_care", args=[ren.pk])
    assert client.post(url, {"level": weekly.pk}).status_code == 302
    assignment = CareAssignment.objects.get(resident=ren)
    assert (assignment.level, assignment.assigned_by, assignment.assigned_on) == (weekly, staff, timezone.localdate())

    client.post(url, {"level": monthly.pk})
    assert CareAssignment.objects.get(resident=ren).level == monthly

    client.post(url, {"level": ""})
    assert not CareAssignment.objects.filter(resident=ren).exists()


def test_wu_sets_the_level_of_a_resident_of_his_grid(client, wu, ren, weekly):
    client.force_login(wu)
    client.post(reverse("resident_care", args=[ren.pk]), {"level": weekly.pk})
    assert CareAssignment.objects.get(resident=ren).level == weekly


def test_chen_cannot_set_the_level_of_wus_resident(client, chen, ren, weekly, monthly):
    care(ren, weekly)
    client.force_login(chen)
    assert client.post(reverse("resident_care", args=[ren.pk]), {"level": monthly.pk}).status_code == 404
    assert CareAssignment.objects.get(resident=ren).level == weekly


def test_a_resident_seen_before_the_level_was_set_is_due_a_cadence_after_that_visit(client, staff, wu, ren, weekly):
    seen(wu, ren, days_before=9)
    client.force_login(staff)
    client.post(reverse("resident_care", args=[ren.pk]), {"level": weekly.pk})
    assignment = checkins.with_due_dates(CareAssignment.objects.filter(resident=ren)).get()
    assert assignment.due_on == days_ago(2)
