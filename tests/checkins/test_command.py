"""``manage.py send_checkin_reminders``: run the sweep by hand, or count what it would do."""

import datetime
import io
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from gridapp.models import Notification
from visits.models import FollowUp, Reminder

from ..celery_helpers import ROOT, database_url
from .conftest import seen


def run(*args):
    out = io.StringIO()
    call_command("send_checkin_reminders", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_prints_the_counts_and_creates_nothing(wu, ren_cared):
    visit = seen(wu, ren_cared, days_before=7)
    FollowUp.objects.create(
        visit=visit, grid=visit.grid, what="回访呼吸机维修情况", due_on=timezone.localdate(), assignee=wu
    )
    out = run("--dry-run")
    assert f"[dry run] check-ins due on or before {timezone.localdate()}: 1" in out
    assert "[dry run] reminders to create: 1" in out
    assert "[dry run] follow-ups falling due: 1" in out
    assert not Reminder.objects.exists() and not Notification.objects.exists()
    assert FollowUp.objects.get().reminded_at is None


def test_a_dry_run_after_the_sweep_has_nothing_left_to_create(wu, ren_cared):
    out = run()
    assert "reminders created: 1" in out and "digests sent to workers: 1" in out
    assert "[dry run] reminders to create: 0" in run("--dry-run")


def test_date_sweeps_as_of_that_day(wu, ren_cared):
    visited = timezone.localdate(seen(wu, ren_cared, days_before=0).visited_at)
    day_before_due = visited + datetime.timedelta(days=6)
    due = visited + datetime.timedelta(days=7)

    assert "reminders created: 0" in run("--date", day_before_due.isoformat())
    out = run("--date", due.isoformat())
    assert str(due) in out and "reminders created: 1" in out
    assert list(Reminder.objects.values_list("due_on", flat=True)) == [due]


def test_a_bad_date_is_refused_with_status_2():
    with pytest.raises(CommandError, match=r"YYYY-MM-DD.*'2026-13-01'") as refused:
        run("--date", "2026-13-01")
    assert refused.value.returncode == 2


@pytest.mark.django_db(transaction=True)
def test_a_bad_date_exits_2_from_the_command_line():
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": database_url()}
    done = subprocess.run(
        [sys.executable, "manage.py", "send_checkin_reminders", "--date", "2026-13-01"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--date must be a date as YYYY-MM-DD, not '2026-13-01'" in done.stderr
    assert not Reminder.objects.exists()
