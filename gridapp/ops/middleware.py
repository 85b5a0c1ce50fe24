"""The request id and the access line of every request, and the refusal of oversized bodies."""

import logging
import re
import time
import uuid

from django.conf import settings

from . import logs, views

access = logging.getLogger("gridapp.access")

# nginx's $request_id is 32 hex digits; other proxies send UUIDs. Anything else is replaced.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def request_id(request):
    """The proxy's X-Request-ID when a proxy is configured (GRIDAPP_TRUSTED_PROXY_COUNT), so its
    log line and ours share the id; without a proxy anyone could choose it, so we make one."""
    if settings.GRIDAPP_TRUSTED_PROXY_COUNT > 0:
        given = request.headers.get("X-Request-ID", "")
        if _REQUEST_ID.fullmatch(given):
            return given
    return uuid.uuid4().hex


class RequestLogMiddleware:
    """Give each request an id (``request.request_id``, the X-Request-ID response header, and every
    log line written while it runs) and write one line on ``gridapp.access`` when it is answered:
    method, path (never the query string, which may hold a searched phone number), status,
    duration and the user's id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id(request)
        token = logs.bind(request)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id
            access.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
            return response
        finally:
            logs.unbind(token)


class RequestSizeMiddleware:
    """A body larger than GRIDAPP_MAX_REQUEST_BYTES is answered 413 with a page in the user's
    language, from its Content-Length, before anything reads it (a view, or CSRF's check of the
    form). Django's own limit on form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) ends in the same page
    through ``views.bad_request``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.GRIDAPP_MAX_REQUEST_BYTES:
            return views.too_large(request)
        return self.get_response(request)
