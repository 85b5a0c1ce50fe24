"""The household register: households, residents and shops, with their tags and person categories.

Households, residents and shops are archived (``archived_at``), never deleted.
"""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from gridapp.core.validators import (
    validate_id_number,
    validate_mobile,
    validate_phone,
    validate_visible_lines,
    validate_visible_text,
)

from .base import Archivable, Confirmable, TimeStamped, Versioned, confirmation_constraint, pending_index
from .places import Building, Grid


class HouseholdTag(models.TextChoices):
    EMPTY_NEST = "empty_nest", _("Empty-nest")
    LIVING_ALONE = "living_alone", _("Living alone")
    LOW_INCOME = "low_income", _("Low income")
    DISABILITY = "disability", _("Disability")
    KEY_CARE = "key_care", _("Key care")


class Tenure(models.TextChoices):
    OWNER = "owner", _("Owner-occupied")
    RENTED = "rented", _("Rented")
    OTHER = "other", _("Other")


VISIBLE = [validate_visible_text]  # names and addresses (phones check it in their own validators)
VISIBLE_LINES = [validate_visible_lines]  # notes


class Household(TimeStamped, Archivable, Versioned, Confirmable):
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="households", verbose_name=_("grid"))
    building = models.ForeignKey(
        Building,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="households",
        verbose_name=_("building"),
    )
    unit = models.CharField(_("unit"), max_length=20, blank=True, validators=VISIBLE)
    room = models.CharField(_("room"), max_length=20, blank=True, validators=VISIBLE)
    address = models.CharField(
        _("address"),
        max_length=200,
        blank=True,
        help_text=_("Filled in from the building, unit and room; write it out for a place without a building."),
        validators=VISIBLE,
    )
    head_name = models.CharField(_("head of household"), max_length=50, validators=VISIBLE)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    tenure = models.CharField(_("tenure"), max_length=10, choices=Tenure.choices, default=Tenure.OWNER)
    landlord_name = models.CharField(_("landlord"), max_length=50, blank=True, validators=VISIBLE)
    landlord_phone = models.CharField(_("landlord's phone"), max_length=20, blank=True, validators=[validate_phone])
    landlord_address = models.CharField(_("landlord's address"), max_length=200, blank=True, validators=VISIBLE)
    notes = models.TextField(_("notes"), blank=True, validators=VISIBLE_LINES)
    # Set by the retention job (gridapp.register.retention) once the people in it are erased.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["address"]
        indexes = [
            # The grid page lists a grid's current households by address.
            models.Index(fields=["grid", "address"], name="household_grid_address_idx"),
            models.Index(fields=["phone"], name="household_phone_idx"),
            pending_index("household_pending_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(address=""),
                name="household_address_not_empty",
            ),
            confirmation_constraint("household_confirmed_by_someone"),
        ]

    def __str__(self):
        return f"{self.address} {self.head_name}"

    def get_absolute_url(self):
        return reverse("household_detail", args=[self.pk])

    def compose_address(self):
        if not self.building_id:
            return self.address
        parts = [str(self.building)]
        if self.unit:
            parts.append(f"{self.unit}单元" if self.unit.isdigit() else self.unit)
        if self.room:
            parts.append(f"{self.room}室" if self.room.isdigit() else self.room)
        return "".join(parts)

    def tag_values(self):
        return [t.tag for t in self.tags.all()]

    def tag_labels(self):
        return [HouseholdTag(t.tag).label for t in self.tags.all()]


class HouseholdTagLink(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="tags")
    tag = models.CharField(_("tag"), max_length=20, choices=HouseholdTag.choices)
    history = HistoricalRecords()  # a tag added or removed is part of the household's history

    class Meta:
        verbose_name = _("household tag")
        verbose_name_plural = _("household tags")
        constraints = [
            models.UniqueConstraint(fields=["household", "tag"], name="household_tag_unique"),
        ]
        indexes = [models.Index(fields=["tag", "household"], name="household_tag_filter_idx")]

    def __str__(self):
        return self.get_tag_display()


class PersonCategory(models.TextChoices):
    ELDERLY_ALONE = "elderly_alone", _("Elderly living alone")
    EMPTY_NEST = "empty_nest", _("Empty-nest elderly")
    DISABLED = "disabled", _("Disabled")
    MEDICAL_EQUIPMENT = "medical_equipment", _("Depends on medical equipment")
    TENANT = "tenant", _("Tenant / floating population")
    PARTY_MEMBER = "party_member", _("Party member")
    LOW_INCOME = "low_income", _("Low income")
    VETERAN = "veteran", _("Veteran")
    MINOR = "minor", _("Minor needing care")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Arrival(models.TextChoices):
    """Why a grid worker adds a resident to a household they visit."""

    MOVED_IN = "moved_in", _("Moved in")
    NEWBORN = "newborn", _("Newborn")
    TENANT = "tenant", _("Tenant")


class Departure(models.TextChoices):
    """Why a resident left the register (archived, never deleted)."""

    MOVED_OUT = "moved_out", _("Moved out")
    DECEASED = "deceased", _("Deceased")


