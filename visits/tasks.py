"""The check-in sweep: thin; the work and its exactly-once guarantees live in checkins.py."""

from celery import shared_task

from . import checkins


@shared_task(ignore_result=True)
def sweep_checkins():
    """Beat runs this daily at 07:30 Asia/Shanghai (editable in the admin, django-celery-beat)."""
    result = checkins.sweep()
    return {"due": result.due, "reminders": result.reminders_created, "digests": result.digests}
