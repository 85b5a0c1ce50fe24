"""An import's life: upload → check (the preview) → import in one transaction, or cancel.

Every change of ``ImportBatch.status`` happens here, each as a conditional UPDATE from the
state it expects, so a retried task, a second tap on "Import" or a cancel racing the worker
changes nothing twice. Small files are checked and imported within the request; larger ones
(``GRIDAPP_IMPORT_INLINE_ROWS``) by a Celery task enqueued after commit.

Progress and cancel requests travel through two small files beside the upload rather than the
database: the import writes inside one long transaction, which nobody else can see into (and
which, on SQLite, blocks every other writer). The worker reads the upload from the same
directory, so whoever runs it shares that directory already.
"""

import datetime
import hashlib
import logging
import uuid
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gridapp.models import ImportBatch, ImportStatus

from .columns import SAMPLE_MARK
from .plan import Cancelled, build_plan
from .reader import FileRejected, estimate_rows, sniff
from .writer import Writer

logger = logging.getLogger(__name__)

# Cancel is possible until the import has finished (a failed one keeps its file for a re-run,
# which a cancel gives up); an import that is writing is asked to stop (``cancel``).
CANCELLABLE = (
    ImportStatus.UPLOADED, ImportStatus.VALIDATING, ImportStatus.READY, ImportStatus.HAS_ERRORS, ImportStatus.FAILED,
)  # fmt: skip
RUNNING = (ImportStatus.UPLOADED, ImportStatus.VALIDATING, ImportStatus.COMMITTING)
# A failed batch keeps its file (for "Run again") this long; then only its record remains.
KEEP_FAILED = datetime.timedelta(days=7)


class TooLarge(FileRejected):
    pass


def import_dir():
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def stored_file(batch):
    return import_dir() / batch.stored_path


def _flag(batch, suffix):
    # Named after the stored upload (a fresh uuid), never the batch id, which a restored or
    # recreated database may hand out again.
    return import_dir() / f"{batch.stored_path}.{suffix}"


# --- upload ------------------------------------------------------------------------------------------


def store_upload(upload):
    """Save the upload under the import directory, checking size and content; returns
    (stored name, size, sha256, format, encoding) or raises FileRejected (nothing kept)."""
    limit = settings.GRIDAPP_IMPORT_MAX_BYTES
    if upload.size > limit:
        raise TooLarge(
            _("The file is %(size)s MB; at most %(max)s MB can be imported at once. Split it into smaller files.")
            % {"size": f"{upload.size / 2**20:.1f}", "max": f"{limit / 2**20:.0f}"}
        )
    name = f"{uuid.uuid4().hex}.upload"
    path = import_dir() / name
    digest = hashlib.sha256()
    size = 0
    with open(path, "wb") as f:
        for chunk in upload.chunks():
            digest.update(chunk)
            size += len(chunk)
            f.write(chunk)
    try:
        file_format, encoding = sniff(path)
    except FileRejected:
        path.unlink(missing_ok=True)
        raise
    return name, size, digest.hexdigest(), file_format, encoding


def upload(*, by, grid, kind, file, language):
    """Store the file, record the batch and check it (now, or through Celery for a large file)."""
    name, size, sha256, file_format, _encoding = store_upload(file)
    path = import_dir() / name
    rows = estimate_rows(path, file_format)
    batch = ImportBatch.objects.create(
        created_by=by,
        grid=grid,
        kind=kind,
        filename=file.name[:255],
        size=size,
        sha256=sha256,
        stored_path=name,
        file_format=file_format,
        language=language,
        status=ImportStatus.VALIDATING,
        total_rows=rows,
    )
    logger.info("import %s uploaded by user %s: %s rows, %s bytes", batch.pk, by.pk, rows, size)
    if rows <= settings.GRIDAPP_IMPORT_INLINE_ROWS:
        check(batch.pk)
    else:
        _enqueue("check_import", batch.pk)
    batch.refresh_from_db()
    return batch


