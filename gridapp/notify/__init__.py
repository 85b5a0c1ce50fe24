"""The inbox and the delivery channels that visits and cases both use.

``send_many`` writes each message to the recipient's inbox and one Delivery row per further
channel (e-mail when the user has an address, the community's group-robot webhook when one is
set), then — after the transaction commits — enqueues one task per delivery. ``attempt``
claims a delivery with a conditional UPDATE before sending, so a retried or duplicated task
sends nothing twice; a failure is retried with exponential backoff and jitter and marked
failed after MAX_ATTEMPTS, without holding up any other channel.

API clients' case events (``events``) are deliveries too, of their own channel: the same claim,
backoff, failure and ``retry`` (an admin sending a failed one again).
"""

import json
import logging
import random
from dataclasses import asdict, dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from gridapp.models import Channel, Delivery, DeliveryStatus, Notification, Webhook, WebhookKind

from . import events, http, render
from .allowlist import webhook_url_problem
from .http import ChannelError, Refused  # noqa: F401 (ChannelError: the channels' error, imported from here)

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BACKOFF_BASE_SECONDS = 30
# Never longer than the Redis visibility timeout, or Redis would hand the task out twice.
BACKOFF_CAP_SECONDS = 30 * 60


@dataclass(frozen=True)
class Item:
    """One tappable line of a message: who or what, where, when, and the page that settles it."""

    label: str
    url: str = ""  # a path of the site; made absolute for e-mail and group robots
    detail: str = ""
    when: str = ""  # in plain words: 已超期 9 天
    urgent: bool = False


@dataclass(frozen=True)
class Section:
    """A group of items under a title (the count is shown beside it)."""

    title: str
    items: tuple = ()

    def as_json(self):
        return {"title": self.title, "rows": [asdict(item) for item in self.items]}


@dataclass(frozen=True)
class Message:
    recipient_id: int
    kind: str
    subject: str
    body: str  # the plain-text form, also the e-mail's text alternative when there are no sections
    link: str = ""
    community_id: int | None = None
    sections: tuple = ()  # of Section, in the order the recipient should act on them
    # What happened, when several people are told of one thing (a case handed on): the group
    # robot, which the whole community reads, posts it once, not once per person told.
    event: str = ""


def send_many(messages):
    """Put each message in its recipient's inbox and queue its other deliveries."""
    if not messages:
        return []
    now = timezone.now()
    emails = dict(
        get_user_model()
        .objects.filter(pk__in={m.recipient_id for m in messages}, is_active=True)
        .exclude(email="")
        .values_list("pk", "email")
    )
    hooks = dict(
        Webhook.objects.filter(community_id__in={m.community_id for m in messages}, active=True).values_list(
            "community_id", "url"
        )
    )
    notifications = Notification.objects.bulk_create(
        Notification(
            recipient_id=m.recipient_id,
            kind=m.kind,
            subject=m.subject,
            body=m.body,
            link=m.link,
            sections=[section.as_json() for section in m.sections if section.items],
            community_id=m.community_id,
            created_at=now,
        )
        for m in messages
    )
    deliveries = []
    posted = set()  # (community, event) already on the community's group robot
    for n, (message, notification) in enumerate(zip(messages, notifications, strict=True)):
        deliveries.append(
            Delivery(
                notification=notification,
                channel=Channel.INBOX,
                status=DeliveryStatus.SENT,
                sent_at=now,
                attempts=1,
                created_at=now,
            )
        )
        if email := emails.get(message.recipient_id):
            deliveries.append(Delivery(notification=notification, channel=Channel.EMAIL, target=email, created_at=now))
        post = (message.community_id, message.event or n)
        if (url := hooks.get(message.community_id)) and post not in posted:
            posted.add(post)
            deliveries.append(Delivery(notification=notification, channel=Channel.WEBHOOK, target=url, created_at=now))
    created = Delivery.objects.bulk_create(deliveries)
    pending = [d.pk for d in created if d.status == DeliveryStatus.PENDING]
    transaction.on_commit(lambda: enqueue(pending))
    return notifications


def send(message):
    return send_many([message])[0]


def enqueue(delivery_ids):
    from gridapp.tasks import deliver  # the tasks module imports this one

    for delivery_id in delivery_ids:
        try:
            deliver.delay(delivery_id)
        except Exception:  # the broker is down: the retry sweep picks the row up later
            logger.warning("could not enqueue delivery %s; it stays pending", delivery_id, exc_info=True)


def retry(deliveries):
    """Send failed deliveries again, from a first try (an admin fixed the receiver); returns how
    many. The conditional update makes a double click, or two admins at once, queue each once."""
    ids = list(deliveries.filter(status=DeliveryStatus.FAILED).values_list("pk", flat=True))
    Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.PENDING, attempts=0, claimed_at=None
    )
    transaction.on_commit(lambda: enqueue(ids))
    return len(ids)


def backoff(attempts):
    """Seconds before the next try: exponential, capped, with full jitter."""
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0))
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 (jitter, not security)


def attempt(delivery_id):
    """Claim, send and record one delivery. Returns seconds until a retry, or None when done."""
    now = timezone.now()
    claimed = Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if claimed != 1:
        return None  # sent, failed for good, or another worker has it
    delivery = Delivery.objects.select_related(
        "notification__community__webhook", "notification__recipient", "client__user"
    ).get(pk=delivery_id)
    try:
        CHANNELS[delivery.channel](delivery)
    except Exception as exc:  # any channel error: record it and retry; never stop the others
        error = f"{type(exc).__name__}: {exc}"[:1000]
        if delivery.attempts >= MAX_ATTEMPTS or isinstance(exc, Refused):
            Delivery.objects.filter(pk=delivery_id).update(status=DeliveryStatus.FAILED, last_error=error)
            logger.error("delivery %s via %s failed for good: %s", delivery_id, delivery.channel, error)
            return None
        Delivery.objects.filter(pk=delivery_id).update(status=DeliveryStatus.PENDING, last_error=error)
        logger.warning(
            "delivery %s via %s failed (try %s): %s", delivery_id, delivery.channel, delivery.attempts, error
        )
        return backoff(delivery.attempts)
    Delivery.objects.filter(pk=delivery_id).update(status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error="")
    return None


def _send_email(delivery):
    """Plain text, and HTML with the same items in the same order when the message has them."""
    n = delivery.notification
    mail = EmailMultiAlternatives(n.subject, render.email_text(n), settings.DEFAULT_FROM_EMAIL, [delivery.target])
    if n.sections:
        mail.attach_alternative(render.email_html(n), "text/html")
    mail.send(fail_silently=False)


def _send_webhook(delivery):
    # Checked again here: the address may have been saved before GRIDAPP_WEBHOOK_HOSTS changed.
    if problem := webhook_url_problem(delivery.target):
        raise Refused(problem)
    hook = getattr(delivery.notification.community, "webhook", None)
    kind = hook.kind if hook else WebhookKind.GENERIC
    payload = render.robot_payload(kind, delivery.notification)
    http.post(delivery.target, json.dumps(payload, ensure_ascii=False).encode())


CHANNELS = {Channel.EMAIL: _send_email, Channel.WEBHOOK: _send_webhook, Channel.EVENT: events.send}
