"""The inbox and its delivery channels (see ``gridapp.notify``), and the worker heartbeat."""

import datetime

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .api_clients import ApiClient
from .base import TimeStamped
from .places import Community


class WorkerHeartbeat(models.Model):
    """The last time the Celery worker ran its periodic heartbeat; shown to admins."""

    hostname = models.CharField(_("worker"), max_length=200, unique=True)
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return f"{self.hostname} @ {self.seen_at:%Y-%m-%d %H:%M}"

    @property
    def is_recent(self):
        return timezone.now() - self.seen_at < datetime.timedelta(minutes=5)


class Notification(models.Model):
    """One message in a user's in-app inbox; other channels deliver copies of it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=30)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    link = models.CharField(_("link"), max_length=200, blank=True)
    # The message as a list of tappable items, grouped (``gridapp.notify.Section``, stored as
    # dicts): the inbox page, the HTML e-mail and the group-robot card are drawn from it; ``body``
    # stays its plain-text form. Empty for a message that is only text.
    sections = models.JSONField(_("items"), default=list, blank=True)
    community = models.ForeignKey(
        Community, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("community")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            # The navbar's unread count and the inbox list.
            models.Index(
                fields=["recipient", "-created_at"], condition=Q(read_at__isnull=True), name="notification_unread_idx"
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx"),
        ]

    def __str__(self):
        return self.subject


class Channel(models.TextChoices):
    INBOX = "inbox", _("In-app inbox")
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Group robot webhook")
    EVENT = "event", _("API client's webhook")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One notification sent through one channel, or one case event sent to one API client's
    webhook (the outbox of ``gridapp.notify.events``); claimed before sending, so a retried or
    duplicated task sends nothing twice."""

    notification = models.ForeignKey(
        Notification,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("notification"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    target = models.CharField(_("sent to"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # A case event for an API client (channel "event"): the client, the event's id (the same for
    # every client told of it) and the JSON it is sent, fixed when the case changed.
    client = models.ForeignKey(
        ApiClient,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("API client"),
    )
    event_id = models.UUIDField(_("event id"), null=True, blank=True)
    payload = models.JSONField(_("payload"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="delivery_one_per_channel"),
            # Exactly once per event per client: a second row for the pair cannot be written.
            models.UniqueConstraint(fields=["event_id", "client"], name="delivery_one_per_event_client"),
            models.CheckConstraint(
                condition=(
                    Q(channel="event", notification__isnull=True, client__isnull=False, event_id__isnull=False)
                    | (~Q(channel="event") & Q(notification__isnull=False, client__isnull=True, event_id__isnull=True))
                ),
                name="delivery_message_or_event",
            ),
        ]
        indexes = [
            # The retry sweep and the failed-deliveries page.
            models.Index(fields=["status", "created_at"], name="delivery_status_idx"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} · {self.get_status_display()}"


class WebhookKind(models.TextChoices):
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")
    GENERIC = "generic", _("Generic JSON")


class Webhook(TimeStamped):
    """A community's group robot: digests and escalations are posted there as JSON."""

    community = models.OneToOneField(
        Community, on_delete=models.CASCADE, related_name="webhook", verbose_name=_("community")
    )
    url = models.URLField(_("URL"), max_length=500, validators=[URLValidator(schemes=["http", "https"])])
    kind = models.CharField(_("kind"), max_length=10, choices=WebhookKind.choices, default=WebhookKind.WECOM)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self):
        return f"{self.community} · {self.get_kind_display()}"