class Resident(TimeStamped, Archivable, Versioned, Confirmable):
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="residents", verbose_name=_("household")
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50, validators=VISIBLE)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"))
    id_number = models.CharField(_("resident ID number"), max_length=18, blank=True, validators=[validate_id_number])
    mobile = models.CharField(_("mobile"), max_length=20, blank=True, validators=[validate_mobile])
    is_head = models.BooleanField(_("head of household"), default=False)
    relation_to_head = models.CharField(_("relation to head"), max_length=30, blank=True, validators=VISIBLE)
    health_notes = models.TextField(
        _("health notes"),
        blank=True,
        help_text=_("What a visitor must know, e.g. depends on a home ventilator."),
        validators=VISIBLE_LINES,
    )
    emergency_contact_name = models.CharField(_("emergency contact"), max_length=50, blank=True, validators=VISIBLE)
    emergency_contact_phone = models.CharField(
        _("emergency contact's phone"), max_length=20, blank=True, validators=[validate_phone]
    )
    emergency_contact_relation = models.CharField(_("relation"), max_length=30, blank=True, validators=VISIBLE)
    # Set by the register's services: why a grid worker added them, and why they left.
    arrival = models.CharField(_("why added"), max_length=10, choices=Arrival.choices, blank=True, editable=False)
    departure = models.CharField(_("why left"), max_length=10, choices=Departure.choices, blank=True, editable=False)
    departed_on = models.DateField(_("left on"), null=True, blank=True, editable=False)
    # Set by the retention job (gridapp.register.retention) once name, ID number and phones are erased.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["household", "-is_head", "date_of_birth"]
        # Which roles hold it by default: gridapp.scope.ROLE_PERMISSIONS.
        permissions = [
            ("reveal_id_number", _("Can reveal a resident's full ID number")),
            ("export_personal_data", _("Can export residents' personal data")),
        ]
        constraints = [
            # Blank IDs are allowed (children, unknown); a real one is registered once.
            models.UniqueConstraint(
                fields=["id_number"],
                condition=~Q(id_number=""),
                name="resident_unique_id_number",
            ),
            confirmation_constraint("resident_confirmed_by_someone"),
        ]
        indexes = [
            models.Index(fields=["household"], name="resident_household_idx"),
            # gridapp.pages.register.grids_with_counts: a grid's current residents counted from
            # the index alone (an index-only scan), by its households' ids.
            models.Index(fields=["household"], condition=Q(archived_at__isnull=True), name="resident_current_idx"),
            models.Index(Lower("name"), name="resident_name_idx"),
            models.Index(fields=["mobile"], name="resident_mobile_idx"),
            pending_index("resident_pending_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("resident_detail", args=[self.pk])

    def age_on(self, day):
        return (
            day.year
            - self.date_of_birth.year
            - ((day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day))
        )

    @property
    def age(self):
        return self.age_on(timezone.localdate())

    def category_values(self):
        return [c.category for c in self.categories.all()]

    def category_labels(self):
        return [PersonCategory(c.category).label for c in self.categories.all()]


class ResidentCategoryLink(models.Model):
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="categories")
    category = models.CharField(_("person category"), max_length=20, choices=PersonCategory.choices)
    history = HistoricalRecords()  # categories set check-in cadences: who changed them matters

    class Meta:
        verbose_name = _("person category")
        verbose_name_plural = _("person categories")
        constraints = [
            models.UniqueConstraint(fields=["resident", "category"], name="resident_category_unique"),
        ]
        indexes = [models.Index(fields=["category", "resident"], name="resident_category_filter_idx")]

    def __str__(self):
        return self.get_category_display()


class BusinessType(models.TextChoices):
    RETAIL = "retail", _("Retail")
    FOOD = "food", _("Restaurant / food")
    SERVICE = "service", _("Services")
    REPAIR = "repair", _("Repair")
    WAREHOUSE = "warehouse", _("Warehouse / workshop")
    OTHER = "other", _("Other")


class Shop(TimeStamped, Archivable, Versioned, Confirmable):
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="shops", verbose_name=_("grid"))
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, null=True, blank=True, related_name="shops", verbose_name=_("building")
    )
    name = models.CharField(_("name"), max_length=100, validators=VISIBLE)
    address = models.CharField(_("address"), max_length=200, validators=VISIBLE)
    business_type = models.CharField(
        _("business type"), max_length=20, choices=BusinessType.choices, default=BusinessType.RETAIL
    )
    street_front = models.BooleanField(_("street-front"), default=True)
    operator_name = models.CharField(_("owner / operator"), max_length=50, blank=True, validators=VISIBLE)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    licence_number = models.CharField(_("business licence number"), max_length=30, blank=True, validators=VISIBLE)
    notes = models.TextField(_("notes"), blank=True, validators=VISIBLE_LINES)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["address", "name"]
        indexes = [
            models.Index(fields=["grid", "address"], name="shop_grid_address_idx"),
            pending_index("shop_pending_idx"),
        ]
        constraints = [confirmation_constraint("shop_confirmed_by_someone")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("shop_detail", args=[self.pk])
