"""The API's settings, read by ``gridapp.settings``: Django REST framework's and drf-spectacular's,
and the default rate of a client (GRIDAPP_API_RATE, docs/operations.md). Kept here so the
settings module stays one screenful per concern; nothing here imports Django's machinery."""

import os
import re

from django.core.exceptions import ImproperlyConfigured

API_APPS = ["rest_framework", "drf_spectacular", "drf_spectacular_sidecar"]  # the sidecar: Swagger UI, no CDN

# Clients registered by admins call it with their key (gridapp.api.auth); each is limited to its own
# rate, or GRIDAPP_API_RATE (requests per s, min, hour or day). JSON only: no browsable pages.
GRIDAPP_API_RATE = os.environ.get("GRIDAPP_API_RATE", "600/min").strip()
if not re.fullmatch(r"\d+/(s|sec|second|m|min|minute|h|hour|d|day)", GRIDAPP_API_RATE):
    raise ImproperlyConfigured(f"GRIDAPP_API_RATE must be a rate like 600/min or 20000/day, not {GRIDAPP_API_RATE!r}")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["gridapp.api.auth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["gridapp.api.auth.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_client": GRIDAPP_API_RATE},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "gridapp.api.base.Pages",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "gridapp.api.base.handle_exception",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "gridapp API",
    "DESCRIPTION": "The register, visits, follow-ups and cases of the grids the client's user sees.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
