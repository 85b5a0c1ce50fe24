from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from gridapp.admin import AdminOnly, HistoryPageAdmin
from gridapp.core.display import mask_phone

from . import scope as case_scope
from .models import Case, CaseEvent, Category, Department, ExtensionRequest, MediationRecord


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_state", "to_state", "level", "actor", "public", "note", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


class ExtensionRequestInline(AdminOnly, admin.TabularInline):
    """Read here; asked and answered only on the case page (the lifecycle table)."""

    model = ExtensionRequest
    extra = 0
    can_delete = False
    fields = readonly_fields = [
        "asked_by",
        "asked_at",
        "reason",
        "deadline_when_asked",
        "proposed_due",
        "state",
        "decided_by",
        "decided_at",
    ]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(AdminOnly, HistoryPageAdmin, SimpleHistoryAdmin):
    """Cases are read here; their state changes only on the case page (the lifecycle table)."""

    history_page = "case"
    list_display = ["number", "title", "state", "level", "grid", "due_at"]
    list_filter = ["state", "level", "category", "grid"]
    search_fields = ["number", "title"]
    # The complainant's phone shows masked (not as the field, which would print it in full).
    exclude = ["complainant_phone"]
    readonly_fields = [
        *(f.name for f in Case._meta.fields if f.name != "complainant_phone"),
        "masked_complainant_phone",
    ]
    inlines = [CaseEventInline, ExtensionRequestInline]

    def get_queryset(self, request):
        return case_scope.cases(request.user)

    @admin.display(description=_("complainant's phone"))
    def masked_complainant_phone(self, obj):
        return mask_phone(obj.complainant_phone)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(AdminOnly, admin.ModelAdmin):
    list_display = ["name", "hours_urgent", "hours_high", "hours_normal", "hours_low", "active"]


@admin.register(Department)
class DepartmentAdmin(AdminOnly, admin.ModelAdmin):
    list_display = ["name", "kind", "town"]
    filter_horizontal = ["members"]


@admin.register(MediationRecord)
class MediationRecordAdmin(AdminOnly, admin.ModelAdmin):
    list_display = ["case", "held_on", "outcome", "kept"]
