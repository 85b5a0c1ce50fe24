from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from gridapp import scope
from gridapp.admin import AdminOnly

from .models import Case, CaseEvent, Category, Department, MediationRecord


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_state", "to_state", "level", "actor", "public", "note", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(AdminOnly, SimpleHistoryAdmin):
    """Cases are read here; their state changes only on the case page (the lifecycle table)."""

    list_display = ["number", "title", "state", "level", "grid", "due_at"]
    list_filter = ["state", "level", "category", "grid"]
    search_fields = ["number", "title"]
    readonly_fields = [f.name for f in Case._meta.fields]
    inlines = [CaseEventInline]

    def get_queryset(self, request):
        return scope.cases(request.user)

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
