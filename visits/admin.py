"""Visits in the admin: scoped like everything else; never deleted."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from gridapp.admin import AdminOnly, HistoryPageAdmin

from . import scope as visit_scope
from .checkins import refresh_last_seen
from .models import (
    Campaign,
    Facility,
    FacilityKind,
    FollowUp,
    HazardKind,
    ResidentSeen,
    Visit,
    VisitPhoto,
    VisitPurpose,
)


class VisitPurposeInline(admin.TabularInline):
    model = VisitPurpose
    extra = 0
    can_delete = False


class ResidentSeenInline(admin.TabularInline):
    model = ResidentSeen
    extra = 0
    raw_id_fields = ["resident"]
    can_delete = False


class VisitPhotoInline(admin.TabularInline):
    model = VisitPhoto
    extra = 0
    can_delete = False


@admin.register(Visit)
class VisitAdmin(AdminOnly, HistoryPageAdmin, SimpleHistoryAdmin):
    history_page = "visit"
    list_display = ["visited_at", "worker", "household", "shop", "grid", "campaign"]
    list_filter = ["grid", "campaign", "purposes__purpose"]
    search_fields = ["notes", "household__address", "shop__name"]
    date_hierarchy = "visited_at"
    raw_id_fields = ["household", "shop", "worker"]
    readonly_fields = ["client_id"]
    inlines = [VisitPurposeInline, ResidentSeenInline, VisitPhotoInline]

    def get_queryset(self, request):
        return visit_scope.visits(request.user)

    def save_model(self, request, obj, form, change):
        # Whose "last seen" this correction may move: those recorded before and after it.
        self._seen_before = set(obj.residents_seen.values_list("resident_id", flat=True)) if change else set()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        seen_now = set(form.instance.residents_seen.values_list("resident_id", flat=True))
        refresh_last_seen(seen_now | getattr(self, "_seen_before", set()))


@admin.register(FollowUp)
class FollowUpAdmin(AdminOnly, SimpleHistoryAdmin):
    list_display = ["what", "due_on", "assignee", "grid", "done_at"]
    list_filter = ["grid", ("done_at", admin.EmptyFieldListFilter)]
    search_fields = ["what", "outcome"]
    raw_id_fields = ["visit", "done_in_visit", "assignee", "done_by"]

    def get_queryset(self, request):
        return visit_scope.follow_ups(request.user)


@admin.register(Campaign)
class CampaignAdmin(AdminOnly, admin.ModelAdmin):
    list_display = ["name", "starts_on", "ends_on", "target"]
    filter_horizontal = ["grids"]

    def get_queryset(self, request):
        return visit_scope.campaigns(request.user)


@admin.register(HazardKind)
class HazardKindAdmin(AdminOnly, admin.ModelAdmin):
    """The kinds of hazard staff choose from; a kind in use is retired (unticked), not deleted."""

    list_display = ["name", "code", "active", "position"]
    list_editable = ["active", "position"]


@admin.register(FacilityKind)
class FacilityKindAdmin(AdminOnly, admin.ModelAdmin):
    list_display = ["name", "code", "active", "position"]
    list_editable = ["active", "position"]


@admin.register(Facility)
class FacilityAdmin(AdminOnly, SimpleHistoryAdmin):
    """The register of service facilities; taken out of service (unticked), never deleted."""

    list_display = ["name", "kind", "grid", "building", "condition", "active"]
    list_filter = ["grid", "kind", "condition", "active"]
    search_fields = ["name", "address", "contact_name"]
    raw_id_fields = ["building"]

    def get_queryset(self, request):
        return visit_scope.facilities(request.user)
