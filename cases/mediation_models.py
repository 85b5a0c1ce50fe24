"""A people's mediation (人民调解) held on a case: its own module to keep ``cases.models`` short;
imported at the end of ``cases.models``, so ``from cases.models import MediationRecord`` holds."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridapp.models import Resident

from .models import Case


class MediationOutcome(models.TextChoices):
    AGREED = "agreed", _("Agreement reached")
    PARTIAL = "partial", _("Partly agreed")
    FAILED = "failed", _("No agreement")


class MediationRecord(models.Model):
    """A people's mediation (人民调解): who, who mediated, what was agreed, and whether it held."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mediations")
    held_on = models.DateField(_("date"), default=timezone.localdate)
    parties = models.ManyToManyField(Resident, related_name="mediations", blank=True, verbose_name=_("parties"))
    other_parties = models.CharField(_("other parties"), max_length=200, blank=True)
    mediators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="mediations", blank=True, verbose_name=_("mediators")
    )
    other_mediators = models.CharField(
        _("other mediators"), max_length=200, blank=True, help_text=_("e.g. the grid party group leader")
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=MediationOutcome.choices)
    agreement = models.TextField(_("agreement"), blank=True, max_length=4000)
    kept = models.BooleanField(_("agreement kept"), null=True, blank=True)
    followed_up_on = models.DateField(_("followed up on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("mediation record")
        verbose_name_plural = _("mediation records")
        ordering = ["held_on", "pk"]

    def __str__(self):
        return f"{self.case.number} · {self.held_on:%Y-%m-%d}"
