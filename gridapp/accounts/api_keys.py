"""The API clients' keys: issued once, stored hashed, checked on every API request, revoked by an
admin. The API's authentication (``gridapp.api.auth``) and, later, Open311's ``api_key`` ask
``authenticate``; the admin calls ``issue`` and ``revoke``."""

import datetime
import hashlib
import hmac
import re
import secrets

from django.utils import timezone

from gridapp.models import ApiClient

# last_used_at is written when older than this, so a busy client costs no write per request.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


PREFIX = re.compile(r"[0-9a-f]{8}")  # secrets.token_hex(4)


class Revoked(Exception):
    """The key was right but an admin revoked it (or its user can no longer log in)."""


def _hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


def issue(*, name, user, rate=""):
    """A new client and its key. The key is returned this once and never stored."""
    prefix = secrets.token_hex(4)
    key = f"{prefix}.{secrets.token_urlsafe(32)}"
    client = ApiClient.objects.create(name=name, user=user, rate=rate, prefix=prefix, key_hash=_hash(key))
    return client, key


def new_key(client):
    """Give an existing client a new key (its old one stops working at once); returns the key."""
    prefix = secrets.token_hex(4)
    key = f"{prefix}.{secrets.token_urlsafe(32)}"
    ApiClient.objects.filter(pk=client.pk).update(prefix=prefix, key_hash=_hash(key))
    client.refresh_from_db()
    return key


def revoke(client, now=None):
    """Stop the client's key working; kept, with its last use, for the record."""
    ApiClient.objects.filter(pk=client.pk, revoked_at=None).update(revoked_at=now or timezone.now())
    client.refresh_from_db()


def authenticate(key, now=None):
    """The client holding ``key``, or None for a key that is no key of ours; raises Revoked for
    one revoked (or whose user is inactive), so the caller can say so rather than "wrong key"."""
    prefix, dot, _ = (key or "").partition(".")
    if not dot or not PREFIX.fullmatch(prefix):
        return None  # not even shaped like a key (nor sent to the database: PostgreSQL refuses NULs)
    client = ApiClient.objects.select_related("user").filter(prefix=prefix).first()
    if client is None or not hmac.compare_digest(client.key_hash, _hash(key)):
        return None
    if client.revoked_at is not None or not client.user.is_active:
        raise Revoked(client)
    now = now or timezone.now()
    if client.last_used_at is None or now - client.last_used_at >= LAST_USED_PRECISION:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
    return client
