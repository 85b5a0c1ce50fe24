"""Sessions, the security policy and the personal-data access log."""

from importlib import import_module

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .places import Community
from .register import Resident


class UserSession(AbstractBaseSession):
    """A session row that also names its user (Django's documented way to extend the database
    session engine), so ending all of a user's sessions is one indexed DELETE however many
    sessions exist; see ``gridapp.accounts.sessions``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )

    class Meta(AbstractBaseSession.Meta):
        db_table = "gridapp_session"

    @classmethod
    def get_session_store_class(cls):
        # The engine the settings name (gridapp.accounts.sessions), looked up by name: the
        # models are the bottom layer and import nothing above them.
        return import_module(settings.SESSION_ENGINE).SessionStore


class SecurityPolicy(models.Model):
    """The one row of site-wide security switches that admins change in the admin."""

    require_otp_for_staff = models.BooleanField(
        _("require two-factor authentication for staff and admins"),
        default=False,
        help_text=_(
            "Community staff and administrators must enter a code from an authenticator app after their "
            "password; those without one are asked to set it up before anything else."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("security policy")
        verbose_name_plural = _("security policy")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="securitypolicy_single_row")]

    def __str__(self):
        return str(_("Security policy"))

    @classmethod
    def current(cls):
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class DataAccess(models.TextChoices):
    REVEAL_ID = "reveal_id", _("Revealed the full ID number")
    EXPORT = "export", _("Exported personal data")
    PRINT_CASE = "print_case", _("Printed a case sheet")
    VIEW_RESIDENT = "view_resident", _("Opened a resident's page")
    API_READ = "api_read", _("Read personal data through the API")


class DataAccessLog(models.Model):
    """Who saw or took out a resident's personal data beyond what pages show, when, from where
    and why (PIPL): written by ``gridapp.privacy``, read by the community's staff and admins,
    never changed or deleted."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    action = models.CharField(_("action"), max_length=20, choices=DataAccess.choices)
    resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_log",
        verbose_name=_("resident"),
    )
    # The community whose staff read this entry, kept at the time of access (an export of a
    # list names no single resident).
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    # What an export took out, e.g. "Residents of Grid 1", and how many rows; blank for a reveal.
    subject = models.CharField(_("what"), max_length=200, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data access log")
        ordering = ["-created_at"]
        indexes = [
            # The access log page: a community's entries, newest first.
            models.Index(fields=["community", "-created_at"], name="dataaccess_community_idx"),
            # The same, narrowed to one resident (linked from the resident's page).
            models.Index(fields=["resident", "-created_at"], name="dataaccess_resident_idx"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_action_display()} · {self.created_at:%Y-%m-%d %H:%M}"
