"""The grid worker's pages for who they meet: add a household, a resident or a shop in a grid they
work, mark a resident moved out or deceased; and the community staff's list of what workers
added, to confirm. Thin: fetch through ``scope``, validate with ``add_forms``, write through
``services``."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from gridapp import scope
from gridapp.core.forms import id_param, posted

from . import services
from .add_forms import DepartureForm, HouseholdAddForm, ResidentAddForm, ShopAddForm

# The staff's list shows the oldest additions of each kind first, this many at most: the rest
# come up as these are confirmed.
AWAITING_LIST_LENGTH = 50


def _add(request, form, write, page):
    """Validate and write; the page says what the worker adds waits for the community's staff."""
    if request.method == "POST" and form.is_valid():
        record = write()
        messages.success(request, page["saved_pending"] if record.is_pending else page["saved"])
        return redirect(page.get("then") or record)
    pending = not scope.manages(request.user, page["grid"].community_id)
    # Already registered (the ID number, the address): the page links to it.
    found = getattr(form, "registered", None) or getattr(form, "existing", None)
    return render(request, "gridapp/add_form.html", {**page, "form": form, "pending": pending, "found": found})


def household_add(request, grid_pk):
    """A household the worker found living in their grid (``?building=`` starts it in a building)."""
    grid = scope.get_grid(request.user, grid_pk, record=True)
    building = id_param(request.GET.get("building"))
    form = HouseholdAddForm(
        posted(request), grid=grid, user=request.user, initial={"building": building} if building else {}
    )

    def write():
        return services.household_add(by=request.user, grid=grid, **form.changes())

    page = {
        "title": _("Add a household"),
        "context_object": grid,
        "grid": grid,
        "saved": _("Household added. Add its residents now."),
        "saved_pending": _("Household added; community staff will confirm it. Add its residents now."),
    }
    return _add(request, form, write, page)


def resident_add(request, household_pk):
    """Someone who moved in, was born, or rents a room in a household of the worker's grid."""
    household = scope.get_household(request.user, household_pk, record=True)
    form = ResidentAddForm(
        posted(request),
        household=household,
        user=request.user,
        show_health_notes=scope.can_see_health_notes(request.user, household.grid),
    )

    def write():
        return services.resident_add(household=household, by=request.user, **form.changes())

    page = {
        "title": _("Add a resident"),
        "context_object": household,
        "grid": household.grid,
        "then": household,  # the next resident of the household is added from its page
        "saved": _("Resident added."),
        "saved_pending": _("Resident added; community staff will confirm the record."),
    }
    return _add(request, form, write, page)


def shop_add(request, grid_pk):
    """A shop that opened in the worker's grid."""
    grid = scope.get_grid(request.user, grid_pk, record=True)
    form = ShopAddForm(posted(request), grid=grid, user=request.user)

    def write():
        return services.shop_add(by=request.user, grid=grid, **form.changes())

    page = {
        "title": _("Add a shop"),
        "context_object": grid,
        "grid": grid,
        "saved": _("Shop added."),
        "saved_pending": _("Shop added; community staff will confirm it."),
    }
    return _add(request, form, write, page)


def resident_depart(request, pk):
    """Mark a resident moved out or deceased: archived with why and when, never deleted."""
    resident = scope.get_resident(request.user, pk, record=True)
    form = DepartureForm(posted(request), resident=resident)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if services.resident_depart(resident=resident, by=request.user, **data):
            message = _("%(name)s: %(why)s on %(day)s. The record is archived; community staff can restore it.")
            why = resident.get_departure_display()
            messages.success(request, message % {"name": resident.name, "why": why, "day": data["departed_on"]})
        return redirect(resident.household)
    title = _("%(name)s moved out or died") % {"name": resident.name}
    return render(request, "gridapp/depart_form.html", {"title": title, "resident": resident, "form": form})


@require_safe
def awaiting_confirmation(request):
    """What grid workers added in the staff's communities, oldest first, to confirm or correct."""
    scope.require_manage(request.user)
    waiting = scope.awaiting_confirmation(request.user)
    sections = [
        ("household", _("Households"), waiting.households.select_related("added_by")),
        ("resident", _("Residents"), waiting.residents.select_related("household", "added_by")),
        ("shop", _("Shops"), waiting.shops.select_related("added_by")),
    ]
    sections = [
        {
            "kind": kind,
            "label": label,
            "count": qs.count(),
            "rows": list(qs.order_by("created_at")[:AWAITING_LIST_LENGTH]),
        }
        for kind, label, qs in sections
    ]
    total = sum(section["count"] for section in sections)
    return render(request, "gridapp/awaiting_confirmation.html", {"sections": sections, "total": total})


_CONFIRMABLE = {"household": scope.get_household, "resident": scope.get_resident, "shop": scope.get_shop}


@require_POST
def confirm(request, kind, pk):
    """Community staff confirm a record a worker added (404 outside their community, 403 for those
    who do not run the register there)."""
    get = _CONFIRMABLE.get(kind)
    if get is None:
        raise Http404(f"Nothing to confirm of kind {kind!r}")
    record = get(request.user, pk, write=True)
    if services.confirm(record=record, by=request.user):
        messages.success(request, _("Confirmed: %(record)s.") % {"record": record})
    else:
        messages.info(request, _("%(record)s needs no confirmation.") % {"record": record})
    return redirect("awaiting_confirmation" if request.POST.get("back") == "list" else record)
