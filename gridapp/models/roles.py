"""Who holds which role where (read through ``gridapp.scope`` only)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .base import TimeStamped
from .places import Community, Grid


class RoleKind(models.TextChoices):
    GRID_WORKER = "grid_worker", _("Grid worker")
    COMMUNITY_STAFF = "community_staff", _("Community staff")
    ADMIN = "admin", _("Administrator")
    # A resident who helps the grid's worker (the grid party group leader, a mediator): named on
    # the mediation records of the grid's cases and sees those cases, nothing of the register.
    HELPER = "helper", _("Grid helper (mediator)")


# The roles a community's staff give and take in their own community (gridapp.accounts.people);
# staff and admin roles are given by admins only.
STAFF_GRANTABLE = frozenset({RoleKind.GRID_WORKER, RoleKind.HELPER})


class Role(TimeStamped):
    """One role a user holds: a grid worker of a grid, staff of a community, or an admin.

    Read through ``gridapp.scope`` only; nothing else decides what a role may see.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gridapp_roles", verbose_name=_("user")
    )
    kind = models.CharField(_("role"), max_length=20, choices=RoleKind.choices)
    grid = models.ForeignKey(
        Grid, on_delete=models.CASCADE, null=True, blank=True, related_name="roles", verbose_name=_("grid")
    )
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, null=True, blank=True, related_name="roles", verbose_name=_("community")
    )
    part_time = models.BooleanField(_("part-time"), default=False)
    # Every role given, moved or taken is kept with who did it and when (the person's page in
    # the staff's people area, the admin's history).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="grid_worker", grid__isnull=False, community__isnull=True)
                    | Q(kind="community_staff", grid__isnull=True, community__isnull=False)
                    | Q(kind="admin", grid__isnull=True, community__isnull=True)
                    | Q(kind="helper", grid__isnull=False, community__isnull=True)
                ),
                name="role_scope_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "grid"], condition=Q(kind="grid_worker"), name="role_unique_worker_grid"
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "community"],
                condition=Q(kind="community_staff"),
                name="role_unique_staff_community",
            ),
            models.UniqueConstraint(fields=["user"], condition=Q(kind="admin"), name="role_unique_admin"),
            models.UniqueConstraint(
                fields=["user", "kind", "grid"], condition=Q(kind="helper"), name="role_unique_helper_grid"
            ),
        ]

    def __str__(self):
        where = self.grid or self.community or ""
        return f"{self.user} · {self.get_kind_display()} {where}".strip()


class PasswordChangeRequired(models.Model):
    """The user logs in with a temporary password a community's staff member or an admin set, and
    must choose their own before anything else (gridapp.accounts.middleware). The row goes when
    they have: the flag is the row's existence."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="password_change_required",
        verbose_name=_("user"),
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("set by")
    )
    set_at = models.DateTimeField(_("set at"), default=timezone.now)

    class Meta:
        verbose_name = _("temporary password")
        verbose_name_plural = _("temporary passwords")

    def __str__(self):
        return f"{self.user} · {self.set_at:%Y-%m-%d %H:%M}"
