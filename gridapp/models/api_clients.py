"""Other systems that read and write gridapp through its API (issue 18): each is registered by an
admin, bound to a user whose scope it inherits, and holds one key, shown once and stored hashed."""

import secrets

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# "120/min": what DRF's throttles take (s, min, hour, day).
validate_rate = RegexValidator(
    r"^\d+/(s|sec|second|m|min|minute|h|hour|d|day)$", _("Write a rate like 120/min, 5000/hour or 20000/day.")
)


def new_webhook_secret():
    """The key a client's webhook posts are signed with (``gridapp.notify.events``)."""
    return secrets.token_urlsafe(32)


class WebhookEvent(models.TextChoices):
    """The case events a client's webhook may be sent (docs/api.md, "Outgoing events")."""

    CREATED = "case.created", _("Case reported")
    STATE_CHANGED = "case.state_changed", _("Case changed state")
    CLOSED = "case.closed", _("Case closed")
    FEEDBACK = "case.feedback", _("Complainant's feedback recorded")


class ApiClient(models.Model):
    """A system allowed to call the API. It acts as ``user``, through the same scope as that user's
    pages (``gridapp.scope``): a client bound to Grid 1's worker sees Grid 1, nothing else.

    The key is ``<prefix>.<secret>``; only the prefix (to find the row and to tell keys apart in
    the admin) and the SHA-256 of the whole key are kept (``gridapp.accounts.api_keys``). A key
    of 256 random bits needs no slow hash: nobody guesses it, whatever the speed."""

    name = models.CharField(_("name"), max_length=100, help_text=_("The system, e.g. the district's 12345 hotline."))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_clients",
        verbose_name=_("acts as"),
        help_text=_("The client sees and changes what this user may, no more."),
    )
    prefix = models.CharField(_("key prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    rate = models.CharField(
        _("rate limit"),
        max_length=20,
        blank=True,
        validators=[validate_rate],
        help_text=_("Requests allowed, e.g. 120/min. Blank: the site's default (GRIDAPP_API_RATE)."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    # Written at most once a minute (``api_keys.authenticate``), not on every request.
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    # Outgoing events (docs/api.md): case events of the cases ``user`` may see are posted here,
    # signed with ``webhook_secret``. The secret must be kept as it is to sign with, so unlike the
    # key it is stored in clear and shown to admins on the client's admin page.
    webhook_url = models.URLField(
        _("webhook URL"),
        max_length=300,
        blank=True,
        help_text=_("Where case events are posted; its host must be on GRIDAPP_EVENT_HOSTS."),
    )
    webhook_events = models.JSONField(_("events"), default=list, blank=True)
    webhook_active = models.BooleanField(_("send events"), default=False)
    webhook_secret = models.CharField(_("signing secret"), max_length=64, default=new_webhook_secret)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.prefix})"
