"""The Django admin for admins: search, filters and inlines, with every changelist and
foreign-key choice taken from ``gridapp.scope``. Who gets in at all, and the admins of accounts
and log-in security, are ``gridapp.accounts.admin``'s."""

from django import forms
from django.contrib import admin
from django.http import Http404
from django.urls import resolve, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import scope
from .accounts.admin import AdminOnly, ReadOnly  # also registers the accounts' and security's admins
from .core.display import mask_phone
from .core.forms import id_param
from .models import (
    Building,
    Community,
    Grid,
    Household,
    HouseholdTagLink,
    ImportBatch,
    Resident,
    ResidentCategoryLink,
    Shop,
    Town,
    Versioned,
    WorkerHeartbeat,
)
from .register import search_index
from .register import services as register_services
from .register.forms import ResidentForm
from .register.id_numbers import IdNumberFormMixin
from .register.signals import placement_changed

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


class HistoryPageAdmin:
    """The admin's "History" shows gridapp's history page (field by field, ID numbers and phones
    masked, health notes not shown). simple-history's own per-version page would show an old
    version's full ID number, and its revert would bypass the services: it shows the same page."""

    history_page = None  # the model's key in gridapp.pages.history.AUDITED

    def history_view(self, request, object_id, extra_context=None):
        if self.history_page is None:
            return super().history_view(request, object_id, extra_context)
        if (pk := id_param(str(object_id))) is None:
            raise Http404("No such record")
        # The history page gathers from every app, so it lives above the admin: reached through
        # its URL (as a link would), never imported.
        match = resolve(reverse("record_history", args=[self.history_page, pk]))
        return match.func(request, *match.args, **match.kwargs)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if self.history_page is None:
            return super().history_form_view(request, object_id, version_id, extra_context)
        return self.history_view(request, object_id)


