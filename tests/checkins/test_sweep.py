"""The daily sweep: one reminder per resident and due date, one digest per worker listing all
their residents due and follow-ups falling due, and nothing new however often it runs."""

import datetime

import pytest
from django.db.models import Count
from django.utils import timezone

from gridapp import notify
from gridapp.models import Delivery, Notification, Webhook
from visits import checkins
from visits.models import FollowUp, Reminder

from .conftest import care, cared_resident, days_ago, seen


@pytest.fixture
def enqueued(monkeypatch):
    """The delivery ids the sweep hands to Celery after commit (nothing reaches a broker)."""
    ids = []
    monkeypatch.setattr(notify, "enqueue", ids.extend)
    return ids


@pytest.fixture
def robot_hook(dongluchi):
    return Webhook.objects.create(community=dongluchi, url="http://127.0.0.1:9/robot")


def follow_up(visit, what, *, due_on, done=False):
    return FollowUp.objects.create(
        visit=visit,
        grid=visit.grid,
        what=what,
        due_on=due_on,
        assignee=visit.worker,
        done_at=timezone.now() if done else None,
        outcome="已完成" if done else "",
    )


def digests_to(user):
    return list(Notification.objects.filter(recipient=user, kind="checkin_digest").order_by("pk"))


def test_a_second_sweep_sends_nothing_new(wu_with_email, ren_cared, grid1, weekly, robot_hook):
    wu = wu_with_email
    cared_resident(grid1, "孙阿婆", weekly, assigned_on=days_ago(3))
    first = checkins.sweep()
    second = checkins.sweep()

    assert (first.reminders_created, first.digests) == (2, 1)
    assert (second.reminders_created, second.digests) == (0, 0)
    assert Reminder.objects.filter(kind="reminder").count() == 2
    assert not Reminder.objects.values("resident", "due_on", "kind").annotate(n=Count("pk")).filter(n__gt=1)
    [digest] = digests_to(wu)
    assert sorted(digest.deliveries.values_list("channel", "target")) == [
        ("email", "wu@example.com"),
        ("inbox", ""),
        ("webhook", "http://127.0.0.1:9/robot"),
    ]


def test_the_digest_is_one_message_listing_all_of_wus_residents_due(wu, ren_cared, grid1, weekly):
    cared_resident(grid1, "孙阿婆", weekly, assigned_on=days_ago(3))
    cared_resident(grid1, "李阿公", weekly, assigned_on=days_ago(1))
    checkins.sweep()
    [digest] = digests_to(wu)
    lines = digest.body.splitlines()
    names = [name for name in ("孙阿婆", "李阿公", "任爱香") for line in lines if name in line]
    assert names == ["孙阿婆", "李阿公", "任爱香"]  # most overdue first
    assert any("任爱香" in line and "临江路4幢1单元302室" in line for line in lines)
    assert "3" in digest.subject
    assert digest.link == "/checkins/"


def test_each_worker_gets_a_digest_of_their_own_grid_only(wu, chen, ren_cared, grid2_resident, weekly):
    care(grid2_resident, weekly)
    checkins.sweep()
    [wus] = digests_to(wu)
    [chens] = digests_to(chen)
    assert "任爱香" in wus.body and "王建国" not in wus.body
    assert "王建国" in chens.body and "任爱香" not in chens.body


def test_the_digest_enqueues_each_delivery_once_after_commit(
    wu_with_email, ren_cared, robot_hook, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        checkins.sweep()
    with django_capture_on_commit_callbacks(execute=True):
        checkins.sweep()
    pending = Delivery.objects.filter(status="pending")
    assert sorted(enqueued) == sorted(pending.values_list("pk", flat=True))
    assert sorted(pending.values_list("channel", flat=True)) == ["email", "webhook"]


def test_follow_ups_falling_due_are_in_the_digest_once(wu, ren_cared):
    visit = seen(wu, ren_cared, days_before=3)
    follow_up(visit, "回访呼吸机维修情况", due_on=timezone.localdate())
    follow_up(visit, "明天再看", due_on=timezone.localdate() + datetime.timedelta(days=1))
    follow_up(visit, "已经办好", due_on=days_ago(1), done=True)

    assert checkins.sweep().follow_ups_due == 1
    assert checkins.sweep().follow_ups_due == 0
    [digest] = digests_to(wu)
    assert "回访呼吸机维修情况" in digest.body
    assert "明天再看" not in digest.body and "已经办好" not in digest.body
    assert "任爱香" not in digest.body  # seen three days ago: her check-in is not due

    tomorrow = checkins.sweep(today=timezone.localdate() + datetime.timedelta(days=1))
    assert tomorrow.follow_ups_due == 1
    assert "明天再看" in digests_to(wu)[-1].body
    assert "回访呼吸机维修情况" not in digests_to(wu)[-1].body
    assert len(digests_to(wu)) == 2


def test_a_resident_due_and_a_follow_up_due_share_one_digest(wu, ren_cared, weekly):
    visit = seen(wu, ren_cared, days_before=7)
    follow_up(visit, "回访呼吸机维修情况", due_on=days_ago(1))
    result = checkins.sweep()
    assert (result.reminders_created, result.follow_ups_due, result.digests) == (1, 1, 1)
    [digest] = digests_to(wu)
    assert "任爱香" in digest.body and "回访呼吸机维修情况" in digest.body


def test_nobody_due_means_no_digest(wu, ren_cared):
    seen(wu, ren_cared, days_before=1)
    assert checkins.sweep().digests == 0
    assert not Notification.objects.exists()


def test_a_new_due_date_brings_a_new_reminder(wu, ren_cared):
    checkins.sweep()
    seen(wu, ren_cared, days_before=0)
    week_later = timezone.localdate() + datetime.timedelta(days=7)
    checkins.sweep(today=week_later)
    assert list(Reminder.objects.filter(kind="reminder").order_by("due_on").values_list("due_on", flat=True)) == [
        timezone.localdate(),
        week_later,
    ]
    assert len(digests_to(wu)) == 2


def test_a_digest_of_follow_ups_alone_goes_to_the_community_robot_too(wu, ren_cared, robot_hook):
    visit = seen(wu, ren_cared, days_before=1)
    follow_up(visit, "回访呼吸机维修情况", due_on=timezone.localdate())
    checkins.sweep()
    [digest] = digests_to(wu)
    assert "回访呼吸机维修情况" in digest.body and "任爱香" not in digest.body
    assert digest.community == robot_hook.community
    assert sorted(digest.deliveries.values_list("channel", flat=True)) == ["inbox", "webhook"]
