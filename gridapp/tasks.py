"""Background jobs of the register app."""

import socket

from celery import shared_task
from django.utils import timezone

from .models import WorkerHeartbeat


@shared_task(ignore_result=True)
def heartbeat():
    """Record that a worker ran a task just now; the admin home shows it, so a stopped worker
    or beat is noticed before reminders go missing."""
    WorkerHeartbeat.objects.update_or_create(hostname=socket.gethostname()[:200], defaults={"seen_at": timezone.now()})
