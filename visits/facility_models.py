"""Service facilities (服务设施): the grid's elderly canteen, day care, clinic, hydrants and
extinguisher points, AED, shelter … with their place, contact, hours and condition. A broken
one becomes a hazard in one tap from its page (``visits.hazards.views.hazard_create``)."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gridapp.models import Building, Grid


class FacilityKind(models.Model):
    """What kind of facility; the admin manages the list (seeded by visits migration 0010)."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    code = models.SlugField(_("code"), max_length=20, blank=True)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("facility kind")
        verbose_name_plural = _("facility kinds")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="facility_kind_code_unique")
        ]

    def __str__(self):
        return self.name


class FacilityCondition(models.TextChoices):
    GOOD = "good", _("Good")
    NEEDS_REPAIR = "needs_repair", _("Needs repair")
    BROKEN = "broken", _("Broken")


class Facility(models.Model):
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="facilities", verbose_name=_("grid"))
    kind = models.ForeignKey(FacilityKind, on_delete=models.PROTECT, related_name="facilities", verbose_name=_("kind"))
    name = models.CharField(_("name"), max_length=100)
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, null=True, blank=True, related_name="facilities", verbose_name=_("building")
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=100, blank=True)
    condition = models.CharField(
        _("condition"), max_length=12, choices=FacilityCondition.choices, default=FacilityCondition.GOOD
    )
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    active = models.BooleanField(_("in service"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service facility")
        verbose_name_plural = _("service facilities")
        ordering = ["kind__position", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(building__isnull=False) | ~Q(address=""), name="facility_has_a_place")
        ]
        indexes = [models.Index(fields=["grid", "kind"], name="facility_grid_kind_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("facility_detail", args=[self.pk])

    @property
    def where(self):
        return " · ".join(p for p in (str(self.building) if self.building else "", self.address) if p)
