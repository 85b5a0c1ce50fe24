"""Where things are: Town → Community → Grid → Building."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gridapp.core.validators import validate_visible_lines, validate_visible_text

from .base import TimeStamped, Versioned


class Town(TimeStamped):
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("town")
        verbose_name_plural = _("towns")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Community(TimeStamped):
    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="communities", verbose_name=_("town"))
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("code"),
        max_length=10,
        unique=True,
        help_text=_("Short upper-case code used in case numbers, e.g. DLC."),
    )

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["town__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="community_unique_name_per_town"),
        ]

    def __str__(self):
        return self.name


class Grid(TimeStamped):
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="grids", verbose_name=_("community")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["community__name", "number"]
        constraints = [
            models.UniqueConstraint(fields=["community", "number"], name="grid_unique_number_per_community"),
        ]

    def __str__(self):
        return f"{self.community.name} {self.name}"

    def get_absolute_url(self):
        return reverse("grid_detail", args=[self.pk])


class Building(TimeStamped, Versioned):
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("community")
    )
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("grid"))
    road = models.CharField(_("road"), max_length=100, validators=[validate_visible_text])
    number = models.CharField(
        _("building number"),
        max_length=20,
        help_text=_("The number before 幢, e.g. 4."),
        validators=[validate_visible_text],
    )
    name = models.CharField(
        _("name"),
        max_length=100,
        blank=True,
        help_text=_("Optional, e.g. an estate name."),
        validators=[validate_visible_text],
    )
    year_built = models.PositiveSmallIntegerField(_("year built"), null=True, blank=True)
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, validators=[validate_visible_lines])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["road", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "road", "number"], name="building_unique_road_number_per_community"
            ),
        ]

    def __str__(self):
        return f"{self.road}{self.number}幢"

    def get_absolute_url(self):
        return reverse("building_detail", args=[self.pk])
