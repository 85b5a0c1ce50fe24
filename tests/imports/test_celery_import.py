"""A 10,000-row workbook goes through a real Celery worker: checked and imported in the
background while the page's progress fragment answers; a second one is cancelled mid-way and
leaves nothing behind."""

import time

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from gridapp.models import Household, ImportBatch, ImportStatus, Resident

from ..celery_helpers import celery_worker
from ..conftest import require_or_skip
from ..gridapp.test_celery_worker import _broker_reachable
from .conftest import rows, xlsx_bytes


def _wait(batch, *statuses, seconds=180):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        batch.refresh_from_db()
        if batch.status in statuses:
            return batch
        time.sleep(0.3)
    raise AssertionError(f"import {batch.pk} still {batch.status} after {seconds} s")


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_checked_and_imported_by_the_worker_and_a_cancel_keeps_nothing(
    tmp_path, settings, monkeypatch, upload, staff_client
):
    require_or_skip(_broker_reachable(), f"broker {django_settings.CELERY_BROKER_URL} is not reachable")
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    monkeypatch.setenv("MEDIA_ROOT", str(media))  # the worker reads the uploads from there too
    with celery_worker(tmp_path / "worker.log") as queue:
        settings.GRIDAPP_IMPORT_QUEUE = queue
        _response, batch = upload(xlsx_bytes(rows(10_000)))
        assert batch.status in (ImportStatus.VALIDATING, ImportStatus.READY)  # not checked in the request
        progress = staff_client.get(reverse("import_progress", args=[batch.pk]))
        assert progress.status_code == 200
        _wait(batch, ImportStatus.READY, ImportStatus.HAS_ERRORS, ImportStatus.FAILED)
        log = (tmp_path / "worker.log").read_text()
        assert batch.status == ImportStatus.READY, (batch.message, batch.errors[:3], log[-2000:])
        assert batch.counts["residents"]["created"] == 10_000
        staff_client.post(reverse("import_commit", args=[batch.pk]))
        _wait(batch, ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.HAS_ERRORS)
        assert batch.status == ImportStatus.DONE
        assert Resident.objects.count() == 10_000 and Household.objects.count() == 5_000
        # The page, once done, tells htmx to reload into the result.
        assert staff_client.get(reverse("import_progress", args=[batch.pk]))["HX-Refresh"] == "true"

        _response, second = upload(xlsx_bytes(rows(10_000, start=10_000, road="新塘路")))
        _wait(second, ImportStatus.READY)
        staff_client.post(reverse("import_commit", args=[second.pk]))
        staff_client.post(reverse("import_cancel", args=[second.pk]))
        _wait(second, ImportStatus.CANCELLED, ImportStatus.DONE)
    assert second.status == ImportStatus.CANCELLED
    assert Resident.objects.count() == 10_000
    assert not Household.objects.filter(address__startswith="新塘路").exists()
    assert ImportBatch.objects.get(pk=batch.pk).committed_by is not None
    log = (tmp_path / "worker.log").read_text()
    assert log.count("Task gridapp.imports.check[") >= 2 and log.count("Task gridapp.imports.commit[") >= 2
