"""Hazard pages: the grid's list (open first, due rechecks on top; the staff's filters), a hazard
with its rechecks, "new hazard" (from a building, household or shop page, prefilled), the
recheck at the door, closing, and the photos (served only to those who see the hazard)."""

import mimetypes

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from gridapp import scope
from gridapp.core.forms import id_param, posted

from .. import scope as visit_scope
from ..hazard_models import HazardKind, HazardPhoto
from . import services
from .forms import CloseForm, HazardFilterForm, HazardForm, RecheckForm

PAGE_SIZE = 30


def _files(request):
    return request.FILES if request.method == "POST" else None


@require_safe
def hazard_list(request):
    """The hazards of the user's grids (a worker's grid, a community for its staff): open ones by
    next recheck, so those due come first; filters by kind, risk, state and overdue."""
    today = timezone.localdate()
    filters = HazardFilterForm(request.GET or None)
    hazards = filters.apply(visit_scope.hazards(request.user), today).order_by(
        F("recheck_due_on").asc(nulls_last=True), "-found_at", "pk"
    )
    page = Paginator(hazards, PAGE_SIZE).get_page(request.GET.get("page"))
    grids = list(scope.grids(request.user)[:20])
    return render(
        request,
        "visits/hazard_list.html",
        {"page": page, "filters": filters, "today": today, "grids": grids},
    )


def _origin(request, grid):
    """What the page the worker came from prefills: its building, household, shop or service
    facility, fetched through the scope (another grid's: 404) and of this grid."""
    initial = {}
    for name, get in (("building", scope.get_building), ("household", scope.get_household), ("shop", scope.get_shop)):
        if (pk := id_param(request.GET.get(name))) is not None:
            record = get(request.user, pk)
            if record.grid_id == grid.pk:
                initial[name] = record.pk
                if name == "household" and record.building_id:
                    initial["building"] = record.building_id
                if name == "shop":
                    initial["responsible_shop"] = record.pk
    if (pk := id_param(request.GET.get("facility"))) is not None:
        facility = visit_scope.get_facility(request.user, pk)
        if facility.grid_id == grid.pk:
            initial.update(place=f"{facility.kind}：{facility.name}", building=facility.building_id)
            if kind := HazardKind.objects.filter(code="facility", active=True).first():
                initial["kind"] = kind.pk
    return initial


@require_http_methods(["GET", "HEAD", "POST"])
def hazard_create(request, grid_pk):
    """Record a hazard in a grid; from a place's page that place is already filled in."""
    grid = scope.get_grid(request.user, grid_pk)
    form = HazardForm(posted(request), _files(request), user=request.user, grid=grid, initial=_origin(request, grid))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        hazard = services.record_hazard(
            by=request.user,
            grid=grid,
            kind=data["kind"],
            risk=data["risk"],
            description=data["description"],
            responsible_resident=data["responsible_resident"],
            responsible_shop=data["responsible_shop"],
            deadline=data["deadline"],
            photos=data["photos"],
            **form.place_fields(),
        )
        messages.success(request, _("Hazard recorded. First recheck due %(date)s.") % {"date": hazard.recheck_due_on})
        return redirect(hazard)
    return render(request, "visits/hazard_form.html", {"form": form, "grid": grid, "title": _("Record a hazard")})


@require_safe
def hazard_detail(request, pk):
    """A hazard: where, what, who is responsible, its state and next recheck, its rechecks."""
    hazard = visit_scope.get_hazard(request.user, pk)
    rechecks = list(hazard.rechecks.select_related("checked_by").prefetch_related("photos"))
    return render(
        request,
        "visits/hazard_detail.html",
        {
            "hazard": hazard,
            "rechecks": rechecks,
            "photos": hazard.photos.filter(recheck__isnull=True),
            "cases": hazard.cases.all(),  # the cases it was escalated to (cases.Case.hazard)
            "close_form": CloseForm() if hazard.is_open else None,
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def hazard_recheck(request, pk):
    """Recheck a hazard: rectified, not yet, or worse, with a note and photos. A rectified or
    closed hazard is not rechecked: the page says so and nothing is saved (409)."""
    hazard = visit_scope.get_hazard(request.user, pk)
    if not hazard.is_open:
        context = {"form": None, "hazard": hazard, "refused": services.HazardClosed.message}
        return render(request, "visits/hazard_recheck.html", context, status=409 if request.method == "POST" else 200)
    form = RecheckForm(posted(request), _files(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.recheck(
                hazard=hazard, by=request.user, result=data["result"], note=data["note"], photos=data["photos"]
            )
        except services.HazardClosed as refused:
            form.add_error(None, str(refused))
            status = 409
        else:
            messages.success(request, _("Recheck saved."))
            return redirect(hazard)
    return render(request, "visits/hazard_recheck.html", {"form": form, "hazard": hazard}, status=status)


@require_POST
def hazard_close(request, pk):
    """Close a hazard without a rectification, saying why; the page comes back with the error."""
    hazard = visit_scope.get_hazard(request.user, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.close(hazard=hazard, by=request.user, note=form.cleaned_data["note"])
        except services.HazardClosed as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("Hazard closed."))
        return redirect(hazard)
    messages.error(request, _("Say why the hazard is closed; nothing was saved."))
    return redirect(hazard)


@require_safe
def hazard_photo(request, pk):
    """A hazard's photo, served only to those who may see the hazard."""
    photo = get_object_or_404(HazardPhoto, pk=pk, hazard__in=visit_scope.hazards(request.user))
    return FileResponse(photo.image.open("rb"), content_type=mimetypes.guess_type(photo.image.name)[0])
