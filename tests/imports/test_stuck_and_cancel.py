"""An import whose worker died is not left "importing" for ever: the beat job marks it failed
(nothing of it was imported) and the staff run it again with one tap; cancel works in every
state, and an import never counts as done unless its rows are in."""

import datetime
import os

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from gridapp.imports import services, writer
from gridapp.imports.tasks import fail_stuck_imports
from gridapp.models import Household, ImportBatch, ImportStatus, Resident

from .conftest import commit, rows, xlsx_bytes

S = ImportStatus


def _age(batch, minutes):
    """The batch last changed ``minutes`` ago, and its task last reported progress then too."""
    then = timezone.now() - datetime.timedelta(minutes=minutes)
    ImportBatch.objects.filter(pk=batch.pk).update(updated_at=then)
    progress = services._flag(batch, "progress")
    if progress.exists():
        os.utime(progress, (then.timestamp(), then.timestamp()))
    batch.refresh_from_db()
    return batch


def _killed_mid_import(upload, staff_client, n=6):
    """A checked batch whose import was claimed, then its worker died before committing
    (the transaction, and with it every row, rolled back: nothing is in the register)."""
    _response, batch = upload(xlsx_bytes(rows(n)))
    assert batch.status == S.READY
    ImportBatch.objects.filter(pk=batch.pk).update(status=S.COMMITTING, committed_by=batch.created_by)
    services._flag(batch, "progress").write_text(f"saving 2 {n}")
    batch.refresh_from_db()
    return batch


def test_an_import_whose_worker_died_is_marked_failed_and_runs_again_once(upload, staff_client, staff, settings):
    batch = _killed_mid_import(upload, staff_client)
    # Still making progress a minute ago: a long import, left alone.
    _age(batch, 1)
    assert fail_stuck_imports.apply().get() == []
    _age(batch, settings.GRIDAPP_IMPORT_STUCK_MINUTES + 1)
    assert fail_stuck_imports.apply().get() == [batch.pk]

    page = staff_client.get(reverse("import_detail", args=[batch.pk])).content.decode()
    batch.refresh_from_db()
    assert batch.status == S.FAILED
    assert "The import stopped without finishing" in page and "nothing was imported" in page
    assert 'id="import-rerun"' in page and 'id="import-cancel"' in page
    assert not Resident.objects.exists()
    # The task, handed back by the broker when its worker died, finds nothing to do now.
    services.commit(batch.pk)
    assert ImportBatch.objects.get(pk=batch.pk).status == S.FAILED and not Resident.objects.exists()

    response = staff_client.post(reverse("import_rerun", args=[batch.pk]), follow=True)
    batch.refresh_from_db()
    assert batch.status == S.DONE, batch.message
    assert batch.committed_by == staff
    assert Resident.objects.count() == 6 and Household.objects.count() == 3
    assert 'id="import-rerun"' not in response.content.decode()
    # Run again twice (a second tap): it is done, nothing is imported twice.
    response = staff_client.post(reverse("import_rerun", args=[batch.pk]), follow=True)
    assert "This file cannot be run again: Imported." in response.content.decode()
    assert Resident.objects.count() == 6
    assert not services.stored_file(batch).exists()