class ScopedAdmin(AdminOnly, HistoryPageAdmin, SimpleHistoryAdmin):
    """Changelists and foreign-key choices come from the scope module."""

    def get_queryset(self, request):
        return _SCOPED[self.model](request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model in _SCOPED:
            kwargs["queryset"] = _SCOPED[db_field.related_model](request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # An admin's save is Django's own (the admin keeps no copy of its own to check), but it moves
    # the record on: a page opened elsewhere before it is then told what changed (409), as after
    # any other edit.
    def save_model(self, request, obj, form, change):
        _bump_version(obj, change)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            if inline_form.instance.pk and inline_form.has_changed():
                _bump_version(inline_form.instance, True)
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        _reindex(form.instance)
        _announce_placement(form.instance)


def _bump_version(obj, change):
    if change and isinstance(obj, Versioned):
        obj.version += 1


def _reindex(obj):
    """The search keys of what the admin saved (with a household, its residents in the inline)."""
    if isinstance(obj, Household):
        search_index.refresh_household(obj)
    elif isinstance(obj, Resident | Shop | Building):
        kind = {Resident: "residents", Shop: "shops", Building: "buildings"}[type(obj)]
        search_index.refresh(**{kind: [obj]})


def _announce_placement(obj):
    """The admin may move or archive a household or resident (and a household's residents in the
    inline): the apps above follow, as after the register's services."""
    if isinstance(obj, Household):
        placement_changed.send(sender=Household, household_ids=[obj.pk])
    elif isinstance(obj, Resident):
        placement_changed.send(sender=Resident, resident_ids=[obj.pk])


class ArchiveActions:
    """Households, residents and shops are archived and restored, never deleted: there is no
    delete permission (AdminOnly), hence no delete page or action, and these two actions instead.
    They go through the register's services, one record at a time, so each record's history
    names the admin."""

    actions = ["archive_selected", "restore_selected"]

    @admin.action(description=_("Archive the selected records (they can be restored)"), permissions=["change"])
    def archive_selected(self, request, queryset):
        archive = register_services.archive
        count = sum(archive(record=obj, by=request.user) for obj in queryset.filter(archived_at=None))
        message = ngettext("%(count)d record archived.", "%(count)d records archived.", count)
        self.message_user(request, message % {"count": count})

    @admin.action(description=_("Restore the selected records from the archive"), permissions=["change"])
    def restore_selected(self, request, queryset):
        restore = register_services.restore
        count = sum(restore(record=obj, by=request.user) for obj in queryset.exclude(archived_at=None))
        message = ngettext("%(count)d record restored.", "%(count)d records restored.", count)
        self.message_user(request, message % {"count": count})


class ResidentInline(admin.TabularInline):
    model = Resident
    fields = ["name", "sex", "date_of_birth", "masked_mobile", "is_head", "archived_at"]
    readonly_fields = ["masked_mobile"]  # a list: phones masked (the resident's own page has the number)
    extra = 0
    show_change_link = True
    can_delete = False

    @admin.display(description=_("mobile"))
    def masked_mobile(self, obj):
        return mask_phone(obj.mobile)


class HouseholdTagInline(admin.TabularInline):
    model = HouseholdTagLink
    extra = 0


class ResidentCategoryInline(admin.TabularInline):
    model = ResidentCategoryLink
    extra = 0


@admin.register(Town)
class TownAdmin(AdminOnly, admin.ModelAdmin):
    search_fields = ["name"]


class LogEntryHistory:
    """For models without simple-history versions (communities, grids): the admin's History is
    Django's own log of admin changes (simple-history's page failed on them with a 500)."""

    def history_view(self, request, object_id, extra_context=None):
        return admin.ModelAdmin.history_view(self, request, object_id, extra_context)


@admin.register(Community)
class CommunityAdmin(LogEntryHistory, ScopedAdmin):
    list_display = ["name", "code", "town"]
    search_fields = ["name", "code"]
    list_filter = ["town"]


@admin.register(Grid)
class GridAdmin(LogEntryHistory, ScopedAdmin):
    list_display = ["name", "number", "community"]
    search_fields = ["name", "community__name"]
    list_filter = ["community"]


@admin.register(Building)
class BuildingAdmin(ScopedAdmin):
    list_display = ["__str__", "name", "grid", "year_built"]
    search_fields = ["road", "number", "name"]
    list_filter = ["community", "grid"]


@admin.register(Household)
class HouseholdAdmin(ArchiveActions, ScopedAdmin):
    history_page = "household"
    list_display = ["address", "head_name", "grid", "tenure", "archived_at"]
    search_fields = ["address", "head_name", "phone", "residents__name"]
    list_filter = ["grid", "tenure", "tags__tag", ("archived_at", admin.EmptyFieldListFilter)]
    list_select_related = ["grid__community"]
    raw_id_fields = ["building"]
    inlines = [HouseholdTagInline, ResidentInline]


class ResidentAdminForm(IdNumberFormMixin, forms.ModelForm):
    """The full ID number never reaches the page: blank keeps it, a new one replaces it."""

    class Meta:
        model = Resident
        # The staff's resident form's fields, and the household and archive besides; not the
        # health notes: those are for the grid's worker and the community's staff only.
        fields = ["household", *(f for f in ResidentForm.Meta.fields if f != "health_notes"), "archived_at"]


@admin.register(Resident)
class ResidentAdmin(ArchiveActions, ScopedAdmin):
    history_page = "resident"
    form = ResidentAdminForm
    exclude = ["health_notes"]
    list_display = ["name", "sex", "date_of_birth", "household", "archived_at"]
    search_fields = ["name", "mobile", "household__address"]
    list_filter = ["sex", "categories__category", "household__grid", ("archived_at", admin.EmptyFieldListFilter)]
    list_select_related = ["household__grid__community"]
    raw_id_fields = ["household"]
    inlines = [ResidentCategoryInline]


@admin.register(Shop)
class ShopAdmin(ArchiveActions, ScopedAdmin):
    history_page = "shop"
    list_display = ["name", "address", "business_type", "street_front", "grid", "archived_at"]
    search_fields = ["name", "address", "operator_name", "phone", "licence_number"]
    list_filter = ["grid", "business_type", "street_front", ("archived_at", admin.EmptyFieldListFilter)]
    list_select_related = ["grid__community"]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(AdminOnly, admin.ModelAdmin):
    list_display = ["hostname", "seen_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnly, AdminOnly, admin.ModelAdmin):
    """Register imports: who brought which file into which grid, and what it changed; read-only,
    never deleted (the records' history names the import)."""

    list_display = ["created_at", "filename", "grid", "kind", "status", "total_rows", "created_by", "committed_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["grid__community", "created_by"]
    search_fields = ["filename", "sha256", "created_by__username"]
    date_hierarchy = "created_at"
    exclude = ["errors"]  # may quote cells of the file; shown on the import's page to its community's staff
