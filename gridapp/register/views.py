"""The register's forms: create, edit, archive and restore buildings, households, residents and
shops. Thin: fetch through ``scope``, validate with a form, write through ``services``. A save
based on an older copy than the one in the register changes nothing and answers 409: the form
as the user typed it, and what changed meanwhile."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gridapp import scope
from gridapp.core import versions
from gridapp.core.forms import posted

from . import services
from .forms import BuildingForm, HouseholdForm, ResidentContactForm, ResidentForm, ShopForm


@dataclass(frozen=True)
class _Kind:
    """A kind of record with a form of its own: buildings, households and shops."""

    name: str  # the update service's keyword for the record
    form: type
    get: Callable  # scope.get_*(user, pk, write=True)
    create: Callable  # services.*_create(*, by, **fields)
    update: Callable  # services.*_update(*, <name>, by, version, **changes)
    new: str
    edit: str
    saved: str


_BUILDING = _Kind(
    "building",
    BuildingForm,
    scope.get_building,
    services.building_create,
    services.building_update,
    gettext_lazy("New building"),
    gettext_lazy("Edit building"),
    gettext_lazy("Building saved."),
)
_HOUSEHOLD = _Kind(
    "household",
    HouseholdForm,
    scope.get_household,
    services.household_create,
    services.household_update,
    gettext_lazy("New household"),
    gettext_lazy("Edit household"),
    gettext_lazy("Household saved."),
)
_SHOP = _Kind(
    "shop",
    ShopForm,
    scope.get_shop,
    services.shop_create,
    services.shop_update,
    gettext_lazy("New shop"),
    gettext_lazy("Edit shop"),
    gettext_lazy("Shop saved."),
)


def _save(request, form, write, page):
    """Validate and write; a stale save answers 409 with the form as typed and what changed."""
    if request.method == "POST" and form.is_valid():
        try:
            record = write()
        except versions.Changed as changed:
            versions.keep_typed(form, changed)
            return render(request, "gridapp/form.html", {**page, "form": form, "changed": changed}, status=409)
        messages.success(request, page["saved"])
        return redirect(record)
    return render(request, "gridapp/form.html", {**page, "form": form})


def _kind_form(request, kind, pk):
    """New or edit, for community staff and admins of the record's community."""
    record = kind.get(request.user, pk, write=True) if pk else None
    if not pk:
        scope.require_manage(request.user)
    form = kind.form(posted(request), instance=record, user=request.user, initial=_initial_grid(request))

    def write():
        if record is None:
            return kind.create(by=request.user, **form.changes())
        version = form.cleaned_data["version"]
        return kind.update(**{kind.name: record}, by=request.user, version=version, **form.changes())

    return _save(request, form, write, {"title": kind.edit if pk else kind.new, "saved": kind.saved})


def _initial_grid(request):
    grid_id = request.GET.get("grid")
    return {"grid": grid_id} if grid_id and grid_id.isdigit() else {}


def building_form(request, pk=None):
    return _kind_form(request, _BUILDING, pk)


def household_form(request, pk=None):
    return _kind_form(request, _HOUSEHOLD, pk)


def shop_form(request, pk=None):
    return _kind_form(request, _SHOP, pk)


def _toggle_archive(request, record, label):
    """Archive (or, with restore=1, restore) a household, resident or shop; nothing is deleted."""
    if request.POST.get("restore") == "1":
        if services.restore(record=record, by=request.user):
            messages.success(request, _("%(what)s restored.") % {"what": label})
        elif getattr(record, "anonymised_at", None):
            messages.error(
                request,
                _("%(what)s was anonymised under the retention policy and cannot be restored.") % {"what": label},
            )
    elif services.archive(record=record, by=request.user):
        messages.success(
            request, _("%(what)s archived. It stays in the register and can be restored.") % {"what": label}
        )
    return redirect(record)


@require_POST
def household_archive(request, pk):
    household = scope.get_household(request.user, pk, write=True)
    return _toggle_archive(request, household, _("Household"))


def resident_create(request, household_pk):
    household = scope.get_household(request.user, household_pk, write=True)
    form = ResidentForm(
        posted(request), household=household, show_health_notes=scope.can_see_health_notes(request.user, household.grid)
    )

    def write():
        return services.resident_create(household=household, by=request.user, **form.changes())

    page = {"title": _("New resident"), "context_object": household, "saved": _("Resident saved.")}
    return _save(request, form, write, page)


def resident_edit(request, pk):
    """Staff and admins edit everything; the grid's worker edits contact details and health notes."""
    # Per community: staff of another community who work this grid edit what its worker may.
    resident = scope.get_resident(request.user, pk, write=True, contact_only=True)
    if scope.manages(request.user, resident.household.grid.community_id):
        form = ResidentForm(
            posted(request),
            instance=resident,
            household=resident.household,
            show_health_notes=scope.can_see_health_notes(request.user, resident.household.grid),
        )
        update = services.resident_update
    else:
        form = ResidentContactForm(posted(request), instance=resident)
        update = services.resident_update_contact

    def write():
        return update(resident=resident, by=request.user, version=form.cleaned_data["version"], **form.changes())

    title = _("Edit %(name)s") % {"name": resident.name}
    return _save(request, form, write, {"title": title, "context_object": resident, "saved": _("Resident saved.")})


@require_POST
def resident_archive(request, pk):
    resident = scope.get_resident(request.user, pk, write=True)
    return _toggle_archive(request, resident, _("Resident"))


@require_POST
def shop_archive(request, pk):
    shop = scope.get_shop(request.user, pk, write=True)
    return _toggle_archive(request, shop, _("Shop"))