def test_a_check_whose_worker_died_runs_again_into_the_preview(upload, staff_client, settings):
    _response, batch = upload(xlsx_bytes(rows(4)))
    ImportBatch.objects.filter(pk=batch.pk).update(status=S.VALIDATING, counts={})
    _age(batch, settings.GRIDAPP_IMPORT_STUCK_MINUTES + 5)
    assert services.fail_stuck() == [batch.pk]
    staff_client.post(reverse("import_rerun", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == S.READY and batch.counts["residents"]["created"] == 4
    commit(staff_client, batch)
    assert batch.status == S.DONE and Resident.objects.count() == 4


def test_a_failed_import_keeps_its_file_a_week_then_cannot_run_again(upload, staff_client, settings):
    batch = _killed_mid_import(upload, staff_client)
    _age(batch, settings.GRIDAPP_IMPORT_STUCK_MINUTES + 1)
    services.fail_stuck()
    assert services.stored_file(batch).exists()
    ImportBatch.objects.filter(pk=batch.pk).update(updated_at=timezone.now() - datetime.timedelta(days=8))
    services.fail_stuck()
    assert not services.stored_file(batch).exists()
    page = staff_client.get(reverse("import_detail", args=[batch.pk])).content.decode()
    assert 'id="import-rerun"' not in page and "Upload a corrected file" in page
    response = staff_client.post(reverse("import_rerun", args=[batch.pk]), follow=True)
    assert "This file cannot be run again: Failed." in response.content.decode()


def test_only_a_failed_import_runs_again(upload, staff_client):
    _response, batch = upload(xlsx_bytes(rows(2)))
    response = staff_client.post(reverse("import_rerun", args=[batch.pk]), follow=True)
    assert "This file cannot be run again: Ready to import." in response.content.decode()
    assert ImportBatch.objects.get(pk=batch.pk).status == S.READY


def test_another_communitys_staff_cannot_run_an_import_again(upload, staff_client, zhao, wu, client, settings):
    batch = _killed_mid_import(upload, staff_client)
    _age(batch, settings.GRIDAPP_IMPORT_STUCK_MINUTES + 1)
    services.fail_stuck()
    client.force_login(zhao)
    assert client.post(reverse("import_rerun", args=[batch.pk])).status_code == 404
    client.force_login(wu)
    assert client.post(reverse("import_rerun", args=[batch.pk])).status_code == 403
    assert ImportBatch.objects.get(pk=batch.pk).status == S.FAILED


def test_beat_looks_for_stuck_imports_every_five_minutes(db):
    task = PeriodicTask.objects.get(name="gridapp: fail stuck imports")
    assert task.task == "gridapp.fail_stuck_imports" and task.enabled
    assert (task.interval.every, task.interval.period) == (5, "minutes")


# --- cancel, in every state ---------------------------------------------------------------------------


def _batch_in(state, upload, staff_client, settings):
    if state == "failed":
        batch = _killed_mid_import(upload, staff_client)
        _age(batch, settings.GRIDAPP_IMPORT_STUCK_MINUTES + 1)
        services.fail_stuck()
    elif state == "committing, worker dead":
        batch = _age(_killed_mid_import(upload, staff_client), settings.GRIDAPP_IMPORT_STUCK_MINUTES + 1)
    elif state == "committing, worker busy":
        batch = _killed_mid_import(upload, staff_client)
    elif state == "has_errors":
        _response, batch = upload(xlsx_bytes([{**rows(1)[0], "身份证号": "123"}]))
    else:
        _response, batch = upload(xlsx_bytes(rows(6)))
        if state == "done":
            commit(staff_client, batch)
        elif state != "ready":
            ImportBatch.objects.filter(pk=batch.pk).update(status=state)
    batch.refresh_from_db()
    return batch


CANCELLED_AT_ONCE = ["uploaded", "validating", "ready", "has_errors", "failed", "committing, worker dead"]


@pytest.mark.parametrize("state", [*CANCELLED_AT_ONCE, "committing, worker busy"])
def test_cancel_works_in_every_state_and_keeps_nothing(state, upload, staff_client, settings):
    batch = _batch_in(state, upload, staff_client, settings)
    assert batch.status == state.split(",")[0], (batch.status, batch.message, batch.errors)
    response = staff_client.post(reverse("import_cancel", args=[batch.pk]), follow=True)
    assert "Cancelled: nothing of this file is imported." in response.content.decode()
    batch.refresh_from_db()
    if state in CANCELLED_AT_ONCE or connection.vendor != "sqlite":
        assert batch.status == S.CANCELLED
        assert not services.stored_file(batch).exists()
    else:
        # SQLite: a live import holds the write lock; it sees the flag at its next rows.
        assert batch.status == S.COMMITTING
    # Whatever task was still on its way (a check, an import) keeps nothing and changes nothing.
    services.check(batch.pk)
    services.commit(batch.pk)
    batch.refresh_from_db()
    assert batch.status == S.CANCELLED
    assert not Resident.objects.exists() and not Household.objects.exists()
    page = staff_client.get(reverse("import_detail", args=[batch.pk])).content.decode()
    assert 'id="import-cancel"' not in page and 'id="import-rerun"' not in page


@pytest.mark.parametrize("state", ["done", "cancelled"])
def test_cancel_of_a_finished_import_says_so_and_changes_nothing(state, upload, staff_client, settings):
    batch = _batch_in(state, upload, staff_client, settings)
    response = staff_client.post(reverse("import_cancel", args=[batch.pk]), follow=True)
    assert "This import has already finished." in response.content.decode()
    assert ImportBatch.objects.get(pk=batch.pk).status == state
    assert Resident.objects.count() == (6 if state == "done" else 0)


def test_an_import_cancelled_while_writing_keeps_nothing_even_without_looking_at_the_flag(
    upload, staff_client, monkeypatch
):
    """The last word is the batch's status, changed with the rows in one transaction: an import
    whose batch was cancelled (or marked failed) while it wrote rolls back."""
    batch = _killed_mid_import(upload, staff_client)
    real_reporter = services._reporter

    def reporter_and_a_cancel(b):
        report = real_reporter(b)

        def wrapped(phase, done, total):
            report(phase, done, total)
            if phase == "saving":  # Staff tap "Cancel" while the worker writes; no flag is read
                ImportBatch.objects.filter(pk=b.pk).update(status=S.CANCELLED, updated_at=timezone.now())

        return wrapped

    monkeypatch.setattr(services, "_reporter", reporter_and_a_cancel)
    services.commit(batch.pk)
    batch.refresh_from_db()
    assert batch.status == S.CANCELLED
    assert not Resident.objects.exists() and not Household.objects.exists()


def test_an_import_stopped_at_its_time_limit_fails_cleanly_and_can_run_again(upload, staff_client, monkeypatch):
    """Celery's soft time limit raises inside the task (the prefork pool's signal): the import's
    transaction is rolled back, the staff read why and may run it again."""
    batch = _killed_mid_import(upload, staff_client)
    real_write = writer.Writer.write

    def too_slow(self):
        real_write(self)  # every row written, then the limit strikes
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(writer.Writer, "write", too_slow)
    services.commit(batch.pk)
    batch.refresh_from_db()
    assert batch.status == S.FAILED and "took longer than the time allowed" in batch.message
    assert not Resident.objects.exists() and not Household.objects.exists()
    monkeypatch.setattr(writer.Writer, "write", real_write)
    staff_client.post(reverse("import_rerun", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == S.DONE and Resident.objects.count() == 6
