"""The installable app: the web app manifest and the service worker (served from the site root so
that it controls every page; ``static/js/offline.js`` registers it for logged-in users only)."""

import functools
import hashlib
import json

from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

# The app shell: what the pages need to draw without signal. Personal data is never here: the
# pack of the worker's grid lives in IndexedDB (visits/offline.py says what it holds).
SHELL_STATIC = (
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "css/gridapp.css",
    "css/home.css",
    "css/visits.css",
    "js/gridapp.js",
    "js/visits.js",
    "js/offline.js",
    "js/offline_page.js",
    "icons/icon-192.png",
    "icons/icon-512.png",
)
SW_TEMPLATE = "offline/sw.js"


@functools.cache
def version():
    """Changes with every deploy that changes the shell or the worker itself, so phones drop the
    old caches: a digest of their contents (the hashed static names are not there with DEBUG)."""
    digest = hashlib.sha256()
    for name in SHELL_STATIC:
        path = finders.find(name)
        with open(path, "rb") as f:
            digest.update(f.read())
    digest.update(get_template(SW_TEMPLATE).template.source.encode())
    return digest.hexdigest()[:12]


@login_not_required
@require_safe
@never_cache  # a phone must learn of a new version at once
def service_worker(request):
    shell = [reverse("offline_page"), *(static(name) for name in SHELL_STATIC)]
    body = render_to_string(
        SW_TEMPLATE,
        {
            "version": json.dumps(version()),
            "shell": json.dumps(shell),
            "offline_url": json.dumps(reverse("offline_page")),
            "static_prefix": json.dumps(static("")),
        },
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@login_not_required
@require_safe
def manifest(request):
    """The web app manifest, in the user's language (Chinese unless switched)."""
    body = {
        "name": "网格通",  # the app's name, in Chinese in every language
        "short_name": "网格通",
        "description": _("Visits, check-ins and cases of your grid, also without signal."),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0d6efd",
        "icons": [
            {"src": static(f"icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any"}
            for size in (192, 512)
        ],
    }
    response = JsonResponse(body, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "max-age=3600"
    return response


def clear_site_data(view):
    """At log-out the browser forgets what it kept for the user: the caches, IndexedDB (the
    offline pack and any queued visit), local storage and the service worker (static/js/offline.js
    clears the same before sending the log-out, for browsers that ignore the header)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response

    return wrapped
