"""Celery tasks for large imports: ids in, the service does the work (and makes a duplicated or
retried task a no-op by claiming the batch's status).

Both are idempotent (docs/operations.md, "Background jobs"), so they are acknowledged only once
done: a worker killed mid-way hands its task back to the broker, and the task run again either
finds the batch where it was (nothing of an import is kept before its transaction commits) and
finishes it once, or finds it moved on (failed by ``fail_stuck_imports``, cancelled) and does
nothing. Their time limits are longer than the other tasks' (settings, GRIDAPP_IMPORT_*)."""

from celery import shared_task
from django.conf import settings

from . import services

IMPORT_TASK = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "ignore_result": True,
    "soft_time_limit": settings.GRIDAPP_IMPORT_SOFT_TIME_LIMIT,
    "time_limit": settings.GRIDAPP_IMPORT_TIME_LIMIT,
}


@shared_task(name="gridapp.imports.check", **IMPORT_TASK)
def check_import(batch_id):
    services.check(batch_id)


@shared_task(name="gridapp.imports.commit", **IMPORT_TASK)
def commit_import(batch_id):
    services.commit(batch_id)


# Named outside "gridapp.imports.*" so that it runs on the default queue: the imports' worker
# may be busy for an hour with one import.
@shared_task(name="gridapp.fail_stuck_imports", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def fail_stuck_imports():
    """Beat runs this every 5 minutes: batches whose worker died are marked failed, to be run again."""
    return services.fail_stuck()
