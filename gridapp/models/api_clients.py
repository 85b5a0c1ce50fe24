"""Other systems that read and write gridapp through its API (issue 18): each is registered by an
admin, bound to a user whose scope it inherits, and holds one key, shown once and stored hashed."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# "120/min": what DRF's throttles take (s, min, hour, day).
validate_rate = RegexValidator(
    r"^\d+/(s|sec|second|m|min|minute|h|hour|d|day)$", _("Write a rate like 120/min, 5000/hour or 20000/day.")
)


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

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.prefix})"
