"""The register's forms: create, edit, archive and restore buildings, households, residents and
shops. Thin: fetch through ``scope``, validate with a form, redirect."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridapp import scope
from gridapp.core.forms import posted

from .forms import BuildingForm, HouseholdForm, ResidentContactForm, ResidentForm, ShopForm


def building_form(request, pk=None):
    building = scope.get_building(request.user, pk, write=True) if pk else None
    if not pk:
        scope.require_manage(request.user)
    form = BuildingForm(posted(request), instance=building, user=request.user, initial=_initial_grid(request))
    if request.method == "POST" and form.is_valid():
        building = form.save()
        messages.success(request, _("Building saved."))
        return redirect(building)
    return render(
        request, "gridapp/form.html", {"form": form, "title": _("Edit building") if pk else _("New building")}
    )


def _initial_grid(request):
    grid_id = request.GET.get("grid")
    return {"grid": grid_id} if grid_id and grid_id.isdigit() else {}


def household_form(request, pk=None):
    household = scope.get_household(request.user, pk, write=True) if pk else None
    if not pk:
        scope.require_manage(request.user)
    form = HouseholdForm(posted(request), instance=household, user=request.user, initial=_initial_grid(request))
    if request.method == "POST" and form.is_valid():
        household = form.save()
        messages.success(request, _("Household saved."))
        return redirect(household)
    title = _("Edit household") if pk else _("New household")
    return render(request, "gridapp/form.html", {"form": form, "title": title})


def _toggle_archive(request, obj, label):
    """Archive (or, with restore=1, restore) a household, resident or shop; nothing is deleted."""
    restore = request.POST.get("restore") == "1"
    if restore and obj.archived_at is not None:
        obj.archived_at = None
        obj.save(update_fields=["archived_at", "updated_at"])
        messages.success(request, _("%(what)s restored.") % {"what": label})
    elif not restore and obj.archived_at is None:
        obj.archived_at = timezone.now()
        obj.save(update_fields=["archived_at", "updated_at"])
        messages.success(
            request, _("%(what)s archived. It stays in the register and can be restored.") % {"what": label}
        )
    return redirect(obj)


@require_POST
def household_archive(request, pk):
    household = scope.get_household(request.user, pk, write=True)
    return _toggle_archive(request, household, _("Household"))


def resident_create(request, household_pk):
    household = scope.get_household(request.user, household_pk, write=True)
    form = ResidentForm(
        posted(request), household=household, show_health_notes=scope.can_see_health_notes(request.user, household.grid)
    )
    if request.method == "POST" and form.is_valid():
        resident = form.save()
        messages.success(request, _("Resident saved."))
        return redirect(resident)
    return render(request, "gridapp/form.html", {"form": form, "title": _("New resident"), "context_object": household})


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
    else:
        form = ResidentContactForm(posted(request), instance=resident)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Resident saved."))
        return redirect(resident)
    return render(
        request,
        "gridapp/form.html",
        {"form": form, "title": _("Edit %(name)s") % {"name": resident.name}, "context_object": resident},
    )


@require_POST
def resident_archive(request, pk):
    resident = scope.get_resident(request.user, pk, write=True)
    return _toggle_archive(request, resident, _("Resident"))


def shop_form(request, pk=None):
    shop = scope.get_shop(request.user, pk, write=True) if pk else None
    if not pk:
        scope.require_manage(request.user)
    form = ShopForm(posted(request), instance=shop, user=request.user, initial=_initial_grid(request))
    if request.method == "POST" and form.is_valid():
        shop = form.save()
        messages.success(request, _("Shop saved."))
        return redirect(shop)
    return render(request, "gridapp/form.html", {"form": form, "title": _("Edit shop") if pk else _("New shop")})


@require_POST
def shop_archive(request, pk):
    shop = scope.get_shop(request.user, pk, write=True)
    return _toggle_archive(request, shop, _("Shop"))
