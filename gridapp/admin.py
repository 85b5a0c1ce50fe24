"""The Django admin for admins: search, filters and inlines, with every changelist and
foreign-key choice taken from ``gridapp.scope``."""

from axes.admin import AccessAttemptAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import resolve, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from . import scope
from .accounts import security, sessions
from .core.display import mask_id, mask_phone
from .core.forms import id_param
from .core.validators import normalize_id_number
from .models import (
    Building,
    Community,
    DataAccessLog,
    Grid,
    Household,
    HouseholdTagLink,
    ImportBatch,
    Resident,
    ResidentCategoryLink,
    Role,
    SecurityPolicy,
    Shop,
    Town,
    WorkerHeartbeat,
)
from .register import services as register_services

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


MAX_SEARCH_LENGTH = 1000  # characters in an admin list's search box


class _AutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget looks a submitted value up to show it again: one that is no id
    at all was a server error. It is shown as nothing chosen, and the form says what is wrong."""

    def optgroups(self, name, value, attr=None):
        ids = []
        for item in value:
            try:
                self.field.target_field.to_python(item)
            except ValidationError:
                continue
            ids.append(item)
        return super().optgroups(name, ids, attr)


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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = _AutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        # SQLite refuses a LIKE pattern past 50,000 bytes and PostgreSQL any NUL character (both
        # server errors); no name, address or note anyone searches for holds either, so such a
        # search matches nothing.
        if len(search_term) > MAX_SEARCH_LENGTH or "\x00" in search_term:
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    def changelist_view(self, request, extra_context=None):
        # The list's filters (``?state__exact=…``) go to the database as typed, without a form:
        # PostgreSQL refuses a NUL character in a value (a server error). No record holds one.
        if any("\x00" in value for _key, values in request.GET.lists() for value in values):
            raise BadRequest("A filter value holds a NUL character.")
        return super().changelist_view(request, extra_context)

    def response_action(self, request, queryset):
        # Django's own action handling passes the selected ids straight to the database: one that
        # is not an id at all was a server error. Browsers only send the ids of the list's rows.
        for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
            try:
                self.model._meta.pk.to_python(value)
            except ValidationError:
                raise BadRequest("The selection holds something that is not an id.") from None
        return super().response_action(request, queryset)


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


class ResidentAdminForm(forms.ModelForm):
    """The full ID number never reaches the page: blank keeps it, a new one replaces it."""

    class Meta:
        model = Resident
        # Not the health notes: those are for the grid's worker and the community's staff only.
        fields = [
            "household",
            "name",
            "sex",
            "date_of_birth",
            "id_number",
            "mobile",
            "is_head",
            "relation_to_head",
            "emergency_contact_name",
            "emergency_contact_phone",
            "emergency_contact_relation",
            "archived_at",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "id_number" in self.fields and self.instance.id_number:
            self.initial["id_number"] = ""
            self.fields["id_number"].help_text = _(
                "Registered: %(masked)s. Leave blank to keep it; type the full number to replace it."
            ) % {"masked": mask_id(self.instance.id_number)}

    def clean_id_number(self):
        value = normalize_id_number(self.cleaned_data.get("id_number"))
        if not value and self.instance.pk:
            return self.instance.id_number
        return value


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


# --- accounts and log-in security -------------------------------------------------------
# Django's, django-axes' and django-otp's own admins are registered for superusers only;
# gridapp admins get them here, under the same AdminOnly rule as the register.

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(AdminOnly, UserAdmin):
    """Accounts are deactivated, never deleted (their names stay in the histories); deactivating
    ends the account's sessions at once (gridapp.security.on_user_saved)."""

    actions = ["end_sessions"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "groups", "user_permissions"]  # no admin makes themselves more
        return readonly

    @admin.action(description=_("End sessions (log out everywhere)"))
    def end_sessions(self, request, queryset):
        count = sessions.end_sessions(queryset, by=request.user, reason="admin action")
        self.message_user(
            request, ngettext("%(count)d session ended.", "%(count)d sessions ended.", count) % {"count": count}
        )


@admin.register(SecurityPolicy)
class SecurityPolicyAdmin(AdminOnly, admin.ModelAdmin):
    """One row; its list page opens it."""

    def has_add_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied  # as every other list: only admins, and nothing created first
        policy, _created = SecurityPolicy.objects.get_or_create(pk=1)
        return redirect("admin:gridapp_securitypolicy_change", policy.pk)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        security.log.info(
            "security policy changed: require_otp_for_staff=%s by=%s",
            obj.require_otp_for_staff,
            request.user.get_username(),
        )


admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class AuthenticatorAdmin(AdminOnly, TOTPDeviceAdmin):
    """Admins remove the authenticator of someone who lost their phone; users set up their own
    (an admin never learns or chooses anyone's secret: OTP_ADMIN_HIDE_SENSITIVE_DATA)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return _is_admin(request)


admin.site.unregister(AccessAttempt)
admin.site.unregister(AccessLog)
admin.site.unregister(AccessFailureLog)


@admin.register(AccessAttempt)
class LockoutAdmin(AdminOnly, AccessAttemptAdmin):
    """Failed log-ins per (username, address); deleting a row unlocks that pair at once."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return _is_admin(request)


@admin.register(AccessLog)
class LoginLogAdmin(AdminOnly, AccessLogAdmin):
    """Successful log-ins and log-outs, read-only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(AdminOnly, admin.ModelAdmin):
    """Register imports: who brought which file into which grid, and what it changed; read-only,
    never deleted (the records' history names the import)."""

    list_display = ["created_at", "filename", "grid", "kind", "status", "total_rows", "created_by", "committed_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["grid__community", "created_by"]
    search_fields = ["filename", "sha256", "created_by__username"]
    date_hierarchy = "created_at"
    exclude = ["errors"]  # may quote cells of the file; shown on the import's page to its community's staff

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DataAccessLog)
class DataAccessLogAdmin(AdminOnly, admin.ModelAdmin):
    """Who revealed or exported personal data; read-only, never deleted (staff read their
    community's entries on the access-log page)."""

    list_display = ["created_at", "user", "action", "resident", "subject", "row_count", "community", "ip_address"]
    list_filter = ["action", "community"]
    list_select_related = ["user", "resident", "community"]
    search_fields = ["user__username", "resident__name", "reason", "subject"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
