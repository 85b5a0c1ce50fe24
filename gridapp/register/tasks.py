"""The retention job, run daily by beat: thin; the work is in retention.py."""

from celery import shared_task

from gridapp.tasks import IDEMPOTENT

from . import retention


# Idempotent: it touches only what is due and not done yet, a thousand records a transaction.
@shared_task(name="gridapp.anonymise_archived", **IDEMPOTENT)
def anonymise_archived():
    return retention.anonymise_archived().__dict__
