"""Check-in pages: who is due, care levels, a resident's level."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, Value, When
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from gridapp import scope
from gridapp.core.forms import id_param, posted
from gridapp.core.views import edit_settings_row

from . import checkins, risk
from .forms import CareAssignmentForm, CareLevelForm
from .models import CareAssignment, CareLevel

PAGE_SIZE = 50


@require_safe
def checkin_list(request):
    """Due and overdue check-ins in the user's grids (or one grid), riskiest first (``risk``)."""
    today = timezone.localdate()
    grids = scope.grids(request.user)
    grid = None
    if (grid_id := id_param(request.GET.get("grid"))) is not None:
        grid = scope.get_grid(request.user, grid_id)
    # The grid (or the user's grids) first, then its due rows by the (grid, due date) index.
    assignments = checkins.in_grids(CareAssignment.objects, [grid.pk] if grid else grids)
    assignments = assignments.select_related("resident__household", "level")
    due = checkins.with_due_dates(assignments).filter(due_on__lte=today)
    # Overdue before due today, each riskiest first: the order of the worker's day and the digest.
    overdue_first = Case(When(due_on__lt=today, then=Value(0)), default=Value(1))
    ranked = risk.with_checkin_risk(due, today).order_by(overdue_first, *risk.checkin_order())
    page = Paginator(ranked, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page)
    for row in rows:
        row.days_overdue = (today - row.due_on).days
        row.escalated = row.days_overdue > row.level.grace_days
    return render(
        request,
        "visits/checkin_list.html",
        {"rows": rows, "page": page, "grids": grids, "grid": grid, "today": today},
    )


@require_safe
def care_level_list(request):
    levels = CareLevel.objects.all()
    return render(
        request,
        "visits/care_level_list.html",
        {"levels": levels, "can_manage": scope.can_manage_register(request.user)},
    )


def care_level_form(request, pk=None):
    scope.require_manage(request.user)
    title = _("Edit care level") if pk else _("New care level")
    saved = _("Care level saved. Due dates follow the new cadence at once.")
    return edit_settings_row(
        request,
        CareLevelForm,
        pk=pk,
        title=title,
        saved=saved,
        done="care_level_list",
        then=checkins.care_level_saved,
    )


def resident_care(request, pk):
    """Set a resident's care level; the suggestion comes from age, living arrangement and health notes."""
    # Whoever may edit the resident's contact details sets the level: the grid's worker and staff.
    resident = scope.get_resident(request.user, pk, write=True, contact_only=True)
    current = CareAssignment.objects.filter(resident=resident).select_related("level").first()
    suggestion = checkins.suggested_level(resident, resident.category_values())
    form = CareAssignmentForm(posted(request), initial={"level": current.level if current else suggestion})
    if request.method == "POST" and form.is_valid():
        checkins.set_care_level(resident=resident, level=form.cleaned_data["level"], by=request.user)
        messages.success(request, _("Care level saved."))
        return redirect(resident)
    return render(
        request,
        "visits/resident_care.html",
        {"resident": resident, "form": form, "current": current, "suggestion": suggestion},
    )
