"""Hazards (隐患): a risk found in the grid, attached to a place, rechecked at a cadence by its
risk level until it is rectified or closed (visits/hazards/).

A hazard is never deleted. Its next recheck date is kept on the row (``recheck_due_on``: the
day it was found or last rechecked, plus the cadence of its risk level), so the morning sweep
reads one indexed column; ``HazardReminder`` is unique per (hazard, due date), which makes a
second or concurrent sweep a no-op, as for check-ins.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from gridapp.models import Building, Grid, Household, Resident, Shop


class HazardKind(models.Model):
    """What kind of hazard (fire safety, electric bikes, gas …); staff manage the list in the admin.
    ``code`` marks the kinds other pages look for (the typhoon roster: flood, structure)."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    code = models.SlugField(_("code"), max_length=20, blank=True, help_text=_("Optional; used by the typhoon roster."))
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("hazard kind")
        verbose_name_plural = _("hazard kinds")
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="hazard_kind_code_unique")]

    def __str__(self):
        return self.name


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High risk")
    MEDIUM = "medium", _("Medium risk")
    LOW = "low", _("Low risk")


class HazardState(models.TextChoices):
    OPEN = "open", pgettext_lazy("hazard", "Open")  # 待整改, not the "open" of a link
    RECTIFYING = "rectifying", _("Being rectified")
    ESCALATED = "escalated", _("Escalated to a case")
    RECTIFIED = "rectified", _("Rectified")
    CLOSED = "closed", pgettext_lazy("hazard", "Closed")  # 已销号, a case is 已结案


# States in which a hazard still needs rechecks; the others are done and refuse a recheck.
OPEN_STATES = (HazardState.OPEN, HazardState.RECTIFYING, HazardState.ESCALATED)


class RecheckResult(models.TextChoices):
    RECTIFIED = "rectified", _("Rectified")
    NOT_YET = "not_yet", _("Not yet rectified")
    WORSE = "worse", _("Worse")


class Hazard(models.Model):
    # The grid of the place, kept so the scope and the lists read one column.
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="hazards", verbose_name=_("grid"))
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, null=True, blank=True, related_name="hazards", verbose_name=_("building")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="hazards", verbose_name=_("household")
    )
    shop = models.ForeignKey(
        Shop, on_delete=models.PROTECT, null=True, blank=True, related_name="hazards", verbose_name=_("shop")
    )
    place = models.CharField(_("place"), max_length=200, blank=True, help_text=_("e.g. the stairwell of unit 2"))
    kind = models.ForeignKey(HazardKind, on_delete=models.PROTECT, related_name="hazards", verbose_name=_("kind"))
    risk = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.MEDIUM)
    description = models.TextField(_("description"), max_length=4000)
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("found by")
    )
    found_at = models.DateTimeField(_("found at"), default=timezone.now)
    responsible_resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hazards_responsible",
        verbose_name=_("person responsible"),
    )
    responsible_shop = models.ForeignKey(
        Shop,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hazards_responsible",
        verbose_name=_("shop responsible"),
    )
    deadline = models.DateField(_("rectify by"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=HazardState.choices, default=HazardState.OPEN)
    # The next recheck: the day found or last rechecked plus the cadence of the risk level
    # (settings.HAZARD_RECHECK_DAYS); empty once the hazard is rectified or closed.
    recheck_due_on = models.DateField(_("next recheck"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closing_note = models.TextField(_("closing note"), blank=True, max_length=2000)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        ordering = ["recheck_due_on", "-found_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(building__isnull=False) | Q(household__isnull=False) | Q(shop__isnull=False) | ~Q(place=""),
                name="hazard_has_a_place",
            ),
        ]
        indexes = [
            # The sweep and the grid's list: open hazards by next recheck.
            models.Index(
                fields=["grid", "recheck_due_on"], condition=Q(recheck_due_on__isnull=False), name="hazard_due_idx"
            ),
            models.Index(fields=["grid", "state"], name="hazard_grid_state_idx"),
        ]

    def __str__(self):
        return f"{self.kind} · {self.where}"

    def get_absolute_url(self):
        return reverse("hazard_detail", args=[self.pk])

    @property
    def where(self):
        parts = [str(p) for p in (self.shop, self.household or self.building) if p]
        if self.shop and self.shop.address:
            parts[0] = f"{self.shop.name} · {self.shop.address}"
        if self.household:
            parts = [self.household.address] if not self.shop else parts
        if self.place:
            parts.append(self.place)
        return " · ".join(parts)

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    @property
    def responsible(self):
        return self.responsible_resident or self.responsible_shop


def hazard_photo_path(instance, filename):
    return f"hazards/{timezone.localdate():%Y/%m}/{instance.hazard_id}-{filename[-60:]}"


class HazardRecheck(models.Model):
    """One visit-like look at a hazard: rectified, not yet, or worse."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="rechecks", verbose_name=_("hazard"))
    result = models.CharField(_("result"), max_length=10, choices=RecheckResult.choices)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("checked by")
    )

    class Meta:
        verbose_name = _("hazard recheck")
        verbose_name_plural = _("hazard rechecks")
        ordering = ["-checked_at"]

    def __str__(self):
        return f"{self.hazard} · {self.get_result_display()}"


class HazardPhoto(models.Model):
    """A photo of a hazard, taken when it was found (``recheck`` empty) or on a recheck."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="photos")
    recheck = models.ForeignKey(HazardRecheck, on_delete=models.CASCADE, null=True, blank=True, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=hazard_photo_path)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return self.image.name


class HazardReminder(models.Model):
    """One reminder per hazard and due date; the unique constraint makes a second or concurrent
    sweep a no-op (``visits.hazards.reminders``)."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="reminders")
    due_on = models.DateField(_("due on"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # The sweep that inserted it, and so the only one that puts it in a digest.
    sweep_id = models.UUIDField(editable=False)

    class Meta:
        verbose_name = _("hazard recheck reminder")
        verbose_name_plural = _("hazard recheck reminders")
        constraints = [models.UniqueConstraint(fields=["hazard", "due_on"], name="hazard_reminder_once_per_due_date")]
        indexes = [
            # The sweep reads back what it inserted to write the digests.
            models.Index(fields=["sweep_id"], name="hazard_reminder_sweep_idx"),
        ]

    def __str__(self):
        return f"{self.hazard} · {self.due_on:%Y-%m-%d}"
