"""Recheck reminders: one per hazard and due date, in the worker's morning digest under "隐患复查",
however often the sweep runs; the next due date (after a "not yet") is a new reminder."""

import datetime

import pytest
from django.utils import timezone

from gridapp.models import Notification
from visits import checkins
from visits.hazard_models import HazardReminder
from visits.hazards import services

from .conftest import record

pytestmark = pytest.mark.django_db


def _hazard_rows(notification):
    sections = {s["title"]: s["rows"] for s in notification.sections}
    return sections.get("隐患复查", [])


def test_a_due_recheck_is_reminded_once_however_often_the_sweep_runs(wu, chen, grid1):
    hazard = record(wu, grid1, risk="high")
    due = hazard.recheck_due_on
    before = checkins.sweep(today=due - datetime.timedelta(days=1))
    assert before.hazard_reminders == 0

    first = checkins.sweep(today=due)
    second = checkins.sweep(today=due)
    later = checkins.sweep(today=due + datetime.timedelta(days=1))  # overdue, same due date
    assert (first.hazard_reminders, second.hazard_reminders, later.hazard_reminders) == (1, 0, 0)
    assert HazardReminder.objects.filter(hazard=hazard).count() == 1

    [digest] = Notification.objects.filter(recipient=wu, kind="checkin_digest")
    [row] = _hazard_rows(digest)
    assert row["label"] == "电动车 · 高风险"
    assert row["url"] == f"/hazards/{hazard.pk}/recheck/"
    assert not Notification.objects.filter(recipient=chen).exists()  # another grid's worker hears nothing


def test_the_next_cadence_is_a_new_reminder(wu, grid1):
    hazard = record(wu, grid1, risk="high")
    first_due = hazard.recheck_due_on
    checkins.sweep(today=first_due)
    # Rechecked on the day it fell due: not yet rectified.
    services.recheck(hazard=hazard, by=wu, result="not_yet", checked_at=timezone.now() + datetime.timedelta(days=3))
    hazard.refresh_from_db()
    next_due = hazard.recheck_due_on
    assert next_due > first_due
    assert checkins.sweep(today=next_due).hazard_reminders == 1
    assert list(HazardReminder.objects.filter(hazard=hazard).order_by("due_on").values_list("due_on", flat=True)) == [
        first_due,
        next_due,
    ]
    assert Notification.objects.filter(recipient=wu, kind="checkin_digest").count() == 2


def test_rectified_and_closed_hazards_are_not_reminded(wu, grid1):
    rectified = record(wu, grid1, risk="high")
    closed = record(wu, grid1, risk="high", place="车棚")
    services.recheck(hazard=rectified, by=wu, result="rectified")
    services.close(hazard=closed, by=wu, note="误报")
    result = checkins.sweep(today=timezone.localdate() + datetime.timedelta(days=30))
    assert result.hazard_reminders == 0
    assert not Notification.objects.filter(recipient=wu).exists()