def _enqueue(task_name, batch_id):
    from . import tasks

    task = getattr(tasks, task_name)
    queue = settings.GRIDAPP_IMPORT_QUEUE
    transaction.on_commit(lambda: task.apply_async((batch_id,), **({"queue": queue} if queue else {})))


# --- progress and cancel --------------------------------------------------------------------------------


def progress(batch):
    """(phase, done, total) of a running batch, as its task last reported."""
    try:
        phase, done, total = _flag(batch, "progress").read_text().split()
        return phase, int(done), int(total)
    except (OSError, ValueError):
        return "waiting", 0, batch.total_rows


def _reporter(batch):
    flag = _flag(batch, "cancel")
    progress_file = _flag(batch, "progress")

    def report(phase, done, total):
        if flag.exists():
            raise Cancelled
        tmp = progress_file.with_suffix(".tmp")
        tmp.write_text(f"{phase} {done} {total}")
        tmp.replace(progress_file)

    return report


def last_sign_of_life(batch):
    """When the batch's task last showed progress (or its status last changed)."""
    try:
        seen = datetime.datetime.fromtimestamp(_flag(batch, "progress").stat().st_mtime, tz=datetime.UTC)
    except OSError:
        return batch.updated_at
    return max(seen, batch.updated_at)


def _stalled(batch, now=None):
    limit = datetime.timedelta(minutes=settings.GRIDAPP_IMPORT_STUCK_MINUTES)
    return last_sign_of_life(batch) <= (now or timezone.now()) - limit


def cancel(batch):
    """Stop the batch in whatever state it is, keeping nothing of it. Returns whether there was
    anything to cancel (False once it is done or cancelled already).

    A task that is checking or importing stops at its next batch of rows (the flag), and an
    import's transaction is rolled back. The status changes here at once as well, even while
    importing, so a batch whose worker died is cancelled too: ``commit`` marks its batch done
    inside its transaction only if the batch is still importing, so an import that loses this
    race keeps nothing. Only on SQLite, where the UPDATE would wait for a live import's write
    lock, an import with recent progress is left to stop itself."""
    if batch.status not in (*CANCELLABLE, ImportStatus.COMMITTING):
        return False
    _flag(batch, "cancel").touch()
    states = CANCELLABLE
    if batch.status == ImportStatus.COMMITTING and (connection.vendor != "sqlite" or _stalled(batch)):
        states = (*CANCELLABLE, ImportStatus.COMMITTING)
    try:
        cancelled = ImportBatch.objects.filter(pk=batch.pk, status__in=states).update(
            status=ImportStatus.CANCELLED, message="", updated_at=timezone.now()
        )
    except OperationalError:  # SQLite: the import holds the write lock after all; the flag stops it
        cancelled = 0
    if cancelled:
        stored_file(batch).unlink(missing_ok=True)
    logger.info("import %s cancelled", batch.pk)
    return True


def rerun(batch, *, by):
    """Run a failed batch again from the step it failed in: importing (the file is checked once
    more inside the import's transaction) or checking. False if it cannot be run again: not
    failed, or its file is gone."""
    if batch.status != ImportStatus.FAILED or not stored_file(batch).exists():
        return False
    importing = batch.committed_by_id is not None
    values = {"committed_by": by} if importing else {}
    claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.FAILED).update(
        status=ImportStatus.COMMITTING if importing else ImportStatus.VALIDATING,
        message="",
        updated_at=timezone.now(),
        **values,
    )
    if not claimed:
        return False
    for suffix in ("progress", "cancel"):
        _flag(batch, suffix).unlink(missing_ok=True)
    logger.info("import %s run again by user %s", batch.pk, by.pk)
    inline = batch.total_rows <= settings.GRIDAPP_IMPORT_INLINE_ROWS
    if importing:
        commit(batch.pk) if inline else _enqueue("commit_import", batch.pk)
    else:
        check(batch.pk) if inline else _enqueue("check_import", batch.pk)
    return True


def can_rerun(batch):
    return batch.status == ImportStatus.FAILED and stored_file(batch).exists()


