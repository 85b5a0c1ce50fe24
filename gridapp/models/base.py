"""Abstract bases: timestamps, archiving instead of deleting, a version for edits, and the
confirmation of what a grid worker adds to the register."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Archivable(models.Model):
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_archived(self):
        return self.archived_at is not None


class Versioned(models.Model):
    """A record people edit from forms: every write bumps ``version``, and an edit based on an older
    one is refused (``gridapp.core.versions``), so two people saving at once cannot both win."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


# A record a grid worker added at the door, which community staff have not confirmed yet. It is
# a real household, resident or shop from the moment it is added (visits, check-ins, cases see
# it like any other); "pending" says the register's keepers have not checked it. Records created
# by staff, admins or an import carry no ``added_by`` and were never pending.
PENDING = Q(added_by__isnull=False, confirmed_at__isnull=True)


class Confirmable(models.Model):
    """Who added the record through the grid worker's forms, and who of the community's staff
    confirmed it (``gridapp.register.services.confirm``). Set by the services only."""

    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("added by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("confirmed by"),
    )

    class Meta:
        abstract = True

    @property
    def is_pending(self):
        return self.added_by_id is not None and self.confirmed_at is None


def confirmation_constraint(name):
    """A record is confirmed by someone at some time, or neither."""
    return models.CheckConstraint(
        condition=Q(confirmed_at__isnull=True, confirmed_by__isnull=True)
        | Q(confirmed_at__isnull=False, confirmed_by__isnull=False),
        name=name,
    )


def pending_index(name):
    """The staff's list of records awaiting confirmation (``gridapp.scope.awaiting_confirmation``)
    reads the few pending rows of a register of hundreds of thousands."""
    return models.Index(fields=["created_at"], condition=PENDING, name=name)
