"""The Django admin for admins: search, filters and inlines, with every changelist and
foreign-key choice taken from ``gridapp.scope``."""

from axes.admin import AccessAttemptAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from . import scope, security, sessions
from .models import (
    Building,
    Community,
    Grid,
    Household,
    HouseholdTagLink,
    Resident,
    ResidentCategoryLink,
    Role,
    SecurityPolicy,
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
