"""Every task of the project survives a dead worker: acknowledged only once done and handed back
if its worker dies (each is idempotent: docs/operations.md, "Background jobs"), under a time
limit; a worker takes one task at a time. Wrong limits stop Django from starting."""

import pytest
from django.conf import settings

from gridapp import tasks
from gridapp.celery import app
from gridapp.imports import tasks as import_tasks

from .test_settings import SETUP, start_django

OURS = ("gridapp.", "visits.", "cases.")


def _our_tasks():
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if name.startswith(OURS)}


def test_every_task_is_acknowledged_late_and_handed_back_if_its_worker_dies():
    ours = _our_tasks()
    assert set(ours) >= {
        "gridapp.tasks.heartbeat",
        "gridapp.tasks.deliver",
        "gridapp.tasks.requeue_deliveries",
        "gridapp.imports.check",
        "gridapp.imports.commit",
        "gridapp.fail_stuck_imports",
        "gridapp.anonymise_archived",
        "visits.tasks.sweep_checkins",
        "cases.tasks.flag_overdue_cases",
    }
    for name, task in ours.items():
        assert task.acks_late and task.reject_on_worker_lost, name


def test_time_limits_and_one_task_at_a_time():
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert 0 < settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT
    assert (import_tasks.commit_import.soft_time_limit, import_tasks.commit_import.time_limit) == (
        settings.GRIDAPP_IMPORT_SOFT_TIME_LIMIT,
        settings.GRIDAPP_IMPORT_TIME_LIMIT,
    )
    # A delivery claimed longer ago than any task may run was left by a dead worker.
    assert tasks.STALE_CLAIM.total_seconds() > settings.CELERY_TASK_TIME_LIMIT
    # The stuck-import job runs where the imports' own (busy) worker is not needed.
    assert app.amqp.router.route({}, "gridapp.fail_stuck_imports")["queue"].name == settings.CELERY_TASK_DEFAULT_QUEUE


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CELERY_TASK_SOFT_TIME_LIMIT": "700", "CELERY_TASK_TIME_LIMIT": "600"}, "CELERY_TASK_SOFT_TIME_LIMIT must"),
        ({"GRIDAPP_IMPORT_TIME_LIMIT": "soon"}, "GRIDAPP_IMPORT_TIME_LIMIT must be an integer"),
        ({"GRIDAPP_RETENTION_SENSITIVE_DAYS": "0"}, "GRIDAPP_RETENTION_SENSITIVE_DAYS must"),
    ],
)
def test_wrong_limits_stop_startup_naming_the_variable(tmp_path, env, message):
    result = start_django(tmp_path, DEBUG="true", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_a_visibility_timeout_shorter_than_an_import_fails_the_checks(tmp_path):
    """An import may run 55 minutes; Redis must not hand it to a second worker meanwhile."""
    check = SETUP + "; from django.core.management import call_command; call_command('check')"
    result = start_django(
        tmp_path,
        check,
        DEBUG="true",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        CELERY_VISIBILITY_TIMEOUT="3000",
    )
    assert result.returncode != 0
    assert "gridapp.E002" in result.stderr and "gridapp.E001" not in result.stderr
