"""When a resident's check-in falls due: a cadence after the last visit that actually saw them,
from the day the level was set when never seen; nobody archived or without a level is due."""

import datetime

from django.urls import reverse
from django.utils import timezone

from gridapp.models import ResidentCategoryLink
from gridapp.register.services import archive
from visits import checkins
from visits.models import CareAssignment, Reminder

from ..visits.conftest import log, visit_form
from .conftest import care, cared_resident, days_ago, seen


def due_dates():
    """resident name → (last seen on, due on) for every current resident with a level."""
    return {
        a.resident.name: (a.last_seen_on, a.due_on)
        for a in checkins.with_due_dates(checkins.active_assignments().select_related("resident"))
    }


def due_today():
    return [a.resident.name for a in checkins.due_checkins(checkins.active_assignments(), timezone.localdate())]


def test_a_visit_that_saw_ren_makes_her_next_check_in_due_a_cadence_later(wu, ren, weekly):
    care(ren, weekly, assigned_on=days_ago(30))
    seen(wu, ren, days_before=3, condition="needs_help")
    assert due_dates()["任爱香"] == (days_ago(3), days_ago(3) + datetime.timedelta(days=7))
    assert due_today() == []


def test_a_not_at_home_visit_does_not_reset_the_clock(wu, ren, weekly):
    care(ren, weekly, assigned_on=days_ago(30))
    seen(wu, ren, days_before=10, condition="well")
    seen(wu, ren, days_before=1, condition="not_home")
    assert due_dates()["任爱香"] == (days_ago(10), days_ago(3))
    assert due_today() == ["任爱香"]


def test_a_resident_never_visited_is_due_from_the_day_the_level_was_set(ren, grid1, weekly):
    care(ren, weekly)
    cared_resident(grid1, "孙阿婆", weekly, assigned_on=days_ago(4))
    assert due_dates() == {"任爱香": (None, timezone.localdate()), "孙阿婆": (None, days_ago(4))}
    assert due_today() == ["孙阿婆", "任爱香"]


def test_a_cadence_change_moves_due_dates_at_once(wu, ren, weekly):
    care(ren, weekly, assigned_on=days_ago(30))
    seen(wu, ren, days_before=8)
    assert due_today() == ["任爱香"]
    weekly.cadence_days = 14
    weekly.save(update_fields=["cadence_days"])
    checkins.care_level_saved(weekly)  # what the care level's form does after saving
    assert due_dates()["任爱香"] == (days_ago(8), days_ago(8) + datetime.timedelta(days=14))
    assert due_today() == []


def test_an_archived_resident_has_no_check_in(wu, ren, weekly):
    care(ren, weekly)
    archive(record=ren, by=None)
    assert due_today() == []
    checkins.sweep()
    assert not Reminder.objects.exists()


def test_a_resident_of_an_archived_household_has_no_check_in(wu, ren, weekly):
    care(ren, weekly)
    archive(record=ren.household, by=None)
    assert due_today() == []
    checkins.sweep()
    assert not Reminder.objects.exists()


def test_a_resident_without_a_level_has_no_check_in(ren):
    ResidentCategoryLink.objects.create(resident=ren, category="elderly_alone")
    assert not CareAssignment.objects.exists()
    assert due_today() == []
    checkins.sweep()
    assert not Reminder.objects.exists()


def test_the_due_list_shows_the_most_overdue_first_each_linking_to_the_visit_form(client, wu, ren, grid1, weekly):
    care(ren, weekly)  # due today
    sun = cared_resident(grid1, "孙阿婆", weekly, assigned_on=days_ago(9))
    li = cared_resident(grid1, "李阿公", weekly, assigned_on=days_ago(2))
    seen(wu, cared_resident(grid1, "下周才到期", weekly, assigned_on=days_ago(20)), days_before=1)
    client.force_login(wu)
    page = client.get(reverse("checkins"))
    assert [row.resident for row in page.context["rows"]] == [sun, li, ren]
    html = page.content.decode()
    links = [html.index(f'href="{reverse("visit_household", args=[r.household_id])}"') for r in (sun, li, ren)]
    assert links == sorted(links)
    assert "下周才到期" not in html


def test_the_due_list_leaves_out_archived_residents_and_other_grids(client, wu, ren, grid2_resident, weekly):
    care(ren, weekly)
    care(grid2_resident, weekly)
    gone = cared_resident(ren.household.grid, "已搬走", weekly)
    archive(record=gone, by=None)
    client.force_login(wu)
    assert [row.resident for row in client.get(reverse("checkins")).context["rows"]] == [ren]


def test_wus_day_shows_the_check_ins_due(client, wu, ren, grid2_resident, weekly):
    care(ren, weekly, assigned_on=days_ago(2))
    care(grid2_resident, weekly)
    client.force_login(wu)
    day = client.get(reverse("home"))
    assert [(row.resident, row.days_overdue) for row in day.context["checkins_due"]] == [(ren, 2)]
    assert "任爱香" in day.content.decode()


def test_correcting_a_visit_to_not_at_home_moves_the_due_date_back(client, wu, ren, weekly):
    care(ren, weekly, assigned_on=days_ago(30))
    seen(wu, ren, days_before=10)
    visit = log(
        wu, household=ren.household, visited_at=timezone.now() - datetime.timedelta(hours=2), conditions={ren: "well"}
    )
    assert due_dates()["任爱香"][1] == timezone.localdate(visit.visited_at) + datetime.timedelta(days=7)

    client.force_login(wu)
    response = client.post(
        reverse("visit_edit", args=[visit.pk]),
        visit_form(visited_at=visit.visited_at, version=visit.version, **{f"resident_{ren.pk}": "not_home"}),
    )
    assert response.status_code == 302
    assert due_dates()["任爱香"] == (days_ago(10), days_ago(3))
