"""A 07:30 sweep that fails (the database went away mid-way) is run again soon, not tomorrow,
and the run that succeeds sends each reminder once: the failed one left nothing behind."""

import pytest
from django.db import OperationalError

from gridapp import notify
from visits import digest
from visits.models import Reminder
from visits.tasks import sweep_checkins

from .conftest import cared_resident, days_ago
from .test_sweep import digests_to


@pytest.fixture
def enqueued(monkeypatch):
    ids = []
    monkeypatch.setattr(notify, "enqueue", ids.extend)
    return ids


@pytest.fixture
def database_fails_twice(monkeypatch):
    """The database connection drops while the first two sweeps write their digests."""
    real = digest.send_worker_digests
    failures = []

    def send(*args, **kwargs):
        if len(failures) < 2:
            failures.append(1)
            raise OperationalError("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    monkeypatch.setattr(digest, "send_worker_digests", send)
    return failures


def test_a_failed_sweep_is_retried_and_sends_each_reminder_once(
    wu_with_email, ren_cared, grid1, weekly, enqueued, database_fails_twice, django_capture_on_commit_callbacks
):
    cared_resident(grid1, "孙阿婆", weekly, assigned_on=days_ago(3))
    with django_capture_on_commit_callbacks(execute=True) as after_commit:
        result = sweep_checkins.apply()
    assert len(after_commit) == 1  # only the sweep that committed hands deliveries to Celery
    assert result.successful(), result.traceback
    assert len(database_fails_twice) == 2  # two failed tries, then the one that worked
    assert (result.get()["reminders"], result.get()["digests"]) == (2, 1)
    assert Reminder.objects.filter(kind="reminder").count() == 2
    [message] = digests_to(wu_with_email)
    assert len(enqueued) == message.deliveries.exclude(channel="inbox").count() == 1


def test_the_sweep_retries_with_growing_waits_then_gives_up():
    """Backoff: about 1, 2, 4 … minutes between tries, never more than 30, for about 8 hours."""
    assert sweep_checkins.autoretry_for == (Exception,)
    assert (sweep_checkins.retry_backoff, sweep_checkins.retry_backoff_max) == (60, 30 * 60)
    assert sweep_checkins.max_retries == 20