def fail_stuck(now=None):
    """Mark failed every batch checking or importing without a sign of life for
    GRIDAPP_IMPORT_STUCK_MINUTES: its worker died or was stopped. Nothing of it was imported (an
    import's writes and its "done" commit together, in one transaction), and its file is kept, so
    the staff can run it again. Also forgets the files of batches failed long ago. Returns the
    ids of the batches marked failed."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=settings.GRIDAPP_IMPORT_STUCK_MINUTES)
    failed = []
    stuck = ImportBatch.objects.filter(status__in=RUNNING, updated_at__lte=cutoff)
    for batch in stuck:
        if not _stalled(batch, now):
            continue  # still making progress: a long import
        with translation.override(batch.language):
            message = _(
                "The import stopped without finishing (its worker was interrupted); nothing was imported. "
                "Run it again, or cancel it."
            )
        if ImportBatch.objects.filter(pk=batch.pk, status=batch.status, updated_at=batch.updated_at).update(
            status=ImportStatus.FAILED, message=message, updated_at=now
        ):
            _flag(batch, "progress").unlink(missing_ok=True)
            failed.append(batch.pk)
            logger.warning("import %s was stuck %s since %s; marked failed", batch.pk, batch.status, batch.updated_at)
    for batch in ImportBatch.objects.filter(status=ImportStatus.FAILED, updated_at__lte=now - KEEP_FAILED):
        stored_file(batch).unlink(missing_ok=True)
    return failed


def _finish(batch, expected, **values):
    """Leave ``expected`` for the batch's next status (unless someone else moved it first).

    The uploaded file (ID numbers, phones, health notes) is kept only while it may still be
    imported: once a batch is done, cancelled or has errors, only its record remains; a failed
    one keeps it for a while (``KEEP_FAILED``), to be run again."""
    values.setdefault("updated_at", timezone.now())
    updated = ImportBatch.objects.filter(pk=batch.pk, status=expected).update(**values)
    _forget(batch, updated, values["status"])
    return updated


def _forget(batch, updated, status):
    for suffix in ("progress", "cancel"):
        _flag(batch, suffix).unlink(missing_ok=True)
    if updated and status not in (ImportStatus.READY, ImportStatus.FAILED):
        stored_file(batch).unlink(missing_ok=True)


# --- check (the preview) --------------------------------------------------------------------------------


def _plan(batch, report):
    _file_format, encoding = sniff(stored_file(batch))
    return build_plan(
        kind=batch.kind,
        grid=batch.grid,
        path=stored_file(batch),
        file_format=batch.file_format,
        encoding=encoding,
        report=report,
        expected_rows=batch.total_rows,
    )


def check(batch_id):
    """Read and check the file, and record what importing it would change (the preview)."""
    batch = ImportBatch.objects.select_related("grid").filter(pk=batch_id, status=ImportStatus.VALIDATING).first()
    if batch is None:
        return  # cancelled, or already checked by a duplicate task
    with translation.override(batch.language):
        try:
            plan = _plan(batch, _reporter(batch))
        except Cancelled:
            _finish(batch, ImportStatus.VALIDATING, status=ImportStatus.CANCELLED)
            return
        except FileRejected as e:
            _finish(
                batch, ImportStatus.VALIDATING, status=ImportStatus.HAS_ERRORS, message=str(e)[:500],
                checked_at=timezone.now(),
            )  # fmt: skip
            return
        except SoftTimeLimitExceeded:
            logger.warning("import %s: checking stopped at the time limit", batch_id)
            _finish(batch, ImportStatus.VALIDATING, status=ImportStatus.FAILED, message=_too_long())
            return
        except Exception:
            logger.exception("import %s: checking failed", batch_id)
            _finish(
                batch, ImportStatus.VALIDATING, status=ImportStatus.FAILED, message=_("The file could not be read.")
            )
            return
    _finish(
        batch,
        ImportStatus.VALIDATING,
        status=ImportStatus.READY if plan.ok else ImportStatus.HAS_ERRORS,
        total_rows=plan.total_rows,
        counts=plan.counts,
        errors=plan.errors,
        error_count=plan.error_count,
        checked_at=timezone.now(),
        message=_samples_skipped(plan),
    )
    logger.info("import %s checked: %s rows, %s errors", batch_id, plan.total_rows, plan.error_count)


def _too_long():
    return _(
        "The file took longer than the time allowed and was stopped; nothing was imported. "
        "Run it again when the server is quieter, or split the file."
    )


def _samples_skipped(plan):
    """Say which rows were the template's example, so a row left marked by mistake is noticed."""
    if not plan.sample_rows:
        return ""
    rows = "、".join(str(row) for row in plan.sample_rows[:10])
    message = ngettext(
        "Row %(rows)s is an example (marked %(mark)s) and is not imported.",
        "Rows %(rows)s are examples (marked %(mark)s) and are not imported.",
        len(plan.sample_rows),
    )
    return (message % {"rows": rows, "mark": SAMPLE_MARK})[:500]


