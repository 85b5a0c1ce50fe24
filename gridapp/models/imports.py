"""Imports of the register (see ``gridapp.imports``)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .base import TimeStamped
from .places import Grid


class ImportKind(models.TextChoices):
    HOUSEHOLDS = "households", _("Households and residents")
    SHOPS = "shops", _("Shops")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    VALIDATING = "validating", _("Checking")
    READY = "ready", _("Ready to import")
    HAS_ERRORS = "has_errors", _("Has errors")
    COMMITTING = "committing", _("Importing")
    DONE = "done", _("Imported")
    CANCELLED = "cancelled", _("Cancelled")
    FAILED = "failed", _("Failed")


class ImportBatch(TimeStamped):
    """One uploaded register file: checked (preview), then imported in one transaction or not at
    all. Its status moves only through ``gridapp.imports.services``; kept, never deleted: it
    says who brought which rows into the register, and the history rows name it."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="imports", verbose_name=_("grid"))
    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    filename = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # Relative to MEDIA_ROOT/imports; the worker reads the file from there.
    stored_path = models.CharField(_("stored file"), max_length=300)
    file_format = models.CharField(_("format"), max_length=10)  # xlsx or csv
    language = models.CharField(_("language"), max_length=10, default="zh-hans")  # of the error messages
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    # {"households": {"created": 3, "updated": 1, "unchanged": 0}, "residents": {…}, "shops": {…}}
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    # [{"row": 4312, "column": "身份证号", "message": "…"}, …], at most GRIDAPP_IMPORT_MAX_ERRORS
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    committed_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")
        ordering = ["-created_at"]
        indexes = [
            # The imports page: the batches of the user's grids, newest first.
            models.Index(fields=["grid", "-created_at"], name="importbatch_grid_idx"),
        ]

    def __str__(self):
        return f"{self.filename} · {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse("import_detail", args=[self.pk])

    @property
    def change_reason(self):
        """The history rows of what this import changed carry this reason."""
        return f"import:{self.pk}"
