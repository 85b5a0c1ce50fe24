"""The check-in sweep: thin; the work and its exactly-once guarantees live in checkins.py."""

from celery import shared_task

from gridapp.tasks import IDEMPOTENT

from . import checkins


# The sweep is one transaction and its reminders are unique per (resident, due date, kind), so a
# sweep that failed or whose worker died left nothing behind and is simply run again: soon, with
# exponential backoff (1, 2, 4 … minutes, at most 30 between tries, for about 8 hours) rather
# than at the next day's 07:30. A sweep that succeeds twice sends nothing twice.
@shared_task(
    autoretry_for=(Exception,),
    retry_backoff=60,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=20,
    **IDEMPOTENT,
)
def sweep_checkins():
    """Beat runs this daily at 07:30 Asia/Shanghai (editable in the admin, django-celery-beat)."""
    result = checkins.sweep()
    return {"due": result.due, "reminders": result.reminders_created, "digests": result.digests}
