"""Outgoing case events: each API client that asked for an event type is posted the events of the
cases its user may see (docs/api.md, "Outgoing events").

``publish`` writes one Delivery per (event, client) — the outbox — in the transaction that
changed the case, under a unique constraint, and queues them after the commit; ``send`` is their
channel in ``gridapp.notify.attempt``, which claims each row before sending, retries with backoff
and marks it failed after the last try, like every other channel. The cases app decides which
clients may see a case and what the payload holds (``cases.outbox``); this module signs and posts.
"""

import hashlib
import hmac
import json
import time
import uuid
import zoneinfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridapp.models import ApiClient, Channel, Delivery

from . import http
from .allowlist import event_url_problem

# What the receiving systems read: times in China Standard Time, whatever the server's zone.
CHINA = zoneinfo.ZoneInfo("Asia/Shanghai")


def subscribers(event_type):
    """The clients that want ``event_type`` and may be sent it now (their user's scope is the
    caller's to check)."""
    clients = (
        ApiClient.objects.filter(webhook_active=True, revoked_at__isnull=True, user__is_active=True)
        .exclude(webhook_url="")
        .select_related("user")
    )
    # A JSON list's "contains" is not a lookup SQLite has; a site has a handful of clients.
    return [client for client in clients if event_type in client.webhook_events]


def iso(moment):
    return timezone.localtime(moment, CHINA).isoformat(timespec="seconds") if moment else None


def publish(*, event_type, occurred_at, data, clients):
    """Queue one event for ``clients``: one outbox row each, sent after the transaction commits.
    Call it inside the transaction of the change it tells of. Returns the event's id."""
    if not clients:
        return None
    event_id = uuid.uuid4()
    payload = {"id": str(event_id), "type": event_type, "occurred_at": iso(occurred_at), **data}
    now = timezone.now()
    created = Delivery.objects.bulk_create(
        Delivery(channel=Channel.EVENT, client=client, event_id=event_id, payload=payload, target=client.webhook_url,
                 created_at=now)
        for client in clients
    )  # fmt: skip
    ids = [delivery.pk for delivery in created]
    from . import enqueue  # the package imports this module for its channels

    transaction.on_commit(lambda: enqueue(ids))
    return event_id


def signature(secret, timestamp, body):
    """``t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">``, as Stripe signs: the time is inside
    the signature, so a receiver that refuses old times refuses a replayed post."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def send(delivery):
    """The "event" channel: post the event, signed, to the client's webhook as it is now (an admin
    who corrected the address and retried the failed deliveries wants them there)."""
    client = delivery.client
    if client.revoked_at is not None or not client.webhook_active or not client.user.is_active:
        raise http.Refused(_("The client's events were turned off."))
    if problem := event_url_problem(client.webhook_url):
        raise http.Refused(problem)
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {
        "X-Gridapp-Event-Id": str(delivery.event_id),
        "X-Gridapp-Event-Type": delivery.payload["type"],
        "X-Gridapp-Signature": signature(client.webhook_secret, int(time.time()), body),
        "User-Agent": "gridapp-webhooks/1",
    }
    http.post(client.webhook_url, body, headers)
