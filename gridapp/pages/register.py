"""The register's pages: a grid, a building, a household, a resident, a shop. They gather from
the apps above the register — visits (last visited, visit history) and check-ins (a resident's
next due date) — so they live at the top; the register's own forms are ``gridapp.register.views``."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Func, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from gridapp import scope
from gridapp.accounts import privacy, security
from gridapp.models import DataAccess, Household, Resident, Shop
from gridapp.register.filters import EXPORT_PREFIX, BuildingFilter, HouseholdFilter, HouseholdSearch, ShopFilter
from gridapp.register.forms import RevealIdForm
from visits import scope as visit_scope
from visits.checkins import with_due_dates
from visits.models import CareAssignment
from visits.selectors import last_visit_at

VISIT_HISTORY_LENGTH = 20


def _count(model, fk, **filters):
    """A correlated COUNT subquery, so several counts on one row don't multiply each other."""
    qs = model.objects.filter(**{fk: OuterRef("pk")}, **filters).order_by().values(fk)
    return Coalesce(Subquery(qs.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0)


def grids_with_counts(user):
    return scope.grids(user).annotate(
        household_count=_count(Household, "grid", archived_at__isnull=True),
        shop_count=_count(Shop, "grid", archived_at__isnull=True),
        resident_count=_resident_count(),
    )


def _resident_count():
    """The current residents of the grid (OuterRef) in its current households: the households'
    ids first, then the residents counted off ``resident_current_idx`` alone. Joined from the
    residents, PostgreSQL read every resident of the town once per grid shown (issue 16)."""
    households = Household.objects.filter(grid=OuterRef(OuterRef("pk")), archived_at__isnull=True).values("pk")
    residents = (
        Resident.objects.filter(household_id__in_first=households, archived_at__isnull=True)
        .order_by()
        .annotate(n=Func(template="COUNT(*)", output_field=IntegerField()))
        .values("n")
    )
    return Coalesce(Subquery(residents, output_field=IntegerField()), 0)


def _visit_history(user, **target):
    """The latest visits to a household or shop, newest first, with what each needs shown."""
    return list(
        visit_scope.visits(user)
        .filter(**target)
        .prefetch_related("purposes", "follow_ups", "residents_seen__resident")
        .order_by("-visited_at")[:VISIT_HISTORY_LENGTH]
    )


def _paginate(request, queryset):
    return Paginator(queryset, settings.GRIDAPP_PAGE_SIZE).get_page(request.GET.get("page"))


def _households(user, grid, data, can_manage):
    households = (
        scope.households(user, include_archived=True)
        .filter(grid=grid)
        .annotate(
            resident_count=_count(Resident, "household", archived_at__isnull=True),
            last_visited=last_visit_at("household"),
        )
        .prefetch_related("tags")
        .order_by("address")
    )
    return HouseholdFilter(data, households, can_manage=can_manage)


def _shops(user, grid, data, can_manage):
    shops = (
        scope.shops(user, include_archived=True)
        .filter(grid=grid)
        .annotate(last_visited=last_visit_at("shop"))
        .order_by("address", "name")
    )
    return ShopFilter(data, shops, can_manage=can_manage)


def _buildings(user, grid, data, can_manage):
    buildings = (
        scope.buildings(user)
        .filter(grid=grid)
        .annotate(household_count=_count(Household, "building", archived_at__isnull=True))
        .order_by("road", "number")
    )
    return BuildingFilter(data, buildings)


# The grid page's tabs: ?tab= → the search of that tab (gridapp.register.filters).
TABS = {"households": _households, "shops": _shops, "buildings": _buildings}


def _export_query(search):
    """The households search as the register export's parameters, so that the export covers the
    households the page lists (``gridapp.exports`` reads them with the same filter set)."""
    if not isinstance(search, HouseholdSearch) or not search.is_valid():
        return ""
    data = search.form.cleaned_data
    return urlencode({f"{EXPORT_PREFIX}-{name}": data[name] for name in HouseholdSearch.base_filters if data.get(name)})


@require_safe
def grid_detail(request, pk):
    """One grid: its households, shops and buildings, one tab each, searchable and filterable.
    Invalid filters (an unknown category, an over-long search) are shown as errors and ignored."""
    grid = scope.get_grid(request.user, pk)
    tab = request.GET.get("tab", "households")
    if tab not in TABS:
        tab = "households"
    can_manage = scope.manages(request.user, grid.community_id)
    search = TABS[tab](request.user, grid, request.GET, can_manage)
    querystring = request.GET.copy()
    querystring.pop("page", None)
    context = {
        "grid": grid,
        "tab": tab,
        "form": search.form,
        "can_manage": can_manage,
        "page": _paginate(request, search.qs),
        "querystring": querystring,
        "export_query": _export_query(search),
    }
    return render(request, "gridapp/grid_detail.html", context)


@require_safe
def building_detail(request, pk):
    """A building with its households and shops (flood lists and building-wide problems attach here)."""
    building = scope.get_building(request.user, pk)
    households = (
        scope.households(request.user)
        .filter(building=building)
        .annotate(resident_count=_count(Resident, "household", archived_at__isnull=True))
        .prefetch_related("tags")
        .order_by("unit", "room")
    )
    shops = scope.shops(request.user).filter(building=building)
    return render(
        request,
        "gridapp/building_detail.html",
        {
            "building": building,
            "households": households,
            "shops": shops,
            "can_manage": scope.manages(request.user, building.community_id),
        },
    )


def _place_page(request, template, place, **context):
    """A household's or a shop's page, with what both show: the latest visits, the last one, the
    latest changes, and whether the user manages the register there."""
    visits = _visit_history(request.user, **{place._meta.model_name: place})
    context |= {
        "visits": visits,
        "last_visit": visits[0] if visits else None,
        "history": place.history.select_related("history_user")[:10],
        "can_manage": scope.manages(request.user, place.grid.community_id),
    }
    return render(request, template, context)


@require_safe
def household_detail(request, pk):
    """A household and its residents."""
    household = scope.get_household(request.user, pk)
    residents = (
        scope.residents(request.user, include_archived=scope.manages(request.user, household.grid.community_id))
        .filter(household=household)
        .prefetch_related("categories")
        .order_by("archived_at", "-is_head", "date_of_birth")
    )
    return _place_page(
        request,
        "gridapp/household_detail.html",
        household,
        household=household,
        residents=residents,
        sees_health_notes=scope.can_see_health_notes(request.user, household.grid),
    )


@require_safe
def resident_detail(request, pk):
    """The resident's page shows the full mobile, the health notes and the emergency contact: the
    opening is written to the access log (repeated openings within minutes are one entry)."""
    resident = scope.get_resident(request.user, pk)
    privacy.log_views(
        by=request.user,
        action=DataAccess.VIEW_RESIDENT,
        seen=[privacy.Seen(resident.household.grid.community_id, resident.pk)],
        subject="",
        ip=security.client_ip(request),
    )
    return resident_page(request, resident)


def resident_page(request, resident, *, reveal_form=None, revealed_id=None, status=200):
    """The resident's page; after a reveal (gridapp.privacy_views) it shows the full ID this once."""
    care = with_due_dates(CareAssignment.objects.filter(resident=resident).select_related("level")).first()
    return render(
        request,
        "gridapp/resident_detail.html",
        {
            "resident": resident,
            "care": care,
            "can_manage": scope.manages(request.user, resident.household.grid.community_id),
            "can_edit_contact": scope.can_edit_resident_contact(request.user, resident),
            "sees_health_notes": scope.can_see_health_notes(request.user, resident.household.grid),
            "can_reveal_id": privacy.can_reveal_id(request.user, resident),
            "reveal_form": reveal_form or RevealIdForm(),
            "revealed_id": revealed_id,
        },
        status=status,
    )


@require_safe
def shop_detail(request, pk):
    shop = scope.get_shop(request.user, pk)
    return _place_page(request, "gridapp/shop_detail.html", shop, shop=shop)


@never_cache
@require_POST
def resident_reveal_id(request, pk):
    """Show the full ID number once: scope first (404 outside it), then the permission (403),
    then the reason (400 without one); the access-log entry is written before the number is shown."""
    resident = scope.get_resident(request.user, pk)
    if not privacy.can_reveal_id(request.user, resident):
        raise PermissionDenied("Revealing a full ID number needs the reveal_id_number permission.")
    form = RevealIdForm(request.POST)
    if not form.is_valid():
        return resident_page(request, resident, reveal_form=form, status=400)
    full = privacy.reveal_id_number(
        resident=resident, by=request.user, reason=form.cleaned_data["reason"], ip=security.client_ip(request)
    )
    return resident_page(request, resident, revealed_id=full)
