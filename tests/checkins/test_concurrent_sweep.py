"""Sweeps that overlap (beat fired twice, an operator ran the command during the scheduled run)
still send each reminder once: the database decides, not the application."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from gridapp import notify
from gridapp.models import Delivery, Notification, RoleKind, Webhook
from visits import checkins
from visits.models import FollowUp, Reminder

from ..factories import CommunityFactory, GridFactory, HouseholdFactory, ResidentFactory, UserFactory, give_role
from ..visits.conftest import log
from .conftest import _level, care

SWEEPS_AT_ONCE = 4
ROUNDS = 3


def sweep_at_once(n):
    """Run ``n`` sweeps in threads released together, each on its own connection."""
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(checkins.sweep())
        except Exception as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert len(results) == n
    return results


@pytest.mark.django_db(transaction=True)
def test_sweeps_at_once_send_each_reminder_once_with_one_delivery_per_channel(monkeypatch):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers, so sweeps cannot overlap there; CI runs this on PostgreSQL")
    enqueued = []
    monkeypatch.setattr(notify, "enqueue", enqueued.extend)  # no broker: the ids are what matter
    community = CommunityFactory(name="东麓池社区", code="DLC")
    grid = GridFactory(community=community, number=1)
    wu = give_role(UserFactory(username="wu", email="wu@example.com"), RoleKind.GRID_WORKER, grid=grid)
    staff = give_role(UserFactory(username="staff"), RoleKind.COMMUNITY_STAFF, community=community)
    Webhook.objects.create(community=community, url="http://127.0.0.1:9/robot")
    weekly = _level("alone_80_or_equipment", "每周探访", 7, 2)

    for round_ in range(ROUNDS):
        # Each round: a dozen residents due today, one long overdue (escalated), one follow-up due.
        for n in range(12):
            care(ResidentFactory(household=HouseholdFactory(grid=grid), name=f"居民{round_}-{n}"), weekly)
        overdue = ResidentFactory(household=HouseholdFactory(grid=grid), name=f"逾期{round_}")
        care(overdue, weekly, assigned_on=timezone.localdate() - datetime.timedelta(days=10))
        visit = log(wu, household=overdue.household)
        FollowUp.objects.create(visit=visit, grid=grid, what=f"回访{round_}", due_on=timezone.localdate(), assignee=wu)
        before = set(Notification.objects.values_list("pk", flat=True))

        results = sweep_at_once(SWEEPS_AT_ONCE)

        assert sum(r.reminders_created for r in results) == 13
        assert sum(r.escalations_created for r in results) == 1
        assert sum(r.follow_ups_due for r in results) == 1
        assert (sum(r.digests for r in results), sum(r.escalation_digests for r in results)) == (1, 1)
        new = Notification.objects.exclude(pk__in=before)
        [digest] = new.filter(recipient=wu)
        assert digest.body.count("居民") == 12 and f"回访{round_}" in digest.body
        [escalation] = new.filter(recipient=staff)
        assert f"逾期{round_}" in escalation.body
        channels = Delivery.objects.filter(notification__in=new).values_list("notification__recipient", "channel")
        assert sorted(channels) == sorted(
            [(wu.pk, "inbox"), (wu.pk, "email"), (wu.pk, "webhook"), (staff.pk, "inbox"), (staff.pk, "webhook")]
        )

    assert Reminder.objects.filter(kind="reminder").count() == 13 * ROUNDS
    assert Reminder.objects.filter(kind="escalation").count() == ROUNDS
    assert sorted(enqueued) == sorted(Delivery.objects.filter(status="pending").values_list("pk", flat=True))
