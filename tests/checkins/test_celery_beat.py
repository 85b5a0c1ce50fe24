"""End to end with real processes: beat fires the check-in sweep on its schedule, the worker
runs it against the real database, and runs the e-mail delivery it enqueues."""

import re
import time

import pytest
from django.conf import settings
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from gridapp.models import Delivery, Notification, RoleKind
from visits.models import Reminder

from ..conftest import require_or_skip
from ..factories import CommunityFactory, GridFactory, HouseholdFactory, ResidentFactory, UserFactory, give_role
from .beat_worker import broker_reachable, worker_with_beat
from .conftest import _level, care

DEADLINE_SECONDS = 45
SWEEP_DONE = re.compile(r"Task visits\.tasks\.sweep_checkins\[\S+\] succeeded")


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_beat_sweeps_and_the_worker_emails_wus_digest(tmp_path):
    require_or_skip(broker_reachable(), f"broker {settings.CELERY_BROKER_URL} is not reachable")
    grid = GridFactory(community=CommunityFactory(name="东麓池社区", code="DLC"), number=1)
    wu = give_role(UserFactory(username="wu", email="wu@example.com"), RoleKind.GRID_WORKER, grid=grid)
    ren = ResidentFactory(household=HouseholdFactory(grid=grid), name="任爱香")
    care(ren, _level("alone_80_or_equipment", "每周探访", 7, 2))  # set today, never seen: due today
    # Only the sweep, every two seconds instead of daily at 07:30.
    PeriodicTask.objects.update(enabled=False)
    every_two_seconds = IntervalSchedule.objects.create(every=2, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="test: check-in sweep", task="visits.tasks.sweep_checkins", interval=every_two_seconds
    )

    def email_sent():
        return Delivery.objects.filter(notification__recipient=wu, channel="email", status="sent").exists()

    def sweeps_run(log_path):
        return len(SWEEP_DONE.findall(log_path.read_text()))

    with worker_with_beat(tmp_path, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend") as log_path:
        deadline = time.monotonic() + DEADLINE_SECONDS
        # Wait for the e-mail, and for beat to have fired the sweep again: that run must send nothing.
        while time.monotonic() < deadline and not (email_sent() and sweeps_run(log_path) >= 2):
            time.sleep(0.5)
    log = log_path.read_text()

    assert email_sent(), f"no e-mail delivery was sent; the worker's log:\n{log}"
    assert len(SWEEP_DONE.findall(log)) >= 2, log
    assert re.search(r"Task gridapp\.tasks\.deliver\[\S+\] succeeded", log), log
    [digest] = Notification.objects.filter(recipient=wu)
    assert digest.kind == "checkin_digest" and "任爱香" in digest.body
    assert sorted(digest.deliveries.values_list("channel", "status")) == [("email", "sent"), ("inbox", "sent")]
    assert Reminder.objects.filter(resident=ren).count() == 1
