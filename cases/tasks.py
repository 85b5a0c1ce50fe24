"""Overdue flags: thin; the claim-once logic is in services.flag_overdue."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def flag_overdue_cases():
    return services.flag_overdue()
