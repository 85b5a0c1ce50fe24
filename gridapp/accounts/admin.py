"""Who gets into the admin at all (``AdminOnly``, which every app's admin classes start from),
and the admins of accounts, roles, log-in security and the personal-data access log.
Django's, django-axes' and django-otp's own admins are registered for superusers only; gridapp
admins get them here, under the same AdminOnly rule as the register. Registered when
``gridapp.admin`` imports this module."""

from axes.admin import AccessAttemptAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from gridapp import scope
from gridapp.models import ApiClient, DataAccessLog, Role, SecurityPolicy, WebhookEvent
from gridapp.models.api_clients import new_webhook_secret
from gridapp.notify.allowlist import event_url_problem

from . import api_keys, security, sessions


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


class ReadOnly:
    """Records kept as they were written: listed and read, never added or changed here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RemovableByAdmins:
    """Rows whose removal is the action itself: a role (someone leaves a grid), a lockout (the
    pair is unlocked), an authenticator (its owner lost the phone)."""

    def has_delete_permission(self, request, obj=None):
        return _is_admin(request)


@admin.register(Role)
class RoleAdmin(RemovableByAdmins, AdminOnly, admin.ModelAdmin):
    list_display = ["user", "kind", "grid", "community", "part_time"]
    list_filter = ["kind", "community", "grid"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user", "grid__community", "community"]
    autocomplete_fields = ["user"]


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
class AuthenticatorAdmin(ReadOnly, RemovableByAdmins, AdminOnly, TOTPDeviceAdmin):
    """Admins remove the authenticator of someone who lost their phone; users set up their own
    (an admin never learns or chooses anyone's secret: OTP_ADMIN_HIDE_SENSITIVE_DATA)."""


admin.site.unregister(AccessAttempt)
admin.site.unregister(AccessLog)
admin.site.unregister(AccessFailureLog)


@admin.register(AccessAttempt)
class LockoutAdmin(ReadOnly, RemovableByAdmins, AdminOnly, AccessAttemptAdmin):
    """Failed log-ins per (username, address); deleting a row unlocks that pair at once."""


@admin.register(AccessLog)
class LoginLogAdmin(ReadOnly, AdminOnly, AccessLogAdmin):
    """Successful log-ins and log-outs, read-only."""


@admin.register(DataAccessLog)
class DataAccessLogAdmin(ReadOnly, AdminOnly, admin.ModelAdmin):
    """Who revealed or exported personal data; read-only, never deleted (staff read their
    community's entries on the access-log page)."""

    list_display = ["created_at", "user", "action", "resident", "subject", "row_count", "community", "ip_address"]
    list_filter = ["action", "community"]
    list_select_related = ["user", "resident", "community"]
    search_fields = ["user__username", "resident__name", "reason", "subject"]
    date_hierarchy = "created_at"


class ApiClientForm(forms.ModelForm):
    """The client's webhook: an address on GRIDAPP_EVENT_HOSTS (the group robots' rules), and the
    events it wants, ticked from the list of event types."""

    webhook_url = forms.URLField(
        label=_("webhook URL"),
        max_length=300,
        required=False,
        assume_scheme="https",
        help_text=_("Where case events are posted; its host must be on GRIDAPP_EVENT_HOSTS."),
    )
    webhook_events = forms.TypedMultipleChoiceField(
        label=_("events"), choices=WebhookEvent.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiClient
        fields = ["name", "user", "rate", "webhook_url", "webhook_events", "webhook_active"]

    def clean_webhook_url(self):
        url = self.cleaned_data["webhook_url"]
        if url and (problem := event_url_problem(url)):
            raise ValidationError(problem)
        return url

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("webhook_active") and not cleaned.get("webhook_url") and "webhook_url" not in self.errors:
            self.add_error("webhook_url", _("Give the address the events are sent to, or untick “send events”."))
        return cleaned


@admin.register(ApiClient)
class ApiClientAdmin(AdminOnly, admin.ModelAdmin):
    """Systems that call the API (docs/api.md). Adding one shows its key once, on the page that
    answers the save (never in a message, which would travel in a cookie); only its hash is kept.
    The webhook's signing secret is shown here to admins: it must be kept in clear to sign with."""

    form = ApiClientForm
    list_display = ["name", "prefix", "user", "rate", "webhook_active", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["user"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username"]
    fieldsets = [
        (None, {"fields": ["name", "user", "rate", "prefix", "created_at", "last_used_at", "revoked_at"]}),
        (
            _("Outgoing events"),
            {"fields": ["webhook_url", "webhook_events", "webhook_active", "webhook_secret"]},
        ),
    ]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at", "webhook_secret"]
    autocomplete_fields = ["user"]
    actions = ["revoke", "renew", "new_secret"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        client, key = api_keys.issue(name=obj.name, user=obj.user, rate=obj.rate)
        ApiClient.objects.filter(pk=client.pk).update(
            webhook_url=obj.webhook_url, webhook_events=obj.webhook_events, webhook_active=obj.webhook_active
        )
        obj.pk, obj.prefix, obj.webhook_secret = client.pk, client.prefix, client.webhook_secret
        request._gridapp_new_key = key

    def response_add(self, request, obj, post_url_continue=None):
        return self._show_key(request, obj, request._gridapp_new_key)

    def _show_key(self, request, client, key):
        context = {**self.admin_site.each_context(request), "client": client, "key": key, "opts": self.opts}
        return TemplateResponse(request, "admin/gridapp/apiclient/key.html", context)

    @admin.action(description=_("Revoke the selected clients' keys"))
    def revoke(self, request, queryset):
        for client in queryset:
            api_keys.revoke(client)
        self.message_user(request, ngettext("%d key revoked.", "%d keys revoked.", len(queryset)) % len(queryset))

    @admin.action(description=_("Give the selected client a new key"))
    def renew(self, request, queryset):
        if len(queryset) != 1:
            self.message_user(request, _("Choose one client to give a new key."), level="error")
            return None
        client = queryset.get()
        return self._show_key(request, client, api_keys.new_key(client))

    @admin.action(description=_("Give the selected clients a new signing secret"))
    def new_secret(self, request, queryset):
        # One row at a time: each client its own secret. The old one stops verifying at once.
        for pk in queryset.values_list("pk", flat=True):
            ApiClient.objects.filter(pk=pk).update(webhook_secret=new_webhook_secret())
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "%d client has a new signing secret; its page shows it.",
                "%d clients have a new signing secret; their pages show them.",
                count,
            )
            % count,
        )
