"""The import pages: upload, the batch (preview, progress, result), the list, the template.

Only community staff and admins import (403 for everyone else); a batch of another community's
grid does not exist for them (404). Batches come from the grids ``scope.managed_grids`` gives.
"""

import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from gridapp import scope
from gridapp.core.forms import posted
from gridapp.models import ImportKind, ImportStatus

from . import services, template_file
from .forms import UploadForm
from .reader import FileRejected

PAGE_SIZE = 30


@require_safe
def import_list(request):
    """The imports of the user's communities, newest first."""
    scope.require_manage(request.user)
    batches = scope.import_batches(request.user).order_by("-created_at")
    page = Paginator(batches, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "imports/list.html", {"page": page, "kinds": ImportKind.choices})


def import_upload(request):
    scope.require_manage(request.user)
    form = UploadForm(posted(request), request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = services.upload(
                by=request.user, grid=data["grid"], kind=data["kind"], file=data["file"], language=get_language()
            )
        except FileRejected as e:
            form.add_error("file", str(e))
        else:
            return redirect(batch)
    return render(request, "imports/upload.html", {"form": form, "kinds": ImportKind.choices})


def _detail_context(batch):
    phase, done, total = services.progress(batch)
    return {
        "batch": batch,
        "running": batch.status in services.RUNNING,
        "phase": phase,
        "done": done,
        "total": max(total, 1),
        "percent": min(100, done * 100 // max(total, 1)),
        "cancellable": batch.status in (*services.CANCELLABLE, ImportStatus.COMMITTING),
        "can_rerun": services.can_rerun(batch),
        "Status": ImportStatus,
    }


@require_safe
def import_detail(request, pk):
    """One import: its progress while it runs, the preview when checked, the result when done."""
    batch = scope.get_import_batch(request.user, pk)
    return render(request, "imports/detail.html", _detail_context(batch))


@require_safe
def import_progress(request, pk):
    """The progress bar alone, polled by htmx; once the batch has stopped, the whole page reloads."""
    batch = scope.get_import_batch(request.user, pk)
    context = _detail_context(batch)
    response = render(request, "imports/progress.html", context)
    if not context["running"]:
        response["HX-Refresh"] = "true"
    return response


@require_POST
def import_commit(request, pk):
    batch = scope.get_import_batch(request.user, pk)
    if services.start_commit(batch, by=request.user):
        batch.refresh_from_db()
        if batch.status == ImportStatus.DONE:
            messages.success(request, _("Imported."))
        elif batch.status == ImportStatus.COMMITTING:
            messages.info(request, _("Importing; this page shows the progress."))
    else:
        messages.error(
            request, _("This file cannot be imported now: %(status)s.") % {"status": batch.get_status_display()}
        )
    return redirect(batch)


@require_POST
def import_cancel(request, pk):
    batch = scope.get_import_batch(request.user, pk)
    if services.cancel(batch):
        messages.info(request, _("Cancelled: nothing of this file is imported."))
    else:
        messages.error(request, _("This import has already finished."))
    return redirect(batch)


@require_POST
def import_rerun(request, pk):
    """Run a failed import again (its worker died, or it failed on the way)."""
    batch = scope.get_import_batch(request.user, pk, to_rerun=True)
    if services.rerun(batch, by=request.user):
        batch.refresh_from_db()
        messages.info(request, _("Running it again; this page shows the progress."))
    else:
        messages.error(
            request, _("This file cannot be run again: %(status)s.") % {"status": batch.get_status_display()}
        )
    return redirect(batch)


@require_safe
def import_template(request, kind, fmt):
    scope.require_manage(request.user)
    if kind not in ImportKind.values or fmt not in ("xlsx", "csv"):
        raise Http404("No such template")
    if fmt == "xlsx":
        content = template_file.xlsx(kind)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content, content_type = template_file.csv_bytes(kind), "text/csv; charset=utf-8"
    return FileResponse(
        io.BytesIO(content), as_attachment=True, filename=f"gridapp-{kind}-template.{fmt}", content_type=content_type
    )
