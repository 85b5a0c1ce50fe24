"""The Django admin for admins: search, filters and inlines, with every changelist and
foreign-key choice taken from ``gridapp.scope``."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import scope
from .models import (
    Building,
    Community,
    Grid,
    Household,
    HouseholdTagLink,
    Resident,
    ResidentCategoryLink,
    Role,
    Shop,
    Town,
    WorkerHeartbeat,
)

admin.site.site_header = _("gridapp administration")
admin.site.site_title = _("gridapp")

# Which scope function lists each model's objects for a user, and each foreign key's choices.
_SCOPED = {
    Community: scope.communities,
    Grid: scope.grids,
    Building: scope.buildings,
    Household: lambda user: scope.households(user, include_archived=True),
    Resident: lambda user: scope.residents(user, include_archived=True),
    Shop: lambda user: scope.shops(user, include_archived=True),
}


def _is_admin(request):
    return scope.for_user(request.user).is_admin


class AdminOnly:
    """Only gridapp admins get into the admin at all; the register is archived, never deleted."""

    def has_module_permission(self, request):
        return _is_admin(request)

    def has_view_permission(self, request, obj=None):
        return _is_admin(request)

    def has_change_permission(self, request, obj=None):
        return _is_admin(request)

    def has_add_permission(self, request, obj=None):
        return _is_admin(request)

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedAdmin(AdminOnly, SimpleHistoryAdmin):
    """Changelists and foreign-key choices come from the scope module."""

    def get_queryset(self, request):
        return _SCOPED[self.model](request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model in _SCOPED:
            kwargs["queryset"] = _SCOPED[db_field.related_model](request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ResidentInline(admin.TabularInline):
    model = Resident
    fields = ["name", "sex", "date_of_birth", "mobile", "is_head", "archived_at"]
    extra = 0
    show_change_link = True
    can_delete = False


class HouseholdTagInline(admin.TabularInline):
    model = HouseholdTagLink
    extra = 0


class ResidentCategoryInline(admin.TabularInline):
    model = ResidentCategoryLink
    extra = 0


@admin.register(Town)
class TownAdmin(AdminOnly, admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Community)
class CommunityAdmin(ScopedAdmin):
    list_display = ["name", "code", "town"]
    search_fields = ["name", "code"]
    list_filter = ["town"]


@admin.register(Grid)
class GridAdmin(ScopedAdmin):
    list_display = ["name", "number", "community"]
    search_fields = ["name", "community__name"]
    list_filter = ["community"]


@admin.register(Building)
class BuildingAdmin(ScopedAdmin):
    list_display = ["__str__", "name", "grid", "year_built"]
    search_fields = ["road", "number", "name"]
    list_filter = ["community", "grid"]


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    list_display = ["address", "head_name", "grid", "tenure", "archived_at"]
    search_fields = ["address", "head_name", "phone", "residents__name"]
    list_filter = ["grid", "tenure", "tags__tag", ("archived_at", admin.EmptyFieldListFilter)]
    list_select_related = ["grid__community"]
    raw_id_fields = ["building"]
    inlines = [HouseholdTagInline, ResidentInline]


@admin.register(Resident)
class ResidentAdmin(ScopedAdmin):
    list_display = ["name", "sex", "date_of_birth", "household", "archived_at"]
    search_fields = ["name", "mobile", "household__address"]
    list_filter = ["sex", "categories__category", "household__grid", ("archived_at", admin.EmptyFieldListFilter)]
    list_select_related = ["household__grid__community"]
    raw_id_fields = ["household"]
    inlines = [ResidentCategoryInline]


@admin.register(Shop)
class ShopAdmin(ScopedAdmin):
    list_display = ["name", "address", "business_type", "street_front", "grid", "archived_at"]
    search_fields = ["name", "address", "operator_name", "phone", "licence_number"]
    list_filter = ["grid", "business_type", "street_front", ("archived_at", admin.EmptyFieldListFilter)]
    list_select_related = ["grid__community"]


@admin.register(Role)
class RoleAdmin(AdminOnly, admin.ModelAdmin):
    list_display = ["user", "kind", "grid", "community", "part_time"]
    list_filter = ["kind", "community", "grid"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user", "grid__community", "community"]
    autocomplete_fields = ["user"]

    def has_delete_permission(self, request, obj=None):
        return _is_admin(request)  # removing a role is how someone leaves a grid


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(AdminOnly, admin.ModelAdmin):
    list_display = ["hostname", "seen_at"]

    def has_add_permission(self, request, obj=None):
        return False
