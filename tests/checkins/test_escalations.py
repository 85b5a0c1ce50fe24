"""Overdue past the level's grace days, a check-in is escalated to the community's staff, once
per resident and due date, with the emergency contact to call."""

import datetime

import pytest
from django.utils import timezone

from gridapp.models import Notification, RoleKind
from visits import checkins
from visits.models import Reminder

from ..factories import UserFactory, give_role
from .conftest import seen


@pytest.fixture
def li(dongluchi):
    """A second member of Dongluchi's community staff."""
    return give_role(UserFactory(username="li"), RoleKind.COMMUNITY_STAFF, community=dongluchi)


def escalations_to(user):
    return list(Notification.objects.filter(recipient=user, kind="checkin_escalation"))


def test_overdue_past_grace_each_community_staff_member_is_told_with_the_emergency_contact(
    wu, staff, li, zhao, ren_cared
):
    seen(wu, ren_cared, days_before=10)  # due 3 days ago; the weekly level's grace is 2 days
    result = checkins.sweep()
    assert (result.escalations_created, result.escalation_digests) == (1, 2)
    for member in (staff, li):
        [escalation] = escalations_to(member)
        assert "任爱香" in escalation.body
        # Masked: the digest also goes by e-mail and to the group robot (the full number is on Ren's page).
        assert "任建华" in escalation.body and "139****0001" in escalation.body
        assert "13905710001" not in escalation.body
        assert escalation.community.name == "东麓池社区"
    assert escalations_to(zhao) == [] and escalations_to(wu) == []


def test_not_escalated_within_grace(wu, staff, ren_cared):
    seen(wu, ren_cared, days_before=9)  # two days overdue: still within grace
    result = checkins.sweep()
    assert (result.reminders_created, result.escalations_created) == (1, 0)
    assert escalations_to(staff) == []
    assert Notification.objects.filter(recipient=wu, kind="checkin_digest").count() == 1


def test_escalated_once_per_due_date_across_sweeps(wu, staff, ren_cared):
    seen(wu, ren_cared, days_before=9)
    today = timezone.localdate()
    for day in range(4):
        checkins.sweep(today=today + datetime.timedelta(days=day))
    assert Reminder.objects.filter(resident=ren_cared, kind="escalation").count() == 1
    assert len(escalations_to(staff)) == 1


def test_escalated_again_when_a_new_due_date_is_missed(wu, staff, ren_cared):
    seen(wu, ren_cared, days_before=10)
    checkins.sweep()
    seen(wu, ren_cared, days_before=0)
    checkins.sweep(today=timezone.localdate() + datetime.timedelta(days=10))
    assert len(escalations_to(staff)) == 2
