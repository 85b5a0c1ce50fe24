"""Deadlines: a case's due time comes from its category and priority; the periodic task flags
each overdue case once and tells whoever is responsible and their supervisor."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from cases.models import Case
from cases.tasks import flag_overdue_cases
from gridapp.celery import app
from gridapp.models import Notification

from .conftest import act, fresh, local_input, post_action, report


def overdue_messages():
    return sorted(Notification.objects.filter(kind="case_overdue").values_list("recipient__username", "link"))


def after(case, hours=1):
    """Travel to ``hours`` after the case fell due."""
    return time_machine.travel(case.due_at + datetime.timedelta(hours=hours), tick=False)


@pytest.mark.parametrize(("priority", "hours"), [("urgent", 24), ("high", 48), ("normal", 72), ("low", 168)])
def test_the_deadline_comes_from_the_category_and_the_priority(wu, grid1, dispute, priority, hours):
    # 邻里纠纷: 24 / 48 / 72 / 168 hours, as the office set it.
    case = report(wu, grid1, category=dispute, priority=priority)
    assert case.due_at == case.reported_at + datetime.timedelta(hours=hours)


def test_a_category_deadline_staff_change_applies_to_new_cases(as_user, staff, wu, grid1, dispute):
    response = as_user(staff).post(
        reverse("category_edit", args=[dispute.pk]),
        {
            "name": dispute.name,
            "hours_urgent": 12,
            "hours_high": 24,
            "hours_normal": 48,
            "hours_low": 96,
            "active": "on",
        },
    )
    assert response.status_code == 302
    dispute.refresh_from_db()
    case = report(wu, grid1, category=dispute, priority="normal")
    assert case.due_at == case.reported_at + datetime.timedelta(hours=48)


def test_the_overdue_task_is_on_the_beat_schedule(db):
    task = PeriodicTask.objects.get(name="cases: flag overdue cases")
    assert task.enabled
    assert task.task in app.tasks
    assert app.tasks[task.task].name == flag_overdue_cases.name


def test_an_overdue_case_is_flagged_once_to_the_assignee_and_the_office(case_in, wu, staff, chen, zhao):
    case = case_in("handling")  # Wu took it
    with after(case):
        assert flag_overdue_cases() == 1
        flagged_at = fresh(case).overdue_flagged_at
        assert flag_overdue_cases() == 0
        flag_overdue_cases.apply()
    assert fresh(case).overdue_flagged_at == flagged_at is not None
    link = reverse("case_detail", args=[case.pk])
    assert overdue_messages() == [("staff", link), ("wu", link)]
    message = Notification.objects.get(kind="case_overdue", recipient=wu)
    assert case.number in message.subject and case.title in message.subject


def test_a_case_dispatched_to_the_police_is_flagged_to_the_station_too(case_in, staff, officer):
    case = case_in("dispatched")
    with after(case):
        flag_overdue_cases()
    assert [who for who, _ in overdue_messages()] == ["officer", "staff"]


def test_nothing_is_flagged_before_the_deadline_or_once_closed(case_in, wu, grid1):
    open_case = case_in("handling")
    settled = act(act(report(wu, grid1), "register", wu), "settle", wu)
    with time_machine.travel(open_case.due_at - datetime.timedelta(minutes=1), tick=False):
        assert flag_overdue_cases() == 0
    with after(settled, hours=24 * 30):
        assert flag_overdue_cases() == 1
    assert fresh(settled).overdue_flagged_at is None
    assert Notification.objects.filter(kind="case_overdue", link=settled.get_absolute_url()).count() == 0


def test_an_extended_case_is_flagged_again_when_the_new_deadline_is_missed(as_user, case_in, officer, staff):
    case = case_in("dispatched")
    with after(case):
        flag_overdue_cases()
        new_due = case.due_at + datetime.timedelta(days=2)
        response = post_action(
            as_user(officer), case, "extend", reason="等待配件到货", proposed_due=local_input(new_due)
        )
        assert response.status_code == 302
        assert fresh(case).overdue_flagged_at is not None  # asked: the deadline stands
        assert post_action(as_user(staff), case, "approve_extension").status_code == 302
        assert fresh(case).overdue_flagged_at is None
    with after(fresh(case)):
        assert flag_overdue_cases() == 1
    assert Notification.objects.filter(kind="case_overdue", recipient=officer).count() == 2


def test_the_case_page_and_the_queue_show_an_overdue_case(as_user, case_in, staff):
    case = case_in("handling")
    with after(case, hours=26):
        client = as_user(staff)
        page = client.get(case.get_absolute_url()).content.decode()
        assert "1 day overdue" in page  # in plain words (issue 13), not "overdue by 1 day, 2 hours"
        queue = client.get(reverse("case_queue"), {"overdue": "true"})
        assert list(queue.context["page"]) == [Case.objects.get(pk=case.pk)]


def test_registration_confirms_category_and_priority_and_the_deadline_follows(as_user, staff, wu, grid1, dispute, leak):
    case = report(wu, grid1, category=leak, priority="normal")
    # Staff see the intake's choices on the register form and correct them.
    page = as_user(staff).get(case.get_absolute_url()).content.decode()
    assert 'name="priority"' in page and 'name="category"' in page
    assert post_action(as_user(staff), case, "register", category=dispute.pk, priority="urgent").status_code == 302
    case = fresh(case)
    assert (case.category, case.priority) == (dispute, "urgent")
    assert case.due_at == case.reported_at + datetime.timedelta(hours=24)  # counted from the report


def test_registering_without_touching_the_choices_keeps_them(as_user, staff, wu, grid1, leak):
    case = report(wu, grid1, category=leak, priority="high")
    due = case.due_at
    assert post_action(as_user(staff), case, "register").status_code == 302
    case = fresh(case)
    assert (case.category, case.priority, case.due_at) == (leak, "high", due)


def test_a_reopened_case_gets_a_fresh_deadline_and_is_not_overdue_at_once(case_in, staff, dispute):
    case = case_in("feedback")
    with after(case, hours=24 * 30):
        act(case, "reopen", staff, note="居民反映问题又出现了")
        case = fresh(case)
        assert case.due_at > timezone.now()
        assert flag_overdue_cases() == 0
