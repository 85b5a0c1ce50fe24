"""Celery tasks for large imports: ids in, the service does the work (and makes a duplicated or
retried task a no-op by claiming the batch's status)."""

from celery import shared_task

from . import services


@shared_task(name="gridapp.imports.check")
def check_import(batch_id):
    services.check(batch_id)


@shared_task(name="gridapp.imports.commit")
def commit_import(batch_id):
    services.commit(batch_id)
