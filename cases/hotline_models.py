"""Requests that arrive through Open311 (the 12345 hotline and other systems, issue 18): each
POST is kept, with the client that sent it and its idempotency key, so that a repeated POST
creates nothing new and a request whose address resolves to no grid waits in the town-level
intake list until someone picks its grid (``cases.hotline``)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridapp.models import ApiClient

from .models import Case, Category


class HotlineRequest(models.Model):
    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="+", verbose_name=_("API client"))
    # The token Open311 answers while the request waits for its grid; later it resolves to the case.
    token = models.CharField(_("token"), max_length=32, unique=True)
    idempotency_key = models.CharField(max_length=100, blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category"))
    description = models.TextField(_("description"), max_length=4000)
    address_string = models.CharField(_("address"), max_length=255, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    first_name = models.CharField(_("first name"), max_length=50, blank=True)
    last_name = models.CharField(_("last name"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    media_url = models.URLField(_("photo link"), max_length=500, blank=True)
    case = models.OneToOneField(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="hotline_request", verbose_name=_("case")
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("hotline request")
        verbose_name_plural = _("hotline requests")
        ordering = ["received_at", "pk"]
        constraints = [
            # A POST repeated with the same Idempotency-Key by the same client finds this row.
            models.UniqueConstraint(
                fields=["client", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="hotline_request_unique_idempotency_key",
            ),
        ]
        indexes = [
            # The intake list: the requests still waiting for their grid.
            models.Index(fields=["received_at"], condition=Q(case__isnull=True), name="hotline_waiting_idx"),
        ]

    def __str__(self):
        return self.token

    @property
    def reporter(self):
        return f"{self.last_name}{self.first_name}".strip()
