"""/healthz, and the pages for a request too large (413) or malformed (400)."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.defaults import page_not_found

from . import health


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """200 when every check passes, 503 naming those that fail. No log-in, no personal data, no
    settings: a fixed, small number of queries (a SELECT 1 and the newest heartbeat)."""
    results = health.run_checks()
    healthy = all(result["ok"] for result in results.values())
    body = {"status": "ok" if healthy else "unavailable", "checks": results}
    return JsonResponse(body, status=200 if healthy else 503)


def _page(template, status, context=None):
    """Rendered without the request's context processors: these pages may be needed before the
    user is known (a bad Host header is refused before authentication)."""
    return HttpResponse(render_to_string(template, context or {}), status=status)


def too_large(request):
    return _page("413.html", 413, {"limit": filesizeformat(settings.GRIDAPP_MAX_REQUEST_BYTES)})


def bad_request(request, exception=None):
    """handler400: Django's limit on form data ends in the "too large" page; anything else
    malformed gets a page in the user's language rather than a bare "Bad Request"."""
    if isinstance(exception, RequestDataTooBig):
        return too_large(request)
    return _page("400.html", 400)


API_PREFIX = "/api/"


def not_found(request, exception=None):
    """handler404: Django's page, except under /api/, where clients read JSON (docs/api.md)."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": gettext("Not found."), "code": "not_found"}, status=404)
    return page_not_found(request, exception)
