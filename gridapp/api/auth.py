"""Who is calling: a registered client's key (``Authorization: Api-Key <key>`` or ``Bearer <key>``),
and how often it may (its own rate, else GRIDAPP_API_RATE)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.throttling import SimpleRateThrottle

from gridapp.accounts import api_keys
from gridapp.models import ApiClient

SCHEMES = (b"api-key", b"bearer")


class ApiKeyAuthentication(BaseAuthentication):
    """The request acts as the client's bound user; ``request.auth`` is the client."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in SCHEMES:
            return None  # no key at all: 401 "not authenticated" (IsAuthenticated)
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send the key as: Authorization: Api-Key <key>."))
        try:
            client = api_keys.authenticate(parts[1].decode("latin-1"))
        except api_keys.Revoked:
            raise exceptions.PermissionDenied(_("This API key has been revoked.")) from None
        if client is None:
            raise exceptions.AuthenticationFailed(_("This API key is not valid."))
        return client.user, client

    def authenticate_header(self, request):
        return "Api-Key"  # a 401, not a 403, for a missing or wrong key


class ClientRateThrottle(SimpleRateThrottle):
    """Requests counted per client (not per address or user: two clients of one user are two
    budgets), against the client's own rate or the site's default.

    The counts live in Django's cache: per process with the default local-memory cache, so with
    several gunicorn workers a client gets up to the rate per worker (docs/api.md)."""

    scope = "api_client"

    def allow_request(self, request, view):
        client = request.auth
        if not isinstance(client, ApiClient):
            return True  # the schema and the docs page: nobody's budget
        if client.rate:
            self.rate = client.rate
            self.num_requests, self.duration = self.parse_rate(client.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """How the schema describes the key (drf-spectacular finds this subclass by its target)."""

    target_class = "gridapp.api.auth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>` (or `Bearer <key>`): the key an admin issued to the client.",
        }
