"""Overdue flags: thin; the claim-once logic is in services.flag_overdue."""

from celery import shared_task

from gridapp.tasks import IDEMPOTENT

from . import services


@shared_task(**IDEMPOTENT)
def flag_overdue_cases():
    return services.flag_overdue()
