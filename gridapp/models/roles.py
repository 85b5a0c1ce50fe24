"""Who holds which role where (read through ``gridapp.scope`` only)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import TimeStamped
from .places import Community, Grid


class RoleKind(models.TextChoices):
    GRID_WORKER = "grid_worker", _("Grid worker")
    COMMUNITY_STAFF = "community_staff", _("Community staff")
    ADMIN = "admin", _("Administrator")


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

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="grid_worker", grid__isnull=False, community__isnull=True)
                    | Q(kind="community_staff", grid__isnull=True, community__isnull=False)
                    | Q(kind="admin", grid__isnull=True, community__isnull=True)
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
        ]

    def __str__(self):
        where = self.grid or self.community or ""
        return f"{self.user} · {self.get_kind_display()} {where}".strip()