# --- import ------------------------------------------------------------------------------------------


def start_commit(batch, *, by):
    """Claim a checked batch for importing (once, however often the button is pressed)."""
    claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.READY).update(
        status=ImportStatus.COMMITTING, committed_by=by, updated_at=timezone.now()
    )
    if not claimed:
        return False
    if batch.total_rows <= settings.GRIDAPP_IMPORT_INLINE_ROWS:
        commit(batch.pk)
    else:
        _enqueue("commit_import", batch.pk)
    return True


class _StillInvalid(Exception):
    def __init__(self, plan):
        self.plan = plan


def commit(batch_id):
    """Check the file again against the register as it is now and write it, all in one
    transaction: errors found now, a cancel or a failure leave the register as it was."""
    batch = (
        ImportBatch.objects.select_related("grid", "committed_by")
        .filter(pk=batch_id, status=ImportStatus.COMMITTING)
        .first()
    )
    if batch is None:
        return
    report = _reporter(batch)
    with translation.override(batch.language):
        try:
            with transaction.atomic():
                plan = _plan(batch, report)
                if not plan.ok:
                    raise _StillInvalid(plan)
                Writer(plan, by=batch.committed_by, reason=batch.change_reason, report=report).write()
                report("saving", plan.total_rows, plan.total_rows)  # a last look at the cancel flag
                # "Done" commits with the rows, or neither does: a worker killed at any point
                # leaves the batch importing with nothing written (fail_stuck, a redelivered
                # task or a cancel takes it from there), and a batch cancelled or marked failed
                # meanwhile makes this import keep nothing.
                done = ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.COMMITTING).update(
                    status=ImportStatus.DONE,
                    counts=plan.counts,
                    total_rows=plan.total_rows,
                    committed_at=timezone.now(),
                    updated_at=timezone.now(),
                )
                if not done:
                    raise Cancelled
        except Cancelled:
            _finish(batch, ImportStatus.COMMITTING, status=ImportStatus.CANCELLED)
            logger.info("import %s cancelled while importing; nothing kept", batch_id)
            return
        except _StillInvalid as e:
            _finish(
                batch, ImportStatus.COMMITTING, status=ImportStatus.HAS_ERRORS, errors=e.plan.errors,
                error_count=e.plan.error_count, counts=e.plan.counts,
                message=_("The register changed since the file was checked; nothing was imported."),
            )  # fmt: skip
            return
        except FileRejected as e:
            _finish(batch, ImportStatus.COMMITTING, status=ImportStatus.HAS_ERRORS, message=str(e)[:500])
            return
        except SoftTimeLimitExceeded:
            logger.warning("import %s: importing stopped at the time limit; nothing kept", batch_id)
            _finish(batch, ImportStatus.COMMITTING, status=ImportStatus.FAILED, message=_too_long())
            return
        except Exception:
            logger.exception("import %s: importing failed; nothing kept", batch_id)
            _finish(
                batch,
                ImportStatus.COMMITTING,
                status=ImportStatus.FAILED,
                message=_("The import failed; nothing was imported."),
            )
            return
    _forget(batch, 1, ImportStatus.DONE)
    logger.info("import %s done: %s", batch_id, plan.counts)
