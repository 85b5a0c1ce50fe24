"""Background jobs of the register app: deliveries of notifications, and a heartbeat.

Every task here is idempotent, so each is acknowledged only once done (``IDEMPOTENT``): a worker
killed mid-task hands it back to the broker, and running it again changes nothing twice
(docs/operations.md, "Background jobs", says why for each task of the project).
"""

import datetime
import socket

from celery import shared_task
from django.utils import timezone

from . import notify
from .models import Delivery, DeliveryStatus, WorkerHeartbeat

# A delivery claimed this long ago whose worker never finished (it died) is tried again.
STALE_CLAIM = datetime.timedelta(minutes=15)
# For the tasks that may run twice: acknowledged once done, handed back if the worker dies.
IDEMPOTENT = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}

# A pending delivery younger than this still has its own task on the way; older, it was lost.
NOTIFY_GRACE = datetime.timedelta(minutes=5)


@shared_task(**IDEMPOTENT)
def heartbeat():
    """Record that a worker ran a task just now; the admin home shows it, so a stopped worker
    or beat is noticed before reminders go missing."""
    WorkerHeartbeat.objects.update_or_create(hostname=socket.gethostname()[:200], defaults={"seen_at": timezone.now()})


@shared_task(bind=True, max_retries=None, **IDEMPOTENT)
def deliver(self, delivery_id):
    """Send one delivery; retry with backoff (the row, not the task, counts the tries)."""
    retry_in = notify.attempt(delivery_id)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@shared_task(**IDEMPOTENT)
def requeue_deliveries():
    """Catch up on deliveries whose task was lost: the broker was down when they were queued,
    or the worker died while sending."""
    now = timezone.now()
    # A claim this old outlived every task's hard time limit (CELERY_TASK_TIME_LIMIT, 12 minutes):
    # its worker died. Sent again at once, not after the backoff cap below.
    stale = Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=now - STALE_CLAIM)
    stale_ids = list(stale.values_list("pk", flat=True)[:1000])
    stale.filter(pk__in=stale_ids).update(status=DeliveryStatus.PENDING)
    waiting = Delivery.objects.filter(
        status=DeliveryStatus.PENDING, created_at__lt=now - NOTIFY_GRACE, claimed_at__isnull=True
    ) | Delivery.objects.filter(
        status=DeliveryStatus.PENDING, claimed_at__lt=now - datetime.timedelta(seconds=notify.BACKOFF_CAP_SECONDS * 2)
    )
    notify.enqueue([*stale_ids, *waiting.exclude(pk__in=stale_ids).values_list("pk", flat=True)[:1000]])
