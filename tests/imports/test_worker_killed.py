"""A worker killed (SIGKILL) in the middle of an import, with a real worker process on Redis and
PostgreSQL: nothing of the import is in the register; then either its task comes back to a new
worker and the import completes once, or the beat job marks it failed first and the staff run it
again — imported once either way."""

import signal
import time
import uuid

import pytest
from django.urls import reverse

from gridapp.imports import services
from gridapp.models import Household, ImportBatch, ImportStatus, Resident

from ..celery_helpers import QUICK_REDELIVERY, require_postgresql_and_redis, wait_for, worker_process
from .conftest import rows, xlsx_bytes

ROWS = 10_000  # 5,000 households: the import writes for a few seconds, long enough to be killed


def _status(batch):
    batch.refresh_from_db()
    return batch.status


def _kill_while_writing(batch, worker):
    """SIGKILL the worker once the import is writing rows; returns when it is dead."""
    wait_for(
        lambda: services.progress(batch)[0] == "saving" and services.progress(batch)[1] > 0,
        "the import to write its first rows",
    )
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    # Past the (test's) visibility timeout, a new worker takes the unacknowledged task at start.
    time.sleep(int(QUICK_REDELIVERY["CELERY_VISIBILITY_TIMEOUT"]) + 1)


def _imported_once():
    assert Resident.objects.count() == ROWS and Household.objects.count() == ROWS // 2
    # One version each in the history: written by one import, not two.
    assert Resident.history.count() == ROWS


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_an_import_killed_mid_way_completes_once_on_a_new_worker(tmp_path, settings, monkeypatch, upload, staff_client):
    require_postgresql_and_redis()
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    monkeypatch.setenv("MEDIA_ROOT", str(media))  # the worker reads the uploads from there too
    settings.GRIDAPP_IMPORT_QUEUE = queue = f"test-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"

    with worker_process(log, queue, **QUICK_REDELIVERY) as first:
        _response, batch = upload(xlsx_bytes(rows(ROWS)))
        wait_for(lambda: _status(batch) == ImportStatus.READY, "the check", seconds=180)
        staff_client.post(reverse("import_commit", args=[batch.pk]))
        _kill_while_writing(batch, first)

    # The worker died mid-transaction: PostgreSQL rolled it back, the batch is still importing.
    assert _status(batch) == ImportStatus.COMMITTING
    assert not Resident.objects.exists() and not Household.objects.exists()

    # A new worker: Redis hands it the task the dead one never acknowledged, once the visibility
    # timeout has passed, and the import runs to the end, once.
    with worker_process(log, queue, **QUICK_REDELIVERY):
        wait_for(lambda: _status(batch) != ImportStatus.COMMITTING, "the task to come back", seconds=240)
    assert batch.status == ImportStatus.DONE, (batch.message, log.read_text()[-3000:])
    _imported_once()
    assert log.read_text().count("Task gridapp.imports.commit[") >= 2  # the same task, received twice


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_an_import_killed_mid_way_fails_cleanly_and_runs_again_once(
    tmp_path, settings, monkeypatch, upload, staff_client
):
    require_postgresql_and_redis()
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    monkeypatch.setenv("MEDIA_ROOT", str(media))
    settings.GRIDAPP_IMPORT_QUEUE = queue = f"test-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"

    with worker_process(log, queue, **QUICK_REDELIVERY) as first:
        _response, batch = upload(xlsx_bytes(rows(ROWS)))
        wait_for(lambda: _status(batch) == ImportStatus.READY, "the check", seconds=180)
        staff_client.post(reverse("import_commit", args=[batch.pk]))
        _kill_while_writing(batch, first)

    # Before any worker is back, the beat job finds the import without a sign of life.
    settings.GRIDAPP_IMPORT_STUCK_MINUTES = 0
    assert services.fail_stuck() == [batch.pk]
    assert _status(batch) == ImportStatus.FAILED
    assert not Resident.objects.exists()
    page = staff_client.get(reverse("import_detail", args=[batch.pk])).content.decode()
    assert "nothing was imported" in page and 'id="import-rerun"' in page

    with worker_process(log, queue, **QUICK_REDELIVERY):
        # The dead worker's task comes back to the new one and finds the batch failed: it does nothing.
        # (received by the dead worker; received and succeeded, doing nothing, by this one)
        wait_for(lambda: log.read_text().count("Task gridapp.imports.commit[") >= 3, "the task to come back", 120)
        assert _status(batch) == ImportStatus.FAILED and not Resident.objects.exists()
        # The staff run it again.
        staff_client.post(reverse("import_rerun", args=[batch.pk]))
        wait_for(lambda: _status(batch) in (ImportStatus.DONE, ImportStatus.FAILED), "the import", seconds=240)
    assert batch.status == ImportStatus.DONE, (batch.message, log.read_text()[-3000:])
    _imported_once()
    assert ImportBatch.objects.get(pk=batch.pk).committed_by is not None
