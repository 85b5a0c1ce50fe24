"""A real Celery worker process takes a task from the real broker (Redis in CI, the filesystem
transport on the embedded default) and writes to the real database."""

import time

import pytest
import redis
from django.conf import settings

from gridapp.models import WorkerHeartbeat
from gridapp.tasks import heartbeat

from ..celery_helpers import celery_worker
from ..conftest import require_or_skip


def _broker_reachable():
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        return True
    try:
        return redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        return False


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_worker_process_records_heartbeat_through_the_broker(tmp_path):
    require_or_skip(_broker_reachable(), f"broker {settings.CELERY_BROKER_URL} is not reachable")
    assert not WorkerHeartbeat.objects.exists()
    with celery_worker(tmp_path / "worker.log") as queue:
        heartbeat.apply_async(queue=queue)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not WorkerHeartbeat.objects.exists():
            time.sleep(0.5)
    log = (tmp_path / "worker.log").read_text()
    assert WorkerHeartbeat.objects.count() == 1, f"the worker did not run the task; its log:\n{log}"
    assert "gridapp.tasks.heartbeat" in log
